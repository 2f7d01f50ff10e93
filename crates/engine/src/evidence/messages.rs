//! The message scanner: finds the TLS and connectivity messages Envoy (and the
//! tools around it) print, wherever they sit in a line.
//!
//! The Envoy log, access-log and other-text parsers all call [`scan`] on the
//! text they isolate, so a `TLS error:` reads the same in a debug log line, an
//! HTTP 503 body, a gRPC client error or a `%RESPONSE_CODE_DETAILS%` field.
//! Each search is a substring search over the line, so the cost is linear in
//! the length of the line.

use serde::Serialize;

use super::boringssl;

/// A typed message found in a line of evidence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A TLS failure reason built from BoringSSL's error queue (`TLS error: …`,
    /// `TLS_error:|…:TLS_error_end`, `SSL error: …`) or an OpenSSL error line.
    TlsError(TlsError),
    /// `TLS error: Secret is not supplied by SDS`: the TLS context waits for an SDS
    /// secret, so no handshake was attempted.
    SecretNotSupplied,
    /// `Create NotReadySslSocket`: Envoy built a placeholder socket because the SDS
    /// secret of the context has not arrived.
    NotReadySslSocket,
    /// `Secret is updated.`: an SDS rotation was applied.
    SecretUpdated,
    /// The certificate validator rejected the peer's certificate.
    VerifyFailed(VerifyFailure),
    /// An upstream request failed before (or after) the response started: the 503
    /// local reply body, the router's `upstream reset` line or the
    /// `upstream_reset_*_response_started{…}` response code details.
    UpstreamReset(UpstreamReset),
    /// An SSL_ERROR_* status from a handshake or a read: `handshake error: 2`,
    /// `handshake expecting read`, `ssl error occurred while read: WANT_READ`.
    /// `benign` is true for WANT_READ and WANT_WRITE, which every non-blocking
    /// handshake goes through and which never mean failure.
    HandshakeStatus { ssl_error: Option<u32>, name: String, benign: bool },
    /// `handshake complete`.
    HandshakeComplete,
    /// A TLS alert that a TLS client printed (`TLS alert, decode error (562)` in
    /// curl -v, `remote error: tls: bad certificate` in Go).
    TlsAlert(TlsAlert),
    /// `No healthy upstream` (log, body or `no_healthy_upstream` details).
    NoHealthyUpstream,
    /// `No cluster match for URL '…'` or the `route_not_found` details: no route
    /// matched the request.
    NoRouteMatch { url: Option<String> },
    /// `no matching filter chain found` (log) or `filter_chain_not_found` (details).
    NoFilterChainMatch,
    /// `delayed connect error: 111` (older: `delayed connection error: 111`, access
    /// log `delayed_connect_error:_111`): the TCP connect failed with this errno.
    DelayedConnectError { errno: u32 },
    /// Envoy rejected configuration from its management server:
    /// `gRPC config for <type URL> rejected: <reason>` or `… update rejected`.
    ConfigRejected { type_url: Option<String>, reason: String },
    /// Envoy could not load a certificate, key or trust bundle:
    /// `Failed to load certificate chain from <inline>`, `Invalid path: …`.
    CertLoadFailed { what: String, source: String, cause: Option<String> },
    /// `gRPC config stream closed: <status>, <message>` (also
    /// `… stream to <host:port> closed …`).
    ConfigStreamClosed { target: Option<String>, status: Option<u32>, message: String },
    /// openssl s_client: `no peer certificate available`.
    NoPeerCertificate,
    /// openssl s_client: `SSL handshake has read N bytes and written M bytes`.
    HandshakeBytes { read: u64, written: u64 },
    /// openssl s_client: `Cipher is (NONE)`: no cipher was negotiated.
    NoCipherNegotiated,
}

/// How the TLS failure reason was spelled. The spelling dates the Envoy version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsErrorFormat {
    /// `TLS error: <code>:<lib>:OPENSSL_internal:<reason>[ <code>…]` (Envoy 1.10 to about 1.28).
    Spaced,
    /// `TLS_error:_<code>:SSL_routines:…` (old format after Envoy replaced spaces by `_`).
    Underscored,
    /// `TLS_error:|<code>:…[|<code>…]:TLS_error_end` (Envoy from about 1.29).
    Piped,
    /// `SSL error: <code>:<lib>:OPENSSL_internal:<reason>` (Envoy up to about 1.9, and
    /// config-time `logSslErrorChain`, where the reason may be a number).
    SslErrorLine,
    /// `error:1000007d:SSL routines:OPENSSL_internal:…` (`ERR_error_string_n`, hex code).
    BoringSslHex,
    /// OpenSSL's own `error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown protocol`:
    /// the hex code uses OpenSSL's packing, so it is not decoded.
    OpenSsl,
    /// `<code>:<lib>:OPENSSL_internal:<reason>` with no recognised prefix.
    Bare,
}

