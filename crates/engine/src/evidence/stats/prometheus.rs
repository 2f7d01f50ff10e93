//! `/stats/prometheus`: `# TYPE` lines and samples `name{label="value",...} value`,
//! mapped back to Envoy's dotted names.
//!
//! Envoy builds a metric name as `envoy_` plus the stat name with its tag values
//! removed and every character outside `[a-zA-Z0-9_]` replaced by `_`, and moves the
//! tag values into labels. This module puts the known tags back: the cluster name,
//! the listener address, the HTTP connection manager prefix, response codes and TLS
//! ciphers. Other labels (App Mesh's `appmesh_mesh`, Istio's) stay on the stat.

use std::collections::HashMap;

use super::build::{self, RawStat};
use super::names::ScopeKey;
use super::plain::excerpt;
use super::{Bucket, Histogram, Stat, StatKind, StatValue, Stats, StatsFormat};
use crate::evidence::text;
use crate::evidence::Warning;

/// Labels that carry the cluster name: Envoy's default tag, and Istio's replacement.
const CLUSTER_LABELS: &[&str] = &["envoy_cluster_name", "cluster_name"];
/// Labels that carry the TLS cipher: listener tag, and the cluster tag without prefix.
const CIPHER_LABELS: &[&str] = &["envoy_ssl_cipher", "cipher_suite"];

/// Dotted roots of stats outside listeners and clusters, as they appear after `envoy_`.
const ROOTS: &[(&str, &str)] = &[
    ("cluster_manager_cds_", "cluster_manager.cds."),
    ("cluster_manager_", "cluster_manager."),
    ("listener_manager_lds_", "listener_manager.lds."),
    ("listener_manager_", "listener_manager."),
    ("control_plane_", "control_plane."),
    ("server_", "server."),
    ("runtime_", "runtime."),
    ("tls_inspector_", "tls_inspector."),
    ("http_", "http."),
];

/// Stat families whose first `_` stands for a `.` inside a listener or cluster scope.
const SCOPED_FAMILIES: &[&str] = &[
    "client_ssl_socket_factory",
    "server_ssl_socket_factory",
    "circuit_breakers_default",
    "circuit_breakers_high",
    "health_check",
    "outlier_detection",
    "ssl_ciphers",
    "ssl_versions",
    "ssl_curves",
    "ssl_sigalgs",
    "ssl",
];

pub(crate) fn parse(input: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut types: HashMap<String, StatKind> = HashMap::new();
    let mut raws: Vec<RawStat> = Vec::new();
    // (base metric name, labels without `le`) -> position of its histogram in `raws`.
    let mut histograms: HashMap<(String, Vec<(String, String)>), usize> = HashMap::new();

    for (offset, raw_line) in text::split_lines(input).enumerate() {
        let number = first_line + offset;
        let line = text::clean_line(raw_line);
        let trimmed = line.trim();
        if text::is_noise(&line) || trimmed == "--" {
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            let mut words = comment.split_whitespace();
            if words.next() == Some("TYPE") {
                if let (Some(name), Some(kind)) = (words.next(), words.next()) {
                    let kind = match kind {
                        "counter" => StatKind::Counter,
                        "gauge" => StatKind::Gauge,
                        "histogram" | "summary" => StatKind::Histogram,
                        _ => continue,
                    };
                    types.insert(name.to_string(), kind);
                }
            }
            continue;
        }
        let sample = match parse_sample(trimmed) {
            Ok(sample) => sample,
            Err(message) => {
                warnings.push(Warning::at_line(number, message));
                continue;
            }
        };

        if let Some((base, part)) = histogram_part(&sample, &types) {
            let mut labels = sample.labels.clone();
            let bound = labels.iter().position(|(key, _)| key == "le").map(|i| labels.remove(i).1);
            let key = (base.to_string(), labels.clone());
            let position = match histograms.get(&key) {
                Some(&position) => position,
                None => {
                    let mut raw =
                        to_stat(base, labels, StatValue::Histogram(Histogram::default()), number);
                    raw.stat.kind = StatKind::Histogram;
                    raws.push(raw);
                    histograms.insert(key, raws.len() - 1);
                    raws.len() - 1
                }
            };
            let value = parse_float(&sample.value);
            if let Some(StatValue::Histogram(histogram)) =
                raws.get_mut(position).map(|raw| &mut raw.stat.value)
            {
                match part {
                    HistogramPart::Bucket => {
                        let upper_bound =
                            bound.as_deref().map(parse_float).unwrap_or(f64::INFINITY);
                        histogram.buckets.push(Bucket { upper_bound, count: value });
                    }
                    HistogramPart::Sum => histogram.sum = Some(value),
                    HistogramPart::Count => histogram.count = Some(value),
                }
            }
            continue;
        }

        let (value, warning) = number_value(sample.name, &sample.value, number);
        warnings.extend(warning);
        let kind = types
            .get(sample.name)
            .copied()
            .unwrap_or_else(|| build::infer_kind(sample.name, &value));
        let mut raw = to_stat(sample.name, sample.labels, value, number);
        raw.stat.kind = kind;
        raws.push(raw);
    }

    let stats = build::build(StatsFormat::Prometheus, raws, &mut warnings);
    (stats, warnings)
}

