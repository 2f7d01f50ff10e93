//! Reader of the packed tree that `build.rs` writes from `data/tree.json`.
//!
//! The format is described in `build.rs`: fields in a fixed order, each ended
//! by U+001F. Reading it needs no serde code, which keeps the web app's wasm
//! module smaller than deserialising the JSON at start-up does.

use super::model::{
    Answer, AnsweredBy, CodeState, Conclusion, DocLink, EscalationKind, EvidenceCommand, FixStep,
    Node, Scope, Step, Symptom,
};
use super::{Tree, TreeData};

/// The packed form of `data/tree.json`, written by `build.rs`.
pub(super) const BUILTIN_PACKED: &str = include_str!(concat!(env!("OUT_DIR"), "/tree.packed"));

const SEPARATOR: char = '\u{1f}';

/// Reads a packed tree. The error names the field number and what was expected
/// there, which only a mismatch between `build.rs` and this reader can cause.
pub(super) fn read_tree(packed: &str) -> Result<Tree, String> {
    let mut fields = Fields { rest: packed.split(SEPARATOR), position: 0 };
    let version = fields.text()?;
    let version = version.parse().map_err(|_| {
        format!("packed tree, field 1: expected a version number, found {version:?}")
    })?;
    let symptoms = fields.list(Fields::symptom)?;
    let nodes = fields.list(Fields::node)?;
    match fields.rest.next() {
        Some("") if fields.rest.next().is_none() => {
            Ok(Tree::from(TreeData { version, symptoms, nodes }))
        }
        _ => Err(format!("packed tree: unexpected data after field {}", fields.position)),
    }
}

/// The fields not read yet, and the number of fields read.
struct Fields<'a> {
    rest: std::str::Split<'a, char>,
    position: usize,
}

impl<'a> Fields<'a> {
    fn text(&mut self) -> Result<&'a str, String> {
        self.position += 1;
        self.rest.next().ok_or_else(|| format!("packed tree, field {}: missing", self.position))
    }

    fn string(&mut self) -> Result<String, String> {
        self.text().map(String::from)
    }

    fn optional(&mut self) -> Result<Option<&'a str>, String> {
        let text = self.text()?;
        match (text.strip_prefix('+'), text) {
            (Some(value), _) => Ok(Some(value)),
            (None, "-") => Ok(None),
            (None, _) => Err(self.unexpected("`+` or `-`", text)),
        }
    }

    fn optional_string(&mut self) -> Result<Option<String>, String> {
        self.optional().map(|value| value.map(String::from))
    }

    fn list<T>(&mut self, item: fn(&mut Self) -> Result<T, String>) -> Result<Vec<T>, String> {
        let text = self.text()?;
        let count: usize = text.parse().map_err(|_| self.unexpected("a list length", text))?;
        (0..count).map(|_| item(self)).collect()
    }

    fn unexpected(&self, expected: &str, found: &str) -> String {
        format!("packed tree, field {}: expected {expected}, found {found:?}", self.position)
    }

    fn symptom(&mut self) -> Result<Symptom, String> {
        Ok(Symptom {
            id: self.string()?,
            title: self.string()?,
            description: self.string()?,
            start: self.string()?,
            links: self.list(Fields::doc_link)?,
        })
    }

    fn node(&mut self) -> Result<Node, String> {
        match self.text()? {
            "step" => self.step().map(Node::Step),
            "conclusion" => self.conclusion().map(Node::Conclusion),
            other => Err(self.unexpected("a node kind", other)),
        }
    }

    fn step(&mut self) -> Result<Step, String> {
        Ok(Step {
            id: self.string()?,
            title: self.string()?,
            question: self.string()?,
            why: self.string()?,
            commands: self.list(|fields| {
                Ok(EvidenceCommand { label: fields.string()?, command: fields.string()? })
            })?,
            inputs: self.list(Fields::string)?,
            answers: self.list(|fields| {
                Ok(Answer { id: fields.string()?, label: fields.string()?, next: fields.string()? })
            })?,
            links: self.list(Fields::doc_link)?,
            answered_by: self.list(Fields::answered_by)?,
        })
    }

    fn answered_by(&mut self) -> Result<AnsweredBy, String> {
        let code = self.string()?;
        let scope = match self.optional()? {
            None => None,
            Some("listener") => Some(Scope::Listener),
            Some("cluster") => Some(Scope::Cluster),
            Some(other) => return Err(self.unexpected("a scope", other)),
        };
        let when = match self.optional()? {
            None | Some("found") => CodeState::Found,
            Some("ruled-out") => CodeState::RuledOut,
            Some(other) => return Err(self.unexpected("a code state", other)),
        };
        Ok(AnsweredBy { code, scope, when, answer: self.string()? })
    }

    fn conclusion(&mut self) -> Result<Conclusion, String> {
        Ok(Conclusion {
            id: self.string()?,
            title: self.string()?,
            finding_code: self.optional_string()?,
            cause: self.string()?,
            fix: self.list(|fields| {
                Ok(FixStep { text: fields.string()?, command: fields.optional_string()? })
            })?,
            links: self.list(Fields::doc_link)?,
            escalation: self.list(Fields::escalation)?,
        })
    }

    fn escalation(&mut self) -> Result<EscalationKind, String> {
        match self.text()? {
            "bug-report" => Ok(EscalationKind::BugReport),
            "aws-support" => Ok(EscalationKind::AwsSupport),
            "vulnerability-report" => Ok(EscalationKind::VulnerabilityReport),
            other => Err(self.unexpected("an escalation kind", other)),
        }
    }

    fn doc_link(&mut self) -> Result<DocLink, String> {
        Ok(DocLink { page: self.string()?, anchor: self.optional_string()?, title: self.string()? })
    }
}

#[cfg(test)]
mod tests {
    use super::{read_tree, BUILTIN_PACKED};
    use crate::tree::Tree;

    #[test]
    fn packed_tree_equals_json_tree() {
        let from_json =
            Tree::from_json(include_str!("../../data/tree.json")).expect("tree.json parses");
        let packed = read_tree(BUILTIN_PACKED).expect("packed tree reads");
        assert_eq!(packed.version, from_json.version);
        assert_eq!(packed.symptoms, from_json.symptoms);
        assert_eq!(packed.nodes.len(), from_json.nodes.len());
        for (packed_node, json_node) in packed.nodes.iter().zip(&from_json.nodes) {
            assert_eq!(packed_node, json_node, "node {}", json_node.id());
        }
        assert_eq!(packed, from_json);
    }

    #[test]
    fn packed_tree_rejects_damage() {
        let cases = [
            ("empty", String::new()),
            ("cut short", BUILTIN_PACKED.chars().take(BUILTIN_PACKED.len() / 2).collect()),
            ("trailing field", format!("{BUILTIN_PACKED}extra\u{1f}")),
            ("bad version", BUILTIN_PACKED.replacen('1', "x", 1)),
        ];
        for (case, packed) in &cases {
            assert!(read_tree(packed).is_err(), "{case}");
        }
    }
}
