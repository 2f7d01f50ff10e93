//! Redaction of reports before they leave the page.
//!
//! [`Redactor::plan`] finds the values that identify a customer's infrastructure in
//! every text of a report: AWS account IDs, ARNs, IPv4 and IPv6 addresses, host names,
//! SPIFFE trust domains, e-mail addresses, certificate serial numbers, and values the
//! person adds. It returns one [`Replacement`] per distinct value, which the page shows
//! as a preview where each one can be switched off. [`Redactor::apply`] then rewrites
//! a text with the enabled replacements. The same value always gets the same
//! placeholder (`<ip-1>`, `<host-2>`, `<account-1>`), so a redacted report still shows
//! which lines talk about the same peer.
//!
//! The scanner is hand-written and linear in the input (plus sorting the matches), to
//! keep the page small and fast on a large `/stats` dump. It is a set of heuristics,
//! tuned to Envoy evidence:
//!
//! - Host names need at least two labels and a final label that is a known top-level
//!   domain ([`HOST_SUFFIXES`], two-letter country codes except the ones that are
//!   common file extensions), unless the context marks a host: after `://`, `@`,
//!   `DNS:`, `CN=`, `Host:`, `sni=` and similar keys, any alphabetic final label counts.
//!   A dotted name glued to `_` is part of an Envoy stat or extension name
//!   (`cluster.cds_egress_...`, `ssl_socket.cc`) and is not a host.
//! - Dotted quads after a `v` or before `-prod`, or after the word `version` or
//!   `envoy`, are Envoy image versions (`v1.34.13.3-prod`), not addresses. Before any
//!   other dash and word (`10.44.3.2-a.log`) they are addresses.
//! - An ARN in a file name ends before the `:<line>:` that quotes a line of the file,
//!   so the name and its evidence lines share one placeholder.
//! - `0.0.0.0`, loopback, the metadata addresses `169.254.169.254` and `169.254.170.2`,
//!   netmasks, and the documentation ranges identify no one and keep their meaning:
//!   `listener.0.0.0.0_15000` stays as it is ([`is_public_ipv4`]).
//! - A 12-digit number is an account ID inside an ARN, in an ECR registry host, or
//!   with the word `account` or `owner` shortly before it on the same line.
//! - Values overlap: an ARN contains an account ID and often a host name, an e-mail
//!   address contains a host name. The outer value is replaced as a whole; when the
//!   person switches it off, the values inside it are still replaced by their own
//!   entries.
//!
//! Once a host name, trust domain or account ID is found anywhere, each of its other
//! occurrences as a whole token is replaced too, even where its context alone would not
//! have marked it.

use std::collections::HashMap;

/// Host names that stay readable because they identify no one: the example names of
/// the App Mesh user guide and the defaults of Kubernetes and Istio.
pub const ALLOWED_HOSTS: &[&str] = &[
    "my-app.default.svc.cluster.local",
    "mesh-endpoint.apps.local",
    "my-mesh-endpoint.apps.local",
    "*.apps.local",
    "apps.local",
    // Kubernetes' default cluster domain, and Istio's default SPIFFE trust domain.
    "cluster.local",
    "localhost",
];

/// Public domains that stay readable together with all their subdomains: the sites
/// that documentation and issue links point at, and the names RFC 2606 and RFC 6761
/// reserve for examples and tests.
pub const PUBLIC_DOMAINS: &[&str] = &[
    "amazon.com",
    "github.com",
    "githubusercontent.com",
    "envoyproxy.io",
    "istio.io",
    "spiffe.io",
    "googleapis.com",
    "ietf.org",
    "rfc-editor.org",
    "example.com",
    "example.net",
    "example.org",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// E-mail addresses that stay readable: the AWS security contact that the bug-report
/// template names, and the SSH user of GitHub remotes.
pub const ALLOWED_EMAILS: &[&str] = &["aws-security@amazon.com", "git@github.com"];

/// AWS's own account that serves the App Mesh Envoy image
/// (`840364872350.dkr.ecr.<region>.amazonaws.com/aws-appmesh-envoy`), named in the
/// App Mesh user guide.
pub const ALLOWED_ACCOUNTS: &[&str] = &["840364872350"];

/// Final labels that make a dotted name a host name without further context: common
/// generic top-level domains, and the private-use suffixes that meshes use (Cloud Map
/// `.local`, EC2 `.internal`, Kubernetes `.svc`, Consul `.consul`).
///
/// Words that are also Envoy stat segments (`zone`, `host`, `live`) are left out on
/// purpose, because `server.live` and `cluster.x.zone` must stay readable.
#[rustfmt::skip]
pub const HOST_SUFFIXES: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "dev", "app", "cloud",
    "tech", "online", "site", "xyz", "aws", "amazon", "google",
    "local", "localdomain", "internal", "intranet", "corp", "lan", "home", "private", "svc",
    "consul",
];

/// Suffixes after which a longer dotted token is cut into a host name and a stat
/// tail, as in Istio's `cluster.outbound|9080||reviews.default.svc.cluster.local.ssl.handshake`.
const EMBEDDED_HOST_SUFFIXES: &[&str] = &["local", "internal", "consul"];

/// Two-letter country-code domains, from the IANA root zone.
const COUNTRY_CODES: &str = "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg \
    bh bi bj bm bn bo br bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz \
    de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq \
    gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km \
    kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr \
    ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr \
    ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz \
    tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws \
    ye yt za zm zw";

/// Country codes that are also common file extensions (`ssl_socket.cc`, `README.md`,
/// `main.tf`, `entrypoint.sh`, `libssl.so`): they make a host name only in a host
/// context such as a URL.
const FILE_EXTENSION_CODES: &[&str] = &["cc", "md", "mk", "py", "rs", "sh", "so", "tf"];

