//! TODO: scaffold, replaced by the real parser.

use super::Warning;

#[derive(Clone, Debug, Default)]
pub struct Stats;

/// Parses `/stats` plain text, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse_text(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let _ = (text, first_line);
    (Stats, Vec::new())
}

/// Parses `/stats?format=json`.
pub fn parse_json(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let _ = (text, first_line);
    (Stats, Vec::new())
}

/// Parses `/stats/prometheus`.
pub fn parse_prometheus(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let _ = (text, first_line);
    (Stats, Vec::new())
}
