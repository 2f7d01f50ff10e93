//! The plain-text `/stats` format: one `name: value` per line, where the value is an
//! unsigned 64-bit integer, a quoted text readout, `No recorded values`, or histogram
//! quantiles `P0(interval,cumulative) P25(...) ...`.

use std::borrow::Cow;

use super::build::{self, RawStat};
use super::{Bucket, Histogram, Quantile, Stat, StatKind, StatValue, Stats, StatsFormat};
use crate::evidence::pause::{self, NoPause, Pass, Pause, Progress};
use crate::evidence::text;
use crate::evidence::Warning;

/// Maximum length, in characters, of an excerpt of an unreadable line quoted in a warning.
const EXCERPT_CHARS: usize = 80;

pub(crate) fn parse(input: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    let lines: Vec<Cow<'_, str>> = text::split_lines(input).map(text::clean_line).collect();
    pause::run_to_end(parse_cleaned(&lines, &[], first_line, &mut NoPause))
}

/// Parses lines that detection already split, as [`parse`] parses them joined by `\n`.
/// `unchanged[i]` is true when cleanup left line `i` as pasted, so cleaning it again would
/// change nothing and is skipped. `stat_colons[i]` is the position of the `": "` of
/// line `i` when detection found it a stat as pasted: a line without whitespace at
/// either end, a prompt, or a `:` before that one.
/// Awaits `pause` every [`pause::LINES_PER_PAUSE`] lines.
pub(crate) async fn parse_lines(
    lines: &[&str],
    unchanged: &[bool],
    stat_colons: &[Option<usize>],
    first_line: usize,
    pause: &mut impl Pause,
) -> (Stats, Vec<Warning>) {
    let lines: Vec<Cow<'_, str>> = lines
        .iter()
        .zip(unchanged.iter().chain(std::iter::repeat(&false)))
        .map(
            |(line, unchanged)| {
                if *unchanged {
                    Cow::Borrowed(*line)
                } else {
                    text::clean_line(line)
                }
            },
        )
        .collect();
    parse_cleaned(&lines, stat_colons, first_line, pause).await
}

