//! The `catalog!` macro that turns the one table in `mod.rs` into typed structs, the
//! [`Event`](crate::Event) enum, the [`EVENT_TYPES`](crate::EVENT_TYPES) metadata, the field
//! rules and the sample payloads; and the traits its generated code moves fields with.

use serde_json::{Map, Value};

use super::types::Amount;

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
    (Money, required) => { $crate::catalog::Amount };
    (Money, optional) => { ::core::option::Option<$crate::catalog::Amount> };
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
                    pub $field: $crate::catalog::macros::field_type!($kind, $req),
                )*
                /// Fields AtlasBrokers sent that the catalog does not list.
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }

            impl $variant {
                // Only called once `check_data` accepted `data`.
                fn from_checked(
                    mut data: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ) -> Self {
                    use $crate::catalog::macros::Field;
                    $variant {
                        id: Field::take(&mut data, "id"),
                        $($field: Field::take(&mut data, $json),)*
                        extra: data,
                    }
                }

                fn to_data(&self) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                    use $crate::catalog::macros::Field;
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
                if let Some(event_type) = $crate::catalog::EventType::find(name) {
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
            pub fn category(&self) -> ::core::option::Option<$crate::catalog::Category> {
                match self {
                    $(Event::$variant(_) => Some($crate::catalog::Category::$category),)+
                    Event::Unknown { .. } => None,
                }
            }
        }

        /// The envelope rules of each catalog event, from the same table (see `FieldRule`).
        pub(crate) static RULES: &[(&str, &[$crate::catalog::rules::FieldRule])] = &[$(
            ($name, &[
                $crate::catalog::rules::FieldRule { json: "id", path: "data.id", number: false, required: true },
                $($crate::catalog::rules::FieldRule {
                    json: $json,
                    path: concat!("data.", $json),
                    number: matches!($crate::catalog::FieldKind::$kind, $crate::catalog::FieldKind::Money),
                    required: $crate::catalog::macros::is_required!($req),
                },)*
            ]),
        )+];

        /// The catalog: every event AtlasBrokers documents, in the guide's order.
        pub static EVENT_TYPES: &[$crate::catalog::EventType] = &[$(
            $crate::catalog::EventType {
                name: $name,
                category: $crate::catalog::Category::$category,
                type_name: stringify!($variant),
                description: $description,
                fields: &[
                    $crate::catalog::FieldSpec {
                        json: "id",
                        rust: "id",
                        kind: $crate::catalog::FieldKind::Id,
                        required: true,
                        path: "data.id",
                        sample: stringify!($id_sample),
                    },
                    $($crate::catalog::FieldSpec {
                        json: $json,
                        rust: stringify!($field),
                        kind: $crate::catalog::FieldKind::$kind,
                        required: $crate::catalog::macros::is_required!($req),
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
