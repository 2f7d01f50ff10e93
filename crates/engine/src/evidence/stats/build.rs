//! Grouping of parsed stats into scopes, shared by the three format parsers.

use std::collections::{HashMap, HashSet};

use super::names::{self, ScopeKey};
use super::{Scope, ScopeKind, Stat, StatKind, StatValue, Stats, StatsFormat};
use crate::evidence::pause::{self, NoPause, Pass, Pause, Progress};
use crate::evidence::Warning;

/// A stat as a format parser read it, before grouping.
pub(crate) struct RawStat {
    pub stat: Stat,
    /// The scope when the format names it outside the stat name (Prometheus labels
    /// `envoy_cluster_name`, `envoy_listener_address`), with the relative name's start.
    pub scope: Option<(ScopeKey, usize)>,
}

impl RawStat {
    pub fn new(stat: Stat) -> RawStat {
        RawStat { stat, scope: None }
    }
}

/// Groups stats by scope and warns about a name that appears twice with two values.
pub(crate) fn build(format: StatsFormat, raws: Vec<RawStat>, warnings: &mut Vec<Warning>) -> Stats {
    pause::run_to_end(build_pausing(format, raws, warnings, &mut NoPause))
}

/// Groups as [`build`] does, and awaits `pause` every [`pause::LINES_PER_PAUSE`] stats.
pub(crate) async fn build_pausing(
    format: StatsFormat,
    raws: Vec<RawStat>,
    warnings: &mut Vec<Warning>,
    pause: &mut impl Pause,
) -> Stats {
    let known_clusters = known_clusters(&raws);
    let known: HashSet<&str> = known_clusters.iter().map(|(name, _)| name.as_str()).collect();
    let expected: HashMap<&str, usize> =
        known_clusters.iter().map(|(name, count)| (name.as_str(), *count)).collect();
    let max_known_dots = known.iter().map(|name| dots(name)).max().unwrap_or(0);

    let mut stats = Stats::empty(format);
    let from_prometheus = format == StatsFormat::Prometheus;
    // Stats of one scope come in runs, so the scope of the previous stat is tried first.
    let mut last_cluster: Option<(String, usize)> = None;
    // Whether the name in `last_cluster` has no dot, kept to spare a scan per stat.
    let mut last_dotless = false;
    let total = raws.len();
    let mut raws = raws.into_iter();
    for index in 0..total {
        if pause::is_due(index) {
            let progress = Progress { pass: Pass::Grouping, lines_read: index, lines_total: total };
            pause.pause(progress).await;
        }
        // Taken after the pause, a stat is not kept across it in the future's state,
        // which would copy every stat in and out of that state.
        let Some(RawStat { stat, scope }) = raws.next() else { break };
        // When no established cluster name has a dot, `names::classify` cuts a cluster
        // stat at its first dot and finds the previous stat's dotless cluster there, so
        // a stat that continues that cluster skips classifying.
        let continued = match (&scope, &last_cluster) {
            (None, Some((last, position))) if max_known_dots == 0 && last_dotless => {
                continues_cluster(&stat.name, last).then_some(*position)
            }
            _ => None,
        };
        let slot = if let Some(position) = continued {
            Slot::Cluster(position)
        } else {
            let key = match &scope {
                Some((key, _)) => key.as_borrowed(),
                None => {
                    let last = last_cluster.as_ref().map(|(name, _)| name.as_str());
                    let is_known = |name: &str| Some(name) == last || known.contains(name);
                    names::classify(&stat.name, &is_known, max_known_dots).0
                }
            };
            match (&key, &last_cluster) {
                (ScopeKey::Cluster(name), Some((last, position))) if name == last => {
                    Slot::Cluster(*position)
                }
                _ => {
                    let slot = slot_for(&mut stats, key.clone(), from_prometheus, &expected);
                    if let (ScopeKey::Cluster(name), Slot::Cluster(position)) = (&key, &slot) {
                        last_dotless = !name.contains('.');
                        last_cluster = Some((name.to_string(), *position));
                    }
                    slot
                }
            }
        };
        let scope = match slot {
            Slot::Listener(position) => stats.listeners.get_mut(position),
            Slot::Cluster(position) => stats.clusters.get_mut(position),
            Slot::Server => Some(&mut stats.server),
            Slot::Other => Some(&mut stats.other),
        };
        let Some(scope) = scope else { continue };
        let line = stat.line;
        if let Some(first_line) = scope.push(stat) {
            let name = scope.stats.last().map(|stat| stat.name.as_str()).unwrap_or_default();
            warnings.push(Warning::at_line(
                line,
                format!(
                    "`{name}` appears again with another value (first at line {first_line}); both are kept and lookups return this later one"
                ),
            ));
        }
        stats.len += 1;
    }
    stats
}

