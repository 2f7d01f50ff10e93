//! Ranking: merge repeated findings, drop causes the evidence rules out, fold
//! the generic verification failure into a specific cause, and sort.
//!
//! Order, most important first: severity; then how directly the evidence shows
//! the cause ([`Confidence`]); then connectivity before TLS, because the App
//! Mesh TLS client policy page requires ruling out plain connectivity first; then
//! the specific cause before the generic one; then the amount of evidence.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::rules::Collector;
use super::{Code, Confidence, Diagnosis, Family, Finding, NextStep, Options, RuledOut, Symptom};

/// Returns how specific a code is as an explanation; higher wins among equals.
pub fn specificity(code: Code) -> u8 {
    match code {
        // Causes that name what to change.
        Code::TlsUntrustedCa
        | Code::TlsCertExpired
        | Code::TlsCertNotYetValid
        | Code::TlsSanMismatch
        | Code::TlsAppOriginatesTls
        | Code::TlsSecretNotSupplied
        | Code::TlsClientCertMissing
        | Code::TlsProtocolMismatch
        | Code::TlsKeyUnsupported
        | Code::TlsCertUsage
        | Code::TlsNoCertChain
        | Code::TlsNoCaCert
        | Code::ElbTargetPortMismatch
        | Code::ElbTargetProtocol
        | Code::ElbHealthCheckProtocol
        | Code::ConnRefused
        | Code::ConnNoRouteMatch
        | Code::ConnMeshAllowAll
        | Code::ConnNoFilterChain
        | Code::ConnConfigRejected => 3,
        // Causes that need a second look to find what to change.
        Code::ConnControlPlaneDisconnected | Code::ConnNoHealthyUpstream | Code::TlsNotInUse => 2,
        Code::TlsVerifyFailed => 1,
        Code::TlsCertExpiringSoon
        | Code::TlsPrivateKeyPasted
        | Code::TlsInUse
        | Code::TlsClientPolicyCaNotRoot => 0,
    }
}

fn family_priority(family: Family) -> u8 {
    match family {
        Family::Connectivity => 2,
        Family::LoadBalancer => 1,
        Family::Tls => 0,
    }
}

/// The certificate-verification causes that `tls-verify-failed` stands for.
pub const VERIFY_CAUSES: [Code; 4] =
    [Code::TlsUntrustedCa, Code::TlsCertExpired, Code::TlsCertNotYetValid, Code::TlsSanMismatch];

/// Turns what the rules collected into the final, ranked diagnosis.
pub(crate) fn finish(collected: Collector, options: &Options) -> Diagnosis {
    let Collector { findings, ruled_out, next_steps, notes, .. } = collected;

    let mut findings = merge_repeats(findings);

    // Evidence against a cause removes it unless the cause itself was shown
    // directly; a direct contradiction keeps both, so both are shown.
    let ruled_out_codes: HashSet<Code> = ruled_out.iter().map(|entry| entry.code).collect();
    findings.retain(|finding| {
        finding.confidence == Confidence::Confirmed || !ruled_out_codes.contains(&finding.code)
    });

    fold_generic_verification(&mut findings);
    let ruled_out = settle_contradictions(ruled_out, &mut findings);

    findings.sort_by_key(|finding| {
        (
            Reverse(finding.severity),
            Reverse(finding.confidence),
            Reverse(family_priority(finding.code.family())),
            Reverse(specificity(finding.code)),
            Reverse(finding.evidence.len()),
        )
    });
    for finding in &mut findings {
        finding.cap_evidence();
    }

    // A step that helps decide a code no longer shown would only distract.
    let mut next_steps: Vec<NextStep> = next_steps
        .into_iter()
        .filter(|(code, _)| {
            code.is_none_or(|code| findings.iter().any(|finding| finding.code == code))
        })
        .map(|(_, step)| step)
        .collect();

    if findings.is_empty() {
        add_generic_next_steps(&mut next_steps, options.symptom);
    }

    let conclusion = findings.first().map(|finding| finding.code);
    Diagnosis { findings, conclusion, ruled_out, next_steps, notes }
}

/// Merges findings with the same code and subject into one, keeping every
/// evidence line and detail and the strongest confidence.
fn merge_repeats(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    let mut positions: HashMap<(Code, Option<String>), usize> = HashMap::new();
    for finding in findings {
        let key = (finding.code, finding.subject.clone());
        let Some(kept) = positions.get(&key).and_then(|&index| merged.get_mut(index)) else {
            positions.insert(key, merged.len());
            merged.push(finding);
            continue;
        };
        kept.confidence = kept.confidence.max(finding.confidence);
        kept.details.extend(finding.details);
        kept.evidence.extend(finding.evidence);
    }
    for finding in &mut merged {
        finding.remove_repeats();
    }
    merged
}

