//! Envoy stat names: which scope a name belongs to, and what a cluster name encodes.
//!
//! Envoy prints listener stats under `listener.<address>.`, with the bound address
//! written `0.0.0.0_15000` or `[__]_15000` (every `:` replaced by `_`), and cluster
//! stats under `cluster.<name>.`. Cluster names may themselves contain dots (Istio's
//! `outbound|80||catalog.default.svc.cluster.local`), so the boundary between the
//! cluster name and the stat name is found from the known first segments of Envoy's
//! cluster stats (`cluster_stats.rst`, `ssl_stats.rst`).

/// Where a full stat name belongs: owned (`ScopeKey<String>`) when a Prometheus label
/// names the scope, borrowed from the stat name otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKey<S = String> {
    Listener(S),
    Cluster(S),
    Server,
    Other,
}

impl ScopeKey<String> {
    pub(crate) fn as_borrowed(&self) -> ScopeKey<&str> {
        match self {
            ScopeKey::Listener(address) => ScopeKey::Listener(address),
            ScopeKey::Cluster(name) => ScopeKey::Cluster(name),
            ScopeKey::Server => ScopeKey::Server,
            ScopeKey::Other => ScopeKey::Other,
        }
    }
}

/// First segments of stats Envoy roots under a scope; used to find where a dotted
/// cluster name ends.
const CLUSTER_STAT_SEGMENTS: &[&str] = &[
    "ssl",
    "client_ssl_socket_factory",
    "circuit_breakers",
    "health_check",
    "outlier_detection",
    "internal",
    "external",
    "canary",
    "http1",
    "http2",
    "http3",
    "metadata_exchange",
    "endpoint",
    "zone",
    "bind_errors",
    "max_host_weight",
    "retry_or_shadow_abandoned",
    "version",
    "version_text",
    "init_fetch_timeout",
    "warming_state",
    "original_dst_host_invalid",
    "tcp",
    "tls_inspector",
    "request_response_size",
    "default",
];

/// Prefixes of single-segment cluster stats (`upstream_cx_total`, `lb_healthy_panic`, ...).
const CLUSTER_STAT_PREFIXES: &[&str] =
    &["upstream_", "lb_", "membership_", "assignment_", "update_", "original_dst_", "retry_"];

/// Roots of server-wide and management-server (xDS) stats.
const SERVER_ROOTS: &[&str] = &[
    "control_plane.",
    "cluster_manager.",
    "listener_manager.",
    "server.",
    "runtime.",
    "sds.",
    "main_thread.",
    "workers.",
    "filesystem.",
];

/// Classifies a full stat name into its scope and returns the scope and the name relative to it.
///
/// `is_known_cluster` accepts the cluster names already established by other stats of the
/// same dump, none of which has more than `max_cluster_dots` dots; the longest one that
/// prefixes the name wins.
pub(crate) fn classify<'a>(
    name: &'a str,
    is_known_cluster: &dyn Fn(&str) -> bool,
    max_cluster_dots: usize,
) -> (ScopeKey<&'a str>, &'a str) {
    if let Some(rest) = name.strip_prefix("listener.") {
        if let Some((address, relative)) = split_listener(rest) {
            return (ScopeKey::Listener(address), relative);
        }
    }
    if let Some(rest) = name.strip_prefix("cluster.") {
        if let Some((cluster, relative)) = split_cluster(rest, is_known_cluster, max_cluster_dots) {
            return (ScopeKey::Cluster(cluster), relative);
        }
    }
    if is_server_name(name) {
        return (ScopeKey::Server, name);
    }
    (ScopeKey::Other, name)
}

/// Whether a name outside any listener or cluster belongs to the server and
/// management-server group (`control_plane.*`, `*.update_rejected`, ...).
pub(crate) fn is_server_name(name: &str) -> bool {
    SERVER_ROOTS.iter().any(|root| name.starts_with(root))
        || name.ends_with(".update_rejected")
        || name.ends_with(".update_success")
        || name.ends_with(".update_failure")
        || name.ends_with(".update_attempt")
}

