//! Envoy access logs: the default text format (App Mesh's format when
//! `logging.accessLog.file` has none), Istio's longer text format, and JSON access
//! logs with Envoy's command operator names as keys.

use serde::Serialize;

use super::envoy_log::clean_line;
use super::messages::{self, Event};
use super::timestamp::{self, UnixTime};
use super::{Skipped, Warning};

/// The entries of one access-log paste.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccessLog {
    pub entries: Vec<AccessLogEntry>,
    /// Lines that were not access-log entries; one warning summarises them.
    pub unrecognised_lines: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessLogFormat {
    /// Envoy's default text format, or a text format that extends it (Istio).
    Text,
    /// One JSON object per line.
    Json,
}

/// One access-log entry. Fields that the format did not print, or printed as `-`, are `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessLogEntry {
    /// 1-based line in the whole input.
    pub line: usize,
    pub format: AccessLogFormat,
    /// `%START_TIME%` as printed.
    pub start_time: Option<String>,
    pub unix_time: Option<UnixTime>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub protocol: Option<String>,
    /// `%RESPONSE_CODE%`: 0 for TCP or when nothing was sent.
    pub response_code: Option<u16>,
    /// `%RESPONSE_FLAGS%`, split on `,`; empty for `-`.
    pub response_flags: Vec<ResponseFlag>,
    /// `%RESPONSE_CODE_DETAILS%` as printed.
    pub response_code_details: Option<String>,
    pub connection_termination_details: Option<String>,
    /// `%UPSTREAM_TRANSPORT_FAILURE_REASON%` as printed (spaces or `_`).
    pub upstream_transport_failure_reason: Option<String>,
    /// `%DOWNSTREAM_TRANSPORT_FAILURE_REASON%` (JSON logs that configured it).
    pub downstream_transport_failure_reason: Option<String>,
    pub bytes_received: Option<u64>,
    pub bytes_sent: Option<u64>,
    pub duration_ms: Option<u64>,
    pub upstream_service_time_ms: Option<u64>,
    pub x_forwarded_for: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub authority: Option<String>,
    /// `%UPSTREAM_HOST%`: the address of the upstream host chosen.
    pub upstream_host: Option<String>,
    /// `%UPSTREAM_CLUSTER%` (Istio's format and JSON logs).
    pub upstream_cluster: Option<String>,
    pub upstream_local_address: Option<String>,
    pub downstream_local_address: Option<String>,
    pub downstream_remote_address: Option<String>,
    pub requested_server_name: Option<String>,
    /// Messages found in the details and transport failure reasons.
    pub events: Vec<Event>,
}

/// A `%RESPONSE_FLAGS%` value (`source/common/stream_info/utility.h`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseFlag {
    /// UF: upstream connection failure (TCP connect or TLS handshake).
    UpstreamConnectionFailure,
    /// URX: upstream retry limit or maximum connect attempts reached.
    UpstreamRetryLimitExceeded,
    /// UH: no healthy upstream host.
    NoHealthyUpstream,
    /// UC: upstream connection terminated before the response.
    UpstreamConnectionTermination,
    /// UR: upstream remote reset.
    UpstreamRemoteReset,
    /// LR: local reset.
    LocalReset,
    /// UT: upstream request timeout.
    UpstreamRequestTimeout,
    /// UO: upstream overflow (circuit breaking).
    UpstreamOverflow,
    /// NR: no route, or no matching filter chain for a downstream connection.
    NoRouteFound,
    /// NC: upstream cluster not found.
    NoClusterFound,
    /// DC: downstream connection termination.
    DownstreamConnectionTermination,
    /// DPE: downstream HTTP protocol error (TLS or garbage sent to a plaintext listener).
    DownstreamProtocolError,
    /// UPE: upstream HTTP protocol error.
    UpstreamProtocolError,
    /// Any other flag, as printed (LH, DI, FI, RL, UAEX, RLSE, SI, IH, UMSDR, DT, OM, DF, DO, DR, ...).
    Other(String),
}

