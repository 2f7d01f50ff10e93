//! Times reading `/stats` dumps of 50 000 and 500 000 lines, alone (`parse_input`) and
//! end to end (`Input::parse` + `diagnose`, what the wizard does with a paste), against
//! two baselines measured in the same run on the same data: a bare `str::lines` +
//! `split_once(": ")` + `u64` parse scan of the text, and `serde_json` reading the same
//! stats as JSON (`{"stats":[{"name":..,"value":..}, ...]}`) into a `Value`, the native
//! stand-in for the browser budget's `JSON.parse`. It prints throughput and ratios and
//! never passes or fails on time.
//!
//! The dump is the one the browser budget generates (`tests/bench/stats.mjs`, run with
//! `node` when it is installed), so both benchmarks read the same lines; without
//! `node`, a built-in generator of the same shape (App Mesh clusters with their TLS
//! counters and histograms) stands in.
//!
//! Run: `cargo run --release -p meshtls-engine --example bench_parse`
//! (the workspace release profile is opt-level "z", as in the browser build; set
//! `CARGO_PROFILE_RELEASE_OPT_LEVEL=3` to compare).

// A benchmark measures wall-clock time by definition; the engine itself never does.
#![allow(clippy::disallowed_methods)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use meshtls_engine::diagnosis::{diagnose, Input, Options};
use meshtls_engine::evidence::detect::parse_input;

/// Runs per measurement of the 50 000-line dump, and of the larger one; the fastest is
/// reported, which is the least disturbed by other load on the machine.
const RUNS: (usize, usize) = (5, 2);

/// Quantiles of Envoy's default histogram summary.
const QUANTILES: &[&str] = &["0", "25", "50", "75", "90", "95", "99", "99.5", "99.9", "100"];

/// Stats of one cluster, modelled on the names of a real Envoy 1.25 cluster block.
const CLUSTER_STATS: &[&str] = &[
    "assignment_stale",
    "bind_errors",
    "circuit_breakers.default.cx_open",
    "circuit_breakers.default.remaining_cx",
    "circuit_breakers.high.rq_open",
    "client_ssl_socket_factory.ssl_context_update_by_sds",
    "client_ssl_socket_factory.upstream_context_secrets_not_ready",
    "health_check.attempt",
    "health_check.healthy",
    "lb_healthy_panic",
    "membership_healthy",
    "membership_total",
    "outlier_detection.ejections_active",
    "ssl.ciphers.ECDHE-ECDSA-AES128-GCM-SHA256",
    "ssl.connection_error",
    "ssl.curves.X25519",
    "ssl.fail_verify_cert_hash",
    "ssl.fail_verify_error",
    "ssl.fail_verify_no_cert",
    "ssl.fail_verify_san",
    "ssl.handshake",
    "ssl.no_certificate",
    "ssl.session_reused",
    "ssl.versions.TLSv1.2",
    "update_attempt",
    "update_rejected",
    "update_success",
    "upstream_cx_active",
    "upstream_cx_connect_fail",
    "upstream_cx_destroy_remote_with_active_rq",
    "upstream_cx_none_healthy",
    "upstream_cx_total",
    "upstream_rq_200",
    "upstream_rq_503",
    "upstream_rq_pending_failure_eject",
    "upstream_rq_total",
    "version",
];

/// Histograms of one cluster.
const CLUSTER_HISTOGRAMS: &[&str] =
    &["upstream_cx_connect_ms", "upstream_cx_length_ms", "upstream_rq_time"];

struct Dumps {
    source: &'static str,
    text: String,
    json: String,
    prometheus: String,
}

/// Runs the browser budget's generator, if `node` is there.
fn generate_with_node(lines: usize, format: &str) -> Option<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bench/stats.mjs");
    let output =
        Command::new("node").arg(script).arg(lines.to_string()).arg(format).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// A dump of the same shape as the browser budget's, for machines without `node`.
