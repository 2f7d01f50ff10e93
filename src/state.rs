//! The wizard's shared state: the walk, the pastes and the diagnosis derived
//! from them. Components read it through [`use_wizard`]. Changes to the walk
//! and the pastes go through the methods here, which push the history entries
//! that the browser's back and forward buttons follow.

use std::sync::Arc;

use leptos::prelude::*;
use meshtls_engine::config::Config;
use meshtls_engine::diagnosis::{
    self, blanked_key_evidence, Code, Confidence, Diagnosis, EvidenceLine, Finding, Input, Options,
    Symptom as DiagnosisSymptom,
};
use meshtls_engine::evidence::pause::Pause;
use meshtls_engine::evidence::text::decode_utf16_with_bom;
use meshtls_engine::evidence::Warning;
use meshtls_engine::tree::{EvidenceCode, Tree, Walker};

use crate::browser;
use crate::busy::{timed, Busy, Source};
use crate::persist::SavedPaste;
use crate::redact;

/// The pastes and files the person gave, parsed, in the order given.
///
/// The parsed inputs sit in their own vector because `diagnose` takes a slice
/// of them; `pastes` contains what the page shows of each, at the same index.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    inputs: Vec<Input>,
    pastes: Vec<Paste>,
}

/// The page's summary of one paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paste {
    /// Key for the list; unique within a page load.
    pub id: u64,
    pub name: String,
    /// Detected kind, as the engine names it (`stats-text`, `certs`, `mixed`...).
    pub kind: String,
    /// Kinds of the parts of a mixed paste.
    pub part_kinds: Vec<String>,
    pub line_count: usize,
    /// Parser warnings, each with its line ("line 4: expected ...").
    pub warnings: Vec<String>,
    /// Private key blocks removed from the paste before it was parsed.
    pub keys_removed: usize,
    /// First and last line of each removed block; empty for a paste stored by
    /// a version that did not keep them.
    pub key_lines: Vec<(usize, usize)>,
    /// Line of the first byte sequence of a file that was not UTF-8.
    pub invalid_utf8_line: Option<usize>,
    /// The person marked this paste as the trust bundle (the client policy's CA).
    pub trust_bundle: bool,
}

/// The warning for a file that is not valid UTF-8, worded as the `meshtls`
/// command-line tool words it.
const INVALID_UTF8: &str =
    "invalid UTF-8: the input was decoded with each invalid byte sequence replaced by U+FFFD";

/// A file's text and where its first invalid UTF-8 sequence was.
struct Decoded {
    text: String,
    invalid_at: Option<usize>,
}

/// Decodes a dropped or chosen file: UTF-16 when it starts with the byte-order
/// mark, else UTF-8 with each invalid sequence replaced.
fn decode_file(bytes: Vec<u8>) -> Decoded {
    if let Some(text) = decode_utf16_with_bom(&bytes) {
        return Decoded { text, invalid_at: None };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded { text, invalid_at: None },
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let line = 1 + bytes.iter().take(valid_up_to).filter(|byte| **byte == b'\n').count();
            Decoded { text: String::from_utf8_lossy(&bytes).into_owned(), invalid_at: Some(line) }
        }
    }
}

impl Evidence {
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    pub fn pastes(&self) -> &[Paste] {
        &self.pastes
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// Iterates over the page data and the input of each paste, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Paste, &Input)> {
        self.pastes.iter().zip(self.inputs.iter())
    }

    pub(crate) fn push(
        &mut self,
        id: u64,
        input: Input,
        keys_removed: usize,
        invalid_utf8_line: Option<usize>,
    ) {
        let parsed = &input.parsed;
        let paste = Paste {
            id,
            name: parsed.name.clone(),
            kind: parsed.kind.as_str().to_string(),
            part_kinds: parsed.parts.iter().map(|part| part.kind.as_str().to_string()).collect(),
            line_count: input.line_count(),
            warnings: parsed.warnings.iter().map(ToString::to_string).collect(),
            keys_removed,
            key_lines: Vec::new(),
            invalid_utf8_line,
            trust_bundle: false,
        };
        self.pastes.push(paste);
        self.inputs.push(input);
    }

