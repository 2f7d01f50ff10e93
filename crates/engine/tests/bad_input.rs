//! The bad-input table run through the engine directly: `Input::from_bytes` (which
//! calls `Input::parse` and `detect::parse_input`) and `diagnose`. Each named case must finish in bounded
//! time without a panic and say what is wrong and where.

#[macro_use]
#[path = "fixtures/bad_input/table.rs"]
mod table;

use std::time::{Duration, Instant};

use meshtls_engine::diagnosis::{diagnose, report, Diagnosis, Input, Options};

use table::{Expect, Line};

/// 2027-01-01T00:00:00Z: the 10 000-SAN certificate is valid then.
const NOW: i64 = 1_798_761_600;

/// Upper bound for one input, parse and diagnosis together, in the unoptimised
/// test build on a shared two-core machine.
const TIME_LIMIT: Duration = Duration::from_secs(30);

#[expect(
    clippy::disallowed_methods,
    reason = "a native test measures its own run time; the engine still reads no clock"
)]
fn run(name: &str) {
    let case = table::case(name);
    assert!(!case.inputs.is_empty(), "{name}: no input");
    for source in &case.inputs {
        let started = Instant::now();
        // As the CLI reads a file: UTF-16 with a byte-order mark, else lossy UTF-8.
        let input = Input::from_bytes(&source.label, &source.bytes);
        let options = Options { now: NOW, host: case.host.clone(), ..Options::default() };
        let diagnosis = diagnose(std::slice::from_ref(&input), &options);
        let elapsed = started.elapsed();
        let limit = case.time_limit_seconds.map_or(TIME_LIMIT, Duration::from_secs);
        assert!(elapsed < limit, "{}: took {elapsed:?}", source.label);
        check(&case, source, &input, &diagnosis);
    }
}

fn check(case: &table::Case, source: &table::Input, input: &Input, diagnosis: &Diagnosis) {
    let label = &source.label;
    let warnings = &input.parsed.warnings;
    let summary = || {
        let shown: Vec<String> = warnings.iter().take(12).map(|w| w.to_string()).collect();
        let codes: Vec<&str> = diagnosis.findings.iter().map(|f| f.code.as_str()).collect();
        format!("kind {}, warnings {shown:#?}, findings {codes:?}", input.parsed.kind)
    };

    for expect in &case.expect {
        match expect {
            Expect::Warning { contains, line, column } => {
                let found = warnings.iter().any(|warning| {
                    warning.to_string().contains(contains.as_str())
                        && match line {
                            Line::At(n) => warning.line == *n,
                            Line::Cut => source.cut_lines.contains(&warning.line),
                            Line::Any => true,
                        }
                        && column.is_none_or(|c| warning.column == Some(c))
                });
                assert!(
                    found,
                    "{label}: no warning `{contains}` at {line:?} column {column:?}; {}",
                    summary()
                );
            }
            Expect::Finding { code, line, text } => {
                let found = diagnosis.findings.iter().any(|finding| {
                    finding.code.as_str() == code
                        && line.is_none_or(|n| {
                            finding.evidence.iter().any(|quoted| {
                                quoted.line == n
                                    && text
                                        .as_ref()
                                        .is_none_or(|t| quoted.text.contains(t.as_str()))
                            })
                        })
                });
                assert!(found, "{label}: no finding {code} quoting line {line:?}; {}", summary());
            }
            Expect::Detail(contains) => {
                let found = diagnosis
                    .findings
                    .iter()
                    .any(|f| f.details.iter().any(|d| d.contains(contains.as_str())));
                assert!(found, "{label}: no finding detail `{contains}`; {}", summary());
            }
        }
    }

    if let Some(kind) = &case.kind {
        assert_eq!(input.parsed.kind.as_str(), kind, "{label}: kind; {}", summary());
    }
    if let Some(exit) = case.exit {
        assert_eq!(
            i32::from(diagnosis.has_error()),
            exit,
            "{label}: error findings; {}",
            summary()
        );
    }

    let inputs = std::slice::from_ref(input);
    let rendered = [
        report::to_json(inputs, diagnosis).to_string(),
        report::to_text(inputs, diagnosis),
        report::to_markdown(inputs, diagnosis),
    ];
    for output in &rendered {
        for secret in &case.never {
            assert!(!output.contains(secret.as_str()), "{label}: the output repeats `{secret}`");
        }
        if let Some(limit) = case.max_output_bytes {
            assert!(output.len() <= limit, "{label}: output of {} bytes", output.len());
        }
    }
}

bad_input_tests!();
