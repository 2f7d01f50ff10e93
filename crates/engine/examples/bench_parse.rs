//! Times `parse_input` on generated `/stats` dumps of 50 000 and 500 000 lines in the
//! three formats, against two baselines measured in the same run on the same data:
//! a bare `str::lines` + `split_once(": ")` + `u64` parse scan of the text, and
//! `serde_json` reading the JSON dump into a `Value`. It prints throughput and ratios
//! and never passes or fails on time.
//!
//! Run: `cargo run --release -p meshtls-engine --example bench_parse`

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use meshtls_engine::evidence::detect::parse_input;

/// Runs per measurement; the fastest is reported, which is the least disturbed by
/// other load on the machine.
const RUNS: usize = 3;

/// Stats of one cluster, modelled on the names and value sizes of a real Envoy 1.25
/// cluster block.
const CLUSTER_STATS: &[&str] = &[
    "assignment_stale",
    "bind_errors",
    "circuit_breakers.default.cx_open",
    "circuit_breakers.default.remaining_cx",
    "client_ssl_socket_factory.ssl_context_update_by_sds",
    "lb_healthy_panic",
    "membership_healthy",
    "ssl.connection_error",
    "ssl.fail_verify_error",
    "ssl.fail_verify_san",
    "ssl.handshake",
    "ssl.no_certificate",
    "ssl.session_reused",
    "upstream_cx_active",
    "upstream_cx_connect_fail",
    "upstream_cx_destroy_remote_with_active_rq",
    "upstream_cx_total",
    "upstream_rq_503",
    "upstream_rq_pending_failure_eject",
    "upstream_rq_total",
];

struct Dumps {
    text: String,
    json: String,
    prometheus: String,
}

fn generate(lines: usize) -> Dumps {
    let mut text = String::new();
    let mut json = String::from("{\"stats\":[\n");
    let mut prometheus = String::new();
    let mut written = 0;
    let mut cluster = 0;
    while written < lines {
        let name = format!("cds_egress_bench-mesh_node-{cluster}_ns_http_8080");
        for (index, stat) in CLUSTER_STATS.iter().enumerate() {
            if written == lines {
                break;
            }
            let value = (cluster * 7919 + index * 104_729) % 1_000_003;
            let _ = writeln!(text, "cluster.{name}.{stat}: {value}");
            let separator = if written + 1 == lines { "" } else { "," };
            let _ = writeln!(
                json,
                "{{\"name\":\"cluster.{name}.{stat}\",\"value\":{value}}}{separator}"
            );
            let metric = stat.replace('.', "_");
            let _ = writeln!(
                prometheus,
                "envoy_cluster_{metric}{{envoy_cluster_name=\"{name}\"}} {value}"
            );
            written += 1;
        }
        cluster += 1;
    }
    json.push_str("]}\n");
    Dumps { text, json, prometheus }
}

fn fastest(mut run: impl FnMut()) -> Duration {
    (0..RUNS)
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

fn report(label: &str, bytes: usize, time: Duration, baseline: Duration) {
    println!(
        "  {label:<34} {:>9.1} ms {:>8.1} MB/s  {:>6.1}x the baseline time",
        time.as_secs_f64() * 1000.0,
        megabytes_per_second(bytes, time),
        time.as_secs_f64() / baseline.as_secs_f64().max(f64::EPSILON)
    );
}

fn main() {
    for lines in [50_000, 500_000] {
        let dumps = generate(lines);
        println!(
            "{lines} stats: text {:.1} MB, JSON {:.1} MB, Prometheus {:.1} MB",
            dumps.text.len() as f64 / 1e6,
            dumps.json.len() as f64 / 1e6,
            dumps.prometheus.len() as f64 / 1e6
        );

        let scan = fastest(|| {
            let mut sum = 0u64;
            for line in dumps.text.lines() {
                if let Some((_, value)) = line.split_once(": ") {
                    sum = sum.wrapping_add(value.parse::<u64>().unwrap_or(0));
                }
            }
            black_box(sum);
        });
        let serde = fastest(|| {
            black_box(serde_json::from_str::<serde_json::Value>(&dumps.json).ok());
        });
        let text = fastest(|| {
            black_box(parse_input("bench", &dumps.text));
        });
        let json = fastest(|| {
            black_box(parse_input("bench", &dumps.json));
        });
        let prometheus = fastest(|| {
            black_box(parse_input("bench", &dumps.prometheus));
        });

        let parsed = parse_input("bench", &dumps.text);
        println!("  kind {}, {} warnings", parsed.kind, parsed.warnings.len());
        report("baseline: lines + split_once", dumps.text.len(), scan, scan);
        report("parse_input, text", dumps.text.len(), text, scan);
        report("baseline: serde_json Value", dumps.json.len(), serde, serde);
        report("parse_input, JSON (vs serde_json)", dumps.json.len(), json, serde);
        report("parse_input, Prometheus (vs scan)", dumps.prometheus.len(), prometheus, scan);
    }
}
