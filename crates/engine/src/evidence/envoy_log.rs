//! Envoy process logs: the default `[time][thread][level][logger] [source:line] message`
//! format of every Envoy version App Mesh shipped, and the same lines as shippers and
//! terminals wrap them (docker compose, kubectl, CloudWatch, JSON log drivers, Istio's
//! TAB-separated format, runit and syslog prefixes, ANSI colours).

use serde::Serialize;

use std::borrow::Cow;

use super::messages::{self, Event};
use super::timestamp::{self, UnixTime};
use super::{Skipped, Warning};

/// The entries of one Envoy log paste.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EnvoyLog {
    pub entries: Vec<LogEntry>,
    /// Lines that were neither an Envoy log line, a continuation of one, nor a line
    /// with a known message; one warning summarises them.
    pub unrecognised_lines: usize,
}

/// One log entry: a line, plus the lines of a multi-line header dump that follow it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// 1-based line of the entry in the whole input.
    pub line: usize,
    /// 1-based last line of the entry (equal to `line` unless headers follow it).
    pub last_line: usize,
    /// The time as printed by Envoy (or by Istio), without brackets.
    pub time: Option<String>,
    pub unix_time: Option<UnixTime>,
    pub thread: Option<String>,
    pub level: Option<Level>,
    /// Envoy's logger name (`connection`, `router`, `config`, `pool`, ...).
    pub logger: Option<String>,
    /// `path:line` of the Envoy source that logged the line.
    pub source: Option<String>,
    /// `[C123]` or `[Tags: "ConnectionId":"123"]`.
    pub connection_id: Option<u64>,
    /// `[S456]` or `"StreamId":"456"`.
    pub stream_id: Option<u64>,
    /// The shipper that wrapped the line, when the wrapper names it: the docker compose service,
    /// the kubectl `[pod/name/container]` prefix, the syslog host.
    pub origin: Option<String>,
    /// The message after the framing and the connection tags.
    pub message: String,
    pub events: Vec<Event>,
}

/// Envoy's log levels (`spdlog` names, Istio spells `warn` as `warning` too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

impl Level {
    /// Parses a level as Envoy, Istio or a log shipper prints it, in any case.
    pub fn from_name(name: &str) -> Option<Level> {
        let level = match name.to_ascii_lowercase().as_str() {
            "trace" => Level::Trace,
            "debug" | "dbg" => Level::Debug,
            "info" => Level::Info,
            "warning" | "warn" => Level::Warning,
            "error" | "err" => Level::Error,
            "critical" | "crit" | "fatal" => Level::Critical,
            _ => return None,
        };
        Some(level)
    }
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (EnvoyLog, Vec<Warning>) {
    let mut log = EnvoyLog::default();
    let mut skipped = Skipped::default();
    let mut in_header_dump = false;
    for (offset, raw) in text.lines().enumerate() {
        let number = first_line + offset;
        let cleaned = clean_line(raw);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            in_header_dump = false;
            continue;
        }
        if is_fence(trimmed) {
            continue;
        }
        if let Some(last) = log.entries.last_mut() {
            if is_thread_column(trimmed) || (in_header_dump && is_header_line(trimmed)) {
                last.last_line = number;
                in_header_dump = in_header_dump && !is_thread_column(trimmed);
                continue;
            }
        }
        in_header_dump = false;
        match read_entry(&cleaned, number) {
            Some(entry) => {
                in_header_dump = entry.message.ends_with(':');
                log.entries.push(entry);
            }
            None => skipped.line(number),
        }
    }
    log.unrecognised_lines = skipped.count();
    let warnings =
        skipped.warnings("are neither Envoy log lines nor known TLS or connectivity messages");
    (log, warnings)
}

/// Removes the line ending, ANSI colour codes (raw `ESC[...m` or as caret notation
/// `^[[0m`, which terminals print when a copy loses the escape byte).
pub fn clean_line(raw: &str) -> Cow<'_, str> {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    if !raw.contains('\u{1b}') && !raw.contains("^[[") {
        return Cow::Borrowed(raw);
    }
    let mut cleaned = String::with_capacity(raw.len());
    let mut rest = raw;
    // Each search runs again only once its match is consumed, which keeps the loop
    // linear in the line's length.
    let mut next_escape = rest.find('\u{1b}');
    let mut next_caret = rest.find("^[");
    loop {
        let next = match (next_escape, next_caret) {
            (Some(escape), Some(caret)) if caret < escape => Some((caret, 2)),
            (Some(escape), _) => Some((escape, 1)),
            (None, Some(caret)) => Some((caret, 2)),
            (None, None) => None,
        };
        let Some((at, introducer)) = next else {
            cleaned.push_str(rest);
            break;
        };
        cleaned.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + introducer..).unwrap_or("");
        let consumed = match after.strip_prefix('[') {
            Some(sequence) => {
                // A CSI sequence ends with a byte in `@`..=`~` after parameter bytes.
                let end = sequence
                    .char_indices()
                    .find(|(_, c)| ('@'..='~').contains(c))
                    .map_or(sequence.len(), |(index, c)| index + c.len_utf8());
                at + introducer + 1 + end
            }
            None => {
                if introducer == 2 {
                    cleaned.push_str("^[");
                }
                at + introducer
            }
        };
        rest = rest.get(consumed..).unwrap_or("");
        next_escape = match next_escape {
            Some(position) if position >= consumed => Some(position - consumed),
            Some(_) => rest.find('\u{1b}'),
            None => None,
        };
        next_caret = match next_caret {
            Some(position) if position >= consumed => Some(position - consumed),
            Some(_) => rest.find("^["),
            None => None,
        };
    }
    Cow::Owned(cleaned)
}

