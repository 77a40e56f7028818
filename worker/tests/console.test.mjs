// The operator console (worker/console/, served at /admin/) in headless Chromium against the
// edge verifier under `wrangler dev --local`, with local destinations standing in for Zapier
// and Make: sign-in, deliveries and their outcomes, retries in a delivery's timeline, payloads
// hidden until asked, replaying one dead letter and all matching a filter, pause and resume,
// test sends, keyboard-only use, a phone's width; no console errors and no CSP violations.
// Driven by playwright-core with Debian's chromium (no browser download). One edge for the
// file: the tests run in order and each uses its own events. Screenshots of the overview and
// of a delivery go to target/screenshots/, or to $SCREENSHOTS_DIR (`make screenshots`: docs/).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { sampleBody } from "atlasbrokers-webhooks";
import { ROOT, Sink, eventually, randomToken, sleep } from "./edge-harness.mjs";
import { ADMIN, SECRET, assertForwarded, edgeFor, idOf } from "./scenario.mjs";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = process.env.SCREENSHOTS_DIR ? path.resolve(ROOT, process.env.SCREENSHOTS_DIR) : path.join(ROOT, "target/screenshots");
const ROUTES = [
  { name: "zapier", urlSecret: "ZAPIER_HOOK_URL", events: ["lead.*", "contact.*", "deal.won", "booking.*"] },
  { name: "make", urlSecret: "MAKE_HOOK_URL", events: ["deal.*", "policy.*", "claim.filed", "invoice.*"] },
];

// What each destination answers, by event: a status kept until changed, or a list of
// statuses answered once each (then 200). Zapier answers JSON, Make "Accepted", as they do.
const answers = { zapier: {}, make: {} };
function script(name) {
  return (n, record) => {
    const plan = answers[name][record.headers["x-atlas-event"]];
    const status = Array.isArray(plan) ? (plan.shift() ?? 200) : (plan ?? 200);
    if (status !== 200) return { status, json: { error: "scripted failure" } };
    return name === "make" ? { status, text: "Accepted" } : { status, json: { status: "success" } };
  };
}

/** A catalog sample of `event` made distinct (its data.id and workspace). */
function bodyOf(event, workspace = "ws_abc123") {
  const envelope = JSON.parse(sampleBody(event));
  envelope.data.id = `${envelope.data.id}_${randomToken()}`;
  envelope.workspaceId = workspace;
  return JSON.stringify(envelope);
}

/**
 * An hour and a day of earlier traffic, written into the ledger before the edge starts, so the
 * overview's numbers and chart (and its screenshot) have a history: deliveries most minutes,
 * some accepted on a second attempt after a 503, and two that Make never accepted (dead
 * letters, "exhausted"; no body kept). Events the tests below do not use.
 */