/// One TLS failure reason: one or more queued errors printed together.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TlsError {
    pub format: TlsErrorFormat,
    pub errors: Vec<SslError>,
    /// Text Envoy 1.37+ appends before `:TLS_error_end` (`verify cert failed: …`,
    /// `peer did not provide required client certificate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The peer from `remote address:<ip:port>,` (Envoy 1.23+), markdown link removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_address: Option<String>,
}

/// One error from the BoringSSL (or OpenSSL) error queue.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SslError {
    /// The packed BoringSSL code (`ERR_PACK(lib, reason)`), when it was printed and
    /// uses BoringSSL's packing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packed: Option<u32>,
    /// `ERR_GET_LIB(packed)`: 16 is SSL, 2 is SYS (errno), 9 is PEM, 11 is X509.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<u8>,
    /// `ERR_GET_REASON(packed)`: for SSL, 1000 + N means alert N was received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<u16>,
    /// The library text as printed, with `_` turned back into spaces (`SSL routines`).
    pub library_text: String,
    /// The reason as printed (`CERTIFICATE_VERIFY_FAILED`, `110`, `unknown protocol`).
    pub reason_text: String,
    /// The reason as an upper-case BoringSSL-style name (`CERTIFICATE_VERIFY_FAILED`,
    /// `UNKNOWN_PROTOCOL`): from the table when the reason was printed as a number,
    /// else the printed text upper-cased with `_` between words.
    pub reason_name: String,
}

impl SslError {
    /// Returns the TLS alert number when this error reports that the peer sent an alert
    /// (SSL library reason 1000 + alert, `SSL_AD_REASON_OFFSET` in BoringSSL's ssl.h).
    pub fn received_alert(&self) -> Option<u8> {
        match (self.library, self.reason) {
            (Some(boringssl::LIB_SSL), Some(reason)) => boringssl::alert_from_reason(reason),
            _ => boringssl::alert_from_reason_name(&self.reason_name),
        }
    }
}

/// A rejection by the certificate validator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct VerifyFailure {
    pub kind: VerifyFailureKind,
    /// `at depth N` of `X509_verify_cert`: 0 is the peer's leaf certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// The X.509 verification error code (`X509_V_ERR_*`), printed by s_client or
    /// looked up from the error string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x509_error: Option<u32>,
    /// The text after `verify cert failed: ` (or the whole verification error).
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyFailureKind {
    /// Chain verification failed (`X509_verify_cert: certificate verification error
    /// at depth N: <reason>`, s_client `verify error:num=N:…`, curl `SSL certificate
    /// problem: …`, Go `x509: …`); `x509_error` names the reason.
    Chain,
    /// `SAN matcher` or `verify SAN list`: no SAN of the peer matched the configured list.
    SanMismatch,
    /// `cert hash and spki`: the certificate pin did not match.
    CertHash,
    /// `empty cert chain` / `no cert chain`: the peer sent no usable certificate.
    NoCertChain,
    /// Any other `verify cert failed:` text.
    Other,
}

/// The place where an upstream reset was reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResetOrigin {
    /// The router's local reply body: `upstream connect error or disconnect/reset before headers. …`.
    LocalReplyBody,
    /// The router's debug line `upstream reset: reset reason: …`.
    RouterLog,
    /// `%RESPONSE_CODE_DETAILS%`: `upstream_reset_before_response_started{…}`.
    ResponseCodeDetails,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct UpstreamReset {
    pub origin: ResetOrigin,
    /// `retried and the latest` was in the body: at least one retry happened.
    pub retried: bool,
    /// `upstream_reset_after_response_started{…}`: the reset came after the headers.
    pub after_response_started: bool,
    /// The reset reason with spaces (`connection failure`, `remote connection failure`,
    /// `connection termination`); `None` for bodies of Envoy 1.9 and older.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_reason: Option<String>,
    /// The transport failure reason as printed (Envoy 1.16+ in bodies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_failure_reason: Option<String>,
}

/// The side that sent a TLS alert, as far as the printing tool reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlertDirection {
    /// The tool that printed the line sent the alert (curl `(OUT)`).
    Sent,
    /// The peer sent the alert (curl `(IN)`, Go `remote error:`).
    Received,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TlsAlert {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<AlertDirection>,
    /// The alert number (`decode_error` is 50), when printed or known from the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<u8>,
    pub description: String,
}

