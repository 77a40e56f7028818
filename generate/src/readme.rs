//! The event table in README.md and pkg-template/README.md, between two markers.

use atlasbrokers_webhooks::{FieldKind, EVENT_TYPES};

const START: &str = "<!-- catalog:start (generated from src/catalog/mod.rs by `make generate`) -->";
const END: &str = "<!-- catalog:end -->";

/// `readme` with the text between the markers replaced by the table.
pub fn with_table(readme: &str) -> String {
    let (head, rest) = readme
        .split_once(START)
        .expect("README has the catalog start marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("README has the catalog end marker");
    format!("{head}{START}\n{}{END}{tail}", table())
}

/// One row per event: category, name, Rust type, `data` fields (required ones in bold).
pub fn table() -> String {
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
