//! The admin `/certs` output: one entry per TLS context Envoy holds, each with the
//! CA certificate it validates peers with and the certificate chain it presents.
//!
//! The JSON is the protobuf rendering of `envoy.admin.v3.Certificates` (Envoy 1.9 and
//! later; App Mesh shipped 1.15 to 1.34). People paste it in pieces, so the reader is
//! lenient: it skips what is not JSON (a `curl -v` transcript, `#` and `//` comments,
//! `...` lines), accepts trailing commas, a fragment that starts inside the array or
//! stops in the middle, and warns about what it skipped. It records values and never compares
//! them with the current time.

use serde::Serialize;

use super::timestamp::{self, UnixTime};
use super::Warning;

/// Everything read from one `/certs` paste.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CertsDump {
    /// One entry per element of `certificates[]`, in the order printed.
    pub contexts: Vec<CertContext>,
    /// True when the paste had the outer `{"certificates": [...]}` object.
    pub has_certificates_key: bool,
    /// True when the text was not one complete JSON document: a fragment, a cut-off
    /// end, comments or other lines were skipped. The warnings give the lines.
    pub fragment: bool,
}

/// One TLS context: an element of `certificates[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CertContext {
    /// 1-based line of the context's opening brace (or of its first key in a fragment).
    pub line: usize,
    /// `ca_cert`: the first CA of the validation context, empty when the context does
    /// not validate its peer (`"ca_cert": []`).
    pub ca_cert: Vec<CertDetails>,
    /// `cert_chain`: the leaf of each certificate this context presents.
    pub cert_chain: Vec<CertDetails>,
    /// False when the paste did not show the `ca_cert` key at all (cut off or a
    /// fragment), which is not the same as an empty `ca_cert`.
    pub ca_cert_seen: bool,
    /// False when the paste did not show the `cert_chain` key at all.
    pub cert_chain_seen: bool,
}

/// One `CertificateDetails` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CertDetails {
    /// 1-based line of the object's opening brace.
    pub line: usize,
    /// File name, or `<inline>` for inline bytes and SDS secrets.
    pub path: Option<String>,
    /// Lower-case hex serial without colons (`BN_bn2hex`), `"0"` for serial 0.
    pub serial_number: Option<String>,
    pub subject_alt_names: Vec<SubjectAltName>,
    /// Whole days until `notAfter` as Envoy computed them when the page was taken.
    /// Envoy 1.22 and older printed a negative count as an unsigned 64-bit value, so
    /// values of 2^63 or more are turned back into the negative count. Envoy 1.23 and
    /// later print `0` for an expired certificate, and `0` alone does not tell expired
    /// from "less than a day left".
    pub days_until_expiration: Option<i64>,
    pub valid_from: Option<Timestamp>,
    pub expiration_time: Option<Timestamp>,
    pub ocsp_details: Option<OcspDetails>,
    /// Values that look wrong in themselves.
    pub anomalies: Vec<CertAnomaly>,
}

/// A protobuf `Timestamp` as printed (RFC 3339) and, when it parses, in unix time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Timestamp {
    pub text: String,
    pub unix: Option<UnixTime>,
}

