//! Kind detection: the single entry point for every paste.
//!
//! Each line is classified from its text alone (a `/stats` line, a Prometheus sample,
//! an Envoy log line, a PEM block, a JSON body, curl's verbose output, ...). Runs of
//! lines of one kind become parts; blank lines, shell command lines, code fences and
//! curl progress meters join whichever part surrounds them. Each part is handed to
//! its parser with its first line, so warnings and records carry the line numbers of
//! the whole input. The cost is linear in the size of the input.

use std::borrow::Cow;

use super::pause::{self, NoPause, Pass, Pause, Progress};
use super::{
    access_log, certs, envoy_log, other, pem, stats, target_group, text, InputKind, ParsedInput,
    Part, Records, Warning,
};

/// Share of control or replacement characters above which an input is reported as
/// binary. A chosen threshold: text pastes have none apart from tabs and escapes.
const BINARY_SHARE_PERCENT: usize = 10;

/// Length in characters above which a line is reported as unusually long. A chosen
/// bound, far above the longest line of the log and stats samples the engine reads.
const LONG_LINE_CHARS: usize = 65_536;

/// Maximum run of unrecognised lines between two Envoy log lines that is taken as the
/// continuation of the first, because Envoy prints header maps and some messages over
/// several lines. A chosen bound.
const MAX_LOG_CONTINUATION_LINES: usize = 50;

/// Envoy's log levels as its log lines print them.
const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warning", "warn", "error", "critical"];

/// Admin paths whose curl transcript (`> GET /certs HTTP/1.1`, `< HTTP/1.1 200 OK`, ...)
/// only frames the output that follows it.
const ADMIN_PATHS: &[&str] = &[
    "/certs",
    "/stats",
    "/clusters",
    "/config_dump",
    "/server_info",
    "/listeners",
    "/runtime",
    "/memory",
    "/ready",
];

/// The class of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Blank, comment, shell command, fence, progress meter: joins the part around it.
    Neutral,
    Stat,
    Prometheus,
    /// One line of a JSON body; the kind of the whole body is decided from its keys.
    Json(InputKind),
    EnvoyLog,
    AccessLog,
    Pem,
    /// curl's verbose output (`* `, `> `, `< `).
    CurlVerbose,
    /// `/clusters` text output (`name::host::stat::value`).
    Clusters,
    Other,
}

impl Class {
    fn kind(self) -> Option<InputKind> {
        match self {
            Class::Neutral => None,
            Class::Stat => Some(InputKind::StatsText),
            Class::Prometheus => Some(InputKind::StatsPrometheus),
            Class::Json(kind) => Some(kind),
            Class::EnvoyLog => Some(InputKind::EnvoyLog),
            Class::AccessLog => Some(InputKind::AccessLog),
            Class::Pem => Some(InputKind::Pem),
            Class::CurlVerbose | Class::Clusters | Class::Other => Some(InputKind::Other),
        }
    }
}

/// Detects the kind of each part of `text`, splits it into parts and parses each.
///
/// `name` is carried into the result (a file name or a label such as `paste 1`); the
/// kind is decided from the content only.
pub fn parse_input(name: &str, text: &str) -> ParsedInput {
    pause::run_to_end(parse_input_pausing(name, text, 0, &mut NoPause))
}

/// Parses as [`parse_input`] does, and awaits `pause` every
/// [`pause::LINES_PER_PAUSE`] lines of each pass. `lines_total`, the number of
/// lines of `text`, only goes into the progress that `pause` receives.
pub async fn parse_input_pausing(
    name: &str,
    text: &str,
    lines_total: usize,
    pause: &mut impl Pause,
) -> ParsedInput {
    let mut warnings = Vec::new();
    let text = check_encoding(text, &mut warnings);

    if text.trim().is_empty() {
        let message =
            if text.is_empty() { "input is empty" } else { "input holds only whitespace" };
        warnings.push(Warning::at_line(
            1,
            format!("{message}; paste Envoy output such as /stats, /certs or log lines"),
        ));
        return ParsedInput {
            name: name.to_string(),
            kind: InputKind::Other,
            parts: Vec::new(),
            warnings,
        };
    }

    let mut raw_lines: Vec<&str> = Vec::new();
    let mut lines: Vec<Cow<'_, str>> = Vec::new();
    // The `": "` of each line that is a stat as pasted, which needs no cleanup.
    let mut stat_colons: Vec<Option<usize>> = Vec::new();
    for (index, (line, plain)) in text::split_plain_lines(text).enumerate() {
        if pause::is_due(index) {
            pause.pause(Progress { pass: Pass::Detection, lines_read: index, lines_total }).await;
        }
        let colon = plain_stat_colon(plain, line);
        lines.push(if colon.is_some() { Cow::Borrowed(line) } else { text::clean_line(line) });
        stat_colons.push(colon);
        raw_lines.push(line);
    }
    // Each step after the line loop reads every line again, so each starts
    // after a pause point of its own.
    let lines_read = lines.len();
    pause.pause(Progress { pass: Pass::Detection, lines_read, lines_total }).await;
    let (classes, cleaned) = classify_lines(&lines, &stat_colons);
    // Lines that cleanup and quote removal left exactly as pasted: the text parser
    // would clean them again to no effect.
    let unchanged: Vec<bool> = raw_lines
        .iter()
        .zip(&cleaned)
        .map(|(raw, chosen)| raw.as_ptr() == chosen.as_ptr() && raw.len() == chosen.len())
        .collect();
    let mut ranges = segment(&classes);
    drop_admin_curl_envelopes(&mut ranges, &classes, &lines);
    note_known_other_outputs(&ranges, &classes, &lines, &mut warnings);
    // A plain stat line neither starts nor ends a certificate's text dump, and neither
    // does an empty line, which the scan passes over at no cost.
    let dump_lines =
        lines
            .iter()
            .zip(&stat_colons)
            .map(|(line, colon)| if colon.is_some() { "" } else { line.as_ref() });
    warnings.extend(pem::text_dumps_without_pem(dump_lines, 1));

    pause.pause(Progress { pass: Pass::Detection, lines_read, lines_total }).await;
    let mut parts = Vec::new();
    for range in &ranges {
        let first_line = range.start + 1;
        let last_line = range.end + 1;
        let (records, part_warnings) = if range.kind == InputKind::StatsText {
            // The text parser reads the lines as they are, rather than a joined copy
            // that it would split again.
            let part = cleaned.get(range.start..=range.end).unwrap_or_default();
            let clean = unchanged.get(range.start..=range.end).unwrap_or_default();
            let colons = stat_colons.get(range.start..=range.end).unwrap_or_default();
            let parsed = stats::parse_text_lines(part, clean, colons, first_line, pause).await;
            wrap(parsed, Records::Stats)
        } else {
            let part_text = join_lines(&cleaned, range.start, range.end);
            parse_part(range.kind, &part_text, first_line)
        };
        warnings.extend(part_warnings);
        parts.push(Part { kind: range.kind, first_line, last_line, records });
    }

    let kind = match parts.first() {
        Some(first) if parts.iter().all(|part| part.kind == first.kind) => first.kind,
        Some(_) => InputKind::Mixed,
        None => InputKind::Other,
    };
    if parts.is_empty() {
        warnings.push(Warning::at_line(
            1,
            "input holds only shell commands, comments or code fences; nothing to read",
        ));
    }
    ParsedInput { name: name.to_string(), kind, parts, warnings }
}

