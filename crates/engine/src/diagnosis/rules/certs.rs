//! The admin `/certs` output: which TLS contexts have a certificate chain and a
//! CA, when each certificate expires, and whether its SANs name the requested host.
//!
//! Facts: App Mesh `troubleshooting-security` (a terminating proxy needs a
//! `cert_chain` entry, an originating proxy a `ca_cert` entry; the guide's
//! `ca_certs` is the real field `ca_cert`); Envoy's admin `/certs` handler, whose
//! `days_until_expiration` is whole days rounded down, printed as 0 for an
//! expired certificate since Envoy 1.23 (and wrapped around 2^64 before), so
//! expiry is computed from `expiration_time` and the given time instead.

use super::{quote, Collector};
use crate::diagnosis::{Code, Confidence, Finding, Input, Options};
use crate::evidence::certs::{
    CertAnomaly, CertContext, CertDetails, CertsDump, SubjectAltName, Timestamp,
};
use crate::evidence::Records;
use crate::x509::{self, EXPIRING_SOON_WINDOW_SECS};

const SECONDS_PER_DAY: i64 = 86_400;

pub(crate) fn run(inputs: &[Input], options: &Options, out: &mut Collector) {
    for input in inputs {
        for part in &input.parsed.parts {
            if let Records::Certs(dump) = &part.records {
                check_dump(input, part.first_line, dump, options, out);
            }
        }
    }
}

fn check_dump(
    input: &Input,
    first_line: usize,
    dump: &CertsDump,
    options: &Options,
    out: &mut Collector,
) {
    if dump.contexts.is_empty() {
        if dump.has_certificates_key {
            out.add(
                Finding::new(Code::TlsNoCertChain, Confidence::Possible)
                    .with_detail(
                        "`/certs` lists no TLS context at all: either TLS is not configured on \
                         this Envoy, or every context still waits for its secret (an SDS \
                         context without its secret has no entry).",
                    )
                    .with_evidence(quote(input, first_line)),
            );
            out.next_step(
                "The SDS counters, to tell a missing secret from TLS not configured",
                Some("curl -s http://localhost:9901/stats | grep -E 'secrets_not_ready|ssl\\.handshake'"),
            );
        }
        return;
    }

    check_missing(input, dump, out);
    for context in &dump.contexts {
        for (field, certs) in [("ca_cert", &context.ca_cert), ("cert_chain", &context.cert_chain)] {
            for details in certs {
                check_validity(input, field, details, options.now, out);
            }
        }
    }
    if let Some(host) = options.host.as_deref() {
        check_host(input, dump, host, out);
    }
}

/// `tls-no-ca-cert` and `tls-no-cert-chain`: a field shown empty in every context.
fn check_missing(input: &Input, dump: &CertsDump, out: &mut Collector) {
    let any_ca = dump.contexts.iter().any(|context| !context.ca_cert.is_empty());
    let any_chain = dump.contexts.iter().any(|context| !context.cert_chain.is_empty());

    let empty_ca: Vec<&CertContext> = dump
        .contexts
        .iter()
        .filter(|context| context.ca_cert_seen && context.ca_cert.is_empty())
        .collect();
    if !any_ca && !empty_ca.is_empty() {
        let lines =
            empty_ca.iter().filter_map(|context| field_line(input, context.line, "\"ca_cert\""));
        let mut finding = Finding::new(Code::TlsNoCaCert, Confidence::Likely).with_detail(
            "Every TLS context in `/certs` has an empty or missing `ca_cert` (an empty array \
             counts as missing), so this Envoy validates none of the peers it originates TLS \
             to. App Mesh pushes a CA only for backends with a TLS client policy (or a \
             backend default).",
        );
        if any_chain {
            finding = finding.with_detail(
                "A `cert_chain` is present, so this Envoy can terminate TLS; the missing piece \
                 is the trust on the originating side. If this Envoy only terminates TLS, an \
                 empty `ca_cert` is expected.",
            );
        }
        out.add(finding.with_evidence(super::quote_all(input, lines)));
    }

    let empty_chain: Vec<&CertContext> = dump
        .contexts
        .iter()
        .filter(|context| context.cert_chain_seen && context.cert_chain.is_empty())
        .collect();
    if !any_chain && !empty_chain.is_empty() {
        let lines = empty_chain
            .iter()
            .filter_map(|context| field_line(input, context.line, "\"cert_chain\""));
        out.add(
            Finding::new(Code::TlsNoCertChain, Confidence::Likely)
                .with_detail(
                    "No TLS context in `/certs` has a `cert_chain`, so this Envoy presents no \
                     certificate: it cannot terminate TLS, nor answer a server that requires a \
                     client certificate.",
                )
                .with_evidence(super::quote_all(input, lines)),
        );
    }
}

