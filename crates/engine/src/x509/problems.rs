//! Verdicts on certificates, each with the finding code the diagnosis raises.

use std::fmt;

use super::names::{ascii_form, dns_name_matches, is_wildcard, match_name, SanMatch};
use super::{Certificate, EcCurve, PublicKeyInfo, SubjectAltName};

/// Time before notAfter from which a certificate counts as expiring soon: 30 days.
///
/// There is no documented App Mesh or Envoy threshold. 30 days leaves time to
/// reissue a certificate through a normal change process. Certificates whose
/// whole validity is no longer than this window are exempt (see
/// [`check_validity`]): SDS sources such as SPIRE issue short-lived certificates
/// and rotate them, so the warning would fire for every one of them.
pub const EXPIRING_SOON_WINDOW_SECS: i64 = 30 * 24 * 60 * 60;

/// The certificate a verdict is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertRef {
    pub subject: String,
    /// Position in the chain, 0 for the leaf, as Envoy's `at depth <d>` counts it;
    /// None when the certificate is on no chain.
    pub depth: Option<usize>,
    pub sha256_fingerprint: String,
    pub source: CertSource,
}

/// The origin of a certificate: the input or the trust bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertSource {
    /// Index into the certificates passed to [`super::verify`].
    Input(usize),
    /// Index into the trust bundle passed as [`super::Trust::Bundle`].
    Bundle(usize),
}

impl CertRef {
    pub fn new(cert: &Certificate, depth: Option<usize>, source: CertSource) -> CertRef {
        CertRef {
            subject: cert.subject.clone(),
            depth,
            sha256_fingerprint: cert.sha256_fingerprint.clone(),
            source,
        }
    }
}

impl fmt::Display for CertRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = if self.subject.is_empty() { "(empty subject)" } else { &self.subject };
        match self.depth {
            Some(depth) => write!(f, "certificate `{subject}` at depth {depth}"),
            None => write!(f, "certificate `{subject}`"),
        }
    }
}

/// The side of a TLS connection a certificate is presented by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The terminating side: a listener's certificate.
    Server,
    /// The originating side in mutual TLS: a client certificate.
    Client,
}

/// The reason a chain does not reach the trust bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UntrustedReason {
    /// No certificate given or in the bundle has the issuer's name
    /// (X.509 error 20, `unable to get local issuer certificate`).
    IssuerNotFound { issuer: String },
    /// The chain ends in a self-signed certificate that is not in the bundle
    /// (X.509 errors 18 and 19).
    SelfSignedNotTrusted,
    /// The issuer's key does not verify the signature (X.509 error 7,
    /// `certificate signature failure`).
    BadSignature { issuer: String },
    /// The issuer is not a CA: no basicConstraints CA:TRUE, or a keyUsage
    /// without keyCertSign (X.509 error 24, `invalid CA certificate`).
    IssuerNotCa { issuer: String, issuer_depth: usize },
    /// The chain is longer than the limit, or loops.
    ChainTooLong,
}

impl fmt::Display for UntrustedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UntrustedReason::IssuerNotFound { issuer } => {
                write!(f, "its issuer `{issuer}` is neither in the input nor in the trust bundle")
            }
            UntrustedReason::SelfSignedNotTrusted => {
                f.write_str("the chain ends in a self-signed certificate that is not in the trust bundle")
            }
            UntrustedReason::BadSignature { issuer } => {
                write!(f, "its signature does not verify with the key of `{issuer}`")
            }
            UntrustedReason::IssuerNotCa { issuer, issuer_depth } => write!(
                f,
                "its issuer `{issuer}` at depth {issuer_depth} is not a CA (no basicConstraints CA:TRUE, or keyUsage without keyCertSign)"
            ),
            UntrustedReason::ChainTooLong => f.write_str("the chain is too long or loops"),
        }
    }
}

