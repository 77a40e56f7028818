//! The envelope rules for a catalog event's `data`: which fields are required and of which JSON
//! type. Read by the summary (the fast path) and by [`EventType::check_data`](crate::EventType::check_data).

use crate::error::Error;

/// What the envelope rules need of one `data` field. Kept apart from [`FieldSpec`] (same
/// catalog, same macro) so the verification path links no descriptions or samples: the npm
/// `.wasm` and the edge verifier carry only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldRule {
    pub(crate) json: &'static str,
    pub(crate) path: &'static str,
    pub(crate) number: bool,
    pub(crate) required: bool,
}

/// Every required field present, every present field of its JSON type (`null` counts as
/// absent); `kind_of` reads a field by its JSON name.
pub(crate) fn check_fields(
    rules: &[FieldRule],
    kind_of: impl Fn(&str) -> JsonKind,
) -> Result<(), Error> {
    for rule in rules {
        match kind_of(rule.json) {
            JsonKind::Absent | JsonKind::Null if rule.required => {
                let expected = if rule.number {
                    "a number (it is required)"
                } else {
                    "a string (it is required)"
                };
                return Err(Error::envelope(rule.path, expected));
            }
            JsonKind::Absent | JsonKind::Null => {}
            JsonKind::Number if rule.number => {}
            JsonKind::String if !rule.number => {}
            _ => {
                let expected = if rule.number { "a number" } else { "a string" };
                return Err(Error::envelope(rule.path, expected));
            }
        }
    }
    Ok(())
}

/// The JSON type of a value, as far as the catalog's rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Absent,
    Null,
    String,
    Number,
    Other,
}
