//! The path so far: a small map of the steps answered, with the answers not
//! taken, above the list of each answered step and the node shown.

use std::fmt::Write as _;

use leptos::prelude::*;
use meshtls_engine::tree::{AnswerSource, Node, Walker};

use crate::state::use_wizard;
use crate::text::{plain, rich};

/// One answered step as the map and the list show it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PathEntry {
    step_id: String,
    title: String,
    answer: String,
    from_evidence: bool,
    /// The other answers of the step, each with the title of the node it leads to.
    not_taken: Vec<Branch>,
}

/// An answer the walk did not take.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Branch {
    answer: String,
    leads_to: String,
}

/// The node after the last answered step.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Frontier {
    title: String,
    is_conclusion: bool,
}

fn path_entries(walker: &Walker<'static>) -> Vec<PathEntry> {
    let tree = walker.tree();
    walker
        .path()
        .iter()
        .map(|given| PathEntry {
            step_id: given.step.id.clone(),
            title: given.step.title.clone(),
            answer: given.answer.label.clone(),
            from_evidence: matches!(given.source, AnswerSource::Evidence { .. }),
            not_taken: given
                .step
                .answers
                .iter()
                .filter(|answer| answer.id != given.answer.id)
                .map(|answer| Branch {
                    answer: answer.label.clone(),
                    leads_to: tree
                        .node(&answer.next)
                        .map_or_else(String::new, |n| n.title().into()),
                })
                .collect(),
        })
        .collect()
}

/// Renders the map and the list of the steps taken, where each list entry
/// reopens its step.
#[component]
pub fn PathMap() -> impl IntoView {
    let wizard = use_wizard();
    let entries = Memo::new(move |_| {
        wizard.walker.with(|w| w.as_ref().map(path_entries).unwrap_or_default())
    });
    let frontier = Memo::new(move |_| {
        wizard.walker.with(|w| {
            w.as_ref().and_then(|w| w.frontier()).map(|node| Frontier {
                title: node.title().to_string(),
                is_conclusion: matches!(node, Node::Conclusion(_)),
            })
        })
    });
    // Index of the node shown on the map: a path index, or the path length for
    // the frontier.
    let shown = Memo::new(move |_| {
        let current = wizard.current_id.get();
        entries.with(|entries| {
            entries
                .iter()
                .position(|entry| Some(&entry.step_id) == current.as_ref())
                .unwrap_or(entries.len())
        })
    });

    let is_current = move |id: &str| wizard.current_id.with(|c| c.as_deref() == Some(id));

    view! {
        <nav class="panel path" aria-labelledby="path-heading" data-testid="path">
            <h2 id="path-heading">"Path so far"</h2>
            {move || {
                let svg = entries.with(|entries| {
                    frontier.with(|frontier| map_svg(entries, frontier.as_ref(), shown.get()))
                });
                view! { <div class="path-map" data-testid="path-map" inner_html=svg></div> }
            }}
            <p class="path-legend hint" aria-hidden="true">
                <span class="legend-taken">"path taken"</span>
                <span class="legend-evidence">"answered by your evidence"</span>
                <span class="legend-not-taken">"answers not taken"</span>
            </p>
            <ol>
                <For
                    each=move || entries.get()
                    key=|entry| (entry.step_id.clone(), entry.answer.clone(), entry.from_evidence)
                    let:entry
                >
                    {
                        let step_id = entry.step_id.clone();
                        let current_id = entry.step_id.clone();
                        let current = move || is_current(&current_id).then_some("step");
                        view! {
                            <li data-testid="path-step" data-step-id=entry.step_id.clone()>
                                <button
                                    type="button"
                                    class="link"
                                    aria-current=current
                                    on:click=move |_| wizard.revisit(&step_id)
                                >
                                    {entry.title.clone()}
                                </button>
                                <span class="path-answer">
                                    ": " {rich(&entry.answer)}
                                    {entry.from_evidence.then_some(" (from your evidence)")}
                                </span>
                            </li>
                        }
                    }
                </For>
                {move || {
                    frontier.get().map(|frontier| {
                        let current = move || {
                            wizard
                                .walker
                                .with(|w| w.as_ref().is_some_and(|w| w.current() == w.frontier()))
                                .then_some("step")
                        };
                        view! { <li aria-current=current>{frontier.title}</li> }
                    })
                }}
            </ol>
        </nav>
    }
}

