//! Certificate reading, chain verification and verdicts, on certificates made by
//! `tests/fixtures/x509/generate.py` and on a real CA certificate that a person
//! pasted through shell continuation prompts.

use meshtls_engine::evidence::pem::{self, PemBundle, PrivateKeyKind};
use meshtls_engine::evidence::Warning;
use meshtls_engine::x509::view::{self, CertificatesView, TrustOrigin, ValidityState};
use meshtls_engine::x509::{
    self, CertNote, CertProblem, Certificate, ChainOutcome, ChainReport, Checks, EcCurve,
    PublicKeyInfo, Role, SubjectAltName, Trust, TrustSource, UntrustedReason,
};

/// 2026-06-01 00:00:00 UTC: inside the validity of the good leaves
/// (2026-01-01 to 2027-01-01).
const NOW: i64 = 1_780_272_000;

fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/x509/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name))
        .unwrap_or_else(|error| panic!("reading {name}: {error}"))
}

fn parse_fixture(name: &str) -> (PemBundle, Vec<Warning>) {
    pem::parse(&fixture(name), 1)
}

fn certificates(name: &str) -> Vec<Certificate> {
    let (bundle, warnings) = parse_fixture(name);
    assert!(warnings.is_empty(), "{name}: unexpected warnings {warnings:?}");
    bundle.certificates.into_iter().map(|entry| entry.certificate).collect()
}

struct Case {
    input: &'static str,
    bundle: &'static [&'static str],
    host: Option<&'static str>,
    role: Option<Role>,
    client_policy: bool,
    now: i64,
}

const BASE: Case =
    Case { input: "", bundle: &[], host: None, role: None, client_policy: false, now: NOW };

fn run(case: &Case) -> ChainReport {
    let input = certificates(case.input);
    let bundle: Vec<Certificate> = case.bundle.iter().flat_map(|name| certificates(name)).collect();
    let trust =
        if case.bundle.is_empty() { Trust::SelfSignedInInput } else { Trust::Bundle(&bundle) };
    let checks = Checks {
        now: case.now,
        host: case.host,
        role: case.role,
        client_policy: case.client_policy,
    };
    x509::verify(&input, trust, &checks)
}

fn codes(report: &ChainReport) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = report.problems.iter().map(CertProblem::code).collect();
    codes.sort_unstable();
    codes
}

macro_rules! verdict_cases {
    ($($test:ident: $case:expr => [$($code:expr),*], $outcome:pat,)*) => {
        $(
            #[test]
            fn $test() {
                let report = run(&$case);
                let mut expected: Vec<&str> = vec![$($code),*];
                expected.sort_unstable();
                assert_eq!(codes(&report), expected, "problems: {:#?}", report.problems);
                let outcome = report.chains.first().map(|chain| chain.outcome.clone());
                assert!(matches!(outcome, Some($outcome)), "outcome: {outcome:?}");
            }
        )*
    };
}

