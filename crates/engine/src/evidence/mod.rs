//! Evidence: the text a person pastes, turned into typed records.
//!
//! Every parser here is total: it returns what it understood plus warnings that
//! name the line (and column, where known) and what was expected. No input makes
//! a parser panic, and an unreadable line never stops the lines after it.

pub mod access_log;
pub mod boringssl;
pub mod certs;
pub mod detect;
pub mod envoy_log;
pub mod messages;
pub mod other;
pub mod pause;
pub mod pem;
pub mod stats;
pub mod target_group;
pub mod text;
pub mod timestamp;

use std::fmt;

use serde::Serialize;

/// The kind of a paste or of one part of it, named as the `meshtls` JSON output names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    StatsText,
    StatsJson,
    StatsPrometheus,
    Certs,
    EnvoyLog,
    AccessLog,
    Pem,
    TargetGroup,
    Other,
    Mixed,
}

impl InputKind {
    /// Returns the stable kebab-case name used in JSON output and on the page.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::StatsText => "stats-text",
            InputKind::StatsJson => "stats-json",
            InputKind::StatsPrometheus => "stats-prometheus",
            InputKind::Certs => "certs",
            InputKind::EnvoyLog => "envoy-log",
            InputKind::AccessLog => "access-log",
            InputKind::Pem => "pem",
            InputKind::TargetGroup => "target-group",
            InputKind::Other => "other",
            InputKind::Mixed => "mixed",
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem a parser met and stepped over: where it is and what was expected.
///
/// `line` is 1-based and counts lines of the whole input, not of the part that
/// a parser was handed, so a person can find it in what they pasted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
}

impl Warning {
    pub fn at_line(line: usize, message: impl Into<String>) -> Self {
        Warning { line, column: None, message: message.into() }
    }

    pub fn at(line: usize, column: usize, message: impl Into<String>) -> Self {
        Warning { line, column: Some(column), message: message.into() }
    }
}

/// Count and first line of the lines a line-by-line parser could not read, so
/// a long paste gets one warning for them instead of one per line.
#[derive(Default)]
pub(crate) struct Skipped {
    count: usize,
    first: Option<usize>,
}

impl Skipped {
    pub(crate) fn line(&mut self, number: usize) {
        self.count += 1;
        self.first.get_or_insert(number);
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Builds the warning, if any line was skipped. `what` completes the
    /// sentence "N line(s) ..." with what the lines are not.
    pub(crate) fn warnings(&self, what: &str) -> Vec<Warning> {
        let Some(first) = self.first else { return Vec::new() };
        let message =
            format!("{} line(s) {what} and were skipped; the first is line {first}", self.count);
        vec![Warning::at_line(first, message)]
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The records of one part of a paste.
// A paste has a handful of parts, so the size of the largest variant costs little
// and boxing it would only add an indirection on every lookup.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Records {
    Stats(stats::Stats),
    Certs(certs::CertsDump),
    EnvoyLog(envoy_log::EnvoyLog),
    AccessLog(access_log::AccessLog),
    Pem(pem::PemBundle),
    TargetGroup(target_group::TargetGroups),
    Other(other::OtherText),
}

/// One part of a paste: a run of lines of a single kind.
#[derive(Clone, Debug)]
pub struct Part {
    pub kind: InputKind,
    /// 1-based number of the first line of this part in the whole input.
    pub first_line: usize,
    /// 1-based number of the last line of this part, inclusive.
    pub last_line: usize,
    pub records: Records,
}

/// A paste after detection and parsing.
#[derive(Clone, Debug)]
pub struct ParsedInput {
    pub name: String,
    /// The kind of the whole input: the kind of its only part, or `Mixed`.
    pub kind: InputKind,
    pub parts: Vec<Part>,
    pub warnings: Vec<Warning>,
}
