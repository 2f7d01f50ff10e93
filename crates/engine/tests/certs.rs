//! The `/certs` reader: every shape Envoy printed, the repairs a pasted fragment needs,
//! and the real outputs under fixtures/certs.

use meshtls_engine::evidence::certs::{self, CertAnomaly, CertDetails, CertsDump, SubjectAltName};
use meshtls_engine::evidence::Warning;

fn fixture(name: &str) -> (CertsDump, Vec<Warning>) {
    let path = format!("{}/tests/fixtures/certs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    certs::parse(&text, 1)
}

fn leaf(dump: &CertsDump, context: usize) -> &CertDetails {
    dump.contexts[context].cert_chain.first().expect("a cert_chain entry")
}

fn uris(details: &CertDetails) -> Vec<&str> {
    details
        .subject_alt_names
        .iter()
        .filter_map(|san| match san {
            SubjectAltName::Uri(uri) => Some(uri.as_str()),
            _ => None,
        })
        .collect()
}

// ----- real outputs ------------------------------------------------------------------

#[test]
fn appmesh_spire_complete_dump() {
    let (dump, warnings) = fixture("certs-appmesh-sds-spire.json");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(dump.has_certificates_key);
    assert!(!dump.fragment);
    assert_eq!(dump.contexts.len(), 1);
    let context = &dump.contexts[0];
    assert_eq!(context.line, 3);
    let ca = &context.ca_cert[0];
    assert_eq!(ca.line, 5);
    assert_eq!(ca.path.as_deref(), Some("<inline>"));
    assert_eq!(ca.serial_number.as_deref(), Some("0"));
    assert_eq!(uris(ca), ["spiffe://howto-k8s-mtls-sds-based.aws"]);
    assert_eq!(ca.days_until_expiration, Some(0));
    assert_eq!(ca.valid_from.as_ref().unwrap().unix.unwrap().seconds, 1_606_021_983);
    let leaf = leaf(&dump, 0);
    assert_eq!(leaf.line, 19);
    assert_eq!(leaf.serial_number.as_deref(), Some("52f3b82ebb99af2d826bc1c3ac3835ba"));
    assert_eq!(uris(leaf), ["spiffe://howto-k8s-mtls-sds-based.aws/colorgreen"]);
    assert_eq!(leaf.expiration_time.as_ref().unwrap().text, "2020-11-22T06:18:39Z");
    assert!(leaf.anomalies.is_empty());
}

#[test]
fn appmesh_spire_empty_dump() {
    let (dump, warnings) = fixture("certs-appmesh-sds-spire-empty.json");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(dump.has_certificates_key);
    assert!(dump.contexts.is_empty());
    assert!(!dump.fragment);
}

#[test]
fn front_fragment_without_braces() {
    let (dump, warnings) = fixture("certs-appmesh-sds-spire-front-fragment.txt");
    assert!(dump.fragment);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(dump.contexts.len(), 1);
    assert_eq!(uris(&dump.contexts[0].ca_cert[0]), ["spiffe://howto-k8s-mtls-sds-based.aws"]);
    assert_eq!(uris(leaf(&dump, 0)), ["spiffe://howto-k8s-mtls-sds-based.aws/front"]);
    assert_eq!(leaf(&dump, 0).line, 16);
}

#[test]
fn istio_fragment_starting_inside_a_certificate() {
    let (dump, warnings) = fixture("certs-istio-14942-fragment.txt");
    assert!(dump.fragment);
    assert!(
        warnings.iter().any(|w| w.line == 1 && w.message.contains("expiration_time")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.line == 2 && w.message.contains("closing bracket")),
        "{warnings:?}"
    );
    assert_eq!(dump.contexts.len(), 1);
    let context = &dump.contexts[0];
    assert_eq!(context.line, 5);
    assert!(context.ca_cert[0].subject_alt_names.is_empty());
    assert_eq!(context.ca_cert[0].days_until_expiration, Some(329));
    assert_eq!(uris(leaf(&dump, 0)), ["spiffe://cluster.local/ns/my-namespace/sa/my-application"]);
}

#[test]
fn istio_hundred_year_ca() {
    let (dump, _) = fixture("certs-istio-39985-fragment.txt");
    assert_eq!(dump.contexts.len(), 1);
    let ca = &dump.contexts[0].ca_cert[0];
    assert_eq!(ca.days_until_expiration, Some(34863));
    assert_eq!(ca.expiration_time.as_ref().unwrap().unix.unwrap().seconds, 4_670_421_351);
    assert!(ca.anomalies.is_empty());
}

#[test]
fn expired_leaf_with_days_zero_and_trailing_comma() {
    let (dump, warnings) = fixture("case07-fragment-expired-days-zero.json");
    assert!(dump.fragment);
    assert!(!dump.has_certificates_key);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let context = &dump.contexts[0];
    assert_eq!(context.ca_cert.len(), 1);
    assert_eq!(context.cert_chain.len(), 1);
    let leaf = leaf(&dump, 0);
    assert_eq!(leaf.days_until_expiration, Some(0));
    assert_eq!(uris(leaf), ["spiffe://cluster.local/ns/default/sa/default"]);
    // 2020-02-19T01:11:09Z: the reader records it, the diagnosis compares it with the capture time.
    assert_eq!(leaf.expiration_time.as_ref().unwrap().unix.unwrap().seconds, 1_582_074_669);
}

#[test]
fn curl_transcript_comment_and_cut_off_end() {
    let (dump, warnings) = fixture("case11-curl-comment-truncated.json");
    assert!(dump.has_certificates_key);
    assert!(dump.fragment);
    let lines: Vec<usize> = warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [1, 20, 22], "{warnings:?}");
    assert!(warnings[0].message.contains("lines 1 to 16"));
    let context = &dump.contexts[0];
    assert!(context.ca_cert_seen);
    assert!(context.ca_cert.is_empty());
    assert!(context.cert_chain_seen);
    let leaf = leaf(&dump, 0);
    assert_eq!(leaf.serial_number.as_deref(), Some("37448cb06ada3aa1133840343abd8076"));
    assert_eq!(leaf.days_until_expiration, None);
}

