//! The bad-input table run through the `meshtls` binary: each input is written to a
//! temporary file and diagnosed with `--format json` (and `--format text` for the
//! smaller ones). The binary must exit 0 or 1 as its findings say (2 is for usage and
//! read errors only), print no panic, finish in bounded time, and name each problem
//! with its line.

#[macro_use]
#[path = "../../engine/tests/fixtures/bad_input/table.rs"]
mod table;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use table::{Expect, Line};

/// The 10 000-SAN certificate is valid on this day.
const NOW: &str = "2027-01-01T00:00:00Z";

/// Upper bound for one run of the binary on one input.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Inputs up to this size are also rendered as text.
const TEXT_RUN_MAX_BYTES: usize = 1 << 20;

/// A file under the system temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(label: &str, bytes: &[u8]) -> TempFile {
        let safe: String =
            label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        let path =
            std::env::temp_dir().join(format!("meshtls-bad-input-{}-{safe}", std::process::id()));
        std::fs::write(&path, bytes).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temporary path is UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the binary and kills it when it runs past `limit`.
#[expect(clippy::disallowed_methods, reason = "the time limit of a native test needs the clock")]
fn meshtls(args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("meshtls starts");
    // Reading the pipes on other threads keeps a large output from blocking the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).map(|_| bytes)
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut bytes).map(|_| bytes)
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("meshtls {args:?} ran longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: out.join().expect("stdout thread").expect("stdout read"),
        stderr: err.join().expect("stderr thread").expect("stderr read"),
    };
    (output, started.elapsed())
}

fn diagnose_args<'a>(case: &'a table::Case, format: &'a str, file: &'a str) -> Vec<&'a str> {
    let mut args = vec!["diagnose", "--format", format, "--now", NOW];
    if let Some(host) = &case.host {
        args.extend(["--host", host.as_str()]);
    }
    args.push(file);
    args
}

fn run(name: &str) {
    let case = table::case(name);
    assert!(!case.inputs.is_empty(), "{name}: no input");
    let limit = case.time_limit_seconds.map_or(TIME_LIMIT, Duration::from_secs);
    for source in &case.inputs {
        let file = TempFile::new(&source.label, &source.bytes);
        let (output, elapsed) = meshtls(&diagnose_args(&case, "json", file.path()), limit);
        let label = &source.label;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{label}: {stderr}");
        assert!(elapsed < limit, "{label}: took {elapsed:?}");
        let code = output.status.code().unwrap_or_else(|| panic!("{label}: killed by a signal"));
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!("{label}: exit {code}, stdout is not JSON ({error}); stderr: {stderr}")
        });
        check_json(&case, source, &json, code, output.stdout.len());

        if source.bytes.len() <= TEXT_RUN_MAX_BYTES {
            let (text_output, _) = meshtls(&diagnose_args(&case, "text", file.path()), limit);
            let text = String::from_utf8_lossy(&text_output.stdout);
            assert_eq!(text_output.status.code(), Some(code), "{label}: text exit status");
            check_text(&case, source, &text);
        }
    }
}