impl ResponseFlag {
    /// Parses one short flag name.
    pub fn from_short(name: &str) -> ResponseFlag {
        match name {
            "UF" => ResponseFlag::UpstreamConnectionFailure,
            "URX" => ResponseFlag::UpstreamRetryLimitExceeded,
            "UH" => ResponseFlag::NoHealthyUpstream,
            "UC" => ResponseFlag::UpstreamConnectionTermination,
            "UR" => ResponseFlag::UpstreamRemoteReset,
            "LR" => ResponseFlag::LocalReset,
            "UT" => ResponseFlag::UpstreamRequestTimeout,
            "UO" => ResponseFlag::UpstreamOverflow,
            "NR" => ResponseFlag::NoRouteFound,
            "NC" => ResponseFlag::NoClusterFound,
            "DC" => ResponseFlag::DownstreamConnectionTermination,
            "DPE" => ResponseFlag::DownstreamProtocolError,
            "UPE" => ResponseFlag::UpstreamProtocolError,
            other => ResponseFlag::Other(other.to_string()),
        }
    }

    /// Returns the short name Envoy prints.
    pub fn short(&self) -> &str {
        match self {
            ResponseFlag::UpstreamConnectionFailure => "UF",
            ResponseFlag::UpstreamRetryLimitExceeded => "URX",
            ResponseFlag::NoHealthyUpstream => "UH",
            ResponseFlag::UpstreamConnectionTermination => "UC",
            ResponseFlag::UpstreamRemoteReset => "UR",
            ResponseFlag::LocalReset => "LR",
            ResponseFlag::UpstreamRequestTimeout => "UT",
            ResponseFlag::UpstreamOverflow => "UO",
            ResponseFlag::NoRouteFound => "NR",
            ResponseFlag::NoClusterFound => "NC",
            ResponseFlag::DownstreamConnectionTermination => "DC",
            ResponseFlag::DownstreamProtocolError => "DPE",
            ResponseFlag::UpstreamProtocolError => "UPE",
            ResponseFlag::Other(name) => name,
        }
    }
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (AccessLog, Vec<Warning>) {
    let mut log = AccessLog::default();
    let mut skipped = Skipped::default();
    for (offset, raw) in text.lines().enumerate() {
        let number = first_line + offset;
        let cleaned = clean_line(raw);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() || trimmed.chars().all(|c| c == '`') {
            continue;
        }
        match read_entry(trimmed, number) {
            Some(entry) => log.entries.push(entry),
            None => skipped.line(number),
        }
    }
    log.unrecognised_lines = skipped.count();
    let warnings = skipped.warnings(
        "are not access-log entries (expected `\"METHOD PATH PROTOCOL\" CODE FLAGS ...` or a JSON \
         object)",
    );
    (log, warnings)
}

/// Tells whether `line` is one JSON access-log entry: an object on one line with a
/// response code or response flags key, or a log driver's `{"log": ...}` wrapper around
/// a text entry. Kind detection calls this on each line that starts with `{`.
pub fn is_json_entry(line: &str) -> bool {
    let trimmed = line.trim();
    if !(trimmed.starts_with('{') && trimmed.ends_with('}')) {
        return false;
    }
    // Without one of these words no key can qualify, and most JSON bodies (admin
    // output, other logs) lack both, so they skip the full parse.
    let bytes = trimmed.as_bytes();
    let has_word =
        |word: &[u8]| bytes.windows(word.len()).any(|window| window.eq_ignore_ascii_case(word));
    if !has_word(b"response") && !has_word(b"\"log\"") {
        return false;
    }
    read_entry(trimmed, 1).is_some()
}

fn read_entry(line: &str, number: usize) -> Option<AccessLogEntry> {
    if line.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let object = value.as_object()?;
        // A log driver's wrapper around a text entry: `{"log":"[...] \"GET / HTTP/1.1\" 503 ..."}`.
        if let Some(inner) = object.get("log").and_then(serde_json::Value::as_str) {
            return read_text_entry(clean_line(inner.trim_end()).trim(), number);
        }
        return read_json_entry(object, number);
    }
    read_text_entry(line, number)
}