/// Returns the line at or after `from` that contains `needle`, within the next few
/// lines of a `/certs` object.
fn field_line(input: &Input, from: usize, needle: &str) -> Option<usize> {
    // A CertificateDetails object spans at most about 20 lines when SANs are listed.
    const SEARCH_LINES: usize = 40;
    (from..from + SEARCH_LINES)
        .find(|&line| input.line(line).is_some_and(|text| text.contains(needle)))
}

fn describe(field: &str, details: &CertDetails) -> String {
    match &details.serial_number {
        Some(serial) => format!("{field} serial {serial}"),
        None => format!("{field} at line {}", details.line),
    }
}

fn check_validity(
    input: &Input,
    field: &str,
    details: &CertDetails,
    now: i64,
    out: &mut Collector,
) {
    let subject = describe(field, details);
    let wrapped_dates = details
        .anomalies
        .iter()
        .any(|anomaly| matches!(anomaly, CertAnomaly::ExpirationBeforeValidFrom));
    let expiration = details
        .expiration_time
        .as_ref()
        .and_then(|time| time.unix.map(|unix| (time, unix.seconds)));
    let evidence = |needle: &str| -> Vec<_> {
        field_line(input, details.line, needle)
            .and_then(|line| quote(input, line))
            .into_iter()
            .collect()
    };

    if let Some((time, expires)) = expiration.filter(|_| !wrapped_dates) {
        let left = expires - now;
        if left <= 0 {
            let mut finding = Finding::new(Code::TlsCertExpired, Confidence::Confirmed)
                .with_subject(subject.clone())
                .with_detail(format!(
                    "`expiration_time` {} is {} before the time of this diagnosis ({}).",
                    time.text,
                    human_duration(-left),
                    format_unix(now)
                ))
                .with_evidence(evidence("\"expiration_time\""));
            if let Some(days) = details.days_until_expiration.filter(|days| *days >= 0) {
                finding = finding
                    .with_detail(format!(
                        "`days_until_expiration` is {days}: Envoy rounds it down and prints 0 for \
                         an expired certificate too, so it cannot tell \"under a day left\" from \
                         \"expired\"."
                    ))
                    .with_evidence(evidence("\"days_until_expiration\""));
            }
            out.add(finding);
        } else if left <= EXPIRING_SOON_WINDOW_SECS && !short_lived(details) {
            out.add(
                Finding::new(Code::TlsCertExpiringSoon, Confidence::Confirmed)
                    .with_subject(subject.clone())
                    .with_detail(format!(
                        "`expiration_time` {} is {} after the time of this diagnosis ({}).",
                        time.text,
                        human_duration(left),
                        format_unix(now)
                    ))
                    .with_evidence(evidence("\"expiration_time\"")),
            );
        }
    } else if let Some(days) = details.days_until_expiration {
        // Without a usable `expiration_time` the day count is all there is.
        if days < 0 {
            out.add(
                Finding::new(Code::TlsCertExpired, Confidence::Confirmed)
                    .with_subject(subject.clone())
                    .with_detail(format!(
                        "`days_until_expiration` says the certificate expired {} day(s) before \
                         the page was taken (Envoy 1.22 and older print this as a huge unsigned \
                         number).",
                        -days
                    ))
                    .with_evidence(evidence("\"days_until_expiration\"")),
            );
        } else if days < EXPIRING_SOON_WINDOW_SECS / SECONDS_PER_DAY && !short_lived(details) {
            let mut finding = Finding::new(Code::TlsCertExpiringSoon, Confidence::Likely)
                .with_subject(subject.clone())
                .with_detail(format!("`days_until_expiration` is {days}."))
                .with_evidence(evidence("\"days_until_expiration\""));
            if days == 0 {
                finding = finding.with_detail(
                    "0 means under a day left, or already expired (Envoy 1.23 and later print 0 \
                     for an expired certificate). Paste the `expiration_time` line to tell.",
                );
            }
            out.add(finding);
        }
    }

    let not_before =
        details.valid_from.as_ref().and_then(|time| time.unix.map(|unix| (time, unix.seconds)));
    if let Some((time, starts)) = not_before.filter(|_| !wrapped_dates) {
        if starts > now {
            out.add(
                Finding::new(Code::TlsCertNotYetValid, Confidence::Confirmed)
                    .with_subject(subject)
                    .with_detail(format!(
                        "`valid_from` {} is {} after the time of this diagnosis ({}).",
                        time.text,
                        human_duration(starts - now),
                        format_unix(now)
                    ))
                    .with_evidence(evidence("\"valid_from\"")),
            );
        }
    }
}