/// Container names of mesh sidecars, which a log-line prefix may carry after the pod
/// name; they name a role, not a workload, and stay readable.
const SIDECAR_CONTAINERS: &[&str] =
    &["istio-proxy", "envoy", "appmesh-envoy", "consul-dataplane", "envoy-sidecar"];

/// Words that, just before a host-shaped token, say that it is a host name.
const HOST_CONTEXT_WORDS: &[&str] = &[
    "host",
    "hostname",
    "authority",
    "sni",
    "server_name",
    "servername",
    "dns",
    "cn",
    "fqdn",
    "domain",
    // Envoy access-log fields.
    "requested_server_name",
    "upstream_host",
];

/// Words that, just before a dotted quad, say that it is a version.
const VERSION_CONTEXT_WORDS: &[&str] = &["v", "version", "envoy", "release", "tag", "image"];

/// How many bytes before a 12-digit number may hold the word `account` or `owner`.
const ACCOUNT_CONTEXT_BYTES: usize = 48;

/// Kind of value that a replacement hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RedactionKind {
    /// A value the person added to the plan (a pod, cluster or mesh name).
    Custom,
    /// A credential in a URL's query (`?token=...`) or an `Authorization` header's
    /// bearer token.
    Secret,
    /// An Amazon Resource Name.
    Arn,
    /// An e-mail address.
    Email,
    /// The trust domain of a SPIFFE ID (`spiffe://<trust domain>/...`).
    TrustDomain,
    /// A 12-digit AWS account ID.
    Account,
    /// A certificate serial number.
    Serial,
    /// An IPv6 address.
    Ipv6,
    /// An IPv4 address.
    Ipv4,
    /// A DNS host name.
    Host,
}

impl RedactionKind {
    /// Returns the word inside this kind's placeholders (`<host-1>`).
    pub fn placeholder_name(self) -> &'static str {
        match self {
            RedactionKind::Custom => "value",
            RedactionKind::Secret => "secret",
            RedactionKind::Arn => "arn",
            RedactionKind::Email => "email",
            RedactionKind::TrustDomain => "trust-domain",
            RedactionKind::Account => "account",
            RedactionKind::Serial => "serial",
            RedactionKind::Ipv6 => "ipv6",
            RedactionKind::Ipv4 => "ip",
            RedactionKind::Host => "host",
        }
    }

    /// Returns a label for the preview.
    pub fn description(self) -> &'static str {
        match self {
            RedactionKind::Custom => "value you added",
            RedactionKind::Secret => "credential in a URL or header",
            RedactionKind::Arn => "ARN",
            RedactionKind::Email => "e-mail address",
            RedactionKind::TrustDomain => "SPIFFE trust domain",
            RedactionKind::Account => "AWS account ID",
            RedactionKind::Serial => "certificate serial number",
            RedactionKind::Ipv6 => "IPv6 address",
            RedactionKind::Ipv4 => "IPv4 address",
            RedactionKind::Host => "host name",
        }
    }
}

/// Settings of a [`Redactor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactOptions {
    /// Whether certificate serial numbers are redacted (on by default: a serial number
    /// names one certificate of one customer).
    pub serial_numbers: bool,
    /// Further values to hide wherever they occur, matched exactly and case-sensitively;
    /// blank entries are ignored.
    pub extra_values: Vec<String>,
}

impl Default for RedactOptions {
    fn default() -> Self {
        RedactOptions { serial_numbers: true, extra_values: Vec::new() }
    }
}

/// One distinct value found in the texts, and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// Kind of the value.
    pub kind: RedactionKind,
    /// The value as it first occurs in the texts.
    pub original: String,
    /// The text that replaces it, such as `<ip-1>`. For an ARN the partition, service
    /// and region stay and the account has its own placeholder:
    /// `arn:aws:appmesh:us-west-2:<account-1>:<arn-1>`.
    pub placeholder: String,
    /// How many times the value occurs in all the planned texts.
    pub occurrences: usize,
    /// Whether [`Redactor::apply`] replaces it; the person may switch it off.
    pub enabled: bool,
}

/// Finds and replaces identifying values; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    options: RedactOptions,
}

/// One occurrence of a value in a text, as byte offsets.
#[derive(Debug, Clone)]
struct Found {
    start: usize,
    end: usize,
    kind: RedactionKind,
    key: String,
    /// For an ARN: the text kept before the account (`arn:aws:appmesh:us-west-2:`),
    /// and the account field itself.
    arn: Option<(String, String)>,
}

impl Redactor {
    /// Creates a redactor with the given options.
    pub fn new(options: RedactOptions) -> Redactor {
        Redactor { options }
    }

    /// Finds every value to redact in `texts` and assigns each its placeholder,
    /// numbered by kind in order of first occurrence. All replacements start enabled.
    /// The list is ordered by kind, then by placeholder number.
    pub fn plan(&self, texts: &[&str]) -> Vec<Replacement> {
        // The scanners run once per text: the second pass only adds the whole-token
        // occurrences of values that the first pass found anywhere.
        let candidates: Vec<Vec<Found>> = texts.iter().map(|text| self.candidates(text)).collect();
        let mut known: HashMap<String, RedactionKind> = HashMap::new();
        for found in candidates.iter().flat_map(|list| nest(list.clone())) {
            let kind = known.entry(found.key).or_insert(found.kind);
            *kind = (*kind).min(found.kind);
        }
        let kinds = known.clone();
        known.retain(|_, kind| is_token_kind(*kind));
        add_service_names(&mut known);

        let mut builder = PlanBuilder::default();
        for (text, mut found) in texts.iter().zip(candidates) {
            scan_known_tokens(text.as_bytes(), &known, &mut found);
            for found in nest(found) {
                let kind = kinds.get(&found.key).copied().unwrap_or(found.kind);
                builder.add(&found, kind, text);
            }
        }
        builder.finish()
    }