/// Removes from the ruled-out list each code that a remaining finding raises,
/// so no code is both shown and ruled out. The evidence against it becomes a
/// detail of the finding. The detail states whether that evidence comes from
/// another input (a second Envoy, or a snapshot taken at another time).
fn settle_contradictions(ruled_out: Vec<RuledOut>, findings: &mut [Finding]) -> Vec<RuledOut> {
    let mut kept = Vec::new();
    for entry in ruled_out {
        let Some(finding) = findings.iter_mut().find(|finding| finding.code == entry.code) else {
            kept.push(entry);
            continue;
        };
        let quoted: Vec<String> = entry
            .evidence
            .iter()
            .map(|line| format!("{} line {}: `{}`", line.input, line.line, line.text))
            .collect();
        let same_input = entry
            .evidence
            .iter()
            .any(|against| finding.evidence.iter().any(|line| line.input == against.input));
        let lead =
            if same_input { "Other evidence argues against it" } else { "Not in every input" };
        let mut detail = format!("{lead}: {}", entry.reason);
        if !quoted.is_empty() {
            detail.push_str(&format!(" ({})", quoted.join("; ")));
        }
        detail.push('.');
        if !finding.details.contains(&detail) {
            finding.details.push(detail);
        }
    }
    kept
}

/// Folds `tls-verify-failed` into the specific cause when the evidence names
/// one: the generic failure is then part of that cause's evidence.
fn fold_generic_verification(findings: &mut Vec<Finding>) {
    let target = findings
        .iter()
        .filter(|finding| VERIFY_CAUSES.contains(&finding.code))
        .max_by_key(|finding| (finding.confidence, finding.evidence.len()))
        .map(|finding| (finding.code, finding.subject.clone()));
    let Some((target_code, target_subject)) = target else {
        return;
    };

    let (generic, rest): (Vec<Finding>, Vec<Finding>) =
        findings.drain(..).partition(|finding| finding.code == Code::TlsVerifyFailed);
    *findings = rest;

    let kept = findings
        .iter_mut()
        .find(|finding| finding.code == target_code && finding.subject == target_subject);
    if let Some(kept) = kept {
        for finding in generic {
            kept.evidence.extend(finding.evidence);
            kept.details.extend(finding.details);
        }
        kept.remove_repeats();
    }
}

