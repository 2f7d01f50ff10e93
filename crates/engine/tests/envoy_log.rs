//! Envoy process logs: line framing of every Envoy era and wrapper, the message
//! scanner on each known message form, and the real logs under fixtures/logs.

use meshtls_engine::evidence::envoy_log::{self, EnvoyLog, Level, LogEntry};
use meshtls_engine::evidence::messages::{
    scan, Event, ResetOrigin, TlsErrorFormat, VerifyFailureKind,
};

fn parse(text: &str) -> EnvoyLog {
    envoy_log::parse(text, 1).0
}

fn only_entry(text: &str) -> LogEntry {
    let log = parse(text);
    assert_eq!(log.entries.len(), 1, "entries of {text:?}: {:#?}", log.entries);
    log.entries.into_iter().next().unwrap()
}

fn tls_reasons(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::TlsError(error) => Some(error.errors.iter().map(|e| e.reason_name.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

struct Framing {
    time: Option<&'static str>,
    level: Option<Level>,
    logger: Option<&'static str>,
    source: Option<&'static str>,
    connection_id: Option<u64>,
    stream_id: Option<u64>,
    origin: Option<&'static str>,
    message: &'static str,
}

macro_rules! framing_cases {
    ($($name:ident: $line:expr => $expected:expr,)*) => {$(
        #[test]
        fn $name() {
            let expected: Framing = $expected;
            let entry = only_entry($line);
            assert_eq!(entry.time.as_deref(), expected.time, "time");
            assert_eq!(entry.level, expected.level, "level");
            assert_eq!(entry.logger.as_deref(), expected.logger, "logger");
            assert_eq!(entry.source.as_deref(), expected.source, "source");
            assert_eq!(entry.connection_id, expected.connection_id, "connection id");
            assert_eq!(entry.stream_id, expected.stream_id, "stream id");
            assert_eq!(entry.origin.as_deref(), expected.origin, "origin");
            assert_eq!(entry.message, expected.message, "message");
        }
    )*};
}

framing_cases! {
    default_format_connection_and_stream:
        "[2021-05-04 15:22:31.280][91][debug][router] [source/common/router/router.cc:475] [C0][S8599161127663960637] upstream reset"
        => Framing {
            time: Some("2021-05-04 15:22:31.280"), level: Some(Level::Debug), logger: Some("router"),
            source: Some("source/common/router/router.cc:475"), connection_id: Some(0),
            stream_id: Some(8599161127663960637), origin: None, message: "upstream reset",
        },
    tags_format_connection_and_stream:
        "[2025-04-15 21:45:11.169][15][debug][http] [source/common/http/filter_manager.cc:1084] [Tags: \"ConnectionId\":\"446\",\"StreamId\":\"5689876678243589196\"] Sending local reply"
        => Framing {
            time: Some("2025-04-15 21:45:11.169"), level: Some(Level::Debug), logger: Some("http"),
            source: Some("source/common/http/filter_manager.cc:1084"), connection_id: Some(446),
            stream_id: Some(5689876678243589196), origin: None, message: "Sending local reply",
        },
    source_without_opening_bracket_2018:
        "[2018-09-14 19:22:08.515][355175][debug][connection] external/envoy/source/common/ssl/ssl_socket.cc:111] [C140] handshake error: 2"
        => Framing {
            time: Some("2018-09-14 19:22:08.515"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("external/envoy/source/common/ssl/ssl_socket.cc:111"), connection_id: Some(140),
            stream_id: None, origin: None, message: "handshake error: 2",
        },
    docker_compose_prefix:
        "envoy_upstream-1  | [2025-03-05 07:22:38.631][15][debug][connection] [source/common/tls/ssl_socket.cc:251] [Tags: \"ConnectionId\":\"0\"] closing socket: 0"
        => Framing {
            time: Some("2025-03-05 07:22:38.631"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("source/common/tls/ssl_socket.cc:251"), connection_id: Some(0), stream_id: None,
            origin: Some("envoy_upstream-1"), message: "closing socket: 0",
        },
    ansi_colours_raw:
        "\u{1b}[36menvoy_1  |\u{1b}[0m [2020-01-01 00:00:00.000][1][info][main] [source/server/server.cc:1] starting main dispatch loop"
        => Framing {
            time: Some("2020-01-01 00:00:00.000"), level: Some(Level::Info), logger: Some("main"),
            source: Some("source/server/server.cc:1"), connection_id: None, stream_id: None,
            origin: Some("envoy_1"), message: "starting main dispatch loop",
        },
    ansi_colours_caret_notation:
        "^[[36menvoy_1  |^[[0m [2020-01-01 00:00:00.000][1][warning][config] [source/common/config/grpc_stream.h:163] gRPC config stream closed: 14, no healthy upstream"
        => Framing {
            time: Some("2020-01-01 00:00:00.000"), level: Some(Level::Warning), logger: Some("config"),
            source: Some("source/common/config/grpc_stream.h:163"), connection_id: None, stream_id: None,
            origin: Some("envoy_1"), message: "gRPC config stream closed: 14, no healthy upstream",
        },
    kubectl_prefix:
        "[pod/colorapp-7d9b/envoy] [2022-11-09 05:59:24.941][15][warning][config] [./source/common/config/grpc_stream.h:163] StreamAggregatedResources gRPC config stream to appmesh-envoy-management.ap-northeast-1.amazonaws.com:443 closed: 13,"
        => Framing {
            time: Some("2022-11-09 05:59:24.941"), level: Some(Level::Warning), logger: Some("config"),
            source: Some("./source/common/config/grpc_stream.h:163"), connection_id: None, stream_id: None,
            origin: Some("pod/colorapp-7d9b/envoy"),
            message: "StreamAggregatedResources gRPC config stream to appmesh-envoy-management.ap-northeast-1.amazonaws.com:443 closed: 13,",
        },
    cloudwatch_columns:
        "2021-05-04T15:22:31.280+00:00\t[2021-05-04 15:22:31.280][91][debug][pool] [source/common/conn_pool/conn_pool_base.cc:314] [C45] client disconnected"
        => Framing {
            time: Some("2021-05-04 15:22:31.280"), level: Some(Level::Debug), logger: Some("pool"),
            source: Some("source/common/conn_pool/conn_pool_base.cc:314"), connection_id: Some(45),
            stream_id: None, origin: None, message: "client disconnected",
        },
    cloudwatch_insights_table_row:
        "| 1620141751280 | [2021-05-04 15:22:31.280][91][debug][pool] [source/common/conn_pool/conn_pool_base.cc:314] [C45] client disconnected |"
        => Framing {
            time: Some("2021-05-04 15:22:31.280"), level: Some(Level::Debug), logger: Some("pool"),
            source: Some("source/common/conn_pool/conn_pool_base.cc:314"), connection_id: Some(45),
            stream_id: None, origin: None, message: "client disconnected",
        },
    json_log_driver:
        r#"{"log":"[2021-05-04 15:22:31.280][91][debug][pool] [source/common/conn_pool/conn_pool_base.cc:314] [C45] client disconnected\n","stream":"stderr","time":"2021-05-04T15:22:31.280Z"}"#
        => Framing {
            time: Some("2021-05-04 15:22:31.280"), level: Some(Level::Debug), logger: Some("pool"),
            source: Some("source/common/conn_pool/conn_pool_base.cc:314"), connection_id: Some(45),
            stream_id: None, origin: None, message: "client disconnected",
        },
    envoy_json_format:
        r#"{"time":"2023-06-01 10:00:00.000","level":"debug","name":"connection","message":"closing socket: 0"}"#
        => Framing {
            time: Some("2023-06-01 10:00:00.000"), level: Some(Level::Debug), logger: Some("connection"),
            source: None, connection_id: None, stream_id: None, origin: None, message: "closing socket: 0",
        },
    istio_tab_2020:
        "2020-08-11T04:09:52.229237Z\tdebug\tenvoy connection\t[external/envoy/source/extensions/transport_sockets/tls/ssl_socket.cc:198] [C321] handshake error: 1"
        => Framing {
            time: Some("2020-08-11T04:09:52.229237Z"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("external/envoy/source/extensions/transport_sockets/tls/ssl_socket.cc:198"),
            connection_id: Some(321), stream_id: None, origin: None, message: "handshake error: 1",
        },
    istio_tab_2025_thread_column:
        "2025-04-29T18:08:46.964802Z\tdebug\tenvoy connection external/envoy/source/common/tls/cert_validator/default_validator.cc:246\tverify cert failed: SAN matcher\tthread=29"
        => Framing {
            time: Some("2025-04-29T18:08:46.964802Z"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("external/envoy/source/common/tls/cert_validator/default_validator.cc:246"),
            connection_id: None, stream_id: None, origin: None, message: "verify cert failed: SAN matcher",
        },
    istio_warning_level_word:
        "2020-03-17T15:20:34.358Z\twarn\tenvoy config\tgRPC config for type.googleapis.com/envoy.api.v2.Listener rejected: cannot bind"
        => Framing {
            time: Some("2020-03-17T15:20:34.358Z"), level: Some(Level::Warning), logger: Some("config"),
            source: None, connection_id: None, stream_id: None, origin: None,
            message: "gRPC config for type.googleapis.com/envoy.api.v2.Listener rejected: cannot bind",
        },
    syslog_prefix:
        "Jun 6 18:03:21 gateway-7c5c istio-proxy warning envoy config\tgRPC config for type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret rejected: Failed to load certificate chain from <inline> "
        => Framing {
            time: Some("Jun 6 18:03:21"), level: Some(Level::Warning), logger: Some("config"),
            source: None, connection_id: None, stream_id: None, origin: Some("gateway-7c5c istio-proxy"),
            message: "gRPC config for type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret rejected: Failed to load certificate chain from <inline>",
        },
    runit_timestamp_prefix:
        "2018-09-14_19:22:08.51549 [2018-09-14 19:22:08.515][355175][debug][connection] external/envoy/source/common/ssl/ssl_socket.cc:111] [C140] handshake error: 2"
        => Framing {
            time: Some("2018-09-14 19:22:08.515"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("external/envoy/source/common/ssl/ssl_socket.cc:111"), connection_id: Some(140),
            stream_id: None, origin: None, message: "handshake error: 2",
        },
    level_and_logger_without_time:
        "[debug][router] [source/common/router/router.cc:434] [C4][S17419808847192030829] no cluster match for URL '/ping'"
        => Framing {
            time: None, level: Some(Level::Debug), logger: Some("router"),
            source: Some("source/common/router/router.cc:434"), connection_id: Some(4),
            stream_id: Some(17419808847192030829), origin: None, message: "no cluster match for URL '/ping'",
        },
    istio_epoch_prefix:
        "[Envoy (Epoch 0)] [2018-06-01 10:00:00.000][19][debug][connection] [source/common/network/connection_impl.cc:99] [C5] closing socket: 0"
        => Framing {
            time: Some("2018-06-01 10:00:00.000"), level: Some(Level::Debug), logger: Some("connection"),
            source: Some("source/common/network/connection_impl.cc:99"), connection_id: Some(5),
            stream_id: None, origin: None, message: "closing socket: 0",
        },
    message_only_with_event:
        "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"
        => Framing {
            time: None, level: None, logger: None, source: None, connection_id: None, stream_id: None,
            origin: None, message: "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED",
        },
    markdown_quote_marker:
        "> TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED"
        => Framing {
            time: None, level: None, logger: None, source: None, connection_id: None, stream_id: None,
            origin: None, message: "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED",
        },
}

#[test]
fn unix_time_of_default_format() {
    let entry = only_entry(
        "[2019-01-22 17:23:34.712][1][debug][connection] [source/a.cc:1] [C1] connected",
    );
    let time = entry.unix_time.expect("parsed time");
    assert_eq!(time.seconds, 1_548_177_814);
    assert_eq!(time.millis, 712);
}

#[test]
fn unknown_lines_share_one_warning() {
    let text = "hello\nworld\n[2019-01-22 17:23:34.712][1][debug][connection] [source/a.cc:1] [C1] connected\nthird\n";
    let (log, warnings) = envoy_log::parse(text, 10);
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].line, 12);
    assert_eq!(log.unrecognised_lines, 3);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, 10);
    assert!(warnings[0].message.contains("3 line(s)"), "{}", warnings[0].message);
}

#[test]
fn crlf_and_blank_lines_are_ignored() {
    let text = "\r\n[2019-01-22 17:23:34.712][1][debug][connection] [source/a.cc:1] [C1] handshake error: 2\r\n\r\n";
    let (log, warnings) = envoy_log::parse(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(log.entries[0].line, 2);
    assert_eq!(log.entries[0].message, "handshake error: 2");
}

// ----- message forms -----------------------------------------------------------------

macro_rules! message_cases {
    ($($name:ident: $message:expr => |$events:ident| $check:block,)*) => {$(
        #[test]
        fn $name() {
            let $events: Vec<Event> = scan($message);
            $check
        }
    )*};
}

message_cases! {
    tls_error_old_spaced: "TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.format, TlsErrorFormat::Spaced);
        assert_eq!(error.errors[0].packed, Some(268435581));
        assert_eq!(error.errors[0].library, Some(16));
        assert_eq!(error.errors[0].reason, Some(125));
        assert_eq!(error.errors[0].library_text, "SSL routines");
        assert_eq!(error.errors[0].reason_name, "CERTIFICATE_VERIFY_FAILED");
    },
    tls_error_new_piped_with_remote_address: "remote address:192.0.2.45:8080,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.format, TlsErrorFormat::Piped);
        assert_eq!(error.remote_address.as_deref(), Some("192.0.2.45:8080"));
        assert_eq!(error.detail, None);
    },
    tls_error_piped_several_codes: "TLS_error:|268435588:SSL routines:OPENSSL_internal:CLIENTHELLO_TLSEXT|268435646:SSL routines:OPENSSL_internal:PARSE_TLSEXT:TLS_error_end" => |events| {
        assert_eq!(tls_reasons(&events), ["CLIENTHELLO_TLSEXT", "PARSE_TLSEXT"]);
        assert_eq!(events.len(), 1);
    },
    tls_error_spaced_several_codes: "TLS error: 268435588:SSL routines:OPENSSL_internal:CLIENTHELLO_TLSEXT 268435646:SSL routines:OPENSSL_internal:PARSE_TLSEXT" => |events| {
        assert_eq!(tls_reasons(&events), ["CLIENTHELLO_TLSEXT", "PARSE_TLSEXT"]);
    },
    tls_error_underscored_details: "upstream_reset_before_response_started{connection_failure,TLS_error:_268436501:SSL_routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED}" => |events| {
        let Some(Event::TlsError(error)) = events.first() else { panic!("{events:?}") };
        assert_eq!(error.format, TlsErrorFormat::Underscored);
        assert_eq!(error.errors[0].library_text, "SSL routines");
        assert_eq!(error.errors[0].received_alert(), Some(45));
        let reset = events.iter().find_map(|event| match event { Event::UpstreamReset(reset) => Some(reset), _ => None }).unwrap();
        assert_eq!(reset.origin, ResetOrigin::ResponseCodeDetails);
        assert_eq!(reset.reset_reason.as_deref(), Some("connection failure"));
    },
    tls_error_detail_envoy_137: "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: verify SAN list:TLS_error_end" => |events| {
        let Some(Event::TlsError(error)) = events.first() else { panic!("{events:?}") };
        assert_eq!(error.detail.as_deref(), Some("verify cert failed: verify SAN list"));
        assert!(events.iter().any(|event| matches!(event, Event::VerifyFailed(failure) if failure.kind == VerifyFailureKind::SanMismatch)));
    },
    tls_error_hex_error_string: "error:1000042e:SSL routines:OPENSSL_internal:TLSV1_ALERT_PROTOCOL_VERSION" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.format, TlsErrorFormat::BoringSslHex);
        assert_eq!(error.errors[0].packed, Some(268436526));
        assert_eq!(error.errors[0].received_alert(), Some(70));
    },
    tls_error_system_library_errno: "TLS error: 33554536:system library:OPENSSL_internal:Connection reset by peer" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.errors[0].library, Some(2));
        assert_eq!(error.errors[0].reason, Some(104));
        assert_eq!(error.errors[0].reason_text, "Connection reset by peer");
    },
    ssl_error_numeric_reason: "SSL error: 150995054:PEM routines:OPENSSL_internal:110" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.format, TlsErrorFormat::SslErrorLine);
        assert_eq!(error.errors[0].library, Some(9));
        assert_eq!(error.errors[0].reason, Some(110));
    },
    ssl_error_numeric_ssl_reason_named: "SSL error: 268435581:SSL routines:OPENSSL_internal:125" => |events| {
        assert_eq!(tls_reasons(&events), ["CERTIFICATE_VERIFY_FAILED"]);
    },
    tls_error_trailing_period: "[C28] TLS error: 268435611:SSL routines:OPENSSL_internal:HTTPS_PROXY_REQUEST." => |events| {
        assert_eq!(tls_reasons(&events), ["HTTPS_PROXY_REQUEST"]);
    },
    tls_error_duplicated_terminator: "TLS_error:|268436504:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA:TLS_error_end:TLS_error_end" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.detail, None);
        assert_eq!(error.errors[0].received_alert(), Some(48));
    },
    alerts_every_name: "TLS error: 268436498:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE 268436502:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN 268436572:SSL routines:OPENSSL_internal:TLSV1_CERTIFICATE_REQUIRED" => |events| {
        let Some(Event::TlsError(error)) = events.first() else { panic!("{events:?}") };
        let alerts: Vec<Option<u8>> = error.errors.iter().map(|e| e.received_alert()).collect();
        assert_eq!(alerts, [Some(42), Some(46), Some(116)]);
    },
    not_alerts_wrong_version_no_cipher_no_cert: "TLS error: 268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER 268435612:SSL routines:OPENSSL_internal:HTTP_REQUEST 268435640:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER 268435648:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE" => |events| {
        assert_eq!(tls_reasons(&events), ["WRONG_VERSION_NUMBER", "HTTP_REQUEST", "NO_SHARED_CIPHER", "PEER_DID_NOT_RETURN_A_CERTIFICATE"]);
        let Some(Event::TlsError(error)) = events.first() else { panic!() };
        assert!(error.errors.iter().all(|e| e.received_alert().is_none()));
    },
    secret_not_supplied: "TLS error: Secret is not supplied by SDS" => |events| {
        assert_eq!(events, [Event::SecretNotSupplied]);
    },
    secret_not_supplied_underscored: "upstream_reset_before_response_started{connection_failure,TLS_error:_Secret_is_not_supplied_by_SDS}" => |events| {
        assert!(events.contains(&Event::SecretNotSupplied));
    },
    not_ready_ssl_socket: "Create NotReadySslSocket" => |events| {
        assert_eq!(events, [Event::NotReadySslSocket]);
    },
    verify_san_matcher_with_sans: "verify cert failed: SAN matcher, certificate SANs are [spiffe://a, b.example]" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.kind, VerifyFailureKind::SanMismatch);
    },
    verify_chain_expired_without_prefix: "X509_verify_cert: certificate verification error at depth 1: certificate has expired" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.kind, VerifyFailureKind::Chain);
        assert_eq!(failure.depth, Some(1));
        assert_eq!(failure.x509_error, Some(10));
    },
    verify_chain_local_issuer: "verify cert failed: X509_verify_cert: certificate verification error at depth 0: unable to get local issuer certificate" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.depth, Some(0));
        assert_eq!(failure.x509_error, Some(20));
    },
    verify_cert_hash: "verify cert failed: cert hash and spki" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.kind, VerifyFailureKind::CertHash);
    },
    handshake_error_2_is_benign: "handshake error: 2" => |events| {
        assert_eq!(events, [Event::HandshakeStatus { ssl_error: Some(2), name: "WANT_READ".into(), benign: true }]);
    },
    handshake_error_1_is_not_benign: "handshake error: 1" => |events| {
        assert_eq!(events, [Event::HandshakeStatus { ssl_error: Some(1), name: "SSL".into(), benign: false }]);
    },
    handshake_error_5_syscall: "handshake error: 5" => |events| {
        assert_eq!(events, [Event::HandshakeStatus { ssl_error: Some(5), name: "SYSCALL".into(), benign: false }]);
    },
    want_read_trace: "ssl error occurred while read: WANT_READ" => |events| {
        assert_eq!(events, [Event::HandshakeStatus { ssl_error: Some(2), name: "WANT_READ".into(), benign: true }]);
    },
    local_reply_retried_with_tls: "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end" => |events| {
        let reset = events.iter().find_map(|event| match event { Event::UpstreamReset(reset) => Some(reset), _ => None }).unwrap();
        assert_eq!(reset.origin, ResetOrigin::LocalReplyBody);
        assert!(reset.retried);
        assert_eq!(reset.reset_reason.as_deref(), Some("remote connection failure"));
        assert_eq!(reset.transport_failure_reason.as_deref(), Some("TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end"));
    },
    local_reply_envoy_19_has_no_reason: "upstream connect error or disconnect/reset before headers" => |events| {
        let [Event::UpstreamReset(reset)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(reset.reset_reason, None);
    },
    curl_body_with_percent: "upstream connect error or disconnect/reset before headers. reset reason: connection failure%" => |events| {
        let [Event::UpstreamReset(reset)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(reset.reset_reason.as_deref(), Some("connection failure"));
        assert_eq!(reset.transport_failure_reason, None);
    },
    router_upstream_reset: "upstream reset: reset reason: connection failure, transport failure reason: delayed connect error: 111" => |events| {
        assert!(events.contains(&Event::DelayedConnectError { errno: 111 }));
        let reset = events.iter().find_map(|event| match event { Event::UpstreamReset(reset) => Some(reset), _ => None }).unwrap();
        assert_eq!(reset.origin, ResetOrigin::RouterLog);
        assert_eq!(reset.transport_failure_reason.as_deref(), Some("delayed connect error: 111"));
    },
    delayed_connect_error_underscored: "upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}" => |events| {
        assert!(events.contains(&Event::DelayedConnectError { errno: 111 }));
    },
    no_healthy_upstream: "no healthy upstream" => |events| {
        assert_eq!(events, [Event::NoHealthyUpstream]);
    },
    no_cluster_match: "[C4][S1] No cluster match for URL '/ping'" => |events| {
        assert_eq!(events, [Event::NoRouteMatch { url: Some("/ping".into()) }]);
    },
    cluster_match_is_not_no_match: "cluster 'cds_ingress_mesh_color_http_8080' match for URL '/ping'" => |events| {
        assert!(events.is_empty(), "{events:?}");
    },
    no_filter_chain: "closing connection: no matching filter chain found" => |events| {
        assert_eq!(events, [Event::NoFilterChainMatch]);
    },
    config_stream_closed_old: "gRPC config stream closed: 16, Missing Authentication Token" => |events| {
        assert_eq!(events, [Event::ConfigStreamClosed { target: None, status: Some(16), message: "Missing Authentication Token".into() }]);
    },
    config_stream_closed_since: "StreamAggregatedResources gRPC config stream to xds:443 closed since 12s ago: 14, upstream connect error" => |events| {
        let Some(Event::ConfigStreamClosed { target, status, .. }) = events.first() else { panic!("{events:?}") };
        assert_eq!(target.as_deref(), Some("xds:443"));
        assert_eq!(*status, Some(14));
    },
    listener_rejected_low_port: "gRPC config for type.googleapis.com/envoy.api.v2.Listener rejected: Error adding/updating listener(s) lds_ingress_0.0.0.0_port_80: cannot bind '0.0.0.0:80': Permission denied" => |events| {
        let [Event::ConfigRejected { type_url, reason }] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(type_url.as_deref(), Some("type.googleapis.com/envoy.api.v2.Listener"));
        assert!(reason.ends_with("Permission denied"));
    },
    private_key_load_failed_with_cause: "Failed to load private key from /keys/key.pem, Cause: error:0900006e:PEM routines:OPENSSL_internal:NO_START_LINE" => |events| {
        let Some(Event::CertLoadFailed { what, source, cause }) = events.iter().find(|e| matches!(e, Event::CertLoadFailed { .. })) else { panic!("{events:?}") };
        assert_eq!(what, "private key");
        assert_eq!(source, "/keys/key.pem");
        assert!(cause.as_deref().unwrap().contains("NO_START_LINE"));
    },
    invalid_path: "Invalid path: /etc/certs/cert-chain.pem" => |events| {
        assert_eq!(events, [Event::CertLoadFailed { what: "path".into(), source: "/etc/certs/cert-chain.pem".into(), cause: None }]);
    },
    plain_line_has_no_event: "connecting to 192.0.2.41:21213" => |events| {
        assert!(events.is_empty(), "{events:?}");
    },
}

// ----- real logs ---------------------------------------------------------------------

fn fixture(name: &str) -> EnvoyLog {
    let path = format!("{}/tests/fixtures/logs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let (log, warnings) = envoy_log::parse(&text, 1);
    assert!(warnings.is_empty(), "{name}: {warnings:?}");
    log
}

fn events_at(log: &EnvoyLog, line: usize) -> &[Event] {
    &log.entries
        .iter()
        .find(|entry| entry.line == line)
        .unwrap_or_else(|| panic!("no entry at line {line}"))
        .events
}

#[test]
fn handshake_error_2_log_is_benign() {
    let log = fixture("case03-handshake-error-2-benign.log");
    assert_eq!(log.entries.len(), 8);
    let statuses: Vec<&Event> = log.entries.iter().flat_map(|e| &e.events).collect();
    assert_eq!(statuses.len(), 2);
    assert!(matches!(statuses[0], Event::HandshakeStatus { benign: true, .. }));
    assert_eq!(statuses[1], &Event::HandshakeComplete);
    assert!(log.entries.iter().all(|entry| entry.connection_id == Some(36391)));
}

#[test]
fn runit_2018_log_is_three_benign_want_reads() {
    let log = fixture("logs-envoy-2018-handshake-error-2-benign.log");
    assert_eq!(log.entries.len(), 6);
    let benign = log
        .entries
        .iter()
        .flat_map(|e| &e.events)
        .filter(|e| matches!(e, Event::HandshakeStatus { benign: true, .. }))
        .count();
    assert_eq!(benign, 3);
}

#[test]
fn trace_want_read_log_is_benign() {
    let log = fixture("logs-trace-benign-want-read.log");
    assert_eq!(log.entries.len(), 10);
    let events: Vec<&Event> = log.entries.iter().flat_map(|e| &e.events).collect();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| matches!(e, Event::HandshakeStatus { benign: true, .. })));
    assert_eq!(log.entries[8].connection_id, Some(0));
    assert_eq!(log.entries[8].level, Some(Level::Trace));
}

