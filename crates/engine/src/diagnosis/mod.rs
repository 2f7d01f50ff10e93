//! Diagnosis: from parsed evidence to ranked findings and a conclusion.
//!
//! [`diagnose`] runs every rule family over the parsed inputs, lets evidence
//! against a cause remove it ([`Diagnosis::ruled_out`]), ranks what is left
//! ([`rank`]) and lists what to collect when the evidence cannot decide
//! ([`Diagnosis::next_steps`]). [`report`] renders the result as the `meshtls`
//! JSON object, as text for a terminal and as Markdown.

pub mod findings;
pub mod rank;
pub mod report;
mod rules;
pub mod tls_counters;

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

use serde::Serialize;

pub use findings::{Code, Family, Link, Severity, Spec};
pub use rules::certificates::{blanked_key_evidence, certificate_checks};

use crate::evidence::pause::{self, NoPause, Pass, Pause, Progress};
use crate::evidence::pem::{self, PrivateKeyFound};
use crate::evidence::{detect, text, ParsedInput, Warning};

/// One paste: its parsed records and the text they were parsed from, which
/// findings quote.
#[derive(Clone, Debug)]
pub struct Input {
    pub parsed: ParsedInput,
    /// The text as pasted. [`Input::parse`] indexes its lines, so build a new
    /// `Input` rather than changing this field.
    pub text: String,
    /// Byte offset where each line starts, so quoting a line costs no scan.
    line_starts: Vec<usize>,
    /// The private keys [`Input::parse`] removed from the text before parsing.
    pub private_keys: Vec<PrivateKeyFound>,
    /// First and last line of each private key block; those lines are never quoted.
    private_key_blocks: Vec<(usize, usize)>,
}

impl Input {
    /// Decodes `bytes` as UTF-16 when they start with its byte-order mark, else
    /// as UTF-8, replacing invalid sequences with U+FFFD (which [`Input::parse`]
    /// then warns about), and parses the text.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Input {
        match text::decode_utf16_with_bom(bytes) {
            Some(decoded) => Input::parse(name, &decoded),
            None => Input::parse(name, &String::from_utf8_lossy(bytes)),
        }
    }

    /// Removes private keys from `text`, detects its kind, parses it, and keeps
    /// the text for quoting.
    ///
    /// Keys go first ([`pem::blank_private_keys`]), so no parser, warning,
    /// finding or report receives a byte of them. The line breaks inside a key
    /// stay, so line numbers still match the paste.
    ///
    /// A line that holds U+FFFD gets a warning: it is what a lossy decoding
    /// leaves of bytes that were not UTF-8, so the line is not what was pasted.
    pub fn parse(name: &str, text: &str) -> Input {
        pause::run_to_end(Input::parse_pausing(name, text, &mut NoPause))
    }

    /// Parses as [`Input::parse`] does, and awaits `pause` every
    /// [`pause::LINES_PER_PAUSE`] lines of each pass over the lines.
    pub async fn parse_pausing(name: &str, text: &str, pause: &mut impl Pause) -> Input {
        // One pass over the text finds whether it has a private key's marker or a
        // U+FFFD. Nearly every paste has neither, and then the scans for them are skipped.
        let markers: Vec<(&str, usize)> = pem::PRIVATE_KEY_MARKERS
            .iter()
            .copied()
            .chain([("PRIVATE KEY-----", 6), ("\u{FFFD}", 0)])
            .collect();
        let marked = text::contains_any(text, &markers);
        let blanked = if marked {
            pem::blank_private_keys(text)
        } else {
            pem::BlankedKeys {
                text: std::borrow::Cow::Borrowed(text),
                private_keys: Vec::new(),
                lines: Vec::new(),
            }
        };
        let text: &str = &blanked.text;
        let mut line_starts = if text.is_empty() { Vec::new() } else { vec![0] };
        line_starts.extend(text::newlines(text).map(|index| index + 1));
        if line_starts.last() == Some(&text.len()) && !text.is_empty() {
            // A final line break ends the last line; it does not start a new one.
            line_starts.pop();
        }
        let lines_total = line_starts.len();
        pause.pause(Progress { pass: Pass::Detection, lines_read: 0, lines_total }).await;
        let mut parsed = detect::parse_input_pausing(name, text, lines_total, pause).await;
        if !blanked.private_keys.is_empty() && text.trim().is_empty() {
            // Only a key was pasted. The key finding reports it, and a warning that
            // the input is empty or in Windows line ends would contradict it.
            parsed.warnings.clear();
        }
        let replaced = (marked && text.contains('\u{FFFD}')).then(|| {
            text.lines().position(|line| line.contains('\u{FFFD}')).map(|index| index + 1)
        });
        if let Some(line) = replaced.flatten() {
            let warning = Warning::at_line(
                line,
                "invalid UTF-8: bytes on this line were not UTF-8 and show as U+FFFD",
            );
            let position = parsed.warnings.partition_point(|known| known.line <= line);
            parsed.warnings.insert(position, warning);
        }
        // Each block starts on a line with `PRIVATE KEY-----`.
        let mut private_key_blocks = if marked && text.contains("PRIVATE KEY-----") {
            private_key_blocks(text)
        } else {
            Vec::new()
        };
        private_key_blocks.extend(&blanked.lines);
        Input {
            parsed,
            text: text.to_string(),
            line_starts,
            private_keys: blanked.private_keys,
            private_key_blocks,
        }
    }

    pub fn name(&self) -> &str {
        &self.parsed.name
    }

    /// Returns the number of lines of the text, as `str::lines` counts them,
    /// from the line index instead of a scan.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Returns line `number` (1-based) of the text, without its line ending, as
    /// `str::lines` numbers them.
    pub fn line(&self, number: usize) -> Option<&str> {
        let index = number.checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self.line_starts.get(index + 1).map_or(self.text.len(), |next| next - 1);
        let line = self.text.get(start..end)?;
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Returns the line of the `BEGIN … PRIVATE KEY` marker when line `number`
    /// lies inside a private key block, markers included.
    pub fn private_key_marker(&self, number: usize) -> Option<usize> {
        self.private_key_blocks
            .iter()
            .find(|(first, last)| (*first..=*last).contains(&number))
            .map(|(first, _)| *first)
    }
}

