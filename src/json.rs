//! A validating JSON scanner that keeps only what the envelope rules read: the last value of
//! each of the top-level object's four fields, `data`'s entries, and the text of their strings.
//! Everything else is checked (RFC 8259 syntax, UTF-8) and skipped, without recursion: nesting
//! may be as deep as the body makes it, as in `JSON.parse`, and hostile input cannot exhaust the
//! stack.
//!
//! Why not serde_json here: this pass runs on every delivery in the npm package and the edge
//! verifier, where a one-purpose scanner is about three times faster in wasm and lets the npm
//! `.wasm` drop serde_json. It accepts what `JSON.parse` accepts (the sender's and most
//! receivers' reading) including lone surrogate escapes, which read as U+FFFD when kept, and
//! numbers beyond f64's range; it rejects invalid UTF-8, which `JSON.parse` never sees.
//!
//! Why no tree: the fields are written into their places as the scan meets them (a later
//! duplicate overwrites, as `JSON.parse` keeps the last), and `data`'s entries into a fixed
//! array, so a delivery costs no allocation unless `data` has more than [`INLINE`] entries.

use std::borrow::Cow;

/// A value as far as the envelope's rules look into it: a string's text (borrowed unless
/// escaped), else only its kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    Str(Text<'a>),
    Number,
    Null,
    /// An object, an array or a boolean.
    Other,
}

/// A string value, checked (syntax and UTF-8) but decoded only when read: most are never read
/// (a catalog field's type is all the rules need), and a long ASCII one is then never copied
/// or validated twice.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Text<'a> {
    /// Between the quotes, escapes undecoded; valid UTF-8.
    raw: &'a [u8],
    escaped: bool,
}

impl<'a> Text<'a> {
    /// The decoded text.
    pub(crate) fn get(&self) -> Cow<'a, str> {
        // Checked by the scanner, so this never falls back.
        let text = std::str::from_utf8(self.raw).unwrap_or_default();
        if self.escaped {
            Cow::Owned(unescape(text))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// The decoded text as bytes: borrowed unless escaped (then decoded), never re-checked.
    pub(crate) fn bytes(&self) -> Cow<'a, [u8]> {
        if self.escaped {
            Cow::Owned(self.get().into_owned().into_bytes())
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Whether the decoded text is `s`, without decoding (or re-checking) an unescaped one.
    fn is(&self, s: &str) -> bool {
        if self.escaped {
            self.get() == s
        } else {
            self.raw == s.as_bytes()
        }
    }
}

/// An object key: compared with the names the rules look up, never decoded (the tests show
/// it decoded).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Key<'a>(Text<'a>);

impl PartialEq<str> for Key<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0.is(other)
    }
}

#[cfg(test)]
impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.get())
    }
}

/// The top-level object as the rules read it. Each field holds the last value of its name.
#[derive(Debug, Default)]
pub(crate) struct TopLevel<'a> {
    pub(crate) event: Option<Value<'a>>,
    pub(crate) timestamp: Option<Value<'a>>,
    pub(crate) workspace_id: Option<Value<'a>>,
    data: Entries<'a>,
    /// Whether the last `data` is an object (then `data` holds its entries).
    data_is_object: bool,
}

impl<'a> TopLevel<'a> {
    /// `data`'s entries, when the last `data` is an object.
    pub(crate) fn data(&self) -> Option<&Entries<'a>> {
        self.data_is_object.then_some(&self.data)
    }
}

/// How many of `data`'s entries are kept without allocating: the catalog's largest event has
/// 11 fields.
const INLINE: usize = 16;

/// An object's entries in body order: the first [`INLINE`] in place, any beyond in a `Vec`.
/// (Each value is an `Option` only so that the array has a default.)
#[derive(Debug, Default)]
pub(crate) struct Entries<'a> {
    inline: [(Key<'a>, Option<Value<'a>>); INLINE],
    len: usize,
    more: Vec<(Key<'a>, Option<Value<'a>>)>,
}

