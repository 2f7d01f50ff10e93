//! The choice of symptom that starts a walk.

use leptos::prelude::*;

use crate::state::use_wizard;
use crate::text::rich;

/// Renders the four documented symptoms as buttons, the chosen one pressed.
#[component]
pub fn SymptomChoice() -> impl IntoView {
    let wizard = use_wizard();
    let chosen =
        Memo::new(move |_| wizard.walker.with(|w| w.as_ref().map(|w| w.symptom().id.clone())));

    let buttons = wizard
        .tree
        .symptoms
        .iter()
        .map(|symptom| {
            let id = symptom.id.as_str();
            let pressed = move || (chosen.with(|c| c.as_deref() == Some(id))).to_string();
            view! {
                <li>
                    <button
                        type="button"
                        data-testid=format!("symptom-{id}")
                        aria-pressed=pressed
                        on:click=move |_| wizard.choose_symptom(id)
                    >
                        <span class="symptom-title">{symptom.title.as_str()}</span>
                        <span class="symptom-description">{rich(&symptom.description)}</span>
                    </button>
                </li>
            }
        })
        .collect_view();

    view! {
        <section class="symptoms" aria-labelledby="symptom-heading">
            <h2 id="symptom-heading" tabindex="-1">"What do you see?"</h2>
            <ul class="symptom-list">{buttons}</ul>
        </section>
    }
}