verdict_cases! {
    good_chain_against_root: Case { input: "chain-good.pem", bundle: &["root-ca.pem"], host: Some("web.apps.local"), role: Some(Role::Server), ..BASE }
        => [], ChainOutcome::Trusted,
    good_chain_self_signed_root: Case { input: "chain-good.pem", host: Some("WEB.apps.local"), ..BASE }
        => [], ChainOutcome::Trusted,
    good_leaf_as_client: Case { input: "leaf-good.pem", bundle: &["root-ca.pem", "intermediate-ca.pem"], role: Some(Role::Client), ..BASE }
        => [], ChainOutcome::Trusted,
    uri_san_requested: Case { input: "chain-good.pem", host: Some("spiffe://apps.local/ns/default/sa/web"), ..BASE }
        => [], ChainOutcome::Trusted,
    ip_san_requested: Case { input: "chain-good.pem", host: Some("10.0.0.1"), ..BASE }
        => [], ChainOutcome::Trusted,
    wildcard_san_one_label: Case { input: "leaf-wildcard.pem", bundle: &["root-ca.pem"], host: Some("web.apps.local"), ..BASE }
        => [], ChainOutcome::Trusted,
    wildcard_san_two_labels: Case { input: "leaf-wildcard.pem", bundle: &["root-ca.pem"], host: Some("a.web.apps.local"), ..BASE }
        => ["tls-san-mismatch"], ChainOutcome::Trusted,
    wrong_san: Case { input: "leaf-wrong-san.pem", bundle: &["root-ca.pem"], host: Some("web.apps.local"), ..BASE }
        => ["tls-san-mismatch"], ChainOutcome::Trusted,
    rsa_1024_leaf: Case { input: "leaf-rsa1024.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-key-unsupported"], ChainOutcome::Trusted,
    p384_leaf: Case { input: "leaf-p384.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-key-unsupported"], ChainOutcome::Trusted,
    ed25519_leaf: Case { input: "leaf-ed25519.pem", bundle: &["root-ca.pem"], host: Some("web.apps.local"), role: Some(Role::Server), ..BASE }
        => ["tls-key-unsupported"], ChainOutcome::Trusted,
    expired_leaf: Case { input: "leaf-expired.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-cert-expired"], ChainOutcome::Trusted,
    not_yet_valid_leaf: Case { input: "leaf-not-yet-valid.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-cert-not-yet-valid"], ChainOutcome::Trusted,
    expiring_soon_leaf: Case { input: "leaf-expiring-soon.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-cert-expiring-soon"], ChainOutcome::Trusted,
    client_only_leaf_as_server: Case { input: "leaf-client-only.pem", bundle: &["root-ca.pem"], role: Some(Role::Server), ..BASE }
        => ["tls-cert-usage"], ChainOutcome::Trusted,
    client_only_leaf_as_client: Case { input: "leaf-client-only.pem", bundle: &["root-ca.pem"], role: Some(Role::Client), ..BASE }
        => [], ChainOutcome::Trusted,
    no_digital_signature_leaf: Case { input: "leaf-no-digital-signature.pem", bundle: &["root-ca.pem"], role: Some(Role::Server), ..BASE }
        => ["tls-cert-usage"], ChainOutcome::Trusted,
    tampered_leaf: Case { input: "leaf-tampered.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-untrusted-ca"], ChainOutcome::Untrusted(UntrustedReason::BadSignature { .. }),
    forged_intermediate: Case { input: "chain-forged-intermediate.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-untrusted-ca"], ChainOutcome::Untrusted(UntrustedReason::BadSignature { .. }),
    other_ca_without_its_root: Case { input: "chain-other-ca.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-untrusted-ca"], ChainOutcome::Untrusted(UntrustedReason::IssuerNotFound { .. }),
    issuer_not_ca: Case { input: "chain-issuer-not-ca.pem", bundle: &["root-ca.pem"], ..BASE }
        => ["tls-untrusted-ca"], ChainOutcome::Trusted,
    leaf_without_anchor: Case { input: "leaf-good.pem", ..BASE }
        => ["tls-untrusted-ca"], ChainOutcome::Untrusted(UntrustedReason::IssuerNotFound { .. }),
    rsa_pss_chain: Case { input: "chain-rsa-pss.pem", host: Some("web.apps.local"), ..BASE }
        => [], ChainOutcome::Trusted,
    ed25519_chain: Case { input: "chain-ed25519.pem", host: Some("web.apps.local"), ..BASE }
        => [], ChainOutcome::Trusted,
    p384_ca_sha384: Case { input: "chain-p384-ca.pem", ..BASE }
        => [], ChainOutcome::Trusted,
    p256_ca_sha512: Case { input: "leaf-p256-sha512.pem", bundle: &["root-ca.pem"], ..BASE }
        => [], ChainOutcome::Trusted,
    client_policy_intermediate: Case { input: "leaf-good.pem", bundle: &["intermediate-ca.pem"], client_policy: true, ..BASE }
        => ["tls-client-policy-ca-not-root"], ChainOutcome::Trusted,
    client_policy_root: Case { input: "chain-good.pem", bundle: &["root-ca.pem"], client_policy: true, ..BASE }
        => [], ChainOutcome::Trusted,
    // 2026-12-04 00:00:00 UTC, after the CA's notAfter of 2023-05-12 19:33:47 UTC.
    spire_upstream_ca_pasted: Case { input: "spire-upstream-ca-reporter-paste.txt", now: 1_796_342_400, ..BASE }
        => ["tls-cert-expired"], ChainOutcome::Trusted,
    // 2020-01-01 00:00:00 UTC, inside the CA's validity.
    spire_upstream_ca_in_2020: Case { input: "spire-upstream-ca.pem", now: 1_577_836_800, ..BASE }
        => [], ChainOutcome::Trusted,
}

#[test]
fn other_ca_root_in_input_not_trusted() {
    let input: Vec<Certificate> = ["chain-other-ca.pem", "other-root-ca.pem"]
        .iter()
        .flat_map(|name| certificates(name))
        .collect();
    let bundle = certificates("root-ca.pem");
    let report = x509::verify(
        &input,
        Trust::Bundle(&bundle),
        &Checks { now: NOW, host: None, role: None, client_policy: false },
    );
    let outcome = report.chains.first().map(|chain| chain.outcome.clone());
    assert_eq!(outcome, Some(ChainOutcome::Untrusted(UntrustedReason::SelfSignedNotTrusted)));
    assert_eq!(report.chains.first().map(|chain| chain.links.len()), Some(3));
}

#[test]
fn good_chain_links_and_depths() {
    let report = run(&Case { input: "chain-good.pem", bundle: &["root-ca.pem"], ..BASE });
    assert_eq!(report.trust, TrustSource::Bundle { certificates: 1 });
    let chain = report.chains.first().expect("one chain");
    let subjects: Vec<(&str, Option<usize>)> =
        chain.links.iter().map(|link| (link.cert.subject.as_str(), link.cert.depth)).collect();
    assert_eq!(
        subjects,
        vec![
            ("O=Example Mesh, CN=web.apps.local", Some(0)),
            ("O=Example Mesh, CN=Mesh Intermediate CA", Some(1)),
            ("O=Example Mesh, CN=Mesh Root CA", Some(2)),
        ]
    );
    assert_eq!(
        chain.links.first().and_then(|link| link.signature.clone()),
        Some(x509::SignatureCheck::Valid)
    );
    assert_eq!(chain.links.last().and_then(|link| link.signature.clone()), None);
}

#[test]
fn trust_source_self_signed_named() {
    let report = run(&Case { input: "chain-good.pem", ..BASE });
    assert_eq!(report.trust, TrustSource::SelfSignedInInput { certificates: 1 });
}

#[test]
fn no_anchor_noted() {
    let report = run(&Case { input: "leaf-good.pem", ..BASE });
    assert!(report.notes.contains(&CertNote::NoTrustAnchors), "{:?}", report.notes);
}

#[test]
fn wildcard_match_noted() {
    let report = run(&Case {
        input: "leaf-wildcard.pem",
        bundle: &["root-ca.pem"],
        host: Some("web.apps.local"),
        ..BASE
    });
    let note = report
        .notes
        .iter()
        .find(|note| matches!(note, CertNote::WildcardSan { .. }))
        .expect("wildcard note");
    let text = note.to_string();
    assert!(text.contains("*.apps.local"), "{text}");
    assert!(text.contains("does not enforce TLS"), "{text}");
}

