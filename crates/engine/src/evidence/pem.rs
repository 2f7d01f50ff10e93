//! PEM certificates as people paste them: one block or many, inside the text
//! that `openssl x509 -text` or `openssl s_client -showcerts` prints around
//! them, behind shell continuation prompts (`> `), with CRLF line ends or with
//! the line breaks lost. A DER file dropped on the page is read by [`parse_der`].
//!
//! Private keys are detected and skipped: the bundle records only the kind of
//! key and the line where it starts, and no field or warning contains any byte
//! or character of the key, so nothing downstream can repeat it.

use std::borrow::Cow;
use std::fmt;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

use super::{text, Warning};
use crate::x509::Certificate;

/// Everything read from one paste.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PemBundle {
    /// Certificates in the order they were pasted.
    pub certificates: Vec<PemCertificate>,
    /// Private keys found, which the diagnosis reports as `tls-private-key-pasted`.
    pub private_keys: Vec<PrivateKeyFound>,
    /// Blocks of other kinds (`CERTIFICATE REQUEST`, `PUBLIC KEY`, …), which are skipped.
    pub other_blocks: Vec<OtherBlock>,
}

/// One certificate and where it was in the paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemCertificate {
    /// 1-based line of the BEGIN marker in the whole input (1 for a DER file).
    pub first_line: usize,
    /// 1-based line of the END marker.
    pub last_line: usize,
    pub certificate: Certificate,
}

/// The presence of a private key, without any key material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrivateKeyFound {
    /// 1-based line where the key starts in the whole input.
    pub line: usize,
    pub kind: PrivateKeyKind,
}

/// The format of a private key, from its PEM label or DER structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivateKeyKind {
    /// `RSA PRIVATE KEY` (PKCS#1).
    Rsa,
    /// `EC PRIVATE KEY` (SEC 1).
    Ec,
    /// `DSA PRIVATE KEY`.
    Dsa,
    /// `PRIVATE KEY` (PKCS#8).
    Pkcs8,
    /// `ENCRYPTED PRIVATE KEY` (PKCS#8).
    EncryptedPkcs8,
    /// `OPENSSH PRIVATE KEY`.
    OpenSsh,
    /// The text `openssl rsa -text` or `openssl pkey -text` prints for a key.
    TextDump,
    /// Any other label that contains `PRIVATE KEY`.
    Other,
}

impl fmt::Display for PrivateKeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrivateKeyKind::Rsa => "RSA private key (PKCS#1)",
            PrivateKeyKind::Ec => "EC private key (SEC 1)",
            PrivateKeyKind::Dsa => "DSA private key",
            PrivateKeyKind::Pkcs8 => "private key (PKCS#8)",
            PrivateKeyKind::EncryptedPkcs8 => "encrypted private key (PKCS#8)",
            PrivateKeyKind::OpenSsh => "OpenSSH private key",
            PrivateKeyKind::TextDump => "private key printed as text",
            PrivateKeyKind::Other => "private key",
        })
    }
}

/// A PEM block that is neither a certificate nor a private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherBlock {
    pub line: usize,
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockKind {
    Certificate,
    PrivateKey(PrivateKeyKind),
    Other,
}

fn block_kind(label: &str) -> BlockKind {
    match label {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => BlockKind::Certificate,
        "RSA PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::Rsa),
        "EC PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::Ec),
        "DSA PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::Dsa),
        "PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::Pkcs8),
        "ENCRYPTED PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::EncryptedPkcs8),
        "OPENSSH PRIVATE KEY" => BlockKind::PrivateKey(PrivateKeyKind::OpenSsh),
        other if other.contains("PRIVATE KEY") => BlockKind::PrivateKey(PrivateKeyKind::Other),
        _ => BlockKind::Other,
    }
}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";

/// An open block: its label, kind, first line, and for a certificate the
/// base64 text with the line and column each piece came from.
struct OpenBlock {
    label: String,
    kind: BlockKind,
    line: usize,
    body: Vec<BodyPiece>,
    damaged: bool,
}

struct BodyPiece {
    line: usize,
    text: String,
}

struct Parser {
    bundle: PemBundle,
    warnings: Vec<Warning>,
    open: Option<OpenBlock>,
}

