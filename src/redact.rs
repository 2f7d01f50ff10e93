//! Removal of private key blocks from pasted text before anything keeps it.
//!
//! A key pasted by mistake must never reach sessionStorage, the page or a
//! report. Each `-----BEGIN ... PRIVATE KEY-----` block, markers included, is
//! deleted but its line breaks stay, so the line numbers of the rest of the
//! paste still match what the person pasted.

use meshtls_engine::evidence::pem::{self, blank_private_keys, may_hold_private_key};

/// Text with its private key blocks blanked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    /// Number of private key blocks removed.
    pub keys_removed: usize,
    /// First and last line (1-based) of each block removed.
    pub key_lines: Vec<(usize, usize)>,
}

/// Blanks every PEM private key (PKCS#8, RSA, EC, encrypted, OpenSSH) in
/// `text` with the engine's [`blank_private_keys`]. That finds a key on its own
/// lines, on one line joined by spaces, in a YAML or JSON string with `\n`
/// escapes, and base64-encoded whole as in a Kubernetes Secret. An unterminated
/// key is blanked to the next BEGIN marker or to the end, because its tail is
/// key material too.
pub fn strip_private_keys(text: &str) -> Redacted {
    if !may_hold_private_key(text) {
        return Redacted { keys_removed: 0, key_lines: Vec::new(), text: text.to_string() };
    }
    let blanked = blank_private_keys(text);
    Redacted {
        keys_removed: blanked.private_keys.len(),
        key_lines: blanked.lines,
        text: blanked.text.into_owned(),
    }
}

/// True when `text` has a marker that key blanking starts from, or mentions a
/// private key: text that no name or host field should keep.
pub fn is_key_like(text: &str) -> bool {
    pem::is_key_like(text)
}

/// True when `text` still holds anything that looks like a private key marker.
/// The storage layer refuses such text whatever the redaction did.
pub fn mentions_private_key(text: &str) -> bool {
    text.contains("PRIVATE KEY")
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
            name: "key with escaped line breaks in a yaml string",
            input: "private_key: { inline_string: \"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----\\n\" }\nafter\n",
            expected: "private_key: { inline_string: \"\\n\" }\nafter\n",
            keys: 1,
        },
        Case {
            name: "key on one line joined by spaces",
            input: "-----BEGIN PRIVATE KEY----- MIIE AAAA -----END PRIVATE KEY-----\nafter",
            expected: "\nafter",
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