/// Markdown code fences and the stray backticks around an inline-code paste.
fn is_fence(trimmed: &str) -> bool {
    trimmed.chars().all(|c| c == '`' || c == '~') || trimmed.starts_with("```")
}

/// Istio ends a multi-line entry with a line that holds only `\tthread=<n>`.
fn is_thread_column(trimmed: &str) -> bool {
    trimmed
        .strip_prefix("thread=")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Returns true for a line of a header dump: `':status', '503'`.
fn is_header_line(trimmed: &str) -> bool {
    trimmed.starts_with('\'') && trimmed.contains("', '")
}

/// Reads one line into an entry, or returns `None` when it is not a log line and contains
/// no known message.
fn read_entry(line: &str, number: usize) -> Option<LogEntry> {
    if let Some(inner) = unwrap_json(line) {
        let framed_by_json = inner.level.is_some() || inner.time.is_some();
        let mut entry = match read_entry(&inner.log, number) {
            Some(entry) => entry,
            // Envoy's own JSON format carries the framing as keys around a bare message.
            None if framed_by_json => LogEntry {
                line: number,
                last_line: number,
                message: inner.log.trim().to_string(),
                ..LogEntry::default()
            },
            None => return None,
        };
        if entry.time.is_none() {
            entry.unix_time = inner.time.as_deref().and_then(timestamp::parse);
            entry.time = inner.time;
        }
        entry.origin = entry.origin.or(inner.origin);
        entry.level = entry.level.or(inner.level);
        entry.logger = entry.logger.or(inner.logger);
        return Some(entry);
    }

    let mut entry = LogEntry { line: number, last_line: number, ..LogEntry::default() };
    let rest = if let Some(rest) = read_envoy_header(line, &mut entry) {
        rest
    } else if let Some(rest) = read_istio_header(line, &mut entry) {
        rest
    } else {
        strip_quote_marker(line)
    };

    let framed = entry.level.is_some() || entry.time.is_some();
    let rest = read_source_and_tags(rest, &mut entry);
    let message = strip_thread_column(rest).trim();
    // A CloudWatch Logs Insights table row: `| <timestamp> | <message> |`.
    let message = if line.trim_start().starts_with('|') {
        message.trim_end_matches('|').trim_end()
    } else {
        message
    };

    entry.events = messages::scan(message);
    let has_frame = framed || entry.source.is_some() || entry.connection_id.is_some();
    if !has_frame && entry.events.is_empty() {
        return None;
    }
    entry.message = message.to_string();
    Some(entry)
}

struct JsonWrapped {
    log: String,
    time: Option<String>,
    origin: Option<String>,
    /// Set by Envoy's own JSON log format (`{"level":"debug","name":"connection",...}`).
    level: Option<Level>,
    logger: Option<String>,
}

/// Reads a line of a JSON log driver or shipper: `{"log":"...\n","stream":"stderr","time":"..."}`.
fn unwrap_json(line: &str) -> Option<JsonWrapped> {
    let trimmed = line.trim();
    if !trimmed.starts_with('{') || !trimmed.ends_with('}') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let object = value.as_object()?;
    let log = ["log", "message", "msg", "@message"]
        .iter()
        .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))?;
    let time = ["time", "timestamp", "@timestamp", "ts"]
        .iter()
        .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))
        .map(str::to_string);
    let origin = ["container_name", "pod", "kubernetes.pod_name", "logStream"]
        .iter()
        .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))
        .map(str::to_string);
    let level = ["level", "severity"]
        .iter()
        .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))
        .and_then(Level::from_name);
    let logger = ["name", "logger"]
        .iter()
        .find_map(|key| object.get(*key).and_then(serde_json::Value::as_str))
        .map(str::to_string);
    let log = log.trim_end_matches(['\n', '\r']);
    Some(JsonWrapped { log: clean_line(log).into_owned(), time, origin, level, logger })
}

