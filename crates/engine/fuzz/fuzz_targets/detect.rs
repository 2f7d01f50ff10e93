//! Fuzzes kind detection and every parser it dispatches to, and checks that the parts
//! it returns are ordered, disjoint and within the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::detect::parse_input;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_input("fuzz", &text);
    let line_count = text.split(['\n', '\r']).count().max(1);
    let mut previous_last = 0;
    for part in &parsed.parts {
        assert!(part.first_line > previous_last, "parts overlap or are out of order");
        assert!(part.first_line <= part.last_line, "part ends before it starts");
        assert!(part.last_line <= line_count, "part ends after the input");
        previous_last = part.last_line;
    }
});