#[test]
fn secret_rejected_syslog_line() {
    let log = fixture("case09-secret-rejected-syslog.log");
    let events = events_at(&log, 1);
    assert!(
        matches!(&events[0], Event::ConfigRejected { type_url: Some(url), .. } if url.ends_with("tls.v3.Secret"))
    );
    assert!(events.contains(&Event::CertLoadFailed {
        what: "certificate chain".into(),
        source: "<inline>".into(),
        cause: None
    }));
}

#[test]
fn cluster_rejected_inside_fences() {
    let log = fixture("case13-cluster-rejected-fenced.log");
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].line, 2);
    assert_eq!(log.unrecognised_lines, 0);
    let [Event::ConfigRejected { type_url, reason }] = log.entries[0].events.as_slice() else {
        panic!()
    };
    assert_eq!(type_url.as_deref(), Some("type.googleapis.com/envoy.api.v2.Cluster"));
    assert!(reason.contains("envoy.api.v2.Cluster.tls_context"));
    assert!(reason.ends_with("name: \"cds_egress_GL-ColorApp-TLS_ColorTellerWhite_http_80\""));
}

#[test]
fn appmesh_2020_cluster_rejected() {
    let log = fixture("logs-appmesh-2020-cluster-config-rejected.log");
    assert_eq!(log.entries[0].level, Some(Level::Warning));
    assert_eq!(log.entries[0].logger.as_deref(), Some("config"));
    assert!(matches!(log.entries[0].events.as_slice(), [Event::ConfigRejected { .. }]));
}