function history(now) {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const sql = [];
  const str = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v}'`);
  const insert = (table, row) => sql.push(`INSERT INTO ${table} (${Object.keys(row).join(", ")}) VALUES (${Object.values(row).map(str).join(", ")});`);
  const minutesAgo = [...Array.from({ length: 58 }, (_, i) => 59 - i), 180, 420, 700, 1000];
  for (const ago of minutesAgo) {
    const count = Math.floor(random() * 4);
    for (let k = 0; k < count; k++) {
      const [event, destinations] = [["lead.converted", ["zapier"]], ["contact.updated", ["zapier"]], ["invoice.paid", ["make"]], ["deal.created", ["make"]]][Math.floor(random() * 4)];
      const at = now - ago * 60_000 + Math.floor(random() * 50_000);
      const id = idOf(`seeded ${ago} ${k}`);
      const dead = (ago === 41 || ago === 23) && k === 0 && destinations[0] === "make";
      insert("deliveries", { id, event, workspace_id: ["ws_harbour", "ws_northside", "ws_lakeview"][k % 3], received_at: at, last_received_at: at, size: 230 + k, signature: "seeded", body_key: null, envelope_problem: null });
      for (const destination of destinations) {
        const retried = !dead && random() < 0.12;
        const tries = dead ? 3 : retried ? 2 : 1;
        let t = at + 40;
        for (let n = 1; n <= tries; n++) {
          const ok = n === tries && !dead;
          const latency = ok ? 60 + Math.floor(random() * (destination === "make" ? 500 : 250)) : 30 + Math.floor(random() * 60);
          insert("attempts", { delivery_id: id, destination, generation: 1, attempt: n, started_at: t, latency_ms: latency, status: ok ? 200 : 503, outcome: ok ? "delivered" : "http_error", next: ok ? "done" : n === tries ? "dead" : "retry" });
          t += latency + 15_000;
        }
        insert("targets", { delivery_id: id, destination, event, received_at: at, state: dead ? "dead" : "delivered", generation: 1, attempts: tries, last_status: dead ? 503 : 200, last_outcome: dead ? "http_error" : "delivered", next_attempt_at: null, claim_token: null, claim_until: null, dead_reason: dead ? "exhausted" : null, delivered_at: dead ? null : t, updated_at: t });
      }
    }
  }
  // A burst: more deliveries than a page, all received in one millisecond two days ago.
  for (let k = 0; k < BURST; k++) {
    const id = idOf(`burst ${k}`);
    const at = now - 2 * 86_400_000;
    insert("deliveries", { id, event: "booking.cancelled", workspace_id: "ws_harbour", received_at: at, last_received_at: at, size: 240, signature: "seeded", body_key: null, envelope_problem: null });
    insert("targets", { delivery_id: id, destination: "zapier", event: "booking.cancelled", received_at: at, state: "delivered", generation: 1, attempts: 1, last_status: 200, last_outcome: "delivered", next_attempt_at: null, claim_token: null, claim_until: null, dead_reason: null, delivered_at: at + 90, updated_at: at + 90 });
  }
  return sql.join("\n");
}
const BURST = 53;

let edge, zapier, make, browser, page, base;
const consoleErrors = [];
const cspViolations = [];
// API answers the tests provoke on purpose (a wrong token, a payload not stored, an aborted
// request): Chromium reports each as "Failed to load resource" in the console.
const provoked = [];

before(async () => {
  zapier = new Sink("zapier", script("zapier"));
  make = new Sink("make", script("make"));
  await Promise.all([zapier.listen(), make.listen()]);
  ({ edge } = await edgeFor([zapier, make], {
    beforeLaunch: (e) => e.ledger(history(Date.now())),
    vars: { ROUTES: JSON.stringify(ROUTES), ALLOW_HTTP_LOOPBACK: "true", MAX_ATTEMPTS: "3", BACKOFF_BASE_MS: "1000", FORWARD_TIMEOUT_MS: "3000" },
    secrets: { ATLAS_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN, ZAPIER_HOOK_URL: zapier.url, MAKE_HOOK_URL: make.url },
  }));
  base = edge.base;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.exposeFunction("reportCspViolation", (v) => cspViolations.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => consoleErrors.push("pageerror: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const url = m.location().url || "";
    if (/^Failed to load resource/.test(m.text()) && provoked.some((p) => url.startsWith(base + p))) return;
    consoleErrors.push(`${m.text()} (${url})`);
  });
});

after(async () => {
  await browser?.close();
  await edge?.stop();
  await Promise.all([zapier?.close(), make?.close()]);
});

/** Waits until the page has drawn its view (`main` is aria-busy while it loads). */
const settle = () => page.locator('main[aria-busy="false"]').waitFor();

/**
 * Opens a view by its hash (again if it is the current one) and waits for its heading. A view
 * drawn as an error fails here, with the page's message and the edge's last lines, unless the
 * test expects one (`{ error: true }`).
 */
async function open(hash, heading, { error = false } = {}) {
  await page.evaluate((h) => {
    document.querySelector("main").setAttribute("aria-busy", "true");
    if (location.hash === h) dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = h;
  }, hash);
  await settle();
  await page.locator("main h1", { hasText: heading }).waitFor();
  if (error) return;
  const shown = await page.$$eval("main > .card > .result.error", (els) => els.map((e) => e.textContent));
  const edgeTail = edge.output().trim().split("\n").slice(-30).join("\n");
  assert.deepEqual(shown, [], `${hash} was drawn as an error; the edge's last lines:\n${edgeTail}`);
}