// ----- shapes and repairs ------------------------------------------------------------

struct Expect {
    contexts: usize,
    ca_certs: usize,
    chains: usize,
    warnings: usize,
    fragment: bool,
}

macro_rules! shape_cases {
    ($($name:ident: $text:expr => $expected:expr,)*) => {$(
        #[test]
        fn $name() {
            let expected: Expect = $expected;
            let (dump, warnings) = certs::parse($text, 1);
            assert_eq!(dump.contexts.len(), expected.contexts, "contexts: {dump:#?}");
            let ca: usize = dump.contexts.iter().map(|c| c.ca_cert.len()).sum();
            let chains: usize = dump.contexts.iter().map(|c| c.cert_chain.len()).sum();
            assert_eq!(ca, expected.ca_certs, "ca_cert entries");
            assert_eq!(chains, expected.chains, "cert_chain entries");
            assert_eq!(warnings.len(), expected.warnings, "warnings: {warnings:?}");
            assert_eq!(dump.fragment, expected.fragment, "fragment");
        }
    )*};
}

shape_cases! {
    compact_json: r#"{"certificates":[{"ca_cert":[{"path":"/keys/ca.pem","serial_number":"1","subject_alt_names":[],"days_until_expiration":"10"}],"cert_chain":[]}]}"#
        => Expect { contexts: 1, ca_certs: 1, chains: 0, warnings: 0, fragment: false },
    two_contexts_duplicated: r#"{"certificates":[{"ca_cert":[{"path":"a"}],"cert_chain":[{"path":"b"}]},{"ca_cert":[{"path":"a"}],"cert_chain":[{"path":"b"}]}]}"#
        => Expect { contexts: 2, ca_certs: 2, chains: 2, warnings: 0, fragment: false },
    jq_certificates_array: r#"[{"ca_cert":[],"cert_chain":[{"path":"b"}]}]"#
        => Expect { contexts: 1, ca_certs: 0, chains: 1, warnings: 0, fragment: false },
    envoy_18_single_objects: r#"{"certificates":[{"ca_cert":{"path":"/c.pem","serial_number":"ab","days_until_expiration":"5"},"cert_chain":{"path":"/l.pem"}}]}"#
        => Expect { contexts: 1, ca_certs: 1, chains: 1, warnings: 0, fragment: false },
    envoy_17_text_entries: "{\n\t\"ca_cert\": \"Certificate Path: /etc/ca.pem, Serial Number: 0a, Days until Expiration: -3\",\n\t\"cert_chain\": \"\"\n}\n"
        => Expect { contexts: 1, ca_certs: 1, chains: 0, warnings: 1, fragment: true },
    trailing_commas: "{\"certificates\": [ {\"ca_cert\": [], \"cert_chain\": [{\"path\": \"x\",},],}, ]}"
        => Expect { contexts: 1, ca_certs: 0, chains: 1, warnings: 4, fragment: true },
    slash_comment: "{\"certificates\": [ // from the gateway\n {\"ca_cert\": [], \"cert_chain\": []}]}"
        => Expect { contexts: 1, ca_certs: 0, chains: 0, warnings: 1, fragment: true },
    ellipsis_between_entries: "{\"certificates\": [\n {\"ca_cert\": [], \"cert_chain\": []},\n ...\n {\"ca_cert\": [], \"cert_chain\": []}\n]}"
        => Expect { contexts: 2, ca_certs: 0, chains: 0, warnings: 1, fragment: true },
    unicode_ellipsis: "{\"certificates\": [\u{2026}]}"
        => Expect { contexts: 0, ca_certs: 0, chains: 0, warnings: 1, fragment: true },
    leading_curl_command: "$ curl -s localhost:9901/certs\n{\"certificates\": []}"
        => Expect { contexts: 0, ca_certs: 0, chains: 0, warnings: 1, fragment: true },
    not_json_at_all: "hello world\nthis is not certs"
        => Expect { contexts: 0, ca_certs: 0, chains: 0, warnings: 2, fragment: true },
    empty_input: ""
        => Expect { contexts: 0, ca_certs: 0, chains: 0, warnings: 1, fragment: false },
    unterminated_string: "{\"certificates\": [{\"ca_cert\": [{\"path\": \"/keys/ca\n"
        => Expect { contexts: 1, ca_certs: 1, chains: 0, warnings: 2, fragment: true },
    deep_nesting_is_skipped: &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))
        => Expect { contexts: 0, ca_certs: 0, chains: 0, warnings: 3, fragment: true },
}