/// Warns about a byte-order mark, CRLF or CR-only line ends, NULs and binary content,
/// and returns the text without the byte-order mark.
fn check_encoding<'a>(text: &'a str, warnings: &mut Vec<Warning>) -> &'a str {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            warnings
                .push(Warning::at_line(1, "input starts with a byte-order mark (U+FEFF); ignored"));
            rest
        }
        None => text,
    };

    let ByteCounts { crlf, cr, lf, nul_line, nuls, suspicious, chars, long_lines } =
        count_bytes(text, true);
    // Random bytes contain CR and LF by chance, so binary input gets only the
    // binary warning below.
    let binary = chars > 0 && suspicious * 100 > chars * BINARY_SHARE_PERCENT;
    if !binary && cr > 0 && lf == 0 {
        warnings.push(Warning::at_line(
            1,
            "line ends are CR only (classic Mac OS); each CR is read as a line end",
        ));
    } else if !binary && crlf > 0 {
        warnings.push(Warning::at_line(1, "line ends are CRLF (Windows); read as LF"));
    }

    if let Some(first) = nul_line {
        warnings.push(Warning::at_line(
            first,
            format!("input holds {nuls} NUL characters (first on this line); they are ignored"),
        ));
    }
    if let Some((first, length)) = long_lines.first {
        let more = match long_lines.count - 1 {
            0 => String::new(),
            others => format!(", and {others} more lines have over {LONG_LINE_CHARS}"),
        };
        warnings.push(Warning::at_line(
            first,
            format!(
                "this line has {length} characters{more}; a line this long is usually several lines joined or a file that is not text, and it is read as one line"
            ),
        ));
    }
    if binary {
        warnings.push(Warning::at_line(
            1,
            format!(
                "input looks binary: {suspicious} of {chars} characters are control or invalid UTF-8 characters; paste the text output of Envoy's admin interface or logs"
            ),
        ));
    }
    text
}

/// Counts of the line ends and characters that [`check_encoding`] warns about.
#[derive(Debug, Default, PartialEq)]
struct ByteCounts {
    crlf: usize,
    cr: usize,
    lf: usize,
    /// The first line with a NUL.
    nul_line: Option<usize>,
    nuls: usize,
    /// Control characters other than tab and escape, NULs included, and U+FFFD.
    suspicious: usize,
    chars: usize,
    long_lines: LongLines,
}

/// Counts line ends, NULs and suspicious characters in one pass over the bytes. Only a
/// non-ASCII byte needs its character decoded. With `skip_words`, the pass skips 8-byte
/// words of printable ASCII, which gives the same counts faster.
fn count_bytes(text: &str, skip_words: bool) -> ByteCounts {
    let bytes = text.as_bytes();
    let mut counts = ByteCounts::default();
    let mut line = 1usize;
    let mut previous = 0u8;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        // Eight printable ASCII bytes change nothing but the character counts, and
        // nearly every word of a paste is one.
        let word: Option<[u8; 8]> =
            bytes.get(index..index + 8).and_then(|chunk| chunk.try_into().ok());
        if let Some(word) = word.filter(|_| skip_words) {
            if all_printable_ascii(u64::from_le_bytes(word)) {
                counts.chars += 8;
                counts.long_lines.chars += 8;
                previous = word[7];
                index += 8;
                continue;
            }
        }
        if byte.is_ascii() {
            counts.chars += 1;
            counts.long_lines.chars += 1;
            match byte {
                b'\n' => {
                    counts.lf += 1;
                    counts.long_lines.chars -= 1;
                    if previous == b'\r' {
                        counts.crlf += 1;
                    } else {
                        counts.long_lines.end(line);
                        line += 1;
                    }
                }
                b'\r' => {
                    counts.cr += 1;
                    counts.long_lines.chars -= 1;
                    counts.long_lines.end(line);
                    line += 1;
                }
                0 => {
                    counts.nuls += 1;
                    counts.nul_line.get_or_insert(line);
                    counts.suspicious += 1;
                }
                b'\t' | 0x1b => {}
                _ if byte.is_ascii_control() => counts.suspicious += 1,
                _ => {}
            }
        } else if byte & 0xc0 != 0x80 {
            counts.chars += 1;
            counts.long_lines.chars += 1;
            let c = text.get(index..).and_then(|rest| rest.chars().next()).unwrap_or_default();
            if c == '\u{fffd}' || c.is_control() {
                counts.suspicious += 1;
            }
        }
        previous = byte;
        index += 1;
    }
    counts.long_lines.end(line);
    counts
}

