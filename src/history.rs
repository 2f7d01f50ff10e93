//! Keeps the walk and the URL fragment in step.
//!
//! Each answer, back or symptom choice pushes a history entry (see
//! `Wizard::push_history`), so the browser's back and forward buttons move
//! between steps. Going back or forward, or editing the fragment by hand,
//! fires `popstate` or `hashchange`; both reload the walk from the fragment.
//! Changes that are not a step of their own (evidence answering a step)
//! replace the current entry instead.

use leptos::ev;
use leptos::prelude::*;

use crate::browser;
use crate::state::Wizard;

/// Installs the listeners and the effect that keep URL and walk in step.
pub fn sync_with_url(wizard: Wizard) {
    let follow_url = move || wizard.load_fragment(&browser::current_fragment());
    let popstate = window_event_listener(ev::popstate, move |_| follow_url());
    let hashchange = window_event_listener(ev::hashchange, move |_| follow_url());
    on_cleanup(move || {
        popstate.remove();
        hashchange.remove();
    });

    Effect::new(move |_| {
        let fragment = wizard.walker.with(|w| w.as_ref().map(|w| w.to_fragment()));
        browser::replace_fragment(fragment.as_deref().unwrap_or(""));
    });
}

/// Moves the keyboard focus to the heading of each new step or conclusion,
/// so keyboard and screen reader users start reading where the page changed.
/// The first render keeps the browser's own focus.
pub fn focus_new_steps(wizard: Wizard) {
    Effect::new(move |previous: Option<Option<String>>| {
        let current = wizard.current_id.get();
        if let Some(previous) = previous {
            if previous != current {
                let target = if current.is_some() { "current-heading" } else { "symptom-heading" };
                browser::focus_by_id(target);
            }
        }
        current
    });
}

/// Lets the walk take answers from the findings whenever the findings change.
/// The first run is skipped: a walk opened from a link keeps the evidence
/// answers its fragment carries until the evidence itself changes.
pub fn follow_findings(wizard: Wizard) {
    Effect::new(move |first_done: Option<()>| {
        wizard.diagnosis.track();
        if first_done.is_some() {
            wizard.apply_evidence();
        }
    });
}
