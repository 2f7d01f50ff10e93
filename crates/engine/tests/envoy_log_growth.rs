//! How the diagnosis of an Envoy log grows with the log: a log that repeats one
//! failure thousands of times must give the same findings and notes as a short
//! one, with the repeats counted, not quoted.
//!
//! These checks count what the diagnosis contains, so they fail the same way on
//! any machine. `print_diagnose_times` measures the time itself; it is ignored
//! by default:
//!
//! ```sh
//! cargo test --release -p meshtls-engine --test envoy_log_growth -- --ignored --nocapture
//! ```

use std::time::Instant;

use meshtls_engine::diagnosis::{
    self, report, Code, Diagnosis, Input, Options, MAX_EVIDENCE_LINES,
};

/// Returns line `index` of a log that repeats the validator's line and the
/// `ssl_socket.cc` line of one failed certificate verification, as Envoy logs
/// them from about 1.29 until 1.37.
fn verify_failed_pair(index: usize) -> String {
    if index % 2 == 1 {
        format!(
            "[2025-04-15 21:45:11.169][{index}][debug][connection] \
             [source/common/tls/ssl_socket.cc:248] [Tags: \"ConnectionId\":\"{index}\"] remote \
             address:127.0.0.1:443,TLS_error:|268435581:SSL routines:OPENSSL_internal:\
             CERTIFICATE_VERIFY_FAILED:TLS_error_end"
        )
    } else {
        format!(
            "[2025-04-15 21:45:11.169][{index}][debug][connection] \
             [source/common/tls/cert_validator/default_validator.cc:339] verify cert failed: \
             X509_verify_cert: certificate verification error at depth 0: unable to get local \
             issuer certificate"
        )
    }
}

/// Returns a failure reason with the validator's text appended, as Envoy 1.37
/// and later log it, so one line gives both `tls-verify-failed` and its cause.
fn verify_failed_with_detail(index: usize) -> String {
    format!(
        "[2026-01-10 08:00:00.000][7][debug][connection] [source/common/tls/ssl_socket.cc:248] \
         [Tags: \"ConnectionId\":\"{index}\"] remote address:10.0.0.5:443,TLS_error:|268435581:\
         SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: \
         X509_verify_cert: certificate verification error at depth 0: unable to get local issuer \
         certificate:TLS_error_end"
    )
}

/// Returns a refused TCP connect in the wording of a 2018 Envoy build.
fn connection_refused(index: usize) -> String {
    format!(
        "[2018-12-05 15:36:36.335][000012][debug][connection] \
         [source/common/network/connection_impl.cc:525] [C{index}] delayed connection error: 111"
    )
}

/// Returns `handshake error: 5`, which is SSL_ERROR_SYSCALL: the peer closed
/// the connection without an alert.
fn handshake_syscall(index: usize) -> String {
    format!(
        "[2018-09-14 19:22:08.515][355175][debug][connection] \
         external/envoy/source/common/ssl/ssl_socket.cc:111] [C{index}] handshake error: 5"
    )
}

/// Returns a connect that failed with errno 113 (EHOSTUNREACH on Linux), which
/// gets a note and no finding.
fn no_route_to_host(index: usize) -> String {
    format!(
        "[2018-12-05 15:36:36.335][000012][debug][connection] \
         [source/common/network/connection_impl.cc:525] [C{index}] delayed connect error: 113"
    )
}

/// Returns a plaintext client reaching a TLS listener, from a new ephemeral
/// port on every connection.
fn plaintext_client(index: usize) -> String {
    let port = 40_000 + index;
    format!(
        "[2025-04-15 21:45:11.169][3][debug][connection] [source/common/tls/ssl_socket.cc:248] \
         [Tags: \"ConnectionId\":\"{index}\"] remote address:10.0.0.5:{port},TLS_error:|\
         268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end"
    )
}

