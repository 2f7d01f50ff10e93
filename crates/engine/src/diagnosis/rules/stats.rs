//! `/stats` dumps: which snapshot the rules read, and the connectivity checks
//! of the App Mesh checklist that counters can decide.
//!
//! Each dump is read on its own: App Mesh names the listener `0.0.0.0_15000`
//! on every Envoy, so two pastes that share listener and cluster names may
//! come from two Envoys. Two dumps are read as one Envoy's difference only
//! when their counters show which came first (see [`snapshots`]), so the
//! result never depends on the order of the pastes. Facts: Envoy's listener,
//! cluster and server stats docs; App Mesh `troubleshooting-connectivity` (`mesh-allow-all`) and
//! `troubleshooting-best-practices` (`control_plane.connected_state`, 1 when
//! connected).

use std::borrow::Cow;

use super::{quote, Collector};
use crate::diagnosis::{Code, Confidence, Finding, Input};
use crate::evidence::stats::{AppMeshTarget, ClusterName, Scope, ScopeKind, Stats};
use crate::evidence::Records;

/// The stats the rules read, and the input whose lines they quote.
pub(crate) struct Snapshot<'a> {
    pub input: &'a Input,
    /// Borrowed from the parsed input when read alone, so a large dump is not copied.
    pub stats: Cow<'a, Stats>,
    /// The earlier dump when `stats` contains the difference of two.
    pub earlier: Option<(&'a Input, &'a Stats)>,
    /// Whether findings name the input in their subject: several dumps are read
    /// alone, and they may share listener and cluster names.
    pub names_input: bool,
}

impl Snapshot<'_> {
    /// Names a listener or cluster for a finding's subject, followed by the
    /// input when several dumps are read alone.
    pub fn subject(&self, scope: String) -> String {
        if self.names_input {
            format!("{scope} in {}", self.input.name())
        } else {
            scope
        }
    }

    /// Describes a counter for a detail line: its value, and for a difference the
    /// two readings it came from.
    pub fn describe(&self, full_name: &str, value: u64) -> String {
        let Some((_, earlier)) = self.earlier else {
            return format!("{full_name} = {value}");
        };
        match earlier.counter(full_name) {
            Some((before, _)) => format!(
                "{full_name} rose by {value} (from {before} to {})",
                before.saturating_add(value)
            ),
            None => format!("{full_name} = {value} (not in the earlier dump)"),
        }
    }
}

/// Picks the stats to read.
///
/// Two dumps that share a listener or cluster are read as their difference
/// when [`read_as_difference`] finds them to be two snapshots of one Envoy.
/// Envoy counters only rise until a restart, so the dump whose shared counters
/// are all at least the other's is the later one, whichever was pasted first.
/// Otherwise, and for any other number of dumps, each dump is read alone and
/// its findings name it.
pub(crate) fn snapshots<'a>(inputs: &'a [Input], out: &mut Collector) -> Vec<Snapshot<'a>> {
    let mut dumps: Vec<(&'a Input, &'a Stats)> = Vec::new();
    for input in inputs {
        for part in &input.parsed.parts {
            if let Records::Stats(stats) = &part.records {
                if !stats.is_empty() {
                    dumps.push((input, stats));
                }
            }
        }
    }

    if let [first, second] = dumps.as_slice() {
        if share_a_scope(first.1, second.1) {
            match read_as_difference(*first, *second) {
                Ok(snapshot) => {
                    if let Some((earlier_input, _)) = snapshot.earlier {
                        out.note(format!(
                            "Two /stats dumps of one Envoy: every counter they share is as high \
                             or higher in {} than in {}, so the rules read the difference, {} \
                             minus {}: what happened between the two.",
                            snapshot.input.name(),
                            earlier_input.name(),
                            snapshot.input.name(),
                            earlier_input.name()
                        ));
                    }
                    return vec![snapshot];
                }
                Err(reason) => out.note(format!(
                    "{} and {} share listener or cluster names but are read as two Envoys, \
                     each on its own: {reason}.",
                    first.0.name(),
                    second.0.name()
                )),
            }
        }
    }

    let several = dumps.len() > 1;
    dumps
        .into_iter()
        .map(|(input, stats)| Snapshot {
            input,
            stats: Cow::Borrowed(stats),
            earlier: None,
            names_input: several,
        })
        .collect()
}

