//! The findings panel: what the engine concluded from the pastes, each with
//! the quoted lines that prove it, the fix and the documentation.

use leptos::prelude::*;
use meshtls_engine::diagnosis::{EvidenceLine, Finding, Link};

use crate::state::use_wizard;
use crate::text::{plain, rich};

/// Findings rendered before "Show all": a mesh-wide /stats dump can give one
/// finding per listener and cluster, thousands of cards that would stall the
/// page, while the most important ones come first anyway.
const FIRST_SHOWN: usize = 25;

/// Renders the findings of the diagnosis, most important first.
#[component]
pub fn FindingsPanel() -> impl IntoView {
    let wizard = use_wizard();
    announce_findings();

    let limit = RwSignal::new(FIRST_SHOWN);
    let findings = move || {
        let limit = limit.get();
        wizard.diagnosis.with(|d| {
            d.findings
                .iter()
                .take(limit)
                .map(|finding| view! { <FindingCard finding=finding.clone() /> })
                .collect_view()
        })
    };
    let empty = move || wizard.diagnosis.with(|d| d.findings.is_empty());
    let has_evidence = move || wizard.evidence.with(|e| !e.is_empty());
    let next_steps = move || {
        wizard.diagnosis.with(|d| {
            (!d.next_steps.is_empty()).then(|| {
                let items = d
                    .next_steps
                    .iter()
                    .map(|step| {
                        let command =
                            step.command.clone().map(|c| view! { <pre><code>{c}</code></pre> });
                        view! { <li>{rich(&step.what)} {command}</li> }
                    })
                    .collect_view();
                view! {
                    <h3>"What to collect next"</h3>
                    <ul data-testid="next-steps">{items}</ul>
                }
            })
        })
    };
    let ruled_out = move || {
        wizard.diagnosis.with(|d| {
            (!d.ruled_out.is_empty()).then(|| {
                let items = d
                    .ruled_out
                    .iter()
                    .map(
                        |r| view! { <li><code>{r.code.as_str()}</code>": " {rich(&r.reason)}</li> },
                    )
                    .collect_view();
                view! {
                    <h3>"Ruled out"</h3>
                    <ul data-testid="ruled-out">{items}</ul>
                }
            })
        })
    };

    view! {
        <section class="panel" aria-labelledby="findings-heading" data-testid="findings">
            <h2 id="findings-heading">"Findings"</h2>
            <Show when=empty>
                <p class="hint">
                    {move || if has_evidence() {
                        "No finding in the evidence so far."
                    } else {
                        "Findings appear here once you paste evidence."
                    }}
                </p>
            </Show>
            <ul class="findings">{findings}</ul>
            {move || {
                let total = wizard.diagnosis.with(|d| d.findings.len());
                (total > limit.get()).then(|| view! {
                    <button
                        type="button"
                        data-testid="findings-more"
                        on:click=move |_| limit.set(usize::MAX)
                    >
                        {format!("Show all {total} findings")}
                    </button>
                })
            }}
            {next_steps}
            {ruled_out}
        </section>
    }
}

/// Renders one finding with its evidence, fix and links.
#[component]
fn FindingCard(
    /// The finding to show.
    finding: Finding,
) -> impl IntoView {
    let severity = finding.severity.as_str();
    let details = finding.details.iter().map(|d| view! { <p>{rich(d)}</p> }).collect_view();
    let links = finding_link_items(finding.links.to_vec());

    view! {
        <li
            class="finding"
            data-testid="finding"
            data-code=finding.code.as_str()
            data-severity=severity
        >
            <h3>
                <span class=format!("severity {severity}")>{severity}</span>
                " "
                {rich(&finding.title)}
            </h3>
            <p><span class="code-badge">{finding.code.as_str()}</span></p>
            {details}
            <Quote lines=finding.evidence.clone() omitted=finding.omitted_evidence />
            <p><strong>"Fix: "</strong>{rich(&finding.remediation)}</p>
            <ul>{links}</ul>
        </li>
    }
}

/// Quoted evidence lines, each with its paste name and line number, and the
/// count of the lines left unquoted.
#[component]
pub fn Quote(
    /// The lines to quote.
    lines: Vec<EvidenceLine>,
    /// How many more lines show the same and are not quoted: the engine quotes
    /// at most `MAX_EVIDENCE_LINES` per finding and counts the rest.
    #[prop(optional)]
    omitted: usize,
) -> impl IntoView {
    if lines.is_empty() {
        return None;
    }
    let more = (omitted > 0).then(|| {
        let text = if omitted == 1 {
            "and 1 more line like these".to_string()
        } else {
            format!("and {omitted} more lines like these")
        };
        view! { <p class="hint quote-more" data-testid="evidence-omitted" data-omitted=omitted>{text}</p> }
    });
    let rows = lines
        .into_iter()
        .map(|line| {
            let reference = format!("{}:{}", line.input, line.line);
            view! {
                <div class="line" data-testid="evidence-line" data-input=line.input.clone() data-line=line.line>
                    <span class="line-ref">{reference}</span>
                    <code>{line.text}</code>
                </div>
            }
        })
        .collect_view();
    Some(view! {
        <div class="quote" role="group" aria-label="Evidence lines">{rows}</div>
        {more}
    })
}

/// Tells screen readers when the findings change.
fn announce_findings() {
    let wizard = use_wizard();
    Effect::new(move |previous: Option<Vec<&'static str>>| {
        let codes: Vec<&'static str> =
            wizard.diagnosis.with(|d| d.findings.iter().map(|f| f.code.as_str()).collect());
        // With no evidence left, the message of the removal or the clearing stays.
        let has_evidence = wizard.evidence.with(|e| !e.is_empty());
        if has_evidence && previous.is_some_and(|p| p != codes) {
            let message = wizard.diagnosis.with(|d| match d.findings.first() {
                None => "No findings in the evidence.".to_string(),
                Some(top) if d.findings.len() == 1 => format!("1 finding: {}.", plain(&top.title)),
                Some(top) => {
                    format!(
                        "{} findings. The most important: {}.",
                        d.findings.len(),
                        plain(&top.title)
                    )
                }
            });
            wizard.announcement.set(message);
        }
        codes
    });
}

/// Renders a finding's documentation links (Envoy's and the guide's) as list
/// items, each opening in a new tab.
pub fn finding_link_items(links: impl IntoIterator<Item = Link>) -> impl IntoView {
    links
        .into_iter()
        .map(|link| {
            view! {
                <li>
                    <a href=link.url target="_blank" rel="noopener noreferrer" data-testid="finding-link">
                        {link.title}
                    </a>
                </li>
            }
        })
        .collect_view()
}
