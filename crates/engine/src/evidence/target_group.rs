//! Load balancer target groups and App Mesh virtual nodes, from the JSON that
//! `aws elbv2 describe-target-groups` and `aws appmesh describe-virtual-node`
//! print, and the checks the App Mesh guide lists for TLS behind an ALB or NLB.
//!
//! The App Mesh user guide ("Troubleshooting TLS with Elastic Load Balancing")
//! requires: the target group port equals the virtual node listener port; an ALB
//! that originates TLS uses target group protocol `HTTPS` and health check
//! protocol `HTTPS`; an NLB uses `TLS` and `TCP`. A target group's port and
//! protocol cannot be changed in place, so the fix is a new target group, which
//! needs a new name.
//!
//! The reader takes the command line and other text around the JSON, several
//! documents in one paste, and a document cut off at the end; every value keeps
//! the line it was on.

use std::fmt;

use super::Warning;

/// A value and the 1-based line of the whole input it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

/// Everything read from one paste.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetGroups {
    /// `TargetGroups[]` of `aws elbv2 describe-target-groups`.
    pub target_groups: Vec<TargetGroup>,
    /// `virtualNode` of `aws appmesh describe-virtual-node`.
    pub virtual_nodes: Vec<VirtualNode>,
}

/// One element of `TargetGroups[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetGroup {
    /// Line of the element's opening brace.
    pub line: usize,
    pub name: Option<Located<String>>,
    pub arn: Option<Located<String>>,
    /// `Protocol`: `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: Option<Located<String>>,
    pub port: Option<Located<u16>>,
    pub health_check_protocol: Option<Located<String>>,
    /// `HealthCheckPort`: a number as a string, or `traffic-port`.
    pub health_check_port: Option<Located<String>>,
    pub load_balancer_arns: Vec<Located<String>>,
    /// `TargetType`: `instance`, `ip`, `lambda` or `alb`.
    pub target_type: Option<Located<String>>,
}

/// The type of load balancer a target group serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadBalancerKind {
    Application,
    Network,
    Gateway,
}

impl fmt::Display for LoadBalancerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoadBalancerKind::Application => "Application Load Balancer",
            LoadBalancerKind::Network => "Network Load Balancer",
            LoadBalancerKind::Gateway => "Gateway Load Balancer",
        })
    }
}

/// The evidence for the load balancer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindSource {
    /// From `LoadBalancerArns`: `loadbalancer/app/`, `net/` or `gwy/`.
    Arn { line: usize },
    /// From the protocol, when no load balancer is attached: HTTP and HTTPS
    /// target groups serve ALBs only, TCP, TLS, UDP and TCP_UDP ones NLBs only.
    Protocol { line: usize },
}

impl TargetGroup {
    /// Returns the load balancer type and where it was read.
    pub fn load_balancer_kind(&self) -> Option<(LoadBalancerKind, KindSource)> {
        for arn in &self.load_balancer_arns {
            let kind = if arn.value.contains(":loadbalancer/app/") {
                LoadBalancerKind::Application
            } else if arn.value.contains(":loadbalancer/net/") {
                LoadBalancerKind::Network
            } else if arn.value.contains(":loadbalancer/gwy/") {
                LoadBalancerKind::Gateway
            } else {
                continue;
            };
            return Some((kind, KindSource::Arn { line: arn.line }));
        }
        let protocol = self.protocol.as_ref()?;
        let kind = match protocol.value.to_ascii_uppercase().as_str() {
            "HTTP" | "HTTPS" => LoadBalancerKind::Application,
            "TCP" | "TLS" | "UDP" | "TCP_UDP" => LoadBalancerKind::Network,
            "GENEVE" => LoadBalancerKind::Gateway,
            _ => return None,
        };
        Some((kind, KindSource::Protocol { line: protocol.line }))
    }

    fn display_name(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(|| format!("on line {}", self.line), |name| format!("`{}`", name.value))
    }
}

/// The `virtualNode` object of `aws appmesh describe-virtual-node`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualNode {
    pub line: usize,
    pub name: Option<Located<String>>,
    pub mesh_name: Option<Located<String>>,
    /// `spec.listeners[]`.
    pub listeners: Vec<VirtualNodeListener>,
}

/// One element of `spec.listeners[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VirtualNodeListener {
    pub line: usize,
    /// `portMapping.port`.
    pub port: Option<Located<u16>>,
    /// `portMapping.protocol`: `http`, `http2`, `grpc` or `tcp`.
    pub protocol: Option<Located<String>>,
    /// `tls.mode`: `STRICT`, `PERMISSIVE` or `DISABLED`; None without a `tls` object.
    pub tls_mode: Option<Located<String>>,
}

