//! Pasted PEM certificates: the verdicts of the certificate verifier mapped to
//! findings, a pasted private key, and PEM text that Envoy would reject.
//!
//! The verifier ([`crate::x509::verify`]) builds chains, checks signatures,
//! dates, keys, usages and SANs, and names a finding code for each problem.
//! This rule quotes where each certificate was pasted and names the trust
//! bundle used: the `--trust-bundle` certificates, or else the self-signed
//! CA certificates among the inputs.

use super::{quote, sentence, Collector};
use crate::diagnosis::{Code, Confidence, EvidenceLine, Finding, Input, Options, Symptom};
use crate::evidence::pem::PemBundle;
use crate::evidence::Records;
use crate::x509::{
    self, CertNote, CertProblem, CertSource, Certificate, Checks, Role, Trust, TrustSource,
};

/// One distinct certificate and every place it was pasted. The same certificate
/// can be pasted in several inputs, and the verifier checks it once.
struct Pasted<'a> {
    certificate: &'a Certificate,
    places: Vec<(&'a Input, usize, usize)>,
}

fn collect<'a>(inputs: &'a [Input]) -> Vec<Pasted<'a>> {
    let mut pasted: Vec<Pasted<'a>> = Vec::new();
    for input in inputs {
        for bundle in pem_bundles(input) {
            for cert in &bundle.certificates {
                let place = (input, cert.first_line, cert.last_line);
                let fingerprint = &cert.certificate.sha256_fingerprint;
                match pasted
                    .iter_mut()
                    .find(|seen| &seen.certificate.sha256_fingerprint == fingerprint)
                {
                    Some(seen) => seen.places.push(place),
                    None => {
                        pasted.push(Pasted { certificate: &cert.certificate, places: vec![place] })
                    }
                }
            }
        }
    }
    pasted
}

fn pem_bundles(input: &Input) -> impl Iterator<Item = &PemBundle> {
    input.parsed.parts.iter().filter_map(|part| match &part.records {
        Records::Pem(bundle) => Some(bundle),
        _ => None,
    })
}

pub(crate) fn run(inputs: &[Input], options: &Options, out: &mut Collector) {
    private_keys(inputs, out);
    glued_pem_blocks(inputs, out);
    trust_bundles_without_certificates(options, out);

    let pasted = collect(inputs);
    if pasted.is_empty() {
        return;
    }
    let bundle = collect(&options.trust_bundle);
    let certificates: Vec<Certificate> = pasted.iter().map(|p| p.certificate.clone()).collect();
    let anchors: Vec<Certificate> = bundle.iter().map(|p| p.certificate.clone()).collect();
    let trust = if options.trust_bundle.is_empty() {
        Trust::SelfSignedInInput
    } else {
        Trust::Bundle(&anchors)
    };
    let checks = certificate_checks(
        options.now,
        options.host.as_deref(),
        options.symptom,
        !options.trust_bundle.is_empty(),
    );
    let report = x509::verify(&certificates, trust, &checks);

    let guessed_bundle = match report.trust {
        // An empty bundle already has its note from trust_bundles_without_certificates.
        TrustSource::Bundle { certificates: 0 } => false,
        TrustSource::Bundle { certificates } => {
            out.note(format!(
                "Certificates were verified against the trust bundle given ({certificates} certificate(s))."
            ));
            false
        }
        TrustSource::SelfSignedInInput { certificates } => {
            if certificates > 0 {
                out.note(format!(
                    "No trust bundle was given: the {certificates} self-signed CA certificate(s) \
                     among the inputs were taken as the trust bundle."
                ));
            }
            true
        }
    };
    let no_anchors = matches!(
        report.trust,
        TrustSource::SelfSignedInInput { certificates: 0 }
            | TrustSource::Bundle { certificates: 0 }
    );
    for note in &report.notes {
        // The verifier cannot tell an empty --trust-bundle from none at all.
        if matches!(note, CertNote::NoTrustAnchors) && !options.trust_bundle.is_empty() {
            continue;
        }
        out.note(sentence(&note.to_string()));
    }

    for problem in &report.problems {
        if no_anchors && matches!(problem, CertProblem::UntrustedCa { .. }) {
            // Without any trust anchor every chain is "untrusted", which is
            // no evidence about the peer's real trust bundle.
            out.next_step(
                "The CA certificates the verifying side trusts (the client policy's trust \
                 bundle), pasted as PEM and marked as the trust bundle (`--trust-bundle FILE` \
                 on the command line)",
                None,
            );
            continue;
        }
        let Some(code) = Code::from_name(problem.code()) else {
            out.note(sentence(&problem.to_string()));
            continue;
        };
        let confidence = match problem {
            CertProblem::UntrustedCa { .. } if guessed_bundle => Confidence::Likely,
            _ => Confidence::Confirmed,
        };
        let mut finding = Finding::new(code, confidence)
            .with_subject(problem.cert().to_string())
            .with_detail(describe(problem))
            .with_evidence(evidence(problem, &pasted, &bundle));
        if let CertProblem::Expired { .. } = problem {
            if problem.cert().depth.is_some_and(|depth| depth > 0)
                || certificate(problem, &pasted, &bundle).is_some_and(Certificate::is_ca)
            {
                finding = finding.with_detail(
                    "This is a CA certificate: every certificate that chains to it fails \
                     verification until the CA is renewed and the certificates it issued are \
                     reissued.",
                );
            }
        }
        out.add(finding);
    }
}

