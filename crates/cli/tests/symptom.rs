//! `--symptom` does what choosing a symptom does on the page: the engine gets the
//! symptom in its `Options` (the page builds them in src/state.rs), and the walk
//! through the tree starts from the symptom's first step with the answers the
//! findings give (`Walker::apply_evidence` with `EvidenceCode::from_diagnosis`).
//! Each test runs the binary and compares with the engine driven like the page.

use std::path::PathBuf;
use std::process::Command;

use meshtls_engine::diagnosis::{self, Diagnosis, Input, Options, Symptom};
use meshtls_engine::evidence::timestamp;
use meshtls_engine::tree::{AnswerSource, EvidenceCode, Tree, Walker};
use serde_json::Value;

/// The day the cases were collected; expiry checks need a fixed "now".
const NOW: &str = "2026-12-04T00:00:00Z";

fn case_files(folder: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../engine/tests/fixtures/cases")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    files
}

fn meshtls_json(symptom: Option<Symptom>, files: &[PathBuf]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meshtls"));
    command.args(["diagnose", "--format", "json", "--now", NOW]);
    if let Some(symptom) = symptom {
        command.args(["--symptom", symptom.as_str()]);
    }
    let output = command.args(files).output().expect("meshtls runs");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("not JSON ({error}): {}", String::from_utf8_lossy(&output.stderr))
    })
}

/// Diagnoses `files` with the `Options` the page builds for a chosen symptom.
fn page_diagnosis(symptom: Symptom, files: &[PathBuf]) -> Diagnosis {
    let inputs: Vec<Input> = files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("case file");
            Input::from_bytes(&path.display().to_string(), &bytes)
        })
        .collect();
    let now = timestamp::parse(NOW).expect("NOW parses").seconds;
    let options = Options { now, host: None, symptom: Some(symptom), trust_bundle: Vec::new() };
    diagnosis::diagnose(&inputs, &options)
}

/// Returns `(step, answer, answered_by)` for each answered step and the id of the
/// node where the page's walk stops.
fn page_walk(symptom: Symptom, diagnosis: &Diagnosis) -> (Vec<(String, String, String)>, String) {
    let tree = Tree::builtin().expect("the built-in tree loads");
    let mut walker = Walker::new(tree, symptom.as_str()).expect("symptom is in the tree");
    walker.apply_evidence(EvidenceCode::from_diagnosis(diagnosis));
    let answers = walker
        .path()
        .iter()
        .map(|given| {
            let by = match &given.source {
                AnswerSource::Evidence { code } => code.clone(),
                AnswerSource::Person => String::new(),
            };
            (given.step.id.clone(), given.answer.id.clone(), by)
        })
        .collect();
    let end = match walker.conclusion() {
        Some(conclusion) => conclusion.finding_code.clone().unwrap_or(conclusion.id.clone()),
        None => walker.current_step().expect("a step or a conclusion").id.clone(),
    };
    (answers, end)
}

fn cli_walk(json: &Value) -> (Vec<(String, String, String)>, String) {
    let walk = &json["walk"];
    let answers = walk["answers"]
        .as_array()
        .expect("walk.answers")
        .iter()
        .map(|given| {
            let text = |key: &str| given[key].as_str().unwrap_or_default().to_string();
            (text("step"), text("answer"), text("answered_by"))
        })
        .collect();
    let end = match walk["next_step"]["step"].as_str() {
        Some(step) => step.to_string(),
        None => walk["code"].as_str().expect("walk.code of a concluded walk").to_string(),
    };
    (answers, end)
}

fn codes_and_details(findings: &Value) -> Vec<(String, Vec<String>)> {
    findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            let details = finding["details"]
                .as_array()
                .expect("details")
                .iter()
                .map(|detail| detail.as_str().expect("detail").to_string())
                .collect();
            (finding["code"].as_str().expect("code").to_string(), details)
        })
        .collect()
}

/// Cases where the findings answer steps, and one where they reach a conclusion.
const CASES: [&str; 4] = [
    "01-appmesh-app-originates-tls",
    "09-istio-gateway-malformed-pem-secret-rejected",
    "11-appmesh-certs-ca-cert-empty-no-backend",
    "23-contour-envoy17-healthy-tls-stats-control",
];

#[test]
fn symptom_findings_match_page_options() {
    for case in CASES {
        let files = case_files(case);
        for symptom in Symptom::ALL {
            let json = meshtls_json(Some(symptom), &files);
            let page = serde_json::to_value(&page_diagnosis(symptom, &files).findings).unwrap();
            assert_eq!(
                codes_and_details(&json["findings"]),
                codes_and_details(&page),
                "{case} --symptom {symptom}"
            );
        }
    }
}

#[test]
fn symptom_walk_matches_page_walk() {
    for case in CASES {
        let files = case_files(case);
        for symptom in Symptom::ALL {
            let json = meshtls_json(Some(symptom), &files);
            assert_eq!(json["walk"]["symptom"], symptom.as_str(), "{case} --symptom {symptom}");
            let expected = page_walk(symptom, &page_diagnosis(symptom, &files));
            assert_eq!(cli_walk(&json), expected, "{case} --symptom {symptom}");
        }
    }
}

#[test]
fn concluded_walk_sets_conclusion() {
    let files = case_files("01-appmesh-app-originates-tls");
    let json = meshtls_json(Some(Symptom::OriginatingTls), &files);
    assert_eq!(json["walk"]["code"], "tls-app-originates-tls");
    assert_eq!(json["conclusion"], "tls-app-originates-tls");
    assert!(json["walk"]["answers"][0]["answered_by"].is_string(), "{}", json["walk"]);
    assert!(json.get("evidence_conclusion").is_some());
}

#[test]
fn stopped_walk_names_next_question() {
    let files = case_files("23-contour-envoy17-healthy-tls-stats-control");
    let json = meshtls_json(Some(Symptom::TlsBetweenProxies), &files);
    let next = &json["walk"]["next_step"];
    assert_eq!(next["step"], "proxies-term-cert-chain");
    assert!(next["question"].as_str().is_some_and(|text| !text.is_empty()));
    assert!(next["answers"].as_array().is_some_and(|answers| answers.len() >= 2));
    assert_eq!(json["walk"]["answers"][0]["answered_by"], "tls-in-use");
}

#[test]
fn no_symptom_means_no_walk() {
    let json = meshtls_json(None, &case_files("23-contour-envoy17-healthy-tls-stats-control"));
    assert!(json.get("walk").is_none());
    assert!(json.get("evidence_conclusion").is_none());
}

#[test]
fn symptom_walk_in_text_output() {
    let files = case_files("01-appmesh-app-originates-tls");
    let output = Command::new(env!("CARGO_BIN_EXE_meshtls"))
        .args(["diagnose", "--now", NOW, "--symptom", "originating-tls"])
        .args(&files)
        .output()
        .expect("meshtls runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Walk for --symptom originating-tls:"), "{text}");
    assert!(text.contains("Conclusion of the walk: tls-app-originates-tls"), "{text}");
}

#[test]
fn help_says_what_symptom_changes() {
    let output = Command::new(env!("CARGO_BIN_EXE_meshtls")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("decision tree"), "{help}");
    assert!(help.contains("next steps"), "{help}");
}
