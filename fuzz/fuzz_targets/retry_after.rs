//! `retry::parse_retry_after` and `retry::decide` on anything a destination may answer.
//!
//! Never panics, and:
//! - digits only: that many seconds in milliseconds, saturating (also surrounded by spaces);
//! - an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, read here by a reference parser):
//!   the wait until that instant from `now_ms`, 0 once passed, never more;
//!
//! Each input is read twice: as a `Retry-After` value itself (UTF-8, the seeds in
//! seeds/retry_after/ are such values) at a few clocks, and through `arbitrary` as a value
//! (raw, digits or an assembled date), a clock, an outcome and a policy for `decide`.
//!
//! - `is_queue_full` on any status and body does not panic;
//! - `decide` with any outcome, attempt, policy, clock and jitter: never a delay over the
//!   12 h a queue allows; `backoff_ms` never above the policy's maximum (within the range
//!   `config::parse` allows).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use atlasbrokers_edge::config::RetryPolicy;
use atlasbrokers_edge::retry::{
    backoff_ms, decide, is_queue_full, parse_retry_after, Decision, Outcome,
};
use libfuzzer_sys::fuzz_target;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[derive(Arbitrary, Debug)]
struct Input {
    value: Value,
    now_ms: u64,
    outcome: Kind,
    attempt: u32,
    max_attempts: u32,
    backoff_base_ms: u64,
    backoff_max_ms: u64,
    retry_after_max_ms: u64,
    jitter: f64,
}

#[derive(Arbitrary, Debug)]
enum Value {
    Raw(String),
    Digits {
        n: u128,
        zeros: u8,
        pad: bool,
    },
    Date {
        weekday: u8,
        day: u8,
        month: u8,
        year: u16,
        hour: u8,
        minute: u8,
        second: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum Kind {
    /// A status and the start of the answer's body (Make's `Queue is full`).
    Status(u16, Vec<u8>),
    Timeout,
    Network,
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = std::str::from_utf8(data) {
        for now_ms in [0, 784_111_777_000, 1_772_461_391_000, u64::MAX] {
            check_value(value, now_ms);
        }
    }
    if let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) {
        structured(input);
    }
});

fn structured(input: Input) {
    // Mostly near real clocks, so dates land on both sides of now.
    let now_ms = match input.now_ms % 3 {
        0 => input.now_ms,
        _ => 1_700_000_000_000 + input.now_ms % 200_000_000_000,
    };
    let value = match &input.value {
        Value::Raw(s) => s.clone(),
        Value::Digits { n, zeros, pad } => {
            let digits = format!("{}{n}", "0".repeat(usize::from(zeros % 4)));
            if *pad {
                format!(" {digits}\t")
            } else {
                digits
            }
        }
        Value::Date {
            weekday,
            day,
            month,
            year,
            hour,
            minute,
            second,
        } => format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            DAYS[usize::from(*weekday) % 7],
            day % 33,
            MONTHS[usize::from(*month) % 12],
            year % 10_000,
            hour % 25,
            minute % 61,
            second % 61
        ),
    };

    check_value(&value, now_ms);

    let policy = RetryPolicy {
        max_attempts: input.max_attempts,
        backoff_base_ms: input.backoff_base_ms,
        backoff_max_ms: input.backoff_max_ms,
        retry_after_max_ms: input.retry_after_max_ms,
    };
    let outcome = match input.outcome {
        Kind::Status(status, body) => Outcome::Status {
            status,
            retry_after: Some(value.clone()),
            queue_full: is_queue_full(status, &body),
        },
        Kind::Timeout => Outcome::Timeout,
        Kind::Network => Outcome::Network,
    };
    let _ = outcome.kind().as_str();
    if let Decision::Retry { delay_seconds } =
        decide(&outcome, input.attempt, &policy, now_ms, input.jitter)
    {
        assert!(
            delay_seconds <= 12 * 3600,
            "a delay of {delay_seconds} s for {outcome:?}"
        );
    }
    let backoff = backoff_ms(input.attempt, &policy, input.jitter);
    // Within what config::parse allows (BACKOFF_MAX_MS up to 12 h); far beyond it, past
    // f64's 2^53, the jitter's rounding may add a few milliseconds, which is harmless.
    if policy.backoff_max_ms <= 43_200_000 {
        assert!(
            backoff <= policy.backoff_max_ms,
            "backoff {backoff} ms over the maximum of {policy:?}"
        );
    }
}

/// The value alone: digits and IMF-fixdates read as documented.
fn check_value(value: &str, now_ms: u64) {
    let got = parse_retry_after(value, now_ms);
    let trimmed = value.trim_matches([' ', '\t']);
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let expected = trimmed
            .parse::<u64>()
            .map_or(u64::MAX, |s| s.saturating_mul(1000));
        assert_eq!(got, Some(expected), "Retry-After {value:?}");
    }
    if let Some(at_ms) = imf_fixdate_ms(value) {
        let expected = u64::try_from(at_ms).unwrap_or(0).saturating_sub(now_ms);
        assert_eq!(
            got,
            Some(expected),
            "Retry-After {value:?} at now = {now_ms}"
        );
    }
}

/// An IMF-fixdate exactly (RFC 9110 5.6.7), as milliseconds since the epoch; `None` for
/// anything else, and for second 60 (a leap second, left out of the comparison).
fn imf_fixdate_ms(value: &str) -> Option<i64> {
    let b = value.as_bytes();
    if b.len() != 29 || !value.is_ascii() {
        return None;
    }
    if !DAYS.contains(&&value[0..3]) || &value[3..5] != ", " || &value[25..] != " GMT" {
        return None;
    }
    let n = |from: usize, len: usize| -> Option<i64> {
        let s = &value[from..from + len];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().unwrap())
    };
    let day = n(5, 2)?;
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == &value[8..11])? as i64 + 1;
    let year = n(12, 4)?;
    let (hour, minute, second) = (n(17, 2)?, n(20, 2)?, n(23, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
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
    if day < 1 || day > month_days[month as usize - 1] || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970 by counting: years, then months.
    let mut days: i64 = 0;
    if year >= 1970 {
        days += (1970..year)
            .map(|y| {
                if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
                    366
                } else {
                    365
                }
            })
            .sum::<i64>();
    } else {
        days -= (year..1970)
            .map(|y| {
                if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) {
                    366
                } else {
                    365
                }
            })
            .sum::<i64>();
    }
    days += month_days[..month as usize - 1].iter().sum::<i64>() + day - 1;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
}
