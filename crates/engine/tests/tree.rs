//! The decision tree compiled into the engine, its validation, and the walker.

use std::collections::BTreeSet;

use meshtls_engine::tree::{
    AnswerSource, EscalationKind, KnownNames, Links, Node, ProblemKind, Scope, Tree, Walker,
};

const ANCHORS: &str = include_str!("fixtures/tree/appmesh-anchors.txt");
const FINDING_CODES: &str = include_str!("fixtures/tree/finding-codes.txt");

fn fixture_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn known_names() -> KnownNames {
    let anchors = fixture_lines(ANCHORS)
        .map(|line| {
            let (page, anchor) = line.split_once('#').expect("anchor fixture line is page#anchor");
            (page.to_owned(), anchor.to_owned())
        })
        .collect();
    let finding_codes = fixture_lines(FINDING_CODES).map(str::to_owned).collect();
    KnownNames { anchors, finding_codes }
}

fn builtin() -> &'static Tree {
    match Tree::builtin() {
        Ok(tree) => tree,
        Err(error) => panic!("{error}"),
    }
}

fn current_id(walker: &Walker<'_>) -> Option<String> {
    walker.current().map(|node| node.id().to_owned())
}

// ---------------------------------------------------------------------------------------
// The builtin tree.

#[test]
fn builtin_tree_passes_every_check() {
    let problems = builtin().validate_with(&known_names());
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "problems:\n{}", listed.join("\n"));
}

#[test]
fn builtin_tree_has_the_four_documented_symptoms() {
    let ids: Vec<&str> = builtin().symptoms.iter().map(|symptom| symptom.id.as_str()).collect();
    assert_eq!(ids, ["tls-client-policy", "originating-tls", "tls-between-proxies", "tls-elb"]);
}

#[test]
fn builtin_symptoms_link_their_documentation_anchor() {
    let anchors = [
        ("tls-client-policy", "ts-security-tls-client-policy"),
        ("originating-tls", "ts-security-originating-tls"),
        ("tls-between-proxies", "ts-security-tls-between-proxies"),
        ("tls-elb", "ts-security-tls-elb"),
    ];
    for (symptom_id, anchor) in anchors {
        let symptom = builtin().symptom(symptom_id).expect("symptom exists");
        let linked = symptom.links.iter().any(|link| {
            link.page == "troubleshooting-security" && link.anchor.as_deref() == Some(anchor)
        });
        assert!(linked, "{symptom_id} does not link #{anchor}");
    }
}

#[test]
fn builtin_steps_have_question_commands_and_answers() {
    for step in builtin().steps() {
        assert!(step.question.ends_with('?'), "{}: question does not end with `?`", step.id);
        assert!(!step.why.is_empty(), "{}: no why", step.id);
        assert!(!step.commands.is_empty(), "{}: no command fetches the evidence", step.id);
        assert!(step.answers.len() >= 2, "{}: fewer than two answers", step.id);
        assert!(!step.links.is_empty(), "{}: no documentation link", step.id);
    }
}

#[test]
fn builtin_step_inputs_are_known_kinds() {
    // The input kinds that the evidence detection reports.
    let kinds = [
        "stats-text",
        "stats-json",
        "stats-prometheus",
        "certs",
        "envoy-log",
        "access-log",
        "pem",
        "target-group",
        "other",
    ];
    for step in builtin().steps() {
        for input in &step.inputs {
            assert!(kinds.contains(&input.as_str()), "{}: unknown input kind {input}", step.id);
        }
        if !step.answered_by.is_empty() {
            assert!(
                !step.inputs.is_empty(),
                "{}: evidence answers it but no input is named",
                step.id
            );
        }
    }
}

#[test]
fn builtin_covers_the_connectivity_checklist() {
    let text = serde_json::to_string(builtin()).expect("tree serialises");
    let needles = [
        "control_plane.connected_state",
        "mesh-allow-all",
        "No healthy upstream",
        "No cluster match for URL",
        "No matching filter chain found",
        "CERTIFICATE_VERIFY_FAILED",
        "ENVOY_LOG_LEVEL=debug",
        "curl -s http://localhost:9901/stats | grep control_plane.connected_state",
        "downstream_cx_total - ssl.connection_error",
        "upstream_cx_total - ssl.connection_error",
        "ENABLE_ENVOY_DOG_STATSD=1",
        "HealthCheckProtocol",
    ];
    for needle in needles {
        assert!(text.contains(needle), "tree does not mention `{needle}`");
    }
}

#[test]
fn builtin_concludes_every_diagnosable_code() {
    // Two codes are warnings about the input rather than causes: an expiring (still
    // valid) certificate and a pasted private key.
    let not_conclusions = ["tls-cert-expiring-soon", "tls-private-key-pasted"];
    for code in fixture_lines(FINDING_CODES).filter(|code| !not_conclusions.contains(code)) {
        assert!(
            builtin().conclusions_for_code(code).next().is_some(),
            "no conclusion for finding code {code}"
        );
    }
}

