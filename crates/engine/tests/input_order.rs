//! The order of the pastes never changes the diagnosis: each pair of inputs is
//! diagnosed in both orders, and both must give the same codes, subjects and
//! conclusion.
//!
//! The fixtures are `/stats` pastes of two App Mesh Envoys, which share the
//! listener name `0.0.0.0_15000`, and two snapshots of one Envoy.

use std::collections::BTreeSet;

use meshtls_engine::diagnosis::{diagnose, Code, Diagnosis, Input, Options};

fn fixture(name: &str) -> Input {
    let path = format!("{}/tests/fixtures/two_envoys/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    Input::parse(name, &text)
}

fn inline(name: &str, text: &str) -> Input {
    Input::parse(name, text)
}

/// The codes with their subjects, which is what must not depend on the order.
fn outcome(diagnosis: &Diagnosis) -> BTreeSet<(String, Option<String>)> {
    diagnosis
        .findings
        .iter()
        .map(|finding| (finding.code.to_string(), finding.subject.clone()))
        .collect()
}

fn diagnose_both_orders(first: Input, second: Input) -> (Diagnosis, Diagnosis) {
    let options = Options::default();
    let forward = diagnose(&[first.clone(), second.clone()], &options);
    let backward = diagnose(&[second, first], &options);
    (forward, backward)
}

struct Pair {
    first: Input,
    second: Input,
    /// Codes the diagnosis must contain in both orders.
    expected: &'static [Code],
    conclusion: Option<Code>,
}

fn check(name: &str, pair: Pair) {
    let (forward, backward) = diagnose_both_orders(pair.first, pair.second);
    assert_eq!(outcome(&forward), outcome(&backward), "{name}: findings differ by order");
    assert_eq!(forward.conclusion, backward.conclusion, "{name}: conclusion differs by order");
    assert_eq!(forward.conclusion, pair.conclusion, "{name}: conclusion");
    for entry in &forward.ruled_out {
        assert!(!forward.codes().contains(&entry.code), "{name}: {} also ruled out", entry.code);
    }
    for code in pair.expected {
        assert!(forward.codes().contains(code), "{name}: {code} missing: {:?}", forward.codes());
    }
}

macro_rules! pairs {
    ($($name:ident => $pair:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $pair);
            }
        )*
    };
}

pairs! {
    tls_and_plaintext_envoys => Pair {
        first: fixture("listener-envoy-a-tls.txt"),
        second: fixture("listener-envoy-b-plain.txt"),
        expected: &[Code::TlsInUse, Code::TlsNotInUse],
        conclusion: Some(Code::TlsNotInUse),
    };
    client_and_server_envoys => Pair {
        first: fixture("stats-envoy-a.txt"),
        second: fixture("stats-envoy-b.txt"),
        expected: &[Code::ConnControlPlaneDisconnected, Code::TlsVerifyFailed],
        conclusion: Some(Code::ConnControlPlaneDisconnected),
    };
    connected_and_disconnected_envoys => Pair {
        first: fixture("cp-connected.txt"),
        second: fixture("cp-disconnected.txt"),
        expected: &[Code::ConnControlPlaneDisconnected],
        conclusion: Some(Code::ConnControlPlaneDisconnected),
    };
    tls_envoy_and_client_envoy => Pair {
        first: fixture("listener-envoy-a-tls.txt"),
        second: fixture("stats-envoy-a.txt"),
        expected: &[Code::TlsInUse, Code::TlsVerifyFailed],
        conclusion: Some(Code::TlsVerifyFailed),
    };
    snapshots_of_one_envoy => Pair {
        first: inline(
            "before.txt",
            "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 5\n\
             cluster.cds_egress_m_b_http_80.ssl.handshake: 10\n",
        ),
        second: inline(
            "after.txt",
            "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 5\n\
             cluster.cds_egress_m_b_http_80.ssl.handshake: 25\n",
        ),
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
    };
    counters_moving_both_ways => Pair {
        first: inline(
            "one.txt",
            "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 50\n\
             cluster.cds_egress_m_b_http_80.ssl.handshake: 2\n",
        ),
        second: inline(
            "two.txt",
            "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 3\n\
             cluster.cds_egress_m_b_http_80.ssl.handshake: 900\n",
        ),
        expected: &[Code::TlsSanMismatch, Code::TlsInUse],
        conclusion: Some(Code::TlsSanMismatch),
    };
}

#[test]
fn two_envoys_name_their_input() {
    let (forward, _) = diagnose_both_orders(
        fixture("listener-envoy-a-tls.txt"),
        fixture("listener-envoy-b-plain.txt"),
    );
    let subject_of = |code: Code| {
        forward
            .findings
            .iter()
            .find(|finding| finding.code == code)
            .and_then(|finding| finding.subject.clone())
    };
    assert_eq!(
        subject_of(Code::TlsInUse).as_deref(),
        Some("listener 0.0.0.0_15000 in listener-envoy-a-tls.txt")
    );
    assert_eq!(
        subject_of(Code::TlsNotInUse).as_deref(),
        Some("listener 0.0.0.0_15000 in listener-envoy-b-plain.txt")
    );
    let plain = forward.findings.iter().find(|finding| finding.code == Code::TlsNotInUse);
    let quoted: BTreeSet<&str> = plain
        .map(|finding| finding.evidence.iter().map(|line| line.input.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(quoted, BTreeSet::from(["listener-envoy-b-plain.txt"]));
}

#[test]
fn snapshots_note_which_came_first() {
    let (forward, backward) = diagnose_both_orders(
        inline("before.txt", "cluster.c.ssl.fail_verify_san: 5\ncluster.c.ssl.handshake: 10\n"),
        inline("after.txt", "cluster.c.ssl.fail_verify_san: 5\ncluster.c.ssl.handshake: 25\n"),
    );
    for diagnosis in [forward, backward] {
        let notes = diagnosis.notes.join("\n");
        assert!(notes.contains("difference, after.txt minus before.txt"), "{notes}");
    }
}
