//! The portal configuration: where the wizard sends people after a conclusion.
//!
//! A support portal or a docs site that embeds the wizard points these links at its
//! own documentation mirror and support desk by serving its own `config.json`. The
//! defaults are the App Mesh ones and must stay equal to `public/config.json`.
//!
//! [`Config::from_json`] never fails: a field it cannot read is reported as a
//! [`ConfigWarning`] and keeps its default, so a broken file degrades to the App Mesh
//! links instead of a blank page.

use std::fmt;

use serde_json::{Map, Value};

/// Default documentation base: `doc_source/<page>.md` of the App Mesh user guide is
/// published as `<base><page>.html`.
pub const DEFAULT_DOCS_BASE_URL: &str = "https://docs.aws.amazon.com/app-mesh/latest/userguide/";
/// Default "new issue" page: the App Mesh roadmap repository, which the user guide names
/// as the place for bug reports.
pub const DEFAULT_ISSUE_URL: &str = "https://github.com/aws/aws-app-mesh-roadmap/issues/new";
/// The roadmap repository's bug-report template file. The user guide once linked
/// `issue-bug-report.md` (one dash), a file that never existed.
pub const DEFAULT_ISSUE_TEMPLATE: &str = "issue--bug-report.md";
/// The label the bug-report template's front matter sets.
pub const DEFAULT_ISSUE_LABELS: &str = "Bug";
/// AWS Support, the user guide's other escalation path (its links name
/// `http://aws.amazon.com/premiumsupport/`; this is the same page over HTTPS).
pub const DEFAULT_SUPPORT_URL: &str = "https://aws.amazon.com/premiumsupport/";
/// Text of the support link.
pub const DEFAULT_SUPPORT_LABEL: &str = "AWS Support";
/// Vulnerability-reporting page, which the bug-report template and the roadmap README
/// name for security problems in place of a public issue.
pub const DEFAULT_VULNERABILITY_REPORTING_URL: &str =
    "https://aws.amazon.com/security/vulnerability-reporting/";
/// Product name shown in the page title and in generated reports.
pub const DEFAULT_PRODUCT_NAME: &str = "App Mesh TLS troubleshooter";

/// The portal configuration, read from `config.json`.
///
/// Every field is a plain string, so the page can render it without further checks.
/// The URL fields hold only `https:`, `http:` or `mailto:` URLs or site-relative
/// paths, because [`Config::from_json`] rejects anything else: a `javascript:` link
/// in a portal's file would otherwise run in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Product name shown in the page title and in generated reports.
    pub product_name: String,
    /// Base URL of the documentation; a page `tls` with anchor `verify-encryption`
    /// becomes `<base>tls.html#verify-encryption` (see [`Config::doc_url`]).
    pub docs_base_url: String,
    /// GitHub "new issue" URL of the repository that takes bug reports.
    pub issue_url: String,
    /// Issue template file name, sent as the `template` query parameter.
    pub issue_template: String,
    /// Comma-separated labels, sent as the `labels` query parameter.
    pub issue_labels: String,
    /// Support desk link.
    pub support_url: String,
    /// Text of the support desk link.
    pub support_label: String,
    /// Destination of security problems, in place of a public issue.
    pub vulnerability_reporting_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            product_name: DEFAULT_PRODUCT_NAME.to_string(),
            docs_base_url: DEFAULT_DOCS_BASE_URL.to_string(),
            issue_url: DEFAULT_ISSUE_URL.to_string(),
            issue_template: DEFAULT_ISSUE_TEMPLATE.to_string(),
            issue_labels: DEFAULT_ISSUE_LABELS.to_string(),
            support_url: DEFAULT_SUPPORT_URL.to_string(),
            support_label: DEFAULT_SUPPORT_LABEL.to_string(),
            vulnerability_reporting_url: DEFAULT_VULNERABILITY_REPORTING_URL.to_string(),
        }
    }
}

/// A problem found while reading a configuration file; the default was used instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The JSON key concerned, or `None` when the whole file could not be read.
    pub field: Option<String>,
    /// The problem, and the value used instead.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "config.json, field `{field}`: {}", self.message),
            None => write!(f, "config.json: {}", self.message),
        }
    }
}

/// Content rule of a field, checked by [`Config::from_json`].
#[derive(Clone, Copy)]
enum FieldKind {
    /// Any non-empty text.
    Text,
    /// A link the page renders as `href`.
    Url,
}

/// The JSON keys, in the order `public/config.json` lists them.
pub const FIELD_NAMES: [&str; 8] = [
    "product_name",
    "docs_base_url",
    "issue_url",
    "issue_template",
    "issue_labels",
    "support_url",
    "support_label",
    "vulnerability_reporting_url",
];