struct Sample<'a> {
    name: &'a str,
    labels: Vec<(String, String)>,
    value: String,
}

fn parse_sample(line: &str) -> Result<Sample<'_>, String> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = line.get(..name_end).unwrap_or_default();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "expected a Prometheus sample `name{{labels}} value`, found `{}`",
            excerpt(line)
        ));
    }
    let mut rest = line.get(name_end..).unwrap_or_default();
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(after)
            .ok_or_else(|| format!("labels of `{name}` are not closed by `}}`"))?;
        labels = parsed;
        rest = after;
    }
    let mut fields = rest.split_whitespace();
    let Some(value) = fields.next() else {
        return Err(format!("sample `{name}` has no value"));
    };
    Ok(Sample { name, labels, value: value.to_string() })
}

/// Parses `key="value",...}` and returns the labels and the text after `}`.
fn parse_labels(text: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Some((labels, after));
        }
        let (key, after) = rest.split_once('=')?;
        let after = after.strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let mut end = None;
        while let Some((index, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, escaped)) => value.push(escaped),
                    None => return None,
                },
                '"' => {
                    end = Some(index + 1);
                    break;
                }
                _ => value.push(c),
            }
        }
        rest = after.get(end?..)?;
        labels.push((key.trim().to_string(), value));
    }
}

enum HistogramPart {
    Bucket,
    Sum,
    Count,
}

/// Whether a sample is a series of a histogram: `_bucket` with `le`, or `_sum`/`_count`
/// of a declared histogram or summary, or of a name Envoy only uses for histograms.
fn histogram_part<'a>(
    sample: &Sample<'a>,
    types: &HashMap<String, StatKind>,
) -> Option<(&'a str, HistogramPart)> {
    let declared = |base: &str| types.get(base) == Some(&StatKind::Histogram);
    if let Some(base) = sample.name.strip_suffix("_bucket") {
        if sample.labels.iter().any(|(key, _)| key == "le") || declared(base) {
            return Some((base, HistogramPart::Bucket));
        }
    }
    for (suffix, part) in [("_sum", HistogramPart::Sum), ("_count", HistogramPart::Count)] {
        if let Some(base) = sample.name.strip_suffix(suffix) {
            // Envoy has no counter or gauge ending in `_sum` or `_count`.
            if declared(base) || !types.contains_key(sample.name) {
                return Some((base, part));
            }
        }
    }
    None
}

fn number_value(name: &str, value: &str, number: usize) -> (StatValue, Option<Warning>) {
    if let Ok(parsed) = value.parse::<u64>() {
        return (StatValue::Number(parsed), None);
    }
    // Exposition allows floats (`1.5e+06`); integral values within range are exact enough.
    if let Ok(parsed) = value.parse::<f64>() {
        if parsed.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&parsed) {
            // Truncation cannot happen: the value is integral and below 2^64.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return (StatValue::Number(parsed as u64), None);
        }
    }
    super::plain::parse_number(name, value, number)
}

