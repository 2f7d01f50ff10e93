//! Fuzzes redaction planning and rewriting, and checks that the plan and the rewrite
//! find the same values: with every replacement switched off the text comes back
//! unchanged, and every replacement has its own placeholder.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use meshtls_engine::redact::{RedactOptions, Redactor};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A NUL byte splits the input into several texts of one report.
    let texts: Vec<&str> = text.split('\0').collect();
    let redactor = Redactor::new(RedactOptions::default());
    let mut plan = redactor.plan(&texts);

    let mut placeholders = HashSet::new();
    for replacement in &plan {
        assert!(replacement.occurrences >= 1, "{replacement:?} never occurs");
        assert!(placeholders.insert(replacement.placeholder.clone()), "shared {replacement:?}");
    }
    for text in &texts {
        let _ = redactor.apply(text, &plan);
    }

    plan.iter_mut().for_each(|replacement| replacement.enabled = false);
    for text in &texts {
        assert_eq!(&redactor.apply(text, &plan), text, "switched-off plan changed the text");
    }
});
