//! The portal configuration (`config.json` next to `index.html`): where
//! documentation and escalation links point. A portal replaces the file to
//! send people to its own docs mirror and support desk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use meshtls_engine::config::{Config, ConfigWarning};
use meshtls_engine::tree::{DocLink, Links};

use crate::browser;
use crate::state::Wizard;

/// Relative, so the file is read from the folder the page is served from.
const CONFIG_URL: &str = "./config.json";

/// Reads `config.json` once; the built-in App Mesh defaults stay in force
/// until it arrives, and for every field it gets wrong.
///
/// Returns the problems found, which [`ConfigNotice`] shows. Without the
/// notice, a portal whose file is broken would send its readers to the App
/// Mesh issue tracker without anyone noticing. A missing file (HTTP 404) is
/// no problem, because the defaults are meant for that case.
pub fn load(wizard: Wizard) -> RwSignal<Vec<ConfigWarning>> {
    let problems = RwSignal::new(Vec::new());
    spawn_local(async move {
        match browser::fetch_site_text(CONFIG_URL).await {
            Ok(Some(text)) => {
                let (config, warnings) = Config::from_json(&text);
                for warning in &warnings {
                    leptos::logging::warn!("{warning}");
                }
                wizard.config.set(config);
                problems.set(warnings);
            }
            Ok(None) => {}
            Err(err) => {
                leptos::logging::warn!("reading {CONFIG_URL} failed: {err}");
                let message = format!("reading the file failed ({err}); using the defaults");
                problems.set(vec![ConfigWarning { field: None, message }]);
            }
        }
    });
    problems
}

/// Renders a notice that `config.json` could not be read, in whole or in part,
/// with each problem. Every reader sees it, since the links it sets are theirs.
#[component]
pub fn ConfigNotice(
    /// The problems [`load`] found.
    problems: RwSignal<Vec<ConfigWarning>>,
) -> impl IntoView {
    move || {
        let warnings = problems.get();
        if warnings.is_empty() {
            return None;
        }
        let whole_file = warnings.iter().any(|warning| warning.field.is_none());
        let summary = if whole_file {
            "The portal configuration (config.json) could not be read, so the documentation, \
             issue and support links are the built-in App Mesh ones."
        } else {
            "Part of the portal configuration (config.json) could not be read, so these \
             fields use the built-in App Mesh defaults."
        };
        let items =
            warnings.iter().map(|warning| view! { <li>{warning.to_string()}</li> }).collect_view();
        Some(view! {
            <div class="notice warning config-notice" role="status" data-testid="config-notice">
                <p>{summary}</p>
                <ul>{items}</ul>
            </div>
        })
    }
}

/// The tree's link targets under this configuration.
pub fn links_of(config: &Config) -> Links {
    Links::from(config)
}

/// The URL of a tree documentation link under this configuration.
pub fn doc_url(config: &Config, link: &DocLink) -> String {
    links_of(config).doc_url(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(page: &str, anchor: Option<&str>) -> DocLink {
        DocLink { page: page.into(), anchor: anchor.map(Into::into), title: "t".into() }
    }

    #[test]
    fn relative_page_joins_configured_base() {
        let config =
            Config { docs_base_url: "https://docs.example.test/mesh".into(), ..Config::default() };
        assert_eq!(
            doc_url(&config, &link("troubleshooting-security", Some("ts-security-tls-client-policy"))),
            "https://docs.example.test/mesh/troubleshooting-security.html#ts-security-tls-client-policy"
        );
    }

    #[test]
    fn absolute_page_ignores_base() {
        let config = Config::default();
        assert_eq!(
            doc_url(&config, &link("https://www.envoyproxy.io/docs/x", Some("y"))),
            "https://www.envoyproxy.io/docs/x#y"
        );
    }

    #[test]
    fn default_config_gives_tree_documentation_base() {
        let links = links_of(&Config::default());
        let defaults = Links::default();
        assert_eq!(links.docs_base, defaults.docs_base);
        assert_eq!(links.issue_new_url, defaults.issue_new_url);
    }
}
