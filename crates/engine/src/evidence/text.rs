//! Line cleanup shared by the parsers: what terminals, shells, `grep`, `curl` and
//! Markdown add around the text Envoy printed.
//!
//! Every function here keeps a line a line: cleanup never joins or splits lines, so
//! line numbers stay those of the paste.

use std::borrow::Cow;

/// Splits text into lines at `\n`, `\r\n` and a lone `\r` (classic Mac line ends, and
/// the carriage returns `curl` writes between progress updates). A final line end does
/// not start an extra empty line.
pub fn split_lines(text: &str) -> LineSplit<'_> {
    LineSplit { rest: text, done: text.is_empty() }
}

/// Returns the byte positions of the `\n` line feeds of `text`, found a word at a time.
pub(crate) fn newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let rest = bytes.get(from..)?;
        let start = from + first_marked_word(rest, |word| bytes_equal(word, b'\n'));
        let offset = bytes.get(start..)?.iter().position(|&byte| byte == b'\n')?;
        from = start + offset + 1;
        Some(start + offset)
    })
}

/// Checks whether `text` contains one of `needles`. Each needle comes with the position of
/// one of its bytes that is rare in pastes, its anchor. One pass looks at 8-byte words
/// for the anchors, and only a word with one is compared with the needles.
pub(crate) fn contains_any(text: &str, needles: &[(&str, usize)]) -> bool {
    let bytes = text.as_bytes();
    let mut anchors: Vec<u8> =
        needles.iter().filter_map(|(needle, at)| needle.as_bytes().get(*at).copied()).collect();
    anchors.sort_unstable();
    anchors.dedup();

    // A fixed set of four lets the compiler unroll the test of each word. A repeated
    // anchor marks nothing new.
    let set: Option<[u8; 4]> = match anchors.as_slice() {
        [] => return false,
        &[a] => Some([a; 4]),
        &[a, b] => Some([a, b, b, b]),
        &[a, b, c] => Some([a, b, c, c]),
        &[a, b, c, d] => Some([a, b, c, d]),
        _ => None,
    };
    let marks = |word: u64| match set {
        Some([a, b, c, d]) => {
            bytes_equal(word, a)
                | bytes_equal(word, b)
                | bytes_equal(word, c)
                | bytes_equal(word, d)
        }
        // More anchors: every word is compared.
        None => HIGH_BITS,
    };

    let found_at = |position: usize| {
        needles.iter().any(|(needle, at)| {
            let needle = needle.as_bytes();
            bytes.get(position) == needle.get(*at)
                && position
                    .checked_sub(*at)
                    .and_then(|start| bytes.get(start..))
                    .is_some_and(|tail| tail.starts_with(needle))
        })
    };

    let mut start = 0;
    while start < bytes.len() {
        start += first_marked_word(bytes.get(start..).unwrap_or_default(), marks);
        let end = (start + 8).min(bytes.len());
        if (start..end).any(found_at) {
            return true;
        }
        start = end;
    }
    false
}

/// Iterator of [`split_lines`].
#[derive(Clone, Debug)]
pub struct LineSplit<'a> {
    rest: &'a str,
    done: bool,
}

impl<'a> Iterator for LineSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        // A byte search: both ends are ASCII, so they never sit inside a multi-byte character.
        let bytes = self.rest.as_bytes();
        let start =
            first_marked_word(bytes, |word| bytes_equal(word, b'\n') | bytes_equal(word, b'\r'));
        let found = bytes.get(start..).and_then(|tail| {
            tail.iter().position(|&b| b == b'\n' || b == b'\r').map(|offset| start + offset)
        });
        let Some(end) = found else {
            self.done = true;
            return Some(self.rest);
        };
        let line = self.rest.get(..end).unwrap_or_default();
        let after =
            if self.rest.as_bytes().get(end..end + 2) == Some(b"\r\n") { end + 2 } else { end + 1 };
        self.rest = self.rest.get(after..).unwrap_or_default();
        if self.rest.is_empty() {
            self.done = true;
        }
        Some(line)
    }
}