#[test]
fn wrong_san_names_sans_and_common_name() {
    let report = run(&Case {
        input: "leaf-wrong-san.pem",
        bundle: &["root-ca.pem"],
        host: Some("web.apps.local"),
        ..BASE
    });
    let problem = report.problems.first().expect("one problem");
    let CertProblem::SanMismatch { cert, requested, sans } = problem else { panic!("{problem:?}") };
    assert_eq!(cert.depth, Some(0));
    assert_eq!(requested, "web.apps.local");
    assert_eq!(sans, &vec![SubjectAltName::Dns("api.other.local".to_string())]);
    assert!(problem.to_string().contains("DNS:api.other.local"), "{problem}");
    assert!(report.notes.iter().any(|note| matches!(note, CertNote::NameOnlyInCommonName { .. })));
}

#[test]
fn expired_leaf_names_depth_and_date() {
    let report = run(&Case { input: "leaf-expired.pem", bundle: &["root-ca.pem"], ..BASE });
    let problem = report.problems.first().expect("one problem");
    let CertProblem::Expired { cert, not_after, now } = problem else { panic!("{problem:?}") };
    assert_eq!(cert.depth, Some(0));
    assert_eq!(cert.subject, "O=Example Mesh, CN=expired.apps.local");
    // 2026-01-01 00:00:00 UTC
    assert_eq!(*not_after, 1_767_225_600);
    assert_eq!(*now, NOW);
    assert!(problem.to_string().contains("2026-01-01 00:00:00 UTC"), "{problem}");
}

#[test]
fn key_problems_name_size_and_curve() {
    let rsa = run(&Case { input: "leaf-rsa1024.pem", bundle: &["root-ca.pem"], ..BASE });
    let problem = rsa.problems.first().expect("one problem");
    assert!(
        matches!(
            problem,
            CertProblem::KeyUnsupported { key: PublicKeyInfo::Rsa { bits: 1024 }, .. }
        ),
        "{problem:?}"
    );
    assert!(problem.to_string().contains("RSA 1024 bits"), "{problem}");

    let p384 = run(&Case { input: "leaf-p384.pem", bundle: &["root-ca.pem"], ..BASE });
    let problem = p384.problems.first().expect("one problem");
    assert!(matches!(
        problem,
        CertProblem::KeyUnsupported { key: PublicKeyInfo::Ec { curve: EcCurve::P384 }, .. }
    ));
    assert!(problem.to_string().contains("P-384"), "{problem}");

    let ed25519 = run(&Case { input: "leaf-ed25519.pem", bundle: &["root-ca.pem"], ..BASE });
    let problem = ed25519.problems.first().expect("one problem");
    assert!(
        matches!(problem, CertProblem::KeyUnsupported { key: PublicKeyInfo::Ed25519, .. }),
        "{problem:?}"
    );
    assert!(problem.to_string().contains("Ed25519 key"), "{problem}");
    assert!(problem.to_string().contains("FIPS builds"), "{problem}");
}

#[test]
fn issuer_not_ca_named() {
    let report = run(&Case { input: "chain-issuer-not-ca.pem", bundle: &["root-ca.pem"], ..BASE });
    let problem = report.problems.first().expect("one problem");
    assert!(
        matches!(
            problem,
            CertProblem::UntrustedCa {
                reason: UntrustedReason::IssuerNotCa { issuer_depth: 1, .. },
                ..
            }
        ),
        "{problem:?}"
    );
}

#[test]
fn untrusted_names_failing_depth() {
    let cases = [
        ("leaf-tampered.pem", 0, "O=Example Mesh, CN=web.apps.local"),
        ("chain-forged-intermediate.pem", 1, "O=Example Mesh, CN=Mesh Intermediate CA"),
        ("chain-other-ca.pem", 1, "O=Other Org, CN=Other Intermediate CA"),
        ("chain-issuer-not-ca.pem", 0, "O=Example Mesh, CN=web.apps.local"),
    ];
    for (file, depth, subject) in cases {
        let report = run(&Case { input: file, bundle: &["root-ca.pem"], ..BASE });
        let problem = report.problems.first().expect("one problem");
        assert_eq!(problem.code(), "tls-untrusted-ca", "{file}");
        assert_eq!(problem.cert().depth, Some(depth), "{file}");
        assert_eq!(problem.cert().subject, subject, "{file}");
    }
}

#[test]
fn repeated_certificates_reported_once() {
    let input: Vec<Certificate> = ["leaf-expired.pem", "leaf-expired.pem"]
        .iter()
        .flat_map(|name| certificates(name))
        .collect();
    assert_eq!(input.len(), 4);
    let bundle = certificates("root-ca.pem");
    let checks =
        Checks { now: NOW, host: Some("web.apps.local"), role: None, client_policy: false };
    let report = x509::verify(&input, Trust::Bundle(&bundle), &checks);
    assert_eq!(report.chains.len(), 1);
    assert_eq!(codes(&report), vec!["tls-cert-expired"]);
}

#[test]
fn other_ca_names_missing_issuer() {
    let report = run(&Case { input: "chain-other-ca.pem", bundle: &["root-ca.pem"], ..BASE });
    let outcome = report.chains.first().map(|chain| chain.outcome.clone());
    assert_eq!(
        outcome,
        Some(ChainOutcome::Untrusted(UntrustedReason::IssuerNotFound {
            issuer: "O=Other Org, CN=Other Root CA".to_string()
        }))
    );
}