/// Finds every known message in `text`, in the order of the kinds above, without
/// duplicates (a gRPC error can repeat the same failure reason twice).
pub fn scan(text: &str) -> Vec<Event> {
    // ASCII lower-casing keeps byte offsets, so a match in `lower` slices `text` too.
    let lower = text.to_ascii_lowercase();
    let line = Line { text, lower: &lower };
    let mut events = Found::default();
    scan_tls_errors(line, &mut events);
    scan_openssl_errors(line, &mut events);
    scan_sds(line, &mut events);
    scan_verify_failures(line, &mut events);
    scan_upstream_resets(line, &mut events);
    scan_handshake(line, &mut events);
    scan_alerts(line, &mut events);
    scan_connectivity(line, &mut events);
    scan_config(line, &mut events);
    scan_s_client(line, &mut events);
    events.events
}

/// At most this many distinct events are kept per line. A real line contains a few, and the
/// limit keeps memory bounded on a pasted line that repeats a message millions of times.
const MAX_EVENTS_PER_LINE: usize = 64;

/// The events of one line, without duplicates.
#[derive(Default)]
struct Found {
    events: Vec<Event>,
}

impl Found {
    fn push(&mut self, event: Event) {
        if self.events.len() >= MAX_EVENTS_PER_LINE {
            return;
        }
        let duplicate = self.events.iter().any(|known| match (known, &event) {
            // An access-log line prints one failure twice, as `%RESPONSE_CODE_DETAILS%`
            // and as `%UPSTREAM_TRANSPORT_FAILURE_REASON%`, in two spellings.
            (Event::TlsError(known), Event::TlsError(new)) => known.errors == new.errors,
            (known, new) => known == new,
        });
        if !duplicate {
            self.events.push(event);
        }
    }
}

#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    lower: &'a str,
}

/// At most this many matches of one pattern are read per line, and a message is read
/// from at most [`MAX_MESSAGE_SPAN`] bytes after its anchor. Together they keep the scan
/// linear on a pasted line that repeats one message over megabytes.
const MAX_MATCHES_PER_PATTERN: usize = 256;

/// The maximum span the scanner reads after an anchor. The longest message in the
/// reference samples (a rejected xDS update with its protobuf validation text) is
/// under 1 KiB.
const MAX_MESSAGE_SPAN: usize = 4096;

impl<'a> Line<'a> {
    /// Returns the byte offsets of the first matches of a lower-case `needle`.
    fn find_all(self, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.lower.match_indices(needle).map(|(index, _)| index).take(MAX_MATCHES_PER_PATTERN)
    }

    fn contains(self, needle: &str) -> bool {
        self.lower.contains(needle)
    }

    /// Returns the text from byte `index`, at most [`MAX_MESSAGE_SPAN`] bytes of it.
    fn after(self, index: usize) -> &'a str {
        let rest = self.text.get(index..).unwrap_or("");
        let mut end = rest.len().min(MAX_MESSAGE_SPAN);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        rest.get(..end).unwrap_or("")
    }
}

const OPENSSL_INTERNAL: &str = ":OPENSSL_internal:";

/// The maximum reason length read. The longest BoringSSL SSL reason name has 46 bytes,
/// and the limit leaves room for `strerror` texts of the system library.
const MAX_REASON_LEN: usize = 128;

/// One `<code>:<lib>:OPENSSL_internal:<reason>` item and where it sits.
struct ErrItem {
    start: usize,
    end: usize,
    hex: bool,
    error: SslError,
}

/// BoringSSL's error queue is a ring of 16 slots (`ERR_NUM_ERRORS` in
/// `include/openssl/err.h`), so one failure reason lists fewer errors than that.
const MAX_ERRORS_PER_REASON: usize = 16;

fn scan_tls_errors(line: Line<'_>, events: &mut Found) {
    let text = line.text;
    let bytes = text.as_bytes();
    let mut group: Vec<ErrItem> = Vec::new();
    let mut search_from = 0;
    let mut matches = 0;
    while let Some(found) = text.get(search_from..).and_then(|rest| rest.find(OPENSSL_INTERNAL)) {
        matches += 1;
        if matches > MAX_MATCHES_PER_PATTERN * MAX_ERRORS_PER_REASON {
            break;
        }
        let at = search_from + found;
        search_from = at + OPENSSL_INTERNAL.len();
        let Some(item) = read_err_item(text, bytes, at) else { continue };
        let continues_group = group.last().is_some_and(|last| {
            let gap = text.get(last.end..item.start).unwrap_or("x");
            gap == " " || gap == "_" || gap == "|"
        });
        if !continues_group || group.len() >= MAX_ERRORS_PER_REASON {
            push_tls_error(text, std::mem::take(&mut group), events);
        }
        group.push(item);
    }
    push_tls_error(text, group, events);
}

