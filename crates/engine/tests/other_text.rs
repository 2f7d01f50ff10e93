//! Other text: openssl s_client output, response bodies, gRPC client errors, curl -v
//! traces. The lines are kept and the message scanner runs on each.

use meshtls_engine::evidence::messages::{
    AlertDirection, Event, ResetOrigin, TlsErrorFormat, VerifyFailureKind,
};
use meshtls_engine::evidence::other::{self, OtherText};

fn fixture(name: &str) -> OtherText {
    let path = format!("{}/tests/fixtures/other/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let (parsed, warnings) = other::parse(&text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    parsed
}

fn events_at(text: &OtherText, line: usize) -> &[Event] {
    &text.lines.iter().find(|l| l.line == line).unwrap_or_else(|| panic!("no line {line}")).events
}

fn reset(events: &[Event]) -> &meshtls_engine::evidence::messages::UpstreamReset {
    events
        .iter()
        .find_map(|event| match event {
            Event::UpstreamReset(reset) => Some(reset),
            _ => None,
        })
        .expect("an upstream reset")
}

#[test]
fn openssl_s_client_unknown_protocol() {
    let text = fixture("case01-openssl-s-client.txt");
    assert_eq!(text.lines.len(), 14);
    assert_eq!(text.lines[0].text, "`CONNECTED(00000003)");
    let [Event::TlsError(error)] = events_at(&text, 2) else { panic!("{:?}", events_at(&text, 2)) };
    assert_eq!(error.format, TlsErrorFormat::OpenSsl);
    assert_eq!(error.errors[0].reason_name, "UNKNOWN_PROTOCOL");
    assert_eq!(error.errors[0].packed, None);
    assert_eq!(error.detail.as_deref(), Some("SSL23_GET_SERVER_HELLO"));
    assert_eq!(events_at(&text, 4), [Event::NoPeerCertificate]);
    assert_eq!(events_at(&text, 8), [Event::HandshakeBytes { read: 7, written: 295 }]);
    assert_eq!(events_at(&text, 10), [Event::NoCipherNegotiated]);
    assert_eq!(text.lines_with_events().count(), 4);
}

#[test]
fn grpc_client_error_with_alert_twice() {
    let text = fixture("case05-grpc-client-error.txt");
    let events = events_at(&text, 1);
    let tls: Vec<&Event> = events.iter().filter(|e| matches!(e, Event::TlsError(_))).collect();
    assert_eq!(tls.len(), 1, "{events:?}");
    let Event::TlsError(error) = tls[0] else { unreachable!() };
    assert_eq!(error.errors[0].reason_name, "SSLV3_ALERT_CERTIFICATE_EXPIRED");
    assert_eq!(error.errors[0].received_alert(), Some(45));
    let resets = events.iter().filter(|e| matches!(e, Event::UpstreamReset(_))).count();
    assert_eq!(resets, 1, "both copies of the body read the same: {events:?}");
    let reset = reset(events);
    assert_eq!(reset.origin, ResetOrigin::LocalReplyBody);
    assert_eq!(reset.reset_reason.as_deref(), Some("connection failure"));
    assert_eq!(
        reset.transport_failure_reason.as_deref(),
        Some("TLS error: 268436501:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_EXPIRED")
    );
}

#[test]
fn curl_decode_error_alert_sent() {
    let text = fixture("case09-curl-decode-error-alert.txt");
    let [Event::TlsAlert(alert)] = events_at(&text, 5) else { panic!() };
    assert_eq!(alert.direction, Some(AlertDirection::Sent));
    assert_eq!(alert.alert, Some(50));
    assert_eq!(alert.description, "decode error");
    assert_eq!(text.lines_with_events().count(), 1);
}

#[test]
fn secret_not_supplied_body_in_backticks() {
    let text = fixture("case12-secret-not-supplied-body.txt");
    let events = events_at(&text, 1);
    assert!(events.contains(&Event::SecretNotSupplied));
    assert_eq!(
        reset(events).transport_failure_reason.as_deref(),
        Some("TLS error: Secret is not supplied by SDS")
    );
    assert!(!events.iter().any(|e| matches!(e, Event::TlsError(_))));
}

#[test]
fn local_reply_bodies_of_every_era() {
    let text = fixture("local-reply-bodies.txt");
    let expected: [(&str, bool, Option<&str>); 7] = [
        ("connection failure", false, None),
        ("connection termination", false, None),
        ("connection failure", false, Some("CERTIFICATE_VERIFY_FAILED")),
        ("connection failure", false, Some("SSLV3_ALERT_CERTIFICATE_EXPIRED")),
        ("connection failure", true, Some("CLIENTHELLO_TLSEXT")),
        ("remote connection failure", true, Some("CERTIFICATE_VERIFY_FAILED")),
        ("remote connection failure", false, Some("BAD_ECC_CERT")),
    ];
    for (index, (reason, retried, first_error)) in expected.into_iter().enumerate() {
        let events = events_at(&text, index + 1);
        let reset = reset(events);
        assert_eq!(reset.reset_reason.as_deref(), Some(reason), "line {}", index + 1);
        assert_eq!(reset.retried, retried, "line {}", index + 1);
        let error = events.iter().find_map(|e| match e {
            Event::TlsError(error) => Some(error.errors[0].reason_name.as_str()),
            _ => None,
        });
        assert_eq!(error, first_error, "line {}", index + 1);
    }
}

macro_rules! text_cases {
    ($($name:ident: $text:expr => |$events:ident| $check:block,)*) => {$(
        #[test]
        fn $name() {
            let (parsed, _) = other::parse($text, 1);
            let $events: Vec<Event> = parsed.lines.into_iter().flat_map(|line| line.events).collect();
            $check
        }
    )*};
}

text_cases! {
    openssl_11_wrong_version: "140234:error:1408F10B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:332:" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.errors[0].reason_name, "WRONG_VERSION_NUMBER");
    },
    openssl_3_empty_function: "curl: (35) OpenSSL/3.0.2: error:0A00010B:SSL routines::wrong version number" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.errors[0].reason_name, "WRONG_VERSION_NUMBER");
        assert_eq!(error.detail, None);
    },
    openssl_alert_text_is_named_alert: "error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:ssl/record/rec_layer_s3.c:1543:SSL alert number 48" => |events| {
        let [Event::TlsError(error)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(error.errors[0].reason_name, "TLSV1_ALERT_UNKNOWN_CA");
        assert_eq!(error.errors[0].received_alert(), Some(48));
    },
    s_client_verify_error: "verify error:num=10:certificate has expired" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.kind, VerifyFailureKind::Chain);
        assert_eq!(failure.x509_error, Some(10));
    },
    curl_certificate_problem: "curl: (60) SSL certificate problem: self-signed certificate in certificate chain" => |events| {
        let [Event::VerifyFailed(failure)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(failure.x509_error, Some(19));
    },
    curl_alert_received: "* TLSv1.3 (IN), TLS alert, unknown CA (560):" => |events| {
        let [Event::TlsAlert(alert)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(alert.direction, Some(AlertDirection::Received));
        assert_eq!(alert.alert, Some(48));
    },
    curl_certificate_required_alert: "* TLSv1.3 (IN), TLS alert, certificate required (628):" => |events| {
        let [Event::TlsAlert(alert)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(alert.alert, Some(116));
    },
    go_remote_error: "rpc error: code = Unavailable desc = connection error: desc = \"transport: authentication handshake failed: remote error: tls: bad certificate\"" => |events| {
        let [Event::TlsAlert(alert)] = events.as_slice() else { panic!("{events:?}") };
        assert_eq!(alert.direction, Some(AlertDirection::Received));
        assert_eq!(alert.alert, Some(42));
        assert_eq!(alert.description, "bad certificate");
    },
    grpc_unavailable_local_reply: "rpc error: code = Unavailable desc = upstream connect error or disconnect/reset before headers. reset reason: connection termination" => |events| {
        assert_eq!(reset(&events).reset_reason.as_deref(), Some("connection termination"));
    },
    no_healthy_upstream_body: "no healthy upstream" => |events| {
        assert_eq!(events, [Event::NoHealthyUpstream]);
    },
    blank_lines_are_dropped: "\n\n   \n" => |events| {
        assert!(events.is_empty());
    },
}

#[test]
fn line_numbers_count_from_first_line() {
    let (parsed, _) = other::parse("a\n\nno healthy upstream\r\n", 100);
    assert_eq!(parsed.lines.len(), 2);
    assert_eq!(parsed.lines[1].line, 102);
    assert_eq!(parsed.lines[1].text, "no healthy upstream");
}

#[test]
fn ansi_colours_are_removed() {
    let (parsed, _) = other::parse("\u{1b}[31mno healthy upstream\u{1b}[0m", 1);
    assert_eq!(parsed.lines[0].text, "no healthy upstream");
    assert_eq!(parsed.lines[0].events, [Event::NoHealthyUpstream]);
}

/// Runs every parser of this module on byte-level mutations of every fixture: inputs
/// near the real ones reach the deep branches that random bytes rarely do.
#[test]
fn mutated_fixtures_never_panic() {
    use meshtls_engine::evidence::{access_log, certs, envoy_log};

    let root = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for folder in ["certs", "logs", "access", "other"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{folder}"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            inputs.push(std::fs::read(path).unwrap());
        }
    }
    // A fixed linear congruential generator keeps the run reproducible.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    const SPECIAL: &[u8] = b"{}[]\":,\\|_ \n\t#./-0123456789`>\x1b";
    for round in 0..40 {
        for input in &inputs {
            let mut bytes = input.clone();
            for _ in 0..1 + round % 8 {
                if bytes.is_empty() {
                    break;
                }
                let at = next() % bytes.len();
                match next() % 3 {
                    0 => bytes[at] = SPECIAL[next() % SPECIAL.len()],
                    1 => {
                        bytes.remove(at);
                    }
                    _ => {
                        let end = (at + next() % 64).min(bytes.len());
                        let copy = bytes[at..end].to_vec();
                        let to = next() % bytes.len();
                        bytes.splice(to..to, copy);
                    }
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            let _ = certs::parse(&text, 1);
            let _ = envoy_log::parse(&text, 1);
            let _ = access_log::parse(&text, 1);
            let _ = other::parse(&text, 1);
        }
    }
}
