//! TLS messages from Envoy logs, access logs and other text: BoringSSL errors,
//! alerts received from the peer, the certificate validator's detail lines,
//! SDS secrets that never arrived, and TLS clients that got a plaintext reply.
//!
//! Facts (strings, codes, who logs what) come from Envoy's `ssl_socket.cc`,
//! `default_validator.cc` and BoringSSL's `ssl.h` and `ssl_x509.cc`:
//! - `CERTIFICATE_VERIFY_FAILED` (SSL reason 125) is logged by the side that
//!   rejected its peer's certificate; the validator's `verify cert failed: …`
//!   line, logged just before it, names the cause.
//! - An SSL reason of 1000 + N means the **peer** sent alert N: the peer
//!   rejected this side (its certificate, its version, its lack of a client
//!   certificate). A verifier sends `unknown_ca` (48) for chain failures,
//!   `certificate_expired` (45) for date failures, `bad_certificate` (42) for
//!   hostname mismatches in OpenSSL peers, and Envoy sends
//!   `certificate_unknown` (46) for SAN failures.
//! - A TLS 1.3 server that requires a client certificate and gets none sends
//!   `certificate_required` (116); a TLS 1.2 server sends `handshake_failure`
//!   (40), which also means "no shared cipher".

use std::collections::HashSet;

use super::{Collector, Found, Origin};
use crate::diagnosis::{Code, Confidence, Finding, Input, Options, Symptom};
use crate::evidence::boringssl;
use crate::evidence::messages::{
    Event, SslError, TlsAlert, TlsError, TlsErrorFormat, VerifyFailure, VerifyFailureKind,
};

/// The smallest reply that can hold a TLS ServerHello: a 5-byte record header,
/// a 4-byte handshake header, version (2), random (32), session id length (1),
/// cipher suite (2) and compression method (1) (RFC 5246 section 7.4.1.3).
/// A TLS client that read fewer bytes got no ServerHello at all.
const SERVER_HELLO_MIN_BYTES: u64 = 47;

const ENABLE_DEBUG_LOG: &str = "curl -s -X POST 'http://localhost:9901/logging?connection=debug'";
const FAIL_VERIFY_STATS: &str =
    "curl -s http://localhost:9901/stats | grep -E 'ssl\\.(fail_verify|connection_error|handshake)'";

