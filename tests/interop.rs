//! Interop both ways with the guide's own snippets: `tests/interop/guide_snippet.py` (python3)
//! and `tests/interop/guide_snippet.mjs` (node) accept our signatures, and we accept theirs.

use std::io::Write;
use std::process::{Command, Stdio};

use atlasbrokers_webhooks::{sign, Webhook, EVENT_TYPES};
use serde_json::{json, Value};

/// Every sample payload, plus non-ASCII bodies and secrets.
fn cases() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = EVENT_TYPES
        .iter()
        .map(|t| ("whsec_interop_7c1d".to_owned(), t.sample_body.to_owned()))
        .collect();
    cases.push((
        "clé-secrète-✓".to_owned(),
        r#"{"event":"lead.created","timestamp":"2026-03-02T14:23:11.000Z","workspaceId":"ws_qc","data":{"id":"lead_1","firstName":"Zoë","lastName":"Côté-Bélanger 🏠","note":"日本語"}}"#.to_owned(),
    ));
    cases.push((
        "s".repeat(200),
        "{\"event\":\"deal.won\",\n\"data\":{}}\r\n".to_owned(),
    ));
    cases
}

fn run(program: &str, script: &str, request: &Value) -> Vec<Value> {
    let path = format!("{}/tests/interop/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(program)
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program} (it must be installed): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} {script} failed");
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

fn snippet_accepts_our_signatures(program: &str, script: &str) {
    let cases = cases();
    let mut request = Vec::new();
    for (secret, body) in &cases {
        let signature = sign(secret, body);
        request.push(json!({"secret": secret, "body": body, "signature": signature}));
        // A control the snippet must reject, so a driver that always says yes fails here.
        let tampered = format!("{body} ");
        request.push(json!({"secret": secret, "body": tampered, "signature": signature}));
    }
    let verdicts = run(
        program,
        script,
        &json!({"mode": "verify", "cases": request}),
    );
    assert_eq!(verdicts.len(), cases.len() * 2);
    for (i, verdict) in verdicts.iter().enumerate() {
        let expected = i % 2 == 0;
        assert_eq!(verdict, &Value::Bool(expected), "{script} case {}", i / 2);
    }
}

fn we_accept_snippet_signatures(program: &str, script: &str) {
    let cases = cases();
    let request: Vec<Value> = cases
        .iter()
        .map(|(secret, body)| json!({"secret": secret, "body": body}))
        .collect();
    let signatures = run(program, script, &json!({"mode": "sign", "cases": request}));
    assert_eq!(signatures.len(), cases.len());
    for ((secret, body), signature) in cases.iter().zip(&signatures) {
        let header = signature.as_str().unwrap();
        let webhook = Webhook::new(secret).unwrap();
        assert_eq!(
            webhook.verify_signature(body.as_bytes(), Some(header)),
            Ok(())
        );
        assert!(webhook
            .verify_signature(format!("{body} ").as_bytes(), Some(header))
            .is_err());
    }
    // Every sample also verifies as a typed event with the snippet's signature.
    for (t, signature) in EVENT_TYPES.iter().zip(&signatures) {
        let webhook = Webhook::new("whsec_interop_7c1d").unwrap();
        let delivery = webhook
            .verify_event(t.sample_body.as_bytes(), signature.as_str())
            .unwrap();
        assert_eq!(delivery.data.name(), t.name);
    }
}

#[test]
fn python_snippet_accepts_our_signatures() {
    snippet_accepts_our_signatures("python3", "guide_snippet.py");
}

#[test]
fn we_accept_python_snippet_signatures() {
    we_accept_snippet_signatures("python3", "guide_snippet.py");
}

#[test]
fn node_snippet_accepts_our_signatures() {
    snippet_accepts_our_signatures("node", "guide_snippet_cli.mjs");
}

#[test]
fn we_accept_node_snippet_signatures() {
    we_accept_snippet_signatures("node", "guide_snippet_cli.mjs");
}