/// Finds the `BEGIN … PRIVATE KEY` to `END … PRIVATE KEY` blocks of `text`; a
/// block without its END marker runs to the end of the text.
fn private_key_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut open: Option<usize> = None;
    let mut last_line = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        last_line = number;
        let marks_key = line.contains("PRIVATE KEY-----");
        match open {
            None if marks_key && line.contains("-----BEGIN") => open = Some(number),
            Some(first) if marks_key && line.contains("-----END") => {
                blocks.push((first, number));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(first) = open {
        blocks.push((first, last_line));
    }
    blocks
}

/// The four documented symptoms a person starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Symptom {
    /// A backend with a TLS client policy fails with HTTP 503.
    TlsClientPolicy,
    /// The application itself originates TLS.
    OriginatingTls,
    /// Nobody can tell whether proxy-to-proxy traffic is TLS.
    TlsBetweenProxies,
    /// A load balancer encrypting traffic to a virtual node fails.
    TlsElb,
}

impl Symptom {
    pub const ALL: [Symptom; 4] = [
        Symptom::TlsClientPolicy,
        Symptom::OriginatingTls,
        Symptom::TlsBetweenProxies,
        Symptom::TlsElb,
    ];

    /// Returns the id used by `--symptom` and by the page's `symptom-<id>` test ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Symptom::TlsClientPolicy => "tls-client-policy",
            Symptom::OriginatingTls => "originating-tls",
            Symptom::TlsBetweenProxies => "tls-between-proxies",
            Symptom::TlsElb => "tls-elb",
        }
    }

    pub fn from_id(id: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|symptom| symptom.as_str() == id)
    }
}

impl fmt::Display for Symptom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the caller knows besides the pastes.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The current time in unix seconds, for expiry checks. The engine never reads a clock.
    pub now: i64,
    /// The name the client requested, matched against certificate SANs.
    pub host: Option<String>,
    pub symptom: Option<Symptom>,
    /// PEM CA certificates to verify the other certificates against. When empty,
    /// self-signed CA certificates among the inputs are taken as the bundle.
    pub trust_bundle: Vec<Input>,
}

/// One quoted line of an input.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct EvidenceLine {
    /// The input's name: a file name, `-` for standard input, or the page's paste name.
    pub input: String,
    /// 1-based line number in that input.
    pub line: usize,
    /// The line as it was pasted (a private key line is never quoted).
    pub text: String,
}

/// How directly the evidence shows the cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The evidence fits this cause among others; more is needed to be sure.
    Possible,
    /// The evidence points to this cause, but through an inference (for example
    /// an alert the peer sent, whose reason the peer alone knows).
    Likely,
    /// The evidence states the cause itself (an error string, a date, a counter).
    Confirmed,
}

/// One diagnosed fact or cause.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The registry title, made specific where the subject is known.
    pub title: String,
    /// The listener, cluster, certificate or connection this finding is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// What the evidence shows and how it leads here: counter values, the
    /// direction of an alert, where Envoy's counting differs from the docs.
    pub details: Vec<String>,
    /// The distinct lines that show the finding, in the order the rules found
    /// them. A [`Diagnosis`] quotes at most [`MAX_EVIDENCE_LINES`] of them.
    pub evidence: Vec<EvidenceLine>,
    /// How many more distinct lines show the finding than `evidence` quotes.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_evidence: usize,
    pub remediation: String,
    pub links: Vec<Link>,
    pub confidence: Confidence,
}

