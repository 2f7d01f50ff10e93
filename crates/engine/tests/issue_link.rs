//! The pre-filled issue link: template sections, form encoding, the URL length limit
//! and the security route.

use meshtls_engine::config::Config;
use meshtls_engine::issue_link::{
    build_issue_link, form_urlencode, issue_body, issue_title, IssueFinding, IssueLink,
    IssueReport, MAX_ISSUE_URL_LEN, MAX_TITLE_CHARS, TEMPLATE_SECTIONS,
};

/// Decodes `application/x-www-form-urlencoded` independently of the encoder under test.
fn form_urldecode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Splits a URL's query into decoded parameters, in order.
fn query(url: &str) -> Vec<(String, String)> {
    let (_, query) = url.split_once('?').unwrap();
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_string(), form_urldecode(value))
        })
        .collect()
}

fn param(url: &str, name: &str) -> String {
    query(url).into_iter().find(|(n, _)| n == name).map(|(_, v)| v).unwrap()
}

fn issue_url(link: &IssueLink) -> (&str, bool) {
    match link {
        IssueLink::Issue { url, shortened } => (url, *shortened),
        IssueLink::VulnerabilityReport { url } => panic!("expected an issue, got {url}"),
    }
}

fn sample_report() -> IssueReport {
    IssueReport {
        title: "Backend with TLS client policy returns 503".to_string(),
        summary: "Calls from <host-1> to <host-2> fail with HTTP 503.\nThe peer is <ip-1>."
            .to_string(),
        steps_to_reproduce: vec![
            "Add a TLS client policy to the backend".to_string(),
            "curl http://<host-2>:8080/".to_string(),
        ],
        workaround: String::new(),
        evidence_excerpt: "[2024-07-24 19:44:18.491][1][debug][connection] TLS error: \
            268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED\n\
            remote address:<ip-1>:443"
            .to_string(),
        findings: vec![IssueFinding {
            code: "tls-untrusted-ca".to_string(),
            severity: "error".to_string(),
            title: "The peer's certificate does not chain to the trust bundle".to_string(),
            security: false,
        }],
        ruled_out: vec!["Expired certificate: every notAfter is in the future".to_string()],
        environment: vec![("Envoy image".to_string(), "v1.34.13.3-prod".to_string())],
    }
}

fn assert_sections_in_order(body: &str) {
    let mut from = 0;
    for section in TEMPLATE_SECTIONS {
        let heading = format!("**{section}**");
        let position = body[from..]
            .find(&heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order in:\n{body}"));
        from += position + heading.len();
    }
}

#[test]
fn url_has_template_parameters_in_order() {
    let link = build_issue_link(&sample_report(), &Config::default());
    let (url, shortened) = issue_url(&link);
    assert!(!shortened);
    assert!(
        url.starts_with(
            "https://github.com/aws/aws-app-mesh-roadmap/issues/new?assignees=&labels=Bug\
             &template=issue--bug-report.md&title=Bug%3A+Backend+with+TLS"
        ),
        "{url}"
    );
    let names: Vec<String> = query(url).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["assignees", "labels", "template", "title", "body"]);
}

#[test]
fn body_follows_template_sections() {
    let link = build_issue_link(&sample_report(), &Config::default());
    let body = param(link.url(), "body");
    assert_sections_in_order(&body);
    assert_eq!(body, issue_body(&sample_report(), &Config::default()));
    assert!(body.contains("1. Add a TLS client policy to the backend\n"), "{body}");
    assert!(body.contains("- error `tls-untrusted-ca`: The peer's certificate"), "{body}");
    assert!(body.contains("- Envoy image: v1.34.13.3-prod\n"), "{body}");
    assert!(body.contains("Ruled out:\n- Expired certificate"), "{body}");
    assert!(body.contains("_How are you currently solving this problem?_"), "{body}");
}

#[test]
fn title_gets_template_prefix() {
    let link = build_issue_link(&sample_report(), &Config::default());
    assert_eq!(param(link.url(), "title"), "Bug: Backend with TLS client policy returns 503");
    let prefixed = IssueReport { title: "Bug: already prefixed".to_string(), ..sample_report() };
    assert_eq!(issue_title(&prefixed), "Bug: already prefixed");
}