/// Text with every PEM private key removed, and what was removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlankedKeys<'a> {
    /// The text with each key's characters, markers included, deleted. Line
    /// breaks inside a key stay, so every other line keeps its number. The
    /// text is borrowed when it held no key.
    pub text: Cow<'a, str>,
    /// Each key removed, at the line of its BEGIN marker.
    pub private_keys: Vec<PrivateKeyFound>,
    /// First and last line (1-based) of each removed key.
    pub lines: Vec<(usize, usize)>,
}

/// The texts that every private key [`blank_private_keys`] removes contains one of,
/// each with the position of a byte of it that is rare in pastes, for a search that
/// looks for those bytes first.
pub(crate) const PRIVATE_KEY_MARKERS: &[(&str, usize)] = &[
    // The `E` of `BEGIN`.
    (BEGIN, 6),
    // The `J` of the base64 of `-----BEGIN`.
    (ENCODED_BEGIN, 11),
    // Every key dump of `openssl pkey -text` contains one of these two.
    ("Private-Key:", 8),
    ("privateExponent:", 7),
];

/// Returns whether `text` contains a marker that [`blank_private_keys`] starts
/// from. One fast pass decides, so a caller can skip the blanking and its
/// copy for the many pastes without one.
pub fn may_hold_private_key(text: &str) -> bool {
    text::contains_any(text, PRIVATE_KEY_MARKERS)
}

/// Returns whether `text` mentions a private key or contains a marker that
/// [`blank_private_keys`] starts from: text that a name or host field must
/// not carry into findings and reports.
pub fn is_key_like(text: &str) -> bool {
    text.contains("PRIVATE KEY") || may_hold_private_key(text)
}

/// Removes every PEM private key from `text`, wherever its line breaks went.
///
/// A key runs from `-----BEGIN … PRIVATE KEY-----` to the next `-----END …-----`
/// marker. That finds it on its own lines, joined with spaces on one line, and
/// as one string with `\n` escapes in YAML or JSON. A key without an END marker
/// runs to the next BEGIN marker or to the end of the text. Indentation before
/// a key and blanks after it go too when nothing else shares the line.
///
/// A base64 token that decodes to a PEM private key, as `tls.key` in a
/// Kubernetes Secret, is deleted as well.
pub fn blank_private_keys(text: &str) -> BlankedKeys<'_> {
    let mut out = String::new();
    let mut private_keys = Vec::new();
    let mut lines = Vec::new();
    // Bytes of `text` before `copied` are already in `out`.
    let mut copied = 0;
    let mut search = 0;
    let mut lines_seen = LineCounter::new(text);

    while let Some(found) = text.get(search..).and_then(|rest| rest.find(BEGIN)) {
        let start = search + found;
        let after_begin = start + BEGIN.len();
        let Some(label) = marker_label(text, after_begin) else {
            search = after_begin;
            continue;
        };
        let BlockKind::PrivateKey(kind) = block_kind(label.text) else {
            search = after_begin;
            continue;
        };
        let end = key_end(text, label.end);

        // Widen the span over indentation and trailing blanks when the key is
        // alone on its lines, so a blanked line is empty.
        let line_start = text.get(..start).and_then(|head| head.rfind('\n')).map_or(0, |i| i + 1);
        let indent = text.get(line_start..start).unwrap_or_default();
        let from = if indent.trim().is_empty() { line_start } else { start };
        let line_end =
            text.get(end..).and_then(|tail| tail.find('\n')).map_or(text.len(), |i| end + i);
        let trailing = text.get(end..line_end).unwrap_or_default();
        let to = if trailing.trim().is_empty() { line_end } else { end };

        let first_line = lines_seen.line_at(start);
        // A key without an END marker may stop after a line break, which is
        // not part of its last line.
        let inside = text.get(start..end).unwrap_or_default().trim_end_matches(['\n', '\r']);
        let last_line = first_line + inside.matches('\n').count();
        private_keys.push(PrivateKeyFound { line: first_line, kind });
        lines.push((first_line, last_line));

        out.push_str(text.get(copied..from).unwrap_or_default());
        let removed = text.get(from..to).unwrap_or_default();
        out.extend(removed.chars().filter(|c| matches!(c, '\n' | '\r')));
        copied = to;
        search = to.max(after_begin);
    }

    let text: Cow<'_, str> = if private_keys.is_empty() {
        Cow::Borrowed(text)
    } else {
        out.push_str(text.get(copied..).unwrap_or_default());
        Cow::Owned(out)
    };

    let text = match blank_encoded_keys(&text, &mut private_keys, &mut lines) {
        Some(without) => Cow::Owned(without),
        None => text,
    };
    let text = match blank_key_text_dumps(&text, &mut private_keys, &mut lines) {
        Some(without) => Cow::Owned(without),
        None => text,
    };
    private_keys.sort_by_key(|key| key.line);
    lines.sort_unstable();
    BlankedKeys { text, private_keys, lines }
}