#[test]
fn builtin_security_conclusions_skip_public_issues() {
    let security: Vec<&str> = builtin()
        .conclusions()
        .filter(|conclusion| conclusion.escalation.contains(&EscalationKind::VulnerabilityReport))
        .map(|conclusion| conclusion.id.as_str())
        .collect();
    assert_eq!(security, ["strict-listener-plaintext", "ca-cert-missing-with-policy"]);
    for conclusion in builtin().conclusions() {
        assert!(
            conclusion.escalation.contains(&EscalationKind::AwsSupport),
            "{}: AWS Support is missing",
            conclusion.id
        );
    }
}

#[test]
fn builtin_round_trips_through_serde() {
    let json = serde_json::to_string(builtin()).expect("tree serialises");
    let copy: Tree = serde_json::from_str(&json).expect("tree deserialises");
    assert_eq!(&copy, builtin());
    assert!(copy.step("cp-tls-error").is_some(), "the index is rebuilt");
}

#[test]
fn builtin_loads_once() {
    let first: *const Tree = builtin();
    let second: *const Tree = builtin();
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------------------
// Links.

#[test]
fn links_resolve_relative_pages_against_docs_base() {
    let conclusion = builtin().conclusion("untrusted-ca").expect("conclusion exists");
    let link = conclusion.links.first().expect("a link");
    assert_eq!(
        Links::default().doc_url(link),
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/troubleshooting-security.html#ts-security-tls-client-policy"
    );
    let portal =
        Links { docs_base: "https://support.example.com/mesh/".to_owned(), ..Links::default() };
    assert_eq!(
        portal.doc_url(link),
        "https://support.example.com/mesh/troubleshooting-security.html#ts-security-tls-client-policy"
    );
}

#[test]
fn links_keep_absolute_pages() {
    let conclusion = builtin().conclusion("app-originates-tls").expect("conclusion exists");
    let roadmap = conclusion.links.iter().find(|link| link.is_absolute()).expect("absolute link");
    assert_eq!(
        Links::default().doc_url(roadmap),
        "https://github.com/aws/aws-app-mesh-roadmap/issues/162"
    );
}

#[test]
fn links_bug_report_uses_two_dash_template() {
    let url = Links::default().escalation_url(EscalationKind::BugReport);
    assert_eq!(
        url,
        "https://github.com/aws/aws-app-mesh-roadmap/issues/new?labels=Bug&template=issue--bug-report.md&title=Bug%3A+describe+bug+here"
    );
}

#[test]
fn links_issue_url_encodes_title_and_body() {
    let url = Links::default().issue_url(Some("Bug: 503 & TLS"), Some("line 1\nline #2"));
    assert!(url.ends_with("&title=Bug%3A+503+%26+TLS&body=line+1%0Aline+%232"), "{url}");
}

#[test]
fn links_escalation_targets_are_configurable() {
    let portal = Links {
        issue_new_url: "https://desk.example.com/new".to_owned(),
        issue_template: None,
        issue_labels: None,
        issue_title: None,
        support_url: "https://desk.example.com/support".to_owned(),
        vulnerability_report_url: "https://desk.example.com/security".to_owned(),
        ..Links::default()
    };
    assert_eq!(portal.escalation_url(EscalationKind::BugReport), "https://desk.example.com/new");
    assert_eq!(
        portal.escalation_url(EscalationKind::AwsSupport),
        "https://desk.example.com/support"
    );
    assert_eq!(
        portal.escalation_url(EscalationKind::VulnerabilityReport),
        "https://desk.example.com/security"
    );
    let defaults = Links::default();
    assert_eq!(
        defaults.escalation_url(EscalationKind::VulnerabilityReport),
        "https://aws.amazon.com/security/vulnerability-reporting/"
    );
    assert_eq!(
        defaults.escalation_url(EscalationKind::AwsSupport),
        "https://aws.amazon.com/premiumsupport/"
    );
}

#[test]
fn links_partial_config_keeps_defaults() {
    let portal: Links =
        serde_json::from_str(r#"{"support_url": "https://desk.example.com/support"}"#)
            .expect("partial config parses");
    assert_eq!(portal.support_url, "https://desk.example.com/support");
    assert_eq!(portal.issue_template.as_deref(), Some("issue--bug-report.md"));
}

// ---------------------------------------------------------------------------------------
// Walks of every symptom, one test per named walk.

/// Answers that clear the connectivity checklist and reach the TLS error step.
const CONNECTIVITY_CLEAR: &[(&str, &str)] = &[
    ("cp-admin-interface", "yes"),
    ("cp-compute-environment", "yes"),
    ("cp-control-plane", "connected"),
    ("cp-config-rejected", "accepted"),
    ("cp-virtual-service", "yes"),
    ("cp-mesh-allow-all", "no"),
    ("cp-no-healthy-upstream", "no"),
    ("cp-no-cluster-match", "no"),
    ("cp-no-filter-chain", "no"),
    ("cp-connection-refused", "no"),
    ("cp-debug-logging", "yes"),
];

const ELB_ENVOY_CLEAR: &[(&str, &str)] = &[
    ("elb-admin-interface", "yes"),
    ("elb-control-plane", "connected"),
    ("elb-listener-cert", "yes"),
    ("elb-filter-chain", "no"),
    ("elb-target-port", "yes"),
];

fn then(
    prefix: &[(&'static str, &'static str)],
    rest: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    [prefix, rest].concat()
}

/// Answers each step in turn, checking that the walker shows exactly that step first,
/// and returns the walker at the end.
fn walk<'t>(tree: &'t Tree, symptom: &str, answers: &[(&str, &str)]) -> Walker<'t> {
    let mut walker = Walker::new(tree, symptom).expect("symptom exists");
    for (index, &(step, answer)) in answers.iter().enumerate() {
        assert_eq!(current_id(&walker).as_deref(), Some(step), "answer {index}: wrong step shown");
        walker.answer(step, answer).expect("answer is accepted");
    }
    walker
}

