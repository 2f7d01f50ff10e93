//! Rule tables: one named row per rule and edge, each a small paste in the
//! form Envoy prints it, run through detection, parsing and diagnosis.

use meshtls_engine::diagnosis::{diagnose, report, Code, Diagnosis, Input, Options, Symptom};
use meshtls_engine::evidence::timestamp;

const NOW: &str = "2026-12-04T00:00:00Z";

struct Row {
    pastes: Vec<(&'static str, String)>,
    symptom: Option<Symptom>,
    host: Option<&'static str>,
    expected: &'static [Code],
    conclusion: Option<Code>,
    forbidden: &'static [Code],
    ruled_out: &'static [Code],
    /// Text that must appear in a detail of the top finding or in a note.
    mentions: &'static [&'static str],
}

fn row(pastes: Vec<(&'static str, String)>) -> Row {
    Row {
        pastes,
        symptom: None,
        host: None,
        expected: &[],
        conclusion: None,
        forbidden: &[],
        ruled_out: &[],
        mentions: &[],
    }
}

/// Formats an Envoy debug log line as Envoy 1.23 and later print it by default.
fn log(logger: &str, message: &str) -> String {
    format!(
        "[2025-04-15 21:45:11.169][15][debug][{logger}] [source/common/tls/ssl_socket.cc:248] {message}\n"
    )
}

fn tls_error(reason_code: u32, reason: &str) -> String {
    log(
        "connection",
        &format!(
            "[C2] remote address:10.0.1.7:443,TLS error: {reason_code}:SSL routines:OPENSSL_internal:{reason}"
        ),
    )
}

fn stats(lines: &[&str]) -> (&'static str, String) {
    ("stats.txt", lines.iter().map(|line| format!("{line}\n")).collect())
}

fn run(row: &Row) -> (Vec<Input>, Diagnosis) {
    let inputs: Vec<Input> =
        row.pastes.iter().map(|(name, text)| Input::parse(name, text)).collect();
    let options = Options {
        now: timestamp::parse(NOW).expect("RFC 3339").seconds,
        host: row.host.map(str::to_string),
        symptom: row.symptom,
        trust_bundle: Vec::new(),
    };
    let diagnosis = diagnose(&inputs, &options);
    (inputs, diagnosis)
}

fn check(name: &str, row: Row) {
    let (_, diagnosis) = run(&row);
    let codes = diagnosis.codes();
    for code in row.expected {
        assert!(codes.contains(code), "{name}: expected {code}, got {codes:?}");
    }
    assert_eq!(diagnosis.conclusion, row.conclusion, "{name}: conclusion; findings {codes:?}");
    for code in row.forbidden {
        assert!(!codes.contains(code), "{name}: must not produce {code}, got {codes:?}");
    }
    for entry in &diagnosis.ruled_out {
        assert!(
            !codes.contains(&entry.code),
            "{name}: {} is both a finding and ruled out: {}",
            entry.code,
            entry.reason
        );
    }
    for code in row.ruled_out {
        assert!(
            diagnosis.ruled_out.iter().any(|entry| entry.code == *code),
            "{name}: {code} not ruled out: {:?}",
            diagnosis.ruled_out
        );
    }
    let top_details = diagnosis.findings.first().map(|finding| finding.details.join("\n"));
    let text = format!("{}\n{}", top_details.unwrap_or_default(), diagnosis.notes.join("\n"));
    for mention in row.mentions {
        assert!(text.contains(mention), "{name}: `{mention}` not mentioned in:\n{text}");
    }
}

macro_rules! rows {
    ($($name:ident => $row:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $row);
            }
        )*
    };
}

