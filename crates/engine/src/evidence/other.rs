//! Text that is no other kind but may hold a TLS or connectivity message: `curl -v`
//! output, HTTP response bodies, `openssl s_client` output, gRPC client errors.
//! The lines are kept so the diagnosis can quote them.

use serde::Serialize;

use super::envoy_log::clean_line;
use super::messages::{self, Event};
use super::Warning;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OtherText {
    /// Every non-blank line, in order.
    pub lines: Vec<OtherLine>,
}

impl OtherText {
    /// Returns the lines that hold at least one known message.
    pub fn lines_with_events(&self) -> impl Iterator<Item = &OtherLine> {
        self.lines.iter().filter(|line| !line.events.is_empty())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OtherLine {
    /// 1-based line in the whole input.
    pub line: usize,
    /// The line without its line ending and ANSI colour codes.
    pub text: String,
    pub events: Vec<Event>,
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (OtherText, Vec<Warning>) {
    let mut other = OtherText::default();
    for (offset, raw) in text.lines().enumerate() {
        let line = clean_line(raw);
        if line.trim().is_empty() {
            continue;
        }
        other.lines.push(OtherLine {
            line: first_line + offset,
            events: messages::scan(&line),
            text: line.into_owned(),
        });
    }
    (other, Vec::new())
}