/// Removes ANSI colour and cursor sequences, both raw (`ESC [ ... m`) and in caret
/// notation as `less` or `cat -v` print them (`^[[31m`).
pub fn strip_ansi(line: &str) -> Cow<'_, str> {
    // One byte scan rules out both introducers on almost every line.
    if !line.bytes().any(|b| b == 0x1b || b == b'^')
        || !line.contains('\u{1b}') && !line.contains("^[[")
    {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let raw = rest.find('\u{1b}');
        let caret = rest.find("^[[");
        let (start, introducer_len) = match (raw, caret) {
            (Some(r), Some(c)) if c < r => (c, 2),
            (Some(r), _) => (r, 1),
            (None, Some(c)) => (c, 2),
            (None, None) => break,
        };
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + introducer_len..).unwrap_or_default();
        rest = match after.strip_prefix('[') {
            // CSI: parameter and intermediate bytes, then one final byte in `@`..=`~`.
            Some(csi) => {
                let end = csi.find(|c: char| ('@'..='~').contains(&c)).map_or(csi.len(), |i| i + 1);
                csi.get(end..).unwrap_or_default()
            }
            // A two-byte escape such as `ESC (`; drop the escape and the next character.
            None => {
                let mut chars = after.chars();
                chars.next();
                chars.as_str()
            }
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// File extensions `grep -H` prefixes typically carry in pastes.
const GREP_FILE_EXTENSIONS: &[&str] =
    &[".txt", ".log", ".json", ".out", ".prom", ".stats", ".pem", ".crt"];

/// Removes a `grep` file prefix (`stats.txt:`, `logs/envoy.log:42:`, `envoy.log-42-`)
/// from a line. The prefix must be a path without spaces that ends in a common
/// extension, or a path with `/` followed by a `grep -n` line number.
pub fn strip_grep_prefix(line: &str) -> &str {
    if !may_start_with_path(line) {
        return line;
    }
    // The path ends before the first space, so only separators before it are tried.
    let path_limit = find_whitespace(line).unwrap_or(line.len()).min(MAX_GREP_PATH_LEN);
    let head = line.get(..path_limit).unwrap_or_default();
    if !head.contains('/') && !GREP_FILE_EXTENSIONS.iter().any(|extension| head.contains(extension))
    {
        return line;
    }
    for (separator_at, separator) in head.match_indices([':', '-']) {
        let Some(path) = line.get(..separator_at) else { break };
        if path.is_empty() {
            continue;
        }
        let rest = line.get(separator_at + 1..).unwrap_or_default();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let numbered =
            rest.get(digits..).and_then(|r| r.strip_prefix(separator)).filter(|_| digits > 0);
        let by_extension = GREP_FILE_EXTENSIONS.iter().any(|extension| path.ends_with(extension));
        let stripped = match (by_extension, numbered) {
            (true, Some(after)) => after,
            (true, None) => rest,
            (false, Some(after)) if path.contains('/') && separator == ":" => after,
            _ => continue,
        };
        if stripped.is_empty() || stripped.starts_with(' ') {
            return line;
        }
        return stripped;
    }
    line
}

/// Whether the head of a line, up to its first whitespace, could contain a `grep` prefix: a
/// `/`, or one of [`GREP_FILE_EXTENSIONS`] followed by `:` or `-`. One pass over the
/// bytes rules out almost every line; a non-ASCII character leaves the answer to the
/// full check.
fn may_start_with_path(line: &str) -> bool {
    let bytes = line.as_bytes();
    let head = bytes.get(..MAX_GREP_PATH_LEN).unwrap_or(bytes);
    let mut index = 0;
    while index < head.len() {
        let end = (index + 8).min(head.len());
        if let Some(chunk) = head.get(index..index + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let word = u64::from_le_bytes(word);
            let marks = bytes_equal(word, b'/')
                | bytes_equal(word, b':')
                | bytes_equal(word, b'-')
                | bytes_below(word, 0x21)
                | (word & HIGH_BITS);
            if marks == 0 {
                index = end;
                continue;
            }
        }
        for (position, &byte) in head.iter().enumerate().take(end).skip(index) {
            match byte {
                b'/' => return true,
                b' ' | b'\t'..=b'\r' => return false,
                b':' | b'-' if extension_ends_at(bytes, position) => return true,
                _ if !byte.is_ascii() => return true,
                _ => {}
            }
        }
        index = end;
    }
    false
}

/// Whether one of [`GREP_FILE_EXTENSIONS`] (4 to 6 bytes, each starting with `.`) ends
/// right before byte `end`.
fn extension_ends_at(bytes: &[u8], end: usize) -> bool {
    let Some(before) = bytes.get(..end) else { return false };
    let dot_near = (4..=6)
        .any(|back| before.len().checked_sub(back).and_then(|at| before.get(at)) == Some(&b'.'));
    dot_near && GREP_FILE_EXTENSIONS.iter().any(|extension| before.ends_with(extension.as_bytes()))
}

/// Returns the byte position of the first whitespace character (`char::is_whitespace`),
/// looking at bytes while the text is ASCII.
pub(crate) fn find_whitespace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let start = first_marked_word(bytes, |word| bytes_below(word, 0x21) | (word & HIGH_BITS));
    for (index, &byte) in bytes.iter().enumerate().skip(start) {
        if byte == b' ' || (b'\t'..=b'\r').contains(&byte) {
            return Some(index);
        }
        if !byte.is_ascii() {
            let rest = text.get(index..)?;
            return rest.find(char::is_whitespace).map(|found| index + found);
        }
    }
    None
}

