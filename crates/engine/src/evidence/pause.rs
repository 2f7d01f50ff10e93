//! Pause points in long parses.
//!
//! A browser page parses on its main thread, where nothing else runs until the
//! parse returns. The line loops of the parsers call [`Pause::pause`] every
//! [`LINES_PER_PAUSE`] lines and await what it returns, so a caller can hand
//! the thread back to the browser there and show how far the parse got. The
//! engine stays free of any clock or web dependency: the caller decides when
//! to really pause. [`NoPause`] never does, and [`run_to_end`] runs such a
//! parse to its end in one call.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Lines a parser reads between two calls to [`Pause::pause`]. A plain /stats
/// line takes well under a microsecond natively, so this is a few
/// milliseconds of work in a browser, and the calls cost nothing measurable.
pub const LINES_PER_PAUSE: usize = 8_192;

/// The caller's side of a pause point.
pub trait Pause {
    /// Receives how far the parse got. The parse goes on when the returned
    /// future completes.
    fn pause(&mut self, progress: Progress) -> impl Future<Output = ()>;
}

/// The pass over the lines that a parse is in. Detection reads every line
/// once to find the kind of each. Then each part's parser reads its lines,
/// and a /stats parser groups the stats it read by listener and cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    Detection,
    Parsing,
    Grouping,
}

/// How far a parse got: `lines_read` of the `lines_total` lines of a pass
/// (stats, when grouping).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub pass: Pass,
    pub lines_read: usize,
    pub lines_total: usize,
}

impl Progress {
    /// Returns the share of the whole parse done, in thousandths. The shares
    /// of the passes are estimates from an instruction count of a 50,000-line
    /// /stats dump (with the line index and key scan counted as detection):
    /// detection 40 %, parsing 32 %, grouping 28 %.
    pub fn permille(&self) -> u32 {
        let (base, share) = match self.pass {
            Pass::Detection => (0, 400),
            Pass::Parsing => (400, 320),
            Pass::Grouping => (720, 280),
        };
        let total = self.lines_total.max(1);
        let read = self.lines_read.min(total);
        base + (share * read / total) as u32
    }
}

/// A pause point that never pauses.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPause;

impl Pause for NoPause {
    fn pause(&mut self, _progress: Progress) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// Runs `future` to its end on this thread and returns its output. Meant for
/// a parse given [`NoPause`], which is ready at its first poll: a future that
/// waits for something outside it would make this spin forever.
pub fn run_to_end<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

/// Returns whether a parser pauses before `line` (0-based) of a pass: at the
/// start of every run of [`LINES_PER_PAUSE`] lines but the first. A plain
/// check, so a line loop awaits only where it pauses.
pub(crate) fn is_due(line: usize) -> bool {
    line > 0 && line.is_multiple_of(LINES_PER_PAUSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records every call, and is ready at once.
    #[derive(Default)]
    struct Recorder(Vec<Progress>);

    impl Pause for Recorder {
        fn pause(&mut self, progress: Progress) -> impl Future<Output = ()> {
            self.0.push(progress);
            std::future::ready(())
        }
    }

    #[test]
    fn is_due_every_run_of_lines() {
        let mut recorder = Recorder::default();
        let total = LINES_PER_PAUSE * 2 + 5;
        let run = async {
            for line in 0..total {
                if is_due(line) {
                    let progress =
                        Progress { pass: Pass::Parsing, lines_read: line, lines_total: total };
                    recorder.pause(progress).await;
                }
            }
        };
        run_to_end(run);
        let read: Vec<usize> = recorder.0.iter().map(|progress| progress.lines_read).collect();
        assert_eq!(read, vec![LINES_PER_PAUSE, LINES_PER_PAUSE * 2]);
        assert!(recorder.0.iter().all(|progress| progress.lines_total == total));
    }

    #[test]
    fn permille_cases() {
        let cases = [
            ("detection start", Pass::Detection, 0, 100, 0),
            ("detection half", Pass::Detection, 50, 100, 200),
            ("parsing start", Pass::Parsing, 0, 100, 400),
            ("parsing done", Pass::Parsing, 100, 100, 720),
            ("grouping half", Pass::Grouping, 50, 100, 860),
            ("grouping done", Pass::Grouping, 100, 100, 1000),
            ("past the end", Pass::Grouping, 150, 100, 1000),
            ("no lines", Pass::Detection, 0, 0, 0),
        ];
        for (name, pass, lines_read, lines_total, expected) in cases {
            let progress = Progress { pass, lines_read, lines_total };
            assert_eq!(progress.permille(), expected, "case {name}");
        }
    }

    #[test]
    fn run_to_end_returns_output() {
        assert_eq!(run_to_end(async { 7 }), 7);
        assert_eq!(
            run_to_end(NoPause.pause(Progress {
                pass: Pass::Parsing,
                lines_read: 1,
                lines_total: 2
            })),
            ()
        );
    }
}
