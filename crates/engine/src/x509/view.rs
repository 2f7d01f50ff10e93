//! A picture of the pasted certificates for a user interface, with no UI code.
//! It has the details of each certificate, each chain from leaf to root with the
//! state of every link, the trust bundle used, and a common time axis for
//! validity bars.
//!
//! [`view`] runs the same [`verify`] as the diagnosis, so the picture and the
//! findings always agree. The current time is a parameter, never a clock.

use std::collections::HashSet;
use std::fmt;

use super::chain::{verify, ChainOutcome, Checks, Trust, TrustSource};
use super::problems::{
    check_validity, format_utc, CertProblem, CertRef, CertSource, UntrustedReason,
};
use super::{BasicConstraints, Certificate, PublicKeyInfo, SignatureCheck, SubjectAltName};

/// Everything the page shows about the certificates pasted.
#[derive(Clone, Debug, PartialEq)]
pub struct CertificatesView {
    /// Every distinct certificate: those pasted as evidence first, in paste
    /// order, then those of the trust bundle.
    pub certificates: Vec<CertificateView>,
    /// One chain per leaf, leaf first.
    pub chains: Vec<ChainView>,
    pub trust: TrustOrigin,
    /// Notes of the verifier that concern no single certificate, as sentences.
    pub notes: Vec<String>,
    /// The time the view was computed for, in unix seconds.
    pub now: i64,
    pub timeline: Timeline,
}

/// The source of a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Index of its first occurrence in the `input` passed to [`view`].
    Input(usize),
    /// Index of its first occurrence in the `bundle` passed to [`view`].
    Bundle(usize),
}

/// The place of a certificate in a PKI, from its own fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertKind {
    /// Not a CA: a server or client certificate.
    Leaf,
    /// A CA that another CA issued.
    Intermediate,
    /// A self-signed CA.
    Root,
}

impl CertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::Leaf => "leaf",
            CertKind::Intermediate => "intermediate CA",
            CertKind::Root => "root CA",
        }
    }
}

/// The validity of a certificate at the view's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidityState {
    NotYetValid,
    Valid,
    /// Valid, but notAfter is inside the warning window of
    /// [`super::EXPIRING_SOON_WINDOW_SECS`].
    ExpiringSoon,
    Expired,
}

impl ValidityState {
    /// Returns a kebab-case id, for a `data-` attribute or a CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            ValidityState::NotYetValid => "not-yet-valid",
            ValidityState::Valid => "valid",
            ValidityState::ExpiringSoon => "expiring-soon",
            ValidityState::Expired => "expired",
        }
    }

    /// Returns the words a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ValidityState::NotYetValid => "not yet valid",
            ValidityState::Valid => "valid",
            ValidityState::ExpiringSoon => "expires soon",
            ValidityState::Expired => "expired",
        }
    }
}

/// One subjectAltName, split into its type and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SanEntry {
    /// `DNS`, `URI`, `IP`, `email` or `other`.
    pub kind: &'static str,
    pub value: String,
    /// The URI is a SPIFFE ID (`spiffe://trust-domain/path`).
    pub spiffe: bool,
}

/// A verdict on one certificate, with its finding code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertIssue {
    pub code: &'static str,
    /// The verdict as a sentence.
    pub message: String,
}

/// The details of one certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct CertificateView {
    pub origin: Origin,
    pub kind: CertKind,
    /// Subject in OpenSSL's one-line form.
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    /// Serial number as colon-separated hex bytes.
    pub serial: String,
    pub sans: Vec<SanEntry>,
    /// notBefore in unix seconds.
    pub not_before: i64,
    /// notAfter in unix seconds.
    pub not_after: i64,
    pub validity: ValidityState,
    /// Key type and size, such as `RSA 2048 bits` or `ECDSA P-256`.
    pub key: String,
    pub signature_algorithm: String,
    /// keyUsage bits that are set, by their RFC 5280 names. None when the
    /// extension is absent, which allows every usage.
    pub key_usage: Option<Vec<&'static str>>,
    /// extendedKeyUsage purposes, by name or OID. None when the extension is
    /// absent, which allows every purpose.
    pub extended_key_usage: Option<Vec<String>>,
    pub basic_constraints: Option<BasicConstraints>,
    /// SHA-256 of the DER, as uppercase colon-separated hex.
    pub sha256_fingerprint: String,
    pub self_signed: bool,
    /// The verdicts that name this certificate.
    pub issues: Vec<CertIssue>,
}

