//! Connectivity and configuration: the App Mesh checklist "Unable to connect to
//! a virtual service backend", which the TLS client policy page requires ruling
//! out before blaming TLS.
//!
//! Facts: App Mesh `troubleshooting-connectivity` (the log strings
//! `No healthy upstream`, `No cluster match for URL`, `No matching filter chain
//! found`, the `mesh-allow-all` cluster) and `troubleshooting-setup` (the
//! meaning of each gRPC status of `gRPC config stream closed`); Envoy's
//! `connection_impl.cc` (`delayed connect error: <errno>`) and config
//! subscription (`gRPC config for <type> rejected: <reason>`).

use std::collections::HashSet;

use super::{Collector, Found};
use crate::diagnosis::{Code, Confidence, Finding, Input};
use crate::evidence::access_log::ResponseFlag;
use crate::evidence::messages::{Event, ResetOrigin};
use crate::evidence::Records;

/// Linux `ECONNREFUSED`: nothing listens on the address and port.
const ECONNREFUSED: u32 = 111;

const CONNECT_STATS: &str = "curl -s http://localhost:9901/stats | grep -E 'upstream_cx_connect_fail|upstream_cx_none_healthy|membership_healthy'";

pub(crate) fn run_messages(found: &[Found<'_>], out: &mut Collector) {
    // Lines that also report a certificate that failed to load, by input position.
    let load_failures: HashSet<(*const Input, usize)> = found
        .iter()
        .filter(|item| matches!(item.event, Event::CertLoadFailed { .. }))
        .map(|item| (std::ptr::from_ref(item.input), item.line))
        .collect();
    for item in found {
        match item.event {
            Event::NoHealthyUpstream => out.add(
                Finding::new(Code::ConnNoHealthyUpstream, Confidence::Confirmed)
                    .with_detail(
                        "`no healthy upstream`: Envoy had no healthy endpoint to send the request \
                         to, so no connection (and no TLS handshake) was attempted.",
                    )
                    .with_evidence(item.quote()),
            ),
            Event::NoRouteMatch { url } => {
                let mut finding = Finding::new(Code::ConnNoRouteMatch, Confidence::Confirmed)
                    .with_detail("No route of the virtual router matched the request.")
                    .with_evidence(item.quote());
                if let Some(url) = url {
                    finding = finding.with_subject(format!("URL {url}"));
                }
                out.add(finding);
            }
            Event::NoFilterChainMatch => out.add(
                Finding::new(Code::ConnNoFilterChain, Confidence::Confirmed)
                    .with_detail(
                        "`no matching filter chain found`: the connection arrived on a port, SNI \
                         or transport (TLS or plaintext) that no filter chain of the listener \
                         accepts.",
                    )
                    .with_evidence(item.quote()),
            ),
            Event::DelayedConnectError { errno } => connect_error(item, *errno, out),
            Event::ConfigRejected { type_url, reason } => {
                let same_line_load =
                    load_failures.contains(&(std::ptr::from_ref(item.input), item.line));
                config_rejected(item, same_line_load, type_url.as_deref(), reason, out);
            }
            Event::CertLoadFailed { what, source, cause } => {
                cert_load_failed(item, what, source, cause.as_deref(), out);
            }
            Event::ConfigStreamClosed { target, status, message } => {
                stream_closed(item, target.as_deref(), *status, message, out);
            }
            Event::UpstreamReset(reset) => {
                let no_reason = reset.transport_failure_reason.is_none();
                let connection_failure = reset
                    .reset_reason
                    .as_deref()
                    .is_some_and(|reason| reason.ends_with("connection failure"));
                if reset.origin == ResetOrigin::LocalReplyBody && no_reason && connection_failure {
                    out.note_line(
                        item.input,
                        item.line,
                        "the 503 body has no transport failure reason. Envoy 1.16 and later add \
                         one for TLS failures, so on those versions the connection failed \
                         before TLS (nothing listening, security group, wrong port)."
                            .to_string(),
                    );
                    out.next_step(
                        "The connection counters of the client Envoy's cluster",
                        Some(CONNECT_STATS),
                    );
                }
            }
            _ => {}
        }
    }
}

fn connect_error(item: &Found<'_>, errno: u32, out: &mut Collector) {
    if errno == ECONNREFUSED {
        let printed = connect_error_wording(item, errno);
        out.add(
            Finding::new(Code::ConnRefused, Confidence::Confirmed)
                .with_detail(format!(
                    "`{printed}`: errno 111 is ECONNREFUSED, so the upstream refused the TCP \
                     connection and no TLS handshake was attempted on it."
                ))
                .with_evidence(item.quote()),
        );
        return;
    }
    out.note_line(
        item.input,
        item.line,
        format!(
            "the TCP connect failed with errno {errno} before any TLS handshake (110 is a \
             timeout, 113 no route to host on Linux)."
        ),
    );
}

/// Returns the connect error as the quoted line spells it. Older Envoy builds
/// log `delayed connection error: 111`, newer ones `delayed connect error: 111`,
/// and access logs carry `delayed_connect_error:_111`.
fn connect_error_wording(item: &Found<'_>, errno: u32) -> String {
    let line = item.input.line(item.line).unwrap_or("");
    let wording = ["delayed connection error: ", "delayed_connect_error:_"]
        .into_iter()
        .find(|wording| line.contains(&format!("{wording}{errno}")))
        .unwrap_or("delayed connect error: ");
    format!("{wording}{errno}")
}

/// Returns true when a rejection reason states that Envoy could not load a certificate.
fn names_certificate_load(reason: &str) -> bool {
    reason.contains("Failed to load certificate chain")
        || reason.contains("Failed to load private key")
        || reason.contains("Failed to load incomplete certificate")
}

/// Envoy's key checks in `context_impl.cc`: RSA under 2048 bits and ECDSA off P-256.
fn names_unsupported_key(text: &str) -> bool {
    text.contains("2048-bit or larger keys") || text.contains("P-256 ECDSA")
}

fn config_rejected(
    item: &Found<'_>,
    same_line_load: bool,
    type_url: Option<&str>,
    reason: &str,
    out: &mut Collector,
) {
    // The same line often also yields a certificate-load message; that one is
    // the more specific cause and is reported instead.
    if same_line_load || names_certificate_load(reason) {
        if !same_line_load {
            cert_load_failed(item, "certificate", "", Some(reason), out);
        }
        return;
    }
    let kind = type_url.map(|url| url.rsplit('.').next().unwrap_or(url)).unwrap_or("resource");
    out.add(
        Finding::new(Code::ConnConfigRejected, Confidence::Confirmed)
            .with_subject(kind.to_string())
            .with_detail(format!(
                "Envoy rejected a {kind} update, so the {kind} it describes does not exist in \
                 Envoy (or the previous version stays). Reason: {reason}"
            ))
            .with_evidence(item.quote()),
    );
    if reason.contains("deprecated") {
        out.note(
            "The rejection names a deprecated field: the Envoy image and the configuration \
             the management server sends are from different versions. Use the Envoy image \
             version App Mesh documents for the mesh.",
        );
    }
}

fn cert_load_failed(
    item: &Found<'_>,
    what: &str,
    source: &str,
    cause: Option<&str>,
    out: &mut Collector,
) {
    let text = format!("{what} {source} {}", cause.unwrap_or_default());
    let lower = what.to_ascii_lowercase();
    let code = if names_unsupported_key(&text) {
        Code::TlsKeyUnsupported
    } else if lower.contains("trusted ca") {
        Code::TlsNoCaCert
    } else {
        Code::TlsNoCertChain
    };
    let from = if source.is_empty() { String::new() } else { format!(" from {source}") };
    out.add(
        Finding::new(code, Confidence::Confirmed)
            .with_detail(format!(
                "Envoy could not load the {what}{from} and rejected the update, so the new \
                 certificate was never loaded: the context keeps its old certificate or has \
                 none. A malformed PEM (two blocks glued on one line, a missing newline) is a \
                 common cause."
            ))
            .with_evidence(item.quote()),
    );
    out.next_step(
        "The certificates Envoy has loaded, to see which one it still serves",
        Some("curl -s http://localhost:9901/certs"),
    );
}

/// Returns the gRPC status name (`grpc/status.h`) and the App Mesh meaning where
/// the `troubleshooting-setup` page documents one.
fn grpc_status(status: u32) -> (&'static str, Option<&'static str>) {
    match status {
        0 => ("OK", Some("the stream closed gracefully; this is not a problem")),
        1 => ("CANCELLED", None),
        2 => ("UNKNOWN", None),
        3 => (
            "NOT_FOUND",
            Some(
                "the mesh endpoint (virtual node or gateway) or a resource it uses (Cloud Map \
                 namespace, ACM certificate) was not found",
            ),
        ),
        4 => ("DEADLINE_EXCEEDED", None),
        7 => (
            "PERMISSION_DENIED",
            Some("the proxy is not authorized: check the IAM policy for proxy authorization"),
        ),
        8 => (
            "RESOURCE_EXHAUSTED",
            Some("the number of Envoys for this virtual node or gateway exceeds the quota"),
        ),
        13 => ("INTERNAL", None),
        14 => ("UNAVAILABLE", None),
        16 => (
            "UNAUTHENTICATED",
            Some(
                "the proxy has no valid AWS credentials (with Envoy 1.24 and older, also a known \
                 bug when more than 1024 file descriptors are open; fixed in image \
                 v1.25.1.0-prod)",
            ),
        ),
        _ => ("", None),
    }
}

fn stream_closed(
    item: &Found<'_>,
    target: Option<&str>,
    status: Option<u32>,
    message: &str,
    out: &mut Collector,
) {
    let Some(status) = status else {
        return;
    };
    let (name, meaning) = grpc_status(status);
    if status == 0 {
        out.note_line(
            item.input,
            item.line,
            "`gRPC config stream closed: 0` is a graceful close, not a problem.".to_string(),
        );
        return;
    }
    let label = if name.is_empty() { status.to_string() } else { format!("{status} ({name})") };
    let mut finding = Finding::new(Code::ConnControlPlaneDisconnected, Confidence::Likely)
        .with_detail(format!(
            "The configuration stream to the management server closed with gRPC status {label}{}.",
            if message.is_empty() { String::new() } else { format!(": {message}") }
        ))
        .with_evidence(item.quote());
    if let Some(meaning) = meaning {
        finding = finding.with_detail(format!("App Mesh documents status {status}: {meaning}."));
    }
    if let Some(target) = target {
        finding = finding.with_subject(target.to_string());
    }
    out.add(finding);
    out.next_step(
        "Whether Envoy reconnected: `control_plane.connected_state` is 1 when connected",
        Some("curl -s http://localhost:9901/stats | grep control_plane.connected_state"),
    );
}

/// `UF` in an access log without a TLS transport failure reason: a failed
/// upstream connection that is not shown to be TLS.
pub(crate) fn run_access_logs(inputs: &[Input], out: &mut Collector) {
    for input in inputs {
        for part in &input.parsed.parts {
            let Records::AccessLog(log) = &part.records else {
                continue;
            };
            let failed = log.entries.iter().find(|entry| {
                entry.response_flags.contains(&ResponseFlag::UpstreamConnectionFailure)
                    && !entry
                        .events
                        .iter()
                        .any(|event| matches!(event, Event::TlsError(_) | Event::SecretNotSupplied))
            });
            if let Some(entry) = failed {
                out.note(format!(
                    "{} line {}: response flag `UF` (upstream connection failure) with no TLS \
                     transport failure reason. `UF` covers TCP connect failures too, so this \
                     entry alone does not show a TLS failure; add \
                     `%UPSTREAM_TRANSPORT_FAILURE_REASON%` to the access log format to tell.",
                    input.name(),
                    entry.line
                ));
                out.next_step(
                    "The connection counters of the client Envoy's cluster",
                    Some(CONNECT_STATS),
                );
            }
            if let Some(entry) = log
                .entries
                .iter()
                .find(|entry| entry.response_flags.contains(&ResponseFlag::NoHealthyUpstream))
            {
                out.add(
                    Finding::new(Code::ConnNoHealthyUpstream, Confidence::Confirmed)
                        .with_detail("Response flag `UH`: no healthy upstream host.")
                        .with_evidence(super::quote(input, entry.line)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_statuses_with_documented_meaning() {
        for status in [0, 3, 7, 8, 16] {
            assert!(grpc_status(status).1.is_some(), "status {status}");
        }
        assert_eq!(grpc_status(14).0, "UNAVAILABLE");
        assert_eq!(grpc_status(14).1, None);
        assert_eq!(grpc_status(99).0, "");
    }

    #[test]
    fn key_size_rejections_are_recognised() {
        assert!(names_unsupported_key(
            "Failed to load certificate chain from /c.pem, only RSA certificates with 2048-bit or larger keys are supported"
        ));
        assert!(names_unsupported_key("only P-256 ECDSA certificates are supported"));
        assert!(!names_unsupported_key("Failed to load certificate chain from <inline>"));
    }
}
