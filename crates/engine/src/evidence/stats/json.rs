//! `/stats?format=json`: `{"stats":[{"name":..,"value":..}, ..., {"histograms":{..}}]}`,
//! the bare array `jq .stats` prints, and the old top-level `{"histograms":..}`.
//!
//! The reader is lenient so that it keeps each stat's line and reads what people
//! paste: fragments, `#` comments, trailing or missing commas.

use super::build::{self, RawStat};
use super::plain::{excerpt, parse_number};
use super::{Bucket, Histogram, Quantile, Stat, StatKind, StatValue, Stats, StatsFormat};
use crate::evidence::Warning;

pub(crate) fn parse(input: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut reader = Reader::new(input, first_line);
    let mut raws = Vec::new();
    let mut roots = Vec::new();
    while let Some(node) = reader.value(0) {
        roots.push(node);
    }
    warnings.append(&mut reader.warnings);
    if roots.is_empty() {
        warnings.push(Warning::at_line(
            first_line,
            "expected a JSON object or array of stats, found none",
        ));
    }
    for root in &roots {
        read_root(root, &mut raws, &mut warnings);
    }
    let stats = build::build(StatsFormat::Json, raws, &mut warnings);
    (stats, warnings)
}

fn read_root(root: &Node, raws: &mut Vec<RawStat>, warnings: &mut Vec<Warning>) {
    match &root.value {
        Value::Object(members) => {
            if let Some(stats) = member(members, "stats") {
                read_stats_array(stats, raws, warnings);
            } else if let Some(histograms) = member(members, "histograms") {
                read_histograms(histograms, raws, warnings);
            } else if member(members, "name").is_some() {
                read_stat(root, raws, warnings);
            } else {
                warnings.push(Warning::at_line(
                    root.line,
                    "expected a `stats` array in this JSON object",
                ));
            }
        }
        Value::Array(_) => read_stats_array(root, raws, warnings),
        _ => warnings.push(Warning::at_line(root.line, "expected a JSON object or array of stats")),
    }
}

fn read_stats_array(node: &Node, raws: &mut Vec<RawStat>, warnings: &mut Vec<Warning>) {
    let Value::Array(elements) = &node.value else {
        warnings.push(Warning::at_line(node.line, "expected `stats` to be an array"));
        return;
    };
    for element in elements {
        match &element.value {
            Value::Object(members) if member(members, "histograms").is_some() => {
                if let Some(histograms) = member(members, "histograms") {
                    read_histograms(histograms, raws, warnings);
                }
            }
            Value::Object(_) => read_stat(element, raws, warnings),
            _ => warnings.push(Warning::at_line(
                element.line,
                "expected a `{\"name\": ..., \"value\": ...}` object",
            )),
        }
    }
}

fn read_stat(node: &Node, raws: &mut Vec<RawStat>, warnings: &mut Vec<Warning>) {
    let Value::Object(members) = &node.value else { return };
    let Some(Value::String(name)) = member(members, "name").map(|n| &n.value) else {
        warnings.push(Warning::at_line(node.line, "stat object has no `name` string"));
        return;
    };
    let Some(value_node) = member(members, "value") else {
        warnings.push(Warning::at_line(node.line, format!("stat `{name}` has no `value`")));
        return;
    };
    let line = value_node.line;
    let value = match &value_node.value {
        Value::Number(raw) => {
            let (value, warning) = parse_number(name, raw, line);
            warnings.extend(warning);
            value
        }
        // Counters are sometimes rendered as strings (proto JSON renders uint64 so);
        // text readouts are strings too, and are named `*_text` by Envoy.
        Value::String(text)
            if !name.ends_with("text")
                && !text.is_empty()
                && text.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let (value, warning) = parse_number(name, text, line);
            warnings.extend(warning);
            value
        }
        Value::String(text) => StatValue::Text(text.clone()),
        _ => {
            warnings.push(Warning::at_line(
                line,
                format!("value of `{name}` is neither a number nor a string"),
            ));
            return;
        }
    };
    let kind = build::infer_kind(name, &value);
    raws.push(RawStat::new(Stat {
        name: name.clone(),
        kind,
        value,
        line: node.line,
        labels: Vec::new(),
    }));
}

