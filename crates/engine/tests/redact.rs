//! Redaction: each kind of value, the look-alikes that must stay, overlapping values,
//! switching replacements off, and real evidence.

use meshtls_engine::redact::{RedactOptions, RedactionKind, Redactor, Replacement};

fn redact(text: &str) -> String {
    let redactor = Redactor::new(RedactOptions::default());
    let plan = redactor.plan(&[text]);
    redactor.apply(text, &plan)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/redact/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn entry<'a>(plan: &'a [Replacement], original: &str) -> &'a Replacement {
    plan.iter()
        .find(|r| r.original == original)
        .unwrap_or_else(|| panic!("no replacement for {original:?} in {plan:#?}"))
}

/// One `#[test]` per named case: the input and the exact redacted output.
macro_rules! redacts {
    ($($name:ident: $input:expr => $expected:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_eq!(redact($input), $expected);
            }
        )*
    };
}

/// One `#[test]` per named case of text that must come out unchanged.
macro_rules! keeps {
    ($($name:ident: $input:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_eq!(redact($input), $input);
            }
        )*
    };
}

redacts! {
    secret_query_token: r#""GET /api?user=me&token=s3cr3tT0k3n HTTP/1.1" 200"#
        => r#""GET /api?user=me&token=<secret-1> HTTP/1.1" 200"#;
    secret_query_first_parameter: "/cb?code=4/0AbC-dEf_12&state=x" => "/cb?code=<secret-1>&state=x";
    secret_query_case_insensitive: "?X-Amz-Signature=abcdef0123456789#frag"
        => "?X-Amz-Signature=<secret-1>#frag";
    secret_same_value_same_placeholder: "?token=abc then &token=abc and ?key=def"
        => "?token=<secret-1> then &token=<secret-1> and ?key=<secret-2>";
    secret_bearer_token: "authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig-123"
        => "authorization: Bearer <secret-1>";
    ipv4_with_port: "connecting to 10.0.0.2:18080" => "connecting to <ip-1>:18080";
    ipv4_in_markdown_link: "address:[10.0.29.237:37172](http://10.0.29.237:37172/)"
        => "address:[<ip-1>:37172](http://<ip-1>:37172/)";
    ipv4_cidr: "allow 10.1.0.0/16" => "allow <ip-1>/16";
    ipv4_in_listener_stat: "listener.10.1.2.3_8443.ssl.handshake: 5"
        => "listener.<ip-1>_8443.ssl.handshake: 5";
    ipv4_at_sentence_end: "The peer was 172.16.4.5." => "The peer was <ip-1>.";
    ipv4_quoted_in_access_log: r#""10.4.0.7:9080" outbound"# => r#""<ip-1>:9080" outbound"#;
    ipv4_two_values_numbered: "10.0.0.1 then 10.0.0.2 then 10.0.0.1"
        => "<ip-1> then <ip-2> then <ip-1>";
    ipv6_full: "peer 2600:1f14:abc:de00:1234:5678:9abc:def0 reset"
        => "peer <ipv6-1> reset";
    ipv6_bracketed_with_port: "[fd00:ec2::23]:443" => "[<ipv6-1>]:443";
    ipv6_mapped_ipv4: "from ::ffff:10.2.3.4 now" => "from <ipv6-1> now";
    ipv6_after_colon: "remote address:fe80::1ff:fe23:4567" => "remote address:<ipv6-1>";
    host_in_dns_san: "X509v3 Subject Alternative Name: DNS:payments.acme-corp.com"
        => "X509v3 Subject Alternative Name: DNS:<host-1>";
    host_in_url: "GET https://api.acme-corp.com/v1/orders" => "GET https://<host-1>/v1/orders";
    host_private_suffix_needs_context: "https://portal.acme.mycorp/ and portal.acme.mycorp"
        => "https://<host-1>/ and <host-1>";
    host_wildcard_keeps_star: "SAN *.acme-corp.com" => "SAN *.<host-1>";
    host_cloud_map_namespace: "backend payments.prod.local:8080" => "backend <host-1>:8080";
    host_ec2_private_dns: "ip-10-0-1-5.us-west-2.compute.internal and ip-10-0-1-5"
        => "<host-1> and <host-2>";
    host_in_istio_stat: "cluster.outbound|9080||reviews.prod.svc.cluster.local.ssl.handshake: 3"
        => "cluster.outbound|9080||<host-1>.ssl.handshake: 3";
    host_service_name_alone: r#"outbound|9080||reviews.prod.svc.cluster.local "reviews:9080""#
        => r#"outbound|9080||<host-1> "<host-2>:9080""#;
    host_case_insensitive: "Payments.Acme-Corp.com and payments.acme-corp.com"
        => "<host-1> and <host-1>";
    host_country_code: "sni=shop.acme.de" => "sni=<host-1>";
    host_in_access_log_field: r#""requested_server_name":"shop.acme.mycorp""#
        => r#""requested_server_name":"<host-1>""#;
    host_elb_name: "my-lb-1234567890.us-west-2.elb.amazonaws.com"
        => "<host-1>";
    account_after_word: "AWS account 123456789012 owns it" => "AWS account <account-1> owns it";
    account_in_json: r#"{"AccountId": "123456789012"}"# => r#"{"AccountId": "<account-1>"}"#;
    account_in_ecr_host: "123456789012.dkr.ecr.us-west-2.amazonaws.com/envoy:v1"
        => "<account-1>.dkr.ecr.us-west-2.amazonaws.com/envoy:v1";
    account_found_then_everywhere: "account: 123456789012\nbytes 123456789012"
        => "account: <account-1>\nbytes <account-1>";
    arn_keeps_service_and_region:
        "arn:aws:acm:us-west-2:123456789012:certificate/0d2f3e1b-7c4a-4f4e-9a0b-2c1d3e4f5a6b"
        => "arn:aws:acm:us-west-2:<account-1>:<arn-1>";
    arn_without_region: "role arn:aws:iam::123456789012:role/envoy-task."
        => "role arn:aws:iam::<account-1>:<arn-1>.";
    arn_in_json_string: r#""meshArn": "arn:aws:appmesh:eu-west-1:123456789012:mesh/shop""#
        => r#""meshArn": "arn:aws:appmesh:eu-west-1:<account-1>:<arn-1>""#;
    ipv4_in_file_names: "10.44.3.2-a.log, a-10.44.3.2-b.log and orders-10.44.3.2.log"
        => "<ip-1>-a.log, a-<ip-1>-b.log and orders-<ip-1>.log";
    ipv4_file_name_with_line_reference: "- `10.44.3.2-a.log`: envoy-log\n10.44.3.2-a.log:1: text"
        => "- `<ip-1>-a.log`: envoy-log\n<ip-1>-a.log:1: text";
    arn_file_name_keeps_line_reference:
        "- `role-arn:aws:iam::123456789012:role-x.log`: envoy-log\nrole-arn:aws:iam::123456789012:role-x.log:1: text"
        => "- `role-arn:aws:iam::<account-1>:<arn-1>`: envoy-log\nrole-arn:aws:iam::<account-1>:<arn-1>:1: text";
    arn_keeps_task_definition_revision:
        "task arn:aws:ecs:us-east-1:123456789012:task-definition/web:3 started"
        => "task arn:aws:ecs:us-east-1:<account-1>:<arn-1> started";
    arn_account_shared_with_text:
        "account 123456789012, mesh arn:aws:appmesh:us-east-1:123456789012:mesh/shop"
        => "account <account-1>, mesh arn:aws:appmesh:us-east-1:<account-1>:<arn-1>";
    trust_domain: "URI:spiffe://prod.acme-corp.com/ns/payments/sa/api"
        => "URI:spiffe://<trust-domain-1>/ns/payments/sa/api";
    trust_domain_single_label: "spiffe://acme/ns/shop/sa/web" => "spiffe://<trust-domain-1>/ns/shop/sa/web";
    trust_domain_then_as_host: "spiffe://mesh.acme.internal/web and mesh.acme.internal"
        => "spiffe://<trust-domain-1>/web and <trust-domain-1>";
    email: "reported by jane.doe+mesh@acme-corp.com today" => "reported by <email-1> today";
    serial_in_certs_json: r#""serial_number": "47d78411ed47a779ae54d25263671a0c","#
        => r#""serial_number": "<serial-1>","#;
    serial_openssl_next_line: "Serial Number:\n    93:38:0e:14:47:d2:f9:ae\nSignature"
        => "Serial Number:\n    <serial-1>\nSignature";
    serial_openssl_short_form: "Serial Number: 4096 (0x1000)" => "Serial Number: <serial-1>";
    serial_openssl_flag: "serial=5A3F0011BEEF" => "serial=<serial-1>";
    pod_in_stern_prefix: "> payments-7d9f8b-x2x4z istio-proxy 2024-07-24T19:44:18.491756Z debug"
        => "> <host-1> istio-proxy 2024-07-24T19:44:18.491756Z debug";
    pod_in_kubectl_prefix: "[pod/payments-7d9f8b-x2x4z/envoy] [2024-07-24 19:44:18.491][1][debug]"
        => "[pod/<host-1>/envoy] [2024-07-24 19:44:18.491][1][debug]";
}