/// A problem with a certificate that Envoy would act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertProblem {
    UntrustedCa {
        cert: CertRef,
        reason: UntrustedReason,
    },
    Expired {
        cert: CertRef,
        not_after: i64,
        now: i64,
    },
    NotYetValid {
        cert: CertRef,
        not_before: i64,
        now: i64,
    },
    ExpiringSoon {
        cert: CertRef,
        not_after: i64,
        now: i64,
    },
    /// No SAN matches `requested`; `sans` lists what the certificate has.
    SanMismatch {
        cert: CertRef,
        requested: String,
        sans: Vec<SubjectAltName>,
    },
    /// Envoy refuses to load a certificate chain whose leaf has this key.
    KeyUnsupported {
        cert: CertRef,
        key: PublicKeyInfo,
    },
    /// keyUsage or extendedKeyUsage does not allow the certificate's role;
    /// `missing` names the bit or purpose: `digitalSignature`, `serverAuth` or
    /// `clientAuth`.
    UsageNotAllowed {
        cert: CertRef,
        role: Role,
        missing: &'static str,
    },
    /// A CA in a client policy's trust is not a root (self-signed) CA.
    ClientPolicyCaNotRoot {
        cert: CertRef,
    },
}

impl CertProblem {
    /// Returns the finding code, as listed in the finding registry.
    pub fn code(&self) -> &'static str {
        match self {
            CertProblem::UntrustedCa { .. } => "tls-untrusted-ca",
            CertProblem::Expired { .. } => "tls-cert-expired",
            CertProblem::NotYetValid { .. } => "tls-cert-not-yet-valid",
            CertProblem::ExpiringSoon { .. } => "tls-cert-expiring-soon",
            CertProblem::SanMismatch { .. } => "tls-san-mismatch",
            CertProblem::KeyUnsupported { .. } => "tls-key-unsupported",
            CertProblem::UsageNotAllowed { .. } => "tls-cert-usage",
            CertProblem::ClientPolicyCaNotRoot { .. } => "tls-client-policy-ca-not-root",
        }
    }

    pub fn cert(&self) -> &CertRef {
        match self {
            CertProblem::UntrustedCa { cert, .. }
            | CertProblem::Expired { cert, .. }
            | CertProblem::NotYetValid { cert, .. }
            | CertProblem::ExpiringSoon { cert, .. }
            | CertProblem::SanMismatch { cert, .. }
            | CertProblem::KeyUnsupported { cert, .. }
            | CertProblem::UsageNotAllowed { cert, .. }
            | CertProblem::ClientPolicyCaNotRoot { cert } => cert,
        }
    }
}

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertProblem::UntrustedCa { cert, reason } => {
                write!(f, "{cert} does not chain to the trust bundle: {reason}")
            }
            CertProblem::Expired { cert, not_after, now } => write!(
                f,
                "{cert} expired at {} (notAfter), {} before the checked time",
                format_utc(*not_after),
                format_duration(now.saturating_sub(*not_after))
            ),
            CertProblem::NotYetValid { cert, not_before, now } => write!(
                f,
                "{cert} is valid only from {} (notBefore), {} after the checked time",
                format_utc(*not_before),
                format_duration(not_before.saturating_sub(*now))
            ),
            CertProblem::ExpiringSoon { cert, not_after, now } => write!(
                f,
                "{cert} expires at {} (notAfter), in {}",
                format_utc(*not_after),
                format_duration(not_after.saturating_sub(*now))
            ),
            CertProblem::SanMismatch { cert, requested, sans } => {
                let listed: Vec<String> = sans.iter().map(ToString::to_string).collect();
                let listed = if listed.is_empty() { "none".to_string() } else { listed.join(", ") };
                write!(f, "no SAN of {cert} matches `{requested}`")?;
                if let Some(ascii) = ascii_form(requested) {
                    write!(f, " (compared in its ASCII form `{ascii}`)")?;
                }
                write!(f, "; its SANs: {listed}")
            }
            CertProblem::KeyUnsupported { cert, key } => match key {
                PublicKeyInfo::Rsa { .. } | PublicKeyInfo::Ec { .. } => {
                    write!(f, "{cert} has a {key} key; Envoy loads only RSA keys of 2048 bits or more and ECDSA P-256 keys")
                }
                PublicKeyInfo::Ed25519 | PublicKeyInfo::Other { .. } => write!(
                    f,
                    "{cert} has a {key} key; Envoy supports only RSA keys of 2048 bits or more and ECDSA P-256 keys: FIPS builds and QUIC listeners refuse to load it, and Envoy peers do not offer its signature algorithm by default"
                ),
            },
            CertProblem::UsageNotAllowed { cert, role, missing } => {
                let role = match role {
                    Role::Server => "a server",
                    Role::Client => "a client",
                };
                write!(f, "{cert} may not be used by {role}: its key usage lacks {missing}")
            }
            CertProblem::ClientPolicyCaNotRoot { cert } => write!(
                f,
                "{cert} is in the client policy's trust but is not a root CA; App Mesh requires private CAs in TLS client policies to be root CAs"
            ),
        }
    }
}