macro_rules! walk_cases {
    ($($name:ident: $symptom:literal, $answers:expr => $conclusion:literal, $code:expr;)*) => {$(
        #[test]
        fn $name() {
            let answers: Vec<(&str, &str)> = $answers;
            let walker = walk(builtin(), $symptom, &answers);
            let conclusion = walker.conclusion().expect("walk reaches a conclusion");
            assert_eq!(conclusion.id, $conclusion);
            assert_eq!(conclusion.finding_code.as_deref(), $code);
            assert_eq!(current_id(&walker).as_deref(), Some($conclusion));
            let progress = walker.progress();
            assert_eq!(progress.answered, answers.len());
            assert_eq!(progress.remaining, 0);
            let path: Vec<&str> = walker.path().iter().map(|given| given.step.id.as_str()).collect();
            let expected: Vec<&str> = answers.iter().map(|&(step, _)| step).collect();
            assert_eq!(path, expected);
        }
    )*};
}

walk_cases! {
    walk_client_policy_untrusted_ca: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "verify-failed"), ("cp-verify-detail", "unknown-issuer")])
        => "untrusted-ca", Some("tls-untrusted-ca");
    walk_client_policy_expired_by_hand: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "verify-failed"), ("cp-verify-detail", "unknown"),
            ("cp-check-ca", "yes"), ("cp-check-validity", "expired")])
        => "cert-expired", Some("tls-cert-expired");
    walk_client_policy_san_by_hand: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "verify-failed"), ("cp-verify-detail", "unknown"),
            ("cp-check-ca", "yes"), ("cp-check-validity", "yes"), ("cp-check-san", "no")])
        => "san-mismatch", Some("tls-san-mismatch");
    walk_client_policy_cause_unknown: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "verify-failed"), ("cp-verify-detail", "unknown"),
            ("cp-check-ca", "yes"), ("cp-check-validity", "yes"), ("cp-check-san", "yes")])
        => "verify-failed-other", Some("tls-verify-failed");
    walk_client_policy_secret_missing: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "secret-not-supplied")])
        => "secret-not-supplied", Some("tls-secret-not-supplied");
    walk_client_policy_mtls_required: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "peer-alert"), ("cp-peer-alert", "certificate-required")])
        => "client-cert-missing", Some("tls-client-cert-missing");
    walk_client_policy_no_tls_error: "tls-client-policy",
        then(CONNECTIVITY_CLEAR, &[("cp-tls-error", "none")])
        => "no-tls-error-found", None;
    walk_client_policy_debug_off: "tls-client-policy",
        then(&CONNECTIVITY_CLEAR[..10], &[("cp-debug-logging", "no")])
        => "debug-logging-needed", None;
    walk_client_policy_disconnected: "tls-client-policy",
        vec![("cp-admin-interface", "yes"), ("cp-compute-environment", "yes"), ("cp-control-plane", "disconnected")]
        => "control-plane-disconnected", Some("conn-control-plane-disconnected");
    walk_client_policy_mesh_allow_all: "tls-client-policy",
        then(&CONNECTIVITY_CLEAR[..5], &[("cp-mesh-allow-all", "yes")])
        => "mesh-allow-all", Some("conn-mesh-allow-all");
    walk_client_policy_no_filter_chain: "tls-client-policy",
        then(&CONNECTIVITY_CLEAR[..8], &[("cp-no-filter-chain", "yes")])
        => "no-filter-chain", Some("conn-no-filter-chain");
    walk_client_policy_admin_unreachable: "tls-client-policy",
        vec![("cp-admin-interface", "no")]
        => "admin-interface-unreachable", None;
    walk_originating_app_tls: "originating-tls",
        vec![("orig-app-tls", "yes")]
        => "app-originates-tls", Some("tls-app-originates-tls");
    walk_originating_envoy_tls_continues: "originating-tls",
        vec![("orig-app-tls", "no"), ("cp-admin-interface", "yes"), ("cp-compute-environment", "no")]
        => "compute-environment-not-ready", None;
    walk_between_proxies_confirmed: "tls-between-proxies",
        vec![("proxies-admin-interface", "admin"), ("proxies-term-cert-chain", "yes"),
            ("proxies-term-counters", "tls"), ("proxies-orig-ca-cert", "yes"), ("proxies-orig-counters", "tls")]
        => "tls-between-proxies-confirmed", Some("tls-in-use");
    walk_between_proxies_cluster_plaintext: "tls-between-proxies",
        vec![("proxies-admin-interface", "admin"), ("proxies-term-cert-chain", "yes"),
            ("proxies-term-counters", "tls"), ("proxies-orig-ca-cert", "yes"), ("proxies-orig-counters", "not-tls")]
        => "cluster-not-tls", Some("tls-not-in-use");
    walk_between_proxies_permissive_plaintext: "tls-between-proxies",
        vec![("proxies-admin-interface", "admin"), ("proxies-term-cert-chain", "yes"),
            ("proxies-term-counters", "not-tls"), ("proxies-term-mode", "not-strict")]
        => "listener-not-tls", Some("tls-not-in-use");
    walk_between_proxies_strict_plaintext: "tls-between-proxies",
        vec![("proxies-admin-interface", "statsd-only"), ("proxies-term-counters", "not-tls"),
            ("proxies-term-mode", "strict")]
        => "strict-listener-plaintext", Some("tls-not-in-use");
    walk_between_proxies_statsd_only: "tls-between-proxies",
        vec![("proxies-admin-interface", "statsd-only"), ("proxies-term-counters", "tls"),
            ("proxies-orig-ca-cert", "cannot-check"), ("proxies-orig-counters", "tls")]
        => "tls-between-proxies-confirmed", Some("tls-in-use");
    walk_between_proxies_no_client_policy: "tls-between-proxies",
        vec![("proxies-admin-interface", "admin"), ("proxies-term-cert-chain", "yes"),
            ("proxies-term-counters", "tls"), ("proxies-orig-ca-cert", "no"), ("proxies-client-policy", "no")]
        => "no-client-policy", Some("tls-no-ca-cert");
    walk_between_proxies_no_cert_chain: "tls-between-proxies",
        vec![("proxies-admin-interface", "admin"), ("proxies-term-cert-chain", "no")]
        => "no-cert-chain", Some("tls-no-cert-chain");
    walk_elb_port_mismatch: "tls-elb",
        then(&ELB_ENVOY_CLEAR[..4], &[("elb-target-port", "no")])
        => "target-port-mismatch", Some("elb-target-port-mismatch");
    walk_elb_alb_health_check: "tls-elb",
        then(ELB_ENVOY_CLEAR, &[("elb-type", "alb"), ("elb-alb-protocol", "yes"), ("elb-alb-health-check", "no")])
        => "alb-health-check-protocol", Some("elb-health-check-protocol");
    walk_elb_nlb_protocol: "tls-elb",
        then(ELB_ENVOY_CLEAR, &[("elb-type", "nlb"), ("elb-nlb-protocol", "no")])
        => "nlb-target-protocol", Some("elb-target-protocol");
    walk_elb_nlb_proxy_protocol: "tls-elb",
        then(ELB_ENVOY_CLEAR, &[("elb-type", "nlb"), ("elb-nlb-protocol", "yes"),
            ("elb-nlb-health-check", "yes"), ("elb-nlb-proxy-protocol", "yes")])
        => "nlb-proxy-protocol-v2", None;
    walk_elb_settings_match: "tls-elb",
        then(ELB_ENVOY_CLEAR, &[("elb-type", "alb"), ("elb-alb-protocol", "yes"), ("elb-alb-health-check", "yes")])
        => "elb-settings-match", None;
    walk_elb_secret_pending: "tls-elb",
        vec![("elb-admin-interface", "yes"), ("elb-control-plane", "connected"), ("elb-listener-cert", "secret-pending")]
        => "secret-not-supplied", Some("tls-secret-not-supplied");
}

