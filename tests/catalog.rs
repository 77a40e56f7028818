//! The catalog: every sample types into its variant and round-trips, and parsing is lenient
//! where the catalog may be incomplete. Files derived from it are checked by `generate/tests/drift.rs`.

use atlasbrokers_webhooks::{Envelope, Error, Event, EventType, FieldKind, EVENT_TYPES};
use serde_json::Value;

#[test]
fn the_catalog_has_the_fifteen_documented_events() {
    let names: Vec<&str> = EVENT_TYPES.iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "lead.created",
            "lead.converted",
            "deal.created",
            "deal.won",
            "deal.lost",
            "contact.created",
            "contact.updated",
            "invoice.created",
            "invoice.paid",
            "policy.created",
            "policy.renewed",
            "booking.created",
            "booking.cancelled",
            "claim.filed",
            "addon.activated",
        ]
    );
    for t in EVENT_TYPES {
        assert_eq!(t.fields[0].json, "id", "{}", t.name);
        assert!(t
            .fields
            .iter()
            .all(|f| f.required == (t.name == "deal.won" || f.json == "id")));
        let prefix = t.name.split('.').next().unwrap();
        assert_eq!(t.category.prefix(), prefix, "{}", t.name);
        // Leads/lead, Policies/policy, ...: the title shares the prefix's first four letters.
        assert!(t.category.title().to_lowercase().starts_with(&prefix[..4]));
    }
}

#[test]
fn every_sample_types_into_its_variant_and_round_trips() {
    for t in EVENT_TYPES {
        let original: Value = serde_json::from_str(t.sample_body).unwrap();
        let delivery = Envelope::parse(t.sample_body.as_bytes())
            .unwrap()
            .into_event()
            .unwrap();
        assert_eq!(delivery.data.name(), t.name);
        assert_eq!(delivery.data.category(), Some(t.category));
        assert_eq!(
            Some(delivery.data.data_id().unwrap()),
            original["data"]["id"].as_str()
        );
        assert!(
            !matches!(delivery.data, Event::Unknown { .. }),
            "{}",
            t.name
        );
        assert_eq!(
            format!("{:?}", delivery.data).split('(').next(),
            Some(t.type_name)
        );
        // Nothing lost or altered by typing: equal JSON back, and no field fell into `extra`.
        assert_eq!(
            serde_json::to_value(&delivery).unwrap(),
            original,
            "{}",
            t.name
        );
        assert_eq!(delivery.data.to_data().len(), t.fields.len());
        assert_eq!(Envelope::sample(t.name).as_ref(), Some(&delivery));
        // The sample values have the types the table declares.
        for f in t.fields {
            let v = &original["data"][f.json];
            match f.kind {
                FieldKind::Money => assert!(v.is_number(), "{}.{}", t.name, f.json),
                _ => assert!(v.is_string(), "{}.{}", t.name, f.json),
            }
            assert_eq!(
                f.kind.json_type(),
                if v.is_number() { "number" } else { "string" }
            );
        }
        assert_eq!(
            delivery.timestamp.as_str(),
            atlasbrokers_webhooks::SAMPLE_TIMESTAMP
        );
        assert_eq!(
            delivery.workspace_id,
            atlasbrokers_webhooks::SAMPLE_WORKSPACE_ID
        );
    }
    assert_eq!(Envelope::sample("no.such"), None);
}

#[test]
fn typed_fields_read_as_declared() {
    let won = Envelope::sample("deal.won").unwrap();
    let Event::DealWon(deal) = &won.data else {
        panic!()
    };
    assert_eq!(deal.title, "Home Insurance Policy — Mitchell");
    assert_eq!(deal.value.to_minor_units(), 240_000);
    assert_eq!(deal.currency, "CAD");
    let paid = Envelope::sample("invoice.paid").unwrap();
    let Event::InvoicePaid(invoice) = &paid.data else {
        panic!()
    };
    assert_eq!(
        invoice.amount.as_ref().map(|a| a.to_minor_units()),
        Some(125_050)
    );
    assert_eq!(invoice.amount.as_ref().map(|a| a.as_f64()), Some(1250.5));
}

fn parse(body: &str) -> Result<Envelope<Event>, Error> {
    Envelope::parse(body.as_bytes())?.into_event()
}

#[test]
fn unknown_events_and_extra_fields_are_kept() {
    let body = r#"{"event":"quote.requested","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_abc123","data":{"id":"q_1","lines":[1,2]},"attempt":2}"#;
    let delivery = parse(body).unwrap();
    assert!(matches!(&delivery.data, Event::Unknown { event, .. } if event == "quote.requested"));
    assert_eq!(delivery.data.name(), "quote.requested");
    assert_eq!(delivery.data.category(), None);
    assert_eq!(delivery.data.data_id(), Some("q_1"));
    assert_eq!(
        serde_json::to_value(&delivery).unwrap(),
        serde_json::from_str::<Value>(body).unwrap()
    );

    let extra = EventType::find("lead.created")
        .unwrap()
        .sample_body
        .replace(
            r#""province":"QC""#,
            r#""province":"QC","score":87,"tags":["vip"]"#,
        );
    let delivery = parse(&extra).unwrap();
    let Event::LeadCreated(lead) = &delivery.data else {
        panic!()
    };
    assert_eq!(lead.province.as_deref(), Some("QC"));
    assert_eq!(lead.extra["score"], 87);
    assert_eq!(
        serde_json::to_value(&delivery).unwrap(),
        serde_json::from_str::<Value>(&extra).unwrap()
    );
}

#[test]
fn optional_fields_may_be_missing_or_null_but_required_ones_may_not() {
    let lead = EventType::find("lead.created").unwrap().sample_body;
    let without_phone = lead.replace(r#""phone":"+1-514-555-0142","#, "");
    assert_ne!(without_phone, lead);
    let Event::LeadCreated(parsed) = parse(&without_phone).unwrap().data else {
        panic!()
    };
    assert_eq!(parsed.phone, None);
    assert_eq!(parsed.email.as_deref(), Some("amelie.tremblay@example.ca"));
    let null_email = lead.replace(r#""amelie.tremblay@example.ca""#, "null");
    let Event::LeadCreated(parsed) = parse(&null_email).unwrap().data else {
        panic!()
    };
    assert_eq!(parsed.email, None);

    let won = EventType::find("deal.won").unwrap().sample_body;
    let cases = [
        (
            won.replace(r#","closedAt":"2026-03-05T09:00:00.000Z""#, ""),
            "data.closedAt",
        ),
        (won.replace("2400", r#""2400""#), "data.value"),
        (won.replace(r#""id":"deal_mno321""#, r#""id":7"#), "data.id"),
        (lead.replace(r#""QC""#, "12"), "data.province"),
    ];
    for (body, path) in cases {
        match parse(&body) {
            Err(Error::InvalidEnvelope { field, .. }) => assert_eq!(field, path),
            other => panic!("{path}: {other:?}"),
        }
    }
}
