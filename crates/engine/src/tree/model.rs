//! The shape of the decision tree as it is stored in `data/tree.json`.

use serde::{Deserialize, Serialize};

use crate::diagnosis::Diagnosis;

/// Where a symptom starts: what the person sees, and the first step that diagnoses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symptom {
    /// Kebab-case id, also the documentation anchor suffix (`tls-client-policy`).
    pub id: String,
    pub title: String,
    /// The observed failure, in one or two sentences.
    pub description: String,
    /// Id of the first node walked for this symptom.
    pub start: String,
    #[serde(default)]
    pub links: Vec<DocLink>,
}

/// One node of the tree: a question to answer or a conclusion to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Node {
    Step(Step),
    Conclusion(Conclusion),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Step(step) => &step.id,
            Node::Conclusion(conclusion) => &conclusion.id,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Node::Step(step) => &step.title,
            Node::Conclusion(conclusion) => &conclusion.title,
        }
    }

    pub fn as_step(&self) -> Option<&Step> {
        match self {
            Node::Step(step) => Some(step),
            Node::Conclusion(_) => None,
        }
    }

    pub fn as_conclusion(&self) -> Option<&Conclusion> {
        match self {
            Node::Step(_) => None,
            Node::Conclusion(conclusion) => Some(conclusion),
        }
    }

    /// Documentation links of the node, whichever kind it is.
    pub fn links(&self) -> &[DocLink] {
        match self {
            Node::Step(step) => &step.links,
            Node::Conclusion(conclusion) => &conclusion.links,
        }
    }
}

/// A question the person answers, by hand or from pasted evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub question: String,
    /// Why the answer matters for the diagnosis.
    pub why: String,
    /// Commands that fetch the evidence for this step, in the order to run them.
    #[serde(default)]
    pub commands: Vec<EvidenceCommand>,
    /// Input kinds (`stats-text`, `certs`, `envoy-log`, `target-group`, ...) whose paste
    /// can answer the step, so the page can offer the right paste box.
    #[serde(default)]
    pub inputs: Vec<String>,
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub links: Vec<DocLink>,
    /// Finding codes that answer this step; the first rule whose code is present wins.
    #[serde(default)]
    pub answered_by: Vec<AnsweredBy>,
}

impl Step {
    pub fn answer(&self, answer_id: &str) -> Option<&Answer> {
        self.answers.iter().find(|answer| answer.id == answer_id)
    }
}

/// A shell command (or admin request) that prints the evidence a step needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceCommand {
    /// Description of the output, e.g. "TLS counters of every listener and cluster".
    pub label: String,
    /// The exact command line, e.g. `curl -s http://localhost:9901/stats | grep ssl`.
    pub command: String,
}

/// One possible answer to a step, and the node it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub id: String,
    pub label: String,
    /// Id of the next step or conclusion.
    pub next: String,
}

/// A rule that lets evidence answer a step: when a finding with `code` is present
/// (or, with `when: ruled-out`, when evidence rules `code` out), the step takes the
/// answer `answer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredBy {
    /// Finding code from the diagnosis registry, e.g. `tls-cert-expired`.
    pub code: String,
    /// The side the finding must come from; `None` accepts the code from either side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// The state of `code` in the diagnosis that the rule requires.
    #[serde(default, skip_serializing_if = "CodeState::is_found")]
    pub when: CodeState,
    /// Id of one of the step's answers.
    pub answer: String,
}

/// The state of a finding code in a diagnosis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeState {
    /// A finding raises the code.
    #[default]
    Found,
    /// Evidence rules the code out (for example `control_plane.connected_state: 1`
    /// rules out `conn-control-plane-disconnected`), and no finding raises it.
    RuledOut,
}

impl CodeState {
    pub fn is_found(&self) -> bool {
        *self == CodeState::Found
    }
}

