//! The npm package's generated TypeScript: each event's `data` interface, the name and
//! category unions, the event-to-data map, and `ErrorCode`.

use atlasbrokers_webhooks::{Category, Error, EventType, EVENT_TYPES};

use crate::{json, GENERATED};

fn data_type(t: &EventType) -> String {
    format!("{}Data", t.type_name)
}

/// `events.generated.d.ts`, which `pkg-template/build.mjs` puts before `index.d.ts`.
pub fn types() -> String {
    let mut out = format!("// {GENERATED}\n\n");
    for t in EVENT_TYPES {
        out += &format!(
            "/** `data` of `{}`: {} */\nexport interface {} {{\n",
            t.name,
            t.description,
            data_type(t)
        );
        for f in t.fields {
            let ty = f.kind.json_type();
            let doc = f.kind.describe();
            if f.required {
                out += &format!("  /** {doc} */\n  {}: {ty};\n", f.json);
            } else {
                out += &format!("  /** {doc} */\n  {}?: {ty} | null;\n", f.json);
            }
        }
        out += "  /** Fields AtlasBrokers sent that the catalog does not list. */\n  [field: string]: unknown;\n}\n\n";
    }
    let names: Vec<String> = EVENT_TYPES.iter().map(|t| json(t.name)).collect();
    out += &format!(
        "/** Every event name in the catalog. */\nexport type EventName =\n  | {};\n\n",
        names.join("\n  | ")
    );
    let categories: Vec<String> = Category::ALL.iter().map(|c| json(c.prefix())).collect();
    out += &format!(
        "/** The first part of an event name: `deal` in `deal.won`. */\nexport type EventCategory =\n  | {};\n\n",
        categories.join("\n  | ")
    );
    out += "/** `data` type of each event. */\nexport interface EventDataMap {\n";
    for t in EVENT_TYPES {
        out += &format!("  {}: {};\n", json(t.name), data_type(t));
    }
    out += "}\n\n";
    let codes: Vec<String> = Error::CODES.iter().map(|c| json(c)).collect();
    out += &format!(
        "/** Every error code, from the core; `handler_failed` comes from WebhookHandlerError. */\nexport type ErrorCode =\n  | {};\n",
        codes.join("\n  | ")
    );
    out
}
