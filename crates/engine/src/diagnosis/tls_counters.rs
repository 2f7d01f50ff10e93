//! The TLS counters of each listener and cluster of a `/stats` dump, as the
//! numbers of the documented counter rule, for a table or chart.
//!
//! The App Mesh guide ("Unable to assert that connectivity between Envoy
//! proxies is using TLS") checks
//! `downstream_cx_total - ssl.connection_error == ssl.handshake + ssl.session_reused`
//! on a terminating listener, and the same with `upstream_cx_total` on an
//! originating cluster. The diagnosis rules turn that into findings. This
//! module only reads the counters, so a page can draw them. A counter missing
//! from the paste stays `None`, never 0.

use serde::Serialize;

use crate::diagnosis::Input;
use crate::evidence::stats::{Scope, ScopeKind, Stats};
use crate::evidence::Records;

/// The verification failures Envoy counts outside `ssl.connection_error`.
const FAIL_VERIFY_COUNTERS: [&str; 4] = [
    "ssl.fail_verify_error",
    "ssl.fail_verify_san",
    "ssl.fail_verify_cert_hash",
    "ssl.fail_verify_no_cert",
];

/// Whether Envoy terminates or originates TLS in a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CounterSide {
    /// A listener, which terminates TLS and counts `downstream_cx_total`.
    Listener,
    /// A cluster, which originates TLS and counts `upstream_cx_total`.
    Cluster,
}

impl CounterSide {
    /// Returns the name of the connection total on this side.
    pub fn total_name(self) -> &'static str {
        match self {
            CounterSide::Listener => "downstream_cx_total",
            CounterSide::Cluster => "upstream_cx_total",
        }
    }
}

/// The counter rule's numbers for one listener or cluster with TLS stats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TlsCounters {
    pub side: CounterSide,
    /// The listener address (or `stat_prefix`) or the cluster name.
    pub name: String,
    /// `downstream_cx_total` of a listener, `upstream_cx_total` of a cluster.
    pub connections: Option<u64>,
    /// `ssl.handshake`: completed handshakes, resumed ones included.
    pub handshakes: Option<u64>,
    /// `ssl.session_reused`.
    pub session_reused: Option<u64>,
    /// `ssl.connection_error`.
    pub connection_errors: Option<u64>,
    /// Sum of the `ssl.fail_verify_*` counters in the paste, `None` when it has none.
    pub verify_failures: Option<u64>,
}

impl TlsCounters {
    /// Returns `ssl.handshake + ssl.session_reused`, the right side of the
    /// documented rule. Envoy counts a resumed session in `ssl.handshake`
    /// too, so this sum counts it twice, as the documented rule does.
    pub fn handshakes_and_resumed(&self) -> Option<u64> {
        Some(self.handshakes?.saturating_add(self.session_reused?))
    }

    /// Returns whether the documented rule holds, or `None` when a counter it
    /// needs is missing from the paste.
    pub fn documented_rule_holds(&self) -> Option<bool> {
        let left = i128::from(self.connections?) - i128::from(self.connection_errors?);
        let right = i128::from(self.handshakes_and_resumed()?);
        Some(left == right)
    }
}

/// Reads the TLS counters of every listener and then every cluster of
/// `stats` that has `ssl.` stats, in the order of the dump. Envoy creates the
/// `ssl.` counters when a TLS context is loaded, so a scope without them has
/// no TLS and is left out.
pub fn from_stats(stats: &Stats) -> Vec<TlsCounters> {
    stats.listeners().iter().chain(stats.clusters()).filter_map(read_scope).collect()
}

