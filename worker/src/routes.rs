//! Which destinations an event goes to, by their event patterns (`"deal.won"`, `"lead.*"`,
//! `"*"`: the core's `patterns` module decides what each takes).

use atlasbrokers_webhooks::{check_pattern, pattern_matches};

/// A place deliveries are forwarded to (a Zapier Catch Hook, a Make Custom Webhook, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Shown in responses, logs and `/healthz`; never the URL.
    pub name: String,
    /// The hook URL: a capability, so it only ever comes from a secret.
    pub url: String,
    /// The name of that secret (never its value), for messages that say what to update.
    pub secret: String,
    /// Event patterns this destination receives.
    pub events: Vec<String>,
}

/// A destination name as configuration allows it (and admin filters accept): 1-64 letters,
/// digits, `-` or `_`.
pub fn is_destination_name(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why a pattern can never match a catalog event (the core's rule): `None` when it is fine.
pub fn pattern_problem(pattern: &str) -> Option<String> {
    check_pattern(pattern).err().map(|e| e.to_string())
}

/// The destinations that receive `event`, in configuration order. A body without an event
/// name (authentic, but not the envelope) goes only where `*` routes everything.
pub fn destinations_for<'d>(
    destinations: &'d [Destination],
    event: Option<&str>,
) -> Vec<&'d Destination> {
    destinations
        .iter()
        .filter(|d| {
            d.events.iter().any(|p| match event {
                Some(event) => pattern_matches(p, event),
                None => p == "*",
            })
        })
        .collect()
}

/// The raw value of `name` in a URL's query string.
pub fn query_param<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let query = url.split_once('?')?.1.split('#').next()?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dest(name: &str, events: &[&str]) -> Destination {
        Destination {
            name: name.into(),
            url: format!("https://hooks.example/{name}"),
            secret: format!("HOOK_{name}"),
            events: events.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn fan_out_and_unrouted() {
        let all = [
            dest("zapier", &["lead.*", "deal.won"]),
            dest("make", &["deal.*"]),
        ];
        let names = |e| {
            destinations_for(&all, Some(e))
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("deal.won"), ["zapier", "make"]);
        assert_eq!(names("lead.created"), ["zapier"]);
        assert_eq!(names("claim.filed"), Vec::<&str>::new());
        let with_all = [dest("zapier", &["lead.*"]), dest("archive", &["*"])];
        let none: Vec<_> = destinations_for(&with_all, None)
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(none, ["archive"], "no event name: only `*` routes");
    }

    #[test]
    fn query_params() {
        let url = "https://edge.example/admin/test/zapier?x=1&event=lead.created#f";
        assert_eq!(query_param(url, "event"), Some("lead.created"));
        assert_eq!(query_param(url, "y"), None);
        assert_eq!(query_param("https://e.example/a", "event"), None);
    }
}
