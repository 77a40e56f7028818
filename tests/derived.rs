//! Files derived from the catalog table in `src/catalog.rs`: the README's event table, the JSON
//! fixtures, and the npm package's generated JavaScript catalog and TypeScript types. Each test
//! renders the file from `EVENT_TYPES` and fails when the committed copy differs; `make
//! generate` (BLESS=1) rewrites them.

use atlasbrokers_webhooks::{EventType, FieldKind, EVENT_TYPES};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const GENERATED: &str =
    "Generated from src/catalog.rs by `make generate`: edit the catalog, not this file.";

/// Compares a derived file with what the table renders; with BLESS=1 rewrites it instead.
fn check(path: &str, rendered: &str) {
    let full = format!("{ROOT}/{path}");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&full, rendered).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        current == rendered,
        "{path} has drifted from src/catalog.rs: run `make generate` and commit the result"
    );
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

// ---- README ---------------------------------------------------------------------------------

fn readme_table() -> String {
    let mut out = String::from(
        "| Category | Event | Rust type | `data` fields (**bold**: required) |\n|---|---|---|---|\n",
    );
    for t in EVENT_TYPES {
        let fields: Vec<String> = t
            .fields
            .iter()
            .map(|f| {
                let name = format!("`{}`", f.json);
                let name = if f.required {
                    format!("**{name}**")
                } else {
                    name
                };
                match f.kind {
                    FieldKind::Money => format!("{name} (number)"),
                    _ => name,
                }
            })
            .collect();
        out += &format!(
            "| {} | `{}` | `{}` | {} |\n",
            t.category.title(),
            t.name,
            t.type_name,
            fields.join(", ")
        );
    }
    out
}

fn replace_between(text: &str, start: &str, end: &str, body: &str) -> String {
    let (head, rest) = text.split_once(start).expect("start marker");
    let (_, tail) = rest.split_once(end).expect("end marker");
    format!("{head}{start}\n{body}{end}{tail}")
}

fn check_table_in(path: &str) {
    let text = std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap();
    let rendered = replace_between(
        &text,
        "<!-- catalog:start (generated from src/catalog.rs by `make generate`) -->",
        "<!-- catalog:end -->",
        &readme_table(),
    );
    check(path, &rendered);
}

#[test]
fn readme_event_table_matches_the_catalog() {
    check_table_in("README.md");
}

#[test]
fn package_readme_event_table_matches_the_catalog() {
    check_table_in("pkg-template/README.md");
}

// ---- fixtures -------------------------------------------------------------------------------

#[test]
fn fixtures_match_the_catalog() {
    let dir = format!("{ROOT}/tests/fixtures/events");
    for t in EVENT_TYPES {
        check(
            &format!("tests/fixtures/events/{}.json", t.name),
            t.sample_body,
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = EVENT_TYPES
        .iter()
        .map(|t| format!("{}.json", t.name))
        .collect();
    expected.sort();
    assert_eq!(on_disk, expected, "stale fixtures in {dir}");
}

// ---- npm package: JavaScript catalog --------------------------------------------------------

fn js_catalog() -> String {
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

#[test]
fn package_js_catalog_matches_the_catalog() {
    check("pkg-template/src/catalog.generated.js", &js_catalog());
}

// ---- npm package: TypeScript types ----------------------------------------------------------

fn ts_type(t: &EventType) -> String {
    format!("{}Data", t.type_name)
}

fn ts_catalog() -> String {
    let mut out = format!("// {GENERATED}\n\n");
    for t in EVENT_TYPES {
        out += &format!(
            "/** `data` of `{}`: {} */\nexport interface {} {{\n",
            t.name,
            t.description,
            ts_type(t)
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
    let mut categories: Vec<String> = EVENT_TYPES
        .iter()
        .map(|t| json(t.name.split('.').next().unwrap()))
        .collect();
    categories.dedup();
    out += &format!(
        "/** The first part of an event name: `deal` in `deal.won`. */\nexport type EventCategory =\n  | {};\n\n",
        categories.join("\n  | ")
    );
    out += "/** `data` type of each event. */\nexport interface EventDataMap {\n";
    for t in EVENT_TYPES {
        out += &format!("  {}: {};\n", json(t.name), ts_type(t));
    }
    out += "}\n";
    out
}

#[test]
fn package_ts_types_match_the_catalog() {
    check("pkg-template/types/events.generated.d.ts", &ts_catalog());
}