/// Says what to collect when no finding explains a failure.
fn add_generic_next_steps(next_steps: &mut Vec<NextStep>, symptom: Option<Symptom>) {
    let mut push = |what: &str, command: &str| {
        let step = NextStep { what: what.to_string(), command: Some(command.to_string()) };
        if !next_steps.contains(&step) {
            next_steps.push(step);
        }
    };
    match symptom {
        Some(Symptom::TlsBetweenProxies) => {
            push(
                "The TLS and connection counters of both Envoys (listener on the terminating side, \
                 cluster on the originating side)",
                "curl -s http://localhost:9901/stats | grep -E 'downstream_cx_total|upstream_cx_total|ssl\\.'",
            );
            push("The loaded certificates of both Envoys", "curl -s http://localhost:9901/certs");
        }
        Some(Symptom::TlsElb) => {
            push(
                "The target group of the load balancer",
                "aws elbv2 describe-target-groups --names <target-group-name>",
            );
            push(
                "The TLS counters of the virtual node's Envoy",
                "curl -s http://localhost:9901/stats | grep -E 'listener\\..*ssl\\.'",
            );
        }
        Some(Symptom::OriginatingTls) => {
            push(
                "The output of a TLS client run from the application's container",
                "openssl s_client -connect <backend-host>:<port> -servername <backend-host> </dev/null",
            );
        }
        Some(Symptom::TlsClientPolicy) | None => {
            push(
                "Envoy's debug log around a failing request (App Mesh: set ENVOY_LOG_LEVEL=debug)",
                "curl -s -X POST 'http://localhost:9901/logging?connection=debug'",
            );
            push(
                "The TLS and connection counters of the client Envoy",
                "curl -s http://localhost:9901/stats | grep -E 'ssl\\.|upstream_cx|control_plane|update_rejected'",
            );
            push(
                "The loaded certificates of the client Envoy",
                "curl -s http://localhost:9901/certs",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnosis::EvidenceLine;

    fn line(text: &str) -> EvidenceLine {
        EvidenceLine { input: "log".into(), line: 1, text: text.into() }
    }

    #[test]
    fn connectivity_ranks_before_tls_at_equal_confidence() {
        let mut collected = Collector::default();
        collected.add(Finding::new(Code::TlsUntrustedCa, Confidence::Confirmed));
        collected.add(Finding::new(Code::ConnControlPlaneDisconnected, Confidence::Confirmed));
        let diagnosis = finish(collected, &Options::default());
        assert_eq!(diagnosis.conclusion, Some(Code::ConnControlPlaneDisconnected));
    }

    #[test]
    fn confirmed_tls_cause_ranks_before_possible_connectivity() {
        let mut collected = Collector::default();
        collected.add(Finding::new(Code::ConnNoHealthyUpstream, Confidence::Possible));
        collected.add(Finding::new(Code::TlsSanMismatch, Confidence::Confirmed));
        let diagnosis = finish(collected, &Options::default());
        assert_eq!(diagnosis.conclusion, Some(Code::TlsSanMismatch));
    }

    #[test]
    fn info_never_ranks_before_error() {
        let mut collected = Collector::default();
        collected.add(Finding::new(Code::TlsInUse, Confidence::Confirmed));
        collected.add(Finding::new(Code::TlsVerifyFailed, Confidence::Possible));
        let diagnosis = finish(collected, &Options::default());
        assert_eq!(diagnosis.codes(), vec![Code::TlsVerifyFailed, Code::TlsInUse]);
    }

    #[test]
    fn ruled_out_cause_is_removed_unless_confirmed() {
        let mut collected = Collector::default();
        collected.add(Finding::new(Code::TlsSanMismatch, Confidence::Likely));
        collected.rule_out(Code::TlsSanMismatch, "fail_verify_san is 0", Vec::new());
        let diagnosis = finish(collected, &Options::default());
        assert!(diagnosis.findings.is_empty());
        assert_eq!(diagnosis.ruled_out.len(), 1);
        assert!(!diagnosis.next_steps.is_empty(), "no finding left: ask for more evidence");
    }

    #[test]
    fn shown_code_is_not_also_ruled_out() {
        let against = EvidenceLine { input: "a.txt".into(), line: 1, text: "state: 1".into() };
        let mut collected = Collector::default();
        collected.add(
            Finding::new(Code::ConnControlPlaneDisconnected, Confidence::Confirmed)
                .with_evidence([EvidenceLine { input: "b.txt".into(), ..against.clone() }]),
        );
        collected.rule_out(Code::ConnControlPlaneDisconnected, "connected in a.txt", vec![against]);
        collected.rule_out(Code::TlsSanMismatch, "fail_verify_san is 0", Vec::new());
        let diagnosis = finish(collected, &Options::default());
        let ruled_out: Vec<Code> = diagnosis.ruled_out.iter().map(|entry| entry.code).collect();
        assert_eq!(ruled_out, [Code::TlsSanMismatch]);
        assert_eq!(
            diagnosis.findings[0].details,
            ["Not in every input: connected in a.txt (a.txt line 1: `state: 1`)."]
        );
    }

    #[test]
    fn same_input_contradiction_wording() {
        let line = EvidenceLine { input: "log".into(), line: 1, text: "x".into() };
        let mut collected = Collector::default();
        collected.add(
            Finding::new(Code::TlsUntrustedCa, Confidence::Confirmed).with_evidence([line.clone()]),
        );
        collected.rule_out(Code::TlsUntrustedCa, "the chain verified", vec![line]);
        let diagnosis = finish(collected, &Options::default());
        assert!(diagnosis.ruled_out.is_empty());
        assert!(
            diagnosis.findings[0].details[0].starts_with("Other evidence argues against it"),
            "{:?}",
            diagnosis.findings[0].details
        );
    }

    #[test]
    fn generic_verification_folds_into_specific_cause() {
        let mut collected = Collector::default();
        collected.add(
            Finding::new(Code::TlsVerifyFailed, Confidence::Confirmed)
                .with_evidence([line("CERTIFICATE_VERIFY_FAILED")]),
        );
        collected.add(
            Finding::new(Code::TlsCertExpired, Confidence::Confirmed)
                .with_evidence([line("expiration_time")]),
        );
        let diagnosis = finish(collected, &Options::default());
        assert_eq!(diagnosis.codes(), vec![Code::TlsCertExpired]);
        assert_eq!(diagnosis.findings[0].evidence.len(), 2);
    }

    #[test]
    fn steps_for_a_folded_code_are_dropped() {
        let mut collected = Collector::default();
        collected.add(Finding::new(Code::TlsVerifyFailed, Confidence::Confirmed));
        collected.add(Finding::new(Code::TlsUntrustedCa, Confidence::Confirmed));
        collected.next_step_for(Code::TlsVerifyFailed, "validator line", Some("curl a"));
        collected.next_step("always useful", Some("curl b"));
        let diagnosis = finish(collected, &Options::default());
        let steps: Vec<&str> = diagnosis.next_steps.iter().map(|step| step.what.as_str()).collect();
        assert_eq!(steps, ["always useful"]);
    }

    #[test]
    fn repeated_findings_merge() {
        let mut collected = Collector::default();
        collected
            .add(Finding::new(Code::ConnRefused, Confidence::Likely).with_evidence([line("a")]));
        collected
            .add(Finding::new(Code::ConnRefused, Confidence::Confirmed).with_evidence([line("b")]));
        let diagnosis = finish(collected, &Options::default());
        assert_eq!(diagnosis.findings.len(), 1);
        assert_eq!(diagnosis.findings[0].confidence, Confidence::Confirmed);
        assert_eq!(diagnosis.findings[0].evidence.len(), 2);
    }
}
