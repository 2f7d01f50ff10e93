//! `meshtls diagnose` on pasted private keys: every output format reports the
//! key and prints none of it, from files and from standard input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-12-04T00:00:00Z";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/fixtures/keys").join(name)
}

fn meshtls(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("meshtls starts");
    child.stdin.take().expect("stdin").write_all(stdin).expect("stdin written");
    child.wait_with_output().expect("meshtls finishes")
}

/// Returns 16-character runs of the key's base64, past its ASN.1 header,
/// whatever separates the key's lines in `text`.
fn key_windows(text: &str) -> Vec<String> {
    let start = text.find("PRIVATE KEY-----").expect("a BEGIN marker") + "PRIVATE KEY-----".len();
    let end = start + text[start..].find("-----END").expect("an END marker");
    let body: String = text[start..end]
        .replace("\\n", "")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    let body = &body[32..];
    (0..body.len() - 16).step_by(8).map(|i| body[i..i + 16].to_string()).collect()
}

fn check(label: &str, output: &Output, windows: &[String]) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{label}: exit status; {stderr}");
    assert!(stdout.contains("tls-private-key-pasted"), "{label}: {stdout}");
    assert!(!stdout.contains("PRIVATE KEY-----"), "{label}: a key marker in {stdout}");
    for window in windows {
        assert!(!stdout.contains(window.as_str()), "{label}: key text `{window}` in {stdout}");
        assert!(!stderr.contains(window.as_str()), "{label}: key text `{window}` in stderr");
    }
}

macro_rules! key_files {
    ($($name:ident: $file:expr,)*) => {$(
        #[test]
        fn $name() {
            let path = fixture($file);
            let text = std::fs::read_to_string(&path).expect("fixture");
            let windows = key_windows(&text);
            let path = path.display().to_string();
            for format in ["text", "json", "markdown"] {
                let args = ["diagnose", "--now", NOW, "--format", format, path.as_str()];
                check(&format!("{} {format}", $file), &meshtls(&args, b""), &windows);
                let args = ["diagnose", "--now", NOW, "--format", format, "-"];
                check(&format!("{} {format} stdin", $file), &meshtls(&args, text.as_bytes()), &windows);
            }
        }
    )*};
}

key_files! {
    ec_key_one_line: "ec-key-one-line.txt",
    rsa_key_one_line: "key-one-line.txt",
    envoy_inline_string: "ec-key-envoy-bootstrap.yaml",
    json_escaped: "key-json-escaped.json",
}

#[test]
fn trust_bundle_without_certificate_named() {
    let bundle = fixture("key-only.pem").display().to_string();
    let leaf = fixture("leaf-backend.pem").display().to_string();
    let args = ["diagnose", "--now", NOW, "--trust-bundle", bundle.as_str(), leaf.as_str()];
    let output = meshtls(&args, b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Inputs are named by their file name, not by the path given.
    let named = "`key-only.pem` contains no PEM certificate";
    assert_eq!(stdout.matches(named).count(), 1, "{stdout}");
    assert!(!stdout.contains("verified against the trust bundle given"), "{stdout}");
    assert!(!stdout.to_lowercase().contains("no trust bundle was given"), "{stdout}");
}