impl Timestamp {
    fn from_text(text: String) -> Self {
        let unix = timestamp::parse(&text);
        Timestamp { text, unix }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OcspDetails {
    pub valid_from: Option<Timestamp>,
    pub expiration: Option<Timestamp>,
}

/// One element of `subject_alt_names`: exactly one of `dns`, `uri`, `ip_address`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectAltName {
    Dns(String),
    Uri(String),
    IpAddress(String),
}

impl SubjectAltName {
    pub fn value(&self) -> &str {
        match self {
            SubjectAltName::Dns(value)
            | SubjectAltName::Uri(value)
            | SubjectAltName::IpAddress(value) => value,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "anomaly", rename_all = "kebab-case")]
pub enum CertAnomaly {
    /// `expiration_time` is before `valid_from`. Old Envoys wrapped far-future dates
    /// (a 100-year CA shown expiring in 1982), so trust `days_until_expiration` instead.
    ExpirationBeforeValidFrom,
    /// `days_until_expiration` was printed as 2^64 - N: Envoy 1.22 or older saying the
    /// certificate expired N days ago.
    DaysWrapped { printed: String },
    /// `days_until_expiration` is not a 64-bit integer.
    DaysNotInteger { printed: String },
    /// A timestamp field is not RFC 3339.
    TimestampUnreadable { field: String, printed: String },
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (CertsDump, Vec<Warning>) {
    let mut lexer = Lexer::new(text, first_line);
    let mut reader =
        Reader { dump: CertsDump::default(), warnings: Vec::new(), reported_bare_context: false };
    let items = read_top_level(&mut lexer, &mut reader);
    reader.read_items(items);
    let Lexer { notes, .. } = lexer;
    let repaired = notes.made_repairs();
    let mut warnings = notes.into_warnings();
    warnings.append(&mut reader.warnings);
    warnings.sort_by_key(|warning| warning.line);
    let mut dump = reader.dump;
    dump.fragment = dump.fragment || repaired;
    if dump.contexts.is_empty() && !dump.has_certificates_key {
        warnings.push(Warning::at_line(
            first_line,
            "found no /certs entry: expected `\"certificates\"`, `\"ca_cert\"` or `\"cert_chain\"` keys",
        ));
    }
    (dump, warnings)
}

/// A JSON value with the line it starts on.
#[derive(Debug)]
enum Value {
    Object {
        line: usize,
        members: Vec<(String, usize, Value)>,
    },
    Array {
        line: usize,
        items: Vec<Value>,
    },
    String {
        line: usize,
        text: String,
    },
    Number {
        line: usize,
        text: String,
    },
    Literal,
    /// Nested deeper than [`MAX_DEPTH`]; skipped.
    TooDeep,
    /// A `certificates[]` entry, already turned into a [`CertContext`].
    Context,
}

impl Value {
    fn line(&self) -> Option<usize> {
        match self {
            Value::Object { line, .. }
            | Value::Array { line, .. }
            | Value::String { line, .. }
            | Value::Number { line, .. } => Some(*line),
            Value::Literal | Value::TooDeep | Value::Context => None,
        }
    }