#[test]
fn walk_reaches_every_conclusion() {
    // Every conclusion must be the end of some walk from some symptom: validation
    // checks reachability, this checks that the walker follows the same edges.
    let tree = builtin();
    let mut reached = BTreeSet::new();
    for symptom in &tree.symptoms {
        for id in tree.reachable_from(&symptom.start) {
            if tree.conclusion(id).is_some() {
                reached.insert(id.to_owned());
            }
        }
    }
    let all: BTreeSet<String> = tree.conclusions().map(|c| c.id.clone()).collect();
    assert_eq!(reached, all);
}

/// Follows every answer of every step from `walker`'s current step, and returns the
/// number of complete walks. Checks on the way that each answer lowers the remaining
/// count and that every walk ends at a conclusion.
fn explore(walker: &Walker<'_>, depth: usize) -> usize {
    assert!(depth < 64, "walk deeper than the tree: {:?}", walker.to_fragment());
    let Some(step) = walker.current_step() else {
        assert!(
            walker.conclusion().is_some(),
            "walk stops without conclusion: {}",
            walker.to_fragment()
        );
        assert_eq!(walker.progress().remaining, 0);
        return 1;
    };
    let before = walker.progress();
    let mut walks = 0;
    for answer in &step.answers {
        let mut next = walker.clone();
        next.answer(&step.id, &answer.id).expect("answer is accepted");
        let after = next.progress();
        assert_eq!(after.answered, before.answered + 1, "{}", next.to_fragment());
        assert!(
            after.remaining < before.remaining,
            "{}: remaining did not drop",
            next.to_fragment()
        );
        walks += explore(&next, depth + 1);
    }
    walks
}