/// A target group setting that does not match the App Mesh guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElbProblem {
    /// `Port` differs from every listener port given.
    PortMismatch { target_group: String, line: usize, port: u16, listener_ports: Vec<u16> },
    /// `Protocol` is not the one the load balancer type needs.
    Protocol {
        target_group: String,
        line: usize,
        kind: LoadBalancerKind,
        found: String,
        expected: &'static str,
    },
    /// `HealthCheckProtocol` is not the one the load balancer type needs.
    HealthCheckProtocol {
        target_group: String,
        line: usize,
        kind: LoadBalancerKind,
        found: String,
        expected: &'static str,
    },
}

/// The remediation shared by every target group problem.
pub const NEW_TARGET_GROUP_NEEDED: &str = "A target group's port and protocol cannot be changed in place: \
create a new target group, with a new name, with the right settings, register the targets, and point the \
load balancer listener at it.";

impl ElbProblem {
    /// Returns the finding code, as listed in the finding registry.
    pub fn code(&self) -> &'static str {
        match self {
            ElbProblem::PortMismatch { .. } => "elb-target-port-mismatch",
            ElbProblem::Protocol { .. } => "elb-target-protocol",
            ElbProblem::HealthCheckProtocol { .. } => "elb-health-check-protocol",
        }
    }

    /// Returns the line of the value at fault.
    pub fn line(&self) -> usize {
        match self {
            ElbProblem::PortMismatch { line, .. }
            | ElbProblem::Protocol { line, .. }
            | ElbProblem::HealthCheckProtocol { line, .. } => *line,
        }
    }

    /// Returns what to do, ending with [`NEW_TARGET_GROUP_NEEDED`].
    pub fn remediation(&self) -> String {
        let change = match self {
            ElbProblem::PortMismatch { listener_ports, .. } => {
                let ports: Vec<String> = listener_ports.iter().map(ToString::to_string).collect();
                format!(
                    "Use the virtual node listener port ({}) as the target group port.",
                    ports.join(" or ")
                )
            }
            ElbProblem::Protocol { expected, kind, .. } => {
                format!("Use protocol {expected} for a target group of an {kind}.")
            }
            ElbProblem::HealthCheckProtocol { expected, kind, .. } => {
                format!("Use health check protocol {expected} for a target group of an {kind}.")
            }
        };
        format!("{change} {NEW_TARGET_GROUP_NEEDED}")
    }
}

impl fmt::Display for ElbProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElbProblem::PortMismatch { target_group, port, listener_ports, .. } => {
                let ports: Vec<String> = listener_ports.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "target group {target_group} sends to port {port}, but the virtual node listens on {}",
                    ports.join(", ")
                )
            }
            ElbProblem::Protocol { target_group, kind, found, expected, .. } => write!(
                f,
                "target group {target_group} uses protocol {found}; an {kind} that encrypts traffic to a virtual node needs {expected}"
            ),
            ElbProblem::HealthCheckProtocol { target_group, kind, found, expected, .. } => write!(
                f,
                "target group {target_group} health-checks with {found}; an {kind} that encrypts traffic to a virtual node needs {expected}"
            ),
        }
    }
}

/// Checks one target group against the App Mesh rules. `listener_ports` are the
/// virtual node listener ports (from [`TargetGroups::listener_ports`] or given by
/// the person); an empty slice skips the port check. A Gateway Load Balancer, or
/// a type that cannot be determined, gets the port check only.
pub fn check_target_group(group: &TargetGroup, listener_ports: &[u16]) -> Vec<ElbProblem> {
    let mut problems = Vec::new();
    let target_group = group.display_name();

    if let Some(port) = &group.port {
        if !listener_ports.is_empty() && !listener_ports.contains(&port.value) {
            problems.push(ElbProblem::PortMismatch {
                target_group: target_group.clone(),
                line: port.line,
                port: port.value,
                listener_ports: listener_ports.to_vec(),
            });
        }
    }

    let Some((kind, _)) = group.load_balancer_kind() else { return problems };
    let (protocol_expected, health_expected) = match kind {
        LoadBalancerKind::Application => ("HTTPS", "HTTPS"),
        LoadBalancerKind::Network => ("TLS", "TCP"),
        LoadBalancerKind::Gateway => return problems,
    };
    if let Some(protocol) = &group.protocol {
        if !protocol.value.eq_ignore_ascii_case(protocol_expected) {
            problems.push(ElbProblem::Protocol {
                target_group: target_group.clone(),
                line: protocol.line,
                kind,
                found: protocol.value.clone(),
                expected: protocol_expected,
            });
        }
    }
    if let Some(health) = &group.health_check_protocol {
        if !health.value.eq_ignore_ascii_case(health_expected) {
            problems.push(ElbProblem::HealthCheckProtocol {
                target_group,
                line: health.line,
                kind,
                found: health.value.clone(),
                expected: health_expected,
            });
        }
    }
    problems
}

