//! The requested host is matched against server certificates only. A leaf
//! whose extendedKeyUsage lacks serverAuth is a client certificate (mutual
//! TLS): comparing its SANs with the server name gave a false SAN mismatch.

use meshtls_engine::diagnosis::{diagnose, Code, Input, Options};
use meshtls_engine::evidence::{pem, timestamp};
use meshtls_engine::x509::{self, CertNote, CertProblem, Certificate, Checks, Trust};

/// 2026-06-01 00:00:00 UTC: inside the validity of the generated x509 fixtures.
const NOW: i64 = 1_780_272_000;

fn read(folder: &str, name: &str) -> String {
    let path = format!("{}/tests/fixtures/{folder}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn certificates(name: &str) -> Vec<Certificate> {
    let (bundle, _) = pem::parse(&read("x509", name), 1);
    bundle.certificates.into_iter().map(|entry| entry.certificate).collect()
}

struct Case {
    leaves: &'static [&'static str],
    host: &'static str,
    /// Subjects of the leaves that must be reported as SAN mismatches.
    mismatched: &'static [&'static str],
    /// Subjects of the leaves noted as client certificates, not matched.
    not_matched: &'static [&'static str],
}

fn check(name: &str, case: Case) {
    let input: Vec<Certificate> = case.leaves.iter().flat_map(|leaf| certificates(leaf)).collect();
    let bundle = certificates("root-ca.pem");
    let checks = Checks { now: NOW, host: Some(case.host), role: None, client_policy: false };
    let report = x509::verify(&input, Trust::Bundle(&bundle), &checks);

    let mismatched: Vec<String> = report
        .problems
        .iter()
        .filter_map(|problem| match problem {
            CertProblem::SanMismatch { cert, .. } => Some(cert.subject.clone()),
            _ => None,
        })
        .collect();
    let not_matched: Vec<String> = report
        .notes
        .iter()
        .filter_map(|note| match note {
            CertNote::NotServerCertificate { cert, .. } => Some(cert.subject.clone()),
            _ => None,
        })
        .collect();

    assert_eq!(mismatched.len(), case.mismatched.len(), "{name}: mismatches {mismatched:?}");
    for (found, expected) in mismatched.iter().zip(case.mismatched) {
        assert!(found.contains(expected), "{name}: mismatch on {found}, expected {expected}");
    }
    assert_eq!(not_matched.len(), case.not_matched.len(), "{name}: not matched {not_matched:?}");
    for (found, expected) in not_matched.iter().zip(case.not_matched) {
        assert!(found.contains(expected), "{name}: note on {found}, expected {expected}");
    }
}

macro_rules! cases {
    ($($name:ident => $case:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $case);
            }
        )*
    };
}

cases! {
    server_leaf_names_host => Case {
        leaves: &["leaf-good.pem"],
        host: "web.apps.local",
        mismatched: &[],
        not_matched: &[],
    };
    server_leaf_with_other_san => Case {
        leaves: &["leaf-wrong-san.pem"],
        host: "web.apps.local",
        mismatched: &["CN=web.apps.local"],
        not_matched: &[],
    };
    client_only_leaf_is_not_matched => Case {
        leaves: &["leaf-client-only.pem"],
        host: "backend.apps.local",
        mismatched: &[],
        not_matched: &["CN=client.apps.local"],
    };
    client_only_leaf_with_host_san => Case {
        leaves: &["leaf-client-only.pem"],
        host: "web.apps.local",
        mismatched: &[],
        not_matched: &["CN=client.apps.local"],
    };
    server_and_client_leaves => Case {
        leaves: &["leaf-wrong-san.pem", "leaf-client-only.pem"],
        host: "web.apps.local",
        mismatched: &["CN=web.apps.local"],
        not_matched: &["CN=client.apps.local"],
    };
    server_and_client_leaves_host_matches => Case {
        leaves: &["leaf-good.pem", "leaf-client-only.pem"],
        host: "web.apps.local",
        mismatched: &[],
        not_matched: &["CN=client.apps.local"],
    };
}

/// Both certificates of a mutual TLS pair, pasted with the server name the
/// client requested: the client's own certificate is not the server's.
#[test]
fn mtls_pair_diagnosis_has_no_san_mismatch() {
    let input = |name: &str| Input::parse(name, &read("mtls", name));
    let inputs = vec![input("mtls-backend-server.pem"), input("mtls-frontend-client.pem")];
    let options = Options {
        now: timestamp::parse("2026-12-04T00:00:00Z").expect("RFC 3339").seconds,
        host: Some("backend.mesh.local".to_string()),
        symptom: None,
        trust_bundle: vec![input("mtls-ca.pem")],
    };
    let diagnosis = diagnose(&inputs, &options);
    assert!(!diagnosis.codes().contains(&Code::TlsSanMismatch), "{:?}", diagnosis.findings);
    assert_eq!(diagnosis.conclusion, None, "{:?}", diagnosis.codes());
    let notes = diagnosis.notes.join("\n");
    assert!(notes.contains("CN=frontend.mesh.local"), "{notes}");
    assert!(notes.contains("lacks serverAuth"), "{notes}");
}

/// The same pair with a host that the server certificate does not name still
/// reports the mismatch, on the server certificate.
#[test]
fn mtls_pair_wrong_host_blames_server() {
    let input = |name: &str| Input::parse(name, &read("mtls", name));
    let inputs = vec![input("mtls-backend-server.pem"), input("mtls-frontend-client.pem")];
    let options = Options {
        now: timestamp::parse("2026-12-04T00:00:00Z").expect("RFC 3339").seconds,
        host: Some("payments.mesh.local".to_string()),
        symptom: None,
        trust_bundle: vec![input("mtls-ca.pem")],
    };
    let diagnosis = diagnose(&inputs, &options);
    let mismatches: Vec<_> =
        diagnosis.findings.iter().filter(|finding| finding.code == Code::TlsSanMismatch).collect();
    assert_eq!(mismatches.len(), 1, "{:?}", diagnosis.findings);
    let text = format!("{:?}", mismatches.first());
    assert!(text.contains("backend.mesh.local"), "{text}");
    assert!(!text.contains("frontend.mesh.local"), "{text}");
}
