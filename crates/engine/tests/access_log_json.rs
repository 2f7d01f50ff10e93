//! JSON-lines access logs (one JSON object per line, keys named as in Istio's JSON
//! access-log format): detected as `access-log`, read into the same fields as the
//! text format, and diagnosed the same way.
//!
//! fixtures/access/access-log-lines.jsonl contains the three entries of
//! access-log-lines.txt in that JSON format, with `null` or `-` where the text
//! printed `-`.

use meshtls_engine::diagnosis::{self, Diagnosis, Input, Options};
use meshtls_engine::evidence::access_log::{AccessLogEntry, AccessLogFormat};
use meshtls_engine::evidence::detect::parse_input;
use meshtls_engine::evidence::{InputKind, ParsedInput, Records};

/// 2026-12-05T00:00:00Z; access logs carry no dates the rules compare with it.
const NOW: i64 = 1_796_428_800;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/access/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn entries(parsed: &ParsedInput) -> Vec<AccessLogEntry> {
    parsed
        .parts
        .iter()
        .filter_map(|part| match &part.records {
            Records::AccessLog(log) => Some(log.entries.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn parts(parsed: &ParsedInput) -> Vec<(InputKind, usize, usize)> {
    parsed.parts.iter().map(|part| (part.kind, part.first_line, part.last_line)).collect()
}

fn diagnose(name: &str, text: &str) -> Diagnosis {
    let options = Options { now: NOW, ..Options::default() };
    diagnosis::diagnose(&[Input::parse(name, text)], &options)
}

#[test]
fn json_lines_detected_as_access_log() {
    let parsed = parse_input("access.jsonl", &fixture("access-log-lines.jsonl"));
    assert_eq!(parsed.kind, InputKind::AccessLog, "warnings: {:?}", parsed.warnings);
    assert_eq!(parts(&parsed), [(InputKind::AccessLog, 1, 3)]);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn json_lines_fields_match_text_format() {
    let text = entries(&parse_input("access.txt", &fixture("access-log-lines.txt")));
    let json = entries(&parse_input("access.jsonl", &fixture("access-log-lines.jsonl")));
    assert_eq!(json.len(), 3);
    assert_eq!(text.len(), json.len());
    for (text_entry, json_entry) in text.iter().zip(&json) {
        assert_eq!(json_entry.format, AccessLogFormat::Json, "line {}", json_entry.line);
        let as_text = AccessLogEntry { format: AccessLogFormat::Text, ..json_entry.clone() };
        assert_eq!(&as_text, text_entry, "line {}", json_entry.line);
    }
}

#[test]
fn json_lines_findings_match_text_format() {
    let text = diagnose("access.txt", &fixture("access-log-lines.txt"));
    let json = diagnose("access.jsonl", &fixture("access-log-lines.jsonl"));
    assert!(!json.findings.is_empty());
    assert_eq!(json.conclusion, text.conclusion);
    assert_eq!(json.codes(), text.codes());
    for (text_finding, json_finding) in text.findings.iter().zip(&json.findings) {
        assert_eq!(json_finding.title, text_finding.title);
        assert_eq!(json_finding.details, text_finding.details);
        assert_eq!(json_finding.confidence, text_finding.confidence);
        let lines = |finding: &diagnosis::Finding| -> Vec<usize> {
            finding.evidence.iter().map(|line| line.line).collect()
        };
        assert_eq!(lines(json_finding), lines(text_finding), "{:?}", json_finding.code);
    }
}

#[test]
fn json_entry_with_verify_failure_reason() {
    let line = r#"{"start_time":"2025-03-02T08:15:00.000Z","response_code":"503","response_flags":"UF","upstream_transport_failure_reason":"TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end","upstream_host":"192.0.2.45:8080","downstream_remote_address":"198.51.100.7:41234"}"#;
    let text_line = r#"[2025-03-02T08:15:00.000Z] "GET / HTTP/1.1" 503 UF - "TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end" 0 91 3 - "-" "-" "-" "-" "192.0.2.45:8080""#;
    let parsed = parse_input("paste", line);
    assert_eq!(parsed.kind, InputKind::AccessLog);
    let json = diagnose("paste", line);
    let text = diagnose("paste", text_line);
    assert_eq!(json.codes(), text.codes());
    assert_eq!(json.conclusion.map(|code| code.as_str()), Some("tls-verify-failed"));
    let details = |diagnosis: &Diagnosis| diagnosis.findings.first().map(|f| f.details.clone());
    assert_eq!(details(&json), details(&text));
}

#[test]
fn json_lines_after_envoy_log_make_mixed_input() {
    let log = "[2025-03-02 08:15:00.000][12][debug][connection] [source/common/tls/ssl_socket.cc:246] [C7] TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED";
    let entry = r#"{"response_code":503,"response_flags":"UF","upstream_host":"192.0.2.45:8080"}"#;
    let parsed = parse_input("paste", &format!("{log}\n{entry}\n{entry}\n"));
    assert_eq!(parsed.kind, InputKind::Mixed);
    assert_eq!(parts(&parsed), [(InputKind::EnvoyLog, 1, 1), (InputKind::AccessLog, 2, 3)]);
}

#[test]
fn json_without_response_fields_stays_other() {
    let parsed = parse_input("paste", "{\"level\":\"info\",\"msg\":\"starting\"}\n");
    assert_eq!(parsed.kind, InputKind::Other);
}
