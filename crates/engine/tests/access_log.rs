//! Access logs: Envoy's default format, Istio's longer format, JSON entries, and the
//! real lines under fixtures/access.

use meshtls_engine::evidence::access_log::{self, AccessLogEntry, AccessLogFormat, ResponseFlag};
use meshtls_engine::evidence::messages::{Event, ResetOrigin};

fn only_entry(text: &str) -> AccessLogEntry {
    let (log, warnings) = access_log::parse(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(log.entries.len(), 1);
    log.entries.into_iter().next().unwrap()
}

fn flags(entry: &AccessLogEntry) -> Vec<&str> {
    entry.response_flags.iter().map(ResponseFlag::short).collect()
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/access/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

struct Expect {
    code: Option<u16>,
    flags: &'static [&'static str],
    details: Option<&'static str>,
    transport: Option<&'static str>,
    upstream_host: Option<&'static str>,
    upstream_cluster: Option<&'static str>,
}

macro_rules! line_cases {
    ($($name:ident: $line:expr => $expected:expr,)*) => {$(
        #[test]
        fn $name() {
            let expected: Expect = $expected;
            let entry = only_entry($line);
            assert_eq!(entry.response_code, expected.code, "response code");
            assert_eq!(flags(&entry), expected.flags, "flags");
            assert_eq!(entry.response_code_details.as_deref(), expected.details, "details");
            assert_eq!(entry.upstream_transport_failure_reason.as_deref(), expected.transport, "transport failure reason");
            assert_eq!(entry.upstream_host.as_deref(), expected.upstream_host, "upstream host");
            assert_eq!(entry.upstream_cluster.as_deref(), expected.upstream_cluster, "upstream cluster");
        }
    )*};
}

line_cases! {
    default_format_uf_urx:
        r#"[2021-02-01T10:00:00.000Z] "GET /color HTTP/1.1" 503 UF,URX 0 91 25 - "-" "curl/7.64.1" "b5c9" "color.mesh.local:8080" "192.0.2.9:8080""#
        => Expect { code: Some(503), flags: &["UF", "URX"], details: None, transport: None, upstream_host: Some("192.0.2.9:8080"), upstream_cluster: None },
    default_format_no_healthy_upstream:
        r#"[2021-02-01T10:00:00.000Z] "GET / HTTP/1.1" 503 UH 0 19 0 - "-" "curl/7.64.1" "b5c9" "color:8080" "-""#
        => Expect { code: Some(503), flags: &["UH"], details: None, transport: None, upstream_host: None, upstream_cluster: None },
    default_format_no_flags:
        r#"[2021-02-01T10:00:00.000Z] "GET / HTTP/2" 200 - 0 5 3 2 "-" "grpc-go/1.29" "b5c9" "color:8080" "192.0.2.9:8080""#
        => Expect { code: Some(200), flags: &[], details: None, transport: None, upstream_host: Some("192.0.2.9:8080"), upstream_cluster: None },
    appmesh_bad_request_dpe:
        r#"[2021-02-01T10:00:00.000Z] "- - HTTP/1.1" 400 DPE 0 11 0 - "-" "-" "-" "-" "-""#
        => Expect { code: Some(400), flags: &["DPE"], details: None, transport: None, upstream_host: None, upstream_cluster: None },
    tcp_proxy_no_route:
        r#"[2021-02-01T10:00:00.000Z] "- - -" 0 NR 0 0 0 - "-" "-" "-" "-" "-""#
        => Expect { code: Some(0), flags: &["NR"], details: None, transport: None, upstream_host: None, upstream_cluster: None },
    unknown_flag_kept_raw:
        r#"[2021-02-01T10:00:00.000Z] "GET / HTTP/1.1" 503 UF,DF 0 0 1 - "-" "-" "-" "-" "-""#
        => Expect { code: Some(503), flags: &["UF", "DF"], details: None, transport: None, upstream_host: None, upstream_cluster: None },
    istio_format_new_details:
        r#"[2025-04-29T18:08:46.960Z] "GET /status HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end} - "TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end" 0 239 56 - "-" "curl/8.5.0" "a1" "backend:8080" "192.0.2.45:8080" outbound|8080||backend.default.svc.cluster.local - 192.0.2.10:8080 192.0.2.11:40000 - default"#
        => Expect {
            code: Some(503), flags: &["UF", "URX"],
            details: Some("upstream_reset_before_response_started{remote_connection_failure|TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end}"),
            transport: Some("TLS_error:|268435581:SSL_routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end"),
            upstream_host: Some("192.0.2.45:8080"), upstream_cluster: Some("outbound|8080||backend.default.svc.cluster.local"),
        },
    compose_prefix_before_entry:
        r#"envoy_1  | [2021-02-01T10:00:00.000Z] "GET / HTTP/1.1" 503 UC 0 95 3 - "-" "-" "-" "-" "192.0.2.9:8080""#
        => Expect { code: Some(503), flags: &["UC"], details: None, transport: None, upstream_host: Some("192.0.2.9:8080"), upstream_cluster: None },
    json_entry_snake_case:
        r#"{"start_time":"2023-05-01T00:00:00.000Z","method":"GET","path":"/","protocol":"HTTP/1.1","response_code":503,"response_flags":"UF","response_code_details":"upstream_reset_before_response_started{connection_failure}","upstream_transport_failure_reason":"delayed_connect_error:_111","upstream_host":"192.0.2.9:8080","upstream_cluster":"cds_egress_mesh_color_http_8080"}"#
        => Expect {
            code: Some(503), flags: &["UF"], details: Some("upstream_reset_before_response_started{connection_failure}"),
            transport: Some("delayed_connect_error:_111"), upstream_host: Some("192.0.2.9:8080"),
            upstream_cluster: Some("cds_egress_mesh_color_http_8080"),
        },
    json_entry_camel_case_strings:
        r#"{"responseCode":"503","responseFlags":"UH","responseCodeDetails":"no_healthy_upstream","upstreamHost":"-"}"#
        => Expect { code: Some(503), flags: &["UH"], details: Some("no_healthy_upstream"), transport: None, upstream_host: None, upstream_cluster: None },
    json_log_driver_wrapping_text:
        r#"{"log":"[2021-02-01T10:00:00.000Z] \"GET / HTTP/1.1\" 503 UF 0 91 25 - \"-\" \"-\" \"-\" \"-\" \"192.0.2.9:8080\"\n","stream":"stdout"}"#
        => Expect { code: Some(503), flags: &["UF"], details: None, transport: None, upstream_host: Some("192.0.2.9:8080"), upstream_cluster: None },
}

#[test]
fn json_entry_events_and_format() {
    let entry = only_entry(
        r#"{"response_code":503,"response_flags":"UF","upstream_transport_failure_reason":"delayed_connect_error:_111"}"#,
    );
    assert_eq!(entry.format, AccessLogFormat::Json);
    assert_eq!(entry.events, [Event::DelayedConnectError { errno: 111 }]);
}

#[test]
fn json_without_response_fields_is_not_an_entry() {
    let (log, warnings) = access_log::parse(r#"{"level":"info","msg":"starting"}"#, 7);
    assert!(log.entries.is_empty());
    assert_eq!(log.unrecognised_lines, 1);
    assert_eq!(warnings[0].line, 7);
}

#[test]
fn start_time_and_numbers() {
    let entry = only_entry(
        r#"[2021-02-01T10:00:00.250Z] "GET /color HTTP/1.1" 200 - 12 91 25 24 "198.51.100.1" "curl/7.64.1" "b5c9" "color:8080" "192.0.2.9:8080""#,
    );
    assert_eq!(entry.unix_time.unwrap().seconds, 1_612_173_600);
    assert_eq!(entry.unix_time.unwrap().millis, 250);
    assert_eq!(
        (entry.bytes_received, entry.bytes_sent, entry.duration_ms),
        (Some(12), Some(91), Some(25))
    );
    assert_eq!(entry.upstream_service_time_ms, Some(24));
    assert_eq!(entry.x_forwarded_for.as_deref(), Some("198.51.100.1"));
    assert_eq!(entry.user_agent.as_deref(), Some("curl/7.64.1"));
    assert_eq!(entry.request_id.as_deref(), Some("b5c9"));
    assert_eq!(entry.authority.as_deref(), Some("color:8080"));
    assert_eq!(entry.method.as_deref(), Some("GET"));
    assert_eq!(entry.path.as_deref(), Some("/color"));
    assert_eq!(entry.protocol.as_deref(), Some("HTTP/1.1"));
}

#[test]
fn istio_lines_with_expired_alert() {
    let text = fixture("access-log-lines.txt");
    let (log, warnings) = access_log::parse(&text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(log.entries.len(), 3);

    let first = &log.entries[0];
    assert_eq!(first.line, 1);
    assert_eq!(first.start_time, None);
    assert_eq!(first.response_code, Some(503));
    assert_eq!(flags(first), ["UF", "URX"]);
    assert_eq!(
        first.upstream_transport_failure_reason.as_deref(),
        Some("TLS error: 268436501:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED")
    );
    assert_eq!(
        first.upstream_cluster.as_deref(),
        Some("outbound|9080||productpage.default.svc.cluster.local")
    );
    assert_eq!(first.downstream_remote_address.as_deref(), Some("198.51.100.3:59734"));
    let tls: Vec<&Event> =
        first.events.iter().filter(|e| matches!(e, Event::TlsError(_))).collect();
    assert_eq!(tls.len(), 1, "one failure printed twice is one event: {:?}", first.events);
    let Event::TlsError(error) = tls[0] else { unreachable!() };
    assert_eq!(error.errors[0].received_alert(), Some(45));
    assert!(first.events.iter().any(
        |e| matches!(e, Event::UpstreamReset(r) if r.origin == ResetOrigin::ResponseCodeDetails)
    ));

    let second = &log.entries[1];
    assert_eq!(second.start_time.as_deref(), Some("2022-01-11T06:44:07.918Z"));
    assert_eq!(
        second.upstream_cluster.as_deref(),
        Some("outbound|8080|v1|customer.default.svc.cluster.local")
    );

    let third = &log.entries[2];
    assert_eq!(third.response_code_details, None);
    assert_eq!(
        third.upstream_transport_failure_reason.as_deref(),
        Some("TLS error: Secret is not supplied by SDS")
    );
    assert_eq!(third.events, [Event::SecretNotSupplied]);
    assert_eq!(third.bytes_received, Some(52));
}

#[test]
fn bare_details_lines_are_not_entries() {
    let (log, warnings) = access_log::parse(&fixture("response-code-details.txt"), 1);
    assert!(log.entries.is_empty());
    assert_eq!(log.unrecognised_lines, 3);
    assert_eq!(warnings.len(), 1);
}