/// Tells whether each byte of `word` is printable ASCII (0x20 to 0x7e), so not a line end,
/// a control character or part of a multi-byte character.
fn all_printable_ascii(word: u64) -> bool {
    const LOW_BITS: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20 borrows into its high bit when 0x20 is subtracted. Without a
    // high bit set anywhere, adding 1 sets a high bit only on a 0x7f byte.
    let below_space = word.wrapping_sub(LOW_BITS * 0x20) & !word;
    let delete_or_high = word | word.wrapping_add(LOW_BITS);
    (below_space | delete_or_high) & HIGH_BITS == 0
}

/// Lines longer than [`LONG_LINE_CHARS`]: how many, and the first with its length.
#[derive(Debug, Default, PartialEq)]
struct LongLines {
    /// Characters of the current line so far.
    chars: usize,
    count: usize,
    first: Option<(usize, usize)>,
}

impl LongLines {
    /// Ends line `line` and starts the next.
    fn end(&mut self, line: usize) {
        if self.chars > LONG_LINE_CHARS {
            self.count += 1;
            self.first.get_or_insert((line, self.chars));
        }
        self.chars = 0;
    }
}

/// Classifies every line and returns the classes and the text each part parser reads
/// for that line (without a Markdown quote prefix where the quoted text is evidence).
/// A line with a position in `stat_colons` is a stat unless a PEM block is open.
fn classify_lines<'a>(
    lines: &'a [Cow<'a, str>],
    stat_colons: &[Option<usize>],
) -> (Vec<Class>, Vec<&'a str>) {
    let mut classes = Vec::with_capacity(lines.len());
    let mut cleaned: Vec<&str> = Vec::with_capacity(lines.len());
    let mut in_pem = false;
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        let line: &str = line;
        if !in_pem && stat_colons.get(index).is_some_and(Option::is_some) {
            classes.push(Class::Stat);
            cleaned.push(line);
            index += 1;
            continue;
        }
        let unquoted = text::strip_quote_prefix(line);
        if in_pem || has_begin_marker(line) {
            let body = unquoted.unwrap_or(line);
            in_pem = match (body.rfind("-----BEGIN "), body.rfind("-----END ")) {
                (Some(begin), Some(end)) => begin > end,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => in_pem,
            };
            classes.push(Class::Pem);
            cleaned.push(body);
            index += 1;
            continue;
        }
        // A JSON-lines access log is one object per line, each its own entry.
        if line.trim_start().starts_with('{') && access_log::is_json_entry(line) {
            classes.push(Class::AccessLog);
            cleaned.push(line);
            index += 1;
            continue;
        }
        if let Some(json) = json_start(line) {
            let end = json_block_end(lines, index, json);
            let kind = json_kind(lines.get(index..=end).unwrap_or_default());
            for line in lines.get(index..=end).unwrap_or_default() {
                classes.push(Class::Json(kind));
                cleaned.push(line);
            }
            index = end + 1;
            continue;
        }
        let mut class = classify(line);
        let mut chosen = line;
        if let Some(unquoted) = unquoted {
            let quoted_class = classify(unquoted);
            // `> ` starts a curl request line too, but `> ```` is a fence in a Markdown quote.
            if !matches!(quoted_class, Class::Other | Class::Neutral | Class::CurlVerbose)
                || text::is_fence(unquoted)
            {
                class = quoted_class;
                chosen = unquoted;
            }
        }
        if class == Class::Other {
            // A stat wrapped by the terminal continues on the next line.
            if let Some(next) = lines.get(index + 1) {
                let next = next.trim();
                if is_stat_line(&format!("{}{next}", line.trim()))
                    || is_stat_line(&format!("{} {next}", line.trim()))
                {
                    class = Class::Stat;
                }
            }
        }
        classes.push(class);
        cleaned.push(chosen);
        index += 1;
    }
    absorb_log_continuations(&mut classes);
    (classes, cleaned)
}

/// Whether a line contains `-----BEGIN `, checked only where a `-----` run starts.
fn has_begin_marker(line: &str) -> bool {
    let bytes = line.as_bytes();
    // Dashes in `/stats` names rarely come in pairs, so a second dash is checked first.
    bytes.iter().enumerate().any(|(index, &byte)| {
        byte == b'-'
            && bytes.get(index + 1) == Some(&b'-')
            && bytes.get(index..).is_some_and(|tail| tail.starts_with(b"-----BEGIN "))
    })
}