/// Turns a run of adjacent items into one failure reason, reading its format from the
/// text before it.
fn push_tls_error(text: &str, group: Vec<ErrItem>, events: &mut Found) {
    let (Some(first), Some(last)) = (group.first(), group.last()) else { return };
    let before = text.get(..first.start).unwrap_or("");
    let format = if first.hex && before.ends_with("error:") {
        TlsErrorFormat::BoringSslHex
    } else if before.ends_with("TLS_error:|") {
        TlsErrorFormat::Piped
    } else if before.ends_with("TLS_error:_") {
        TlsErrorFormat::Underscored
    } else if before.trim_end().ends_with("TLS error:") {
        TlsErrorFormat::Spaced
    } else if before.trim_end().ends_with("SSL error:") {
        TlsErrorFormat::SslErrorLine
    } else {
        TlsErrorFormat::Bare
    };
    let detail = if format == TlsErrorFormat::Piped { piped_detail(text, last.end) } else { None };
    // Only the stretch since the previous failure reason can name this one's peer.
    let window_start = before.len().saturating_sub(MAX_ADDRESS_LOOKBEHIND);
    let window = before.get(window_start..).unwrap_or(before);
    let remote_address = window
        .rfind("remote address:")
        .map(|found| remote_address(window.get(found + "remote address:".len()..).unwrap_or("")))
        .filter(|address| !address.is_empty());
    let errors = group.into_iter().map(|item| item.error).collect();
    events.push(Event::TlsError(TlsError { format, errors, detail, remote_address }));
}

/// `remote address:<ip:port>,` sits right before the failure reason, so a window of
/// this many bytes contains it, including a markdown link made of it.
const MAX_ADDRESS_LOOKBEHIND: usize = 256;

/// Reads the item whose `:OPENSSL_internal:` starts at byte `at`.
fn read_err_item(text: &str, bytes: &[u8], at: usize) -> Option<ErrItem> {
    const MAX_LIBRARY_LEN: usize = 64;
    let mut library_start = at;
    while library_start > 0 && at - library_start <= MAX_LIBRARY_LEN {
        let byte = *bytes.get(library_start - 1)?;
        if byte == b':' {
            break;
        }
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b' ' | b'_' | b'.' | b'-')) {
            return None;
        }
        library_start -= 1;
    }
    if library_start == 0 || bytes.get(library_start - 1) != Some(&b':') {
        return None;
    }
    let code_end = library_start - 1;
    let mut hex_start = code_end;
    while hex_start > 0
        && code_end - hex_start < 10
        && bytes.get(hex_start - 1)?.is_ascii_hexdigit()
    {
        hex_start -= 1;
    }
    let hex = text.get(..hex_start)?.ends_with("error:") && hex_start < code_end;
    let code_start = if hex {
        hex_start
    } else {
        let mut start = code_end;
        while start > 0 && code_end - start < 10 && bytes.get(start - 1)?.is_ascii_digit() {
            start -= 1;
        }
        start
    };
    let code_text = text.get(code_start..code_end)?;
    let packed =
        if hex { u32::from_str_radix(code_text, 16).ok() } else { code_text.parse::<u32>().ok() };
    let packed = packed?;
    let library = boringssl::library(packed);
    let library_text = text.get(library_start..at)?.replace('_', " ");

    let reason_start = at + OPENSSL_INTERNAL.len();
    let free_text = library == boringssl::LIB_SYS;
    let mut reason_end = reason_start;
    while let Some(&byte) =
        bytes.get(reason_end).filter(|_| reason_end - reason_start < MAX_REASON_LEN)
    {
        let starts_next_item =
            matches!(byte, b' ' | b'_' | b'|') && next_is_code(bytes, reason_end + 1);
        let allowed = if free_text {
            !matches!(byte, b'|' | b'"' | b'\'' | b'}' | b':' | b',' | b'\\' | b'`' | b'\t')
        } else {
            byte.is_ascii_alphanumeric() || byte == b'_'
        };
        if starts_next_item || !allowed {
            break;
        }
        reason_end += 1;
    }
    let reason_text = text.get(reason_start..reason_end)?.trim_end_matches(['.', ' ']).to_string();
    let reason_end = reason_start + reason_text.len();
    let reason = boringssl::reason(packed);
    let reason_name =
        if library == boringssl::LIB_SSL && reason_text.bytes().all(|b| b.is_ascii_digit()) {
            boringssl::ssl_reason_name(reason).map_or_else(|| reason_text.clone(), str::to_string)
        } else if free_text {
            reason_text.replace('_', " ")
        } else {
            reason_text.clone()
        };
    let reason_text = if free_text { reason_text.replace('_', " ") } else { reason_text };
    Some(ErrItem {
        start: code_start,
        end: reason_end,
        hex,
        error: SslError {
            packed: Some(packed),
            library: Some(library),
            reason: Some(reason),
            library_text,
            reason_text,
            reason_name,
        },
    })
}