/// The most SANs a detail lists; a certificate can carry thousands.
const MAX_LISTED_SANS: usize = 10;

/// Describes a problem as a sentence, listing at most [`MAX_LISTED_SANS`] SANs.
fn describe(problem: &CertProblem) -> String {
    let CertProblem::SanMismatch { cert, requested, sans } = problem else {
        return sentence(&problem.to_string());
    };
    let mut listed: Vec<String> =
        sans.iter().take(MAX_LISTED_SANS).map(ToString::to_string).collect();
    if sans.len() > MAX_LISTED_SANS {
        listed.push(format!("and {} more", sans.len() - MAX_LISTED_SANS));
    }
    let listed = if listed.is_empty() { "none".to_string() } else { listed.join(", ") };
    let compared = match x509::names::ascii_form(requested) {
        Some(ascii) => format!(" (compared in its ASCII form `{ascii}`)"),
        None => String::new(),
    };
    sentence(&format!("no SAN of {cert} matches `{requested}`{compared}; its SANs: {listed}"))
}

fn certificate<'a>(
    problem: &CertProblem,
    pasted: &[Pasted<'a>],
    bundle: &[Pasted<'a>],
) -> Option<&'a Certificate> {
    let found = match problem.cert().source {
        CertSource::Input(index) => pasted.get(index),
        CertSource::Bundle(index) => bundle.get(index),
    };
    found.map(|p| p.certificate)
}