// The TLS counter rule and Envoy's own accounting.
rows! {
    counter_rule_documented_example_holds => Row {
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
        mentions: &["11 - 1 = 10 and 9 + 1 = 10: it holds"],
        ..row(vec![stats(&[
            "listener.0.0.0.0_15000.downstream_cx_total: 11",
            "listener.0.0.0.0_15000.ssl.connection_error: 1",
            "listener.0.0.0.0_15000.ssl.handshake: 9",
            "listener.0.0.0.0_15000.ssl.session_reused: 1",
        ])])
    };
    counter_rule_misses_by_resumed_sessions => Row {
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
        forbidden: &[Code::TlsNotInUse],
        mentions: &["it does not hold", "misses by exactly `ssl.session_reused`"],
        ..row(vec![stats(&[
            "cluster.cds_egress_mesh_backend_http_8080.upstream_cx_total: 10",
            "cluster.cds_egress_mesh_backend_http_8080.ssl.connection_error: 0",
            "cluster.cds_egress_mesh_backend_http_8080.ssl.handshake: 10",
            "cluster.cds_egress_mesh_backend_http_8080.ssl.session_reused: 2",
        ])])
    };
    connections_without_handshakes_are_not_tls => Row {
        expected: &[Code::TlsNotInUse],
        conclusion: Some(Code::TlsNotInUse),
        forbidden: &[Code::TlsInUse],
        ..row(vec![stats(&[
            "listener.0.0.0.0_15000.downstream_cx_total: 40",
            "listener.0.0.0.0_15000.ssl.connection_error: 0",
            "listener.0.0.0.0_15000.ssl.handshake: 0",
            "listener.0.0.0.0_15000.ssl.session_reused: 0",
            "listener.0.0.0.0_15000.ssl.fail_verify_error: 0",
            "listener.0.0.0.0_15000.ssl.fail_verify_san: 0",
        ])])
    };
    mostly_plaintext_beside_tls_is_flagged => Row {
        expected: &[Code::TlsNotInUse, Code::TlsInUse],
        conclusion: Some(Code::TlsNotInUse),
        mentions: &["in no TLS counter"],
        ..row(vec![stats(&[
            "listener.0.0.0.0_15000.downstream_cx_total: 100",
            "listener.0.0.0.0_15000.downstream_cx_active: 0",
            "listener.0.0.0.0_15000.ssl.connection_error: 0",
            "listener.0.0.0.0_15000.ssl.handshake: 10",
            "listener.0.0.0.0_15000.ssl.session_reused: 0",
        ])])
    };
    missing_rule_counter_is_named => Row {
        forbidden: &[Code::TlsNotInUse],
        mentions: &["`listener.0.0.0.0_15000.downstream_cx_total` is missing"],
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
        ..row(vec![stats(&[
            "listener.0.0.0.0_15000.ssl.connection_error: 0",
            "listener.0.0.0.0_15000.ssl.handshake: 3",
            "listener.0.0.0.0_15000.ssl.session_reused: 0",
        ])])
    };
}

// Verification counters: evidence for a cause, and against it when zero.
rows! {
    fail_verify_san_on_cluster => Row {
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        ..row(vec![stats(&[
            "cluster.cds_egress_m_backend_http_9080.upstream_cx_total: 49",
            "cluster.cds_egress_m_backend_http_9080.ssl.connection_error: 0",
            "cluster.cds_egress_m_backend_http_9080.ssl.handshake: 0",
            "cluster.cds_egress_m_backend_http_9080.ssl.session_reused: 0",
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_san: 49",
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_error: 0",
        ])])
    };
    fail_verify_error_rules_san_out => Row {
        expected: &[Code::TlsVerifyFailed],
        conclusion: Some(Code::TlsVerifyFailed),
        forbidden: &[Code::TlsSanMismatch],
        ruled_out: &[Code::TlsSanMismatch],
        ..row(vec![stats(&[
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_error: 9",
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_san: 0",
        ])])
    };
    zero_fail_verify_error_rules_chain_causes_out => Row {
        expected: &[Code::TlsSanMismatch],
        ruled_out: &[Code::TlsUntrustedCa, Code::TlsCertExpired],
        conclusion: Some(Code::TlsSanMismatch),
        ..row(vec![stats(&[
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_error: 0",
            "cluster.cds_egress_m_backend_http_9080.ssl.fail_verify_san: 5",
        ])])
    };
    peer_alert_unknown_ca => Row {
        expected: &[Code::TlsUntrustedCa],
        conclusion: Some(Code::TlsUntrustedCa),
        ..row(vec![(
            "envoy.log",
            tls_error(268436504, "TLSV1_ALERT_UNKNOWN_CA"),
        )])
    };
    fail_verify_no_cert_on_listener => Row {
        expected: &[Code::TlsClientCertMissing],
        conclusion: Some(Code::TlsClientCertMissing),
        ..row(vec![stats(&[
            "listener.0.0.0.0_15000.ssl.fail_verify_no_cert: 208",
        ])])
    };
    secrets_not_ready_counter => Row {
        expected: &[Code::TlsSecretNotSupplied],
        conclusion: Some(Code::TlsSecretNotSupplied),
        ..row(vec![stats(&[
            "cluster.cds_egress_m_backend_http_9080.client_ssl_socket_factory.upstream_context_secrets_not_ready: 4",
        ])])
    };
}

