// The operator console: one page over the admin API (README, "The operator console").
// Written for a strict Content-Security-Policy: no inline code or styles, no eval, no
// innerHTML. Every value from the API reaches the page as text (textContent, setAttribute),
// so an event name, id or payload can never become markup.
"use strict";
(() => {
  const TOKEN_KEY = "atlas-admin-token";
  const REFRESH_MS = 15000;
  const PAGE = 50;
  const SVG_NS = "http://www.w3.org/2000/svg";

  // Plain words for the ledger's vocabulary.
  const STATES = {
    pending: ["waiting", "b-idle", "Received, waiting to be sent."],
    delivering: ["sending", "b-warn", "Being sent right now."],
    delivered: ["delivered", "b-ok", "The destination accepted it."],
    retrying: ["retrying", "b-warn", "Not accepted yet: it is tried again automatically, with growing waits."],
    dead: ["failed", "b-bad", "Failed for good (a dead letter): see why below, fix it, then Replay."],
    paused: ["kept", "b-idle", "Kept, not sent: the destination is paused. Resume it on the Overview to send it."],
  };
  const DEST_STATUS = {
    healthy: ["healthy", "b-ok"],
    retrying: ["retrying", "b-warn"],
    gone: ["gone", "b-bad"],
    paused: ["paused", "b-idle"],
  };
  const REASONS = {
    rejected: "Rejected: the destination answered with an error that retrying would not fix (such as 400 or 404: often a wrong or changed hook URL).",
    exhausted: "Gave up: the destination kept failing (busy, down or too slow) through every attempt.",
    body_expired: "Its stored copy expired before it could be sent: press Replay in AtlasBrokers.",
    unknown_destination: "Its destination is no longer configured.",
    dead_letter_queue: "Cloudflare's queue gave up on it after repeated failures.",
    direct_failed: "Direct mode: AtlasBrokers was told it failed; press Replay in AtlasBrokers to send it again.",
  };
  const OUTCOMES = {
    delivered: "accepted",
    queue_full: "Make's queue was full",
    gone: "410 Gone: hook off or deleted",
    http_error: "error answer",
    timeout: "no answer in time",
    network_error: "could not connect",
  };
  const NEXT = { done: "done", retry: "try again", kept: "kept (paused)", dead: "gave up (dead letter)", replay: "Replay in AtlasBrokers" };
  const SERIES = [
    ["delivered", "delivered"], ["retrying", "retrying"], ["dead", "failed (dead letters)"],
    ["paused", "kept while paused"], ["pending", "waiting"],
  ];

  const $ = (id) => document.getElementById(id);
  const main = $("main");
  // events: the catalog's event names, from the overview (the worker reads them from the core).
  const state = { renderId: 0, health: null, events: null, seen: new Set(), testEvent: {}, busy: 0 };

  // ---- DOM building (text only) ----
  function add(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }
  function setAttrs(el, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "class") el.setAttribute("class", v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    return el;
  }
  const h = (tag, attrs, ...children) => add(setAttrs(document.createElement(tag), attrs), children);
  const svg = (tag, attrs, ...children) => add(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
  const badge = (text, cls, title) => h("span", { class: "badge " + cls, title }, text);

  // ---- formatting ----
  const pad = (n) => String(n).padStart(2, "0");
  const fmt = (ms) => new Date(ms).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const clock = (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  function relative(ms) {
    const s = Math.round((Date.now() - ms) / 1000);
    const a = Math.abs(s);
    const text = a < 60 ? a + " s" : a < 3600 ? Math.round(a / 60) + " min" : a < 172800 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " days";
    return s >= 0 ? text + " ago" : "in " + text;
  }
  function when(ms, none = "never") {
    if (ms === null || ms === undefined) return h("span", { class: "muted" }, none);
    return h("time", { datetime: new Date(ms).toISOString() }, fmt(ms), " ", h("span", { class: "muted small" }, "(" + relative(ms) + ")"));
  }
  const latency = (ms) => (ms === null || ms === undefined ? "—" : ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s");
  const percent = (r) => (r === null || r === undefined ? "—" : (Math.floor(r * 1000) / 10) + " %");
  const bytes = (n) => (n < 1024 ? n + " bytes" : (n / 1024).toFixed(1) + " KB");
  const plural = (n, one, many) => n + " " + (n === 1 ? one : many || one + "s");
  const shortId = (id) => id.slice(0, 12) + "…";
  const product = (host) => (/zapier/i.test(host || "") ? "Zapier" : /make\.com|integromat/i.test(host || "") ? "Make" : "The destination");
  function toLocalInput(ms) {
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  // datetime-local values have no offset: JavaScript reads them as local time.
  const fromLocalInput = (v) => (v ? new Date(v).getTime() : null);

  // ---- the admin API ----
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }
  function tooMany(retryAfter) {
    const minutes = Math.max(1, Math.ceil((Number(retryAfter) || 900) / 60));
    return `Too many failed attempts: wait ${plural(minutes, "minute")}, then try again.`;
  }
  /** A JSON call; resolves `{status, body}` for 2xx and the statuses in `accept`, else throws ApiError. */
  async function api(method, path, { auth = token(), accept = [] } = {}) {
    let res;
    try {
      res = await fetch(path, { method, headers: auth ? { authorization: "Bearer " + auth } : {}, cache: "no-store", credentials: "omit" });
    } catch {
      throw new ApiError(0, "network", "Could not reach the edge verifier: the network request failed. Check your connection, then press Refresh.");
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (res.ok || accept.includes(res.status)) return { status: res.status, body };
    const e = body && body.error;
    const code = (typeof e === "string" ? e : e && e.code) || "http_" + res.status;
    let message = (body && body.message) || (e && e.message) || `The edge verifier answered HTTP ${res.status}.`;
    if (res.status === 429) message = tooMany(res.headers.get("retry-after"));
    throw new ApiError(res.status, code, message);
  }
  /** An error from a signed-in call: a 401 means the token changed, so sign in again. */
  function failed(e) {
    if (e instanceof ApiError && e.status === 401) {
      signOut("Your admin token was not accepted any more (was ADMIN_TOKEN changed?). Sign in again.");
      return true;
    }
    return false;
  }
  const errorText = (e) => (e instanceof ApiError ? e.message : "Something went wrong in this page: " + (e && e.message));

  // ---- notices ----
  function notify(text, error = false) {
    const n = $("notice");
    n.textContent = text;
    n.className = error ? "notice error" : "notice";
    n.hidden = !text;
  }
  /** Runs an action with its button disabled; shows its error. */
  async function act(button, fn) {
    if (button) button.disabled = true;
    state.busy++;
    try {
      await fn();
    } catch (e) {
      if (!failed(e)) notify(errorText(e), true);
    } finally {
      state.busy--;
      if (button && button.isConnected) button.disabled = false;
    }
  }

  // ---- confirm dialog ----
  function confirmAction(title, text, okLabel) {
    const dialog = $("confirm");
    const ok = $("confirm-ok");
    const cancel = $("confirm-cancel");
    const opener = document.activeElement;
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    ok.textContent = okLabel;
    return new Promise((resolve) => {
      const done = (answer) => {
        ok.onclick = cancel.onclick = dialog.oncancel = null;
        if (dialog.open) dialog.close();
        if (opener && opener.isConnected) opener.focus();
        resolve(answer);
      };
      ok.onclick = () => done(true);
      cancel.onclick = () => done(false);
      dialog.oncancel = (event) => {
        event.preventDefault();
        done(false);
      };
      dialog.showModal();
      cancel.focus();
    });
  }

  // ---- sign-in ----
  function signOut(message) {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // storage unavailable: nothing kept
    }
    state.health = null;
    state.renderId++;
    renderSignIn(message);
  }
  function renderSignIn(message) {
    $("nav").hidden = true;
    $("signout").hidden = true;
    main.setAttribute("aria-busy", "false");
    notify("");
    document.title = "Sign in · Deliveries console";
    const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "token-help" });
    const error = h("p", { id: "signin-error", class: "result error", role: "alert" }, message || "");
    const button = h("button", { type: "submit" }, "Sign in");
    const form = h("form", { id: "signin", novalidate: true },
      h("label", { for: "token" }, "Admin token"), input,
      h("p", { id: "token-help", class: "explain" },
        "The ADMIN_TOKEN secret of this edge verifier (set with ", h("code", null, "npx wrangler secret put ADMIN_TOKEN"),
        "). It stays in this browser tab only and is forgotten when you close it or sign out."),
      error, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const candidate = input.value.trim();
      if (!candidate) {
        error.textContent = "Enter the admin token.";
        return input.focus();
      }
      button.disabled = true;
      error.textContent = "";
      try {
        await api("GET", "/admin/deliveries?limit=1", { auth: candidate });
        sessionStorage.setItem(TOKEN_KEY, candidate);
        input.value = "";
        render();
      } catch (e) {
        error.textContent = e.status === 401
          ? "That token was not accepted. Check it (it is case-sensitive) and try again."
          : errorText(e);
        input.focus();
      } finally {
        button.disabled = false;
      }
    });
    main.replaceChildren(h("section", { class: "card signin", "aria-labelledby": "signin-title" },
      h("h1", { id: "signin-title", tabindex: "-1" }, "Sign in"),
      h("p", null, "See every delivery from AtlasBrokers, what Zapier and Make answered, and fix what failed."),
      form,
      h("details", null, h("summary", null, "Safer: put Cloudflare Access in front"),
        h("p", { class: "explain" },
          `In the Cloudflare dashboard, open Zero Trust > Access > Applications and add a self-hosted application for ${location.host}/admin/* `,
          "with a policy that allows only your email address. Cloudflare then asks for a one-time code before this page opens; the token is still needed."))));
    input.focus();
  }

  // ---- routing: #/overview, #/deliveries?…, #/delivery/<id>, #/dead-letters?… ----
  function route() {
    const hash = location.hash.startsWith("#/") ? location.hash.slice(2) : "overview";
    const q = hash.indexOf("?");
    const [view, arg] = (q < 0 ? hash : hash.slice(0, q)).split("/");
    return { view, arg: arg || "", params: new URLSearchParams(q < 0 ? "" : hash.slice(q + 1)) };
  }
  /** Navigates; `main` is busy from now until the view is drawn (tests and screen readers wait on it). */
  function go(hash) {
    main.setAttribute("aria-busy", "true");
    if (location.hash === hash) render(false);
    else location.hash = hash;
  }
  const VIEWS = { overview: overviewView, deliveries: deliveriesView, delivery: deliveryView, "dead-letters": deadLettersView };
  const TITLES = { overview: "Overview", deliveries: "Deliveries", delivery: "Delivery", "dead-letters": "Dead letters" };

  /** Draws the view of the URL. `navigated`: focus its heading (not on a refresh). */
  async function render(navigated = true) {
    if (!token()) return renderSignIn();
    const r = route();
    const view = VIEWS[r.view] ? r.view : "overview";
    const id = ++state.renderId;
    const current = () => id === state.renderId;
    main.setAttribute("aria-busy", "true");
    $("nav").hidden = false;
    $("signout").hidden = false;
    for (const a of $("nav").querySelectorAll("a")) {
      const here = a.dataset.view === view || (view === "delivery" && a.dataset.view === "deliveries");
      if (here) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = TITLES[view] + " · Deliveries console";
    if (navigated) main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    // The header names the mode and version; the filters list the destinations.
    if (!state.health) await health().catch(() => null);
    // The event filters suggest the catalog's events; the overview view reads them itself.
    if (!state.events && view !== "overview") await catalog().catch(() => null);
    // Keep keyboard focus across a refresh: interactive elements have stable ids.
    const focused = !navigated && document.activeElement && document.activeElement.id;
    let content;
    try {
      content = await VIEWS[view](r);
    } catch (e) {
      if (!current() || failed(e)) return;
      content = [h("h1", { tabindex: "-1" }, TITLES[view]),
        h("div", { class: "card" }, h("p", { class: "result error" }, errorText(e)),
          h("button", { type: "button", id: "retry", onclick: () => render(false) }, "Try again"))];
    }
    if (!current()) return;
    main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
    main.setAttribute("aria-busy", "false");
    const again = focused && $(focused);
    if (again) again.focus();
    else if (navigated) {
      const heading = main.querySelector("h1");
      if (heading) heading.focus();
    }
  }
  async function health() {
    const res = await api("GET", "/healthz", { auth: null, accept: [503] });
    state.health = res.body;
    const where = [res.body.mode + " mode", res.body.version && "version " + res.body.version].filter(Boolean).join(" · ");
    $("where").textContent = "AtlasBrokers edge verifier · " + where;
    return res.body;
  }
  async function catalog() {
    state.events = (await api("GET", "/admin/overview")).body.events || null;
  }
  const destinationNames = () => ((state.health && state.health.destinations) || []).map((d) => d.name);
  const heading = (text) => h("div", { class: "row spread" }, h("h1", { tabindex: "-1" }, text),
    h("button", { type: "button", class: "quiet", id: "refresh", onclick: (e) => act(e.currentTarget, () => render(false)) }, "Refresh"));

  // ---- overview ----
  async function overviewView() {
    const [ov, hz] = await Promise.all([api("GET", "/admin/overview"), health()]);
    const o = ov.body;
    state.events = o.events || state.events;
    const dests = o.destinations || [];
    const attention = dests.filter((d) => d.status !== "healthy");
    const problems = [];
    for (const p of [...(hz.problems || []), ...(o.problems || [])]) if (!problems.includes(p)) problems.push(p);
    for (const g of hz.gone || []) problems.push(g.action);
    if (hz.ledger && hz.ledger.state !== "ok" && hz.ledger.action) problems.push("The delivery ledger is " + hz.ledger.state.replace("_", " ") + ": " + hz.ledger.action);
    const dead = dests.reduce((n, d) => n + (d.deadLetters || 0), 0);
    const env = hz.envelopeProblems;
    const fine = !problems.length && !attention.length && !dead;
    const headline = fine
      ? "Everything is arriving: every destination is healthy."
      : "Needs attention: " + [
        attention.length && attention.map((d) => `${d.name} is ${d.status}`).join(", "),
        dead && plural(dead, "dead letter"),
        problems.length && plural(problems.length, "configuration problem"),
      ].filter(Boolean).join("; ") + ".";
    const mode = o.mode === "direct"
      ? "Direct mode: each delivery is forwarded while AtlasBrokers waits; when one fails, AtlasBrokers is told, and its Replay sends it again."
      : "Queue mode: deliveries are accepted at once and forwarded in the background, with automatic retries.";
    const list = h("ul", { class: "problems" }, problems.map((p) => h("li", null, p)));
    if (dead) list.append(h("li", null, plural(dead, "delivery", "deliveries") + " failed for good (dead letters). ", h("a", { href: "#/dead-letters", id: "see-dead-letters" }, "See why and replay them"), "."));
    if (env && env.count) list.append(h("li", null, `${plural(env.count, "authentic delivery", "authentic deliveries")} did not have the expected shape (last: ${env.last}); they were forwarded anyway, marked with X-Atlas-Envelope-Problem.`));
    return [
      heading("Overview"),
      h("section", { class: "card summary " + (fine ? "fine" : "attention"), "aria-label": "Summary" },
        h("p", { class: "status-line" }, h("strong", null, headline)),
        list.childElementCount ? list : null,
        h("p", { class: "explain" }, mode, " Updated ", clock(o.nowMs || Date.now()), "; refreshed every 15 seconds while this tab is visible.")),
      h("section", { "aria-labelledby": "dest-title" },
        h("h2", { id: "dest-title", class: "sr-only" }, "Destinations"),
        dests.length ? h("div", { class: "grid" }, dests.map((d) => destinationCard(d, hz))) : h("p", { class: "card" }, "No destination is configured: set ZAPIER_HOOK_URL or MAKE_HOOK_URL (see README, Configuration).")),
      o.perMinute ? chart(o.perMinute) : null,
    ];
  }
  function statusText(d) {
    const who = product(d.host);
    switch (d.status) {
      case "gone":
        return `Gone: ${who} answered 410, so the Zap or scenario was turned off or its hook deleted. Deliveries for it are kept meanwhile (none are lost). Turn it back on, or create a new hook and put its URL in the hook URL secret, then press Resume.`;
      case "paused":
        return `Paused${d.pausedSinceMs ? " since " + fmt(d.pausedSinceMs) : ""}: deliveries for it are kept, not sent. Press Resume to send them, oldest first.`;
      case "retrying":
        return `Retrying: ${who} did not accept ${plural(d.retrying || 0, "delivery", "deliveries")} yet (busy, down or slow). They are tried again automatically with growing waits; nothing to do unless this lasts for hours.`;
      default:
        return "Healthy: deliveries are being accepted.";
    }
  }
  function stats(d) {
    const row = (label, p) => h("tr", null, h("th", { scope: "row" }, label),
      h("td", { class: "num" }, String(p.attempts ?? 0)), h("td", { class: "num" }, percent(p.successRate)),
      h("td", { class: "num" }, latency(p.p50Ms)), h("td", { class: "num" }, latency(p.p95Ms)));
    return h("table", { class: "stats" },
      h("caption", { class: "sr-only" }, `Forwarding to ${d.name} over the last hour and the last day`),
      h("thead", null, h("tr", null, h("td"), ["Attempts", "Accepted", "Typical time (p50)", "Slowest 5 % (p95)"].map((c) => h("th", { scope: "col", class: "num" }, c)))),
      h("tbody", null, row("Last hour", d.hour || {}), row("Last day", d.day || {})));
  }
  function destinationCard(d, hz) {
    const name = d.name;
    const [label, cls] = DEST_STATUS[d.status] || [d.status, "b-idle"];
    // What its routes send it, first; then the rest of the catalog.
    const routed = d.receives || [];
    const events = state.events || routed;
    const chosen = state.testEvent[name] || routed[0] || "deal.won";
    const select = h("select", { id: "test-event-" + name, "aria-describedby": "test-help-" + name, onchange: (e) => (state.testEvent[name] = e.target.value) },
      routed.length ? h("optgroup", { label: "Sent to " + name }, routed.map((e) => h("option", { value: e }, e))) : null,
      h("optgroup", { label: routed.length ? "Other events" : "Events" }, events.filter((e) => !routed.includes(e)).map((e) => h("option", { value: e }, e))));
    select.value = chosen;
    const result = h("p", { class: "result", id: "test-result-" + name });
    const held = d.status === "paused" || d.status === "gone";
    const toggle = held
      ? h("button", { type: "button", id: "resume-" + name, onclick: (e) => act(e.currentTarget, () => resume(name)) }, "Resume")
      : h("button", { type: "button", class: "danger", id: "pause-" + name, onclick: (e) => act(e.currentTarget, () => pause(name)) }, "Pause");
    const send = h("button", { type: "button", class: "quiet", id: "test-send-" + name, onclick: (e) => act(e.currentTarget, () => testSend(name, select.value, result)) }, "Send test");
    const who = product(d.host);
    const kpi = (term, value) => h("div", null, h("dt", null, term), h("dd", null, value));
    return h("article", { class: "card dest", "aria-labelledby": "dest-" + name, "data-destination": name },
      h("div", { class: "row spread" },
        h("div", { class: "row" }, h("h3", { id: "dest-" + name }, name), badge(label, cls)),
        h("span", { class: "muted small" }, "sends to ", h("span", { class: "mono" }, d.host || "?"))),
      h("p", { class: "explain" }, statusText(d)),
      h("dl", { class: "kpis" },
        kpi("Last accepted", d.lastSuccessAtMs ? [fmt(d.lastSuccessAtMs), " ", h("span", { class: "muted small" }, "(" + relative(d.lastSuccessAtMs) + ")")] : h("span", { class: "muted" }, "never")),
        kpi("Waiting to retry", String(d.retrying || 0)),
        held || d.kept ? kpi("Kept while paused", String(d.kept || 0)) : null,
        kpi("Dead letters", d.deadLetters ? h("a", { href: "#/dead-letters?destination=" + encodeURIComponent(name), id: "dead-of-" + name }, String(d.deadLetters)) : "0")),
      stats(d),
      h("div", { class: "row actions", role: "group", "aria-label": "Actions for " + name },
        toggle,
        h("a", { href: "#/deliveries?destination=" + encodeURIComponent(name), id: "deliveries-of-" + name }, "Its deliveries")),
      h("div", { class: "row actions test" }, h("label", { for: select.id, class: "inline" }, "Test event"), select, send),
      h("p", { class: "explain small", id: "test-help-" + name }, `Send test: the catalog's sample of the event, every field filled, so ${who === "The destination" ? "the destination" : who} can learn its fields (not recorded here).`),
      result);
  }
  async function pause(name) {
    const yes = await confirmAction(`Pause ${name}?`,
      `While ${name} is paused, deliveries for it are kept here and not sent. When you press Resume, they are sent in the order they arrived. Use this while you fix or re-create the Zap or scenario.`,
      `Pause ${name}`);
    if (!yes) return;
    await api("POST", `/admin/destinations/${encodeURIComponent(name)}/pause`);
    notify(`${name} is paused: deliveries for it are kept until you press Resume.`);
    await render(false);
    focusId("resume-" + name);
  }
  async function resume(name) {
    const res = await api("POST", `/admin/destinations/${encodeURIComponent(name)}/resume`);
    const kept = (res.body && (res.body.kept ?? res.body.requeued)) || 0;
    notify(`${name} resumed: ${plural(kept, "kept delivery is", "kept deliveries are")} being sent, oldest first.`);
    await render(false);
    focusId("pause-" + name);
  }
  function focusId(id) {
    const el = $(id);
    if (el) el.focus();
  }
  async function testSend(name, event, result) {
    result.textContent = "Sending…";
    result.className = "result";
    try {
      const res = await api("POST", `/admin/test/${encodeURIComponent(name)}?event=${encodeURIComponent(event)}`, { accept: [502] });
      const r = (res.body && res.body.destination) || {};
      const answer = r.status ? "HTTP " + r.status : "no answer";
      const text = res.status === 200
        ? `${name} accepted the ${event} sample (${answer}).`
        : `${name} did not accept the ${event} sample: ${OUTCOMES[r.outcome] || r.outcome} (${answer}).`;
      result.textContent = text;
      result.className = res.status === 200 ? "result" : "result error";
      notify(text, res.status !== 200);
    } catch (e) {
      result.textContent = errorText(e);
      result.className = "result error";
      throw e;
    }
  }
  /** Deliveries per minute over the last hour, stacked by what became of them. */
  function chart(per) {
    const minutes = per.minutes || [];
    const W = 760, H = 160, L = 34, B = 22, T = 8;
    const total = (m) => SERIES.reduce((n, [k]) => n + (m[k] || 0), 0);
    const max = Math.max(1, ...minutes.map(total));
    const top = max <= 2 ? max : Math.ceil(max / 2) * 2;
    const bw = (W - L) / Math.max(minutes.length, 1);
    const y = (v) => H - B - (v / top) * (H - B - T);
    const sums = Object.fromEntries(SERIES.map(([k]) => [k, minutes.reduce((n, m) => n + (m[k] || 0), 0)]));
    const chartSvg = svg("svg", { viewBox: `0 0 ${W} ${H}`, "aria-labelledby": "chart-title chart-summary", role: "group", focusable: "false" },
      [0, top / 2, top].map((v) => [
        svg("line", { class: "grid-line", x1: L, x2: W, y1: y(v), y2: y(v) }),
        svg("text", { class: "axis", x: L - 6, y: y(v) + 4, "text-anchor": "end" }, String(Math.round(v * 10) / 10)),
      ]),
      minutes.map((m, i) => {
        const x = L + i * bw;
        const parts = SERIES.filter(([k]) => m[k]).map(([k, label]) => `${m[k]} ${label}`);
        let base = 0;
        return svg("g", null,
          svg("title", null, `${clock(m.atMs)}: ${parts.length ? parts.join(", ") : "nothing received"}`),
          svg("rect", { class: "hit", x, y: T, width: bw, height: H - B - T }),
          SERIES.filter(([k]) => m[k]).map(([k]) => {
            const v = m[k];
            const r = svg("rect", { class: "s-" + k, x: x + 1, width: Math.max(bw - 2, 1), y: y(base + v), height: y(base) - y(base + v) });
            base += v;
            return r;
          }));
      }),
      minutes.length ? [
        svg("text", { class: "axis", x: L, y: H - 6 }, clock(minutes[0].atMs)),
        svg("text", { class: "axis", x: L + (W - L) / 2, y: H - 6, "text-anchor": "middle" }, clock(minutes[Math.floor(minutes.length / 2)].atMs)),
        svg("text", { class: "axis", x: W, y: H - 6, "text-anchor": "end" }, "now"),
      ] : null);
    return h("section", { class: "card chart", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, "Deliveries per minute, last hour"),
      h("p", { id: "chart-summary", class: "explain" }, "By what became of them at each destination: ",
        SERIES.map(([k, label]) => `${sums[k]} ${label}`).join(", "), "."),
      chartSvg,
      h("ul", { class: "legend", "aria-label": "Legend" }, SERIES.map(([k, label]) => h("li", null, h("span", { class: "swatch s-" + k }), label))));
  }

  // ---- filters (deliveries and dead letters) ----
  /** The query the API gets from the URL's params (only the names it knows). */
  function apiQuery(params, names, extra = {}) {
    const q = new URLSearchParams();
    for (const n of names) if (params.get(n)) q.set(n, params.get(n));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }
  function filterForm(view, params, fields) {
    const field = (id, label, control) => h("div", null, h("label", { for: id }, label), control);
    const select = (id, name, options) => {
      const el = h("select", { id, name }, options.map(([v, t]) => h("option", { value: v }, t)));
      el.value = params.get(name) || "";
      return el;
    };
    const controls = [];
    if (fields.includes("event")) {
      const events = [...new Set([...(state.events || []), ...state.seen])].sort();
      controls.push(field("f-event", "Event", h("input", { id: "f-event", name: "event", list: "event-list", value: params.get("event") || "", placeholder: "any event", autocomplete: "off", size: "16" })),
        h("datalist", { id: "event-list" }, events.map((e) => h("option", { value: e }))));
    }
    if (fields.includes("destination")) controls.push(field("f-destination", "Destination", select("f-destination", "destination", [["", "any destination"], ...destinationNames().map((n) => [n, n])])));
    if (fields.includes("state")) controls.push(field("f-state", "Outcome", select("f-state", "state", [["", "any outcome"], ...Object.entries(STATES).map(([k, [label]]) => [k, label])])));
    if (fields.includes("reason")) controls.push(field("f-reason", "Why it failed", select("f-reason", "reason", [["", "any reason"], ...Object.keys(REASONS).map((k) => [k, k.replace(/_/g, " ")])])));
    for (const [name, label] of [["from", "Received from"], ["to", "Received before"]]) {
      const v = Number(params.get(name));
      controls.push(field("f-" + name, label, h("input", { id: "f-" + name, name, type: "datetime-local", value: v ? toLocalInput(v) : null })));
    }
    const form = h("form", { class: "card filters", id: "filters", role: "search", "aria-label": "Filters" }, controls,
      h("div", { class: "buttons" },
        h("button", { type: "submit", id: "apply" }, "Apply filters"),
        h("button", { type: "button", class: "quiet", id: "clear", onclick: () => go("#/" + view) }, "Clear")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const q = new URLSearchParams();
      for (const el of form.elements) {
        if (!el.name || !el.value.trim()) continue;
        q.set(el.name, el.type === "datetime-local" ? String(fromLocalInput(el.value)) : el.value.trim());
      }
      go("#/" + view + (q.toString() ? "?" + q : ""));
    });
    return form;
  }
  function describe(params, names) {
    const parts = names.filter((n) => params.get(n)).map((n) => {
      const v = params.get(n);
      if (n === "from") return "received from " + fmt(Number(v));
      if (n === "to") return "received before " + fmt(Number(v));
      if (n === "reason") return "reason " + v.replace(/_/g, " ");
      return n + " " + v;
    });
    return parts.length ? parts.join(", ") : "no filter (all of them)";
  }
  /** `cursorOf(row)`: the API's `before` for the page after `row` (its time and id: rows of the same millisecond are not skipped). */
  function pager(view, params, rows, cursorOf) {
    const buttons = [];
    if (params.get("before")) {
      const newest = new URLSearchParams(params);
      newest.delete("before");
      buttons.push(h("button", { type: "button", class: "quiet", id: "newest", onclick: () => go("#/" + view + (newest.toString() ? "?" + newest : "")) }, "Newest"));
    }
    if (rows.length >= PAGE) {
      const older = new URLSearchParams(params);
      older.set("before", cursorOf(rows[rows.length - 1]));
      buttons.push(h("button", { type: "button", class: "quiet", id: "older", onclick: () => go("#/" + view + "?" + older) }, "Older"));
    }
    return buttons.length ? h("div", { class: "pager" }, buttons) : null;
  }
  const td = (label, ...children) => h("td", { "data-label": label }, ...children);
  const deliveryLink = (id) => (/^[0-9a-f]{64}$/.test(id) ? h("a", { href: "#/delivery/" + id, title: id, class: "mono" }, shortId(id)) : h("span", { class: "mono" }, String(id)));
  /** Rows open their delivery on click; the link in each row is the keyboard path. */
  function linkRow(tr, id) {
    tr.className = "link";
    tr.addEventListener("click", (event) => {
      if (event.target.closest("a, button")) return;
      go("#/delivery/" + id);
    });
    return tr;
  }

  // ---- deliveries ----
  const DELIVERY_FILTERS = ["event", "destination", "state", "from", "to"];
  async function deliveriesView(r) {
    const p = r.params;
    const res = await api("GET", "/admin/deliveries?" + apiQuery(p, [...DELIVERY_FILTERS, "before"], { limit: PAGE }));
    // A filter by outcome alone walks destinations: a delivery may come once per destination.
    const seenIds = new Set();
    const rows = (res.body.deliveries || []).filter((d) => !seenIds.has(d.id) && seenIds.add(d.id));
    for (const d of rows) if (d.event) state.seen.add(d.event);
    const table = rows.length
      ? h("table", { class: "stack" },
        h("caption", { class: "sr-only" }, "Deliveries, newest first"),
        h("thead", null, h("tr", null, ["Event", "Delivery", "Workspace", "Received", "At each destination"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, rows.map((d) => linkRow(h("tr", null,
          td("Event", d.event || h("span", { class: "muted" }, "(none)"), d.envelopeProblem ? [" ", badge("odd shape", "b-warn", "Authentic, but not the expected envelope: " + d.envelopeProblem)] : null),
          td("Delivery", deliveryLink(d.id)),
          td("Workspace", d.workspaceId || h("span", { class: "muted" }, "—")),
          td("Received", when(d.receivedAtMs), d.lastReceivedAtMs && d.lastReceivedAtMs !== d.receivedAtMs ? h("div", { class: "muted small" }, "posted again " + relative(d.lastReceivedAtMs)) : null),
          td("At each destination", outcomes(d.destinations || []))), d.id))))
      : h("p", null, p.toString() ? "No deliveries match these filters." : "No deliveries yet. They appear here as soon as AtlasBrokers sends one.");
    return [heading("Deliveries"),
      filterForm("deliveries", p, DELIVERY_FILTERS),
      h("section", { class: "card", "aria-label": "Deliveries list" },
        h("p", { class: "muted small" }, "Newest first. ", describe(p, DELIVERY_FILTERS).replace(/^./, (c) => c.toUpperCase()), ". Open one to see every attempt."),
        table, pager("deliveries", p, res.body.deliveries || [], (d) => d.receivedAtMs + ":" + d.id))];
  }
  function outcomes(targets) {
    if (!targets.length) return h("span", { class: "muted" }, "no destination takes this event");
    return h("div", { class: "badges" }, targets.map((t) => {
      const [label, cls, why] = STATES[t.state] || [t.state, "b-idle", ""];
      const tries = t.attempts > 0 ? ` · ${plural(t.attempts, "attempt")}` : "";
      return badge(`${t.destination}: ${label}${tries}`, cls, why + (t.lastStatus ? ` Last answer: HTTP ${t.lastStatus}.` : ""));
    }));
  }

  // ---- one delivery ----
  async function deliveryView(r) {
    const id = r.arg;
    if (!/^[0-9a-f]{64}$/.test(id)) return [h("h1", { tabindex: "-1" }, "Delivery"), h("p", { class: "card" }, "This address does not name a delivery. ", h("a", { href: "#/deliveries" }, "See all deliveries"), ".")];
    const res = await api("GET", "/admin/deliveries/" + id);
    const { delivery: d, destinations: targets = [], attempts = [] } = res.body;
    const facts = h("dl", { class: "facts" },
      h("dt", null, "Delivery id"), h("dd", { class: "mono" }, d.id),
      h("dt", null, "Event"), h("dd", null, d.event || "(none)"),
      h("dt", null, "Workspace"), h("dd", null, d.workspaceId || "—"),
      h("dt", null, "Received"), h("dd", null, when(d.receivedAtMs)),
      d.lastReceivedAtMs && d.lastReceivedAtMs !== d.receivedAtMs ? [h("dt", null, "Posted again"), h("dd", null, when(d.lastReceivedAtMs), " (a Replay from AtlasBrokers)")] : null,
      h("dt", null, "Size"), h("dd", null, bytes(d.size || 0)),
      d.envelopeProblem ? [h("dt", null, "Shape"), h("dd", null, "Authentic, but not the expected envelope (", h("code", null, d.envelopeProblem), "); forwarded anyway, marked.")] : null);
    return [
      h("p", { class: "small" }, h("a", { href: "#/deliveries" }, "← All deliveries")),
      heading((d.event || "Unnamed") + " delivery"),
      h("section", { class: "card", "aria-label": "Delivery" }, facts),
      targets.length ? targets.map((t) => targetCard(d, t, attempts.filter((a) => a.destination === t.destination)))
        : h("p", { class: "card" }, "No destination takes this event, so nothing was forwarded."),
      payloadCard(d),
    ];
  }
  function targetCard(d, t, attempts) {
    const [label, cls] = STATES[t.state] || [t.state, "b-idle"];
    const name = t.destination;
    const lines = [];
    if (t.state === "delivered") lines.push(`Accepted ${t.deliveredAtMs ? fmt(t.deliveredAtMs) : ""} after ${plural(t.attempts, "attempt")}.`);
    else if (t.state === "retrying") lines.push(`Not accepted yet after ${plural(t.attempts, "attempt")}; next attempt ${t.nextAttemptAtMs ? fmt(t.nextAttemptAtMs) + " (" + relative(t.nextAttemptAtMs) + ")" : "soon"}.`);
    else if (t.state === "dead") lines.push("Failed for good (a dead letter). " + (REASONS[t.deadReason] || t.deadReason || ""), t.lastStatus ? ` Last answer: HTTP ${t.lastStatus}.` : "");
    else lines.push((STATES[t.state] || [])[2] || "");
    if (t.generation > 1) lines.push(` Sent again by a replay (${plural(t.generation - 1, "time")}).`);
    const replay = t.state === "dead"
      ? h("button", { type: "button", id: "replay-" + name, onclick: (e) => act(e.currentTarget, () => replayOne(d.id + ":" + name, name, () => render(false))) }, "Replay to " + name)
      : null;
    const rows = [...attempts].sort((a, b) => a.startedAtMs - b.startedAtMs);
    const replays = new Set(rows.map((a) => a.generation)).size > 1;
    const table = rows.length
      ? h("table", { class: "stack timeline" },
        h("caption", { class: "sr-only" }, "Attempts to " + name + ", oldest first"),
        h("thead", null, h("tr", null, ["Time", "Attempt", "Answer", "Took", "Outcome", "Then"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, rows.map((a, i) => {
          const last = i === rows.length - 1;
          let then = NEXT[a.next] || a.next || "";
          if (last && a.next === "retry" && t.state === "retrying" && t.nextAttemptAtMs) then += " at " + fmt(t.nextAttemptAtMs);
          return h("tr", null,
            h("th", { scope: "row", "data-label": "Time" }, when(a.startedAtMs)),
            td("Attempt", (replays ? `replay ${a.generation - 1}, ` : "") + a.attempt),
            td("Answer", a.status ? "HTTP " + a.status : h("span", { class: "muted" }, "no answer")),
            td("Took", latency(a.latencyMs)),
            td("Outcome", OUTCOMES[a.outcome] || a.outcome || ""),
            td("Then", then));
        })))
      : h("p", { class: "muted" }, "No attempts yet.");
    return h("section", { class: "card", "aria-labelledby": "target-" + name },
      h("div", { class: "row spread" }, h("h2", { id: "target-" + name }, name), badge(label, cls)),
      h("p", null, lines), replay, table);
  }
  function payloadCard(d) {
    const area = h("div", { id: "payload-area" });
    const button = h("button", { type: "button", class: "quiet", id: "show-payload", "aria-expanded": "false", "aria-controls": "payload-area" }, "Show payload");
    button.addEventListener("click", () => act(button, async () => {
      if (button.getAttribute("aria-expanded") === "true") {
        area.replaceChildren();
        button.textContent = "Show payload";
        button.setAttribute("aria-expanded", "false");
        return;
      }
      let res;
      try {
        res = await api("GET", `/admin/deliveries/${d.id}/payload`);
      } catch (e) {
        if (e instanceof ApiError && e.status !== 401 && e.status !== 0) {
          area.replaceChildren(h("p", { class: "result error" }, "Not available: ", e.message,
            " Bodies are kept only while a delivery waits for its attempts, and for dead letters and deliveries kept for a paused destination; a delivered one's body is not stored."));
          return;
        }
        throw e;
      }
      let text = res.body.body;
      try {
        text = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: shown as received
      }
      area.replaceChildren(h("pre", { class: "payload", tabindex: "0", "aria-label": "Payload" }, text));
      button.textContent = "Hide payload";
      button.setAttribute("aria-expanded", "true");
    }));
    return h("section", { class: "card", "aria-labelledby": "payload-title" },
      h("h2", { id: "payload-title" }, "Payload"),
      h("p", { class: "explain" }, "Hidden: lead and contact events carry personal information (names, emails, phone numbers). Showing it writes an audit line to the worker's log (that it was shown, never what it holds)."),
      button, area);
  }
  async function replayOne(id, name, then) {
    await api("POST", `/admin/dead-letters/${id}/replay`);
    notify(`Sent to ${name} again, from its first attempt. Its outcome appears on the delivery's page.`);
    await then();
    const h1 = main.querySelector("h1");
    if (h1 && !main.contains(document.activeElement)) h1.focus();
  }

  // ---- dead letters ----
  const DEAD_FILTERS = ["destination", "event", "reason", "from", "to"];
  async function deadLettersView(r) {
    const p = r.params;
    const filter = apiQuery(p, DEAD_FILTERS, { limit: 500 });
    const [res, dry] = await Promise.all([
      api("GET", "/admin/dead-letters?" + apiQuery(p, [...DEAD_FILTERS, "before"], { limit: PAGE })),
      api("POST", "/admin/dead-letters/replay?" + filter + "&dryRun=true"),
    ]);
    const letters = res.body.deadLetters || [];
    for (const l of letters) if (l.event) state.seen.add(l.event);
    const matched = dry.body.matched || 0;
    const bulk = matched
      ? h("button", { type: "button", id: "replay-all", onclick: (e) => act(e.currentTarget, () => replayAll(p)) }, `Replay all ${matched}${matched >= 500 ? "+" : ""} matching`)
      : null;
    const table = letters.length
      ? h("table", { class: "stack" },
        h("caption", { class: "sr-only" }, "Dead letters, newest first"),
        h("thead", null, h("tr", null, ["Event", "Delivery", "Destination", "Why", "Attempts", "Last answer", "Failed", "Action"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, letters.map((l) => linkRow(h("tr", null,
          td("Event", l.event || "(none)"),
          td("Delivery", deliveryLink(l.deliveryId)),
          td("Destination", l.destination),
          td("Why", h("span", { title: REASONS[l.reason] || "" }, (l.reason || "").replace(/_/g, " ")), h("div", { class: "muted small" }, REASONS[l.reason] || "")),
          td("Attempts", String(l.attempts ?? "")),
          td("Last answer", l.lastStatus ? "HTTP " + l.lastStatus : OUTCOMES[l.lastOutcome] || "—"),
          td("Failed", when(l.failedAtMs)),
          td("Action", /^[0-9a-f]{64}:[A-Za-z0-9_-]{1,64}$/.test(l.id)
            ? h("button", { type: "button", class: "quiet", id: "replay-" + l.id, "aria-label": `Replay ${l.event || ""} to ${l.destination}`, onclick: (e) => act(e.currentTarget, () => replayOne(l.id, l.destination, () => render(false))) }, "Replay")
            : null)), l.deliveryId))))
      : h("p", null, p.toString() ? "No dead letters match these filters." : "No dead letters: nothing failed for good. ");
    return [heading("Dead letters"),
      h("p", { class: "explain" }, "Deliveries a destination refused or never accepted after every attempt. Fix the cause (the Zap or scenario, its hook URL), then replay them: each is sent again from its first attempt. Their stored copies are kept 30 days."),
      filterForm("dead-letters", p, DEAD_FILTERS),
      h("section", { class: "card", "aria-label": "Dead letters list" },
        h("div", { class: "row spread" }, h("p", { class: "muted small" }, "Newest first. ", plural(matched, "dead letter matches", "dead letters match") + (matched >= 500 ? " (or more)" : "") + ": " + describe(p, DEAD_FILTERS) + "."), bulk),
        table, pager("dead-letters", p, letters, (l) => l.receivedAtMs + ":" + l.id))];
  }
  async function replayAll(p) {
    const filter = apiQuery(p, DEAD_FILTERS, { limit: 500 });
    const dry = await api("POST", "/admin/dead-letters/replay?" + filter + "&dryRun=true");
    const n = dry.body.matched || 0;
    if (!n) {
      notify("No dead letters match any more: nothing to replay.");
      return render(false);
    }
    const yes = await confirmAction(`Replay ${plural(n, "dead letter")}?`,
      `${plural(n, "dead letter")} matching ${describe(p, DEAD_FILTERS)} will be sent again, oldest first, each from its first attempt.${n >= 500 ? " At most 500 go per press: press again for the rest." : ""}`,
      `Replay ${n}`);
    if (!yes) return;
    const res = await api("POST", "/admin/dead-letters/replay?" + filter);
    const b = res.body;
    notify(`Replay: ${b.matched} matched, ${b.replayed} sent again` + (b.failed ? `, ${b.failed} could not be (their stored copy expired or the queue failed: try again, or press Replay in AtlasBrokers).` : "."), Boolean(b.failed));
    await render(false);
    const h1 = main.querySelector("h1");
    if (h1) h1.focus();
  }

  // ---- start ----
  function start() {
    $("signout").addEventListener("click", () => signOut("Signed out. The token was removed from this tab."));
    $("skip").addEventListener("click", (event) => {
      event.preventDefault();
      main.focus();
    });
    window.addEventListener("hashchange", () => {
      if (!location.hash.startsWith("#/")) return;
      notify("");
      render();
    });
    const due = () => token() && route().view === "overview" && document.visibilityState === "visible" && !state.busy && !$("confirm").open;
    setInterval(() => {
      if (due()) render(false);
    }, REFRESH_MS);
    document.addEventListener("visibilitychange", () => {
      if (due()) render(false);
    });
    render();
  }
  start();
})();
