//! The pre-filled bug-report link that ends a conclusion.
//!
//! The link opens GitHub's "new issue" page with the title and the body already
//! written in the sections of the App Mesh roadmap's bug-report template. GitHub
//! takes the pre-filled text only from the query string, so the whole report has to
//! fit in one URL: a long body is cut at line boundaries and then asks for the
//! full report as an attachment. A security finding never becomes a public issue: the
//! link then points at the vulnerability-reporting page.
//!
//! The input is the plain [`IssueReport`], not the diagnosis types, and it must be
//! redacted already (see [`crate::redact`]): nothing here removes host names or
//! addresses.

use crate::config::Config;

/// Maximum length of the generated URL, in bytes of its ASCII text.
///
/// GitHub rejects with "Your request URL is too long" for request URLs over about 8 KB
/// (reported at 8 191 and 8 192 bytes by projects that build the same links), and
/// current browsers accept far longer URLs. The margin under 8 192 leaves room for a
/// portal whose issue URL is longer than GitHub's.
pub const MAX_ISSUE_URL_LEN: usize = 8_000;

/// Maximum issue title length in characters: GitHub's issue API rejects longer
/// titles with "title is too long (maximum is 256 characters)".
pub const MAX_TITLE_CHARS: usize = 256;

/// Prefix of the bug-report template's title (`Bug: describe bug here`).
const TITLE_PREFIX: &str = "Bug: ";

/// The section headings of the roadmap's `issue--bug-report.md` template, in its order.
pub const TEMPLATE_SECTIONS: [&str; 5] = [
    "Summary",
    "Steps to Reproduce",
    "Are you currently working around this issue?",
    "Additional context",
    "Attachments",
];

/// The template's prompt under "Are you currently working around this issue?", kept
/// when the report has no workaround so the person answers it.
const WORKAROUND_PROMPT: &str = "How are you currently solving this problem?";

/// The template's prompt under "Steps to Reproduce", kept when the report has no
/// steps (the evidence answered none and the person gave none).
const STEPS_PROMPT: &str = "What are the steps you can take to reproduce this issue?";

/// The content of a bug report, as plain text that is already redacted.
///
/// Fields may be empty. An empty list or text leaves its part of the body out, except
/// the steps and the workaround, which then keep the template's prompts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueReport {
    /// One line naming the problem, without the template's `Bug: ` prefix.
    pub title: String,
    /// The observed problem, in a few sentences.
    pub summary: String,
    /// The steps that lead to the problem, one per entry, numbered in the body.
    pub steps_to_reproduce: Vec<String>,
    /// The person's current workaround, if any.
    pub workaround: String,
    /// The evidence lines that prove the findings, most important first, because a
    /// long excerpt is cut from its end. Rendered as a code block, unescaped.
    pub evidence_excerpt: String,
    /// The findings of the diagnosis, most important first.
    pub findings: Vec<IssueFinding>,
    /// Causes the diagnosis ruled out, one sentence each.
    pub ruled_out: Vec<String>,
    /// Environment facts as (name, value) pairs, for example
    /// (`Envoy image`, `v1.34.13.3-prod`).
    pub environment: Vec<(String, String)>,
}

/// One finding as the issue body lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFinding {
    /// Stable finding code, for example `tls-untrusted-ca`.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// One-line title of the finding.
    pub title: String,
    /// Whether the finding points at a potential security issue in the product
    /// itself; one such finding sends the whole report to vulnerability reporting.
    pub security: bool,
}

/// Target of the conclusion's escalation link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueLink {
    /// A public issue, pre-filled. `shortened` is true when part of the body was cut
    /// to fit in [`MAX_ISSUE_URL_LEN`].
    Issue { url: String, shortened: bool },
    /// A security finding: the vulnerability-reporting page, with nothing pre-filled,
    /// because the report must not appear in a public issue.
    VulnerabilityReport { url: String },
}