/// Reads two dumps as the difference of two snapshots of one Envoy, or returns
/// why they cannot be: counters that moved both ways or not at all, a listener
/// or cluster missing from the later dump, or an impossible interval.
fn read_as_difference<'a>(
    first: (&'a Input, &'a Stats),
    second: (&'a Input, &'a Stats),
) -> Result<Snapshot<'a>, String> {
    let forward = second.1.delta(first.1);
    let backward = first.1.delta(second.1);
    let (earlier, later, delta) = match (&forward.reset, &backward.reset) {
        (None, Some(_)) => (first, second, forward),
        (Some(_), None) => (second, first, backward),
        (None, None) => return Err("no counter they share differs between them".to_string()),
        (Some(higher_in_first), Some(higher_in_second)) => {
            return Err(format!(
                "`{}` is higher in {} but `{}` is higher in {}, which takes two Envoys or a \
                 restart between the dumps",
                higher_in_second.name,
                second.0.name(),
                higher_in_first.name,
                first.0.name()
            ))
        }
    };
    if let Some(scope) = missing_scope(earlier.1, later.1) {
        return Err(format!(
            "{scope} is in {} but not in {}, which has higher counters",
            earlier.0.name(),
            later.0.name()
        ));
    }
    if let Some(reason) = impossible_interval(&delta.stats) {
        return Err(format!("read as {} minus {}, {reason}", later.0.name(), earlier.0.name()));
    }
    Ok(Snapshot {
        input: later.0,
        stats: Cow::Owned(delta.stats),
        earlier: Some(earlier),
        names_input: false,
    })
}

/// Returns the first listener or cluster of `earlier` that `later` lacks. One
/// Envoy keeps its listeners and clusters from one dump to the next unless its
/// configuration changed, and a dump from another Envoy often lacks some.
fn missing_scope(earlier: &Stats, later: &Stats) -> Option<String> {
    let listener = earlier
        .listeners()
        .iter()
        .find(|scope| later.listener(scope.name()).is_none())
        .map(|scope| format!("listener {}", scope.name()));
    listener.or_else(|| {
        earlier
            .clusters()
            .iter()
            .find(|scope| later.cluster(scope.name()).is_none())
            .map(|scope| format!("cluster {}", scope.name()))
    })
}

/// Returns why a difference cannot be the counting of one Envoy over an
/// interval: a listener or cluster that completed more TLS handshakes than it
/// opened connections, when the paste has both counters. A handshake belongs to
/// one connection, so over an interval the two can only differ by the
/// connections already open at its start.
// NOTE: connections open at the start of the interval can complete their
// handshake inside it. A burst of slow handshakes can therefore look like two
// Envoys, and the dumps are then read alone, which is still correct for each.
fn impossible_interval(delta: &Stats) -> Option<String> {
    let sides =
        [("downstream_cx_total", delta.listeners()), ("upstream_cx_total", delta.clusters())];
    for (total_name, scopes) in sides {
        for scope in scopes {
            let (Some((handshakes, _)), Some((total, _))) =
                (scope.number("ssl.handshake"), scope.number(total_name))
            else {
                continue;
            };
            if handshakes > total {
                return Some(format!(
                    "`{}` would rise by {handshakes} but `{}` by {total}, and every handshake \
                     needs a connection",
                    full(scope, "ssl.handshake"),
                    full(scope, total_name)
                ));
            }
        }
    }
    None
}

fn share_a_scope(first: &Stats, second: &Stats) -> bool {
    first.listeners().iter().any(|scope| second.listener(scope.name()).is_some())
        || first.clusters().iter().any(|scope| second.cluster(scope.name()).is_some())
}

/// Connectivity checks read from counters.
pub(crate) fn connectivity(snapshot: &Snapshot<'_>, out: &mut Collector) {
    let stats = &snapshot.stats;
    let input = snapshot.input;

    if let Some((state, line)) = stats.counter("control_plane.connected_state") {
        if state == 0 {
            out.add(
                Finding::new(Code::ConnControlPlaneDisconnected, Confidence::Confirmed)
                    .with_detail(
                        "`control_plane.connected_state` is 0: Envoy is not connected to its \
                         management server, so its configuration may be missing or stale.",
                    )
                    .with_evidence(quote(input, line)),
            );
        } else {
            out.rule_out(
                Code::ConnControlPlaneDisconnected,
                format!(
                    "`control_plane.connected_state` is {state} in {}: Envoy is connected",
                    input.name()
                ),
                quote(input, line).into_iter().collect(),
            );
        }
    }

    for stat in stats.update_rejected() {
        let Some(value) = stat.number().filter(|value| *value > 0) else { continue };
        out.add(
            Finding::new(Code::ConnConfigRejected, Confidence::Confirmed)
                .with_subject(stat.name.clone())
                .with_detail(format!(
                    "{}: Envoy rejected configuration it was sent. The rejection reason is in the \
                     log (`gRPC config for … rejected: …`, warning level).",
                    snapshot.describe(&stat.name, value)
                ))
                .with_evidence(quote(input, stat.line)),
        );
        out.next_step(
            "The rejection reason in Envoy's log",
            Some("kubectl logs <pod> -c envoy | grep -i rejected"),
        );
    }

    for scope in stats.listeners() {
        if let Some((value, line)) = positive(scope, "no_filter_chain_match") {
            out.add(
                Finding::new(Code::ConnNoFilterChain, Confidence::Confirmed)
                    .with_subject(snapshot.subject(format!("listener {}", scope.name())))
                    .with_detail(format!(
                        "{}: connections arrived that no filter chain accepts (wrong port, \
                         or TLS and plaintext mixed).",
                        snapshot.describe(&full(scope, "no_filter_chain_match"), value)
                    ))
                    .with_evidence(quote(input, line)),
            );
        }
    }

    for scope in stats.clusters() {
        cluster_connectivity(snapshot, scope, out);
    }

    for stat in stats.other().stats() {
        let is_no_route = stat.name.starts_with("http.") && stat.name.ends_with(".no_route");
        let Some(value) = stat.number().filter(|value| is_no_route && *value > 0) else { continue };
        out.add(
            Finding::new(Code::ConnNoRouteMatch, Confidence::Confirmed)
                .with_detail(format!(
                    "{}: requests matched no route of the route configuration.",
                    snapshot.describe(&stat.name, value)
                ))
                .with_evidence(quote(input, stat.line)),
        );
    }
}