/// True when `bytes[from..]` starts with a decimal code and a colon (the next queued error).
fn next_is_code(bytes: &[u8], from: usize) -> bool {
    let mut end = from;
    // A packed code is a u32: at most 10 decimal digits.
    while end - from <= 10 && bytes.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    end - from >= 5 && bytes.get(end) == Some(&b':')
}

/// Returns the Envoy 1.37+ detail between the last error and `:TLS_error_end`.
fn piped_detail(text: &str, end: usize) -> Option<String> {
    let rest = text.get(end..)?;
    let terminator = rest.find(":TLS_error_end")?;
    let detail = rest.get(..terminator)?.strip_prefix(':')?.trim();
    (!detail.is_empty()).then(|| detail.to_string())
}

/// Reads the address after `remote address:` up to the comma, removing a markdown link
/// (`[10.0.0.1:443](http://10.0.0.1:443/)`) that an editor made of it.
fn remote_address(rest: &str) -> String {
    let value = rest.split(',').next().unwrap_or("").trim();
    if let Some(inner) = value.strip_prefix('[') {
        if let Some(close) = inner.find("](") {
            return inner.get(..close).unwrap_or("").to_string();
        }
    }
    value.to_string()
}

/// OpenSSL's own error lines: `error:140770FC:SSL routines:SSL23_GET_SERVER_HELLO:unknown
/// protocol:s23_clnt.c:795:` (1.0/1.1) and `error:0A00010B:SSL routines::wrong version number`
/// (3.x). BoringSSL lines with `OPENSSL_internal` are read by [`scan_tls_errors`].
fn scan_openssl_errors(line: Line<'_>, events: &mut Found) {
    for at in line.find_all("error:") {
        let rest = line.after(at + "error:".len());
        let mut fields = rest.splitn(5, ':');
        let (Some(code), Some(library), Some(function), Some(reason)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let code_is_hex =
            (1..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_hexdigit());
        if !code_is_hex || function == "OPENSSL_internal" || !library.contains("routines") {
            continue;
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.len() > 120 {
            continue;
        }
        let reason_name: String = reason
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() })
            .collect();
        let error = SslError {
            packed: None,
            library: None,
            reason: None,
            library_text: library.to_string(),
            reason_text: reason.to_string(),
            reason_name,
        };
        events.push(Event::TlsError(TlsError {
            format: TlsErrorFormat::OpenSsl,
            errors: vec![error],
            detail: (!function.is_empty()).then(|| function.to_string()),
            remote_address: None,
        }));
    }
}

fn scan_sds(line: Line<'_>, events: &mut Found) {
    if line.contains("secret is not supplied by sds")
        || line.contains("secret_is_not_supplied_by_sds")
    {
        events.push(Event::SecretNotSupplied);
    }
    if line.contains("notreadysslsocket") {
        events.push(Event::NotReadySslSocket);
    }
    if line.contains("secret is updated") {
        events.push(Event::SecretUpdated);
    }
}

/// X.509 verification error strings (`crypto/x509/x509_txt.cc`) and their
/// `X509_V_ERR_*` codes. Some OpenSSL releases print "self-signed" with a hyphen, so
/// the text is compared with hyphens turned into spaces. Longer strings come first, so
/// that a string is never taken for its prefix.
const X509_ERRORS: &[(&str, u32)] = &[
    ("self signed certificate in certificate chain", 19),
    ("unable to get local issuer certificate", 20),
    ("unable to verify the first certificate", 21),
    ("unable to get issuer certificate", 2),
    ("certificate signature failure", 7),
    ("certificate is not yet valid", 9),
    ("certificate has expired", 10),
    ("self signed certificate", 18),
    ("certificate revoked", 23),
    ("invalid ca certificate", 24),
    ("unsupported certificate purpose", 26),
    ("hostname mismatch", 62),
];

/// Returns the `X509_V_ERR_*` code of a verification error string.
pub fn x509_error_code(text: &str) -> Option<u32> {
    let normalised = text.trim().to_ascii_lowercase().replace('-', " ");
    X509_ERRORS.iter().find(|(known, _)| normalised.starts_with(known)).map(|(_, code)| *code)
}

