//! Subject Alternative Name matching as Envoy's validator does it
//! (`dnsNameMatch` in Envoy's TLS `utility.cc`): DNS names compare without
//! regard to case; a `*` is honoured only in the left-most label, matches
//! exactly one label (since Envoy 1.15 `*.foo.com` does not match
//! `a.b.foo.com`), and is not applied to `xn--` labels.

/// Returns true when the DNS SAN `pattern` matches `host`.
pub(crate) fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if pattern == host {
        return true;
    }
    let (Some((first_pattern, rest_pattern)), Some((first_host, rest_host))) =
        (pattern.split_once('.'), host.split_once('.'))
    else {
        return false;
    };
    if rest_pattern != rest_host || !first_pattern.contains('*') || first_host.is_empty() {
        return false;
    }
    if first_host.starts_with("xn--") {
        return false;
    }
    // One `*` in the left-most label: `*`, `foo*` or `*bar` style.
    let Some((prefix, suffix)) = first_pattern.split_once('*') else {
        return false;
    };
    if suffix.contains('*') {
        return false;
    }
    first_host.len() >= prefix.len() + suffix.len()
        && first_host.starts_with(prefix)
        && first_host.ends_with(suffix)
}

/// Returns true when a SAN of any kind names `host`: DNS names by the rule above,
/// URIs and IP addresses by exact comparison.
pub(crate) fn san_matches(kind_is_dns: bool, value: &str, host: &str) -> bool {
    if kind_is_dns {
        dns_matches(value, host)
    } else {
        value == host
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_matching_rows() {
        let rows = [
            ("exact", "api.example.com", "api.example.com", true),
            ("case differs", "API.Example.com", "api.example.COM", true),
            ("trailing dot", "api.example.com.", "api.example.com", true),
            ("wildcard one label", "*.example.com", "api.example.com", true),
            ("wildcard two labels", "*.example.com", "a.b.example.com", false),
            ("wildcard apex", "*.example.com", "example.com", false),
            ("partial wildcard", "api*.example.com", "api1.example.com", true),
            ("partial wildcard miss", "api*.example.com", "web.example.com", false),
            ("wildcard not left-most", "api.*.com", "api.example.com", false),
            ("punycode label", "*.example.com", "xn--bcher-kva.example.com", false),
            ("other domain", "*.example.com", "api.example.org", false),
            ("cloud map name", "colorteller.apps.local", "colorteller.apps.local", true),
        ];
        for (name, pattern, host, expected) in rows {
            assert_eq!(dns_matches(pattern, host), expected, "{name}");
        }
    }

    #[test]
    fn uri_san_compares_exactly() {
        assert!(san_matches(false, "spiffe://local/ns/a", "spiffe://local/ns/a"));
        assert!(!san_matches(false, "spiffe://local/ns/a", "a.local"));
    }
}