    fn as_text(&self) -> Option<&str> {
        match self {
            Value::String { text, .. } | Value::Number { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// A top-level item of a paste: a value, or a `"key": value` member of an object
/// whose opening brace was cut off.
enum TopItem {
    Value(Value),
    Member(String, usize, Value),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    OpenObject,
    CloseObject,
    OpenArray,
    CloseArray,
    Colon,
    Comma,
    String(String),
    Number(String),
    Literal,
}

/// Protobuf's JSON printer nests `/certs` at most seven levels deep (down to a SAN
/// object). Anything much deeper is not `/certs`, so it is skipped, not recursed into.
const MAX_DEPTH: usize = 32;

/// At most this many warnings name single lines; the rest are counted in one warning.
const MAX_LINE_WARNINGS: usize = 20;

/// Warnings about what the lexer skipped or repaired, collected until the end.
#[derive(Default)]
struct Notes {
    warnings: Vec<Warning>,
    suppressed: usize,
    /// The first and last line of the run of skipped non-JSON lines being collected.
    skipped_run: Option<(usize, usize)>,
    /// True once the end of a cut-off paste was reported (for the innermost container).
    reported_end: bool,
}

impl Notes {
    fn add(&mut self, warning: Warning) {
        if self.warnings.len() < MAX_LINE_WARNINGS {
            self.warnings.push(warning);
        } else {
            self.suppressed += 1;
        }
    }

    fn skipped_line(&mut self, line: usize) {
        match &mut self.skipped_run {
            Some((_, last)) if *last + 1 >= line => *last = line,
            _ => {
                self.flush_run();
                self.skipped_run = Some((line, line));
            }
        }
    }

    fn flush_run(&mut self) {
        if let Some((first, last)) = self.skipped_run.take() {
            let message = if first == last {
                "skipped a line that is not JSON (a shell prompt, curl -v output or a note?)"
                    .to_string()
            } else {
                format!(
                    "skipped lines {first} to {last}, which are not JSON \
                     (a shell prompt, curl -v output or notes?)"
                )
            };
            self.add(Warning::at_line(first, message));
        }
    }

    fn made_repairs(&self) -> bool {
        !self.warnings.is_empty() || self.skipped_run.is_some() || self.reported_end
    }

    fn into_warnings(mut self) -> Vec<Warning> {
        self.flush_run();
        if self.suppressed > 0 {
            let line = self.warnings.last().map_or(1, |warning| warning.line);
            self.warnings.push(Warning::at_line(
                line,
                format!("{} more lines were skipped or repaired the same way", self.suppressed),
            ));
        }
        self.warnings
    }
}

/// A lenient JSON tokenizer that counts lines and steps over what JSON does not allow.
struct Lexer<'a> {
    text: &'a str,
    position: usize,
    /// 1-based line of `position` in the whole input.
    line: usize,
    peeked: Option<(Token, usize)>,
    notes: Notes,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        Lexer { text, position: 0, line: first_line, peeked: None, notes: Notes::default() }
    }

    fn peek(&mut self) -> Option<&(Token, usize)> {
        if self.peeked.is_none() {
            self.peeked = self.read_token();
        }
        self.peeked.as_ref()
    }

    fn next(&mut self) -> Option<(Token, usize)> {
        self.peeked.take().or_else(|| self.read_token())
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or("")
    }

    /// Skips to the end of the current line, leaving the newline to be read.
    fn skip_line(&mut self) {
        let rest = self.rest();
        self.position += rest.find('\n').unwrap_or(rest.len());
    }

    fn read_token(&mut self) -> Option<(Token, usize)> {
        loop {
            let rest = self.rest();
            let next = rest.chars().next()?;
            let line = self.line;
            match next {
                '\n' => {
                    self.line += 1;
                    self.position += 1;
                }
                c if c.is_whitespace() => self.position += c.len_utf8(),
                '{' | '}' | '[' | ']' | ':' | ',' => {
                    self.position += 1;
                    let token = match next {
                        '{' => Token::OpenObject,
                        '}' => Token::CloseObject,
                        '[' => Token::OpenArray,
                        ']' => Token::CloseArray,
                        ':' => Token::Colon,
                        _ => Token::Comma,
                    };
                    return Some((token, line));
                }
                '"' => return Some((Token::String(self.read_string()), line)),
                '#' => {
                    self.notes.add(Warning::at_line(
                        line,
                        "skipped a `#` comment, which JSON does not allow",
                    ));
                    self.skip_line();
                }
                '/' if rest.starts_with("//") => {
                    self.notes.add(Warning::at_line(
                        line,
                        "skipped a `//` comment, which JSON does not allow",
                    ));
                    self.skip_line();
                }
                '.' | '\u{2026}' if rest.starts_with("...") || next == '\u{2026}' => {
                    self.notes.add(Warning::at_line(
                        line,
                        "skipped an ellipsis: the entries around it may be cut",
                    ));
                    let ellipsis = rest.len() - rest.trim_start_matches(['.', '\u{2026}']).len();
                    self.position += ellipsis;
                }
                '-' | '0'..='9' => {
                    let length = rest
                        .find(|c: char| {
                            !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                        })
                        .unwrap_or(rest.len());
                    self.position += length;
                    return Some((Token::Number(rest.get(..length)?.to_string()), line));
                }
                _ if rest.starts_with("true")
                    || rest.starts_with("false")
                    || rest.starts_with("null") =>
                {
                    self.position += if rest.starts_with("false") { 5 } else { 4 };
                    return Some((Token::Literal, line));
                }
                _ => {
                    self.notes.skipped_line(line);
                    self.skip_line();
                }
            }
        }
    }

    /// Reads a string after its opening quote. A string that reaches the end of the
    /// line is closed there: JSON strings hold no raw newline, so the paste was cut.
    fn read_string(&mut self) -> String {
        self.position += 1;
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '"' => {
                    self.position += index + 1;
                    return value;
                }
                '\n' => {
                    self.position += index;
                    self.notes.add(Warning::at_line(
                        self.line,
                        "a string is not closed before the end of the line",
                    ));
                    return value;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, 'b')) => value.push('\u{8}'),
                    Some((_, 'f')) => value.push('\u{c}'),
                    Some((_, 'u')) => {
                        let unit = read_hex4(&mut chars);
                        let decoded = match unit {
                            Some(high @ 0xd800..=0xdbff) => {
                                let mut lookahead = chars.clone();
                                let low = match (lookahead.next(), lookahead.next()) {
                                    (Some((_, '\\')), Some((_, 'u'))) => read_hex4(&mut lookahead),
                                    _ => None,
                                };
                                match low {
                                    Some(low @ 0xdc00..=0xdfff) => {
                                        chars = lookahead;
                                        char::from_u32(
                                            0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00),
                                        )
                                    }
                                    _ => None,
                                }
                            }
                            Some(unit) => char::from_u32(unit),
                            None => None,
                        };
                        value.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    Some((_, other)) => value.push(other),
                    None => break,
                },
                other => value.push(other),
            }
        }
        self.position = self.text.len();
        self.notes.add(Warning::at_line(self.line, "the paste ends inside a string"));
        value
    }
}

fn read_hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut unit = 0;
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        unit = unit * 16 + c.to_digit(16)?;
    }
    Some(unit)
}

