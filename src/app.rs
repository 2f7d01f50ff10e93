//! The page: header, symptom choice, the step or conclusion, the path so far,
//! and the evidence and findings panels.

use leptos::prelude::*;
use meshtls_engine::tree::{Node, Tree};

use crate::conclusion::ConclusionView;
use crate::evidence::EvidencePanel;
use crate::findings::FindingsPanel;
use crate::path::PathMap;
use crate::state::{use_wizard, Wizard};
use crate::step::StepView;
use crate::symptoms::SymptomChoice;
use crate::{history, persist, portal};

/// The whole wizard. Shows an error in place of the wizard when the built-in
/// tree fails its own checks, which only a broken build can cause.
#[component]
pub fn App() -> impl IntoView {
    match Tree::builtin() {
        Ok(tree) => view! { <Wizard tree=tree /> }.into_any(),
        Err(err) => view! {
            <main id="main">
                <h1>"The troubleshooting tree could not be loaded"</h1>
                <pre>{err.to_string()}</pre>
            </main>
        }
        .into_any(),
    }
}

#[component]
fn Wizard(
    /// The built-in decision tree.
    tree: &'static Tree,
) -> impl IntoView {
    let wizard = Wizard::new(tree);
    provide_context(wizard);

    persist::restore(wizard);
    persist::keep_saved(wizard);
    history::sync_with_url(wizard);
    history::focus_new_steps(wizard);
    history::follow_findings(wizard);
    let config_problems = portal::load(wizard);

    let product_name = move || wizard.config.with(|c| c.product_name.clone());
    Effect::new(move |_| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&product_name());
        }
    });

    view! {
        <a class="skip-link" href="#main">"Skip to the wizard"</a>
        <header class="site-header">
            <div>
                <h1 data-testid="product-name">{product_name}</h1>
                <p class="tagline">
                    "Find why TLS fails between Envoy proxies: App Mesh first, any Envoy mesh by the same evidence."
                </p>
            </div>
            <button type="button" data-testid="clear-everything" on:click=move |_| wizard.clear_everything()>
                "Clear everything"
            </button>
            <portal::ConfigNotice problems=config_problems />
        </header>
        <main id="main" tabindex="-1">
            <SymptomChoice />
            <div class="workspace">
                <div class="walk">
                    <CurrentNode />
                </div>
                <div class="side">
                    <EvidencePanel />
                    <FindingsPanel />
                </div>
            </div>
        </main>
        <footer class="site-footer">
            <p>"Everything you paste stays in this browser tab. Nothing is sent anywhere."</p>
        </footer>
        <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
            {move || wizard.announcement.get()}
        </div>
    }
}

/// The step or conclusion shown now, with the path that led to it.
#[component]
fn CurrentNode() -> impl IntoView {
    let wizard = use_wizard();
    move || {
        let id = wizard.current_id.get()?;
        let node = wizard.tree.node(&id)?;
        let shown = match node {
            Node::Step(step) => view! { <StepView step=step /> }.into_any(),
            Node::Conclusion(conclusion) => {
                view! { <ConclusionView conclusion=conclusion /> }.into_any()
            }
        };
        Some(view! {
            {shown}
            <PathMap />
        })
    }
}
