// The inspector: verifies a pasted delivery locally with the package and shows the typed event.
import { EVENT_TYPES, Webhook, WebhookVerificationError, sign } from "atlasbrokers-webhooks";

const $ = (id) => document.getElementById(id);
const result = $("result");

for (const t of EVENT_TYPES) $("sample").append(new Option(`${t.name} (${t.category})`, t.name));

$("fill").addEventListener("click", () => {
  const type = EVENT_TYPES.find((t) => t.name === $("sample").value);
  $("body").value = type.sampleBody;
  $("signature").value = sign($("secret").value, type.sampleBody);
});

$("verify").addEventListener("submit", (e) => {
  e.preventDefault();
  result.replaceChildren();
  try {
    const webhook = new Webhook($("secret").value);
    // The textarea holds what was pasted: verify those exact characters (as UTF-8).
    show(webhook.verify($("body").value, $("signature").value));
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    heading("rejected", `✗ ${error.code} (${error.status})`);
    result.append(element("p", error.message));
  }
});

function show(event) {
  const type = EVENT_TYPES.find((t) => t.name === event.event);
  heading("verified", `✓ ${event.event}`);
  result.append(
    element("p", `${type ? type.category : "Outside the catalog"} · workspace ${event.workspaceId} · fired ${event.timestamp}`),
    element("p", `Idempotency key: ${event.idempotencyKey}`, "key"),
  );
  const table = element("table", "", "fields");
  table.append(row("th", ["field", "value", "type"]));
  const declared = new Map((type ? type.fields : []).map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(event.data)) {
    const field = declared.get(name);
    const kind = field ? `${field.type}${field.required ? ", required" : ""}` : "extra";
    table.append(row("td", [name, JSON.stringify(value), kind]));
  }
  result.append(table);
}

function heading(status, text) {
  const h = element("h2", text, "status");
  h.dataset.status = status;
  result.append(h);
}

function row(cell, values) {
  const tr = document.createElement("tr");
  for (const v of values) tr.append(element(cell, v));
  return tr;
}

function element(tag, text, id) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (id) el.id = id;
  return el;
}
