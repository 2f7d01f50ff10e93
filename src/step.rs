//! The step shown now: its question, the command that collects the evidence,
//! what the evidence already answers, and the answers to choose from.

use leptos::prelude::*;
use meshtls_engine::tree::{AnswerSource, Step};

use crate::copy::CopyButton;
use crate::findings::Quote;
use crate::links::DocLinks;
use crate::state::use_wizard;
use crate::text::rich;

/// Renders one step of the walk.
#[component]
pub fn StepView(
    /// The step to show, from the built-in tree.
    step: &'static Step,
) -> impl IntoView {
    let wizard = use_wizard();
    let step_id = step.id.as_str();
    let given = Memo::new(move |_| {
        wizard.walker.with(|w| {
            w.as_ref()
                .and_then(|w| w.given_answer(step_id))
                .map(|g| (g.answer.id.clone(), g.source))
        })
    });

    let commands = step
        .commands
        .iter()
        .map(|command| {
            view! {
                <div class="command">
                    <p class="command-label">{rich(&command.label)}</p>
                    <div class="command-row">
                        <pre><code>{command.command.as_str()}</code></pre>
                        <CopyButton text=command.command.clone() what="command" />
                    </div>
                </div>
            }
        })
        .collect_view();

    let answers = step
        .answers
        .iter()
        .map(|answer| {
            let answer_id = answer.id.as_str();
            let source = move || {
                given.with(|g| g.as_ref().filter(|(id, _)| id == answer_id).map(|(_, s)| s.clone()))
            };
            let chosen = move || matches!(source(), Some(AnswerSource::Person)).to_string();
            let tag = move || match source() {
                Some(AnswerSource::Person) => Some("your answer"),
                Some(AnswerSource::Evidence { .. }) => Some("from your evidence"),
                None => None,
            };
            view! {
                <li>
                    <button
                        type="button"
                        data-testid="answer"
                        data-answer=answer_id
                        aria-current=chosen
                        class:suggested=move || matches!(source(), Some(AnswerSource::Evidence { .. }))
                        on:click=move |_| wizard.answer(step_id, answer_id)
                    >
                        <span>{rich(&answer.label)}</span>
                        {move || tag().map(|t| view! { <span class="answer-tag">{t}</span> })}
                    </button>
                </li>
            }
        })
        .collect_view();

    let evidence_answer = move || {
        let (answer_id, code) = given.with(|g| match g {
            Some((answer, AnswerSource::Evidence { code })) => Some((answer.clone(), code.clone())),
            _ => None,
        })?;
        let label = step.answer(&answer_id).map(|a| a.label.clone()).unwrap_or(answer_id);

        // The code is either raised by findings or ruled out by the evidence
        // (the diagnosis never lists it both ways): quote the lines of whichever.
        let (lines, ruled_out) = wizard.diagnosis.with(|d| {
            let found = d.findings.iter().filter(|f| f.code.as_str() == code);
            if found.clone().next().is_some() {
                (found.flat_map(|f| f.evidence.iter().cloned()).collect::<Vec<_>>(), false)
            } else {
                let ruled_out = d.ruled_out.iter().filter(|r| r.code.as_str() == code);
                (ruled_out.flat_map(|r| r.evidence.iter().cloned()).collect(), true)
            }
        });
        let source = if ruled_out { " (ruled out: " } else { " (finding " };
        Some(view! {
            <div class="evidence-answer" data-testid="evidence-answer" data-code=code.clone()>
                <p>
                    "Your evidence answers this step: "
                    <strong>{rich(&label)}</strong>
                    {source} <code>{code.clone()}</code> "). "
                    "Choose another answer below to override it."
                </p>
                <Quote lines=lines />
            </div>
        })
    };

    let inputs_hint = (!step.inputs.is_empty()).then(|| {
        view! {
            <p class="hint">
                "Evidence that answers this step: " {step.inputs.join(", ")}
                ". Paste it in the evidence panel."
            </p>
        }
    });

    view! {
        <section
            class="panel step"
            data-testid="step"
            data-step-id=step_id
            aria-labelledby="current-heading"
        >
            <Progress />
            <h2 id="current-heading" tabindex="-1">{step.title.as_str()}</h2>
            <p class="question">{rich(&step.question)}</p>
            <p class="why"><strong>"Why it matters: "</strong>{rich(&step.why)}</p>
            {commands}
            {inputs_hint}
            {evidence_answer}
            <ul class="answers" aria-label="Answers">{answers}</ul>
            <DocLinks links=step.links.as_slice() />
            <StepActions />
        </section>
    }
}

/// Shows how many steps are answered and how many may follow.
#[component]
pub fn Progress() -> impl IntoView {
    let wizard = use_wizard();
    let progress = Memo::new(move |_| wizard.walker.with(|w| w.as_ref().map(|w| w.progress())));
    let position = Memo::new(move |_| {
        wizard.walker.with(|w| {
            let w = w.as_ref()?;
            let current = w.current()?.id().to_string();
            let path = w.path();
            Some(path.iter().position(|g| g.step.id == current).unwrap_or(path.len()) + 1)
        })
    });

    move || {
        let progress = progress.get()?;
        let position = position.get().unwrap_or(1);
        let total = (progress.answered + progress.remaining).max(position);
        let text = if progress.remaining == 0 {
            format!("Step {position} of {total}: a conclusion is reached")
        } else {
            format!("Step {position} of at most {total}")
        };
        Some(view! {
            <p class="progress" data-testid="progress">{text.clone()}</p>
            <progress max=total value=position aria-label=text></progress>
        })
    }
}

/// Back, start over and change of symptom.
#[component]
pub fn StepActions() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <div class="step-actions">
            <button type="button" data-testid="back" on:click=move |_| wizard.back()>
                "Back"
            </button>
            <button type="button" data-testid="restart" on:click=move |_| wizard.restart()>
                "Start this symptom over"
            </button>
        </div>
    }
}
