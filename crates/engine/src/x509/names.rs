//! Name matching against subjectAltNames, by Envoy's rules.
//!
//! Envoy's default certificate validator (`dnsNameMatch` in its TLS utility code)
//! compares DNS names case-insensitively. A `*` in a certificate's DNS SAN counts
//! only in the left-most label, either as the whole label (`*.example.com`) or as
//! part of it (`foo*.example.com`), and stands for exactly one label: since Envoy
//! 1.15 `*.foo.com` does not match `a.b.foo.com`. A partial wildcard is not
//! applied to an IDNA label (`xn--…`). URI SANs, such as SPIFFE IDs, are compared
//! as exact strings and only with a URI; IP SANs only with an address. Envoy never
//! looks at the subject common name.

use std::net::IpAddr;

use super::{punycode, SubjectAltName};

/// The result of matching a requested name against a SAN list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SanMatch {
    /// A SAN equals the name.
    Exact(SubjectAltName),
    /// A wildcard DNS SAN covers the name.
    Wildcard(SubjectAltName),
    /// No SAN matches.
    None,
}

impl SanMatch {
    pub fn is_match(&self) -> bool {
        !matches!(self, SanMatch::None)
    }
}

/// Matches `requested` against `sans` by Envoy's rules and returns the first SAN
/// that matches, preferring an exact match over a wildcard.
///
/// `requested` is a URI when it contains `://` (for example
/// `spiffe://example.org/ns/web`), an IP address when it parses as one, and a DNS
/// name otherwise. A DNS name with non-ASCII labels is compared in the ASCII
/// form that [`ascii_form`] returns. Use it for the SANs of a pasted certificate and for the
/// `subject_alt_names` that Envoy's `/certs` endpoint lists.
pub fn match_name(requested: &str, sans: &[SubjectAltName]) -> SanMatch {
    let requested = requested.trim();
    if requested.contains("://") {
        return sans
            .iter()
            .find(|san| matches!(san, SubjectAltName::Uri(uri) if uri == requested))
            .map_or(SanMatch::None, |san| SanMatch::Exact(san.clone()));
    }
    if let Ok(address) = requested.parse::<IpAddr>() {
        return sans
            .iter()
            .find(|san| matches!(san, SubjectAltName::Ip(ip) if *ip == address))
            .map_or(SanMatch::None, |san| SanMatch::Exact(san.clone()));
    }

    // Certificates carry internationalised names in their ASCII form.
    let ascii = punycode::domain_to_ascii(requested);
    let name = ascii.as_deref().unwrap_or(requested);
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut wildcard = None;
    for san in sans {
        let SubjectAltName::Dns(pattern) = san else { continue };
        let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
        if pattern.eq_ignore_ascii_case(name) {
            return SanMatch::Exact(san.clone());
        }
        if wildcard.is_none() && dns_wildcard_matches(name, pattern) {
            wildcard = Some(san.clone());
        }
    }
    wildcard.map_or(SanMatch::None, SanMatch::Wildcard)
}

/// Returns the ASCII form in which [`match_name`] compares `requested`, when it
/// is a DNS name with non-ASCII labels (`xn--bcher-kva.example` for
/// `bücher.example`), so a finding can name the form it compared.
pub fn ascii_form(requested: &str) -> Option<String> {
    let requested = requested.trim();
    if requested.contains("://") || requested.parse::<IpAddr>().is_ok() {
        return None;
    }
    punycode::domain_to_ascii(requested)
}

/// Tells whether the DNS `name` matches `pattern`, a DNS SAN that may hold a
/// wildcard in its left-most label. Both are compared case-insensitively.
pub fn dns_name_matches(name: &str, pattern: &str) -> bool {
    pattern.eq_ignore_ascii_case(name) || dns_wildcard_matches(name, pattern)
}

/// Tells whether `name` is a DNS SAN with a wildcard that Envoy honours.
pub fn is_wildcard(name: &str) -> bool {
    name.split('.').next().is_some_and(|label| label.contains('*'))
}

