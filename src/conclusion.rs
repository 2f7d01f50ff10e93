//! The end of a walk: the cause, the fix, the documentation and where to
//! escalate.

use std::collections::BTreeSet;

use leptos::prelude::*;
use meshtls_engine::config::Config;
use meshtls_engine::diagnosis::{report, Code, Diagnosis, EvidenceLine, Link};
use meshtls_engine::issue_link::{self, IssueLink, IssueReport};
use meshtls_engine::tree::{Conclusion, EscalationKind, Walker};

use crate::copy::{CopyButton, DownloadButton};
use crate::findings::{finding_link_items, Quote};
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
    let quoted = Memo::new(move |_| {
        wizard
            .diagnosis
            .with(|d| report::quoted_lines(d).into_iter().map(str::to_string).collect::<Vec<_>>())
    });
    let plan = Memo::new(move |_| {
        let (markdown, issue, quoted) = (markdown.read(), issue.read(), quoted.read());
        let mut shared = vec![markdown.as_str()];
        shared.extend(redaction::issue_report_texts(&issue));
        let sources: Vec<&str> = quoted.iter().map(String::as_str).collect();
        kept.with(|kept| redaction::plan(&sources, &shared, kept))
    });
    // The report states the conclusion and answers shown here, which can name a
    // cause that the findings alone leave open.
    let walk = Memo::new(move |_| {
        let path = wizard.walker.with(|w| w.as_ref().map(Walker::path).unwrap_or_default());
        report::WalkOutcome::new(conclusion, &path)
    });
    // The report is rendered again with each piece redacted, so placeholders in
    // prose are escaped for Markdown like any other text.
    let shared = Shared {
        markdown: Memo::new(move |_| {
            plan.with(|plan| {
                let redact = |text: &str| redaction::apply(text, plan);
                wizard.evidence.with(|e| {
                    wizard.diagnosis.with(|d| {
                        walk.with(|w| report::to_markdown_with_walk(e.inputs(), d, w, &redact))
                    })
                })
            })
        }),
        json: Memo::new(move |_| {
            plan.with(|plan| {
                let redact = |text: &str| redaction::apply(text, plan);
                let value = wizard.evidence.with(|e| {
                    wizard.diagnosis.with(|d| {
                        walk.with(|w| report::to_json_with_walk(e.inputs(), d, w, &redact))
                    })
                });
                serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
            })
        }),
        issue: Memo::new(move |_| {
            plan.with(|plan| issue.with(|issue| redaction::redact_issue_report(issue, plan)))
        }),
    };

    let finding_code = conclusion.finding_code.as_deref().and_then(Code::from_name);
    let evidence = Memo::new(move |_| {
        wizard
            .diagnosis
            .with(|d| finding_code.map(|code| evidence_for(d, code)).unwrap_or_default())
    });
    let omitted = Memo::new(move |_| {
        wizard.diagnosis.with(|d| finding_code.map(|code| omitted_for(d, code)).unwrap_or_default())
    });

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
            <ConclusionEvidence evidence=evidence omitted=omitted has_code=finding_code.is_some() />
            <h3>"Fix"</h3>
            <ol class="fix-steps" data-testid="fix">{fix}</ol>
            <DocLinks links=conclusion.links.as_slice() heading="Documentation" />
            {finding_code.map(|code| view! { <FindingReferences conclusion=conclusion code=code /> })}
            <RuledOutList />
            <RedactionPreview plan=plan kept=kept />
            <Escalation conclusion=conclusion issue=shared.issue />
            <ReportShare shared=shared />
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
    /// The `meshtls diagnose --format json` object, pretty-printed.
    json: Memo<String>,
    issue: Memo<IssueReport>,
}

/// Collects the evidence lines of every finding with `code`, without repeats.
fn evidence_for(diagnosis: &Diagnosis, code: Code) -> Vec<EvidenceLine> {
    let mut lines: Vec<EvidenceLine> = Vec::new();
    for line in diagnosis.findings.iter().filter(|f| f.code == code).flat_map(|f| &f.evidence) {
        if !lines.contains(line) {
            lines.push(line.clone());
        }
    }
    lines
}

/// Adds up the lines that the findings with `code` count but do not quote. A
/// line one finding leaves out may be quoted by another, so this may overcount.
fn omitted_for(diagnosis: &Diagnosis, code: Code) -> usize {
    diagnosis.findings.iter().filter(|f| f.code == code).map(|f| f.omitted_evidence).sum()
}

