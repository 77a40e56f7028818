//! The catalog's vocabulary: what an event type, a category, a field and an amount are. The
//! table itself is in `mod.rs`; the macro that expands it in `macros.rs`.

use serde_json::Number;

/// A money value in major units (`2400` is $2,400.00), kept exactly as sent.
///
/// The JSON number is preserved, so `2400` re-serializes as `2400`, never `2400.0`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Amount(pub(super) Number);

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

/// The envelope values every sample shares (the guide's own).
pub const SAMPLE_TIMESTAMP: &str = "2026-03-02T14:23:11.000Z";
/// See [`SAMPLE_TIMESTAMP`].
pub const SAMPLE_WORKSPACE_ID: &str = "ws_abc123";
