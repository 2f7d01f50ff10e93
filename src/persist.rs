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
use crate::busy::{megabytes, Source};
use crate::redact;
use crate::state::{Evidence, Wizard};

const EVIDENCE_KEY: &str = "meshtls.v1.evidence";
const WALK_KEY: &str = "meshtls.v1.walk";
const HOST_KEY: &str = "meshtls.v1.host";
const DRAFT_KEY: &str = "meshtls.v1.draft";
/// The pastes that storage does not keep, so the page can name them after a reload.
const UNKEPT_KEY: &str = "meshtls.v1.unkept";
/// Large evidence still being read, which a reload would lose.
const READING_KEY: &str = "meshtls.v1.reading";

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
    /// First and last line of each removed key block, which the key finding
    /// quotes in place of the key.
    #[serde(default)]
    pub key_lines: Vec<(usize, usize)>,
    /// Line of the first invalid UTF-8 sequence of the file it came from.
    #[serde(default)]
    pub invalid_utf8_line: Option<usize>,
    /// The paste is marked as the trust bundle.
    #[serde(default)]
    pub trust_bundle: bool,
}

/// The reason a paste is not in storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotKept {
    /// The text or name still mentions a private key after redaction.
    PrivateKey,
    /// The pastes together are larger than the browser keeps.
    TooLarge,
    /// The evidence was still being read.
    StillReading,
}

/// A paste that a reload does not bring back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unkept {
    pub name: String,
    pub bytes: usize,
    pub reason: NotKept,
}

/// A paste's name, size and key check, for planning what storage keeps.
struct Candidate {
    name: String,
    bytes: usize,
    mentions_private_key: bool,
}

/// Chooses the pastes to store: every paste that mentions no private key,
/// less the largest ones until the rest fits in `quota` bytes. Returns the
/// positions kept, in order, and the pastes left out.
fn plan_storage(candidates: &[Candidate], quota: usize) -> (Vec<usize>, Vec<Unkept>) {
    let unkept = |candidate: &Candidate, reason| Unkept {
        name: candidate.name.clone(),
        bytes: candidate.bytes,
        reason,
    };
    let mut left_out: Vec<Unkept> = candidates
        .iter()
        .filter(|candidate| candidate.mentions_private_key)
        .map(|candidate| unkept(candidate, NotKept::PrivateKey))
        .collect();
    let mut kept: Vec<usize> = (0..candidates.len())
        .filter(|&position| candidates.get(position).is_some_and(|c| !c.mentions_private_key))
        .collect();

    let bytes_of = |position: &usize| candidates.get(*position).map_or(0, |c| c.bytes);
    while kept.iter().map(bytes_of).sum::<usize>() > quota {
        let Some(largest) = largest_position(&kept, bytes_of) else { break };
        let position = kept.remove(largest);
        if let Some(candidate) = candidates.get(position) {
            left_out.push(unkept(candidate, NotKept::TooLarge));
        }
    }
    (kept, left_out)
}

/// Returns the index in `kept` of the largest paste.
fn largest_position(kept: &[usize], bytes_of: impl Fn(&usize) -> usize) -> Option<usize> {
    kept.iter().enumerate().max_by_key(|(_, position)| bytes_of(position)).map(|(index, _)| index)
}

/// Serializes the pastes at positions `kept` of `evidence`.
fn encode_pastes(evidence: &Evidence, kept: &[usize]) -> String {
    let saved: Vec<SavedPaste> = evidence
        .iter()
        .enumerate()
        .filter(|(position, _)| kept.contains(position))
        .map(|(_, (paste, input))| SavedPaste {
            name: paste.name.clone(),
            text: input.text.clone(),
            keys_removed: paste.keys_removed,
            key_lines: paste.key_lines.clone(),
            invalid_utf8_line: paste.invalid_utf8_line,
            trust_bundle: paste.trust_bundle,
        })
        .collect();
    serde_json::to_string(&saved).unwrap_or_else(|_| "[]".to_string())
}