fn read_histograms(node: &Node, raws: &mut Vec<RawStat>, warnings: &mut Vec<Warning>) {
    match &node.value {
        // Quantile summary: supported_quantiles + computed_quantiles; the `detailed`
        // variant: supported_percentiles + details.
        Value::Object(members) => {
            let percents: Vec<f64> = member(members, "supported_quantiles")
                .or_else(|| member(members, "supported_percentiles"))
                .map(numbers)
                .unwrap_or_default();
            let computed =
                member(members, "computed_quantiles").or_else(|| member(members, "details"));
            let Some(Node { value: Value::Array(entries), .. }) = computed else {
                warnings.push(Warning::at_line(
                    node.line,
                    "`histograms` has no `computed_quantiles` array",
                ));
                return;
            };
            for entry in entries {
                let Value::Object(fields) = &entry.value else { continue };
                let Some(Value::String(name)) = member(fields, "name").map(|n| &n.value) else {
                    warnings.push(Warning::at_line(entry.line, "histogram has no `name` string"));
                    continue;
                };
                let values = member(fields, "values").or_else(|| member(fields, "percentiles"));
                let mut histogram = Histogram::default();
                if let Some(Node { value: Value::Array(values), .. }) = values {
                    if !percents.is_empty() && values.len() != percents.len() {
                        warnings.push(Warning::at_line(
                            entry.line,
                            format!(
                                "histogram `{name}` has {} values for {} supported quantiles",
                                values.len(),
                                percents.len()
                            ),
                        ));
                    }
                    for (position, value) in values.iter().enumerate() {
                        let Value::Object(pair) = &value.value else { continue };
                        histogram.quantiles.push(Quantile {
                            percent: percents.get(position).copied().unwrap_or(f64::NAN),
                            interval: member(pair, "interval").and_then(number),
                            cumulative: member(pair, "cumulative").and_then(number),
                        });
                    }
                }
                push_histogram(name, histogram, entry.line, raws);
            }
        }
        // Bucket variants: [{"name":..,"buckets":[{"upper_bound":..,"cumulative":..}]}].
        Value::Array(entries) => {
            for entry in entries {
                let Value::Object(fields) = &entry.value else { continue };
                let Some(Value::String(name)) = member(fields, "name").map(|n| &n.value) else {
                    continue;
                };
                let mut histogram = Histogram::default();
                if let Some(Node { value: Value::Array(buckets), .. }) = member(fields, "buckets") {
                    for bucket in buckets {
                        let Value::Object(bucket) = &bucket.value else { continue };
                        let Some(upper_bound) = member(bucket, "upper_bound").and_then(number)
                        else {
                            continue;
                        };
                        let count = member(bucket, "cumulative").and_then(number).unwrap_or(0.0);
                        histogram.buckets.push(Bucket { upper_bound, count });
                    }
                }
                push_histogram(name, histogram, entry.line, raws);
            }
        }
        _ => warnings
            .push(Warning::at_line(node.line, "expected `histograms` to be an object or array")),
    }
}

fn push_histogram(name: &str, histogram: Histogram, line: usize, raws: &mut Vec<RawStat>) {
    raws.push(RawStat::new(Stat {
        name: name.to_string(),
        kind: StatKind::Histogram,
        value: StatValue::Histogram(histogram),
        line,
        labels: Vec::new(),
    }));
}

fn member<'a>(members: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
    members.iter().find(|(name, _)| name == key).map(|(_, node)| node)
}

fn number(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Number(raw) => raw.parse::<f64>().ok(),
        _ => None,
    }
}

fn numbers(node: &Node) -> Vec<f64> {
    match &node.value {
        Value::Array(elements) => elements.iter().filter_map(number).collect(),
        _ => Vec::new(),
    }
}

/// A JSON value with the 1-based line where it starts.
#[derive(Debug)]
struct Node {
    line: usize,
    value: Value,
}

#[derive(Debug)]
enum Value {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    String(String),
    /// The number as written, so that integers beyond 2^53 keep every digit.
    Number(String),
    Literal,
}

