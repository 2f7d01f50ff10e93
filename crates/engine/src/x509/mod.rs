//! Certificates: their details, chain building, signature checks and the
//! verdicts Envoy would reach on them.
//!
//! [`Certificate::from_der`] reads one DER certificate with x509-parser into an
//! owned record. [`verify`] orders what was pasted into chains, checks every
//! signature with the pure-Rust RustCrypto crates (no C code, so the same checks
//! run in the browser), and returns [`CertProblem`]s whose codes are the finding
//! codes of the diagnosis. [`names`] implements Envoy's SAN matching rules, reused for
//! the SANs that the admin `/certs` endpoint lists.

mod chain;
mod dn;
pub mod names;
mod problems;
pub mod punycode;
mod signature;
pub mod view;

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

pub use chain::{verify, Chain, ChainLink, ChainOutcome, ChainReport, Checks, Trust, TrustSource};
pub use names::{match_name, SanMatch};
pub use problems::{
    check_client_policy_ca, check_key, check_sans, check_usage, check_validity, CertNote,
    CertProblem, CertRef, CertSource, Role, UntrustedReason, EXPIRING_SOON_WINDOW_SECS,
};
pub use signature::SignatureCheck;

/// One certificate, read from DER into owned fields.
///
/// `der` is kept so that signatures can be checked later against any issuer.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    pub der: Vec<u8>,
    /// X.509 version as printed by OpenSSL: 1, 2 or 3.
    pub version: u32,
    /// Subject in OpenSSL's one-line form, for example `C=US, O=SPIFFE`.
    pub subject: String,
    pub issuer: String,
    /// The subject's common name, when it has one; Envoy never matches names against it.
    pub common_name: Option<String>,
    /// Serial number as lowercase colon-separated hex bytes, as `openssl x509 -text` prints it.
    pub serial: String,
    pub sans: Vec<SubjectAltName>,
    /// notBefore in unix seconds.
    pub not_before: i64,
    /// notAfter in unix seconds.
    pub not_after: i64,
    pub public_key: PublicKeyInfo,
    pub signature_algorithm: String,
    /// None when the certificate has no keyUsage extension, which allows every usage.
    pub key_usage: Option<KeyUsage>,
    /// None when the certificate has no extendedKeyUsage extension, which allows every purpose.
    pub extended_key_usage: Option<ExtendedKeyUsage>,
    pub basic_constraints: Option<BasicConstraints>,
    /// SHA-256 of the DER, as uppercase colon-separated hex (OpenSSL's `-fingerprint` form).
    pub sha256_fingerprint: String,
    /// The subject equals the issuer and the certificate's own key verifies its signature.
    pub self_signed: bool,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    spki_der: Vec<u8>,
}

/// One subjectAltName entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SubjectAltName {
    Dns(String),
    /// A URI, such as a SPIFFE ID `spiffe://trust-domain/path`.
    Uri(String),
    Ip(IpAddr),
    Email(String),
    /// Any other form, described for display only; it never matches a name.
    Other(String),
}

impl fmt::Display for SubjectAltName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectAltName::Dns(name) => write!(f, "DNS:{name}"),
            SubjectAltName::Uri(uri) => write!(f, "URI:{uri}"),
            SubjectAltName::Ip(ip) => write!(f, "IP:{ip}"),
            SubjectAltName::Email(email) => write!(f, "email:{email}"),
            SubjectAltName::Other(text) => f.write_str(text),
        }
    }
}

/// Converts a SAN listed by Envoy's `/certs` endpoint, so that [`match_name`]
/// applies the same rules to it as to a pasted certificate.
impl From<&crate::evidence::certs::SubjectAltName> for SubjectAltName {
    fn from(san: &crate::evidence::certs::SubjectAltName) -> Self {
        use crate::evidence::certs::SubjectAltName as Listed;
        match san {
            Listed::Dns(name) => SubjectAltName::Dns(name.clone()),
            Listed::Uri(uri) => SubjectAltName::Uri(uri.clone()),
            Listed::IpAddress(text) => match text.parse::<IpAddr>() {
                Ok(ip) => SubjectAltName::Ip(ip),
                Err(_) => SubjectAltName::Other(format!("IP:{text}")),
            },
        }
    }
}

/// The subject public key: its type and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKeyInfo {
    Rsa {
        bits: u32,
    },
    Ec {
        curve: EcCurve,
    },
    Ed25519,
    /// Any other algorithm, by OID.
    Other {
        algorithm: String,
    },
}

impl fmt::Display for PublicKeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKeyInfo::Rsa { bits } => write!(f, "RSA {bits} bits"),
            PublicKeyInfo::Ec { curve } => write!(f, "ECDSA {curve}"),
            PublicKeyInfo::Ed25519 => f.write_str("Ed25519"),
            PublicKeyInfo::Other { algorithm } => write!(f, "key algorithm {algorithm}"),
        }
    }
}