/// Quotes the pasted lines that show the conclusion's cause, each with its paste
/// name and line number.
#[component]
fn ConclusionEvidence(
    /// The lines of the findings with the conclusion's code.
    evidence: Memo<Vec<EvidenceLine>>,
    /// The lines those findings count but do not quote.
    omitted: Memo<usize>,
    /// Whether the conclusion names a finding code that evidence could show.
    has_code: bool,
) -> impl IntoView {
    let body = move || {
        let lines = evidence.get();
        if lines.is_empty() {
            let hint = if has_code {
                "No pasted line shows this cause: the conclusion follows from your answers. Paste the evidence the steps asked for to confirm it."
            } else {
                "This conclusion follows from your answers; no pasted line can show it."
            };
            view! { <p class="hint">{hint}</p> }.into_any()
        } else {
            view! { <Quote lines=lines omitted=omitted.get() /> }.into_any()
        }
    };
    view! {
        <div class="conclusion-evidence" data-testid="conclusion-evidence">
            <h3>"Evidence"</h3>
            {body}
        </div>
    }
}

/// Lists the finding's references that the conclusion's documentation lacks,
/// such as the Envoy page of a counter or an admin endpoint.
#[component]
fn FindingReferences(conclusion: &'static Conclusion, code: Code) -> impl IntoView {
    let anchors: Vec<&str> = conclusion.links.iter().filter_map(|l| l.anchor.as_deref()).collect();
    let extra: Vec<Link> = code
        .spec()
        .links
        .iter()
        .filter(|link| {
            let anchor = link.url.rsplit_once('#').map(|(_, anchor)| anchor);
            anchor.is_none_or(|anchor| !anchors.contains(&anchor))
        })
        .copied()
        .collect();
    if extra.is_empty() {
        return None;
    }
    let items = finding_link_items(extra);
    Some(view! {
        <div class="doc-links">
            <p class="hint">"Also for this finding:"</p>
            <ul>{items}</ul>
        </div>
    })
}

/// Lists the causes the evidence ruled out, why, and the lines that show it.
#[component]
fn RuledOutList() -> impl IntoView {
    let wizard = use_wizard();
    move || {
        wizard.diagnosis.with(|d| {
            (!d.ruled_out.is_empty()).then(|| {
                let items = d
                    .ruled_out
                    .iter()
                    .map(|entry| {
                        view! {
                            <li data-testid="ruled-out-item" data-code=entry.code.as_str()>
                                <code>{entry.code.as_str()}</code>
                                ": "
                                {rich(&entry.reason)}
                                <Quote lines=entry.evidence.clone() />
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="ruled-out">
                        <h3>"Ruled out"</h3>
                        <ul data-testid="conclusion-ruled-out">{items}</ul>
                    </div>
                }
            })
        })
    }
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
    let mut full_body = None;
    let (url, text, testid) = match kind {
        EscalationKind::BugReport => {
            match issue.with(|report| issue_link::build_issue_link(report, config)) {
                IssueLink::Issue { url, shortened } => {
                    if shortened {
                        full_body =
                            Some(issue.with(|report| issue_link::issue_body(report, config)));
                    }
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
    let full_body = full_body.map(|body| {
        view! {
            <p class="hint" data-testid="issue-body-shortened">
                "The report is too long for a link, so the link's body is shortened. Copy the full issue body and paste it over the shortened one on the issue page."
            </p>
            <CopyButton text=body what="full issue body" testid="issue-body-copy" />
        }
    });
    view! {
        <li>
            <a href=url target="_blank" rel="noopener noreferrer" data-testid=testid data-kind=kind.as_str()>
                {text}
            </a>
            {full_body}
        </li>
    }
}

/// Collects the facts of this walk for a bug report, unredacted: the tree's text,
/// the findings and the evidence lines that prove them, as pasted.
fn issue_report(
    walker: Option<&Walker<'static>>,
    conclusion: &Conclusion,
    diagnosis: &Diagnosis,
) -> IssueReport {
    let symptom = walker.map(|w| w.symptom().title.clone()).unwrap_or_default();
    let walk = IssueReport {
        title: conclusion.title.clone(),
        summary: format!("{symptom}. {}", conclusion.cause),
        steps_to_reproduce: walker.map(|w| report::walk_steps(&w.path())).unwrap_or_default(),
        ..IssueReport::default()
    };
    report::to_issue_report(diagnosis, walk)
}

/// Copies or saves the report of the findings, to attach to an issue or a case.
#[component]
fn ReportShare(
    /// The report, already redacted with the person's choices.
    shared: Shared,
) -> impl IntoView {
    let markdown = shared.markdown;
    let json = shared.json;
    view! {
        <div class="report">
            <h3>"Report"</h3>
            <p class="hint">
                "The findings, the evidence lines that prove them and the causes ruled out, in Markdown, to attach to an issue or a case. The values checked under \"Before you share\" are replaced by placeholders. The JSON file has the fields of "
                <code>"meshtls diagnose --format json"</code>
                "."
            </p>
            <div class="report-actions">
                {move || view! { <CopyButton text=markdown.get() what="report" testid="report-copy" /> }}
                <DownloadButton
                    text=Signal::from(markdown)
                    file_name="meshtls-report.md"
                    label="Download the report (Markdown)"
                    testid="report-download"
                />
                <DownloadButton
                    text=Signal::from(json)
                    file_name="meshtls-report.json"
                    label="Download the report (JSON)"
                    testid="report-download-json"
                />
            </div>
        </div>
    }
}