fn generate_builtin(lines: usize) -> (String, String) {
    let mut text = String::new();
    let mut counters = Vec::new();
    let mut histograms = Vec::new();
    let mut cluster = 0usize;
    while counters.len() + histograms.len() < lines {
        let name = format!("cds_egress_bench-mesh_node-{cluster}_ns_http_8080");
        for (index, stat) in CLUSTER_STATS.iter().enumerate() {
            let value = (cluster * 7919 + index * 104_729) % 1_000_003;
            let value = if stat.contains("fail") || stat.contains("error") { 0 } else { value };
            counters.push((format!("cluster.{name}.{stat}"), value));
        }
        for histogram in CLUSTER_HISTOGRAMS {
            histograms.push(format!("cluster.{name}.{histogram}"));
        }
        cluster += 1;
    }
    counters.truncate(lines.saturating_sub(histograms.len().min(lines / 10)));
    histograms.truncate(lines - counters.len());
    counters.sort();
    let mut json = String::from("{\"stats\":[");
    for (position, (name, value)) in counters.iter().enumerate() {
        let _ = writeln!(text, "{name}: {value}");
        if position > 0 {
            json.push(',');
        }
        let _ = write!(json, "{{\"name\":\"{name}\",\"value\":{value}}}");
    }
    let _ = write!(
        json,
        ",{{\"histograms\":{{\"supported_quantiles\":[{}],\"computed_quantiles\":[",
        QUANTILES.join(",")
    );
    for (position, name) in histograms.iter().enumerate() {
        let _ = write!(text, "{name}:");
        if position > 0 {
            json.push(',');
        }
        let _ = write!(json, "{{\"name\":\"{name}\",\"values\":[");
        for (index, quantile) in QUANTILES.iter().enumerate() {
            let cumulative = 10 + index * 7 + position % 13;
            let _ = write!(text, " P{quantile}(nan,{cumulative})");
            if index > 0 {
                json.push(',');
            }
            let _ = write!(json, "{{\"interval\":null,\"cumulative\":{cumulative}}}");
        }
        text.push('\n');
        json.push_str("]}");
    }
    json.push_str("]}}]}");
    (text, json)
}

/// Rewrites the counters and gauges of a text dump as Prometheus samples, with the
/// cluster and listener as labels the way Envoy's `/stats/prometheus` prints them.
fn to_prometheus(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let Some((name, value)) = line.split_once(": ") else { continue };
        if value.parse::<u64>().is_err() {
            continue;
        }
        let sanitize = |s: &str| s.replace(['.', '-'], "_");
        let scoped = |rest: &str, root: &'static str| {
            let (scope, stat) = split_scope(rest)?;
            Some((root, scope.to_string(), sanitize(stat)))
        };
        let found = if let Some(rest) = name.strip_prefix("cluster.") {
            scoped(rest, "cluster")
        } else if let Some(rest) = name.strip_prefix("listener.") {
            scoped(rest, "listener")
        } else {
            None
        };
        match found {
            Some(("cluster", scope, stat)) => {
                let _ =
                    writeln!(out, "envoy_cluster_{stat}{{envoy_cluster_name=\"{scope}\"}} {value}");
            }
            Some((_, scope, stat)) => {
                let _ = writeln!(
                    out,
                    "envoy_listener_{stat}{{envoy_listener_address=\"{scope}\"}} {value}"
                );
            }
            None => {
                let _ = writeln!(out, "envoy_{} {value}", sanitize(name));
            }
        }
    }
    out
}

/// Splits `<scope>.<stat>` of the generated names: App Mesh cluster names have no dot,
/// listener addresses are `0.0.0.0_<port>`.
fn split_scope(rest: &str) -> Option<(&str, &str)> {
    if let Some(tail) = rest.strip_prefix("0.0.0.0_") {
        let dot = tail.find('.')?;
        return Some((rest.get(..8 + dot)?, tail.get(dot + 1..)?));
    }
    rest.split_once('.')
}

fn generate(lines: usize) -> Dumps {
    let (source, text, json) =
        match (generate_with_node(lines, "text"), generate_with_node(lines, "json")) {
            (Some(text), Some(json)) => ("tests/bench/stats.mjs", text, json),
            _ => {
                let (text, json) = generate_builtin(lines);
                ("built-in generator", text, json)
            }
        };
    let prometheus = to_prometheus(&text);
    Dumps { source, text, json, prometheus }
}

