//! Envoy admin `/stats` in its three formats: plain text, `?format=json` and
//! `/stats/prometheus`, read into one model grouped by scope.
//!
//! Every stat keeps the 1-based line of the whole input it came from. A lookup that
//! finds nothing returns `None`, so a stat missing from the paste is never confused
//! with a stat whose value is 0.

mod build;
mod delta;
mod json;
mod names;
mod plain;
mod prometheus;

use std::collections::HashMap;

use super::Warning;

pub use delta::{CounterReset, StatsDelta};
pub use names::{
    decode_cluster_name, AppMeshCluster, AppMeshTarget, ClusterName, IstioCluster, MeshAndNode,
    TrafficDirection,
};
pub(crate) use plain::{starts_like_a_name, trim_line};

/// The admin output format a dump was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatsFormat {
    #[default]
    Text,
    Json,
    Prometheus,
}

/// The type of a stat. Prometheus output declares it with `# TYPE`; the text and JSON
/// formats do not, so there it is inferred from Envoy's naming conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatKind {
    Counter,
    Gauge,
    TextReadout,
    Histogram,
}

/// The value of one stat.
#[derive(Clone, Debug, PartialEq)]
pub enum StatValue {
    /// A counter or gauge (unsigned 64-bit in Envoy).
    Number(u64),
    /// A text readout such as `cluster_manager.cds.version_text`.
    Text(String),
    Histogram(Histogram),
    /// A value that is not an unsigned 64-bit integer (negative, beyond 2^64 - 1,
    /// fractional), kept as written; a warning names its line.
    Unreadable(String),
}

/// A histogram: quantiles from the text and JSON formats, buckets from Prometheus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub quantiles: Vec<Quantile>,
    pub buckets: Vec<Bucket>,
    pub sum: Option<f64>,
    pub count: Option<f64>,
}

impl Histogram {
    /// Whether the histogram has no samples (`No recorded values`).
    pub fn is_empty(&self) -> bool {
        self.quantiles.is_empty() && self.buckets.is_empty() && self.count.is_none()
    }
}

/// One quantile of a histogram: `P99(interval,cumulative)`. `None` stands for `nan`/`null`
/// (no sample in the interval).
#[derive(Clone, Debug, PartialEq)]
pub struct Quantile {
    /// The quantile in percent: 0, 25, ..., 99.5, 99.9, 100.
    pub percent: f64,
    pub interval: Option<f64>,
    pub cumulative: Option<f64>,
}

/// One cumulative Prometheus bucket, `le="<upper_bound>"`, or a `B<bound>(i,c)` text bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub upper_bound: f64,
    pub count: f64,
}

/// One stat as read, with its full dotted Envoy name.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    /// The full dotted name, for example `cluster.cds_egress_m_vn_http_8080.ssl.handshake`.
    /// Names from Prometheus are rebuilt from the metric name and its tag labels; where
    /// a `_` of the metric name stood for a `.`, it stays `_` unless the stat is known.
    pub name: String,
    pub kind: StatKind,
    pub value: StatValue,
    /// 1-based line of the whole input.
    pub line: usize,
    /// Prometheus labels that did not become part of the name (App Mesh tags such as
    /// `appmesh_mesh`, Istio labels); empty for the text and JSON formats.
    pub labels: Vec<(String, String)>,
}

impl Stat {
    /// Returns the numeric value of a counter or gauge.
    pub fn number(&self) -> Option<u64> {
        match self.value {
            StatValue::Number(value) => Some(value),
            _ => None,
        }
    }

    /// Returns the value of a Prometheus label.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// The kind of a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// `listener.<address>.`; the name is the address (`0.0.0.0_15000`, `[__]_15000`,
    /// `admin`) or the listener's `stat_prefix`.
    Listener,
    /// `cluster.<name>.`, with what the name encodes.
    Cluster(ClusterName),
    /// Server-wide and management-server stats: `server.*`, `control_plane.*`,
    /// `cluster_manager.*`, `listener_manager.*` and every other `*.update_rejected`.
    Server,
    /// Everything else (`http.<prefix>.*`, `tls_inspector.*`, custom stats).
    Other,
}

