//! Chain building and verification over what was pasted.
//!
//! Each certificate that issued none of the others is a leaf. From each leaf the
//! chain climbs by issuer name (and key identifiers when both are present),
//! preferring trust anchors the way OpenSSL and BoringSSL do with trusted-first
//! lookup, and keeps the first issuer whose key verifies the signature.

use super::problems::{
    check_client_policy_ca, check_key, check_sans, check_usage, check_validity, CertNote,
    CertProblem, CertRef, CertSource, Role, UntrustedReason,
};
use super::{Certificate, SignatureCheck};

/// Maximum number of certificates in a chain: OpenSSL's default verify depth
/// (`X509_VERIFY_PARAM` depth 100). Longer chains are reported as too long.
const MAX_CHAIN_LENGTH: usize = 100;

/// The certificates that chains must reach.
#[derive(Clone, Copy, Debug)]
pub enum Trust<'a> {
    /// An explicit trust bundle, such as a TLS client policy's CA certificates
    /// (the command line's `--trust-bundle`).
    Bundle(&'a [Certificate]),
    /// No bundle was given: the self-signed CA certificates among the input are
    /// taken as the trust anchors.
    SelfSignedInInput,
}

/// The trust anchors the report used, so that the output can name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustSource {
    Bundle { certificates: usize },
    SelfSignedInInput { certificates: usize },
}

/// The inputs of the checks beyond the certificates.
#[derive(Clone, Copy, Debug)]
pub struct Checks<'a> {
    /// The time to check validity at, in unix seconds.
    pub now: i64,
    /// The name the client requested, for SAN matching of each leaf.
    pub host: Option<&'a str>,
    /// The role of the leaves, for keyUsage and extendedKeyUsage; None skips that check.
    pub role: Option<Role>,
    /// Whether the trust bundle is a TLS client policy's, which App Mesh requires
    /// to hold root CAs only.
    pub client_policy: bool,
}

/// One certificate of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLink {
    pub cert: CertRef,
    /// The check of this certificate's signature with the key of the next link;
    /// None for the last link.
    pub signature: Option<SignatureCheck>,
}

/// The end state of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainOutcome {
    /// The last link is a trust anchor and every signature verified.
    Trusted,
    Untrusted(UntrustedReason),
    /// The chain reaches a trust anchor but a signature on the way uses an
    /// algorithm that could not be checked.
    SignatureNotChecked,
}

/// One chain, leaf first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub links: Vec<ChainLink>,
    pub outcome: ChainOutcome,
}

/// The chains built from the input, and every problem and note found on them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub trust: TrustSource,
    pub chains: Vec<Chain>,
    pub problems: Vec<CertProblem>,
    pub notes: Vec<CertNote>,
}

/// A certificate that a chain can hold: one from the input or one from the bundle.
#[derive(Clone, Copy)]
struct Candidate<'c> {
    cert: &'c Certificate,
    source: CertSource,
}

