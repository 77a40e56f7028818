//! Known-answer tests: RFC 4231 and AtlasBrokers-style bodies, kept as data in `tests/vectors/`.

use atlasbrokers_webhooks::{sign, Webhook};
use serde_json::Value;

fn cases(file: &str) -> Vec<Value> {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn rfc4231_hmac_sha256() {
    let cases = cases("rfc4231.json");
    assert_eq!(cases.len(), 7);
    for case in cases {
        let key = unhex(case["key"].as_str().unwrap());
        let data = unhex(case["data"].as_str().unwrap());
        let mac = case["mac"].as_str().unwrap();
        // Case 5 publishes only the first 128 bits.
        assert!(
            sign(&key, &data).starts_with(mac),
            "RFC 4231 case {}",
            case["case"]
        );
    }
}

#[test]
fn atlasbrokers_bodies_sign_and_verify() {
    let cases = cases("atlasbrokers.json");
    assert!(cases.len() >= 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let secret = case["secret"].as_str().unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        let expected = case["signature"].as_str().unwrap();
        assert_eq!(sign(secret, body), expected, "{name}");
        let webhook = Webhook::new(secret).unwrap();
        assert_eq!(
            webhook.verify_signature(body, Some(expected)),
            Ok(()),
            "{name}"
        );
    }
}

#[test]
fn the_same_json_with_other_bytes_has_another_signature() {
    // The compact guide sample with the em dash raw and escaped: equal JSON, different bytes.
    let cases = cases("atlasbrokers.json");
    let sig = |i: usize| cases[i]["signature"].as_str().unwrap().to_owned();
    assert_ne!(sig(1), sig(2));
    let webhook = Webhook::new(cases[1]["secret"].as_str().unwrap()).unwrap();
    let escaped = cases[2]["body"].as_str().unwrap().as_bytes();
    assert!(webhook.verify_signature(escaped, Some(&sig(1))).is_err());
}