    /// Returns the pastes marked as the trust bundle, for `Options::trust_bundle`.
    /// They also stay in the evidence. The certificate cases shared by the
    /// browser and CLI tests check that the codes match `meshtls diagnose
    /// --trust-bundle`, where the bundle files are not evidence.
    pub fn trust_bundle_inputs(&self) -> Vec<Input> {
        self.iter()
            .filter(|(paste, _)| paste.trust_bundle)
            .map(|(_, input)| input.clone())
            .collect()
    }

    fn set_key_lines(&mut self, id: u64, key_lines: Vec<(usize, usize)>) {
        if let Some(paste) = self.pastes.iter_mut().find(|paste| paste.id == id) {
            paste.key_lines = key_lines;
        }
    }

    fn set_trust_bundle(&mut self, id: u64, marked: bool) {
        if let Some(paste) = self.pastes.iter_mut().find(|paste| paste.id == id) {
            paste.trust_bundle = marked;
        }
    }

    fn remove(&mut self, id: u64) {
        if let Some(index) = self.pastes.iter().position(|paste| paste.id == id) {
            self.pastes.remove(index);
            self.inputs.remove(index);
        }
    }
}

/// Runs the engine over the pastes, and reports the private keys that the
/// page removed before the engine could see them, with the engine's own
/// finding for a pasted key.
fn diagnose(evidence: &Evidence, options: &Options) -> Diagnosis {
    let mut result = diagnosis::diagnose(evidence.inputs(), options);
    for paste in evidence.pastes().iter().filter(|p| p.keys_removed > 0) {
        let blocks = if paste.keys_removed == 1 {
            "1 private key block was".to_string()
        } else {
            format!("{} private key blocks were", paste.keys_removed)
        };
        let evidence = paste.key_lines.iter().map(|&(first, last)| EvidenceLine {
            input: paste.name.clone(),
            line: first,
            text: blanked_key_evidence(first, last),
        });
        result.findings.push(
            Finding::new(Code::TlsPrivateKeyPasted, Confidence::Confirmed)
                .with_subject(paste.name.clone())
                .with_detail(format!(
                    "{blocks} blanked out of this paste before anything read it; the lines \
                     are empty and nothing of the key is kept, stored or shown."
                ))
                .with_evidence(evidence),
        );
    }
    result
}

/// Adds the page's own warnings to a parsed paste. A paste that held only a
/// private key keeps none, as `Input::parse` does when it removes the key
/// itself: the key notice and finding report it, and "input holds only
/// whitespace" would contradict them.
fn add_paste_warnings(paste: &SavedPaste, input: &mut Input) {
    if paste.keys_removed > 0 && paste.text.trim().is_empty() {
        input.parsed.warnings.clear();
    }
    if let Some(line) = paste.invalid_utf8_line {
        input.parsed.warnings.insert(0, Warning::at_line(line, INVALID_UTF8));
    }
}

/// Handles to the wizard's signals; `Copy`, so closures take it by value.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub tree: &'static Tree,
    /// `None` until a symptom is chosen.
    pub walker: RwSignal<Option<Walker<'static>>>,
    pub evidence: RwSignal<Evidence>,
    /// The name the client requested, for SAN checks; empty when unknown.
    pub host: RwSignal<String>,
    /// Text in the paste area and its name, not yet added as evidence.
    pub draft_text: RwSignal<String>,
    pub draft_name: RwSignal<String>,
    /// The portal configuration: where documentation and escalation links point.
    pub config: RwSignal<Config>,
    /// Text for the polite live region, read by screen readers.
    pub announcement: RwSignal<String>,
    /// The reason the pastes could not be kept across a reload, if any.
    pub storage_problem: RwSignal<Option<String>>,
    /// The evidence that the last reload did not bring back, if any.
    pub restore_notice: RwSignal<Option<String>>,
    pub diagnosis: Memo<Arc<Diagnosis>>,
    /// The id of the node shown (step or conclusion), for focus and keys.
    pub current_id: Memo<Option<String>>,
    /// Large evidence being read in stages.
    pub busy: Busy,
    next_item_id: StoredValue<u64>,
}

