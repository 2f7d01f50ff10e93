//! Calendar timestamps as Envoy and its log shippers print them, turned into unix
//! time without reading a clock.

/// A point in time read from text: unix seconds plus the milliseconds within the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct UnixTime {
    pub seconds: i64,
    pub millis: u16,
}

impl UnixTime {
    /// Returns the time in milliseconds since the unix epoch.
    pub fn as_millis(self) -> i64 {
        self.seconds.saturating_mul(1000).saturating_add(i64::from(self.millis))
    }
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM|+HHMM]`, the RFC 3339
/// form of protobuf JSON and Istio, and Envoy's default `%Y-%m-%d %T.%e` log time.
///
/// A time without an offset is taken as UTC: Envoy prints its log time in the
/// process's local zone, which is UTC in the containers App Mesh runs.
/// Returns `None` unless the whole text is one timestamp.
pub fn parse(text: &str) -> Option<UnixTime> {
    let (time, rest) = parse_prefix(text.trim())?;
    rest.is_empty().then_some(time)
}

/// Parses a timestamp at the start of `text` and returns it with the text after it.
pub fn parse_prefix(text: &str) -> Option<(UnixTime, &str)> {
    let bytes = text.as_bytes();
    let year = digits(bytes, 0, 4)?;
    expect(bytes, 4, b'-')?;
    let month = digits(bytes, 5, 2)?;
    expect(bytes, 7, b'-')?;
    let day = digits(bytes, 8, 2)?;
    match bytes.get(10) {
        Some(b'T' | b't' | b' ' | b'_') => {}
        _ => return None,
    }
    let hour = digits(bytes, 11, 2)?;
    expect(bytes, 13, b':')?;
    let minute = digits(bytes, 14, 2)?;
    expect(bytes, 16, b':')?;
    // Leap second 60 is accepted and counted as the next second, as RFC 3339 allows it.
    let second = digits(bytes, 17, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut position = 19;
    let mut millis = 0u16;
    if bytes.get(position) == Some(&b'.') || bytes.get(position) == Some(&b',') {
        let start = position + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        let mut scale = 100u16;
        for &digit in bytes.get(start..end.min(start + 3))? {
            millis += u16::from(digit - b'0') * scale;
            scale /= 10;
        }
        position = end;
    }
    let mut offset_seconds = 0i64;
    match bytes.get(position) {
        Some(b'Z' | b'z') => position += 1,
        Some(&sign @ (b'+' | b'-')) => {
            let hours = digits(bytes, position + 1, 2)?;
            let (minutes, width) = if bytes.get(position + 3) == Some(&b':') {
                (digits(bytes, position + 4, 2)?, 6)
            } else {
                (digits(bytes, position + 3, 2).unwrap_or(0), 5)
            };
            offset_seconds = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' {
                offset_seconds = -offset_seconds;
            }
            position += width;
        }
        _ => {}
    }
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some((UnixTime { seconds, millis }, text.get(position..)?))
}

fn digits(bytes: &[u8], start: usize, count: usize) -> Option<u32> {
    let slice = bytes.get(start..start + count)?;
    slice.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0'))
    })
}

fn expect(bytes: &[u8], position: usize, wanted: u8) -> Option<()> {
    (bytes.get(position) == Some(&wanted)).then_some(())
}

// `u32::is_multiple_of` needs Rust 1.87; the workspace supports 1.85.
#[allow(clippy::manual_is_multiple_of)]
fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil` algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! timestamp_cases {
        ($($name:ident: $text:expr => $expected:expr,)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(parse($text).map(|time| (time.seconds, time.millis)), $expected);
            }
        )*};
    }

    timestamp_cases! {
        epoch: "1970-01-01T00:00:00Z" => Some((0, 0)),
        certs_valid_from: "2020-11-22T05:13:03Z" => Some((1_606_021_983, 0)),
        istio_micros: "2020-08-11T04:09:52.228874Z" => Some((1_597_118_992, 228)),
        envoy_log_time: "2019-01-22 17:23:34.712" => Some((1_548_177_814, 712)),
        offset_colon: "2020-02-19T02:11:09+01:00" => Some((1_582_074_669, 0)),
        far_future: "2117-12-31T19:15:51Z" => Some((4_670_421_351, 0)),
        before_epoch: "1969-12-31T23:59:59Z" => Some((-1, 0)),
        leap_day: "2024-02-29T00:00:00Z" => Some((1_709_164_800, 0)),
        not_leap_day: "2023-02-29T00:00:00Z" => None,
        month_thirteen: "2020-13-01T00:00:00Z" => None,
        trailing_text: "2020-11-22T05:13:03Z garbage" => None,
        truncated: "2020-11-22T05:13" => None,
        empty: "" => None,
        non_ascii: "2020-11-22T05:13:0\u{e9}" => None,
    }
}