fn empty_entry(number: usize, format: AccessLogFormat) -> AccessLogEntry {
    AccessLogEntry {
        line: number,
        format,
        start_time: None,
        unix_time: None,
        method: None,
        path: None,
        protocol: None,
        response_code: None,
        response_flags: Vec::new(),
        response_code_details: None,
        connection_termination_details: None,
        upstream_transport_failure_reason: None,
        downstream_transport_failure_reason: None,
        bytes_received: None,
        bytes_sent: None,
        duration_ms: None,
        upstream_service_time_ms: None,
        x_forwarded_for: None,
        user_agent: None,
        request_id: None,
        authority: None,
        upstream_host: None,
        upstream_cluster: None,
        upstream_local_address: None,
        downstream_local_address: None,
        downstream_remote_address: None,
        requested_server_name: None,
        events: Vec::new(),
    }
}

/// One field of a text entry: `"quoted"`, `[bracketed]` or bare.
#[derive(Debug)]
enum Field<'a> {
    Quoted(&'a str),
    Bracketed(&'a str),
    Bare(&'a str),
}

impl<'a> Field<'a> {
    fn text(&self) -> &'a str {
        match self {
            Field::Quoted(text) | Field::Bracketed(text) | Field::Bare(text) => text,
        }
    }
}

/// Istio's format, the longest common one, has 25 fields; a wrapper adds a few. Fields
/// past this many are not read, which bounds memory on a line that is not a log entry.
const MAX_FIELDS: usize = 64;

fn split_fields(line: &str) -> Vec<Field<'_>> {
    let mut fields = Vec::new();
    let mut rest = line.trim_start();
    while let Some(first) = rest.chars().next().filter(|_| fields.len() < MAX_FIELDS) {
        let (field, after) = match first {
            '"' => {
                let inner = rest.get(1..).unwrap_or("");
                // A quoted field ends at a quote followed by a space or the end of line,
                // so a quote inside a user agent does not end it early.
                let close = inner
                    .match_indices('"')
                    .map(|(index, _)| index)
                    .find(|index| {
                        inner
                            .get(index + 1..)
                            .is_none_or(|after| after.is_empty() || after.starts_with(' '))
                    })
                    .unwrap_or(inner.len());
                (
                    Field::Quoted(inner.get(..close).unwrap_or("")),
                    inner.get(close + 1..).unwrap_or(""),
                )
            }
            '[' => {
                let inner = rest.get(1..).unwrap_or("");
                let close = inner.find(']').unwrap_or(inner.len());
                (
                    Field::Bracketed(inner.get(..close).unwrap_or("")),
                    inner.get(close + 1..).unwrap_or(""),
                )
            }
            _ => {
                let end = rest.find(' ').unwrap_or(rest.len());
                (Field::Bare(rest.get(..end).unwrap_or("")), rest.get(end..).unwrap_or(""))
            }
        };
        fields.push(field);
        rest = after.trim_start();
    }
    fields
}

/// True for `"GET /path HTTP/1.1"` and the TCP proxy's `"- - -"`.
fn is_request(field: &Field<'_>) -> bool {
    let Field::Quoted(text) = field else { return false };
    let mut parts = text.split(' ');
    let method = parts.next().unwrap_or("");
    let shape = parts.next().is_some() && parts.next().is_some() && parts.next().is_none();
    shape && !method.is_empty() && (method == "-" || method.bytes().all(|b| b.is_ascii_uppercase()))
}