#[test]
fn certificate_details_read() {
    let certs = certificates("chain-good.pem");
    let leaf = certs.first().expect("leaf");
    assert_eq!(leaf.subject, "O=Example Mesh, CN=web.apps.local");
    assert_eq!(leaf.issuer, "O=Example Mesh, CN=Mesh Intermediate CA");
    assert_eq!(leaf.common_name.as_deref(), Some("web.apps.local"));
    assert_eq!(
        leaf.sans,
        vec![
            SubjectAltName::Dns("web.apps.local".to_string()),
            SubjectAltName::Uri("spiffe://apps.local/ns/default/sa/web".to_string()),
            SubjectAltName::Ip("10.0.0.1".parse().expect("address")),
        ]
    );
    // 2026-01-01 and 2027-01-01, 00:00:00 UTC
    assert_eq!((leaf.not_before, leaf.not_after), (1_767_225_600, 1_798_761_600));
    assert_eq!(leaf.public_key, PublicKeyInfo::Ec { curve: EcCurve::P256 });
    assert_eq!(leaf.signature_algorithm, "sha256WithRSAEncryption");
    let usage = leaf.key_usage.expect("keyUsage");
    assert!(usage.digital_signature);
    assert!(usage.key_encipherment);
    assert!(!usage.key_cert_sign);
    let extended = leaf.extended_key_usage.clone().expect("extendedKeyUsage");
    assert!(extended.server_auth);
    assert!(extended.client_auth);
    assert!(!extended.any);
    assert_eq!(leaf.basic_constraints.map(|bc| bc.ca), Some(false));
    assert!(!leaf.self_signed);
    assert!(!leaf.is_ca());
    assert_eq!(leaf.sha256_fingerprint.len(), 32 * 3 - 1);

    let intermediate = certs.get(1).expect("intermediate");
    assert_eq!(intermediate.public_key, PublicKeyInfo::Rsa { bits: 3072 });
    assert_eq!(intermediate.signature_algorithm, "ecdsa-with-SHA384");
    assert_eq!(intermediate.basic_constraints.and_then(|bc| bc.path_len), Some(0));
    let root = certs.get(2).expect("root");
    assert!(root.self_signed);
    assert!(root.is_ca());
}

#[test]
fn spire_ca_details() {
    let certs = certificates("spire-upstream-ca-reporter-paste.txt");
    assert_eq!(certs.len(), 1);
    let ca = certs.first().expect("certificate");
    assert_eq!(ca.subject, "C=US, O=SPIFFE");
    assert_eq!(ca.issuer, "C=US, O=SPIFFE");
    assert_eq!(ca.serial, "93:38:0e:14:47:d2:f9:ae");
    assert_eq!(ca.serial_number_hex(), "93380e1447d2f9ae");
    assert_eq!(ca.sans, vec![SubjectAltName::Uri("spiffe://local".to_string())]);
    // 2018-05-13 19:33:47 UTC and 2023-05-12 19:33:47 UTC, as `openssl x509 -text` shows.
    assert_eq!(ca.not_before, 1_526_240_027);
    assert_eq!(ca.not_after, 1_683_920_027);
    assert_eq!(ca.public_key, PublicKeyInfo::Ec { curve: EcCurve::P384 });
    assert_eq!(ca.signature_algorithm, "ecdsa-with-SHA512");
    assert!(ca.self_signed, "the P-384 ecdsa-with-SHA512 self-signature verifies");
    assert!(ca.is_ca());

    let paste = certificates("spire-upstream-ca-reporter-paste.txt");
    let clean = certificates("spire-upstream-ca.pem");
    assert_eq!(paste, clean);
}

#[test]
fn spire_ca_expiry_at_depth_zero() {
    let report =
        run(&Case { input: "spire-upstream-ca-reporter-paste.txt", now: 1_796_342_400, ..BASE });
    let problem = report.problems.first().expect("one problem");
    assert_eq!(problem.cert().depth, Some(0));
    assert!(problem.to_string().contains("2023-05-12 19:33:47 UTC"), "{problem}");
    assert_eq!(report.trust, TrustSource::SelfSignedInInput { certificates: 1 });
}

#[test]
fn der_file_read() {
    let bytes = std::fs::read(fixture_path("leaf-good.der")).expect("DER fixture");
    let (bundle, warnings) = pem::parse_der(&bytes);
    assert!(warnings.is_empty(), "{warnings:?}");
    let from_pem = certificates("leaf-good.pem");
    let from_der: Vec<Certificate> =
        bundle.certificates.into_iter().map(|entry| entry.certificate).collect();
    assert_eq!(from_der, from_pem);
}

#[test]
fn der_file_of_pem_text_read() {
    let (bundle, warnings) = pem::parse_der(fixture("chain-good.pem").as_bytes());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(bundle.certificates.len(), 3);
}

#[test]
fn der_garbage_warns() {
    let (bundle, warnings) = pem::parse_der(&[0x30, 0x82, 0xff, 0xff, 0x01]);
    assert!(bundle.certificates.is_empty());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (_, warnings) = pem::parse_der(&[]);
    assert_eq!(warnings.len(), 1);
}

// Parsing pasted forms.

struct PasteCase {
    file: &'static str,
    certificates: usize,
    first_subject: &'static str,
    lines: &'static [(usize, usize)],
}

macro_rules! paste_cases {
    ($($test:ident: $case:expr;)*) => {
        $(
            #[test]
            fn $test() {
                let case: PasteCase = $case;
                let (bundle, warnings) = parse_fixture(case.file);
                assert!(warnings.is_empty(), "{warnings:?}");
                assert_eq!(bundle.certificates.len(), case.certificates);
                let first = bundle.certificates.first().map(|entry| entry.certificate.subject.as_str());
                assert_eq!(first, Some(case.first_subject));
                let lines: Vec<(usize, usize)> =
                    bundle.certificates.iter().map(|entry| (entry.first_line, entry.last_line)).collect();
                assert_eq!(lines, case.lines);
            }
        )*
    };
}

