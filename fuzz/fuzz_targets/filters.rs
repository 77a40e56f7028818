//! The admin API's query-string filter (`filters::parse`), the SQL it becomes, and dead-letter
//! ids (`filters::parse_dead_letter_id`): the hand-written parsers behind `/admin/*` URLs.
//!
//! Never panics, and:
//! - an accepted filter holds only what the parser promises (after URL decoding): a route
//!   name, an event name of `[a-z0-9._]`, times below 2^53, a `before` row of a delivery id
//!   (64 lowercase hex digits) and a route name, a limit from 1 to 500;
//! - values are bound, never written into SQL: the SQL of a filter is the same text when every
//!   value is swapped for another of its kind, and it uses exactly `?1..?n` for its n binds;
//! - a refusal says why in under 200 characters;
//! - an id that parses is exactly what `dead_letter_id` makes of its parts.
#![no_main]

use atlasbrokers_edge::filters::{self, Before, Bind, Filter};
use atlasbrokers_edge::routes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match filters::parse(text) {
        Ok(f) => check(&f),
        Err(reason) => assert!(reason.len() < 200, "{reason}"),
    }
    if let Some((delivery, destination)) = filters::parse_dead_letter_id(text) {
        assert_eq!(filters::dead_letter_id(delivery, destination), text);
        assert_eq!(delivery.len(), 64);
        assert!(routes::is_destination_name(destination));
    }
});

fn check(f: &Filter) {
    if let Some(d) = &f.destination {
        assert!(routes::is_destination_name(d), "{d:?}");
    }
    if let Some(e) = &f.event {
        assert!(
            !e.is_empty()
                && e.len() <= 100
                && e.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'_'),
            "{e:?}"
        );
    }
    for t in [f.from, f.to, f.before.as_ref().map(|b| b.at)]
        .into_iter()
        .flatten()
    {
        assert!(t < 1 << 53);
    }
    if let Some((delivery, destination)) = f.before.as_ref().and_then(|b| b.row.as_ref()) {
        assert!(
            delivery.len() == 64
                && delivery
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert!(destination
            .as_deref()
            .is_none_or(routes::is_destination_name));
    }
    assert!((1..=filters::MAX_LIMIT).contains(&f.limit));

    // The same filter with other values of the same kinds.
    let other = Filter {
        destination: f.destination.as_ref().map(|_| "x".to_owned()),
        event: f.event.as_ref().map(|_| "y.z".to_owned()),
        from: f.from.map(|_| 7),
        to: f.to.map(|_| 8),
        before: f.before.as_ref().map(|b| Before {
            at: 9,
            row: b.row.as_ref().map(|(_, destination)| {
                ("0".repeat(64), destination.as_ref().map(|_| "x".to_owned()))
            }),
        }),
        limit: 1,
        ..f.clone()
    };
    for build in [filters::dead_letters, filters::deliveries] {
        let (sql, binds) = build(f);
        let (same, other_binds) = build(&other);
        assert_eq!(sql, same, "a value reached the SQL text");
        assert_eq!(binds.len(), other_binds.len());
        for n in 1..=binds.len() {
            assert!(sql.contains(&format!("?{n}")), "?{n} unused in {sql}");
        }
        assert!(!sql.contains(&format!("?{}", binds.len() + 1)), "{sql}");
        for bind in &binds {
            if let Bind::Text(t) = bind {
                assert!(!t.is_empty());
            }
        }
    }
}
