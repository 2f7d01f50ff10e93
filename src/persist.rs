//! Keeps pastes and answers in sessionStorage, so a reload loses nothing.
//!
//! sessionStorage lives as long as the tab and is never sent anywhere. Text
//! that still mentions a private key after redaction is not stored at all:
//! when in doubt, the paste is only kept in memory, and the page says so.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::browser;
use crate::busy::Source;
use crate::redact;
use crate::state::{Evidence, Wizard};

const EVIDENCE_KEY: &str = "meshtls.v1.evidence";
const WALK_KEY: &str = "meshtls.v1.walk";
const HOST_KEY: &str = "meshtls.v1.host";
const DRAFT_KEY: &str = "meshtls.v1.draft";

/// Size of one storage area in Chromium (`kPerStorageAreaQuota`, 10 MiB, in
/// components/services/storage/dom_storage/dom_storage_constants.cc), which
/// counts at least one byte per character. Firefox allows 5 MiB, so there
/// pastes between the two sizes still reach `setItem` and fail there.
const STORAGE_QUOTA_BYTES: usize = 10 * 1024 * 1024;

/// Largest draft (text typed or pasted but not yet added) kept for a reload.
/// Each keystroke rewrites it, and writing megabytes to sessionStorage takes
/// tens of milliseconds, which typing would feel.
const DRAFT_LIMIT_BYTES: usize = 256 * 1024;

/// The paste area's text and name, before "Add paste".
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Draft {
    name: String,
    text: String,
}

/// One stored paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPaste {
    pub name: String,
    pub text: String,
    #[serde(default)]
    pub keys_removed: usize,
    /// Line of the first invalid UTF-8 sequence of the file it came from.
    #[serde(default)]
    pub invalid_utf8_line: Option<usize>,
    /// The paste is marked as the trust bundle.
    #[serde(default)]
    pub trust_bundle: bool,
}

/// Serializes the pastes that may be stored; returns the JSON and the names
/// of the pastes left out because they mention a private key.
pub fn encode_pastes(evidence: &Evidence) -> (String, Vec<String>) {
    let mut saved = Vec::new();
    let mut left_out = Vec::new();
    for (paste, input) in evidence.iter() {
        if redact::mentions_private_key(&input.text) || redact::mentions_private_key(&paste.name) {
            left_out.push(paste.name.clone());
            continue;
        }
        saved.push(SavedPaste {
            name: paste.name.clone(),
            text: input.text.clone(),
            keys_removed: paste.keys_removed,
            invalid_utf8_line: paste.invalid_utf8_line,
            trust_bundle: paste.trust_bundle,
        });
    }
    let json = serde_json::to_string(&saved).unwrap_or_else(|_| "[]".to_string());
    (json, left_out)
}

/// Reads stored pastes; unreadable storage gives none rather than an error,
/// since there is nothing the person could do about it.
pub fn decode_pastes(json: &str) -> Vec<SavedPaste> {
    serde_json::from_str::<Vec<SavedPaste>>(json)
        .unwrap_or_default()
        .into_iter()
        .filter(|paste| !redact::mentions_private_key(&paste.text))
        .collect()
}

/// Restores the stored pastes, host and walk into `wizard`. The URL fragment,
/// when there is one, wins over the stored walk: it is what the person opened.
pub fn restore(wizard: Wizard) {
    if let Some(json) = browser::session_get(EVIDENCE_KEY) {
        for paste in decode_pastes(&json) {
            wizard.read_evidence(Source::Restored(paste));
        }
    }
    if let Some(host) = browser::session_get(HOST_KEY) {
        wizard.host.set(host);
    }
    if let Some(draft) = browser::session_get(DRAFT_KEY) {
        let draft: Draft = serde_json::from_str(&draft).unwrap_or_default();
        wizard.draft_text.set(draft.text);
        wizard.draft_name.set(draft.name);
    }
    let fragment = browser::current_fragment();
    if !fragment.is_empty() {
        wizard.load_fragment(&fragment);
    } else if let Some(stored) = browser::session_get(WALK_KEY).filter(|f| !f.is_empty()) {
        wizard.load_fragment(&stored);
        browser::replace_fragment(&stored);
    }
}

/// Saves pastes, host and walk whenever they change.
pub fn keep_saved(wizard: Wizard) {
    // The pastes are written in a task of their own, because serializing and
    // storing megabytes would lengthen the task that draws a new paste.
    let write_pending = StoredValue::new(false);
    Effect::new(move |_| {
        // Until every stored paste is read back, storage contains more than
        // the page, and a reload in between must find all of it.
        if wizard.busy.is_restoring() {
            return;
        }
        wizard.evidence.track();
        if write_pending.get_value() {
            return;
        }
        write_pending.set_value(true);
        set_timeout(
            move || {
                if write_pending.get_value() {
                    write_pending.set_value(false);
                    save_pastes(wizard);
                }
            },
            Duration::ZERO,
        );
    });
    // A reload or a closed tab before that task runs still keeps the pastes.
    let _ = window_event_listener(ev::pagehide, move |_| {
        if write_pending.get_value() {
            write_pending.set_value(false);
            save_pastes(wizard);
        }
    });

    Effect::new(move |_| wizard.host.with(|host| save_host(host)));

    Effect::new(move |_| {
        let draft = Draft { name: wizard.draft_name.get(), text: wizard.draft_text.get() };
        save_draft(&draft);
    });

    Effect::new(move |_| {
        let fragment = wizard.walker.with(|w| w.as_ref().map(|w| w.to_fragment()));
        match fragment {
            Some(fragment) => {
                if let Err(err) = browser::session_set(WALK_KEY, &fragment) {
                    leptos::logging::warn!("storing the answers failed: {err}");
                }
            }
            None => browser::session_remove(WALK_KEY),
        }
    });
}

