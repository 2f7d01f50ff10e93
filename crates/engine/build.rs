//! Converts the decision tree `data/tree.json` into the packed text that
//! `tree::packed` reads at start-up.
//!
//! The page reads the tree on every load. Deserialising JSON into the tree's
//! types needed serde's derived code for each of them: switching to the packed
//! text cut 41 KiB of the web app's wasm code (cargo's module, before wasm-opt). The packed text is the same content as a flat list
//! of fields in a fixed order, so its reader is a few small functions. The JSON
//! stays the source: `Tree::from_json` still reads it, and the engine's tests
//! check that both forms give the same tree.
//!
//! Format: every field ends with U+001F (unit separator). A string is its text.
//! An optional string is `-` when absent and `+` before its text when present.
//! A list is its length in decimal, then its items. Enum values are their
//! kebab-case names, as in the JSON.

use std::env;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

/// Ends every field of the packed text. The JSON must not contain it.
const SEPARATOR: char = '\u{1f}';

fn main() {
    let source = Path::new("data/tree.json");
    println!("cargo:rerun-if-changed={}", source.display());

    let text = fs::read_to_string(source)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", source.display()));
    let tree: Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", source.display()));

    let mut packed = Packer { out: String::with_capacity(text.len()) };
    packed.tree(&tree, "tree");

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let target = Path::new(&out_dir).join("tree.packed");
    fs::write(&target, packed.out)
        .unwrap_or_else(|error| panic!("failed to write {}: {error}", target.display()));
}

/// Writes the fields of each tree type in the order `tree::packed` reads them.
/// `at` names the value being written, for the error when the JSON does not fit
/// the tree format.
struct Packer {
    out: String,
}

impl Packer {
    fn tree(&mut self, tree: &Value, at: &str) {
        let tree = object(tree, at);
        let version = tree.get("version").and_then(Value::as_u64);
        let version =
            version.unwrap_or_else(|| panic!("{at}.version: expected an unsigned integer"));
        self.field(&version.to_string(), at);
        self.list(tree, "symptoms", at, false, Packer::symptom);
        self.list(tree, "nodes", at, false, Packer::node);
    }

    fn symptom(&mut self, symptom: &Value, at: &str) {
        let symptom = object(symptom, at);
        for name in ["id", "title", "description", "start"] {
            self.string(symptom, name, at);
        }
        self.list(symptom, "links", at, true, Packer::doc_link);
    }

    fn node(&mut self, node: &Value, at: &str) {
        let fields = object(node, at);
        match fields.get("kind").and_then(Value::as_str) {
            Some("step") => {
                self.field("step", at);
                self.step(fields, at);
            }
            Some("conclusion") => {
                self.field("conclusion", at);
                self.conclusion(fields, at);
            }
            other => panic!("{at}.kind: expected \"step\" or \"conclusion\", found {other:?}"),
        }
    }

    fn step(&mut self, step: &Map<String, Value>, at: &str) {
        for name in ["id", "title", "question", "why"] {
            self.string(step, name, at);
        }
        self.list(step, "commands", at, true, |packer, command, at| {
            let command = object(command, at);
            packer.string(command, "label", at);
            packer.string(command, "command", at);
        });
        self.list(step, "inputs", at, true, |packer, input, at| {
            let input = input.as_str().unwrap_or_else(|| panic!("{at}: expected a string"));
            packer.field(input, at);
        });
        self.list(step, "answers", at, false, |packer, answer, at| {
            let answer = object(answer, at);
            for name in ["id", "label", "next"] {
                packer.string(answer, name, at);
            }
        });
        self.list(step, "links", at, true, Packer::doc_link);
        self.list(step, "answered_by", at, true, |packer, rule, at| {
            let rule = object(rule, at);
            packer.string(rule, "code", at);
            packer.optional_enum(rule, "scope", &["listener", "cluster"], at);
            packer.optional_enum(rule, "when", &["found", "ruled-out"], at);
            packer.string(rule, "answer", at);
        });
    }

    fn conclusion(&mut self, conclusion: &Map<String, Value>, at: &str) {
        self.string(conclusion, "id", at);
        self.string(conclusion, "title", at);
        self.optional_string(conclusion, "finding_code", at);
        self.string(conclusion, "cause", at);
        self.list(conclusion, "fix", at, false, |packer, step, at| {
            let step = object(step, at);
            packer.string(step, "text", at);
            packer.optional_string(step, "command", at);
        });
        self.list(conclusion, "links", at, false, Packer::doc_link);
        self.list(conclusion, "escalation", at, false, |packer, kind, at| {
            let known = ["bug-report", "aws-support", "vulnerability-report"];
            match kind.as_str() {
                Some(kind) if known.contains(&kind) => packer.field(kind, at),
                _ => panic!("{at}: expected one of {known:?}, found {kind}"),
            }
        });
    }

    fn doc_link(&mut self, link: &Value, at: &str) {
        let link = object(link, at);
        self.string(link, "page", at);
        self.optional_string(link, "anchor", at);
        self.string(link, "title", at);
    }

    /// Writes the list `name` of `parent`. An absent list is empty when
    /// `optional` is set, as with `#[serde(default)]` in the tree's types.
    fn list(
        &mut self,
        parent: &Map<String, Value>,
        name: &str,
        at: &str,
        optional: bool,
        mut item: impl FnMut(&mut Packer, &Value, &str),
    ) {
        let items = match parent.get(name) {
            Some(Value::Array(items)) => items.as_slice(),
            None if optional => &[],
            _ => panic!("{at}.{name}: expected a list"),
        };
        self.field(&items.len().to_string(), at);
        for (index, value) in items.iter().enumerate() {
            item(self, value, &format!("{at}.{name}[{index}]"));
        }
    }

    fn string(&mut self, parent: &Map<String, Value>, name: &str, at: &str) {
        match parent.get(name).and_then(Value::as_str) {
            Some(text) => self.field(text, at),
            None => panic!("{at}.{name}: expected a string"),
        }
    }

    fn optional_string(&mut self, parent: &Map<String, Value>, name: &str, at: &str) {
        match parent.get(name) {
            None | Some(Value::Null) => self.field("-", at),
            Some(Value::String(text)) => self.field(&format!("+{text}"), at),
            Some(other) => panic!("{at}.{name}: expected a string or null, found {other}"),
        }
    }

    /// Writes an optional kebab-case enum value as an optional string.
    fn optional_enum(&mut self, parent: &Map<String, Value>, name: &str, known: &[&str], at: &str) {
        match parent.get(name) {
            None | Some(Value::Null) => self.field("-", at),
            Some(Value::String(text)) if known.contains(&text.as_str()) => {
                self.field(&format!("+{text}"), at)
            }
            Some(other) => panic!("{at}.{name}: expected one of {known:?}, found {other}"),
        }
    }

    fn field(&mut self, text: &str, at: &str) {
        if text.contains(SEPARATOR) {
            panic!("{at}: contains U+001F, which the packed tree uses as its separator");
        }
        self.out.push_str(text);
        self.out.push(SEPARATOR);
    }
}

fn object<'a>(value: &'a Value, at: &str) -> &'a Map<String, Value> {
    value.as_object().unwrap_or_else(|| panic!("{at}: expected an object"))
}
