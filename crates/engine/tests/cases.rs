//! Real cases from public issue threads, run through the whole engine:
//! detection, parsing and diagnosis. Each case names the codes the evidence
//! must produce, the conclusion, and the codes it must not produce.
//!
//! The inputs under `fixtures/cases/` are the pastes as people posted them,
//! formatting quirks included.

use meshtls_engine::diagnosis::{diagnose, Code, Diagnosis, Input, Options, Severity, Symptom};
use meshtls_engine::evidence::timestamp;

/// The day the cases were collected, for expiry checks that need a "now".
const COLLECTED: &str = "2026-12-04T00:00:00Z";

/// Every certificate cause the App Mesh guide lists under CERTIFICATE_VERIFY_FAILED.
const CERTIFICATE_CAUSES: [Code; 4] =
    [Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsCertNotYetValid, Code::TlsSanMismatch];

struct Case {
    folder: &'static str,
    now: &'static str,
    symptom: Option<Symptom>,
    host: Option<&'static str>,
    /// Codes that must be among the findings.
    expected: &'static [Code],
    /// The top finding, or None when nothing may be concluded.
    conclusion: Option<Code>,
    /// Codes that must not be among the findings.
    forbidden: &'static [Code],
    /// True when no finding may have error severity (no fault, or inconclusive).
    no_error: bool,
}

const DEFAULT: Case = Case {
    folder: "",
    now: COLLECTED,
    symptom: None,
    host: None,
    expected: &[],
    conclusion: None,
    forbidden: &[],
    no_error: false,
};

fn run(case: &Case) -> Diagnosis {
    let dir = format!("{}/tests/fixtures/cases/{}", env!("CARGO_MANIFEST_DIR"), case.folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{dir}: {error}"))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir} has no input file");
    let inputs: Vec<Input> = files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("fixture is readable");
            let name = path.file_name().and_then(|name| name.to_str()).expect("UTF-8 file name");
            Input::parse(name, &String::from_utf8_lossy(&bytes))
        })
        .collect();
    let now = timestamp::parse(case.now).expect("case time is RFC 3339").seconds;
    let options = Options {
        now,
        host: case.host.map(str::to_string),
        symptom: case.symptom,
        trust_bundle: Vec::new(),
    };
    diagnose(&inputs, &options)
}

fn check(case: &Case) {
    let diagnosis = run(case);
    let codes = diagnosis.codes();
    for code in case.expected {
        assert!(codes.contains(code), "{}: expected {code}, got {codes:?}", case.folder);
    }
    assert_eq!(
        diagnosis.conclusion, case.conclusion,
        "{}: conclusion; findings {codes:?}",
        case.folder
    );
    for code in case.forbidden {
        assert!(!codes.contains(code), "{}: must not produce {code}, got {codes:?}", case.folder);
    }
    if case.no_error {
        let errors: Vec<Code> = diagnosis
            .findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
            .map(|finding| finding.code)
            .collect();
        assert!(errors.is_empty(), "{}: no error finding expected, got {errors:?}", case.folder);
    }
    for finding in &diagnosis.findings {
        assert!(
            !finding.evidence.is_empty(),
            "{}: {} has no evidence line",
            case.folder,
            finding.code
        );
        for line in &finding.evidence {
            assert!(line.line > 0, "{}: {} quotes line 0", case.folder, finding.code);
        }
    }
}

/// True for codes that blame TLS rather than connectivity or configuration.
fn tls_causes() -> Vec<Code> {
    Code::ALL
        .iter()
        .copied()
        .filter(|code| code.as_str().starts_with("tls-") && *code != Code::TlsInUse)
        .collect()
}

macro_rules! cases {
    ($($name:ident => $case:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(&$case);
            }
        )*
    };
}