pub(crate) fn run(found: &[Found<'_>], options: &Options, out: &mut Collector) {
    let mut inputs_with_handshake: HashSet<*const Input> = HashSet::new();
    for item in found {
        match item.event {
            Event::TlsError(error) => tls_error(item, error, options, out),
            Event::SecretNotSupplied | Event::NotReadySslSocket => secret_not_supplied(item, out),
            Event::VerifyFailed(failure) => verify_failed(item, failure, out),
            Event::TlsAlert(alert) => tool_alert(item, alert, out),
            Event::HandshakeStatus { ssl_error, name, benign } => {
                handshake_status(item, *ssl_error, name, *benign, out);
            }
            // `found` is in line order, so the first note per input names the first line.
            Event::HandshakeComplete
                if inputs_with_handshake.insert(std::ptr::from_ref(item.input)) =>
            {
                out.note(format!(
                    "{} shows a completed TLS handshake (first at line {}).",
                    item.input.name(),
                    item.line
                ));
            }
            _ => {}
        }
    }
    plaintext_answer_to_tls_client(found, options, out);
}

/// True for errors printed by a TLS client tool (OpenSSL, `ERR_error_string_n`),
/// not by Envoy's transport socket.
fn printed_by_tool(error: &TlsError) -> bool {
    matches!(error.format, TlsErrorFormat::OpenSsl | TlsErrorFormat::BoringSslHex)
}

fn tls_error(item: &Found<'_>, error: &TlsError, options: &Options, out: &mut Collector) {
    for ssl in &error.errors {
        if let Some(alert) = ssl.received_alert() {
            received_alert(item, alert, ssl, out);
            continue;
        }
        if ssl.library.is_some_and(|library| library != boringssl::LIB_SSL) {
            // System-library errors (ECONNRESET, EPIPE) are connection resets that
            // Envoy stopped counting as TLS errors in 1.20; they name no TLS cause.
            continue;
        }
        match ssl.reason_name.as_str() {
            "CERTIFICATE_VERIFY_FAILED" => certificate_verify_failed(item, error, options, out),
            "PEER_DID_NOT_RETURN_A_CERTIFICATE" => out.add(
                Finding::new(Code::TlsClientCertMissing, Confidence::Confirmed)
                    .with_detail(
                        "`PEER_DID_NOT_RETURN_A_CERTIFICATE`: this side requires a client \
                         certificate (listener `validation`) and the client sent none. Envoy \
                         counts it in `ssl.fail_verify_no_cert`.",
                    )
                    .with_evidence(item.quote()),
            ),
            "WRONG_VERSION_NUMBER"
            | "HTTP_REQUEST"
            | "HTTPS_PROXY_REQUEST"
            | "UNKNOWN_PROTOCOL"
                if !printed_by_tool(error) =>
            {
                plaintext_peer(item, error, ssl, options, out);
            }
            "NO_SHARED_CIPHER"
            | "NO_COMMON_SIGNATURE_ALGORITHMS"
            | "UNSUPPORTED_PROTOCOL"
            | "WRONG_SSL_VERSION"
            | "NO_SUPPORTED_VERSIONS_ENABLED"
            | "NO_CIPHERS_AVAILABLE"
            | "NO_APPLICATION_PROTOCOL" => out.add(
                Finding::new(Code::TlsProtocolMismatch, Confidence::Confirmed)
                    .with_detail(format!(
                        "`{}`: the two sides found no TLS version, cipher suite, signature \
                         algorithm or ALPN protocol in common.",
                        ssl.reason_name
                    ))
                    .with_evidence(item.quote()),
            ),
            "KEY_USAGE_BIT_INCORRECT" => out.add(
                Finding::new(Code::TlsVerifyFailed, Confidence::Confirmed)
                    .with_detail(
                        "`KEY_USAGE_BIT_INCORRECT`: the peer's RSA certificate has a keyUsage \
                         extension that does not allow the negotiated use, and this side \
                         enforces it. Reissue the certificate with `digitalSignature` (and \
                         `keyEncipherment` for RSA key exchange).",
                    )
                    .with_evidence(item.quote()),
            ),
            _ => {}
        }
    }
}

fn certificate_verify_failed(
    item: &Found<'_>,
    error: &TlsError,
    options: &Options,
    out: &mut Collector,
) {
    let mut finding = Finding::new(Code::TlsVerifyFailed, Confidence::Confirmed)
        .with_detail(
            "`CERTIFICATE_VERIFY_FAILED` (268435581): the side that logged it rejected the \
             certificate its peer presented. The App Mesh guide lists three causes: a CA \
             outside the trust bundle, an expired certificate, a SAN that does not match.",
        )
        .with_evidence(item.quote());
    if item.origin == Origin::Other {
        finding = finding.with_detail(
            "The error is the transport failure reason of a reply built by the client Envoy, so \
             the client rejected the server's certificate.",
        );
    }
    out.add(finding);

    // Envoy 1.37 and later append the validator's text to the failure reason.
    if let Some(detail) = &error.detail {
        if let Some(cause) = cause_from_text(detail) {
            out.add(
                Finding::new(cause, Confidence::Confirmed)
                    .with_detail(format!("The failure reason names the cause: `{detail}`."))
                    .with_evidence(item.quote()),
            );
        }
    }

    let host = options.host.as_deref().unwrap_or("<backend-host>");
    out.next_step_for(
        Code::TlsVerifyFailed,
        "The certificate validator's line (`verify cert failed: …`), logged at debug level just \
         before the TLS error, names the cause. Enable debug logging on the Envoy that logged \
         the error (App Mesh: ENVOY_LOG_LEVEL=debug) and repeat the request",
        Some(ENABLE_DEBUG_LOG),
    );
    out.next_step_for(
        Code::TlsVerifyFailed,
        "The verification counters of the same Envoy: `ssl.fail_verify_san` counts SAN \
         mismatches, `ssl.fail_verify_error` counts untrusted or expired chains",
        Some(FAIL_VERIFY_STATS),
    );
    out.next_step_for(
        Code::TlsVerifyFailed,
        "The certificate chain the peer presents, to check it against the trust bundle, the \
         dates and the requested name",
        Some(&format!(
            "openssl s_client -connect {host}:443 -servername {host} -showcerts </dev/null"
        )),
    );
}

fn received_alert(item: &Found<'_>, alert: u8, ssl: &SslError, out: &mut Collector) {
    let name = boringssl::alert_name(alert).unwrap_or_else(|| format!("alert {alert}"));
    let direction = format!(
        "`{}` is TLS alert `{name}` ({alert}) received from the peer: the peer rejected this \
         side of the handshake.",
        ssl.reason_name
    );
    let (code, confidence, meaning) = match alert {
        48 => (
            Code::TlsUntrustedCa,
            Confidence::Likely,
            "The peer does not trust the CA that issued this side's certificate: the CA is \
             missing from the peer's trust bundle.",
        ),
        45 => (
            Code::TlsCertExpired,
            Confidence::Likely,
            "The peer found this side's certificate expired (a verifier sends the same alert \
             for a certificate that is not yet valid). The certificate to renew is this \
             proxy's own, not the peer's.",
        ),
        42 => (
            Code::TlsVerifyFailed,
            Confidence::Likely,
            "The peer rejected this side's certificate without saying why; OpenSSL-based peers \
             send this alert for a hostname mismatch.",
        ),
        46 => (
            Code::TlsVerifyFailed,
            Confidence::Likely,
            "The peer rejected this side's certificate; an Envoy peer sends this alert when no \
             SAN matches its configured list, so check the peer's `ssl.fail_verify_san`.",
        ),
        44 => (
            Code::TlsVerifyFailed,
            Confidence::Likely,
            "The peer found this side's certificate revoked.",
        ),
        114 => (
            Code::TlsVerifyFailed,
            Confidence::Likely,
            "The peer's certificate pin (`verify_certificate_hash` or `_spki`) does not match \
             this side's certificate.",
        ),
        43 => (
            Code::TlsKeyUnsupported,
            Confidence::Possible,
            "The peer cannot use the type of this side's certificate or key.",
        ),
        116 => (
            Code::TlsClientCertMissing,
            Confidence::Likely,
            "The TLS 1.3 peer requires a client certificate and this side sent none: give it a \
             certificate in its client policy.",
        ),
        70 | 71 | 120 => (
            Code::TlsProtocolMismatch,
            Confidence::Likely,
            "The peer refuses the TLS version, the security level or the ALPN protocol this \
             side offered.",
        ),
        40 => {
            // The alert has two documented meanings, so both are reported and the
            // server's counter is requested.
            out.add(
                Finding::new(Code::TlsClientCertMissing, Confidence::Possible)
                    .with_detail(direction.clone())
                    .with_detail(
                        "A TLS 1.2 server sends `handshake_failure` when it requires a client \
                         certificate and gets none, and also when no cipher suite is shared.",
                    )
                    .with_evidence(item.quote()),
            );
            out.add(
                Finding::new(Code::TlsProtocolMismatch, Confidence::Possible)
                    .with_detail(direction)
                    .with_evidence(item.quote()),
            );
            out.next_step(
                "The server's listener counters: `ssl.fail_verify_no_cert` above zero means it \
                 required a client certificate",
                Some("curl -s http://localhost:9901/stats | grep -E 'listener\\..*ssl\\.fail_verify_no_cert'"),
            );
            return;
        }
        _ => {
            out.note_line(
                item.input,
                item.line,
                format!(
                    "the peer sent TLS alert `{name}` ({alert}), which names no cause in the \
                     App Mesh checks."
                ),
            );
            return;
        }
    };
    out.add(
        Finding::new(code, confidence)
            .with_detail(direction)
            .with_detail(meaning)
            .with_evidence(item.quote()),
    );
    out.next_step_for(
        code,
        "The logs and counters of the peer that sent the alert: it logged \
         `CERTIFICATE_VERIFY_FAILED` with a `verify cert failed: …` line and counted \
         `ssl.fail_verify_*`",
        Some(FAIL_VERIFY_STATS),
    );
}

/// Reports an Envoy-side error showing that the peer does not speak TLS on this connection.
fn plaintext_peer(
    item: &Found<'_>,
    error: &TlsError,
    ssl: &SslError,
    options: &Options,
    out: &mut Collector,
) {
    // On a terminating listener the remote address carries the client's
    // ephemeral port, so a subject with the port would make one finding per
    // connection.
    let peer = error.remote_address.as_deref().map(address_host);
    let meaning = match ssl.reason_name.as_str() {
        "HTTP_REQUEST" | "HTTPS_PROXY_REQUEST" => {
            "a plaintext HTTP client (a load balancer health check, a client outside the mesh, \
             or the application) sent a request to a listener that accepts only TLS"
        }
        _ => {
            "the bytes received are not TLS: when this Envoy originates TLS, the backend's \
             listener has no TLS or the port is wrong; when it terminates TLS, a plaintext \
             client reached a TLS-only listener"
        }
    };
    let mut finding = Finding::new(Code::TlsNotInUse, Confidence::Likely)
        .with_detail(format!("`{}`: {meaning}.", ssl.reason_name))
        .with_evidence(item.quote());
    if let Some(peer) = peer {
        finding = finding.with_subject(format!("peer {peer}"));
    }
    if options.symptom == Some(Symptom::TlsElb) {
        finding = finding.with_detail(
            "With a load balancer in front, check that its health check and target group \
             protocols are TLS (`HTTPS` for an ALB; `TLS` and a `TCP` health check for an NLB).",
        );
    }
    out.add(finding);
}

/// Returns the host of `address` without its port: `10.0.0.5` for
/// `10.0.0.5:54321`, `[2001:db8::1]` for `[2001:db8::1]:443`. An address with
/// no port, or a bare IPv6 address, is returned as it is.
fn address_host(address: &str) -> &str {
    let Some((host, port)) = address.rsplit_once(':') else {
        return address;
    };
    let is_port = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    let bare_ipv6 = host.contains(':') && !host.ends_with(']');
    if is_port && !bare_ipv6 {
        host
    } else {
        address
    }
}

fn secret_not_supplied(item: &Found<'_>, out: &mut Collector) {
    out.add(
        Finding::new(Code::TlsSecretNotSupplied, Confidence::Confirmed)
            .with_detail(
                "Envoy has a TLS context whose secret has not arrived from SDS, so it uses a \
                 placeholder socket that fails every connection before any handshake. No \
                 certificate was checked, so no trust, expiry or SAN cause applies here.",
            )
            .with_evidence(item.quote()),
    );
    out.next_step(
        "The loaded certificates: a context without its secret has no entry",
        Some("curl -s http://localhost:9901/certs"),
    );
    out.next_step(
        "The SDS counters of the Envoy",
        Some("curl -s http://localhost:9901/stats | grep -E 'secrets_not_ready|ssl_context_update_by_sds'"),
    );
}

/// Maps a validator text (`verify cert failed: …`, curl, Go, OpenSSL) to a cause.
fn cause_from_text(text: &str) -> Option<Code> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("san matcher") || lower.contains("verify san list") {
        return Some(Code::TlsSanMismatch);
    }
    if lower.contains("has expired") || lower.contains("certificate expired") {
        return Some(Code::TlsCertExpired);
    }
    if lower.contains("not yet valid") {
        return Some(Code::TlsCertNotYetValid);
    }
    let untrusted = [
        "unable to get local issuer",
        "unable to get issuer",
        "self signed",
        "self-signed",
        "unable to verify the first certificate",
        "invalid ca certificate",
        "unknown authority",
    ];
    if untrusted.iter().any(|needle| lower.contains(needle)) {
        return Some(Code::TlsUntrustedCa);
    }
    None
}