// Connectivity, which the App Mesh guide checks before TLS.
rows! {
    control_plane_disconnected => Row {
        expected: &[Code::ConnControlPlaneDisconnected],
        conclusion: Some(Code::ConnControlPlaneDisconnected),
        ..row(vec![stats(&["control_plane.connected_state: 0"])])
    };
    control_plane_connected_is_ruled_out => Row {
        ruled_out: &[Code::ConnControlPlaneDisconnected],
        forbidden: &[Code::ConnControlPlaneDisconnected],
        ..row(vec![stats(&["control_plane.connected_state: 1"])])
    };
    update_rejected_counter => Row {
        expected: &[Code::ConnConfigRejected],
        conclusion: Some(Code::ConnConfigRejected),
        ..row(vec![stats(&["listener_manager.lds.update_rejected: 2"])])
    };
    mesh_allow_all_traffic => Row {
        expected: &[Code::ConnMeshAllowAll],
        conclusion: Some(Code::ConnMeshAllowAll),
        ..row(vec![stats(&["cluster.cds_egress_my-mesh_mesh-allow-all.upstream_rq_total: 12"])])
    };
    connect_fail_without_tls_failures => Row {
        expected: &[Code::ConnRefused],
        conclusion: Some(Code::ConnRefused),
        ..row(vec![stats(&["cluster.cds_egress_m_backend_http_9080.upstream_cx_connect_fail: 3"])])
    };
    no_healthy_upstream_counter => Row {
        expected: &[Code::ConnNoHealthyUpstream],
        conclusion: Some(Code::ConnNoHealthyUpstream),
        ..row(vec![stats(&[
            "cluster.cds_egress_m_backend_http_9080.membership_healthy: 0",
            "cluster.cds_egress_m_backend_http_9080.membership_total: 2",
        ])])
    };
    no_filter_chain_counter => Row {
        expected: &[Code::ConnNoFilterChain],
        conclusion: Some(Code::ConnNoFilterChain),
        ..row(vec![stats(&["listener.0.0.0.0_15001.no_filter_chain_match: 7"])])
    };
    connection_refused_wins_over_peer_alert => Row {
        expected: &[Code::ConnRefused, Code::TlsUntrustedCa],
        conclusion: Some(Code::ConnRefused),
        ..row(vec![(
            "envoy.log",
            format!(
                "{}{}",
                log("connection", "[C1] delayed connect error: 111"),
                tls_error(268436504, "TLSV1_ALERT_UNKNOWN_CA")
            ),
        )])
    };
    grpc_stream_closed_permission_denied => Row {
        expected: &[Code::ConnControlPlaneDisconnected],
        conclusion: Some(Code::ConnControlPlaneDisconnected),
        mentions: &["PERMISSION_DENIED", "IAM policy"],
        ..row(vec![(
            "envoy.log",
            "[2022-11-09 05:59:24.941][15][warning][config] [./source/common/config/grpc_stream.h:163] StreamAggregatedResources gRPC config stream to appmesh-envoy-management.ap-northeast-1.amazonaws.com:443 closed: 7, Unauthorized\n".to_string(),
        )])
    };
    grpc_stream_closed_gracefully => Row {
        forbidden: &[Code::ConnControlPlaneDisconnected],
        mentions: &["graceful close"],
        ..row(vec![(
            "envoy.log",
            "[2022-11-09 05:59:24.941][15][warning][config] [./source/common/config/grpc_stream.h:163] gRPC config stream closed: 0, \n".to_string(),
        )])
    };
    no_cluster_match_for_url => Row {
        expected: &[Code::ConnNoRouteMatch],
        conclusion: Some(Code::ConnNoRouteMatch),
        ..row(vec![(
            "envoy.log",
            "[2021-05-04 15:22:31.280][91][debug][router] [source/common/router/router.cc:427] [C5][S1] no cluster match for URL '/color'\n".to_string(),
        )])
    };
    no_matching_filter_chain_log => Row {
        expected: &[Code::ConnNoFilterChain],
        conclusion: Some(Code::ConnNoFilterChain),
        ..row(vec![(
            "envoy.log",
            "[2020-06-02 10:11:12.000][12][debug][conn_handler] [source/server/connection_handler_impl.cc:321] closing connection: no matching filter chain found\n".to_string(),
        )])
    };
    no_healthy_upstream_body => Row {
        expected: &[Code::ConnNoHealthyUpstream],
        conclusion: Some(Code::ConnNoHealthyUpstream),
        ..row(vec![("body.txt", "no healthy upstream\n".to_string())])
    };
}

