//! Renders a diagnosis: the `meshtls --format json` object, text for a
//! terminal, and a Markdown report.
//!
//! The JSON field names are part of the public surface: `inputs` (`name`,
//! `kind`, `warnings`, and `parts` for a mixed input), `findings` (`code`,
//! `severity`, `title`, `evidence`, `remediation`, `links`) and `conclusion`.
//! Other fields may be added; none may be renamed.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{json, Value};

use super::{Confidence, Diagnosis, EvidenceLine, Finding, Input, RuledOut};
use crate::evidence::InputKind;
use crate::issue_link::{IssueFinding, IssueReport};
use crate::tree::{AnswerSource, Conclusion, GivenAnswer};

/// Builds the JSON object that `meshtls diagnose --format json` prints.
pub fn to_json(inputs: &[Input], diagnosis: &Diagnosis) -> Value {
    let inputs: Vec<Value> = inputs.iter().map(input_json).collect();
    json!({
        "inputs": inputs,
        "findings": diagnosis.findings,
        "conclusion": diagnosis.conclusion,
        "ruled_out": diagnosis.ruled_out,
        "next_steps": diagnosis.next_steps,
        "notes": diagnosis.notes,
    })
}

/// Where a walk through the decision tree ended: the conclusion the page shows
/// and the answers that led to it. A report of the page carries it, because the
/// answers can name a cause that the pasted evidence alone cannot decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalkOutcome {
    /// The conclusion's finding code, or its id when it names no finding: the
    /// page's `data-code` of the conclusion.
    pub code: String,
    pub title: String,
    pub cause: String,
    /// The answered steps, in the order of the walk.
    pub answers: Vec<WalkAnswer>,
}

/// One answered step of a walk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalkAnswer {
    /// The step's id in the tree.
    pub step: String,
    pub question: String,
    /// The answer's id in the tree.
    pub answer: String,
    pub label: String,
    /// The finding code that answered the step, or `None` when the person chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
}

impl WalkAnswer {
    /// Copies the step, the answer and what gave it from one answer of a walk.
    pub fn from_given(given: &GivenAnswer<'_>) -> WalkAnswer {
        WalkAnswer {
            step: given.step.id.clone(),
            question: given.step.question.clone(),
            answer: given.answer.id.clone(),
            label: given.answer.label.clone(),
            answered_by: match &given.source {
                AnswerSource::Person => None,
                AnswerSource::Evidence { code } => Some(code.clone()),
            },
        }
    }
}