/// How far into a line the Envoy header is looked for: wrapper prefixes (compose
/// service names, kubectl pod names, CloudWatch columns, runit timestamps) are short.
const MAX_PREFIX_LEN: usize = 512;

/// Reads Envoy's `[time][thread][level][logger]` header wherever a wrapper put it, and
/// returns the text after it.
fn read_envoy_header<'a>(line: &'a str, entry: &mut LogEntry) -> Option<&'a str> {
    let window = line.get(..line.len().min(MAX_PREFIX_LEN)).unwrap_or(line);
    for (at, _) in window.match_indices('[') {
        let candidate = line.get(at..)?;
        let Some((groups, rest)) = bracket_groups(candidate) else { continue };
        let is_header = match groups.first() {
            Some(first) if timestamp::parse(first).is_some() => true,
            Some(first) => Level::from_name(first).is_some() && groups.len() >= 2,
            None => false,
        };
        if !is_header {
            continue;
        }
        for group in &groups {
            if entry.time.is_none() && entry.level.is_none() && timestamp::parse(group).is_some() {
                entry.unix_time = timestamp::parse(group);
                entry.time = Some((*group).to_string());
            } else if entry.level.is_none() && Level::from_name(group).is_some() {
                entry.level = Level::from_name(group);
            } else if entry.level.is_none() && entry.thread.is_none() {
                entry.thread = Some((*group).to_string());
            } else if entry.level.is_some() && entry.logger.is_none() {
                entry.logger = Some((*group).to_string());
            }
        }
        entry.origin = origin_from_prefix(line.get(..at)?);
        return Some(rest);
    }
    None
}

/// The maximum length of a bracket group of an Envoy header (a timestamp, a thread
/// id, a logger name).
const MAX_GROUP_LEN: usize = 64;

/// Splits `[a][b][c] rest` into `["a", "b", "c"]` and `rest`.
fn bracket_groups(text: &str) -> Option<(Vec<&str>, &str)> {
    let mut groups = Vec::new();
    let mut rest = text;
    while let Some(inside) = rest.strip_prefix('[') {
        // Header groups are short, so the closing bracket is looked for nearby only.
        let nearby = inside.get(..inside.len().min(MAX_GROUP_LEN + 1)).unwrap_or(inside);
        let close = nearby.find(']')?;
        let group = inside.get(..close)?;
        if group.contains('[') {
            return None;
        }
        groups.push(group);
        rest = inside.get(close + 1..)?;
    }
    (groups.len() >= 2).then_some((groups, rest))
}

/// Names the shipper from the text before the Envoy header: a docker compose service
/// (`envoy_upstream-1  | `), a kubectl `--prefix` (`[pod/name/container] `), a pasted
/// host or pod name. Timestamps of runit or CloudWatch name no one.
fn origin_from_prefix(prefix: &str) -> Option<String> {
    let trimmed = prefix.trim().trim_start_matches(['>', '|']).trim();
    let trimmed = trimmed.strip_suffix('|').map_or(trimmed, str::trim_end);
    let trimmed = match trimmed.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(inner) => inner,
        None => trimmed,
    };
    let starts_with_digit = trimmed.starts_with(|c: char| c.is_ascii_digit());
    if trimmed.is_empty() || starts_with_digit || trimmed.contains("Epoch") {
        return None;
    }
    Some(trimmed.to_string())
}

/// Reads Istio's `<RFC 3339 time>\t<level>\tenvoy <logger>[ <source>]\t<message>` and a
/// syslog line that carries the same `<level> envoy <logger>` columns.
fn read_istio_header<'a>(line: &'a str, entry: &mut LogEntry) -> Option<&'a str> {
    let window = line.get(..line.len().min(MAX_PREFIX_LEN)).unwrap_or(line);
    let tokens: Vec<(usize, &str)> = window
        .split_whitespace()
        .map(|token| (token.as_ptr() as usize - line.as_ptr() as usize, token))
        .collect();
    let position = tokens.windows(3).position(|triple| match triple {
        [(_, level), (_, envoy), _] => *envoy == "envoy" && Level::from_name(level).is_some(),
        _ => false,
    })?;
    let (_, level) = tokens.get(position)?;
    let (logger_at, logger) = tokens.get(position + 2)?;
    entry.level = Level::from_name(level);
    entry.logger = Some((*logger).to_string());
    let mut prefix_end = tokens.get(position).map_or(0, |(at, _)| *at);
    if let Some((time_at, time)) = tokens
        .get(..position)
        .unwrap_or(&[])
        .iter()
        .rev()
        .find(|(_, token)| timestamp::parse(token).is_some())
    {
        entry.time = Some((*time).to_string());
        entry.unix_time = timestamp::parse(time);
        prefix_end = *time_at;
    }
    let prefix = line.get(..prefix_end)?;
    match split_syslog_time(prefix) {
        Some((time, rest)) if entry.time.is_none() => {
            // Syslog prints no year, so the time stays text only.
            entry.time = Some(time.to_string());
            entry.origin = origin_from_prefix(rest);
        }
        _ => entry.origin = origin_from_prefix(prefix),
    }
    line.get(logger_at + logger.len()..)
}

