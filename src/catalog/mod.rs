//! The AtlasBrokers event catalog, written once.
//!
//! This table is the single source of truth. From it come the typed structs, [`Event`], the
//! [`EVENT_TYPES`] metadata and each event's sample body; the README's event table and the
//! JSON fixtures under `tests/fixtures/events/` are rendered from [`EVENT_TYPES`] and a test
//! fails when they drift (`make generate` rewrites them).
//!
//! Layout: the table (here), what its words mean (`types.rs`: `EventType`, `Category`,
//! `FieldSpec`, `Amount`), the macro that expands it (`macros.rs`) and the field rules the
//! envelope check applies (`rules.rs`).
//!
//! Only `deal.won` appears in full in AtlasBrokers' guide, so only its fields are required;
//! every other field is optional until AtlasBrokers documents more. Samples are fictional
//! Canadian brokerage data (555-01xx phone numbers, example.ca addresses).

use serde_json::{Map, Value};

use crate::error::Error;

mod macros;
pub(crate) mod rules;
mod types;

use macros::catalog;
use rules::{check_fields, FieldRule, JsonKind};
pub use types::*;

catalog! {
    LeadCreated = "lead.created" in Leads, "a lead was captured (web form, import or by hand)." {
        id = "lead_7k2p9q",
        first_name "firstName": Text optional = "Amélie",
        last_name "lastName": Text optional = "Tremblay",
        email "email": Email optional = "amelie.tremblay@example.ca",
        phone "phone": Phone optional = "+1-514-555-0142",
        source "source": Text optional = "website",
        product_type "productType": Text optional = "home",
        province "province": Text optional = "QC",
        created_at "createdAt": DateTime optional = "2026-03-02T14:20:05.000Z",
    }
    LeadConverted = "lead.converted" in Leads, "a lead became a contact with a deal." {
        id = "lead_7k2p9q",
        contact_id "contactId": Id optional = "con_4d8r1s",
        deal_id "dealId": Id optional = "deal_2b6n3v",
        converted_at "convertedAt": DateTime optional = "2026-03-02T15:02:44.000Z",
    }
    DealCreated = "deal.created" in Deals, "a deal was opened in the pipeline." {
        id = "deal_2b6n3v",
        title "title": Text optional = "Auto Insurance — Tremblay",
        value "value": Money optional = 1850,
        currency "currency": Currency optional = "CAD",
        stage "stage": Text optional = "quoted",
        contact_id "contactId": Id optional = "con_4d8r1s",
        created_at "createdAt": DateTime optional = "2026-03-02T15:02:44.000Z",
    }
    DealWon = "deal.won" in Deals, "a deal was closed as won." {
        id = "deal_mno321",
        title "title": Text required = "Home Insurance Policy — Mitchell",
        value "value": Money required = 2400,
        currency "currency": Currency required = "CAD",
        closed_at "closedAt": DateTime required = "2026-03-05T09:00:00.000Z",
    }
    DealLost = "deal.lost" in Deals, "a deal was closed as lost." {
        id = "deal_9x4c7w",
        title "title": Text optional = "Commercial Liability — Northern Pines Bakery",
        value "value": Money optional = 5200,
        currency "currency": Currency optional = "CAD",
        reason "reason": Text optional = "Chose another carrier on price",
        closed_at "closedAt": DateTime optional = "2026-03-04T16:45:00.000Z",
    }
    ContactCreated = "contact.created" in Contacts, "a contact was added." {
        id = "con_4d8r1s",
        first_name "firstName": Text optional = "Amélie",
        last_name "lastName": Text optional = "Tremblay",
        email "email": Email optional = "amelie.tremblay@example.ca",
        phone "phone": Phone optional = "+1-514-555-0142",
        created_at "createdAt": DateTime optional = "2026-03-02T15:02:44.000Z",
    }
    ContactUpdated = "contact.updated" in Contacts, "a contact's details changed." {
        id = "con_4d8r1s",
        first_name "firstName": Text optional = "Amélie",
        last_name "lastName": Text optional = "Tremblay-Roy",
        email "email": Email optional = "amelie.tremblay-roy@example.ca",
        phone "phone": Phone optional = "+1-438-555-0178",
        updated_at "updatedAt": DateTime optional = "2026-03-10T11:30:00.000Z",
    }
    InvoiceCreated = "invoice.created" in Invoices, "an invoice was issued." {
        id = "inv_3h5j8k",
        number "number": Text optional = "INV-2026-0042",
        contact_id "contactId": Id optional = "con_4d8r1s",
        amount "amount": Money optional = 1250.50,
        currency "currency": Currency optional = "CAD",
        due_date "dueDate": Date optional = "2026-04-01",
        created_at "createdAt": DateTime optional = "2026-03-02T15:10:00.000Z",
    }
    InvoicePaid = "invoice.paid" in Invoices, "an invoice was paid in full." {
        id = "inv_3h5j8k",
        number "number": Text optional = "INV-2026-0042",
        amount "amount": Money optional = 1250.50,
        currency "currency": Currency optional = "CAD",
        paid_at "paidAt": DateTime optional = "2026-03-20T18:05:12.000Z",
    }
    PolicyCreated = "policy.created" in Policies, "a policy was bound." {
        id = "pol_6t1y4u",
        policy_number "policyNumber": Text optional = "HO-ON-2026-118204",
        carrier "carrier": Text optional = "Maple Shield Mutual",
        product_type "productType": Text optional = "home",
        premium "premium": Money optional = 2400,
        currency "currency": Currency optional = "CAD",
        effective_date "effectiveDate": Date optional = "2026-03-15",
        expiry_date "expiryDate": Date optional = "2027-03-15",
        contact_id "contactId": Id optional = "con_6f2g9h",
    }
    PolicyRenewed = "policy.renewed" in Policies, "a policy was renewed for a new term." {
        id = "pol_6t1y4u",
        policy_number "policyNumber": Text optional = "HO-ON-2026-118204",
        premium "premium": Money optional = 2520,
        currency "currency": Currency optional = "CAD",
        effective_date "effectiveDate": Date optional = "2027-03-15",
        expiry_date "expiryDate": Date optional = "2028-03-15",
        renewed_at "renewedAt": DateTime optional = "2027-02-20T13:00:00.000Z",
    }
    BookingCreated = "booking.created" in Bookings, "a meeting with a client was booked." {
        id = "bkg_8m2q5r",
        contact_id "contactId": Id optional = "con_4d8r1s",
        title "title": Text optional = "Policy review call",
        starts_at "startsAt": DateTime optional = "2026-03-12T15:00:00.000Z",
        ends_at "endsAt": DateTime optional = "2026-03-12T15:30:00.000Z",
        location "location": Text optional = "Video call",
    }
    BookingCancelled = "booking.cancelled" in Bookings, "a booked meeting was cancelled." {
        id = "bkg_8m2q5r",
        reason "reason": Text optional = "Client asked to reschedule",
        cancelled_at "cancelledAt": DateTime optional = "2026-03-11T20:14:09.000Z",
    }
    ClaimFiled = "claim.filed" in Claims, "a claim was filed against a policy." {
        id = "clm_5p7w2e",
        policy_id "policyId": Id optional = "pol_6t1y4u",
        claim_number "claimNumber": Text optional = "CLM-2026-00317",
        loss_date "lossDate": Date optional = "2026-02-27",
        description "description": Text optional = "Water damage from a burst pipe in the basement",
        amount "amount": Money optional = 8750,
        currency "currency": Currency optional = "CAD",
        filed_at "filedAt": DateTime optional = "2026-03-01T10:42:00.000Z",
    }
    AddonActivated = "addon.activated" in Addons, "a workspace turned on a paid add-on." {
        id = "add_1z9x3c",
        name "name": Text optional = "E-Signatures",
        price "price": Money optional = 29,
        currency "currency": Currency optional = "CAD",
        activated_at "activatedAt": DateTime optional = "2026-03-02T09:00:00.000Z",
    }
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
            rules_for(self.name.as_bytes()).unwrap_or_default(),
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

/// Every catalog event name, in catalog order, without linking the catalog's metadata
/// (descriptions, samples): what the verification path and the pattern check read.
pub(crate) fn event_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|(name, _)| *name)
}

/// The rules for a catalog event's `data`, or `None` for an event outside the catalog.
pub(crate) fn rules_for(event: &[u8]) -> Option<&'static [FieldRule]> {
    RULES
        .iter()
        .find(|(name, _)| name.as_bytes() == event)
        .map(|(_, rules)| *rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_say_what_the_catalog_says() {
        assert_eq!(RULES.len(), crate::EVENT_TYPES.len());
        for t in crate::EVENT_TYPES {
            let rules = rules_for(t.name.as_bytes()).unwrap();
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
        assert_eq!(rules_for(b"deal.lost.maybe"), None);
    }
}