/** Each delivery's row on the deliveries view: event, short id's title (the full id), badges. */
function rows() {
  return page.$$eval("main table tbody tr", (trs) => trs.map((tr) => ({
    event: tr.cells[0].textContent.trim(),
    id: tr.querySelector("a[title]")?.getAttribute("title"),
    workspace: tr.cells[2].textContent,
    badges: [...tr.querySelectorAll(".badge")].map((b) => b.textContent).sort(),
  })));
}

/** The admin API's view of one delivery once every destination has `states`. */
function settled(id, states) {
  return eventually(async () => {
    const res = await edge.admin("GET", `/admin/deliveries/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.fromEntries(res.json.destinations.map((t) => [t.destination, t.state])), states);
    return res.json;
  }, 30_000);
}

async function post(body) {
  const res = await edge.post(body);
  assert.equal(res.status, 202, JSON.stringify(res.json));
  return idOf(body);
}

test("the console is served under its strict policy; a wrong token is refused, the right one opens it", async () => {
  const res = await page.goto(base + "/admin/");
  assert.equal(res.status(), 200);
  const csp = res.headers()["content-security-policy"];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.ok(!csp.includes("unsafe"), csp);
  for (const [file, type] of [["console.js", "text/javascript"], ["console.css", "text/css"]]) {
    const asset = await fetch(`${base}/admin/${file}`);
    assert.equal(asset.status, 200);
    assert.ok(asset.headers.get("content-type").startsWith(type));
    assert.equal(asset.headers.get("content-security-policy"), csp);
    assert.equal(asset.headers.get("x-content-type-options"), "nosniff");
  }
  // The listener sees violations: an inline script is refused (then forgotten).
  await page.evaluate(() => document.body.append(Object.assign(document.createElement("script"), { textContent: "window.ran = 1" })));
  await eventually(() => {
    assert.equal(cspViolations.length, 1);
    assert.ok(consoleErrors.some((e) => /inline script/i.test(e)));
  }, 5_000, 50);
  assert.equal(await page.evaluate(() => window.ran), undefined);
  cspViolations.length = 0;
  consoleErrors.length = 0;

  await page.locator("#token").waitFor();
  provoked.push("/admin/deliveries?limit=1");
  await page.fill("#token", "not-the-token");
  await page.press("#token", "Enter");
  await page.locator("#signin-error", { hasText: "That token was not accepted" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal(await page.locator("nav").isHidden(), true, "nothing but the sign-in before a token");

  await page.fill("#token", ADMIN);
  await page.click("#signin button[type=submit]");
  await page.locator("main h1", { hasText: "Overview" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("atlas-admin-token")), ADMIN);
  assert.ok(!page.url().includes(ADMIN), "never the token in the URL");
  assert.deepEqual(await page.evaluate(() => document.cookie), "");
  // A reload keeps the session and the view.
  await open("#/dead-letters", "Dead letters");
  await page.reload();
  await page.locator("main h1", { hasText: "Dead letters" }).waitFor();
});

test("deliveries sent through the worker appear with their outcome at each destination", async () => {
  answers.make["claim.filed"] = 400; // rejected: a dead letter at once
  const won = await post(bodyOf("deal.won", "ws_harbour"));
  const claim = await post(bodyOf("claim.filed", "ws_northside"));
  const policy = await post(bodyOf("policy.created"));
  await settled(won, { make: "delivered", zapier: "delivered" });
  await settled(claim, { make: "dead" });
  await settled(policy, { make: "delivered" });

  await open("#/deliveries", "Deliveries");
  const list = await rows();
  assert.deepEqual(list.slice(0, 3).map((r) => r.id), [policy, claim, won], "newest first");
  const of = (id) => list.find((r) => r.id === id);
  assert.deepEqual(of(won).badges, ["make: delivered · 1 attempt", "zapier: delivered · 1 attempt"]);
  assert.equal(of(won).workspace, "ws_harbour");
  assert.deepEqual(of(claim).badges, ["make: failed · 1 attempt"]);
  assert.deepEqual(of(policy).badges, ["make: delivered · 1 attempt"]);

  // Filters go into the address (a reload keeps them) and reach the API.
  await page.selectOption("#f-state", "dead");
  await page.click("#apply");
  await settle();
  assert.equal(await page.evaluate(() => location.hash), "#/deliveries?state=dead");
  await page.reload();
  await settle();
  await page.locator("main h1", { hasText: "Deliveries" }).waitFor();
  assert.equal(await page.inputValue("#f-state"), "dead");
  const dead = await rows();
  assert.ok(dead.some((r) => r.id === claim) && !dead.some((r) => r.id === won || r.id === policy));
  for (const r of dead) assert.ok(r.badges.some((b) => / failed · /.test(b)), JSON.stringify(r));

  await page.click("#clear");
  await settle();
  assert.equal(await page.inputValue("#f-state"), "");
  await page.fill("#f-event", "deal.won");
  await page.selectOption("#f-destination", "zapier");
  await page.click("#apply");
  await settle();
  assert.equal(await page.evaluate(() => location.hash), "#/deliveries?event=deal.won&destination=zapier");
  assert.deepEqual((await rows()).map((r) => r.id), [won]);
  // A filter the API refuses: its message says why.
  provoked.push("/admin/deliveries?event=");
  await page.fill("#f-event", "Deal Won");
  await page.click("#apply");
  await settle();
  await page.locator("main .result.error", { hasText: "event must be an event name" }).waitFor();
});

test("paging goes on after a page's last row: deliveries of the same millisecond are not skipped", async () => {
  const seen = [];
  for (const [hash, expected] of [["#/deliveries?event=booking.cancelled", 50], ["#/deliveries?destination=zapier&state=delivered&event=booking.cancelled", 50]]) {
    await open(hash, "Deliveries");
    const first = await rows();
    assert.equal(first.length, expected, hash);
    await page.click("#older");
    await page.waitForFunction((top) => document.querySelector("main table tbody tr a[title]")?.getAttribute("title") !== top, first[0].id);
    await settle();
    assert.match(await page.evaluate(() => location.hash), /before=\d+%3A[0-9a-f]{64}/);
    const second = await rows();
    const ids = [...first, ...second].map((r) => r.id);
    assert.equal(new Set(ids).size, BURST, `${hash}: every delivery of the burst once`);
    for (const r of [...first, ...second]) assert.equal(r.event, "booking.cancelled");
    seen.push(ids.length);
  }
  assert.deepEqual(seen, [BURST, BURST]);
});

let retried;
test("a destination answering 500 then 200 shows the retry in the delivery's timeline", async () => {
  answers.make["deal.won"] = [500];
  retried = await post(bodyOf("deal.won", "ws_harbour"));
  await settled(retried, { make: "delivered", zapier: "delivered" });
  await open(`#/delivery/${retried}`, "deal.won delivery");
  const timeline = await page.$$eval("section:has(#target-make) table tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(timeline.length, 2, JSON.stringify(timeline));
  assert.match(timeline[0].join(" | "), /1 \| HTTP 500 \| .* \| error answer \| try again$/);
  assert.match(timeline[1].join(" | "), /2 \| HTTP 200 \| .* \| accepted \| done$/);
  assert.equal(await page.locator("section:has(#target-make) .badge").textContent(), "delivered");
  assert.match(await page.locator("section:has(#target-make)").textContent(), /Accepted .* after 2 attempts/);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, "console-delivery.png"), fullPage: true });
});