/// X.509 verification error codes (`X509_V_ERR_*`, BoringSSL `x509.h`) and the cause each names.
fn cause_from_x509_error(code: u32) -> Option<Code> {
    match code {
        // 2 unable to get issuer certificate, 18 self signed certificate, 19 self signed
        // certificate in chain, 20 unable to get local issuer certificate, 21 unable to
        // verify the first certificate, 24 invalid CA certificate.
        2 | 18 | 19 | 20 | 21 | 24 => Some(Code::TlsUntrustedCa),
        9 => Some(Code::TlsCertNotYetValid),
        10 => Some(Code::TlsCertExpired),
        _ => None,
    }
}

fn verify_failed(item: &Found<'_>, failure: &VerifyFailure, out: &mut Collector) {
    let depth = failure.depth.map(|depth| match depth {
        0 => "at depth 0, the peer's own (leaf) certificate".to_string(),
        n => format!("at depth {n}, a CA certificate {n} level(s) above the peer's leaf"),
    });
    let (code, explanation) = match failure.kind {
        VerifyFailureKind::SanMismatch => (
            Code::TlsSanMismatch,
            "The validator found no SAN of the peer's certificate in the configured list \
             (App Mesh: the client policy `subjectAlternativeNames`, or the service-discovery \
             name). Envoy counts it in `ssl.fail_verify_san`."
                .to_string(),
        ),
        VerifyFailureKind::Chain => {
            let cause = failure
                .x509_error
                .and_then(cause_from_x509_error)
                .or_else(|| cause_from_text(&failure.text))
                .unwrap_or(Code::TlsVerifyFailed);
            let what = match cause {
                Code::TlsUntrustedCa => "the chain does not lead to a CA of the trust bundle",
                Code::TlsCertExpired => "a certificate of the chain is past its notAfter",
                Code::TlsCertNotYetValid => "a certificate of the chain is before its notBefore",
                _ => "the chain failed verification for another reason",
            };
            let place = depth.clone().map(|depth| format!(" ({depth})")).unwrap_or_default();
            (
                cause,
                format!(
                    "The validator rejected the peer's chain{place}: {what}. Envoy counts it in \
                     `ssl.fail_verify_error`."
                ),
            )
        }
        VerifyFailureKind::CertHash => (
            Code::TlsVerifyFailed,
            "The peer's certificate does not match the configured hash or SPKI pin (App Mesh \
             does not configure pins). Envoy counts it in `ssl.fail_verify_cert_hash`."
                .to_string(),
        ),
        VerifyFailureKind::NoCertChain => {
            (Code::TlsVerifyFailed, "The peer sent no usable certificate chain.".to_string())
        }
        VerifyFailureKind::Other => (
            cause_from_text(&failure.text).unwrap_or(Code::TlsVerifyFailed),
            "The validator rejected the peer's certificate.".to_string(),
        ),
    };
    out.add(
        Finding::new(code, Confidence::Confirmed)
            .with_detail(format!("`{}`", failure.text))
            .with_detail(explanation)
            .with_evidence(item.quote()),
    );
}

