//! The page's panic hook and failure banner.
//!
//! The release build aborts on panic (`panic = "abort"`), so after the hook
//! below returns, the wasm instance is dead: no Leptos effect, handler or
//! signal runs again. The hook therefore builds its banner with `web_sys`
//! calls alone, and the banner's buttons are handled by `public/boot.js`,
//! which is JavaScript and outlives the instance. `boot.js` draws the same
//! banner, with the same test ids, when the wasm fails to load or traps
//! without passing through this hook.
//!
//! The pastes, the host name and the walk are in sessionStorage already,
//! because `persist::keep_saved` writes them on every change, so a reload
//! brings them back.

use std::panic::PanicHookInfo;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The window event that makes the page panic on purpose.
const SELFTEST_EVENT: &str = "meshtls-selftest-panic";

/// The sessionStorage key that `boot.js` sets when the banner's reload button
/// is clicked, and removes at the person's first click or key press after
/// the reload.
const RELOADED_AFTER_ERROR_KEY: &str = "meshtls.reloaded-after-error";

/// The banner's paragraph for an error that comes back after a reload before
/// the person did anything: the restored evidence may be what causes it.
const REPEAT_HTML: &str = r#"<p data-testid="panic-repeat">The error came back right after the reload, so the kept evidence may be what causes it. Start over removes it from this tab.</p>"#;

/// Builds the banner's markup, with a heading of `level` (`h1` or `h2`)
/// and the `repeat` paragraph, if any. It is static text: nothing of the
/// panic message or of the pastes goes into it, because a panic message can
/// quote pasted text. The buttons carry
/// `data-panic-action`, which `boot.js` listens for, and `data-reported-by`
/// distinguishes this banner from the one `boot.js` draws.
fn banner_html(level: &str, repeat: &str) -> String {
    format!(
        r#"<div class="panel notice error panic-banner" role="alert" data-testid="panic-banner" data-reported-by="panic-hook" aria-labelledby="panic-banner-heading">
<{level} id="panic-banner-heading">The wizard stopped working</{level}>
<p>An internal error stopped the wizard on this page, so its controls no longer respond. Your pasted evidence and your answers are kept in this tab and come back when you reload, except a paste the page said it could not keep.</p>
{repeat}
<p>
<button type="button" class="primary" data-testid="panic-reset" data-panic-action="reload">Reload, keeping my evidence</button>
<button type="button" data-testid="panic-start-over" data-panic-action="start-over">Start over</button>
</p>
<p class="hint">The browser's developer console has the details of the error.</p>
</div>"#
    )
}

/// Controls of the dead wizard. They are made inert, so the keyboard and
/// screen readers skip what no longer responds, while the page keeps its
/// main landmark and its level-one heading.
const DEAD_CONTROLS: [&str; 2] =
    ["main > :not(.panic-banner):not([inert])", "header button:not([inert])"];

/// Upper bound on the elements made inert, so a selector that keeps matching
/// cannot loop forever inside the panic hook.
const MAX_INERT_ELEMENTS: usize = 64;

/// Installs the panic hook: the message goes to the console, as
/// `console_error_panic_hook` writes it, and the banner goes into the page.
pub fn install() {
    std::panic::set_hook(Box::new(on_panic));
}

fn on_panic(info: &PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    show_banner();
}

/// Puts the banner at the top of the main landmark, once, and moves the
/// focus to its reload button. Before the wizard has mounted there is no
/// main landmark, so the banner brings its own.
fn show_banner() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if let Ok(Some(_)) = document.query_selector("[data-testid=\"panic-banner\"]") {
        return;
    }
    let repeat = if reloaded_after_error() { REPEAT_HTML } else { "" };
    let inserted = match document.query_selector("main") {
        Ok(Some(main)) => main.insert_adjacent_html("afterbegin", &banner_html("h2", repeat)),
        _ => body.insert_adjacent_html(
            "afterbegin",
            &format!("<main id=\"main\">{}</main>", banner_html("h1", repeat)),
        ),
    };
    if inserted.is_err() {
        return;
    }
    for selector in DEAD_CONTROLS {
        for _ in 0..MAX_INERT_ELEMENTS {
            let Ok(Some(element)) = document.query_selector(selector) else { break };
            if element.set_attribute("inert", "").is_err() {
                break;
            }
        }
    }
    let reload = document
        .query_selector("[data-testid=\"panic-reset\"]")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(reload) = reload {
        let _ = reload.focus();
    }
}

/// Returns whether this page was loaded by the banner's reload button and
/// the person has not clicked or typed since.
fn reloaded_after_error() -> bool {
    web_sys::window()
        .and_then(|window| window.session_storage().ok().flatten())
        .and_then(|storage| storage.get_item(RELOADED_AFTER_ERROR_KEY).ok().flatten())
        .is_some()
}

/// Makes the page panic when a `meshtls-selftest-panic` event reaches the
/// window.
///
/// It exists so that the browser tests can prove the hook on the release
/// build, where a panic aborts. Only a script running in the page can fire
/// the event, and the page's Content Security Policy admits only the site's
/// own scripts, so it takes no user input.
pub fn listen_for_selftest() {
    let Some(window) = web_sys::window() else { return };
    let trigger = Closure::<dyn FnMut()>::new(|| {
        panic!("self-test panic requested by a {SELFTEST_EVENT} event");
    });
    let added =
        window.add_event_listener_with_callback(SELFTEST_EVENT, trigger.as_ref().unchecked_ref());
    if added.is_ok() {
        // The listener lives as long as the page.
        trigger.forget();
    }
}