/// The stats of one listener, one cluster, the server, or the rest.
///
/// Lookups take names relative to the scope (`ssl.handshake` in a listener or cluster);
/// the server and other scopes have no prefix, so their names are full names.
#[derive(Clone, Debug)]
pub struct Scope {
    kind: ScopeKind,
    name: String,
    prefix: String,
    stats: Vec<Stat>,
    /// Relative name -> its readings in input order, keyed by the names in `stats`.
    index: NameIndex,
    /// Relative name with `.` and other punctuation as `_` -> positions, kept for
    /// Prometheus dumps only, so a name rebuilt from Prometheus (`ssl_versions_TLSv1_2`) is still found as `ssl.versions.TLSv1.2`.
    sanitized_index: HashMap<String, Positions>,
    /// For names read more than once only: (name entry, labels) -> position of the
    /// first reading and of the first reading with another value. Enough to name the
    /// first earlier reading that differs from a new one without scanning every
    /// repeat, which made a paste of many snapshots quadratic.
    readings: HashMap<ReadingKey, (usize, Option<usize>)>,
    from_prometheus: bool,
}

/// A name's index entry and the labels of a reading.
type ReadingKey = (usize, Vec<(String, String)>);

/// Positions of the stats of one name; almost every name appears once, so one
/// position needs no allocation.
#[derive(Clone, Debug)]
enum Positions {
    One(usize),
    Many(Vec<usize>),
}

impl Positions {
    fn as_slice(&self) -> &[usize] {
        match self {
            Positions::One(position) => std::slice::from_ref(position),
            Positions::Many(positions) => positions,
        }
    }

    fn push(&mut self, position: usize) {
        match self {
            Positions::One(first) => *self = Positions::Many(vec![*first, position]),
            Positions::Many(positions) => positions.push(position),
        }
    }
}

/// A hash index from relative name to readings that stores positions only: the names
/// themselves are those of the stats, so indexing a stat allocates nothing.
#[derive(Clone, Debug, Default)]
struct NameIndex {
    /// Open addressing with linear probing: a slot contains an entry number + 1, or 0 when free.
    slots: Vec<usize>,
    entries: Vec<NameEntry>,
    /// For each stat, the position of the next reading of the same name.
    next: Vec<Option<usize>>,
}

#[derive(Clone, Copy, Debug)]
struct NameEntry {
    hash: u64,
    first: usize,
    last: usize,
    /// Whether the name was read more than once, so its readings are tracked in
    /// `Scope::readings`.
    repeated: bool,
}

/// A multiplicative hash of a name, eight bytes at a time. The input is the person's
/// own paste, so no resistance to chosen collisions is needed.
fn hash_name(name: &str) -> u64 {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = name.len() as u64;
    let mut chunks = name.as_bytes().chunks_exact(8);
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(MULTIPLIER);
    }
    let mut word = [0u8; 8];
    for (target, byte) in word.iter_mut().zip(chunks.remainder()) {
        *target = *byte;
    }
    hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(MULTIPLIER);
    hash ^ (hash >> 29)
}

