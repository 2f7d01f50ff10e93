//! The TLS counters of each listener and cluster: the App Mesh counter rule,
//! and the verification counters as evidence for and against each cause.
//!
//! The App Mesh guide ("Unable to assert that connectivity between Envoy
//! proxies is using TLS") checks
//! `downstream_cx_total - ssl.connection_error == ssl.handshake + ssl.session_reused`
//! on the terminating listener, and the same with `upstream_cx_total` on the
//! originating cluster. Envoy counts differently (`ContextImpl::logHandshake`
//! and `SslSocket::drainErrorQueue`):
//! - `ssl.handshake` counts every completed handshake, resumed ones included,
//!   so `ssl.session_reused` is a part of it, not an addition;
//! - failed certificate verifications are counted in `ssl.fail_verify_*`
//!   (`_error` for the chain, `_san`, `_cert_hash`, `_no_cert`), not in
//!   `ssl.connection_error`;
//! - connections still in their handshake, and peers that close before
//!   sending anything, are in the connection total and in no TLS counter.
//!
//! So both the documented equation and Envoy's accounting are shown, and a
//! counter missing from the paste is named, never taken as 0.

use super::stats::{full, Snapshot};
use super::{quote, Collector};
use crate::diagnosis::{Code, Confidence, EvidenceLine, Finding, Options, Symptom};
use crate::evidence::stats::{Scope, ScopeKind};

/// The counters the documented rule needs.
const RULE_COUNTERS: [&str; 3] = ["ssl.connection_error", "ssl.handshake", "ssl.session_reused"];

/// The verification failures Envoy counts outside `ssl.connection_error`.
const FAIL_VERIFY_COUNTERS: [&str; 4] = [
    "ssl.fail_verify_error",
    "ssl.fail_verify_san",
    "ssl.fail_verify_cert_hash",
    "ssl.fail_verify_no_cert",
];

/// The side of the connection a scope belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// A listener: Envoy terminates TLS and verifies client certificates.
    Listener,
    /// A cluster: Envoy originates TLS and verifies the server's certificate.
    Cluster,
}

impl Side {
    fn total(self) -> &'static str {
        match self {
            Side::Listener => "downstream_cx_total",
            Side::Cluster => "upstream_cx_total",
        }
    }

    fn active(self) -> &'static str {
        match self {
            Side::Listener => "downstream_cx_active",
            Side::Cluster => "upstream_cx_active",
        }
    }

    fn label(self, name: &str) -> String {
        match self {
            Side::Listener => format!("listener {name}"),
            Side::Cluster => format!("cluster {name}"),
        }
    }
}

/// The counters of one scope as read: `None` when missing from the paste.
struct Counters<'s> {
    side: Side,
    scope: &'s Scope,
}

impl Counters<'_> {
    fn get(&self, relative: &str) -> Option<(u64, usize)> {
        self.scope.number(relative)
    }

    fn value(&self, relative: &str) -> Option<u64> {
        self.get(relative).map(|(value, _)| value)
    }

    fn subject(&self) -> String {
        self.side.label(self.scope.name())
    }
}

pub(crate) fn run(snapshot: &Snapshot<'_>, options: &Options, out: &mut Collector) {
    let stats = &snapshot.stats;
    let mut any_tls_scope = false;
    for scope in stats.listeners().iter().chain(stats.clusters()) {
        let side = match scope.kind() {
            ScopeKind::Listener => Side::Listener,
            ScopeKind::Cluster(_) => Side::Cluster,
            _ => continue,
        };
        if !scope.has_prefix("ssl.") {
            continue;
        }
        any_tls_scope = true;
        let counters = Counters { side, scope };
        counter_rule(snapshot, &counters, out);
        verification(snapshot, &counters, out);
    }
    secrets_not_ready(snapshot, out);

    if !any_tls_scope && options.symptom == Some(Symptom::TlsBetweenProxies) {
        out.note(format!(
            "{} has no `ssl.` counters for any listener or cluster: either no listener or \
             cluster there has TLS, or the paste was filtered. Envoy creates the `ssl.` \
             counters as soon as a TLS context is loaded.",
            snapshot.input.name()
        ));
    }
}