/// A named elliptic curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcCurve {
    P256,
    P384,
    P521,
    /// A curve other than the NIST ones, by OID, or `unnamed` for explicit parameters.
    Other(String),
}

impl fmt::Display for EcCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcCurve::P256 => f.write_str("P-256"),
            EcCurve::P384 => f.write_str("P-384"),
            EcCurve::P521 => f.write_str("P-521"),
            EcCurve::Other(oid) => write!(f, "curve {oid}"),
        }
    }
}

/// The keyUsage bits that matter for TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUsage {
    pub digital_signature: bool,
    pub key_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
}

/// The extendedKeyUsage purposes that matter for TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendedKeyUsage {
    pub any: bool,
    pub server_auth: bool,
    pub client_auth: bool,
    /// Other purposes, by OID.
    pub other: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

impl Certificate {
    /// Reads one DER certificate. Bytes after the certificate are ignored, which
    /// also reads OpenSSL's `TRUSTED CERTIFICATE` form (a certificate followed by
    /// trust settings).
    ///
    /// The error is a sentence naming what could not be read.
    pub fn from_der(der: &[u8]) -> Result<Certificate, String> {
        let (rest, x509) = X509Certificate::from_der(der)
            .map_err(|error| format!("not a valid X.509 certificate ({error})"))?;
        let used = der.len().saturating_sub(rest.len());
        let der = der.get(..used).unwrap_or(der).to_vec();

        let tbs = &x509.tbs_certificate;
        let subject = dn::format_name(&tbs.subject);
        let issuer = dn::format_name(&tbs.issuer);
        let common_name =
            tbs.subject.iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(String::from);

        let mut sans = Vec::new();
        let mut key_usage = None;
        let mut extended_key_usage = None;
        let mut basic_constraints = None;
        let mut subject_key_id = None;
        let mut authority_key_id = None;
        for extension in tbs.extensions() {
            match extension.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(names) => {
                    sans.extend(names.general_names.iter().map(san_from_general_name));
                }
                ParsedExtension::KeyUsage(usage) => {
                    key_usage = Some(KeyUsage {
                        digital_signature: usage.digital_signature(),
                        key_encipherment: usage.key_encipherment(),
                        key_agreement: usage.key_agreement(),
                        key_cert_sign: usage.key_cert_sign(),
                        crl_sign: usage.crl_sign(),
                    });
                }
                ParsedExtension::ExtendedKeyUsage(usage) => {
                    extended_key_usage = Some(ExtendedKeyUsage {
                        any: usage.any,
                        server_auth: usage.server_auth,
                        client_auth: usage.client_auth,
                        other: usage.other.iter().map(|oid| oid.to_id_string()).collect(),
                    });
                }
                ParsedExtension::BasicConstraints(constraints) => {
                    basic_constraints = Some(BasicConstraints {
                        ca: constraints.ca,
                        path_len: constraints.path_len_constraint,
                    });
                }
                ParsedExtension::SubjectKeyIdentifier(id) => subject_key_id = Some(id.0.to_vec()),
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    authority_key_id = aki.key_identifier.as_ref().map(|id| id.0.to_vec());
                }
                _ => {}
            }
        }

        let subject_der = tbs.subject.as_raw().to_vec();
        let issuer_der = tbs.issuer.as_raw().to_vec();
        let self_signed = subject_der == issuer_der
            && signature::check(&x509, tbs.public_key()) == SignatureCheck::Valid;

        Ok(Certificate {
            version: tbs.version.0.saturating_add(1),
            subject,
            issuer,
            common_name,
            serial: serial_string(tbs.raw_serial()),
            sans,
            not_before: tbs.validity.not_before.timestamp(),
            not_after: tbs.validity.not_after.timestamp(),
            public_key: public_key_info(tbs.public_key()),
            signature_algorithm: signature::algorithm_name(&x509.signature_algorithm.algorithm),
            key_usage,
            extended_key_usage,
            basic_constraints,
            sha256_fingerprint: colon_hex(&Sha256::digest(&der)),
            self_signed,
            subject_key_id,
            authority_key_id,
            subject_der,
            issuer_der,
            spki_der: tbs.public_key().raw.to_vec(),
            der,
        })
    }

    /// Tells whether this certificate may issue others: basicConstraints CA:TRUE,
    /// or a self-signed version 1 certificate, which has no extensions and which
    /// OpenSSL and BoringSSL accept as a trust anchor.
    pub fn is_ca(&self) -> bool {
        match self.basic_constraints {
            Some(constraints) => constraints.ca,
            None => self.version == 1 && self.self_signed,
        }
    }

    /// Tells whether `self` names `issuer` as its issuer: the issuer name matches
    /// the issuer's subject byte for byte and, when both carry key identifiers,
    /// these match too. The signature is checked separately.
    pub fn names_issuer(&self, issuer: &Certificate) -> bool {
        if self.issuer_der != issuer.subject_der {
            return false;
        }
        match (&self.authority_key_id, &issuer.subject_key_id) {
            (Some(authority), Some(subject)) => authority == subject,
            _ => true,
        }
    }

    /// Returns the serial number as Envoy's `/certs` prints `serial_number`:
    /// lowercase hex without colons or leading zeros.
    pub fn serial_number_hex(&self) -> String {
        let digits: String = self.serial.chars().filter(|c| *c != ':').collect();
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            "0".to_string()
        } else {
            trimmed.to_ascii_lowercase()
        }
    }

    /// Tells whether both certificates are the same CA: same subject and same key,
    /// which is how a trust anchor is recognised even when it was reissued.
    pub fn same_subject_and_key(&self, other: &Certificate) -> bool {
        self.subject_der == other.subject_der && self.spki_der == other.spki_der
    }

    /// Tells whether the issuer name equals the subject name.
    pub fn is_self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }

    /// Checks this certificate's signature with the public key of `issuer`.
    pub fn signature_by(&self, issuer: &Certificate) -> SignatureCheck {
        let Ok((_, child)) = X509Certificate::from_der(&self.der) else {
            return SignatureCheck::Malformed;
        };
        let Ok((_, parent)) = X509Certificate::from_der(&issuer.der) else {
            return SignatureCheck::Malformed;
        };
        signature::check(&child, parent.public_key())
    }
}