fn read_top_level(lexer: &mut Lexer<'_>, reader: &mut Reader) -> Vec<TopItem> {
    let mut items = Vec::new();
    let mut reported_stray_close = false;
    while let Some((token, line)) = lexer.next() {
        match token {
            Token::OpenObject | Token::OpenArray => {
                items.push(TopItem::Value(read_container(lexer, reader, token, line, 1)));
            }
            Token::String(key) => {
                if matches!(lexer.peek(), Some((Token::Colon, _))) {
                    lexer.next();
                    let value = read_value(lexer, reader, 1);
                    items.push(TopItem::Member(key, line, value));
                }
            }
            Token::CloseObject | Token::CloseArray => {
                if !reported_stray_close {
                    reported_stray_close = true;
                    lexer.notes.add(Warning::at_line(
                        line,
                        "a closing bracket matches no opening one: the paste starts inside \
                         the /certs output, so the entry cut at its start is ignored",
                    ));
                }
            }
            Token::Colon | Token::Comma | Token::Number(_) | Token::Literal => {}
        }
    }
    items
}

fn read_value(lexer: &mut Lexer<'_>, reader: &mut Reader, depth: usize) -> Value {
    match lexer.next() {
        Some((token @ (Token::OpenObject | Token::OpenArray), line)) => {
            read_container(lexer, reader, token, line, depth + 1)
        }
        Some((Token::String(text), line)) => Value::String { line, text },
        Some((Token::Number(text), line)) => Value::Number { line, text },
        Some((Token::Literal, _)) => Value::Literal,
        Some((token, line)) => {
            lexer.notes.add(Warning::at_line(
                line,
                format!("expected a value, found {}", describe(&token)),
            ));
            // Leave closers for the enclosing container.
            if matches!(token, Token::CloseArray | Token::CloseObject) {
                lexer.peeked = Some((token, line));
            }
            Value::Literal
        }
        None => Value::Literal,
    }
}

fn describe(token: &Token) -> &'static str {
    match token {
        Token::OpenObject => "`{`",
        Token::CloseObject => "`}`",
        Token::OpenArray => "`[`",
        Token::CloseArray => "`]`",
        Token::Colon => "`:`",
        Token::Comma => "`,`",
        Token::String(_) => "a string",
        Token::Number(_) => "a number",
        Token::Literal => "a literal",
    }
}