// TLS messages from logs and replies.
rows! {
    verify_failed_with_san_matcher_line => Row {
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        forbidden: &[Code::TlsVerifyFailed],
        ..row(vec![(
            "istio.log",
            "2025-04-29T18:08:46.964802Z\tdebug\tenvoy connection external/envoy/source/common/tls/cert_validator/default_validator.cc:246\tverify cert failed: SAN matcher\tthread=29\n\
             2025-04-29T18:08:46.964857Z\tdebug\tenvoy connection external/envoy/source/common/tls/ssl_socket.cc:246\t[Tags: \"ConnectionId\":\"448\"] remote address:192.0.2.45:8080,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end\tthread=29\n"
                .to_string(),
        )])
    };
    verify_failed_local_issuer => Row {
        expected: &[Code::TlsUntrustedCa],
        conclusion: Some(Code::TlsUntrustedCa),
        forbidden: &[Code::TlsVerifyFailed, Code::TlsCertExpired],
        ..row(vec![(
            "envoy.log",
            "[2025-04-15 21:45:11.169][15][debug][connection] [source/common/tls/cert_validator/default_validator.cc:339] verify cert failed: X509_verify_cert: certificate verification error at depth 0: unable to get local issuer certificate\n\
             [2025-04-15 21:45:11.169][15][debug][connection] [source/common/tls/ssl_socket.cc:248] [Tags: \"ConnectionId\":\"2\"] remote address:127.0.0.1:443,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end\n"
                .to_string(),
        )])
    };
    verify_failed_expired_at_depth_one => Row {
        expected: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpired),
        mentions: &["depth 1"],
        ..row(vec![(
            "envoy.log",
            log("connection", "verify cert failed: X509_verify_cert: certificate verification error at depth 1: certificate has expired"),
        )])
    };
    peer_did_not_return_a_certificate => Row {
        expected: &[Code::TlsClientCertMissing],
        conclusion: Some(Code::TlsClientCertMissing),
        ..row(vec![("envoy.log", tls_error(268435648, "PEER_DID_NOT_RETURN_A_CERTIFICATE"))])
    };
    certificate_required_alert => Row {
        expected: &[Code::TlsClientCertMissing],
        conclusion: Some(Code::TlsClientCertMissing),
        mentions: &["received from the peer"],
        ..row(vec![("envoy.log", tls_error(268436572, "TLSV1_ALERT_CERTIFICATE_REQUIRED"))])
    };
    handshake_failure_alert_is_ambiguous => Row {
        expected: &[Code::TlsClientCertMissing, Code::TlsProtocolMismatch],
        ..Row {
            conclusion: Some(Code::TlsClientCertMissing),
            ..row(vec![("envoy.log", tls_error(268436496, "SSLV3_ALERT_HANDSHAKE_FAILURE"))])
        }
    };
    no_shared_cipher => Row {
        expected: &[Code::TlsProtocolMismatch],
        conclusion: Some(Code::TlsProtocolMismatch),
        ..row(vec![("envoy.log", tls_error(268435640, "NO_SHARED_CIPHER"))])
    };
    protocol_version_alert => Row {
        expected: &[Code::TlsProtocolMismatch],
        conclusion: Some(Code::TlsProtocolMismatch),
        ..row(vec![("envoy.log", tls_error(268436526, "TLSV1_ALERT_PROTOCOL_VERSION"))])
    };
    wrong_version_number_from_envoy => Row {
        expected: &[Code::TlsNotInUse],
        conclusion: Some(Code::TlsNotInUse),
        forbidden: &[Code::TlsAppOriginatesTls],
        ..row(vec![("envoy.log", tls_error(268435703, "WRONG_VERSION_NUMBER"))])
    };
    http_request_on_tls_listener => Row {
        expected: &[Code::TlsNotInUse],
        conclusion: Some(Code::TlsNotInUse),
        mentions: &["plaintext HTTP client"],
        ..row(vec![("envoy.log", tls_error(268435612, "HTTP_REQUEST"))])
    };
    bad_certificate_alert_names_direction => Row {
        expected: &[Code::TlsVerifyFailed],
        conclusion: Some(Code::TlsVerifyFailed),
        mentions: &["received from the peer", "rejected this side"],
        ..row(vec![("envoy.log", tls_error(268436498, "SSLV3_ALERT_BAD_CERTIFICATE"))])
    };
    handshake_error_2_is_no_finding => Row {
        mentions: &["WANT_READ"],
        ..row(vec![(
            "envoy.log",
            "[2018-09-14 19:22:08.515][355175][debug][connection] external/envoy/source/common/ssl/ssl_socket.cc:111] [C140] handshake error: 2\n".to_string(),
        )])
    };
    secret_not_supplied_access_log => Row {
        expected: &[Code::TlsSecretNotSupplied],
        conclusion: Some(Code::TlsSecretNotSupplied),
        ..row(vec![(
            "access.log",
            "[2022-04-19T13:35:23.864Z] \"POST / HTTP/1.1\" 503 UF,URX \"-\" \"TLS error: Secret is not supplied by SDS\" 52 91 18 - \"-\" \"curl/7.79.1\" \"622c1d7d-b9bf-4fea-9bc2-28dfe57ae9f0\" \"cray-dhcp-kea-api:8000\" \"192.0.2.73:8000\"\n".to_string(),
        )])
    };
    upstream_failure_flag_without_reason_is_not_tls => Row {
        forbidden: &[Code::TlsVerifyFailed, Code::TlsUntrustedCa, Code::TlsNotInUse],
        mentions: &["`UF`"],
        ..row(vec![(
            "access.log",
            "[2021-03-02T10:00:00.000Z] \"GET /color HTTP/1.1\" 503 UF 0 91 3 - \"-\" \"curl/7.64.0\" \"9e4b0f0e-3c22-4c7b-a6a5-0e4b1f1f9f77\" \"colorteller:9080\" \"10.0.1.7:9080\"\n".to_string(),
        )])
    };
    key_size_rejected => Row {
        expected: &[Code::TlsKeyUnsupported],
        conclusion: Some(Code::TlsKeyUnsupported),
        ..row(vec![(
            "envoy.log",
            "[2020-03-17 15:20:34.358][1][warning][config] [source/common/config/grpc_subscription_impl.cc:87] gRPC config for type.googleapis.com/envoy.api.v2.Listener rejected: Error adding/updating listener(s) lds_ingress_0.0.0.0_15000: Failed to load certificate chain from /certs/chain.pem, only RSA certificates with 2048-bit or larger keys are supported\n".to_string(),
        )])
    };
}

