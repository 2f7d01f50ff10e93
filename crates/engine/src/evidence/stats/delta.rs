//! The difference between two `/stats` snapshots of one Envoy.

use std::collections::HashMap;

use super::{StatKind, StatValue, Stats};

/// The result of [`Stats::delta`].
#[derive(Clone, Debug)]
pub struct StatsDelta {
    /// Counters hold `later - earlier` (or the later value when the earlier snapshot lacks
    /// them); gauges, text readouts and histograms hold the later value. When `reset` is
    /// set, this is the later snapshot unchanged.
    pub stats: Stats,
    /// The first counter that went down: Envoy restarted (or hot-restarted) between the
    /// snapshots, so differences mean nothing and the later snapshot stands alone.
    pub reset: Option<CounterReset>,
}

/// A counter that is lower in the later snapshot than in the earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterReset {
    pub name: String,
    pub earlier: u64,
    pub earlier_line: usize,
    pub later: u64,
    pub later_line: usize,
}

/// A counter's full name and labels.
type CounterKey<'a> = (&'a str, &'a [(String, String)]);

pub(crate) fn delta(later: &Stats, earlier: &Stats) -> StatsDelta {
    let mut earlier_counters: HashMap<CounterKey<'_>, (u64, usize)> = HashMap::new();
    for stat in earlier.iter() {
        if let (StatKind::Counter, StatValue::Number(value)) = (stat.kind, &stat.value) {
            earlier_counters
                .insert((stat.name.as_str(), stat.labels.as_slice()), (*value, stat.line));
        }
    }

    for stat in later.iter() {
        let (StatKind::Counter, StatValue::Number(value)) = (stat.kind, &stat.value) else {
            continue;
        };
        let Some(&(before, before_line)) =
            earlier_counters.get(&(stat.name.as_str(), stat.labels.as_slice()))
        else {
            continue;
        };
        if *value < before {
            let reset = CounterReset {
                name: stat.name.clone(),
                earlier: before,
                earlier_line: before_line,
                later: *value,
                later_line: stat.line,
            };
            return StatsDelta { stats: later.clone(), reset: Some(reset) };
        }
    }

    let mut stats = later.clone();
    let scopes = stats
        .listeners
        .iter_mut()
        .chain(stats.clusters.iter_mut())
        .chain([&mut stats.server, &mut stats.other]);
    for scope in scopes {
        for stat in &mut scope.stats {
            let (StatKind::Counter, StatValue::Number(value)) = (stat.kind, &stat.value) else {
                continue;
            };
            if let Some(&(before, _)) =
                earlier_counters.get(&(stat.name.as_str(), stat.labels.as_slice()))
            {
                stat.value = StatValue::Number(value.saturating_sub(before));
            }
        }
    }
    StatsDelta { stats, reset: None }
}
