//! Evidence that rules a cause out answers the step that asks about it:
//! `control_plane.connected_state: 1` answers "is Envoy connected" and shows
//! that the admin interface answered, so the walk does not ask either.

use meshtls_engine::diagnosis::{diagnose, Diagnosis, Input, Options};
use meshtls_engine::tree::{AnswerSource, EvidenceCode, Scope, Tree, Walker};

fn diagnosis_of(pastes: &[(&str, &str)]) -> Diagnosis {
    let inputs: Vec<Input> = pastes.iter().map(|(name, text)| Input::parse(name, text)).collect();
    diagnose(&inputs, &Options::default())
}

fn walker(symptom: &str, diagnosis: &Diagnosis) -> Walker<'static> {
    let tree = Tree::builtin().expect("the built-in tree loads");
    let mut walker = Walker::new(tree, symptom).expect("symptom exists");
    walker.apply_evidence(EvidenceCode::from_diagnosis(diagnosis));
    walker
}

fn answer_of(walker: &Walker<'_>, step: &str) -> Option<(String, AnswerSource)> {
    walker.given_answer(step).map(|given| (given.answer.id.clone(), given.source))
}

fn ruled_out_source() -> AnswerSource {
    AnswerSource::Evidence { code: "conn-control-plane-disconnected".to_string() }
}

/// Each symptom whose walk asks about the control plane, with the steps a
/// connected Envoy answers and the answers it gives.
const CONNECTED: [(&str, &[(&str, &str)]); 3] = [
    ("tls-client-policy", &[("cp-admin-interface", "yes"), ("cp-control-plane", "connected")]),
    ("tls-elb", &[("elb-admin-interface", "yes"), ("elb-control-plane", "connected")]),
    ("tls-between-proxies", &[("proxies-admin-interface", "admin")]),
];

#[test]
fn connected_state_answers_control_plane_steps() {
    let diagnosis = diagnosis_of(&[("cp-connected.txt", "control_plane.connected_state: 1\n")]);
    for (symptom, steps) in CONNECTED {
        let walker = walker(symptom, &diagnosis);
        for (step, answer) in steps {
            assert_eq!(
                answer_of(&walker, step),
                Some((answer.to_string(), ruled_out_source())),
                "{symptom}: step {step}"
            );
        }
    }
}

#[test]
fn connected_state_moves_walk_past_control_plane() {
    let diagnosis = diagnosis_of(&[("cp-connected.txt", "control_plane.connected_state: 1\n")]);
    let mut walker = walker("tls-client-policy", &diagnosis);
    // The compute environment has no evidence, so the person answers it first.
    let first = walker.current_step().map(|step| step.id.clone());
    assert_eq!(first.as_deref(), Some("cp-compute-environment"));
    walker.answer("cp-compute-environment", "yes").expect("answer is accepted");
    let next = walker.current_step().map(|step| step.id.clone());
    assert_eq!(next.as_deref(), Some("cp-config-rejected"));
}

#[test]
fn disconnected_envoy_wins_over_connected_one() {
    let diagnosis = diagnosis_of(&[
        ("cp-connected.txt", "control_plane.connected_state: 1\n"),
        ("cp-disconnected.txt", "control_plane.connected_state: 0\n"),
    ]);
    let walker = walker("tls-client-policy", &diagnosis);
    let (answer, _) = answer_of(&walker, "cp-control-plane").expect("answered");
    assert_eq!(answer, "disconnected");
}

#[test]
fn finding_code_does_not_match_ruled_out_rule() {
    let tree = Tree::builtin().expect("the built-in tree loads");
    let mut walker = Walker::new(tree, "tls-client-policy").expect("symptom exists");
    walker.apply_evidence(["conn-control-plane-disconnected"]);
    let (answer, _) = answer_of(&walker, "cp-control-plane").expect("answered");
    assert_eq!(answer, "disconnected");
}

#[test]
fn nothing_ruled_out_answers_nothing() {
    let diagnosis = diagnosis_of(&[("notes.txt", "nothing an Envoy printed\n")]);
    let walker = walker("tls-client-policy", &diagnosis);
    assert_eq!(answer_of(&walker, "cp-control-plane"), None);
    assert_eq!(answer_of(&walker, "cp-admin-interface"), None);
}

/// A finding's subject names the side it was seen on, so the tree's steps
/// that ask about one side (the listener terminating TLS, the cluster
/// originating it) take the answer from that side's counters only.
#[test]
fn finding_subject_answers_its_side() {
    let listener_plain = concat!(
        "listener.0.0.0.0_15000.downstream_cx_total: 50\n",
        "listener.0.0.0.0_15000.ssl.handshake: 0\n",
        "listener.0.0.0.0_15000.ssl.session_reused: 0\n",
        "listener.0.0.0.0_15000.ssl.connection_error: 0\n",
    );
    let diagnosis = diagnosis_of(&[("listener.txt", listener_plain)]);
    let codes = EvidenceCode::from_diagnosis(&diagnosis);
    let not_in_use = codes.iter().find(|c| c.code == "tls-not-in-use");
    assert_eq!(not_in_use.and_then(|c| c.scope), Some(Scope::Listener), "{codes:?}");

    let walker = walker("tls-between-proxies", &diagnosis);
    let tls_not_in_use = AnswerSource::Evidence { code: "tls-not-in-use".to_string() };
    assert_eq!(
        answer_of(&walker, "proxies-term-counters"),
        Some(("not-tls".to_string(), tls_not_in_use)),
    );
    assert_eq!(answer_of(&walker, "proxies-orig-counters"), None, "no cluster counters were given");
}