test("a payload stays out of the page until asked for, and showing it is audited", async () => {
  const [letter] = (await edge.admin("GET", "/admin/dead-letters?event=claim.filed")).json.deadLetters;
  await open(`#/delivery/${letter.deliveryId}`, "claim.filed delivery");
  assert.ok(!(await page.content()).includes("burst pipe"), "the body is not in the DOM");
  await page.click("#show-payload");
  await page.locator("pre.payload").waitFor();
  const shown = JSON.parse(await page.locator("pre.payload").textContent());
  assert.equal(shown.data.description, "Water damage from a burst pipe in the basement");
  assert.equal(await page.getAttribute("#show-payload", "aria-expanded"), "true");
  await eventually(() => {
    const audit = edge.output().split("\n").find((l) => l.includes("payload_viewed"));
    assert.ok(audit && audit.includes(letter.deliveryId), "an audit line names the delivery");
    assert.ok(!audit.includes("burst pipe"), "and never the payload");
  }, 10_000);
  await page.click("#show-payload");
  assert.ok(!(await page.content()).includes("burst pipe"), "hidden again");

  // A delivered body is not stored: the page says so.
  provoked.push(`/admin/deliveries/${retried}/payload`);
  await open(`#/delivery/${retried}`, "deal.won delivery");
  await page.click("#show-payload");
  await page.locator("#payload-area", { hasText: "Not available" }).waitFor();
});

