//! A walk through the tree for one symptom.
//!
//! Answers are kept by step id, apart from the order they were given in, and the path
//! is re-walked from the symptom's first step every time it is read. So changing an
//! earlier answer keeps every later answer whose step is still on the new path, and
//! an answer for a step that left the path comes back if the path returns to it.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::model::{Answer, Conclusion, EvidenceCode, Node, Step, Symptom};
use super::Tree;

/// Who gave an answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerSource {
    /// The person chose it; it overrides evidence.
    Person,
    /// A finding with this code answered the step through its `answered_by` rule.
    Evidence { code: String },
}

/// An answered step on the path, with the answer in force and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenAnswer<'t> {
    pub step: &'t Step,
    pub answer: &'t Answer,
    pub source: AnswerSource,
}

/// How far a walk has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Progress {
    /// Answered steps on the path.
    pub answered: usize,
    /// Steps on the longest path from the first unanswered step to a conclusion; 0 once
    /// a conclusion is reached.
    pub remaining: usize,
}

/// Why the walker refused an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkError {
    UnknownSymptom(String),
    UnknownStep(String),
    UnknownAnswer { step: String, answer: String },
}

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WalkError::UnknownSymptom(id) => write!(f, "unknown symptom `{id}`"),
            WalkError::UnknownStep(id) => write!(f, "unknown step `{id}`"),
            WalkError::UnknownAnswer { step, answer } => {
                write!(f, "step `{step}` has no answer `{answer}`")
            }
        }
    }
}

impl std::error::Error for WalkError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EvidenceAnswer {
    pub(super) answer: String,
    pub(super) code: String,
}

/// The state of one diagnosis: the symptom, the answers given, and the step shown.
#[derive(Debug, Clone)]
pub struct Walker<'t> {
    tree: &'t Tree,
    symptom: &'t Symptom,
    /// Answers the person chose, by step id.
    pub(super) person: BTreeMap<String, String>,
    /// Answers taken from finding codes, by step id.
    pub(super) evidence: BTreeMap<String, EvidenceAnswer>,
    /// The answered step the person went back to; `None` shows the first unanswered
    /// step (or the conclusion).
    pub(super) cursor: Option<String>,
}

/// Two walkers are equal when they walk the same tree (the same instance, not a copy)
/// with the same symptom, answers and shown step. Comparing the tree by address keeps
/// the comparison cheap for callers that compare states on every change.
impl PartialEq for Walker<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.tree, other.tree)
            && self.symptom.id == other.symptom.id
            && self.person == other.person
            && self.evidence == other.evidence
            && self.cursor == other.cursor
    }
}

impl Eq for Walker<'_> {}

/// The path from the symptom's first node, as far as the answers lead.
struct Walk<'t> {
    answered: Vec<GivenAnswer<'t>>,
    /// The first unanswered step or the conclusion; `None` when an answer leads to an
    /// unknown id or back onto the path (only in a tree that fails validation).
    end: Option<&'t Node>,
}

impl<'t> Walker<'t> {
    /// Starts a walk for the symptom `symptom_id`, with no answers.
    pub fn new(tree: &'t Tree, symptom_id: &str) -> Result<Walker<'t>, WalkError> {
        let symptom = tree
            .symptom(symptom_id)
            .ok_or_else(|| WalkError::UnknownSymptom(symptom_id.to_owned()))?;
        Ok(Walker {
            tree,
            symptom,
            person: BTreeMap::new(),
            evidence: BTreeMap::new(),
            cursor: None,
        })
    }

    pub fn tree(&self) -> &'t Tree {
        self.tree
    }

