//! Private keys in every form people paste them: each is reported as
//! `tls-private-key-pasted`, and no run of its base64 reaches the parsed input,
//! a warning or any report.
//!
//! The keys in fixtures/keys are throwaway test keys. cert-with-keys.pem
//! contains one of each PEM label (PKCS#8, EC, RSA, encrypted PKCS#8) between
//! two certificates.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use meshtls_engine::diagnosis::{diagnose, report, Code, Diagnosis, Input, Options};
use meshtls_engine::evidence::pem::{self, PrivateKeyKind};
use meshtls_engine::evidence::Records;

/// 2026-12-04T00:00:00Z, inside the test certificates' validity.
const NOW: i64 = 1_796_342_400;

/// Length of the base64 windows searched for in the outputs. Sixteen base64
/// characters (96 bits) do not repeat by chance in a few kilobytes of text.
const WINDOW: usize = 16;

/// Bytes of base64 skipped at the start of each key body: the ASN.1 header of a
/// key of a given type and size is the same for every key, so it is no secret.
const HEADER: usize = 32;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// One PEM block of cert-with-keys.pem: its label and its base64 lines.
struct Block {
    label: String,
    lines: Vec<String>,
}

impl Block {
    fn begin(&self) -> String {
        format!("-----BEGIN {}-----", self.label)
    }

    fn end(&self) -> String {
        format!("-----END {}-----", self.label)
    }

    /// Returns the block with its lines joined by `separator`.
    fn joined(&self, separator: &str) -> String {
        let mut parts = vec![self.begin()];
        parts.extend(self.lines.iter().cloned());
        parts.push(self.end());
        parts.join(separator)
    }
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in text.lines() {
        if let Some(label) = line.strip_prefix("-----BEGIN ") {
            let label = label.trim_end_matches('-').to_string();
            open = Some(Block { label, lines: Vec::new() });
        } else if line.starts_with("-----END ") {
            blocks.extend(open.take());
        } else if let Some(block) = open.as_mut() {
            block.lines.push(line.to_string());
        }
    }
    blocks
}

fn key_blocks() -> Vec<Block> {
    blocks(&fixture("cert-with-keys.pem"))
        .into_iter()
        .filter(|block| block.label.contains("PRIVATE KEY"))
        .collect()
}

fn certificate_block() -> Block {
    blocks(&fixture("cert-with-keys.pem"))
        .into_iter()
        .find(|block| block.label == "CERTIFICATE")
        .expect("a certificate in cert-with-keys.pem")
}

/// Returns the base64 of every private key in `text`, whatever separates its
/// lines: real line breaks, spaces, or `\n` escapes.
fn key_bodies(text: &str) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("PRIVATE KEY-----") {
        let after = &rest[start + "PRIVATE KEY-----".len()..];
        let end = after.find("-----END").unwrap_or(after.len());
        let body = after[..end].replace("\\n", "").replace("\\r", "");
        let body: String = body
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .collect();
        // Encrypted PEM headers (`Proc-Type:`) are not base64; the tests use none.
        bodies.push(body);
        rest = &after[end..];
        // Skip the END marker's own `PRIVATE KEY-----`.
        if let Some(next) = rest.find("PRIVATE KEY-----") {
            rest = &rest[next + "PRIVATE KEY-----".len()..];
        } else {
            break;
        }
    }
    bodies
}

/// Returns the windows of `body` searched for in the outputs.
fn windows(body: &str) -> Vec<&str> {
    let body = body.get(HEADER..).unwrap_or_default();
    (0..body.len().saturating_sub(WINDOW))
        .step_by(WINDOW / 2)
        .map(|i| &body[i..i + WINDOW])
        .collect()
}

/// Everything that can leave the engine for one input: its lines, its
/// warnings, and the three reports.
fn outputs(input: &Input, diagnosis: &Diagnosis) -> Vec<(&'static str, String)> {
    let inputs = std::slice::from_ref(input);
    let lines: Vec<&str> =
        (1..=input.text.lines().count() + 1).filter_map(|n| input.line(n)).collect();
    vec![
        ("Input::text", input.text.clone()),
        ("Input::line", lines.join("\n")),
        ("warnings", format!("{:?}", input.parsed.warnings)),
        ("parts", format!("{:?}", input.parsed.parts)),
        ("json", report::to_json(inputs, diagnosis).to_string()),
        ("text", report::to_text(inputs, diagnosis)),
        ("markdown", report::to_markdown(inputs, diagnosis)),
    ]
}

