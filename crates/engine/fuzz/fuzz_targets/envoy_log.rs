//! Fuzzes the Envoy log parser (and the message scanner it runs on every line) and
//! checks that entries are in input order, within the input, and do not overlap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::{envoy_log, other};

const FIRST_LINE: usize = 3;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let line_count = text.lines().count();
    let (log, warnings) = envoy_log::parse(&text, FIRST_LINE);
    let mut previous_last = FIRST_LINE - 1;
    for entry in &log.entries {
        assert!(entry.line > previous_last, "entries overlap or are out of order");
        assert!(entry.last_line >= entry.line, "entry ends before it starts");
        assert!(entry.last_line < FIRST_LINE + line_count, "entry ends after the input");
        previous_last = entry.last_line;
    }
    assert!(log.entries.len() + log.unrecognised_lines <= line_count);
    assert!(warnings.len() <= 1, "unknown lines must share one warning");

    let (other, _) = other::parse(&text, FIRST_LINE);
    assert!(other.lines.len() <= line_count);
});
