//! The machinery behind the event catalog: the `catalog!` macro that turns the one table in
//! `catalog.rs` into typed structs, the [`Event`](crate::Event) enum, the
//! [`EVENT_TYPES`](crate::EVENT_TYPES) metadata and the sample payloads.

use serde_json::{Map, Number, Value};

use crate::error::Error;

/// A money value in major units (`2400` is $2,400.00), kept exactly as sent.
///
/// The JSON number is preserved, so `2400` re-serializes as `2400`, never `2400.0`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Amount(Number);

impl Amount {
    /// The value as a float, e.g. `1250.5`.
    pub fn as_f64(&self) -> f64 {
        self.0.as_f64().unwrap_or(f64::NAN)
    }

    /// The value in minor units (cents), rounded to the nearest unit.
    pub fn to_minor_units(&self) -> i64 {
        match self.0.as_i64() {
            Some(major) => major.saturating_mul(100),
            None => (self.as_f64() * 100.0).round() as i64,
        }
    }

    /// The JSON number as received.
    pub fn as_number(&self) -> &Number {
        &self.0
    }
}

impl Default for Amount {
    fn default() -> Self {
        Amount(Number::from(0))
    }
}

impl From<u32> for Amount {
    fn from(major: u32) -> Self {
        Amount(Number::from(major))
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a catalog field holds: decides its Rust and TypeScript types and its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// An AtlasBrokers identifier such as `deal_mno321`.
    Id,
    /// Free text.
    Text,
    /// An email address.
    Email,
    /// A phone number as entered.
    Phone,
    /// A JSON number in major units.
    Money,
    /// An ISO 4217 currency code such as `CAD`.
    Currency,
    /// An RFC 3339 date-time in UTC.
    DateTime,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

impl FieldKind {
    /// The JSON type: `"number"` for money, `"string"` for everything else.
    pub fn json_type(self) -> &'static str {
        match self {
            FieldKind::Money => "number",
            _ => "string",
        }
    }

    /// A short description for documentation.
    pub fn describe(self) -> &'static str {
        match self {
            FieldKind::Id => "identifier",
            FieldKind::Text => "text",
            FieldKind::Email => "email address",
            FieldKind::Phone => "phone number",
            FieldKind::Money => "amount in major units",
            FieldKind::Currency => "ISO 4217 currency code",
            FieldKind::DateTime => "RFC 3339 date-time",
            FieldKind::Date => "date, YYYY-MM-DD",
        }
    }
}

/// One field of an event's `data`, as declared in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The camelCase JSON name, e.g. `closedAt`.
    pub json: &'static str,
    /// The snake_case Rust field name, e.g. `closed_at`.
    pub rust: &'static str,
    /// What the field holds.
    pub kind: FieldKind,
    /// Whether a payload without it is rejected.
    pub required: bool,
    /// The path named in errors, e.g. `data.closedAt`.
    pub path: &'static str,
    /// The sample payload's value, as JSON text.
    pub sample: &'static str,
}

/// The eight groups of the AtlasBrokers catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// `lead.*`
    Leads,
    /// `deal.*`
    Deals,
    /// `contact.*`
    Contacts,
    /// `invoice.*`
    Invoices,
    /// `policy.*`
    Policies,
    /// `booking.*`
    Bookings,
    /// `claim.*`
    Claims,
    /// `addon.*`
    Addons,
}

impl Category {
    /// Every category, in catalog order.
    pub const ALL: [Category; 8] = [
        Category::Leads,
        Category::Deals,
        Category::Contacts,
        Category::Invoices,
        Category::Policies,
        Category::Bookings,
        Category::Claims,
        Category::Addons,
    ];

    /// What its event names start with, before the dot, e.g. `"lead"` for `lead.created`: the
    /// name event patterns use (`"lead.*"`).
    pub fn prefix(self) -> &'static str {
        match self {
            Category::Leads => "lead",
            Category::Deals => "deal",
            Category::Contacts => "contact",
            Category::Invoices => "invoice",
            Category::Policies => "policy",
            Category::Bookings => "booking",
            Category::Claims => "claim",
            Category::Addons => "addon",
        }
    }

    /// The heading AtlasBrokers' guide groups its events under, e.g. `"Leads"`.
    pub fn title(self) -> &'static str {
        match self {
            Category::Leads => "Leads",
            Category::Deals => "Deals",
            Category::Contacts => "Contacts",
            Category::Invoices => "Invoices",
            Category::Policies => "Policies",
            Category::Bookings => "Bookings",
            Category::Claims => "Claims",
            Category::Addons => "Addons",
        }
    }
}

/// One event of the catalog: its name, group, fields and sample payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventType {
    /// The wire name, e.g. `deal.won`.
    pub name: &'static str,
    /// The group it belongs to.
    pub category: Category,
    /// The Rust type (and enum variant) holding its data, e.g. `DealWon`.
    pub type_name: &'static str,
    /// One sentence on when AtlasBrokers sends it.
    pub description: &'static str,
    /// The fields of `data`, `id` first, in catalog order.
    pub fields: &'static [FieldSpec],
    /// A realistic signed-ready delivery body (compact JSON) for tests, docs and test senders.
    pub sample_body: &'static str,
}

