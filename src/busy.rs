//! Reading large evidence in stages, so the page can paint between them.
//!
//! Parsing and diagnosing run on the page's main thread. Small pastes are read
//! at once. A paste, file or restored paste above [`BUSY_THRESHOLD_BYTES`]
//! goes into a queue instead, and each stage of its reading runs in its own
//! task: removing private keys, parsing, diagnosing, drawing. Between stages
//! the browser paints the progress and handles input, and the queue keeps the
//! order in which the evidence was given.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use meshtls_engine::evidence::pause::{Pause, Progress};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::browser;
use crate::persist::SavedPaste;
use crate::state::Wizard;

/// Size in bytes above which evidence is read in stages with a progress
/// notice. The release build in headless Chromium takes about 0.3 s from the
/// paste of a 4.2 MiB /stats dump to its findings (tests/bench/bench.mjs, 2
/// shared cores), so this size takes an estimated 40 ms. That is under
/// 100 ms, the usual guideline for a response to input that still feels
/// immediate.
///
/// NOTE: the parse hands the main thread back to the browser every
/// [`WORK_SLICE_MS`], but key removal, diagnosis and drawing each run as one
/// task, so the page still pauses for the longest of them. Only a Web Worker
/// would remove that pause, and it would need the parsed inputs, which the
/// report, certificate and counter views read, to cross to the page.
pub const BUSY_THRESHOLD_BYTES: usize = 512 * 1024;

/// Maximum stretch of parsing before the browser gets the main thread back.
/// The long tasks API counts a task of 50 ms or more as one in which the page
/// could not respond, so a slice stays below that.
const WORK_SLICE_MS: f64 = 30.0;

/// User Timing names of the parse, which the performance budget script sums.
const PARSE_MEASURE: &str = "meshtls:parse";
const PARSE_MARK: &str = "meshtls:parse:start";

/// The origin of a piece of evidence: a paste, a file or session storage.
pub enum Source {
    /// Text pasted into the paste area, with the name typed for it.
    Paste { name: String, text: String },
    /// A dropped or chosen file's bytes.
    File { name: String, bytes: Vec<u8> },
    /// A paste read back from session storage after a reload.
    Restored(SavedPaste),
}

impl Source {
    /// Returns the name given, or "the paste" when there is none or it looks
    /// like a private key.
    fn label(&self) -> String {
        let name = match self {
            Source::Paste { name, .. } | Source::File { name, .. } => name.trim(),
            Source::Restored(saved) => saved.name.trim(),
        };
        if name.is_empty() || crate::redact::is_key_like(name) {
            "the paste".to_string()
        } else {
            name.to_string()
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Source::Paste { text, .. } => text.len(),
            Source::File { bytes, .. } => bytes.len(),
            Source::Restored(saved) => saved.text.len(),
        }
    }
}

/// The stages of reading one large piece of evidence, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Waiting,
    RemovingKeys,
    Parsing,
    Diagnosing,
    Drawing,
}

impl Stage {}

/// One piece of evidence in the queue, as the busy notice shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BusyItem {
    /// Unique within a page load, to find the item again.
    id: u64,
    /// Name and size, for example `stats.txt (4.2 MB)`.
    pub label: String,
    /// Name alone, for the list of evidence a reload would lose.
    pub name: String,
    pub bytes: usize,
    /// The evidence comes from storage, so a reload does not lose it.
    pub restored: bool,
    pub stage: Stage,
    /// Lines of the text, known once private keys are removed.
    pub lines: Option<usize>,
    /// Share of the parse done, in thousandths, while parsing.
    parse_permille: u32,
}

impl BusyItem {
    /// Returns whether the paste has joined the evidence: it has once the
    /// drawing stage starts.
    pub fn is_in_evidence(&self) -> bool {
        self.stage == Stage::Drawing
    }

