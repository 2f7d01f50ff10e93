//! Structural checks of a tree, reporting every problem rather than the first.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use super::model::{DocLink, EscalationKind, Node, Step};
use super::Tree;

/// One broken rule, with the id of the symptom or node where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Id of the symptom or node that breaks the rule.
    pub id: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.id, self.message)
    }
}

/// The rules that [`Tree::validate`] and [`Tree::validate_with`] check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The tree has no symptom at all.
    NoSymptoms,
    /// An id is not lowercase kebab-case (`a-z`, `0-9`, `-`), so it cannot travel in a
    /// URL fragment unescaped.
    InvalidId,
    /// Two symptoms, two nodes, or two answers of one step share an id.
    DuplicateId,
    /// A symptom starts at, or an answer leads to, an id that is not a node.
    DanglingNext,
    /// No symptom reaches the node.
    Unreachable,
    /// Following answers from the node leads back to it.
    Cycle,
    /// A step has no answer, so a walk through it cannot reach a conclusion.
    DeadEnd,
    /// An `answered_by` rule names an answer the step does not have.
    UnknownRuleAnswer,
    /// A conclusion has no documentation link with an anchor.
    MissingAnchor,
    /// A documentation link names a page and anchor that the documentation does not have.
    UnknownAnchor,
    /// A conclusion names no escalation, or offers a public bug report next to the
    /// vulnerability-reporting page.
    BadEscalation,
    /// A conclusion or an `answered_by` rule names a finding code outside the registry.
    UnknownFindingCode,
}

/// Names defined outside the tree: documentation anchors and finding codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownNames {
    /// Pairs of documentation page and anchor, e.g.
    /// (`troubleshooting-security`, `ts-security-tls-client-policy`).
    pub anchors: BTreeSet<(String, String)>,
    /// Finding codes of the diagnosis registry, e.g. `tls-cert-expired`.
    pub finding_codes: BTreeSet<String>,
}