/// Something true about a certificate that is worth saying but is not a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertNote {
    /// The name matched a wildcard SAN. App Mesh allows wildcard SANs only when
    /// the TLS client policy is not enforced.
    WildcardSan { cert: CertRef, requested: String, san: SubjectAltName },
    /// The name is only in the subject common name, which Envoy does not match.
    NameOnlyInCommonName { cert: CertRef, requested: String },
    /// A signature could not be checked because its algorithm is not supported.
    SignatureNotChecked { cert: CertRef, reason: String },
    /// No trust bundle was given and no self-signed CA was among the input.
    NoTrustAnchors,
    /// The requested name was not matched against a certificate whose
    /// extendedKeyUsage excludes serverAuth: a TLS server cannot present it, so
    /// it is a client certificate (mutual TLS), not the server's.
    NotServerCertificate { cert: CertRef, requested: String },
}

impl fmt::Display for CertNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertNote::WildcardSan { cert, requested, san } => write!(
                f,
                "`{requested}` matches the wildcard SAN {san} of {cert}; App Mesh allows wildcard SANs only when the client policy does not enforce TLS"
            ),
            CertNote::NameOnlyInCommonName { cert, requested } => write!(
                f,
                "`{requested}` is the common name of {cert} but no SAN; Envoy matches SANs only"
            ),
            CertNote::SignatureNotChecked { cert, reason } => {
                write!(f, "the signature of {cert} was not checked: {reason}")
            }
            CertNote::NotServerCertificate { cert, requested } => write!(
                f,
                "{cert} was not matched against `{requested}`: its extended key usage lacks serverAuth, so it is a client certificate, not the server's"
            ),
            CertNote::NoTrustAnchors => f.write_str(
                "no trust bundle was given and the input has no self-signed CA certificate, so no chain can be trusted",
            ),
        }
    }
}

/// Checks notBefore and notAfter against `now` (unix seconds), and the
/// [`EXPIRING_SOON_WINDOW_SECS`] window.
pub fn check_validity(cert: &Certificate, at: CertRef, now: i64) -> Option<CertProblem> {
    if now < cert.not_before {
        return Some(CertProblem::NotYetValid { cert: at, not_before: cert.not_before, now });
    }
    if now > cert.not_after {
        return Some(CertProblem::Expired { cert: at, not_after: cert.not_after, now });
    }
    let lifetime = cert.not_after.saturating_sub(cert.not_before);
    let remaining = cert.not_after.saturating_sub(now);
    if lifetime > EXPIRING_SOON_WINDOW_SECS && remaining <= EXPIRING_SOON_WINDOW_SECS {
        return Some(CertProblem::ExpiringSoon { cert: at, not_after: cert.not_after, now });
    }
    None
}

/// Checks the leaf key against what Envoy uses: RSA of 2048 bits or more, or
/// ECDSA on P-256. CA keys are not limited.
///
/// Envoy's `source/common/tls/context_impl.cc` rejects other RSA sizes and curves
/// with `only RSA certificates with 2048-bit or larger keys are supported` and
/// `only P-256 ECDSA certificates are supported`. Other key types, such as
/// Ed25519, fail too. FIPS builds reject them with `only RSA and ECDSA
/// certificates are supported in FIPS mode`, and QUIC listeners with `Invalid
/// leaf cert, only RSA and ECDSA certificates are supported`. Other builds load
/// them, but BoringSSL peers do not offer the `ed25519` signature algorithm by
/// default (`kVerifySignatureAlgorithms` in BoringSSL's `ssl/extensions.cc`),
/// so the handshake finds no common signature algorithm.
pub fn check_key(cert: &Certificate, at: CertRef) -> Option<CertProblem> {
    let unsupported = match &cert.public_key {
        PublicKeyInfo::Rsa { bits } => *bits < 2048,
        PublicKeyInfo::Ec { curve } => *curve != EcCurve::P256,
        PublicKeyInfo::Ed25519 | PublicKeyInfo::Other { .. } => true,
    };
    unsupported.then(|| CertProblem::KeyUnsupported { cert: at, key: cert.public_key.clone() })
}