// /certs: expiry from the timestamps, SANs against the requested host.
fn certs_entry(
    valid_from: &str,
    expiration: &str,
    days: &str,
    san: &str,
) -> (&'static str, String) {
    (
        "certs.json",
        format!(
            r#"{{
 "certificates": [
  {{
   "ca_cert": [
    {{
     "path": "/certs/ca.pem",
     "serial_number": "01",
     "subject_alt_names": [],
     "days_until_expiration": "3000",
     "valid_from": "2020-01-01T00:00:00Z",
     "expiration_time": "2035-01-01T00:00:00Z"
    }}
   ],
   "cert_chain": [
    {{
     "path": "/certs/chain.pem",
     "serial_number": "02",
     "subject_alt_names": [
      {{
       "dns": "{san}"
      }}
     ],
     "days_until_expiration": "{days}",
     "valid_from": "{valid_from}",
     "expiration_time": "{expiration}"
    }}
   ]
  }}
 ]
}}
"#
        ),
    )
}

rows! {
    certs_expiring_within_window => Row {
        expected: &[Code::TlsCertExpiringSoon],
        conclusion: Some(Code::TlsCertExpiringSoon),
        forbidden: &[Code::TlsCertExpired],
        ..row(vec![certs_entry("2026-01-01T00:00:00Z", "2026-12-20T00:00:00Z", "16", "*.apps.local")])
    };
    certs_days_zero_but_not_expired => Row {
        expected: &[Code::TlsCertExpiringSoon],
        forbidden: &[Code::TlsCertExpired],
        conclusion: Some(Code::TlsCertExpiringSoon),
        ..row(vec![certs_entry("2026-01-01T00:00:00Z", "2026-12-04T12:00:00Z", "0", "*.apps.local")])
    };
    certs_not_yet_valid => Row {
        expected: &[Code::TlsCertNotYetValid],
        conclusion: Some(Code::TlsCertNotYetValid),
        ..row(vec![certs_entry("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "390", "*.apps.local")])
    };
    certs_san_does_not_name_host => Row {
        host: Some("colorteller.other.local"),
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        ..row(vec![certs_entry("2026-01-01T00:00:00Z", "2027-12-01T00:00:00Z", "362", "*.apps.local")])
    };
    certs_wildcard_san_names_host => Row {
        host: Some("colorteller.apps.local"),
        forbidden: &[Code::TlsSanMismatch],
        mentions: &["names the requested host"],
        ..row(vec![certs_entry("2026-01-01T00:00:00Z", "2027-12-01T00:00:00Z", "362", "*.apps.local")])
    };
    certs_empty_list => Row {
        expected: &[Code::TlsNoCertChain],
        conclusion: Some(Code::TlsNoCertChain),
        ..row(vec![("certs.json", "{\n \"certificates\": []\n}\n".to_string())])
    };
}

// Two /stats snapshots of one Envoy.
rows! {
    // Two Envoys that disagree: the finding states it once, and the code is
    // not also listed as ruled out.
    control_plane_state_differs_by_input => Row {
        expected: &[Code::ConnControlPlaneDisconnected],
        conclusion: Some(Code::ConnControlPlaneDisconnected),
        mentions: &["Not in every input: `control_plane.connected_state` is 1 in connected.txt"],
        ..row(vec![
            ("connected.txt", "control_plane.connected_state: 1\n".to_string()),
            ("disconnected.txt", "control_plane.connected_state: 0\n".to_string()),
        ])
    };
    snapshots_read_as_difference => Row {
        expected: &[Code::TlsInUse],
        conclusion: Some(Code::TlsInUse),
        forbidden: &[Code::TlsSanMismatch],
        mentions: &["read the difference"],
        ..row(vec![
            ("before.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 5\ncluster.cds_egress_m_b_http_80.ssl.handshake: 10\n".to_string()),
            ("after.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 5\ncluster.cds_egress_m_b_http_80.ssl.handshake: 25\n".to_string()),
        ])
    };
    snapshots_difference_shows_new_failures => Row {
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        mentions: &["rose by 4 (from 5 to 9)"],
        ..row(vec![
            ("before.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 5\n".to_string()),
            ("after.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 9\n".to_string()),
        ])
    };
    // Counters only rise, so the dump with the higher counters is the later
    // one, whatever its name or place in the list.
    snapshots_ordered_by_their_counters => Row {
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        mentions: &["rose by 47 (from 3 to 50)", "before.txt minus after.txt"],
        ..row(vec![
            ("before.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 50\ncluster.cds_egress_m_b_http_80.ssl.handshake: 900\n".to_string()),
            ("after.txt", "cluster.cds_egress_m_b_http_80.ssl.fail_verify_san: 3\ncluster.cds_egress_m_b_http_80.ssl.handshake: 2\n".to_string()),
        ])
    };
}

/// A throwaway EC key made for this test; it signs nothing.
const PASTED_KEY: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIGx1Y2t5LW51bWJlci1mb3ItdGVzdHMtb25seS0wMDAwMDCgCgYIKoZI
zj0DAQehRANCAAQ8dzWbM0pXqK1t2QwYyS7bE4mX3WJb0t8E4bS6qK3yK7uQm0Fz
-----END EC PRIVATE KEY-----
";

#[test]
fn pasted_private_key_is_reported_never_repeated() {
    let row = row(vec![("key.pem", PASTED_KEY.to_string())]);
    let (inputs, diagnosis) = run(&row);
    assert!(diagnosis.codes().contains(&Code::TlsPrivateKeyPasted), "{:?}", diagnosis.codes());
    let json = report::to_json(&inputs, &diagnosis).to_string();
    let text = report::to_text(&inputs, &diagnosis);
    let markdown = report::to_markdown(&inputs, &diagnosis);
    for body_line in PASTED_KEY.lines().filter(|line| !line.starts_with("-----")) {
        assert!(!json.contains(body_line), "JSON repeats the key");
        assert!(!text.contains(body_line), "text repeats the key");
        assert!(!markdown.contains(body_line), "Markdown repeats the key");
    }
}

#[test]
fn json_has_the_contract_fields() {
    let row = row(vec![("envoy.log", tls_error(268436504, "TLSV1_ALERT_UNKNOWN_CA"))]);
    let (inputs, diagnosis) = run(&row);
    let json = report::to_json(&inputs, &diagnosis);
    assert_eq!(json["conclusion"], "tls-untrusted-ca");
    let input = &json["inputs"][0];
    assert_eq!(input["name"], "envoy.log");
    assert_eq!(input["kind"], "envoy-log");
    assert!(input["warnings"].is_array());
    let finding = &json["findings"][0];
    for field in ["code", "severity", "title", "evidence", "remediation", "links"] {
        assert!(!finding[field].is_null(), "finding field {field} missing: {finding}");
    }
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["evidence"][0]["input"], "envoy.log");
    assert_eq!(finding["evidence"][0]["line"], 1);
    assert!(finding["evidence"][0]["text"]
        .as_str()
        .is_some_and(|text| text.contains("UNKNOWN_CA")));
    assert!(finding["links"][0]["url"].as_str().is_some_and(|url| url.contains('#')));
}

#[test]
fn no_input_concludes_nothing() {
    let (_, diagnosis) = run(&row(Vec::new()));
    assert_eq!(diagnosis.conclusion, None);
    assert!(diagnosis.findings.is_empty());
    assert!(!diagnosis.next_steps.is_empty(), "nothing found: the diagnosis says what to collect");
}

fn target_group(protocol: &str, port: u16, health: &str, balancer: &str) -> (&'static str, String) {
    (
        "target-group.json",
        format!(
            r#"{{
    "TargetGroups": [
        {{
            "TargetGroupArn": "arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/web/73e2d6bc24d8a067",
            "TargetGroupName": "web",
            "Protocol": "{protocol}",
            "Port": {port},
            "HealthCheckProtocol": "{health}",
            "LoadBalancerArns": [
                "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/{balancer}/web-lb/50dc6c495c0c9188"
            ],
            "TargetType": "ip"
        }}
    ]
}}
"#
        ),
    )
}