test("a dead letter replayed from the page reaches the destination", async () => {
  const [letter] = (await edge.admin("GET", "/admin/dead-letters?event=claim.filed")).json.deadLetters;
  answers.make["claim.filed"] = 200; // fixed
  await open("#/dead-letters", "Dead letters");
  const listed = await page.$$eval("main button[id^=replay-]", (buttons) => buttons.map((b) => b.id));
  assert.ok(listed.includes(`replay-${letter.id}`), `the dead letter ${letter.id} is listed: ${listed.join(", ")}`);
  await page.click(`[id="replay-${letter.id}"]`);
  await page.locator("#notice", { hasText: "Sent to make again" }).waitFor();
  await eventually(() => assert.equal(make.acked().filter((r) => idOf(r.body) === letter.deliveryId).length, 1), 15_000);
  await settled(letter.deliveryId, { make: "delivered" });
  await page.click("#refresh");
  await settle();
  assert.equal(await page.locator(`[id="replay-${letter.id}"]`).count(), 0, "gone from the list");
});

test("replay all dead letters matching a filter: counted, confirmed, sent", async () => {
  answers.make["policy.renewed"] = 400;
  answers.make["deal.lost"] = 400;
  const renewed = [];
  for (const ws of ["ws_harbour", "ws_northside", "ws_lakeview"]) renewed.push(await post(bodyOf("policy.renewed", ws)));
  const lost = await post(bodyOf("deal.lost"));
  for (const id of [...renewed, lost]) await settled(id, { make: "dead" });

  await open("#/dead-letters", "Dead letters");
  await page.fill("#f-event", "policy.renewed");
  await page.click("#apply");
  await settle();
  await page.locator("#replay-all", { hasText: "Replay all 3 matching" }).waitFor();
  answers.make["policy.renewed"] = 200;
  const before = make.requests.length;
  // Escape cancels: nothing is sent.
  await page.click("#replay-all");
  await page.locator("#confirm[open]").waitFor();
  assert.match(await page.textContent("#confirm-text"), /3 dead letters matching event policy\.renewed/);
  await page.keyboard.press("Escape");
  await page.locator("#confirm[open]").waitFor({ state: "detached" });
  await sleep(1000);
  assert.equal(make.requests.length, before);

  await page.click("#replay-all");
  await page.click("#confirm-ok");
  await page.locator("#notice", { hasText: "3 matched, 3 sent again" }).waitFor();
  await eventually(() => {
    const got = make.acked().map((r) => idOf(r.body));
    for (const id of renewed) assert.ok(got.includes(id));
  }, 15_000);
  for (const record of make.acked().filter((r) => renewed.includes(idOf(r.body)))) assertForwarded(record, record.body.toString(), 1);
  await settled(lost, { make: "dead" }); // outside the filter: untouched
});