impl CertificateView {
    /// Returns the common name, or else the whole subject, as a short label.
    pub fn label(&self) -> &str {
        match &self.common_name {
            Some(name) if !name.is_empty() => name,
            _ if self.subject.is_empty() => "(empty subject)",
            _ => &self.subject,
        }
    }

    /// Formats notBefore as `YYYY-MM-DD HH:MM:SS UTC`.
    pub fn not_before_utc(&self) -> String {
        format_utc(self.not_before)
    }

    /// Formats notAfter as `YYYY-MM-DD HH:MM:SS UTC`.
    pub fn not_after_utc(&self) -> String {
        format_utc(self.not_after)
    }

    /// Describes basicConstraints as OpenSSL prints them: `CA:TRUE, pathlen:0`.
    pub fn basic_constraints_text(&self) -> Option<String> {
        self.basic_constraints.map(|constraints| {
            let ca = if constraints.ca { "CA:TRUE" } else { "CA:FALSE" };
            match constraints.path_len {
                Some(length) => format!("{ca}, pathlen:{length}"),
                None => ca.to_string(),
            }
        })
    }
}

/// One chain, leaf first, and where it breaks if it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainView {
    pub links: Vec<LinkView>,
    /// Index into `links` of the link whose status breaks the chain, if any.
    pub break_at: Option<usize>,
    /// Whether the chain reaches a trust anchor with every signature verified
    /// and every issuer a CA.
    pub trusted: bool,
    /// The chain and its verdict as one sentence, the text equivalent of the picture.
    pub summary: String,
}

/// One certificate of a chain and the state of its link to the next one up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkView {
    /// Index into [`CertificatesView::certificates`].
    pub certificate: usize,
    /// 0 for the leaf, as Envoy's `at depth <d>` counts.
    pub depth: usize,
    pub status: LinkStatus,
}

/// The state of the link from a certificate to its issuer, or for the last
/// certificate of a chain, the reason the chain ends there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    /// The next certificate's key verifies this certificate's signature.
    Verified,
    /// The next certificate's key could not check the signature, because the
    /// algorithm is not supported here. The text names the algorithm.
    NotChecked(String),
    /// The last certificate, and a trust anchor of the bundle.
    TrustAnchor,
    /// The last certificate: its issuer is neither in the input nor in the bundle.
    IssuerNotFound { issuer: String },
    /// The last certificate: the issuer's key does not verify its signature.
    BadSignature { issuer: String },
    /// The last certificate: self-signed but not in the trust bundle.
    NotTrusted,
    /// The next certificate verifies the signature but is not allowed to issue
    /// certificates (no CA:TRUE, or keyUsage without keyCertSign).
    IssuerNotCa { issuer: String },
    /// The last certificate: the chain is too long or loops.
    ChainTooLong,
}

impl LinkStatus {
    /// Returns a kebab-case id, for a `data-status` attribute or a CSS class.
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkStatus::Verified => "verified",
            LinkStatus::NotChecked(_) => "not-checked",
            LinkStatus::TrustAnchor => "trust-anchor",
            LinkStatus::IssuerNotFound { .. } => "issuer-not-found",
            LinkStatus::BadSignature { .. } => "bad-signature",
            LinkStatus::NotTrusted => "not-trusted",
            LinkStatus::IssuerNotCa { .. } => "issuer-not-ca",
            LinkStatus::ChainTooLong => "chain-too-long",
        }
    }

    /// Tells whether the chain breaks at this link.
    pub fn is_break(&self) -> bool {
        !matches!(self, LinkStatus::Verified | LinkStatus::NotChecked(_) | LinkStatus::TrustAnchor)
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkStatus::Verified => f.write_str("signature verified by the next certificate"),
            LinkStatus::NotChecked(reason) => write!(f, "signature not checked: {reason}"),
            LinkStatus::TrustAnchor => f.write_str("in the trust bundle"),
            LinkStatus::IssuerNotFound { issuer } => {
                write!(f, "broken: issuer `{issuer}` is neither pasted nor in the trust bundle")
            }
            LinkStatus::BadSignature { issuer } => {
                write!(f, "broken: the signature does not verify with the key of `{issuer}`")
            }
            LinkStatus::NotTrusted => {
                f.write_str("broken: self-signed but not in the trust bundle")
            }
            LinkStatus::IssuerNotCa { issuer } => {
                write!(f, "broken: issuer `{issuer}` is not a CA")
            }
            LinkStatus::ChainTooLong => f.write_str("broken: the chain is too long or loops"),
        }
    }
}

