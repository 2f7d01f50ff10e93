//! The rules that turn evidence records into findings, one file per family.
//!
//! Every rule states the source of its facts next to it. A rule adds findings,
//! rules causes out, and requests more evidence through the [`Collector`];
//! ranking and merging happen afterwards in [`super::rank`].

pub(crate) mod certificates;
mod certs;
mod connectivity;
mod counters;
mod elb;
mod messages;
mod stats;

use std::collections::{HashMap, HashSet};

use super::{Code, EvidenceLine, Finding, Input, NextStep, Options, RuledOut};
use crate::evidence::messages::Event;
use crate::evidence::Records;

/// The findings, ruled-out causes, next steps and notes of the rules, before ranking.
#[derive(Clone, Debug, Default)]
pub(crate) struct Collector {
    /// One finding per code and subject: [`Collector::add`] merges repeats.
    pub findings: Vec<Finding>,
    /// Position in `findings` of each code and subject.
    finding_index: HashMap<(Code, Option<String>), usize>,
    pub ruled_out: Vec<RuledOut>,
    /// Each step with the code it helps decide: the step is dropped when ranking
    /// removes that code (a generic failure folded into its specific cause).
    pub next_steps: Vec<(Option<Code>, NextStep)>,
    pub notes: Vec<String>,
    /// Notes about one line each, kept once per input and text until
    /// [`Collector::write_line_notes`] turns them into `notes`.
    line_notes: Vec<LineNote>,
    /// Position in `line_notes` of each (input name, text).
    line_note_index: HashMap<(String, String), usize>,
}

/// A note that a log may repeat on thousands of lines: the first line it
/// applies to and how many more lines it applies to.
#[derive(Clone, Debug)]
struct LineNote {
    input: String,
    first_line: usize,
    /// The line last added, so two messages on one line count once.
    last_line: usize,
    more_lines: usize,
    text: String,
}

impl Collector {
    /// Adds `finding`, or merges it into the finding with the same code and
    /// subject: a log that repeats a failure then costs one finding, not one per
    /// line. Merged evidence lines keep their repeats until ranking removes them.
    pub fn add(&mut self, finding: Finding) {
        let key = (finding.code, finding.subject.clone());
        let Some(kept) = self.finding_index.get(&key).and_then(|&i| self.findings.get_mut(i))
        else {
            self.finding_index.insert(key, self.findings.len());
            self.findings.push(finding);
            return;
        };
        kept.confidence = kept.confidence.max(finding.confidence);
        kept.evidence.extend(finding.evidence);
        // Details differ per validator text or alert, not per line, so in a real
        // log this search covers a few items, however many lines repeat them.
        for detail in finding.details {
            if !kept.details.contains(&detail) {
                kept.details.push(detail);
            }
        }
    }

    /// Records evidence against `code`. Later evidence against the same code
    /// (another listener or cluster) joins the first entry, up to
    /// [`MAX_RULED_OUT_EVIDENCE`] quoted lines.
    pub fn rule_out(&mut self, code: Code, reason: impl Into<String>, evidence: Vec<EvidenceLine>) {
        match self.ruled_out.iter_mut().find(|entry| entry.code == code) {
            Some(entry) => {
                for line in evidence {
                    if entry.evidence.len() >= MAX_RULED_OUT_EVIDENCE {
                        break;
                    }
                    if !entry.evidence.contains(&line) {
                        entry.evidence.push(line);
                    }
                }
            }
            None => self.ruled_out.push(RuledOut { code, reason: reason.into(), evidence }),
        }
    }

    pub fn next_step(&mut self, what: impl Into<String>, command: Option<&str>) {
        self.push_step(None, what.into(), command);
    }

    /// Adds a step that only matters while a finding with `code` remains.
    pub fn next_step_for(&mut self, code: Code, what: impl Into<String>, command: Option<&str>) {
        self.push_step(Some(code), what.into(), command);
    }