/// Returns the wizard state provided by the app.
pub fn use_wizard() -> Wizard {
    expect_context::<Wizard>()
}

impl Wizard {
    /// Creates the state with nothing chosen and nothing pasted.
    pub fn new(tree: &'static Tree) -> Wizard {
        let walker: RwSignal<Option<Walker<'static>>> = RwSignal::new(None);
        let evidence: RwSignal<Evidence> = RwSignal::new(Evidence::default());
        let host = RwSignal::new(String::new());

        // Only the symptom id, so that answering a step does not re-run diagnose.
        let symptom_id =
            Memo::new(move |_| walker.with(|w| w.as_ref().map(|w| w.symptom().id.clone())));
        let diagnosis = Memo::new_with_compare(
            move |_| {
                let host = host.with(|h| Some(h.trim().to_string()).filter(|h| !h.is_empty()));
                let options = Options {
                    now: browser::now_unix_seconds(),
                    host,
                    symptom: symptom_id
                        .with(|id| id.as_deref().and_then(DiagnosisSymptom::from_id)),
                    trust_bundle: evidence.with(Evidence::trust_bundle_inputs),
                };
                Arc::new(timed("meshtls:diagnose", || evidence.with(|e| diagnose(e, &options))))
            },
            |old, new| match (old, new) {
                (Some(old), Some(new)) => !Arc::ptr_eq(old, new),
                _ => true,
            },
        );
        let current_id = Memo::new(move |_| {
            walker.with(|w| w.as_ref().and_then(|w| w.current()).map(|node| node.id().to_string()))
        });

        Wizard {
            tree,
            walker,
            evidence,
            host,
            draft_text: RwSignal::new(String::new()),
            draft_name: RwSignal::new(String::new()),
            config: RwSignal::new(Config::default()),
            announcement: RwSignal::new(String::new()),
            storage_problem: RwSignal::new(None),
            restore_notice: RwSignal::new(None),
            diagnosis,
            current_id,
            busy: Busy::default(),
            next_item_id: StoredValue::new(1),
        }
    }

    /// Starts a walk for `symptom_id`, answered from the evidence at hand.
    pub fn choose_symptom(self, symptom_id: &str) {
        let Ok(mut walker) = Walker::new(self.tree, symptom_id) else {
            leptos::logging::warn!("unknown symptom {symptom_id}");
            return;
        };
        walker.apply_evidence(self.evidence_codes_untracked());
        self.walker.set(Some(walker));
        self.push_history();
    }

    /// Records the person's answer to `step_id` and moves on.
    pub fn answer(self, step_id: &str, answer_id: &str) {
        let mut failed = None;
        self.walker.update(|w| {
            if let Some(w) = w {
                if let Err(err) = w.answer(step_id, answer_id) {
                    failed = Some(err.to_string());
                }
            }
        });
        if let Some(err) = failed {
            leptos::logging::warn!("answer rejected: {err}");
        }
        self.push_history();
    }

    /// Shows the previous step; at the first step, returns to the symptom choice.
    pub fn back(self) {
        let mut moved = false;
        self.walker.update(|w| {
            if let Some(w) = w {
                moved = w.back();
            }
        });
        if !moved {
            self.walker.set(None);
        }
        self.push_history();
    }

    /// Shows the answered step `step_id` of the path again, to review or change it.
    pub fn revisit(self, step_id: &str) {
        self.walker.update(|w| {
            let Some(w) = w else { return };
            // The path is short (tens of steps at most), so stepping back is cheap.
            while w.current().is_some_and(|node| node.id() != step_id) {
                if !w.back() {
                    break;
                }
            }
        });
        self.push_history();
    }

