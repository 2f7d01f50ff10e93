//! A report of the page carries the conclusion of the walk and the answers
//! given. With a verification failure in the log, the findings alone conclude
//! `tls-verify-failed`; the person's answer `unknown-issuer` leads the walk to
//! `tls-untrusted-ca`, and the Markdown and JSON reports must say the same.

use meshtls_engine::diagnosis::report::{self, WalkOutcome};
use meshtls_engine::diagnosis::{diagnose, Code, Diagnosis, Input, Options, Symptom};
use meshtls_engine::tree::{Tree, Walker};

/// The person's answer to each step of `tls-client-policy` on the way to the
/// untrusted CA conclusion; steps that evidence answers are passed over.
const ANSWERS: [(&str, &str); 13] = [
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
    ("cp-debug-logging", "error-shown"),
    ("cp-tls-error", "verify-failed"),
    ("cp-verify-detail", "unknown-issuer"),
];

/// Returns a `/stats` paste of the client Envoy and a debug log line with the
/// verification failure.
fn inputs() -> Vec<Input> {
    let path =
        format!("{}/tests/fixtures/two_envoys/stats-envoy-a.txt", env!("CARGO_MANIFEST_DIR"));
    let stats = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let log = "[2025-04-15 21:45:11.169][15][debug][connection] \
               [source/common/tls/ssl_socket.cc:248] [Tags: \"ConnectionId\":\"2\"] remote \
               address:10.20.30.40:443,TLS_error:|268435581:SSL routines:OPENSSL_internal:\
               CERTIFICATE_VERIFY_FAILED:TLS_error_end\n";
    vec![Input::parse("stats-envoy-a.txt", &stats), Input::parse("envoy.log", log)]
}

fn walk_to_conclusion(diagnosis: &Diagnosis) -> WalkOutcome {
    let tree = Tree::builtin().expect("the built-in tree loads");
    let mut walker = Walker::new(tree, Symptom::TlsClientPolicy.as_str()).expect("symptom");
    walker.apply_evidence(diagnosis.codes().iter().map(|code| code.as_str()));
    for _ in 0..ANSWERS.len() {
        let Some(step) = walker.current_step() else { break };
        let (_, answer) = ANSWERS
            .iter()
            .find(|(id, _)| *id == step.id)
            .unwrap_or_else(|| panic!("no answer for step {}", step.id));
        walker.answer(&step.id.clone(), answer).expect("answer is accepted");
    }
    let conclusion = walker.conclusion().expect("the walk reaches a conclusion");
    WalkOutcome::new(conclusion, &walker.path())
}

fn unchanged(text: &str) -> String {
    text.to_string()
}

#[test]
fn findings_alone_conclude_verify_failed() {
    let diagnosis = diagnose(&inputs(), &Options::default());
    assert_eq!(diagnosis.conclusion, Some(Code::TlsVerifyFailed), "{:?}", diagnosis.codes());
}

#[test]
fn walk_outcome_lists_answers() {
    let diagnosis = diagnose(&inputs(), &Options::default());
    let walk = walk_to_conclusion(&diagnosis);
    assert_eq!(walk.code, "tls-untrusted-ca");
    let last = walk.answers.last().expect("answers");
    assert_eq!((last.step.as_str(), last.answer.as_str()), ("cp-verify-detail", "unknown-issuer"));
    assert_eq!(last.answered_by, None, "the person chose the last answer");
    let by_evidence = walk.answers.iter().find(|given| given.step == "cp-tls-error");
    assert!(by_evidence.is_some(), "{:?}", walk.answers);
}

#[test]
fn markdown_carries_walk_conclusion() {
    let inputs = inputs();
    let diagnosis = diagnose(&inputs, &Options::default());
    let walk = walk_to_conclusion(&diagnosis);
    let markdown = report::to_markdown_with_walk(&inputs, &diagnosis, &walk, &unchanged);

    let first_lines: Vec<&str> = markdown.lines().take(3).collect();
    assert!(
        first_lines.iter().any(|line| line.starts_with("**Conclusion:** `tls-untrusted-ca`")),
        "{markdown}"
    );
    assert!(!markdown.contains("**Conclusion:** `tls-verify-failed`"), "{markdown}");
    assert!(markdown.contains("The evidence alone ranks `tls-verify-failed` first"), "{markdown}");
    assert!(markdown.contains("## Answers"), "{markdown}");
    let detail_question = walk.answers.last().map(|given| given.question.clone());
    assert!(markdown.contains(&detail_question.unwrap_or_default()), "{markdown}");
    // The findings are still all there.
    assert!(markdown.contains("### `tls-verify-failed`"), "{markdown}");
}

#[test]
fn json_carries_walk_conclusion() {
    let inputs = inputs();
    let diagnosis = diagnose(&inputs, &Options::default());
    let walk = walk_to_conclusion(&diagnosis);
    let value = report::to_json_with_walk(&inputs, &diagnosis, &walk, &unchanged);

    assert_eq!(value["conclusion"], "tls-untrusted-ca");
    assert_eq!(value["evidence_conclusion"], "tls-verify-failed");
    assert_eq!(value["walk"]["code"], "tls-untrusted-ca");
    let answers = value["walk"]["answers"].as_array().expect("answers array");
    assert_eq!(answers.len(), walk.answers.len());
    let last = answers.last().expect("an answer");
    assert_eq!(last["step"], "cp-verify-detail");
    assert_eq!(last["answer"], "unknown-issuer");
}

#[test]
fn json_walk_is_redacted() {
    let inputs = inputs();
    let diagnosis = diagnose(&inputs, &Options::default());
    let walk = walk_to_conclusion(&diagnosis);
    let redact = |text: &str| text.replace("10.20.30.40", "<ip-1>");
    let json = report::to_json_with_walk(&inputs, &diagnosis, &walk, &redact).to_string();
    assert!(!json.contains("10.20.30.40"), "{json}");
    assert!(json.contains("<ip-1>"), "{json}");
}