/// Reads an object or array whose opening token was just read.
fn read_container(
    lexer: &mut Lexer<'_>,
    reader: &mut Reader,
    open: Token,
    line: usize,
    depth: usize,
) -> Value {
    if depth > MAX_DEPTH {
        skip_nested(lexer);
        lexer.notes.add(Warning::at_line(
            line,
            format!("skipped JSON nested deeper than {MAX_DEPTH} levels"),
        ));
        return Value::TooDeep;
    }
    let is_object = open == Token::OpenObject;
    let mut members = Vec::new();
    let mut items = Vec::new();
    let mut after_comma: Option<usize> = None;
    loop {
        let Some((token, token_line)) = lexer.next() else {
            if !lexer.notes.reported_end {
                lexer.notes.reported_end = true;
                let bracket = if is_object { "{" } else { "[" };
                lexer.notes.add(Warning::at_line(
                    line,
                    format!("the paste ends before this `{bracket}` is closed; the values before the cut are kept"),
                ));
            }
            break;
        };
        match token {
            Token::CloseObject | Token::CloseArray => {
                if let Some(comma_line) = after_comma {
                    lexer.notes.add(Warning::at_line(comma_line, "ignored a trailing comma"));
                }
                let matches = (token == Token::CloseObject) == is_object;
                if !matches {
                    lexer.notes.add(Warning::at_line(
                        token_line,
                        format!(
                            "expected {}, found {}",
                            if is_object { "`}`" } else { "`]`" },
                            describe(&token)
                        ),
                    ));
                    // Let the enclosing container take the closer.
                    lexer.peeked = Some((token, token_line));
                }
                break;
            }
            Token::Comma => {
                after_comma = Some(token_line);
                continue;
            }
            Token::String(key) if is_object => {
                if matches!(lexer.peek(), Some((Token::Colon, _))) {
                    lexer.next();
                    members.push((key, token_line, read_value(lexer, reader, depth)));
                } else {
                    lexer.notes.add(Warning::at_line(
                        token_line,
                        format!("expected `:` after the key \"{key}\""),
                    ));
                }
            }
            token @ (Token::OpenObject | Token::OpenArray) => {
                let value = read_container(lexer, reader, token, token_line, depth + 1);
                if is_object {
                    lexer
                        .notes
                        .add(Warning::at_line(token_line, "skipped a value that has no key"));
                } else {
                    items.push(value);
                }
            }
            Token::String(text) => items.push(Value::String { line: token_line, text }),
            Token::Number(text) if !is_object => {
                items.push(Value::Number { line: token_line, text })
            }
            other => {
                lexer
                    .notes
                    .add(Warning::at_line(token_line, format!("unexpected {}", describe(&other))));
            }
        }
        after_comma = None;
    }
    if is_object {
        // Reading each entry as soon as it is closed frees its values, so a large dump
        // never keeps its whole tree in memory.
        let is_context = members.iter().any(|(key, _, _)| key == "ca_cert" || key == "cert_chain");
        if is_context {
            if depth == 1 {
                reader.note_bare_context(line);
            }
            reader.read_context(line, members);
            return Value::Context;
        }
        Value::Object { line, members }
    } else {
        Value::Array { line, items }
    }
}

