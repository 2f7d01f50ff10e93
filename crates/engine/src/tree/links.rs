//! Targets of documentation links and escalations. App Mesh is the default, and a
//! portal or a docs site replaces them with its own pages and support desk.

use serde::{Deserialize, Serialize};

use super::model::{DocLink, EscalationKind};

/// URL targets for documentation links and escalations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Links {
    /// Prefix of relative documentation pages; a link becomes
    /// `docs_base + page + ".html#" + anchor`.
    pub docs_base: String,
    /// Page that opens a new issue, without a query.
    pub issue_new_url: String,
    /// Issue template file name passed as `template=`; `None` leaves it out.
    pub issue_template: Option<String>,
    /// Labels passed as `labels=`; `None` leaves them out.
    pub issue_labels: Option<String>,
    /// Title passed as `title=` when the caller gives none; `None` leaves it out.
    pub issue_title: Option<String>,
    /// Page where a person opens a support case.
    pub support_url: String,
    /// Page that explains how to report a security problem privately.
    pub vulnerability_report_url: String,
}

impl Default for Links {
    /// Returns the App Mesh targets: the user guide, the roadmap repository's bug-report
    /// template (`issue--bug-report.md`, with two hyphens, is the file that exists in
    /// `aws/aws-app-mesh-roadmap/.github/ISSUE_TEMPLATE/`), AWS Support, and the AWS
    /// vulnerability-reporting page that the template's security notice names.
    fn default() -> Self {
        Links {
            docs_base: "https://docs.aws.amazon.com/app-mesh/latest/userguide/".to_owned(),
            issue_new_url: "https://github.com/aws/aws-app-mesh-roadmap/issues/new".to_owned(),
            issue_template: Some("issue--bug-report.md".to_owned()),
            issue_labels: Some("Bug".to_owned()),
            issue_title: Some("Bug: describe bug here".to_owned()),
            // The user guide's "contact AWS Support" links point at
            // `http://aws.amazon.com/premiumsupport/`; this is the same page over HTTPS.
            support_url: "https://aws.amazon.com/premiumsupport/".to_owned(),
            vulnerability_report_url: "https://aws.amazon.com/security/vulnerability-reporting/"
                .to_owned(),
        }
    }
}

impl Links {
    /// Resolves a documentation link: absolute pages stay as they are, relative pages
    /// are joined to `docs_base` with an `.html` suffix.
    pub fn doc_url(&self, link: &DocLink) -> String {
        let mut url = if link.is_absolute() {
            link.page.clone()
        } else {
            format!("{}{}.html", self.docs_base, link.page)
        };
        if let Some(anchor) = link.anchor.as_deref().filter(|anchor| !anchor.is_empty()) {
            url.push('#');
            url.push_str(anchor);
        }
        url
    }

    /// Builds the URL of a new issue, pre-filled with `title` (or the configured
    /// default title) and `body` when given.
    pub fn issue_url(&self, title: Option<&str>, body: Option<&str>) -> String {
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some(labels) = &self.issue_labels {
            query.push(("labels", labels));
        }
        if let Some(template) = &self.issue_template {
            query.push(("template", template));
        }
        if let Some(title) = title.or(self.issue_title.as_deref()) {
            query.push(("title", title));
        }
        if let Some(body) = body {
            query.push(("body", body));
        }
        let mut url = self.issue_new_url.clone();
        let mut separator = if url.contains('?') { '&' } else { '?' };
        for (name, value) in query {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.push_str(&encode_query_value(value));
            separator = '&';
        }
        url
    }

    /// Returns the URL an escalation button opens. A bug report gets the default title only.
    pub fn escalation_url(&self, kind: EscalationKind) -> String {
        match kind {
            EscalationKind::BugReport => self.issue_url(None, None),
            EscalationKind::AwsSupport => self.support_url.clone(),
            EscalationKind::VulnerabilityReport => self.vulnerability_report_url.clone(),
        }
    }
}

/// Percent-encodes a query value as HTML forms do (`application/x-www-form-urlencoded`):
/// unreserved bytes stay, a space becomes `+`, every other byte becomes `%XX`.
pub(crate) fn encode_query_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            _ => {
                encoded.push('%');
                for nibble in [byte >> 4, byte & 0x0f] {
                    if let Some(&digit) = HEX.get(usize::from(nibble)) {
                        encoded.push(char::from(digit));
                    }
                }
            }
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_value_encoding() {
        let cases = [
            ("Bug: describe bug here", "Bug%3A+describe+bug+here"),
            ("issue--bug-report.md", "issue--bug-report.md"),
            ("a&b=c#d", "a%26b%3Dc%23d"),
            ("line\nbreak", "line%0Abreak"),
            ("naïve", "na%C3%AFve"),
            ("", ""),
        ];
        for (value, expected) in cases {
            assert_eq!(encode_query_value(value), expected, "{value:?}");
        }
    }

    #[test]
    fn issue_url_appends_to_existing_query() {
        let links = Links {
            issue_new_url: "https://desk.example.com/new?queue=mesh".to_owned(),
            issue_template: None,
            issue_labels: None,
            issue_title: None,
            ..Links::default()
        };
        assert_eq!(
            links.issue_url(Some("TLS"), None),
            "https://desk.example.com/new?queue=mesh&title=TLS"
        );
        assert_eq!(links.issue_url(None, None), "https://desk.example.com/new?queue=mesh");
    }

    #[test]
    fn doc_url_skips_empty_anchor() {
        let link =
            DocLink { page: "tls".to_owned(), anchor: Some(String::new()), title: String::new() };
        assert_eq!(
            Links::default().doc_url(&link),
            "https://docs.aws.amazon.com/app-mesh/latest/userguide/tls.html"
        );
    }
}
