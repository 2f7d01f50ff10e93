//! The end of a walk: the cause, the fix, the documentation and where to
//! escalate.

use std::collections::BTreeSet;

use leptos::prelude::*;
use meshtls_engine::config::Config;
use meshtls_engine::diagnosis::report;
use meshtls_engine::issue_link::{self, IssueFinding, IssueLink, IssueReport};
use meshtls_engine::tree::{Conclusion, EscalationKind, Walker};

use crate::copy::CopyButton;
use crate::links::DocLinks;
use crate::redaction::{self, KeptValue, RedactionPreview};
use crate::state::use_wizard;
use crate::step::Progress;
use crate::text::rich;

/// Renders the conclusion the answers lead to.
#[component]
pub fn ConclusionView(
    /// The conclusion node, from the built-in tree.
    conclusion: &'static Conclusion,
) -> impl IntoView {
    let wizard = use_wizard();
    let code = conclusion.finding_code.clone().unwrap_or_else(|| conclusion.id.clone());
    let badge = code.clone();
    let severity = conclusion
        .finding_code
        .as_deref()
        .and_then(meshtls_engine::diagnosis::Code::from_name)
        .map_or("info", |code| code.severity().as_str());

    let fix = conclusion
        .fix
        .iter()
        .map(|step| {
            let command = step.command.clone().map(|command| {
                view! {
                    <div class="command-row">
                        <pre><code>{command.clone()}</code></pre>
                        <CopyButton text=command what="command" />
                    </div>
                }
            });
            view! { <li>{rich(&step.text)} {command}</li> }
        })
        .collect_view();

    // Everything that leaves the page, before redaction: the Markdown report and
    // the bug report. One plan over both keeps their placeholders the same.
    let kept = RwSignal::new(BTreeSet::<KeptValue>::new());
    let markdown = Memo::new(move |_| {
        wizard.evidence.with(|e| wizard.diagnosis.with(|d| report::to_markdown(e.inputs(), d)))
    });
    let issue = Memo::new(move |_| {
        wizard.walker.with(|w| wizard.diagnosis.with(|d| issue_report(w.as_ref(), conclusion, d)))
    });
    let quoted = Memo::new(move |_| wizard.diagnosis.with(|d| quoted_lines(d)));
    let plan = Memo::new(move |_| {
        let (markdown, issue, quoted) = (markdown.read(), issue.read(), quoted.read());
        let mut shared = vec![markdown.as_str()];
        shared.extend(redaction::issue_report_texts(&issue));
        let sources: Vec<&str> = quoted.iter().map(String::as_str).collect();
        kept.with(|kept| redaction::plan(&sources, &shared, kept))
    });
    let shared = Shared {
        markdown: Memo::new(move |_| {
            plan.with(|plan| markdown.with(|markdown| redaction::apply(markdown, plan)))
        }),
        issue: Memo::new(move |_| {
            plan.with(|plan| issue.with(|issue| redaction::redact_issue_report(issue, plan)))
        }),
    };

    view! {
        <section
            class="panel conclusion"
            data-testid="conclusion"
            data-code=code
            data-conclusion-id=conclusion.id.as_str()
            data-severity=severity
            aria-labelledby="current-heading"
        >
            <Progress />
            <h2 id="current-heading" tabindex="-1">{conclusion.title.as_str()}</h2>
            <p>
                <span class="code-badge">{badge}</span>
            </p>
            <h3>"Cause"</h3>
            <p data-testid="cause">{rich(&conclusion.cause)}</p>
            <h3>"Fix"</h3>
            <ol class="fix-steps" data-testid="fix">{fix}</ol>
            <DocLinks links=conclusion.links.as_slice() heading="Documentation" />
            <RedactionPreview plan=plan kept=kept />
            <Escalation conclusion=conclusion issue=shared.issue />
            <ReportCopy markdown=shared.markdown />
            <div class="step-actions">
                <button type="button" data-testid="back" on:click=move |_| wizard.back()>
                    "Back"
                </button>
                <button type="button" data-testid="restart" on:click=move |_| wizard.restart()>
                    "Start this symptom over"
                </button>
                <button type="button" on:click=move |_| wizard.choose_again()>
                    "Choose another symptom"
                </button>
            </div>
        </section>
    }
}

/// The texts that leave the page, redacted with the person's choices.
#[derive(Clone, Copy)]
struct Shared {
    markdown: Memo<String>,
    issue: Memo<IssueReport>,
}