fn check_json(case: &table::Case, source: &table::Input, json: &Value, code: i32, size: usize) {
    let label = &source.label;
    let empty = Vec::new();
    let input = &json["inputs"][0];
    let warnings = input["warnings"].as_array().unwrap_or(&empty);
    let findings = json["findings"].as_array().unwrap_or(&empty);
    let summary = || {
        let shown: Vec<String> = warnings
            .iter()
            .take(12)
            .map(|w| format!("{}: {}", w["line"], w["message"].as_str().unwrap_or_default()))
            .collect();
        let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
        format!("kind {}, warnings {shown:#?}, findings {codes:?}", input["kind"])
    };

    let has_error = findings.iter().any(|finding| finding["severity"] == "error");
    assert_eq!(code, i32::from(has_error), "{label}: exit status against findings; {}", summary());
    if let Some(exit) = case.exit {
        assert_eq!(code, exit, "{label}: exit status; {}", summary());
    }
    if let Some(kind) = &case.kind {
        assert_eq!(input["kind"], kind.as_str(), "{label}: kind; {}", summary());
    }

    for expect in &case.expect {
        match expect {
            Expect::Warning { contains, line, column } => {
                let found = warnings.iter().any(|warning| {
                    let at = warning["line"].as_u64().map(|n| n as usize);
                    let text = format!(
                        "line {}: {}",
                        warning["line"],
                        warning["message"].as_str().unwrap_or_default()
                    );
                    text.contains(contains.as_str())
                        && match line {
                            Line::At(n) => at == Some(*n),
                            Line::Cut => at.is_some_and(|at| source.cut_lines.contains(&at)),
                            Line::Any => true,
                        }
                        && column.is_none_or(|c| warning["column"].as_u64() == Some(c as u64))
                });
                assert!(
                    found,
                    "{label}: no warning `{contains}` at {line:?} column {column:?}; {}",
                    summary()
                );
            }
            Expect::Finding { code, line, text } => {
                let found = findings.iter().any(|finding| {
                    finding["code"] == code.as_str()
                        && line.is_none_or(|n| {
                            finding["evidence"].as_array().unwrap_or(&empty).iter().any(|quoted| {
                                quoted["line"].as_u64() == Some(n as u64)
                                    && text.as_ref().is_none_or(|t| {
                                        quoted["text"]
                                            .as_str()
                                            .unwrap_or_default()
                                            .contains(t.as_str())
                                    })
                            })
                        })
                });
                assert!(found, "{label}: no finding {code} quoting line {line:?}; {}", summary());
            }
            Expect::Detail(contains) => {
                let found = findings.iter().any(|finding| {
                    finding["details"].as_array().unwrap_or(&empty).iter().any(|detail| {
                        detail.as_str().unwrap_or_default().contains(contains.as_str())
                    })
                });
                assert!(found, "{label}: no finding detail `{contains}`; {}", summary());
            }
        }
    }

    let rendered = json.to_string();
    for secret in &case.never {
        assert!(!rendered.contains(secret.as_str()), "{label}: the JSON repeats `{secret}`");
    }
    if let Some(limit) = case.max_output_bytes {
        assert!(size <= limit, "{label}: JSON output of {size} bytes");
    }
}

fn check_text(case: &table::Case, source: &table::Input, text: &str) {
    let label = &source.label;
    for secret in &case.never {
        assert!(!text.contains(secret.as_str()), "{label}: the text output repeats `{secret}`");
    }
    if let Some(limit) = case.max_output_bytes {
        assert!(text.len() <= limit, "{label}: text output of {} bytes", text.len());
    }
    for expect in &case.expect {
        if let Expect::Warning { contains, line: Line::At(n), .. } = expect {
            let found = text.lines().any(|shown| {
                shown.trim_start().starts_with(&format!("warning: line {n}"))
                    && shown.contains(contains.as_str())
            });
            assert!(found, "{label}: the text output shows no warning `{contains}` on line {n}");
        }
    }
}

bad_input_tests!();

/// Standard input takes the same bytes as a file.
#[test]
fn binary_bytes_on_standard_input() {
    let case = table::case("binary-bytes");
    let bytes = &case.inputs.first().expect("one input").bytes;
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(["diagnose", "--format", "json", "--now", NOW, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("meshtls starts");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), bytes).expect("stdin");
    let output = child.wait_with_output().expect("meshtls finishes");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let warnings = json["inputs"][0]["warnings"].to_string();
    assert!(warnings.contains("input looks binary"), "{warnings}");
}

/// A path that cannot be read is a read error: exit 2 and a message naming it.
#[test]
fn unreadable_file_is_a_read_error() {
    for path in [std::env::temp_dir(), Path::new("/nonexistent/meshtls/stats.txt").to_path_buf()] {
        let path = path.to_str().expect("UTF-8 path").to_string();
        let (output, _) = meshtls(&["diagnose", "--now", NOW, &path], TIME_LIMIT);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains(&format!("cannot read `{path}`")), "{path}: {stderr}");
        assert!(output.stdout.is_empty(), "{path}: nothing on stdout after a read error");
    }
}