/// Base64 of `-----BEGIN`: the start of a whole PEM file encoded again, as a
/// Kubernetes Secret stores `tls.key` under `data`.
const ENCODED_BEGIN: &str = "LS0tLS1CRUdJTi";

/// Deletes each base64 token that decodes to PEM text holding a private key,
/// adds the keys and their lines to `keys` and `lines`, and returns the text
/// without them, or `None` when there was none.
fn blank_encoded_keys(
    text: &str,
    keys: &mut Vec<PrivateKeyFound>,
    lines: &mut Vec<(usize, usize)>,
) -> Option<String> {
    let is_base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    let mut lines_seen = LineCounter::new(text);

    while let Some(position) = text.get(search..).and_then(|rest| rest.find(ENCODED_BEGIN)) {
        let start = search + position;
        let rest = text.get(start..).unwrap_or_default();
        let end = start + rest.find(|c: char| !is_base64(c)).unwrap_or(rest.len());
        search = end.max(start + ENCODED_BEGIN.len());
        // Inside a longer token the bytes are not aligned to `-----BEGIN`.
        if text.get(..start).and_then(|head| head.chars().next_back()).is_some_and(is_base64) {
            continue;
        }
        let Ok(decoded) = BASE64.decode(text.get(start..end).unwrap_or_default()) else {
            continue;
        };
        let decoded = String::from_utf8_lossy(&decoded);
        let inner = blank_private_keys(&decoded);
        if inner.private_keys.is_empty() {
            continue;
        }
        let line = lines_seen.line_at(start);
        for key in inner.private_keys {
            keys.push(PrivateKeyFound { line, kind: key.kind });
            lines.push((line, line));
        }
        out.push_str(text.get(copied..start).unwrap_or_default());
        copied = end;
    }

    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

/// Blanks each private key that `openssl pkey -text` (or `rsa`, `ec`) printed:
/// the header line and every field and hex line after it, up to the first
/// line of another kind. Records the keys in `keys` and `lines` and returns the
/// text without them, or `None` when there was none.
fn blank_key_text_dumps(
    text: &str,
    keys: &mut Vec<PrivateKeyFound>,
    lines: &mut Vec<(usize, usize)>,
) -> Option<String> {
    // Every dump start that is_key_text_dump accepts contains one of these.
    if !text.contains("Private-Key:") && !text.contains("privateExponent:") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut found = false;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if is_key_text_dump(content) {
            if !inside {
                keys.push(PrivateKeyFound { line: index + 1, kind: PrivateKeyKind::TextDump });
                lines.push((index + 1, index + 1));
            }
            inside = true;
        } else if inside && !is_key_dump_field(content) {
            inside = false;
        }
        if inside {
            found = true;
            out.push_str(line.get(content.len()..).unwrap_or_default());
            if let Some(last) = lines.last_mut() {
                last.1 = index + 1;
            }
        } else {
            out.push_str(line);
        }
    }
    found.then_some(out)
}

/// Tells whether `line` continues a key's text dump: a hex line such as
/// `    00:c3:1f:`, a field header such as `prime1:`, or a one-line field such
/// as `publicExponent: 65537 (0x10001)` or `ASN1 OID: prime256v1`.
fn is_key_dump_field(line: &str) -> bool {
    let line = strip_prompt(line);
    if line.is_empty() {
        return false;
    }
    let hex = line.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    let Some((name, value)) = line.split_once(':') else {
        return hex;
    };
    let field_name = !name.is_empty()
        && name.len() <= 24
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
    // A header with nothing after the colon introduces hex lines of key material,
    // so any such header continues the dump. A `name: value` line continues it only
    // when openssl prints that field; any other follows the dump and is kept.
    let field = (field_name && value.trim().is_empty()) || ONE_LINE_KEY_FIELDS.contains(&name);
    hex || field
}

/// The one-line `name: value` fields that `openssl pkey -text` prints for RSA, EC
/// and DH keys.
const ONE_LINE_KEY_FIELDS: &[&str] =
    &["publicExponent", "ASN1 OID", "NIST CURVE", "recommended-private-length"];

