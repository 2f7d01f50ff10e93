//! The "Before you share" panel: the values that the copied report and the issue
//! link hide, each with a checkbox to keep it readable instead.
//!
//! One plan covers every text that leaves the page (the Markdown report and the
//! fields of the bug report), so the same value gets the same placeholder in both.

use std::collections::BTreeSet;

use leptos::prelude::*;
use meshtls_engine::issue_link::{IssueFinding, IssueReport};
use meshtls_engine::redact::{RedactOptions, RedactionKind, Redactor, Replacement};

/// A value the person chose to keep readable, keyed like a plan entry.
pub type KeptValue = (RedactionKind, String);

/// Plans the replacements for the `shared` texts, with the ones in `kept` switched
/// off.
///
/// `sources` are the pasted lines that the shared texts quote, each on its own. The
/// redactor finds some values only by where they sit in a line (a pod name before
/// the container name and timestamp at the start of a log line), and once found
/// there, the value is replaced wherever the shared texts quote it. Each entry's `occurrences` counts
/// the shared texts only, and a value that none of them contains is left out.
///
/// NOTE: the count of a value nested in a longer one is a substring count, so it
/// may include a longer value that merely starts with it.
pub fn plan(sources: &[&str], shared: &[&str], kept: &BTreeSet<KeptValue>) -> Vec<Replacement> {
    let redactor = Redactor::new(RedactOptions::default());
    let texts: Vec<&str> = sources.iter().chain(shared).copied().collect();
    let mut plan = redactor.plan(&texts);

    // Every placeholder ends in `>`, so `<ip-1>` never matches inside `<ip-10>`. An
    // account placeholder also counts where it sits inside an ARN's placeholder. A
    // value that only occurs inside a longer one (the host of an e-mail address) has
    // no placeholder of its own in the redacted text, so its plain occurrences count:
    // it is replaced when the person switches the longer value off.
    let redacted: Vec<String> = shared.iter().map(|text| redactor.apply(text, &plan)).collect();
    for replacement in &mut plan {
        let placed: usize =
            redacted.iter().map(|text| text.matches(&replacement.placeholder).count()).sum();
        let plain: usize =
            shared.iter().map(|text| text.matches(&replacement.original).count()).sum();
        replacement.occurrences = if placed > 0 { placed } else { plain };
        replacement.enabled = !kept.contains(&(replacement.kind, replacement.original.clone()));
    }
    plan.retain(|replacement| replacement.occurrences > 0);
    plan
}

/// Returns `text` with the enabled replacements of `plan` applied.
pub fn apply(text: &str, plan: &[Replacement]) -> String {
    Redactor::new(RedactOptions::default()).apply(text, plan)
}

/// Lists every text of `report` that reaches the issue link, for [`plan`].
pub fn issue_report_texts(report: &IssueReport) -> Vec<&str> {
    let mut texts = vec![
        report.title.as_str(),
        report.summary.as_str(),
        report.workaround.as_str(),
        report.evidence_excerpt.as_str(),
    ];
    texts.extend(report.steps_to_reproduce.iter().map(String::as_str));
    texts.extend(report.findings.iter().flat_map(|f| [f.code.as_str(), f.title.as_str()]));
    texts.extend(report.ruled_out.iter().map(String::as_str));
    texts.extend(
        report.environment.iter().flat_map(|(name, value)| [name.as_str(), value.as_str()]),
    );
    texts
}

/// Rewrites every text field of `report` with `plan`. Severity and the security flag
/// are fixed vocabulary and stay as they are.
pub fn redact_issue_report(report: &IssueReport, plan: &[Replacement]) -> IssueReport {
    let redactor = Redactor::new(RedactOptions::default());
    let redact = |text: &str| redactor.apply(text, plan);
    let redact_all = |texts: &[String]| texts.iter().map(|t| redact(t)).collect::<Vec<_>>();
    IssueReport {
        title: redact(&report.title),
        summary: redact(&report.summary),
        steps_to_reproduce: redact_all(&report.steps_to_reproduce),
        workaround: redact(&report.workaround),
        evidence_excerpt: redact(&report.evidence_excerpt),
        findings: report
            .findings
            .iter()
            .map(|finding| IssueFinding {
                code: redact(&finding.code),
                severity: finding.severity.clone(),
                title: redact(&finding.title),
                security: finding.security,
            })
            .collect(),
        ruled_out: redact_all(&report.ruled_out),
        environment: report
            .environment
            .iter()
            .map(|(name, value)| (redact(name), redact(value)))
            .collect(),
    }
}

/// Shows the planned replacements, each with a checkbox that is on by default.
/// Unchecking one adds its value to `kept`, so the shared texts show it as it is.
#[component]
pub fn RedactionPreview(
    /// The replacements for every text that leaves the page.
    plan: Memo<Vec<Replacement>>,
    /// Values the person keeps readable.
    kept: RwSignal<BTreeSet<KeptValue>>,
) -> impl IntoView {
    let summary = move || {
        plan.with(|plan| {
            let enabled = plan.iter().filter(|r| r.enabled).count();
            match plan.len() {
                0 => "Before you share: nothing to hide was found".to_string(),
                total => format!("Before you share: {enabled} of {total} values will be replaced"),
            }
        })
    };
    let hint = move || {
        if plan.with(Vec::is_empty) {
            "The report and the bug report contain no address, host name, account ID or other value that identifies your infrastructure."
        } else {
            "The copied report and the pre-filled bug report show each checked value as its placeholder. Uncheck a value to share it as it is."
        }
    };

    view! {
        <details class="redaction" data-testid="redaction-panel" open=true>
            <summary>{summary}</summary>
            <p class="hint" id="redaction-hint">{hint}</p>
            <ul class="redaction-list" aria-describedby="redaction-hint">
                <For
                    each=move || plan.get()
                    key=|replacement| (replacement.kind, replacement.original.clone())
                    let:replacement
                >
                    <RedactionItem replacement=replacement kept=kept />
                </For>
            </ul>
        </details>
    }
}