/// Splits `<address>.<stat>` after `listener.`: an IPv4 `a.b.c.d_port`, a bracketed
/// IPv6 `[...]_port`, `admin`, or otherwise a one-segment `stat_prefix`.
fn split_listener(rest: &str) -> Option<(&str, &str)> {
    if rest.starts_with('[') {
        let close = rest.find(']')?;
        let after = rest.get(close + 1..)?;
        let port_and_rest = after.strip_prefix('_')?;
        let dot = port_and_rest.find('.')?;
        let end = close + 2 + dot;
        return Some((rest.get(..end)?, rest.get(end + 1..)?));
    }
    if let Some(end) = ipv4_address_end(rest) {
        let relative = rest.get(end..)?.strip_prefix('.')?;
        return Some((rest.get(..end)?, relative));
    }
    let (address, relative) = rest.split_once('.')?;
    if address.is_empty() || relative.is_empty() {
        return None;
    }
    Some((address, relative))
}

/// Returns the length of a leading `a.b.c.d_port` (dotted quad then `_` and digits).
fn ipv4_address_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut position = 0;
    for octet in 0..4 {
        let start = position;
        while bytes.get(position).is_some_and(u8::is_ascii_digit) {
            position += 1;
        }
        if position == start || position - start > 3 {
            return None;
        }
        let expected = if octet < 3 { b'.' } else { b'_' };
        if bytes.get(position) != Some(&expected) {
            return None;
        }
        position += 1;
    }
    let start = position;
    while bytes.get(position).is_some_and(u8::is_ascii_digit) {
        position += 1;
    }
    if position == start {
        return None;
    }
    Some(position)
}

fn split_cluster<'a>(
    rest: &'a str,
    is_known_cluster: &dyn Fn(&str) -> bool,
    max_cluster_dots: usize,
) -> Option<(&'a str, &'a str)> {
    // The longest established cluster name that prefixes this stat wins; a prefix with
    // more dots than any established name is none of them.
    let mut best: Option<usize> = None;
    let dots = rest.bytes().enumerate().filter(|(_, byte)| *byte == b'.').map(|(dot, _)| dot);
    for dot in dots.take(max_cluster_dots.saturating_add(1)) {
        if let Some(candidate) = rest.get(..dot) {
            if is_known_cluster(candidate) {
                best = Some(dot);
            }
        }
    }
    let dot = match best {
        Some(dot) => dot,
        None => cluster_boundary(rest)?,
    };
    let relative = rest.get(dot + 1..)?;
    // An empty cluster name or stat name is junk in a text dump, but a Prometheus
    // label such as `envoy_cluster_name=""` establishes such a scope, and lookups
    // must find what was grouped under it.
    if best.is_none() && (dot == 0 || relative.is_empty()) {
        return None;
    }
    Some((rest.get(..dot)?, relative))
}

/// Finds the dot that ends the cluster name in `<name>.<stat>`: the first dot after
/// which a known cluster stat starts, or else the first dot.
fn cluster_boundary(rest: &str) -> Option<usize> {
    known_cluster_boundary(rest).or_else(|| rest.find('.'))
}

/// Finds the first dot of `<name>.<stat>` after which a known cluster stat starts.
pub(crate) fn known_cluster_boundary(rest: &str) -> Option<usize> {
    rest.match_indices('.')
        .map(|(dot, _)| dot)
        .find(|&dot| rest.get(dot + 1..).is_some_and(starts_cluster_stat))
}

