//! Runs `meshtls diagnose` on the certificate cases that the browser test
//! `tests/e2e/certs.test.mjs` pastes into the page, and checks that the
//! command finds exactly the certificate codes the page must show.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/fixtures/certs")
}

fn read_cases() -> Value {
    let path = fixtures_dir().join("cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// Runs one case and returns the certificate codes found.
fn diagnose_case(
    case: &Value,
    now: &str,
    certificate_codes: &BTreeSet<String>,
) -> BTreeSet<String> {
    let folder = fixtures_dir();
    let mut command = Command::new(env!("CARGO_BIN_EXE_meshtls"));
    command.args(["diagnose", "--format", "json", "--now", now]);
    if let Some(symptom) = case["symptom"].as_str() {
        command.args(["--symptom", symptom]);
    }
    if let Some(host) = case["host"].as_str() {
        command.args(["--host", host]);
    }
    for file in strings(&case["bundle"]) {
        command.arg("--trust-bundle").arg(folder.join(file));
    }
    for file in strings(&case["evidence"]) {
        command.arg(folder.join(file));
    }
    let output = command.output().expect("meshtls runs");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("not JSON ({error}): {}", String::from_utf8_lossy(&output.stdout))
    });
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter_map(|finding| finding["code"].as_str())
        .filter(|code| certificate_codes.contains(*code))
        .map(String::from)
        .collect()
}

#[test]
fn certificate_cases_match_page() {
    let cases = read_cases();
    let now = cases["now"].as_str().expect("now");
    let certificate_codes: BTreeSet<String> =
        strings(&cases["certificate_codes"]).into_iter().collect();
    let list = cases["cases"].as_array().expect("cases");
    assert!(list.len() >= 11, "the table lists every certificate case");

    let mut failures = Vec::new();
    for case in list {
        let name = case["name"].as_str().expect("name");
        let expected: BTreeSet<String> = strings(&case["expected"]).into_iter().collect();
        let found = diagnose_case(case, now, &certificate_codes);
        if found != expected {
            failures.push(format!("{name}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn private_key_not_repeated() {
    let path = fixtures_dir().join("keys-with-certificate.pem");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let output = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(["diagnose", "--now", "2026-06-01T00:00:00Z"])
        .arg(&path)
        .output()
        .expect("meshtls runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    let key_lines = key_body_lines(&text);
    assert!(key_lines.len() > 20, "the fixture holds key material");
    for line in key_lines {
        assert!(!printed.contains(line), "the output repeats the key line {line}");
    }
}

/// Returns the base64 lines inside the private key blocks of `text`.
fn key_body_lines(text: &str) -> Vec<&str> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with("-----BEGIN") {
            inside = line.contains("PRIVATE KEY");
        } else if line.starts_with("-----END") {
            inside = false;
        } else if inside && !line.contains(':') && !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}