impl TargetGroups {
    /// Returns the listener ports of every virtual node read, without repeats.
    pub fn listener_ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = Vec::new();
        for listener in self.virtual_nodes.iter().flat_map(|node| &node.listeners) {
            if let Some(port) = &listener.port {
                if !ports.contains(&port.value) {
                    ports.push(port.value);
                }
            }
        }
        ports
    }

    /// Checks every target group. `listener_port` is the port the person gave;
    /// without it the listener ports of the virtual nodes in the paste are used.
    pub fn check(&self, listener_port: Option<u16>) -> Vec<ElbProblem> {
        let ports = match listener_port {
            Some(port) => vec![port],
            None => self.listener_ports(),
        };
        self.target_groups.iter().flat_map(|group| check_target_group(group, &ports)).collect()
    }
}

/// Parses `text`, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse(text: &str, first_line: usize) -> (TargetGroups, Vec<Warning>) {
    let mut records = TargetGroups::default();
    let mut warnings = Vec::new();
    let mut reader = json::Reader::new(text, first_line);

    while let Some(start_line) = reader.skip_to_document() {
        let document = reader.document();
        if let Some(error) = reader.take_error() {
            warnings.push(error);
        }
        let before = records.target_groups.len() + records.virtual_nodes.len();
        read_document(&document, &mut records, &mut warnings);
        if records.target_groups.len() + records.virtual_nodes.len() == before {
            warnings.push(Warning::at_line(
                start_line,
                "this JSON has neither `TargetGroups` (aws elbv2 describe-target-groups) nor `virtualNode` (aws appmesh describe-virtual-node)",
            ));
        }
    }
    if records.target_groups.is_empty() && records.virtual_nodes.is_empty() && warnings.is_empty() {
        warnings.push(Warning::at_line(
            first_line,
            "no JSON object found: paste the command's JSON output",
        ));
    }
    (records, warnings)
}

fn read_document(document: &json::Value, records: &mut TargetGroups, warnings: &mut Vec<Warning>) {
    if let Some(groups) = document.get("TargetGroups") {
        match &groups.kind {
            json::Kind::Array(items) => {
                records
                    .target_groups
                    .extend(items.iter().map(|item| read_target_group(item, warnings)));
            }
            _ => warnings.push(Warning::at_line(groups.line, "`TargetGroups` is not an array")),
        }
    } else if document.get("TargetGroupName").is_some() {
        // One element pasted on its own.
        records.target_groups.push(read_target_group(document, warnings));
    }

    if let Some(node) = document.get("virtualNode") {
        records.virtual_nodes.push(read_virtual_node(node, warnings));
    } else if document.get("virtualNodeName").is_some() && document.get("spec").is_some() {
        records.virtual_nodes.push(read_virtual_node(document, warnings));
    }
}

fn read_target_group(item: &json::Value, warnings: &mut Vec<Warning>) -> TargetGroup {
    let mut group = TargetGroup {
        line: item.line,
        name: item.string("TargetGroupName", warnings),
        arn: item.string("TargetGroupArn", warnings),
        protocol: item.string("Protocol", warnings),
        port: item.port("Port", warnings),
        health_check_protocol: item.string("HealthCheckProtocol", warnings),
        health_check_port: item.string("HealthCheckPort", warnings),
        load_balancer_arns: Vec::new(),
        target_type: item.string("TargetType", warnings),
    };
    if let Some(arns) = item.get("LoadBalancerArns") {
        match &arns.kind {
            json::Kind::Array(values) => {
                for value in values {
                    match &value.kind {
                        json::Kind::String(arn) => {
                            group
                                .load_balancer_arns
                                .push(Located { value: arn.clone(), line: value.line });
                        }
                        _ => warnings.push(Warning::at_line(
                            value.line,
                            "expected a load balancer ARN string",
                        )),
                    }
                }
            }
            _ => warnings.push(Warning::at_line(arns.line, "`LoadBalancerArns` is not an array")),
        }
    }
    group
}