// Word-at-a-time scanning: the wasm build has no SIMD search, and the byte loops of
// this module run over every line of a paste several times, so each first skips the
// 8-byte words that cannot contain a byte it looks for.

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Marks, with their high bit, the bytes of `word` below `limit` (at most 0x80); a mark
/// may also fall on a byte after a marked one, never on a word without one.
fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(LOW_BITS * u64::from(limit)) & !word & HIGH_BITS
}

/// Marks the bytes of `word` equal to `byte`, with the same guarantee as [`bytes_below`].
fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ (LOW_BITS * u64::from(byte)), 1)
}

/// Returns the start of the first 8-byte word of `bytes` in which `marks` marks a byte,
/// or where the whole words end.
fn first_marked_word(bytes: &[u8], marks: impl Fn(u64) -> u64) -> usize {
    let mut start = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if marks(u64::from_le_bytes(word)) != 0 {
            break;
        }
        start += 8;
    }
    start
}

/// Splits `name: value` at the first `": "`, as `str::split_once(": ")` does, with a
/// byte search that needs no searcher set up per line.
pub(crate) fn split_name_value(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let mut from = first_marked_word(bytes, |word| bytes_equal(word, b':'));
    while let Some(offset) = bytes.get(from..)?.iter().position(|&byte| byte == b':') {
        let colon = from + offset;
        if bytes.get(colon + 1) == Some(&b' ') {
            return Some((line.get(..colon)?, line.get(colon + 2..)?));
        }
        from = colon + 1;
    }
    None
}

/// Splits text into lines as [`split_lines`] does, and returns with each line the
/// position of its `": "` when it is a `name: value` line that [`clean_line`],
/// [`shell_command`] and [`strip_quote_prefix`] leave as it is and that contains no PEM
/// marker. Such a line is printable ASCII without `$ # % > ^ /` or `--`. It starts
/// with a letter other than the `D` of curl's `Dload` and ends with a visible
/// character. Its first `:` is the one before the space, its name has no space, and
/// no `grep` file extension ends before a `:` or `-` of the name.
///
/// One pass over the bytes of such a line both checks it and finds its end. Stats of
/// one scope come in runs that share the scope's prefix, so the bytes a line shares
/// with the previous line that passed, up to that line's `:`, are not checked again.
pub(crate) fn split_plain_lines(text: &str) -> PlainLineSplit<'_> {
    PlainLineSplit { lines: split_lines(text), previous: &[], previous_colon: 0 }
}

