//! Target groups and virtual nodes from AWS CLI JSON, and the load balancer checks.

use meshtls_engine::evidence::target_group::{
    self, check_target_group, ElbProblem, KindSource, LoadBalancerKind, Located, TargetGroups,
    NEW_TARGET_GROUP_NEEDED,
};
use meshtls_engine::evidence::Warning;

fn parse_fixture(name: &str) -> (TargetGroups, Vec<Warning>) {
    let path = format!("{}/tests/fixtures/target_group/{name}", env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    target_group::parse(&text, 1)
}

/// Returns `(code, line)` of each problem, in order.
fn problems(records: &TargetGroups, listener_port: Option<u16>) -> Vec<(&'static str, usize)> {
    records.check(listener_port).iter().map(|problem| (problem.code(), problem.line())).collect()
}

macro_rules! check_cases {
    ($($test:ident: $file:expr, $port:expr => [$($code:expr, $line:expr);*];)*) => {
        $(
            #[test]
            fn $test() {
                let (records, warnings) = parse_fixture($file);
                assert!(warnings.is_empty(), "{warnings:?}");
                let expected: Vec<(&str, usize)> = vec![$(($code, $line)),*];
                assert_eq!(problems(&records, $port), expected);
            }
        )*
    };
}

check_cases! {
    alb_https_matching_port: "alb-https.json", Some(8080) => [];
    alb_https_other_port: "alb-https.json", Some(9080) => ["elb-target-port-mismatch", 7];
    alb_https_no_port_given: "alb-https.json", None => [];
    alb_http_after_command: "alb-http-with-command.txt", None => [
        "elb-target-protocol", 7;
        "elb-health-check-protocol", 10
    ];
    alb_http_with_virtual_node: "alb-and-virtual-node.txt", None => [
        "elb-target-port-mismatch", 8;
        "elb-target-protocol", 7;
        "elb-health-check-protocol", 10
    ];
    alb_port_given_overrides_node: "alb-and-virtual-node.txt", Some(80) => [
        "elb-target-protocol", 7;
        "elb-health-check-protocol", 10
    ];
    nlb_groups: "nlb-mixed.json", Some(8080) => [
        "elb-target-protocol", 6;
        "elb-health-check-protocol", 23
    ];
}

#[test]
fn target_group_fields_read() {
    let (records, _) = parse_fixture("alb-https.json");
    let group = records.target_groups.first().expect("one target group");
    assert_eq!(group.line, 3);
    assert_eq!(group.name, Some(Located { value: "web-tls".to_string(), line: 5 }));
    assert_eq!(group.protocol, Some(Located { value: "HTTPS".to_string(), line: 6 }));
    assert_eq!(group.port, Some(Located { value: 8080, line: 7 }));
    assert_eq!(group.health_check_protocol, Some(Located { value: "HTTPS".to_string(), line: 9 }));
    assert_eq!(
        group.health_check_port.as_ref().map(|port| port.value.as_str()),
        Some("traffic-port")
    );
    assert_eq!(group.target_type.as_ref().map(|kind| kind.value.as_str()), Some("ip"));
    assert_eq!(group.load_balancer_arns.len(), 1);
    assert_eq!(
        group.load_balancer_kind(),
        Some((LoadBalancerKind::Application, KindSource::Arn { line: 21 }))
    );
}

#[test]
fn kind_from_protocol_without_arns() {
    let (records, _) = parse_fixture("nlb-mixed.json");
    let group = records.target_groups.get(2).expect("third target group");
    assert!(group.load_balancer_arns.is_empty());
    assert_eq!(
        group.load_balancer_kind(),
        Some((LoadBalancerKind::Network, KindSource::Protocol { line: 35 }))
    );
}

#[test]
fn virtual_node_listener_read() {
    let (records, warnings) = parse_fixture("virtual-node.json");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(records.target_groups.is_empty());
    let node = records.virtual_nodes.first().expect("one virtual node");
    assert_eq!(node.name.as_ref().map(|name| (name.value.as_str(), name.line)), Some(("web", 50)));
    assert_eq!(node.mesh_name.as_ref().map(|name| name.value.as_str()), Some("apps"));
    let listener = node.listeners.first().expect("one listener");
    assert_eq!(listener.port, Some(Located { value: 8080, line: 27 }));
    assert_eq!(listener.protocol, Some(Located { value: "http".to_string(), line: 28 }));
    assert_eq!(listener.tls_mode, Some(Located { value: "STRICT".to_string(), line: 37 }));
    assert_eq!(records.listener_ports(), vec![8080]);
}

#[test]
fn problems_say_new_name_needed() {
    let (records, _) = parse_fixture("alb-http-with-command.txt");
    let all = records.check(None);
    assert!(!all.is_empty());
    for problem in &all {
        assert!(
            problem.remediation().ends_with(NEW_TARGET_GROUP_NEEDED),
            "{}",
            problem.remediation()
        );
    }
    assert!(NEW_TARGET_GROUP_NEEDED.contains("new name"));
    let protocol = all.first().expect("protocol problem");
    assert_eq!(
        protocol.to_string(),
        "target group `web-plain` uses protocol HTTP; an Application Load Balancer that encrypts traffic to a virtual node needs HTTPS"
    );
}

#[test]
fn port_mismatch_names_ports() {
    let (records, _) = parse_fixture("alb-and-virtual-node.txt");
    let group = records.target_groups.first().expect("target group");
    let found = check_target_group(group, &records.listener_ports());
    let mismatch = found.first().expect("port problem");
    assert_eq!(
        mismatch,
        &ElbProblem::PortMismatch {
            target_group: "`web-plain`".to_string(),
            line: 8,
            port: 80,
            listener_ports: vec![8080]
        }
    );
    let text = mismatch.to_string();
    assert!(text.contains("port 80"), "{text}");
    assert!(text.contains("8080"), "{text}");
}

#[test]
fn truncated_paste_keeps_first_group() {
    let (records, warnings) = parse_fixture("truncated.json");
    assert_eq!(records.target_groups.len(), 2, "the second group is cut inside its ARN");
    assert_eq!(
        records.target_groups.first().and_then(|group| group.name.clone()).map(|name| name.value),
        Some("web-tcp".to_string())
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings.first().map(|warning| warning.line), Some(18));
}

#[test]
fn not_aws_json_warns() {
    let (records, warnings) = target_group::parse("{\"certificates\": []}\n", 3);
    assert!(records.target_groups.is_empty());
    assert_eq!(warnings.first().map(|warning| warning.line), Some(3));
    let (_, warnings) = target_group::parse("no json here\n", 1);
    assert_eq!(warnings.len(), 1);
}

#[test]
fn hostile_input_never_panics() {
    let deep = "[".repeat(10_000);
    let inputs = [
        "",
        "{",
        "{\"TargetGroups\": [{\"Port\": 99999999}]}",
        "{\"TargetGroups\": {\"Port\": 1}}",
        "{\"TargetGroups\": [{\"TargetGroupName\": \"\\u12\"}]}",
        "{\"virtualNode\": {\"spec\": {\"listeners\": [{\"portMapping\": {\"port\": -1}}]}}}",
        "{\"a\": \"é\\",
        deep.as_str(),
    ];
    for input in inputs {
        let (records, _) = target_group::parse(input, 1);
        let _ = records.check(Some(8080));
    }
    let (_, warnings) = target_group::parse(&format!("{{\"x\": {deep}}}"), 1);
    assert!(
        warnings.iter().any(|warning| warning.message.contains("nested deeper")),
        "{warnings:?}"
    );
}