impl WalkOutcome {
    /// Collects the conclusion a walk reached and the answers on its `path`.
    pub fn new(conclusion: &Conclusion, path: &[GivenAnswer<'_>]) -> WalkOutcome {
        let answers = path.iter().map(WalkAnswer::from_given).collect();
        WalkOutcome {
            code: conclusion.finding_code.clone().unwrap_or_else(|| conclusion.id.clone()),
            title: conclusion.title.clone(),
            cause: conclusion.cause.clone(),
            answers,
        }
    }
}

/// Builds the [`to_json_redacted`] object for a walk that reached `walk`:
/// `conclusion` is the walk's, `walk` contains its answers, and
/// `evidence_conclusion` keeps the top finding's code.
pub fn to_json_with_walk(
    inputs: &[Input],
    diagnosis: &Diagnosis,
    walk: &WalkOutcome,
    redact: &dyn Fn(&str) -> String,
) -> Value {
    let mut value = to_json(inputs, diagnosis);
    if let Some(map) = value.as_object_mut() {
        map.insert("conclusion".to_string(), Value::String(walk.code.clone()));
        map.insert("evidence_conclusion".to_string(), json!(diagnosis.conclusion));
        map.insert("walk".to_string(), json!(walk));
    }
    redact_strings(&mut value, redact);
    value
}

/// Builds the [`to_json`] object with `redact` applied to every string value, for
/// a JSON report that leaves the page. Object keys are the schema's field names
/// and stay as they are.
pub fn to_json_redacted(
    inputs: &[Input],
    diagnosis: &Diagnosis,
    redact: &dyn Fn(&str) -> String,
) -> Value {
    let mut value = to_json(inputs, diagnosis);
    redact_strings(&mut value, redact);
    value
}

fn redact_strings(value: &mut Value, redact: &dyn Fn(&str) -> String) {
    match value {
        Value::String(text) => *text = redact(text),
        Value::Array(items) => items.iter_mut().for_each(|item| redact_strings(item, redact)),
        Value::Object(map) => map.values_mut().for_each(|item| redact_strings(item, redact)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn input_json(input: &Input) -> Value {
    let parsed = &input.parsed;
    let mut object = json!({
        "name": parsed.name,
        "kind": parsed.kind,
        "warnings": parsed.warnings,
    });
    if parsed.kind == InputKind::Mixed {
        let parts: Vec<Value> = parsed
            .parts
            .iter()
            .map(|part| {
                json!({
                    "kind": part.kind,
                    "first_line": part.first_line,
                    "last_line": part.last_line,
                })
            })
            .collect();
        if let Some(map) = object.as_object_mut() {
            map.insert("parts".to_string(), Value::Array(parts));
        }
    }
    object
}

/// Renders the diagnosis as plain text for a terminal.
pub fn to_text(inputs: &[Input], diagnosis: &Diagnosis) -> String {
    let mut out = String::new();

    for input in inputs {
        let parsed = &input.parsed;
        let _ = write!(out, "input {}: {}", parsed.name, parsed.kind);
        if parsed.kind == InputKind::Mixed {
            let parts: Vec<String> = parsed
                .parts
                .iter()
                .map(|part| format!("{} (lines {}-{})", part.kind, part.first_line, part.last_line))
                .collect();
            let _ = write!(out, " [{}]", parts.join(", "));
        }
        out.push('\n');
        for warning in &parsed.warnings {
            let _ = writeln!(out, "  warning: {warning}");
        }
    }
    if !inputs.is_empty() {
        out.push('\n');
    }

    match diagnosis.conclusion {
        Some(code) => {
            let _ = writeln!(out, "Conclusion: {code}");
        }
        None => out.push_str("Conclusion: none (no finding in these inputs)\n"),
    }

    for (index, finding) in diagnosis.findings.iter().enumerate() {
        out.push('\n');
        write_finding_text(&mut out, index + 1, finding);
    }

    if !diagnosis.ruled_out.is_empty() {
        out.push_str("\nRuled out:\n");
        for entry in &diagnosis.ruled_out {
            let _ = writeln!(out, "  {}: {}", entry.code, entry.reason);
            for line in &entry.evidence {
                let _ = writeln!(out, "      {}:{}: {}", line.input, line.line, line.text);
            }
        }
    }

    if !diagnosis.next_steps.is_empty() {
        out.push_str("\nNext steps:\n");
        for step in &diagnosis.next_steps {
            let _ = writeln!(out, "  - {}", step.what);
            if let Some(command) = &step.command {
                let _ = writeln!(out, "      $ {command}");
            }
        }
    }

    if !diagnosis.notes.is_empty() {
        out.push_str("\nNotes:\n");
        for note in &diagnosis.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}

fn write_finding_text(out: &mut String, number: usize, finding: &Finding) {
    let _ = writeln!(out, "{number}. [{}] {}: {}", finding.severity, finding.code, finding.title);
    for detail in &finding.details {
        let _ = writeln!(out, "   {detail}");
    }
    if !finding.evidence.is_empty() {
        out.push_str("   Evidence:\n");
        for line in &finding.evidence {
            let _ = writeln!(out, "     {}:{}: {}", line.input, line.line, line.text);
        }
        if let Some(omitted) = omitted_evidence(finding) {
            let _ = writeln!(out, "     {omitted}");
        }
    }
    let _ = writeln!(out, "   Fix: {}", finding.remediation);
    for link in &finding.links {
        let _ = writeln!(out, "   See: {} <{}>", link.title, link.url);
    }
}

/// Renders the diagnosis as a Markdown report (the page's "copy report" and
/// download, and `meshtls diagnose --format markdown`).
pub fn to_markdown(inputs: &[Input], diagnosis: &Diagnosis) -> String {
    to_markdown_redacted(inputs, diagnosis, &|text: &str| text.to_string())
}

/// Renders the Markdown report with `redact` applied to every pasted or derived
/// text (input names, warnings, titles, details, quoted lines, reasons, commands
/// and notes) before it is escaped. Codes, severities and documentation links
/// are fixed vocabulary and pass through as they are.
///
/// Each piece is redacted before it is escaped. A placeholder such as `<ip-1>` in
/// prose would otherwise read as an HTML tag, which GitHub's Markdown drops, so
/// it is written as `\<ip-1>`.
pub fn to_markdown_redacted(
    inputs: &[Input],
    diagnosis: &Diagnosis,
    redact: &dyn Fn(&str) -> String,
) -> String {
    markdown(inputs, diagnosis, None, redact)
}

/// Renders the Markdown report of a walk that reached `walk`: the walk's
/// conclusion and answers, then the findings as [`to_markdown_redacted`] does.
/// The tree's questions and answers are fixed text, but they pass through
/// `redact` like the rest.
pub fn to_markdown_with_walk(
    inputs: &[Input],
    diagnosis: &Diagnosis,
    walk: &WalkOutcome,
    redact: &dyn Fn(&str) -> String,
) -> String {
    markdown(inputs, diagnosis, Some(walk), redact)
}

fn markdown(
    inputs: &[Input],
    diagnosis: &Diagnosis,
    walk: Option<&WalkOutcome>,
    redact: &dyn Fn(&str) -> String,
) -> String {
    let prose = |text: &str| escape_prose(&redact(text));
    let mut out = String::from("# TLS diagnosis\n\n");

    match walk {
        Some(walk) => write_walk_markdown(&mut out, diagnosis, walk, redact),
        None => match diagnosis.conclusion {
            Some(code) => {
                let title = diagnosis.findings.first().map_or(String::new(), |f| prose(&f.title));
                let _ = writeln!(out, "**Conclusion:** `{code}`: {title}");
            }
            None => out.push_str("**Conclusion:** none: no finding in these inputs.\n"),
        },
    }

    if !inputs.is_empty() {
        start_section(&mut out, "## Inputs");
        for input in inputs {
            let parsed = &input.parsed;
            let _ = writeln!(out, "- {}: {}", code_span(&redact(&parsed.name)), parsed.kind);
            for warning in &parsed.warnings {
                let _ = writeln!(out, "  - warning: {}", prose(&warning.to_string()));
            }
        }
    }

    if !diagnosis.findings.is_empty() {
        start_section(&mut out, "## Findings");
        for finding in &diagnosis.findings {
            write_finding_markdown(&mut out, finding, redact);
        }
    }

    if !diagnosis.ruled_out.is_empty() {
        start_section(&mut out, "## Ruled out");
        write_ruled_out_markdown(&mut out, diagnosis, redact);
    }

    if !diagnosis.next_steps.is_empty() {
        start_section(&mut out, "## Next steps");
        for step in &diagnosis.next_steps {
            let _ = writeln!(out, "- {}", prose(&step.what));
            if let Some(command) = &step.command {
                write_fenced(&mut out, "  ", &[redact(command)]);
            }
        }
    }

    if !diagnosis.notes.is_empty() {
        start_section(&mut out, "## Notes");
        for note in &diagnosis.notes {
            let _ = writeln!(out, "- {}", prose(note));
        }
    }
    out
}

/// Starts a block with exactly one blank line before it, whatever the previous
/// block left at its end.
fn start_section(out: &mut String, heading: &str) {
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    out.push_str("\n\n");
    out.push_str(heading);
    out.push_str("\n\n");
}

fn write_finding_markdown(out: &mut String, finding: &Finding, redact: &dyn Fn(&str) -> String) {
    let prose = |text: &str| escape_prose(&redact(text));
    start_section(out, &format!("### `{}`: {}", finding.code, prose(&finding.title)));
    let _ = writeln!(
        out,
        "Severity: {}. Confidence: {}.\n",
        finding.severity,
        confidence_name(finding.confidence)
    );
    for detail in &finding.details {
        let _ = writeln!(out, "{}\n", prose(detail));
    }
    if !finding.evidence.is_empty() {
        out.push_str("Evidence:\n\n");
        write_fenced(out, "", &quoted(&finding.evidence, redact));
        out.push('\n');
        if let Some(omitted) = omitted_evidence(finding) {
            let _ = writeln!(out, "{omitted}\n");
        }
    }
    let _ = writeln!(out, "**Fix:** {}\n", prose(&finding.remediation));
    for link in &finding.links {
        let _ = writeln!(out, "- [{}]({})", link.title, link.url);
    }
}

/// Lists the ruled-out causes. Causes ruled out for the same reason by the same
/// lines share one entry, so the reason is read once.
fn write_ruled_out_markdown(
    out: &mut String,
    diagnosis: &Diagnosis,
    redact: &dyn Fn(&str) -> String,
) {
    let mut groups: Vec<(Vec<String>, &RuledOut)> = Vec::new();
    for entry in &diagnosis.ruled_out {
        let same = groups
            .iter_mut()
            .find(|(_, first)| first.reason == entry.reason && first.evidence == entry.evidence);
        match same {
            Some((codes, _)) => codes.push(format!("`{}`", entry.code)),
            None => groups.push((vec![format!("`{}`", entry.code)], entry)),
        }
    }
    for (codes, entry) in groups {
        let _ = writeln!(out, "- {}: {}", codes.join(", "), escape_prose(&redact(&entry.reason)));
        if !entry.evidence.is_empty() {
            write_fenced(out, "  ", &quoted(&entry.evidence, redact));
        }
    }
}

/// Says how many lines that show `finding` are not quoted, if any.
fn omitted_evidence(finding: &Finding) -> Option<String> {
    match finding.omitted_evidence {
        0 => None,
        1 => Some("(1 more line shows the same, not quoted)".to_string()),
        n => Some(format!("({n} more lines show the same, not quoted)")),
    }
}

/// Formats evidence lines as `input:line: text`, redacted.
fn quoted(lines: &[EvidenceLine], redact: &dyn Fn(&str) -> String) -> Vec<String> {
    lines
        .iter()
        .map(|line| redact(&format!("{}:{}: {}", line.input, line.line, line.text)))
        .collect()
}

/// Writes `lines` as a fenced code block, each line after `indent`.
fn write_fenced(out: &mut String, indent: &str, lines: &[String]) {
    let fence = fence_for(lines);
    let _ = writeln!(out, "{indent}{fence}");
    for line in lines {
        let _ = writeln!(out, "{indent}{line}");
    }
    let _ = writeln!(out, "{indent}{fence}");
}

fn confidence_name(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Possible => "possible",
        Confidence::Likely => "likely",
        Confidence::Confirmed => "confirmed",
    }
}

/// Escapes `<` outside code spans, so a placeholder (`<host-1>`) or pasted markup
/// shows as text instead of being read as an HTML tag. Text inside backticks is
/// shown as it is by Markdown, so it stays. A text with an unpaired backtick has
/// no code span, so all of it is escaped.
fn escape_prose(text: &str) -> String {
    if !text.contains('<') {
        return text.to_string();
    }
    // `is_multiple_of` needs Rust 1.87, above the workspace's 1.85.
    let paired = text.matches('`').count() % 2 != 1;
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' if paired => in_code = !in_code,
            '<' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Writes the walk's conclusion, its cause, how it relates to the top finding,
/// and the answers given.
fn write_walk_markdown(
    out: &mut String,
    diagnosis: &Diagnosis,
    walk: &WalkOutcome,
    redact: &dyn Fn(&str) -> String,
) {
    let prose = |text: &str| escape_prose(&redact(text));
    let _ = writeln!(out, "**Conclusion:** `{}`: {}", walk.code, prose(&walk.title));
    let _ = writeln!(out, "\n{}", prose(&walk.cause));
    if let Some(code) = diagnosis.conclusion.filter(|code| code.as_str() != walk.code) {
        let _ = writeln!(
            out,
            "\nThe evidence alone ranks `{code}` first; the answers below lead to this conclusion."
        );
    }
    if walk.answers.is_empty() {
        return;
    }
    start_section(out, "## Answers");
    for given in &walk.answers {
        let _ = write!(out, "- {} **{}**", prose(&given.question), prose(&given.label));
        match &given.answered_by {
            Some(code) => {
                let _ = writeln!(out, " (answered by the finding `{code}`)");
            }
            None => out.push('\n'),
        }
    }
}

/// Wraps `text` in a code span whose backtick run is longer than any in `text`,
/// with spaces inside when `text` starts or ends with a backtick.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Completes a bug report with the findings, the evidence lines that prove them
/// and the ruled-out causes of `diagnosis`. `walk` brings the title, summary and
/// steps of the walk; its other fields are replaced.
///
/// The result is not redacted: redact it (see [`crate::redact`]) before building
/// the link.
pub fn to_issue_report(diagnosis: &Diagnosis, walk: IssueReport) -> IssueReport {
    let findings = diagnosis
        .findings
        .iter()
        .map(|finding| IssueFinding {
            code: finding.code.as_str().to_string(),
            severity: finding.severity.as_str().to_string(),
            title: finding.title.clone(),
            security: false,
        })
        .collect();
    // Most important finding first, because the issue link cuts a long excerpt
    // from its end.
    let evidence_excerpt = diagnosis
        .findings
        .iter()
        .flat_map(|finding| &finding.evidence)
        .map(|line| format!("{}:{}: {}\n", line.input, line.line, line.text))
        .collect();
    let ruled_out = diagnosis
        .ruled_out
        .iter()
        .map(|entry| format!("{}: {}", entry.code, entry.reason))
        .collect();
    IssueReport { evidence_excerpt, findings, ruled_out, ..walk }
}

/// Formats the answered steps of a walk as the bug report's steps to reproduce:
/// each step's question followed by the answer given.
pub fn walk_steps(path: &[GivenAnswer<'_>]) -> Vec<String> {
    path.iter().map(|given| format!("{} {}", given.step.question, given.answer.label)).collect()
}

/// Lists the pasted lines that the findings and the ruled-out causes quote, for
/// the redaction plan: some values are found only by where they sit in such a line.
pub fn quoted_lines(diagnosis: &Diagnosis) -> Vec<&str> {
    let findings = diagnosis.findings.iter().flat_map(|finding| &finding.evidence);
    let ruled_out = diagnosis.ruled_out.iter().flat_map(|entry| &entry.evidence);
    findings.chain(ruled_out).map(|line| line.text.as_str()).collect()
}

/// Returns a code fence longer than any run of backticks in `lines`, so pasted
/// text that holds a fence (a Markdown paste) cannot end the block early.
fn fence_for(lines: &[String]) -> String {
    let longest =
        lines.iter().flat_map(|line| line.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_outgrows_pasted_backticks() {
        assert_eq!(fence_for(&["plain".to_string()]), "```");
        assert_eq!(fence_for(&["```".to_string(), "x".to_string()]), "````");
        assert_eq!(fence_for(&["a ````` b".to_string()]), "``````");
    }

    #[test]
    fn escape_prose_cases() {
        let cases = [
            ("plain", "no markup", "no markup"),
            ("placeholder", "peer <ip-1> refused", "peer \\<ip-1> refused"),
            (
                "inside code span",
                "load `<inline>` from <inline>",
                "load `<inline>` from \\<inline>",
            ),
            ("unpaired backtick", "a ` b <x>", "a ` b \\<x>"),
        ];
        for (name, text, expected) in cases {
            assert_eq!(escape_prose(text), expected, "case {name}");
        }
    }

    #[test]
    fn json_redaction_reaches_nested_strings() {
        let inputs = [Input::parse("peer-10.0.0.1.log", "x")];
        let redact = |text: &str| text.replace("10.0.0.1", "<ip-1>");
        let value = to_json_redacted(&inputs, &Diagnosis::default(), &redact);
        assert_eq!(value["inputs"][0]["name"], "peer-<ip-1>.log");
        assert_eq!(value["inputs"][0]["kind"], "other");
        assert!(value.get("findings").is_some_and(Value::is_array));
    }

    #[test]
    fn code_span_outgrows_backticks() {
        assert_eq!(code_span("envoy.log"), "`envoy.log`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
