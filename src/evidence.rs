//! The evidence panel: pastes and files, each kept as a named item with its
//! detected kind and the parser's warnings.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::browser;
use crate::persist;
use crate::state::{use_wizard, Paste, Wizard};

/// Number of parser warnings listed per paste before "and N more".
const SHOWN_WARNINGS: usize = 5;

/// Size in bytes above which a paste or file shows the busy state before it
/// is parsed. Parsing and diagnosing run on the main thread, so the page does
/// not respond until they end. The release build in headless Chromium reads
/// a 4.2 MiB /stats dump in about 0.65 s (scripts/bench.sh, 2 shared cores),
/// so this size takes an estimated 80 ms. That is under 100 ms, the usual
/// guideline for a response to input that still feels immediate.
///
/// NOTE: the page still freezes for the length of the parse (seconds for
/// tens of megabytes), and pastes restored from storage after a reload are
/// parsed without the busy state. Parsing in a Web Worker would need the
/// parsed inputs, which the report, certificate and counter views read, to
/// cross to the page.
const BUSY_THRESHOLD_BYTES: usize = 512 * 1024;

/// The pastes and files being read, by name, while the busy state is shown.
#[derive(Clone, Copy)]
struct Busy(RwSignal<Vec<String>>);

impl Busy {
    /// Runs `add` at once for small evidence. For evidence above
    /// [`BUSY_THRESHOLD_BYTES`] it first shows the busy state and lets the
    /// browser paint it, then runs `add` and the diagnosis, then hides it.
    fn add(self, wizard: Wizard, label: String, bytes: usize, add: impl FnOnce() + 'static) {
        if bytes <= BUSY_THRESHOLD_BYTES {
            add();
            return;
        }
        let entry = format!("{label} ({})", megabytes(bytes));
        self.0.update(|names| names.push(entry.clone()));
        spawn_local(async move {
            after_next_paint().await;
            add();
            // The findings memo runs here, inside the busy state, instead of
            // when the findings panel renders after it.
            wizard.diagnosis.with_untracked(|_| ());
            self.0.update(|names| {
                if let Some(index) = names.iter().position(|name| *name == entry) {
                    names.remove(index);
                }
            });
        });
    }

    fn is_busy(self) -> bool {
        self.0.with(|names| !names.is_empty())
    }
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// Resolves after the browser has painted the next frame: a timeout queued
/// from a requestAnimationFrame callback runs once that frame is drawn.
async fn after_next_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        request_animation_frame(move || {
            set_timeout(
                move || {
                    let _ = resolve.call0(&JsValue::NULL);
                },
                Duration::ZERO,
            );
        });
    });
    let _ = JsFuture::from(promise).await;
}

/// The paste area, the file input and the list of pastes.
#[component]
pub fn EvidencePanel() -> impl IntoView {
    let wizard = use_wizard();
    let text = wizard.draft_text;
    let name = wizard.draft_name;
    let dragging = RwSignal::new(false);
    let busy = Busy(RwSignal::new(Vec::new()));

    let add_paste = move || {
        let pasted = text.get_untracked();
        if pasted.trim().is_empty() {
            wizard.announcement.set("The paste area is empty: paste some evidence first.".into());
            return;
        }
        let pasted_name = name.get_untracked();
        let label = if pasted_name.trim().is_empty() {
            "the paste".to_string()
        } else {
            pasted_name.trim().to_string()
        };
        text.set(String::new());
        name.set(String::new());
        busy.add(wizard, label, pasted.len(), move || wizard.add_evidence(&pasted_name, &pasted));
    };
    let on_keydown = move |event: ev::KeyboardEvent| {
        if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            add_paste();
        }
    };
    let on_files = move |event: ev::Event| {
        let input = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        let Some(input) = input else { return };
        read_files(wizard, busy, browser::files_of(input.files()));
        // Clearing lets the same file be chosen again after it was removed.
        input.set_value("");
    };
    let on_drop = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        let files = browser::files_of(event.data_transfer().and_then(|d| d.files()));
        read_files(wizard, busy, files);
    };
    let on_dragover = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(true);
    };

    view! {
        <section
            class="panel evidence"
            aria-labelledby="evidence-heading"
            aria-busy=move || if busy.is_busy() { "true" } else { "false" }
        >
            <h2 id="evidence-heading">"Evidence"</h2>
            <p class="hint">
                "Paste what Envoy shows you: admin /stats or /certs output, log lines, PEM certificates, or the target group description. It is read in this browser and sent nowhere."
            </p>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=on_dragover
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label class="field-label" for="evidence-input">"Paste evidence"</label>
                <textarea
                    id="evidence-input"
                    class="evidence-input"
                    data-testid="evidence-input"
                    spellcheck="false"
                    aria-describedby="evidence-input-hint"
                    prop:value=move || text.get()
                    on:input:target=move |event| text.set(event.target().value())
                    on:keydown=on_keydown
                ></textarea>
                <p id="evidence-input-hint" class="hint">
                    "Drop files here too. Ctrl+Enter adds the paste."
                </p>
            </div>
            <div class="evidence-controls">
                <label class="visually-hidden" for="evidence-name">"Name of this paste"</label>
                <input
                    id="evidence-name"
                    type="text"
                    data-testid="evidence-name"
                    placeholder="Name (optional)"
                    prop:value=move || name.get()
                    on:input:target=move |event| name.set(event.target().value())
                />
                <button
                    type="button"
                    class="primary"
                    data-testid="evidence-add"
                    disabled=move || busy.is_busy()
                    on:click=move |_| add_paste()
                >
                    "Add paste"
                </button>
            </div>
            <div class="evidence-controls">
                <label class="file-label">
                    <span class="field-label">"Or choose files"</span>
                    <input type="file" multiple data-testid="evidence-file" on:change=on_files />
                </label>
            </div>
            <HostField />
            {move || wizard.storage_problem.get().map(|problem| view! {
                <p class="notice warning" data-testid="storage-problem">{problem}</p>
            })}
            <BusyStatus busy=busy />
            <PasteList />
            <crate::bars::CounterBars />
            <crate::certs::CertificatesPanel />
        </section>
    }
}