test("pause keeps a destination's deliveries; resume sends them in the order they arrived", async () => {
  await open("#/overview", "Overview");
  await page.click("#pause-zapier");
  await page.locator("#confirm[open]").waitFor();
  await page.click("#confirm-ok");
  await page.locator("article[data-destination=zapier] .badge", { hasText: "paused" }).waitFor();
  await page.locator("#resume-zapier").waitFor();

  const kept = [];
  for (const ws of ["ws_harbour", "ws_northside", "ws_lakeview"]) kept.push(await post(bodyOf("lead.created", ws)));
  for (const id of kept) await settled(id, { zapier: "paused" });
  await sleep(1500);
  assert.equal(zapier.requests.filter((r) => kept.includes(idOf(r.body))).length, 0, "nothing sent while paused");
  await open("#/deliveries?event=lead.created", "Deliveries");
  assert.deepEqual((await rows()).map((r) => r.badges), [["zapier: kept"], ["zapier: kept"], ["zapier: kept"]]);

  await open("#/overview", "Overview");
  await page.click("#resume-zapier");
  await page.locator("#notice", { hasText: "zapier resumed: 3 kept deliveries are being sent" }).waitFor();
  await page.locator("#pause-zapier").waitFor();
  await eventually(() => {
    const got = zapier.acked().map((r) => idOf(r.body)).filter((id) => kept.includes(id));
    assert.deepEqual(got, kept, "all three, once each, oldest first");
  }, 20_000);
});

test("a test send reaches the destination with every field of the catalog's sample", async () => {
  await open("#/overview", "Overview");
  const before = make.requests.length;
  await page.selectOption("#test-event-make", "contact.created");
  await page.click("#test-send-make");
  await page.locator("#test-result-make", { hasText: "make accepted the contact.created sample (HTTP 200)" }).waitFor();
  assert.equal(make.requests.length, before + 1);
  const sent = make.requests.at(-1);
  assert.equal(sent.body.toString(), sampleBody("contact.created"), "the sample, every field");
  assert.equal(sent.headers["x-atlas-event"], "contact.created");
  // The choice survives the overview's refresh.
  await page.click("#refresh");
  await settle();
  assert.equal(await page.inputValue("#test-event-make"), "contact.created");
});

/** Every element that Tab reaches from the top of the page, as `tag#id|href|text`. */
async function tabStops() {
  // From the first element of the page (the skip link).
  await page.focus("#skip");
  const stops = ["a#skip|#main|Skip to content"];
  let last = stops[0];
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const key = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return `${el.tagName.toLowerCase()}#${el.id}|${el.getAttribute("href") ?? ""}|${el.textContent.trim().slice(0, 40)}`;
    });
    // Outside the page, or still inside one control (a date input's fields).
    if (key === null || key === last) continue;
    if (key === stops[0]) break; // round again
    if (!stops.includes(key)) stops.push(key);
    last = key;
  }
  return stops;
}
/** Every visible control on the page, keyed as tabStops() keys them. */
function controls() {
  return page.$$eval("a[href], button, input, select, summary, [tabindex='0']", (els) => els
    .filter((el) => !el.disabled && el.getClientRects().length > 0 && !el.closest("dialog:not([open]), [hidden]"))
    .map((el) => `${el.tagName.toLowerCase()}#${el.id}|${el.getAttribute("href") ?? ""}|${el.textContent.trim().slice(0, 40)}`));
}

