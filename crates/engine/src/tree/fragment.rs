//! The walker's state as a URL fragment, so that a copied link reopens the same step.
//!
//! Format: `s=<symptom>&a=<step>:<answer>,...&e=<step>:<answer>:<code>,...&at=<step>`.
//! `a` holds the person's answers, `e` the answers taken from evidence with the finding
//! code that gave them, and `at` the step the person went back to (absent at the
//! frontier). Ids are lowercase kebab-case, so none of them needs escaping; percent
//! escapes are still decoded because some browsers and chat tools add them.

use std::collections::HashSet;
use std::fmt;

use super::walker::{EvidenceAnswer, Walker};
use super::Tree;

/// A part of a fragment that was dropped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragmentWarning {
    /// The dropped text, as it appeared in the fragment.
    pub part: String,
    pub message: String,
}

impl fmt::Display for FragmentWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "URL fragment part `{}` ignored: {}", self.part, self.message)
    }
}

impl<'t> Walker<'t> {
    /// Writes the state as a fragment without the leading `#`.
    pub fn to_fragment(&self) -> String {
        let mut fragment = format!("s={}", self.symptom().id);
        if !self.person.is_empty() {
            let answers: Vec<String> =
                self.person.iter().map(|(step, answer)| format!("{step}:{answer}")).collect();
            fragment.push_str("&a=");
            fragment.push_str(&answers.join(","));
        }
        if !self.evidence.is_empty() {
            let answers: Vec<String> = self
                .evidence
                .iter()
                .map(|(step, given)| format!("{step}:{}:{}", given.answer, given.code))
                .collect();
            fragment.push_str("&e=");
            fragment.push_str(&answers.join(","));
        }
        if let Some(cursor) = &self.cursor {
            fragment.push_str("&at=");
            fragment.push_str(cursor);
        }
        fragment
    }

    /// Reads a state written by [`Walker::to_fragment`]; a leading `#` is accepted.
    /// Every part that names an unknown symptom, step, answer or rule is dropped with a
    /// warning. Returns no walker when the fragment names no known symptom.
    pub fn from_fragment(
        tree: &'t Tree,
        fragment: &str,
    ) -> (Option<Walker<'t>>, Vec<FragmentWarning>) {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut warnings = Vec::new();
        let mut symptom: Option<String> = None;
        let mut person: Option<String> = None;
        let mut evidence: Option<String> = None;
        let mut cursor: Option<String> = None;
        for part in fragment.split('&').filter(|part| !part.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                warnings.push(warning(part, "expected `name=value`"));
                continue;
            };
            let slot = match key {
                "s" => &mut symptom,
                "a" => &mut person,
                "e" => &mut evidence,
                "at" => &mut cursor,
                _ => {
                    warnings.push(warning(part, "unknown name; expected `s`, `a`, `e` or `at`"));
                    continue;
                }
            };
            if slot.is_some() {
                warnings.push(warning(part, "repeats an earlier part; the first one is kept"));
                continue;
            }
            *slot = Some(percent_decode(value));
        }

        let Some(symptom_id) = symptom else {
            warnings.push(warning(fragment, "no symptom (`s=`)"));
            return (None, warnings);
        };
        let Ok(mut walker) = Walker::new(tree, &symptom_id) else {
            warnings.push(warning(&format!("s={symptom_id}"), "unknown symptom"));
            return (None, warnings);
        };
        let reachable: HashSet<&str> =
            tree.reachable_from(&walker.symptom().start).into_iter().collect();

        for item in person.iter().flat_map(|list| list.split(',')).filter(|item| !item.is_empty()) {
            let Some((step_id, answer_id)) = item.split_once(':') else {
                warnings.push(warning(item, "expected `step:answer`"));
                continue;
            };
            if let Err(message) = known_answer(tree, &reachable, step_id, answer_id) {
                warnings.push(warning(item, &message));
                continue;
            }
            if walker.person.insert(step_id.to_owned(), answer_id.to_owned()).is_some() {
                warnings
                    .push(warning(item, "answers a step answered earlier; the last one is kept"));
            }
        }

        for item in evidence.iter().flat_map(|list| list.split(',')).filter(|item| !item.is_empty())
        {
            let mut fields = item.splitn(3, ':');
            let (Some(step_id), Some(answer_id), Some(code)) =
                (fields.next(), fields.next(), fields.next())
            else {
                warnings.push(warning(item, "expected `step:answer:code`"));
                continue;
            };
            if let Err(message) = known_answer(tree, &reachable, step_id, answer_id) {
                warnings.push(warning(item, &message));
                continue;
            }
            let has_rule = tree.step(step_id).is_some_and(|step| {
                step.answered_by.iter().any(|rule| rule.code == code && rule.answer == answer_id)
            });
            if !has_rule {
                warnings.push(warning(
                    item,
                    &format!(
                        "finding `{code}` does not answer step `{step_id}` with `{answer_id}`"
                    ),
                ));
                continue;
            }
            walker.evidence.insert(
                step_id.to_owned(),
                EvidenceAnswer { answer: answer_id.to_owned(), code: code.to_owned() },
            );
        }

        if let Some(step_id) = cursor {
            let on_path = walker.path().iter().any(|given| given.step.id == step_id);
            if on_path {
                walker.cursor = Some(step_id);
            } else {
                warnings.push(warning(
                    &format!("at={step_id}"),
                    "not an answered step on the path; showing the first unanswered step",
                ));
            }
        }
        (Some(walker), warnings)
    }
}

fn known_answer(
    tree: &Tree,
    reachable: &HashSet<&str>,
    step_id: &str,
    answer_id: &str,
) -> Result<(), String> {
    let Some(step) = tree.step(step_id) else {
        return Err(format!("unknown step `{step_id}`"));
    };
    if !reachable.contains(step_id) {
        return Err(format!("step `{step_id}` is not part of this symptom"));
    }
    if step.answer(answer_id).is_none() {
        return Err(format!("step `{step_id}` has no answer `{answer_id}`"));
    }
    Ok(())
}

fn warning(part: &str, message: &str) -> FragmentWarning {
    FragmentWarning { part: part.to_owned(), message: message.to_owned() }
}

/// Decodes `%XX` escapes. A malformed escape stays as it is, and so does the whole value
/// when the decoded bytes are not UTF-8, because the caller reports unknown ids anyway.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).and_then(|&digit| char::from(digit).to_digit(16));
            let low = bytes.get(index + 2).and_then(|&digit| char::from(digit).to_digit(16));
            if let (Some(high), Some(low)) = (high, low) {
                // Two hex digits fit in a byte.
                decoded.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                index += 3;
                continue;
            }
        }
        decoded.push(byte);
        index += 1;
    }
    String::from_utf8(decoded).unwrap_or_else(|_| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_cases() {
        let cases = [
            ("step%3Aanswer", "step:answer"),
            ("a%2Cb", "a,b"),
            ("plain-id", "plain-id"),
            ("%3", "%3"),
            ("%zz", "%zz"),
            ("100%", "100%"),
            ("%e2%9c%93", "\u{2713}"),
            // Bytes that are not UTF-8 leave the value as it was.
            ("%FF", "%FF"),
        ];
        for (value, expected) in cases {
            assert_eq!(percent_decode(value), expected, "{value}");
        }
    }
}
