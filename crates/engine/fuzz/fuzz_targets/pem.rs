//! Fuzzes the PEM and DER readers, the private key blanking and the chain
//! checks. Checks that every line they report is inside the input, that no text
//! of a private key block shows up in anything they return, and that the PEM
//! reader finds no key in text that `blank_private_keys` already blanked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::pem;
use meshtls_engine::x509::{self, Checks, Role, Trust};

const FIRST_LINE: usize = 3;

/// Returns the base64-only lines of at least 24 characters inside private key blocks.
fn key_lines(text: &str) -> Vec<&str> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.contains("-----BEGIN") {
            inside = line.contains("PRIVATE KEY");
        } else if line.contains("-----END") {
            inside = false;
        } else if inside {
            let body = line.trim();
            if body.len() >= 24
                && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            {
                lines.push(body);
            }
        }
    }
    lines
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let last_line = FIRST_LINE + text.matches('\n').count();
    let in_input = |line: usize| (FIRST_LINE..=last_line).contains(&line);

    let (bundle, warnings) = pem::parse(&text, FIRST_LINE);
    for entry in &bundle.certificates {
        assert!(in_input(entry.first_line), "certificate start outside the input");
        assert!(in_input(entry.last_line), "certificate end outside the input");
        assert!(entry.first_line <= entry.last_line, "certificate ends before it starts");
    }
    for key in &bundle.private_keys {
        assert!(in_input(key.line), "key line {} outside the input", key.line);
    }
    for warning in &warnings {
        assert!(in_input(warning.line), "warning line {} outside the input", warning.line);
    }

    let certificates: Vec<x509::Certificate> =
        bundle.certificates.iter().map(|entry| entry.certificate.clone()).collect();
    // 2026-06-01 00:00:00 UTC
    let checks = Checks {
        now: 1_780_272_000,
        host: Some("web.apps.local"),
        role: Some(Role::Server),
        client_policy: true,
    };
    let report = x509::verify(&certificates, Trust::SelfSignedInInput, &checks);
    let bundle_report = x509::verify(&certificates, Trust::Bundle(&certificates), &checks);

    let printed = format!("{bundle:?}{warnings:?}{report:?}{bundle_report:?}");
    // A key line whose text also occurs elsewhere in the input (a block label,
    // another certificate) may be returned for that other place.
    for line in key_lines(&text) {
        if text.matches(line).count() == 1 {
            assert!(!printed.contains(line), "private key text returned");
        }
    }

    let blanked = pem::blank_private_keys(&text);
    assert_eq!(
        blanked.text.matches('\n').count(),
        text.matches('\n').count(),
        "blanking changed the line count"
    );
    let lines_in_text = text.matches('\n').count() + 1;
    for (first, last) in &blanked.lines {
        assert!(
            1 <= *first && first <= last && *last <= lines_in_text,
            "key lines {first}..{last}"
        );
    }
    let (after, _) = pem::parse(&blanked.text, FIRST_LINE);
    assert!(after.private_keys.is_empty(), "the PEM reader found a key after blanking");
    assert!(
        pem::blank_private_keys(&blanked.text).private_keys.is_empty(),
        "blanking twice found a key"
    );

    let (der_bundle, der_warnings) = pem::parse_der(data);
    let _ = format!("{der_bundle:?}{der_warnings:?}");
});