impl NameIndex {
    /// Finds the entry of `relative`, reading names from `stats` past `prefix_len`.
    fn find(&self, relative: &str, hash: u64, stats: &[Stat], prefix_len: usize) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        // Truncation is intended: the low bits pick the slot.
        #[allow(clippy::cast_possible_truncation)]
        let mut slot = (hash as usize) & mask;
        loop {
            let entry_number = self.slots.get(slot).copied()?.checked_sub(1)?;
            let entry = self.entries.get(entry_number)?;
            if entry.hash == hash
                && stats.get(entry.first).and_then(|stat| stat.name.get(prefix_len..))
                    == Some(relative)
            {
                return Some(entry_number);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn entry(&self, entry_number: usize) -> Option<&NameEntry> {
        self.entries.get(entry_number)
    }

    /// Adds a new name whose first reading is at `position`.
    fn insert(&mut self, hash: u64, position: usize) -> usize {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let entry_number = self.entries.len();
        self.entries.push(NameEntry { hash, first: position, last: position, repeated: false });
        self.place(hash, entry_number);
        entry_number
    }

    fn place(&mut self, hash: u64, entry_number: usize) {
        let Some(mask) = self.slots.len().checked_sub(1) else { return };
        #[allow(clippy::cast_possible_truncation)]
        let mut slot = (hash as usize) & mask;
        while let Some(taken) = self.slots.get_mut(slot) {
            if *taken == 0 {
                *taken = entry_number + 1;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Makes room for `names` more names without growing the table.
    fn reserve(&mut self, names: usize) {
        self.entries.reserve(names);
        self.next.reserve(names);
        let needed = ((self.entries.len() + names) * 2).next_power_of_two();
        if needed > self.slots.len() {
            self.rehash(needed);
        }
    }

    fn grow(&mut self) {
        self.rehash((self.slots.len() * 2).max(16));
    }

    /// Rebuilds the table with `capacity` slots, a power of two.
    fn rehash(&mut self, capacity: usize) {
        self.slots = vec![0; capacity];
        for entry_number in 0..self.entries.len() {
            if let Some(hash) = self.entries.get(entry_number).map(|entry| entry.hash) {
                self.place(hash, entry_number);
            }
        }
    }

    /// Records one more reading of the stat at `position`; `entry_number` is its name's
    /// entry when the name was read before.
    fn push_reading(&mut self, entry_number: Option<usize>, position: usize) {
        if self.next.len() <= position {
            self.next.resize(position + 1, None);
        }
        let Some(entry) = entry_number.and_then(|number| self.entries.get_mut(number)) else {
            return;
        };
        let previous = entry.last;
        entry.last = position;
        if let Some(link) = self.next.get_mut(previous) {
            *link = Some(position);
        }
    }

    fn next_of(&self, position: usize) -> Option<usize> {
        self.next.get(position).copied().flatten()
    }
}

impl Scope {
    fn new(kind: ScopeKind, name: String, prefix: String, from_prometheus: bool) -> Scope {
        Scope {
            kind,
            name,
            prefix,
            stats: Vec::new(),
            index: NameIndex::default(),
            sanitized_index: HashMap::new(),
            readings: HashMap::new(),
            from_prometheus,
        }
    }

    /// Makes room for `stats` more stats.
    fn reserve(&mut self, stats: usize) {
        self.stats.reserve(stats);
        self.index.reserve(stats);
    }

    pub fn kind(&self) -> &ScopeKind {
        &self.kind
    }

    /// Returns the listener address, the cluster name, `server`, or an empty string for the rest.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the prefix of full names in this scope, such as `listener.0.0.0.0_15000.`; empty
    /// for the server and other scopes.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Returns every stat of the scope in input order, duplicates included.
    pub fn stats(&self) -> &[Stat] {
        &self.stats
    }

    pub fn is_empty(&self) -> bool {
        self.stats.is_empty()
    }

    /// Returns the stat with this relative name; when the paste contains it more than once,
    /// the last one (the later reading).
    pub fn get(&self, relative: &str) -> Option<&Stat> {
        let position = match self.find(relative) {
            Some(entry) => self.index.entry(entry).map(|entry| entry.last),
            None if self.from_prometheus => self
                .sanitized_index
                .get(&names::sanitize(relative))
                .and_then(|positions| positions.as_slice().last().copied()),
            None => None,
        }?;
        self.stats.get(position)
    }

    /// Returns every stat with this relative name, in input order.
    pub fn get_all<'s>(&'s self, relative: &str) -> impl Iterator<Item = &'s Stat> + 's {
        let (first, sanitized): (Option<usize>, &[usize]) = match self.find(relative) {
            Some(entry) => (self.index.entry(entry).map(|entry| entry.first), &[]),
            None if self.from_prometheus => (
                None,
                self.sanitized_index
                    .get(&names::sanitize(relative))
                    .map(Positions::as_slice)
                    .unwrap_or_default(),
            ),
            None => (None, &[]),
        };
        std::iter::successors(first, move |&position| self.index.next_of(position))
            .chain(sanitized.iter().copied())
            .filter_map(move |position| self.stats.get(position))
    }

    /// Returns `(value, line)` of a counter. `None` means the stat is not in the paste
    /// (or its value was unreadable), never 0.
    pub fn counter(&self, relative: &str) -> Option<(u64, usize)> {
        self.number(relative)
    }

    /// Returns `(value, line)` of a gauge; like [`Scope::counter`].
    pub fn gauge(&self, relative: &str) -> Option<(u64, usize)> {
        self.number(relative)
    }

    /// Returns `(value, line)` of a counter or gauge, whichever kind the stat has.
    pub fn number(&self, relative: &str) -> Option<(u64, usize)> {
        let stat = self.get(relative)?;
        Some((stat.number()?, stat.line))
    }

    /// Returns `(text, line)` of a text readout.
    pub fn text(&self, relative: &str) -> Option<(&str, usize)> {
        let stat = self.get(relative)?;
        match &stat.value {
            StatValue::Text(text) => Some((text.as_str(), stat.line)),
            _ => None,
        }
    }

    /// Returns the stats whose relative name starts with `prefix`, such as `ssl.` (every
    /// TLS stat) or `ssl.ciphers.`.
    pub fn with_prefix<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s Stat> + 's {
        let prefix_len = self.prefix.len();
        let sanitized = self.from_prometheus.then(|| names::sanitize(prefix));
        self.stats.iter().filter(move |stat| {
            let relative = stat.name.get(prefix_len..).unwrap_or_default();
            match &sanitized {
                Some(sanitized) => names::sanitize(relative).starts_with(sanitized.as_str()),
                None => relative.starts_with(prefix),
            }
        })
    }

    /// Whether any stat's relative name starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        if self.from_prometheus {
            return self.with_prefix(prefix).next().is_some();
        }
        // Rules ask this of every scope, so bytes are compared with no `str` slicing.
        let prefix_len = self.prefix.len();
        self.stats.iter().any(|stat| {
            stat.name
                .as_bytes()
                .get(prefix_len..)
                .is_some_and(|relative| relative.starts_with(prefix.as_bytes()))
        })
    }

    /// Finds the index entry of a relative name.
    fn find(&self, relative: &str) -> Option<usize> {
        self.index.find(relative, hash_name(relative), &self.stats, self.prefix.len())
    }

    /// Adds a stat and returns the line of an earlier reading of the same name and
    /// labels with another value, if there is one.
    fn push(&mut self, stat: Stat) -> Option<usize> {
        let prefix_len = self.prefix.len();
        let relative = stat.name.get(prefix_len..).unwrap_or_default();
        let position = self.stats.len();
        if self.from_prometheus {
            match self.sanitized_index.entry(names::sanitize(relative)) {
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().push(position)
                }
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(Positions::One(position));
                }
            }
        }
        let hash = hash_name(relative);
        let found = self.index.find(relative, hash, &self.stats, prefix_len);
        let earlier = match found {
            Some(entry_number) => self.repeated_reading(entry_number, &stat, position),
            None => {
                self.index.insert(hash, position);
                None
            }
        };
        self.index.push_reading(found, position);
        self.stats.push(stat);
        earlier
    }

    /// Tracks a reading of a name read before and returns the line of the first earlier
    /// reading with the same labels and another value.
    fn repeated_reading(
        &mut self,
        entry_number: usize,
        stat: &Stat,
        position: usize,
    ) -> Option<usize> {
        let entry = *self.index.entry(entry_number)?;
        if !entry.repeated {
            // The first repeat: track the readings so far, once.
            if let Some(tracked) = self.index.entries.get_mut(entry_number) {
                tracked.repeated = true;
            }
            let mut at = Some(entry.first);
            while let Some(earlier_position) = at {
                if let Some(earlier) = self.stats.get(earlier_position) {
                    let value = &earlier.value;
                    let key = (entry_number, earlier.labels.clone());
                    match self.readings.get_mut(&key) {
                        Some((first, differing)) => {
                            let first_differs =
                                self.stats.get(*first).is_some_and(|first| first.value != *value);
                            if differing.is_none() && first_differs {
                                *differing = Some(earlier_position);
                            }
                        }
                        None => {
                            self.readings.insert(key, (earlier_position, None));
                        }
                    }
                }
                at = self.index.next_of(earlier_position);
            }
        }
        // The first reading differs from the new value, or else the first reading
        // that differs from the first one does: either is the earliest other value.
        let key = (entry_number, stat.labels.clone());
        match self.readings.get_mut(&key) {
            Some((first, differing)) => {
                let first_stat = self.stats.get(*first);
                if first_stat.is_some_and(|other| other.value != stat.value) {
                    if differing.is_none() {
                        *differing = Some(position);
                    }
                    first_stat.map(|other| other.line)
                } else {
                    differing.and_then(|i| self.stats.get(i)).map(|other| other.line)
                }
            }
            None => {
                self.readings.insert(key, (position, None));
                None
            }
        }
    }
}