/// Reports an alert printed by a TLS client tool (curl `-v`, Go).
fn tool_alert(item: &Found<'_>, alert: &TlsAlert, out: &mut Collector) {
    use crate::evidence::messages::AlertDirection;
    let name =
        alert.alert.and_then(boringssl::alert_name).unwrap_or_else(|| alert.description.clone());
    match alert.direction {
        Some(AlertDirection::Sent) => out.note_line(
            item.input,
            item.line,
            format!(
                "the TLS client sent alert `{name}`: the client could not use what the server \
                 sent (a malformed or unexpected handshake message, or a certificate it \
                 rejected)."
            ),
        ),
        _ => {
            let Some(number) = alert.alert else {
                return;
            };
            let code = match number {
                48 => Code::TlsUntrustedCa,
                45 => Code::TlsCertExpired,
                116 => Code::TlsClientCertMissing,
                70 | 71 | 120 => Code::TlsProtocolMismatch,
                42 | 44 | 46 => Code::TlsVerifyFailed,
                _ => return,
            };
            out.add(
                Finding::new(code, Confidence::Likely)
                    .with_detail(format!(
                        "The server sent alert `{name}` ({number}) to the TLS client: the server \
                         rejected the client's side of the handshake."
                    ))
                    .with_evidence(item.quote()),
            );
        }
    }
}