impl<'a> Entries<'a> {
    fn clear(&mut self) {
        self.len = 0;
        self.more.clear();
    }

    fn push(&mut self, key: Key<'a>, value: Value<'a>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = (key, Some(value));
                self.len += 1;
            }
            None => self.more.push((key, Some(value))),
        }
    }

    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = &(Key<'a>, Option<Value<'a>>)> {
        self.inline[..self.len].iter().chain(&self.more)
    }

    /// The value of `key`; with duplicate keys the last one wins, as in `JSON.parse` and
    /// `serde_json::Value`.
    pub(crate) fn last(&self, key: &str) -> Option<Value<'a>> {
        let named = |(k, _): &&(Key<'a>, Option<Value<'a>>)| *k == *key;
        let found = self.more.iter().rev().find(named);
        let found = found.or_else(|| self.inline[..self.len].iter().rev().find(named));
        found.and_then(|(_, v)| *v)
    }
}

/// Scans `body` into `top` (which should be fresh): `Ok(false)` for JSON that is not an
/// object. On a syntax error, returns its 1-based line and column. An out-parameter, as the
/// value is large (its inline entries) and would otherwise be copied on the way out.
pub(crate) fn parse<'a>(body: &'a [u8], top: &mut TopLevel<'a>) -> Result<bool, (usize, usize)> {
    let mut s = Scanner {
        bytes: body,
        pos: 0,
    };
    s.skip_ws();
    let object = if s.peek() == Some(b'{') {
        s.object(Target::TopLevel(top)).map(|()| true)
    } else {
        s.value().map(|_| false)
    };
    object
        .and_then(|object| {
            s.skip_ws();
            if s.pos == body.len() {
                Ok(object)
            } else {
                Err(s.pos)
            }
        })
        .map_err(|at| line_column(body, at))
}

type Scan<T> = Result<T, usize>;