pub(crate) fn starts_cluster_stat(relative: &str) -> bool {
    // A byte search: `.` is ASCII, so it never sits inside a multi-byte character.
    let (segment, dotted) = match relative.bytes().position(|byte| byte == b'.') {
        Some(dot) => (relative.get(..dot).unwrap_or_default(), true),
        None => (relative, false),
    };
    if segment == "default" {
        // `default` is also a common DNS label (`svc.default.svc.cluster.local`), so only
        // the one cluster stat that starts with it counts.
        return relative == "default.total_match_count";
    }
    // Single-segment stats such as `upstream_cx_total` are the most common, so their
    // prefixes are tried first. Grouping calls this for nearly every stat of a dump, so
    // the first bytes are compared before the text.
    let first = segment.as_bytes().first();
    (!dotted
        && CLUSTER_STAT_PREFIXES
            .iter()
            .any(|prefix| prefix.as_bytes().first() == first && segment.starts_with(prefix)))
        || CLUSTER_STAT_SEGMENTS.iter().any(|known| {
            known.len() == segment.len() && known.as_bytes().first() == first && *known == segment
        })
}

/// Replaces every character outside `[a-zA-Z0-9_]` with `_`, as Envoy does for Prometheus names.
pub(crate) fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// What a cluster name encodes, for the mesh naming schemes the engine knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterName {
    AppMesh(AppMeshCluster),
    Istio(IstioCluster),
    /// A name of no known scheme (a static cluster, `xds-grpc`, a user's own name).
    Other,
}

/// Traffic direction in App Mesh and Istio cluster names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficDirection {
    Ingress,
    Egress,
}

/// An App Mesh cluster name, `cds_<direction>_<mesh>_<virtual node>_<protocol>_<port>` and
/// its special forms, read from the right because mesh and node names may contain `_`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppMeshCluster {
    /// `cds`, or `app` as one public report prints it (whether `app` is real is unknown).
    pub prefix: String,
    pub direction: TrafficDirection,
    pub target: AppMeshTarget,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppMeshTarget {
    /// A virtual node (the local app on ingress, a backend on egress).
    VirtualNode { mesh_and_node: MeshAndNode, protocol: String, port: u16 },
    /// A virtual gateway's self-redirect cluster; `listener_port` is set when the gateway
    /// has several listeners.
    SelfRedirect {
        mesh_and_gateway: MeshAndNode,
        listener_port: Option<u16>,
        protocol: String,
        port: u16,
    },
    /// `cds_egress_<mesh>_amazonaws`: egress to AWS APIs.
    AmazonAws { mesh: String },
    /// `cds_egress_<mesh>_mesh-allow-all`: the `ALLOW_ALL` egress passthrough.
    MeshAllowAll { mesh: String },
    /// The prefix matched but the rest did not end in `_<protocol>_<port>`.
    Unrecognized { rest: String },
}

/// The `<mesh>_<node>` part of a cluster name. Both names may contain `_` (the App Mesh
/// controller for Kubernetes names nodes `<name>_<namespace>`), so the boundary is only
/// certain when exactly one `_` separates them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MeshAndNode {
    Exact {
        mesh: String,
        node: String,
    },
    /// Every possible `(mesh, node)` split, leftmost mesh first.
    Ambiguous {
        joined: String,
        candidates: Vec<(String, String)>,
    },
}

impl MeshAndNode {
    fn from_joined(joined: &str) -> MeshAndNode {
        let candidates: Vec<(String, String)> = joined
            .match_indices('_')
            .filter_map(|(index, _)| {
                let mesh = joined.get(..index)?;
                let node = joined.get(index + 1..)?;
                (!mesh.is_empty() && !node.is_empty()).then(|| (mesh.to_string(), node.to_string()))
            })
            .collect();
        match candidates.as_slice() {
            [(mesh, node)] => MeshAndNode::Exact { mesh: mesh.clone(), node: node.clone() },
            _ => MeshAndNode::Ambiguous { joined: joined.to_string(), candidates },
        }
    }

    /// Returns the node name given the mesh name (for example from the `appmesh_mesh`
    /// Prometheus label), or `None` when `mesh` does not start the joined text.
    pub fn node_in_mesh(&self, mesh: &str) -> Option<&str> {
        match self {
            MeshAndNode::Exact { mesh: exact, node } => (exact == mesh).then_some(node.as_str()),
            MeshAndNode::Ambiguous { joined, .. } => {
                joined.strip_prefix(mesh)?.strip_prefix('_').filter(|node| !node.is_empty())
            }
        }
    }

