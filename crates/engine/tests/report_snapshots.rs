//! Snapshots of what a person shares for each real case: the redacted Markdown
//! report and the pre-filled issue link, built the way the page builds them.
//!
//! Each case's output is compared with `snapshots/<case>.md`. To accept a change
//! on purpose, run with `MESHTLS_BLESS=1`: the test then rewrites the snapshot
//! files instead of comparing, and the diff shows what changed.

use std::path::{Path, PathBuf};

use meshtls_engine::config::Config;
use meshtls_engine::diagnosis::{diagnose, report, Diagnosis, Input, Options, Symptom};
use meshtls_engine::evidence::timestamp;
use meshtls_engine::issue_link::{self, IssueLink, IssueReport};
use meshtls_engine::redact::{RedactOptions, Redactor};
use meshtls_engine::tree::{Tree, Walker};

/// The fixed "now" of every snapshot: the day the cases were collected.
const NOW: &str = "2026-12-04T00:00:00Z";

/// Symptom a walk starts from when the case names none.
const DEFAULT_SYMPTOM: Symptom = Symptom::TlsClientPolicy;

/// The environment variable that rewrites the snapshot files.
const BLESS: &str = "MESHTLS_BLESS";

/// What separates the report from the issue link in a snapshot file.
const LINK_MARKER: &str = "<!-- issue link -->";

struct Case {
    folder: &'static str,
    symptom: Option<Symptom>,
}

const CASES: &[Case] = &[
    Case { folder: "01-appmesh-app-originates-tls", symptom: Some(Symptom::OriginatingTls) },
    Case { folder: "03-envoy-handshake-error-2-benign", symptom: None },
    Case { folder: "05-consul-sidecar-cert-not-renewed-alert-expired", symptom: None },
    Case { folder: "07-istio-certs-json-expired-days-zero", symptom: None },
    Case { folder: "09-istio-gateway-malformed-pem-secret-rejected", symptom: None },
    Case {
        folder: "11-appmesh-certs-ca-cert-empty-no-backend",
        symptom: Some(Symptom::TlsBetweenProxies),
    },
    Case { folder: "12-appmesh-vgw-secret-not-supplied-by-sds", symptom: None },
    Case {
        folder: "13-appmesh-tls-walkthrough-cluster-rejected-deprecated-tls-context",
        symptom: None,
    },
    Case { folder: "15-envoy-https-front-proxy-connection-refused-111", symptom: None },
    Case { folder: "18-appmesh-external-https-no-sni-default-cert", symptom: None },
    Case { folder: "20-istio-multicluster-unknown-ca-markdown-link-in-log", symptom: None },
    Case { folder: "22-spire-dummy-upstream-ca-expired-pem", symptom: None },
    Case {
        folder: "23-contour-envoy17-healthy-tls-stats-control",
        symptom: Some(Symptom::TlsBetweenProxies),
    },
];

/// What leaves the page for one case, redacted.
struct Shared {
    markdown: String,
    /// `None` when the walk reaches no conclusion, because only a conclusion
    /// offers the issue link.
    link: Option<IssueLink>,
}

fn case_dir(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases").join(folder)
}

fn snapshot_path(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{folder}.md"))
}

fn read_inputs(folder: &str) -> Vec<Input> {
    let dir = case_dir(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("fixture is readable");
            let name = path.file_name().and_then(|name| name.to_str()).expect("UTF-8 file name");
            Input::from_bytes(name, &bytes)
        })
        .collect()
}

fn run(case: &Case) -> (Vec<Input>, Diagnosis) {
    let inputs = read_inputs(case.folder);
    let options = Options {
        now: timestamp::parse(NOW).expect("NOW is RFC 3339").seconds,
        symptom: case.symptom,
        ..Options::default()
    };
    let diagnosis = diagnose(&inputs, &options);
    (inputs, diagnosis)
}

/// Builds the unredacted bug report as the page does at the end of a walk. The
/// walk takes the answers that the findings give, and the conclusion is the one
/// the walk reaches, else the first one in the tree for the top finding's code.
///
/// NOTE: when the evidence leaves a step before the conclusion unanswered, the
/// fallback decides, and where a code has several conclusions it may pick
/// another one than the person reaches by answering.
fn issue_report(case: &Case, diagnosis: &Diagnosis) -> Option<IssueReport> {
    let tree = Tree::builtin().expect("built-in tree is valid");
    let symptom = case.symptom.unwrap_or(DEFAULT_SYMPTOM);
    let mut walker = Walker::new(tree, symptom.as_str()).expect("symptom is in the tree");
    walker.apply_evidence(diagnosis.findings.iter().map(|finding| finding.code.as_str()));

    let top = diagnosis.conclusion?;
    let conclusion = walker
        .conclusion()
        .filter(|reached| reached.finding_code.as_deref() == Some(top.as_str()))
        .or_else(|| tree.conclusions_for_code(top.as_str()).next())?;
    let walk = IssueReport {
        title: conclusion.title.clone(),
        summary: format!("{}. {}", walker.symptom().title, conclusion.cause),
        steps_to_reproduce: report::walk_steps(&walker.path()),
        ..IssueReport::default()
    };
    Some(report::to_issue_report(diagnosis, walk))
}