/// Where an object's entries go: the top-level object's four fields, or `data`'s entries.
enum Target<'e, 'a> {
    TopLevel(&'e mut TopLevel<'a>),
    Data(&'e mut Entries<'a>),
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte` after optional whitespace, or fails where it should be.
    fn expect(&mut self, byte: u8) -> Scan<()> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.pos)
        }
    }

    /// The object at `pos` (on its `{`), read into `into`.
    fn object(&mut self, mut into: Target<'_, 'a>) -> Scan<()> {
        self.pos += 1; // '{'
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.pos);
            }
            let key = Key(self.text()?);
            self.expect(b':')?;
            match &mut into {
                Target::TopLevel(top) => self.field(top, key)?,
                Target::Data(entries) => entries.push(key, self.value()?),
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.pos),
            }
        }
    }

    /// A top-level field's value: one of the four into its place, the rest skipped.
    fn field(&mut self, top: &mut TopLevel<'a>, key: Key<'a>) -> Scan<()> {
        let field = if key == *"event" {
            &mut top.event
        } else if key == *"timestamp" {
            &mut top.timestamp
        } else if key == *"workspaceId" {
            &mut top.workspace_id
        } else if key == *"data" {
            // A later `data` replaces an earlier one, object or not.
            top.data.clear();
            self.skip_ws();
            top.data_is_object = self.peek() == Some(b'{');
            return if top.data_is_object {
                self.object(Target::Data(&mut top.data))
            } else {
                self.value().map(drop)
            };
        } else {
            return self.value().map(drop);
        };
        *field = Some(self.value()?);
        Ok(())
    }

    /// A value, kept as far as the rules read it; objects and arrays are checked and skipped.
    fn value(&mut self) -> Scan<Value<'a>> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => self.text().map(Value::Str),
            Some(b'-' | b'0'..=b'9') => self.number().map(|()| Value::Number),
            Some(b'{' | b'[') => self.skip_nested().map(|()| Value::Other),
            Some(b't') => self.literal(b"true", Value::Other),
            Some(b'f') => self.literal(b"false", Value::Other),
            Some(b'n') => self.literal(b"null", Value::Null),
            _ => Err(self.pos),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Scan<Value<'a>> {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.pos)
        }
    }

    /// Checks and moves past the object or array at `pos` without recursion: `open` holds
    /// one closing byte per level, so a body of a million `[` costs a megabyte, not the stack.
    fn skip_nested(&mut self) -> Scan<()> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // At the start of a value.
            self.skip_ws();
            match self.peek() {
                Some(opening @ (b'{' | b'[')) => {
                    let closer = if opening == b'{' { b'}' } else { b']' };
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(closer) {
                        self.pos += 1;
                    } else {
                        open.push(closer);
                        if closer == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                // Not a container, so value() does not come back here.
                _ => {
                    self.value()?;
                }
            }
            // After a value: close the levels that end here, or go on to the next entry.
            loop {
                let Some(&closer) = open.last() else {
                    return Ok(());
                };
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if closer == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    Some(byte) if byte == closer => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ => return Err(self.pos),
                }
            }
        }
    }

    /// A skipped object's key and its colon.
    fn key(&mut self) -> Scan<()> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.pos);
        }
        self.text()?;
        self.expect(b':')
    }

    /// A string value, checked, decoded later if at all.
    #[cfg_attr(feature = "inline-scanner", inline(always))]
    fn text(&mut self) -> Scan<Text<'a>> {
        let start = self.pos + 1;
        let (end, escaped, ascii) = self.scan_string()?;
        let raw = self.bytes.get(start..end).unwrap_or_default();
        if !ascii {
            std::str::from_utf8(raw).map_err(|e| start + e.valid_up_to())?;
        }
        Ok(Text { raw, escaped })
    }

    /// Moves past the string at `pos` (on its opening quote), checking escapes and control
    /// characters; returns the index of its closing quote, whether it has escapes, and whether
    /// it is all ASCII (then it needs no UTF-8 check).
    #[cfg_attr(feature = "inline-scanner", inline(always))]
    fn scan_string(&mut self) -> Scan<(usize, bool, bool)> {
        let bytes = self.bytes;
        let mut i = self.pos + 1;
        let mut escaped = false;
        let mut high = 0u64;
        loop {
            // Eight bytes at a time while none is a quote, a backslash or a control character;
            // then straight to the first that is (the lowest marked lane is exact).
            while let Some(chunk) = bytes.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
                let special = attention(word);
                if special != 0 {
                    let lanes = special.trailing_zeros() / 8;
                    // The bytes before it, for the ASCII check (none when it is the first).
                    high |= word & (1u64 << (lanes * 8)).wrapping_sub(1);
                    i += lanes as usize;
                    break;
                }
                high |= word;
                i += 8;
            }
            match bytes.get(i) {
                None => return Err(i),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok((i, escaped, high & 0x8080_8080_8080_8080 == 0));
                }
                Some(b'\\') => {
                    escaped = true;
                    i += 1;
                    match bytes.get(i) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 1,
                        Some(b'u') => {
                            let hex = bytes.get(i + 1..i + 5).ok_or(bytes.len())?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(i);
                            }
                            i += 5;
                        }
                        _ => return Err(i),
                    }
                }
                Some(0x00..=0x1f) => return Err(i),
                Some(&b) => {
                    high |= u64::from(b);
                    i += 1;
                }
            }
        }
    }

    /// Moves past the number at `pos`, checking its syntax. Its value is never needed: the
    /// rules ask only whether a field is a number.
    #[cfg_attr(feature = "inline-scanner", inline(always))]
    fn number(&mut self) -> Scan<()> {
        let bytes = self.bytes;
        let mut i = self.pos;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let from = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - from
        };
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return Err(i),
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return Err(i);
            }
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return Err(i);
            }
        }
        self.pos = i;
        Ok(())
    }
}

/// True when any byte of `word` is `"`, `\` or below 0x20.
#[cfg(test)]
fn needs_attention(word: u64) -> bool {
    attention(word) != 0
}

/// The high bit of each byte of `word` (little-endian lanes) that is `"`, `\` or below 0x20,
/// exact up to the first such byte; lanes above it may be marked too (SWAR: a zero byte in
/// `word ^ c` marks a `c`; `word - 0x20` borrows into the high bit of a byte below 0x20; a
/// borrow only runs upwards, from a lane that is marked anyway).
fn attention(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}

/// Decodes the escapes of a string already checked by `scan_string`. Surrogate pairs join;
/// a lone surrogate reads as U+FFFD, which is what `JSON.parse` followed by UTF-8 encoding
/// would give.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let decoded = match chars.next() {
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                let unit = hex4(&mut chars);
                let mut after = chars.clone();
                let low = match (after.next(), after.next()) {
                    (Some('\\'), Some('u')) => Some(hex4(&mut after)),
                    _ => None,
                };
                match (unit, low) {
                    (0xd800..=0xdbff, Some(low @ 0xdc00..=0xdfff)) => {
                        chars = after;
                        let c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                        char::from_u32(c).unwrap_or('\u{fffd}')
                    }
                    _ => char::from_u32(unit).unwrap_or('\u{fffd}'),
                }
            }
            Some(other) => other, // '"', '\\' or '/'
            None => '\u{fffd}',
        };
        out.push(decoded);
    }
    out
}