/// Line numbers of byte offsets met in increasing order, counted once across
/// the text, so many keys in a large paste cost one pass.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text, offset: 0, line: 1 }
    }

    /// Returns the 1-based line of byte `offset`, which is not before the last one asked.
    fn line_at(&mut self, offset: usize) -> usize {
        let skipped = self.text.get(self.offset..offset).unwrap_or_default();
        self.line += skipped.matches('\n').count();
        self.offset = self.offset.max(offset);
        self.line
    }
}

/// A marker's label and the byte offset just past the marker.
struct MarkerLabel<'a> {
    text: &'a str,
    end: usize,
}

/// Reads the label of the marker whose `-----BEGIN ` or `-----END ` ends at
/// `from`: the text up to the closing dashes on the same line, as [`parse`]
/// reads it. Without dashes the label runs to the line end or to an escaped
/// line break (`\n` in YAML or JSON), whichever comes first.
fn marker_label(text: &str, from: usize) -> Option<MarkerLabel<'_>> {
    let rest = text.get(from..)?;
    let line = rest.split('\n').next().unwrap_or_default();
    if let Some(dashes) = line.find(DASHES) {
        let label = line.get(..dashes)?.trim();
        return Some(MarkerLabel { text: label, end: from + dashes + DASHES.len() });
    }
    let line = line.split('\\').next().unwrap_or_default();
    Some(MarkerLabel { text: line.trim().trim_end_matches('-'), end: from + line.len() })
}