#[test]
fn connection_refused_111_is_not_tls() {
    let log = fixture("case15-delayed-connection-error-111.log");
    assert_eq!(log.entries.len(), 9);
    assert_eq!(log.entries[0].thread.as_deref(), Some("000012"));
    assert_eq!(events_at(&log, 5), [Event::DelayedConnectError { errno: 111 }]);
    let all: Vec<&Event> = log.entries.iter().flat_map(|e| &e.events).collect();
    assert!(!all.iter().any(|e| matches!(e, Event::TlsError(_) | Event::VerifyFailed(_))));
    assert!(
        matches!(events_at(&log, 9), [Event::UpstreamReset(reset)] if reset.reset_reason.is_none())
    );
}

#[test]
fn fenced_tls_error_line() {
    let log = fixture("case18-tls-error-fenced.txt");
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].line, 2);
    assert_eq!(tls_reasons(&log.entries[0].events), ["CERTIFICATE_VERIFY_FAILED"]);
}

#[test]
fn unknown_ca_with_markdown_link() {
    let log = fixture("case20-unknown-ca-markdown-link.log");
    let entry = &log.entries[0];
    assert_eq!(entry.connection_id, Some(54054146));
    assert_eq!(entry.level, Some(Level::Debug));
    assert_eq!(entry.origin.as_deref(), Some("applicaton-pod-on-gke-cluster istio-proxy"));
    let [Event::TlsError(error)] = entry.events.as_slice() else { panic!("{:?}", entry.events) };
    assert_eq!(error.remote_address.as_deref(), Some("10.0.29.237:37172"));
    assert_eq!(error.errors[0].reason_name, "TLSV1_ALERT_UNKNOWN_CA");
    assert_eq!(error.errors[0].received_alert(), Some(48));
}