impl IssueLink {
    /// Returns the link target.
    pub fn url(&self) -> &str {
        match self {
            IssueLink::Issue { url, .. } | IssueLink::VulnerabilityReport { url } => url,
        }
    }
}

/// Builds the escalation link for a report: the vulnerability-reporting page when a
/// finding is a security finding, else a pre-filled issue no longer than
/// [`MAX_ISSUE_URL_LEN`] bytes.
pub fn build_issue_link(report: &IssueReport, config: &Config) -> IssueLink {
    if report.findings.iter().any(|finding| finding.security) {
        return IssueLink::VulnerabilityReport { url: config.vulnerability_reporting_url.clone() };
    }

    let prefix = url_prefix(config, &issue_title(report));
    let mut blocks = body_blocks(report, config);
    let budget = MAX_ISSUE_URL_LEN.saturating_sub(prefix.len());
    let shortened = shorten_blocks(&mut blocks, budget, &config.product_name);
    let url = prefix + &form_urlencode(&render_blocks(&blocks));
    IssueLink::Issue { url, shortened }
}

/// Renders the full issue body in the template's sections, without shortening; the
/// page offers it for copying when the link had to be cut.
pub fn issue_body(report: &IssueReport, config: &Config) -> String {
    render_blocks(&body_blocks(report, config))
}

/// Formats the issue title: the template's `Bug: ` prefix and the report title on one line,
/// cut to [`MAX_TITLE_CHARS`].
pub fn issue_title(report: &IssueReport) -> String {
    let one_line = report.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut title = if one_line.starts_with(TITLE_PREFIX.trim_end()) {
        one_line
    } else {
        format!("{TITLE_PREFIX}{one_line}")
    };
    if title.chars().count() > MAX_TITLE_CHARS {
        title = title.chars().take(MAX_TITLE_CHARS - 1).collect::<String>() + "…";
    }
    title
}

/// Percent-encodes a query value as `application/x-www-form-urlencoded`, the way
/// `URLSearchParams` does: ASCII letters, digits, `*`, `-`, `.` and `_` stay, a space
/// becomes `+`, and every other byte of the UTF-8 text becomes `%XX`.
pub fn form_urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        push_encoded_byte(&mut out, byte);
    }
    out
}

fn push_encoded_byte(out: &mut String, byte: u8) {
    if byte.is_ascii_alphanumeric() || matches!(byte, b'*' | b'-' | b'.' | b'_') {
        out.push(char::from(byte));
    } else if byte == b' ' {
        out.push('+');
    } else {
        out.push('%');
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
}

/// Returns the upper-case hex digit of a value below 16.
fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).map_or('0', |c| c.to_ascii_uppercase())
}

/// Length of [`form_urlencode`]'s output, without building it.
fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'*' | b'-' | b'.' | b'_' | b' ') {
                1
            } else {
                3
            }
        })
        .sum()
}

fn url_prefix(config: &Config, title: &str) -> String {
    let separator = if config.issue_url.contains('?') { '&' } else { '?' };
    format!(
        "{}{separator}assignees=&labels={}&template={}&title={}&body=",
        config.issue_url,
        form_urlencode(&config.issue_labels),
        form_urlencode(&config.issue_template),
        form_urlencode(title),
    )
}

/// A run of body lines that is shortened as a unit.
struct Block {
    lines: Vec<String>,
    /// Order of cutting: blocks with a higher rank lose lines first; 0 is never cut.
    cut_rank: u8,
    /// Lines removed from the end so far.
    cut: usize,
}

impl Block {
    fn fixed(lines: Vec<String>) -> Block {
        Block { lines, cut_rank: 0, cut: 0 }
    }

    fn cuttable(lines: Vec<String>, cut_rank: u8) -> Block {
        Block { lines, cut_rank, cut: 0 }
    }
}

/// Cut ranks, highest first. The evidence excerpt goes first because it is the longest
/// and the attached report has it anyway. The summary and findings go last because a
/// maintainer reads them first.
const RANK_EVIDENCE: u8 = 6;
const RANK_RULED_OUT: u8 = 5;
const RANK_STEPS: u8 = 4;
const RANK_ENVIRONMENT: u8 = 3;
const RANK_FINDINGS: u8 = 2;
const RANK_SUMMARY: u8 = 1;