fn parse_float(text: &str) -> f64 {
    match text {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => text.parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// Builds a stat and its scope from a metric name and labels.
fn to_stat(
    metric: &str,
    mut labels: Vec<(String, String)>,
    value: StatValue,
    line: usize,
) -> RawStat {
    let mut take = |keys: &[&str]| -> Option<String> {
        let index = labels.iter().position(|(key, _)| keys.contains(&key.as_str()))?;
        Some(labels.remove(index).1)
    };
    let cluster = take(CLUSTER_LABELS);
    let address = take(&["envoy_listener_address"]);
    let http_prefix = take(&["envoy_http_conn_manager_prefix"]);
    let code = take(&["envoy_response_code"]);
    let code_class = take(&["envoy_response_code_class"]);
    let cipher = take(CIPHER_LABELS);

    let Some(rest) = metric.strip_prefix("envoy_") else {
        // Not an Envoy metric (an Istio `istio_requests_total`): keep it as it is.
        let stat = Stat { name: metric.to_string(), kind: StatKind::Counter, value, line, labels };
        return RawStat::new(stat);
    };

    let relative_tail = |stat: &str| -> String {
        let mut name = dotted_family(stat);
        if let Some(prefix) = &http_prefix {
            if let Some(after) = name.strip_prefix("http_") {
                name = format!("http.{prefix}.{after}");
            }
        }
        if let Some(cipher) = &cipher {
            name = format!("{name}.{cipher}");
        }
        if let Some(code) = &code {
            name = format!("{name}_{code}");
        }
        if let Some(class) = &code_class {
            if let Some(head) = name.strip_suffix("_xx") {
                name = format!("{head}_{class}xx");
            }
        }
        name
    };

    let (name, scope) =
        if let (Some(cluster), Some(stat)) = (&cluster, rest.strip_prefix("cluster_")) {
            let prefix = format!("cluster.{cluster}.");
            let name = format!("{prefix}{}", relative_tail(stat));
            let start = prefix.len();
            (name, Some((ScopeKey::Cluster(cluster.clone()), start)))
        } else if let (Some(address), Some(stat)) = (&address, rest.strip_prefix("listener_")) {
            let prefix = format!("listener.{address}.");
            let name = format!("{prefix}{}", relative_tail(stat));
            let start = prefix.len();
            (name, Some((ScopeKey::Listener(address.clone()), start)))
        } else if let Some(stat) = rest.strip_prefix("listener_admin_") {
            let prefix = "listener.admin.".to_string();
            let name = format!("{prefix}{}", relative_tail(stat));
            (name, Some((ScopeKey::Listener("admin".to_string()), prefix.len())))
        } else {
            let root = ROOTS.iter().find_map(|(sanitized, dotted)| {
                rest.strip_prefix(sanitized).map(|tail| (*dotted, tail))
            });
            let name = match root {
                Some(("http.", tail)) => {
                    let tail = relative_tail(&format!("http_{tail}"));
                    if tail.starts_with("http.") {
                        tail
                    } else {
                        format!("http.{}", tail.trim_start_matches("http_"))
                    }
                }
                Some((dotted, tail)) => format!("{dotted}{}", relative_tail(tail)),
                None => relative_tail(rest),
            };
            (name, None)
        };

    // A cluster or listener label on a metric of another scope did not become part of
    // the name, so it stays a label.
    let mut leftovers = Vec::new();
    if scope.is_none() {
        if let Some(cluster) = cluster {
            leftovers
                .push((CLUSTER_LABELS.first().copied().unwrap_or_default().to_string(), cluster));
        }
        if let Some(address) = address {
            leftovers.push(("envoy_listener_address".to_string(), address));
        }
    }
    labels.extend(leftovers);

    let stat = Stat { name, kind: StatKind::Counter, value, line, labels };
    RawStat { stat, scope }
}

/// Turns the first `_` of a known family into `.`: `ssl_handshake` -> `ssl.handshake`,
/// `circuit_breakers_default_cx_open` -> `circuit_breakers.default.cx_open`.
fn dotted_family(stat: &str) -> String {
    for family in SCOPED_FAMILIES {
        if stat == *family {
            return family.replacen('_', ".", family_dots(family));
        }
        if let Some(tail) = stat.strip_prefix(family).and_then(|t| t.strip_prefix('_')) {
            let family = family.replacen('_', ".", family_dots(family));
            return format!("{family}.{tail}");
        }
    }
    stat.to_string()
}

/// The number of `_` in a family name that stand for dots (`ssl_ciphers` -> 1,
/// `client_ssl_socket_factory` -> 0, `circuit_breakers_default` -> 1).
fn family_dots(family: &str) -> usize {
    match family {
        "ssl_ciphers" | "ssl_versions" | "ssl_curves" | "ssl_sigalgs" => 1,
        "circuit_breakers_default" | "circuit_breakers_high" => 1,
        _ => 0,
    }
}