/// Returns the byte offset just past the END marker that closes the key whose
/// BEGIN marker ends at `from`. A key without an END marker ends where the next
/// BEGIN marker starts, or else at the end of the text.
fn key_end(text: &str, from: usize) -> usize {
    let rest = text.get(from..).unwrap_or_default();
    let next_end = rest.find(END);
    let next_begin = rest.find(BEGIN);
    match next_end.filter(|end| next_begin.is_none_or(|begin| *end < begin)) {
        Some(end) => {
            let after = from + end + END.len();
            marker_label(text, after).map_or(after, |label| label.end)
        }
        None => next_begin.map_or(text.len(), |begin| from + begin),
    }
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
///
/// Text outside PEM blocks is skipped. [`text_dumps_without_pem`] warns where
/// that text is a certificate printed by `openssl x509 -text` without its PEM
/// block, since no certificate can be read from it.
pub fn parse(text: &str, first_line: usize) -> (PemBundle, Vec<Warning>) {
    let mut parser = Parser { bundle: PemBundle::default(), warnings: Vec::new(), open: None };
    for (offset, raw_line) in text.lines().enumerate() {
        let line_number = first_line.saturating_add(offset);
        parser.line(raw_line.trim_end_matches('\r'), line_number);
    }
    if let Some(open) = parser.open.take() {
        let last_line = first_line.saturating_add(text.lines().count().saturating_sub(1));
        parser.warnings.push(Warning::at_line(
            open.line,
            format!(
                "the `{}` block that starts here has no `-----END {}-----` marker",
                open.label, open.label
            ),
        ));
        parser.close(open, last_line);
    }
    (parser.bundle, parser.warnings)
}

impl Parser {
    fn line(&mut self, line: &str, number: usize) {
        if self.open.is_none() && is_key_text_dump(line) {
            let already = self.bundle.private_keys.last().is_some_and(|key| {
                key.kind == PrivateKeyKind::TextDump && number.saturating_sub(key.line) < 64
            });
            if !already {
                self.bundle
                    .private_keys
                    .push(PrivateKeyFound { line: number, kind: PrivateKeyKind::TextDump });
            }
            return;
        }

        let mut rest = line;
        let mut column = 1;
        loop {
            match self.open.take() {
                None => {
                    let Some(start) = rest.find(BEGIN) else { return };
                    let after = rest.get(start + BEGIN.len()..).unwrap_or_default();
                    let Some(label_end) = after.find(DASHES) else {
                        self.warnings.push(Warning::at(
                            number,
                            column + start,
                            "`-----BEGIN` marker without the closing `-----`",
                        ));
                        return;
                    };
                    let label = after.get(..label_end).unwrap_or_default().trim().to_string();
                    let kind = block_kind(&label);
                    self.open = Some(OpenBlock {
                        label,
                        kind,
                        line: number,
                        body: Vec::new(),
                        damaged: false,
                    });
                    let consumed = start + BEGIN.len() + label_end + DASHES.len();
                    rest = rest.get(consumed..).unwrap_or_default();
                    column += consumed;
                }
                Some(mut open) => {
                    let end = rest.find(END);
                    let begin = rest.find(BEGIN);
                    if let Some(begin) = begin.filter(|b| end.is_none_or(|e| *b < e)) {
                        // A new block starts before this one ended.
                        self.body(&mut open, rest.get(..begin).unwrap_or_default(), number, column);
                        self.warnings.push(Warning::at_line(
                            open.line,
                            format!(
                                "the `{}` block that starts here has no END marker before the next BEGIN marker on line {number}",
                                open.label
                            ),
                        ));
                        self.close(open, number);
                        rest = rest.get(begin..).unwrap_or_default();
                        column += begin;
                        continue;
                    }
                    let Some(end) = end else {
                        self.body(&mut open, rest, number, column);
                        self.open = Some(open);
                        return;
                    };
                    self.body(&mut open, rest.get(..end).unwrap_or_default(), number, column);
                    let after = rest.get(end + END.len()..).unwrap_or_default();
                    let label_end = after.find(DASHES).unwrap_or(after.len());
                    let end_label = after.get(..label_end).unwrap_or_default().trim();
                    if end_label != open.label && matches!(open.kind, BlockKind::Certificate) {
                        self.warnings.push(Warning::at(
                            number,
                            column + end,
                            format!("END marker `{end_label}` does not match BEGIN marker `{}` on line {}", open.label, open.line),
                        ));
                    }
                    self.close(open, number);
                    let consumed = (end + END.len() + label_end + DASHES.len()).min(rest.len());
                    rest = rest.get(consumed..).unwrap_or_default();
                    column += consumed;
                    if rest.trim_start().starts_with(BEGIN) {
                        self.warnings.push(Warning::at(
                            number,
                            column,
                            "an END marker and the next BEGIN marker share this line: put each marker on its own line (files joined without a newline)",
                        ));
                    }
                }
            }
        }
    }

    /// Adds one line's share of a block body. Private key bodies are dropped unread.
    fn body(&mut self, open: &mut OpenBlock, text: &str, number: usize, column: usize) {
        if !matches!(open.kind, BlockKind::Certificate) || open.damaged {
            return;
        }
        let trimmed = strip_prompt(text);
        if trimmed.is_empty() {
            return;
        }
        // RFC 1421 headers such as `Proc-Type:` sit between BEGIN and the base64.
        if trimmed.contains(':') && open.body.is_empty() {
            return;
        }
        let prefix = (trimmed.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let mut cleaned = String::with_capacity(trimmed.len());
        for (index, character) in trimmed.char_indices() {
            if character.is_ascii_alphanumeric() || matches!(character, '+' | '/' | '=') {
                cleaned.push(character);
            } else if !character.is_whitespace() && !matches!(character, '\u{200b}' | '\u{feff}') {
                self.warnings.push(Warning::at(
                    number,
                    column + prefix + index,
                    format!(
                        "invalid base64 character `{}` in the `{}` block that starts on line {}; the block is skipped",
                        character.escape_default(),
                        open.label,
                        open.line
                    ),
                ));
                open.damaged = true;
                return;
            }
        }
        open.body.push(BodyPiece { line: number, text: cleaned });
    }

    fn close(&mut self, open: OpenBlock, last_line: usize) {
        match open.kind {
            BlockKind::PrivateKey(kind) => {
                self.bundle.private_keys.push(PrivateKeyFound { line: open.line, kind });
            }
            BlockKind::Other => {
                self.warnings.push(Warning::at_line(
                    open.line,
                    format!("skipped a `{}` block: only certificates are read", open.label),
                ));
                self.bundle.other_blocks.push(OtherBlock { line: open.line, label: open.label });
            }
            BlockKind::Certificate if open.damaged => {}
            BlockKind::Certificate => self.certificate(open, last_line),
        }
    }

    fn certificate(&mut self, open: OpenBlock, last_line: usize) {
        let base64: String = open.body.iter().map(|piece| piece.text.as_str()).collect();
        if base64.is_empty() {
            self.warnings
                .push(Warning::at_line(open.line, format!("the `{}` block is empty", open.label)));
            return;
        }
        let der = match BASE64.decode(base64.as_bytes()) {
            Ok(der) => der,
            Err(error) => {
                let line = error_line(&open.body, &error).unwrap_or(open.line);
                self.warnings.push(Warning::at_line(
                    line,
                    format!(
                        "the base64 of the `{}` block that starts on line {} is damaged ({error}); the block is skipped",
                        open.label, open.line
                    ),
                ));
                return;
            }
        };
        match Certificate::from_der(&der) {
            Ok(certificate) => {
                self.bundle.certificates.push(PemCertificate {
                    first_line: open.line,
                    last_line,
                    certificate,
                });
            }
            Err(error) => self.warnings.push(Warning::at_line(
                open.line,
                format!(
                    "the `{}` block that starts here is {error}; the block is skipped",
                    open.label
                ),
            )),
        }
    }
}

/// Warns at each certificate that `openssl x509 -text` (or `openssl pkcs7
/// -print_certs -text`) printed without its PEM block, as `-noout` does.
///
/// The printed fields are not enough to check a signature, so the certificate
/// is unread. A dump counts as complete when a certificate BEGIN marker follows
/// it before the next dump starts. It also counts as complete when an earlier
/// BEGIN marker that no other dump claimed precedes it, because people paste a
/// PEM block and then what `openssl x509 -noout -text` printed for it.
/// `lines` are the lines of the whole input, the first one being line `first_line`.
pub fn text_dumps_without_pem<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    first_line: usize,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // The line where the dump waiting for its PEM block starts.
    let mut open_dump: Option<usize> = None;
    // Certificate BEGIN markers that did not follow a dump.
    let mut unclaimed_blocks = 0usize;
    let mut close_unpaired = |dump: usize, unclaimed: &mut usize| {
        if *unclaimed > 0 {
            *unclaimed -= 1;
        } else {
            warnings.push(text_dump_warning(dump));
        }
    };

    let mut previous = "";
    // Whether the previous line already started a dump, so that its `Version:`
    // line does not start another.
    let mut started_on_previous = false;
    for (offset, raw_line) in lines.into_iter().enumerate() {
        // An empty line neither starts nor ends a dump, and detection passes most
        // lines of a `/stats` dump as empty lines.
        if raw_line.is_empty() {
            previous = "";
            started_on_previous = false;
            continue;
        }
        let number = first_line.saturating_add(offset);
        let line = strip_prompt(raw_line);
        let mut started = false;
        if line.contains(BEGIN) && line.contains("CERTIFICATE") {
            if open_dump.take().is_none() {
                unclaimed_blocks += 1;
            }
        } else if !started_on_previous && starts_text_dump(previous, line) {
            if let Some(dump) = open_dump {
                close_unpaired(dump, &mut unclaimed_blocks);
            }
            open_dump = Some(number.saturating_sub(1).max(first_line));
            started = true;
        }
        previous = line;
        started_on_previous = started;
    }

    if let Some(dump) = open_dump {
        close_unpaired(dump, &mut unclaimed_blocks);
    }
    warnings
}

/// Tells whether `line` starts the fields of a certificate dump: `Data:` after
/// `Certificate:`, or `Version: 3 (0x2)` after `Data:` when the paste begins
/// below the `Certificate:` header.
fn starts_text_dump(previous: &str, line: &str) -> bool {
    match previous {
        "Certificate:" => line == "Data:",
        "Data:" => line.starts_with("Version:") && line.contains("(0x"),
        _ => false,
    }
}

fn text_dump_warning(line: usize) -> Warning {
    Warning::at_line(
        line,
        "`openssl x509 -text` output without its PEM block, so the certificate cannot be read; \
         paste it with its -----BEGIN CERTIFICATE----- block (run the command without -noout)",
    )
}

/// Standard base64 that accepts missing padding, since pastes lose trailing `=`.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Finds the line of the body that contains the byte a base64 error points at.
fn error_line(body: &[BodyPiece], error: &base64::DecodeError) -> Option<usize> {
    let offset = match error {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidPadding => {
            return body.last().map(|piece| piece.line);
        }
    };
    let mut seen = 0;
    for piece in body {
        seen += piece.text.len();
        if offset < seen {
            return Some(piece.line);
        }
    }
    body.last().map(|piece| piece.line)
}

/// Removes leading whitespace and shell or quote prompts (`> `, `>`).
fn strip_prompt(text: &str) -> &str {
    let mut rest = text.trim();
    while let Some(stripped) = rest.strip_prefix('>') {
        rest = stripped.trim_start();
    }
    rest
}

/// Tells whether a line starts the text form of a private key, as printed by
/// `openssl rsa -text`, `openssl ec -text` or `openssl pkey -text`.
fn is_key_text_dump(line: &str) -> bool {
    let line = strip_prompt(line);
    line.starts_with("Private-Key: (")
        || line.starts_with("RSA Private-Key: (")
        || line.starts_with("DH Private-Key: (")
        || line.starts_with("ED25519 Private-Key:")
        || line.starts_with("ED448 Private-Key:")
        || line.starts_with("X25519 Private-Key:")
        || line.starts_with("X448 Private-Key:")
        || line.starts_with("privateExponent:")
}

/// Reads a dropped file: DER certificates one after another, or text, which is
/// handed to [`parse`]. A DER private key is recorded as found and never decoded.
pub fn parse_der(bytes: &[u8]) -> (PemBundle, Vec<Warning>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains(BEGIN) {
            return parse(text, 1);
        }
    }

    let mut bundle = PemBundle::default();
    let mut warnings = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some(length) = der_element_length(rest) else {
            warnings.push(Warning::at_line(
                1,
                format!("{} bytes at offset {} are not DER", rest.len(), bytes.len() - rest.len()),
            ));
            break;
        };
        let (element, after) = rest.split_at(length.min(rest.len()));
        match Certificate::from_der(element) {
            Ok(certificate) => bundle.certificates.push(PemCertificate {
                first_line: 1,
                last_line: 1,
                certificate,
            }),
            Err(error) => match der_private_key_kind(element) {
                Some(kind) => bundle.private_keys.push(PrivateKeyFound { line: 1, kind }),
                None => warnings.push(Warning::at_line(
                    1,
                    format!("the DER element at offset {} is {error}", bytes.len() - rest.len()),
                )),
            },
        }
        rest = after;
    }
    if bytes.is_empty() {
        warnings.push(Warning::at_line(1, "the file is empty"));
    }
    (bundle, warnings)
}

