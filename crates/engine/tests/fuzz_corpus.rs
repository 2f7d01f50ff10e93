//! Replays every seed of every fuzz corpus (`fuzz/corpus/<target>/*`) through kind
//! detection, so the inputs the fuzzers start from are checked on every `cargo test`,
//! without cargo-fuzz or a nightly toolchain.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use meshtls_engine::evidence::detect::parse_input;

#[test]
fn every_corpus_file_parses_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    let mut panicked = Vec::new();
    let targets = std::fs::read_dir(&root)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", root.display()));
    for target in targets.flatten() {
        if !target.path().is_dir() {
            continue;
        }
        for seed in std::fs::read_dir(target.path()).into_iter().flatten().flatten() {
            let path = seed.path();
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let text = String::from_utf8_lossy(&bytes);
            let name = path.display().to_string();
            if catch_unwind(AssertUnwindSafe(|| parse_input(&name, &text))).is_err() {
                panicked.push(name);
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no corpus files under {}", root.display());
    assert!(panicked.is_empty(), "parse_input panicked on {panicked:?}");
}