/// Consumes tokens up to the bracket that closes the container just opened.
fn skip_nested(lexer: &mut Lexer<'_>) {
    let mut open = 1usize;
    while let Some((token, _)) = lexer.next() {
        match token {
            Token::OpenObject | Token::OpenArray => open += 1,
            Token::CloseObject | Token::CloseArray => {
                open -= 1;
                if open == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

/// Turns the values into contexts.
struct Reader {
    dump: CertsDump,
    warnings: Vec<Warning>,
    reported_bare_context: bool,
}

impl Reader {
    fn read_items(&mut self, items: Vec<TopItem>) {
        let mut loose: Option<CertContext> = None;
        for item in items {
            match item {
                TopItem::Value(value) => {
                    self.flush_loose(&mut loose);
                    self.read_value(value);
                }
                TopItem::Member(key, line, value) => match key.as_str() {
                    "certificates" => {
                        self.flush_loose(&mut loose);
                        self.dump.has_certificates_key = true;
                        self.dump.fragment = true;
                        self.read_value(value);
                    }
                    "ca_cert" | "cert_chain" => {
                        let context = loose.get_or_insert_with(|| {
                            self.warnings.push(Warning::at_line(
                                line,
                                "the paste starts inside a /certs entry (no `{` before \
                                 `ca_cert`/`cert_chain`); read as one entry",
                            ));
                            CertContext { line, ..CertContext::default() }
                        });
                        let seen = if key == "ca_cert" {
                            context.ca_cert_seen
                        } else {
                            context.cert_chain_seen
                        };
                        if seen {
                            let finished = loose.take();
                            if let Some(finished) = finished {
                                self.dump.contexts.push(finished);
                            }
                            let mut context = CertContext { line, ..CertContext::default() };
                            self.read_member(&mut context, &key, value);
                            loose = Some(context);
                        } else {
                            self.read_member(context, &key, value);
                        }
                    }
                    other => {
                        self.dump.fragment = true;
                        self.warnings.push(Warning::at_line(
                            line,
                            format!("ignored the key \"{other}\" outside any /certs entry (the paste starts inside a certificate)"),
                        ));
                    }
                },
            }
        }
        self.flush_loose(&mut loose);
    }

    fn note_bare_context(&mut self, line: usize) {
        self.dump.fragment = true;
        if !self.reported_bare_context {
            self.reported_bare_context = true;
            self.warnings.push(Warning::at_line(
                line,
                "read an entry of `certificates` without the enclosing \
                 `{\"certificates\": [...]}`",
            ));
        }
    }

    fn flush_loose(&mut self, loose: &mut Option<CertContext>) {
        if let Some(context) = loose.take() {
            self.dump.fragment = true;
            self.dump.contexts.push(context);
        }
    }

    /// Finds contexts in a top-level value: the whole document, a bare
    /// `certificates` array, or one context object of a fragment.
    fn read_value(&mut self, value: Value) {
        match value {
            Value::Object { line, members } => {
                let mut found = false;
                for (key, _, value) in members {
                    if key == "certificates" {
                        found = true;
                        self.dump.has_certificates_key = true;
                        self.read_value(value);
                    }
                }
                if !found {
                    self.warnings.push(Warning::at_line(
                        line,
                        "ignored an object without `certificates`, `ca_cert` or `cert_chain`",
                    ));
                }
            }
            Value::Array { items, .. } => {
                for item in items {
                    match item {
                        Value::Context => {}
                        Value::Object { line, members } => self.read_context(line, members),
                        other => {
                            if let Some(line) = other.line() {
                                self.warnings.push(Warning::at_line(
                                    line,
                                    "expected a /certs entry object in `certificates`",
                                ));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn read_context(&mut self, line: usize, members: Vec<(String, usize, Value)>) {
        let mut context = CertContext { line, ..CertContext::default() };
        for (key, key_line, value) in members {
            match key.as_str() {
                "ca_cert" | "cert_chain" => self.read_member(&mut context, &key, value),
                other => self.warnings.push(Warning::at_line(
                    key_line,
                    format!("ignored the unknown key \"{other}\" in a /certs entry"),
                )),
            }
        }
        self.dump.contexts.push(context);
    }

    /// Reads `ca_cert` or `cert_chain`: an array of details (Envoy 1.9+), one object
    /// (about 1.8), or the one-line text of Envoy 1.7 and older.
    fn read_member(&mut self, context: &mut CertContext, key: &str, value: Value) {
        let mut details = Vec::new();
        match value {
            Value::Array { items, .. } => {
                for item in items {
                    match item {
                        Value::Object { line, members } => {
                            details.push(self.read_details(line, members))
                        }
                        other => {
                            if let Some(line) = other.line() {
                                self.warnings.push(Warning::at_line(
                                    line,
                                    format!("expected a certificate object in `{key}`"),
                                ));
                            }
                        }
                    }
                }
            }
            Value::Object { line, members } => details.push(self.read_details(line, members)),
            Value::String { line, text } if !text.trim().is_empty() => {
                details.push(read_legacy_details(line, &text));
            }
            _ => {}
        }
        if key == "ca_cert" {
            context.ca_cert_seen = true;
            context.ca_cert.extend(details);
        } else {
            context.cert_chain_seen = true;
            context.cert_chain.extend(details);
        }
    }

    fn read_details(&mut self, line: usize, members: Vec<(String, usize, Value)>) -> CertDetails {
        let mut details = CertDetails { line, ..CertDetails::default() };
        for (key, key_line, value) in members {
            match key.as_str() {
                "path" => details.path = value.as_text().map(str::to_string),
                "serial_number" => details.serial_number = value.as_text().map(str::to_string),
                "subject_alt_names" => details.subject_alt_names = self.read_sans(value),
                "days_until_expiration" => {
                    if let Some(printed) = value.as_text() {
                        read_days(&mut details, printed);
                    }
                }
                "valid_from" => {
                    details.valid_from =
                        read_timestamp(&mut details.anomalies, "valid_from", &value)
                }
                "expiration_time" => {
                    details.expiration_time =
                        read_timestamp(&mut details.anomalies, "expiration_time", &value);
                }
                "ocsp_details" => {
                    if let Value::Object { members, .. } = value {
                        let mut ocsp = OcspDetails::default();
                        for (key, _, value) in members {
                            match key.as_str() {
                                "valid_from" => {
                                    ocsp.valid_from = read_timestamp(
                                        &mut details.anomalies,
                                        "ocsp_details.valid_from",
                                        &value,
                                    )
                                }
                                "expiration" => {
                                    ocsp.expiration = read_timestamp(
                                        &mut details.anomalies,
                                        "ocsp_details.expiration",
                                        &value,
                                    )
                                }
                                _ => {}
                            }
                        }
                        details.ocsp_details = Some(ocsp);
                    }
                }
                other => self.warnings.push(Warning::at_line(
                    key_line,
                    format!("ignored the unknown certificate key \"{other}\""),
                )),
            }
        }
        let valid_from = details.valid_from.as_ref().and_then(|time| time.unix);
        let expiration = details.expiration_time.as_ref().and_then(|time| time.unix);
        if let (Some(valid_from), Some(expiration)) = (valid_from, expiration) {
            if expiration < valid_from {
                details.anomalies.push(CertAnomaly::ExpirationBeforeValidFrom);
            }
        }
        details
    }

    fn read_sans(&mut self, value: Value) -> Vec<SubjectAltName> {
        let Value::Array { items, .. } = value else { return Vec::new() };
        let mut sans = Vec::new();
        for item in items {
            let Value::Object { members, .. } = item else { continue };
            for (key, key_line, value) in members {
                let Some(text) = value.as_text().map(str::to_string) else { continue };
                match key.as_str() {
                    "dns" => sans.push(SubjectAltName::Dns(text)),
                    "uri" => sans.push(SubjectAltName::Uri(text)),
                    "ip_address" => sans.push(SubjectAltName::IpAddress(text)),
                    other => self.warnings.push(Warning::at_line(
                        key_line,
                        format!("ignored the unknown subject alternative name type \"{other}\""),
                    )),
                }
            }
        }
        sans
    }
}

/// Reads `days_until_expiration`, printed as a string (64-bit integers in protobuf
/// JSON) or a number.
fn read_days(details: &mut CertDetails, printed: &str) {
    let trimmed = printed.trim();
    if let Ok(days) = trimmed.parse::<i64>() {
        details.days_until_expiration = Some(days);
    } else if let Ok(wrapped) = trimmed.parse::<u64>() {
        // Values of 2^63 and more are a negative count stored in a uint64 (Envoy 1.22
        // and older): reinterpreting the bits gives value - 2^64.
        details.days_until_expiration = Some(wrapped as i64);
        details.anomalies.push(CertAnomaly::DaysWrapped { printed: printed.to_string() });
    } else {
        details.anomalies.push(CertAnomaly::DaysNotInteger { printed: printed.to_string() });
    }
}

fn read_timestamp(
    anomalies: &mut Vec<CertAnomaly>,
    field: &str,
    value: &Value,
) -> Option<Timestamp> {
    let text = value.as_text()?;
    let timestamp = Timestamp::from_text(text.to_string());
    if timestamp.unix.is_none() {
        anomalies.push(CertAnomaly::TimestampUnreadable {
            field: field.to_string(),
            printed: text.to_string(),
        });
    }
    Some(timestamp)
}

/// Reads the text Envoy 1.7 and older printed for a certificate:
/// `Certificate Path: <path>, Serial Number: <hex>, Days until Expiration: <int>`.
fn read_legacy_details(line: usize, text: &str) -> CertDetails {
    let mut details = CertDetails { line, ..CertDetails::default() };
    for part in text.split(", ") {
        let Some((name, value)) = part.split_once(": ") else { continue };
        match name.trim() {
            "Certificate Path" => details.path = Some(value.trim().to_string()),
            "Serial Number" => details.serial_number = Some(value.trim().to_string()),
            "Days until Expiration" => read_days(&mut details, value),
            _ => {}
        }
    }
    details
}