fn read_virtual_node(node: &json::Value, warnings: &mut Vec<Warning>) -> VirtualNode {
    let mut record = VirtualNode {
        line: node.line,
        name: node.string("virtualNodeName", warnings),
        mesh_name: node.string("meshName", warnings),
        listeners: Vec::new(),
    };
    let Some(listeners) = node.get("spec").and_then(|spec| spec.get("listeners")) else {
        warnings.push(Warning::at_line(node.line, "the virtual node has no `spec.listeners`"));
        return record;
    };
    let json::Kind::Array(items) = &listeners.kind else {
        warnings.push(Warning::at_line(listeners.line, "`listeners` is not an array"));
        return record;
    };
    for item in items {
        let mapping = item.get("portMapping");
        record.listeners.push(VirtualNodeListener {
            line: item.line,
            port: mapping.and_then(|m| m.port("port", warnings)),
            protocol: mapping.and_then(|m| m.string("protocol", warnings)),
            tls_mode: item.get("tls").and_then(|tls| tls.string("mode", warnings)),
        });
    }
    record
}

/// A small JSON reader that keeps the line of every value and stops at the
/// first syntax error with what it read so far.
mod json {
    use super::{Located, Warning};

    /// Deeper nesting is rejected: the AWS CLI output is a few levels deep, and the
    /// limit keeps hostile input from exhausting the stack.
    const MAX_DEPTH: usize = 64;

    #[derive(Debug)]
    pub(super) struct Value {
        pub line: usize,
        pub kind: Kind,
    }

    #[derive(Debug)]
    pub(super) enum Kind {
        Null,
        Bool,
        Number(String),
        String(String),
        Array(Vec<Value>),
        Object(Vec<(String, Value)>),
    }

    impl Value {
        pub fn get(&self, key: &str) -> Option<&Value> {
            match &self.kind {
                Kind::Object(members) => {
                    members.iter().find(|(name, _)| name == key).map(|(_, value)| value)
                }
                _ => None,
            }
        }

        pub fn string(&self, key: &str, warnings: &mut Vec<Warning>) -> Option<Located<String>> {
            let value = self.get(key)?;
            match &value.kind {
                Kind::String(text) => Some(Located { value: text.clone(), line: value.line }),
                Kind::Number(text) => Some(Located { value: text.clone(), line: value.line }),
                Kind::Null => None,
                _ => {
                    warnings.push(Warning::at_line(
                        value.line,
                        format!("expected a string for `{key}`"),
                    ));
                    None
                }
            }
        }

        pub fn port(&self, key: &str, warnings: &mut Vec<Warning>) -> Option<Located<u16>> {
            let value = self.get(key)?;
            let text = match &value.kind {
                Kind::Number(text) | Kind::String(text) => text,
                Kind::Null => return None,
                _ => "",
            };
            match text.parse::<u16>() {
                Ok(port) => Some(Located { value: port, line: value.line }),
                Err(_) => {
                    warnings.push(Warning::at_line(
                        value.line,
                        format!("expected a port number (0 to 65535) for `{key}`"),
                    ));
                    None
                }
            }
        }
    }