/// Reads a DER tag and length at the start of `bytes` and returns the length of
/// the whole element, header included.
fn der_element_length(bytes: &[u8]) -> Option<usize> {
    let (header, content) = der_header(bytes)?;
    header.checked_add(content).filter(|total| *total <= bytes.len())
}

/// Returns the header length and the content length of the DER element at the
/// start of `bytes` (definite lengths only, as DER requires).
fn der_header(bytes: &[u8]) -> Option<(usize, usize)> {
    let &first_length = bytes.get(1)?;
    if first_length < 0x80 {
        return Some((2, usize::from(first_length)));
    }
    let count = usize::from(first_length & 0x7f);
    if count == 0 || count > 4 {
        return None;
    }
    let mut length = 0usize;
    for &byte in bytes.get(2..2 + count)? {
        length = length.checked_mul(256)?.checked_add(usize::from(byte))?;
    }
    Some((2 + count, length))
}

/// Recognises the outer shape of a DER private key without reading its content:
/// PKCS#1 and PKCS#8 start with INTEGER 0, SEC 1 with INTEGER 1, and an encrypted
/// PKCS#8 key is a SEQUENCE of an algorithm SEQUENCE and an OCTET STRING.
fn der_private_key_kind(element: &[u8]) -> Option<PrivateKeyKind> {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const OCTET_STRING: u8 = 0x04;
    if element.first() != Some(&SEQUENCE) {
        return None;
    }
    let (header, _) = der_header(element)?;
    let inner = element.get(header..)?;
    match inner {
        [INTEGER, 1, 0, SEQUENCE, ..] => Some(PrivateKeyKind::Pkcs8),
        [INTEGER, 1, 0, INTEGER, ..] => Some(PrivateKeyKind::Rsa),
        [INTEGER, 1, 1, OCTET_STRING, ..] => Some(PrivateKeyKind::Ec),
        [INTEGER, 1, 1, SEQUENCE, ..] => Some(PrivateKeyKind::Pkcs8),
        [SEQUENCE, ..] => {
            let length = der_element_length(inner)?;
            (inner.get(length) == Some(&OCTET_STRING)).then_some(PrivateKeyKind::EncryptedPkcs8)
        }
        _ => None,
    }
}