    /// Describes the stage in words, for the live region.
    pub fn describe(&self) -> String {
        let stage = match (self.stage, self.lines) {
            (Stage::Waiting, _) => "waiting for the evidence before it".to_string(),
            (Stage::RemovingKeys, _) => "removing private keys".to_string(),
            (Stage::Parsing, Some(1)) => "parsing 1 line".to_string(),
            (Stage::Parsing, Some(lines)) => format!("parsing {} lines", group_digits(lines)),
            (Stage::Parsing, None) => "parsing".to_string(),
            (Stage::Diagnosing, _) => "diagnosing".to_string(),
            (Stage::Drawing, _) => "drawing the results".to_string(),
        };
        format!("Reading {}: {stage}.", self.label)
    }

    /// Returns the progress bar's value in percent. Parsing, the longest
    /// stage, takes the range from 10 to 80 in proportion to its progress.
    pub fn progress(&self) -> u32 {
        match self.stage {
            Stage::Waiting => 0,
            Stage::RemovingKeys => 5,
            Stage::Parsing => 10 + 70 * self.parse_permille.min(1000) / 1000,
            Stage::Diagnosing => 85,
            Stage::Drawing => 95,
        }
    }
}

/// A queued piece of evidence and its entry in the busy notice.
struct Job {
    id: u64,
    source: Source,
}

/// The queue of large evidence being read, and what the busy notice shows.
#[derive(Clone, Copy)]
pub struct Busy {
    items: RwSignal<Vec<BusyItem>>,
    queue: StoredValue<VecDeque<Job>>,
    running: StoredValue<bool>,
    next_id: StoredValue<u64>,
    /// Pastes from storage not yet read back; storage is not rewritten while
    /// there are any, so a reload in the middle loses none of them.
    restoring: RwSignal<usize>,
}

impl Default for Busy {
    fn default() -> Self {
        Busy {
            items: RwSignal::new(Vec::new()),
            queue: StoredValue::new(VecDeque::new()),
            running: StoredValue::new(false),
            next_id: StoredValue::new(1),
            restoring: RwSignal::new(0),
        }
    }
}

impl Busy {
    /// Reads `source` into the evidence: at once when it is small and nothing
    /// is queued before it, else in stages after what is queued.
    pub fn read(self, wizard: Wizard, source: Source) {
        let idle = !self.running.get_value() && self.queue.with_value(VecDeque::is_empty);
        if idle && source.bytes() <= BUSY_THRESHOLD_BYTES {
            read_at_once(wizard, source);
            return;
        }

        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        if matches!(source, Source::Restored(_)) {
            self.restoring.update(|count| *count += 1);
        }
        let name = source.label();
        let bytes = source.bytes();
        let label = format!("{name} ({})", megabytes(bytes));
        let restored = matches!(source, Source::Restored(_));
        // Only evidence queued behind other evidence waits; the rest starts
        // with its first stage in the next task.
        let stage = if idle { Stage::RemovingKeys } else { Stage::Waiting };
        self.items.update(|items| {
            items.push(BusyItem {
                id,
                label,
                name,
                bytes,
                restored,
                stage,
                lines: None,
                parse_permille: 0,
            })
        });
        self.queue.update_value(|queue| queue.push_back(Job { id, source }));

        if !self.running.get_value() {
            self.running.set_value(true);
            spawn_local(async move {
                while let Some(job) = self.queue.try_update_value(VecDeque::pop_front).flatten() {
                    self.run(wizard, job).await;
                }
                self.running.set_value(false);
            });
        }
    }

    pub fn items(self) -> RwSignal<Vec<BusyItem>> {
        self.items
    }

    pub fn is_busy(self) -> bool {
        self.items.with(|items| !items.is_empty())
    }

    /// Returns whether stored pastes are still being read back; tracked.
    pub fn is_restoring(self) -> bool {
        self.restoring.get() > 0
    }