/// The certificates the chains were verified against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustOrigin {
    /// Pastes marked as the trust bundle (the client policy's CA certificates).
    MarkedBundle { certificates: usize },
    /// No paste was marked: the self-signed CA certificates pasted were taken
    /// as the trust bundle. Zero means that nothing can be trusted.
    SelfSignedPasted { certificates: usize },
}

impl fmt::Display for TrustOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustOrigin::MarkedBundle { certificates } => write!(
                f,
                "Chains were verified against the trust bundle you marked ({})",
                certificates_phrase(*certificates)
            ),
            TrustOrigin::SelfSignedPasted { certificates: 0 } => f.write_str(
                "No trust bundle was marked and no self-signed CA certificate was pasted, so no chain can be trusted; mark the paste that holds the client policy's CA",
            ),
            TrustOrigin::SelfSignedPasted { certificates } => write!(
                f,
                "No trust bundle was marked, so the self-signed CA certificates pasted ({}) were taken as the trust bundle",
                certificates_phrase(*certificates)
            ),
        }
    }
}

fn certificates_phrase(count: usize) -> String {
    if count == 1 {
        "1 certificate".to_string()
    } else {
        format!("{count} certificates")
    }
}

/// A time axis that spans every validity period and the view's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// Start of the axis in unix seconds.
    pub start: i64,
    /// End of the axis in unix seconds, always after `start`.
    pub end: i64,
}

impl Timeline {
    /// Returns where `time` falls on the axis, in percent of its length,
    /// clamped to 0..=100.
    pub fn percent(&self, time: i64) -> f64 {
        let length = self.end.saturating_sub(self.start).max(1) as f64;
        let offset = time.saturating_sub(self.start) as f64;
        (offset / length * 100.0).clamp(0.0, 100.0)
    }
}

/// Builds the view of the certificates pasted as evidence (`input`) and of
/// those marked as the trust bundle (`bundle`), at time `checks.now`.
///
/// With an empty `bundle`, the self-signed CA certificates of `input` are the
/// trust anchors, as in the diagnosis. A certificate pasted twice is shown
/// once, and an input certificate that is also in the bundle is shown as a
/// bundle certificate.
pub fn view(
    input: &[Certificate],
    bundle: &[Certificate],
    checks: &Checks<'_>,
) -> CertificatesView {
    let (bundle, bundle_indexes) = distinct(bundle, &HashSet::new());
    let in_bundle: HashSet<&str> =
        bundle.iter().map(|cert| cert.sha256_fingerprint.as_str()).collect();
    let (evidence, evidence_indexes) = distinct(input, &in_bundle);

    let trust = if bundle.is_empty() { Trust::SelfSignedInInput } else { Trust::Bundle(&bundle) };
    let report = verify(&evidence, trust, checks);

    let position = |source: CertSource| match source {
        CertSource::Input(index) => index,
        CertSource::Bundle(index) => evidence.len() + index,
    };

    let mut certificates: Vec<CertificateView> = Vec::with_capacity(evidence.len() + bundle.len());
    let origins = evidence_indexes
        .iter()
        .map(|&index| Origin::Input(index))
        .chain(bundle_indexes.iter().map(|&index| Origin::Bundle(index)));
    for ((cert, origin), source_index) in
        evidence.iter().chain(bundle.iter()).zip(origins).zip(0usize..)
    {
        let source = if source_index < evidence.len() {
            CertSource::Input(source_index)
        } else {
            CertSource::Bundle(source_index - evidence.len())
        };
        let issues = report
            .problems
            .iter()
            .filter(|problem| problem.cert().sha256_fingerprint == cert.sha256_fingerprint)
            .map(|problem| CertIssue { code: problem.code(), message: problem.to_string() })
            .collect();
        certificates.push(certificate_view(cert, origin, source, checks.now, issues));
    }

    let chains = report
        .chains
        .iter()
        .map(|chain| chain_view(chain, &report.problems, &certificates, &position))
        .collect();

    let trust = match report.trust {
        TrustSource::Bundle { certificates } => TrustOrigin::MarkedBundle { certificates },
        TrustSource::SelfSignedInInput { certificates } => {
            TrustOrigin::SelfSignedPasted { certificates }
        }
    };
    let notes = report.notes.iter().map(ToString::to_string).collect();
    let timeline = timeline(&certificates, checks.now);

    CertificatesView { certificates, chains, trust, notes, now: checks.now, timeline }
}

