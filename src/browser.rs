//! Thin wrappers over the browser APIs the page uses: the URL fragment and
//! history, sessionStorage, the clipboard, file reading and the clock.
//!
//! Every wrapper returns `Option` or `Result` instead of panicking, because a
//! page embedded in an iframe or opened from a file can lack any of these.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Returns the URL fragment without its leading `#`, percent-decoded.
pub fn current_fragment() -> String {
    let hash = window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let raw = hash.strip_prefix('#').unwrap_or(&hash);
    js_sys::decode_uri_component(raw)
        .ok()
        .and_then(|decoded| decoded.as_string())
        .unwrap_or_else(|| raw.to_string())
}

/// Adds a history entry whose URL carries `fragment`, so the browser's back and
/// forward buttons move between steps. An empty fragment drops the `#`.
pub fn push_fragment(fragment: &str) {
    change_fragment(fragment, false);
}

/// Replaces the current history entry's fragment without adding an entry.
pub fn replace_fragment(fragment: &str) {
    change_fragment(fragment, true);
}

fn change_fragment(fragment: &str, replace: bool) {
    let Some(window) = window() else { return };
    if current_fragment() == fragment {
        return;
    }
    let location = window.location();
    let url = if fragment.is_empty() {
        // pathname + search keeps the page under whatever sub-path it is hosted.
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    } else {
        format!("#{fragment}")
    };
    let Ok(history) = window.history() else { return };
    let result = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    };
    if let Err(err) = result {
        leptos::logging::warn!("updating the URL fragment failed: {}", describe(&err));
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.session_storage().ok().flatten())
}

/// Returns the sessionStorage value under `key`, if storage is available.
pub fn session_get(key: &str) -> Option<String> {
    session_storage().and_then(|s| s.get_item(key).ok().flatten())
}

/// The error of [`session_set`] when the browser's quota is reached.
pub const STORAGE_FULL: &str = "the browser's session storage for this page is full";

/// Stores `value` under `key`; fails when storage is off or full.
pub fn session_set(key: &str, value: &str) -> Result<(), String> {
    let storage = session_storage().ok_or("sessionStorage is not available in this browser")?;
    storage.set_item(key, value).map_err(|err| {
        let name = js_sys::Reflect::get(&err, &JsValue::from_str("name")).ok();
        if name.and_then(|name| name.as_string()).as_deref() == Some("QuotaExceededError") {
            STORAGE_FULL.to_string()
        } else {
            describe(&err)
        }
    })
}

/// Removes `key` from sessionStorage.
pub fn session_remove(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Copies `text` to the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.map(|_| ()).map_err(|err| describe(&err))
}

/// Reads the bytes of a chosen or dropped file. The page decodes them itself,
/// so it can say where the file is not UTF-8 (`Blob.text()` would hide it).
pub async fn read_file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let value = JsFuture::from(file.array_buffer()).await.map_err(|err| describe(&err))?;
    Ok(js_sys::Uint8Array::new(&value).to_vec())
}

/// Fetches a file of the site (a relative URL) as text; `Ok(None)` when the
/// server has no such file.
pub async fn fetch_site_text(relative_url: &str) -> Result<Option<String>, String> {
    let window = window().ok_or("no window")?;
    let response =
        JsFuture::from(window.fetch_with_str(relative_url)).await.map_err(|err| describe(&err))?;
    let response: web_sys::Response = response.dyn_into().map_err(|err| describe(&err))?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return Err(format!("{relative_url}: HTTP status {}", response.status()));
    }
    let text = response.text().map_err(|err| describe(&err))?;
    let text = JsFuture::from(text).await.map_err(|err| describe(&err))?;
    Ok(text.as_string())
}

/// Collects the files of a `FileList` (from an input or a drop).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|index| list.item(index)).collect()
}

/// Returns the current time in unix seconds. The engine never reads a clock, so
/// the page passes this in.
pub fn now_unix_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Puts the keyboard focus on the element with `id`, after the next render.
pub fn focus_by_id(id: &'static str) {
    focus_first_of(vec![format!("#{id}")]);
}

/// Puts the keyboard focus, after the next render, on the first element that
/// matches one of `selectors`, tried in order.
pub fn focus_first_of(selectors: Vec<String>) {
    let focus = move || {
        let Some(document) = window().and_then(|w| w.document()) else { return };
        let element = selectors
            .iter()
            .find_map(|selector| document.query_selector(selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    };
    leptos::prelude::request_animation_frame(focus);
}

fn describe(err: &JsValue) -> String {
    if let Some(error) = err.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

/// Sets a User Timing mark named `name`. Marks are for the performance
/// budget script, so a browser without the Performance API only loses them.
pub fn performance_mark(name: &str) {
    if let Some(performance) = window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Records the time from the mark `start` until now as the User Timing
/// measure `name`, and clears the mark.
pub fn performance_measure(name: &str, start: &str) {
    if let Some(performance) = window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
        performance.clear_marks_with_mark_name(start);
    }
}

/// Returns the time in milliseconds since the page started, from the
/// Performance API, or 0 without it.
pub fn performance_now() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |performance| performance.now())
}