/// Parses and diagnoses `text`, then checks that `keys` private keys are
/// reported and that no window of their base64 appears in any output.
fn check(name: &str, text: &str, keys: usize) -> (Input, Diagnosis) {
    let bodies = key_bodies(text);
    assert_eq!(bodies.len(), keys, "{name}: key bodies in the test input");
    let input = Input::parse(name, text);
    let diagnosis =
        diagnose(std::slice::from_ref(&input), &Options { now: NOW, ..Options::default() });

    let reported: Vec<_> =
        diagnosis.findings.iter().filter(|f| f.code == Code::TlsPrivateKeyPasted).collect();
    assert!(!reported.is_empty(), "{name}: no tls-private-key-pasted finding");
    let evidence = reported.iter().map(|finding| finding.evidence.len()).sum::<usize>();
    assert_eq!(evidence, keys, "{name}: one evidence line per key");
    assert_eq!(input.private_keys.len(), keys, "{name}: keys removed by Input::parse");

    for (output, rendered) in outputs(&input, &diagnosis) {
        assert!(!rendered.contains("PRIVATE KEY-----"), "{name}: a key marker in {output}");
        for body in &bodies {
            for window in windows(body) {
                assert!(!rendered.contains(window), "{name}: key text `{window}` in {output}");
            }
        }
    }
    (input, diagnosis)
}

// ----- each key label in each form -------------------------------------------------

/// Wraps a key in the text around it, for one paste form.
type Form = fn(&Block) -> String;

fn multi_line(key: &Block) -> String {
    format!("before\n{}\nafter\n", key.joined("\n"))
}

fn multi_line_crlf(key: &Block) -> String {
    format!("before\r\n{}\r\nafter\r\n", key.joined("\r\n"))
}

fn indented(key: &Block) -> String {
    format!("tls.key: |\n    {}\n", key.joined("\n    "))
}

fn one_line_spaces(key: &Block) -> String {
    format!("{}\n", key.joined(" "))
}

fn one_line_escaped(key: &Block) -> String {
    format!("{}\\n\n", key.joined("\\n"))
}

fn json_string(key: &Block) -> String {
    format!("{{\n  \"private_key\": \"{}\\n\"\n}}\n", key.joined("\\n"))
}

fn yaml_inline_string(key: &Block) -> String {
    format!(
        "tls_certificates:\n- private_key: {{ inline_string: \"{}\\n\" }}\n  certificate_chain: {{ filename: /certs/chain.pem }}\n",
        key.joined("\\n")
    )
}

fn key_then_certificate(key: &Block) -> String {
    format!("{} {}\n", key.joined(" "), certificate_block().joined(" "))
}

fn unterminated(key: &Block) -> String {
    let mut lines = vec![key.begin()];
    lines.extend(key.lines.iter().cloned());
    format!("before\n{}", lines.join("\n"))
}

macro_rules! key_forms {
    ($($name:ident: $form:expr,)*) => {$(
        #[test]
        fn $name() {
            let form: Form = $form;
            let keys = key_blocks();
            assert_eq!(keys.len(), 4, "PKCS#8, EC, RSA and encrypted PKCS#8 keys in the fixture");
            for key in &keys {
                let name = format!("{} {}", stringify!($name), key.label);
                check(&name, &form(key), 1);
            }
        }
    )*};
}

key_forms! {
    form_multi_line: multi_line,
    form_multi_line_crlf: multi_line_crlf,
    form_indented_yaml_block: indented,
    form_one_line_spaces: one_line_spaces,
    form_one_line_escaped_newlines: one_line_escaped,
    form_json_escaped_newlines: json_string,
    form_yaml_inline_string: yaml_inline_string,
    form_key_then_certificate_on_one_line: key_then_certificate,
    form_unterminated: unterminated,
}

/// A Kubernetes `kubernetes.io/tls` Secret as `kubectl get secret -o yaml`
/// prints it: each PEM file base64-encoded whole under `data`.
#[test]
fn kubernetes_secret_data() {
    for key in key_blocks() {
        let pem = format!("{}\n", key.joined("\n"));
        let encoded = STANDARD.encode(pem.as_bytes());
        let certificate = STANDARD.encode(format!("{}\n", certificate_block().joined("\n")));
        let text = format!(
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {certificate}\n  tls.key: {encoded}\n"
        );
        let input = Input::parse("secret.yaml", &text);
        let diagnosis =
            diagnose(std::slice::from_ref(&input), &Options { now: NOW, ..Options::default() });
        let name = &key.label;
        assert_eq!(input.private_keys.len(), 1, "{name}: keys removed");
        assert_eq!(input.private_keys[0].line, 6, "{name}: key line");
        assert!(diagnosis.codes().contains(&Code::TlsPrivateKeyPasted), "{name}: no finding");
        assert!(input.text.contains(&certificate), "{name}: the certificate token is kept");
        for (output, rendered) in outputs(&input, &diagnosis) {
            for window in windows(&encoded) {
                assert!(!rendered.contains(window), "{name}: encoded key `{window}` in {output}");
            }
        }
    }
}