    /// Rewrites `text` with the enabled replacements of `plan`.
    ///
    /// Pass every text to [`Redactor::plan`] first. A value that the plan does not list
    /// is still replaced, with a placeholder numbered after the plan's, so a text
    /// changed after the preview leaks nothing.
    pub fn apply(&self, text: &str, plan: &[Replacement]) -> String {
        let mut entries: HashMap<String, (bool, String)> = HashMap::new();
        let mut known: HashMap<String, RedactionKind> = HashMap::new();
        let mut next_number: HashMap<RedactionKind, usize> = HashMap::new();
        for replacement in plan {
            let key = value_key(&replacement.original);
            if is_token_kind(replacement.kind) {
                known.insert(key.clone(), replacement.kind);
            }
            entries.insert(key, (replacement.enabled, replacement.placeholder.clone()));
            let count = next_number.entry(replacement.kind).or_insert(0);
            *count += 1;
        }

        add_service_names(&mut known);
        let found = self.find(text, &known);
        // Values the plan does not list get fresh placeholders; accounts first, because
        // an ARN's placeholder contains its account's.
        let mut order: Vec<&Found> = found.iter().collect();
        order.sort_by_key(|f| f.kind != RedactionKind::Account);
        for f in order {
            if entries.contains_key(&f.key) {
                continue;
            }
            let count = next_number.entry(f.kind).or_insert(0);
            *count += 1;
            let placeholder = match &f.arn {
                Some((head, account)) => {
                    let account = entries
                        .get(&value_key(account))
                        .map_or(account.as_str(), |(_, p)| p.as_str());
                    format!("{head}{account}:<arn-{count}>")
                }
                None => numbered(f.kind, *count),
            };
            entries.insert(f.key.clone(), (true, placeholder));
        }

        let mut out = String::with_capacity(text.len());
        render(text, &found, &entries, 0, text.len(), &mut out);
        out
    }

    /// Finds all values in one text, as a well-nested list sorted by position.
    fn find(&self, text: &str, known: &HashMap<String, RedactionKind>) -> Vec<Found> {
        let mut found = self.candidates(text);
        scan_known_tokens(text.as_bytes(), known, &mut found);
        nest(found)
    }

    /// Runs every scanner over one text; the matches may overlap.
    fn candidates(&self, text: &str) -> Vec<Found> {
        let bytes = text.as_bytes();
        let lower = text.to_ascii_lowercase();
        let lower = lower.as_bytes();
        let mut found = Vec::new();

        scan_secrets(bytes, lower, &mut found);
        scan_arns(bytes, &mut found);
        scan_emails(bytes, &mut found);
        scan_spiffe(bytes, lower, &mut found);
        scan_hosts(bytes, &mut found);
        scan_log_prefixes(bytes, &mut found);
        scan_ipv4(bytes, &mut found);
        scan_ipv6(bytes, &mut found);
        scan_accounts(bytes, lower, &mut found);
        if self.options.serial_numbers {
            scan_serials(bytes, lower, &mut found);
        }
        for value in &self.options.extra_values {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            for (start, matched) in text.match_indices(value) {
                push(&mut found, bytes, start, start + matched.len(), RedactionKind::Custom);
            }
        }
        found
    }
}

/// Numbers placeholders while [`Redactor::plan`] walks the texts.
#[derive(Default)]
struct PlanBuilder {
    index: HashMap<String, usize>,
    replacements: Vec<Replacement>,
    numbers: Vec<usize>,
    arn_parts: Vec<Option<(String, String)>>,
    count_by_kind: HashMap<RedactionKind, usize>,
}

impl PlanBuilder {
    fn add(&mut self, found: &Found, kind: RedactionKind, text: &str) {
        if let Some(&position) = self.index.get(&found.key) {
            if let Some(replacement) = self.replacements.get_mut(position) {
                replacement.occurrences += 1;
            }
            return;
        }
        let count = self.count_by_kind.entry(kind).or_insert(0);
        *count += 1;
        self.index.insert(found.key.clone(), self.replacements.len());
        self.numbers.push(*count);
        self.arn_parts.push(found.arn.clone());
        self.replacements.push(Replacement {
            kind,
            original: text.get(found.start..found.end).unwrap_or_default().to_string(),
            placeholder: numbered(kind, *count),
            occurrences: 1,
            enabled: true,
        });
    }

    fn finish(mut self) -> Vec<Replacement> {
        // An ARN's placeholder names its account's placeholder, known only now that
        // every account has its number.
        let account_placeholders: HashMap<String, String> = self
            .replacements
            .iter()
            .filter(|r| r.kind == RedactionKind::Account)
            .map(|r| (r.original.clone(), r.placeholder.clone()))
            .collect();
        for ((replacement, parts), number) in
            self.replacements.iter_mut().zip(&self.arn_parts).zip(&self.numbers)
        {
            if let (RedactionKind::Arn, Some((head, account))) = (replacement.kind, parts) {
                let account = account_placeholders.get(account).unwrap_or(account);
                replacement.placeholder = format!("{head}{account}:<arn-{number}>");
            }
        }
        let mut order: Vec<(RedactionKind, usize, Replacement)> = self
            .replacements
            .into_iter()
            .zip(self.numbers)
            .map(|(replacement, number)| (replacement.kind, number, replacement))
            .collect();
        order.sort_by_key(|(kind, number, _)| (*kind, *number));
        order.into_iter().map(|(_, _, replacement)| replacement).collect()
    }
}

/// Words too common in Envoy names to stand for one service when they occur alone.
const COMMON_SERVICE_WORDS: &[&str] =
    &["http", "grpc", "tcp", "ingress", "egress", "default", "envoy", "admin", "server"];

