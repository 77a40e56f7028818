//! The npm package's generated JavaScript: the catalog, and the core's constants.

use atlasbrokers_webhooks::{DEFAULT_MAX_BODY_BYTES, EVENT_TYPES, HEADER_NAME};

use crate::{json, GENERATED};

/// `catalog.generated.js`: `EVENT_TYPES` (names, categories, fields, samples) and `sampleBody()`.
pub fn catalog() -> String {
    let mut out = format!(
        "// {GENERATED}\n\n/** The AtlasBrokers event catalog: names, categories, `data` fields and a sample body each. */\nexport const EVENT_TYPES = Object.freeze([\n"
    );
    for t in EVENT_TYPES {
        let fields: Vec<String> = t
            .fields
            .iter()
            .map(|f| {
                format!(
                    "{{ name: {}, type: {}, required: {} }}",
                    json(f.json),
                    json(f.kind.json_type()),
                    f.required
                )
            })
            .collect();
        out += &format!(
            "  Object.freeze({{\n    name: {},\n    category: {},\n    description: {},\n    fields: Object.freeze([\n      {},\n    ]),\n    sampleBody: {},\n  }}),\n",
            json(t.name),
            json(t.category.title()),
            json(t.description),
            fields.join(",\n      "),
            json(t.sample_body)
        );
    }
    out +=
        "]);\n\n/** The sample delivery body of a catalog event (compact JSON), or undefined. */\n";
    out += "export function sampleBody(name) {\n  return EVENT_TYPES.find((t) => t.name === name)?.sampleBody;\n}\n";
    out
}

/// `core-constants.generated.js`: the header name and the default body limit. (The error codes
/// reach JS on each error from the core, and `ErrorCode` in the generated types.)
pub fn constants() -> String {
    format!(
        "// {GENERATED}\n\n\
         /** The header AtlasBrokers signs deliveries in. */\n\
         export const HEADER_NAME = {};\n\n\
         /** The body limit when none is set, in bytes. */\n\
         export const DEFAULT_MAX_BODY_BYTES = {DEFAULT_MAX_BODY_BYTES};\n",
        json(HEADER_NAME),
    )
}