fn handshake_status(
    item: &Found<'_>,
    ssl_error: Option<u32>,
    name: &str,
    benign: bool,
    out: &mut Collector,
) {
    if benign {
        let number = ssl_error.map(|code| format!(" ({code})")).unwrap_or_default();
        out.note(format!(
            "{}: `{name}`{number} during a handshake means the handshake waited for more bytes, \
             which every non-blocking handshake does; it is not an error.",
            item.input.name()
        ));
    } else if ssl_error == Some(5) || name == "SYSCALL" {
        out.note_line(
            item.input,
            item.line,
            "the handshake ended with SSL_ERROR_SYSCALL: the peer closed or reset the \
             connection without a TLS alert."
                .to_string(),
        );
    }
}

/// Reports a TLS client tool (`openssl s_client`, curl) that got a plaintext reply.
/// In App Mesh, the application's own Envoy replies to a ClientHello sent to its
/// plaintext outbound listener with an HTTP error.
fn plaintext_answer_to_tls_client(found: &[Found<'_>], options: &Options, out: &mut Collector) {
    let mut by_input: Vec<(&Input, Vec<&Found<'_>>)> = Vec::new();
    for item in found {
        let signal = match item.event {
            Event::TlsError(error) => {
                (printed_by_tool(error) || item.origin == Origin::Other && !is_envoy_reason(error))
                    && error.errors.iter().any(|ssl| {
                        matches!(
                            ssl.reason_name.as_str(),
                            "UNKNOWN_PROTOCOL" | "WRONG_VERSION_NUMBER"
                        )
                    })
            }
            Event::NoCipherNegotiated | Event::NoPeerCertificate => true,
            Event::HandshakeBytes { read, .. } => *read < SERVER_HELLO_MIN_BYTES,
            _ => false,
        };
        if !signal {
            continue;
        }
        match by_input.iter_mut().find(|(input, _)| std::ptr::eq(*input, item.input)) {
            Some((_, items)) => items.push(item),
            None => by_input.push((item.input, vec![item])),
        }
    }

    for (input, items) in by_input {
        let protocol_error = items.iter().any(|item| matches!(item.event, Event::TlsError(_)));
        let no_server_hello = items.iter().any(|item| {
            matches!(item.event, Event::HandshakeBytes { .. } | Event::NoCipherNegotiated)
        });
        if !protocol_error && !no_server_hello {
            continue;
        }
        let confidence = if options.symptom == Some(Symptom::OriginatingTls) {
            Confidence::Confirmed
        } else {
            Confidence::Likely
        };
        let mut finding = Finding::new(Code::TlsAppOriginatesTls, confidence).with_detail(
            "A TLS client got an answer that is not TLS: no ServerHello, no cipher, no \
             certificate. Run inside the mesh, the application's TLS goes to its own Envoy's \
             plaintext outbound listener, which reads the ClientHello as a broken HTTP request \
             and answers in plaintext.",
        );
        // One call for all lines, because each call compares the lines it adds with
        // those already quoted.
        finding = finding.with_evidence(items.iter().flat_map(|item| item.quote()));
        for item in &items {
            if let Event::HandshakeBytes { read, .. } = item.event {
                finding = finding.with_detail(format!(
                    "The client read {read} bytes; a ServerHello needs at least \
                     {SERVER_HELLO_MIN_BYTES}."
                ));
            }
        }
        out.add(finding);

        if has_no_peer_certificate(&items) {
            let reason = format!(
                "No certificate was exchanged (`no peer certificate available` in {}), so no \
                 certificate cause applies to this connection",
                input.name()
            );
            for code in [Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsSanMismatch] {
                let evidence: Vec<_> = items
                    .iter()
                    .filter(|item| matches!(item.event, Event::NoPeerCertificate))
                    .flat_map(|item| item.quote())
                    .collect();
                out.rule_out(code, reason.clone(), evidence);
            }
        }
    }
}

fn has_no_peer_certificate(items: &[&Found<'_>]) -> bool {
    items.iter().any(|item| matches!(item.event, Event::NoPeerCertificate))
}

/// True when the error is spelled the way Envoy builds a transport failure reason.
fn is_envoy_reason(error: &TlsError) -> bool {
    matches!(
        error.format,
        TlsErrorFormat::Spaced
            | TlsErrorFormat::Underscored
            | TlsErrorFormat::Piped
            | TlsErrorFormat::SslErrorLine
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_texts_name_their_cause() {
        let rows = [
            ("san matcher", "SAN matcher", Some(Code::TlsSanMismatch)),
            ("san list", "verify SAN list", Some(Code::TlsSanMismatch)),
            (
                "local issuer",
                "X509_verify_cert: certificate verification error at depth 0: unable to get local issuer certificate",
                Some(Code::TlsUntrustedCa),
            ),
            (
                "expired at depth 1",
                "X509_verify_cert: certificate verification error at depth 1: certificate has expired",
                Some(Code::TlsCertExpired),
            ),
            ("not yet valid", "certificate is not yet valid", Some(Code::TlsCertNotYetValid)),
            ("go unknown authority", "x509: certificate signed by unknown authority", Some(Code::TlsUntrustedCa)),
            ("cert hash", "cert hash and spki", None),
        ];
        for (name, text, expected) in rows {
            assert_eq!(cause_from_text(text), expected, "{name}");
        }
    }

    #[test]
    fn address_host_drops_the_port() {
        let rows = [
            ("ipv4 with port", "10.0.0.5:54321", "10.0.0.5"),
            ("ipv6 with port", "[2001:db8::1]:443", "[2001:db8::1]"),
            ("no port", "10.0.0.5", "10.0.0.5"),
            ("bare ipv6", "2001:db8::1", "2001:db8::1"),
            ("name with port", "backend.mesh.local:8443", "backend.mesh.local"),
        ];
        for (name, address, expected) in rows {
            assert_eq!(address_host(address), expected, "{name}");
        }
    }

    #[test]
    fn x509_codes_name_their_cause() {
        let rows = [
            ("issuer cert", 2, Some(Code::TlsUntrustedCa)),
            ("not yet valid", 9, Some(Code::TlsCertNotYetValid)),
            ("expired", 10, Some(Code::TlsCertExpired)),
            ("self signed", 18, Some(Code::TlsUntrustedCa)),
            ("local issuer", 20, Some(Code::TlsUntrustedCa)),
            ("revoked", 23, None),
            ("purpose", 26, None),
        ];
        for (name, code, expected) in rows {
            assert_eq!(cause_from_x509_error(code), expected, "{name}");
        }
    }
}
