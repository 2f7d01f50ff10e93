//! The path so far: each answered step with its answer, and the node shown.

use leptos::prelude::*;
use meshtls_engine::tree::AnswerSource;

use crate::state::use_wizard;
use crate::text::rich;

/// One answered step as the map shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PathEntry {
    step_id: String,
    title: String,
    answer: String,
    from_evidence: bool,
}

/// Renders a small map of the steps taken, where each entry reopens its step.
#[component]
pub fn PathMap() -> impl IntoView {
    let wizard = use_wizard();
    let entries = Memo::new(move |_| {
        wizard.walker.with(|w| {
            let Some(w) = w else { return Vec::new() };
            w.path()
                .iter()
                .map(|given| PathEntry {
                    step_id: given.step.id.clone(),
                    title: given.step.title.clone(),
                    answer: given.answer.label.clone(),
                    from_evidence: matches!(given.source, AnswerSource::Evidence { .. }),
                })
                .collect()
        })
    });
    let frontier_title = Memo::new(move |_| {
        wizard.walker.with(|w| w.as_ref().and_then(|w| w.frontier()).map(|n| n.title().to_string()))
    });

    let is_current = move |id: &str| wizard.current_id.with(|c| c.as_deref() == Some(id));

    view! {
        <nav class="panel path" aria-labelledby="path-heading" data-testid="path">
            <h2 id="path-heading">"Path so far"</h2>
            <ol>
                <For
                    each=move || entries.get()
                    key=|entry| (entry.step_id.clone(), entry.answer.clone(), entry.from_evidence)
                    let:entry
                >
                    {
                        let step_id = entry.step_id.clone();
                        let current_id = entry.step_id.clone();
                        let current = move || is_current(&current_id).then_some("step");
                        view! {
                            <li data-testid="path-step" data-step-id=entry.step_id.clone()>
                                <button
                                    type="button"
                                    class="link"
                                    aria-current=current
                                    on:click=move |_| wizard.revisit(&step_id)
                                >
                                    {entry.title.clone()}
                                </button>
                                <span class="path-answer">
                                    ": " {rich(&entry.answer)}
                                    {entry.from_evidence.then_some(" (from your evidence)")}
                                </span>
                            </li>
                        }
                    }
                </For>
                {move || {
                    frontier_title.get().map(|title| {
                        let current = move || {
                            wizard
                                .walker
                                .with(|w| w.as_ref().is_some_and(|w| w.current() == w.frontier()))
                                .then_some("step")
                        };
                        view! { <li aria-current=current>{title}</li> }
                    })
                }}
            </ol>
        </nav>
    }
}
