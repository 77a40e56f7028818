//! `Timestamp::parse` against a small independent RFC 3339 reader.
//!
//! Never panics; accepts exactly what the reference accepts
//! (`YYYY-MM-DD[Tt ]HH:MM:SS[.digits](Z|z|±HH:MM)`, real calendar dates, second 60 read as
//! 59, digits past nanoseconds ignored); keeps the text as received; `unix_seconds`,
//! `unix_millis` and `to_system_time` all equal the reference instant (floored); parsing
//! its own text gives an equal value; serde round-trips it.
//!
//! Each input is read twice: as the text itself (UTF-8; the seeds in seeds/timestamp/ are
//! such texts), and through `arbitrary` as a raw string or one assembled from fields (often
//! out of range) so the calendar and offset rules are reached quickly.
#![no_main]

use std::time::{SystemTime, UNIX_EPOCH};

use arbitrary::{Arbitrary, Unstructured};
use atlasbrokers_webhooks::Timestamp;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Input {
    Raw(String),
    Built {
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        separator: Separator,
        fraction: Option<(u8, u64)>,
        zone: Zone,
        trailer: Option<String>,
    },
}

#[derive(Arbitrary, Debug)]
enum Separator {
    T,
    LowerT,
    Space,
    Other(char),
}

#[derive(Arbitrary, Debug)]
enum Zone {
    Z,
    LowerZ,
    Offset {
        negative: bool,
        hours: u8,
        minutes: u8,
    },
    Other(String),
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check(text);
    }
    if let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) {
        check(&build(input));
    }
});

fn build(input: Input) -> String {
    match input {
        Input::Raw(text) => text,
        Input::Built {
            year,
            month,
            day,
            hour,
            minute,
            second,
            separator,
            fraction,
            zone,
            trailer,
        } => {
            // Mostly in range, sometimes not, sometimes too wide for the field.
            let year = year % 10_000 + if year > 60_000 { 10_000 } else { 0 };
            let sep = match separator {
                Separator::T => 'T',
                Separator::LowerT => 't',
                Separator::Space => ' ',
                Separator::Other(c) => c,
            };
            let mut s = format!(
                "{year:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}",
                month % 14,
                day % 33,
                hour % 26,
                minute % 62,
                second % 62
            );
            if let Some((len, digits)) = fraction {
                let digits = format!("{digits:020}");
                s.push('.');
                s.push_str(&digits[..usize::from(len % 21)]);
            }
            match zone {
                Zone::Z => s.push('Z'),
                Zone::LowerZ => s.push('z'),
                Zone::Offset {
                    negative,
                    hours,
                    minutes,
                } => s.push_str(&format!(
                    "{}{:02}:{:02}",
                    if negative { '-' } else { '+' },
                    hours % 26,
                    minutes % 62
                )),
                Zone::Other(z) => s.push_str(&z),
            }
            if let Some(t) = trailer {
                s.push_str(&t);
            }
            s
        }
    }
}

fn check(text: &str) {
    let ours = Timestamp::parse(text);
    let reference = reference(text);
    let (t, nanos) = match (ours, reference) {
        (None, None) => return,
        (Some(t), Some(nanos)) => (t, nanos),
        (ours, reference) => panic!(
            "{text:?}: parse gives {ours:?}, the reference {}",
            match reference {
                Some(n) => format!("{n} ns"),
                None => "rejects it".into(),
            }
        ),
    };

    assert_eq!(t.as_str(), text);
    assert_eq!(t.to_string(), text);
    assert_eq!(
        i128::from(t.unix_seconds()),
        nanos.div_euclid(1_000_000_000),
        "unix_seconds of {text:?}"
    );
    assert_eq!(
        i128::from(t.unix_millis()),
        nanos.div_euclid(1_000_000),
        "unix_millis of {text:?}"
    );
    assert_eq!(
        system_time_nanos(t.to_system_time()),
        nanos,
        "to_system_time of {text:?}"
    );
    assert_eq!(Timestamp::parse(t.as_str()).as_ref(), Some(&t), "reparse");
    let json = serde_json::to_string(&t).expect("serializes");
    let back: Timestamp = serde_json::from_str(&json).expect("deserializes its own output");
    assert_eq!(back, t);
}

fn system_time_nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// Nanoseconds since the Unix epoch, or `None` when `text` is not an RFC 3339 date-time as
/// the crate documents it. Written apart from the crate's parser, in another way: fields by
/// splitting, days by counting whole years from 0001-01-01.
fn reference(text: &str) -> Option<i128> {
    fn num(s: &str, len: usize) -> Option<i64> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().unwrap())
    }
    if !text.is_ascii() || text.len() < 20 {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let mut date_parts = date.split('-');
    let year = num(date_parts.next()?, 4)?;
    let month = num(date_parts.next()?, 2)?;
    let day = num(date_parts.next()?, 2)?;
    if date_parts.next().is_some() {
        return None;
    }
    let rest = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix('t'))
        .or_else(|| rest.strip_prefix(' '))?;
    let (time, rest) = rest.split_at(8);
    let mut time_parts = time.split(':');
    let hour = num(time_parts.next()?, 2)?;
    let minute = num(time_parts.next()?, 2)?;
    let second = num(time_parts.next()?, 2)?;
    if time_parts.next().is_some() {
        return None;
    }

    let (fraction_nanos, zone) = match rest.strip_prefix('.') {
        Some(after_dot) => {
            let end = after_dot
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after_dot.len());
            if end == 0 {
                return None;
            }
            let digits = &after_dot[..end];
            let nine: String = digits.chars().chain("000000000".chars()).take(9).collect();
            (nine.parse::<i128>().unwrap(), &after_dot[end..])
        }
        None => (0, rest),
    };
    let offset_minutes = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = zone[1..].split_once(':')?;
            let (h, m) = (num(h, 2)?, num(m, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 60 + m)
        }
    };

    let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[month as usize - 1]
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from 0001-01-01 to January 1st of `year` (negative for year 0, a leap year).
    let y = year - 1;
    let mut days = 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    days += month_days[..month as usize - 1].iter().sum::<i64>() + day - 1;
    const DAYS_0001_TO_1970: i64 = 719_162;
    let seconds = (days - DAYS_0001_TO_1970) * 86_400 + hour * 3600 + minute * 60 + second.min(59)
        - offset_minutes * 60;
    Some(i128::from(seconds) * 1_000_000_000 + fraction_nanos)
}