/// What a log of `lines` lines of one kind must give, whatever its length.
enum Expect {
    /// One finding with `code` that every line shows.
    Finding(Code),
    /// No finding, and one note with `text` that counts the other lines.
    Note(&'static str),
}

fn log_of(line: fn(usize) -> String, lines: usize) -> String {
    let mut text = String::new();
    for index in 0..lines {
        text.push_str(&line(index));
        text.push('\n');
    }
    text
}

fn diagnose_log(line: fn(usize) -> String, lines: usize) -> Diagnosis {
    let inputs = [Input::parse("envoy.log", &log_of(line, lines))];
    diagnosis::diagnose(&inputs, &Options::default())
}

/// The number of each part of a diagnosis, which must not grow with the log.
fn shape(diagnosis: &Diagnosis) -> [usize; 4] {
    let details = diagnosis.findings.iter().map(|finding| finding.details.len()).sum();
    let quoted = diagnosis.findings.iter().map(|finding| finding.evidence.len()).sum();
    [diagnosis.findings.len(), details, quoted, diagnosis.notes.len()]
}

/// Log lengths to compare: large enough to pass the evidence cap many times.
const SHORT_LOG: usize = 600;
const LONG_LOG: usize = 1_200;

macro_rules! growth_cases {
    ($($name:ident: $line:expr => $expect:expr,)*) => {$(
        #[test]
        fn $name() {
            let short = diagnose_log($line, SHORT_LOG);
            let long = diagnose_log($line, LONG_LOG);
            assert_eq!(shape(&short), shape(&long), "findings, details, quoted lines, notes");

            for finding in &long.findings {
                assert!(
                    finding.evidence.len() <= MAX_EVIDENCE_LINES,
                    "{} quotes {} lines",
                    finding.code,
                    finding.evidence.len()
                );
            }

            match $expect {
                Expect::Finding(code) => {
                    assert_eq!(long.codes(), [code], "codes");
                    let finding = &long.findings[0];
                    assert_eq!(finding.evidence.len(), MAX_EVIDENCE_LINES, "quoted lines");
                    assert_eq!(
                        finding.evidence.len() + finding.omitted_evidence,
                        LONG_LOG,
                        "quoted and omitted lines count each line once"
                    );
                    assert_eq!(finding.evidence[0].line, 1, "first quoted line");
                }
                Expect::Note(text) => {
                    assert!(long.findings.is_empty(), "findings: {:?}", long.codes());
                    let notes: Vec<&String> =
                        long.notes.iter().filter(|note| note.contains(text)).collect();
                    assert_eq!(notes.len(), 1, "notes: {:?}", long.notes);
                    let counted = format!("envoy.log line 1 (and {} more lines): ", LONG_LOG - 1);
                    assert!(notes[0].starts_with(&counted), "{}", notes[0]);
                }
            }
        }
    )*};
}

growth_cases! {
    verify_failed_log_pairs: verify_failed_pair => Expect::Finding(Code::TlsUntrustedCa),
    verify_failed_with_reason_detail: verify_failed_with_detail => Expect::Finding(Code::TlsUntrustedCa),
    connection_refused_lines: connection_refused => Expect::Finding(Code::ConnRefused),
    plaintext_client_ports: plaintext_client => Expect::Finding(Code::TlsNotInUse),
    handshake_syscall_lines: handshake_syscall => Expect::Note("SSL_ERROR_SYSCALL"),
    no_route_to_host_lines: no_route_to_host => Expect::Note("errno 113"),
}

#[test]
fn report_says_how_many_lines_are_omitted() {
    let inputs = [Input::parse("envoy.log", &log_of(verify_failed_pair, LONG_LOG))];
    let diagnosis = diagnosis::diagnose(&inputs, &Options::default());
    let omitted =
        format!("({} more lines show the same, not quoted)", LONG_LOG - MAX_EVIDENCE_LINES);

    let text = report::to_text(&inputs, &diagnosis);
    assert!(text.contains(&omitted), "text report:\n{text}");

    let markdown = report::to_markdown(&inputs, &diagnosis);
    assert!(markdown.contains(&omitted), "Markdown report:\n{markdown}");

    let json = report::to_json(&inputs, &diagnosis);
    assert_eq!(
        json["findings"][0]["omitted_evidence"],
        LONG_LOG - MAX_EVIDENCE_LINES,
        "JSON finding"
    );
}

#[test]
fn short_log_has_no_omitted_count() {
    let inputs = [Input::parse("envoy.log", &log_of(verify_failed_pair, 4))];
    let diagnosis = diagnosis::diagnose(&inputs, &Options::default());
    assert_eq!(diagnosis.findings[0].omitted_evidence, 0);
    let json = report::to_json(&inputs, &diagnosis);
    assert!(json["findings"][0].get("omitted_evidence").is_none(), "{json}");
}

#[test]
#[ignore = "measures time: run in release with --ignored --nocapture"]
#[expect(clippy::disallowed_methods, reason = "a timing test needs the clock")]
fn print_diagnose_times() {
    for lines in [7_500, 15_000, 30_000, 60_000] {
        let text = log_of(verify_failed_pair, lines);
        let start = Instant::now();
        let inputs = [Input::parse("envoy.log", &text)];
        let parsed = start.elapsed();
        let diagnosis = diagnosis::diagnose(&inputs, &Options::default());
        let diagnosed = start.elapsed();
        let rendered = report::to_text(&inputs, &diagnosis);
        let total = start.elapsed();
        println!(
            "{lines:>6} lines, {:>5.1} MB: parse {:.3} s, diagnose {:.3} s, text report {:.3} s \
             ({} bytes), total {:.3} s",
            text.len() as f64 / 1e6,
            parsed.as_secs_f64(),
            (diagnosed - parsed).as_secs_f64(),
            (total - diagnosed).as_secs_f64(),
            rendered.len(),
            total.as_secs_f64(),
        );
    }
}
