//! Fuzzes the /certs reader and checks that every record and warning names a line
//! inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::certs;

const FIRST_LINE: usize = 7;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let last_line = FIRST_LINE + text.matches('\n').count();
    let (dump, warnings) = certs::parse(&text, FIRST_LINE);
    let in_input = |line: usize| (FIRST_LINE..=last_line).contains(&line);
    for context in &dump.contexts {
        assert!(in_input(context.line), "context line {} outside the input", context.line);
        for details in context.ca_cert.iter().chain(&context.cert_chain) {
            assert!(in_input(details.line), "certificate line {} outside the input", details.line);
        }
    }
    for warning in &warnings {
        assert!(in_input(warning.line), "warning line {} outside the input", warning.line);
    }
});