/// Iterator of [`split_plain_lines`].
#[derive(Clone, Debug)]
pub(crate) struct PlainLineSplit<'a> {
    lines: LineSplit<'a>,
    /// The last line that passed.
    previous: &'a [u8],
    /// The position of the `:` of `previous`; 0 when the last line failed.
    previous_colon: usize,
}

impl<'a> Iterator for PlainLineSplit<'a> {
    type Item = (&'a str, Option<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.lines.done {
            return None;
        }
        let rest = self.lines.rest;
        let bytes = rest.as_bytes();
        let shared = common_prefix_len(self.previous, bytes, self.previous_colon);
        // The byte before the shared ones is checked again because the check of a `-`
        // reads the byte after it.
        if let Some((length, colon)) = plain_line(bytes, shared.saturating_sub(1)) {
            // The line ends at a `\n`, `\r\n` or `\r`, or at the end of the text.
            let line = rest.get(..length)?;
            let after = if bytes.get(length..length + 2) == Some(b"\r\n") {
                length + 2
            } else {
                length + 1
            };
            self.lines.rest = rest.get(after..).unwrap_or_default();
            self.lines.done = self.lines.rest.is_empty();
            self.previous = line.as_bytes();
            self.previous_colon = colon;
            return Some((line, Some(colon)));
        }
        self.previous_colon = 0;
        self.lines.next().map(|line| (line, None))
    }
}

/// Returns how many of the first `limit` bytes `a` and `b` have in common, comparing
/// 8-byte words.
fn common_prefix_len(a: &[u8], b: &[u8], limit: usize) -> usize {
    let limit = limit.min(a.len()).min(b.len());
    let mut same = 0;
    while same + 8 <= limit {
        let (Some(x), Some(y)) = (a.get(same..same + 8), b.get(same..same + 8)) else { break };
        let mut words = ([0u8; 8], [0u8; 8]);
        words.0.copy_from_slice(x);
        words.1.copy_from_slice(y);
        let differ = u64::from_le_bytes(words.0) ^ u64::from_le_bytes(words.1);
        if differ != 0 {
            // Little-endian: the lowest set bit is in the first byte that differs.
            return same + (differ.trailing_zeros() / 8) as usize;
        }
        same += 8;
    }
    let rest =
        a.get(same..limit).unwrap_or_default().iter().zip(b.get(same..limit).unwrap_or_default());
    same + rest.take_while(|(x, y)| x == y).count()
}

/// Returns the length and the `:` position of the line at the start of `bytes` when it
/// passes the checks of [`split_plain_lines`], checking from byte `start` on. The bytes
/// before `start` are known to pass and to hold no `:`.
fn plain_line(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    let &first = bytes.first()?;
    if !first.is_ascii_alphabetic() || first == b'D' {
        return None;
    }
    let mut colon = None;
    let mut chunks = bytes.get(start..)?.chunks_exact(8);
    let mut start = start;
    let mut end = None;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        end = plain_word(bytes, start, u64::from_le_bytes(word), &mut colon)?;
        if end.is_some() {
            break;
        }
        start += 8;
    }
    if end.is_none() {
        // The last bytes of the text, padded with a letter, which marks nothing.
        let mut word = [b'a'; 8];
        for (slot, byte) in word.iter_mut().zip(chunks.remainder()) {
            *slot = *byte;
        }
        end = plain_word(bytes, start, u64::from_le_bytes(word), &mut colon)?;
    }
    let length = end.unwrap_or(bytes.len());
    let last = *bytes.get(length.checked_sub(1)?)?;
    (last != b' ').then_some((length, colon?))
}