async fn parse_cleaned(
    lines: &[Cow<'_, str>],
    stat_colons: &[Option<usize>],
    first_line: usize,
    pause: &mut impl Pause,
) -> (Stats, Vec<Warning>) {
    let mut warnings = Vec::new();
    // Nearly every line of a dump is a stat, so one allocation is enough for all of
    // them. Growing the vector instead would copy the stats read so far at each step.
    let mut raws: Vec<RawStat> = Vec::with_capacity(lines.len());
    // A `histogram_buckets=detailed` stat prints `name:` alone, then indented lines.
    // NOTE: only its `summary=` quantiles are read; `totals=` and `intervals=` are skipped.
    let mut detailed: Option<usize> = None;

    let mut index = 0;
    while let Some(line) = lines.get(index) {
        if pause::is_due(index) {
            let progress =
                Progress { pass: Pass::Parsing, lines_read: index, lines_total: lines.len() };
            pause.pause(progress).await;
        }
        let number = first_line + index;
        let colon = stat_colons.get(index).copied().flatten();
        index += 1;
        let trimmed = trim_line(line);
        let parsed = match colon.and_then(|colon| split_at(line, colon)) {
            // Detection found the line a stat as pasted: its own trimmed text, neither
            // skipped nor indented.
            Some((name, value)) => {
                detailed = None;
                parse_stat(name, value, number)
            }
            None => {
                if is_skipped(line, trimmed) {
                    continue;
                }
                if let (Some(position), true) = (detailed, line.starts_with([' ', '\t'])) {
                    if let Some(summary) = trimmed.strip_prefix("summary=") {
                        if let (Some(raw), Ok(histogram)) =
                            (raws.get_mut(position), parse_histogram(summary))
                        {
                            raw.stat.value = StatValue::Histogram(histogram);
                        }
                    }
                    continue;
                }
                detailed = None;
                parse_line(trimmed, number)
            }
        };

        match parsed {
            Ok(Parsed::Stat(stat, warning)) => {
                warnings.extend(warning);
                raws.push(RawStat::new(stat));
            }
            Ok(Parsed::DetailedHeader(name)) => {
                detailed = Some(raws.len());
                let stat = Stat {
                    name,
                    kind: StatKind::Histogram,
                    value: StatValue::Histogram(Histogram::default()),
                    line: number,
                    labels: Vec::new(),
                };
                raws.push(RawStat::new(stat));
            }
            Err(message) => {
                // A terminal or a copy from a narrow window may have wrapped one stat
                // over two lines.
                let joined = lines.get(index).and_then(|next| {
                    [format!("{trimmed}{}", next.trim()), format!("{trimmed} {}", next.trim())]
                        .into_iter()
                        .find_map(|candidate| match parse_line(&candidate, number) {
                            Ok(Parsed::Stat(stat, warning)) => Some((stat, warning)),
                            _ => None,
                        })
                });
                match joined {
                    Some((stat, warning)) => {
                        warnings.push(Warning::at_line(
                            number,
                            format!(
                                "`{}` is wrapped onto line {}; read as one line",
                                stat.name,
                                number + 1
                            ),
                        ));
                        warnings.extend(warning);
                        raws.push(RawStat::new(stat));
                        index += 1;
                    }
                    None => warnings.push(Warning::at_line(number, message)),
                }
            }
        }
    }

    let stats = build::build_pausing(StatsFormat::Text, raws, &mut warnings, pause).await;
    (stats, warnings)
}

/// Whether a line is not a stat and not worth a warning: blank, a comment or
/// annotation (`# ...`), a shell command, a fence, a progress meter, a `grep`
/// group separator, or an elision (`...`). `trimmed` is `line.trim()`.
fn is_skipped(line: &str, trimmed: &str) -> bool {
    if starts_like_a_name(trimmed) {
        // Not blank, a comment, a fence, a progress meter or an elision: only a prompt
        // is left to rule out.
        return text::shell_command(line).is_some();
    }
    text::is_noise(line)
        || trimmed.starts_with('#')
        || trimmed == "--"
        || trimmed.trim_matches('.').is_empty()
}

/// Returns `line.trim()`. Stat lines start and end with visible ASCII, and telling
/// that from two bytes is cheaper than decoding the characters at both ends.
pub(crate) fn trim_line(line: &str) -> &str {
    let visible = |byte: &u8| (0x21..0x7f).contains(byte);
    let bytes = line.as_bytes();
    if bytes.first().is_some_and(visible) && bytes.last().is_some_and(visible) {
        return line;
    }
    line.trim()
}

/// Whether a trimmed line starts with a letter, as stat names do, and not with the
/// `Dload` of curl's progress meter.
pub(crate) fn starts_like_a_name(trimmed: &str) -> bool {
    trimmed.as_bytes().first().is_some_and(|first| first.is_ascii_alphabetic() && *first != b'D')
}

enum Parsed {
    Stat(Stat, Option<Warning>),
    DetailedHeader(String),
}

fn parse_line(line: &str, number: usize) -> Result<Parsed, String> {
    // Names never contain `": "`, but some contain `:` (`spiffe://` in Istio custom stats).
    let Some((name, value)) =
        text::split_name_value(line).or_else(|| line.strip_suffix(':').map(|name| (name, "")))
    else {
        return Err(format!("expected `name: value`, found `{}`", excerpt(line)));
    };
    if name.is_empty() || text::find_whitespace(name).is_some() {
        return Err(format!(
            "expected `name: value` with a name without spaces, found `{}`",
            excerpt(line)
        ));
    }
    parse_stat(name, value, number)
}

/// Splits a line at the `": "` at byte `colon`.
fn split_at(line: &str, colon: usize) -> Option<(&str, &str)> {
    Some((line.get(..colon)?, line.get(colon + 2..)?))
}

/// Reads the stat of a line split into a name without spaces and a value.
fn parse_stat(name: &str, value: &str, number: usize) -> Result<Parsed, String> {
    let name = name.to_string();
    let value = trim_line(value);
    if value.is_empty() {
        return Ok(Parsed::DetailedHeader(name));
    }
    let (value, warning) = parse_value(&name, value, number)?;
    let kind = build::infer_kind(&name, &value);
    Ok(Parsed::Stat(Stat { name, kind, value, line: number, labels: Vec::new() }, warning))
}

fn parse_value(
    name: &str,
    value: &str,
    number: usize,
) -> Result<(StatValue, Option<Warning>), String> {
    if let Some(quoted) = value.strip_prefix('"') {
        let Some(text) = quoted.strip_suffix('"') else {
            return Err(format!("text readout `{name}` has no closing quote"));
        };
        return Ok((StatValue::Text(text.to_string()), None));
    }
    if value == "No recorded values" {
        return Ok((StatValue::Histogram(Histogram::default()), None));
    }
    if value.starts_with('P') || value.starts_with('B') {
        return match parse_histogram(value) {
            Ok(histogram) => Ok((StatValue::Histogram(histogram), None)),
            Err(message) => Err(format!("histogram `{name}`: {message}")),
        };
    }
    Ok(parse_number(name, value, number))
}

/// Reads a counter or gauge value; anything that is not an unsigned 64-bit integer is
/// kept as written with a warning.
pub(crate) fn parse_number(name: &str, value: &str, number: usize) -> (StatValue, Option<Warning>) {
    if let Ok(parsed) = value.parse::<u64>() {
        return (StatValue::Number(parsed), None);
    }
    let digits = value.strip_prefix('-').unwrap_or(value);
    let reason = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if value.starts_with('-') {
            "is negative, but Envoy counters and gauges are unsigned"
        } else {
            "exceeds the unsigned 64-bit range of Envoy counters and gauges"
        }
    } else if value.parse::<f64>().is_ok() {
        "is not an integer"
    } else {
        "is not a number"
    };
    let warning = Warning::at_line(
        number,
        format!("value `{}` of `{name}` {reason}; kept as text", excerpt(value)),
    );
    (StatValue::Unreadable(value.to_string()), Some(warning))
}