    pub fn symptom(&self) -> &'t Symptom {
        self.symptom
    }

    /// Records the person's answer to a step, replacing any earlier answer (the
    /// person's or the evidence's). When the step is on the path, the walk moves past
    /// it to the next step the person answered earlier, so they can review it, or else
    /// to the frontier. Steps that evidence answered are passed over.
    pub fn answer(&mut self, step_id: &str, answer_id: &str) -> Result<(), WalkError> {
        let step =
            self.tree.step(step_id).ok_or_else(|| WalkError::UnknownStep(step_id.to_owned()))?;
        if step.answer(answer_id).is_none() {
            return Err(WalkError::UnknownAnswer {
                step: step_id.to_owned(),
                answer: answer_id.to_owned(),
            });
        }
        self.person.insert(step.id.clone(), answer_id.to_owned());
        let walk = self.walk();
        if let Some(position) = walk.answered.iter().position(|given| given.step.id == step.id) {
            self.cursor = walk
                .answered
                .iter()
                .skip(position + 1)
                .find(|given| given.source == AnswerSource::Person)
                .map(|given| given.step.id.clone());
        }
        Ok(())
    }

    /// Removes the person's answer to a step; an answer from evidence applies again.
    pub fn clear_answer(&mut self, step_id: &str) {
        self.person.remove(step_id);
        self.normalise_cursor();
    }

    /// Forgets the person's answers and shows the first step again; evidence stays.
    pub fn restart(&mut self) {
        self.person.clear();
        self.cursor = self.walk().answered.first().map(|given| given.step.id.clone());
        self.normalise_cursor();
    }

    /// Sets the answers that evidence gives: for every step of this symptom, the first
    /// `answered_by` rule that one of `findings` matches. Takes plain codes (`&str`,
    /// `String`) or codes with the side they were seen on (`(&str, Scope)`). Replaces
    /// the previous evidence answers, so call it again with every finding whenever the
    /// findings change. Returns how many steps evidence answers.
    pub fn apply_evidence<I, E>(&mut self, findings: I) -> usize
    where
        I: IntoIterator<Item = E>,
        E: Into<EvidenceCode>,
    {
        let findings: Vec<EvidenceCode> = findings.into_iter().map(Into::into).collect();
        self.evidence.clear();
        for id in self.tree.reachable_from(&self.symptom.start) {
            let Some(step) = self.tree.step(id) else { continue };
            let rule = step.answered_by.iter().find(|rule| {
                step.answer(&rule.answer).is_some()
                    && findings.iter().any(|finding| finding.matches(rule))
            });
            if let Some(rule) = rule {
                self.evidence.insert(
                    step.id.clone(),
                    EvidenceAnswer { answer: rule.answer.clone(), code: rule.code.clone() },
                );
            }
        }
        self.normalise_cursor();
        self.evidence.len()
    }

    /// The answer in force for a step (the person's, else the evidence's), whether or
    /// not the step is on the path.
    pub fn given_answer(&self, step_id: &str) -> Option<GivenAnswer<'t>> {
        let step = self.tree.step(step_id)?;
        if let Some(answer) = self.person.get(step_id).and_then(|id| step.answer(id)) {
            return Some(GivenAnswer { step, answer, source: AnswerSource::Person });
        }
        let evidence = self.evidence.get(step_id)?;
        let answer = step.answer(&evidence.answer)?;
        Some(GivenAnswer {
            step,
            answer,
            source: AnswerSource::Evidence { code: evidence.code.clone() },
        })
    }

    /// The answered steps from the symptom's first step, in order.
    pub fn path(&self) -> Vec<GivenAnswer<'t>> {
        self.walk().answered
    }

    /// The node after the last answered step: the first unanswered step or the
    /// conclusion. `None` only in a tree that fails validation.
    pub fn frontier(&self) -> Option<&'t Node> {
        self.walk().end
    }

    /// The node to show: the step the person went back to, else the frontier.
    pub fn current(&self) -> Option<&'t Node> {
        match &self.cursor {
            Some(id) => self.tree.node(id),
            None => self.frontier(),
        }
    }

    /// The step to show, or `None` when the current node is a conclusion.
    pub fn current_step(&self) -> Option<&'t Step> {
        self.current().and_then(Node::as_step)
    }

    /// The conclusion the answers lead to, once reached, even while the person looks
    /// at an earlier step.
    pub fn conclusion(&self) -> Option<&'t Conclusion> {
        self.frontier().and_then(Node::as_conclusion)
    }

    pub fn can_go_back(&self) -> bool {
        self.position().is_some_and(|position| position > 0)
    }

    /// Shows the previous step of the path; returns false at the first step.
    pub fn back(&mut self) -> bool {
        let walk = self.walk();
        let Some(position) = self.position_in(&walk) else { return false };
        let Some(previous) = position.checked_sub(1).and_then(|index| walk.answered.get(index))
        else {
            return false;
        };
        self.cursor = Some(previous.step.id.clone());
        true
    }

    /// Shows the next node of the path, up to the frontier; returns false at the frontier.
    pub fn forward(&mut self) -> bool {
        let walk = self.walk();
        let Some(position) = self.position_in(&walk) else { return false };
        if position >= walk.answered.len() {
            return false;
        }
        self.cursor = walk.answered.get(position + 1).map(|given| given.step.id.clone());
        true
    }

    pub fn progress(&self) -> Progress {
        let walk = self.walk();
        let remaining = walk.end.map_or(0, |node| self.tree.max_steps_to_conclusion(node.id()));
        Progress { answered: walk.answered.len(), remaining }
    }

    /// Index of the current node on the path: an index into [`Walker::path`], or its
    /// length when the frontier is shown.
    fn position(&self) -> Option<usize> {
        self.position_in(&self.walk())
    }

    fn position_in(&self, walk: &Walk<'t>) -> Option<usize> {
        match &self.cursor {
            None => Some(walk.answered.len()),
            Some(id) => walk.answered.iter().position(|given| &given.step.id == id),
        }
    }

    /// Drops the cursor when its step left the path or is the frontier itself, so the
    /// walk never shows a step that the answers no longer lead to.
    pub(super) fn normalise_cursor(&mut self) {
        let Some(id) = &self.cursor else { return };
        let walk = self.walk();
        if !walk.answered.iter().any(|given| &given.step.id == id) {
            self.cursor = None;
        }
    }

    fn walk(&self) -> Walk<'t> {
        let mut answered: Vec<GivenAnswer<'t>> = Vec::new();
        let mut visited: HashSet<&str> = HashSet::new();
        let mut id: &str = &self.symptom.start;
        loop {
            let Some(node) = self.tree.node(id) else {
                return Walk { answered, end: None };
            };
            if !visited.insert(node.id()) {
                return Walk { answered, end: None };
            }
            let Node::Step(step) = node else {
                return Walk { answered, end: Some(node) };
            };
            let Some(given) = self.given_answer(&step.id) else {
                return Walk { answered, end: Some(node) };
            };
            id = &given.answer.next;
            answered.push(given);
        }
    }
}