/// Checks the 8-byte `word` at `start` of `bytes` for [`plain_line`], and stores the
/// position of the first `:` in `colon`. Returns `None` when the line fails, and the
/// position of its line end (`\n` or `\r`) when the line ends in this word.
#[inline(always)]
fn plain_word(
    bytes: &[u8],
    start: usize,
    word: u64,
    colon: &mut Option<usize>,
) -> Option<Option<usize>> {
    // Marks the bytes at or above `limit`, exactly up to the first byte of 0x80 or
    // above: a carry only runs into the bytes after that one.
    let at_least = |limit: u8| word.wrapping_add(LOW_BITS * u64::from(0x80 - limit)) & HIGH_BITS;
    // Any byte outside 0x20..=0x7e sets a high bit here, and printable ASCII before it
    // sets none, because it neither borrows nor carries.
    let unprintable =
        (word.wrapping_sub(LOW_BITS * 0x20) | word | word.wrapping_add(LOW_BITS)) & HIGH_BITS;
    let one_of = |byte: u8| at_least(byte) & !at_least(byte + 1);
    // `#`, `$` and `%` are 0x23 to 0x25.
    let rejected = unprintable
        | (at_least(b'#') & !at_least(b'&'))
        | one_of(b'>')
        | one_of(b'^')
        | one_of(b'/');

    let mut marked = one_of(b'-');
    if colon.is_none() {
        marked |= one_of(b':') | one_of(b' ');
    }
    let mut end = None;
    if rejected != 0 {
        // The first rejected byte is exact, and only a line end lets the line pass.
        let offset = rejected.trailing_zeros() / 8;
        let position = start + offset as usize;
        if !matches!(bytes.get(position), Some(b'\n' | b'\r')) {
            return None;
        }
        end = Some(position);
        // Only the marks before the line end are exact and belong to the line.
        marked &= (1u64 << (offset * 8)).wrapping_sub(1);
    }

    // Each mark is the high bit of its byte, so the marked bytes are visited in order.
    while marked != 0 {
        let position = start + (marked.trailing_zeros() / 8) as usize;
        marked &= marked - 1;
        let Some(&byte) = bytes.get(position) else { break };
        let next = bytes.get(position + 1).copied();
        match byte {
            b':' if colon.is_none() => {
                if next != Some(b' ') || may_end_extension(bytes, position) {
                    return None;
                }
                *colon = Some(position);
            }
            b' ' if colon.is_none() => return None,
            b'-' if next == Some(b'-') || colon.is_none() && may_end_extension(bytes, position) => {
                return None;
            }
            _ => {}
        }
    }
    Some(end)
}

/// Tells whether one of [`GREP_FILE_EXTENSIONS`] may end right before byte `end`, looking
/// first for the dot 4 to 6 bytes back that each of them starts with.
#[inline(always)]
fn may_end_extension(bytes: &[u8], end: usize) -> bool {
    let dot_at = |back: usize| end.checked_sub(back).and_then(|at| bytes.get(at)) == Some(&b'.');
    (dot_at(4) || dot_at(5) || dot_at(6)) && extension_ends_at(bytes, end)
}

/// Maximum length of a `grep` file prefix taken as a path. A chosen bound.
const MAX_GREP_PATH_LEN: usize = 200;

/// Returns the line without a Markdown quote prefix (`> `, `>` alone, nested `> > `).
pub fn strip_quote_prefix(line: &str) -> Option<&str> {
    let mut rest = line.strip_prefix('>')?;
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    while let Some(inner) = rest.strip_prefix("> ") {
        rest = inner;
    }
    Some(rest)
}