/// A `/stats` dump grouped by scope.
#[derive(Clone, Debug)]
pub struct Stats {
    format: StatsFormat,
    listeners: Vec<Scope>,
    clusters: Vec<Scope>,
    server: Scope,
    other: Scope,
    listener_index: HashMap<String, usize>,
    cluster_index: HashMap<String, usize>,
    /// The most dots in a cluster name, which bounds the prefixes a lookup tries.
    max_cluster_dots: usize,
    len: usize,
}

impl Stats {
    pub fn format(&self) -> StatsFormat {
        self.format
    }

    /// Returns the number of stats read, duplicates included.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns the listener scopes in order of first appearance.
    pub fn listeners(&self) -> &[Scope] {
        &self.listeners
    }

    /// Returns the scope of `listener.<address>.`, for example `listener("0.0.0.0_15000")`.
    pub fn listener(&self, address: &str) -> Option<&Scope> {
        self.listener_index.get(address).and_then(|&i| self.listeners.get(i))
    }

    /// Returns the cluster scopes in order of first appearance.
    pub fn clusters(&self) -> &[Scope] {
        &self.clusters
    }

    /// Returns the scope of `cluster.<name>.`.
    pub fn cluster(&self, name: &str) -> Option<&Scope> {
        self.cluster_index.get(name).and_then(|&i| self.clusters.get(i))
    }

