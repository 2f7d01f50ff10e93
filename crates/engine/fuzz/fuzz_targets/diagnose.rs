//! Fuzzes the whole diagnosis: detection, parsing, every rule, ranking and the
//! three reports. Checks that the conclusion is the top finding, that every
//! evidence line quotes a line of its input, and that the reports render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::diagnosis::{diagnose, report, Input, Options, Symptom};

/// Tells whether `quoted` is `original`, or its start followed by the count of
/// bytes left out (`... [... 12 more bytes]`), as a long line is quoted.
fn quotes(original: &str, quoted: &str) -> bool {
    if quoted == original {
        return true;
    }
    let Some((kept, _)) = quoted.rsplit_once(" [... ") else { return false };
    let left_out = original.len().saturating_sub(kept.len());
    original.starts_with(kept) && quoted == format!("{kept} [... {left_out} more bytes]")
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the options, so symptoms and hosts get covered too.
    // The rest is split into two pastes at the first NUL byte, so two snapshots
    // or a log beside a certificate get covered as well.
    let (selector, rest) = data.split_first().map_or((0, data), |(first, rest)| (*first, rest));
    let (first, second) = match rest.iter().position(|byte| *byte == 0) {
        Some(index) => (&rest[..index], &rest[index + 1..]),
        None => (rest, &[][..]),
    };
    let inputs: Vec<Input> = [first, second]
        .iter()
        .enumerate()
        .filter(|(index, bytes)| *index == 0 || !bytes.is_empty())
        .map(|(index, bytes)| {
            Input::parse(&format!("fuzz-{index}"), &String::from_utf8_lossy(bytes))
        })
        .collect();

    let options = Options {
        now: 1_764_806_400 + i64::from(selector) * 86_400 * 30,
        host: (selector & 1 == 1).then(|| "colorteller.apps.local".to_string()),
        symptom: Symptom::ALL.get(usize::from(selector >> 1) % 5).copied(),
        trust_bundle: Vec::new(),
    };
    let diagnosis = diagnose(&inputs, &options);

    assert_eq!(diagnosis.conclusion, diagnosis.findings.first().map(|finding| finding.code));
    for finding in &diagnosis.findings {
        for line in &finding.evidence {
            let input = inputs
                .iter()
                .find(|input| input.name() == line.input)
                .expect("evidence names an input");
            // A private key line is never quoted, and its evidence states that instead.
            if line.text == "(private key, not repeated)" {
                continue;
            }
            let original = input.line(line.line).expect("evidence names a line of its input");
            assert!(quotes(original, &line.text), "evidence quotes its line");
        }
    }
    let _ = report::to_json(&inputs, &diagnosis).to_string();
    let _ = report::to_text(&inputs, &diagnosis);
    let _ = report::to_markdown(&inputs, &diagnosis);
});
