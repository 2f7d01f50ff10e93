//! Removal of private key blocks from pasted text before anything keeps it.
//!
//! A key pasted by mistake must never reach sessionStorage, the page or a
//! report. Each line of a `-----BEGIN ... PRIVATE KEY-----` block, markers
//! included, becomes an empty line, so the line numbers of the rest of the
//! paste still match what the person pasted.

/// Text with its private key blocks blanked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    /// Number of private key blocks removed.
    pub keys_removed: usize,
}

/// Blanks every line of every PEM private key block (PKCS#8, RSA, EC,
/// encrypted, OpenSSH) in `text`. An unterminated block is blanked to the end,
/// because its tail is key material too.
pub fn strip_private_keys(text: &str) -> Redacted {
    let mut out = String::with_capacity(text.len());
    let mut keys_removed = 0;
    let mut inside = false;

    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if !inside && is_key_marker(content, "BEGIN") {
            inside = true;
            keys_removed += 1;
        }
        if inside {
            out.push_str(&line[content.len()..]);
            if is_key_marker(content, "END") {
                inside = false;
            }
        } else {
            out.push_str(line);
        }
    }

    Redacted { text: out, keys_removed }
}

/// True when `text` still holds anything that looks like a private key marker.
/// The storage layer refuses such text whatever the redaction did.
pub fn mentions_private_key(text: &str) -> bool {
    text.contains("PRIVATE KEY")
}

fn is_key_marker(line: &str, edge: &str) -> bool {
    let line = line.trim();
    let Some(rest) = line.strip_prefix("-----").and_then(|l| l.strip_prefix(edge)) else {
        return false;
    };
    rest.trim_end_matches('-').trim_end().ends_with("PRIVATE KEY")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        input: &'static str,
        expected: &'static str,
        keys: usize,
    }

    const CASES: &[Case] = &[
        Case {
            name: "no key",
            input: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            expected: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            keys: 0,
        },
        Case {
            name: "pkcs8 key between certificates keeps line count",
            input: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nKEY1\nKEY2\n-----END PRIVATE KEY-----\nafter\n",
            expected: "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\n\n\n\nafter\n",
            keys: 1,
        },
        Case {
            name: "rsa and ec keys with crlf",
            input: "-----BEGIN RSA PRIVATE KEY-----\r\nX\r\n-----END RSA PRIVATE KEY-----\r\n-----BEGIN EC PRIVATE KEY-----\r\nY\r\n-----END EC PRIVATE KEY-----",
            expected: "\r\n\r\n\r\n\r\n\r\n",
            keys: 2,
        },
        Case {
            name: "unterminated key blanked to the end",
            input: "log line\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nZZZ\nmore",
            expected: "log line\n\n\n",
            keys: 1,
        },
        Case {
            name: "indented openssh key",
            input: "  -----BEGIN OPENSSH PRIVATE KEY-----\n  b3Bl\n  -----END OPENSSH PRIVATE KEY-----\ntail",
            expected: "\n\n\ntail",
            keys: 1,
        },
        Case {
            name: "public key untouched",
            input: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
            expected: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
            keys: 0,
        },
    ];

    #[test]
    fn strip_private_keys_cases() {
        for case in CASES {
            let redacted = strip_private_keys(case.input);
            assert_eq!(redacted.text, case.expected, "case {}", case.name);
            assert_eq!(redacted.keys_removed, case.keys, "case {}", case.name);
            assert_eq!(
                redacted.text.split('\n').count(),
                case.input.split('\n').count(),
                "case {}: line count changed",
                case.name
            );
            assert!(!mentions_private_key(&redacted.text), "case {}", case.name);
        }
    }
}
