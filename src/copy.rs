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

/// How long the object URL of a download lives after the click. The browser
/// reads the blob after the click returns, so revoking the URL at once could
/// cancel the download. The 10 s is an estimate with a wide margin.
const REVOKE_DELAY: std::time::Duration = std::time::Duration::from_secs(10);

/// Saves a text as a file when pressed: the text goes into a Blob and an object
/// URL, and a temporary `<a download>` link to that URL is clicked. Nothing is
/// sent over the network.
#[component]
pub fn DownloadButton(
    /// The exact text to save, read when the button is pressed.
    text: Signal<String>,
    /// File name the browser suggests.
    #[prop(into)]
    file_name: String,
    /// Visible label of the button.
    #[prop(into)]
    label: String,
    /// Test id of the button.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let wizard = use_wizard();
    let file_name = StoredValue::new(file_name);

    let save = move |_| {
        let name = file_name.get_value();
        let message = match save_text(&name, &text.get_untracked()) {
            Ok(()) => format!("Started the download of {name}."),
            Err(error) => format!("Saving {name} failed: {error}. Use the copy button instead."),
        };
        wizard.announcement.set(message);
    };

    view! {
        <button type="button" class="small" data-testid=testid on:click=save>
            {label}
        </button>
    }
}

/// Starts the browser's download of `text` as `file_name`.
fn save_text(file_name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;

    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;

    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document.create_element("a").map_err(describe)?;
    link.set_attribute("href", &url).map_err(describe)?;
    link.set_attribute("download", file_name).map_err(describe)?;
    let clicked = link
        .dyn_into::<web_sys::HtmlElement>()
        .map(|link| link.click())
        .map_err(|_| "the link is not an HTML element".to_string());

    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        REVOKE_DELAY,
    );
    clicked
}

fn describe(error: wasm_bindgen::JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