#[test]
fn walk_every_path_ends_at_conclusion() {
    for symptom in &builtin().symptoms {
        let walker = Walker::new(builtin(), &symptom.id).expect("symptom exists");
        let walks = explore(&walker, 0);
        assert!(walks >= 2, "{}: only {walks} walks", symptom.id);
    }
}

// ---------------------------------------------------------------------------------------
// Walker state: back, forward, changed answers, errors.

#[test]
fn walker_starts_at_symptom_start() {
    let walker = Walker::new(builtin(), "tls-elb").expect("symptom exists");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-admin-interface"));
    assert!(!walker.can_go_back());
    assert!(walker.conclusion().is_none());
    assert_eq!(walker.progress().answered, 0);
    assert_eq!(
        walker.progress().remaining,
        builtin().max_steps_to_conclusion("elb-admin-interface")
    );
}

#[test]
fn walker_equality_needs_same_tree() {
    let copy = builtin().clone();
    let on_builtin = Walker::new(builtin(), "tls-elb").expect("symptom exists");
    let on_copy = Walker::new(&copy, "tls-elb").expect("symptom exists");
    assert_ne!(on_builtin, on_copy, "a copy of the tree is another tree");

    let mut changed = on_builtin.clone();
    assert_eq!(changed, on_builtin);
    changed.answer("elb-admin-interface", "yes").expect("answer is accepted");
    assert_ne!(changed, on_builtin);
}

#[test]
fn walker_rejects_unknown_ids() {
    assert!(Walker::new(builtin(), "tls-everything").is_err());
    let mut walker = Walker::new(builtin(), "tls-elb").expect("symptom exists");
    assert!(walker.answer("elb-nowhere", "yes").is_err());
    assert!(walker.answer("elb-admin-interface", "maybe").is_err());
    assert_eq!(walker.progress().answered, 0);
}

#[test]
fn walker_back_and_forward() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..3]);
    assert_eq!(current_id(&walker).as_deref(), Some("elb-filter-chain"));
    assert!(walker.back());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-listener-cert"));
    assert!(walker.back());
    assert!(walker.back());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-admin-interface"));
    assert!(!walker.back(), "back at the first step must stay there");
    assert_eq!(walker.progress().answered, 3, "back keeps the answers");
    assert!(walker.forward());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-control-plane"));
    assert!(walker.forward());
    assert!(walker.forward());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-filter-chain"));
    assert!(!walker.forward(), "forward stops at the first unanswered step");
}

#[test]
fn walker_answering_after_back_moves_one_step() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..3]);
    walker.back();
    walker.back();
    assert_eq!(current_id(&walker).as_deref(), Some("elb-control-plane"));
    walker.answer("elb-control-plane", "connected").expect("answer is accepted");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-listener-cert"));
    assert_eq!(walker.progress().answered, 3);
}

#[test]
fn walker_answering_after_back_passes_evidence_steps() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..2]);
    walker.apply_evidence(["elb-target-port-mismatch"]);
    walker.answer("elb-listener-cert", "yes").expect("answer is accepted");
    walker.answer("elb-filter-chain", "no").expect("answer is accepted");
    assert_eq!(current_id(&walker).as_deref(), Some("target-port-mismatch"));

    // Back from the conclusion reaches the step that evidence answered.
    assert!(walker.back());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-target-port"));
    assert!(walker.back());
    assert!(walker.back());
    assert_eq!(current_id(&walker).as_deref(), Some("elb-listener-cert"));

    // Answering again shows the next step the person answered, not the evidence step.
    walker.answer("elb-listener-cert", "yes").expect("answer is accepted");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-filter-chain"));
    walker.answer("elb-filter-chain", "no").expect("answer is accepted");
    assert_eq!(current_id(&walker).as_deref(), Some("target-port-mismatch"));
}

#[test]
fn walker_change_keeps_answers_still_on_path() {
    // Answer the whole ELB walk down to the ALB branch, go back to the load balancer
    // type, switch to NLB, then back to ALB: the ALB answers return with the path.
    let answers = then(ELB_ENVOY_CLEAR, &[("elb-type", "alb"), ("elb-alb-protocol", "yes")]);
    let mut walker = walk(builtin(), "tls-elb", &answers);
    walker.answer("elb-type", "nlb").expect("answer is accepted");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-nlb-protocol"));
    let path: Vec<&str> = walker.path().iter().map(|given| given.step.id.as_str()).collect();
    assert_eq!(path.last(), Some(&"elb-type"));
    assert_eq!(path.len(), ELB_ENVOY_CLEAR.len() + 1, "earlier answers stay on the path");

    walker.answer("elb-type", "alb").expect("answer is accepted");
    let path: Vec<&str> = walker.path().iter().map(|given| given.step.id.as_str()).collect();
    assert_eq!(path.last(), Some(&"elb-alb-protocol"), "the ALB answer applies again");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-alb-protocol"));
}