fn classify(line: &str) -> Class {
    let trimmed = stats::trim_line(line);
    // A line that starts with a letter (not curl's `Dload`) is no blank line, fence,
    // progress meter, comment or elision, so only the prompt check applies to it.
    let like_a_name = stats::starts_like_a_name(trimmed);
    if !like_a_name && (trimmed.is_empty() || text::is_fence(line) || text::is_curl_progress(line))
    {
        return Class::Neutral;
    }
    if trimmed.starts_with("# TYPE ") || trimmed.starts_with("# HELP ") {
        return Class::Prometheus;
    }
    if text::shell_command(line).is_some()
        || !like_a_name && (trimmed.starts_with('#') || trimmed.trim_matches(['.', '…']).is_empty())
    {
        return Class::Neutral;
    }
    // A stat name has no spaces, so no log or curl line passes this first check.
    if is_stat_line(trimmed) {
        return Class::Stat;
    }
    if is_curl_verbose(line) {
        return Class::CurlVerbose;
    }
    if is_access_log(trimmed) {
        return Class::AccessLog;
    }
    if is_envoy_log(trimmed) {
        return Class::EnvoyLog;
    }
    if is_prometheus_sample(trimmed) {
        return Class::Prometheus;
    }
    if is_clusters_line(trimmed) {
        return Class::Clusters;
    }
    Class::Other
}

/// Returns the position of the `": "` of a `/stats` line that [`classify`] takes for a
/// stat as pasted, with no cleanup, quote or prompt to remove. Such a line is one that
/// [`text::split_plain_lines`] accepts, whose name has a dot and whose value is digits
/// or histogram quantiles. Most lines of a dump are such lines, and this one pass over
/// their bytes replaces the cleanup and the checks of every other kind.
/// `colon` is what [`text::split_plain_lines`] returned for the line.
fn plain_stat_colon(colon: Option<usize>, line: &str) -> Option<usize> {
    let colon = colon?;
    let name = line.get(..colon)?;
    let value = line.get(colon + 2..)?;
    let digits = !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit());
    (name.as_bytes().contains(&b'.') && (digits || histogram_start(value))).then_some(colon)
}

/// Whether a line is a `/stats` text line: `<name>: <value>` where the name has a dot
/// and no spaces and the value is a number, a quoted text readout or a histogram.
fn is_stat_line(line: &str) -> bool {
    let Some((name, value)) = text::split_name_value(line) else {
        return false;
    };
    if name.is_empty() || !name.contains('.') || text::find_whitespace(name).is_some() {
        return false;
    }
    if name.starts_with(['[', '"', '{', '<', '>', '*', '\'']) {
        return false;
    }
    let value = stats::trim_line(value);
    let number = value.strip_prefix('-').unwrap_or(value);
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        || (value.starts_with('"') && value.ends_with('"') && value.len() >= 2)
        || value == "No recorded values"
        || histogram_start(value)
}

fn histogram_start(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('P').or_else(|| value.strip_prefix('B')) else {
        return false;
    };
    let label_end = rest.find('(').unwrap_or(0);
    label_end > 0 && rest.get(..label_end).is_some_and(|label| label.parse::<f64>().is_ok())
}

/// Whether a line is a Prometheus sample: `name{labels} value [timestamp]`, where the
/// name is an Envoy or Istio metric or the line has labels.
fn is_prometheus_sample(line: &str) -> bool {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let Some(name) = line.get(..name_end) else {
        return false;
    };
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut rest = line.get(name_end..).unwrap_or_default();
    let has_labels = rest.starts_with('{');
    if has_labels {
        // Labels are `key="value"` pairs; find the closing brace outside quotes.
        let mut in_quotes = false;
        let mut escaped = false;
        let mut close = None;
        for (index, c) in rest.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_quotes = !in_quotes,
                '}' if !in_quotes => {
                    close = Some(index);
                    break;
                }
                _ => {}
            }
        }
        let Some(close) = close else { return false };
        let labels = rest.get(1..close).unwrap_or_default();
        if !labels.is_empty() && !labels.contains("=\"") {
            return false;
        }
        rest = rest.get(close + 1..).unwrap_or_default();
    } else if !(name.starts_with("envoy_") || name.starts_with("istio_")) {
        return false;
    }
    let mut fields = rest.split_whitespace();
    let Some(value) = fields.next() else {
        return false;
    };
    let numeric = value.parse::<f64>().is_ok() || matches!(value, "+Inf" | "-Inf" | "NaN");
    let timestamp_ok =
        fields.next().is_none_or(|t| t.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
    rest.starts_with(char::is_whitespace) && numeric && timestamp_ok && fields.next().is_none()
}

/// Whether a line is an Envoy log line in any of the formats seen in pastes.
///
/// These are Envoy's default `[time][thread][level][logger] [file:line] message`, the
/// same behind a `docker compose` or runit prefix, Istio's `time<TAB>level<TAB>envoy
/// logger ...`, a syslog line, and a TLS message Envoy logs, printed without its prefix.
fn is_envoy_log(line: &str) -> bool {
    // `][debug][` of the default format, or `[debug][router]` with the time cut off.
    let level_then_bracket = |text: &str| {
        LOG_LEVELS
            .iter()
            .any(|level| text.strip_prefix(level).is_some_and(|rest| rest.starts_with("][")))
    };
    if line.strip_prefix('[').is_some_and(level_then_bracket)
        || line
            .match_indices("][")
            .any(|(at, _)| line.get(at + 2..).is_some_and(level_then_bracket))
    {
        return true;
    }
    // Istio and syslog: a level word, whitespace, `envoy `, a logger name.
    let mut previous = "";
    for word in line.split_whitespace().take(12) {
        if word == "envoy" && LOG_LEVELS.contains(&previous) {
            return true;
        }
        previous = word;
    }
    // A source location `source/.../file.cc:123]` as Envoy prints it.
    if let Some(at) = line.find("source/") {
        let tail = line.get(at..).unwrap_or_default();
        if let Some(colon) = tail.find(".cc:").or_else(|| tail.find(".h:")) {
            let after = tail.get(colon..).unwrap_or_default();
            let after = after.trim_start_matches(|c: char| c != ':').trim_start_matches(':');
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                return true;
            }
        }
    }
    // Messages Envoy's TLS code logs, pasted without the log prefix.
    ["TLS error: ", "SSL error: ", "verify cert failed: "].iter().any(|message| {
        line.starts_with(message) && line.get(message.len()..).is_some_and(|rest| !rest.is_empty())
    })
}