keeps! {
    secret_other_parameter_kept: "/items?page=2&sort=name";
    secret_empty_value_kept: "/login?token=&next=/";
    secret_bearer_word_in_prose_kept: "send a Bearer token in the header";
    secret_many_ampersands_kept: "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&";
    unspecified_address_in_listener_stat: "listener.0.0.0.0_15000.ssl.handshake: 12";
    loopback_admin_address: "curl 127.0.0.1:9901/stats and [::1]:9901 and [::]:15000";
    listener_resource_name: "lds_ingress_0.0.0.0_15000";
    task_metadata_address: "http://169.254.170.2/v2/metadata and 169.254.169.254";
    netmask: "netmask 255.255.255.0";
    documentation_ranges: "192.0.2.45:8080 198.51.100.3 203.0.113.9 2001:db8::1";
    envoy_image_tag: "840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.34.13.3-prod";
    envoy_image_tag_without_v: "aws-appmesh-envoy:1.29.12.3-prod";
    version_after_word: "Envoy 1.34.13.3, version: 1.27.3.0, version=1.29.12.3";
    dotted_number_of_five_parts: "oid 1.3.6.1.4.1.311";
    app_mesh_cluster_stat: "cluster.cds_egress_online-store_product-details_http_8080.ssl.handshake: 3";
    envoy_source_file: "[source/common/router/router.cc:434] external/envoy/source/common/tls/ssl_socket.cc:246";
    server_stats: "server.live: 1\nserver.state: 0\nserver.version: 1234567";
    tls_version_stat: "listener.0.0.0.0_15000.ssl.versions.TLSv1.3: 10";
    extension_names: "envoy.transport_sockets.tls type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
    rfc3339_timestamp: "2024-07-24T19:44:18.491756Z debug thread=23";
    log_time_with_space: "[2018-12-05 15:36:36.335][000012][debug]";
    cpp_scope_names: "Envoy::Ssl::ContextImpl and std::string";
    colon_hex_without_serial_context: "fingerprint 93:38:0e:14:47:d2:f9:ae";
    mac_address: "ether 0a:1b:2c:3d:4e:5f";
    boringssl_error: "TLS_error:|268436504:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA:TLS_error_end";
    stream_ids: "[C0][S8599161127663960637] [Tags: \"ConnectionId\":\"54054146\"]";
    twelve_digits_without_context: "downstream_cx_rx_bytes_total: 123456789012";
    documentation_links: "https://docs.aws.amazon.com/app-mesh/latest/userguide/troubleshooting-security.html#ts-security-tls-client-policy https://github.com/aws/aws-app-mesh-roadmap/issues/new https://www.envoyproxy.io/docs";
    documentation_example_hosts: "my-app.default.svc.cluster.local *.apps.local mesh-endpoint.apps.local localhost";
    reserved_example_names: "api.example.com shop.test *.example.org";
    security_contact: "mailto:aws-security@amazon.com";
    default_trust_domain: "spiffe://cluster.local/ns/default/sa/bookinfo";
    file_names_like_country_codes: "see README.md, main.tf, entrypoint.sh and libssl.so";
    configuration_file_names: "/etc/envoy/envoy.yaml /certs/ca.crt cert.pem";
    management_endpoint: "appmesh-envoy-management.us-west-2.amazonaws.com:443";
    curl_user_agent: "\"curl/7.64.1\"";
    sidecar_prefix_without_dash: "envoy 2024-07-24T19:44:18Z started";
    prose_before_timestamp: "Error at 2024-07-24T19:44:18Z";
}

