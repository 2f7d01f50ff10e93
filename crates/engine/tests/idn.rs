//! Internationalised host names: Punycode against the sample strings of
//! RFC 3492 section 7.1, and SAN matching of a host typed in Unicode against a
//! certificate that carries the ASCII form (fixtures/x509/leaf-idn.pem, made
//! by generate_idn.py).

use meshtls_engine::diagnosis::{self, Code, Diagnosis, Input, Options};
use meshtls_engine::x509::punycode::{domain_to_ascii, encode};
use meshtls_engine::x509::{match_name, SanMatch, SubjectAltName};

/// 2026-06-01 00:00:00 UTC, inside the validity of leaf-idn.pem.
const NOW: i64 = 1_780_272_000;

/// Builds a string from code points, as RFC 3492 lists its samples.
fn chars(code_points: &[u32]) -> String {
    code_points.iter().map(|&c| char::from_u32(c).expect("a scalar value")).collect()
}

macro_rules! rfc3492_samples {
    ($($name:ident: $input:expr => $expected:literal,)*) => {$(
        #[test]
        fn $name() {
            assert_eq!(encode($input).as_deref(), Some($expected));
        }
    )*};
}

rfc3492_samples! {
    sample_a_arabic: &chars(&[
        0x644, 0x64A, 0x647, 0x645, 0x627, 0x628, 0x62A, 0x643, 0x644, 0x645, 0x648, 0x634,
        0x639, 0x631, 0x628, 0x64A, 0x61F,
    ]) => "egbpdaj6bu4bxfgehfvwxn",
    sample_b_chinese_simplified: &chars(&[
        0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587,
    ]) => "ihqwcrb4cv8a8dqg056pqjye",
    sample_c_chinese_traditional: &chars(&[
        0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA, 0x4E2D, 0x6587,
    ]) => "ihqwctvzc91f659drss3x8bo0yb",
    sample_d_czech: "Pro\u{10d}prost\u{11b}nemluv\u{ed}\u{10d}esky"
        => "Proprostnemluvesky-uyb24dma41a",
    sample_l_digits_and_kanji: "3\u{5e74}B\u{7d44}\u{91d1}\u{516b}\u{5148}\u{751f}"
        => "3B-ww4c5e180e575a65lsy2b",
    sample_m_leading_non_ascii: "\u{5b89}\u{5ba4}\u{5948}\u{7f8e}\u{6075}-with-SUPER-MONKEYS"
        => "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
    sample_n_trailing_non_ascii:
        "Hello-Another-Way-\u{305d}\u{308c}\u{305e}\u{308c}\u{306e}\u{5834}\u{6240}"
        => "Hello-Another-Way--fc4qua05auwb3674vfr0b",
    sample_o_trailing_digit: "\u{3072}\u{3068}\u{3064}\u{5c4b}\u{6839}\u{306e}\u{4e0b}2"
        => "2-u9tlzr9756bt3uc0v",
    sample_p_mixed: "Maji\u{3067}Koi\u{3059}\u{308b}5\u{79d2}\u{524d}"
        => "MajiKoi5-783gue6qz075azm5e",
    sample_q_katakana_around_ascii:
        "\u{30d1}\u{30d5}\u{30a3}\u{30fc}de\u{30eb}\u{30f3}\u{30d0}"
        => "de-jg4avhby1noc0d",
    sample_r_no_ascii: "\u{305d}\u{306e}\u{30b9}\u{30d4}\u{30fc}\u{30c9}\u{3067}"
        => "d9juau41awczczp",
    sample_s_ascii_only: "-> $1.00 <-" => "-> $1.00 <--",
}

#[test]
fn domain_to_ascii_cases() {
    let rows: &[(&str, &str, Option<&str>)] = &[
        ("one label", "bücher.example", Some("xn--bcher-kva.example")),
        ("lowercased first", "BÜCHER.Example", Some("xn--bcher-kva.Example")),
        ("two labels", "www.münchen.bücher", Some("www.xn--mnchen-3ya.xn--bcher-kva")),
        ("trailing dot", "bücher.example.", Some("xn--bcher-kva.example.")),
        ("ascii needs none", "web.apps.local", None),
    ];
    for (name, input, expected) in rows {
        assert_eq!(domain_to_ascii(input).as_deref(), *expected, "{name}");
    }
}

#[test]
fn match_name_compares_ascii_form() {
    let sans = [
        SubjectAltName::Dns("xn--bcher-kva.example".to_string()),
        SubjectAltName::Dns("*.xn--mnchen-3ya.example".to_string()),
    ];
    assert_eq!(match_name("bücher.example", &sans), SanMatch::Exact(sans[0].clone()));
    assert_eq!(match_name("Bücher.example.", &sans), SanMatch::Exact(sans[0].clone()));
    assert_eq!(match_name("www.münchen.example", &sans), SanMatch::Wildcard(sans[1].clone()));
    assert_eq!(match_name("bucher.example", &sans), SanMatch::None);
}

fn diagnose_leaf(host: &str) -> Diagnosis {
    let path = format!("{}/tests/fixtures/x509/leaf-idn.pem", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let options = Options { now: NOW, host: Some(host.to_string()), ..Options::default() };
    diagnosis::diagnose(&[Input::parse("leaf-idn.pem", &text)], &options)
}

fn san_mismatch_details(diagnosis: &Diagnosis) -> Vec<String> {
    diagnosis
        .findings
        .iter()
        .filter(|finding| finding.code == Code::TlsSanMismatch)
        .flat_map(|finding| finding.details.clone())
        .collect()
}

#[test]
fn unicode_host_matches_certificate() {
    for host in ["bücher.example", "BÜCHER.EXAMPLE", "www.münchen.example"] {
        let diagnosis = diagnose_leaf(host);
        assert!(!diagnosis.codes().contains(&Code::TlsSanMismatch), "{host}: {diagnosis:?}");
    }
}

#[test]
fn unicode_host_mismatch_names_ascii_form() {
    let diagnosis = diagnose_leaf("bücher.test");
    let details = san_mismatch_details(&diagnosis);
    assert!(!details.is_empty(), "{:?}", diagnosis.codes());
    let text = details.join(" ");
    assert!(text.contains("`bücher.test`"), "{text}");
    assert!(text.contains("compared in its ASCII form `xn--bcher-kva.test`"), "{text}");
    assert!(text.contains("xn--bcher-kva.example"), "{text}");
}

#[test]
fn ascii_host_mismatch_has_no_ascii_note() {
    let details = san_mismatch_details(&diagnose_leaf("api.example"));
    assert!(!details.is_empty());
    assert!(!details.join(" ").contains("ASCII form"), "{details:?}");
}