#[test]
fn walker_change_drops_answers_off_path() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..4]);
    walker.back();
    walker.back();
    walker.back();
    assert_eq!(current_id(&walker).as_deref(), Some("elb-control-plane"));
    walker.answer("elb-control-plane", "disconnected").expect("answer is accepted");
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("control-plane-disconnected"));
    assert_eq!(walker.progress().answered, 2, "later answers leave the path");
    assert!(walker.given_answer("elb-listener-cert").is_some(), "but are kept by step id");
}

#[test]
fn walker_clear_answer_reopens_step() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..3]);
    walker.clear_answer("elb-control-plane");
    assert_eq!(current_id(&walker).as_deref(), Some("elb-control-plane"));
    assert_eq!(walker.progress().answered, 1);
}

#[test]
fn walker_restart_forgets_person_answers() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..3]);
    walker.restart();
    assert_eq!(current_id(&walker).as_deref(), Some("elb-admin-interface"));
    assert_eq!(walker.progress().answered, 0);
}

#[test]
fn walker_progress_counts_longest_remaining_path() {
    let tree = builtin();
    let mut walker = Walker::new(tree, "tls-between-proxies").expect("symptom exists");
    let before = walker.progress();
    walker.answer("proxies-admin-interface", "admin").expect("answer is accepted");
    let after = walker.progress();
    assert_eq!(after.answered, 1);
    assert_eq!(after.remaining, tree.max_steps_to_conclusion("proxies-term-cert-chain"));
    assert!(after.remaining < before.remaining);
    // term-cert-chain, term-counters, term-mode is shorter than the way through the
    // originating side: cert-chain, counters, orig-ca-cert, client-policy.
    assert_eq!(after.remaining, 4);
}

// ---------------------------------------------------------------------------------------
// Evidence answers.

#[test]
fn evidence_answers_steps_and_moves_frontier() {
    let mut walker = Walker::new(builtin(), "tls-client-policy").expect("symptom exists");
    let answered = walker.apply_evidence(["conn-control-plane-disconnected"]);
    assert_eq!(answered, 2, "admin interface and control plane");
    // The compute environment has no evidence, so the person answers it first.
    assert_eq!(current_id(&walker).as_deref(), Some("cp-compute-environment"));
    walker.answer("cp-compute-environment", "yes").expect("answer is accepted");
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("control-plane-disconnected"));
    assert_eq!(
        current_id(&walker).as_deref(),
        Some("control-plane-disconnected"),
        "the step that evidence answered is passed over"
    );
    let given = walker.given_answer("cp-control-plane").expect("answered");
    assert_eq!(
        given.source,
        AnswerSource::Evidence { code: "conn-control-plane-disconnected".to_owned() }
    );
    assert_eq!(given.answer.id, "disconnected");
}

#[test]
fn evidence_is_overridden_by_person() {
    let mut walker = Walker::new(builtin(), "originating-tls").expect("symptom exists");
    walker.apply_evidence(["tls-app-originates-tls"]);
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("app-originates-tls"));
    walker.answer("orig-app-tls", "no").expect("answer is accepted");
    let given = walker.given_answer("orig-app-tls").expect("answered");
    assert_eq!(given.source, AnswerSource::Person);
    assert_eq!(current_id(&walker).as_deref(), Some("cp-admin-interface"));
    walker.clear_answer("orig-app-tls");
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("app-originates-tls"));
}

#[test]
fn evidence_from_response_body_skips_debug_logging() {
    // A 503 body that carries `TLS error: Secret is not supplied by SDS` shows the TLS
    // error without debug logging.
    let mut walker = walk(builtin(), "tls-client-policy", &CONNECTIVITY_CLEAR[..10]);
    walker.apply_evidence(["tls-secret-not-supplied"]);
    let debug = walker.given_answer("cp-debug-logging").expect("answered by evidence");
    assert_eq!(debug.answer.id, "error-shown");
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("secret-not-supplied"));
    assert_eq!(walker.progress().answered, 12);
}

#[test]
fn evidence_first_rule_wins() {
    let mut walker = Walker::new(builtin(), "tls-client-policy").expect("symptom exists");
    walker.apply_evidence(["tls-verify-failed", "tls-secret-not-supplied"]);
    let given = walker.given_answer("cp-tls-error").expect("answered");
    assert_eq!(given.answer.id, "secret-not-supplied");
}

#[test]
fn evidence_verify_failed_alone_asks_for_cause() {
    let mut walker = walk(builtin(), "tls-client-policy", &CONNECTIVITY_CLEAR[..10]);
    walker.apply_evidence(["tls-verify-failed"]);
    assert_eq!(current_id(&walker).as_deref(), Some("cp-verify-detail"));
    walker.apply_evidence(["tls-verify-failed", "tls-san-mismatch"]);
    assert_eq!(walker.conclusion().map(|c| c.id.as_str()), Some("san-mismatch"));
}