fn scan_verify_failures(line: Line<'_>, events: &mut Found) {
    let mut depth_seen = false;
    for at in line.find_all("verify cert failed: ") {
        let rest = line.after(at + "verify cert failed: ".len());
        let detail = trim_detail(rest);
        let lower = detail.to_ascii_lowercase();
        let failure = if let Some(chain) = chain_failure(detail) {
            depth_seen = true;
            chain
        } else {
            let kind = if lower.starts_with("san matcher") || lower.starts_with("verify san list") {
                VerifyFailureKind::SanMismatch
            } else if lower.starts_with("cert hash and spki") {
                VerifyFailureKind::CertHash
            } else if lower.contains("cert chain") {
                VerifyFailureKind::NoCertChain
            } else {
                VerifyFailureKind::Other
            };
            VerifyFailure { kind, depth: None, x509_error: None, text: detail.to_string() }
        };
        events.push(Event::VerifyFailed(failure));
    }
    if !depth_seen {
        // Envoy before the async validator (about 1.25) logged the chain failure
        // without the `verify cert failed: ` prefix.
        for at in line.find_all("x509_verify_cert: ") {
            if let Some(failure) = chain_failure(trim_detail(line.after(at))) {
                events.push(Event::VerifyFailed(failure));
            }
        }
    }
    for at in line.find_all("verify error:num=") {
        let rest = line.after(at + "verify error:num=".len());
        let (number, text) = rest.split_once(':').unwrap_or((rest, ""));
        let Ok(code) = number.trim().parse::<u32>() else { continue };
        events.push(Event::VerifyFailed(VerifyFailure {
            kind: VerifyFailureKind::Chain,
            depth: None,
            x509_error: Some(code),
            text: text.trim().to_string(),
        }));
    }
    for at in line.find_all("ssl certificate problem: ") {
        let text = trim_detail(line.after(at + "ssl certificate problem: ".len()));
        events.push(Event::VerifyFailed(VerifyFailure {
            kind: VerifyFailureKind::Chain,
            depth: None,
            x509_error: x509_error_code(text),
            text: text.to_string(),
        }));
    }
}

/// Reads `X509_verify_cert: certificate verification error at depth N: <reason>`.
fn chain_failure(detail: &str) -> Option<VerifyFailure> {
    const AT_DEPTH: &str = "certificate verification error at depth ";
    let start = detail.find(AT_DEPTH)?;
    let rest = detail.get(start + AT_DEPTH.len()..)?;
    let (depth, reason) = rest.split_once(':')?;
    let reason = reason.trim();
    Some(VerifyFailure {
        kind: VerifyFailureKind::Chain,
        depth: depth.trim().parse().ok(),
        x509_error: x509_error_code(reason),
        text: detail.to_string(),
    })
}

/// Cuts what follows a validator message inside a longer string: the Envoy 1.37
/// `:TLS_error_end` terminator, a closing quote, a TAB (Istio's `thread=` column).
fn trim_detail(rest: &str) -> &str {
    let mut end = rest.len();
    for terminator in [":TLS_error_end", "\"", "\t", "\\\"", "`"] {
        if let Some(found) = rest.find(terminator) {
            end = end.min(found);
        }
    }
    rest.get(..end).unwrap_or(rest).trim()
}

const LOCAL_REPLY: &str = "upstream connect error or disconnect/reset before headers";
const TRANSPORT_FAILURE: &str = ", transport failure reason: ";

fn scan_upstream_resets(line: Line<'_>, events: &mut Found) {
    for at in line.find_all(LOCAL_REPLY) {
        let mut rest = line.after(at + LOCAL_REPLY.len());
        rest = rest.strip_prefix('.').unwrap_or(rest).trim_start();
        let retried = rest.starts_with("retried and the latest ");
        if retried {
            rest = rest.get("retried and the latest ".len()..).unwrap_or("");
        }
        let (reset_reason, transport_failure_reason) = match rest.strip_prefix("reset reason: ") {
            Some(after) => read_reset_reason(after),
            None => (None, None),
        };
        events.push(Event::UpstreamReset(UpstreamReset {
            origin: ResetOrigin::LocalReplyBody,
            retried,
            after_response_started: false,
            reset_reason,
            transport_failure_reason,
        }));
    }
    for at in line.find_all("upstream reset: reset reason: ") {
        let (reset_reason, transport_failure_reason) =
            read_reset_reason(line.after(at + "upstream reset: reset reason: ".len()));
        events.push(Event::UpstreamReset(UpstreamReset {
            origin: ResetOrigin::RouterLog,
            retried: false,
            after_response_started: false,
            reset_reason,
            transport_failure_reason,
        }));
    }
    if line.lower.trim_end().ends_with("] upstream reset") || line.lower.trim() == "upstream reset"
    {
        events.push(Event::UpstreamReset(UpstreamReset {
            origin: ResetOrigin::RouterLog,
            retried: false,
            after_response_started: false,
            reset_reason: None,
            transport_failure_reason: None,
        }));
    }
    for (prefix, after_response_started) in [
        ("upstream_reset_before_response_started{", false),
        ("upstream_reset_after_response_started{", true),
    ] {
        for at in line.find_all(prefix) {
            let inside = line.after(at + prefix.len());
            let inside = inside.get(..inside.find('}').unwrap_or(inside.len())).unwrap_or("");
            let split = inside.find([',', '|']);
            let reason = split.and_then(|at| inside.get(..at)).unwrap_or(inside);
            let transport =
                split.and_then(|at| inside.get(at + 1..)).filter(|rest| !rest.is_empty());
            events.push(Event::UpstreamReset(UpstreamReset {
                origin: ResetOrigin::ResponseCodeDetails,
                retried: false,
                after_response_started,
                reset_reason: Some(reason.replace('_', " ")).filter(|reason| !reason.is_empty()),
                transport_failure_reason: transport.map(str::to_string),
            }));
        }
    }
}

