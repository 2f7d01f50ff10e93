//! TODO: scaffold, replaced by the real parser.

use super::Warning;

#[derive(Clone, Debug, Default)]
pub struct OtherText;

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (OtherText, Vec<Warning>) {
    let _ = (text, first_line);
    (OtherText, Vec::new())
}