/// Reads the TLS counters of every `/stats` dump in `input`, which may be a
/// mixed paste with several.
pub fn from_input(input: &Input) -> Vec<TlsCounters> {
    input
        .parsed
        .parts
        .iter()
        .filter_map(|part| match &part.records {
            Records::Stats(stats) => Some(from_stats(stats)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn read_scope(scope: &Scope) -> Option<TlsCounters> {
    let side = match scope.kind() {
        ScopeKind::Listener => CounterSide::Listener,
        ScopeKind::Cluster(_) => CounterSide::Cluster,
        _ => return None,
    };
    if !scope.has_prefix("ssl.") {
        return None;
    }
    let value = |relative: &str| scope.number(relative).map(|(value, _)| value);
    let verify_failures =
        FAIL_VERIFY_COUNTERS.iter().filter_map(|name| value(name)).reduce(u64::saturating_add);
    Some(TlsCounters {
        side,
        name: scope.name().to_string(),
        connections: value(side.total_name()),
        handshakes: value("ssl.handshake"),
        session_reused: value("ssl.session_reused"),
        connection_errors: value("ssl.connection_error"),
        verify_failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISTIO_CLUSTER: &str =
        include_str!("../../tests/fixtures/stats/stats-istio1178-envoy125-cluster-block.txt");
    const APPMESH_WALKTHROUGHS: &str =
        include_str!("../../tests/fixtures/stats/stats-appmesh-walkthroughs-annotated.txt");
    const INVALID_UTF8: &[u8] =
        include_bytes!("../../tests/fixtures/bad_input/stats-invalid-utf8.txt");
    const QUICKSTART: &str =
        include_str!("../../tests/fixtures/stats/stats-envoy-quickstart-http-ingress.txt");

    /// Expected numbers of one scope: side, name, connections, handshakes,
    /// resumed sessions, connection errors, verify failures, rule.
    type Row = (CounterSide, &'static str, [Option<u64>; 5], Option<bool>);

    fn check(case: &str, input: &Input, expected: &[Row]) {
        let rows = from_input(input);
        let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
        let expected_names: Vec<&str> = expected.iter().map(|row| row.1).collect();
        assert_eq!(names, expected_names, "case {case}: scopes");
        for (row, (side, name, numbers, rule)) in rows.iter().zip(expected) {
            assert_eq!(row.side, *side, "case {case}: side of {name}");
            let read = [
                row.connections,
                row.handshakes,
                row.session_reused,
                row.connection_errors,
                row.verify_failures,
            ];
            assert_eq!(read, *numbers, "case {case}: counters of {name}");
            assert_eq!(row.documented_rule_holds(), *rule, "case {case}: rule of {name}");
        }
    }

    #[test]
    fn istio_cluster_block_holds() {
        let input = Input::parse("istio.txt", ISTIO_CLUSTER);
        let expected: &[Row] = &[(
            CounterSide::Cluster,
            "outbound|80||catalog.istioinaction.svc.cluster.local",
            [Some(1), Some(1), Some(0), Some(0), Some(0)],
            Some(true),
        )];
        check("istio cluster block", &input, expected);
    }

    #[test]
    fn appmesh_walkthroughs_lack_totals() {
        let input = Input::parse("walkthroughs.txt", APPMESH_WALKTHROUGHS);
        let rows = from_input(&input);
        assert!(rows.len() > 5, "one row per TLS listener and cluster: {rows:?}");
        assert!(rows.iter().all(|row| row.connections.is_none()), "no total is in the paste");
        assert!(rows.iter().all(|row| row.documented_rule_holds().is_none()));

        let listener = rows.iter().find(|row| row.name == "0.0.0.0_9080");
        let listener = listener.map(|row| (row.side, row.handshakes));
        assert_eq!(listener, Some((CounterSide::Listener, Some(60))));
        let no_cert = rows.iter().find(|row| row.name == "0.0.0.0_15000");
        assert_eq!(no_cert.and_then(|row| row.verify_failures), Some(208));
    }

    #[test]
    fn invalid_utf8_dump_still_counts() {
        let input = Input::from_bytes("backend.txt", INVALID_UTF8);
        let expected: &[Row] = &[(
            CounterSide::Cluster,
            "backend",
            [Some(12), Some(12), Some(0), Some(0), None],
            Some(true),
        )];
        check("invalid UTF-8", &input, expected);
    }

    #[test]
    fn plaintext_dump_has_no_rows() {
        let input = Input::parse("quickstart.txt", QUICKSTART);
        assert_eq!(from_input(&input), Vec::new());
    }

    #[test]
    fn rule_cases() {
        let cases: &[(&str, &str, Option<bool>)] = &[
            (
                "plaintext connections on a TLS cluster",
                "cluster.backend.upstream_cx_total: 40\ncluster.backend.ssl.connection_error: 0\n\
                 cluster.backend.ssl.handshake: 0\ncluster.backend.ssl.session_reused: 0\n",
                Some(false),
            ),
            (
                "failed handshakes counted as errors",
                "listener.0.0.0.0_15000.downstream_cx_total: 10\n\
                 listener.0.0.0.0_15000.ssl.connection_error: 3\n\
                 listener.0.0.0.0_15000.ssl.handshake: 5\n\
                 listener.0.0.0.0_15000.ssl.session_reused: 2\n",
                Some(true),
            ),
            (
                "session_reused missing",
                "cluster.backend.upstream_cx_total: 4\ncluster.backend.ssl.connection_error: 0\n\
                 cluster.backend.ssl.handshake: 4\n",
                None,
            ),
        ];
        for (name, text, expected) in cases {
            let rows = from_input(&Input::parse("stats.txt", text));
            assert_eq!(rows.len(), 1, "case {name}: one scope");
            let holds = rows.first().and_then(TlsCounters::documented_rule_holds);
            assert_eq!(holds, *expected, "case {name}");
        }
    }
}