#[test]
fn case_with_markdown_link_keeps_no_original() {
    let text = fixture("istio-multicluster-unknown-ca.log");
    let redactor = Redactor::new(RedactOptions::default());
    let plan = redactor.plan(&[&text]);
    let redacted = redactor.apply(&text, &plan);

    for original in ["10.0.29.237", "applicaton-pod-on-gke-cluster"] {
        assert!(text.contains(original), "fixture lacks {original}");
        assert!(!redacted.contains(original), "{original} survived: {redacted}");
    }
    assert!(
        redacted.starts_with("> <host-1> istio-proxy 2024-07-24T19:44:18.491756Z"),
        "{redacted}"
    );
    assert!(redacted.contains("remote address:[<ip-1>:37172](http://<ip-1>:37172/)"), "{redacted}");
    assert!(redacted.contains("TLSV1_ALERT_UNKNOWN_CA:TLS_error_end"), "{redacted}");
    assert!(redacted.contains("ssl_socket.cc:241"), "{redacted}");

    let ip = entry(&plan, "10.0.29.237");
    assert_eq!(ip.kind, RedactionKind::Ipv4);
    assert_eq!(ip.placeholder, "<ip-1>");
    assert_eq!(ip.occurrences, 2);
    assert_eq!(entry(&plan, "applicaton-pod-on-gke-cluster").kind, RedactionKind::Host);
    assert_eq!(plan.len(), 2, "{plan:#?}");
}