/// Checks that keyUsage allows digitalSignature, which the TLS 1.2 ECDHE and TLS 1.3
/// handshakes need, and that extendedKeyUsage allows the role (serverAuth or
/// clientAuth, or anyExtendedKeyUsage). An absent extension allows everything.
pub fn check_usage(cert: &Certificate, at: CertRef, role: Role) -> Option<CertProblem> {
    if let Some(usage) = cert.key_usage {
        if !usage.digital_signature {
            return Some(CertProblem::UsageNotAllowed {
                cert: at,
                role,
                missing: "digitalSignature",
            });
        }
    }
    if let Some(extended) = &cert.extended_key_usage {
        let (allowed, missing) = match role {
            Role::Server => (extended.server_auth, "serverAuth"),
            Role::Client => (extended.client_auth, "clientAuth"),
        };
        if !allowed && !extended.any {
            return Some(CertProblem::UsageNotAllowed { cert: at, role, missing });
        }
    }
    None
}

/// Tells whether a TLS server may present `cert`: no extendedKeyUsage, or one
/// that allows serverAuth.
fn may_serve_tls(cert: &Certificate) -> bool {
    cert.extended_key_usage.as_ref().is_none_or(|usage| usage.server_auth || usage.any)
}

/// Checks a CA from a TLS client policy's trust: App Mesh requires private CAs
/// used in client policies to be root CAs, that is self-signed CA certificates.
pub fn check_client_policy_ca(cert: &Certificate, at: CertRef) -> Option<CertProblem> {
    (!(cert.self_signed && cert.is_ca())).then_some(CertProblem::ClientPolicyCaNotRoot { cert: at })
}

/// Checks that a SAN of `cert` matches `requested` by Envoy's rules. Returns the
/// mismatch, if any, and a note for a wildcard match, for a name found only in
/// the common name, or for a certificate that only a client may present.
///
/// `requested` is the server name the client asked for, so only a certificate
/// that may serve TLS is matched: one whose extendedKeyUsage, when present,
/// has serverAuth or anyExtendedKeyUsage (RFC 5280 section 4.2.1.12).
pub fn check_sans(
    cert: &Certificate,
    at: CertRef,
    requested: &str,
) -> (Option<CertProblem>, Option<CertNote>) {
    let requested = requested.trim();
    if !may_serve_tls(cert) {
        let note = CertNote::NotServerCertificate { cert: at, requested: requested.to_string() };
        return (None, Some(note));
    }
    match match_name(requested, &cert.sans) {
        SanMatch::Exact(_) => (None, None),
        SanMatch::Wildcard(san) => {
            (None, Some(CertNote::WildcardSan { cert: at, requested: requested.to_string(), san }))
        }
        SanMatch::None => {
            let ascii = ascii_form(requested);
            let compared = ascii.as_deref().unwrap_or(requested);
            let in_common_name = cert.common_name.as_deref().is_some_and(|cn| {
                cn.eq_ignore_ascii_case(compared)
                    || (is_wildcard(cn) && dns_name_matches(compared, cn))
            });
            let note = in_common_name.then(|| CertNote::NameOnlyInCommonName {
                cert: at.clone(),
                requested: requested.to_string(),
            });
            let problem = CertProblem::SanMismatch {
                cert: at,
                requested: requested.to_string(),
                sans: cert.sans.clone(),
            };
            (Some(problem), note)
        }
    }
}

/// Formats unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub(crate) fn format_utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days` algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn format_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let days = seconds / 86_400;
    if days >= 2 {
        return format!("{days} days");
    }
    let hours = seconds / 3600;
    if hours >= 2 {
        return format!("{hours} hours");
    }
    format!("{} minutes", seconds / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_utc_known_dates() {
        // 2023-05-12 19:33:47 UTC
        assert_eq!(format_utc(1_683_920_027), "2023-05-12 19:33:47 UTC");
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        // 2024-02-29 00:00:00 UTC, a leap day
        assert_eq!(format_utc(1_709_164_800), "2024-02-29 00:00:00 UTC");
    }
}