impl EventType {
    /// Looks an event up by its wire name.
    pub fn find(name: &str) -> Option<&'static EventType> {
        crate::EVENT_TYPES.iter().find(|t| t.name == name)
    }

    /// Checks `data` against this event's fields: every required field present, every present
    /// field of its JSON type (`null` counts as absent).
    pub fn check_data(&self, data: &Map<String, Value>) -> Result<(), Error> {
        check_fields(
            rules_for(self.name).unwrap_or_default(),
            |json| match data.get(json) {
                None => JsonKind::Absent,
                Some(Value::Null) => JsonKind::Null,
                Some(Value::String(_)) => JsonKind::String,
                Some(Value::Number(_)) => JsonKind::Number,
                Some(_) => JsonKind::Other,
            },
        )
    }
}

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

/// The rules for a catalog event's `data`, or `None` for an event outside the catalog.
pub(crate) fn rules_for(event: &str) -> Option<&'static [FieldRule]> {
    crate::catalog::RULES
        .iter()
        .find(|(name, _)| *name == event)
        .map(|(_, rules)| *rules)
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

/// The envelope values every sample shares (the guide's own).
pub const SAMPLE_TIMESTAMP: &str = "2026-03-02T14:23:11.000Z";
/// See [`SAMPLE_TIMESTAMP`].
pub const SAMPLE_WORKSPACE_ID: &str = "ws_abc123";

/// Moves a field out of a `data` object that [`EventType::check_data`] has accepted, so a
/// mismatch cannot happen here; implemented for required and optional fields.
pub(crate) trait Field: Sized {
    fn take(data: &mut Map<String, Value>, key: &str) -> Self;
    fn put(&self, data: &mut Map<String, Value>, key: &str);
}

/// A JSON value of one field type.
pub(crate) trait FieldValue: Sized + Default {
    fn from_json(value: Value) -> Option<Self>;
    fn to_json(&self) -> Value;
}

impl FieldValue for String {
    fn from_json(value: Value) -> Option<Self> {
        match value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl FieldValue for Amount {
    fn from_json(value: Value) -> Option<Self> {
        match value {
            Value::Number(n) => Some(Amount(n)),
            _ => None,
        }
    }
    fn to_json(&self) -> Value {
        Value::Number(self.0.clone())
    }
}

impl<T: FieldValue> Field for T {
    fn take(data: &mut Map<String, Value>, key: &str) -> Self {
        data.remove(key).and_then(T::from_json).unwrap_or_default()
    }
    fn put(&self, data: &mut Map<String, Value>, key: &str) {
        data.insert(key.to_owned(), self.to_json());
    }
}

// `null` and absent read the same: both are "no value" to a receiver.
impl<T: FieldValue> Field for Option<T> {
    fn take(data: &mut Map<String, Value>, key: &str) -> Self {
        data.remove(key).and_then(T::from_json)
    }
    fn put(&self, data: &mut Map<String, Value>, key: &str) {
        if let Some(v) = self {
            v.put(data, key);
        }
    }
}

macro_rules! field_type {
    (Money, required) => { $crate::events::Amount };
    (Money, optional) => { ::core::option::Option<$crate::events::Amount> };
    ($kind:ident, required) => { ::std::string::String };
    ($kind:ident, optional) => { ::core::option::Option<::std::string::String> };
}

macro_rules! is_required {
    (required) => {
        true
    };
    (optional) => {
        false
    };
}

/// Expands the catalog table into everything derived from it in Rust.
///
/// Each entry: `Variant = "wire.name" in Category, "description" { id = "sample",
/// rust_name "jsonName": Kind required|optional = sample, ... }`.
macro_rules! catalog {
    ($(
        $variant:ident = $name:literal in $category:ident, $description:literal {
            id = $id_sample:literal
            $(, $field:ident $json:literal : $kind:ident $req:ident = $sample:literal)* $(,)?
        }
    )+) => {
        $(
            #[doc = concat!("Data of `", $name, "`: ", $description)]
            ///
            /// Fields outside the catalog are kept in `extra`, so re-serializing loses nothing.
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct $variant {
                /// `id`: the identifier of the record the event is about.
                pub id: ::std::string::String,
                $(
                    #[doc = concat!("`", $json, "`: ", stringify!($req), ", ", stringify!($kind), ".")]
                    pub $field: $crate::events::field_type!($kind, $req),
                )*
                /// Fields AtlasBrokers sent that the catalog does not list.
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }

            impl $variant {
                // Only called once `check_data` accepted `data`.
                fn from_checked(
                    mut data: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ) -> Self {
                    use $crate::events::Field;
                    $variant {
                        id: Field::take(&mut data, "id"),
                        $($field: Field::take(&mut data, $json),)*
                        extra: data,
                    }
                }

                fn to_data(&self) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                    use $crate::events::Field;
                    let mut data = self.extra.clone();
                    self.id.put(&mut data, "id");
                    $(self.$field.put(&mut data, $json);)*
                    data
                }
            }
        )+

        /// A typed event: one variant per catalog event, and `Unknown` for any other name so a
        /// new AtlasBrokers event never breaks a receiver.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Event {
            $(
                #[doc = concat!("`", $name, "`: ", $description)]
                $variant($variant),
            )+
            /// An event this version of the catalog does not know.
            Unknown {
                /// The event's wire name.
                event: ::std::string::String,
                /// Its `data` object, untouched.
                data: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            },
        }

        impl Event {
            /// Types `data` according to the event `name`; unknown names become
            /// [`Event::Unknown`]. Fails with `invalid_envelope`, naming the field, when a
            /// catalog field is missing or has the wrong JSON type.
            pub fn from_data(
                name: &str,
                data: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            ) -> ::core::result::Result<Self, $crate::Error> {
                if let Some(event_type) = $crate::events::EventType::find(name) {
                    event_type.check_data(&data)?;
                }
                Ok(match name {
                    $($name => Event::$variant($variant::from_checked(data)),)+
                    _ => Event::Unknown { event: name.to_owned(), data },
                })
            }

            /// The `data` object as JSON, catalog and extra fields alike.
            pub fn to_data(&self) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                match self {
                    $(Event::$variant(d) => d.to_data(),)+
                    Event::Unknown { data, .. } => data.clone(),
                }
            }

            /// The wire name, e.g. `deal.won`.
            pub fn name(&self) -> &str {
                match self {
                    $(Event::$variant(_) => $name,)+
                    Event::Unknown { event, .. } => event,
                }
            }

            /// `data.id`: always present for catalog events; for unknown ones, when it is a
            /// string.
            pub fn data_id(&self) -> ::core::option::Option<&str> {
                match self {
                    $(Event::$variant(d) => Some(&d.id),)+
                    Event::Unknown { data, .. } => data.get("id").and_then(|v| v.as_str()),
                }
            }

            /// The catalog group, or `None` for an unknown event.
            pub fn category(&self) -> ::core::option::Option<$crate::events::Category> {
                match self {
                    $(Event::$variant(_) => Some($crate::events::Category::$category),)+
                    Event::Unknown { .. } => None,
                }
            }
        }