cases! {
    app_originates_tls_openssl_unknown_protocol => Case {
        folder: "01-appmesh-app-originates-tls",
        expected: &[Code::TlsAppOriginatesTls],
        conclusion: Some(Code::TlsAppOriginatesTls),
        forbidden: &CERTIFICATE_CAUSES,
        ..DEFAULT
    };
    handshake_error_2_is_benign => Case {
        folder: "03-envoy-handshake-error-2-benign",
        conclusion: None,
        forbidden: &[
            Code::TlsUntrustedCa,
            Code::TlsCertExpired,
            Code::TlsSanMismatch,
            Code::TlsAppOriginatesTls,
            Code::ConnRefused,
            Code::ConnNoHealthyUpstream,
        ],
        no_error: true,
        ..DEFAULT
    };
    peer_alert_certificate_expired => Case {
        folder: "05-consul-sidecar-cert-not-renewed-alert-expired",
        expected: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpired),
        forbidden: &[Code::TlsUntrustedCa, Code::TlsSanMismatch, Code::TlsAppOriginatesTls],
        ..DEFAULT
    };
    certs_expired_with_days_zero => Case {
        folder: "07-istio-certs-json-expired-days-zero",
        // The reporter took the page three minutes after the leaf expired.
        now: "2020-02-19T01:14:00Z",
        expected: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpired),
        forbidden: &[Code::TlsNoCertChain, Code::TlsNoCaCert],
        ..DEFAULT
    };
    certs_expired_long_after => Case {
        folder: "07-istio-certs-json-expired-days-zero",
        expected: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpired),
        forbidden: &[Code::TlsNoCertChain, Code::TlsNoCaCert],
        ..DEFAULT
    };
    malformed_pem_secret_rejected => Case {
        folder: "09-istio-gateway-malformed-pem-secret-rejected",
        expected: &[Code::TlsNoCertChain],
        conclusion: Some(Code::TlsNoCertChain),
        forbidden: &CERTIFICATE_CAUSES,
        ..DEFAULT
    };
    certs_ca_cert_empty => Case {
        folder: "11-appmesh-certs-ca-cert-empty-no-backend",
        expected: &[Code::TlsNoCaCert],
        conclusion: Some(Code::TlsNoCaCert),
        forbidden: &[Code::TlsNoCertChain, Code::TlsCertExpired, Code::TlsAppOriginatesTls],
        ..DEFAULT
    };
    secret_not_supplied_by_sds => Case {
        folder: "12-appmesh-vgw-secret-not-supplied-by-sds",
        expected: &[Code::TlsSecretNotSupplied],
        conclusion: Some(Code::TlsSecretNotSupplied),
        forbidden: &[
            Code::TlsVerifyFailed,
            Code::TlsUntrustedCa,
            Code::TlsCertExpired,
            Code::TlsSanMismatch,
            Code::TlsAppOriginatesTls,
            Code::ElbTargetPortMismatch,
            Code::ElbTargetProtocol,
            Code::ElbHealthCheckProtocol,
        ],
        ..DEFAULT
    };
    cluster_config_rejected => Case {
        folder: "13-appmesh-tls-walkthrough-cluster-rejected-deprecated-tls-context",
        expected: &[Code::ConnConfigRejected],
        conclusion: Some(Code::ConnConfigRejected),
        forbidden: &[
            Code::TlsUntrustedCa,
            Code::TlsCertExpired,
            Code::TlsSanMismatch,
            Code::TlsAppOriginatesTls,
            Code::TlsNotInUse,
        ],
        ..DEFAULT
    };
    connection_refused_111 => Case {
        folder: "15-envoy-https-front-proxy-connection-refused-111",
        expected: &[Code::ConnRefused],
        conclusion: Some(Code::ConnRefused),
        ..DEFAULT
    };
    verify_failed_without_detail => Case {
        folder: "18-appmesh-external-https-no-sni-default-cert",
        symptom: Some(Symptom::TlsClientPolicy),
        expected: &[Code::TlsVerifyFailed],
        conclusion: Some(Code::TlsVerifyFailed),
        forbidden: &[
            Code::TlsAppOriginatesTls,
            Code::TlsNotInUse,
            Code::ElbTargetPortMismatch,
            Code::ElbTargetProtocol,
            Code::ElbHealthCheckProtocol,
        ],
        ..DEFAULT
    };
    peer_alert_unknown_ca => Case {
        folder: "20-istio-multicluster-unknown-ca-markdown-link-in-log",
        expected: &[Code::TlsUntrustedCa],
        conclusion: Some(Code::TlsUntrustedCa),
        forbidden: &[Code::TlsCertExpired, Code::TlsSanMismatch, Code::TlsAppOriginatesTls],
        ..DEFAULT
    };
    expired_ca_pem_behind_prompts => Case {
        folder: "22-spire-dummy-upstream-ca-expired-pem",
        expected: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpired),
        forbidden: &[
            Code::TlsSanMismatch,
            Code::TlsAppOriginatesTls,
            Code::ConnConfigRejected,
            Code::ElbTargetPortMismatch,
        ],
        ..DEFAULT
    };
    healthy_tls_stats_control => Case {
        folder: "23-contour-envoy17-healthy-tls-stats-control",
        symptom: Some(Symptom::TlsBetweenProxies),
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
        forbidden: &[Code::TlsNotInUse, Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsSanMismatch],
        no_error: true,
        ..DEFAULT
    };
}