/// Reads `<reset reason>[, transport failure reason: <reason>]` as the router prints it.
fn read_reset_reason(rest: &str) -> (Option<String>, Option<String>) {
    let reason_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_lowercase() || *c == ' '))
        .map_or(rest.len(), |(index, _)| index);
    let reason = rest.get(..reason_end).unwrap_or("").trim();
    let after = rest.get(reason_end..).unwrap_or("");
    let transport = after.strip_prefix(TRANSPORT_FAILURE);
    let transport = transport.map(cut_transport_failure_reason).filter(|reason| !reason.is_empty());
    (Some(reason.to_string()).filter(|reason| !reason.is_empty()), transport.map(str::to_string))
}

/// Cuts a transport failure reason where the text around it resumes: a JSON quote, a
/// markdown backtick, gRPC's `. debug_error_string`, curl's `%` for a missing newline.
fn cut_transport_failure_reason(rest: &str) -> &str {
    let mut end = rest.len();
    for terminator in ["\"", "\\\"", "`", ". debug_error_string", "\t"] {
        if let Some(found) = rest.find(terminator) {
            end = end.min(found);
        }
    }
    rest.get(..end).unwrap_or(rest).trim_end().trim_end_matches(['%', '.']).trim_end()
}

fn scan_handshake(line: Line<'_>, events: &mut Found) {
    for at in line.find_all("handshake error: ") {
        let rest = line.after(at + "handshake error: ".len());
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Some(code) = rest.get(..digits).and_then(|digits| digits.parse::<u32>().ok()) else {
            continue;
        };
        events.push(handshake_status(Some(code), None));
    }
    for (needle, code) in [("handshake expecting read", 2), ("handshake expecting write", 3)] {
        if line.contains(needle) {
            events.push(handshake_status(Some(code), None));
        }
    }
    for needle in ["ssl error occurred while read: ", "ssl error occurred while write: "] {
        for at in line.find_all(needle) {
            let rest = line.after(at + needle.len());
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                events.push(handshake_status(boringssl::ssl_error_from_name(&name), Some(name)));
            }
        }
    }
    if line.contains("handshake complete") {
        events.push(Event::HandshakeComplete);
    }
}

fn handshake_status(code: Option<u32>, name: Option<String>) -> Event {
    let name = name
        .or_else(|| code.and_then(boringssl::ssl_error_name).map(str::to_string))
        .or_else(|| code.map(|code| code.to_string()))
        .unwrap_or_default();
    let benign = code.is_some_and(boringssl::ssl_error_is_benign);
    Event::HandshakeStatus { ssl_error: code, name, benign }
}

fn scan_alerts(line: Line<'_>, events: &mut Found) {
    // curl -v: `* TLSv1.3 (OUT), TLS alert, decode error (562):`; the number is
    // (level << 8) | description.
    for at in line.find_all("tls alert, ") {
        // curl prints the direction a few bytes before: `* TLSv1.3 (OUT), TLS alert, …`.
        let mut start = at.saturating_sub(32);
        while !line.lower.is_char_boundary(start) {
            start += 1;
        }
        let before = line.lower.get(start..at).unwrap_or("");
        let direction = if before.contains("(out)") {
            Some(AlertDirection::Sent)
        } else if before.contains("(in)") {
            Some(AlertDirection::Received)
        } else {
            None
        };
        let rest = line.after(at + "tls alert, ".len());
        let rest = rest.trim_end().trim_end_matches(':');
        let (description, number) = match rest.rfind(" (") {
            Some(open) => {
                let number = rest.get(open + 2..).and_then(|tail| tail.strip_suffix(')'));
                (rest.get(..open).unwrap_or(rest), number.and_then(|n| n.parse::<u32>().ok()))
            }
            None => (rest, None),
        };
        let alert = number
            .and_then(|number| u8::try_from(number & 0xff).ok())
            .or_else(|| boringssl::alert_from_name(description));
        events.push(Event::TlsAlert(TlsAlert {
            direction,
            alert,
            description: description.trim().to_string(),
        }));
    }
    // Go's crypto/tls: `remote error: tls: bad certificate`.
    for at in line.find_all("remote error: tls: ") {
        let rest = trim_detail(line.after(at + "remote error: tls: ".len()));
        events.push(Event::TlsAlert(TlsAlert {
            direction: Some(AlertDirection::Received),
            alert: boringssl::alert_from_name(rest),
            description: rest.to_string(),
        }));
    }
}