#[test]
fn long_title_is_cut() {
    let report = IssueReport { title: "é".repeat(1000), ..sample_report() };
    let title = issue_title(&report);
    assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
    assert!(title.ends_with('…'));
}

#[test]
fn placeholders_in_prose_are_escaped() {
    let body = issue_body(&sample_report(), &Config::default());
    assert!(body.contains("Calls from \\<host-1> to \\<host-2> fail"), "{body}");
    // Inside the code block the text is shown as it is.
    assert!(body.contains("remote address:<ip-1>:443\n```"), "{body}");
}

#[test]
fn excerpt_with_fence_gets_longer_fence() {
    let report = IssueReport { evidence_excerpt: "a\n```\nb".to_string(), ..sample_report() };
    let body = issue_body(&report, &Config::default());
    assert!(body.contains("````text\na\n```\nb\n````\n"), "{body}");
}

#[test]
fn written_workaround_replaces_prompt() {
    let report = IssueReport { workaround: "Plain HTTP for now.".to_string(), ..sample_report() };
    let body = issue_body(&report, &Config::default());
    assert!(body.contains("**Are you currently working around this issue?**\n\nPlain HTTP"));
    assert!(!body.contains("How are you currently solving this problem?"));
}

/// Named cases of `application/x-www-form-urlencoded`, as `URLSearchParams` writes them.
const ENCODINGS: &[(&str, &str, &str)] = &[
    ("space", "a b", "a+b"),
    ("colon", "Bug: x", "Bug%3A+x"),
    ("percent", "100%", "100%25"),
    ("query delimiters", "a&b=c", "a%26b%3Dc"),
    ("plus", "1+1", "1%2B1"),
    ("hash", "#anchor", "%23anchor"),
    ("newline", "line\nnext", "line%0Anext"),
    ("tilde", "~", "%7E"),
    ("unreserved", "aZ09*-._", "aZ09*-._"),
    ("two byte utf8", "é", "%C3%A9"),
    ("four byte utf8", "🔒", "%F0%9F%94%92"),
    ("markdown", "**Summary**", "**Summary**"),
    ("angle brackets", "<ip-1>", "%3Cip-1%3E"),
];

#[test]
fn form_urlencode_cases() {
    for (name, input, expected) in ENCODINGS {
        assert_eq!(form_urlencode(input), *expected, "case {name}");
    }
}

#[test]
fn form_urlencode_round_trips() {
    let mut samples: Vec<String> =
        ENCODINGS.iter().map(|(_, input, _)| input.to_string()).collect();
    // A fixed pseudo-random walk over ASCII, control and multi-byte characters.
    let alphabet: Vec<char> =
        (0u8..128).map(char::from).chain("éß€😀\u{2028}\u{feff}".chars()).collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..200 {
        let text: String = (0..40)
            .map(|_| {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                alphabet[(state >> 33) as usize % alphabet.len()]
            })
            .collect();
        samples.push(text);
    }
    for sample in samples {
        let encoded = form_urlencode(&sample);
        assert!(encoded.bytes().all(|b| b.is_ascii_graphic()), "{encoded}");
        assert_eq!(form_urldecode(&encoded), sample);
    }
}

#[test]
fn huge_excerpt_is_cut_at_lines() {
    let excerpt: String = (0..100_000)
        .map(|i| format!("[2024-07-24 19:44:18.491][1][debug] line {i} TLS error\n"))
        .collect();
    let report = IssueReport { evidence_excerpt: excerpt, ..sample_report() };
    let link = build_issue_link(&report, &Config::default());
    let (url, shortened) = issue_url(&link);
    assert!(shortened);
    assert!(url.len() <= MAX_ISSUE_URL_LEN, "{} bytes", url.len());
    assert!(url.len() > MAX_ISSUE_URL_LEN - 200, "cut far more than needed: {}", url.len());

    let body = param(url, "body");
    assert_sections_in_order(&body);
    assert!(body.contains("Please attach the full report"), "{body}");
    assert!(body.contains("Calls from \\<host-1>"), "summary lost:\n{body}");
    assert!(body.contains("- error `tls-untrusted-ca`"), "findings lost:\n{body}");
    assert!(body.contains("line 0 TLS error\n"), "excerpt start lost:\n{body}");
    assert!(body.contains("more lines in the attached full report]\n```"), "{body}");
    // Every excerpt line that remains is whole.
    for line in body.lines().filter(|l| l.starts_with("[2024")) {
        assert!(line.ends_with("TLS error"), "cut inside a line: {line}");
    }
}