fn virtual_node(port: u16) -> (&'static str, String) {
    (
        "virtual-node.json",
        format!(
            r#"{{
    "virtualNode": {{
        "meshName": "apps",
        "virtualNodeName": "web",
        "spec": {{
            "listeners": [
                {{
                    "portMapping": {{ "port": {port}, "protocol": "http" }},
                    "tls": {{ "mode": "STRICT" }}
                }}
            ]
        }}
    }}
}}
"#
        ),
    )
}

// Load balancer target groups.
rows! {
    alb_with_https_is_right => Row {
        forbidden: &[Code::ElbTargetProtocol, Code::ElbHealthCheckProtocol, Code::ElbTargetPortMismatch],
        ..row(vec![target_group("HTTPS", 8080, "HTTPS", "app"), virtual_node(8080)])
    };
    alb_with_http_target => Row {
        expected: &[Code::ElbTargetProtocol, Code::ElbHealthCheckProtocol],
        conclusion: Some(Code::ElbTargetProtocol),
        forbidden: &[Code::ElbTargetPortMismatch],
        ..row(vec![target_group("HTTP", 8080, "HTTP", "app"), virtual_node(8080)])
    };
    nlb_needs_tls_and_tcp_health_check => Row {
        expected: &[Code::ElbHealthCheckProtocol],
        conclusion: Some(Code::ElbHealthCheckProtocol),
        forbidden: &[Code::ElbTargetProtocol],
        ..row(vec![target_group("TLS", 8080, "HTTPS", "net"), virtual_node(8080)])
    };
    target_port_differs_from_listener => Row {
        expected: &[Code::ElbTargetPortMismatch],
        conclusion: Some(Code::ElbTargetPortMismatch),
        ..row(vec![target_group("HTTPS", 80, "HTTPS", "app"), virtual_node(8080)])
    };
    target_port_unchecked_without_virtual_node => Row {
        forbidden: &[Code::ElbTargetPortMismatch],
        mentions: &["target group port was not checked"],
        ..row(vec![target_group("HTTPS", 80, "HTTPS", "app")])
    };
}