impl Tree {
    /// Checks the structure: ids, references, reachability, cycles, dead ends, and that
    /// every conclusion has an anchored documentation link and an escalation.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        self.check_ids(&mut problems);
        self.check_references(&mut problems);
        self.check_reachability(&mut problems);
        self.check_cycles(&mut problems);
        self.check_conclusions(&mut problems);
        problems
    }

    /// Runs [`Tree::validate`], then checks every documentation anchor and finding code
    /// against `known`.
    pub fn validate_with(&self, known: &KnownNames) -> Vec<Problem> {
        let mut problems = self.validate();
        self.check_names(known, &mut problems);
        problems
    }

    fn check_ids(&self, problems: &mut Vec<Problem>) {
        if self.symptoms.is_empty() {
            problems.push(problem(ProblemKind::NoSymptoms, "", "the tree has no symptom"));
        }
        let mut symptom_ids = HashSet::new();
        for symptom in &self.symptoms {
            check_id_syntax(&symptom.id, &symptom.id, problems);
            if !symptom_ids.insert(symptom.id.as_str()) {
                problems.push(problem(
                    ProblemKind::DuplicateId,
                    &symptom.id,
                    "symptom id is used twice",
                ));
            }
        }
        let mut node_ids = HashSet::new();
        for node in &self.nodes {
            check_id_syntax(node.id(), node.id(), problems);
            if !node_ids.insert(node.id()) {
                problems.push(problem(
                    ProblemKind::DuplicateId,
                    node.id(),
                    "node id is used twice",
                ));
            }
            let Node::Step(step) = node else { continue };
            let mut answer_ids = HashSet::new();
            for answer in &step.answers {
                check_id_syntax(&answer.id, &step.id, problems);
                if !answer_ids.insert(answer.id.as_str()) {
                    problems.push(problem(
                        ProblemKind::DuplicateId,
                        &step.id,
                        &format!("answer `{}` is used twice", answer.id),
                    ));
                }
            }
        }
    }

    fn check_references(&self, problems: &mut Vec<Problem>) {
        for symptom in &self.symptoms {
            if self.node(&symptom.start).is_none() {
                problems.push(problem(
                    ProblemKind::DanglingNext,
                    &symptom.id,
                    &format!("start `{}` is not a node", symptom.start),
                ));
            }
        }
        for step in self.steps() {
            if step.answers.is_empty() {
                problems.push(problem(
                    ProblemKind::DeadEnd,
                    &step.id,
                    "step has no answer, so no walk through it reaches a conclusion",
                ));
            }
            for answer in &step.answers {
                if self.node(&answer.next).is_none() {
                    problems.push(problem(
                        ProblemKind::DanglingNext,
                        &step.id,
                        &format!(
                            "answer `{}` leads to `{}`, which is not a node",
                            answer.id, answer.next
                        ),
                    ));
                }
            }
            for rule in &step.answered_by {
                if step.answer(&rule.answer).is_none() {
                    problems.push(problem(
                        ProblemKind::UnknownRuleAnswer,
                        &step.id,
                        &format!(
                            "answered_by rule for `{}` names answer `{}`, which the step does not have",
                            rule.code, rule.answer
                        ),
                    ));
                }
            }
        }
    }

    fn check_reachability(&self, problems: &mut Vec<Problem>) {
        let mut reached: HashSet<&str> = HashSet::new();
        for symptom in &self.symptoms {
            reached.extend(self.reachable_from(&symptom.start));
        }
        for node in &self.nodes {
            if !reached.contains(node.id()) {
                problems.push(problem(
                    ProblemKind::Unreachable,
                    node.id(),
                    "no symptom reaches this node",
                ));
            }
        }
    }

    /// Reports each cycle once, at the node where a depth-first walk closes it.
    fn check_cycles(&self, problems: &mut Vec<Problem>) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let mut marks: HashMap<&str, Mark> = HashMap::new();
        for node in &self.nodes {
            if marks.contains_key(node.id()) {
                continue;
            }
            // Iterative depth-first search: each frame is a step and the index of the
            // next answer to follow, so deep trees cannot overflow the stack.
            let mut stack: Vec<(&Step, usize)> = Vec::new();
            match node {
                Node::Step(step) => {
                    marks.insert(step.id.as_str(), Mark::Open);
                    stack.push((step, 0));
                }
                Node::Conclusion(conclusion) => {
                    marks.insert(conclusion.id.as_str(), Mark::Done);
                }
            }
            while let Some(frame) = stack.last_mut() {
                let (step, next_answer) = (frame.0, frame.1);
                frame.1 += 1;
                let Some(answer) = step.answers.get(next_answer) else {
                    marks.insert(step.id.as_str(), Mark::Done);
                    stack.pop();
                    continue;
                };
                let Some(target) = self.node(&answer.next) else { continue };
                match marks.get(target.id()) {
                    Some(Mark::Open) => problems.push(problem(
                        ProblemKind::Cycle,
                        &step.id,
                        &format!(
                            "answer `{}` leads back to `{}`, which is already on the path",
                            answer.id, answer.next
                        ),
                    )),
                    Some(Mark::Done) => {}
                    None => match target {
                        Node::Step(target_step) => {
                            marks.insert(target_step.id.as_str(), Mark::Open);
                            stack.push((target_step, 0));
                        }
                        Node::Conclusion(conclusion) => {
                            marks.insert(conclusion.id.as_str(), Mark::Done);
                        }
                    },
                }
            }
        }
    }

    fn check_conclusions(&self, problems: &mut Vec<Problem>) {
        for conclusion in self.conclusions() {
            let anchored = conclusion.links.iter().any(|link| {
                !link.is_absolute()
                    && link.anchor.as_deref().is_some_and(|anchor| !anchor.is_empty())
            });
            if !anchored {
                problems.push(problem(
                    ProblemKind::MissingAnchor,
                    &conclusion.id,
                    "conclusion has no documentation link with an anchor",
                ));
            }
            if conclusion.escalation.is_empty() {
                problems.push(problem(
                    ProblemKind::BadEscalation,
                    &conclusion.id,
                    "conclusion names no escalation",
                ));
            }
            let public_issue = conclusion.escalation.contains(&EscalationKind::BugReport);
            let security = conclusion.escalation.contains(&EscalationKind::VulnerabilityReport);
            if public_issue && security {
                problems.push(problem(
                    ProblemKind::BadEscalation,
                    &conclusion.id,
                    "a security problem goes to the vulnerability-reporting page instead of a public bug report, not both",
                ));
            }
        }
    }

    fn check_names(&self, known: &KnownNames, problems: &mut Vec<Problem>) {
        for symptom in &self.symptoms {
            check_links(&symptom.id, &symptom.links, known, problems);
        }
        for node in &self.nodes {
            check_links(node.id(), node.links(), known, problems);
            match node {
                Node::Step(step) => {
                    for rule in &step.answered_by {
                        check_code(&step.id, &rule.code, known, problems);
                    }
                }
                Node::Conclusion(conclusion) => {
                    if let Some(code) = &conclusion.finding_code {
                        check_code(&conclusion.id, code, known, problems);
                    }
                }
            }
        }
    }
}

fn check_links(id: &str, links: &[DocLink], known: &KnownNames, problems: &mut Vec<Problem>) {
    for link in links.iter().filter(|link| !link.is_absolute()) {
        let Some(anchor) = &link.anchor else { continue };
        if !known.anchors.contains(&(link.page.clone(), anchor.clone())) {
            problems.push(problem(
                ProblemKind::UnknownAnchor,
                id,
                &format!("documentation page `{}` has no anchor `{}`", link.page, anchor),
            ));
        }
    }
}

fn check_code(id: &str, code: &str, known: &KnownNames, problems: &mut Vec<Problem>) {
    if !known.finding_codes.contains(code) {
        problems.push(problem(
            ProblemKind::UnknownFindingCode,
            id,
            &format!("finding code `{code}` is not in the registry"),
        ));
    }
}

fn check_id_syntax(id: &str, owner: &str, problems: &mut Vec<Problem>) {
    let kebab = !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if !kebab {
        problems.push(problem(
            ProblemKind::InvalidId,
            owner,
            &format!("id `{id}` is not lowercase kebab-case (a-z, 0-9 and inner hyphens)"),
        ));
    }
}

fn problem(kind: ProblemKind, id: &str, message: &str) -> Problem {
    Problem { kind, id: id.to_owned(), message: message.to_owned() }
}
