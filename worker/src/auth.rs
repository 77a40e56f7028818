//! The admin API's bearer token check.

use atlasbrokers_webhooks::signature::sha256_hex;

/// Whether `authorization` is `Bearer <token>` (the scheme in any case, as RFC 9110 says).
/// Both sides are hashed first, so the comparison takes the same time whatever the presented
/// value's length or content.
pub fn bearer_matches(authorization: Option<&str>, token: &str) -> bool {
    let presented = authorization
        .map(str::trim)
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, credentials)| credentials.trim_start());
    let (a, b) = (sha256_hex(presented), sha256_hex(token));
    let diff = a
        .bytes()
        .zip(b.bytes())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff == 0 && !presented.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some(" Bearer s3cret "), "s3cret"));
        assert!(bearer_matches(Some("bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some("BEARER  s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearers3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cret x"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3crett"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
        assert!(!bearer_matches(Some("Bearer "), ""));
    }
}
