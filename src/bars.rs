//! The TLS counter rule drawn as bars: for each listener and cluster with TLS
//! stats in a `/stats` paste, its connections, its handshakes plus resumed
//! sessions, and its connection errors. The documented rule holds when the
//! connections minus the errors equal the handshakes plus resumed sessions.
//!
//! The bars are hidden from assistive technology, and a visually hidden table
//! with the same numbers takes their place.

use leptos::prelude::*;
use meshtls_engine::diagnosis::tls_counters::{self, CounterSide, TlsCounters};

use crate::state::use_wizard;

/// Listeners and clusters drawn per paste. A mesh-wide dump has one per
/// backend, hundreds of rows that would bury the ones that matter, so rows
/// where the rule fails come first.
const SHOWN_SCOPES: usize = 20;

/// The TLS counters of one paste.
#[derive(Clone, Debug, PartialEq)]
struct PasteCounters {
    name: String,
    /// The rows drawn, failing rule first.
    rows: Vec<TlsCounters>,
    /// Listeners and clusters with TLS stats left out of `rows`.
    hidden: usize,
    /// Those of the hidden ones where the rule fails.
    hidden_failing: usize,
}

/// Renders the counter bars of every `/stats` paste that has TLS stats, and
/// nothing when none has.
#[component]
pub fn CounterBars() -> impl IntoView {
    let wizard = use_wizard();
    let pastes = Memo::new(move |_| {
        wizard.evidence.with(|evidence| {
            evidence
                .iter()
                .filter_map(|(paste, input)| {
                    let rows = tls_counters::from_input(input);
                    (!rows.is_empty()).then(|| shown_rows(paste.name.clone(), rows))
                })
                .collect::<Vec<_>>()
        })
    });
    move || pastes.get().into_iter().map(|paste| view! { <PasteBars paste=paste /> }).collect_view()
}

fn shown_rows(name: String, mut rows: Vec<TlsCounters>) -> PasteCounters {
    // A stable sort keeps the dump's order within each group.
    rows.sort_by_key(|row| match row.documented_rule_holds() {
        Some(false) => 0,
        None => 1,
        Some(true) => 2,
    });
    let left_out = rows.get(SHOWN_SCOPES..).unwrap_or_default();
    let hidden = left_out.len();
    let hidden_failing =
        left_out.iter().filter(|row| row.documented_rule_holds() == Some(false)).count();
    rows.truncate(SHOWN_SCOPES);
    PasteCounters { name, rows, hidden, hidden_failing }
}

#[component]
fn PasteBars(paste: PasteCounters) -> impl IntoView {
    let heading = format!("TLS counters in {}", paste.name);
    let groups =
        paste.rows.iter().map(|row| view! { <ScopeBars row=row.clone() /> }).collect_view();
    let table_rows = paste.rows.iter().map(table_row).collect_view();
    let hidden = (paste.hidden > 0).then(|| view! { <p class="hint">{hidden_text(&paste)}</p> });

    view! {
        <div class="counter-bars" data-testid="counter-bars" data-input=paste.name.clone()>
            <h3>{heading.clone()}</h3>
            <p class="hint">
                "The documented rule: connections minus connection errors equal handshakes plus resumed sessions. Envoy also counts a resumed session as a handshake, and counts failed certificate checks outside connection errors, so read a small difference with the findings."
            </p>
            <ul class="bar-groups" aria-hidden="true">{groups}</ul>
            {hidden}
            // A table cannot shrink below its content, so the hiding box
            // around it clips it; hidden itself, it would widen the page.
            <div class="visually-hidden">
                <table data-testid="counter-table">
                    <caption>{heading}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Listener or cluster"</th>
                            <th scope="col">"Connections"</th>
                            <th scope="col">"Handshakes plus resumed sessions"</th>
                            <th scope="col">"Connection errors"</th>
                            <th scope="col">"Documented rule"</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </div>
    }
}

/// Renders one listener or cluster: its name, the rule's verdict and three
/// bars, each as long as its count relative to the largest of the three.
#[component]
fn ScopeBars(row: TlsCounters) -> impl IntoView {
    let bars = [
        ("connections", "Connections", row.connections),
        ("handshakes", "Handshakes + resumed", row.handshakes_and_resumed()),
        ("errors", "Errors", row.connection_errors),
    ];
    let largest = bars.iter().filter_map(|(_, _, count)| *count).max().unwrap_or(0);
    let bars = bars
        .into_iter()
        .map(|(class, label, count)| {
            view! {
                <div class=format!("bar-row bar-{class}")>
                    <span class="bar-label">{label}</span>
                    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
                        <rect class="bar-track" width="100" height="10" />
                        <rect class="bar-fill" width=bar_width(count, largest) height="10" />
                    </svg>
                    <span class="bar-value">{count_text(count)}</span>
                </div>
            }
        })
        .collect_view();

    view! {
        <li class="bar-group" data-scope=row.name.clone() data-rule=rule_state(&row)>
            <p class="bar-scope">
                <span class="bar-scope-name">{scope_label(&row)}</span>
                " "
                <span class="bar-rule">{rule_text(&row)}</span>
            </p>
            {bars}
        </li>
    }
}