/// Builds the chains of `input`, verifies them against `trust`, and checks
/// validity at `checks.now`, keys, usages and SANs.
///
/// Validity is checked on every certificate of every chain, the trust anchor
/// included, as OpenSSL and BoringSSL do. Keys, usages and SANs are checked on
/// the leaves that are not CA certificates only. A certificate that is on
/// several chains is reported once.
pub fn verify(input: &[Certificate], trust: Trust<'_>, checks: &Checks<'_>) -> ChainReport {
    let anchors: Vec<Candidate<'_>> = match trust {
        Trust::Bundle(bundle) => bundle
            .iter()
            .enumerate()
            .map(|(index, cert)| Candidate { cert, source: CertSource::Bundle(index) })
            .collect(),
        Trust::SelfSignedInInput => input
            .iter()
            .enumerate()
            .filter(|(_, cert)| cert.self_signed && cert.is_ca())
            .map(|(index, cert)| Candidate { cert, source: CertSource::Input(index) })
            .collect(),
    };
    let trust_source = match trust {
        Trust::Bundle(bundle) => TrustSource::Bundle { certificates: bundle.len() },
        Trust::SelfSignedInInput => TrustSource::SelfSignedInInput { certificates: anchors.len() },
    };

    let mut report = ChainReport {
        trust: trust_source,
        chains: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    if anchors.is_empty() {
        report.notes.push(CertNote::NoTrustAnchors);
    }

    let leaves = (0..input.len()).filter(|&index| {
        let Some(cert) = input.get(index) else { return false };
        let repeated = input
            .iter()
            .take(index)
            .any(|earlier| earlier.sha256_fingerprint == cert.sha256_fingerprint);
        if repeated {
            return false;
        }
        // A certificate pasted twice is not its own issuer.
        !input.iter().enumerate().any(|(other, child)| {
            other != index
                && child.sha256_fingerprint != cert.sha256_fingerprint
                && child.names_issuer(cert)
        })
    });
    let mut seen: Vec<&str> = Vec::new();
    for leaf in leaves.collect::<Vec<_>>() {
        let Some(cert) = input.get(leaf) else { continue };
        let (chain, members) =
            build_chain(input, &anchors, Candidate { cert, source: CertSource::Input(leaf) });
        check_chain(&chain, &members, checks, &mut seen, &mut report);
        report.chains.push(chain);
    }

    // Certificates that no chain used, such as an issuer whose signature failed,
    // still get their validity checked.
    for (index, cert) in input.iter().enumerate() {
        if !seen.contains(&cert.sha256_fingerprint.as_str()) {
            seen.push(&cert.sha256_fingerprint);
            let at = CertRef::new(cert, None, CertSource::Input(index));
            report.problems.extend(check_validity(cert, at, checks.now));
        }
    }

    if checks.client_policy {
        if let Trust::Bundle(bundle) = trust {
            for (index, cert) in bundle.iter().enumerate() {
                let at = CertRef::new(cert, None, CertSource::Bundle(index));
                report.problems.extend(check_client_policy_ca(cert, at));
            }
        }
    }
    report
}

