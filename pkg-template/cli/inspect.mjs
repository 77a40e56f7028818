// sign, verify, events and sample: the commands that look at one body or the catalog.
import { Webhook, sign, sampleBody, deliveryId, EVENT_TYPES, HEADER_NAME as HEADER } from "../node.mjs";
import { green, red, dim, bold, out, json } from "./output.mjs";
import { NAME, UsageError, secretOf, readInput, eventType, unknownEvent, withOverrides } from "./inputs.mjs";

export async function cmdSign(values, [source]) {
  const secret = secretOf(values);
  const bytes = await readInput(source);
  const signature = sign(secret, bytes);
  if (values.json) json({ signature, header: HEADER, deliveryId: deliveryId(bytes), bytes: bytes.length });
  else out(signature);
  return 0;
}

export async function cmdVerify(values, [source]) {
  const secret = secretOf(values);
  if (values.signature == null) throw new UsageError("--signature <hex> is required (the X-Webhook-Secret header as received)");
  const bytes = await readInput(source);
  try {
    const event = new Webhook(secret).verify(bytes, values.signature);
    if (values.json) json({ ok: true, event: event.event, deliveryId: event.idempotencyKey, body: event });
    else {
      out(`${green("✔ authentic")} ${bold(event.event)} ${dim("delivery")} ${event.idempotencyKey}`);
      printFields(event);
    }
    return 0;
  } catch (e) {
    if (e?.code == null) throw e;
    const id = e.authentic ? e.deliveryId : undefined;
    if (values.json) json({ ok: false, code: e.code, status: e.status, message: e.message, authentic: Boolean(e.authentic), ...(id ? { deliveryId: id } : {}) });
    else {
      out(`${red("✖ " + e.code)} ${dim(`(HTTP ${e.status})`)} ${e.message}`);
      if (id) out(`${dim("authentic; delivery")} ${id}`);
    }
    return 1;
  }
}

export function printFields(event) {
  out(`  ${dim("timestamp")}   ${event.timestamp}`);
  out(`  ${dim("workspaceId")} ${event.workspaceId}`);
  const type = eventType(event.event);
  const data = event.data ?? {};
  const names = type ? type.fields.map((f) => f.name) : Object.keys(data);
  for (const key of Object.keys(data)) if (!names.includes(key)) names.push(key);
  for (const name of names) {
    const shown = name in data ? JSON.stringify(data[name]) : dim("(absent)");
    out(`  ${dim("data." + name)} ${shown}`);
  }
}

export async function cmdEvents(values) {
  if (values.json) {
    json(EVENT_TYPES.map(({ name, category, description, fields }) => ({ name, category, description, fields })));
    return 0;
  }
  const width = Math.max(...EVENT_TYPES.map((t) => t.name.length));
  const catWidth = Math.max(...EVENT_TYPES.map((t) => t.category.length));
  for (const t of EVENT_TYPES) out(`${bold(t.name.padEnd(width))}  ${dim(t.category.padEnd(catWidth))}  ${t.description}`);
  return 0;
}

export async function cmdSample(values, [name]) {
  if (name == null) throw new UsageError(`sample needs an event name (see "${NAME} events")`);
  const body = sampleBody(name);
  if (body == null) throw unknownEvent(name);
  const text = values.set?.length ? JSON.stringify(withOverrides(body, values.set)) : body;
  // The exact bytes; a newline only on a terminal, so `sample x > file` holds the body alone.
  process.stdout.write(process.stdout.isTTY ? text + "\n" : text);
  return 0;
}