rows! {
    certs_short_lived_is_not_expiring_soon => Row {
        // A one-hour SPIRE certificate: its whole life is inside the warning window.
        forbidden: &[Code::TlsCertExpiringSoon, Code::TlsCertExpired],
        ..row(vec![certs_entry("2026-12-03T23:30:00Z", "2026-12-04T00:30:00Z", "0", "*.apps.local")])
    };
}

fn x509_fixture(name: &'static str) -> (&'static str, String) {
    let path = format!("{}/tests/fixtures/x509/{name}", env!("CARGO_MANIFEST_DIR"));
    (name, std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}")))
}

// Pasted certificates, through the verifier.
rows! {
    leaf_san_does_not_name_host => Row {
        host: Some("wrong.example.com"),
        expected: &[Code::TlsSanMismatch],
        conclusion: Some(Code::TlsSanMismatch),
        mentions: &["No trust bundle was given"],
        ..row(vec![x509_fixture("chain-good.pem")])
    };
    leaf_san_names_host => Row {
        host: Some("web.apps.local"),
        // The generated fixtures expire on 2027-01-01, inside the warning window.
        conclusion: Some(Code::TlsCertExpiringSoon),
        forbidden: &[Code::TlsSanMismatch, Code::TlsUntrustedCa],
        ..row(vec![x509_fixture("chain-good.pem")])
    };
    rsa_1024_key_is_unsupported => Row {
        expected: &[Code::TlsKeyUnsupported],
        conclusion: Some(Code::TlsKeyUnsupported),
        ..row(vec![x509_fixture("leaf-rsa1024.pem")])
    };
    leaf_without_any_anchor_is_not_called_untrusted => Row {
        conclusion: Some(Code::TlsCertExpiringSoon),
        forbidden: &[Code::TlsUntrustedCa],
        mentions: &["No trust bundle was given and the input has no self-signed CA certificate"],
        ..row(vec![x509_fixture("leaf-good.pem")])
    };
    client_only_leaf_as_server => Row {
        symptom: Some(Symptom::TlsClientPolicy),
        expected: &[Code::TlsCertUsage],
        conclusion: Some(Code::TlsCertUsage),
        ..row(vec![x509_fixture("leaf-client-only.pem")])
    };
}