#[test]
fn evidence_scope_separates_listener_and_cluster() {
    let mut walker = Walker::new(builtin(), "tls-between-proxies").expect("symptom exists");
    walker.answer("proxies-admin-interface", "statsd-only").expect("answer is accepted");
    walker.apply_evidence([("tls-in-use", Scope::Listener), ("tls-not-in-use", Scope::Cluster)]);
    let term = walker.given_answer("proxies-term-counters").expect("listener answered");
    assert_eq!(term.answer.id, "tls");
    let orig = walker.given_answer("proxies-orig-counters").expect("cluster answered");
    assert_eq!(orig.answer.id, "not-tls");

    walker.apply_evidence([("tls-in-use", Scope::Listener), ("tls-not-in-use", Scope::Listener)]);
    let term = walker.given_answer("proxies-term-counters").expect("listener answered");
    assert_eq!(term.answer.id, "not-tls", "plaintext beside TLS takes the not-TLS answer");

    walker.apply_evidence(["tls-in-use"]);
    assert!(
        walker.given_answer("proxies-term-counters").is_none(),
        "a code without a side does not answer a step that needs one"
    );
}

#[test]
fn evidence_replaced_on_reapply() {
    let mut walker = Walker::new(builtin(), "tls-elb").expect("symptom exists");
    walker.apply_evidence(["elb-target-port-mismatch"]);
    assert!(walker.given_answer("elb-target-port").is_some());
    walker.apply_evidence(Vec::<String>::new());
    assert!(walker.given_answer("elb-target-port").is_none());
}

// ---------------------------------------------------------------------------------------
// URL fragments.