    fn push_step(&mut self, code: Option<Code>, what: String, command: Option<&str>) {
        let step = NextStep { what, command: command.map(str::to_string) };
        if !self.next_steps.iter().any(|(_, known)| *known == step) {
            self.next_steps.push((code, step));
        }
    }

    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Adds a note about line `line` of `input`. A note with the same text on
    /// other lines of the same input is written once, as
    /// `<input> line <first> (and <n> more lines): <text>`.
    pub fn note_line(&mut self, input: &Input, line: usize, text: String) {
        let key = (input.name().to_string(), text);
        match self.line_note_index.get(&key).and_then(|&index| self.line_notes.get_mut(index)) {
            Some(known) if known.last_line == line => {}
            Some(known) => {
                known.first_line = known.first_line.min(line);
                known.last_line = line;
                known.more_lines += 1;
            }
            None => {
                let (input, text) = key.clone();
                self.line_note_index.insert(key, self.line_notes.len());
                self.line_notes.push(LineNote {
                    input,
                    first_line: line,
                    last_line: line,
                    more_lines: 0,
                    text,
                });
            }
        }
    }

    /// Moves the notes of [`Collector::note_line`] into `notes`, in the order
    /// they were first added.
    pub fn write_line_notes(&mut self) {
        self.line_note_index.clear();
        for note in std::mem::take(&mut self.line_notes) {
            let more = match note.more_lines {
                0 => String::new(),
                1 => " (and 1 more line)".to_string(),
                n => format!(" (and {n} more lines)"),
            };
            self.note(format!("{} line {}{more}: {}", note.input, note.first_line, note.text));
        }
    }
}

/// Makes a verifier message a sentence: a capital first letter and a final period.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut sentence: String = first.to_uppercase().chain(chars).collect();
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}

/// Quoted lines kept for one ruled-out code; a dump of thousands of clusters
/// would otherwise quote every one of them.
const MAX_RULED_OUT_EVIDENCE: usize = 10;

/// Quotes line `line` of `input`, or nothing when the line does not exist.
///
/// Lines inside a pasted private key block are never quoted: the marker line
/// is quoted in their place, so a finding can point at the key without
/// repeating it.
pub(crate) fn quote(input: &Input, line: usize) -> Option<EvidenceLine> {
    let number = input.private_key_marker(line).unwrap_or(line);
    let text = input.line(number)?;
    Some(EvidenceLine { input: input.name().to_string(), line: number, text: clip_quote(text) })
}

/// Longest quoted line, in characters. `/stats?format=json` and some log shippers
/// put megabytes on one line; quoting all of it in every finding made large dumps
/// slow to diagnose and the report unreadable.
pub const MAX_QUOTED_CHARS: usize = 400;

/// Cuts `text` after [`MAX_QUOTED_CHARS`] characters and says how much was left out.
fn clip_quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => {
            let left_out = text.len() - cut;
            let kept = text.get(..cut).unwrap_or(text);
            format!("{kept} [... {left_out} more bytes]")
        }
    }
}

/// Quotes every line of `lines` that exists, in order, without repeats.
pub(crate) fn quote_all(
    input: &Input,
    lines: impl IntoIterator<Item = usize>,
) -> Vec<EvidenceLine> {
    let mut quoted: Vec<EvidenceLine> = Vec::new();
    // Lines inside one private key block quote the same marker line, so a
    // repeat is detected by the quoted line's number.
    let mut quoted_numbers = HashSet::new();
    for line in lines {
        if let Some(evidence) = quote(input, line) {
            if quoted_numbers.insert(evidence.line) {
                quoted.push(evidence);
            }
        }
    }
    quoted
}

/// The kind of input a message came from, which shows who printed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An Envoy process log line.
    EnvoyLog,
    /// An access log entry's details or transport failure reason.
    AccessLog,
    /// Any other text: a response body, `curl -v`, `openssl s_client`, a gRPC error.
    Other,
}

/// A message found in an input, with where it was found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found<'a> {
    pub input: &'a Input,
    pub line: usize,
    pub origin: Origin,
    pub event: &'a Event,
}