fn cluster_connectivity(snapshot: &Snapshot<'_>, scope: &Scope, out: &mut Collector) {
    let input = snapshot.input;
    let name = scope.name();

    if let Some(ClusterName::AppMesh(cluster)) = cluster_name(scope) {
        if matches!(cluster.target, AppMeshTarget::MeshAllowAll { .. }) {
            let traffic = positive(scope, "upstream_rq_total")
                .or_else(|| positive(scope, "upstream_cx_total"));
            if let Some((value, line)) = traffic {
                out.add(
                    Finding::new(Code::ConnMeshAllowAll, Confidence::Confirmed)
                        .with_subject(snapshot.subject(format!("cluster {name}")))
                        .with_detail(format!(
                            "{}: egress went through the `ALLOW_ALL` passthrough, so Envoy did \
                             not match the destination to a virtual service of the mesh.",
                            snapshot.describe(&format!("cluster.{name}.upstream_rq_total"), value)
                        ))
                        .with_evidence(quote(input, line)),
                );
            }
        }
    }

    let none_healthy = positive(scope, "upstream_cx_none_healthy");
    let healthy = scope.gauge("membership_healthy");
    let total = scope.gauge("membership_total");
    let no_members = matches!((healthy, total), (Some((0, _)), Some((members, _))) if members > 0);
    if none_healthy.is_some() || no_members {
        let mut finding = Finding::new(Code::ConnNoHealthyUpstream, Confidence::Confirmed)
            .with_subject(snapshot.subject(format!("cluster {name}")));
        if let Some((value, line)) = none_healthy {
            finding = finding
                .with_detail(format!(
                    "{}: connections found no healthy host.",
                    snapshot.describe(&full(scope, "upstream_cx_none_healthy"), value)
                ))
                .with_evidence(quote(input, line));
        }
        if let (true, Some((_, healthy_line)), Some((members, total_line))) =
            (no_members, healthy, total)
        {
            finding = finding
                .with_detail(format!("`membership_healthy` is 0 of `membership_total` {members}."))
                .with_evidence(quote(input, healthy_line))
                .with_evidence(quote(input, total_line));
        }
        out.add(finding);
    }

    if let Some((value, line)) = positive(scope, "upstream_cx_connect_fail") {
        let tls_failures = ["ssl.connection_error", "ssl.fail_verify_error", "ssl.fail_verify_san"]
            .iter()
            .any(|counter| positive(scope, counter).is_some());
        if !tls_failures {
            out.add(
                Finding::new(Code::ConnRefused, Confidence::Likely)
                    .with_subject(snapshot.subject(format!("cluster {name}")))
                    .with_detail(format!(
                        "{}, with no TLS failure counted on the cluster: the TCP connection \
                         failed (refused, or timed out) before any TLS handshake.",
                        snapshot.describe(&full(scope, "upstream_cx_connect_fail"), value)
                    ))
                    .with_evidence(quote(input, line)),
            );
        }
    }
}

/// Returns `(value, line)` of a counter that is above zero.
pub(crate) fn positive(scope: &Scope, relative: &str) -> Option<(u64, usize)> {
    scope.number(relative).filter(|(value, _)| *value > 0)
}

/// Returns the full stat name of a counter of `scope`.
pub(crate) fn full(scope: &Scope, relative: &str) -> String {
    format!("{}{relative}", scope.prefix())
}

/// Returns what the name of a cluster scope encodes; `None` for other scopes.
fn cluster_name(scope: &Scope) -> Option<&ClusterName> {
    match scope.kind() {
        ScopeKind::Cluster(name) => Some(name),
        _ => None,
    }
}
