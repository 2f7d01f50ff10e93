//! The three `/stats` grammars, scope grouping, cluster name decoding and snapshot
//! deltas, on named inline cases and on the public samples.

use meshtls_engine::evidence::stats::{
    self, decode_cluster_name, AppMeshTarget, ClusterName, MeshAndNode, ScopeKind, StatKind,
    StatValue, Stats, StatsFormat, TrafficDirection,
};
use meshtls_engine::evidence::Warning;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/stats/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

fn has_warning(warnings: &[Warning], line: usize, fragment: &str) -> bool {
    warnings.iter().any(|w| w.line == line && w.message.contains(fragment))
}

/// One test per text-format line: the stat read from it (full name, value) or the
/// warning it must raise.
macro_rules! text_cases {
    ($($name:ident: $input:expr => $full:expr, $value:expr, $warning:expr;)*) => {$(
        #[test]
        fn $name() {
            let (stats, warnings) = stats::parse_text($input, 10);
            let expected: Option<StatValue> = $value;
            let full: &str = $full;
            match expected {
                Some(value) => {
                    let stat = stats.get(full).unwrap_or_else(|| panic!("{full} missing; warnings {warnings:?}"));
                    assert_eq!(stat.value, value);
                    assert_eq!(stat.line, 10);
                }
                None => assert!(stats.get(full).is_none(), "{full} should not be read"),
            }
            let warning: Option<&str> = $warning;
            match warning {
                Some(fragment) => assert!(has_warning(&warnings, 10, fragment), "no warning {fragment:?} in {warnings:?}"),
                None => assert!(warnings.is_empty(), "unexpected warnings {warnings:?}"),
            }
        }
    )*};
}

text_cases! {
    text_counter: "cluster.a.ssl.handshake: 12" => "cluster.a.ssl.handshake", Some(StatValue::Number(12)), None;
    text_zero_is_present: "listener.0.0.0.0_15000.ssl.connection_error: 0" => "listener.0.0.0.0_15000.ssl.connection_error", Some(StatValue::Number(0)), None;
    text_max_u64: "cluster.x.circuit_breakers.default.remaining_cx_pools: 18446744073709551615" => "cluster.x.circuit_breakers.default.remaining_cx_pools", Some(StatValue::Number(u64::MAX)), None;
    text_beyond_64_bits: "cluster.a.upstream_cx_total: 18446744073709551616" => "cluster.a.upstream_cx_total", Some(StatValue::Unreadable("18446744073709551616".into())), Some("exceeds the unsigned 64-bit range");
    text_negative: "cluster.a.upstream_cx_active: -3" => "cluster.a.upstream_cx_active", Some(StatValue::Unreadable("-3".into())), Some("negative");
    text_readout: "cluster_manager.cds.version_text: \"2025-05-03T12:39:09Z/11\"" => "cluster_manager.cds.version_text", Some(StatValue::Text("2025-05-03T12:39:09Z/11".into())), None;
    text_name_with_colon: "istiocustom.x.source_principal.spiffe://cluster.local/ns/a/sa/b.y: 1" => "istiocustom.x.source_principal.spiffe://cluster.local/ns/a/sa/b.y", Some(StatValue::Number(1)), None;
    text_not_a_stat: "Address 0.0.0.0:15000" => "Address", None, Some("expected `name: value`");
    text_not_a_number: "cluster.a.ssl.handshake: many" => "cluster.a.ssl.handshake", Some(StatValue::Unreadable("many".into())), Some("is not a number");
    text_crlf: "cluster.a.ssl.handshake: 7\r\n" => "cluster.a.ssl.handshake", Some(StatValue::Number(7)), None;
    text_grep_prefix: "out/stats.txt:cluster.a.ssl.handshake: 5" => "cluster.a.ssl.handshake", Some(StatValue::Number(5)), None;
}