fn table_row(row: &TlsCounters) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{scope_label(row)}</th>
            <td>{count_text(row.connections)}</td>
            <td>{count_text(row.handshakes_and_resumed())}</td>
            <td>{count_text(row.connection_errors)}</td>
            <td>{rule_text(row)}</td>
        </tr>
    }
}

fn hidden_text(paste: &PasteCounters) -> String {
    let scopes = if paste.hidden == 1 {
        "1 more listener or cluster with TLS stats is not drawn".to_string()
    } else {
        format!("{} more listeners and clusters with TLS stats are not drawn", paste.hidden)
    };
    match paste.hidden_failing {
        0 => format!("{scopes}. The rule holds there or cannot be checked."),
        failing => format!("{scopes}. The rule fails on {failing} of them too."),
    }
}

fn scope_label(row: &TlsCounters) -> String {
    match row.side {
        CounterSide::Listener => format!("listener {}", row.name),
        CounterSide::Cluster => format!("cluster {}", row.name),
    }
}

fn rule_state(row: &TlsCounters) -> &'static str {
    match row.documented_rule_holds() {
        Some(true) => "holds",
        Some(false) => "fails",
        None => "unknown",
    }
}

fn rule_text(row: &TlsCounters) -> String {
    match row.documented_rule_holds() {
        Some(true) => "Rule holds.".to_string(),
        Some(false) => format!(
            "Rule fails: {} − {} = {}, not {}.",
            count_text(row.connections),
            count_text(row.connection_errors),
            difference_text(row.connections.unwrap_or(0), row.connection_errors.unwrap_or(0)),
            count_text(row.handshakes_and_resumed()),
        ),
        None => {
            let names = [
                (row.side.total_name(), row.connections),
                ("ssl.connection_error", row.connection_errors),
                ("ssl.handshake", row.handshakes),
                ("ssl.session_reused", row.session_reused),
            ];
            let missing: Vec<&str> =
                names.iter().filter(|(_, count)| count.is_none()).map(|(name, _)| *name).collect();
            format!("Rule not checked: {} missing.", missing.join(", "))
        }
    }
}

/// Returns the length of a bar in the 0 to 100 units of its view box.
fn bar_width(count: Option<u64>, largest: u64) -> String {
    let Some(count) = count.filter(|_| largest > 0) else { return "0".to_string() };
    format!("{:.2}", count as f64 * 100.0 / largest as f64)
}

fn count_text(count: Option<u64>) -> String {
    count.map_or_else(|| "not in the paste".to_string(), group_digits)
}

/// Formats `minuend - subtrahend`, which is negative when a dump shows more
/// errors than connections.
fn difference_text(minuend: u64, subtrahend: u64) -> String {
    match minuend.checked_sub(subtrahend) {
        Some(difference) => group_digits(difference),
        None => format!("−{}", group_digits(subtrahend - minuend)),
    }
}

/// Formats `value` with a comma between groups of three digits.
fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    // Groups of three from the right. The digits are ASCII, so every chunk
    // is valid UTF-8.
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_digits_cases() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (2674877, "2,674,877"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ];
        for (value, expected) in cases {
            assert_eq!(group_digits(value), expected, "value {value}");
        }
    }

    #[test]
    fn difference_text_cases() {
        assert_eq!(difference_text(47620, 19), "47,601");
        assert_eq!(difference_text(3, 3), "0");
        assert_eq!(difference_text(2, 1002), "−1,000");
    }

    #[test]
    fn bar_width_cases() {
        let cases = [
            ("largest", Some(40), 40, "100.00"),
            ("half", Some(20), 40, "50.00"),
            ("zero", Some(0), 40, "0.00"),
            ("missing", None, 40, "0"),
            ("all zero", Some(0), 0, "0"),
        ];
        for (name, count, largest, expected) in cases {
            assert_eq!(bar_width(count, largest), expected, "case {name}");
        }
    }
}
