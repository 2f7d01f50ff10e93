//! Documentation links. They open in a new tab so the walk stays where it is.

use leptos::prelude::*;
use meshtls_engine::tree::DocLink;

use crate::portal;
use crate::state::use_wizard;

/// The documentation links of a step or a conclusion, resolved against the
/// portal configuration's documentation base.
#[component]
pub fn DocLinks(
    /// Links from the tree.
    links: &'static [DocLink],
    /// Heading above the list; none for a step's short list.
    #[prop(optional)]
    heading: Option<&'static str>,
) -> impl IntoView {
    let wizard = use_wizard();
    if links.is_empty() {
        return None;
    }
    let items = move || {
        wizard.config.with(|config| {
            links
                .iter()
                .map(|link| {
                    let url = portal::doc_url(config, link);
                    view! {
                        <li>
                            <a href=url target="_blank" rel="noopener noreferrer" data-testid="doc-link">
                                {link.title.as_str()}
                            </a>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    Some(view! {
        <div class="doc-links">
            {heading.map(|h| view! { <h3>{h}</h3> })}
            {heading.is_none().then(|| view! { <p class="hint">"Read more:"</p> })}
            <ul>{items}</ul>
        </div>
    })
}
