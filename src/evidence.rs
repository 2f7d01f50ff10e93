//! The evidence panel: pastes and files, each kept as a named item with its
//! detected kind and the parser's warnings.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::busy::{Busy, BusyItem, Source};
use crate::persist;
use crate::state::{use_wizard, Paste, Wizard};

/// Number of parser warnings listed per paste before "and N more".
const SHOWN_WARNINGS: usize = 5;

/// The paste area, the file input and the list of pastes.
#[component]
pub fn EvidencePanel() -> impl IntoView {
    let wizard = use_wizard();
    let text = wizard.draft_text;
    let name = wizard.draft_name;
    let dragging = RwSignal::new(false);
    let busy = wizard.busy;

    let add_paste = move || {
        let pasted = text.get_untracked();
        if pasted.trim().is_empty() {
            wizard.announcement.set("The paste area is empty: paste some evidence first.".into());
            return;
        }
        let pasted_name = name.get_untracked();
        text.set(String::new());
        name.set(String::new());
        wizard.read_evidence(Source::Paste { name: pasted_name, text: pasted });
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
        read_files(wizard, browser::files_of(input.files()));
        // Clearing lets the same file be chosen again after it was removed.
        input.set_value("");
    };
    let on_drop = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        let files = browser::files_of(event.data_transfer().and_then(|d| d.files()));
        read_files(wizard, files);
    };
    let on_dragover = move |event: ev::DragEvent| {
        event.prevent_default();
        dragging.set(true);
    };

    view! {
        <section class="panel evidence" aria-labelledby="evidence-heading">
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
            {move || wizard.restore_notice.get().map(|notice| view! {
                <p class="notice warning" data-testid="restore-notice">{notice}</p>
            })}
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
                on:change:target=move |event| set_host(wizard, event.target().value())
            />
        </div>
    }
}

/// Renders a polite live region that names the evidence being read and the
/// stage of each, with a progress bar per item. The region stays in the page,
/// so screen readers announce what appears in it.
#[component]
fn BusyStatus(busy: Busy) -> impl IntoView {
    let items = busy.items();
    let notice = move || {
        items.with(|items| {
            (!items.is_empty()).then(|| {
                let rows = items.iter().map(busy_row).collect_view();
                view! {
                    <div class="notice warning busy" data-testid="evidence-busy">
                        <ul class="busy-items">{rows}</ul>
                        <p class="hint">
                            "Large evidence is read in steps. The page may stop responding for a moment during a step."
                        </p>
                    </div>
                }
            })
        })
    };
    view! { <div role="status" aria-live="polite">{notice}</div> }
}

fn busy_row(item: &BusyItem) -> impl IntoView {
    view! {
        <li data-testid="evidence-busy-item">
            <span>{item.describe()}</span>
            <progress
                max="100"
                value=item.progress()
                aria-label=format!("Progress of {}", item.label)
            ></progress>
        </li>
    }
}

/// Reads chosen or dropped files one after the other, so they join the
/// evidence in the order given, which numbers files of the same name as the
/// command-line tool does.
fn read_files(wizard: Wizard, files: Vec<web_sys::File>) {
    spawn_local(async move {
        for file in files {
            match browser::read_file_bytes(&file).await {
                Ok(bytes) => wizard.read_evidence(Source::File { name: file.name(), bytes }),
                Err(err) => {
                    wizard.announcement.set(format!("Reading {} failed: {err}", file.name()))
                }
            }
        }
    });
}

/// Passes the host name to the diagnosis, unless it looks like a private key,
/// which findings would quote.
fn set_host(wizard: Wizard, host: String) {
    if crate::redact::is_key_like(&host) {
        wizard.host.set(String::new());
        wizard.announcement.set(
            "The host name looked like a private key, so it was not used or kept. Type the name the client requested.".into(),
        );
        return;
    }
    wizard.host.set(host);
}

/// The pastes given so far, newest last. The list is marked busy while large
/// evidence is read into it. The busy notice is outside the list, so screen
/// readers announce the notice at once.
#[component]
fn PasteList() -> impl IntoView {
    let wizard = use_wizard();
    let busy = wizard.busy;
    let pastes = Memo::new(move |_| wizard.evidence.with(|e| e.pastes().to_vec()));
    view! {
        <ul
            class="evidence-items"
            aria-label="Pastes"
            aria-busy=move || if busy.is_busy() { "true" } else { "false" }
        >
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
