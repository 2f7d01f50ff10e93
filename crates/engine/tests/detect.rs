//! Kind detection of every public sample and case input, and of the encodings and
//! wrappers people paste through.

use meshtls_engine::evidence::detect::parse_input;
use meshtls_engine::evidence::{InputKind, ParsedInput};

use InputKind::*;

fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&full).unwrap_or_else(|error| panic!("cannot read {full}: {error}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn parts(parsed: &ParsedInput) -> Vec<(InputKind, usize, usize)> {
    parsed.parts.iter().map(|part| (part.kind, part.first_line, part.last_line)).collect()
}

/// One test per fixture: the kind of the whole input and its parts with line ranges.
macro_rules! detects {
    ($($name:ident: $path:literal => $kind:expr, [$($part:expr),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            let parsed = parse_input($path, &fixture($path));
            assert_eq!(parsed.kind, $kind, "kind of {}; warnings: {:?}", $path, parsed.warnings);
            let expected: Vec<(InputKind, usize, usize)> = vec![$($part),*];
            assert_eq!(parts(&parsed), expected, "parts of {}", $path);
        }
    )*};
}

detects! {
    stats_appmesh_annotated: "stats/stats-appmesh-walkthroughs-annotated.txt" => StatsText, [(StatsText, 6, 80)];
    stats_quickstart: "stats/stats-envoy-quickstart-http-ingress.txt" => StatsText, [(StatsText, 1, 70)];
    stats_2018_fragment: "stats/stats-envoy2853-2018-cluster-ssl-fragment.txt" => StatsText, [(StatsText, 1, 26)];
    stats_istio_cluster_block: "stats/stats-istio1178-envoy125-cluster-block.txt" => StatsText, [(StatsText, 1, 149)];
    stats_istio_misc: "stats/stats-istio1178-envoy125-misc.txt" => StatsText, [(StatsText, 1, 18)];
    stats_json_old_histograms: "stats/stats-json-envoy-docs-old-histograms.json" => StatsJson, [(StatsJson, 1, 37)];
    stats_json_bare_array: "stats/stats-json-envoy-quickstart-stats-array.json" => StatsJson, [(StatsJson, 1, 18)];
    stats_json_unit_test: "stats/stats-json-envoy-unit-test-shape.json" => StatsJson, [(StatsJson, 1, 55)];
    prometheus_appmesh_docs: "stats/prometheus-appmesh-docs.txt" => StatsPrometheus, [(StatsPrometheus, 1, 6)];
    prometheus_roadmap_fragment: "stats/prometheus-appmesh-roadmap488-fragment.txt" => StatsPrometheus, [(StatsPrometheus, 1, 10)];
    prometheus_istio_fragment: "stats/prometheus-istio1178-envoy125-fragment.txt" => StatsPrometheus, [(StatsPrometheus, 1, 14)];
    certs_spire: "detect/samples/certs-appmesh-sds-spire.json" => Certs, [(Certs, 1, 34)];
    certs_spire_empty: "detect/samples/certs-appmesh-sds-spire-empty.json" => Certs, [(Certs, 1, 3)];
    certs_spire_front_fragment: "detect/samples/certs-appmesh-sds-spire-front-fragment.txt" => Certs, [(Certs, 1, 28)];
    certs_istio_fragment_from_inside: "detect/samples/certs-istio-14942-fragment.txt" => Certs, [(Certs, 1, 32)];
    certs_istio_100_year_ca: "detect/samples/certs-istio-39985-fragment.txt" => Certs, [(Certs, 1, 31)];
    clusters_text_is_other: "detect/samples/clusters-appmesh-sds-spire.txt" => Other, [(Other, 1, 5)];
    clusters_file_based_is_other: "detect/samples/clusters-appmesh-mtls-file-based.txt" => Other, [(Other, 1, 3)];
    local_reply_bodies: "detect/samples/local-reply-bodies.txt" => Other, [(Other, 1, 7)];
    response_code_details: "detect/samples/response-code-details.txt" => Other, [(Other, 1, 3)];
    access_log_lines: "detect/samples/access-log-lines.txt" => AccessLog, [(AccessLog, 1, 3)];
    log_config_rejected: "detect/samples/logs-appmesh-2020-cluster-config-rejected.log" => EnvoyLog, [(EnvoyLog, 1, 1)];
    log_docs_snippets: "detect/samples/logs-appmesh-docs-snippets.log" => EnvoyLog, [(EnvoyLog, 1, 2)];
    log_runit_prefix: "detect/samples/logs-envoy-2018-handshake-error-2-benign.log" => EnvoyLog, [(EnvoyLog, 1, 6)];
    log_untrusted_ca: "detect/samples/logs-envoy-2025-untrusted-ca-upstream.log" => EnvoyLog, [(EnvoyLog, 1, 2)];
    log_docker_compose_prefix: "detect/samples/logs-envoy1315-mtls-unknown-ca-both-sides.log" => EnvoyLog, [(EnvoyLog, 1, 4)];
    log_istio_tabs: "detect/samples/logs-istio-2020-handshake-error-1.log" => EnvoyLog, [(EnvoyLog, 1, 7)];
    log_istio_header_dump: "detect/samples/logs-istio-2025-new-format-san-mismatch.log" => EnvoyLog, [(EnvoyLog, 1, 36)];
    log_path_without_bracket: "detect/samples/logs-misc-old-format-errors.log" => EnvoyLog, [(EnvoyLog, 1, 2)];
    log_trace_want_read: "detect/samples/logs-trace-benign-want-read.log" => EnvoyLog, [(EnvoyLog, 1, 10)];
    case01_openssl_s_client: "detect/cases/01-appmesh-app-originates-tls/openssl_s_client.txt" => Other, [(Other, 1, 14)];
    case03_benign_handshake_error: "detect/cases/03-envoy-handshake-error-2-benign/envoy.log" => EnvoyLog, [(EnvoyLog, 1, 8)];
    case05_grpc_error_string: "detect/cases/05-consul-sidecar-cert-not-renewed-alert-expired/grpc_client_error.txt" => Other, [(Other, 1, 1)];
    case07_certs_entry: "detect/cases/07-istio-certs-json-expired-days-zero/certs.json" => Certs, [(Certs, 1, 26)];
    case09_glued_pem: "detect/cases/09-istio-gateway-malformed-pem-secret-rejected/cert.pem" => Pem, [(Pem, 1, 8)];
    case09_curl_verbose: "detect/cases/09-istio-gateway-malformed-pem-secret-rejected/curl_output.txt" => Other, [(Other, 1, 5)];
    case09_syslog_line: "detect/cases/09-istio-gateway-malformed-pem-secret-rejected/envoy.log" => EnvoyLog, [(EnvoyLog, 1, 1)];
    case11_curl_framed_certs: "detect/cases/11-appmesh-certs-ca-cert-empty-no-backend/certs.json" => Certs, [(Certs, 17, 24)];
    case12_response_body: "detect/cases/12-appmesh-vgw-secret-not-supplied-by-sds/response_body.txt" => Other, [(Other, 1, 1)];
    case13_double_backtick_fence: "detect/cases/13-appmesh-tls-walkthrough-cluster-rejected-deprecated-tls-context/envoy.log" => EnvoyLog, [(EnvoyLog, 2, 2)];
    case15_connection_refused: "detect/cases/15-envoy-https-front-proxy-connection-refused-111/envoy.log" => EnvoyLog, [(EnvoyLog, 1, 9)];
    case18_fenced_tls_error: "detect/cases/18-appmesh-external-https-no-sni-default-cert/envoy_error.txt" => EnvoyLog, [(EnvoyLog, 2, 2)];
    case20_quoted_istio_log: "detect/cases/20-istio-multicluster-unknown-ca-markdown-link-in-log/envoy.log" => EnvoyLog, [(EnvoyLog, 1, 1)];
    case22_clean_pem: "detect/cases/22-spire-dummy-upstream-ca-expired-pem/cert.pem" => Pem, [(Pem, 1, 12)];
    case22_pem_through_prompts: "detect/cases/22-spire-dummy-upstream-ca-expired-pem/reporter_paste.txt" => Mixed, [(Pem, 1, 12), (Other, 13, 27)];
    case23_stats_with_shell_lines: "detect/cases/23-contour-envoy17-healthy-tls-stats-control/stats.txt" => StatsText, [(StatsText, 2, 24)];
}

/// One test per inline input: kind, parts, and a warning that must be present.
macro_rules! detects_text {
    ($($name:ident: $text:expr => $kind:expr, [$($part:expr),* $(,)?], $warning:expr;)*) => {$(
        #[test]
        fn $name() {
            let parsed = parse_input("paste", $text);
            assert_eq!(parsed.kind, $kind, "warnings: {:?}", parsed.warnings);
            let expected: Vec<(InputKind, usize, usize)> = vec![$($part),*];
            assert_eq!(parts(&parsed), expected);
            let wanted: Option<&str> = $warning;
            if let Some(wanted) = wanted {
                assert!(
                    parsed.warnings.iter().any(|w| w.message.contains(wanted)),
                    "no warning containing {wanted:?} in {:?}", parsed.warnings
                );
            }
        }
    )*};
}

detects_text! {
    empty_input: "" => Other, [], Some("input is empty");
    whitespace_only: "  \n\t\n  " => Other, [], Some("only whitespace");
    byte_order_mark: "\u{feff}cluster.a.ssl.handshake: 1\n" => StatsText, [(StatsText, 1, 1)], Some("byte-order mark");
    crlf_line_ends: "cluster.a.ssl.handshake: 1\r\ncluster.a.ssl.connection_error: 0\r\n" => StatsText, [(StatsText, 1, 2)], Some("CRLF");
    cr_only_line_ends: "cluster.a.ssl.handshake: 1\rcluster.a.ssl.connection_error: 0\r" => StatsText, [(StatsText, 1, 2)], Some("CR only");
    nul_characters: "cluster.a.ssl.handshake: 1\n\0\0cluster.a.ssl.connection_error: 0\n" => StatsText, [(StatsText, 1, 2)], Some("NUL");
    binary_junk: "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{e}\u{f}abc" => Other, [(Other, 1, 1)], Some("looks binary");
    ansi_colours: "\u{1b}[32mlistener.0.0.0.0_15000.ssl.handshake\u{1b}[0m: 3\n" => StatsText, [(StatsText, 1, 1)], None;
    caret_colours: "^[[01;31m^[[Kcluster.a.ssl.handshake^[[m^[[K: 3\n" => StatsText, [(StatsText, 1, 1)], None;
    grep_file_prefix: "stats.txt:cluster.a.ssl.handshake: 3\nstats.txt:cluster.a.ssl.connection_error: 0\n" => StatsText, [(StatsText, 1, 2)], None;
    shell_session_mixed: "$ curl -s localhost:9901/stats | grep ssl\ncluster.a.ssl.handshake: 0\n$ kubectl logs pod -c envoy\n[2025-04-15 21:45:11.169][15][debug][connection] [source/common/tls/ssl_socket.cc:248] TLS_error\n" => Mixed, [(StatsText, 2, 2), (EnvoyLog, 4, 4)], None;
    curl_progress_meter: "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100  1234  100  1234    0     0  12345      0 --:--:-- --:--:-- --:--:-- 12345\ncluster.a.ssl.handshake: 1\n" => StatsText, [(StatsText, 4, 4)], None;
    wrapped_stat_line: "cluster.cds_egress_mesh_node_http_\n8080.ssl.handshake: 1\ncluster.x.ssl.connection_error: 0\n" => StatsText, [(StatsText, 1, 3)], Some("wrapped");
    markdown_quoted_stats: "> listener.0.0.0.0_15000.ssl.handshake: 4\n> listener.0.0.0.0_15000.ssl.connection_error: 0\n" => StatsText, [(StatsText, 1, 2)], None;
    clusters_json_is_other: "{\"cluster_statuses\": [{\"name\": \"a\"}]}\n" => Other, [(Other, 1, 1)], Some("/clusters?format=json");
    config_dump_is_other: "{\n \"configs\": [\n  {\"@type\": \"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\"}\n ]\n}\n" => Other, [(Other, 1, 5)], Some("/config_dump");
    server_info_is_other: "{\"version\": \"x\", \"state\": \"LIVE\", \"hot_restart_version\": \"11.104\", \"command_line_options\": {}}\n" => Other, [(Other, 1, 1)], Some("/server_info");
    unknown_json_is_other: "{\"hello\": 1}\n" => Other, [(Other, 1, 1)], Some("no known shape");
    target_group_json: "{\n \"TargetGroups\": [\n  {\"TargetGroupArn\": \"arn\", \"Protocol\": \"HTTPS\", \"Port\": 15000, \"HealthCheckProtocol\": \"HTTPS\"}\n ]\n}\n" => TargetGroup, [(TargetGroup, 1, 5)], None;
    virtual_node_json: "{\n \"virtualNode\": {\n  \"spec\": {\"listeners\": [{\"portMapping\": {\"port\": 9080, \"protocol\": \"http\"}}]}\n }\n}\n" => TargetGroup, [(TargetGroup, 1, 5)], None;
    two_json_snapshots: "{\"stats\": [{\"name\": \"cluster.a.ssl.handshake\", \"value\": 1}]}\n\n{\"stats\": [{\"name\": \"cluster.a.ssl.handshake\", \"value\": 5}]}\n" => StatsJson, [(StatsJson, 1, 1), (StatsJson, 3, 3)], None;
    prometheus_without_type: "envoy_cluster_ssl_handshake{envoy_cluster_name=\"a\"} 9\n" => StatsPrometheus, [(StatsPrometheus, 1, 1)], None;
    log_with_json_message: "[2025-01-01 00:00:00.000][1][debug][config] [source/common/config/x.cc:1] received:\n{\n  \"name\": \"x\"\n}\n[2025-01-01 00:00:00.001][1][debug][config] [source/common/config/x.cc:2] done\n" => EnvoyLog, [(EnvoyLog, 1, 5)], None;
    private_key_is_pem: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n" => Pem, [(Pem, 1, 3)], None;
}

#[test]
fn parts_carry_whole_input_lines() {
    let text = "$ curl -s localhost:9901/stats\n\ncluster.a.ssl.handshake: -5\n";
    let parsed = parse_input("paste", text);
    assert!(
        parsed.warnings.iter().any(|w| w.line == 3),
        "a warning for the bad value should name line 3: {:?}",
        parsed.warnings
    );
}

#[test]
fn large_stats_paste_is_one_part() {
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!("cluster.c{i}.upstream_cx_total: {i}\n"));
    }
    let parsed = parse_input("big", &text);
    assert_eq!(parts(&parsed), vec![(StatsText, 1, 5_000)]);
}