    /// Forgets the person's answers and starts the same symptom again.
    pub fn restart(self) {
        self.walker.update(|w| {
            if let Some(w) = w {
                w.restart();
            }
        });
        self.push_history();
    }

    /// Drops the walk and shows the symptom choice.
    pub fn choose_again(self) {
        self.walker.set(None);
        self.push_history();
    }

    /// Replaces the walk with the state a URL fragment describes (from the
    /// address bar, the history or storage). Does nothing when it is the same.
    pub fn load_fragment(self, fragment: &str) {
        let (walker, warnings) = Walker::from_fragment(self.tree, fragment);
        for warning in &warnings {
            leptos::logging::warn!("{warning}");
        }
        let unchanged = self.walker.with_untracked(|current| *current == walker);
        if !unchanged {
            self.walker.set(walker);
        }
    }

    /// Removes private keys from a paste and gives it a unique name.
    pub fn prepare_text(self, name: &str, text: &str) -> SavedPaste {
        let redacted = redact::strip_private_keys(text);
        SavedPaste {
            name: self.unique_name(&self.safe_name(name)),
            text: redacted.text,
            keys_removed: redacted.keys_removed,
            key_lines: redacted.key_lines,
            invalid_utf8_line: None,
            trust_bundle: false,
        }
    }

    /// Decodes a file's bytes as UTF-8, with each invalid sequence replaced by
    /// U+FFFD and a warning at the line of the first one, then removes private
    /// keys and gives it a unique name.
    pub fn prepare_bytes(self, name: &str, bytes: Vec<u8>) -> SavedPaste {
        let decoded = decode_file(bytes);
        let redacted = redact::strip_private_keys(&decoded.text);
        SavedPaste {
            name: self.unique_name(&self.safe_name(name)),
            text: redacted.text,
            keys_removed: redacted.keys_removed,
            key_lines: redacted.key_lines,
            invalid_utf8_line: decoded.invalid_at,
            trust_bundle: false,
        }
    }

    /// Prepares a paste read back from storage, which was stored redacted;
    /// keys are removed again in case an older version stored one.
    pub fn prepare_restored(self, saved: SavedPaste) -> SavedPaste {
        let redacted = redact::strip_private_keys(&saved.text);
        SavedPaste {
            name: self.unique_name(&self.safe_name(&saved.name)),
            text: redacted.text,
            keys_removed: saved.keys_removed + redacted.keys_removed,
            key_lines: [saved.key_lines, redacted.key_lines].concat(),
            invalid_utf8_line: saved.invalid_utf8_line,
            trust_bundle: saved.trust_bundle,
        }
    }

    /// Parses a prepared paste, timed as the User Timing measure `meshtls:parse`.
    pub fn parse(self, paste: &SavedPaste) -> Input {
        let mut input = timed("meshtls:parse", || Input::parse(&paste.name, &paste.text));
        add_paste_warnings(paste, &mut input);
        input
    }

    /// Parses a prepared paste as [`Wizard::parse`] does, awaiting `pause`
    /// every few thousand lines.
    pub async fn parse_pausing(self, paste: &SavedPaste, pause: &mut impl Pause) -> Input {
        let mut input = Input::parse_pausing(&paste.name, &paste.text, pause).await;
        add_paste_warnings(paste, &mut input);
        input
    }

    /// Adds a parsed paste to the evidence.
    pub fn push_parsed(self, paste: SavedPaste, input: Input) {
        let id = self.next_item_id.get_value();
        self.next_item_id.set_value(id + 1);
        self.evidence.update(|evidence| {
            evidence.push(id, input, paste.keys_removed, paste.invalid_utf8_line);
            evidence.set_key_lines(id, paste.key_lines.clone());
            evidence.set_trust_bundle(id, paste.trust_bundle);
        });
    }

    /// Reads evidence: at once when it is small, else in stages with a
    /// progress notice (see [`Busy`]).
    pub fn read_evidence(self, source: Source) {
        self.busy.read(self, source);
    }