        /// The envelope rules of each catalog event, from the same table (see `FieldRule`).
        pub(crate) static RULES: &[(&str, &[$crate::events::FieldRule])] = &[$(
            ($name, &[
                $crate::events::FieldRule { json: "id", path: "data.id", number: false, required: true },
                $($crate::events::FieldRule {
                    json: $json,
                    path: concat!("data.", $json),
                    number: matches!($crate::events::FieldKind::$kind, $crate::events::FieldKind::Money),
                    required: $crate::events::is_required!($req),
                },)*
            ]),
        )+];

        /// The catalog: every event AtlasBrokers documents, in the guide's order.
        pub static EVENT_TYPES: &[$crate::events::EventType] = &[$(
            $crate::events::EventType {
                name: $name,
                category: $crate::events::Category::$category,
                type_name: stringify!($variant),
                description: $description,
                fields: &[
                    $crate::events::FieldSpec {
                        json: "id",
                        rust: "id",
                        kind: $crate::events::FieldKind::Id,
                        required: true,
                        path: "data.id",
                        sample: stringify!($id_sample),
                    },
                    $($crate::events::FieldSpec {
                        json: $json,
                        rust: stringify!($field),
                        kind: $crate::events::FieldKind::$kind,
                        required: $crate::events::is_required!($req),
                        path: concat!("data.", $json),
                        sample: stringify!($sample),
                    },)*
                ],
                sample_body: concat!(
                    "{\"event\":\"", $name,
                    "\",\"timestamp\":\"2026-03-02T14:23:11.000Z\",\"workspaceId\":\"ws_abc123\",",
                    "\"data\":{\"id\":", stringify!($id_sample),
                    $(",\"", $json, "\":", stringify!($sample),)*
                    "}}"
                ),
            },
        )+];
    };
}

pub(crate) use {catalog, field_type, is_required};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_say_what_the_catalog_says() {
        assert_eq!(crate::catalog::RULES.len(), crate::EVENT_TYPES.len());
        for t in crate::EVENT_TYPES {
            let rules = rules_for(t.name).unwrap();
            let expected: Vec<FieldRule> = t
                .fields
                .iter()
                .map(|f| FieldRule {
                    json: f.json,
                    path: f.path,
                    number: f.kind == FieldKind::Money,
                    required: f.required,
                })
                .collect();
            assert_eq!(rules, expected.as_slice(), "{}", t.name);
        }
        assert_eq!(rules_for("deal.lost.maybe"), None);
    }
}