#[test]
fn case23_stats_records_through_detection() {
    let path = "detect/cases/23-contour-envoy17-healthy-tls-stats-control/stats.txt";
    let parsed = parse_input(path, &fixture(path));
    let Some(meshtls_engine::evidence::Records::Stats(stats)) =
        parsed.parts.first().map(|part| &part.records)
    else {
        panic!("first part is not stats: {:?}", parsed.parts.first().map(|part| part.kind));
    };
    let listener = stats.listener("0.0.0.0_8443").expect("listener 0.0.0.0_8443");
    assert_eq!(listener.counter("ssl.connection_error"), Some((0, 24)));
    assert_eq!(listener.counter("ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256"), Some((2_674_875, 22)));
    // The paste was cut before `ssl.handshake`: missing, not zero.
    assert_eq!(listener.counter("ssl.handshake"), None);
    assert_eq!(stats.other().counter("tls_inspector.tls_found"), Some((2_674_777, 10)));
    assert_eq!(
        stats.other().counter("http.ingress_https.downstream_cx_ssl_total"),
        Some((2_674_877, 19))
    );
}

/// Line cleanup cases: input line and the expected cleaned line.
macro_rules! cleans {
    ($($name:ident: $input:expr => $expected:expr;)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(meshtls_engine::evidence::text::clean_line($input), $expected);
        }
    )*};
}