#[test]
fn huge_single_line_summary_is_cut_inside() {
    let report = IssueReport { summary: "ü".repeat(200_000), ..sample_report() };
    let link = build_issue_link(&report, &Config::default());
    let (url, shortened) = issue_url(&link);
    assert!(shortened);
    assert!(url.len() <= MAX_ISSUE_URL_LEN, "{} bytes", url.len());
    let body = param(url, "body");
    assert_sections_in_order(&body);
    assert!(body.contains(&format!("{}…", "ü".repeat(100))), "summary emptied:\n{body}");
}

#[test]
fn everything_huge_still_fits() {
    let many = |prefix: &str| (0..5_000).map(|i| format!("{prefix} {i} ✓")).collect::<Vec<_>>();
    let report = IssueReport {
        title: "x".repeat(10_000),
        summary: "s\n".repeat(20_000),
        steps_to_reproduce: many("step"),
        workaround: "w\n".repeat(20_000),
        evidence_excerpt: "e\n".repeat(20_000),
        findings: many("finding")
            .into_iter()
            .map(|title| IssueFinding { title, ..IssueFinding::default() })
            .collect(),
        ruled_out: many("cause"),
        environment: many("name").into_iter().map(|n| (n, "value".to_string())).collect(),
    };
    let link = build_issue_link(&report, &Config::default());
    let (url, shortened) = issue_url(&link);
    assert!(shortened);
    assert!(url.len() <= MAX_ISSUE_URL_LEN, "{} bytes", url.len());
    assert_sections_in_order(&param(url, "body"));
}

#[test]
fn security_finding_goes_to_vulnerability_reporting() {
    let mut report = sample_report();
    report.findings.push(IssueFinding {
        code: "tls-verification-bypass".to_string(),
        severity: "error".to_string(),
        title: "Envoy accepted a certificate it should have rejected".to_string(),
        security: true,
    });
    let link = build_issue_link(&report, &Config::default());
    assert_eq!(
        link,
        IssueLink::VulnerabilityReport {
            url: "https://aws.amazon.com/security/vulnerability-reporting/".to_string()
        }
    );
    assert!(!link.url().contains("github.com"));
}

#[test]
fn portal_config_changes_link() {
    let config = Config {
        issue_url: "https://tracker.portal.test/new?project=mesh".to_string(),
        issue_template: "tls bug.md".to_string(),
        issue_labels: "TLS,Bug".to_string(),
        vulnerability_reporting_url: "https://portal.test/security".to_string(),
        ..Config::default()
    };
    let link = build_issue_link(&sample_report(), &config);
    assert!(
        link.url().starts_with(
            "https://tracker.portal.test/new?project=mesh&assignees=&labels=TLS%2CBug\
             &template=tls+bug.md&title="
        ),
        "{}",
        link.url()
    );
    let mut report = sample_report();
    report.findings[0].security = true;
    assert_eq!(build_issue_link(&report, &config).url(), "https://portal.test/security");
}

#[test]
fn empty_report_still_has_sections() {
    let link = build_issue_link(&IssueReport::default(), &Config::default());
    let body = param(link.url(), "body");
    assert_sections_in_order(&body);
    assert_eq!(param(link.url(), "title"), "Bug: ");
    assert!(!body.contains("Evidence:"));
    assert!(!body.contains("Findings:"));
    assert!(body.contains("_What are the steps you can take to reproduce this issue?_"), "{body}");
}

#[test]
fn shortened_body_asks_for_full_body() {
    let report = IssueReport { evidence_excerpt: "e\n".repeat(20_000), ..sample_report() };
    let link = build_issue_link(&report, &Config::default());
    let (url, shortened) = issue_url(&link);
    assert!(shortened);
    let body = param(url, "body");
    assert!(body.contains("paste the full issue body"), "{body}");
    let full = issue_body(&report, &Config::default());
    assert!(!full.contains("shortened"), "the full body has no shortening note");
    let excerpt_lines = full.lines().filter(|line| *line == "e").count();
    assert_eq!(excerpt_lines, 20_000, "the full body keeps every line");
}