/// Describes what storage left out, for the page's notice.
fn describe_unkept(unkept: &[Unkept]) -> Option<String> {
    let names = |reason: NotKept| -> Vec<String> {
        unkept
            .iter()
            .filter(|paste| paste.reason == reason)
            .map(|paste| format!("{} ({})", paste.name, megabytes(paste.bytes)))
            .collect()
    };
    let mut sentences = Vec::new();
    let too_large = names(NotKept::TooLarge);
    if !too_large.is_empty() {
        sentences.push(format!(
            "Not kept for a reload because the pastes are larger than the browser's session storage keeps for this page (at most 10 MiB): {}. {} on this page until you close or reload it.",
            too_large.join(", "),
            if too_large.len() == 1 { "It stays" } else { "They stay" }
        ));
    }
    let with_key: Vec<&str> = unkept
        .iter()
        .filter(|paste| paste.reason == NotKept::PrivateKey)
        .map(|paste| paste.name.as_str())
        .collect();
    if !with_key.is_empty() {
        sentences.push(format!(
            "Not kept for a reload because it mentions a private key: {}.",
            with_key.join(", ")
        ));
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// Describes, after a reload, the evidence that did not come back.
fn describe_lost(lost: &[Unkept]) -> Option<String> {
    let items: Vec<String> = lost
        .iter()
        .map(|paste| {
            let cause = match paste.reason {
                NotKept::PrivateKey => "it mentioned a private key",
                NotKept::TooLarge => "too large for the browser's session storage",
                NotKept::StillReading => "still being read when the page reloaded",
            };
            format!("{} ({}, {cause})", paste.name, megabytes(paste.bytes))
        })
        .collect();
    let again = if items.len() == 1 { "it" } else { "them" };
    (!items.is_empty()).then(|| {
        format!(
            "Not brought back after the reload: {}. Add {again} again to use {again}.",
            items.join("; ")
        )
    })
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
    let mut lost: Vec<Unkept> = [UNKEPT_KEY, READING_KEY]
        .into_iter()
        .filter_map(browser::session_get)
        .flat_map(|json| serde_json::from_str::<Vec<Unkept>>(&json).unwrap_or_default())
        .collect();
    lost.dedup();
    wizard.restore_notice.set(describe_lost(&lost));
    // Evidence being read when the page went away is gone for good.
    browser::session_remove(READING_KEY);

    if let Some(json) = browser::session_get(EVIDENCE_KEY) {
        for paste in decode_pastes(&json) {
            wizard.read_evidence(Source::Restored(paste));
        }
    }
    if let Some(host) = browser::session_get(HOST_KEY).filter(|host| !redact::is_key_like(host)) {
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
    // Large evidence in the queue is in no storage until it is read, so its
    // names are kept, for the notice after a reload. In its drawing stage a
    // paste is in the evidence already, and storage takes it from there.
    // The memo changes only when that list does, not at each step of the
    // progress bar, so storage is written once per change.
    let reading = Memo::new(move |_| {
        wizard.busy.items().with(|items| {
            items
                .iter()
                .filter(|item| !item.restored && !item.is_in_evidence())
                .map(|item| Unkept {
                    name: item.name.clone(),
                    bytes: item.bytes,
                    reason: NotKept::StillReading,
                })
                .collect::<Vec<Unkept>>()
        })
    });
    Effect::new(move |_| reading.with(|reading| store_list(READING_KEY, reading)));

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
        browser::session_remove(UNKEPT_KEY);
        wizard.storage_problem.set(None);
        return;
    }
    let candidates: Vec<Candidate> = wizard.evidence.with_untracked(|e| {
        e.iter()
            .map(|(paste, input)| Candidate {
                name: paste.name.clone(),
                bytes: input.text.len(),
                mentions_private_key: redact::mentions_private_key(&input.text)
                    || redact::mentions_private_key(&paste.name),
            })
            .collect()
    });
    // Serializing tens of megabytes takes longer than the parse, only for the
    // browser to reject them, so what cannot fit is left out first.
    let (mut kept, mut unkept) = plan_storage(&candidates, STORAGE_QUOTA_BYTES);
    let mut failure = None;
    loop {
        let json = wizard.evidence.with_untracked(|e| encode_pastes(e, &kept));
        match browser::session_set(EVIDENCE_KEY, &json) {
            Ok(()) => break,
            // Other browsers keep less than Chromium: the largest paste still
            // kept goes, and the rest is tried again.
            Err(err) if err == browser::STORAGE_FULL && !kept.is_empty() => {
                let bytes_of = |position: &usize| candidates.get(*position).map_or(0, |c| c.bytes);
                let Some(largest) = largest_position(&kept, bytes_of) else { break };
                let position = kept.remove(largest);
                if let Some(candidate) = candidates.get(position) {
                    unkept.push(Unkept {
                        name: candidate.name.clone(),
                        bytes: candidate.bytes,
                        reason: NotKept::TooLarge,
                    });
                }
            }
            Err(err) => {
                failure = Some(format!(
                    "The pastes could not be kept for a reload ({err}); they stay on this page until you close or reload it."
                ));
                break;
            }
        }
    }
    store_list(UNKEPT_KEY, &unkept);
    wizard.storage_problem.set(failure.or_else(|| describe_unkept(&unkept)));
}

/// Stores a list of pastes under `key`, or removes the key when it is empty.
fn store_list(key: &str, pastes: &[Unkept]) {
    if pastes.is_empty() {
        browser::session_remove(key);
        return;
    }
    let json = serde_json::to_string(pastes).unwrap_or_else(|_| "[]".to_string());
    if let Err(err) = browser::session_set(key, &json) {
        leptos::logging::warn!("storing the names of pastes not kept failed: {err}");
    }
}

/// Stores the host name as it is typed, before the field's change event
/// passes it to the diagnosis, so a reload in between keeps it.
pub fn save_host(host: &str) {
    if host.is_empty() || redact::is_key_like(host) {
        browser::session_remove(HOST_KEY);
    } else if let Err(err) = browser::session_set(HOST_KEY, host) {
        leptos::logging::warn!("storing the host name failed: {err}");
    }
}

/// Stores the draft, unless it is empty, too large or mentions a private key.
fn save_draft(draft: &Draft) {
    // The cheap checks go first: a paste of megabytes arrives here on its
    // input event, and is neither scanned nor serialized.
    let empty = draft.text.is_empty() && draft.name.is_empty();
    let keep = !empty
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
    for key in [EVIDENCE_KEY, WALK_KEY, HOST_KEY, DRAFT_KEY, UNKEPT_KEY, READING_KEY] {
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

    fn candidate(name: &str, bytes: usize, mentions_private_key: bool) -> Candidate {
        Candidate { name: name.to_string(), bytes, mentions_private_key }
    }

    #[test]
    fn plan_storage_cases() {
        struct Case {
            name: &'static str,
            candidates: Vec<Candidate>,
            quota: usize,
            kept: Vec<usize>,
            left_out: Vec<(&'static str, NotKept)>,
        }
        let cases = [
            Case {
                name: "all fit",
                candidates: vec![candidate("a", 10, false), candidate("b", 20, false)],
                quota: 30,
                kept: vec![0, 1],
                left_out: vec![],
            },
            Case {
                name: "largest goes first",
                candidates: vec![
                    candidate("a", 10, false),
                    candidate("big", 50, false),
                    candidate("c", 20, false),
                ],
                quota: 40,
                kept: vec![0, 2],
                left_out: vec![("big", NotKept::TooLarge)],
            },
            Case {
                name: "private key never kept",
                candidates: vec![candidate("log", 5, true), candidate("b", 5, false)],
                quota: 100,
                kept: vec![1],
                left_out: vec![("log", NotKept::PrivateKey)],
            },
            Case {
                name: "nothing fits",
                candidates: vec![candidate("a", 50, false), candidate("b", 60, false)],
                quota: 40,
                kept: vec![],
                left_out: vec![("b", NotKept::TooLarge), ("a", NotKept::TooLarge)],
            },
        ];
        for case in cases {
            let (kept, left_out) = plan_storage(&case.candidates, case.quota);
            assert_eq!(kept, case.kept, "case {}", case.name);
            let left_out: Vec<(&str, NotKept)> =
                left_out.iter().map(|paste| (paste.name.as_str(), paste.reason)).collect();
            assert_eq!(left_out, case.left_out, "case {}", case.name);
        }
    }

    #[test]
    fn encode_keeps_chosen_pastes_in_order() {
        let mut evidence = Evidence::default();
        evidence.push(1, Input::parse("notes", "upstream connect error"), 0, None);
        evidence.push(2, Input::parse("log", "could not load the PRIVATE KEY file"), 0, None);
        evidence.push(3, Input::parse("secret", "\n\n\nend of secret"), 1, Some(2));

        let saved = decode_pastes(&encode_pastes(&evidence, &[0, 2]));
        let names: Vec<&str> = saved.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["notes", "secret"]);
        assert_eq!(saved[1].keys_removed, 1);
        assert_eq!(saved[1].text, "\n\n\nend of secret");
        assert_eq!(saved[1].invalid_utf8_line, Some(2));
    }

    #[test]
    fn lost_pastes_are_named_with_reason() {
        let lost = [
            Unkept { name: "stats.txt".into(), bytes: 21_100_000, reason: NotKept::TooLarge },
            Unkept { name: "big.log".into(), bytes: 3_000_000, reason: NotKept::StillReading },
        ];
        let notice = describe_lost(&lost).unwrap_or_default();
        assert!(notice.contains("stats.txt (21.1 MB, too large"), "{notice}");
        assert!(notice.contains("big.log (3.0 MB, still being read"), "{notice}");
        assert_eq!(describe_lost(&[]), None);
    }

    #[test]
    fn decode_of_garbage_is_empty() {
        assert!(decode_pastes("not json").is_empty());
        assert!(decode_pastes(r#"{"name":"a"}"#).is_empty());
    }
}
