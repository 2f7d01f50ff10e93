//! Inputs are named by their file name, as the page names a dropped file, and
//! made unique the same way (`envoy.log`, `envoy.log (2)`), so no output, the
//! redacted Markdown report least of all, carries the folders of a local path.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const NOW: &str = "2026-12-04T00:00:00Z";

/// A verification failure, so that findings quote the input by name.
const LOG: &str = "[2025-04-15 21:45:11.169][15][debug][connection] \
                   [source/common/tls/ssl_socket.cc:248] [C2] TLS error: \
                   268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED\n";

/// Creates `<temp>/meshtls-names-<pid>-<test>/{first,second}/envoy.log`, so
/// that two inputs share a file name.
fn two_logs(test: &str) -> (PathBuf, [String; 2]) {
    let root = std::env::temp_dir().join(format!("meshtls-names-{}-{test}", std::process::id()));
    let mut paths = Vec::new();
    for folder in ["first", "second"] {
        let dir = root.join(folder);
        std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
        let path = dir.join("envoy.log");
        std::fs::write(&path, LOG).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        paths.push(path.display().to_string());
    }
    let [first, second]: [String; 2] = paths.try_into().expect("two paths");
    (root, [first, second])
}

fn meshtls(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(["diagnose", "--now", NOW])
        .args(args)
        .output()
        .expect("meshtls runs");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn remove(root: &Path) {
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn json_names_are_file_names() {
    let (root, [first, second]) = two_logs("json");
    let output = meshtls(&["--format", "json", &first, &second]);
    remove(&root);
    let json: Value = serde_json::from_str(&output).expect("JSON");
    assert_eq!(json["inputs"][0]["name"], "envoy.log");
    assert_eq!(json["inputs"][1]["name"], "envoy.log (2)");
    let quoted: Vec<&str> = json["findings"][0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|line| line["input"].as_str().expect("input"))
        .collect();
    assert_eq!(quoted, ["envoy.log", "envoy.log (2)"]);
}

#[test]
fn markdown_report_has_no_local_path() {
    let (root, [first, second]) = two_logs("markdown");
    let output = meshtls(&["--format", "markdown", &first, &second]);
    remove(&root);
    let folder = root.display().to_string();
    assert!(!output.contains(&folder), "{folder} in:\n{output}");
    assert!(!output.contains("first/envoy.log"), "{output}");
    assert!(output.contains("envoy.log (2)"), "{output}");
}

#[test]
fn text_names_are_file_names() {
    let (root, [first, second]) = two_logs("text");
    let output = meshtls(&[&first, &second]);
    remove(&root);
    assert!(output.contains("input envoy.log: envoy-log"), "{output}");
    assert!(output.contains("input envoy.log (2): envoy-log"), "{output}");
    assert!(!output.contains(&root.display().to_string()), "{output}");
}

#[test]
fn trust_bundle_name_is_unique_too() {
    let (root, [first, second]) = two_logs("bundle");
    let output = meshtls(&["--format", "json", "--trust-bundle", &second, &first]);
    remove(&root);
    let json: Value = serde_json::from_str(&output).expect("JSON");
    // The inputs are named first, then the trust bundle, which contains no
    // certificate and so gets a note that names it.
    assert_eq!(json["inputs"][0]["name"], "envoy.log");
    let notes = json["notes"].to_string();
    assert!(notes.contains("`envoy.log (2)`"), "{notes}");
    assert!(!output.contains(&root.display().to_string()), "{output}");
}