#[test]
fn untrusted_ca_upstream_validator_then_tls_error() {
    let log = fixture("logs-envoy-2025-untrusted-ca-upstream.log");
    let [Event::VerifyFailed(failure)] = events_at(&log, 1) else { panic!() };
    assert_eq!(failure.x509_error, Some(20));
    assert_eq!(log.entries[0].connection_id, None);
    assert_eq!(log.entries[1].connection_id, Some(2));
    assert_eq!(tls_reasons(events_at(&log, 2)), ["CERTIFICATE_VERIFY_FAILED"]);
}

#[test]
fn both_sides_of_unknown_ca_keep_their_service() {
    let log = fixture("logs-envoy1315-mtls-unknown-ca-both-sides.log");
    let origins: Vec<Option<&str>> = log.entries.iter().map(|e| e.origin.as_deref()).collect();
    assert_eq!(
        origins,
        [
            Some("envoy_downstream-1"),
            Some("envoy_upstream-1"),
            Some("envoy_upstream-1"),
            Some("envoy-debugging-envoy_downstream-1")
        ]
    );
    assert_eq!(tls_reasons(events_at(&log, 1)), ["TLSV1_ALERT_UNKNOWN_CA"]);
    assert!(matches!(events_at(&log, 2), [Event::VerifyFailed(f)] if f.x509_error == Some(20)));
    assert_eq!(tls_reasons(events_at(&log, 3)), ["CERTIFICATE_VERIFY_FAILED"]);
    assert!(
        matches!(events_at(&log, 4), [Event::VerifyFailed(f)] if f.kind == VerifyFailureKind::SanMismatch)
    );
}