    /// Returns `(mesh, node)` when the split is certain.
    pub fn exact(&self) -> Option<(&str, &str)> {
        match self {
            MeshAndNode::Exact { mesh, node } => Some((mesh, node)),
            MeshAndNode::Ambiguous { .. } => None,
        }
    }
}

/// An Istio cluster name, `outbound|<port>|<subset>|<host>` or `inbound|<port>|<subset>|<host>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IstioCluster {
    pub direction: TrafficDirection,
    pub port: u16,
    pub subset: String,
    pub host: String,
}

const APPMESH_PROTOCOLS: &[&str] = &["http", "http2", "grpc", "tcp"];

/// Decodes a cluster name of the App Mesh or Istio scheme.
pub fn decode_cluster_name(name: &str) -> ClusterName {
    if let Some(istio) = decode_istio(name) {
        return ClusterName::Istio(istio);
    }
    if let Some(appmesh) = decode_appmesh(name) {
        return ClusterName::AppMesh(appmesh);
    }
    ClusterName::Other
}

fn decode_istio(name: &str) -> Option<IstioCluster> {
    let mut fields = name.split('|');
    let direction = match fields.next()? {
        "outbound" => TrafficDirection::Egress,
        "inbound" => TrafficDirection::Ingress,
        _ => return None,
    };
    let port = fields.next()?.parse().ok()?;
    let subset = fields.next()?.to_string();
    let host = fields.next()?.to_string();
    if fields.next().is_some() {
        return None;
    }
    Some(IstioCluster { direction, port, subset, host })
}

fn decode_appmesh(name: &str) -> Option<AppMeshCluster> {
    let (prefix, rest) = name.split_once('_')?;
    if prefix != "cds" && prefix != "app" {
        return None;
    }
    let (direction, rest) = rest.split_once('_')?;
    let direction = match direction {
        "ingress" => TrafficDirection::Ingress,
        "egress" => TrafficDirection::Egress,
        _ => return None,
    };
    let target = decode_appmesh_target(rest);
    Some(AppMeshCluster { prefix: prefix.to_string(), direction, target })
}

fn decode_appmesh_target(rest: &str) -> AppMeshTarget {
    let unrecognized = || AppMeshTarget::Unrecognized { rest: rest.to_string() };
    if let Some(mesh) = rest.strip_suffix("_amazonaws") {
        return AppMeshTarget::AmazonAws { mesh: mesh.to_string() };
    }
    if let Some(mesh) = rest.strip_suffix("_mesh-allow-all") {
        return AppMeshTarget::MeshAllowAll { mesh: mesh.to_string() };
    }
    let Some((head, port)) = rest.rsplit_once('_') else { return unrecognized() };
    let Ok(port) = port.parse::<u16>() else { return unrecognized() };
    let Some((head, protocol)) = head.rsplit_once('_') else { return unrecognized() };
    if !APPMESH_PROTOCOLS.contains(&protocol) {
        return unrecognized();
    }
    let protocol = protocol.to_string();
    if let Some(mesh_and_gateway) = head.strip_suffix("_self_redirect") {
        return AppMeshTarget::SelfRedirect {
            mesh_and_gateway: MeshAndNode::from_joined(mesh_and_gateway),
            listener_port: None,
            protocol,
            port,
        };
    }
    if let Some((before, listener_port)) = head.rsplit_once('_') {
        if let (Some(mesh_and_gateway), Ok(listener_port)) =
            (before.strip_suffix("_self_redirect"), listener_port.parse::<u16>())
        {
            return AppMeshTarget::SelfRedirect {
                mesh_and_gateway: MeshAndNode::from_joined(mesh_and_gateway),
                listener_port: Some(listener_port),
                protocol,
                port,
            };
        }
    }
    if !head.contains('_') {
        return unrecognized();
    }
    AppMeshTarget::VirtualNode { mesh_and_node: MeshAndNode::from_joined(head), protocol, port }
}