/// Adds the service name of each Kubernetes host (`reviews` of
/// `reviews.default.svc.cluster.local`) to the known values, because access logs and
/// authorities also name the service alone (`"reviews:9080"`).
fn add_service_names(known: &mut HashMap<String, RedactionKind>) {
    let services: Vec<String> = known
        .iter()
        .filter(|(_, kind)| **kind == RedactionKind::Host)
        .filter(|(host, _)| host.ends_with(".svc.cluster.local") || host.ends_with(".svc"))
        .filter_map(|(host, _)| host.split('.').next())
        .filter(|service| service.len() >= 3 && !COMMON_SERVICE_WORDS.contains(service))
        .filter(|service| !is_public_host(service))
        .map(str::to_string)
        .collect();
    for service in services {
        known.entry(service).or_insert(RedactionKind::Host);
    }
}

/// Kinds whose values are searched again as whole tokens once found anywhere.
fn is_token_kind(kind: RedactionKind) -> bool {
    matches!(kind, RedactionKind::Host | RedactionKind::TrustDomain | RedactionKind::Account)
}

fn numbered(kind: RedactionKind, number: usize) -> String {
    format!("<{}-{number}>", kind.placeholder_name())
}

/// Identifies a value regardless of its kind and ASCII case. Host names, e-mail
/// domains and hex digits compare without case. ARNs and added values that differ
/// only in case share one placeholder, which costs readability but hides no less.
fn value_key(value: &str) -> String {
    value.to_ascii_lowercase()
}

/// Writes `text[start..end]` to `out`, replacing each enabled top-level match and
/// descending into the matches inside a disabled one.
fn render(
    text: &str,
    found: &[Found],
    entries: &HashMap<String, (bool, String)>,
    start: usize,
    end: usize,
    out: &mut String,
) {
    let mut position = start;
    let mut index = 0;
    while let Some(outer) = found.get(index) {
        // In a well-nested list the matches inside `outer` follow it directly.
        let mut inner_end = index + 1;
        while found.get(inner_end).is_some_and(|f| f.start < outer.end) {
            inner_end += 1;
        }
        out.push_str(text.get(position..outer.start).unwrap_or_default());
        match entries.get(&outer.key) {
            Some((true, placeholder)) => out.push_str(placeholder),
            _ => {
                let inner = found.get(index + 1..inner_end).unwrap_or_default();
                render(text, inner, entries, outer.start, outer.end, out);
            }
        }
        position = outer.end;
        index = inner_end;
    }
    out.push_str(text.get(position..end).unwrap_or_default());
}

/// Sorts matches by position, outer before inner, and drops duplicates of a span and
/// matches that cross the end of an enclosing one, so the rest nest like brackets.
fn nest(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.kind.cmp(&b.kind)));
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    let mut open_ends: Vec<usize> = Vec::new();
    for f in found {
        while open_ends.last().is_some_and(|&end| f.start >= end) {
            open_ends.pop();
        }
        if open_ends.last().is_some_and(|&end| f.end > end) {
            continue;
        }
        if kept.last().is_some_and(|last| last.start == f.start && last.end == f.end) {
            continue;
        }
        open_ends.push(f.end);
        kept.push(f);
    }
    kept
}

fn push(found: &mut Vec<Found>, bytes: &[u8], start: usize, end: usize, kind: RedactionKind) {
    let Some(value) = bytes.get(start..end).and_then(|v| std::str::from_utf8(v).ok()) else {
        return;
    };
    found.push(Found { start, end, kind, key: value_key(value), arn: None });
}

fn at(bytes: &[u8], index: usize) -> u8 {
    bytes.get(index).copied().unwrap_or(0)
}

fn before(bytes: &[u8], index: usize) -> u8 {
    index.checked_sub(1).map_or(0, |i| at(bytes, i))
}

fn is_host_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.'
}

fn slice(bytes: &[u8], start: usize, end: usize) -> &[u8] {
    bytes.get(start..end).unwrap_or_default()
}

/// Returns the word just before `start`, after skipping up to four separator characters
/// (`"server_name": "` gives `server_name`).
fn preceding_word(bytes: &[u8], start: usize) -> &[u8] {
    let mut index = start;
    let mut skipped = 0;
    while skipped < 4 && matches!(before(bytes, index), b' ' | b'\t' | b'"' | b'\'' | b':' | b'=') {
        index -= 1;
        skipped += 1;
    }
    let end = index;
    while end - index < 24
        && (before(bytes, index).is_ascii_alphanumeric() || before(bytes, index) == b'_')
    {
        index -= 1;
    }
    slice(bytes, index, end)
}

/// Tells whether the word before `start` is one of `words`, ignoring ASCII case.
fn preceded_by(bytes: &[u8], start: usize, words: &[&str]) -> bool {
    let word = preceding_word(bytes, start);
    words.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
}

fn is_country_code(label: &str) -> bool {
    label.len() == 2
        && COUNTRY_CODES.split_whitespace().any(|code| code.eq_ignore_ascii_case(label))
}

fn is_public_host(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    if ALLOWED_HOSTS.contains(&name.as_str()) {
        return true;
    }
    let bare = name.strip_prefix("*.").unwrap_or(&name);
    if is_public_aws_host(bare) {
        return true;
    }
    PUBLIC_DOMAINS.iter().any(|domain| {
        bare == *domain || bare.strip_suffix(domain).is_some_and(|head| head.ends_with('.'))
    })
}

/// AWS endpoints that every App Mesh customer uses: the management service, and ECR
/// registry hosts, whose only identifying part, the account ID, is redacted on its own.
fn is_public_aws_host(name: &str) -> bool {
    let Some(head) = name.strip_suffix(".amazonaws.com") else {
        return false;
    };
    if head.starts_with("appmesh-envoy-management.") {
        return true;
    }
    let mut labels = head.split('.');
    let account = labels.next().unwrap_or_default();
    account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && labels.next() == Some("dkr")
        && labels.next() == Some("ecr")
}