    /// Marks or unmarks paste `id` as the trust bundle that chains are verified against.
    pub fn mark_trust_bundle(self, id: u64, marked: bool) {
        self.evidence.update(|evidence| evidence.set_trust_bundle(id, marked));
    }

    pub fn remove_evidence(self, id: u64) {
        let name = self
            .evidence
            .with_untracked(|e| e.pastes().iter().find(|p| p.id == id).map(|p| p.name.clone()));
        self.evidence.update(|evidence| evidence.remove(id));
        if let Some(name) = name {
            self.announcement.set(format!("Removed {name}."));
        }
    }

    /// Forgets every paste, answer and the walk, here and in storage.
    pub fn clear_everything(self) {
        self.evidence.set(Evidence::default());
        self.host.set(String::new());
        self.draft_text.set(String::new());
        self.draft_name.set(String::new());
        self.walker.set(None);
        self.storage_problem.set(None);
        self.restore_notice.set(None);
        self.push_history();
        crate::persist::forget();
        self.announcement.set("Everything was cleared: no paste or answer is kept.".into());
    }

    /// Returns the found and ruled-out codes of the current diagnosis, with the
    /// side each finding names, without subscribing to it.
    pub fn evidence_codes_untracked(self) -> Vec<EvidenceCode> {
        self.diagnosis.with_untracked(|d| EvidenceCode::from_diagnosis(d))
    }

    /// Lets the walk take answers from the current findings. Writes the walker
    /// only when that changes it, so effects that read the walker settle.
    pub fn apply_evidence(self) {
        let codes = self.evidence_codes_untracked();
        let updated = self.walker.with_untracked(|w| {
            let mut next = w.clone()?;
            next.apply_evidence(codes);
            (Some(&next) != w.as_ref()).then_some(next)
        });
        if let Some(next) = updated {
            self.walker.set(Some(next));
        }
    }

    fn push_history(self) {
        let fragment = self.walker.with_untracked(|w| w.as_ref().map(|w| w.to_fragment()));
        browser::push_fragment(fragment.as_deref().unwrap_or(""));
    }

    /// Returns `name` trimmed, or nothing when it looks like a private key,
    /// which findings, reports and the issue link would otherwise quote as
    /// the paste's name. The paste then gets a numbered name.
    fn safe_name(self, name: &str) -> String {
        if redact::is_key_like(name) {
            self.announcement.set(
                "The paste's name looked like a private key, so it was not used and the paste got a numbered name."
                    .into(),
            );
            return String::new();
        }
        name.trim().to_string()
    }

    /// Makes `name` unique among the pastes ("paste 2", "envoy.log (2)"), since
    /// findings quote lines by input name.
    fn unique_name(self, name: &str) -> String {
        let taken: Vec<String> =
            self.evidence.with_untracked(|e| e.pastes().iter().map(|p| p.name.clone()).collect());
        if !name.is_empty() && !taken.iter().any(|t| t == name) {
            return name.to_string();
        }
        if name.is_empty() {
            return (1..)
                .map(|n| format!("paste {n}"))
                .find(|candidate| !taken.contains(candidate))
                .unwrap_or_default();
        }
        (2..)
            .map(|n| format!("{name} ({n})"))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_file_cases() {
        let cases: &[(&str, &[u8], &str, Option<usize>)] = &[
            ("valid", b"a: 1\nb: 2\n", "a: 1\nb: 2\n", None),
            (
                "latin-1 byte on line 3",
                b"a: 1\nb: 2\nc\xe9: 3\n",
                "a: 1\nb: 2\nc\u{FFFD}: 3\n",
                Some(3),
            ),
            ("invalid first byte", b"\xff", "\u{FFFD}", Some(1)),
            ("empty", b"", "", None),
            ("utf-16le with byte-order mark", b"\xff\xfea\x00:\x00 \x001\x00", "a: 1", None),
        ];
        for (name, bytes, text, line) in cases {
            let decoded = decode_file(bytes.to_vec());
            assert_eq!(decoded.text, *text, "case {name}");
            assert_eq!(decoded.invalid_at, *line, "case {name}");
        }
    }
}