/// Maximum nesting read; deeper input is skipped so a hostile paste cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A lenient JSON reader: skips `#` and `//` comments and stray characters with a
/// warning, accepts missing and trailing commas, and closes what the input left open.
struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
    line: usize,
    warnings: Vec<Warning>,
    /// Whether the end of a cut paste was reported, so that only the innermost of the
    /// brackets the cut leaves open gets a warning.
    cut_reported: bool,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, first_line: usize) -> Reader<'a> {
        Reader {
            bytes: text.as_bytes(),
            text,
            position: 0,
            line: first_line,
            warnings: Vec::new(),
            cut_reported: false,
        }
    }

    /// Warns that the paste ends inside the object or array opened on `line`.
    fn report_cut(&mut self, line: usize, bracket: char) {
        if !self.cut_reported {
            self.cut_reported = true;
            self.warnings.push(Warning::at_line(
                line,
                format!("the paste ends before this `{bracket}` is closed; the values before the cut are kept"),
            ));
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn bump(&mut self) {
        if self.peek() == Some(b'\n') {
            self.line += 1;
        }
        self.position += 1;
    }

    fn skip_space(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => self.bump(),
                b'#' => self.skip_line(),
                b'/' if self.bytes.get(self.position + 1) == Some(&b'/') => self.skip_line(),
                _ => break,
            }
        }
    }

    fn skip_line(&mut self) {
        while let Some(byte) = self.peek() {
            if byte == b'\n' {
                break;
            }
            self.bump();
        }
    }

    /// Reads the next value, skipping what cannot start one; `None` at the end.
    fn value(&mut self, depth: usize) -> Option<Node> {
        loop {
            self.skip_space();
            let byte = self.peek()?;
            let line = self.line;
            let value = match byte {
                b'{' | b'[' if depth >= MAX_DEPTH => {
                    self.warnings.push(Warning::at_line(
                        line,
                        format!("JSON nested deeper than {MAX_DEPTH} levels; skipped"),
                    ));
                    self.skip_nested();
                    Value::Literal
                }
                b'{' => self.object(depth),
                b'[' => self.array(depth),
                b'"' => Value::String(self.string()),
                b'-' | b'0'..=b'9' => Value::Number(self.number()),
                b't' | b'f' | b'n' => {
                    while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                        self.bump();
                    }
                    Value::Literal
                }
                _ => {
                    let rest = self.text.get(self.position..).unwrap_or_default();
                    let found = rest.lines().next().unwrap_or_default();
                    self.warnings.push(Warning::at_line(
                        line,
                        format!("expected a JSON value, found `{}`", excerpt(found.trim())),
                    ));
                    self.skip_line();
                    continue;
                }
            };
            return Some(Node { line, value });
        }
    }

    fn object(&mut self, depth: usize) -> Value {
        let open_line = self.line;
        self.bump();
        let mut members = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    self.report_cut(open_line, '{');
                    return Value::Object(members);
                }
                Some(b'}') => {
                    self.bump();
                    return Value::Object(members);
                }
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.warnings
                        .push(Warning::at_line(self.line, "found `]` where `}` closes an object"));
                    self.bump();
                    return Value::Object(members);
                }
                Some(b'"') => {
                    let key = self.string();
                    self.skip_space();
                    if self.peek() == Some(b':') {
                        self.bump();
                    } else {
                        self.warnings.push(Warning::at_line(
                            self.line,
                            format!("expected `:` after key `{}`", excerpt(&key)),
                        ));
                    }
                    self.skip_space();
                    if matches!(self.peek(), Some(b'}' | b',') | None) {
                        continue;
                    }
                    if let Some(node) = self.value(depth + 1) {
                        members.push((key, node));
                    }
                }
                Some(_) => {
                    let rest = self.text.get(self.position..).unwrap_or_default();
                    let found = rest.lines().next().unwrap_or_default();
                    self.warnings.push(Warning::at_line(
                        self.line,
                        format!("expected a key in quotes, found `{}`", excerpt(found.trim())),
                    ));
                    self.skip_line();
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Value {
        let open_line = self.line;
        self.bump();
        let mut elements = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    self.report_cut(open_line, '[');
                    return Value::Array(elements);
                }
                Some(b']') => {
                    self.bump();
                    return Value::Array(elements);
                }
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.warnings
                        .push(Warning::at_line(self.line, "found `}` where `]` closes an array"));
                    self.bump();
                    return Value::Array(elements);
                }
                Some(_) => {
                    if let Some(node) = self.value(depth + 1) {
                        elements.push(node);
                    }
                }
            }
        }
    }

    fn skip_nested(&mut self) {
        let mut depth = 0usize;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                _ => {}
            }
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        self.bump();
        let mut out = String::new();
        let start = self.position;
        let mut segment_start = start;
        while let Some(byte) = self.peek() {
            match byte {
                b'"' => {
                    out.push_str(self.text.get(segment_start..self.position).unwrap_or_default());
                    self.bump();
                    return out;
                }
                b'\n' => {
                    self.warnings.push(Warning::at_line(
                        self.line,
                        "string has no closing quote before the line end",
                    ));
                    out.push_str(self.text.get(segment_start..self.position).unwrap_or_default());
                    return out;
                }
                b'\\' => {
                    out.push_str(self.text.get(segment_start..self.position).unwrap_or_default());
                    self.bump();
                    match self.peek() {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'u') => {
                            let hex = self
                                .text
                                .get(self.position + 1..self.position + 5)
                                .unwrap_or_default();
                            match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                                Some(c) => {
                                    out.push(c);
                                    self.position += 4;
                                }
                                None => out.push('\u{fffd}'),
                            }
                        }
                        Some(other) if other.is_ascii() => out.push(char::from(other)),
                        _ => {}
                    }
                    if self.peek().is_some() && self.peek() != Some(b'\n') {
                        self.bump();
                    }
                    // Continue after the escape, at a character boundary.
                    while !self.text.is_char_boundary(self.position) {
                        self.position += 1;
                    }
                    segment_start = self.position;
                }
                _ => self.bump(),
            }
        }
        out.push_str(self.text.get(segment_start..).unwrap_or_default());
        out
    }

    fn number(&mut self) -> String {
        let start = self.position;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.bump();
        }
        self.text.get(start..self.position).unwrap_or_default().to_string()
    }
}