fn is_valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn scan_hosts(bytes: &[u8], found: &mut Vec<Found>) {
    let mut index = 0;
    while index < bytes.len() {
        if !is_host_byte(at(bytes, index)) {
            index += 1;
            continue;
        }
        let run_start = index;
        while is_host_byte(at(bytes, index)) {
            index += 1;
        }
        consider_host(bytes, run_start, index, found);
    }
}

fn consider_host(bytes: &[u8], run_start: usize, run_end: usize, found: &mut Vec<Found>) {
    let mut start = run_start;
    while matches!(at(bytes, start), b'.' | b'-') && start < run_end {
        start += 1;
    }
    let mut end = run_end;
    while end > start && matches!(before(bytes, end), b'.' | b'-') {
        end -= 1;
    }
    if start >= end {
        return;
    }
    // Glued to `_`, a dotted word is part of an identifier such as an Envoy stat name.
    if (start == run_start && before(bytes, start) == b'_')
        || (end == run_end && at(bytes, end) == b'_')
        || at(bytes, run_end) == b'@'
    {
        return;
    }
    let Ok(name) = std::str::from_utf8(slice(bytes, start, end)) else {
        return;
    };
    let Some((_, last_label)) = name.rsplit_once('.') else {
        if is_ec2_ip_name(name) {
            push(found, bytes, start, end, RedactionKind::Host);
        }
        return;
    };
    // Most dotted tokens in Envoy evidence are stat names; reject them before any
    // allocation.
    let alphabetic = last_label.len() >= 2 && last_label.bytes().all(|b| b.is_ascii_alphabetic());
    let embedded = EMBEDDED_HOST_SUFFIXES.iter().any(|suffix| {
        name.split('.').rev().skip(1).any(|label| label.eq_ignore_ascii_case(suffix))
    });
    if (!alphabetic && !embedded) || name.len() > 253 {
        return;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if !labels.iter().all(|label| is_valid_label(label)) {
        return;
    }

    let accepted = alphabetic && {
        let listed = |list: &[&str]| list.iter().any(|s| s.eq_ignore_ascii_case(last_label));
        listed(HOST_SUFFIXES)
            || (is_country_code(last_label) && !listed(FILE_EXTENSION_CODES))
            || is_host_context(bytes, start)
    };
    let host_labels = if accepted {
        labels.len()
    } else {
        // Istio stat names carry the service's host name followed by the stat path.
        let Some(suffix) = labels.iter().rposition(|label| {
            EMBEDDED_HOST_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(label))
        }) else {
            return;
        };
        if suffix == 0 {
            return;
        }
        suffix + 1
    };
    let host_len = labels.iter().take(host_labels).map(|l| l.len() + 1).sum::<usize>() - 1;
    let host_end = start + host_len;

    let wildcard = start >= 2 && before(bytes, start) == b'.' && before(bytes, start - 1) == b'*';
    let host = std::str::from_utf8(slice(bytes, start, host_end)).unwrap_or_default();
    let checked = if wildcard { format!("*.{host}") } else { host.to_string() };
    if !is_public_host(&checked) {
        push(found, bytes, start, host_end, RedactionKind::Host);
    }
}

/// EC2's private DNS names such as `ip-10-0-1-5` carry the private address.
fn is_ec2_ip_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("ip-") else {
        return false;
    };
    let octets: Vec<&str> = rest.split('-').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty() && octet.len() <= 3 && octet.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

fn is_host_context(bytes: &[u8], start: usize) -> bool {
    if slice(bytes, start.saturating_sub(3), start) == b"://" || before(bytes, start) == b'@' {
        return true;
    }
    preceded_by(bytes, start, HOST_CONTEXT_WORDS)
}

/// Finds pod names in the prefixes that log tools add before each line:
/// `<pod> [<container>] <RFC 3339 timestamp> ...` (multi-pod log tools such as stern)
/// and `[pod/<pod>/<container>] ...` (`kubectl logs --prefix`). A leading `> ` quote
/// marker is skipped.
fn scan_log_prefixes(bytes: &[u8], found: &mut Vec<Found>) {
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = bytes
            .get(line_start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(bytes.len(), |offset| line_start + offset);
        scan_log_prefix(bytes, line_start, line_end, found);
        line_start = line_end + 1;
    }
}

fn scan_log_prefix(bytes: &[u8], line_start: usize, line_end: usize, found: &mut Vec<Found>) {
    let mut index = line_start;
    while index < line_end && matches!(at(bytes, index), b'>' | b' ' | b'\t') {
        index += 1;
    }
    if slice(bytes, index, line_end).starts_with(b"[pod/") {
        let name_start = index + 5;
        let mut name_end = name_start;
        while name_end < line_end && is_pod_name_byte(at(bytes, name_end)) {
            name_end += 1;
        }
        if name_end > name_start && at(bytes, name_end) == b'/' {
            push(found, bytes, name_start, name_end, RedactionKind::Host);
        }
        return;
    }

    let mut words: Vec<(usize, usize)> = Vec::new();
    while words.len() < 2 {
        let word_start = index;
        while index < line_end && is_pod_name_byte(at(bytes, index)) {
            index += 1;
        }
        if index == word_start || !matches!(at(bytes, index), b' ' | b'\t') {
            return;
        }
        words.push((word_start, index));
        while index < line_end && matches!(at(bytes, index), b' ' | b'\t') {
            index += 1;
        }
        if is_rfc3339_date(slice(bytes, index, line_end)) {
            break;
        }
    }
    if !is_rfc3339_date(slice(bytes, index, line_end)) {
        return;
    }
    let Some(&(pod_start, pod_end)) = words.first() else {
        return;
    };
    let pod = slice(bytes, pod_start, pod_end);
    if pod.contains(&b'-') && !pod.iter().all(|b| b.is_ascii_digit() || *b == b'-') {
        let name = String::from_utf8_lossy(pod);
        if !SIDECAR_CONTAINERS.contains(&name.as_ref()) && !is_public_host(&name) {
            push(found, bytes, pod_start, pod_end, RedactionKind::Host);
        }
    }
}