    pub(super) struct Reader<'a> {
        bytes: &'a [u8],
        position: usize,
        line: usize,
        column_start: usize,
        error: Option<Warning>,
    }

    impl<'a> Reader<'a> {
        pub fn new(text: &'a str, first_line: usize) -> Self {
            Reader {
                bytes: text.as_bytes(),
                position: 0,
                line: first_line,
                column_start: 0,
                error: None,
            }
        }

        pub fn take_error(&mut self) -> Option<Warning> {
            self.error.take()
        }

        /// Moves to the next line whose first non-blank character is `{` and
        /// returns its line number.
        pub fn skip_to_document(&mut self) -> Option<usize> {
            loop {
                let rest = self.bytes.get(self.position..)?;
                let blank = rest.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r')).count();
                if rest.get(blank) == Some(&b'{') {
                    self.position += blank;
                    return Some(self.line);
                }
                let newline = rest.iter().position(|&b| b == b'\n')?;
                self.position += newline + 1;
                self.line += 1;
                self.column_start = self.position;
            }
        }

        pub fn document(&mut self) -> Value {
            self.value(0)
        }

        fn fail(&mut self, message: impl Into<String>) {
            if self.error.is_none() {
                let column = self.position.saturating_sub(self.column_start) + 1;
                self.error = Some(Warning::at(self.line, column, message));
            }
            // Stop this document: jump to the end of the current line.
            let rest = self.bytes.get(self.position..).unwrap_or_default();
            self.position += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        }

        fn failed(&self) -> bool {
            self.error.is_some()
        }

        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.position).copied()
        }

        fn skip_space(&mut self) {
            while let Some(byte) = self.peek() {
                match byte {
                    b'\n' => {
                        self.position += 1;
                        self.line += 1;
                        self.column_start = self.position;
                    }
                    b' ' | b'\t' | b'\r' => self.position += 1,
                    _ => return,
                }
            }
        }

        fn value(&mut self, depth: usize) -> Value {
            self.skip_space();
            let line = self.line;
            if depth > MAX_DEPTH {
                self.fail(format!("JSON nested deeper than {MAX_DEPTH} levels"));
                return Value { line, kind: Kind::Null };
            }
            let kind = match self.peek() {
                Some(b'{') => self.object(depth),
                Some(b'[') => self.array(depth),
                Some(b'"') => Kind::String(self.string()),
                Some(b't') => self.literal("true", Kind::Bool),
                Some(b'f') => self.literal("false", Kind::Bool),
                Some(b'n') => self.literal("null", Kind::Null),
                Some(b'-' | b'0'..=b'9') => self.number(),
                Some(other) => {
                    self.fail(format!(
                        "expected a JSON value, found `{}`",
                        char::from(other).escape_default()
                    ));
                    Kind::Null
                }
                None => {
                    self.fail("the JSON ends early: the paste is cut off");
                    Kind::Null
                }
            };
            Value { line, kind }
        }

        fn literal(&mut self, word: &str, kind: Kind) -> Kind {
            let end = self.position + word.len();
            if self.bytes.get(self.position..end) == Some(word.as_bytes()) {
                self.position = end;
            } else {
                self.fail(format!("expected `{word}`"));
            }
            kind
        }

        fn number(&mut self) -> Kind {
            let start = self.position;
            while let Some(byte) = self.peek() {
                if byte.is_ascii_digit() || matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E') {
                    self.position += 1;
                } else {
                    break;
                }
            }
            let text = self.bytes.get(start..self.position).unwrap_or_default();
            Kind::Number(String::from_utf8_lossy(text).into_owned())
        }

        fn string(&mut self) -> String {
            // The opening quote.
            self.position += 1;
            let mut out: Vec<u8> = Vec::new();
            loop {
                let Some(byte) = self.peek() else {
                    self.fail("unterminated string");
                    break;
                };
                self.position += 1;
                match byte {
                    b'"' => break,
                    b'\n' => {
                        self.position -= 1;
                        self.fail("unterminated string");
                        break;
                    }
                    b'\\' => {
                        let Some(escaped) = self.peek() else { continue };
                        self.position += 1;
                        match escaped {
                            b'n' => out.push(b'\n'),
                            b't' => out.push(b'\t'),
                            b'r' => out.push(b'\r'),
                            b'b' | b'f' => {}
                            b'u' => {
                                let hex = self
                                    .bytes
                                    .get(self.position..self.position + 4)
                                    .unwrap_or_default();
                                let code = std::str::from_utf8(hex)
                                    .ok()
                                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                                self.position = (self.position + 4).min(self.bytes.len());
                                let character = code
                                    .and_then(char::from_u32)
                                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                                let mut buffer = [0u8; 4];
                                out.extend_from_slice(
                                    character.encode_utf8(&mut buffer).as_bytes(),
                                );
                            }
                            other => out.push(other),
                        }
                    }
                    other => out.push(other),
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        }

        fn array(&mut self, depth: usize) -> Kind {
            self.position += 1;
            let mut items = Vec::new();
            loop {
                self.skip_space();
                match self.peek() {
                    Some(b']') => {
                        self.position += 1;
                        break;
                    }
                    Some(b',') => self.position += 1,
                    _ => {
                        items.push(self.value(depth + 1));
                        if self.failed() {
                            break;
                        }
                    }
                }
            }
            Kind::Array(items)
        }

        fn object(&mut self, depth: usize) -> Kind {
            self.position += 1;
            let mut members = Vec::new();
            loop {
                self.skip_space();
                match self.peek() {
                    Some(b'}') => {
                        self.position += 1;
                        break;
                    }
                    Some(b',') => self.position += 1,
                    Some(b'"') => {
                        let key = self.string();
                        self.skip_space();
                        if self.peek() != Some(b':') {
                            self.fail(format!("expected `:` after the key `{key}`"));
                            break;
                        }
                        self.position += 1;
                        let value = self.value(depth + 1);
                        members.push((key, value));
                        if self.failed() {
                            break;
                        }
                    }
                    Some(other) => {
                        self.fail(format!(
                            "expected a key in quotes, found `{}`",
                            char::from(other).escape_default()
                        ));
                        break;
                    }
                    None => {
                        self.fail("the JSON ends early: the paste is cut off");
                        break;
                    }
                }
            }
            Kind::Object(members)
        }
    }
}