    /// Returns the server and management-server scope (`control_plane.connected_state`, ...).
    pub fn server(&self) -> &Scope {
        &self.server
    }

    /// Returns the stats of no listener, cluster or server scope (`http.ingress.*`, `tls_inspector.*`).
    pub fn other(&self) -> &Scope {
        &self.other
    }

    /// Returns every scope: listeners, clusters, server, other.
    pub fn scopes(&self) -> impl Iterator<Item = &Scope> {
        self.listeners.iter().chain(self.clusters.iter()).chain([&self.server, &self.other])
    }

    /// Returns every stat, scope by scope.
    pub fn iter(&self) -> impl Iterator<Item = &Stat> {
        self.scopes().flat_map(|scope| scope.stats.iter())
    }

    /// Returns the stat with this full name (the last one if it appears twice).
    pub fn get(&self, full_name: &str) -> Option<&Stat> {
        let located = self.locate(full_name).and_then(|(scope, relative)| scope.get(relative));
        located.or_else(|| self.get_regrouped(full_name))
    }

    /// Finds a stat that grouping put in another scope than [`Stats::locate`] names.
    /// Grouping sees only the cluster names established up to each stat, but `locate`
    /// looks at every cluster scope. So a stat such as `cluster.a.` that came before or
    /// between the stats that made cluster `a` went to the other scope, and `locate`
    /// looks for it in cluster `a`. The scopes tried are the server and other scopes
    /// and each cluster named by the text before a dot, and the latest reading wins.
    fn get_regrouped(&self, full_name: &str) -> Option<&Stat> {
        let mut candidates = vec![self.server.get(full_name), self.other.get(full_name)];
        if let Some(rest) = full_name.strip_prefix("cluster.") {
            // A byte search: `.` is ASCII, so it never sits inside a multi-byte character.
            for (dot, _) in rest.bytes().enumerate().filter(|(_, byte)| *byte == b'.') {
                let (Some(name), Some(relative)) = (rest.get(..dot), rest.get(dot + 1..)) else {
                    continue;
                };
                candidates.push(self.cluster(name).and_then(|scope| scope.get(relative)));
            }
        }
        candidates.into_iter().flatten().max_by_key(|stat| stat.line)
    }