#[test]
fn connectivity_cases_blame_no_tls_cause() {
    for folder in [
        "13-appmesh-tls-walkthrough-cluster-rejected-deprecated-tls-context",
        "15-envoy-https-front-proxy-connection-refused-111",
    ] {
        let diagnosis = run(&Case { folder, ..DEFAULT });
        for code in diagnosis.codes() {
            assert!(!tls_causes().contains(&code), "{folder}: TLS cause {code} concluded");
        }
    }
}

#[test]
fn direction_of_peer_alerts_is_stated() {
    for folder in [
        "05-consul-sidecar-cert-not-renewed-alert-expired",
        "20-istio-multicluster-unknown-ca-markdown-link-in-log",
    ] {
        let diagnosis = run(&Case { folder, ..DEFAULT });
        let top = diagnosis.findings.first().expect("a finding");
        assert!(
            top.details.iter().any(|detail| detail.contains("received from the peer")),
            "{folder}: details {:?}",
            top.details
        );
    }
}

#[test]
fn missing_counters_are_named_not_guessed() {
    let diagnosis =
        run(&Case { folder: "23-contour-envoy17-healthy-tls-stats-control", ..DEFAULT });
    let top = diagnosis.findings.first().expect("tls-in-use");
    let named = top.details.iter().any(|detail| {
        detail.contains("listener.0.0.0.0_8443.downstream_cx_total")
            && detail.contains("listener.0.0.0.0_8443.ssl.handshake")
    });
    assert!(named, "details: {:?}", top.details);
}

#[test]
fn benign_handshake_status_is_explained() {
    let diagnosis = run(&Case { folder: "03-envoy-handshake-error-2-benign", ..DEFAULT });
    assert!(diagnosis.findings.is_empty(), "{:?}", diagnosis.codes());
    assert!(
        diagnosis.notes.iter().any(|note| note.contains("WANT_READ")),
        "notes: {:?}",
        diagnosis.notes
    );
    assert!(
        diagnosis.notes.iter().any(|note| note.contains("completed TLS handshake")),
        "notes: {:?}",
        diagnosis.notes
    );
}

#[test]
fn app_originated_tls_rules_out_certificate_causes() {
    let diagnosis = run(&Case { folder: "01-appmesh-app-originates-tls", ..DEFAULT });
    for code in [Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsSanMismatch] {
        assert!(
            diagnosis.ruled_out.iter().any(|entry| entry.code == code),
            "{code} not ruled out: {:?}",
            diagnosis.ruled_out
        );
    }
}

#[test]
fn generic_verification_failure_asks_for_more() {
    let diagnosis =
        run(&Case { folder: "18-appmesh-external-https-no-sni-default-cert", ..DEFAULT });
    let commands: Vec<&str> =
        diagnosis.next_steps.iter().filter_map(|step| step.command.as_deref()).collect();
    assert!(commands.iter().any(|command| command.contains("logging")), "{commands:?}");
    assert!(commands.iter().any(|command| command.contains("fail_verify")), "{commands:?}");
    assert!(commands.iter().any(|command| command.contains("openssl s_client")), "{commands:?}");
}
