//! The decision tree as data, and the walker that moves through it.
//!
//! The tree lives in `data/tree.json`. `build.rs` packs it into a flat list of fields
//! that is compiled into the binary (see `tree/packed.rs`), so the page and the
//! command-line tool walk the same content without deserialising JSON at start-up.
//! Four symptoms start it; each walk ends at a [`Conclusion`] that names its finding
//! code, the fix, the documentation anchor and the escalation. [`Walker`] keeps a person's answers keyed by step id, takes
//! answers from evidence (finding codes), and saves its state in a URL fragment.
//!
//! Editing the tree: `data/tree.json` has `symptoms` (each with a `start` node) and
//! `nodes`, each tagged `"kind": "step"` or `"kind": "conclusion"`. Ids are lowercase
//! kebab-case and unique, every answer's `next` names a node, and every conclusion
//! carries a finding code (or `null`), a fix, a documentation link with an anchor and
//! its escalation. [`Tree::builtin`] rejects a tree that breaks the structural rules;
//! the engine's tests also check every anchor against the user guide's anchor list and
//! every finding code against the registry.

mod fragment;
mod links;
mod model;
mod packed;
mod validate;
mod walker;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use fragment::FragmentWarning;
pub use links::Links;
pub use model::{
    Answer, AnsweredBy, CodeState, Conclusion, DocLink, EscalationKind, EvidenceCode,
    EvidenceCommand, FixStep, Node, Scope, Step, Symptom,
};
pub use validate::{KnownNames, Problem, ProblemKind};
pub use walker::{AnswerSource, GivenAnswer, Progress, WalkError, Walker};

/// The whole decision tree: its symptoms and its nodes, with an index by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TreeData")]
pub struct Tree {
    /// Version of the data format; bump it when a field changes meaning.
    pub version: u32,
    pub symptoms: Vec<Symptom>,
    pub nodes: Vec<Node>,
    /// Position of each node id in `nodes`; the first node wins when ids repeat, and
    /// [`Tree::validate`] reports the repeat.
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// The stored form of [`Tree`]; deserialising goes through it so that the index is
/// always built.
#[derive(Deserialize)]
struct TreeData {
    version: u32,
    symptoms: Vec<Symptom>,
    nodes: Vec<Node>,
}

impl From<TreeData> for Tree {
    fn from(data: TreeData) -> Tree {
        let mut tree = Tree {
            version: data.version,
            symptoms: data.symptoms,
            nodes: data.nodes,
            index: HashMap::new(),
        };
        tree.rebuild_index();
        tree
    }
}

/// Error from loading a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// The JSON does not match the tree format.
    Parse { line: usize, column: usize, message: String },
    /// The JSON parsed, but the tree breaks one or more structural rules.
    Invalid(Vec<Problem>),
    /// The packed tree compiled into the engine could not be read, which means that
    /// `build.rs` and `tree/packed.rs` disagree on its format.
    Packed(String),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::Parse { line, column, message } => {
                write!(f, "decision tree: line {line}, column {column}: {message}")
            }
            TreeError::Invalid(problems) => {
                write!(f, "decision tree is invalid ({} problems)", problems.len())?;
                for problem in problems {
                    write!(f, "\n- {problem}")?;
                }
                Ok(())
            }
            TreeError::Packed(message) => write!(f, "decision tree: {message}"),
        }
    }
}

impl std::error::Error for TreeError {}

impl Tree {
    /// Reads the tree compiled into the engine once, and checks its structure.
    pub fn builtin() -> Result<&'static Tree, TreeError> {
        static BUILTIN: OnceLock<Result<Tree, TreeError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let tree = packed::read_tree(packed::BUILTIN_PACKED).map_err(TreeError::Packed)?;
                let problems = tree.validate();
                if problems.is_empty() {
                    Ok(tree)
                } else {
                    Err(TreeError::Invalid(problems))
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses a tree from JSON without validating it, so that a broken tree can still
    /// be inspected with [`Tree::validate`].
    pub fn from_json(json: &str) -> Result<Tree, TreeError> {
        serde_json::from_str(json).map_err(|error| TreeError::Parse {
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        })
    }

    fn rebuild_index(&mut self) {
        self.index.clear();
        for (position, node) in self.nodes.iter().enumerate() {
            self.index.entry(node.id().to_owned()).or_insert(position);
        }
    }

    pub fn symptom(&self, id: &str) -> Option<&Symptom> {
        self.symptoms.iter().find(|symptom| symptom.id == id)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).and_then(|&position| self.nodes.get(position))
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.node(id).and_then(Node::as_step)
    }

    pub fn conclusion(&self, id: &str) -> Option<&Conclusion> {
        self.node(id).and_then(Node::as_conclusion)
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.nodes.iter().filter_map(Node::as_step)
    }

    pub fn conclusions(&self) -> impl Iterator<Item = &Conclusion> {
        self.nodes.iter().filter_map(Node::as_conclusion)
    }

    /// Conclusions whose finding code is `code`, in tree order.
    pub fn conclusions_for_code<'a>(
        &'a self,
        code: &'a str,
    ) -> impl Iterator<Item = &'a Conclusion> + 'a {
        self.conclusions()
            .filter(move |conclusion| conclusion.finding_code.as_deref() == Some(code))
    }

    /// Ids of every node reachable from `start`, `start` included, in walk order.
    pub fn reachable_from(&self, start: &str) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut pending: Vec<&str> = vec![start];
        while let Some(id) = pending.pop() {
            let Some(node) = self.node(id) else { continue };
            if seen.contains(&node.id()) {
                continue;
            }
            seen.push(node.id());
            if let Node::Step(step) = node {
                // Reverse so that the first answer is walked first.
                pending.extend(step.answers.iter().rev().map(|answer| answer.next.as_str()));
            }
        }
        seen
    }

    /// Number of steps on the longest path from `node_id` to a conclusion: 0 for a
    /// conclusion or an unknown id. A cycle is cut where it closes, so the result stays
    /// finite on a broken tree.
    pub fn max_steps_to_conclusion(&self, node_id: &str) -> usize {
        let mut memo: HashMap<&str, usize> = HashMap::new();
        let mut on_stack: Vec<&str> = Vec::new();
        self.max_steps_from(node_id, &mut memo, &mut on_stack)
    }

    fn max_steps_from<'a>(
        &'a self,
        node_id: &'a str,
        memo: &mut HashMap<&'a str, usize>,
        on_stack: &mut Vec<&'a str>,
    ) -> usize {
        if let Some(&known) = memo.get(node_id) {
            return known;
        }
        let Some(Node::Step(step)) = self.node(node_id) else { return 0 };
        if on_stack.contains(&node_id) {
            return 0;
        }
        on_stack.push(node_id);
        let mut longest = 0;
        for answer in &step.answers {
            longest = longest.max(self.max_steps_from(&answer.next, memo, on_stack));
        }
        on_stack.pop();
        memo.insert(node_id, longest + 1);
        longest + 1
    }
}