/// The name the client asked for, which SAN checks compare against.
#[component]
fn HostField() -> impl IntoView {
    let wizard = use_wizard();
    view! {
        <div class="evidence-controls">
            <label class="field-label" for="evidence-host">
                "Host name the client requested (optional, for SAN checks)"
            </label>
            <input
                id="evidence-host"
                type="text"
                data-testid="evidence-host"
                placeholder="backend.example.local"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || wizard.host.get()
                on:input:target=move |event| persist::save_host(&event.target().value())
                on:change:target=move |event| wizard.host.set(event.target().value())
            />
        </div>
    }
}

/// Renders a polite live region that names the pastes being read while the
/// busy state is shown. The region stays in the page, so screen readers
/// announce what appears in it.
#[component]
fn BusyStatus(busy: Busy) -> impl IntoView {
    let message = move || {
        busy.0.with(|names| {
            (!names.is_empty()).then(|| {
                view! {
                    <p class="notice warning" data-testid="evidence-busy">
                        {format!(
                            "Reading {}. The page does not respond until the evidence is parsed and diagnosed.",
                            names.join(", ")
                        )}
                    </p>
                }
            })
        })
    };
    view! { <div role="status" aria-live="polite">{message}</div> }
}

fn read_files(wizard: Wizard, busy: Busy, files: Vec<web_sys::File>) {
    for file in files {
        spawn_local(async move {
            match browser::read_file_bytes(&file).await {
                Ok(bytes) => {
                    let name = file.name();
                    let size = bytes.len();
                    let add = move || wizard.add_evidence_bytes(&name, bytes);
                    busy.add(wizard, file.name(), size, add);
                }
                Err(err) => {
                    wizard.announcement.set(format!("Reading {} failed: {err}", file.name()))
                }
            }
        });
    }
}

/// The pastes given so far, newest last.
#[component]
fn PasteList() -> impl IntoView {
    let wizard = use_wizard();
    let pastes = Memo::new(move |_| wizard.evidence.with(|e| e.pastes().to_vec()));
    view! {
        <ul class="evidence-items" aria-label="Pastes">
            <For each=move || pastes.get() key=|paste| paste.id let:paste>
                <PasteItem paste=paste />
            </For>
        </ul>
    }
}

/// Removes a paste. Focus would fall back to the page's body with the removed
/// button, so it moves to the remove button of the item that takes its place,
/// else of the one before, else to the paste area.
fn remove_and_move_focus(wizard: Wizard, id: u64) {
    let position = wizard.evidence.with_untracked(|e| e.pastes().iter().position(|p| p.id == id));
    wizard.remove_evidence(id);
    let button = |nth: usize| {
        format!(r#".evidence-items > li:nth-child({nth}) [data-testid="evidence-remove"]"#)
    };
    let mut targets = Vec::new();
    if let Some(position) = position {
        // nth-child counts from 1, so the next item is now at position + 1.
        targets.push(button(position + 1));
        if position > 0 {
            targets.push(button(position));
        }
    }
    targets.push("#evidence-input".to_string());
    browser::focus_first_of(targets);
}

/// One paste: name, kind, size, warnings and a remove button.
#[component]
fn PasteItem(
    /// What the page shows of the paste.
    paste: Paste,
) -> impl IntoView {
    let wizard = use_wizard();
    let id = paste.id;
    let kind = if paste.part_kinds.len() > 1 {
        format!("{} ({})", paste.kind, paste.part_kinds.join(", "))
    } else {
        paste.kind.clone()
    };
    let hidden = paste.warnings.len().saturating_sub(SHOWN_WARNINGS);
    let warnings = (!paste.warnings.is_empty()).then(|| {
        let items = paste
            .warnings
            .iter()
            .take(SHOWN_WARNINGS)
            .map(|w| view! { <li>{w.clone()}</li> })
            .collect_view();
        view! {
            <ul class="warnings" data-testid="evidence-warnings">
                {items}
                {(hidden > 0).then(|| view! { <li>{format!("and {hidden} more")}</li> })}
            </ul>
        }
    });
    let key_notice = (paste.keys_removed > 0).then(|| {
        view! {
            <p class="notice error" data-testid="private-key-removed">
                "This paste held a private key. It was removed before anything read it, and it is not kept, stored or shown. Treat the key as exposed if you pasted it anywhere else."
            </p>
        }
    });
    let lines = if paste.line_count == 1 {
        "1 line".to_string()
    } else {
        format!("{} lines", paste.line_count)
    };

    view! {
        <li class="evidence-item" data-testid="evidence-item" data-kind=paste.kind.clone()>
            <div class="evidence-item-head">
                <span class="evidence-item-name" data-testid="evidence-item-name">{paste.name.clone()}</span>
                <span class="kind" data-testid="evidence-kind">{kind}</span>
                <span class="hint">{lines}</span>
                <button
                    type="button"
                    class="small"
                    data-testid="evidence-remove"
                    aria-label=format!("Remove {}", paste.name)
                    on:click=move |_| remove_and_move_focus(wizard, id)
                >
                    "Remove"
                </button>
            </div>
            {key_notice}
            {warnings}
        </li>
    }
}