/// Writes the pastes to storage, or removes them when there are none, and
/// sets or clears the page's note on what could not be kept.
fn save_pastes(wizard: Wizard) {
    if wizard.evidence.with_untracked(|e| e.is_empty()) {
        browser::session_remove(EVIDENCE_KEY);
        wizard.storage_problem.set(None);
        return;
    }
    let text_bytes: usize =
        wizard.evidence.with_untracked(|e| e.inputs().iter().map(|input| input.text.len()).sum());
    if text_bytes > STORAGE_QUOTA_BYTES {
        // Serializing tens of megabytes takes longer than the parse, only for
        // the browser to reject them.
        browser::session_remove(EVIDENCE_KEY);
        wizard.storage_problem.set(Some(format!(
            "The pastes could not be kept for a reload (the browser's session storage for this page is full: they are {:.1} MB, and it keeps at most 10 MiB); they stay on this page until you close or reload it.",
            text_bytes as f64 / 1_000_000.0
        )));
        return;
    }
    let (json, left_out) = wizard.evidence.with_untracked(encode_pastes);
    let problem = match browser::session_set(EVIDENCE_KEY, &json) {
        Err(err) => Some(format!(
            "The pastes could not be kept for a reload ({err}); they stay on this page until you close or reload it."
        )),
        Ok(()) if !left_out.is_empty() => Some(format!(
            "Not kept for a reload because it mentions a private key: {}.",
            left_out.join(", ")
        )),
        Ok(()) => None,
    };
    wizard.storage_problem.set(problem);
}

/// Stores the host name as it is typed, before the field's change event
/// passes it to the diagnosis, so a reload in between keeps it.
pub fn save_host(host: &str) {
    if host.is_empty() {
        browser::session_remove(HOST_KEY);
    } else if let Err(err) = browser::session_set(HOST_KEY, host) {
        leptos::logging::warn!("storing the host name failed: {err}");
    }
}

/// Stores the draft, unless it is empty, too large or mentions a private key.
fn save_draft(draft: &Draft) {
    // The cheap checks go first: a paste of megabytes arrives here on its
    // input event, and is neither scanned nor serialized.
    let keep = !(draft.text.is_empty() && draft.name.is_empty())
        && draft.text.len() <= DRAFT_LIMIT_BYTES
        && !redact::mentions_private_key(&draft.text)
        && !redact::mentions_private_key(&draft.name);
    let json = if keep { serde_json::to_string(draft).ok() } else { None };
    let Some(json) = json else {
        browser::session_remove(DRAFT_KEY);
        return;
    };
    if let Err(err) = browser::session_set(DRAFT_KEY, &json) {
        leptos::logging::warn!("storing the paste area's text failed: {err}");
    }
}

/// Removes everything the page stored.
pub fn forget() {
    for key in [EVIDENCE_KEY, WALK_KEY, HOST_KEY, DRAFT_KEY] {
        browser::session_remove(key);
    }
}

#[cfg(test)]
mod tests {
    use meshtls_engine::diagnosis::Input;

    use super::*;

    #[test]
    fn decode_drops_text_mentioning_private_key() {
        let json =
            r#"[{"name":"a","text":"ok"},{"name":"b","text":"-----BEGIN PRIVATE KEY-----"}]"#;
        let pastes = decode_pastes(json);
        assert_eq!(pastes.len(), 1);
        assert_eq!(pastes[0].name, "a");
        assert_eq!(pastes[0].keys_removed, 0);
    }

    #[test]
    fn encode_leaves_out_text_mentioning_private_key() {
        let mut evidence = Evidence::default();
        evidence.push(1, Input::parse("notes", "upstream connect error"), 0, None);
        evidence.push(2, Input::parse("log", "could not load the PRIVATE KEY file"), 0, None);
        evidence.push(3, Input::parse("secret", "\n\n\nend of secret"), 1, Some(2));

        let (json, left_out) = encode_pastes(&evidence);
        assert_eq!(left_out, vec!["log".to_string()]);
        let saved = decode_pastes(&json);
        let names: Vec<&str> = saved.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["notes", "secret"]);
        assert_eq!(saved[1].keys_removed, 1);
        assert_eq!(saved[1].text, "\n\n\nend of secret");
        assert_eq!(saved[1].invalid_utf8_line, Some(2));
    }

    #[test]
    fn decode_of_garbage_is_empty() {
        assert!(decode_pastes("not json").is_empty());
        assert!(decode_pastes(r#"{"name":"a"}"#).is_empty());
    }
}