/// Horizontal distance between two nodes of the map, in SVG user units (pixels
/// at the natural size).
const NODE_SPACING: u32 = 44;
/// Margin around the drawing.
const MARGIN: u32 = 12;
/// Vertical position of the path line.
const PATH_Y: u32 = 14;
/// How far below the path line the stubs of the answers not taken end.
const STUB_DROP: u32 = 16;
/// Half the width of the fan that a step's stubs spread over, less than half of
/// [`NODE_SPACING`] so that neighbouring fans do not touch.
const STUB_HALF_SPREAD: f64 = 14.0;

/// Draws the path as an inline SVG: one node per answered step on a line, a
/// highlighted segment for each answer taken, and a fan of short dashed stubs
/// below a node for its answers not taken. The node shown is ringed. The picture is one
/// image for assistive technology, and its `<desc>` gives the whole path in words.
fn map_svg(entries: &[PathEntry], frontier: Option<&Frontier>, shown: usize) -> String {
    let node_count = entries.len() + usize::from(frontier.is_some());
    let count = u32::try_from(node_count).unwrap_or(u32::MAX);
    let width = 2 * MARGIN + count.saturating_sub(1).saturating_mul(NODE_SPACING);
    let height = PATH_Y + STUB_DROP + 3 + MARGIN;
    let x_of = |index: usize| {
        MARGIN + u32::try_from(index).unwrap_or(u32::MAX).saturating_mul(NODE_SPACING)
    };

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="path-map-title path-map-desc">"#
    );
    let _ = write!(
        svg,
        r#"<title id="path-map-title">Map of the path so far</title><desc id="path-map-desc">{}</desc>"#,
        escape(&describe(entries, frontier))
    );

    for (index, entry) in entries.iter().enumerate() {
        let x = x_of(index);
        let stubs = entry.not_taken.len();
        for (stub, branch) in entry.not_taken.iter().enumerate() {
            let end_x = f64::from(x) + fan_offset(stub, stubs);
            let end_y = PATH_Y + STUB_DROP;
            let _ = write!(
                svg,
                r#"<g class="not-taken"><title>{}: {}</title><line x1="{x}" y1="{PATH_Y}" x2="{end_x:.1}" y2="{end_y}"/><circle cx="{end_x:.1}" cy="{end_y}" r="2.5"/></g>"#,
                escape(&plain(&branch.answer)),
                escape(&plain(&branch.leads_to)),
            );
        }
        if index + 1 < node_count {
            let _ = write!(
                svg,
                r#"<line class="taken" x1="{x}" y1="{PATH_Y}" x2="{}" y2="{PATH_Y}"/>"#,
                x_of(index + 1)
            );
        }
    }

    for (index, entry) in entries.iter().enumerate() {
        let x = x_of(index);
        let class = if entry.from_evidence { "node evidence" } else { "node" };
        let _ = write!(
            svg,
            r#"<g class="{class}"><title>{}: {}</title><circle cx="{x}" cy="{PATH_Y}" r="6"/></g>"#,
            escape(&entry.title),
            escape(&plain(&entry.answer)),
        );
    }
    if let Some(frontier) = frontier {
        let x = x_of(entries.len());
        let title = escape(&frontier.title);
        if frontier.is_conclusion {
            let (left, top) = (x - 7, PATH_Y - 7);
            let _ = write!(
                svg,
                r#"<g class="node end"><title>{title}</title><rect x="{left}" y="{top}" width="14" height="14" rx="2"/></g>"#
            );
        } else {
            let _ = write!(
                svg,
                r#"<g class="node open"><title>{title}</title><circle cx="{x}" cy="{PATH_Y}" r="6"/></g>"#
            );
        }
    }
    if shown < node_count {
        let _ = write!(svg, r#"<circle class="shown" cx="{}" cy="{PATH_Y}" r="10"/>"#, x_of(shown));
    }
    svg.push_str("</svg>");
    svg
}

