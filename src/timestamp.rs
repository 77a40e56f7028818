//! The envelope's `timestamp`: RFC 3339, kept exactly as received and readable as an instant.
//!
//! A small strict parser instead of a date-time crate: the core only needs to compare the
//! signed timestamp with the receive time, and must stay small in WebAssembly.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An RFC 3339 date-time (`2026-03-02T14:23:11.000Z`), as received and as an instant.
///
/// Equality, hashing and serialization use the received text, so re-serializing an envelope
/// reproduces the same string and idempotency keys stay stable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    /// Nanoseconds since the Unix epoch (UTC); an i128 covers years 0000-9999 with room.
    unix_nanos: i128,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    /// Returns `None` for anything else, including impossible dates such as February 30.
    pub fn parse(text: &str) -> Option<Self> {
        let unix_nanos = parse_rfc3339(text.as_bytes())?;
        Some(Timestamp::from_parts(text.to_owned(), unix_nanos))
    }

    /// The instant `text` names, as [`Timestamp::parse`] reads it, without keeping the text.
    pub(crate) fn nanos_of(text: &[u8]) -> Option<i128> {
        parse_rfc3339(text)
    }

    /// A timestamp from its text and the instant [`Timestamp::nanos_of`] read in it.
    pub(crate) fn from_parts(text: String, unix_nanos: i128) -> Self {
        Timestamp { text, unix_nanos }
    }

    /// The timestamp exactly as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whole seconds since the Unix epoch (floored).
    pub fn unix_seconds(&self) -> i64 {
        self.unix_nanos.div_euclid(1_000_000_000) as i64
    }

    /// Milliseconds since the Unix epoch (floored), as JavaScript's `Date` counts.
    pub fn unix_millis(&self) -> i64 {
        self.unix_nanos.div_euclid(1_000_000) as i64
    }

    /// The instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        // Seconds and the rest apart: u64 nanoseconds end in 2554, RFC 3339 years in 9999.
        let nanos = self.unix_nanos.unsigned_abs();
        let magnitude = Duration::new(
            (nanos / 1_000_000_000) as u64,
            (nanos % 1_000_000_000) as u32,
        );
        if self.unix_nanos >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }

    pub(crate) fn unix_nanos(&self) -> i128 {
        self.unix_nanos
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time"))
    }
}

/// Nanoseconds since the epoch for `SystemTime`, negative before 1970.
pub(crate) fn system_time_nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

fn parse_rfc3339(s: &[u8]) -> Option<i128> {
    // Shortest valid form: 2026-03-02T14:23:11Z (20 bytes).
    if s.len() < 20 || !s.is_ascii() {
        return None;
    }
    let year = digits(s, 0, 4)?;
    let month = digits(s, 5, 2)?;
    let day = digits(s, 8, 2)?;
    let hour = digits(s, 11, 2)?;
    let minute = digits(s, 14, 2)?;
    let second = digits(s, 17, 2)?;
    let separators_ok = s[4] == b'-'
        && s[7] == b'-'
        && matches!(s[10], b'T' | b't' | b' ')
        && s[13] == b':'
        && s[16] == b':';
    if !separators_ok
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    let mut rest = &s[19..];
    // i64, not i128: under a second of nanoseconds, and i128 arithmetic is a library call in
    // wasm32.
    let mut nanos: i64 = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        for (i, c) in fraction[..len].iter().enumerate() {
            // Digits past nanosecond precision are accepted and ignored.
            if i < 9 {
                nanos += i64::from(c - b'0') * 10i64.pow(8 - i as u32);
            }
        }
        rest = &fraction[len..];
    }

    let offset_seconds: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let h = digits(rest, 1, 2)?;
            let m = digits(rest, 4, 2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let magnitude = i64::from(h * 3600 + m * 60);
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };

    // A leap second (:60) is read as the last instant of that minute.
    let second = second.min(59);
    let days = days_from_civil(i64::from(year), month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(i128::from(local - offset_seconds) * 1_000_000_000 + i128::from(nanos))
}

fn digits(s: &[u8], at: usize, len: usize) -> Option<u32> {
    let field = s.get(at..at + len)?;
    field.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_guide_timestamp() {
        let t = Timestamp::parse("2026-03-02T14:23:11.000Z").unwrap();
        // date -d 2026-03-02T14:23:11Z +%s
        assert_eq!(t.unix_seconds(), 1_772_461_391);
        assert_eq!(t.unix_millis(), 1_772_461_391_000);
        assert_eq!(t.as_str(), "2026-03-02T14:23:11.000Z");
    }

    #[test]
    fn offsets_fractions_and_epoch() {
        let utc = Timestamp::parse("2026-03-02T14:23:11.250Z").unwrap();
        let toronto = Timestamp::parse("2026-03-02T09:23:11.25-05:00").unwrap();
        assert_eq!(utc.unix_nanos(), toronto.unix_nanos());
        assert_ne!(utc, toronto, "equality follows the received text");
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            0
        );
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59.5Z")
                .unwrap()
                .unix_millis(),
            -500
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            1_709_164_800
        );
        assert_eq!(
            Timestamp::parse("2026-03-02T14:23:11Z")
                .unwrap()
                .to_system_time(),
            UNIX_EPOCH + Duration::from_secs(1_772_461_391)
        );
        // Found by fuzzing: nanoseconds since the epoch outgrow u64 in 2554.
        for (text, seconds) in [
            ("2554-07-21T23:34:34Z", 18_446_744_074_i64),
            ("9999-12-31T23:59:59.5Z", 253_402_300_799),
            ("0000-01-01T00:00:00Z", -62_167_219_200),
        ] {
            let t = Timestamp::parse(text).unwrap().to_system_time();
            let expected = if seconds >= 0 {
                UNIX_EPOCH + Duration::from_secs(seconds as u64)
            } else {
                UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
            };
            let expected = if text.ends_with(".5Z") {
                expected + Duration::from_millis(500)
            } else {
                expected
            };
            assert_eq!(t, expected, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for bad in [
            "",
            "2026-03-02",
            "2026-03-02T14:23:11",
            "2026-03-02T14:23:11.Z",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T14:23:11+0500",
            "2026-03-02T14:23:11.000ZZ",
            "2026/03/02T14:23:11Z",
            "2026-03-02T14:23:11.000Zé",
            "+026-03-02T14:23:11Z",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad:?}");
        }
    }
}