/// Tells whether `name` is `cluster.<cluster>.<stat>`.
fn continues_cluster(name: &str, cluster: &str) -> bool {
    strip_cluster_root(name)
        .and_then(|rest| rest.strip_prefix(cluster))
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Returns `name` without its `cluster.` root. The root is compared as one 8-byte
/// array, which spares a call to compare memory for every stat of a dump.
fn strip_cluster_root(name: &str) -> Option<&str> {
    (name.as_bytes().first_chunk::<8>() == Some(b"cluster.")).then(|| name.get(8..)).flatten()
}

fn dots(name: &str) -> usize {
    name.bytes().filter(|byte| *byte == b'.').count()
}

/// Returns the cluster names that stats establish, a Prometheus cluster label or a
/// known cluster stat after the name, each with the number of stats that name it.
fn known_clusters(raws: &[RawStat]) -> Vec<(String, usize)> {
    let mut known: Vec<(String, usize)> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    // The position in `known` of `last`.
    let mut last_position = 0;
    // The previous name established; the next stat of the same cluster names it again.
    let mut last: Option<&str> = None;
    // `last` when it has no dot, kept to spare a scan per stat.
    let mut last_dotless: Option<&str> = None;
    for raw in raws {
        let name = match &raw.scope {
            Some((ScopeKey::Cluster(name), _)) => Some(name.as_str()),
            Some(_) => None,
            None => strip_cluster_root(&raw.stat.name).and_then(|rest| {
                // With a dotless name, the first dot is the cluster's own boundary when
                // a known cluster stat follows it.
                let same_as_last = last_dotless.is_some_and(|last| {
                    rest.strip_prefix(last)
                        .and_then(|tail| tail.strip_prefix('.'))
                        .is_some_and(names::starts_cluster_stat)
                });
                if same_as_last {
                    return last;
                }
                names::known_cluster_boundary(rest).and_then(|dot| rest.get(..dot))
            }),
        };
        if let Some(name) = name {
            if last != Some(name) {
                last_position = *seen.entry(name).or_insert_with(|| {
                    known.push((name.to_string(), 0));
                    known.len() - 1
                });
                last_dotless = Some(name).filter(|name| !name.contains('.'));
            }
            if let Some((_, count)) = known.get_mut(last_position) {
                *count += 1;
            }
            last = Some(name);
        }
    }
    known
}

/// The scope a stat goes to, as a position in `Stats::listeners` or `Stats::clusters`.
enum Slot {
    Listener(usize),
    Cluster(usize),
    Server,
    Other,
}

/// Finds the scope for a key, creating it on first use; allocates only for a new scope.
/// `expected` is the number of stats of each known cluster, which a new cluster
/// scope reserves room for.
fn slot_for(
    stats: &mut Stats,
    key: ScopeKey<&str>,
    from_prometheus: bool,
    expected: &HashMap<&str, usize>,
) -> Slot {
    match key {
        ScopeKey::Listener(address) => {
            if let Some(&position) = stats.listener_index.get(address) {
                return Slot::Listener(position);
            }
            let prefix = format!("listener.{address}.");
            stats.listeners.push(Scope::new(
                ScopeKind::Listener,
                address.to_string(),
                prefix,
                from_prometheus,
            ));
            stats.listener_index.insert(address.to_string(), stats.listeners.len() - 1);
            Slot::Listener(stats.listeners.len() - 1)
        }
        ScopeKey::Cluster(name) => {
            if let Some(&position) = stats.cluster_index.get(name) {
                return Slot::Cluster(position);
            }
            let prefix = format!("cluster.{name}.");
            let decoded = names::decode_cluster_name(name);
            stats.max_cluster_dots = stats.max_cluster_dots.max(dots(name));
            let mut scope =
                Scope::new(ScopeKind::Cluster(decoded), name.to_string(), prefix, from_prometheus);
            // Growing a scope of large stats one doubling at a time copies them again each time.
            scope.reserve(expected.get(name).copied().unwrap_or(0));
            stats.clusters.push(scope);
            stats.cluster_index.insert(name.to_string(), stats.clusters.len() - 1);
            Slot::Cluster(stats.clusters.len() - 1)
        }
        ScopeKey::Server => Slot::Server,
        ScopeKey::Other => Slot::Other,
    }
}

/// Last segments of the gauges that Envoy's stats documentation lists for listeners,
/// clusters, circuit breakers, the server and the managers, sorted by length and then
/// text, so that a binary search finds one.
const GAUGE_SEGMENTS: &[&str] = &[
    "live",
    "state",
    "uptime",
    "healthy",
    "version",
    "concurrency",
    "active_clusters",
    "connected_state",
    "max_host_weight",
    "workers_started",
    "membership_total",
    "memory_allocated",
    "memory_heap_size",
    "pending_requests",
    "warming_clusters",
    "hot_restart_epoch",
    "lb_subsets_active",
    "total_connections",
    "membership_healthy",
    "parent_connections",
    "membership_degraded",
    "membership_excluded",
    "memory_physical_size",
    "stats_recent_lookups",
    "hot_restart_generation",
    "total_listeners_active",
    "total_listeners_warming",
    "total_listeners_draining",
    "total_filter_chains_draining",
    "days_until_first_cert_expiring",
    "expiration_unix_time_in_seconds",
    "seconds_until_first_ocsp_response_expiring",
];

/// Infers whether a numeric stat of the text or JSON format is a gauge, from the names
/// Envoy's stats documentation lists as gauges (listener, cluster, circuit breaker,
/// server and manager stats).
// NOTE: a gauge not in these rules is taken for a counter, which only matters to
// `Stats::delta` (it subtracts counters).
pub(crate) fn is_gauge_name(name: &str) -> bool {
    // A byte search: `.` is ASCII, so it never sits inside a multi-byte character.
    let last = match name.bytes().rposition(|byte| byte == b'.') {
        Some(dot) => name.get(dot + 1..).unwrap_or_default(),
        None => name,
    };
    // Grouping calls this for every stat of a dump, and lengths compare faster than text.
    let listed = GAUGE_SEGMENTS
        .binary_search_by(|gauge| gauge.len().cmp(&last.len()).then_with(|| gauge.cmp(&last)))
        .is_ok();
    // The last byte picks the one suffix that can match.
    let suffixed = match last.as_bytes().last() {
        Some(b'e') => last.ends_with("_active"),
        Some(b'd') => last.ends_with("_buffered"),
        Some(b'n') => last.ends_with("_open"),
        _ => false,
    };
    listed || suffixed || last.starts_with("remaining_")
}

/// Returns the kind of a stat of the text or JSON format from its value and name.
pub(crate) fn infer_kind(name: &str, value: &StatValue) -> StatKind {
    match value {
        StatValue::Text(_) => StatKind::TextReadout,
        StatValue::Histogram(_) => StatKind::Histogram,
        StatValue::Number(_) | StatValue::Unreadable(_) => {
            if is_gauge_name(name) {
                StatKind::Gauge
            } else {
                StatKind::Counter
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stat that came before or between the stats that made its cluster's scope was
    /// grouped without that cluster, and a lookup by name still finds it.
    #[test]
    fn lookup_finds_stat_grouped_without_cluster() {
        let texts = [
            "cluster.a.x.y: 2\ncluster.b.version: 0\ncluster.a.: 1\n",
            "cluster.a.: 1\ncluster.a.x.y: 2\n",
        ];
        for text in texts {
            let (stats, _) = crate::evidence::stats::parse_text(text, 1);
            assert_eq!(stats.len(), text.lines().count(), "{text:?}");
            for stat in stats.iter() {
                let found = stats.get(&stat.name).map(|found| found.line);
                assert_eq!(found, Some(stat.line), "{} in {text:?}", stat.name);
            }
        }
    }

    #[test]
    fn gauge_segments_sorted_for_search() {
        let mut sorted = GAUGE_SEGMENTS.to_vec();
        sorted.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        assert_eq!(sorted, GAUGE_SEGMENTS);
        for gauge in GAUGE_SEGMENTS {
            assert!(is_gauge_name(&format!("cluster.a.{gauge}")), "{gauge}");
        }
        assert!(!is_gauge_name("cluster.a.upstream_cx_total"));
        assert!(is_gauge_name("cluster.a.upstream_cx_active"));
    }
}