// Debug prints the fields a person reads and leaves the DER out, so that logs and
// test failures stay short.
impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("serial", &self.serial)
            .field("sans", &self.sans)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("public_key", &self.public_key)
            .field("signature_algorithm", &self.signature_algorithm)
            .field("key_usage", &self.key_usage)
            .field("extended_key_usage", &self.extended_key_usage)
            .field("basic_constraints", &self.basic_constraints)
            .field("sha256_fingerprint", &self.sha256_fingerprint)
            .field("self_signed", &self.self_signed)
            .finish_non_exhaustive()
    }
}

fn san_from_general_name(name: &GeneralName<'_>) -> SubjectAltName {
    match name {
        GeneralName::DNSName(dns) => SubjectAltName::Dns((*dns).to_string()),
        GeneralName::URI(uri) => SubjectAltName::Uri((*uri).to_string()),
        GeneralName::RFC822Name(email) => SubjectAltName::Email((*email).to_string()),
        GeneralName::IPAddress(bytes) => match ip_from_bytes(bytes) {
            Some(ip) => SubjectAltName::Ip(ip),
            None => SubjectAltName::Other(format!("IP:<{} bytes>", bytes.len())),
        },
        other => SubjectAltName::Other(dn::format_general_name(other)),
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(octets) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::from(octets));
    }
    <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from)
}

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";

fn public_key_info(spki: &SubjectPublicKeyInfo<'_>) -> PublicKeyInfo {
    let algorithm = spki.algorithm.algorithm.to_id_string();
    match algorithm.as_str() {
        OID_RSA_ENCRYPTION | OID_RSASSA_PSS => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => PublicKeyInfo::Rsa { bits: unsigned_bits(rsa.modulus) },
            _ => PublicKeyInfo::Other { algorithm },
        },
        OID_EC_PUBLIC_KEY => PublicKeyInfo::Ec { curve: ec_curve(spki) },
        OID_ED25519 => PublicKeyInfo::Ed25519,
        _ => PublicKeyInfo::Other { algorithm },
    }
}

fn ec_curve(spki: &SubjectPublicKeyInfo<'_>) -> EcCurve {
    let Some(oid) = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()) else {
        return EcCurve::Other("unnamed".to_string());
    };
    match oid.to_id_string().as_str() {
        OID_P256 => EcCurve::P256,
        OID_P384 => EcCurve::P384,
        OID_P521 => EcCurve::P521,
        other => EcCurve::Other(other.to_string()),
    }
}

/// Counts the significant bits of a big-endian unsigned integer.
fn unsigned_bits(bytes: &[u8]) -> u32 {
    let significant: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(start) => bytes.get(start..).unwrap_or_default(),
        None => return 0,
    };
    let Some(&first) = significant.first() else { return 0 };
    let length = u32::try_from(significant.len()).unwrap_or(u32::MAX / 8);
    length.saturating_mul(8).saturating_sub(first.leading_zeros())
}

/// Formats a DER INTEGER's bytes as `openssl x509 -text` prints a serial:
/// lowercase colon-separated hex, without the sign byte DER adds before a high bit.
fn serial_string(bytes: &[u8]) -> String {
    let unsigned = match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    };
    colon_hex(unsigned).to_ascii_lowercase()
}

fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&format!("{byte:02X}"));
    }
    out
}