/// Lists where to go when the fix does not help, in the order of the tree.
#[component]
fn Escalation(conclusion: &'static Conclusion, issue: Memo<IssueReport>) -> impl IntoView {
    let wizard = use_wizard();
    if conclusion.escalation.is_empty() {
        return None;
    }
    let items = move || {
        let config = wizard.config.get();
        conclusion
            .escalation
            .iter()
            .map(|kind| escalation_item(issue, &config, *kind))
            .collect_view()
    };
    Some(view! {
        <div class="escalation">
            <h3>"Still stuck?"</h3>
            <ul>{items}</ul>
        </div>
    })
}

fn escalation_item(
    issue: Memo<IssueReport>,
    config: &Config,
    kind: EscalationKind,
) -> impl IntoView {
    let (url, text, testid) = match kind {
        EscalationKind::BugReport => {
            match issue.with(|report| issue_link::build_issue_link(report, config)) {
                IssueLink::Issue { url, .. } => {
                    (url, "Open a pre-filled bug report".to_string(), "issue-link")
                }
                IssueLink::VulnerabilityReport { url } => {
                    (url, "Report a security problem privately".to_string(), "issue-link")
                }
            }
        }
        EscalationKind::AwsSupport => (
            config.support_url.clone(),
            format!("Open a case with {}", config.support_label),
            "escalation-support",
        ),
        EscalationKind::VulnerabilityReport => (
            config.vulnerability_reporting_url.clone(),
            "Report a security problem privately (not in a public issue)".to_string(),
            "escalation-vulnerability",
        ),
    };
    view! {
        <li>
            <a href=url target="_blank" rel="noopener noreferrer" data-testid=testid data-kind=kind.as_str()>
                {text}
            </a>
        </li>
    }
}

/// Collects the facts of this walk for a bug report, unredacted: the tree's text,
/// the findings and the evidence lines that prove them, as pasted.
fn issue_report(
    walker: Option<&Walker<'static>>,
    conclusion: &Conclusion,
    diagnosis: &meshtls_engine::diagnosis::Diagnosis,
) -> IssueReport {
    let symptom = walker.map(|w| w.symptom().title.clone()).unwrap_or_default();
    let steps = walker
        .map(|w| {
            w.path()
                .iter()
                .map(|given| format!("{} {}", given.step.question, given.answer.label))
                .collect()
        })
        .unwrap_or_default();
    let findings = diagnosis
        .findings
        .iter()
        .map(|finding| IssueFinding {
            code: finding.code.as_str().to_string(),
            severity: finding.severity.as_str().to_string(),
            title: finding.title.clone(),
            security: false,
        })
        .collect();
    // Most important finding first, since build_issue_link cuts a long excerpt
    // from its end.
    let evidence_excerpt = diagnosis
        .findings
        .iter()
        .flat_map(|finding| &finding.evidence)
        .map(|line| format!("{}:{}: {}\n", line.input, line.line, line.text))
        .collect();
    let ruled_out = diagnosis
        .ruled_out
        .iter()
        .map(|entry| format!("{}: {}", entry.code, entry.reason))
        .collect();
    IssueReport {
        title: conclusion.title.clone(),
        summary: format!("{symptom}. {}", conclusion.cause),
        steps_to_reproduce: steps,
        evidence_excerpt,
        findings,
        ruled_out,
        ..IssueReport::default()
    }
}

/// Lists the pasted lines that the findings and ruled-out causes quote.
fn quoted_lines(diagnosis: &meshtls_engine::diagnosis::Diagnosis) -> Vec<String> {
    let findings = diagnosis.findings.iter().flat_map(|finding| &finding.evidence);
    let ruled_out = diagnosis.ruled_out.iter().flat_map(|entry| &entry.evidence);
    findings.chain(ruled_out).map(|line| line.text.clone()).collect()
}

/// Copies the Markdown report of the findings, to attach to a case.
#[component]
fn ReportCopy(
    /// The report, already redacted with the person's choices.
    markdown: Memo<String>,
) -> impl IntoView {
    view! {
        <div class="report">
            <h3>"Report"</h3>
            <p class="hint">
                "The findings and the evidence lines that prove them, in Markdown, to attach to an issue or a case. The values checked under \"Before you share\" are replaced by placeholders."
            </p>
            {move || view! { <CopyButton text=markdown.get() what="report" testid="report-copy" /> }}
        </div>
    }
}
