//! Runs the `meshtls` binary on the public cases and on broken command lines,
//! and checks the JSON it prints and its exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The day the cases were collected; expiry checks need a fixed "now".
const NOW: &str = "2026-12-04T00:00:00Z";

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/cases")
}

fn case_files(folder: &str) -> Vec<String> {
    let dir = cases_dir().join(folder);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path().display().to_string())
        .collect();
    files.sort();
    files
}

fn meshtls(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("meshtls starts");
    if let Some(bytes) = stdin {
        child.stdin.take().expect("stdin").write_all(bytes).expect("stdin written");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("meshtls finishes")
}

fn diagnose_json(extra: &[&str], files: &[String]) -> (Value, i32) {
    let mut args = vec!["diagnose", "--format", "json", "--now", NOW];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    let output = meshtls(&args, None);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("not JSON ({error}): {}", String::from_utf8_lossy(&output.stdout))
    });
    (json, output.status.code().expect("exit code"))
}

fn codes(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|finding| finding["code"].as_str().expect("code").to_string())
        .collect()
}

struct Expectation {
    folder: &'static str,
    conclusion: Option<&'static str>,
    forbidden: &'static [&'static str],
    exit: i32,
}

const CASES: &[Expectation] = &[
    Expectation {
        folder: "01-appmesh-app-originates-tls",
        conclusion: Some("tls-app-originates-tls"),
        forbidden: &["tls-untrusted-ca", "tls-cert-expired", "tls-san-mismatch"],
        exit: 1,
    },
    Expectation {
        folder: "03-envoy-handshake-error-2-benign",
        conclusion: None,
        forbidden: &["tls-verify-failed", "conn-refused"],
        exit: 0,
    },
    Expectation {
        folder: "05-consul-sidecar-cert-not-renewed-alert-expired",
        conclusion: Some("tls-cert-expired"),
        forbidden: &["tls-untrusted-ca", "tls-san-mismatch"],
        exit: 1,
    },
    Expectation {
        folder: "07-istio-certs-json-expired-days-zero",
        conclusion: Some("tls-cert-expired"),
        forbidden: &["tls-no-cert-chain", "tls-no-ca-cert"],
        exit: 1,
    },
    Expectation {
        folder: "09-istio-gateway-malformed-pem-secret-rejected",
        conclusion: Some("tls-no-cert-chain"),
        forbidden: &["tls-cert-expired", "tls-untrusted-ca", "tls-san-mismatch"],
        exit: 1,
    },
    Expectation {
        folder: "11-appmesh-certs-ca-cert-empty-no-backend",
        conclusion: Some("tls-no-ca-cert"),
        forbidden: &["tls-no-cert-chain", "tls-cert-expired"],
        exit: 1,
    },
    Expectation {
        folder: "12-appmesh-vgw-secret-not-supplied-by-sds",
        conclusion: Some("tls-secret-not-supplied"),
        forbidden: &["tls-verify-failed", "tls-untrusted-ca", "tls-cert-expired"],
        exit: 1,
    },
    Expectation {
        folder: "13-appmesh-tls-walkthrough-cluster-rejected-deprecated-tls-context",
        conclusion: Some("conn-config-rejected"),
        forbidden: &["tls-untrusted-ca", "tls-cert-expired", "tls-san-mismatch", "tls-not-in-use"],
        exit: 1,
    },
    Expectation {
        folder: "15-envoy-https-front-proxy-connection-refused-111",
        conclusion: Some("conn-refused"),
        forbidden: &["tls-verify-failed", "tls-untrusted-ca", "tls-app-originates-tls"],
        exit: 1,
    },
    Expectation {
        folder: "18-appmesh-external-https-no-sni-default-cert",
        conclusion: Some("tls-verify-failed"),
        forbidden: &["tls-app-originates-tls", "tls-not-in-use"],
        exit: 1,
    },
    Expectation {
        folder: "20-istio-multicluster-unknown-ca-markdown-link-in-log",
        conclusion: Some("tls-untrusted-ca"),
        forbidden: &["tls-cert-expired", "tls-san-mismatch"],
        exit: 1,
    },
    Expectation {
        folder: "22-spire-dummy-upstream-ca-expired-pem",
        conclusion: Some("tls-cert-expired"),
        forbidden: &["tls-san-mismatch", "tls-app-originates-tls"],
        exit: 1,
    },
    Expectation {
        folder: "23-contour-envoy17-healthy-tls-stats-control",
        conclusion: Some("tls-in-use"),
        forbidden: &["tls-not-in-use"],
        exit: 0,
    },
];

#[test]
fn every_case_gives_its_codes_and_exit_status() {
    for case in CASES {
        let (json, exit) = diagnose_json(&[], &case_files(case.folder));
        let found = codes(&json);
        assert_eq!(json["conclusion"].as_str(), case.conclusion, "{}: {found:?}", case.folder);
        for code in case.forbidden {
            assert!(
                !found.iter().any(|found| found == code),
                "{}: {code} in {found:?}",
                case.folder
            );
        }
        assert_eq!(exit, case.exit, "{}: exit status with {found:?}", case.folder);
    }
}

#[test]
fn findings_have_the_contract_fields() {
    let (json, _) =
        diagnose_json(&[], &case_files("20-istio-multicluster-unknown-ca-markdown-link-in-log"));
    let input = &json["inputs"][0];
    assert_eq!(input["kind"], "envoy-log");
    assert!(input["name"].as_str().is_some_and(|name| name.ends_with("envoy.log")));
    assert!(input["warnings"].is_array());
    let finding = &json["findings"][0];
    for field in ["code", "severity", "title", "evidence", "remediation", "links"] {
        assert!(!finding[field].is_null(), "missing {field}: {finding}");
    }
    let evidence = &finding["evidence"][0];
    assert_eq!(evidence["line"], 1);
    assert!(evidence["text"].as_str().is_some_and(|text| text.contains("TLSV1_ALERT_UNKNOWN_CA")));
}