#[component]
fn RedactionItem(replacement: Replacement, kept: RwSignal<BTreeSet<KeptValue>>) -> impl IntoView {
    let key: KeptValue = (replacement.kind, replacement.original.clone());
    let key = StoredValue::new(key);
    let checked = move || key.with_value(|key| !kept.with(|kept| kept.contains(key)));
    let toggle = move |ev: leptos::ev::Event| {
        let replace = event_target_checked(&ev);
        kept.update(|kept| {
            let key = key.get_value();
            if replace {
                kept.remove(&key);
            } else {
                kept.insert(key);
            }
        });
    };
    let times = match replacement.occurrences {
        1 => "1 time".to_string(),
        n => format!("{n} times"),
    };

    view! {
        <li>
            <label>
                <input
                    type="checkbox"
                    data-testid="redaction-item"
                    data-placeholder=replacement.placeholder.clone()
                    data-original=replacement.original.clone()
                    data-kind=replacement.kind.placeholder_name()
                    prop:checked=checked
                    on:change=toggle
                />
                <span class="redaction-kind">{replacement.kind.description()}</span>
                " "
                <code class="redaction-original">{replacement.original.clone()}</code>
                " becomes "
                <code>{replacement.placeholder.clone()}</code>
                <span class="redaction-count">{format!(" ({times})")}</span>
            </label>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD_LINE: &str = "> applicaton-pod-on-gke-cluster istio-proxy 2024-07-24T19:44:18.491756Z    debug    envoy connection remote address:[10.0.29.237:37172]";
    const QUOTED: &str = "envoy.log:1: > applicaton-pod-on-gke-cluster istio-proxy 2024-07-24T19:44:18.491756Z    debug    envoy connection remote address:[10.0.29.237:37172]";

    fn entry<'a>(plan: &'a [Replacement], original: &str) -> Option<&'a Replacement> {
        plan.iter().find(|replacement| replacement.original == original)
    }

    struct PlanCase {
        name: &'static str,
        sources: &'static [&'static str],
        shared: &'static [&'static str],
        kept: Option<(RedactionKind, &'static str)>,
        original: &'static str,
        /// Placeholder, occurrences and enabled flag, or `None` when the plan leaves
        /// the value out.
        expected: Option<(&'static str, usize, bool)>,
    }

    #[rustfmt::skip]
    const PLAN_CASES: &[PlanCase] = &[
        PlanCase { name: "pod found in its source line", sources: &[POD_LINE], shared: &[QUOTED, QUOTED], kept: None, original: "applicaton-pod-on-gke-cluster", expected: Some(("<host-1>", 2, true)) },
        PlanCase { name: "pod missed without its source", sources: &[], shared: &[QUOTED], kept: None, original: "applicaton-pod-on-gke-cluster", expected: None },
        PlanCase { name: "address counted in shared texts", sources: &[POD_LINE], shared: &[QUOTED], kept: None, original: "10.0.29.237", expected: Some(("<ip-1>", 1, true)) },
        PlanCase { name: "kept address switched off", sources: &[POD_LINE], shared: &[QUOTED], kept: Some((RedactionKind::Ipv4, "10.0.29.237")), original: "10.0.29.237", expected: Some(("<ip-1>", 1, false)) },
        PlanCase { name: "value only in sources left out", sources: &[POD_LINE], shared: &["no values here"], kept: None, original: "10.0.29.237", expected: None },
        PlanCase { name: "host inside an e-mail address", sources: &[], shared: &["mail ops@payments.corp.com"], kept: None, original: "payments.corp.com", expected: Some(("<host-1>", 1, true)) },
    ];

    #[test]
    fn plan_cases() {
        for case in PLAN_CASES {
            let kept: BTreeSet<KeptValue> =
                case.kept.iter().map(|(kind, value)| (*kind, value.to_string())).collect();
            let plan = plan(case.sources, case.shared, &kept);
            let found = entry(&plan, case.original)
                .map(|r| (r.placeholder.as_str(), r.occurrences, r.enabled));
            assert_eq!(found, case.expected, "case {}: {plan:?}", case.name);
        }
    }

    #[test]
    fn issue_report_uses_plan_placeholders() {
        let report = IssueReport {
            title: "Handshake fails".to_string(),
            evidence_excerpt: format!("{QUOTED}\n"),
            findings: vec![IssueFinding {
                code: "tls-untrusted-ca".to_string(),
                severity: "error".to_string(),
                title: "Peer 10.0.29.237 rejects the CA".to_string(),
                security: false,
            }],
            ..IssueReport::default()
        };
        let shared = issue_report_texts(&report);
        let plan = plan(&[POD_LINE], &shared, &BTreeSet::new());
        let redacted = redact_issue_report(&report, &plan);

        assert_eq!(redacted.findings[0].title, "Peer <ip-1> rejects the CA");
        assert_eq!(redacted.findings[0].severity, "error");
        assert!(redacted.evidence_excerpt.contains("> <host-1> istio-proxy"), "{redacted:?}");
        assert!(!redacted.evidence_excerpt.contains("10.0.29.237"), "{redacted:?}");
        assert_eq!(redacted.title, "Handshake fails");
    }
}