impl Found<'_> {
    pub fn quote(&self) -> Vec<EvidenceLine> {
        quote(self.input, self.line).into_iter().collect()
    }
}

/// Returns every message the parsers found in `inputs`, in input and line order.
pub(crate) fn messages(inputs: &[Input]) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    for input in inputs {
        for part in &input.parsed.parts {
            match &part.records {
                Records::EnvoyLog(log) => {
                    for entry in &log.entries {
                        for event in &entry.events {
                            found.push(Found {
                                input,
                                line: entry.line,
                                origin: Origin::EnvoyLog,
                                event,
                            });
                        }
                    }
                }
                Records::AccessLog(log) => {
                    for entry in &log.entries {
                        for event in &entry.events {
                            found.push(Found {
                                input,
                                line: entry.line,
                                origin: Origin::AccessLog,
                                event,
                            });
                        }
                    }
                }
                Records::Other(other) => {
                    for line in other.lines_with_events() {
                        for event in &line.events {
                            found.push(Found {
                                input,
                                line: line.line,
                                origin: Origin::Other,
                                event,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// Runs every rule family.
pub(crate) fn run_all(inputs: &[Input], options: &Options, out: &mut Collector) {
    let found = messages(inputs);
    messages::run(&found, options, out);
    connectivity::run_messages(&found, out);
    connectivity::run_access_logs(inputs, out);
    certs::run(inputs, options, out);
    certificates::run(inputs, options, out);
    elb::run(inputs, out);
    for snapshot in stats::snapshots(inputs, out) {
        stats::connectivity(&snapshot, out);
        counters::run(&snapshot, options, out);
    }
    out.write_line_notes();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_quote_keeps_short_lines() {
        assert_eq!(clip_quote("cluster.a.ssl.handshake: 3"), "cluster.a.ssl.handshake: 3");
    }

    #[test]
    fn clip_quote_cuts_long_lines_on_a_char_boundary() {
        let line = "é".repeat(MAX_QUOTED_CHARS + 10);
        let clipped = clip_quote(&line);
        assert!(clipped.starts_with(&"é".repeat(MAX_QUOTED_CHARS)));
        assert!(clipped.ends_with("[... 20 more bytes]"), "{clipped}");
    }

    fn input(text: &str) -> Input {
        Input::parse("paste", text)
    }

    #[test]
    fn line_notes_merge_repeats() {
        let first = input("a\nb\nc\n");
        let second = Input::parse("other", "a\n");
        let mut out = Collector::default();
        out.note_line(&first, 2, "closed".to_string());
        out.note_line(&first, 2, "closed".to_string());
        out.note_line(&first, 3, "closed".to_string());
        out.note_line(&first, 1, "reset".to_string());
        out.note_line(&second, 1, "closed".to_string());
        out.write_line_notes();
        assert_eq!(
            out.notes,
            [
                "paste line 2 (and 1 more line): closed",
                "paste line 1: reset",
                "other line 1: closed"
            ]
        );
    }

    #[test]
    fn quote_keeps_line_text_and_number() {
        let paste = input("first\r\nsecond\n");
        let quoted = quote(&paste, 2);
        assert_eq!(
            quoted,
            Some(EvidenceLine { input: "paste".into(), line: 2, text: "second".into() })
        );
        assert_eq!(quote(&paste, 3), None);
        assert_eq!(quote(&paste, 0), None);
    }

    #[test]
    fn quote_never_repeats_private_key_lines() {
        let paste = input(
            "cert\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBase64Secret\n-----END EC PRIVATE KEY-----\nafter",
        );
        let inside = quote(&paste, 3);
        assert_eq!(inside.as_ref().map(|line| line.line), Some(2));
        // Input::parse removed the key, markers included.
        assert_eq!(inside.map(|line| line.text), Some(String::new()));
        assert_eq!(quote(&paste, 4).map(|line| line.line), Some(2));
        assert_eq!(quote(&paste, 5).map(|line| line.text), Some("after".into()));
    }
}