impl Config {
    /// Reads a `config.json` text.
    ///
    /// Keys that are missing keep their default silently, because a portal may
    /// override only the links it cares about. Each of these produces a warning, and
    /// the affected fields keep their defaults: invalid JSON, a top level that is not
    /// an object, a value of the wrong type, an empty value, a URL with a scheme other
    /// than `https:`, `http:` or `mailto:`, and an unknown key.
    pub fn from_json(text: &str) -> (Config, Vec<ConfigWarning>) {
        let mut config = Config::default();
        let mut warnings = Vec::new();

        let root: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                warnings.push(ConfigWarning {
                    field: None,
                    message: format!(
                        "invalid JSON at line {}, column {}: {error}; using the defaults",
                        error.line(),
                        error.column()
                    ),
                });
                return (config, warnings);
            }
        };
        let Value::Object(object) = root else {
            warnings.push(ConfigWarning {
                field: None,
                message: format!(
                    "expected a JSON object at the top level, found {}; using the defaults",
                    json_type_name(&root)
                ),
            });
            return (config, warnings);
        };

        for (key, value) in &object {
            let Some(slot) = config.field_mut(key) else {
                warnings.push(ConfigWarning {
                    field: Some(key.clone()),
                    message: format!(
                        "unknown field, ignored; known fields: {}",
                        FIELD_NAMES.join(", ")
                    ),
                });
                continue;
            };
            let (target, kind) = slot;
            match read_field(value, kind) {
                Ok(text) => *target = text,
                Err(message) => warnings.push(ConfigWarning {
                    field: Some(key.clone()),
                    message: format!("{message}; using the default `{target}`"),
                }),
            }
        }
        (config, warnings)
    }

    /// Serializes the configuration as the pretty-printed JSON object that
    /// [`Config::from_json`] reads back unchanged.
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        for name in FIELD_NAMES {
            let value = self.field(name).unwrap_or_default();
            object.insert(name.to_string(), Value::String(value.to_string()));
        }
        let text = serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default();
        text + "\n"
    }

    /// Builds the link to a documentation page, with `page` the file name without its
    /// extension (`troubleshooting-security`) and `anchor` without its `#`.
    pub fn doc_url(&self, page: &str, anchor: Option<&str>) -> String {
        let mut url = self.docs_base_url.clone();
        if !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(page);
        url.push_str(".html");
        if let Some(anchor) = anchor {
            url.push('#');
            url.push_str(anchor);
        }
        url
    }

    fn field(&self, name: &str) -> Option<&str> {
        let value = match name {
            "product_name" => &self.product_name,
            "docs_base_url" => &self.docs_base_url,
            "issue_url" => &self.issue_url,
            "issue_template" => &self.issue_template,
            "issue_labels" => &self.issue_labels,
            "support_url" => &self.support_url,
            "support_label" => &self.support_label,
            "vulnerability_reporting_url" => &self.vulnerability_reporting_url,
            _ => return None,
        };
        Some(value)
    }

    fn field_mut(&mut self, name: &str) -> Option<(&mut String, FieldKind)> {
        let slot = match name {
            "product_name" => (&mut self.product_name, FieldKind::Text),
            "docs_base_url" => (&mut self.docs_base_url, FieldKind::Url),
            "issue_url" => (&mut self.issue_url, FieldKind::Url),
            "issue_template" => (&mut self.issue_template, FieldKind::Text),
            "issue_labels" => (&mut self.issue_labels, FieldKind::Text),
            "support_url" => (&mut self.support_url, FieldKind::Url),
            "support_label" => (&mut self.support_label, FieldKind::Text),
            "vulnerability_reporting_url" => {
                (&mut self.vulnerability_reporting_url, FieldKind::Url)
            }
            _ => return None,
        };
        Some(slot)
    }
}

fn read_field(value: &Value, kind: FieldKind) -> Result<String, String> {
    let Value::String(text) = value else {
        return Err(format!("expected a string, found {}", json_type_name(value)));
    };
    let text = text.trim();
    if text.is_empty() {
        return Err("empty value".to_string());
    }
    if let FieldKind::Url = kind {
        if !is_allowed_link(text) {
            return Err(format!(
                "`{text}` is not an https:, http: or mailto: URL or a path starting with `/`"
            ));
        }
    }
    Ok(text.to_string())
}

/// Accepts the link forms a portal needs and nothing that could run script.
fn is_allowed_link(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let absolute = ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.strip_prefix(scheme).is_some_and(|rest| !rest.is_empty()));
    // `//host` is a scheme-relative URL to another site, not a path.
    let site_relative = text.starts_with('/') && !text.starts_with("//");
    let has_control = text.chars().any(|c| c.is_control() || c == ' ');
    (absolute || site_relative) && !has_control
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl From<&Config> for crate::tree::Links {
    /// Resolves the tree's link targets under a portal configuration. The issue
    /// title placeholder has no configuration field, so it keeps the template's own.
    fn from(config: &Config) -> Self {
        let defaults = crate::tree::Links::default();
        let mut docs_base = config.docs_base_url.clone();
        if !docs_base.ends_with('/') {
            docs_base.push('/');
        }
        crate::tree::Links {
            docs_base,
            issue_new_url: config.issue_url.clone(),
            issue_template: Some(config.issue_template.clone()),
            issue_labels: Some(config.issue_labels.clone()),
            issue_title: defaults.issue_title,
            support_url: config.support_url.clone(),
            vulnerability_report_url: config.vulnerability_reporting_url.clone(),
        }
    }
}