fn is_number(field: &Field<'_>) -> bool {
    matches!(field, Field::Bare(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
}

fn value(field: Option<&Field<'_>>) -> Option<String> {
    let text = field?.text().trim();
    (!text.is_empty() && text != "-").then(|| text.to_string())
}

fn integer(field: Option<&Field<'_>>) -> Option<u64> {
    field?.text().trim().parse().ok()
}

/// Reads Envoy's default format and formats that extend it after the flags (Istio adds
/// `%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%"`)
/// or after the upstream host (Istio's cluster and addresses).
fn read_text_entry(line: &str, number: usize) -> Option<AccessLogEntry> {
    let fields = split_fields(line);
    let request_at = fields.iter().enumerate().position(|(index, field)| {
        is_request(field) && fields.get(index + 1).is_some_and(is_number)
    })?;
    let mut entry = empty_entry(number, AccessLogFormat::Text);
    if let Some(Field::Bracketed(time)) =
        request_at.checked_sub(1).and_then(|index| fields.get(index))
    {
        entry.start_time = Some((*time).to_string());
        entry.unix_time = timestamp::parse(time);
    }
    let request = fields.get(request_at)?.text();
    let mut parts = request.split(' ');
    entry.method = parts.next().filter(|part| *part != "-").map(str::to_string);
    entry.path = parts.next().filter(|part| *part != "-").map(str::to_string);
    entry.protocol = parts.next().filter(|part| *part != "-").map(str::to_string);
    entry.response_code =
        integer(fields.get(request_at + 1)).and_then(|code| u16::try_from(code).ok());
    entry.response_flags = read_flags(fields.get(request_at + 2).map_or("-", Field::text));

    // Between the flags and `%BYTES_RECEIVED% %BYTES_SENT% %DURATION%` sit the fields a
    // format added there.
    let after_flags = request_at + 3;
    let numbers_at = (after_flags..fields.len()).find(|&index| {
        fields.get(index).is_some_and(is_number)
            && fields.get(index + 1).is_some_and(is_number)
            && fields.get(index + 2).is_some_and(is_number)
    })?;
    let extras: Vec<&Field<'_>> =
        fields.get(after_flags..numbers_at).unwrap_or(&[]).iter().collect();
    match extras.as_slice() {
        [details] => entry.response_code_details = value(Some(details)),
        [details, transport] => {
            entry.response_code_details = value(Some(details));
            entry.upstream_transport_failure_reason = value(Some(transport));
        }
        [details, termination, transport, ..] => {
            entry.response_code_details = value(Some(details));
            entry.connection_termination_details = value(Some(termination));
            entry.upstream_transport_failure_reason = value(Some(transport));
        }
        [] => {}
    }
    entry.bytes_received = integer(fields.get(numbers_at));
    entry.bytes_sent = integer(fields.get(numbers_at + 1));
    entry.duration_ms = integer(fields.get(numbers_at + 2));
    entry.upstream_service_time_ms = integer(fields.get(numbers_at + 3));
    let quoted_at = numbers_at + 4;
    entry.x_forwarded_for = value(fields.get(quoted_at));
    entry.user_agent = value(fields.get(quoted_at + 1));
    entry.request_id = value(fields.get(quoted_at + 2));
    entry.authority = value(fields.get(quoted_at + 3));
    entry.upstream_host = value(fields.get(quoted_at + 4));
    entry.upstream_cluster = value(fields.get(quoted_at + 5));
    entry.upstream_local_address = value(fields.get(quoted_at + 6));
    entry.downstream_local_address = value(fields.get(quoted_at + 7));
    entry.downstream_remote_address = value(fields.get(quoted_at + 8));
    entry.requested_server_name = value(fields.get(quoted_at + 9));
    entry.events = scan_fields(&entry);
    Some(entry)
}

fn read_flags(text: &str) -> Vec<ResponseFlag> {
    let text = text.trim();
    if text.is_empty() || text == "-" {
        return Vec::new();
    }
    text.split(',').filter(|flag| !flag.is_empty()).map(ResponseFlag::from_short).collect()
}

/// Reads a JSON access-log entry whose keys name Envoy's command operators in any
/// usual spelling (`response_code`, `responseCode`, `RESPONSE_CODE`, `x-forwarded-for`).
fn read_json_entry(
    object: &serde_json::Map<String, serde_json::Value>,
    number: usize,
) -> Option<AccessLogEntry> {
    let mut entry = empty_entry(number, AccessLogFormat::Json);
    let mut recognised = 0usize;
    for (key, json) in object {
        let text = match json {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Number(number) => Some(number.to_string()),
            _ => None,
        };
        let text = text.filter(|text| !text.is_empty() && text != "-");
        let normalised: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let slot = match normalised.as_str() {
            "starttime" | "timestamp" => &mut entry.start_time,
            "method" | "reqmethod" => &mut entry.method,
            "path" | "reqpath" | "xenvoyoriginalpath" => &mut entry.path,
            "protocol" => &mut entry.protocol,
            "responsecodedetails" => &mut entry.response_code_details,
            "connectionterminationdetails" => &mut entry.connection_termination_details,
            "upstreamtransportfailurereason" => &mut entry.upstream_transport_failure_reason,
            "downstreamtransportfailurereason" => &mut entry.downstream_transport_failure_reason,
            "xforwardedfor" => &mut entry.x_forwarded_for,
            "useragent" => &mut entry.user_agent,
            "requestid" | "xrequestid" => &mut entry.request_id,
            "authority" => &mut entry.authority,
            "upstreamhost" => &mut entry.upstream_host,
            "upstreamcluster" => &mut entry.upstream_cluster,
            "upstreamlocaladdress" => &mut entry.upstream_local_address,
            "downstreamlocaladdress" => &mut entry.downstream_local_address,
            "downstreamremoteaddress" => &mut entry.downstream_remote_address,
            "requestedservername" => &mut entry.requested_server_name,
            "responsecode" => {
                recognised += 1;
                entry.response_code = text.and_then(|code| code.parse().ok());
                continue;
            }
            "responseflags" => {
                recognised += 1;
                entry.response_flags = read_flags(text.as_deref().unwrap_or("-"));
                continue;
            }
            "bytesreceived" => {
                entry.bytes_received = text.and_then(|n| n.parse().ok());
                continue;
            }
            "bytessent" => {
                entry.bytes_sent = text.and_then(|n| n.parse().ok());
                continue;
            }
            "duration" => {
                entry.duration_ms = text.and_then(|n| n.parse().ok());
                continue;
            }
            "upstreamservicetime" | "xenvoyupstreamservicetime" => {
                entry.upstream_service_time_ms = text.and_then(|n| n.parse().ok());
                continue;
            }
            _ => continue,
        };
        recognised += 1;
        *slot = text;
    }
    // Without a response code or flags, the object is some other JSON log line.
    if entry.response_code.is_none()
        && entry.response_flags.is_empty()
        && !object_has_flags_key(object)
    {
        return None;
    }
    let _ = recognised;
    entry.unix_time = entry.start_time.as_deref().and_then(timestamp::parse);
    entry.events = scan_fields(&entry);
    Some(entry)
}

fn object_has_flags_key(object: &serde_json::Map<String, serde_json::Value>) -> bool {
    object.keys().any(|key| {
        let normalised: String = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        normalised == "responseflags" || normalised == "responsecode"
    })
}

/// Runs the message scanner on the fields that carry failure reasons.
fn scan_fields(entry: &AccessLogEntry) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for field in [
        &entry.response_code_details,
        &entry.connection_termination_details,
        &entry.upstream_transport_failure_reason,
        &entry.downstream_transport_failure_reason,
    ]
    .into_iter()
    .flatten()
    {
        for event in messages::scan(field) {
            let duplicate = events.iter().any(|known| match (known, &event) {
                (Event::TlsError(known), Event::TlsError(new)) => known.errors == new.errors,
                (known, new) => known == new,
            });
            if !duplicate {
                events.push(event);
            }
        }
    }
    events
}