/// Whether a line is an Envoy access log line: an optional `[start time]`, then the
/// quoted request line `"GET /path HTTP/1.1"`, then a response code.
fn is_access_log(line: &str) -> bool {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix('[') {
        let Some(close) = after.find("] ") else {
            return false;
        };
        rest = after.get(close + 2..).unwrap_or_default();
    }
    let Some(request) = rest.strip_prefix('"') else {
        return false;
    };
    let Some(close) = request.find('"') else {
        return false;
    };
    let request_line = request.get(..close).unwrap_or_default();
    let mut words = request_line.split(' ');
    let method = words.next().unwrap_or_default();
    let _path = words.next();
    let protocol = words.next().unwrap_or_default();
    let method_ok =
        !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) || method == "-";
    let protocol_ok = protocol.starts_with("HTTP/") || request_line == "-";
    let after = request.get(close + 1..).unwrap_or_default().trim_start();
    let code = after.split(' ').next().unwrap_or_default();
    method_ok && protocol_ok && code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a line is curl's verbose output: `* ` information, `> ` request and `< `
/// response lines, and the `{ [5 bytes data]` markers.
fn is_curl_verbose(line: &str) -> bool {
    let trimmed = line.trim_end();
    matches!(trimmed, ">" | "<" | "*")
        || trimmed.starts_with("* ")
        || trimmed.starts_with("*  ")
        || trimmed.starts_with("> ")
        || trimmed.starts_with("< ")
        || trimmed.starts_with("{ [")
        || trimmed.starts_with("} [")
}

/// Whether a line is `/clusters` output: `cluster::host::stat::value` or `version_info::...`.
fn is_clusters_line(line: &str) -> bool {
    !line.contains(' ') && (line.matches("::").count() >= 2 || line.starts_with("version_info::"))
}

/// Returns the first character of a JSON body on a line: `{`, `[`, or `"` for a fragment that
/// starts with a `"key": value` member.
fn json_start(line: &str) -> Option<u8> {
    let trimmed = line.trim_start();
    let first = *trimmed.as_bytes().first()?;
    match first {
        b'{' => Some(first),
        // `[` starts a log time or a connection id too (`[2020-...`, `[C12]`).
        b'[' => {
            let after = trimmed.get(1..).unwrap_or_default().trim_start();
            (after.is_empty()
                || after.starts_with(['{', '"', '[', ']'])
                || after.starts_with(|c: char| c.is_ascii_digit()) && !after.contains(']'))
            .then_some(first)
        }
        b'"' => {
            let close = trimmed.get(1..)?.find('"')? + 1;
            trimmed.get(close + 1..)?.trim_start().starts_with(':').then_some(first)
        }
        _ => None,
    }
}

