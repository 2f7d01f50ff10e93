//! A button that copies a command or report to the clipboard.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;
use crate::state::use_wizard;

/// Copies `text` when pressed, and says whether that worked.
#[component]
pub fn CopyButton(
    /// The exact text to copy.
    #[prop(into)]
    text: String,
    /// What is copied, for the accessible name ("Copy command").
    #[prop(into)]
    what: String,
    /// Test id of the button, when a test needs one.
    #[prop(optional, into)]
    testid: Option<String>,
) -> impl IntoView {
    let wizard = use_wizard();
    let status = RwSignal::new(None::<bool>);
    let text = StoredValue::new(text);
    let label = format!("Copy {what}");
    let what = StoredValue::new(what);

    let copy = move |_| {
        let text = text.get_value();
        spawn_local(async move {
            let result = browser::copy_text(&text).await;
            let copied = result.is_ok();
            status.set(Some(copied));
            let message = if copied {
                format!("Copied the {} to the clipboard.", what.get_value())
            } else {
                "Copying failed: select the text and press Ctrl+C.".to_string()
            };
            wizard.announcement.set(message);
        });
    };

    view! {
        <button
            type="button"
            class="small"
            aria-label=label
            data-testid=testid
            on:click=copy
        >
            {move || match status.get() {
                Some(true) => "Copied",
                Some(false) => "Copy failed",
                None => "Copy",
            }}
        </button>
    }
}