test("the keyboard alone reaches every action on every view, and works them", async () => {
  const [letter] = (await edge.admin("GET", "/admin/dead-letters?event=deal.lost")).json.deadLetters;
  const views = [["#/overview", "Overview"], ["#/deliveries", "Deliveries"], ["#/dead-letters", "Dead letters"],
    [`#/delivery/${letter.deliveryId}`, "deal.lost delivery"]];
  for (const [hash, heading] of views) {
    await open(hash, heading);
    const want = await controls();
    const got = await tabStops();
    const missed = want.filter((c) => !got.includes(c));
    assert.deepEqual(missed, [], `${hash}: not reachable by Tab (reached: ${got.join(", ")})`);
    assert.ok(want.length >= 5, `${hash} has its controls (${want.length})`);
  }
  // Open a delivery from the list with Enter.
  await open("#/deliveries", "Deliveries");
  await page.focus("main table tbody tr a");
  await page.keyboard.press("Enter");
  await settle();
  await page.locator("main h1", { hasText: "delivery" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), "H1", "focus moves to the new view");
  // The overview's refresh (here on becoming visible) keeps the keyboard's place.
  await open("#/overview", "Overview");
  await page.focus("#deliveries-of-make");
  const drawn = await page.$("#deliveries-of-make");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.waitForFunction((old) => !old.isConnected, drawn);
  await settle();
  assert.equal(await page.evaluate(() => document.activeElement.id), "deliveries-of-make");
  // Pause make with the keyboard: Enter, Tab to the dialog's confirm, Enter; then resume.
  await page.focus("#pause-make");
  await page.keyboard.press("Enter");
  await page.locator("#confirm[open]").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel", "the safe choice first");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-ok");
  await page.keyboard.press("Enter");
  await page.locator("article[data-destination=make] .badge", { hasText: "paused" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "resume-make", "focus lands on Resume");
  await page.keyboard.press("Enter");
  await page.locator("article[data-destination=make] .badge", { hasText: "healthy" }).waitFor();
});

test("a network failure is said plainly, and Try again recovers", async () => {
  provoked.push("/admin/deliveries?");
  const list = (url) => url.pathname === "/admin/deliveries";
  await page.route(list, (route) => route.abort());
  await open("#/deliveries", "Deliveries", { error: true });
  await page.locator("main .result.error", { hasText: "Could not reach the edge verifier" }).waitFor();
  await page.unroute(list);
  await page.click("#retry");
  await settle();
  await page.locator("main table").waitFor();
});

test("fits a phone's width", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    for (const [hash, heading] of [["#/overview", "Overview"], ["#/deliveries", "Deliveries"], [`#/delivery/${retried}`, "deal.won delivery"], ["#/dead-letters", "Dead letters"]]) {
      await open(hash, heading);
      const [width, wide] = await page.evaluate(() => [document.documentElement.scrollWidth,
        [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > 390 && e.getClientRects().length && getComputedStyle(e).position !== "absolute")
          .slice(0, 3).map((e) => `${e.tagName}.${e.className} ${e.textContent.slice(0, 30)}`)]);
      assert.ok(width <= 390, `${hash} is ${width}px wide: ${wide.join("; ")}`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

test("screenshot of the overview", async () => {
  await open("#/overview", "Overview");
  // The chart: 60 bars, the earlier hour's deliveries and dead letters among them.
  assert.equal(await page.locator("main .chart svg g > title").count(), 60);
  assert.ok((await page.locator("main .chart rect.s-delivered").count()) >= 20);
  assert.ok((await page.locator("main .chart rect.s-dead").count()) >= 2);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, "console-overview.png"), fullPage: true });
  for (const f of ["console-overview.png", "console-delivery.png"]) {
    const size = fs.statSync(path.join(SHOTS, f)).size;
    assert.ok(size < 150_000, `${f} is ${size} bytes`);
  }
});

test("sign out forgets the token; repeated wrong tokens are told to wait", async () => {
  await page.click("#signout");
  await page.locator("#token").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.ok(!(await page.content()).includes("ws_harbour"), "no data left on the page");
  // The sign-in's controls are reached by Tab too (it is signed in with Enter in the first test).
  const want = await controls();
  assert.ok(want.length >= 3, want.join(", "));
  const got = await tabStops();
  assert.deepEqual(want.filter((c) => !got.includes(c)), [], `not reachable by Tab (reached: ${got.join(", ")})`);
  // Ten failures from one address within 15 minutes block it (the edge counts them).
  let message = "";
  for (let i = 0; i < 12 && !/Too many/.test(message); i++) {
    await page.fill("#token", "wrong-" + i);
    await page.click("#signin button[type=submit]");
    await page.locator("#signin button[type=submit]:not([disabled])").waitFor();
    message = await page.textContent("#signin-error");
  }
  assert.match(message, /Too many failed attempts: wait 1[45] minutes, then try again\./);
});

test("no console errors and no CSP violations in any of it", () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(cspViolations, []);
});