/// Finds the last line of a JSON body starting on line `start`: the line where the
/// brackets balance, extended over the following lines while they still look like
/// JSON (fragments need not balance).
fn json_block_end(lines: &[Cow<'_, str>], start: usize, first: u8) -> usize {
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut end = start;
    let mut opened = first != b'"';
    for (index, line) in lines.iter().enumerate().skip(start) {
        if index > start && depth <= 0 && !in_string {
            let trimmed = line.trim_start();
            let continues = !opened
                && (trimmed.starts_with(['{', '}', '[', ']', '"', ','])
                    || trimmed.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    || trimmed.starts_with("null")
                    || trimmed.starts_with("true")
                    || trimmed.starts_with("false"));
            if !continues {
                break;
            }
        }
        for byte in line.bytes() {
            if in_string {
                match byte {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                b'#' => break,
                _ => {}
            }
        }
        // A string never spans lines in the JSON Envoy prints.
        in_string = false;
        escaped = false;
        end = index;
        if opened && depth <= 0 {
            break;
        }
        if depth > 0 {
            opened = first != b'"';
        }
    }
    end
}

/// Keys that tell a JSON body's kind, with the kind (or `None` for a known admin output
/// the engine does not read) and what it looks like.
const JSON_SHAPES: &[(&[&str], Option<InputKind>, &str)] = &[
    (&["configs", "@type"], None, "Envoy's /config_dump"),
    (&["certificates"], Some(InputKind::Certs), "/certs"),
    (&["cert_chain"], Some(InputKind::Certs), "/certs"),
    (&["ca_cert"], Some(InputKind::Certs), "/certs"),
    (&["days_until_expiration"], Some(InputKind::Certs), "/certs"),
    (&["computed_quantiles"], Some(InputKind::StatsJson), "/stats?format=json"),
    (&["supported_quantiles"], Some(InputKind::StatsJson), "/stats?format=json"),
    (&["stats", "name", "value"], Some(InputKind::StatsJson), "/stats?format=json"),
    (&["TargetGroups"], Some(InputKind::TargetGroup), "describe-target-groups"),
    (&["TargetGroupArn"], Some(InputKind::TargetGroup), "describe-target-groups"),
    (&["HealthCheckProtocol"], Some(InputKind::TargetGroup), "describe-target-groups"),
    // NOTE: `describe-virtual-node` output has no kind of its own in the output contract.
    // It goes to the target-group parser because the ELB checks compare the target
    // group port with the virtual node's listener port.
    (&["virtualNode", "spec"], Some(InputKind::TargetGroup), "describe-virtual-node"),
    (&["cluster_statuses"], None, "Envoy's /clusters?format=json"),
    (&["listener_statuses"], None, "Envoy's /listeners?format=json"),
    (&["command_line_options"], None, "Envoy's /server_info"),
    (&["hot_restart_version"], None, "Envoy's /server_info"),
    (&["layers", "entries"], None, "Envoy's /runtime"),
    (&["allocated", "heap_size"], None, "Envoy's /memory"),
    (&["name", "value"], Some(InputKind::StatsJson), "/stats?format=json"),
];

fn json_keys(lines: &[Cow<'_, str>]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let wanted: Vec<&str> =
        JSON_SHAPES.iter().flat_map(|(keys, _, _)| keys.iter().copied()).collect();
    for line in lines {
        let mut rest: &str = line;
        while let Some(open) = rest.find('"') {
            let after = rest.get(open + 1..).unwrap_or_default();
            let Some(close) = after.find('"') else { break };
            let key = after.get(..close).unwrap_or_default();
            rest = after.get(close + 1..).unwrap_or_default();
            if rest.trim_start().starts_with(':')
                && wanted.contains(&key)
                && !keys.iter().any(|k| k == key)
            {
                keys.push(key.to_string());
            }
        }
    }
    keys
}

fn json_shape(lines: &[Cow<'_, str>]) -> Option<(Option<InputKind>, &'static str)> {
    let keys = json_keys(lines);
    JSON_SHAPES
        .iter()
        .find(|(wanted, _, _)| wanted.iter().all(|key| keys.iter().any(|k| k == key)))
        .map(|(_, kind, looks_like)| (*kind, *looks_like))
}

fn json_kind(lines: &[Cow<'_, str>]) -> InputKind {
    match json_shape(lines) {
        Some((Some(kind), _)) => kind,
        // A known admin output the engine does not read, or no known shape.
        // `note_known_other_outputs` names which in a warning.
        _ => InputKind::Other,
    }
}

/// Takes runs of unrecognised lines between two Envoy log lines as continuations of the
/// first (header maps, multi-line messages, JSON that a debug message prints).
fn absorb_log_continuations(classes: &mut [Class]) {
    let unrecognised = |class: &Class| {
        matches!(class, Class::Other | Class::Neutral | Class::Json(InputKind::Other))
    };
    let mut last_log: Option<usize> = None;
    for index in 0..classes.len() {
        match classes.get(index).copied() {
            Some(Class::EnvoyLog) => {
                if let Some(previous) = last_log {
                    let gap = previous + 1..index;
                    let only_unrecognised = gap.len() <= MAX_LOG_CONTINUATION_LINES
                        && classes
                            .get(gap.clone())
                            .is_some_and(|between| between.iter().all(unrecognised));
                    if only_unrecognised {
                        for class in classes.get_mut(gap).unwrap_or_default() {
                            if *class != Class::Neutral {
                                *class = Class::EnvoyLog;
                            }
                        }
                    }
                }
                last_log = Some(index);
            }
            Some(class) if unrecognised(&class) => {}
            _ => last_log = None,
        }
    }
}

/// A run of lines of one kind; `start` and `end` are 0-based and inclusive.
#[derive(Clone, Debug)]
struct Range {
    kind: InputKind,
    start: usize,
    end: usize,
}

fn segment(classes: &[Class]) -> Vec<Range> {
    let mut ranges: Vec<Range> = Vec::new();
    let mut previous_class: Option<Class> = None;
    for (index, class) in classes.iter().enumerate() {
        let Some(kind) = class.kind() else { continue };
        match ranges.last_mut() {
            // Two JSON bodies in a row are two documents (two snapshots, say), not one.
            Some(last)
                if last.kind == kind
                    && !(matches!(class, Class::Json(_))
                        && json_starts_here(classes, index, previous_class)) =>
            {
                last.end = index;
            }
            _ => ranges.push(Range { kind, start: index, end: index }),
        }
        previous_class = Some(*class);
    }
    ranges
}

/// Whether a JSON line starts a new body: the line before it is not part of a JSON body.
fn json_starts_here(classes: &[Class], index: usize, previous_class: Option<Class>) -> bool {
    let before = index.checked_sub(1).and_then(|i| classes.get(i));
    !matches!(before, Some(Class::Json(_))) && matches!(previous_class, Some(Class::Json(_)))
}

/// Drops the curl transcript of a request to Envoy's admin interface when the output
/// it frames follows: the transcript is not evidence, the output is.
fn drop_admin_curl_envelopes(ranges: &mut Vec<Range>, classes: &[Class], lines: &[Cow<'_, str>]) {
    let is_envelope = |range: &Range, next: Option<&Range>| {
        let only_curl = range.kind == InputKind::Other
            && classes.get(range.start..=range.end).is_some_and(|run| {
                run.iter().all(|c| matches!(c, Class::CurlVerbose | Class::Neutral))
            });
        let admin_request = || {
            lines.get(range.start..=range.end).unwrap_or_default().iter().any(|line| {
                line.strip_prefix("> GET ")
                    .is_some_and(|request| ADMIN_PATHS.iter().any(|path| request.starts_with(path)))
            })
        };
        only_curl && next.is_some_and(|next| next.kind != InputKind::Other) && admin_request()
    };
    let envelopes: Vec<bool> = ranges
        .iter()
        .enumerate()
        .map(|(index, range)| is_envelope(range, ranges.get(index + 1)))
        .collect();
    let mut flags = envelopes.iter();
    ranges.retain(|_| !flags.next().copied().unwrap_or(false));
}

/// Adds a warning for each `other` part that is a known Envoy admin output the engine
/// does not read, or JSON of no known shape.
fn note_known_other_outputs(
    ranges: &[Range],
    classes: &[Class],
    lines: &[Cow<'_, str>],
    warnings: &mut Vec<Warning>,
) {
    for range in ranges {
        if range.kind != InputKind::Other {
            continue;
        }
        let run = classes.get(range.start..=range.end).unwrap_or_default();
        let line = range.start + 1;
        if let Some(offset) = run.iter().position(|c| matches!(c, Class::Json(_))) {
            let start = range.start + offset;
            let json_end =
                run.iter().skip(offset).take_while(|c| matches!(c, Class::Json(_))).count() + start;
            let block = lines.get(start..json_end).unwrap_or_default();
            let message = match json_shape(block) {
                Some((None, looks_like)) => format!(
                    "this JSON looks like {looks_like}, which the engine does not read; paste /stats, /certs or describe-target-groups output instead"
                ),
                _ => match unclosed_bracket(block) {
                    Some(bracket) => format!(
                        "JSON of no known shape, and the paste ends before this `{bracket}` is closed; expected /stats?format=json, /certs or describe-target-groups output"
                    ),
                    None => "JSON of no known shape; expected /stats?format=json, /certs or describe-target-groups output".to_string(),
                },
            };
            warnings.push(Warning::at_line(start + 1, message));
        } else if run.iter().filter(|c| **c == Class::Clusters).count() * 2 > run.len() {
            warnings.push(Warning::at_line(
                line,
                "this looks like Envoy's /clusters output, which the engine does not read; paste /stats and /certs instead",
            ));
        }
    }
}

/// Returns the first bracket of a JSON block that the block leaves open, if any.
fn unclosed_bracket(block: &[Cow<'_, str>]) -> Option<char> {
    let mut depth = 0usize;
    let mut outer = None;
    let mut in_string = false;
    let mut escaped = false;
    for line in block {
        for byte in line.bytes() {
            match byte {
                _ if escaped => escaped = false,
                b'\\' if in_string => escaped = true,
                b'"' => in_string = !in_string,
                b'{' | b'[' if !in_string => {
                    if depth == 0 {
                        outer = Some(char::from(byte));
                    }
                    depth += 1;
                }
                b'}' | b']' if !in_string => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    outer.filter(|_| depth > 0)
}

fn join_lines(lines: &[&str], start: usize, end: usize) -> String {
    let slice = lines.get(start..=end).unwrap_or_default();
    let mut out = String::with_capacity(slice.iter().map(|line| line.len() + 1).sum());
    for (position, line) in slice.iter().enumerate() {
        if position > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

fn parse_part(kind: InputKind, text: &str, first_line: usize) -> (Records, Vec<Warning>) {
    match kind {
        InputKind::StatsText => wrap(stats::parse_text(text, first_line), Records::Stats),
        InputKind::StatsJson => wrap(stats::parse_json(text, first_line), Records::Stats),
        InputKind::StatsPrometheus => {
            wrap(stats::parse_prometheus(text, first_line), Records::Stats)
        }
        InputKind::Certs => wrap(certs::parse(text, first_line), Records::Certs),
        InputKind::EnvoyLog => wrap(envoy_log::parse(text, first_line), Records::EnvoyLog),
        InputKind::AccessLog => wrap(access_log::parse(text, first_line), Records::AccessLog),
        InputKind::Pem => wrap(pem::parse(text, first_line), Records::Pem),
        InputKind::TargetGroup => wrap(target_group::parse(text, first_line), Records::TargetGroup),
        InputKind::Other | InputKind::Mixed => wrap(other::parse(text, first_line), Records::Other),
    }
}

fn wrap<T>(
    (records, warnings): (T, Vec<Warning>),
    into: fn(T) -> Records,
) -> (Records, Vec<Warning>) {
    (into(records), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks one line alone, as detection checks the first line of a paste. A text
    /// with a line end in it is more than one line, so it has no colon here.
    fn plain_colon(line: &str) -> Option<usize> {
        let (first, colon) = text::split_plain_lines(line).next()?;
        colon.filter(|_| first.len() == line.len())
    }

    /// Stat lines of the shapes in a dump, each of which the fast path accepts.
    const PLAIN_STATS: &[&str] = &[
        "cluster.cds_egress_retail-mesh_cart-v10_http2_9080.ssl.handshake: 3435",
        "listener.0.0.0.0_15000.ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256: 12",
        "cluster.a.upstream_rq_time: P0(nan,16) P25(nan,21.25) P100(nan,73.67)",
        "http.ingress.downstream_rq_2xx: 0",
    ];

    /// Texts put at every position of each line of [`PLAIN_STATS`]: what cleanup, quote,
    /// prompt, grep, PEM and JSON checks look for, and what a stat value may not be.
    const INSERTS: &[&str] = &[
        "",
        " ",
        "  ",
        "-",
        "--",
        ":",
        ": ",
        "/",
        "$",
        "$ ",
        "# ",
        "%",
        "> ",
        ">",
        "^",
        "^[[",
        "\u{1b}[0m",
        "\0",
        "\r",
        "\t",
        "\u{7f}",
        "é",
        "\u{a0}",
        ".txt",
        ".log:",
        ".json-",
        "stats.txt:",
        "x.json-1-",
        "a/b.log:3:",
        "D",
        "-----BEGIN ",
        "\"",
        "[",
        "{",
        "P",
        "(",
        "No recorded values",
        "nan",
        "...",
        "```",
        "~~~",
        "Data:",
        "Version: 3 (0x2)",
    ];

    /// Checks that every line the fast path accepts is one the full checks take for a
    /// stat as pasted. Such a line needs no cleanup and has no quote, prompt, PEM marker
    /// or JSON start. It splits the same way, and no certificate dump starts or ends
    /// with it.
    fn assert_plain_stat_agrees(line: &str) {
        let Some(colon) = plain_stat_colon(plain_colon(line), line) else {
            return;
        };
        assert!(
            matches!(text::clean_line(line), Cow::Borrowed(cleaned) if cleaned == line),
            "{line:?} is cleaned"
        );
        assert_eq!(classify(line), Class::Stat, "{line:?}");
        assert_eq!(text::strip_quote_prefix(line), None, "{line:?}");
        assert_eq!(text::shell_command(line), None, "{line:?}");
        assert!(!has_begin_marker(line), "{line:?}");
        assert_eq!(json_start(line), None, "{line:?}");
        assert_eq!(stats::trim_line(line), line, "{line:?}");
        assert!(stats::starts_like_a_name(line), "{line:?}");
        let split = line.get(..colon).zip(line.get(colon + 2..));
        assert_eq!(text::split_name_value(line), split, "{line:?}");
        assert!(!line.contains("-----BEGIN "), "{line:?}");
        assert!(!line.starts_with("Version:"), "{line:?}");
        assert!(!matches!(line, "Certificate:" | "Data:"), "{line:?}");
    }

    #[test]
    fn plain_stat_lines_pass_full_checks() {
        for base in PLAIN_STATS {
            assert!(plain_stat_colon(plain_colon(base), base).is_some(), "{base:?}");
            for insert in INSERTS {
                for position in 0..=base.len() {
                    let (head, tail) = base.split_at(position);
                    assert_plain_stat_agrees(&format!("{head}{insert}{tail}"));
                }
            }
            for position in 0..base.len() {
                let (head, tail) = base.split_at(position);
                assert_plain_stat_agrees(&format!("{head}{}", tail.get(1..).unwrap_or_default()));
            }
        }
    }

    /// Lines the fast path must leave to the full checks, because cleanup, a prompt,
    /// a quote or a PEM marker changes how they are read.
    #[test]
    fn plain_stat_rejects_lines_needing_checks() {
        let lines = [
            "stats.txt:cluster.a.ssl.handshake: 5",
            "envoy.log-42-cluster.a.ssl.handshake: 5",
            "logs/x:3:cluster.a.ssl.handshake: 5",
            "cluster.a.ssl.handshake: 5\r",
            "cluster.a.ssl.\u{1b}[1mhandshake: 5",
            "cluster.a.ssl.^[[1mhandshake: 5",
            "cluster.a.ssl.handshake: 5 ",
            " cluster.a.ssl.handshake: 5",
            "> cluster.a.ssl.handshake: 5",
            "user@host:~$ curl -s localhost:9901/stats",
            "cluster.a.ssl.handshake: -----BEGIN CERTIFICATE-----",
            "Data: 5",
            "cluster.a.ssl.handshake: -5",
            "cluster.a.ssl.handshake: \"text\"",
            "cluster.a.ssl.hand shake: 5",
            "spiffe://a.b/c: 5",
        ];
        for line in lines {
            assert_eq!(plain_stat_colon(plain_colon(line), line), None, "{line:?}");
        }
    }

    /// Skipping words must count exactly as a byte-by-byte pass does, wherever a line
    /// end, control byte or multi-byte character falls within or across words.
    #[test]
    fn word_skip_counts_like_bytes() {
        let specials =
            ["\n", "\r\n", "\r", "\0", "\x01", "\x7f", "\t", "\u{1b}", "é", "\u{fffd}", "~", " "];
        for special in specials {
            for offset in 0..17 {
                let text =
                    format!("{}{special}{}", "a".repeat(offset), "b".repeat(23 - offset % 8));
                assert_eq!(
                    count_bytes(&text, true),
                    count_bytes(&text, false),
                    "{special:?} at offset {offset}"
                );
            }
        }
        let long =
            format!("{}\n{}", "x".repeat(LONG_LINE_CHARS + 3), "y".repeat(LONG_LINE_CHARS + 9));
        assert_eq!(count_bytes(&long, true), count_bytes(&long, false));
        assert_eq!(count_bytes(&long, true).long_lines.count, 2);
    }

    #[test]
    fn printable_ascii_words() {
        assert!(all_printable_ascii(u64::from_le_bytes(*b" ~abcXYZ")));
        for byte in [0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x7f, 0x80, 0xc3, 0xff] {
            for position in 0..8 {
                let mut word = *b"abcdefgh";
                if let Some(slot) = word.get_mut(position) {
                    *slot = byte;
                }
                assert!(!all_printable_ascii(u64::from_le_bytes(word)), "{byte:#x} at {position}");
            }
        }
    }
}