paste_cases! {
    paste_plain_chain: PasteCase { file: "chain-good.pem", certificates: 3, first_subject: "O=Example Mesh, CN=web.apps.local", lines: &[(1, 21), (22, 40), (41, 51)] };
    paste_crlf: PasteCase { file: "chain-good-crlf.pem", certificates: 2, first_subject: "O=Example Mesh, CN=web.apps.local", lines: &[(1, 21), (22, 40)] };
    paste_shell_prompts: PasteCase { file: "chain-good-prompts.txt", certificates: 2, first_subject: "O=Example Mesh, CN=web.apps.local", lines: &[(2, 22), (23, 41)] };
    paste_on_one_line: PasteCase { file: "leaf-good-one-line.txt", certificates: 1, first_subject: "O=Example Mesh, CN=web.apps.local", lines: &[(1, 1)] };
    paste_s_client_showcerts: PasteCase { file: "s-client-showcerts.txt", certificates: 2, first_subject: "O=Example Mesh, CN=web.apps.local", lines: &[(8, 28), (31, 49)] };
    paste_openssl_text_and_prompts: PasteCase { file: "spire-upstream-ca-reporter-paste.txt", certificates: 1, first_subject: "C=US, O=SPIFFE", lines: &[(1, 12)] };
}

#[test]
fn joined_markers_and_shortened_base64() {
    let (bundle, warnings) = parse_fixture("joined-markers-shortened.pem");
    assert!(bundle.certificates.is_empty());
    let lines: Vec<usize> = warnings.iter().map(|warning| warning.line).collect();
    assert_eq!(lines, vec![3, 5, 7], "{warnings:#?}");
    let first = warnings.first().expect("warning");
    assert!(first.message.contains("invalid base64 character `.`"), "{first}");
    assert_eq!(first.column, Some(36));
    let joined = warnings.get(1).expect("warning");
    assert!(joined.message.contains("share this line"), "{joined}");
}

#[test]
fn broken_base64_line_named() {
    let text = fixture("leaf-good.pem");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    if let Some(line) = lines.get_mut(4) {
        line.replace_range(10..11, "!");
    }
    let (bundle, warnings) = pem::parse(&lines.join("\n"), 10);
    assert!(bundle.certificates.is_empty());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings.first().expect("warning");
    assert_eq!((warning.line, warning.column), (14, Some(11)));
}

#[test]
fn truncated_base64_warns() {
    let text = fixture("leaf-good.pem");
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = lines.iter().take(5).copied().collect();
    kept.push("MIIB");
    kept.extend(lines.last());
    let (bundle, warnings) = pem::parse(&kept.join("\n"), 1);
    assert!(bundle.certificates.is_empty());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn missing_end_marker_warns() {
    let text = fixture("leaf-good.pem");
    let without_end: Vec<&str> =
        text.lines().filter(|line| !line.starts_with("-----END")).collect();
    let (bundle, warnings) = pem::parse(&without_end.join("\n"), 1);
    assert_eq!(bundle.certificates.len(), 1, "the body is still read");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings.first().map(|warning| warning.line), Some(1));
}

#[test]
fn other_blocks_skipped() {
    let text = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
    let (bundle, warnings) = pem::parse(text, 1);
    assert_eq!(bundle.other_blocks.len(), 1);
    assert_eq!(warnings.len(), 1);
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "-----BEGIN ",
        "-----BEGIN CERTIFICATE-----",
        "-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE----------END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\n====\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\né\n",
        "> > > -----BEGIN\u{0}CERTIFICATE-----é-----END ",
    ];
    for input in inputs {
        let _ = pem::parse(input, 1);
        let _ = pem::parse_der(input.as_bytes());
    }
}

// Private keys: detected, never kept.

/// Returns every base64 body line of every private key block in `text`.
fn private_key_lines(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with("-----BEGIN") && line.contains("PRIVATE KEY") {
            inside = true;
        } else if line.starts_with("-----END") {
            inside = false;
        } else if inside && !line.contains(':') && line.len() >= 16 {
            lines.push(line.to_string());
        }
    }
    lines
}

fn everything_printed(bundle: &PemBundle, warnings: &[Warning]) -> String {
    let certs: Vec<Certificate> =
        bundle.certificates.iter().map(|entry| entry.certificate.clone()).collect();
    let report = x509::verify(
        &certs,
        Trust::SelfSignedInInput,
        &Checks {
            now: NOW,
            host: Some("web.apps.local"),
            role: Some(Role::Server),
            client_policy: false,
        },
    );
    let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    format!("{bundle:?}\n{bundle:#?}\n{warnings:?}\n{shown:?}\n{report:?}")
}

#[test]
fn private_keys_detected_with_lines() {
    let text = fixture("keys-with-certificate.pem");
    let (bundle, warnings) = pem::parse(&text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(bundle.certificates.len(), 2);
    let kinds: Vec<PrivateKeyKind> = bundle.private_keys.iter().map(|key| key.kind).collect();
    assert_eq!(
        kinds,
        vec![
            PrivateKeyKind::Rsa,
            PrivateKeyKind::Ec,
            PrivateKeyKind::Pkcs8,
            PrivateKeyKind::EncryptedPkcs8
        ]
    );
    let expected_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with("-----BEGIN") && line.contains("PRIVATE KEY"))
        .map(|(index, _)| index + 1)
        .collect();
    let lines: Vec<usize> = bundle.private_keys.iter().map(|key| key.line).collect();
    assert_eq!(lines, expected_lines);
}