/// Returns the certificates of `all` whose fingerprint is not in `skip`, each
/// once, with the index of its first occurrence.
fn distinct(all: &[Certificate], skip: &HashSet<&str>) -> (Vec<Certificate>, Vec<usize>) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut distinct_certificates = Vec::new();
    let mut indexes = Vec::new();
    for (index, cert) in all.iter().enumerate() {
        let fingerprint = cert.sha256_fingerprint.as_str();
        if skip.contains(fingerprint) || !seen.insert(fingerprint) {
            continue;
        }
        distinct_certificates.push(cert.clone());
        indexes.push(index);
    }
    (distinct_certificates, indexes)
}

fn certificate_view(
    cert: &Certificate,
    origin: Origin,
    source: CertSource,
    now: i64,
    issues: Vec<CertIssue>,
) -> CertificateView {
    let kind = match (cert.is_ca(), cert.self_signed) {
        (false, _) => CertKind::Leaf,
        (true, true) => CertKind::Root,
        (true, false) => CertKind::Intermediate,
    };
    let validity = match check_validity(cert, CertRef::new(cert, None, source), now) {
        Some(CertProblem::NotYetValid { .. }) => ValidityState::NotYetValid,
        Some(CertProblem::Expired { .. }) => ValidityState::Expired,
        Some(CertProblem::ExpiringSoon { .. }) => ValidityState::ExpiringSoon,
        _ => ValidityState::Valid,
    };
    CertificateView {
        origin,
        kind,
        subject: cert.subject.clone(),
        issuer: cert.issuer.clone(),
        common_name: cert.common_name.clone(),
        serial: cert.serial.clone(),
        sans: cert.sans.iter().map(san_entry).collect(),
        not_before: cert.not_before,
        not_after: cert.not_after,
        validity,
        key: key_text(&cert.public_key),
        signature_algorithm: cert.signature_algorithm.clone(),
        key_usage: cert.key_usage.map(|usage| {
            [
                (usage.digital_signature, "digitalSignature"),
                (usage.key_encipherment, "keyEncipherment"),
                (usage.key_agreement, "keyAgreement"),
                (usage.key_cert_sign, "keyCertSign"),
                (usage.crl_sign, "cRLSign"),
            ]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect()
        }),
        extended_key_usage: cert.extended_key_usage.as_ref().map(|usage| {
            let mut purposes: Vec<String> = Vec::new();
            if usage.any {
                purposes.push("anyExtendedKeyUsage".to_string());
            }
            if usage.server_auth {
                purposes.push("serverAuth".to_string());
            }
            if usage.client_auth {
                purposes.push("clientAuth".to_string());
            }
            purposes.extend(usage.other.iter().cloned());
            purposes
        }),
        basic_constraints: cert.basic_constraints,
        sha256_fingerprint: cert.sha256_fingerprint.clone(),
        self_signed: cert.self_signed,
        issues,
    }
}

fn key_text(key: &PublicKeyInfo) -> String {
    key.to_string().replace("key algorithm ", "")
}

fn san_entry(san: &SubjectAltName) -> SanEntry {
    let (kind, value) = match san {
        SubjectAltName::Dns(name) => ("DNS", name.clone()),
        SubjectAltName::Uri(uri) => ("URI", uri.clone()),
        SubjectAltName::Ip(ip) => ("IP", ip.to_string()),
        SubjectAltName::Email(email) => ("email", email.clone()),
        SubjectAltName::Other(text) => ("other", text.clone()),
    };
    let spiffe = kind == "URI"
        && value.get(..9).is_some_and(|scheme| scheme.eq_ignore_ascii_case("spiffe://"));
    SanEntry { kind, value, spiffe }
}