cleans! {
    clean_raw_ansi: "\u{1b}[1;31mcluster.a.ssl.handshake\u{1b}[0m: 1" => "cluster.a.ssl.handshake: 1";
    clean_caret_ansi: "^[[32mok^[[0m" => "ok";
    clean_grep_file: "stats.txt:cluster.a.ssl.handshake: 1" => "cluster.a.ssl.handshake: 1";
    clean_grep_numbered: "logs/envoy.log:42:[2020-01-01 00:00:00.000][1][debug][connection] x" => "[2020-01-01 00:00:00.000][1][debug][connection] x";
    clean_grep_context: "envoy.log-7-closing" => "closing";
    clean_keeps_source_path: "external/envoy/source/common/tls/ssl_socket.cc:219] [C28] TLS error: 1" => "external/envoy/source/common/tls/ssl_socket.cc:219] [C28] TLS error: 1";
    clean_keeps_header: "content-type: application/json" => "content-type: application/json";
    clean_keeps_spiffe: "a.spiffe://cluster.local/ns/x.y: 1" => "a.spiffe://cluster.local/ns/x.y: 1";
    clean_trailing_cr: "cluster.a.ssl.handshake: 1\r" => "cluster.a.ssl.handshake: 1";
}

#[test]
fn shell_prompts_are_commands() {
    use meshtls_engine::evidence::text::shell_command;
    assert_eq!(
        shell_command("$ curl -s localhost:9901/stats"),
        Some("curl -s localhost:9901/stats")
    );
    assert_eq!(
        shell_command("/ # curl -v http://localhost:9901/certs"),
        Some("curl -v http://localhost:9901/certs")
    );
    assert_eq!(shell_command("user@host:~$ kubectl logs pod"), Some("kubectl logs pod"));
    assert_eq!(
        shell_command("[root@box ~]# openssl s_client -connect a:443"),
        Some("openssl s_client -connect a:443")
    );
    assert_eq!(shell_command("# TYPE envoy_cluster_ssl_handshake counter"), None);
    assert_eq!(shell_command("listener.0.0.0.0_15000.ssl.handshake: 1"), None);
}