// ----- values ------------------------------------------------------------------------

fn only_details(json: &str) -> CertDetails {
    let text = format!(r#"{{"certificates":[{{"ca_cert":[],"cert_chain":[{json}]}}]}}"#);
    let (dump, _) = certs::parse(&text, 1);
    dump.contexts[0].cert_chain[0].clone()
}

macro_rules! days_cases {
    ($($name:ident: $printed:expr => $days:expr, $anomaly:expr;)*) => {$(
        #[test]
        fn $name() {
            let details = only_details(&format!(r#"{{"days_until_expiration": {}}}"#, $printed));
            assert_eq!(details.days_until_expiration, $days);
            assert_eq!(details.anomalies, $anomaly);
        }
    )*};
}

days_cases! {
    days_string: "\"329\"" => Some(329), vec![];
    days_number: "329" => Some(329), vec![];
    days_negative_old_text: "\"-3\"" => Some(-3), vec![];
    days_wrapped_uint64: "\"18446744073709551613\"" => Some(-3),
        vec![CertAnomaly::DaysWrapped { printed: "18446744073709551613".into() }];
    days_two_to_the_63: "\"9223372036854775808\"" => Some(i64::MIN),
        vec![CertAnomaly::DaysWrapped { printed: "9223372036854775808".into() }];
    days_too_large: "\"18446744073709551616\"" => None,
        vec![CertAnomaly::DaysNotInteger { printed: "18446744073709551616".into() }];
    days_not_a_number: "\"soon\"" => None,
        vec![CertAnomaly::DaysNotInteger { printed: "soon".into() }];
}

#[test]
fn wrapped_expiration_before_valid_from() {
    let details = only_details(
        r#"{"days_until_expiration": "36196", "valid_from": "2018-04-15T15:43:17Z", "expiration_time": "1982-03-19T15:43:17Z"}"#,
    );
    assert_eq!(details.anomalies, [CertAnomaly::ExpirationBeforeValidFrom]);
}

#[test]
fn unreadable_timestamp_is_kept_as_text() {
    let details = only_details(r#"{"valid_from": "yesterday"}"#);
    assert_eq!(details.valid_from.as_ref().unwrap().text, "yesterday");
    assert_eq!(details.valid_from.as_ref().unwrap().unix, None);
    assert_eq!(
        details.anomalies,
        [CertAnomaly::TimestampUnreadable {
            field: "valid_from".into(),
            printed: "yesterday".into()
        }]
    );
}

#[test]
fn all_san_kinds_in_order() {
    let details = only_details(
        r#"{"subject_alt_names": [{"dns": "a.example"}, {"uri": "spiffe://td/ns/x"}, {"ip_address": "192.0.2.1"}]}"#,
    );
    assert_eq!(
        details.subject_alt_names,
        [
            SubjectAltName::Dns("a.example".into()),
            SubjectAltName::Uri("spiffe://td/ns/x".into()),
            SubjectAltName::IpAddress("192.0.2.1".into()),
        ]
    );
}

#[test]
fn escaped_path_and_surrogate_pair() {
    let details =
        only_details(r#"{"path": "\u003cinline\u003e", "serial_number": "\ud83d\ude00"}"#);
    assert_eq!(details.path.as_deref(), Some("<inline>"));
    assert_eq!(details.serial_number.as_deref(), Some("\u{1f600}"));
}

#[test]
fn ocsp_details_are_read() {
    let details = only_details(
        r#"{"ocsp_details": {"valid_from": "2021-01-01T00:00:00Z", "expiration": "2021-01-08T00:00:00Z"}}"#,
    );
    let ocsp = details.ocsp_details.expect("ocsp_details");
    assert_eq!(ocsp.valid_from.unwrap().unix.unwrap().seconds, 1_609_459_200);
    assert_eq!(ocsp.expiration.unwrap().text, "2021-01-08T00:00:00Z");
}

#[test]
fn fractional_seconds_timestamp() {
    let details = only_details(r#"{"expiration_time": "2020-11-22T06:18:39.500Z"}"#);
    let unix = details.expiration_time.unwrap().unix.unwrap();
    assert_eq!((unix.seconds, unix.millis), (1_606_025_919, 500));
}

#[test]
fn lines_count_from_first_line() {
    let (dump, _) = certs::parse(
        "{\n \"certificates\": [\n  {\n   \"ca_cert\": [\n    {}\n   ]\n  }\n ]\n}",
        41,
    );
    assert_eq!(dump.contexts[0].line, 43);
    assert_eq!(dump.contexts[0].ca_cert[0].line, 45);
}

#[test]
fn many_repairs_are_summarised() {
    let text = "# note\n".repeat(200) + "{\"certificates\": []}";
    let (dump, warnings) = certs::parse(&text, 1);
    assert!(dump.has_certificates_key);
    assert!(warnings.len() <= 25, "{} warnings", warnings.len());
    assert!(warnings.last().unwrap().message.contains("more"));
}