fn lines(snapshot: &Snapshot<'_>, counters: &Counters<'_>, names: &[&str]) -> Vec<EvidenceLine> {
    names
        .iter()
        .filter_map(|name| counters.get(name))
        .filter_map(|(_, line)| quote(snapshot.input, line))
        .collect()
}

fn counter_rule(snapshot: &Snapshot<'_>, counters: &Counters<'_>, out: &mut Collector) {
    let side = counters.side;
    let scope = counters.scope;
    let total_name = side.total();
    let subject = snapshot.subject(counters.subject());

    let mut names: Vec<&str> = vec![total_name];
    names.extend(RULE_COUNTERS);
    let missing: Vec<String> = names
        .iter()
        .filter(|name| counters.get(name).is_none())
        .map(|name| full(scope, name))
        .collect();

    // Envoy increments the cipher and version counters only after a completed handshake.
    let completed_by_family: u64 = scope
        .with_prefix("ssl.ciphers.")
        .chain(scope.with_prefix("ssl.cipher."))
        .filter_map(|stat| stat.number())
        .fold(0u64, u64::saturating_add);

    let (Some(total), Some(errors), Some(handshakes), Some(reused)) = (
        counters.value(total_name),
        counters.value("ssl.connection_error"),
        counters.value("ssl.handshake"),
        counters.value("ssl.session_reused"),
    ) else {
        let shown = counters
            .value("ssl.handshake")
            .filter(|value| *value > 0)
            .or((completed_by_family > 0).then_some(completed_by_family));
        let note = format!(
            "The counter rule for {subject} cannot be checked: {} missing from the paste.",
            if missing.len() == 1 {
                format!("`{}` is", missing.join("`, `"))
            } else {
                format!("`{}` are", missing.join("`, `"))
            }
        );
        if let Some(completed) = shown {
            let mut evidence =
                lines(snapshot, counters, &["ssl.handshake", "ssl.connection_error"]);
            evidence.extend(
                scope
                    .with_prefix("ssl.ciphers.")
                    .chain(scope.with_prefix("ssl.cipher."))
                    .filter_map(|stat| quote(snapshot.input, stat.line)),
            );
            out.add(
                Finding::new(Code::TlsInUse, Confidence::Confirmed)
                    .with_subject(subject.clone())
                    .with_detail(format!(
                        "{completed} TLS handshakes completed here (Envoy counts `ssl.handshake` \
                         and the `ssl.ciphers.*` counters only after a completed handshake), so \
                         traffic here is TLS."
                    ))
                    .with_detail(note.clone())
                    .with_evidence(evidence),
            );
        } else {
            out.note(note);
        }
        out.next_step(
            format!("The full TLS counters of {subject}"),
            Some(&format!(
                "curl -s http://localhost:9901/stats | grep -F '{}'",
                scope.prefix().trim_end_matches('.')
            )),
        );
        return;
    };

    let left = i128::from(total) - i128::from(errors);
    let right = i128::from(handshakes) + i128::from(reused);
    let documented = format!(
        "Documented rule: {total_name} - ssl.connection_error == ssl.handshake + ssl.session_reused, \
         here {total} - {errors} = {left} and {handshakes} + {reused} = {right}: {}.",
        if left == right { "it holds" } else { "it does not hold" }
    );

    let fail_verify: Vec<(&str, Option<u64>)> =
        FAIL_VERIFY_COUNTERS.iter().map(|name| (*name, counters.value(name))).collect();
    let failed_verifications: u64 =
        fail_verify.iter().filter_map(|(_, value)| *value).fold(0, u64::saturating_add);
    let missing_fail_verify: Vec<String> = fail_verify
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| full(scope, name))
        .collect();
    let accounted = i128::from(handshakes) + i128::from(errors) + i128::from(failed_verifications);
    let unaccounted = i128::from(total) - accounted;
    let active = counters.value(side.active());

    let mut envoy = format!(
        "Envoy's counting: `ssl.handshake` already includes the {reused} resumed session(s), and \
         failed verifications ({failed_verifications}) are counted in `ssl.fail_verify_*`, not in \
         `ssl.connection_error`. Completed handshakes + TLS errors + failed verifications = \
         {handshakes} + {errors} + {failed_verifications} = {accounted} of {total} connections."
    );
    if !missing_fail_verify.is_empty() {
        envoy.push_str(&format!(
            " Not in the paste, so not counted: `{}`.",
            missing_fail_verify.join("`, `")
        ));
    }
    if unaccounted > 0 {
        let active_text = active
            .map(|active| {
                format!(" ({} still open: `{}` = {active})", side.active(), side.active())
            })
            .unwrap_or_default();
        envoy.push_str(&format!(
            " {unaccounted} connection(s) are in no TLS counter{active_text}: still in their \
             handshake, closed by the peer before sending anything (TCP health checks), or not TLS."
        ));
    } else if unaccounted < 0 {
        envoy.push_str(
            " The TLS counters exceed the connections: one connection can add more than one \
             `ssl.connection_error`, and counters read at slightly different moments drift.",
        );
    }

    let mut evidence_names = vec![total_name];
    evidence_names.extend(RULE_COUNTERS);
    evidence_names.extend(FAIL_VERIFY_COUNTERS);
    let evidence = lines(snapshot, counters, &evidence_names);

    let still_open = i128::from(active.unwrap_or(0));
    if handshakes == 0 && total > 0 && errors == 0 && failed_verifications == 0 {
        out.add(
            Finding::new(Code::TlsNotInUse, Confidence::Confirmed)
                .with_subject(subject)
                .with_detail(format!(
                    "{total} connection(s) and not one TLS handshake, TLS error or failed \
                     verification: the connections here are not TLS."
                ))
                .with_detail(documented)
                .with_detail(envoy)
                .with_evidence(evidence),
        );
        return;
    }
    if handshakes > 0 {
        let mut finding = Finding::new(Code::TlsInUse, Confidence::Confirmed)
            .with_subject(subject.clone())
            .with_detail(format!(
                "{handshakes} TLS handshake(s) completed here, so traffic here is TLS."
            ))
            .with_detail(documented.clone())
            .with_detail(envoy.clone())
            .with_evidence(evidence.clone());
        if left != right && left == i128::from(handshakes) {
            finding = finding.with_detail(
                "The documented equation misses by exactly `ssl.session_reused` because Envoy \
                 counts each resumed session in `ssl.handshake` as well.",
            );
        }
        out.add(finding);
    }
    // Most connections in no TLS counter: plaintext beside TLS (PERMISSIVE mode,
    // health checks), which the counter rule is meant to reveal.
    if unaccounted - still_open > i128::from(handshakes) {
        out.add(
            Finding::new(Code::TlsNotInUse, Confidence::Possible)
                .with_subject(subject)
                .with_detail(format!(
                    "{} of {total} connections are in no TLS counter, more than the {handshakes} \
                     completed handshakes: much of the traffic here may not be TLS (a \
                     PERMISSIVE listener accepting plaintext, or TCP health checks).",
                    unaccounted - still_open
                ))
                .with_detail(documented)
                .with_detail(envoy)
                .with_evidence(evidence),
        );
    }
}

