//! Fuzzes the three `/stats` parsers and the snapshot delta between their results.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshtls_engine::evidence::stats;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (plain, _) = stats::parse_text(&text, 1);
    let (json, _) = stats::parse_json(&text, 1);
    let (prometheus, _) = stats::parse_prometheus(&text, 1);
    for parsed in [&plain, &json, &prometheus] {
        assert_eq!(parsed.iter().count(), parsed.len(), "every stat belongs to exactly one scope");
        for stat in parsed.iter() {
            assert!(
                parsed.get(&stat.name).is_some() || !stat.labels.is_empty(),
                "stat {} cannot be found by name",
                stat.name
            );
        }
    }
    let _ = plain.delta(&json);
    let _ = json.delta(&plain);
    let _ = prometheus.delta(&plain);
});