#[test]
fn istio_2020_handshake_error_1_sequence() {
    let log = fixture("logs-istio-2020-handshake-error-1.log");
    assert_eq!(log.entries.len(), 7);
    assert!(matches!(events_at(&log, 1), [Event::HandshakeStatus { benign: true, .. }]));
    assert!(matches!(
        events_at(&log, 3),
        [Event::HandshakeStatus { ssl_error: Some(1), benign: false, .. }]
    ));
    assert_eq!(tls_reasons(events_at(&log, 4)), ["CERTIFICATE_VERIFY_FAILED"]);
    assert_eq!(tls_reasons(events_at(&log, 7)), ["CERTIFICATE_VERIFY_FAILED"]);
    assert_eq!(log.entries[6].logger.as_deref(), Some("pool"));
}

#[test]
fn istio_2025_san_mismatch_sequence_with_header_dump() {
    let log = fixture("logs-istio-2025-new-format-san-mismatch.log");
    assert_eq!(log.unrecognised_lines, 0);
    assert_eq!(log.entries.len(), 30);
    let dump = log.entries.iter().find(|e| e.line == 29).unwrap();
    assert_eq!(dump.last_line, 35);
    assert_eq!(log.entries.last().unwrap().line, 36);
    assert!(
        matches!(events_at(&log, 6), [Event::VerifyFailed(f)] if f.kind == VerifyFailureKind::SanMismatch)
    );
    let reply = events_at(&log, 28);
    assert!(reply.iter().any(|e| matches!(e, Event::UpstreamReset(r) if r.origin == ResetOrigin::ResponseCodeDetails && r.reset_reason.as_deref() == Some("remote connection failure"))));
    let entry = log.entries.iter().find(|e| e.line == 11).unwrap();
    assert_eq!(entry.stream_id, Some(5689876678243589196));
    assert!(entry.message.ends_with(":TLS_error_end"), "thread column left: {}", entry.message);
}

#[test]
fn docs_snippets_message_only_and_no_time() {
    let log = fixture("logs-appmesh-docs-snippets.log");
    assert_eq!(log.entries.len(), 2);
    assert_eq!(tls_reasons(&log.entries[0].events), ["CERTIFICATE_VERIFY_FAILED"]);
    assert_eq!(log.entries[1].time, None);
    assert_eq!(log.entries[1].stream_id, Some(17419808847192030829));
    assert!(log.entries[1].events.is_empty());
}

#[test]
fn old_format_misc_errors() {
    let log = fixture("logs-misc-old-format-errors.log");
    assert_eq!(log.entries[0].connection_id, Some(28));
    assert_eq!(tls_reasons(&log.entries[0].events), ["HTTPS_PROXY_REQUEST"]);
    let [Event::TlsError(error)] = log.entries[1].events.as_slice() else { panic!() };
    assert_eq!(error.format, TlsErrorFormat::SslErrorLine);
    assert_eq!(error.errors[0].reason_text, "110");
}