/// `tls-san-mismatch` when no presented certificate names the requested host.
fn check_host(input: &Input, dump: &CertsDump, host: &str, out: &mut Collector) {
    let chains: Vec<&CertDetails> =
        dump.contexts.iter().flat_map(|context| context.cert_chain.iter()).collect();
    let with_sans: Vec<&&CertDetails> =
        chains.iter().filter(|details| !details.subject_alt_names.is_empty()).collect();
    if with_sans.is_empty() {
        return;
    }
    let matches = |details: &CertDetails| {
        let sans: Vec<x509::SubjectAltName> =
            details.subject_alt_names.iter().filter_map(to_x509_san).collect();
        x509::match_name(host, &sans).is_match()
    };
    if let Some(matching) = with_sans.iter().find(|details| matches(details)) {
        out.note(format!(
            "{}: the {} names the requested host `{host}`.",
            input.name(),
            describe("cert_chain", matching)
        ));
        return;
    }
    let names: Vec<String> = with_sans
        .iter()
        .flat_map(|details| {
            details.subject_alt_names.iter().map(|name| format!("`{}`", name.value()))
        })
        .collect();
    let lines = with_sans
        .iter()
        .filter_map(|details| field_line(input, details.line, "\"subject_alt_names\""));
    out.add(
        Finding::new(Code::TlsSanMismatch, Confidence::Likely)
            .with_subject(format!("host {host}"))
            .with_detail(format!(
                "No SAN of the certificates in `/certs` matches `{host}`{}: {}.",
                x509::names::ascii_form(host)
                    .map(|ascii| format!(" (compared in its ASCII form `{ascii}`)"))
                    .unwrap_or_default(),
                names.join(", ")
            ))
            .with_evidence(super::quote_all(input, lines)),
    );
}

/// Converts a `/certs` SAN to the verifier's type, so both use one matcher.
fn to_x509_san(name: &SubjectAltName) -> Option<x509::SubjectAltName> {
    match name {
        SubjectAltName::Dns(value) => Some(x509::SubjectAltName::Dns(value.clone())),
        SubjectAltName::Uri(value) => Some(x509::SubjectAltName::Uri(value.clone())),
        SubjectAltName::IpAddress(value) => value.parse().ok().map(x509::SubjectAltName::Ip),
    }
}

/// True for a certificate whose whole validity fits in the warning window:
/// SDS sources such as SPIRE issue such certificates and rotate them, so a
/// warning would fire for every one (the verifier exempts them the same way).
fn short_lived(details: &CertDetails) -> bool {
    let seconds = |time: &Option<Timestamp>| {
        time.as_ref().and_then(|time| time.unix).map(|unix| unix.seconds)
    };
    match (seconds(&details.valid_from), seconds(&details.expiration_time)) {
        (Some(from), Some(to)) => to.saturating_sub(from) <= EXPIRING_SOON_WINDOW_SECS,
        _ => false,
    }
}

/// Formats a span of seconds for people: the largest unit that fits.
pub(crate) fn human_duration(seconds: i64) -> String {
    let (value, unit) = if seconds >= SECONDS_PER_DAY {
        (seconds / SECONDS_PER_DAY, "day")
    } else if seconds >= 3_600 {
        (seconds / 3_600, "hour")
    } else if seconds >= 60 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    if value == 1 {
        format!("1 {unit}")
    } else {
        format!("{value} {unit}s")
    }
}

/// Formats unix seconds as RFC 3339 UTC (proleptic Gregorian calendar).
pub(crate) fn format_unix(seconds: i64) -> String {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = seconds.rem_euclid(SECONDS_PER_DAY);
    // Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_unix_rows() {
        let rows = [
            ("epoch", 0, "1970-01-01T00:00:00Z"),
            ("case capture time", 1_582_074_840, "2020-02-19T01:14:00Z"),
            ("leap day", 951_782_400, "2000-02-29T00:00:00Z"),
            ("before epoch", -1, "1969-12-31T23:59:59Z"),
        ];
        for (name, seconds, expected) in rows {
            assert_eq!(format_unix(seconds), expected, "{name}");
        }
    }

    #[test]
    fn human_duration_rows() {
        let rows = [
            ("seconds", 59, "59 seconds"),
            ("one minute", 60, "1 minute"),
            ("minutes", 171, "2 minutes"),
            ("hours", 7_200, "2 hours"),
            ("days", 3 * SECONDS_PER_DAY + 5, "3 days"),
        ];
        for (name, seconds, expected) in rows {
            assert_eq!(human_duration(seconds), expected, "{name}");
        }
    }
}
