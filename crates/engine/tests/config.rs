//! The portal configuration: defaults, partial and broken files, and the shipped
//! `public/config.json`.

use meshtls_engine::config::{Config, ConfigWarning, FIELD_NAMES};

fn warning_fields(warnings: &[ConfigWarning]) -> Vec<Option<&str>> {
    warnings.iter().map(|w| w.field.as_deref()).collect()
}

#[test]
fn defaults_are_the_app_mesh_links() {
    let config = Config::default();
    assert_eq!(config.product_name, "App Mesh TLS troubleshooter");
    assert_eq!(config.docs_base_url, "https://docs.aws.amazon.com/app-mesh/latest/userguide/");
    assert_eq!(config.issue_url, "https://github.com/aws/aws-app-mesh-roadmap/issues/new");
    assert_eq!(config.issue_template, "issue--bug-report.md");
    assert_eq!(config.issue_labels, "Bug");
    assert_eq!(config.support_url, "https://aws.amazon.com/premiumsupport/");
    assert_eq!(config.support_label, "AWS Support");
    assert_eq!(
        config.vulnerability_reporting_url,
        "https://aws.amazon.com/security/vulnerability-reporting/"
    );
}

#[test]
fn shipped_config_json_equals_defaults() {
    let text = include_str!("../../../public/config.json");
    let (config, warnings) = Config::from_json(text);
    assert!(warnings.is_empty(), "warnings: {warnings:?}");
    assert_eq!(config, Config::default());

    // Missing keys would also read back as defaults, so compare the key set too.
    let shipped: serde_json::Value = serde_json::from_str(text).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&Config::default().to_json()).unwrap();
    assert_eq!(shipped, expected);
}

#[test]
fn to_json_round_trips() {
    let config = Config {
        support_url: "mailto:help@portal.test".to_string(),
        support_label: "Portal help desk".to_string(),
        ..Config::default()
    };
    let (read, warnings) = Config::from_json(&config.to_json());
    assert!(warnings.is_empty(), "warnings: {warnings:?}");
    assert_eq!(read, config);
}

#[test]
fn empty_object_gives_defaults_silently() {
    let (config, warnings) = Config::from_json("{}");
    assert_eq!(config, Config::default());
    assert!(warnings.is_empty());
}

#[test]
fn partial_file_overrides_only_its_fields() {
    let text = r#"{
        "support_url": "https://support.portal.test/new",
        "support_label": "Portal support",
        "docs_base_url": "/mirror/app-mesh/"
    }"#;
    let (config, warnings) = Config::from_json(text);
    assert!(warnings.is_empty(), "warnings: {warnings:?}");
    assert_eq!(config.support_url, "https://support.portal.test/new");
    assert_eq!(config.support_label, "Portal support");
    assert_eq!(config.docs_base_url, "/mirror/app-mesh/");
    assert_eq!(config.issue_url, Config::default().issue_url);
    assert_eq!(config.product_name, Config::default().product_name);
}

/// One named case per broken file: the text, and the fields (None = whole file)
/// that must be reported.
const BROKEN_FILES: &[(&str, &str, &[Option<&str>])] = &[
    ("empty file", "", &[None]),
    ("truncated object", r#"{"support_url": "https://x.test/""#, &[None]),
    ("top level array", r#"["https://x.test/"]"#, &[None]),
    ("top level string", r#""config""#, &[None]),
    ("number for url", r#"{"issue_url": 42}"#, &[Some("issue_url")]),
    ("null for label", r#"{"support_label": null}"#, &[Some("support_label")]),
    ("object for name", r#"{"product_name": {"en": "x"}}"#, &[Some("product_name")]),
    ("empty string", r#"{"issue_template": "  "}"#, &[Some("issue_template")]),
    ("javascript link", r#"{"support_url": "javascript:alert(1)"}"#, &[Some("support_url")]),
    ("scheme relative link", r#"{"support_url": "//evil.test/"}"#, &[Some("support_url")]),
    ("bare host name", r#"{"docs_base_url": "docs.portal.test"}"#, &[Some("docs_base_url")]),
    ("unknown key", r#"{"issueUrl": "https://x.test/"}"#, &[Some("issueUrl")]),
];

#[test]
fn broken_files_warn_and_keep_defaults() {
    for (name, text, expected_fields) in BROKEN_FILES {
        let (config, warnings) = Config::from_json(text);
        assert_eq!(config, Config::default(), "case {name}: config changed");
        assert_eq!(
            &warning_fields(&warnings),
            expected_fields,
            "case {name}: warnings {warnings:?}"
        );
    }
}

#[test]
fn bad_field_does_not_discard_good_ones() {
    let text = r#"{"issue_url": ["no"], "support_label": "Desk", "extra": 1}"#;
    let (config, warnings) = Config::from_json(text);
    assert_eq!(config.support_label, "Desk");
    assert_eq!(config.issue_url, Config::default().issue_url);
    assert_eq!(warning_fields(&warnings), vec![Some("extra"), Some("issue_url")]);
}

#[test]
fn warning_names_field_and_default() {
    let (_, warnings) = Config::from_json(r#"{"issue_url": 42}"#);
    let message = warnings[0].to_string();
    assert!(message.contains("`issue_url`"), "{message}");
    assert!(message.contains("expected a string, found a number"), "{message}");
    assert!(message.contains(&Config::default().issue_url), "{message}");
}

#[test]
fn invalid_json_warning_has_position() {
    let (_, warnings) = Config::from_json("{\n  \"issue_url\": \n}");
    let message = warnings[0].to_string();
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn every_field_name_is_read() {
    for name in FIELD_NAMES {
        let text = format!(r#"{{"{name}": "/changed"}}"#);
        let (config, warnings) = Config::from_json(&text);
        assert!(warnings.is_empty(), "field {name}: {warnings:?}");
        assert_ne!(config, Config::default(), "field {name} was not read");
    }
}

#[test]
fn doc_url_follows_the_page_mapping() {
    let config = Config::default();
    assert_eq!(
        config.doc_url("troubleshooting-security", Some("ts-security-tls-client-policy")),
        "https://docs.aws.amazon.com/app-mesh/latest/userguide/troubleshooting-security.html#ts-security-tls-client-policy"
    );
    let mirror = Config { docs_base_url: "/mirror".to_string(), ..Config::default() };
    assert_eq!(mirror.doc_url("tls", None), "/mirror/tls.html");
}

#[test]
fn default_config_gives_default_tree_links() {
    let links = meshtls_engine::tree::Links::from(&Config::default());
    assert_eq!(links, meshtls_engine::tree::Links::default());
}

#[test]
fn docs_base_without_slash_gets_one() {
    let config =
        Config { docs_base_url: "https://docs.example.test/mesh".into(), ..Config::default() };
    let links = meshtls_engine::tree::Links::from(&config);
    assert_eq!(links.docs_base, "https://docs.example.test/mesh/");
}