/// Parses `P0(nan,2) P25(nan,5.1) ...` or the bucket form `B0.5(0,0) B1(0,1) ...`.
fn parse_histogram(value: &str) -> Result<Histogram, String> {
    let mut histogram = Histogram::default();
    for token in whitespace_separated(value) {
        let Some((label, rest)) = token.split_once('(') else {
            return Err(format!(
                "expected `P<percent>(interval,cumulative)`, found `{}`",
                excerpt(token)
            ));
        };
        let Some(pair) = rest.strip_suffix(')') else {
            return Err(format!("`{}` has no closing parenthesis", excerpt(token)));
        };
        let Some((interval, cumulative)) = pair.split_once(',') else {
            return Err(format!("expected `(interval,cumulative)` in `{}`", excerpt(token)));
        };
        let interval = parse_float(interval)
            .ok_or_else(|| format!("invalid number in `{}`", excerpt(token)))?;
        let cumulative = parse_float(cumulative)
            .ok_or_else(|| format!("invalid number in `{}`", excerpt(token)))?;
        if let Some(percent) = label.strip_prefix('P') {
            let percent = percent
                .parse::<f64>()
                .map_err(|_| format!("invalid quantile `{}`", excerpt(label)))?;
            histogram.quantiles.push(Quantile { percent, interval, cumulative });
        } else if let Some(bound) = label.strip_prefix('B') {
            let upper_bound = bound
                .parse::<f64>()
                .map_err(|_| format!("invalid bucket bound `{}`", excerpt(label)))?;
            histogram.buckets.push(Bucket { upper_bound, count: cumulative.unwrap_or(0.0) });
        } else {
            return Err(format!(
                "expected `P<percent>(...)` or `B<bound>(...)`, found `{}`",
                excerpt(token)
            ));
        }
    }
    Ok(histogram)
}

/// Splits `text` as `str::split_whitespace` does. ASCII text, which a histogram line
/// always is unless it is garbled, is split at its whitespace bytes because decoding
/// each character was a visible cost of reading a dump in the browser.
fn whitespace_separated(text: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if !text.is_ascii() {
        return Box::new(text.split_whitespace());
    }
    let words = text.as_bytes().split(|byte| matches!(byte, b' ' | b'\t'..=b'\r'));
    // Cutting ASCII text at ASCII bytes leaves valid UTF-8, so no word is dropped here.
    Box::new(
        words.filter(|word| !word.is_empty()).filter_map(|word| std::str::from_utf8(word).ok()),
    )
}

/// Reads a histogram number; `nan` (no sample in the interval) is `None`.
fn parse_float(text: &str) -> Option<Option<f64>> {
    let text = trim_line(text);
    if text.eq_ignore_ascii_case("nan") {
        return Some(None);
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite()).map(Some)
}

pub(crate) fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}...")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_separated_matches_split_whitespace() {
        let texts = [
            "",
            " ",
            "P0(nan,1) P25(nan,2)",
            "  P0(nan,1)\tP25(nan,2)  ",
            "a\u{b}b\u{c}c\rd\ne",
            "a\u{a0}b c",
            "é b",
        ];
        for text in texts {
            let words: Vec<&str> = whitespace_separated(text).collect();
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(words, expected, "{text:?}");
        }
    }

    #[test]
    fn trim_line_matches_str_trim() {
        let lines = [
            "",
            " ",
            "a",
            "a: 1",
            " a: 1",
            "a: 1 ",
            "\ta: 1\r",
            "\u{a0}a: 1",
            "a: 1\u{3000}",
            "é: 1",
            "a: é",
            "\u{7f}",
            "\u{85}x",
        ];
        for line in lines {
            assert_eq!(trim_line(line), line.trim(), "{line:?}");
        }
    }
}
