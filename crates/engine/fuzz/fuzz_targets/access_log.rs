//! Fuzzes the access-log parser and checks that entries are in input order and
//! within the input, and that every line is either an entry or counted as unknown.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::access_log;

const FIRST_LINE: usize = 5;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let line_count = text.lines().count();
    let (log, warnings) = access_log::parse(&text, FIRST_LINE);
    let mut previous = FIRST_LINE - 1;
    for entry in &log.entries {
        assert!(entry.line > previous, "entries out of order");
        assert!(entry.line < FIRST_LINE + line_count, "entry after the input");
        previous = entry.line;
    }
    assert!(log.entries.len() + log.unrecognised_lines <= line_count);
    assert!(warnings.len() <= 1, "unknown lines must share one warning");
});
