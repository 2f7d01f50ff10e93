//! Renders a diagnosis: the `meshtls --format json` object, text for a
//! terminal, and a Markdown report.
//!
//! The JSON field names are part of the public surface: `inputs` (`name`,
//! `kind`, `warnings`, and `parts` for a mixed input), `findings` (`code`,
//! `severity`, `title`, `evidence`, `remediation`, `links`) and `conclusion`.
//! Other fields may be added; none may be renamed.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{Diagnosis, Finding, Input};
use crate::evidence::InputKind;

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
    }
    let _ = writeln!(out, "   Fix: {}", finding.remediation);
    for link in &finding.links {
        let _ = writeln!(out, "   See: {} <{}>", link.title, link.url);
    }
}

/// Renders the diagnosis as a Markdown report (the page's "copy report").
pub fn to_markdown(inputs: &[Input], diagnosis: &Diagnosis) -> String {
    let mut out = String::from("# TLS diagnosis\n\n");

    match diagnosis.conclusion {
        Some(code) => {
            let title = diagnosis.findings.first().map(|finding| finding.title.as_str());
            let _ = writeln!(out, "**Conclusion:** `{code}`: {}\n", title.unwrap_or_default());
        }
        None => out.push_str("**Conclusion:** none: no finding in these inputs.\n\n"),
    }

    if !inputs.is_empty() {
        out.push_str("## Inputs\n\n");
        for input in inputs {
            let parsed = &input.parsed;
            let _ = writeln!(out, "- `{}`: {}", parsed.name, parsed.kind);
            for warning in &parsed.warnings {
                let _ = writeln!(out, "  - warning: {warning}");
            }
        }
        out.push('\n');
    }

    if !diagnosis.findings.is_empty() {
        out.push_str("## Findings\n");
        for finding in &diagnosis.findings {
            write_finding_markdown(&mut out, finding);
        }
    }

    if !diagnosis.ruled_out.is_empty() {
        out.push_str("\n## Ruled out\n\n");
        for entry in &diagnosis.ruled_out {
            let _ = writeln!(out, "- `{}`: {}", entry.code, entry.reason);
        }
    }

    if !diagnosis.next_steps.is_empty() {
        out.push_str("\n## Next steps\n\n");
        for step in &diagnosis.next_steps {
            let _ = writeln!(out, "- {}", step.what);
            if let Some(command) = &step.command {
                let fence = fence_for(std::slice::from_ref(command));
                let _ = writeln!(out, "  {fence}\n  {command}\n  {fence}");
            }
        }
    }

    if !diagnosis.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in &diagnosis.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}

/// Returns a code fence longer than any run of backticks in `lines`, so pasted
/// text that holds a fence (a Markdown paste) cannot end the block early.
fn fence_for(lines: &[String]) -> String {
    let longest =
        lines.iter().flat_map(|line| line.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn write_finding_markdown(out: &mut String, finding: &Finding) {
    let _ = writeln!(out, "\n### `{}` ({}): {}\n", finding.code, finding.severity, finding.title);
    for detail in &finding.details {
        let _ = writeln!(out, "{detail}\n");
    }
    if !finding.evidence.is_empty() {
        let quoted: Vec<String> = finding
            .evidence
            .iter()
            .map(|line| format!("{}:{}: {}", line.input, line.line, line.text))
            .collect();
        let fence = fence_for(&quoted);
        let _ = writeln!(out, "Evidence:\n\n{fence}");
        for line in &quoted {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{fence}\n");
    }
    let _ = writeln!(out, "**Fix:** {}\n", finding.remediation);
    for link in &finding.links {
        let _ = writeln!(out, "- [{}]({})", link.title, link.url);
    }
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
}