#[test]
fn text_histogram_quantiles() {
    let line = "cluster.a.upstream_cx_connect_ms: P0(nan,11) P25(nan,11.25) P50(1,11.5) P99.5(nan,11.995) P100(nan,12)";
    let (stats, warnings) = stats::parse_text(line, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let stat = stats.get("cluster.a.upstream_cx_connect_ms").expect("histogram read");
    assert_eq!(stat.kind, StatKind::Histogram);
    let StatValue::Histogram(histogram) = &stat.value else {
        panic!("not a histogram: {:?}", stat.value)
    };
    assert_eq!(histogram.quantiles.len(), 5);
    assert_eq!(histogram.quantiles[3].percent, 99.5);
    assert_eq!(histogram.quantiles[2].interval, Some(1.0));
    assert_eq!(histogram.quantiles[0].interval, None);
    assert_eq!(histogram.quantiles[4].cumulative, Some(12.0));
}

#[test]
fn text_histogram_no_recorded_values() {
    let (stats, _) = stats::parse_text("cluster.a.upstream_cx_length_ms: No recorded values", 1);
    let stat = stats.get("cluster.a.upstream_cx_length_ms").expect("histogram read");
    let StatValue::Histogram(histogram) = &stat.value else { panic!("not a histogram") };
    assert!(histogram.is_empty());
}

#[test]
fn text_duplicate_keeps_both_and_warns() {
    let (stats, warnings) =
        stats::parse_text("cluster.a.ssl.handshake: 1\ncluster.a.ssl.handshake: 4\n", 1);
    let scope = stats.cluster("a").expect("cluster a");
    assert_eq!(scope.get_all("ssl.handshake").count(), 2);
    assert_eq!(scope.counter("ssl.handshake"), Some((4, 2)));
    assert!(has_warning(&warnings, 2, "appears again"), "{warnings:?}");
}

#[test]
fn text_wrapped_line_is_joined() {
    let (stats, warnings) = stats::parse_text("cluster.a.ssl.hand\nshake: 3\n", 5);
    assert_eq!(stats.counter("cluster.a.ssl.handshake"), Some((3, 5)));
    assert!(has_warning(&warnings, 5, "wrapped"), "{warnings:?}");
}

#[test]
fn missing_differs_from_zero() {
    let (stats, _) = stats::parse_text("listener.0.0.0.0_8443.ssl.connection_error: 0\n", 1);
    let listener = stats.listener("0.0.0.0_8443").expect("listener");
    assert_eq!(listener.counter("ssl.connection_error"), Some((0, 1)));
    assert_eq!(listener.counter("ssl.handshake"), None);
}

#[test]
fn scopes_of_appmesh_walkthroughs() {
    let (stats, _) = stats::parse_text(&fixture("stats-appmesh-walkthroughs-annotated.txt"), 1);
    assert_eq!(stats.format(), StatsFormat::Text);
    let ingress = stats.listener("0.0.0.0_15000").expect("ingress listener");
    assert_eq!(ingress.counter("ssl.fail_verify_no_cert"), Some((208, 16)));
    let gateway = stats.listener("0.0.0.0_9080").expect("gateway listener");
    assert_eq!(gateway.counter("ssl.handshake"), Some((60, 40)));
    let san =
        stats.cluster("cds_egress_ColorApp-MutalTLS_colorteller-vn_http_9080").expect("cluster");
    assert_eq!(san.counter("ssl.fail_verify_san"), Some((49, 14)));
    let green = stats
        .cluster("cds_egress_howto-k8s-mtls-sds-based_green_howto-k8s-mtls-sds-based_http_8080")
        .expect("green cluster");
    assert_eq!(green.counter("ssl.handshake"), Some((0, 30)));
    assert_eq!(stats.other().counter("http.ingress.downstream_cx_active"), Some((20, 74)));
    assert_eq!(
        stats.other().get_all("http.ingress.downstream_cx_active").next().and_then(|s| s.number()),
        Some(1050)
    );
    let ScopeKind::Cluster(ClusterName::AppMesh(decoded)) = green.kind() else {
        panic!("not App Mesh: {:?}", green.kind())
    };
    assert_eq!(decoded.direction, TrafficDirection::Egress);
    let AppMeshTarget::VirtualNode { mesh_and_node, protocol, port } = &decoded.target else {
        panic!("{decoded:?}")
    };
    assert_eq!((protocol.as_str(), *port), ("http", 8080));
    assert!(matches!(mesh_and_node, MeshAndNode::Ambiguous { .. }));
    assert_eq!(
        mesh_and_node.node_in_mesh("howto-k8s-mtls-sds-based"),
        Some("green_howto-k8s-mtls-sds-based")
    );
}

#[test]
fn istio_cluster_name_with_dots() {
    let (stats, warnings) =
        stats::parse_text(&fixture("stats-istio1178-envoy125-cluster-block.txt"), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stats.clusters().len(), 1);
    let cluster = stats
        .cluster("outbound|80||catalog.istioinaction.svc.cluster.local")
        .expect("istio cluster");
    assert_eq!(cluster.text("version_text"), Some(("2025-05-03T12:39:09Z/11", 1)));
    assert_eq!(cluster.counter("default.total_match_count").map(|(v, _)| v), Some(0));
    assert_eq!(cluster.counter("ssl.ciphers.TLS_AES_128_GCM_SHA256").map(|(v, _)| v), Some(1));
    assert_eq!(
        cluster.counter("circuit_breakers.default.remaining_cx_pools").map(|(v, _)| v),
        Some(18_446_744_073_709_551_614)
    );
    assert!(cluster.has_prefix("ssl."));
    let ScopeKind::Cluster(ClusterName::Istio(istio)) = cluster.kind() else {
        panic!("{:?}", cluster.kind())
    };
    assert_eq!(istio.port, 80);
    assert_eq!(istio.host, "catalog.istioinaction.svc.cluster.local");
}

#[test]
fn server_scope_and_update_rejected() {
    let text = "control_plane.connected_state: 1\ncluster_manager.cds.update_rejected: 2\nlistener_manager.lds.update_rejected: 0\ntls_inspector.tls_found: 5\n";
    let (stats, _) = stats::parse_text(text, 1);
    assert_eq!(stats.server().gauge("control_plane.connected_state"), Some((1, 1)));
    assert_eq!(stats.server().counter("cluster_manager.cds.update_rejected"), Some((2, 2)));
    assert_eq!(stats.update_rejected().len(), 2);
    assert_eq!(stats.other().counter("tls_inspector.tls_found"), Some((5, 4)));
    assert_eq!(
        stats.server().get("control_plane.connected_state").map(|s| s.kind),
        Some(StatKind::Gauge)
    );
}

#[test]
fn json_current_shape() {
    let (stats, warnings) = stats::parse_json(&fixture("stats-json-envoy-unit-test-shape.json"), 1);
    assert_eq!(stats.format(), StatsFormat::Json);
    assert_eq!(stats.other().text("t"), Some(("hello world", 3)));
    assert_eq!(stats.counter("c1"), Some((10, 7)));
    let cluster = stats.cluster("mycluster").expect("mycluster");
    assert_eq!(cluster.counter("endpoint.127.0.0.1_80.c1").map(|(v, _)| v), Some(11));
    let histogram = stats.get("h").expect("histogram h");
    let StatValue::Histogram(h) = &histogram.value else { panic!("not a histogram") };
    assert_eq!(h.quantiles[1].percent, 25.0);
    assert_eq!(h.quantiles[1].cumulative, Some(202.5));
    assert!(has_warning(&warnings, 34, "3 values for 10 supported quantiles"), "{warnings:?}");
}

#[test]
fn json_bare_array_value_first() {
    let (stats, warnings) =
        stats::parse_json(&fixture("stats-json-envoy-quickstart-stats-array.json"), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stats.counter("http.ingress_http.rq_total"), Some((3, 14)));
}

#[test]
fn json_old_histograms_with_null_interval() {
    let (stats, _) = stats::parse_json(&fixture("stats-json-envoy-docs-old-histograms.json"), 1);
    let stat = stats.get("http.admin.downstream_rq_time").expect("histogram");
    let StatValue::Histogram(h) = &stat.value else { panic!("not a histogram") };
    assert_eq!(h.quantiles.len(), 9);
    assert_eq!(h.quantiles[0].interval, None);
    assert_eq!(h.quantiles[8].percent, 100.0);
}

#[test]
fn json_values_as_strings_and_big_numbers() {
    let text = "{\"stats\":[{\"name\":\"cluster.a.ssl.handshake\",\"value\":\"42\"},{\"name\":\"cluster.a.upstream_cx_total\",\"value\":99999999999999999999}]}";
    let (stats, warnings) = stats::parse_json(text, 1);
    assert_eq!(stats.counter("cluster.a.ssl.handshake"), Some((42, 1)));
    assert!(warnings.iter().any(|w| w.message.contains("64-bit")), "{warnings:?}");
}

#[test]
fn prometheus_appmesh_labels() {
    let (stats, warnings) = stats::parse_prometheus(&fixture("prometheus-appmesh-docs.txt"), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stats.format(), StatsFormat::Prometheus);
    // Two series differ only in App Mesh labels; both are kept under one name.
    let series: Vec<_> = stats.other().get_all("http.ingress.downstream_rq_2xx").collect();
    assert_eq!(series.len(), 2);
    let ingress = series[0];
    assert_eq!(ingress.number(), Some(931_433));
    assert_eq!(series[1].label("appmesh_listener_port"), Some("5555"));
    assert_eq!(ingress.label("appmesh_mesh"), Some("multiple-listeners-mesh"));
    let gateway = stats
        .cluster("cds_ingress_multiple-listeners-mesh_tellergateway-vg_self_redirect_http_15001")
        .expect("gateway cluster");
    assert_eq!(gateway.counter("assignment_stale").map(|(v, _)| v), Some(0));
    let ScopeKind::Cluster(ClusterName::AppMesh(decoded)) = gateway.kind() else { panic!() };
    assert!(matches!(
        decoded.target,
        AppMeshTarget::SelfRedirect { listener_port: None, port: 15001, .. }
    ));
}

#[test]
fn prometheus_istio_cluster_label_and_empty_labels() {
    let (stats, warnings) =
        stats::parse_prometheus(&fixture("prometheus-istio1178-envoy125-fragment.txt"), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let catalog =
        stats.cluster("outbound|80||catalog.istioinaction.svc.cluster.local").expect("catalog");
    assert_eq!(
        catalog.counter("client_ssl_socket_factory.ssl_context_update_by_sds"),
        Some((2, 13))
    );
    assert_eq!(catalog.get("assignment_stale").map(|s| s.kind), Some(StatKind::Counter));
    assert!(stats.cluster("xds-grpc").is_some());
    let init = stats.server().get("server.initialization_time_ms").expect("histogram count");
    assert_eq!(init.kind, StatKind::Histogram);
}

#[test]
fn prometheus_tags_back_into_names() {
    let text = "# TYPE envoy_listener_ssl_handshake counter\nenvoy_listener_ssl_handshake{envoy_listener_address=\"0.0.0.0_15000\"} 9\nenvoy_cluster_upstream_rq{envoy_response_code=\"503\",envoy_cluster_name=\"X\"} 4\nenvoy_cluster_ssl_fail_verify_san{envoy_cluster_name=\"cds_egress_m_vn_http_8080\"} 5\nenvoy_listener_admin_downstream_cx_total 3\nenvoy_control_plane_connected_state{} 1\n";
    let (stats, warnings) = stats::parse_prometheus(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        stats.listener("0.0.0.0_15000").and_then(|l| l.counter("ssl.handshake")),
        Some((9, 2))
    );
    assert_eq!(stats.counter("cluster.X.upstream_rq_503"), Some((4, 3)));
    assert_eq!(
        stats.counter("cluster.cds_egress_m_vn_http_8080.ssl.fail_verify_san"),
        Some((5, 4))
    );
    assert_eq!(
        stats.listener("admin").and_then(|l| l.counter("downstream_cx_total")),
        Some((3, 5))
    );
    assert_eq!(stats.server().counter("control_plane.connected_state"), Some((1, 6)));
}

#[test]
fn prometheus_histogram_buckets() {
    let text = "# TYPE envoy_cluster_upstream_cx_connect_ms histogram\nenvoy_cluster_upstream_cx_connect_ms_bucket{envoy_cluster_name=\"a\",le=\"0.5\"} 1\nenvoy_cluster_upstream_cx_connect_ms_bucket{envoy_cluster_name=\"a\",le=\"+Inf\"} 3\nenvoy_cluster_upstream_cx_connect_ms_sum{envoy_cluster_name=\"a\"} 12.5\nenvoy_cluster_upstream_cx_connect_ms_count{envoy_cluster_name=\"a\"} 3\n";
    let (stats, warnings) = stats::parse_prometheus(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let stat = stats.cluster("a").and_then(|c| c.get("upstream_cx_connect_ms")).expect("histogram");
    let StatValue::Histogram(h) = &stat.value else { panic!("not a histogram") };
    assert_eq!(h.buckets.len(), 2);
    assert!(h.buckets[1].upper_bound.is_infinite());
    assert_eq!(h.count, Some(3.0));
    assert_eq!(stat.line, 2);
}

#[test]
fn prometheus_bad_line_warns_and_continues() {
    let text = "envoy_cluster_ssl_handshake{envoy_cluster_name=\"a\" 9\nenvoy_cluster_ssl_connection_error{envoy_cluster_name=\"a\"} 0\n";
    let (stats, warnings) = stats::parse_prometheus(text, 1);
    assert!(has_warning(&warnings, 1, "not closed"), "{warnings:?}");
    assert_eq!(stats.cluster("a").and_then(|c| c.counter("ssl.connection_error")), Some((0, 2)));
}

/// Named App Mesh and Istio cluster names and what they decode to.
macro_rules! cluster_names {
    ($($name:ident: $input:literal => $check:expr;)*) => {$(
        #[test]
        fn $name() {
            let decoded = decode_cluster_name($input);
            let check: fn(&ClusterName) -> bool = $check;
            assert!(check(&decoded), "{} decoded to {decoded:?}", $input);
        }
    )*};
}

cluster_names! {
    appmesh_egress_exact: "cds_egress_online-store_product-details_http_8080" => |d| matches!(d,
        ClusterName::AppMesh(c) if c.direction == TrafficDirection::Egress
            && matches!(&c.target, AppMeshTarget::VirtualNode { mesh_and_node, port: 8080, .. }
                if mesh_and_node.exact() == Some(("online-store", "product-details"))));
    appmesh_ingress_grpc: "cds_ingress_howto-grpc-mesh_color_server_grpc_8080" => |d| matches!(d,
        ClusterName::AppMesh(c) if c.direction == TrafficDirection::Ingress
            && matches!(&c.target, AppMeshTarget::VirtualNode { protocol, mesh_and_node: MeshAndNode::Ambiguous { candidates, .. }, .. }
                if protocol == "grpc" && candidates.len() == 2));
    appmesh_amazonaws: "cds_egress_howto-outlier-detection_amazonaws" => |d| matches!(d,
        ClusterName::AppMesh(c) if matches!(&c.target, AppMeshTarget::AmazonAws { mesh } if mesh == "howto-outlier-detection"));
    appmesh_allow_all: "app_egress_default_mesh-allow-all" => |d| matches!(d,
        ClusterName::AppMesh(c) if c.prefix == "app" && matches!(&c.target, AppMeshTarget::MeshAllowAll { mesh } if mesh == "default"));
    appmesh_self_redirect_multi_listener: "cds_ingress_multiple-listeners-mesh_tellergateway-vg_self_redirect_1111_http_15001" => |d| matches!(d,
        ClusterName::AppMesh(c) if matches!(&c.target, AppMeshTarget::SelfRedirect { listener_port: Some(1111), port: 15001, .. }));
    appmesh_unrecognized_tail: "cds_egress_mesh_node_ftp_21" => |d| matches!(d,
        ClusterName::AppMesh(c) if matches!(c.target, AppMeshTarget::Unrecognized { .. }));
    istio_inbound: "inbound|9080||" => |d| matches!(d,
        ClusterName::Istio(c) if c.direction == TrafficDirection::Ingress && c.port == 9080 && c.host.is_empty());
    istio_subset: "outbound|80|v2|reviews.default.svc.cluster.local" => |d| matches!(d,
        ClusterName::Istio(c) if c.subset == "v2" && c.host == "reviews.default.svc.cluster.local");
    static_cluster: "static_cluster_sds_unix_socket" => |d| matches!(d, ClusterName::Other);
    xds_grpc: "xds-grpc" => |d| matches!(d, ClusterName::Other);
}

fn snapshot(text: &str) -> Stats {
    stats::parse_text(text, 1).0
}

#[test]
fn delta_subtracts_counters_not_gauges() {
    let earlier = snapshot("cluster.a.ssl.handshake: 10\ncluster.a.upstream_cx_active: 4\n");
    let later = snapshot("cluster.a.ssl.handshake: 15\ncluster.a.upstream_cx_active: 6\ncluster.a.ssl.connection_error: 2\n");
    let delta = later.delta(&earlier);
    assert_eq!(delta.reset, None);
    let scope = delta.stats.cluster("a").expect("cluster a");
    assert_eq!(scope.counter("ssl.handshake"), Some((5, 1)));
    assert_eq!(scope.gauge("upstream_cx_active"), Some((6, 2)));
    assert_eq!(scope.counter("ssl.connection_error"), Some((2, 3)));
}

#[test]
fn delta_reports_restart() {
    let earlier = snapshot("cluster.a.ssl.handshake: 10\n");
    let later = snapshot("cluster.a.ssl.handshake: 3\n");
    let delta = later.delta(&earlier);
    let reset = delta.reset.expect("a counter went down");
    assert_eq!(reset.name, "cluster.a.ssl.handshake");
    assert_eq!((reset.earlier, reset.later), (10, 3));
    assert_eq!(delta.stats.counter("cluster.a.ssl.handshake"), Some((3, 1)));
}

#[test]
fn prometheus_roadmap_fragment() {
    let (stats, warnings) =
        stats::parse_prometheus(&fixture("prometheus-appmesh-roadmap488-fragment.txt"), 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let allow_all = stats.cluster("app_egress_default_mesh-allow-all").expect("allow-all cluster");
    assert_eq!(allow_all.counter("upstream_cx_overflow"), Some((0, 2)));
    assert_eq!(allow_all.counter("upstream_cx_pool_overflow"), Some((0, 7)));
    let ScopeKind::Cluster(ClusterName::AppMesh(decoded)) = allow_all.kind() else {
        panic!("{:?}", allow_all.kind())
    };
    assert!(matches!(&decoded.target, AppMeshTarget::MeshAllowAll { mesh } if mesh == "default"));
    let update = stats
        .server()
        .get("cluster_manager.app_update_duration")
        .expect("histogram from _sum and _count");
    let StatValue::Histogram(histogram) = &update.value else { panic!("not a histogram") };
    assert_eq!(histogram.sum, Some(555.0));
    assert_eq!(histogram.count, Some(1.0));
    assert_eq!(update.label("appmesh_virtual_node"), Some("demo"));
}

#[test]
fn listener_prefix_does_not_shadow_address() {
    // `listener.0.0.0.(_15000` has no address form, so `0` becomes a stat prefix scope;
    // lookups of `listener.0.0.0.0_9080.*` must still find the address scope.
    let text = "listener.0.0.0.(_15000.ssl.handshake: 1\nlistener.0.0.0.0_9080.ssl.handshake: 60\n";
    let (stats, _) = stats::parse_text(text, 1);
    assert_eq!(stats.counter("listener.0.0.0.0_9080.ssl.handshake"), Some((60, 2)));
    assert!(stats.listener("0").is_some());
}

#[test]
fn text_detailed_and_bucket_histograms() {
    let text = "cluster.a.upstream_cx_connect_ms:\n  totals=1,0.25:25, 2,0.25:9\n  intervals=\n  summary=P0(nan,1) P100(nan,2)\ncluster.a.upstream_rq_time: B0.5(0,0) B1(0,1) B5(1,3)\n";
    let (stats, warnings) = stats::parse_text(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let detailed = stats.get("cluster.a.upstream_cx_connect_ms").expect("detailed histogram");
    assert_eq!(detailed.line, 1);
    let StatValue::Histogram(h) = &detailed.value else { panic!("not a histogram") };
    assert_eq!(h.quantiles.len(), 2);
    assert_eq!(h.quantiles[1].cumulative, Some(2.0));
    let buckets = stats.get("cluster.a.upstream_rq_time").expect("bucket histogram");
    let StatValue::Histogram(b) = &buckets.value else { panic!("not a histogram") };
    assert_eq!(b.buckets.len(), 3);
    assert_eq!(b.buckets[2].upper_bound, 5.0);
    assert_eq!(b.buckets[2].count, 3.0);
}

/// Prometheus dumps whose labels make an empty cluster name or an empty stat name
/// once grouped a stat under a scope that `Stats::get` could not find by its full
/// name (both found by fuzzing).
#[test]
fn prometheus_degenerate_names_found_by_name() {
    let inputs: [(&[u8], &str); 2] = [
        (
            include_bytes!("fixtures/stats/prometheus-empty-cluster-label.bin"),
            "cluster..bind_errors",
        ),
        (
            include_bytes!("fixtures/stats/prometheus-empty-stat-name.bin"),
            "cluster.outbound380||catalog.istioinaction.svc.cluster.local.",
        ),
    ];
    for (data, degenerate) in inputs {
        let text = String::from_utf8_lossy(data);
        let (parsed, _) = stats::parse_prometheus(&text, 1);
        assert!(parsed.iter().any(|stat| stat.name == degenerate), "{degenerate} not parsed");
        for stat in parsed.iter() {
            assert!(
                parsed.get(&stat.name).is_some() || !stat.labels.is_empty(),
                "stat {} cannot be found by name",
                stat.name
            );
        }
    }
}

/// The text format declares no types, so the kind comes from Envoy's gauge names.
#[test]
fn text_kind_from_name() {
    let cases = [
        ("cluster.a.membership_healthy", StatKind::Gauge),
        ("cluster.a.upstream_cx_active", StatKind::Gauge),
        ("cluster.a.upstream_cx_rx_bytes_buffered", StatKind::Gauge),
        ("cluster.a.circuit_breakers.default.cx_open", StatKind::Gauge),
        ("cluster.a.circuit_breakers.default.remaining_cx", StatKind::Gauge),
        ("server.days_until_first_cert_expiring", StatKind::Gauge),
        ("server.seconds_until_first_ocsp_response_expiring", StatKind::Gauge),
        ("listener_manager.total_filter_chains_draining", StatKind::Gauge),
        ("version", StatKind::Gauge),
        ("cluster.a.upstream_cx_total", StatKind::Counter),
        ("cluster.a.ssl.handshake", StatKind::Counter),
        ("cluster.a.version_text_count", StatKind::Counter),
        ("cluster.a.health_check.healthy_extra", StatKind::Counter),
        ("cluster.a.membership", StatKind::Counter),
    ];
    for (name, kind) in cases {
        let (stats, _) = stats::parse_text(&format!("{name}: 3"), 1);
        assert_eq!(stats.get(name).map(|stat| stat.kind), Some(kind), "{name}");
    }
}

/// A run of stats of one dotless cluster ends where a cluster whose name extends it
/// with a dot begins; the two scopes stay apart.
#[test]
fn dotted_cluster_after_dotless_run() {
    let text = "cluster.web.upstream_cx_total: 1\n\
                cluster.web.ssl.handshake: 2\n\
                cluster.web.v2.upstream_cx_total: 3\n\
                cluster.web.v2.ssl.handshake: 4\n\
                cluster.web.upstream_rq_total: 5\n";
    let (stats, warnings) = stats::parse_text(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let names: Vec<&str> = stats.clusters().iter().map(|scope| scope.name()).collect();
    assert_eq!(names, ["web", "web.v2"]);
    assert_eq!(stats.counter("cluster.web.ssl.handshake"), Some((2, 2)));
    assert_eq!(stats.counter("cluster.web.v2.ssl.handshake"), Some((4, 4)));
    assert_eq!(stats.counter("cluster.web.upstream_rq_total"), Some((5, 5)));
    assert_eq!(stats.cluster("web").map(|scope| scope.stats().len()), Some(3));
}

/// Dotless cluster names where one starts with another: each stat goes to its own.
#[test]
fn dotless_clusters_sharing_a_prefix() {
    let text = "cluster.web.upstream_cx_total: 1\n\
                cluster.webx.upstream_cx_total: 2\n\
                cluster.web.ssl.handshake: 3\n\
                cluster.webx.ssl.handshake: 4\n";
    let (stats, warnings) = stats::parse_text(text, 1);
    assert!(warnings.is_empty(), "{warnings:?}");
    let names: Vec<&str> = stats.clusters().iter().map(|scope| scope.name()).collect();
    assert_eq!(names, ["web", "webx"]);
    assert_eq!(stats.counter("cluster.web.ssl.handshake"), Some((3, 3)));
    assert_eq!(stats.counter("cluster.webx.upstream_cx_total"), Some((2, 2)));
    assert_eq!(stats.cluster("webx").map(|scope| scope.stats().len()), Some(2));
}

#[test]
fn has_prefix_text_and_prometheus() {
    let (text, _) =
        stats::parse_text("cluster.a.ssl.handshake: 1\ncluster.b.upstream_cx_total: 2\n", 1);
    assert_eq!(text.cluster("a").map(|scope| scope.has_prefix("ssl.")), Some(true));
    assert_eq!(text.cluster("a").map(|scope| scope.has_prefix("ssl.handshake")), Some(true));
    assert_eq!(text.cluster("a").map(|scope| scope.has_prefix("")), Some(true));
    assert_eq!(text.cluster("b").map(|scope| scope.has_prefix("ssl.")), Some(false));
    assert!(!text.server().has_prefix(""));

    let (prometheus, _) =
        stats::parse_prometheus("envoy_cluster_ssl_handshake{envoy_cluster_name=\"a\"} 1\n", 1);
    assert_eq!(prometheus.cluster("a").map(|scope| scope.has_prefix("ssl.")), Some(true));
}