    /// Runs the stages of one job, letting the browser paint after each.
    async fn run(self, wizard: Wizard, job: Job) {
        let Job { id, source } = job;
        let restored = matches!(source, Source::Restored(_));

        self.set_stage(id, Stage::RemovingKeys, None);
        after_next_paint().await;
        let paste = prepare(wizard, source);

        self.set_stage(id, Stage::Parsing, Some(count_lines(&paste.text)));
        after_next_paint().await;
        let mut pause = BrowserPause { busy: self, id, slice_start: browser::performance_now() };
        browser::performance_mark(PARSE_MARK);
        let input = wizard.parse_pausing(&paste, &mut pause).await;
        browser::performance_measure(PARSE_MEASURE, PARSE_MARK);

        self.set_stage(id, Stage::Diagnosing, None);
        after_next_paint().await;
        wizard.push_parsed(paste, input);
        // The findings memo runs here, in this stage, instead of when the
        // findings panel renders in the next one.
        wizard.diagnosis.with_untracked(|_| ());

        self.set_stage(id, Stage::Drawing, None);
        after_next_paint().await;

        self.items.update(|items| items.retain(|item| item.id != id));
        if restored {
            self.restoring.update(|count| *count = count.saturating_sub(1));
        }
    }

    fn set_stage(self, id: u64, stage: Stage, lines: Option<usize>) {
        self.items.update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.id == id) {
                item.stage = stage;
                item.lines = lines.or(item.lines);
            }
        });
    }
}

/// Hands the main thread back to the browser during a parse, after each
/// [`WORK_SLICE_MS`] of work, and shows how far the parse got. Each slice is
/// its own `meshtls:parse` measure, so the measures leave the pauses out.
struct BrowserPause {
    busy: Busy,
    id: u64,
    slice_start: f64,
}

impl Pause for BrowserPause {
    fn pause(&mut self, progress: Progress) -> impl Future<Output = ()> {
        let due = browser::performance_now() - self.slice_start >= WORK_SLICE_MS;
        if due {
            browser::performance_measure(PARSE_MEASURE, PARSE_MARK);
            self.busy.items.update(|items| {
                if let Some(item) = items.iter_mut().find(|item| item.id == self.id) {
                    item.parse_permille = progress.permille();
                }
            });
        }
        let slice_start = &mut self.slice_start;
        async move {
            if due {
                next_task().await;
                browser::performance_mark(PARSE_MARK);
                *slice_start = browser::performance_now();
            }
        }
    }
}

fn read_at_once(wizard: Wizard, source: Source) {
    let paste = prepare(wizard, source);
    let input = wizard.parse(&paste);
    wizard.push_parsed(paste, input);
}

fn prepare(wizard: Wizard, source: Source) -> SavedPaste {
    match source {
        Source::Paste { name, text } => wizard.prepare_text(&name, &text),
        Source::File { name, bytes } => wizard.prepare_bytes(&name, bytes),
        Source::Restored(saved) => wizard.prepare_restored(saved),
    }
}

/// Counts lines as `str::lines` does, with a byte count of line feeds, which
/// takes a fraction of the time of splitting a large text into lines.
fn count_lines(text: &str) -> usize {
    let feeds = text.bytes().filter(|byte| *byte == b'\n').count();
    feeds + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// Writes a size in MB, or in kB below 0.1 MB, where MB would round to 0.0.
pub(crate) fn megabytes(bytes: usize) -> String {
    if bytes < 100_000 {
        return format!("{} kB", bytes.div_ceil(1000));
    }
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// Writes `number` with a comma between groups of three digits (52,000).
fn group_digits(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
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

/// Resolves in a new task, so the browser can handle input and draw a frame
/// in between when one is due.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(
            move || {
                let _ = resolve.call0(&JsValue::NULL);
            },
            Duration::ZERO,
        );
    });
    let _ = JsFuture::from(promise).await;
}

/// Times `work` as a User Timing measure named `name`, which the performance
/// budget script reads; the page never reads it back.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let start = format!("{name}:start");
    browser::performance_mark(&start);
    let result = work();
    browser::performance_measure(name, &start);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_lines_matches_str_lines() {
        let texts = ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n", "\n\n", "é\nü"];
        for text in texts {
            assert_eq!(count_lines(text), text.lines().count(), "{text:?}");
        }
    }

    #[test]
    fn group_digits_cases() {
        let cases =
            [(0, "0"), (999, "999"), (1000, "1,000"), (52_000, "52,000"), (1_234_567, "1,234,567")];
        for (number, expected) in cases {
            assert_eq!(group_digits(number), expected, "number {number}");
        }
    }
}