#[test]
fn certificate_after_key_on_one_line_is_read() {
    let key = &key_blocks()[0];
    let (input, _) = check("key then certificate", &key_then_certificate(key), 1);
    let certificates: usize = input
        .parsed
        .parts
        .iter()
        .filter_map(|part| match &part.records {
            Records::Pem(bundle) => Some(bundle.certificates.len()),
            _ => None,
        })
        .sum();
    assert_eq!(certificates, 1);
}

#[test]
fn kinds_follow_pem_labels() {
    let kinds: Vec<PrivateKeyKind> = key_blocks()
        .iter()
        .map(|key| Input::parse("key", &one_line_escaped(key)).private_keys[0].kind)
        .collect();
    assert_eq!(
        kinds,
        [
            PrivateKeyKind::Pkcs8,
            PrivateKeyKind::Ec,
            PrivateKeyKind::Rsa,
            PrivateKeyKind::EncryptedPkcs8
        ]
    );
}

// ----- the pastes of a new-user test -----------------------------------------------

macro_rules! key_fixtures {
    ($($name:ident: $file:expr, $keys:expr,)*) => {$(
        #[test]
        fn $name() {
            check($file, &fixture($file), $keys);
        }
    )*};
}

key_fixtures! {
    fixture_ec_key_one_line: "ec-key-one-line.txt", 1,
    fixture_rsa_key_one_line: "key-one-line.txt", 1,
    fixture_ec_key_multi_line: "ec-key-multiline.pem", 1,
    fixture_envoy_bootstrap_inline_string: "ec-key-envoy-bootstrap.yaml", 1,
    fixture_envoy_inline_string_rsa: "key-envoy-inline-string.yaml", 1,
    fixture_json_escaped: "key-json-escaped.json", 1,
    fixture_key_only: "key-only.pem", 1,
    fixture_four_keys_between_certificates: "cert-with-keys.pem", 4,
}

// ----- blank_private_keys ----------------------------------------------------------

struct Blanking {
    name: &'static str,
    input: &'static str,
    expected: &'static str,
    /// First and last line of each key.
    keys: &'static [(usize, usize)],
}

const BLANKING: &[Blanking] = &[
    Blanking { name: "no key", input: "a\nb\n", expected: "a\nb\n", keys: &[] },
    Blanking {
        name: "block keeps its line breaks",
        input: "a\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\nb",
        expected: "a\n\n\n\nb",
        keys: &[(2, 4)],
    },
    Blanking {
        name: "escaped key in a quoted string",
        input: "key: \"-----BEGIN EC PRIVATE KEY-----\\nAAAA\\n-----END EC PRIVATE KEY-----\\n\"\n",
        expected: "key: \"\\n\"\n",
        keys: &[(1, 1)],
    },
    Blanking {
        name: "text after the key on its line stays",
        input:
            "-----BEGIN PRIVATE KEY----- AAAA -----END PRIVATE KEY----- -----BEGIN CERTIFICATE-----",
        expected: " -----BEGIN CERTIFICATE-----",
        keys: &[(1, 1)],
    },
    Blanking {
        name: "unterminated key ends at the next block",
        input: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----BEGIN CERTIFICATE-----\nBBBB\n",
        expected: "\n\n-----BEGIN CERTIFICATE-----\nBBBB\n",
        keys: &[(1, 2)],
    },
    Blanking {
        name: "marker without closing dashes",
        input: "-----BEGIN PRIVATE KEY\nAAAA\n-----END PRIVATE KEY\nafter",
        expected: "\n\n\nafter",
        keys: &[(1, 3)],
    },
    Blanking {
        name: "base64-encoded key in a Secret",
        input: "data:\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=\n",
        expected: "data:\n  tls.key: \n",
        keys: &[(2, 2)],
    },
    Blanking {
        name: "encoded marker inside a longer token stays",
        input: "xLS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=",
        expected: "xLS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCkFBQUEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=",
        keys: &[],
    },
    Blanking {
        name: "openssl ec -text dump",
        input: "before\nread EC key\nPrivate-Key: (256 bit)\npriv:\n    0b:b5:cc:7e:b1:5d:26:d4:e3:c3:9c:d3:cb:95:fd:\n    80:5f\npub:\n    04:6d:1a\nASN1 OID: prime256v1\nNIST CURVE: P-256\n\nafter\n",
        expected: "before\nread EC key\n\n\n\n\n\n\n\n\n\nafter\n",
        keys: &[(3, 10)],
    },
    Blanking {
        name: "openssl rsa -text dump from the middle",
        input: "publicExponent: 65537 (0x10001)\nprivateExponent:\n    00:a1:b2\nprime1:\n    00:c3\n[2026-12-04 20:00:00.000][1][info] next\n",
        expected: "publicExponent: 65537 (0x10001)\n\n\n\n\n[2026-12-04 20:00:00.000][1][info] next\n",
        keys: &[(2, 5)],
    },
    Blanking {
        name: "name-value line after an ec dump stays",
        input: "Private-Key: (256 bit)\npriv:\n    0b:b5:cc\npub:\n    04:6d:1a\nASN1 OID: prime256v1\nNIST CURVE: P-256\nserver: envoy\n",
        expected: "\n\n\n\n\n\n\nserver: envoy\n",
        keys: &[(1, 7)],
    },
    Blanking {
        name: "name-value line after an rsa dump stays",
        input: "RSA Private-Key: (2048 bit, 2 primes)\nmodulus:\n    00:c3\npublicExponent: 65537 (0x10001)\ncoefficient:\n    00:aa\nx-request-id: 7551a421\n",
        expected: "\n\n\n\n\n\nx-request-id: 7551a421\n",
        keys: &[(1, 6)],
    },
    Blanking {
        name: "unknown field header keeps the dump",
        input: "Private-Key: (2048 bit, 3 primes)\nprime3:\n    00:dd:ee\nexponent3:\n    00:ff\n",
        expected: "\n\n\n\n\n",
        keys: &[(1, 5)],
    },
    Blanking {
        name: "dh dump one-line field stays inside",
        input: "DH Private-Key: (2048 bit)\nprivate-key:\n    5a:6b\nrecommended-private-length: 224 bits\nP:\n    00:ff\nafter\n",
        expected: "\n\n\n\n\n\nafter\n",
        keys: &[(1, 6)],
    },
    Blanking {
        name: "public key stays",
        input: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        expected: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        keys: &[],
    },
];