#[test]
fn private_key_never_printed() {
    let text = fixture("keys-with-certificate.pem");
    let key_lines = private_key_lines(&text);
    assert!(key_lines.len() > 20, "the fixture holds key bodies");
    let (bundle, warnings) = pem::parse(&text, 1);
    let printed = everything_printed(&bundle, &warnings);
    for line in &key_lines {
        assert!(!printed.contains(line.as_str()), "key text printed: {line}");
        assert!(!printed.contains(line.get(..16).unwrap_or(line)), "part of key text printed");
    }
}

#[test]
fn private_key_with_prompts_never_printed() {
    let text: String =
        fixture("keys-with-certificate.pem").lines().map(|line| format!("> {line}\r\n")).collect();
    let key_lines = private_key_lines(&fixture("keys-with-certificate.pem"));
    let (bundle, warnings) = pem::parse(&text, 1);
    assert_eq!(bundle.private_keys.len(), 4);
    let printed = everything_printed(&bundle, &warnings);
    for line in &key_lines {
        assert!(!printed.contains(line.get(..16).unwrap_or(line)), "part of key text printed");
    }
}

#[test]
fn damaged_private_key_never_printed() {
    // A key block with invalid characters and no END marker must still be dropped unread.
    let text = fixture("keys-with-certificate.pem");
    let damaged: String = text
        .lines()
        .filter(|line| !line.starts_with("-----END"))
        .map(|line| if line.len() > 20 { format!("{line}!*") } else { line.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    let (bundle, warnings) = pem::parse(&damaged, 1);
    assert!(!bundle.private_keys.is_empty());
    let printed = everything_printed(&bundle, &warnings);
    for line in private_key_lines(&text) {
        assert!(!printed.contains(line.get(..16).unwrap_or(&line)), "part of key text printed");
    }
}

#[test]
fn der_private_keys_detected_never_printed() {
    for (file, kind) in
        [("key-pkcs8.der", PrivateKeyKind::Pkcs8), ("key-rsa.der", PrivateKeyKind::Rsa)]
    {
        let bytes = std::fs::read(fixture_path(file)).expect("DER key fixture");
        let (bundle, warnings) = pem::parse_der(&bytes);
        assert!(warnings.is_empty(), "{file}: {warnings:?}");
        let kinds: Vec<PrivateKeyKind> = bundle.private_keys.iter().map(|key| key.kind).collect();
        assert_eq!(kinds, vec![kind], "{file}");
        let printed = everything_printed(&bundle, &warnings);
        // Any 8 consecutive key bytes, printed as a Debug list or as hex.
        for window in bytes.windows(8).step_by(8) {
            let as_list = format!("{window:?}");
            let list_inner = as_list.trim_start_matches('[').trim_end_matches(']');
            let as_hex: String = window.iter().map(|byte| format!("{byte:02x}")).collect();
            assert!(!printed.contains(list_inner), "{file}: key bytes printed");
            assert!(
                !printed.to_ascii_lowercase().contains(&as_hex),
                "{file}: key bytes printed as hex"
            );
        }
    }
}

#[test]
fn private_key_text_dump_detected() {
    let text = "Private-Key: (2048 bit, 2 primes)\nmodulus:\n    00:c3:5e\npublicExponent: 65537 (0x10001)\nprivateExponent:\n    01:02\n";
    let (bundle, warnings) = pem::parse(text, 5);
    assert!(warnings.is_empty());
    let lines: Vec<usize> = bundle.private_keys.iter().map(|key| key.line).collect();
    assert_eq!(lines, vec![5]);
    assert!(!format!("{bundle:?}").contains("c3:5e"));
}

/// The fields `openssl x509 -noout -text` prints first, up to the key.
const DUMP: &str = "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number:\n            93:38:0e:14:47:d2:f9:ae\n";

macro_rules! text_dump_cases {
    ($($test:ident: $text:expr => [$($line:expr),*],)*) => {
        $(
            #[test]
            fn $test() {
                let text: String = $text;
                let warnings = pem::text_dumps_without_pem(text.lines(), 1);
                let lines: Vec<usize> = warnings.iter().map(|warning| warning.line).collect();
                let expected: Vec<usize> = vec![$($line),*];
                assert_eq!(lines, expected, "{warnings:?}");
                for warning in &warnings {
                    assert!(
                        warning.message.contains("`openssl x509 -text` output without its PEM block"),
                        "{warning}"
                    );
                }
            }
        )*
    };
}

text_dump_cases! {
    text_dump_alone: DUMP.to_string() => [1],
    text_dump_then_its_pem: format!("{DUMP}{}", fixture("leaf-good.pem")) => [],
    pem_then_its_text_dump: format!("{}{DUMP}", fixture("leaf-good.pem")) => [],
    text_dump_behind_prompts: DUMP.lines().map(|line| format!("> {line}\n")).collect() => [1],
    text_dump_from_data_line: DUMP.lines().skip(1).map(|line| format!("{line}\n")).collect() => [1],
    second_text_dump_without_pem: format!("{DUMP}{}\n{DUMP}", fixture("leaf-good.pem"))
        => [DUMP.lines().count() + fixture("leaf-good.pem").lines().count() + 2],
    two_text_dumps_one_pem: format!("{DUMP}{DUMP}{}", fixture("leaf-good.pem")) => [1],
    no_text_dump: fixture("chain-good.pem") => [],
}

#[test]
fn text_dump_pasted_alone_warned_with_line() {
    let text = fixture("spire-upstream-ca-text-only.txt");
    let parsed = meshtls_engine::evidence::detect::parse_input("dump.txt", &text);
    let messages: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    let expected = "line 1: `openssl x509 -text` output without its PEM block, so the certificate cannot be read; paste it with its -----BEGIN CERTIFICATE----- block (run the command without -noout)";
    assert!(messages.iter().any(|message| message == expected), "{messages:#?}");
}

#[test]
fn text_dump_after_its_pem_not_warned() {
    let text = fixture("spire-upstream-ca-reporter-paste.txt");
    let parsed = meshtls_engine::evidence::detect::parse_input("paste", &text);
    let dump_warnings = parsed
        .warnings
        .iter()
        .filter(|warning| warning.message.contains("without its PEM block"))
        .count();
    assert_eq!(dump_warnings, 0, "{:?}", parsed.warnings);
}

struct ViewCase<'a> {
    input: &'a [&'a str],
    bundle: &'static [&'static str],
    now: i64,
}