fn heading(section: &str) -> String {
    format!("**{section}**")
}

fn body_blocks(report: &IssueReport, config: &Config) -> Vec<Block> {
    let mut blocks = Vec::new();

    blocks.push(Block::fixed(vec![heading("Summary"), String::new()]));
    blocks.push(Block::cuttable(prose_lines(&report.summary), RANK_SUMMARY));
    if !report.findings.is_empty() {
        blocks.push(Block::fixed(vec![String::new(), "Findings:".to_string()]));
        let lines = report.findings.iter().map(finding_line).collect();
        blocks.push(Block::cuttable(lines, RANK_FINDINGS));
    }

    blocks.push(Block::fixed(vec![String::new(), heading("Steps to Reproduce"), String::new()]));
    let steps = if report.steps_to_reproduce.is_empty() {
        vec![format!("_{STEPS_PROMPT}_")]
    } else {
        report
            .steps_to_reproduce
            .iter()
            .enumerate()
            .map(|(index, step)| format!("{}. {}", index + 1, escape_markdown(&one_line(step))))
            .collect()
    };
    blocks.push(Block::cuttable(steps, RANK_STEPS));

    blocks.push(Block::fixed(vec![
        String::new(),
        heading("Are you currently working around this issue?"),
        String::new(),
    ]));
    let workaround = if report.workaround.trim().is_empty() {
        vec![format!("_{WORKAROUND_PROMPT}_")]
    } else {
        prose_lines(&report.workaround)
    };
    blocks.push(Block::cuttable(workaround, RANK_SUMMARY));

    blocks.push(Block::fixed(vec![String::new(), heading("Additional context")]));
    push_additional_context(&mut blocks, report);

    blocks.push(Block::fixed(vec![
        String::new(),
        heading("Attachments"),
        String::new(),
        format!(
            "Generated by the {}. Attach its full report if it helps, after removing any \
             personally identifiable information.",
            config.product_name
        ),
    ]));
    blocks
}

fn push_additional_context(blocks: &mut Vec<Block>, report: &IssueReport) {
    if !report.environment.is_empty() {
        blocks.push(Block::fixed(vec![String::new(), "Environment:".to_string()]));
        let lines = report
            .environment
            .iter()
            .map(|(name, value)| {
                format!(
                    "- {}: {}",
                    escape_markdown(&one_line(name)),
                    escape_markdown(&one_line(value))
                )
            })
            .collect();
        blocks.push(Block::cuttable(lines, RANK_ENVIRONMENT));
    }
    if !report.ruled_out.is_empty() {
        blocks.push(Block::fixed(vec![String::new(), "Ruled out:".to_string()]));
        let lines = report
            .ruled_out
            .iter()
            .map(|cause| format!("- {}", escape_markdown(&one_line(cause))))
            .collect();
        blocks.push(Block::cuttable(lines, RANK_RULED_OUT));
    }
    let excerpt = report.evidence_excerpt.trim_end();
    if !excerpt.trim().is_empty() {
        let fence = code_fence(excerpt);
        blocks.push(Block::fixed(vec![String::new(), "Evidence:".to_string(), String::new()]));
        blocks.push(Block::fixed(vec![format!("{fence}text")]));
        let lines = excerpt.lines().map(|line| line.trim_end_matches('\r').to_string()).collect();
        blocks.push(Block::cuttable(lines, RANK_EVIDENCE));
        blocks.push(Block::fixed(vec![fence]));
    }
}

fn finding_line(finding: &IssueFinding) -> String {
    format!(
        "- {} `{}`: {}",
        escape_markdown(&one_line(&finding.severity)),
        one_line(&finding.code).replace('`', "'"),
        escape_markdown(&one_line(&finding.title))
    )
}