fn scan_connectivity(line: Line<'_>, events: &mut Found) {
    if line.contains("no healthy upstream") || line.contains("no_healthy_upstream") {
        events.push(Event::NoHealthyUpstream);
    }
    for at in line.find_all("no cluster match for url") {
        let rest = line.after(at + "no cluster match for url".len()).trim_start();
        let url = rest
            .strip_prefix('\'')
            .and_then(|quoted| quoted.split_once('\''))
            .map(|(url, _)| url.to_string());
        events.push(Event::NoRouteMatch { url });
    }
    if line.contains("route_not_found") {
        events.push(Event::NoRouteMatch { url: None });
    }
    if line.contains("no matching filter chain found") || line.contains("filter_chain_not_found") {
        events.push(Event::NoFilterChainMatch);
    }
    for needle in
        ["delayed connect error: ", "delayed connection error: ", "delayed_connect_error:_"]
    {
        for at in line.find_all(needle) {
            let rest = line.after(at + needle.len());
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if let Some(errno) = rest.get(..digits).and_then(|digits| digits.parse().ok()) {
                events.push(Event::DelayedConnectError { errno });
            }
        }
    }
}

fn scan_config(line: Line<'_>, events: &mut Found) {
    for at in line.find_all("grpc config for ") {
        let rest = line.after(at + "grpc config for ".len());
        let Some(rejected) = rest.find(" rejected") else { continue };
        let type_url = rest.get(..rejected).map(str::trim).filter(|url| !url.is_empty());
        let reason = rest.get(rejected + " rejected".len()..).unwrap_or("");
        events.push(Event::ConfigRejected {
            type_url: type_url.map(str::to_string),
            reason: reason.trim_start_matches(':').trim().to_string(),
        });
    }
    if !line.contains("grpc config for ") {
        for at in line.find_all("update rejected") {
            let reason = line.after(at + "update rejected".len());
            events.push(Event::ConfigRejected {
                type_url: None,
                reason: reason.trim_start_matches(':').trim().to_string(),
            });
        }
    }
    for at in line.find_all("failed to load ") {
        let rest = line.after(at + "failed to load ".len());
        let Some(from) = rest.find(" from ") else { continue };
        let what = rest.get(..from).unwrap_or("").trim();
        if what.is_empty() || what.len() > 40 {
            continue;
        }
        let after = rest.get(from + " from ".len()..).unwrap_or("");
        let (source, cause) = match after.split_once(',') {
            Some((source, cause)) => (source, Some(cause.trim())),
            None => (after, None),
        };
        let cause = cause.map(|cause| cause.strip_prefix("Cause:").unwrap_or(cause).trim());
        events.push(Event::CertLoadFailed {
            what: what.to_string(),
            source: source.trim().to_string(),
            cause: cause.filter(|cause| !cause.is_empty()).map(str::to_string),
        });
    }
    for at in line.find_all("invalid path: ") {
        let source =
            line.after(at + "invalid path: ".len()).split_whitespace().next().unwrap_or("");
        events.push(Event::CertLoadFailed {
            what: "path".to_string(),
            source: source.to_string(),
            cause: None,
        });
    }
    for at in line.find_all("grpc config stream ") {
        let rest = line.after(at + "grpc config stream ".len());
        let Some(closed) = rest.find("closed") else { continue };
        let target = rest
            .get(..closed)
            .and_then(|between| between.trim().strip_prefix("to "))
            .map(|target| target.trim().to_string());
        let mut after = rest.get(closed + "closed".len()..).unwrap_or("");
        if let Some(colon) = after.find(':') {
            // Newer Envoys print `closed since <N>s ago: <status>, <message>`.
            after = after.get(colon + 1..).unwrap_or("");
        }
        let (status, message) = after.split_once(',').unwrap_or((after, ""));
        events.push(Event::ConfigStreamClosed {
            target,
            status: status.trim().parse().ok(),
            message: message.trim().to_string(),
        });
    }
}

fn scan_s_client(line: Line<'_>, events: &mut Found) {
    if line.contains("no peer certificate available") {
        events.push(Event::NoPeerCertificate);
    }
    if let Some(at) = line.lower.find("ssl handshake has read ") {
        let rest = line.after(at + "ssl handshake has read ".len());
        let mut words = rest.split_whitespace();
        let read = words.next().and_then(|word| word.parse().ok());
        let written = words.nth(3).and_then(|word| word.parse().ok());
        if let (Some(read), Some(written)) = (read, written) {
            events.push(Event::HandshakeBytes { read, written });
        }
    }
    if line.contains("cipher is (none)") {
        events.push(Event::NoCipherNegotiated);
    }
}