fn run_view(case: &ViewCase<'_>) -> CertificatesView {
    let input: Vec<Certificate> = case.input.iter().flat_map(|name| certificates(name)).collect();
    let bundle: Vec<Certificate> = case.bundle.iter().flat_map(|name| certificates(name)).collect();
    let checks = Checks { now: case.now, host: None, role: None, client_policy: false };
    view::view(&input, &bundle, &checks)
}

/// Returns the status id of each link of the first chain, and its break index.
fn first_chain(view: &CertificatesView) -> (Vec<&'static str>, Option<usize>) {
    let chain = view.chains.first().expect("one chain");
    (chain.links.iter().map(|link| link.status.as_str()).collect(), chain.break_at)
}

macro_rules! view_cases {
    ($($test:ident: $case:expr => [$($status:expr),*], $break_at:expr, $trust:expr,)*) => {
        $(
            #[test]
            fn $test() {
                let view = run_view(&$case);
                let (statuses, break_at) = first_chain(&view);
                let expected: Vec<&str> = vec![$($status),*];
                assert_eq!(statuses, expected, "{:#?}", view.chains);
                let expected_break: Option<usize> = $break_at;
                assert_eq!(break_at, expected_break, "{:#?}", view.chains);
                assert_eq!(view.trust, $trust);
                let chain = view.chains.first().expect("one chain");
                assert_eq!(chain.trusted, expected_break.is_none());
                assert!(!chain.summary.is_empty());
            }
        )*
    };
}

