//! `--trust-bundle` inputs that contain no certificate: one note names each
//! such input, and no note claims the chains were verified against it.

use meshtls_engine::diagnosis::{diagnose, Code, Diagnosis, Input, Options};

/// 2026-12-06T00:00:00Z, inside the validity of every certificate in fixtures/keys.
const NOW: i64 = 1_796_515_200;

fn fixture(name: &str) -> Input {
    let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    Input::from_bytes(name, &bytes)
}

fn run(bundle: &[&str]) -> Diagnosis {
    let options = Options {
        now: NOW,
        trust_bundle: bundle.iter().map(|name| fixture(name)).collect(),
        ..Options::default()
    };
    diagnose(&[fixture("leaf-backend.pem")], &options)
}

fn notes_with(diagnosis: &Diagnosis, text: &str) -> usize {
    diagnosis.notes.iter().filter(|note| note.contains(text)).count()
}

struct Case {
    name: &'static str,
    bundle: &'static [&'static str],
    /// Inputs the "contains no PEM certificate" note must name.
    empty: &'static [&'static str],
    /// Certificates of the "verified against the trust bundle given" note, if any.
    verified_with: Option<usize>,
    untrusted: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "stats file as bundle",
        bundle: &["cp-connected.txt"],
        empty: &["cp-connected.txt"],
        verified_with: None,
        untrusted: false,
    },
    Case {
        name: "key file as bundle",
        bundle: &["key-only.pem"],
        empty: &["key-only.pem"],
        verified_with: None,
        untrusted: false,
    },
    Case {
        name: "key file beside the CA",
        bundle: &["key-only.pem", "ca.pem"],
        empty: &["key-only.pem"],
        verified_with: Some(1),
        untrusted: false,
    },
    Case {
        name: "unrelated CA",
        bundle: &["other-ca.pem"],
        empty: &[],
        verified_with: Some(1),
        untrusted: true,
    },
    Case {
        name: "issuing CA",
        bundle: &["ca.pem"],
        empty: &[],
        verified_with: Some(1),
        untrusted: false,
    },
];

#[test]
fn trust_bundle_notes() {
    for case in CASES {
        let diagnosis = run(case.bundle);
        let notes = &diagnosis.notes;
        assert_eq!(
            notes_with(&diagnosis, "No trust bundle was given"),
            0,
            "{}: {notes:?}",
            case.name
        );
        assert_eq!(
            notes_with(&diagnosis, "no trust bundle was given"),
            0,
            "{}: {notes:?}",
            case.name
        );
        assert_eq!(
            notes_with(&diagnosis, "contains no PEM certificate"),
            case.empty.len(),
            "{}: {notes:?}",
            case.name
        );
        for name in case.empty {
            let named = format!("`{name}` contains no PEM certificate");
            assert_eq!(notes_with(&diagnosis, &named), 1, "{}: {notes:?}", case.name);
        }
        let verified = notes_with(&diagnosis, "verified against the trust bundle given");
        assert_eq!(verified, usize::from(case.verified_with.is_some()), "{}: {notes:?}", case.name);
        if let Some(count) = case.verified_with {
            let with = format!("({count} certificate(s))");
            assert_eq!(notes_with(&diagnosis, &with), 1, "{}: {notes:?}", case.name);
        }
        assert_eq!(
            diagnosis.codes().contains(&Code::TlsUntrustedCa),
            case.untrusted,
            "{}: {:?}",
            case.name,
            diagnosis.codes()
        );
    }
}

#[test]
fn key_in_trust_bundle_is_mentioned_not_shown() {
    let diagnosis = run(&["key-only.pem"]);
    let note = diagnosis
        .notes
        .iter()
        .find(|note| note.contains("key-only.pem"))
        .expect("a note on key-only.pem");
    assert!(note.contains("private key, which was removed"), "{note}");
    assert!(!note.contains("PRIVATE KEY"), "{note}");
}

#[test]
fn empty_bundle_asks_for_the_ca() {
    let diagnosis = run(&["cp-connected.txt"]);
    assert!(
        diagnosis.next_steps.iter().any(|step| step.what.contains("CA certificates")),
        "{:?}",
        diagnosis.next_steps
    );
}