/// The side of a connection a finding describes, for codes such as `tls-in-use` that
/// the diagnosis reports for listeners (terminating side) and clusters (originating
/// side) alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// A listener: the Envoy that terminates TLS.
    Listener,
    /// An upstream cluster: the Envoy that originates TLS.
    Cluster,
}

impl Scope {
    /// Returns the side that an Envoy stat name or prefix belongs to: `listener.` stats are the
    /// terminating side and `cluster.` stats the originating side. Other names, such as
    /// `http.` or `server.` stats, belong to neither.
    pub fn from_stat_name(name: &str) -> Option<Scope> {
        if name.starts_with("listener.") {
            Some(Scope::Listener)
        } else if name.starts_with("cluster.") {
            Some(Scope::Cluster)
        } else {
            None
        }
    }

    /// Returns the side named by a finding's subject, either a stat name or the
    /// diagnosis label `listener <address>` / `cluster <name>`.
    pub fn from_subject(subject: &str) -> Option<Scope> {
        if subject.starts_with("listener ") {
            Some(Scope::Listener)
        } else if subject.starts_with("cluster ") {
            Some(Scope::Cluster)
        } else {
            Scope::from_stat_name(subject)
        }
    }
}

/// A finding code handed to [`crate::tree::Walker::apply_evidence`], with the side it
/// was seen on when the diagnosis knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvidenceCode {
    pub code: String,
    pub scope: Option<Scope>,
    /// Whether a finding raises the code or evidence rules it out; the `From`
    /// conversions take a finding.
    pub state: CodeState,
}

impl EvidenceCode {
    /// Returns a code that the evidence rules out.
    pub fn ruled_out(code: impl Into<String>) -> EvidenceCode {
        EvidenceCode { code: code.into(), scope: None, state: CodeState::RuledOut }
    }

    /// Returns the codes of a diagnosis for [`super::Walker::apply_evidence`]: each
    /// finding's code with the side its subject names, and each ruled-out code.
    /// The diagnosis never lists a code both ways.
    pub fn from_diagnosis(diagnosis: &Diagnosis) -> Vec<EvidenceCode> {
        let found = diagnosis.findings.iter().map(|finding| EvidenceCode {
            code: finding.code.as_str().to_owned(),
            scope: finding.subject.as_deref().and_then(Scope::from_subject),
            state: CodeState::Found,
        });
        let ruled_out =
            diagnosis.ruled_out.iter().map(|entry| EvidenceCode::ruled_out(entry.code.as_str()));
        found.chain(ruled_out).collect()
    }

    /// Tells whether this code satisfies `rule`: the codes and states are equal,
    /// and a rule with a scope also needs the finding's scope to be the same.
    pub fn matches(&self, rule: &AnsweredBy) -> bool {
        self.code == rule.code
            && self.state == rule.when
            && (rule.scope.is_none() || rule.scope == self.scope)
    }
}

impl From<&str> for EvidenceCode {
    fn from(code: &str) -> Self {
        EvidenceCode { code: code.to_owned(), scope: None, state: CodeState::Found }
    }
}

impl From<String> for EvidenceCode {
    fn from(code: String) -> Self {
        EvidenceCode { code, scope: None, state: CodeState::Found }
    }
}

impl From<&String> for EvidenceCode {
    fn from(code: &String) -> Self {
        EvidenceCode { code: code.clone(), scope: None, state: CodeState::Found }
    }
}

impl From<(&str, Option<Scope>)> for EvidenceCode {
    fn from((code, scope): (&str, Option<Scope>)) -> Self {
        EvidenceCode { code: code.to_owned(), scope, state: CodeState::Found }
    }
}

impl From<(&str, Scope)> for EvidenceCode {
    fn from((code, scope): (&str, Scope)) -> Self {
        EvidenceCode { code: code.to_owned(), scope: Some(scope), state: CodeState::Found }
    }
}