fn chain_view(
    chain: &super::Chain,
    problems: &[CertProblem],
    certificates: &[CertificateView],
    position: &dyn Fn(CertSource) -> usize,
) -> ChainView {
    let count = chain.links.len();
    let mut links: Vec<LinkView> = Vec::with_capacity(count);
    for (index, link) in chain.links.iter().enumerate() {
        let depth = link.cert.depth.unwrap_or(index);
        let status = if index + 1 < count {
            // An issuer that is not a CA breaks the link although its key verifies.
            let issuer_not_ca = problems.iter().find_map(|problem| match problem {
                CertProblem::UntrustedCa {
                    cert,
                    reason: UntrustedReason::IssuerNotCa { issuer, issuer_depth },
                } if cert.sha256_fingerprint == link.cert.sha256_fingerprint
                    && *issuer_depth == depth + 1 =>
                {
                    Some(issuer.clone())
                }
                _ => None,
            });
            match (issuer_not_ca, &link.signature) {
                (Some(issuer), _) => LinkStatus::IssuerNotCa { issuer },
                (None, Some(SignatureCheck::Unsupported(reason))) => {
                    LinkStatus::NotChecked(reason.clone())
                }
                (None, _) => LinkStatus::Verified,
            }
        } else {
            match &chain.outcome {
                ChainOutcome::Trusted | ChainOutcome::SignatureNotChecked => {
                    LinkStatus::TrustAnchor
                }
                ChainOutcome::Untrusted(UntrustedReason::IssuerNotFound { issuer }) => {
                    LinkStatus::IssuerNotFound { issuer: issuer.clone() }
                }
                ChainOutcome::Untrusted(UntrustedReason::BadSignature { issuer }) => {
                    LinkStatus::BadSignature { issuer: issuer.clone() }
                }
                ChainOutcome::Untrusted(UntrustedReason::SelfSignedNotTrusted) => {
                    LinkStatus::NotTrusted
                }
                // The verifier reports a non-CA issuer as a problem, never as the outcome.
                ChainOutcome::Untrusted(UntrustedReason::IssuerNotCa { issuer, .. }) => {
                    LinkStatus::IssuerNotCa { issuer: issuer.clone() }
                }
                ChainOutcome::Untrusted(UntrustedReason::ChainTooLong) => LinkStatus::ChainTooLong,
            }
        };
        links.push(LinkView { certificate: position(link.cert.source), depth, status });
    }

    let break_at = links.iter().position(|link| link.status.is_break());
    let trusted = break_at.is_none()
        && !links.iter().any(|link| matches!(link.status, LinkStatus::NotChecked(_)));
    let summary = chain_summary(&links, break_at, certificates);
    ChainView { links, break_at, trusted, summary }
}

/// Describes a chain as `a → b → c: trusted` or `...: breaks at depth 1 (...)`.
fn chain_summary(
    links: &[LinkView],
    break_at: Option<usize>,
    certificates: &[CertificateView],
) -> String {
    let names: Vec<&str> = links
        .iter()
        .map(|link| certificates.get(link.certificate).map_or("?", CertificateView::label))
        .collect();
    let path = names.join(" → ");
    let not_checked = links.iter().any(|link| matches!(link.status, LinkStatus::NotChecked(_)));
    match break_at.and_then(|index| links.get(index)) {
        Some(link) => {
            let name = certificates.get(link.certificate).map_or("?", CertificateView::label);
            format!("{path}: breaks at depth {} (`{name}`): {}", link.depth, link.status)
        }
        None if not_checked => {
            format!("{path}: reaches the trust bundle, but a signature on the way was not checked")
        }
        None => format!("{path}: trusted, the last certificate is in the trust bundle"),
    }
}

/// Spans the validity of every certificate and `now`, with a margin of 2% of the
/// span on each side so that bars do not touch the edges.
fn timeline(certificates: &[CertificateView], now: i64) -> Timeline {
    let start = certificates.iter().map(|cert| cert.not_before).fold(now, i64::min);
    let end = certificates.iter().map(|cert| cert.not_after).fold(now, i64::max);
    let margin = end.saturating_sub(start) / 50;
    let start = start.saturating_sub(margin);
    let end = end.saturating_add(margin).max(start.saturating_add(1));
    Timeline { start, end }
}

/// Formats unix seconds as the UTC date `YYYY-MM-DD`, for axis labels.
pub fn utc_date(seconds: i64) -> String {
    let full = format_utc(seconds);
    full.get(..10).map_or_else(|| full.clone(), str::to_string)
}