#[test]
fn line_split_handles_every_line_end() {
    use meshtls_engine::evidence::text::split_lines;
    assert_eq!(split_lines("a\r\nb\rc\nd").collect::<Vec<_>>(), vec!["a", "b", "c", "d"]);
    assert_eq!(split_lines("a\n").collect::<Vec<_>>(), vec!["a"]);
    assert_eq!(split_lines("").count(), 0);
    assert_eq!(split_lines("\n\n").collect::<Vec<_>>(), vec!["", ""]);
}

/// Random bytes hold CR and LF by chance; the binary warning is the one that matters.
#[test]
fn binary_input_gets_no_line_end_warning() {
    // A fixed xorshift sequence: 20 000 bytes with every value, CR and LF among them.
    let mut state: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..20_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(text.contains("\r\n"), "the test input has a CRLF");
    let parsed = parse_input("binary.bin", &text);
    let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.iter().any(|w| w.contains("input looks binary")), "{warnings:#?}");
    assert!(!warnings.iter().any(|w| w.contains("line ends are")), "{warnings:#?}");
}

#[test]
fn crlf_text_gets_line_end_warning() {
    let parsed = parse_input(
        "stats.txt",
        "cluster.a.ssl.handshake: 3\r\ncluster.a.ssl.connection_error: 0\r\n",
    );
    let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.iter().any(|w| w.contains("line ends are CRLF")), "{warnings:#?}");
}