#[test]
fn stats_dumps_have_nothing_to_redact() {
    for name in ["stats-envoy-quickstart.txt", "stats-contour-envoy17.txt"] {
        let text = fixture(name);
        let plan = Redactor::new(RedactOptions::default()).plan(&[&text]);
        assert!(plan.is_empty(), "{name}: {plan:#?}");
    }
}

#[test]
fn certs_output_hides_trust_domain_and_serial() {
    let text = fixture("certs-appmesh-spire.json");
    let redacted = redact(&text);
    assert!(!redacted.contains("howto-k8s-mtls-sds-based.aws"), "{redacted}");
    assert!(!redacted.contains("52f3b82ebb99af2d826bc1c3ac3835ba"), "{redacted}");
    assert!(redacted.contains(r#""uri": "spiffe://<trust-domain-1>/colorgreen""#), "{redacted}");
    // A one-digit serial number names no certificate.
    assert!(redacted.contains(r#""serial_number": "0""#), "{redacted}");
}

#[test]
fn access_log_hosts_and_services() {
    let text = fixture("istio-access-log.txt");
    let redacted = redact(&text);
    for original in ["productpage.default.svc.cluster.local", "cray-dhcp-kea-api"] {
        assert!(!redacted.contains(original), "{original} survived: {redacted}");
    }
    assert!(redacted.contains("\"localhost\""), "{redacted}");
    assert!(redacted.contains("\"curl/7.64.1\""), "{redacted}");
}

#[test]
fn same_value_same_placeholder_across_texts() {
    let first = "connecting to 10.9.8.7:443 for shop.acme-corp.com";
    let second = "SAN DNS:shop.acme-corp.com, peer 10.9.8.7";
    let redactor = Redactor::new(RedactOptions::default());
    let plan = redactor.plan(&[first, second]);
    assert_eq!(redactor.apply(first, &plan), "connecting to <ip-1>:443 for <host-1>");
    assert_eq!(redactor.apply(second, &plan), "SAN DNS:<host-1>, peer <ip-1>");
    assert_eq!(entry(&plan, "10.9.8.7").occurrences, 2);
    assert_eq!(entry(&plan, "shop.acme-corp.com").occurrences, 2);
}

#[test]
fn plan_orders_by_kind_then_number() {
    let text = "b.acme-corp.com 10.0.0.9 a.acme-corp.com 10.0.0.8 account 123456789012";
    let plan = Redactor::new(RedactOptions::default()).plan(&[text]);
    let listed: Vec<(&str, &str)> =
        plan.iter().map(|r| (r.original.as_str(), r.placeholder.as_str())).collect();
    assert_eq!(
        listed,
        vec![
            ("123456789012", "<account-1>"),
            ("10.0.0.9", "<ip-1>"),
            ("10.0.0.8", "<ip-2>"),
            ("b.acme-corp.com", "<host-1>"),
            ("a.acme-corp.com", "<host-2>"),
        ]
    );
    assert!(plan.iter().all(|r| r.enabled));
}

#[test]
fn switched_off_value_stays() {
    let text = "peer 10.0.0.5 host shop.acme-corp.com";
    let redactor = Redactor::new(RedactOptions::default());
    let mut plan = redactor.plan(&[text]);
    plan.iter_mut().filter(|r| r.kind == RedactionKind::Host).for_each(|r| r.enabled = false);
    assert_eq!(redactor.apply(text, &plan), "peer <ip-1> host shop.acme-corp.com");
}

#[test]
fn switched_off_arn_shows_inner_values() {
    let text = "arn:aws:appmesh:us-west-2:123456789012:mesh/shop/virtualService/cart.shop.local";
    let redactor = Redactor::new(RedactOptions::default());
    let mut plan = redactor.plan(&[text]);
    assert_eq!(redactor.apply(text, &plan), "arn:aws:appmesh:us-west-2:<account-1>:<arn-1>");

    plan.iter_mut().filter(|r| r.kind == RedactionKind::Arn).for_each(|r| r.enabled = false);
    assert_eq!(
        redactor.apply(text, &plan),
        "arn:aws:appmesh:us-west-2:<account-1>:mesh/shop/virtualService/<host-1>"
    );
}

#[test]
fn switched_off_email_shows_host() {
    let text = "ops@payments.acme-corp.com";
    let redactor = Redactor::new(RedactOptions::default());
    let mut plan = redactor.plan(&[text]);
    plan.iter_mut().filter(|r| r.kind == RedactionKind::Email).for_each(|r| r.enabled = false);
    assert_eq!(redactor.apply(text, &plan), "ops@<host-1>");
}

#[test]
fn all_switched_off_returns_input() {
    for name in [
        "istio-multicluster-unknown-ca.log",
        "istio-access-log.txt",
        "certs-appmesh-spire.json",
        "stats-envoy-quickstart.txt",
    ] {
        let text = fixture(name);
        let redactor = Redactor::new(RedactOptions::default());
        let mut plan = redactor.plan(&[&text]);
        plan.iter_mut().for_each(|r| r.enabled = false);
        assert_eq!(redactor.apply(&text, &plan), text, "{name}");
    }
}

#[test]
fn unplanned_value_still_redacted() {
    let redactor = Redactor::new(RedactOptions::default());
    let plan = redactor.plan(&["peer 10.0.0.1"]);
    assert_eq!(redactor.apply("peer 10.0.0.2 and 10.0.0.1", &plan), "peer <ip-2> and <ip-1>");
}

#[test]
fn extra_values_are_redacted() {
    let options = RedactOptions {
        extra_values: vec!["online-store".to_string(), "  ".to_string()],
        ..RedactOptions::default()
    };
    let text = "cluster.cds_egress_online-store_product-details_http_8080.ssl.handshake: 3";
    let redactor = Redactor::new(options);
    let plan = redactor.plan(&[text]);
    assert_eq!(
        redactor.apply(text, &plan),
        "cluster.cds_egress_<value-1>_product-details_http_8080.ssl.handshake: 3"
    );
    assert_eq!(entry(&plan, "online-store").kind, RedactionKind::Custom);
}

#[test]
fn added_value_that_is_also_a_host() {
    let options = RedactOptions {
        extra_values: vec!["shop.acme.mycorp".to_string()],
        ..RedactOptions::default()
    };
    let text = "DNS:Shop.Acme.Mycorp and shop.acme.mycorp";
    let redactor = Redactor::new(options);
    let mut plan = redactor.plan(&[text]);
    assert_eq!(plan.len(), 1, "{plan:#?}");
    assert_eq!(redactor.apply(text, &plan), "DNS:<value-1> and <value-1>");
    plan[0].enabled = false;
    assert_eq!(redactor.apply(text, &plan), text);
}

#[test]
fn serial_numbers_can_be_kept() {
    let options = RedactOptions { serial_numbers: false, ..RedactOptions::default() };
    let text = r#""serial_number": "47d78411ed47a779ae54d25263671a0c""#;
    let redactor = Redactor::new(options);
    let plan = redactor.plan(&[text]);
    assert!(plan.is_empty(), "{plan:#?}");
    assert_eq!(redactor.apply(text, &plan), text);
}

#[test]
fn multibyte_text_around_values() {
    assert_eq!(redact("→10.0.0.7← «shop.acme-corp.com»"), "→<ip-1>← «<host-1>»");
}

#[test]
fn adversarial_input_finishes() {
    let inputs = [
        "1.".repeat(40_000),
        "a.".repeat(40_000),
        "1:".repeat(40_000),
        "@a.b".repeat(20_000),
        "arn:aws:".repeat(20_000),
        "spiffe://".repeat(20_000),
        "serial=".repeat(20_000),
        "> a-b c-d ".repeat(20_000),
    ];
    for input in &inputs {
        let redactor = Redactor::new(RedactOptions::default());
        let plan = redactor.plan(&[input]);
        let output = redactor.apply(input, &plan);
        assert!(!output.is_empty());
    }
}
