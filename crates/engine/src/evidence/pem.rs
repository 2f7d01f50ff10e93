//! TODO: scaffold, replaced by the real parser.

use super::Warning;

#[derive(Clone, Debug, Default)]
pub struct PemBundle;

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (PemBundle, Vec<Warning>) {
    let _ = (text, first_line);
    (PemBundle, Vec::new())
}