/// Reads the verification counters as evidence for a cause, or against it when
/// zero on the side that verifies.
fn verification(snapshot: &Snapshot<'_>, counters: &Counters<'_>, out: &mut Collector) {
    let scope = counters.scope;
    let subject = snapshot.subject(counters.subject());
    let input = snapshot.input;
    let value = |name: &str| counters.get(name);

    let san = value("ssl.fail_verify_san");
    let chain = value("ssl.fail_verify_error");
    let no_cert = value("ssl.fail_verify_no_cert");
    let errors = value("ssl.connection_error");
    let handshakes = value("ssl.handshake");

    let verifier = match counters.side {
        Side::Listener => "this listener rejected client certificates",
        Side::Cluster => "this cluster rejected the server's certificate",
    };

    if let Some((count, line)) = san.filter(|(count, _)| *count > 0) {
        out.add(
            Finding::new(Code::TlsSanMismatch, Confidence::Confirmed)
                .with_subject(subject.clone())
                .with_detail(format!(
                    "{}: {verifier} {count} time(s) because no SAN matched the configured list.",
                    snapshot.describe(&full(scope, "ssl.fail_verify_san"), count)
                ))
                .with_evidence(quote(input, line)),
        );
    }
    if let Some((count, line)) = chain.filter(|(count, _)| *count > 0) {
        out.add(
            Finding::new(Code::TlsVerifyFailed, Confidence::Confirmed)
                .with_subject(subject.clone())
                .with_detail(format!(
                    "{}: {verifier} {count} time(s) in chain verification: an untrusted CA, an \
                     expired or not yet valid certificate, or a bad signature. SAN mismatches \
                     are counted separately, in `ssl.fail_verify_san`.",
                    snapshot.describe(&full(scope, "ssl.fail_verify_error"), count)
                ))
                .with_evidence(quote(input, line)),
        );
        out.next_step_for(
            Code::TlsVerifyFailed,
            "The validator's debug line on the same Envoy, which names the chain failure \
             (`unable to get local issuer certificate`, `certificate has expired`)",
            Some("curl -s -X POST 'http://localhost:9901/logging?connection=debug'"),
        );
    }
    if let Some((count, line)) = no_cert.filter(|(count, _)| *count > 0) {
        out.add(
            Finding::new(Code::TlsClientCertMissing, Confidence::Confirmed)
                .with_subject(subject.clone())
                .with_detail(format!(
                    "{}: {count} client(s) sent no certificate although this side requires one. \
                     Health checks between Envoys count here too, so the number can exceed the \
                     requests.",
                    snapshot.describe(&full(scope, "ssl.fail_verify_no_cert"), count)
                ))
                .with_evidence(quote(input, line)),
        );
    }

    // A zero counter rules a cause out only on a side that verified something:
    // a cluster always verifies the server when it has a validation context, a
    // listener only when it requires client certificates.
    let attempted =
        [errors, handshakes, chain, san].iter().any(|value| value.is_some_and(|(n, _)| n > 0));
    let verifies = match counters.side {
        Side::Cluster => attempted,
        Side::Listener => chain.is_some_and(|(n, _)| n > 0) || no_cert.is_some_and(|(n, _)| n > 0),
    };
    if !verifies {
        return;
    }
    if let Some((0, line)) = san {
        out.rule_out(
            Code::TlsSanMismatch,
            format!(
                "`{}` is 0: no certificate failed the SAN check on {subject}",
                full(scope, "ssl.fail_verify_san")
            ),
            quote(input, line).into_iter().collect(),
        );
    }
    if let Some((0, line)) = chain {
        let reason = format!(
            "`{}` is 0: no chain verification (trust or dates) failed on {subject}",
            full(scope, "ssl.fail_verify_error")
        );
        for code in [Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsCertNotYetValid] {
            out.rule_out(code, reason.clone(), quote(input, line).into_iter().collect());
        }
    }
}

/// SDS secrets that never arrived (`ssl_socket.cc` socket factory stats).
fn secrets_not_ready(snapshot: &Snapshot<'_>, out: &mut Collector) {
    for stat in snapshot.stats.iter() {
        let not_ready = stat.name.ends_with("upstream_context_secrets_not_ready")
            || stat.name.ends_with("downstream_context_secrets_not_ready");
        let Some(count) = stat.number().filter(|count| not_ready && *count > 0) else { continue };
        out.add(
            Finding::new(Code::TlsSecretNotSupplied, Confidence::Confirmed)
                .with_detail(format!(
                    "{}: connections were attempted while the SDS secret of the TLS context had \
                     not arrived; each failed with `Secret is not supplied by SDS`.",
                    snapshot.describe(&stat.name, count)
                ))
                .with_evidence(quote(snapshot.input, stat.line)),
        );
    }
}
