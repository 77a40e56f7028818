//! Event patterns: which events a handler (npm `on()`) or a destination (the edge verifier's
//! `events`) takes. `"deal.won"` is one event, `"deal.*"` a category (every event whose name
//! starts with `deal.`, also ones AtlasBrokers adds later), `"*"` every event, in the catalog or
//! not. A pattern that can never match a catalog event is refused, so a typo is caught at
//! start-up instead of silently receiving nothing.

use std::fmt::{self, Write};

use crate::catalog::{event_names, Category};

/// Refuses a pattern that can never match a catalog event, with a message listing the choices.
// Reads only the event names (not `EVENT_TYPES`), so the npm wasm links no descriptions or samples.
pub fn check_pattern(pattern: &str) -> Result<(), PatternError> {
    let category = |prefix: &str| Category::ALL.iter().any(|c| c.prefix() == prefix);
    let valid = pattern == "*"
        || event_names().any(|name| name == pattern)
        || pattern.strip_suffix(".*").is_some_and(category);
    match valid {
        true => Ok(()),
        false => Err(PatternError(pattern.to_owned())),
    }
}

/// Whether `pattern` takes the event named `event`: a pattern ending in `*` takes every name
/// starting with what comes before it (`"deal.*"`, `"*"`), any other only its own name. The
/// same rule for every string, so a pattern [`check_pattern`] refused still routes what its
/// text says rather than nothing.
pub fn pattern_matches(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix('*') {
        None => pattern == event,
        Some(prefix) => event.starts_with(prefix),
    }
}

/// A pattern that matches no catalog event; its message lists the valid choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A pattern comes from configuration and may hold control characters: quoted, with
        // those escaped (by hand: `{:?}` would link Unicode tables into the npm wasm).
        f.write_str("unknown event pattern \"")?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => write!(f, "\\{c}")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_str("\" matches no catalog event: use an event name (")?;
        for (i, name) in event_names().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{name}")?;
        }
        f.write_str("), a category (")?;
        for (i, c) in Category::ALL.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{}.*", c.prefix())?;
        }
        f.write_str(") or \"*\" (every event, also those outside the catalog)")
    }
}

impl std::error::Error for PatternError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, event: &str) -> bool {
        assert!(check_pattern(pattern).is_ok(), "{pattern}");
        pattern_matches(pattern, event)
    }

    #[test]
    fn names_categories_and_everything() {
        assert!(matches("deal.won", "deal.won"));
        assert!(!matches("deal.won", "deal.lost"));
        assert!(matches("deal.*", "deal.lost"));
        assert!(
            matches("deal.*", "deal.renamed"),
            "later events of the category too"
        );
        assert!(!matches("deal.*", "dealer.x"));
        assert!(!matches("deal.*", "deal"));
        assert!(!matches("lead.*", "deal.won"));
        assert!(matches("*", "quote.requested"));
    }

    #[test]
    fn typos_are_refused_with_the_choices() {
        for ok in ["*", "deal.won", "lead.*", "addon.activated", "policy.*"] {
            assert!(check_pattern(ok).is_ok(), "{ok}");
        }
        for bad in [
            "deal.wonn",
            "quote.*",
            "",
            "deal",
            "*.won",
            "Deal.won",
            "deal.* ",
        ] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
        let message = check_pattern("deal.wonn\n").unwrap_err().to_string();
        assert!(message.starts_with("unknown event pattern \"deal.wonn\\n\" matches no"));
        let quoted = check_pattern("a\"b\\c\u{7f}").unwrap_err().to_string();
        assert!(
            quoted.starts_with(r#"unknown event pattern "a\"b\\c\u{7f}" matches"#),
            "{quoted}"
        );
        assert!(message.contains("deal.won, deal.lost"), "{message}");
        assert!(message.contains("lead.*, deal.*"), "{message}");
    }
}