/// Lists every text field of a bug report, for the redaction plan.
fn issue_texts(report: &IssueReport) -> Vec<&str> {
    let mut texts = vec![
        report.title.as_str(),
        report.summary.as_str(),
        report.workaround.as_str(),
        report.evidence_excerpt.as_str(),
    ];
    texts.extend(report.steps_to_reproduce.iter().map(String::as_str));
    texts.extend(report.findings.iter().flat_map(|f| [f.code.as_str(), f.title.as_str()]));
    texts.extend(report.ruled_out.iter().map(String::as_str));
    texts
}

/// Redacts the report and the bug report with one plan, every replacement on, as
/// the page does before the person switches any off.
fn shared(case: &Case) -> Shared {
    let (inputs, diagnosis) = run(case);
    let markdown = report::to_markdown(&inputs, &diagnosis);
    let issue = issue_report(case, &diagnosis);

    let mut texts = report::quoted_lines(&diagnosis);
    texts.push(&markdown);
    if let Some(issue) = &issue {
        texts.extend(issue_texts(issue));
    }
    let redactor = Redactor::new(RedactOptions::default());
    let plan = redactor.plan(&texts);
    let redact = |text: &str| redactor.apply(text, &plan);

    let link = issue.map(|issue| {
        let redacted = IssueReport {
            title: redact(&issue.title),
            summary: redact(&issue.summary),
            steps_to_reproduce: issue.steps_to_reproduce.iter().map(|s| redact(s)).collect(),
            evidence_excerpt: redact(&issue.evidence_excerpt),
            ruled_out: issue.ruled_out.iter().map(|s| redact(s)).collect(),
            findings: issue
                .findings
                .iter()
                .map(|finding| issue_link::IssueFinding {
                    title: redact(&finding.title),
                    ..finding.clone()
                })
                .collect(),
            ..issue
        };
        issue_link::build_issue_link(&redacted, &Config::default())
    });
    // The page renders the report again with each piece redacted, so that
    // placeholders in prose are escaped for Markdown.
    let markdown = report::to_markdown_redacted(&inputs, &diagnosis, &redact);
    Shared { markdown, link }
}

fn render_snapshot(shared: &Shared) -> String {
    let link = match &shared.link {
        Some(link) => link.url().to_string(),
        None => "none: the walk reaches no conclusion".to_string(),
    };
    format!("{}\n{LINK_MARKER}\n{link}\n", shared.markdown)
}

fn blessing() -> bool {
    std::env::var(BLESS).is_ok_and(|value| value == "1")
}

#[test]
fn report_snapshots_match() {
    let mut mismatched = Vec::new();
    for case in CASES {
        let rendered = render_snapshot(&shared(case));
        let path = snapshot_path(case.folder);
        if blessing() {
            std::fs::create_dir_all(path.parent().expect("snapshot folder")).expect("mkdir");
            std::fs::write(&path, &rendered).expect("snapshot is writable");
            continue;
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored != rendered {
            eprintln!("--- {} differs; got:\n{rendered}", path.display());
            mismatched.push(case.folder);
        }
    }
    assert!(
        mismatched.is_empty(),
        "snapshots differ for {mismatched:?}; rerun with {BLESS}=1 to accept the new output"
    );
}

#[test]
fn every_case_has_a_snapshot() {
    let mut folders: Vec<String> = std::fs::read_dir(case_dir(""))
        .expect("cases folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let listed: Vec<&str> = CASES.iter().map(|case| case.folder).collect();
    assert_eq!(folders, listed);
}

/// Decodes a form-encoded query value, independently of the encoder under test.
fn form_urldecode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

#[test]
fn multicluster_case_leaks_no_address_or_host() {
    let case = CASES
        .iter()
        .find(|case| case.folder.starts_with("20-"))
        .expect("the multicluster case is listed");
    let log = std::fs::read_to_string(case_dir(case.folder).join("envoy.log")).expect("log");
    // The pod name that prefixes the log line and the peer's private address,
    // which the chat client also turned into a Markdown link.
    let originals = ["10.0.29.237", "applicaton-pod-on-gke-cluster"];
    let shared = shared(case);
    let link = shared.link.expect("the case reaches a conclusion");
    let decoded = form_urldecode(link.url());

    for original in originals {
        assert!(log.contains(original), "fixture lacks {original}");
        assert!(!shared.markdown.contains(original), "report shows {original}");
        assert!(!link.url().contains(original), "issue link shows {original}");
        assert!(!decoded.contains(original), "decoded issue link shows {original}");
    }
    assert!(shared.markdown.contains("<ip-1>"), "{}", shared.markdown);
    assert!(decoded.contains("<ip-1>"), "{decoded}");
    assert!(shared.markdown.contains("<host-1>"), "{}", shared.markdown);
}
