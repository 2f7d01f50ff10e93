//! The walk through the decision tree that `--symptom` starts. It is the walk the
//! page starts when a person chooses a symptom: every step that a finding answers
//! is passed, and the walk stops at the first question left to the person or at a
//! conclusion.

use std::fmt::Write as _;

use meshtls_engine::diagnosis::report::{WalkAnswer, WalkOutcome};
use meshtls_engine::diagnosis::{Diagnosis, Symptom};
use meshtls_engine::tree::{EvidenceCode, GivenAnswer, Step, Tree, Walker};
use serde::Serialize;
use serde_json::{json, Value};

/// The end of the walk for one symptom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Walk {
    /// The findings answered every step up to a conclusion.
    Concluded { symptom: Symptom, outcome: WalkOutcome },
    /// The walk stopped at `next`, a question the evidence does not answer.
    Stopped { symptom: Symptom, answers: Vec<WalkAnswer>, next: NextQuestion },
}

/// The first step of the walk that the person has to answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextQuestion {
    /// The step's id in the tree.
    pub step: String,
    pub title: String,
    pub question: String,
    /// The answers the page offers for the step.
    pub answers: Vec<NextAnswer>,
}

/// One answer the page offers for a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextAnswer {
    pub answer: String,
    pub label: String,
}

/// Walks the built-in tree for `symptom`, answering steps from `diagnosis` the
/// way the page does (`EvidenceCode::from_diagnosis`, then `apply_evidence`).
pub fn walk(symptom: Symptom, diagnosis: &Diagnosis) -> Result<Walk, String> {
    let tree = Tree::builtin().map_err(|error| format!("the built-in tree is invalid: {error}"))?;
    let mut walker = Walker::new(tree, symptom.as_str())
        .map_err(|error| format!("the built-in tree has no walk for `{symptom}`: {error}"))?;
    walker.apply_evidence(EvidenceCode::from_diagnosis(diagnosis));
    let path = walker.path();
    if let Some(conclusion) = walker.conclusion() {
        return Ok(Walk::Concluded { symptom, outcome: WalkOutcome::new(conclusion, &path) });
    }
    let step = walker.current_step().ok_or_else(|| {
        format!("the walk for `{symptom}` ends at neither a step nor a conclusion")
    })?;
    Ok(Walk::Stopped { symptom, answers: answers(&path), next: next_question(step) })
}

fn answers(path: &[GivenAnswer<'_>]) -> Vec<WalkAnswer> {
    path.iter().map(WalkAnswer::from_given).collect()
}

fn next_question(step: &Step) -> NextQuestion {
    NextQuestion {
        step: step.id.clone(),
        title: step.title.clone(),
        question: step.question.clone(),
        answers: step
            .answers
            .iter()
            .map(|answer| NextAnswer { answer: answer.id.clone(), label: answer.label.clone() })
            .collect(),
    }
}

impl Walk {
    /// Returns the `walk` member of the JSON output. A concluded walk also sets
    /// `conclusion` (see `report::to_json_with_walk`); this object adds the symptom.
    pub fn to_json(&self) -> Value {
        match self {
            Walk::Concluded { symptom, outcome } => {
                let mut value = json!(outcome);
                if let Some(map) = value.as_object_mut() {
                    map.insert("symptom".to_string(), json!(symptom));
                }
                value
            }
            Walk::Stopped { symptom, answers, next } => json!({
                "symptom": symptom,
                "answers": answers,
                "next_step": next,
            }),
        }
    }

    /// Renders the walk as text, for the end of the text report.
    pub fn to_text(&self) -> String {
        let (symptom, answers) = match self {
            Walk::Concluded { symptom, outcome } => (symptom, &outcome.answers),
            Walk::Stopped { symptom, answers, .. } => (symptom, answers),
        };
        let mut out = format!("\nWalk for --symptom {symptom}:\n");
        if answers.is_empty() {
            out.push_str("  No step is answered by the findings.\n");
        }
        for given in answers {
            let by = match &given.answered_by {
                Some(code) => format!(" (from {code})"),
                None => String::new(),
            };
            let _ = writeln!(out, "  - {} {}{by}", given.question, given.label);
        }
        match self {
            Walk::Concluded { outcome, .. } => {
                let _ =
                    writeln!(out, "  Conclusion of the walk: {}: {}", outcome.code, outcome.title);
                let _ = writeln!(out, "  {}", outcome.cause);
            }
            Walk::Stopped { next, .. } => {
                let _ = writeln!(
                    out,
                    "  Next question ({}), which the evidence does not answer: {}",
                    next.step, next.question
                );
                for answer in &next.answers {
                    let _ = writeln!(out, "      {}: {}", answer.answer, answer.label);
                }
            }
        }
        out
    }
}