/// Four hex digits (checked by `scan_string`) as a number.
fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    (0..4).fold(0, |n, _| {
        n << 4 | chars.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
    })
}

fn line_column(body: &[u8], at: usize) -> (usize, usize) {
    let before = &body[..at.min(body.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &(impl AsRef<[u8]> + ?Sized)) -> bool {
        parse(body.as_ref(), &mut TopLevel::default()).is_ok()
    }

    /// The top-level fields of an object body.
    fn object_of(body: &[u8]) -> TopLevel<'_> {
        let mut top = TopLevel::default();
        assert_eq!(parse(body, &mut top), Ok(true));
        top
    }

    #[test]
    fn accepts_and_rejects_what_json_parse_does() {
        for good in [
            "{}",
            " {\"a\" : [1, -0, 2.5e-3, 1E+2, true, false, null, {\"b\": []}]}\r\n",
            "[]",
            "\"x\"",
            "-12",
            "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83c\\udfe0\"}",
            "{\"lone\":\"\\ud800\"}",
            "{\"big\":1e400}",
            "{\"u\":\"é—🏠\"}",
        ] {
            assert!(ok(good), "{good}");
        }
        for bad in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "{a:1}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12g4\"}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"open}",
            "{} {}",
            "{\"a\":NaN}",
            "\u{feff}{}",
        ] {
            assert!(!ok(bad), "{bad:?}");
        }
        assert!(!ok(b"{\"a\":\"\xff\"}"), "invalid UTF-8");
        assert!(!ok(b"{\"a\":\"\xc3\"}"), "truncated UTF-8");
    }

    #[test]
    fn nesting_has_no_limit_and_no_recursion() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(ok(&deep(128)));
        assert!(ok(&deep(1_000_000)), "no stack overflow");
        assert!(!ok(&format!(
            "{}{}",
            "[".repeat(1_000_000),
            "]".repeat(999_999)
        )));
        let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert!(ok(&objects(200_000)));
        let under_data = format!(
            "{{\"event\":\"e\",\"data\":{{\"x\":{}}}}}",
            objects(100_000)
        );
        object_of(under_data.as_bytes());
        for bad in [
            "[{]}",
            "[{\"a\"}]",
            "[{\"a\":1,}]",
            "[1 2]",
            "[[1],]",
            "[{1:2}]",
            "[\"\\q\"]",
            "[[]",
        ] {
            assert!(!ok(bad), "{bad}");
        }
        for good in [
            "[{\"a\":[{},[]]},{\"b\":{\"c\":null}}]",
            "[ [ ] , { } ]",
            "{\"a\":{}}",
        ] {
            assert!(ok(good), "{good}");
        }
    }

    #[test]
    fn keeps_the_four_fields_and_data_entries_only() {
        let body = br#"{"event":"e\u0021","data":{"id":"d1","n":-42,"f":1.5,"z":-0,"o":{"id":"deep"},"x":null,"b":true,"a":[]},"other":{"event":"v"}}"#;
        let top = object_of(body);
        assert!(matches!(top.event, Some(Value::Str(v)) if v.get() == "e!"));
        assert_eq!((top.timestamp, top.workspace_id), (None, None));
        let data = top.data().expect("data kept");
        let kinds: Vec<String> = data
            .iter()
            .map(|(k, v)| format!("{k}={:?}", v.unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                "id=Str(Text { raw: [100, 49], escaped: false })",
                "n=Number",
                "f=Number",
                "z=Number",
                "o=Other",
                "x=Null",
                "b=Other",
                "a=Other"
            ]
        );
        assert_eq!(data.last("nope"), None);
        for not_an_object in ["[]", "\"x\"", "1", "null"] {
            let mut top = TopLevel::default();
            assert_eq!(parse(not_an_object.as_bytes(), &mut top), Ok(false));
        }
    }

    #[test]
    fn the_last_duplicate_wins_for_fields_and_data() {
        let body = br#"{"event":"a","ev\u0065nt":"b","data":{"k":1},"data":{"k":"x","k":null}}"#;
        let top = object_of(body);
        assert!(matches!(top.event, Some(Value::Str(v)) if v.get() == "b"));
        let data = top.data().unwrap();
        assert_eq!(data.iter().count(), 2, "the first data's entries are gone");
        assert_eq!(data.last("k"), Some(Value::Null));
        let replaced = object_of(br#"{"data":{"k":1},"data":[1]}"#);
        assert!(
            replaced.data().is_none(),
            "a later data that is not an object"
        );
        let back = object_of(br#"{"data":7,"data":{"k":1}}"#);
        assert_eq!(back.data().unwrap().last("k"), Some(Value::Number));
    }

    #[test]
    fn data_entries_beyond_the_inline_ones_are_kept() {
        let fields: Vec<String> = (0..INLINE + 5).map(|i| format!("\"f{i}\":{i}")).collect();
        let body = format!("{{\"data\":{{{},\"f0\":\"last\"}}}}", fields.join(","));
        let top = object_of(body.as_bytes());
        let data = top.data().unwrap();
        assert_eq!(data.iter().count(), INLINE + 6);
        assert_eq!(data.last("f20"), Some(Value::Number));
        assert!(matches!(data.last("f0"), Some(Value::Str(t)) if t.get() == "last"));
        assert_eq!(data.last("f3"), Some(Value::Number));
    }

    #[test]
    fn escapes_decode_like_json_parse_then_utf8() {
        assert_eq!(unescape(r"a\u00e9\ud83c\udfe0\n"), "aé🏠\n");
        assert_eq!(unescape(r"\ud800x"), "\u{fffd}x");
        assert_eq!(unescape(r"\udc00\ud800"), "\u{fffd}\u{fffd}");
    }

    #[test]
    fn errors_point_at_line_and_column() {
        let error = |body: &[u8]| parse(body, &mut TopLevel::default()).unwrap_err();
        assert_eq!(error(b"{\n  \"a\": x\n}"), (2, 8));
        assert_eq!(error(b""), (1, 1));
    }

    #[test]
    fn swar_finds_every_special_byte_in_any_lane() {
        for lane in 0..8 {
            for special in [b'"', b'\\', 0x00, 0x1f] {
                let mut bytes = [b'a'; 8];
                bytes[lane] = special;
                assert!(needs_attention(u64::from_le_bytes(bytes)));
            }
            let mut fine = [b'a'; 8];
            fine[lane] = 0xe9;
            assert!(!needs_attention(u64::from_le_bytes(fine)));
            fine[lane] = b' ';
            assert!(!needs_attention(u64::from_le_bytes(fine)));
        }
    }
}