view_cases! {
    view_good_chain_marked_root: ViewCase { input: &["chain-good.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["verified", "verified", "trust-anchor"], None, TrustOrigin::MarkedBundle { certificates: 1 },
    view_good_chain_self_signed: ViewCase { input: &["chain-good.pem"], bundle: &[], now: NOW }
        => ["verified", "verified", "trust-anchor"], None, TrustOrigin::SelfSignedPasted { certificates: 1 },
    view_leaf_without_anchor: ViewCase { input: &["leaf-good.pem"], bundle: &[], now: NOW }
        => ["issuer-not-found"], Some(0), TrustOrigin::SelfSignedPasted { certificates: 0 },
    view_other_ca: ViewCase { input: &["chain-other-ca.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["verified", "issuer-not-found"], Some(1), TrustOrigin::MarkedBundle { certificates: 1 },
    view_other_root_pasted: ViewCase { input: &["chain-other-ca.pem", "other-root-ca.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["verified", "verified", "not-trusted"], Some(2), TrustOrigin::MarkedBundle { certificates: 1 },
    view_tampered_leaf: ViewCase { input: &["leaf-tampered.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["bad-signature"], Some(0), TrustOrigin::MarkedBundle { certificates: 1 },
    view_forged_intermediate: ViewCase { input: &["chain-forged-intermediate.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["verified", "bad-signature"], Some(1), TrustOrigin::MarkedBundle { certificates: 1 },
    view_issuer_not_ca: ViewCase { input: &["chain-issuer-not-ca.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["issuer-not-ca", "verified", "trust-anchor"], Some(0), TrustOrigin::MarkedBundle { certificates: 1 },
    view_expired_leaf_still_chains: ViewCase { input: &["leaf-expired.pem"], bundle: &["root-ca.pem"], now: NOW }
        => ["verified", "verified", "trust-anchor"], None, TrustOrigin::MarkedBundle { certificates: 1 },
    view_intermediate_marked: ViewCase { input: &["leaf-good.pem"], bundle: &["intermediate-ca.pem"], now: NOW }
        => ["verified", "trust-anchor"], None, TrustOrigin::MarkedBundle { certificates: 1 },
}

#[test]
fn view_leaf_details() {
    let view = run_view(&ViewCase { input: &["chain-good.pem"], bundle: &[], now: NOW });
    assert_eq!(view.certificates.len(), 3);
    let leaf = view.certificates.first().expect("leaf");
    assert_eq!(leaf.origin, view::Origin::Input(0));
    assert_eq!(leaf.kind, view::CertKind::Leaf);
    assert_eq!(leaf.label(), "web.apps.local");
    assert_eq!(leaf.subject, "O=Example Mesh, CN=web.apps.local");
    assert_eq!(leaf.issuer, "O=Example Mesh, CN=Mesh Intermediate CA");
    assert!(!leaf.serial.is_empty());
    let sans: Vec<(&str, &str, bool)> =
        leaf.sans.iter().map(|san| (san.kind, san.value.as_str(), san.spiffe)).collect();
    assert_eq!(
        sans,
        vec![
            ("DNS", "web.apps.local", false),
            ("URI", "spiffe://apps.local/ns/default/sa/web", true),
            ("IP", "10.0.0.1", false),
        ]
    );
    // 2026-01-01 and 2027-01-01, 00:00:00 UTC
    assert_eq!((leaf.not_before, leaf.not_after), (1_767_225_600, 1_798_761_600));
    assert_eq!(leaf.not_after_utc(), "2027-01-01 00:00:00 UTC");
    assert_eq!(leaf.validity, ValidityState::Valid);
    assert_eq!(leaf.key, "ECDSA P-256");
    assert_eq!(leaf.key_usage, Some(vec!["digitalSignature", "keyEncipherment"]));
    assert_eq!(
        leaf.extended_key_usage,
        Some(vec!["serverAuth".to_string(), "clientAuth".to_string()])
    );
    assert_eq!(leaf.basic_constraints_text().as_deref(), Some("CA:FALSE"));
    assert_eq!(leaf.sha256_fingerprint.len(), 32 * 3 - 1);
    assert!(leaf.issues.is_empty(), "{:?}", leaf.issues);

    let intermediate = view.certificates.get(1).expect("intermediate");
    assert_eq!(intermediate.kind, view::CertKind::Intermediate);
    assert_eq!(intermediate.key, "RSA 3072 bits");
    assert_eq!(intermediate.basic_constraints_text().as_deref(), Some("CA:TRUE, pathlen:0"));
    assert_eq!(intermediate.key_usage, Some(vec!["keyCertSign", "cRLSign"]));
    let root = view.certificates.get(2).expect("root");
    assert_eq!(root.kind, view::CertKind::Root);
    assert!(root.self_signed);
    assert_eq!(root.extended_key_usage, None);

    let chain = view.chains.first().expect("chain");
    let order: Vec<usize> = chain.links.iter().map(|link| link.certificate).collect();
    assert_eq!(order, vec![0, 1, 2]);
    assert_eq!(
        chain.summary,
        "web.apps.local → Mesh Intermediate CA → Mesh Root CA: trusted, the last certificate is in the trust bundle"
    );
}

#[test]
fn view_validity_states_and_issues() {
    let cases: [(&'static str, ValidityState, &str); 5] = [
        ("leaf-expired.pem", ValidityState::Expired, "tls-cert-expired"),
        ("leaf-not-yet-valid.pem", ValidityState::NotYetValid, "tls-cert-not-yet-valid"),
        ("leaf-expiring-soon.pem", ValidityState::ExpiringSoon, "tls-cert-expiring-soon"),
        ("leaf-rsa1024.pem", ValidityState::Valid, "tls-key-unsupported"),
        ("leaf-ed25519.pem", ValidityState::Valid, "tls-key-unsupported"),
    ];
    for (file, state, code) in cases {
        let view = run_view(&ViewCase { input: &[file], bundle: &["root-ca.pem"], now: NOW });
        let leaf = view.certificates.first().expect("leaf");
        assert_eq!(leaf.validity, state, "{file}");
        let codes: Vec<&str> = leaf.issues.iter().map(|issue| issue.code).collect();
        assert_eq!(codes, vec![code], "{file}");
    }
}

#[test]
fn view_broken_link_summary() {
    let view =
        run_view(&ViewCase { input: &["chain-other-ca.pem"], bundle: &["root-ca.pem"], now: NOW });
    let chain = view.chains.first().expect("chain");
    assert!(
        chain.summary.contains("breaks at depth 1 (`Other Intermediate CA`)"),
        "{}",
        chain.summary
    );
    assert!(chain.summary.contains("O=Other Org, CN=Other Root CA"), "{}", chain.summary);
}

#[test]
fn view_bundle_certificate_shown_once() {
    let view = run_view(&ViewCase {
        input: &["chain-good.pem", "leaf-good.pem"],
        bundle: &["root-ca.pem"],
        now: NOW,
    });
    let origins: Vec<view::Origin> = view.certificates.iter().map(|cert| cert.origin).collect();
    // The leaf pasted twice appears once, and the root pasted as evidence is
    // shown as the bundle's.
    assert_eq!(
        origins,
        vec![view::Origin::Input(0), view::Origin::Input(1), view::Origin::Bundle(0)]
    );
    let (statuses, _) = first_chain(&view);
    assert_eq!(statuses, vec!["verified", "verified", "trust-anchor"]);
    let last = view.chains.first().and_then(|chain| chain.links.last()).expect("last link");
    assert_eq!(last.certificate, 2);
}

#[test]
fn view_timeline_spans_all_and_now() {
    // 2030-01-01 00:00:00 UTC, after every leaf's notAfter.
    let later = 1_893_456_000;
    let view = run_view(&ViewCase { input: &["chain-good.pem"], bundle: &[], now: later });
    let timeline = view.timeline;
    for cert in &view.certificates {
        assert!(timeline.start < cert.not_before, "{}", cert.subject);
        assert!(timeline.end > cert.not_after, "{}", cert.subject);
    }
    assert!(timeline.percent(later) > 0.0);
    assert!(timeline.percent(later) < 100.0);
    assert_eq!(timeline.percent(i64::MIN), 0.0);
    assert_eq!(timeline.percent(i64::MAX), 100.0);
    assert_eq!(view.certificates.first().map(|leaf| leaf.validity), Some(ValidityState::Expired));
}

#[test]
fn view_many_roots_one_chain_each() {
    let view = run_view(&ViewCase { input: &["many-roots.pem"], bundle: &[], now: NOW });
    assert_eq!(view.certificates.len(), 25);
    assert_eq!(view.chains.len(), 25);
    assert!(view.chains.iter().all(|chain| chain.trusted));
    assert_eq!(view.trust, TrustOrigin::SelfSignedPasted { certificates: 25 });
}