#[test]
fn trust_bundle_without_the_root_is_untrusted() {
    let inputs = vec![Input::parse("chain.pem", &x509_fixture("chain-good.pem").1)];
    let options = Options {
        now: timestamp::parse(NOW).expect("RFC 3339").seconds,
        host: None,
        symptom: None,
        trust_bundle: vec![Input::parse("bundle.pem", &x509_fixture("other-root-ca.pem").1)],
    };
    let diagnosis = diagnose(&inputs, &options);
    assert_eq!(diagnosis.conclusion, Some(Code::TlsUntrustedCa), "{:?}", diagnosis.codes());
    assert!(
        diagnosis.notes.iter().any(|note| note.contains("trust bundle given")),
        "{:?}",
        diagnosis.notes
    );
}

#[test]
fn private_key_beside_a_certificate_is_not_repeated() {
    let (name, text) = x509_fixture("keys-with-certificate.pem");
    let inputs = vec![Input::parse(name, &text)];
    let options =
        Options { now: timestamp::parse(NOW).expect("RFC 3339").seconds, ..Options::default() };
    let diagnosis = diagnose(&inputs, &options);
    assert!(diagnosis.codes().contains(&Code::TlsPrivateKeyPasted), "{:?}", diagnosis.codes());
    let outputs = [
        report::to_json(&inputs, &diagnosis).to_string(),
        report::to_text(&inputs, &diagnosis),
        report::to_markdown(&inputs, &diagnosis),
    ];
    let mut in_key = false;
    for line in text.lines() {
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            in_key = true;
            continue;
        }
        if line.contains("-----END") && line.contains("PRIVATE KEY") {
            in_key = false;
            continue;
        }
        if in_key && line.len() > 16 {
            for output in &outputs {
                assert!(!output.contains(line), "a report repeats a key line");
            }
        }
    }
}