/// Whether a line is a Markdown code fence (three or more backticks or tildes with an
/// optional language), or a pair of backticks some people use as one.
pub fn is_fence(line: &str) -> bool {
    let trimmed = line.trim();
    let fence = trimmed.trim_start_matches('`');
    let ticks = trimmed.len() - fence.len();
    if ticks >= 2 {
        return fence.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    }
    let fence = trimmed.trim_start_matches('~');
    trimmed.len() - fence.len() >= 3 && fence.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Whether a line is `curl`'s progress meter: its header lines or a row of counters
/// and `--:--:--` times.
pub fn is_curl_progress(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.starts_with("% Total") || trimmed.starts_with("Dload") {
        return true;
    }
    // A row of the meter starts with the percentage done.
    if !trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let fields: Vec<&str> = trimmed.split_whitespace().collect();
    if fields.len() < 10 || fields.len() > 13 {
        return false;
    }
    let times = fields.iter().filter(|field| is_progress_time(field)).count();
    let numbers = fields
        .iter()
        .filter(|field| field.trim_end_matches(['k', 'M', 'G']).parse::<f64>().is_ok())
        .count();
    times >= 2 && times + numbers == fields.len()
}

fn is_progress_time(field: &str) -> bool {
    field == "--:--:--"
        || (field.len() == 8
            && field.split(':').count() == 3
            && field
                .split(':')
                .all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())))
}

/// Maximum length, in characters, of a shell prompt. A chosen bound.
const MAX_PROMPT_LEN: usize = 60;

/// Commands whose lines a shell prompt introduces in pastes.
const COMMANDS: &[&str] = &[
    "curl", "wget", "kubectl", "docker", "grep", "egrep", "zgrep", "cat", "echo", "openssl", "aws",
    "jq", "less", "tail", "head", "sudo", "http", "istioctl", "oc", "ssh", "export", "cd", "ls",
    "kill", "podman", "crictl", "envoy", "nc", "awk", "sed", "sort", "cut",
];

/// Returns the command of a shell prompt line, such as `curl -s localhost:9901/stats` for
/// `$ curl -s localhost:9901/stats`, `/ # curl ...` or `user@host:~$ curl ...`.
pub fn shell_command(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if !has_prompt_end(trimmed) {
        return None;
    }
    // The prompt ends at the first `$ `, `# `, `% ` or `> ` within a short head of the line.
    let head_end =
        trimmed.char_indices().nth(MAX_PROMPT_LEN).map_or(trimmed.len(), |(index, _)| index);
    let head = trimmed.get(..head_end).unwrap_or_default();
    for (index, _) in head.match_indices(['$', '#', '%', '>']) {
        let head = trimmed.get(..index).unwrap_or_default().trim_end();
        if head.contains(char::is_whitespace) && !head.starts_with('[') && !head.starts_with("PS ")
        {
            // A prompt has no spaces, except `PS C:\> `.
            continue;
        }
        let Some(command) = trimmed.get(index + 1..).and_then(|rest| rest.strip_prefix(' ')) else {
            continue;
        };
        let command = command.trim_start();
        let word = command.split_whitespace().next().unwrap_or_default();
        let word = word.rsplit('/').next().unwrap_or(word);
        if COMMANDS.contains(&word) {
            return Some(command);
        }
    }
    None
}

/// Whether one of the characters that end a prompt (`$`, `#`, `%`, `>`) is among the first
/// [`MAX_PROMPT_LEN`] characters: a byte scan that rules out most lines before the
/// character-wise search.
fn has_prompt_end(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Whole words of ASCII without a prompt character are eight characters each.
    let head = bytes.get(..MAX_PROMPT_LEN - MAX_PROMPT_LEN % 8).unwrap_or(bytes);
    let start = first_marked_word(head, |word| {
        (word & HIGH_BITS)
            | bytes_equal(word, b'$')
            | bytes_equal(word, b'#')
            | bytes_equal(word, b'%')
            | bytes_equal(word, b'>')
    });
    let mut chars = start;
    for &byte in bytes.get(start..).unwrap_or_default() {
        // Continuation bytes of a multi-byte character do not start a character.
        if byte & 0xc0 != 0x80 {
            if chars == MAX_PROMPT_LEN {
                return false;
            }
            chars += 1;
        }
        if matches!(byte, b'$' | b'#' | b'%' | b'>') {
            return true;
        }
    }
    false
}