fn dns_wildcard_matches(name: &str, pattern: &str) -> bool {
    let Some((pattern_label, pattern_rest)) = pattern.split_once('.') else {
        return false;
    };
    let Some((name_label, name_rest)) = name.split_once('.') else {
        return false;
    };
    if pattern_rest.is_empty() || pattern_rest.contains('*') || name_label.is_empty() {
        return false;
    }
    if !pattern_rest.eq_ignore_ascii_case(name_rest) {
        return false;
    }
    let Some((prefix, suffix)) = pattern_label.split_once('*') else {
        return false;
    };
    if suffix.contains('*') {
        return false;
    }
    let partial = !prefix.is_empty() || !suffix.is_empty();
    if partial
        && name_label.len() >= 4
        && name_label.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    {
        return false;
    }
    let lower = name_label.to_ascii_lowercase();
    lower.len() >= prefix.len() + suffix.len()
        && lower.starts_with(&prefix.to_ascii_lowercase())
        && lower.ends_with(&suffix.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dns(name: &str) -> SubjectAltName {
        SubjectAltName::Dns(name.to_string())
    }

    macro_rules! dns_cases {
        ($($test:ident: $name:expr, $pattern:expr => $expected:expr;)*) => {
            $(
                #[test]
                fn $test() {
                    assert_eq!(dns_name_matches($name, $pattern), $expected);
                }
            )*
        };
    }

    dns_cases! {
        exact_same_case: "web.apps.local", "web.apps.local" => true;
        exact_other_case: "Web.Apps.Local", "web.apps.local" => true;
        wildcard_one_label: "web.apps.local", "*.apps.local" => true;
        wildcard_two_labels: "a.web.apps.local", "*.apps.local" => false;
        wildcard_parent_itself: "apps.local", "*.apps.local" => false;
        wildcard_other_case: "WEB.apps.LOCAL", "*.Apps.local" => true;
        partial_prefix: "foo1.example.com", "foo*.example.com" => true;
        partial_prefix_mismatch: "bar1.example.com", "foo*.example.com" => false;
        partial_not_on_idna: "xn--bcher-kva.example.com", "x*.example.com" => false;
        whole_wildcard_on_idna: "xn--bcher-kva.example.com", "*.example.com" => true;
        wildcard_not_leftmost: "web.apps.local", "web.*.local" => false;
        bare_wildcard: "local", "*" => false;
        different_name: "api.apps.local", "web.apps.local" => false;
    }

    #[test]
    fn uri_matches_only_uri() {
        let sans = vec![
            dns("spiffe://example.org/web"),
            SubjectAltName::Uri("spiffe://example.org/web".into()),
        ];
        assert_eq!(
            match_name("spiffe://example.org/web", &sans),
            SanMatch::Exact(SubjectAltName::Uri("spiffe://example.org/web".into()))
        );
    }

    #[test]
    fn uri_is_case_sensitive() {
        let sans = vec![SubjectAltName::Uri("spiffe://example.org/Web".into())];
        assert_eq!(match_name("spiffe://example.org/web", &sans), SanMatch::None);
    }

    #[test]
    fn dns_name_ignores_uri_san() {
        let sans = vec![SubjectAltName::Uri("web.apps.local".into())];
        assert_eq!(match_name("web.apps.local", &sans), SanMatch::None);
    }

    #[test]
    fn ip_matches_ip_san() {
        let sans = vec![dns("10.0.0.1"), SubjectAltName::Ip("10.0.0.1".parse().unwrap())];
        assert_eq!(
            match_name("10.0.0.1", &sans),
            SanMatch::Exact(SubjectAltName::Ip("10.0.0.1".parse().unwrap()))
        );
    }

    #[test]
    fn exact_preferred_over_wildcard() {
        let sans = vec![dns("*.apps.local"), dns("web.apps.local")];
        assert_eq!(match_name("web.apps.local", &sans), SanMatch::Exact(dns("web.apps.local")));
    }

    #[test]
    fn wildcard_reported_as_wildcard() {
        let sans = vec![dns("*.apps.local")];
        assert_eq!(match_name("web.apps.local", &sans), SanMatch::Wildcard(dns("*.apps.local")));
    }

    #[test]
    fn certs_endpoint_sans_converted() {
        use crate::evidence::certs::SubjectAltName as Listed;
        let listed = [Listed::Dns("*.apps.local".into()), Listed::IpAddress("10.0.0.7".into())];
        let sans: Vec<SubjectAltName> = listed.iter().map(SubjectAltName::from).collect();
        assert_eq!(match_name("web.apps.local", &sans), SanMatch::Wildcard(dns("*.apps.local")));
        assert!(match_name("10.0.0.7", &sans).is_match());
    }

    #[test]
    fn trailing_dot_ignored() {
        assert!(match_name("web.apps.local.", &[dns("web.apps.local")]).is_match());
    }
}