fn is_anchor(cert: &Certificate, anchors: &[Candidate<'_>]) -> bool {
    anchors.iter().any(|anchor| anchor.cert.same_subject_and_key(cert))
}

/// Climbs from `leaf` to a trust anchor. Returns the chain and the certificate of
/// each link, in the same order.
fn build_chain<'c>(
    input: &'c [Certificate],
    anchors: &[Candidate<'c>],
    leaf: Candidate<'c>,
) -> (Chain, Vec<&'c Certificate>) {
    let mut members = vec![leaf.cert];
    let mut links =
        vec![ChainLink { cert: CertRef::new(leaf.cert, Some(0), leaf.source), signature: None }];
    let mut unchecked = false;

    let outcome = loop {
        let depth = members.len() - 1;
        let Some(&current) = members.last() else {
            break ChainOutcome::Untrusted(UntrustedReason::ChainTooLong);
        };
        if is_anchor(current, anchors) {
            break if unchecked {
                ChainOutcome::SignatureNotChecked
            } else {
                ChainOutcome::Trusted
            };
        }
        if members.len() >= MAX_CHAIN_LENGTH {
            break ChainOutcome::Untrusted(UntrustedReason::ChainTooLong);
        }
        if current.self_signed {
            break ChainOutcome::Untrusted(UntrustedReason::SelfSignedNotTrusted);
        }

        // Anchors first, then the input, skipping certificates already on the chain.
        let candidates: Vec<Candidate<'c>> = anchors
            .iter()
            .copied()
            .chain(
                input
                    .iter()
                    .enumerate()
                    .map(|(index, cert)| Candidate { cert, source: CertSource::Input(index) }),
            )
            .filter(|candidate| current.names_issuer(candidate.cert))
            .filter(|candidate| !members.iter().any(|member| std::ptr::eq(*member, candidate.cert)))
            .collect();
        if candidates.is_empty() {
            if current.is_self_issued() {
                // Self-issued but its own key does not verify it: a damaged root.
                let check = current.signature_by(current);
                if check == SignatureCheck::Invalid {
                    break ChainOutcome::Untrusted(UntrustedReason::BadSignature {
                        issuer: current.subject.clone(),
                    });
                }
                break ChainOutcome::Untrusted(UntrustedReason::SelfSignedNotTrusted);
            }
            break ChainOutcome::Untrusted(UntrustedReason::IssuerNotFound {
                issuer: current.issuer.clone(),
            });
        }

        let mut chosen = None;
        let mut first_failure = None;
        for candidate in &candidates {
            let check = current.signature_by(candidate.cert);
            match check {
                SignatureCheck::Valid => {
                    chosen = Some((*candidate, check));
                    break;
                }
                SignatureCheck::Unsupported(_) if chosen.is_none() => {
                    chosen = Some((*candidate, check));
                }
                _ => {
                    first_failure.get_or_insert(*candidate);
                }
            }
        }
        let Some((issuer, check)) = chosen else {
            let issuer =
                first_failure.map_or_else(|| current.issuer.clone(), |c| c.cert.subject.clone());
            break ChainOutcome::Untrusted(UntrustedReason::BadSignature { issuer });
        };
        if matches!(check, SignatureCheck::Unsupported(_)) {
            unchecked = true;
        }
        if let Some(link) = links.last_mut() {
            link.signature = Some(check);
        }
        members.push(issuer.cert);
        links.push(ChainLink {
            cert: CertRef::new(issuer.cert, Some(depth + 1), issuer.source),
            signature: None,
        });
    };

    (Chain { links, outcome }, members)
}

fn check_chain<'c>(
    chain: &Chain,
    members: &[&'c Certificate],
    checks: &Checks<'_>,
    seen: &mut Vec<&'c str>,
    report: &mut ChainReport,
) {
    // The problem names the certificate where the chain stops, as BoringSSL's
    // `certificate verification error at depth <d>` does.
    if let Some(top) = chain.links.last() {
        if let ChainOutcome::Untrusted(reason) = &chain.outcome {
            report
                .problems
                .push(CertProblem::UntrustedCa { cert: top.cert.clone(), reason: reason.clone() });
        }
    }

    let mut child: Option<&ChainLink> = None;
    for (link, cert) in chain.links.iter().zip(members) {
        if let Some(SignatureCheck::Unsupported(reason)) = &link.signature {
            report.notes.push(CertNote::SignatureNotChecked {
                cert: link.cert.clone(),
                reason: reason.clone(),
            });
        }
        let depth = link.cert.depth.unwrap_or(0);
        if depth > 0 && !issuer_may_sign(cert) {
            report.problems.push(CertProblem::UntrustedCa {
                cert: child.map_or_else(|| link.cert.clone(), |child| child.cert.clone()),
                reason: UntrustedReason::IssuerNotCa {
                    issuer: cert.subject.clone(),
                    issuer_depth: depth,
                },
            });
        }
        child = Some(link);
        if seen.contains(&cert.sha256_fingerprint.as_str()) {
            continue;
        }
        seen.push(&cert.sha256_fingerprint);
        report.problems.extend(check_validity(cert, link.cert.clone(), checks.now));
    }

    let (Some(leaf_link), Some(leaf)) = (chain.links.first(), members.first()) else { return };
    if leaf.is_ca() {
        return;
    }
    report.problems.extend(check_key(leaf, leaf_link.cert.clone()));
    if let Some(role) = checks.role {
        report.problems.extend(check_usage(leaf, leaf_link.cert.clone(), role));
    }
    if let Some(host) = checks.host {
        let (problem, note) = check_sans(leaf, leaf_link.cert.clone(), host);
        report.problems.extend(problem);
        report.notes.extend(note);
    }
}

/// Tells whether a certificate may issue others: a CA whose keyUsage, if present,
/// has keyCertSign.
fn issuer_may_sign(cert: &Certificate) -> bool {
    cert.is_ca() && cert.key_usage.is_none_or(|usage| usage.key_cert_sign)
}