#[test]
fn mixed_input_lists_its_parts() {
    let files = case_files("22-spire-dummy-upstream-ca-expired-pem");
    let paste: Vec<String> =
        files.into_iter().filter(|file| file.ends_with("reporter_paste.txt")).collect();
    let (json, _) = diagnose_json(&[], &paste);
    let input = &json["inputs"][0];
    assert_eq!(input["kind"], "mixed");
    let parts = input["parts"].as_array().expect("parts of a mixed input");
    assert!(parts.iter().any(|part| part["kind"] == "pem"), "{parts:?}");
}

#[test]
fn standard_input_is_read_for_dash() {
    let body = b"upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: Secret is not supplied by SDS";
    let output = meshtls(&["diagnose", "--format", "json", "--now", NOW, "-"], Some(body));
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["conclusion"], "tls-secret-not-supplied");
    assert_eq!(json["inputs"][0]["name"], "-");
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning() {
    let mut body =
        b"TLS error: 268436504:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA\n".to_vec();
    body.extend_from_slice(b"caf\xe9 \xff\n");
    let output = meshtls(&["diagnose", "--format", "json", "--now", NOW, "-"], Some(&body));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let warnings = json["inputs"][0]["warnings"].as_array().expect("warnings");
    let utf8 = warnings
        .iter()
        .find(|warning| warning["message"].as_str().is_some_and(|text| text.contains("UTF-8")))
        .expect("a UTF-8 warning");
    assert_eq!(utf8["line"], 2);
    assert_eq!(json["conclusion"], "tls-untrusted-ca");
}

#[test]
fn trust_bundle_is_named_in_the_notes() {
    let files = case_files("22-spire-dummy-upstream-ca-expired-pem");
    let bundle = files.iter().find(|file| file.ends_with("cert.pem")).expect("cert.pem").clone();
    let (json, exit) = diagnose_json(&["--trust-bundle", &bundle], std::slice::from_ref(&bundle));
    assert_eq!(exit, 1);
    assert_eq!(json["conclusion"], "tls-cert-expired");
    let notes = json["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|note| note.as_str().is_some_and(|text| text.contains("trust bundle given"))),
        "{notes:?}"
    );
}

#[test]
fn text_output_shows_evidence_fix_and_links() {
    let files = case_files("15-envoy-https-front-proxy-connection-refused-111");
    let mut args = vec!["diagnose", "--now", NOW];
    args.extend(files.iter().map(String::as_str));
    let output = meshtls(&args, None);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Conclusion: conn-refused"), "{text}");
    assert!(text.contains("delayed connection error: 111"), "{text}");
    assert!(text.contains("Fix: "), "{text}");
    assert!(text.contains("#ts-connectivity-virtual-service-backend"), "{text}");
}

#[test]
fn usage_and_read_errors_exit_2() {
    let rows: &[(&str, &[&str])] = &[
        ("no command", &[]),
        ("no file", &["diagnose"]),
        ("unknown option", &["diagnose", "--verbose", "x.log"]),
        ("bad symptom", &["diagnose", "--symptom", "slow", "x.log"]),
        ("bad format", &["diagnose", "--format", "yaml", "x.log"]),
        ("bad time", &["diagnose", "--now", "yesterday", "x.log"]),
        ("missing file", &["diagnose", "--now", NOW, "/nonexistent/meshtls/input.log"]),
        (
            "missing bundle",
            &["diagnose", "--now", NOW, "--trust-bundle", "/nonexistent/ca.pem", "-"],
        ),
    ];
    for (name, args) in rows {
        let output = meshtls(args, Some(b""));
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(!output.stderr.is_empty(), "{name}: no message on stderr");
        assert!(output.stdout.is_empty(), "{name}: output on stdout");
    }
}

#[test]
fn help_exits_0() {
    let output = meshtls(&["--help"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("meshtls diagnose"));
}

#[test]
fn markdown_report_keeps_pasted_fences_inside() {
    // The quoted line itself contains a Markdown code fence.
    let body = b"```TLS error: 268436504:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA```\n";
    let output = meshtls(&["diagnose", "--format", "markdown", "--now", NOW, "-"], Some(body));
    assert_eq!(output.status.code(), Some(1));
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert!(markdown.starts_with("# TLS diagnosis"), "{markdown}");
    assert!(markdown.contains("**Conclusion:** `tls-untrusted-ca`"), "{markdown}");
    assert!(
        markdown.contains("````\n-:1: ```TLS error"),
        "the fence must outgrow the pasted one:\n{markdown}"
    );
}

#[test]
fn markdown_report_is_redacted() {
    let files = case_files("20-istio-multicluster-unknown-ca-markdown-link-in-log");
    let mut args = vec!["diagnose", "--format", "markdown", "--now", NOW];
    args.extend(files.iter().map(String::as_str));
    let output = meshtls(&args, None);
    let markdown = String::from_utf8_lossy(&output.stdout);

    assert!(markdown.starts_with("# TLS diagnosis"), "{markdown}");
    assert!(!markdown.contains("10.0.29.237"), "the IP address is redacted:\n{markdown}");
    assert!(
        !markdown.contains("applicaton-pod-on-gke-cluster"),
        "the pod name is redacted:\n{markdown}"
    );
    assert!(markdown.contains("<ip-1>"), "a placeholder replaces it:\n{markdown}");
}