impl Finding {
    /// Starts a finding with the registry's severity, title, fix and links.
    pub fn new(code: Code, confidence: Confidence) -> Finding {
        let spec = code.spec();
        Finding {
            code,
            severity: spec.severity,
            title: spec.title.to_string(),
            subject: None,
            details: Vec::new(),
            evidence: Vec::new(),
            omitted_evidence: 0,
            remediation: spec.remediation.to_string(),
            links: spec.links.to_vec(),
            confidence,
        }
    }

    pub fn with_subject(mut self, subject: impl Into<String>) -> Finding {
        let subject = subject.into();
        self.title = format!("{} ({subject})", self.title);
        self.subject = Some(subject);
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Finding {
        self.details.push(detail.into());
        self
    }

    pub fn with_evidence(mut self, evidence: impl IntoIterator<Item = EvidenceLine>) -> Finding {
        self.evidence.extend(evidence);
        remove_repeats(&mut self.evidence);
        self
    }

    /// Removes repeated evidence lines and details, keeping the first of each.
    pub(crate) fn remove_repeats(&mut self) {
        remove_repeats(&mut self.evidence);
        remove_repeats(&mut self.details);
    }

    /// Keeps the first [`MAX_EVIDENCE_LINES`] evidence lines and counts the rest
    /// in `omitted_evidence`.
    pub(crate) fn cap_evidence(&mut self) {
        let extra = self.evidence.len().saturating_sub(MAX_EVIDENCE_LINES);
        self.evidence.truncate(MAX_EVIDENCE_LINES);
        self.omitted_evidence += extra;
    }
}

/// Evidence lines quoted per finding. A log of thousands of failed handshakes
/// proves its cause no better with every line quoted: quoting them all made the
/// report megabytes long, and merging them compared every pair of lines.
pub const MAX_EVIDENCE_LINES: usize = 20;

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// Removes the later copies of repeated items in one pass, where a search of the
/// kept items for each new one would take time quadratic in their number.
fn remove_repeats<T: Hash + Eq>(items: &mut Vec<T>) {
    if items.len() < 2 {
        return;
    }
    let mut seen = HashSet::with_capacity(items.len());
    let first: Vec<bool> = items.iter().map(|item| seen.insert(item)).collect();
    drop(seen);
    let mut is_first = first.into_iter();
    items.retain(|_| is_first.next().unwrap_or(true));
}

/// A cause the evidence argues against, and why.
#[derive(Clone, Debug, Serialize)]
pub struct RuledOut {
    pub code: Code,
    pub reason: String,
    pub evidence: Vec<EvidenceLine>,
}

/// What to collect next, and the exact command that collects it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextStep {
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

/// The result of [`diagnose`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Diagnosis {
    /// Findings, best-supported and most specific cause first.
    pub findings: Vec<Finding>,
    /// The code of the top finding, if any.
    pub conclusion: Option<Code>,
    pub ruled_out: Vec<RuledOut>,
    pub next_steps: Vec<NextStep>,
    /// How the inputs were read: which stats snapshot was used, which trust
    /// bundle, which counters were missing.
    pub notes: Vec<String>,
}

impl Diagnosis {
    /// Returns true when at least one finding has error severity.
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(|finding| finding.severity == Severity::Error)
    }

    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|finding| finding.code).collect()
    }
}

/// Runs every rule over `inputs` and returns the ranked diagnosis.
pub fn diagnose(inputs: &[Input], options: &Options) -> Diagnosis {
    let mut collector = rules::Collector::default();
    rules::run_all(inputs, options, &mut collector);
    rank::finish(collector, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_match_str_lines() {
        let texts = ["", "one", "one\n", "one\r\ntwo\r\n", "a\n\nb", "\n", "x\ry\nz", "é\nü\n\n"];
        for text in texts {
            let input = Input::parse("paste", text);
            let expected: Vec<&str> = text.lines().collect();
            let indexed: Vec<&str> =
                (1..=expected.len() + 1).filter_map(|n| input.line(n)).collect();
            assert_eq!(indexed, expected, "{text:?}");
            assert_eq!(input.line_count(), expected.len(), "{text:?}");
            assert_eq!(input.line(0), None);
        }
    }

    #[test]
    fn private_key_blocks_cover_their_markers() {
        let input = Input::parse(
            "paste",
            "cert\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\nafter\n-----BEGIN RSA PRIVATE KEY-----\nBBBB",
        );
        let markers: Vec<Option<usize>> = (1..=8).map(|n| input.private_key_marker(n)).collect();
        assert_eq!(markers, [None, Some(2), Some(2), Some(2), None, Some(6), Some(6), None]);
    }
}