/// Returns a fence of backticks longer than any backtick run in the excerpt, so the excerpt
/// cannot close the code block early.
fn code_fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn prose_lines(text: &str) -> Vec<String> {
    text.trim().lines().map(|line| escape_markdown(line.trim_end())).collect()
}

/// Escapes `<` so redaction placeholders such as `<host-1>` and any pasted markup show
/// as text: GitHub's Markdown would otherwise take them for HTML tags and drop them.
fn escape_markdown(text: &str) -> String {
    text.replace('<', "\\<")
}

fn render_blocks(blocks: &[Block]) -> String {
    let mut body = String::new();
    for block in blocks {
        for line in &block.lines {
            body.push_str(line);
            body.push('\n');
        }
        if block.cut > 0 {
            body.push_str(&cut_marker(block.cut));
            body.push('\n');
        }
    }
    body
}

fn cut_marker(lines_cut: usize) -> String {
    let noun = if lines_cut == 1 { "line" } else { "lines" };
    format!("[{lines_cut} more {noun} in the attached full report]")
}

fn shortened_note(product_name: &str) -> String {
    format!(
        "This body was shortened to fit in a link. Please attach the full report from the \
         {product_name} (Markdown) to this issue, or paste the full issue body that it \
         copies in place of this text."
    )
}

/// Removes lines from the end of the highest-ranked blocks until the encoded body fits
/// in `budget` bytes, and adds the note that the full report is to be attached.
/// Returns whether anything was cut.
fn shorten_blocks(blocks: &mut [Block], budget: usize, product_name: &str) -> bool {
    // Each line is followed by a newline, encoded as `%0A`.
    let line_cost = |line: &str| encoded_len(line) + 3;
    let mut total: usize = blocks.iter().flat_map(|b| &b.lines).map(|l| line_cost(l)).sum();
    if total <= budget {
        return false;
    }

    let note = shortened_note(product_name);
    total += line_cost("") + line_cost(&note);
    if let Some(last) = blocks.last_mut() {
        last.lines.push(String::new());
        last.lines.push(note);
    }

    let mut order: Vec<usize> =
        (0..blocks.len()).filter(|&i| blocks.get(i).is_some_and(|b| b.cut_rank > 0)).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(blocks.get(i).map_or(0, |b| b.cut_rank)));

    for index in order {
        let Some(block) = blocks.get_mut(index) else { continue };
        while total > budget {
            let Some(line) = block.lines.pop() else { break };
            let marker_before = if block.cut > 0 { line_cost(&cut_marker(block.cut)) } else { 0 };
            block.cut += 1;
            let marker_after = line_cost(&cut_marker(block.cut));
            total = total - line_cost(&line) - marker_before + marker_after;

            // A line longer than half the budget is cut inside, at a character
            // boundary, so one giant line does not empty its section. Shorter lines
            // go whole, so every line that remains is complete.
            if total <= budget && line_cost(&line) > budget / 2 {
                let room = budget - total;
                if let Some(kept) =
                    truncate_to_encoded(&line, room.saturating_sub(3 + encoded_len("…")))
                {
                    total += line_cost(&kept);
                    block.lines.push(kept);
                }
            }
        }
        if total <= budget {
            break;
        }
    }
    true
}

/// Returns the longest prefix of `line` whose encoded form, with a trailing `…`, fits in
/// `room` bytes; `None` when not even a few characters fit.
fn truncate_to_encoded(line: &str, room: usize) -> Option<String> {
    const MIN_KEPT_CHARS: usize = 8;
    let mut used = 0;
    let mut end = 0;
    for (offset, c) in line.char_indices() {
        let mut buffer = [0u8; 4];
        let cost = encoded_len(c.encode_utf8(&mut buffer));
        if used + cost > room {
            break;
        }
        used += cost;
        end = offset + c.len_utf8();
    }
    let kept = line.get(..end)?;
    if kept.chars().count() < MIN_KEPT_CHARS {
        return None;
    }
    Some(format!("{kept}…"))
}