fn is_pod_name_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'.'
}

/// `YYYY-MM-DDT` at the start of `bytes`.
fn is_rfc3339_date(bytes: &[u8]) -> bool {
    let Some(head) = bytes.get(..11) else {
        return false;
    };
    head.iter().enumerate().all(|(i, &b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        _ => b.is_ascii_digit(),
    })
}

/// Tells whether an IPv4 address identifies no one, so it keeps its meaning in a report.
pub fn is_public_ipv4(octets: [u8; 4]) -> bool {
    matches!(
        octets,
        [0, 0, 0, 0]
            | [127, ..]
            | [255, ..]
            | [169, 254, 169, 254]
            | [169, 254, 170, 2]
            | [192, 0, 2, _]
            | [198, 51, 100, _]
            | [203, 0, 113, _]
    )
}

fn scan_ipv4(bytes: &[u8], found: &mut Vec<Found>) {
    let mut index = 0;
    while index < bytes.len() {
        if !at(bytes, index).is_ascii_digit() {
            index += 1;
            continue;
        }
        let run_start = index;
        while at(bytes, index).is_ascii_digit() || at(bytes, index) == b'.' {
            index += 1;
        }
        consider_ipv4(bytes, run_start, index, found);
    }
}

fn consider_ipv4(bytes: &[u8], start: usize, run_end: usize, found: &mut Vec<Found>) {
    let mut end = run_end;
    while end > start && before(bytes, end) == b'.' {
        end -= 1;
    }
    let text = std::str::from_utf8(slice(bytes, start, end)).unwrap_or_default();
    let mut octets = [0u8; 4];
    let mut count = 0;
    for part in text.split('.') {
        let Some(slot) = octets.get_mut(count) else {
            return;
        };
        if part.is_empty() || part.len() > 3 {
            return;
        }
        let Ok(value) = part.parse::<u8>() else {
            return;
        };
        *slot = value;
        count += 1;
    }
    if count != 4 {
        return;
    }

    let previous = before(bytes, start);
    let next = at(bytes, run_end);
    if previous.is_ascii_alphanumeric() || (end == run_end && next.is_ascii_alphanumeric()) {
        return;
    }
    // `1.34.13.3-prod`: an App Mesh Envoy image tag. Other words after a dash
    // are a file or pod name around an address (`10.44.3.2-a.log`).
    if end == run_end && slice(bytes, run_end, run_end + 5).eq_ignore_ascii_case(b"-prod") {
        return;
    }
    if preceded_by(bytes, start, VERSION_CONTEXT_WORDS) {
        return;
    }
    if !is_public_ipv4(octets) {
        push(found, bytes, start, end, RedactionKind::Ipv4);
    }
}

fn scan_ipv6(bytes: &[u8], found: &mut Vec<Found>) {
    let is_v6_byte = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
    let mut index = 0;
    while index < bytes.len() {
        if !is_v6_byte(at(bytes, index)) {
            index += 1;
            continue;
        }
        let run_start = index;
        let mut colons = 0;
        while is_v6_byte(at(bytes, index)) {
            colons += usize::from(at(bytes, index) == b':');
            index += 1;
        }
        if colons >= 2 {
            consider_ipv6(bytes, run_start, index, found);
        }
    }
}

fn consider_ipv6(bytes: &[u8], run_start: usize, run_end: usize, found: &mut Vec<Found>) {
    let mut start = run_start;
    let mut end = run_end;
    while end > start && before(bytes, end) == b'.' {
        end -= 1;
    }
    // A single colon at either end is punctuation (`address:fe80::1`, `fe80::1:`).
    if at(bytes, start) == b':' && at(bytes, start + 1) != b':' {
        start += 1;
    }
    if end > start && before(bytes, end) == b':' && before(bytes, end - 1) != b':' {
        end -= 1;
    }

    let previous = before(bytes, start);
    let next = at(bytes, end);
    if previous.is_ascii_alphanumeric() || matches!(previous, b'_' | b'.') {
        return;
    }
    if next.is_ascii_alphanumeric() || next == b'_' {
        return;
    }
    let Ok(text) = std::str::from_utf8(slice(bytes, start, end)) else {
        return;
    };
    if !is_ipv6(text) {
        return;
    }

    let lower = text.to_ascii_lowercase();
    if lower == "::" || lower == "::1" || lower.starts_with("2001:db8:") {
        return;
    }
    push(found, bytes, start, end, RedactionKind::Ipv6);
}

/// Parses the RFC 4291 text forms, without zone IDs. Eight groups of two hex digits
/// and no `::` are taken for a MAC address or a serial number, not an address.
fn is_ipv6(text: &str) -> bool {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut halves = text.split("::");
    let head = halves.next().unwrap_or_default();
    let tail = halves.next();
    if halves.next().is_some() {
        return false;
    }

    let mut parts: Vec<&str> = Vec::new();
    for half in std::iter::once(head).chain(tail) {
        if !half.is_empty() {
            parts.extend(half.split(':'));
        }
    }
    let count = parts.len();
    let mut groups = 0;
    let mut all_pairs = true;
    for (position, part) in parts.into_iter().enumerate() {
        if part.contains('.') {
            if position + 1 != count || !is_dotted_quad(part) {
                return false;
            }
            groups += 2;
            all_pairs = false;
            continue;
        }
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
        all_pairs &= part.len() == 2;
        groups += 1;
    }

    match tail {
        Some(_) => groups < 8,
        None => groups == 8 && !all_pairs,
    }
}