/// Returns the horizontal offset of stub `index` of `count`, spread evenly
/// across the fan, with a single stub straight below its node.
fn fan_offset(index: usize, count: usize) -> f64 {
    if count < 2 {
        return 0.0;
    }
    let step = 2.0 * STUB_HALF_SPREAD / (count - 1) as f64;
    -STUB_HALF_SPREAD + step * index as f64
}

/// Describes the path in words: each step with the answer taken and the answers
/// not taken, then the node reached.
fn describe(entries: &[PathEntry], frontier: Option<&Frontier>) -> String {
    let mut text = String::new();
    for (index, entry) in entries.iter().enumerate() {
        let _ = write!(text, "Step {}, {}: {}", index + 1, entry.title, plain(&entry.answer));
        if entry.from_evidence {
            text.push_str(" (from your evidence)");
        }
        if !entry.not_taken.is_empty() {
            let others: Vec<String> = entry.not_taken.iter().map(|b| plain(&b.answer)).collect();
            let _ = write!(text, ". Not taken: {}", others.join(", "));
        }
        text.push_str(". ");
    }
    match frontier {
        Some(Frontier { title, is_conclusion: true }) => {
            let _ = write!(text, "Conclusion: {title}.");
        }
        Some(Frontier { title, is_conclusion: false }) => {
            let _ = write!(text, "Next step: {title}.");
        }
        None => {}
    }
    text
}

/// Escapes text for an XML element or a double-quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, answer: &str, not_taken: &[&str]) -> PathEntry {
        PathEntry {
            step_id: title.to_lowercase(),
            title: title.to_string(),
            answer: answer.to_string(),
            from_evidence: false,
            not_taken: not_taken
                .iter()
                .map(|a| Branch { answer: a.to_string(), leads_to: "Elsewhere".to_string() })
                .collect(),
        }
    }

    #[test]
    fn map_draws_taken_and_not_taken() {
        let entries = [entry("One", "yes", &["no"]), entry("Two", "`ssl.handshake`", &["a", "b"])];
        let frontier = Frontier { title: "End".to_string(), is_conclusion: true };
        let svg = map_svg(&entries, Some(&frontier), 2);
        assert_eq!(svg.matches(r#"class="taken""#).count(), 2, "{svg}");
        assert_eq!(svg.matches(r#"class="not-taken""#).count(), 3, "{svg}");
        assert_eq!(svg.matches("<rect").count(), 1, "{svg}");
        assert!(svg.contains(r#"<circle class="shown" cx="100""#), "{svg}");
        assert!(svg.contains("Step 2, Two: ssl.handshake. Not taken: a, b."), "{svg}");
        assert!(svg.contains("Conclusion: End.</desc>"), "{svg}");
    }

    #[test]
    fn stubs_fan_within_spacing() {
        assert_eq!(fan_offset(0, 1), 0.0);
        assert_eq!(fan_offset(0, 3), -STUB_HALF_SPREAD);
        assert_eq!(fan_offset(1, 3), 0.0);
        assert_eq!(fan_offset(2, 3), STUB_HALF_SPREAD);
        assert!(2.0 * STUB_HALF_SPREAD < f64::from(NODE_SPACING));
    }

    #[test]
    fn map_escapes_markup() {
        let entries = [entry("<b>&\"", "x", &[])];
        let svg = map_svg(&entries, None, 0);
        assert!(svg.contains("&lt;b&gt;&amp;&quot;"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
    }

    #[test]
    fn empty_path_draws_frontier_only() {
        let frontier = Frontier { title: "First".to_string(), is_conclusion: false };
        let svg = map_svg(&[], Some(&frontier), 0);
        assert!(svg.contains(r#"width="24""#), "{svg}");
        assert!(svg.contains("Next step: First."), "{svg}");
    }
}