    /// Returns `(value, line)` of a counter or gauge by full name; `None` when missing.
    pub fn counter(&self, full_name: &str) -> Option<(u64, usize)> {
        let stat = self.get(full_name)?;
        Some((stat.number()?, stat.line))
    }

    /// Returns every `*.update_rejected` stat (listener manager, cluster manager, SDS,
    /// clusters), the counters of configuration Envoy rejected.
    pub fn update_rejected(&self) -> Vec<&Stat> {
        self.iter()
            .filter(|stat| {
                stat.name.ends_with(".update_rejected") || stat.name.ends_with("_update_rejected")
            })
            .collect()
    }

    /// Returns the per-counter difference `self - earlier` for two snapshots of one Envoy.
    pub fn delta(&self, earlier: &Stats) -> StatsDelta {
        delta::delta(self, earlier)
    }

    /// Finds the scope of a full name the way the dump was grouped, and the name
    /// relative to it.
    fn locate<'n>(&self, full_name: &'n str) -> Option<(&Scope, &'n str)> {
        let (key, relative) = names::classify(
            full_name,
            &|name| self.cluster_index.contains_key(name),
            self.max_cluster_dots,
        );
        let scope = match key {
            names::ScopeKey::Listener(address) => self.listener(address)?,
            names::ScopeKey::Cluster(name) => self.cluster(name)?,
            names::ScopeKey::Server => &self.server,
            names::ScopeKey::Other => &self.other,
        };
        Some((scope, relative))
    }
}

impl Default for Stats {
    fn default() -> Stats {
        Stats::empty(StatsFormat::Text)
    }
}

impl Stats {
    fn empty(format: StatsFormat) -> Stats {
        let from_prometheus = format == StatsFormat::Prometheus;
        Stats {
            format,
            listeners: Vec::new(),
            clusters: Vec::new(),
            server: Scope::new(
                ScopeKind::Server,
                "server".to_string(),
                String::new(),
                from_prometheus,
            ),
            other: Scope::new(ScopeKind::Other, String::new(), String::new(), from_prometheus),
            listener_index: HashMap::new(),
            cluster_index: HashMap::new(),
            max_cluster_dots: 0,
            len: 0,
        }
    }
}

/// Parses `/stats` plain text, whose first line is line `first_line` (1-based) of the whole input.
pub fn parse_text(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    plain::parse(text, first_line)
}

/// Parses `/stats` plain text already split into lines by detection; see [`plain::parse_lines`].
pub(crate) async fn parse_text_lines(
    lines: &[&str],
    unchanged: &[bool],
    stat_colons: &[Option<usize>],
    first_line: usize,
    pause: &mut impl crate::evidence::pause::Pause,
) -> (Stats, Vec<Warning>) {
    plain::parse_lines(lines, unchanged, stat_colons, first_line, pause).await
}

/// Parses `/stats?format=json` (also the bare `stats` array that `jq .stats` prints).
pub fn parse_json(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    json::parse(text, first_line)
}

/// Parses `/stats/prometheus`, mapping metric names and tag labels back to Envoy's dotted names.
pub fn parse_prometheus(text: &str, first_line: usize) -> (Stats, Vec<Warning>) {
    prometheus::parse(text, first_line)
}