#[test]
fn fragment_round_trip_keeps_step_and_sources() {
    let mut walker = walk(builtin(), "tls-elb", &ELB_ENVOY_CLEAR[..4]);
    walker.apply_evidence(["elb-target-port-mismatch"]);
    walker.back();
    let fragment = walker.to_fragment();
    assert_eq!(
        fragment,
        "s=tls-elb\
         &a=elb-admin-interface:yes,elb-control-plane:connected,elb-filter-chain:no,elb-listener-cert:yes\
         &e=elb-target-port:no:elb-target-port-mismatch\
         &at=elb-target-port"
    );
    let (restored, warnings) = Walker::from_fragment(builtin(), &format!("#{fragment}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let restored = restored.expect("walker restored");
    assert_eq!(restored, walker);
    assert_eq!(current_id(&restored).as_deref(), Some("elb-target-port"));
    assert_eq!(restored.conclusion().map(|c| c.id.as_str()), Some("target-port-mismatch"));
}

#[test]
fn fragment_round_trip_at_conclusion() {
    let answers = then(
        CONNECTIVITY_CLEAR,
        &[("cp-tls-error", "verify-failed"), ("cp-verify-detail", "expired")],
    );
    let walker = walk(builtin(), "tls-client-policy", &answers);
    let (restored, warnings) = Walker::from_fragment(builtin(), &walker.to_fragment());
    assert!(warnings.is_empty(), "{warnings:?}");
    let restored = restored.expect("walker restored");
    assert_eq!(restored.conclusion().map(|c| c.id.as_str()), Some("cert-expired"));
}

#[test]
fn fragment_percent_escapes_decode() {
    let (walker, warnings) = Walker::from_fragment(
        builtin(),
        "s=tls-elb&a=elb-admin-interface%3Ayes%2Celb-control-plane%3Aconnected",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(walker.expect("walker restored").progress().answered, 2);
}

macro_rules! broken_fragments {
    ($($name:ident: $fragment:literal => walker $has_walker:literal, answered $answered:literal, warnings $warnings:literal;)*) => {$(
        #[test]
        fn $name() {
            let (walker, warnings) = Walker::from_fragment(builtin(), $fragment);
            assert_eq!(walker.is_some(), $has_walker, "walker presence");
            assert_eq!(warnings.len(), $warnings, "warnings: {warnings:?}");
            if let Some(walker) = walker {
                assert_eq!(walker.progress().answered, $answered);
            }
            for warning in &warnings {
                assert!(!warning.message.is_empty());
                assert!(warning.to_string().contains(&warning.part));
            }
        }
    )*};
}

broken_fragments! {
    fragment_empty: "" => walker false, answered 0, warnings 1;
    fragment_unknown_symptom: "s=tls-everything&a=elb-type:alb" => walker false, answered 0, warnings 1;
    fragment_unknown_step: "s=tls-elb&a=elb-admin-interface:yes,elb-nowhere:yes" => walker true, answered 1, warnings 1;
    fragment_unknown_answer: "s=tls-elb&a=elb-admin-interface:perhaps" => walker true, answered 0, warnings 1;
    fragment_step_of_other_symptom: "s=tls-elb&a=orig-app-tls:yes" => walker true, answered 0, warnings 1;
    fragment_missing_colon: "s=tls-elb&a=elb-admin-interface" => walker true, answered 0, warnings 1;
    fragment_unknown_key: "s=tls-elb&x=1&a=elb-admin-interface:yes" => walker true, answered 1, warnings 1;
    fragment_part_without_value: "s=tls-elb&junk" => walker true, answered 0, warnings 1;
    fragment_repeated_symptom: "s=tls-elb&s=originating-tls" => walker true, answered 0, warnings 1;
    fragment_evidence_without_rule: "s=tls-elb&e=elb-type:alb:tls-in-use" => walker true, answered 0, warnings 1;
    fragment_evidence_too_short: "s=tls-elb&e=elb-target-port:no" => walker true, answered 0, warnings 1;
    fragment_cursor_off_path: "s=tls-elb&a=elb-admin-interface:yes&at=elb-type" => walker true, answered 1, warnings 1;
    fragment_bad_escape: "s=tls-elb&a=elb-admin-interface%3" => walker true, answered 0, warnings 1;
    fragment_not_utf8_escape: "s=tls-elb&a=%FF%FE" => walker true, answered 0, warnings 1;
    fragment_step_answered_twice: "s=tls-elb&a=elb-admin-interface:no,elb-admin-interface:yes" => walker true, answered 1, warnings 1;
    fragment_only_separators: "&&&,,," => walker false, answered 0, warnings 2;
}

#[test]
fn fragment_garbage_never_panics() {
    let samples = [
        "#",
        "=",
        "s=",
        "s==",
        "a=:,:",
        "s=tls-elb&a=::::",
        "s=tls-elb&at=",
        "%",
        "%%%%",
        "s=tls-elb&e=:::",
    ];
    for sample in samples {
        let (walker, _) = Walker::from_fragment(builtin(), sample);
        if let Some(walker) = walker {
            let _ = walker.to_fragment();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Validation of broken trees.

fn problems_of(json: &str) -> Vec<(ProblemKind, String)> {
    let tree = Tree::from_json(json).expect("fixture parses");
    tree.validate_with(&known_names())
        .into_iter()
        .map(|problem| (problem.kind, problem.id))
        .collect()
}

macro_rules! broken_trees {
    ($($name:ident: $file:literal => [$(($kind:ident, $id:literal)),* $(,)?];)*) => {$(
        #[test]
        fn $name() {
            let found = problems_of(include_str!(concat!("fixtures/tree/broken/", $file)));
            let expected: Vec<(ProblemKind, String)> = vec![$((ProblemKind::$kind, $id.to_owned())),*];
            for problem in &expected {
                assert!(found.contains(problem), "{problem:?} not reported; found {found:?}");
            }
            assert_eq!(found.len(), expected.len(), "unexpected problems: {found:?}");
        }
    )*};
}

broken_trees! {
    broken_cycle: "cycle.json" => [(Cycle, "second")];
    broken_dangling_next: "dangling-next.json" => [(DanglingNext, "first")];
    broken_duplicate_ids: "duplicate-id.json" => [
        (DuplicateId, "tls-elb"), (DuplicateId, "done"), (DuplicateId, "first"),
    ];
    broken_conclusion_without_anchor: "conclusion-without-anchor.json" => [
        (MissingAnchor, "page-only"), (MissingAnchor, "absolute-only"),
    ];
    broken_unreachable_and_dead_end: "unreachable-and-dead-end.json" => [
        (DeadEnd, "stuck"), (Unreachable, "orphan"),
    ];
    broken_unknown_names: "unknown-names.json" => [
        (UnknownAnchor, "first"), (UnknownAnchor, "done"), (UnknownFindingCode, "first"),
        (UnknownFindingCode, "done"), (UnknownRuleAnswer, "first"), (BadEscalation, "done"),
    ];
    broken_ids_and_escalation: "bad-ids-and-escalation.json" => [
        (InvalidId, "TLS ELB"), (InvalidId, "first"), (BadEscalation, "done"),
    ];
}

#[test]
fn broken_tree_rejected_by_parse() {
    let error = Tree::from_json(r#"{"version": 1, "symptoms": [], "nodes": [{"kind": "maybe"}]}"#)
        .expect_err("unknown node kind");
    assert!(error.to_string().contains("line 1"), "{error}");
}

#[test]
fn broken_tree_without_symptoms() {
    let tree = Tree::from_json(r#"{"version": 1, "symptoms": [], "nodes": []}"#).expect("parses");
    let kinds: Vec<ProblemKind> = tree.validate().into_iter().map(|problem| problem.kind).collect();
    assert_eq!(kinds, [ProblemKind::NoSymptoms]);
}

#[test]
fn broken_tree_walk_stops_at_cycle() {
    let tree = Tree::from_json(include_str!("fixtures/tree/broken/cycle.json")).expect("parses");
    let mut walker = Walker::new(&tree, "tls-elb").expect("symptom exists");
    walker.answer("first", "yes").expect("answer is accepted");
    walker.answer("second", "again").expect("answer is accepted");
    assert!(walker.frontier().is_none(), "a walk around a cycle has no frontier");
    assert!(walker.conclusion().is_none());
    assert_eq!(walker.progress().answered, 2);
    assert!(walker.current().is_none(), "a walk around a cycle has no step to show");
    assert!(tree.max_steps_to_conclusion("first") >= 1);
}

#[test]
fn broken_tree_node_kinds_parse() {
    let tree =
        Tree::from_json(include_str!("fixtures/tree/broken/dangling-next.json")).expect("parses");
    assert!(matches!(tree.node("first"), Some(Node::Step(_))));
    assert!(matches!(tree.node("done"), Some(Node::Conclusion(_))));
    assert!(tree.node("nowhere").is_none());
}