fn fastest(runs: usize, mut run: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn megabytes_per_second(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1_000_000.0 / time.as_secs_f64().max(f64::EPSILON)
}

fn ratio(time: Duration, baseline: Duration) -> f64 {
    time.as_secs_f64() / baseline.as_secs_f64().max(f64::EPSILON)
}

fn report(label: &str, bytes: usize, time: Duration, baselines: (Duration, Duration)) {
    println!(
        "  {label:<36} {:>8.1} ms {:>8.1} MB/s {:>7.2}x serde_json {:>7.1}x scan",
        time.as_secs_f64() * 1000.0,
        megabytes_per_second(bytes, time),
        ratio(time, baselines.0),
        ratio(time, baselines.1),
    );
}

fn end_to_end(text: &str) -> usize {
    let input = Input::parse("bench", text);
    let diagnosis = diagnose(std::slice::from_ref(&input), &Options::default());
    diagnosis.findings.len()
}

fn main() {
    let mut first_serde = None;
    // `BENCH_LINES=50000` measures one size only.
    let sizes: Vec<usize> = match std::env::var("BENCH_LINES") {
        Ok(lines) => lines.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => vec![50_000, 500_000],
    };
    // `BENCH_PROFILE=1` reads and diagnoses the text dump once, for a profiler.
    if std::env::var_os("BENCH_PROFILE").is_some() {
        for lines in sizes {
            let dumps = generate(lines);
            println!("{} findings", end_to_end(&dumps.text));
        }
        return;
    }
    for lines in sizes {
        let runs = if lines <= 50_000 { RUNS.0 } else { RUNS.1 };
        let dumps = generate(lines);
        println!(
            "{lines} lines from {}: text {:.1} MB, JSON {:.1} MB, Prometheus {:.1} MB",
            dumps.source,
            dumps.text.len() as f64 / 1e6,
            dumps.json.len() as f64 / 1e6,
            dumps.prometheus.len() as f64 / 1e6
        );

        let scan = fastest(runs, || {
            let mut sum = 0u64;
            for line in dumps.text.lines() {
                if let Some((_, value)) = line.split_once(": ") {
                    sum = sum.wrapping_add(value.parse::<u64>().unwrap_or(0));
                }
            }
            black_box(sum);
        });
        let serde = fastest(runs, || {
            black_box(serde_json::from_str::<serde_json::Value>(&dumps.json).ok());
        });
        let baselines = (serde, scan);
        let text = fastest(runs, || {
            black_box(parse_input("bench", &dumps.text));
        });
        let json = fastest(runs, || {
            black_box(parse_input("bench", &dumps.json));
        });
        let prometheus = fastest(runs, || {
            black_box(parse_input("bench", &dumps.prometheus));
        });
        let diagnose_text = fastest(runs, || {
            black_box(end_to_end(&dumps.text));
        });
        // NOTE: the JSON dump is one line, and each finding quotes its whole line, so
        // diagnosing it grows with findings times size; it is timed at 50 000 lines only.
        let diagnose_json = (lines <= 50_000).then(|| {
            fastest(runs, || {
                black_box(end_to_end(&dumps.json));
            })
        });

        let parsed = parse_input("bench", &dumps.text);
        println!(
            "  text: kind {}, {} warnings; {} findings",
            parsed.kind,
            parsed.warnings.len(),
            end_to_end(&dumps.text)
        );
        report("baseline: serde_json Value of JSON", dumps.json.len(), serde, baselines);
        report("baseline: lines + split_once", dumps.text.len(), scan, baselines);
        report("parse_input, text", dumps.text.len(), text, baselines);
        report("parse_input, JSON", dumps.json.len(), json, baselines);
        report("parse_input, Prometheus", dumps.prometheus.len(), prometheus, baselines);
        report("parse + diagnose, text", dumps.text.len(), diagnose_text, baselines);
        if let Some(diagnose_json) = diagnose_json {
            report("parse + diagnose, JSON", dumps.json.len(), diagnose_json, baselines);
        }
        match first_serde {
            None => first_serde = Some(serde),
            Some(base) => println!(
                "  parse + diagnose of the text, 10x lines: {:.2}x serde_json of the 1x JSON (budget 11)",
                ratio(diagnose_text, base)
            ),
        }
    }
}