/// Cleans one line for reading: removes ANSI sequences, NULs, a trailing `\r` and a
/// `grep` file prefix.
pub fn clean_line(line: &str) -> Cow<'_, str> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let cleaned = strip_ansi(line);
    let cleaned = match cleaned {
        Cow::Borrowed(text) => Cow::Borrowed(strip_grep_prefix(text)),
        Cow::Owned(text) => Cow::Owned(strip_grep_prefix(&text).to_string()),
    };
    if cleaned.contains('\0') {
        return Cow::Owned(cleaned.replace('\0', ""));
    }
    cleaned
}

/// Whether a cleaned line carries nothing a parser reads: blank, a code fence, a curl
/// progress meter or a shell command line.
pub fn is_noise(line: &str) -> bool {
    line.trim().is_empty()
        || is_fence(line)
        || is_curl_progress(line)
        || shell_command(line).is_some()
}

/// Decodes a file that starts with a UTF-16 byte-order mark, as Windows
/// PowerShell 5's `>` redirection writes it. Returns None for any other bytes,
/// which are read as UTF-8. An unpaired surrogate becomes U+FFFD.
pub fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes.get(2..).unwrap_or_default().chunks(2).map(|pair| match pair {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        // An odd last byte cannot be a UTF-16 code unit.
        _ => 0xFFFD,
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks one line alone, as [`split_plain_lines`] checks the first line of a text.
    fn plain_colon(line: &str) -> Option<usize> {
        split_plain_lines(line).next().and_then(|(_, colon)| colon)
    }

    /// Lines that put the bytes the word-at-a-time scans look for at every offset
    /// within and across 8-byte words, with non-ASCII text among them.
    const LINES: &[&str] = &[
        "",
        "a",
        "cluster.cds_egress_retail-mesh_cart-v10_http2_9080.ssl.handshake: 3435",
        "abcdefgh: 1",
        "abcdefg: 1",
        "abcdefghi:x: 2",
        "no separator at all in this rather long line of text",
        "out/stats.txt:cluster.a.ssl.handshake: 5",
        "envoy.log-42-cluster.a: 1",
        "stats.txt:listener.0.0.0.0_15000.ssl.handshake: 1",
        "twelve chars\u{a0}then a no-break space",
        "ééééééééé: 1 $ curl",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdef$ curl x",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh$ curl x",
        "user@host:~$ curl -s localhost:9901/stats",
        "tab\tseparated",
        "x.json-1-y",
    ];

    #[test]
    fn word_scans_match_byte_scans() {
        for line in LINES {
            assert_eq!(find_whitespace(line), line.find(char::is_whitespace), "{line:?}");
            assert_eq!(split_name_value(line), line.split_once(": "), "{line:?}");
            let head_end = line.char_indices().nth(MAX_PROMPT_LEN).map_or(line.len(), |(i, _)| i);
            let prompt =
                line.get(..head_end).is_some_and(|head| head.contains(['$', '#', '%', '>']));
            assert_eq!(has_prompt_end(line), prompt, "{line:?}");
            let path_limit =
                line.find(char::is_whitespace).unwrap_or(line.len()).min(MAX_GREP_PATH_LEN);
            let head = line.get(..path_limit).unwrap_or_default();
            let path = head.contains('/')
                || GREP_FILE_EXTENSIONS.iter().any(|extension| head.contains(extension));
            assert!(
                may_start_with_path(line) || !path || strip_grep_prefix(line) == *line,
                "{line:?}"
            );
        }
    }

    /// Splitting must give the lines of [`split_lines`], and checking a line after
    /// another must give what checking it alone gives, whatever the two lines share
    /// and whatever ends them.
    #[test]
    fn plain_lines_match_single_lines() {
        let stat = "cluster.cds_egress_retail-mesh_cart-v10_http2_9080.ssl.handshake: 3435";
        let inserts =
            ["", " ", "-", "--", ":", ": ", "/", "$", "^", "\r", "\n", "é", ".txt", ".log:"];
        let mut lines = vec![stat.to_string(), String::new(), "a".to_string()];
        for insert in inserts {
            for position in 0..=stat.len() {
                let (head, tail) = stat.split_at(position);
                lines.push(format!("{head}{insert}{tail}"));
            }
        }
        // Lines that share all, part or none of the name of the others.
        let previous_lines = [
            stat,
            "cluster.cds_egress_retail-mesh_cart-v10_http2_9080.ssl.handshake: 1",
            "cluster.cds_egress_retail-mesh_cart-v10_http2_9080.upstream_rq_time: P0(nan,1)",
            "cluster.cds_egress_retail-mesh_cart-v10_http2_9081.ssl.handshake: 1",
            "cluster.cds: 1",
            "listener.0.0.0.0_15000.ssl.handshake: 1",
            "$ curl localhost:9901/stats",
            "",
        ];
        for previous in previous_lines {
            for line in &lines {
                for end in ["", "\n", "\r\n", "\r", "\n\n"] {
                    let text = format!("{previous}\n{line}{end}");
                    let split: Vec<(&str, Option<usize>)> = split_plain_lines(&text).collect();
                    let words: Vec<&str> = split.iter().map(|(line, _)| *line).collect();
                    assert_eq!(words, split_lines(&text).collect::<Vec<_>>(), "{text:?}");
                    for (line, colon) in split {
                        assert_eq!(colon, plain_colon(line), "{line:?} in {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn contains_any_matches_contains() {
        let needles = [("-----BEGIN ", 6), ("Private-Key:", 8), ("\u{FFFD}", 0)];
        let texts = [
            "",
            "cluster.a.ssl.ciphers.ECDHE-RSA-AES128-GCM-SHA256: 1",
            "-----BEGIN CERTIFICATE-----",
            "x-----BEGIN",
            "EEEEEEEEEEEEEEEEE-----BEGIN ",
            "Private-Key: (2048 bit)",
            "Private-Ke",
            "a\u{FFFD}b",
            "é\u{FFFC}",
        ];
        for text in texts {
            for pad in 0..9 {
                let padded = format!("{}{text}", "a".repeat(pad));
                let expected = needles.iter().any(|(needle, _)| padded.contains(needle));
                assert_eq!(contains_any(&padded, &needles), expected, "{padded:?}");
            }
        }
        for (marker, at) in crate::evidence::pem::PRIVATE_KEY_MARKERS {
            let anchor = marker.as_bytes().get(*at).copied();
            assert!(anchor.is_some_and(|byte| byte.is_ascii_uppercase()), "{marker}");
            assert!(contains_any(&format!("a\n{marker}\n"), &[(marker, *at)]), "{marker}");
        }
        let many = [("a", 0), ("b", 0), ("c", 0), ("d", 0), ("é", 0)];
        assert!(contains_any("xxxxxxxxxxé", &many));
        assert!(!contains_any("xxxxxxxxxxx", &many));
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let text = "listener.0.0.0.0_15000.ssl.handshake: 5\r\n";
        let mut little = vec![0xFF, 0xFE];
        little.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut big = vec![0xFE, 0xFF];
        big.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_utf16_with_bom(&little).as_deref(), Some(text));
        assert_eq!(decode_utf16_with_bom(&big).as_deref(), Some(text));
    }

    #[test]
    fn utf16_damaged_or_absent() {
        assert_eq!(decode_utf16_with_bom(b"a: 1\n"), None);
        assert_eq!(decode_utf16_with_bom(&[0xFF, 0xFE, 0x61]).as_deref(), Some("\u{FFFD}"));
        assert_eq!(decode_utf16_with_bom(&[0xFF, 0xFE, 0x00, 0xD8]).as_deref(), Some("\u{FFFD}"));
        assert_eq!(decode_utf16_with_bom(&[0xFF, 0xFE]).as_deref(), Some(""));
    }
}