/// The end of a walk: the cause, the fix, where to read more and whom to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    pub id: String,
    pub title: String,
    /// Finding code this conclusion corresponds to; `None` when nothing is wrong
    /// (for example "the traffic is TLS").
    pub finding_code: Option<String>,
    /// The cause, in one sentence.
    pub cause: String,
    pub fix: Vec<FixStep>,
    pub links: Vec<DocLink>,
    /// Escalation targets for when the fix does not help, in the order to offer them.
    pub escalation: Vec<EscalationKind>,
}

/// One step of a fix, with the exact command or setting when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixStep {
    pub text: String,
    #[serde(default)]
    pub command: Option<String>,
}

/// A documentation link. A relative `page` (such as `troubleshooting-security`) is
/// resolved against [`crate::tree::Links::docs_base`]; an absolute `page` (starting with
/// `http://` or `https://`, used for Envoy and GitHub pages) is used as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocLink {
    pub page: String,
    #[serde(default)]
    pub anchor: Option<String>,
    pub title: String,
}

impl DocLink {
    pub fn is_absolute(&self) -> bool {
        self.page.starts_with("https://") || self.page.starts_with("http://")
    }
}

/// The documented ways to escalate; [`crate::tree::Links`] resolves each to a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EscalationKind {
    /// A public issue from the roadmap repository's bug-report template.
    BugReport,
    /// A case with AWS Support.
    AwsSupport,
    /// The vulnerability-reporting page, in place of a public issue for security problems.
    VulnerabilityReport,
}

impl EscalationKind {
    /// Returns the kebab-case name used in the tree data.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationKind::BugReport => "bug-report",
            EscalationKind::AwsSupport => "aws-support",
            EscalationKind::VulnerabilityReport => "vulnerability-report",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_from_stat_names() {
        let cases = [
            ("listener.0.0.0.0_15000.ssl.handshake", Some(Scope::Listener)),
            ("cluster.cds_egress_mesh_node_http_8080.ssl.handshake", Some(Scope::Cluster)),
            ("http.ingress.downstream_cx_ssl_total", None),
            ("listener_manager.lds.update_rejected", None),
            ("", None),
        ];
        for (name, expected) in cases {
            assert_eq!(Scope::from_stat_name(name), expected, "{name}");
        }
    }

    #[test]
    fn scope_from_subjects() {
        let cases = [
            ("listener 0.0.0.0_15000", Some(Scope::Listener)),
            ("cluster cds_egress_mesh_node_http_8080", Some(Scope::Cluster)),
            ("listener.0.0.0.0_15000", Some(Scope::Listener)),
            ("host backend.apps.local", None),
            ("listeners", None),
        ];
        for (subject, expected) in cases {
            assert_eq!(Scope::from_subject(subject), expected, "{subject}");
        }
    }

    #[test]
    fn evidence_code_matches_scoped_rules() {
        let rule = |scope| AnsweredBy {
            code: "tls-in-use".to_owned(),
            scope,
            when: CodeState::Found,
            answer: "holds".to_owned(),
        };
        let listener = EvidenceCode::from(("tls-in-use", Scope::Listener));
        let bare = EvidenceCode::from("tls-in-use");
        assert!(listener.matches(&rule(None)));
        assert!(listener.matches(&rule(Some(Scope::Listener))));
        assert!(!listener.matches(&rule(Some(Scope::Cluster))));
        assert!(bare.matches(&rule(None)));
        assert!(!bare.matches(&rule(Some(Scope::Listener))));
        assert!(!EvidenceCode::from("tls-not-in-use").matches(&rule(None)));
    }

    #[test]
    fn doc_link_absolute_pages() {
        let link =
            |page: &str| DocLink { page: page.to_owned(), anchor: None, title: String::new() };
        assert!(link("https://www.envoyproxy.io/docs").is_absolute());
        assert!(link("http://aws.amazon.com/security/").is_absolute());
        assert!(!link("troubleshooting-security").is_absolute());
        assert!(!link("httpsomething").is_absolute());
    }
}