fn is_dotted_quad(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

fn scan_accounts(bytes: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    let mut index = 0;
    while index < bytes.len() {
        if !at(bytes, index).is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        while at(bytes, index).is_ascii_digit() {
            index += 1;
        }
        if index - start != 12
            || before(bytes, start).is_ascii_alphanumeric()
            || at(bytes, index).is_ascii_alphanumeric()
        {
            continue;
        }
        let value = slice(bytes, start, index);
        if ALLOWED_ACCOUNTS.iter().any(|a| a.as_bytes() == value) {
            continue;
        }
        let ecr_host = slice(lower, index, index + 9) == b".dkr.ecr.";
        if ecr_host || has_account_word_before(lower, start) {
            push(found, bytes, start, index, RedactionKind::Account);
        }
    }
}

fn has_account_word_before(lower: &[u8], start: usize) -> bool {
    let mut window_start = start.saturating_sub(ACCOUNT_CONTEXT_BYTES);
    if let Some(newline) = slice(lower, window_start, start).iter().rposition(|&b| b == b'\n') {
        window_start += newline + 1;
    }
    let window = slice(lower, window_start, start);
    contains(window, b"account") || contains(window, b"owner")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn is_arn_resource_byte(byte: u8) -> bool {
    byte.is_ascii_graphic()
        && !matches!(
            byte,
            b'"' | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
                | b','
                | b';'
                | b'\\'
        )
}

/// ARNs: `arn:<partition>:<service>:<region>:<account>:<resource>`, where the region
/// and account may be empty (IAM, S3) and the account may be `aws` (managed policies).
fn scan_arns(bytes: &[u8], found: &mut Vec<Found>) {
    let mut from = 0;
    while let Some(offset) = bytes.get(from..).and_then(|rest| find(rest, b"arn:")) {
        let start = from + offset;
        from = start + 4;
        if before(bytes, start).is_ascii_alphanumeric() {
            continue;
        }
        let mut fields = Vec::with_capacity(4);
        let mut index = start + 4;
        for _ in 0..4 {
            let field_start = index;
            while at(bytes, index).is_ascii_alphanumeric() || at(bytes, index) == b'-' {
                index += 1;
            }
            if at(bytes, index) != b':' {
                break;
            }
            fields.push((field_start, index));
            index += 1;
        }
        let [partition, service, _region, account] = fields.as_slice() else {
            continue;
        };
        let account_text = slice(bytes, account.0, account.1);
        let account_is_id = account_text.len() == 12 && account_text.iter().all(u8::is_ascii_digit);
        if partition.0 == partition.1
            || service.0 == service.1
            || !(account_is_id || account_text.is_empty() || account_text == b"aws")
        {
            continue;
        }
        let resource_start = index;
        while is_arn_resource_byte(at(bytes, index)) {
            index += 1;
        }
        while index > resource_start && matches!(before(bytes, index), b'.' | b':') {
            index -= 1;
        }
        index = without_line_reference(bytes, resource_start, index);
        if index == resource_start {
            continue;
        }

        let (account_start, account_end) = *account;
        let head = String::from_utf8_lossy(slice(bytes, start, account_start)).into_owned();
        let account_id = String::from_utf8_lossy(account_text).into_owned();
        let key = value_key(&String::from_utf8_lossy(slice(bytes, start, index)));
        let allowed = ALLOWED_ACCOUNTS.contains(&account_id.as_str());
        found.push(Found {
            start,
            end: index,
            kind: RedactionKind::Arn,
            key,
            arn: Some((head, account_id)),
        });
        if account_is_id && !allowed {
            push(found, bytes, account_start, account_end, RedactionKind::Account);
        }
        from = index;
    }
}

/// Returns the end of an ARN's resource without a final `:<digits>` that another `:`
/// follows: the line number of a quoted evidence line (`role-arn:...:role-x.log:1: text`).
/// A task definition's revision (`task-definition/web:3`) has no `:` after it and stays.
fn without_line_reference(bytes: &[u8], resource_start: usize, end: usize) -> usize {
    if at(bytes, end) != b':' {
        return end;
    }
    let resource = slice(bytes, resource_start, end);
    let Some(colon) = resource.iter().rposition(|&b| b == b':') else {
        return end;
    };
    let digits = resource.get(colon + 1..).unwrap_or_default();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return end;
    }
    resource_start + colon
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn scan_emails(bytes: &[u8], found: &mut Vec<Found>) {
    let is_local_byte =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    for (at_sign, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'@') {
        let mut start = at_sign;
        while start > 0 && is_local_byte(before(bytes, start)) && at_sign - start < 64 {
            start -= 1;
        }
        while start < at_sign && at(bytes, start) == b'.' {
            start += 1;
        }
        if start == at_sign {
            continue;
        }
        let domain_start = at_sign + 1;
        let mut end = domain_start;
        while is_host_byte(at(bytes, end)) {
            end += 1;
        }
        while end > domain_start && matches!(before(bytes, end), b'.' | b'-') {
            end -= 1;
        }
        let domain = std::str::from_utf8(slice(bytes, domain_start, end)).unwrap_or_default();
        let labels: Vec<&str> = domain.split('.').collect();
        let final_ok = labels
            .last()
            .is_some_and(|l| l.len() >= 2 && l.bytes().all(|b| b.is_ascii_alphabetic()));
        if labels.len() < 2 || !final_ok || !labels.iter().all(|l| is_valid_label(l)) {
            continue;
        }
        let address = String::from_utf8_lossy(slice(bytes, start, end)).to_ascii_lowercase();
        if !ALLOWED_EMAILS.contains(&address.as_str()) {
            push(found, bytes, start, end, RedactionKind::Email);
        }
    }
}

/// Query parameters whose values are credentials: OAuth tokens and codes, API
/// keys, passwords, and the fields of an AWS Signature Version 4 presigned URL.
/// Compared in lower case.
const SECRET_PARAMETERS: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "auth",
    "client_secret",
    "code",
    "id_token",
    "key",
    "passwd",
    "password",
    "pwd",
    "refresh_token",
    "secret",
    "sig",
    "signature",
    "token",
    "x-amz-credential",
    "x-amz-security-token",
    "x-amz-signature",
];

/// Length of the longest name in [`SECRET_PARAMETERS`] (`x-amz-security-token`).
const SECRET_NAME_MAX_BYTES: usize = 20;

/// Finds the values of credential query parameters (after `?` or `&`) and the
/// token after `Bearer `. Access logs quote request paths with their query, so
/// a token there would reach an issue as written.
fn scan_secrets(bytes: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    let ends_value = |b: u8| {
        b.is_ascii_whitespace()
            || matches!(b, b'&' | b'#' | b'"' | b'\'' | b'<' | b'>' | b')' | b'`')
    };
    for (index, &byte) in bytes.iter().enumerate() {
        if byte != b'?' && byte != b'&' {
            continue;
        }
        let name_start = index + 1;
        // The longest listed name is SECRET_NAME_MAX_BYTES long: looking no
        // further keeps a text of many `&` and no `=` linear.
        let window_end = (name_start + SECRET_NAME_MAX_BYTES + 1).min(lower.len());
        let window = slice(lower, name_start, window_end);
        let Some(equals) = window.iter().position(|&b| b == b'=') else {
            continue;
        };
        let name = slice(lower, name_start, name_start + equals);
        if !SECRET_PARAMETERS.iter().any(|secret| secret.as_bytes() == name) {
            continue;
        }
        let start = name_start + equals + 1;
        let mut end = start;
        while end < bytes.len() && !ends_value(at(bytes, end)) {
            end += 1;
        }
        if end > start {
            push(found, bytes, start, end, RedactionKind::Secret);
        }
    }

    let mut from = 0;
    while let Some(offset) = lower.get(from..).and_then(|rest| find(rest, b"bearer ")) {
        let start = from + offset + "bearer ".len();
        let mut end = start;
        while end < bytes.len() && !ends_value(at(bytes, end)) {
            end += 1;
        }
        // A word such as "Bearer token" in prose is not a token: real ones are long.
        if end - start >= MIN_BEARER_TOKEN_BYTES {
            push(found, bytes, start, end, RedactionKind::Secret);
        }
        from = start;
    }
}

/// Shortest bearer token taken as one: a JWT or an opaque OAuth token is far
/// longer, and English words after "Bearer " are shorter.
const MIN_BEARER_TOKEN_BYTES: usize = 16;

/// Finds the trust domain of each `spiffe://` ID: lowercase letters, digits, `.`, `-` and
/// `_` per the SPIFFE ID specification, with upper case accepted as pasted.
fn scan_spiffe(bytes: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    const SCHEME: &[u8] = b"spiffe://";
    let mut from = 0;
    while let Some(offset) = lower.get(from..).and_then(|rest| find(rest, SCHEME)) {
        let start = from + offset + SCHEME.len();
        let mut end = start;
        while at(bytes, end).is_ascii_alphanumeric() || matches!(at(bytes, end), b'.' | b'-' | b'_')
        {
            end += 1;
        }
        from = end.max(start);
        if end == start {
            continue;
        }
        let domain = String::from_utf8_lossy(slice(bytes, start, end));
        if !is_public_host(&domain) {
            push(found, bytes, start, end, RedactionKind::TrustDomain);
        }
    }
}

/// Serial numbers after `serial_number` (Envoy's `/certs`), `Serial Number:` (OpenSSL
/// text output, value on the same or the next line) and `serial=` (`openssl x509
/// -serial`). OpenSSL's short form `4096 (0x1000)` is taken whole.
fn scan_serials(bytes: &[u8], lower: &[u8], found: &mut Vec<Found>) {
    const KEYWORDS: [&[u8]; 4] = [b"serial_number", b"serial number", b"serialnumber", b"serial="];
    for keyword in KEYWORDS {
        let mut from = 0;
        while let Some(offset) = lower.get(from..).and_then(|rest| find(rest, keyword)) {
            let mut index = from + offset + keyword.len();
            from = index;
            let skip_limit = index + 24;
            while index < skip_limit
                && matches!(
                    at(bytes, index),
                    b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b':' | b'='
                )
            {
                index += 1;
            }
            let start = index;
            let mut digits = 0;
            while at(bytes, index).is_ascii_hexdigit() || at(bytes, index) == b':' {
                digits += usize::from(at(bytes, index) != b':');
                index += 1;
            }
            while index > start && before(bytes, index) == b':' {
                index -= 1;
            }
            if digits < 2 || at(bytes, index).is_ascii_alphanumeric() {
                continue;
            }
            if slice(lower, index, index + 4) == b" (0x" {
                let mut close = index + 4;
                while at(bytes, close).is_ascii_hexdigit() {
                    close += 1;
                }
                if at(bytes, close) == b')' {
                    index = close + 1;
                }
            }
            push(found, bytes, start, index, RedactionKind::Serial);
            from = index;
        }
    }
}

/// Finds each whole token that equals a value already found elsewhere.
fn scan_known_tokens(bytes: &[u8], known: &HashMap<String, RedactionKind>, found: &mut Vec<Found>) {
    if known.is_empty() {
        return;
    }
    let mut token = String::new();
    let mut index = 0;
    while index < bytes.len() {
        if !is_host_byte(at(bytes, index)) {
            index += 1;
            continue;
        }
        let mut start = index;
        while is_host_byte(at(bytes, index)) {
            index += 1;
        }
        let mut end = index;
        while start < end && matches!(at(bytes, start), b'.' | b'-') {
            start += 1;
        }
        while end > start && matches!(before(bytes, end), b'.' | b'-') {
            end -= 1;
        }
        token.clear();
        token.push_str(std::str::from_utf8(slice(bytes, start, end)).unwrap_or_default());
        token.make_ascii_lowercase();
        if let Some(&kind) = known.get(&token) {
            push(found, bytes, start, end, kind);
        }
    }
}