/// Quotes the BEGIN line of every place the certificate was pasted, and the
/// `Not After` or `Not Before` line of an `openssl x509 -text` dump printed with it.
fn evidence(
    problem: &CertProblem,
    pasted: &[Pasted<'_>],
    bundle: &[Pasted<'_>],
) -> Vec<EvidenceLine> {
    let found = match problem.cert().source {
        CertSource::Input(index) => pasted.get(index),
        CertSource::Bundle(index) => bundle.get(index),
    };
    let Some(found) = found else {
        return Vec::new();
    };
    let date_label = match problem {
        CertProblem::Expired { .. } | CertProblem::ExpiringSoon { .. } => Some("Not After"),
        CertProblem::NotYetValid { .. } => Some("Not Before"),
        _ => None,
    };
    let mut lines = Vec::new();
    for (input, first_line, _) in &found.places {
        lines.extend(quote(input, *first_line));
        if let Some(label) = date_label {
            let text_line = input
                .text
                .lines()
                .position(|line| line.trim_start().starts_with(label))
                .map(|index| index + 1);
            if let Some(line) = text_line {
                lines.extend(quote(input, line));
            }
        }
    }
    lines
}

/// Notes each `--trust-bundle` input that contains no certificate. Such a file
/// is usually the wrong one (a stats dump, a key file), and without a note the
/// chains would seem checked against it.
fn trust_bundles_without_certificates(options: &Options, out: &mut Collector) {
    let empty: Vec<&Input> = options
        .trust_bundle
        .iter()
        .filter(|input| pem_bundles(input).all(|bundle| bundle.certificates.is_empty()))
        .collect();
    let all_empty = empty.len() == options.trust_bundle.len();
    for input in empty {
        let consequence = if all_empty {
            "so no certificate chain can be trusted"
        } else {
            "so it adds no CA certificate"
        };
        let mut note = format!(
            "The trust bundle `{}` contains no PEM certificate, {consequence}.",
            input.name()
        );
        if !input.private_keys.is_empty() {
            note.push_str(" It contains a private key, which was removed and is not shown.");
        }
        note.push_str(
            " Give the PEM CA certificates the verifying side trusts as the trust bundle.",
        );
        out.note(note);
    }
}

/// Evidence text for a private key that the PEM reader skipped and that stays in
/// the text, which is never quoted.
const KEY_NOT_QUOTED: &str = "(private key, not repeated)";

/// Reports each private key: those [`Input::parse`] removed from the text, and
/// those the PEM reader found in forms that survive as text (a DER key file, an
/// `openssl pkey -text` dump).
///
/// The evidence of a removed key is the range of lines it was blanked from,
/// such as "lines 3-30: private key, blanked", and never any of its text.
fn private_keys(inputs: &[Input], out: &mut Collector) {
    for input in inputs {
        let removed = input.private_keys.iter().map(|key| {
            let text = blanked_key_evidence(key.line, blanked_key_last_line(input, key.line));
            (key, "it was removed before parsing", text)
        });
        let read = pem_bundles(input)
            .flat_map(|bundle| &bundle.private_keys)
            .map(|key| (key, "it was skipped", KEY_NOT_QUOTED.to_string()));
        for (key, how, text) in removed.chain(read) {
            out.add(
                Finding::new(Code::TlsPrivateKeyPasted, Confidence::Confirmed)
                    .with_detail(format!(
                        "{} starts at line {}; {how} and is not shown.",
                        key.kind, key.line
                    ))
                    .with_evidence([EvidenceLine {
                        input: input.name().to_string(),
                        line: key.line,
                        text,
                    }]),
            );
        }
    }
}

/// Returns the last line of the blanked block that starts at `first_line`, or
/// `first_line` when no block starts there.
fn blanked_key_last_line(input: &Input, first_line: usize) -> usize {
    input
        .private_key_blocks
        .iter()
        .filter(|(first, _)| *first == first_line)
        .map(|(_, last)| *last)
        .max()
        .unwrap_or(first_line)
        .max(first_line)
}

/// Formats the evidence text that replaces a private key: the lines it was
/// blanked from, as in "lines 3-30: private key, blanked".
pub fn blanked_key_evidence(first_line: usize, last_line: usize) -> String {
    if last_line > first_line {
        format!("lines {first_line}-{last_line}: private key, blanked")
    } else {
        format!("line {first_line}: private key, blanked")
    }
}

/// `-----END CERTIFICATE----------BEGIN CERTIFICATE-----` on one line: two PEM
/// blocks concatenated without a newline, which Envoy rejects with
/// `Failed to load certificate chain`.
fn glued_pem_blocks(inputs: &[Input], out: &mut Collector) {
    for input in inputs {
        for part in &input.parsed.parts {
            if !matches!(part.records, Records::Pem(_)) {
                continue;
            }
            for line in part.first_line..=part.last_line {
                let Some(text) = input.line(line) else { continue };
                let glued = text.find("-----END ").is_some_and(|end| {
                    text.get(end..).is_some_and(|rest| rest.contains("-----BEGIN "))
                });
                if glued {
                    out.add(
                        Finding::new(Code::TlsNoCertChain, Confidence::Likely)
                            .with_detail(
                                "Two PEM blocks are glued on one line (no newline between END and \
                                 BEGIN). Envoy rejects such a chain (`Failed to load certificate \
                                 chain`) and keeps serving the certificate it had.",
                            )
                            .with_evidence(quote(input, line)),
                    );
                }
            }
        }
    }
}

/// Builds the verifier's checks for a symptom. Under the client-policy and load
/// balancer symptoms the pasted leaf is the backend's server certificate, and
/// the client policy's CA rule applies only to a bundle given for that policy.
/// The page's certificate picture calls this too, so both judge alike.
pub fn certificate_checks(
    now: i64,
    host: Option<&str>,
    symptom: Option<Symptom>,
    has_bundle: bool,
) -> Checks<'_> {
    let role = match symptom {
        Some(Symptom::TlsClientPolicy | Symptom::TlsElb) => Some(Role::Server),
        _ => None,
    };
    Checks {
        now,
        host,
        role,
        client_policy: has_bundle && symptom == Some(Symptom::TlsClientPolicy),
    }
}