/// Splits the `Jun 6 18:03:21` time off a syslog prefix (`Jun 6 18:03:21 host program`).
fn split_syslog_time(prefix: &str) -> Option<(&str, &str)> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let trimmed = prefix.trim_start();
    let mut words = trimmed.split_whitespace();
    let month = words.next()?;
    let day = words.next()?;
    let time = words.next()?;
    let is_time = time.len() == 8 && time.bytes().filter(|b| *b == b':').count() == 2;
    if !MONTHS.contains(&month) || day.parse::<u8>().is_err() || !is_time {
        return None;
    }
    let end = time.as_ptr() as usize - trimmed.as_ptr() as usize + time.len();
    Some((trimmed.get(..end)?, trimmed.get(end..)?))
}

/// Removes a leading markdown quote marker (`> `).
fn strip_quote_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    trimmed.strip_prefix("> ").unwrap_or(trimmed)
}

/// Reads `[source:line]` (or the 2018 `source:line]`) and the connection tags after it.
fn read_source_and_tags<'a>(text: &'a str, entry: &mut LogEntry) -> &'a str {
    let mut rest = text.trim_start();
    if let Some(inside) = rest.strip_prefix('[') {
        if let Some(close) = inside.find(']') {
            let candidate = inside.get(..close).unwrap_or("");
            if is_source_location(candidate) {
                entry.source = Some(candidate.to_string());
                rest = inside.get(close + 1..).unwrap_or("").trim_start();
            }
        }
    } else if let Some(token) = rest.split_whitespace().next() {
        let candidate = token.strip_suffix(']').unwrap_or(token);
        if is_source_location(candidate) {
            entry.source = Some(candidate.to_string());
            rest = rest.get(token.len()..).unwrap_or("").trim_start();
        }
    }
    read_connection_tags(rest, entry)
}

/// `source/common/tls/ssl_socket.cc:248`, `./source/common/config/grpc_stream.h:163`.
fn is_source_location(text: &str) -> bool {
    let Some((path, line)) = text.rsplit_once(':') else { return false };
    !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (path.ends_with(".cc") || path.ends_with(".h") || path.ends_with(".cpp"))
        && !path.contains(char::is_whitespace)
}

/// Reads `[C123]`, `[C123][S456]` and `[Tags: "ConnectionId":"123","StreamId":"456"]`.
fn read_connection_tags<'a>(text: &'a str, entry: &mut LogEntry) -> &'a str {
    let mut rest = text.trim_start();
    if let Some(tags) = rest.strip_prefix("[Tags: ") {
        if let Some(close) = tags.find(']') {
            let inside = tags.get(..close).unwrap_or("");
            entry.connection_id = tag_value(inside, "\"ConnectionId\":\"");
            entry.stream_id = tag_value(inside, "\"StreamId\":\"");
            return tags.get(close + 1..).unwrap_or("").trim_start();
        }
    }
    while let Some(inside) = rest.strip_prefix('[') {
        let Some(close) = inside.find(']') else { break };
        let tag = inside.get(..close).unwrap_or("");
        let (slot, digits) = if let Some(digits) = tag.strip_prefix('C') {
            (&mut entry.connection_id, digits)
        } else if let Some(digits) = tag.strip_prefix('S') {
            (&mut entry.stream_id, digits)
        } else {
            break;
        };
        let Ok(value) = digits.parse::<u64>() else { break };
        *slot = Some(value);
        rest = inside.get(close + 1..).unwrap_or("");
    }
    rest.trim_start()
}

fn tag_value(inside: &str, key: &str) -> Option<u64> {
    let start = inside.find(key)? + key.len();
    let value = inside.get(start..)?;
    value.get(..value.find('"')?)?.parse().ok()
}

/// Removes Istio's trailing `thread=<n>` column.
fn strip_thread_column(message: &str) -> &str {
    let trimmed = message.trim_end();
    if let Some(at) = trimmed.rfind("thread=") {
        let digits = trimmed.get(at + "thread=".len()..).unwrap_or("");
        let before = trimmed.get(..at).unwrap_or("");
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (before.is_empty() || before.ends_with(char::is_whitespace))
        {
            return before;
        }
    }
    trimmed
}