#[test]
fn blank_private_keys_cases() {
    for case in BLANKING {
        let blanked = pem::blank_private_keys(case.input);
        assert_eq!(blanked.text, case.expected, "{}: text", case.name);
        assert_eq!(blanked.lines, case.keys, "{}: key lines", case.name);
        assert_eq!(
            blanked.text.matches('\n').count(),
            case.input.matches('\n').count(),
            "{}: line count",
            case.name
        );
    }
}

// ----- the finding's evidence and the warnings ---------------------------------------

/// The finding's evidence line names the blanked lines and none of the key.
#[test]
fn evidence_names_blanked_lines() {
    for key in &key_blocks() {
        // "before", then BEGIN, the base64 lines and END, then "after".
        let last = 2 + key.lines.len() + 1;
        let (_, diagnosis) = check(&key.label, &multi_line(key), 1);
        let evidence: Vec<String> = diagnosis
            .findings
            .iter()
            .filter(|f| f.code == Code::TlsPrivateKeyPasted)
            .flat_map(|f| f.evidence.iter().map(|e| format!("{}:{} {}", e.input, e.line, e.text)))
            .collect();
        assert_eq!(
            evidence,
            [format!("{}:2 lines 2-{last}: private key, blanked", key.label)],
            "{}",
            key.label
        );
    }
}

#[test]
fn evidence_of_one_line_key() {
    let key = &key_blocks()[0];
    let (_, diagnosis) = check("one line", &one_line_spaces(key), 1);
    let finding = diagnosis.findings.iter().find(|f| f.code == Code::TlsPrivateKeyPasted);
    let texts: Vec<&str> =
        finding.iter().flat_map(|f| f.evidence.iter().map(|e| e.text.as_str())).collect();
    assert_eq!(texts, ["line 1: private key, blanked"]);
}

/// A paste of only a key gets the key finding and no warning that it was empty
/// or had Windows line ends.
#[test]
fn key_only_paste_has_no_warnings() {
    for key in &key_blocks() {
        for (form, text) in [
            ("LF", format!("{}\n", key.joined("\n"))),
            ("CRLF", format!("{}\r\n", key.joined("\r\n"))),
            ("indented", format!("  {}\n\n", key.joined("\n  "))),
        ] {
            let name = format!("{} {form}", key.label);
            let (input, _) = check(&name, &text, 1);
            assert_eq!(input.parsed.warnings, [], "{name}");
        }
    }
}

/// A paste of blank lines without a key still gets the whitespace warning.
#[test]
fn blank_paste_still_warned() {
    let input = Input::parse("blank", "\n  \n\n");
    let warnings: Vec<String> = input.parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.iter().any(|w| w.contains("input holds only whitespace")), "{warnings:#?}");
}
