//! The portal configuration (`config.json` next to `index.html`): where
//! documentation and escalation links point. A portal replaces the file to
//! send people to its own docs mirror and support desk.

use leptos::prelude::*;
use leptos::task::spawn_local;
use meshtls_engine::config::Config;
use meshtls_engine::tree::{DocLink, Links};

use crate::browser;
use crate::state::Wizard;

/// Relative, so the file is read from the folder the page is served from.
const CONFIG_URL: &str = "./config.json";

/// Reads `config.json` once; the built-in App Mesh defaults stay in force
/// until it arrives, and for every field it gets wrong.
pub fn load(wizard: Wizard) {
    spawn_local(async move {
        match browser::fetch_site_text(CONFIG_URL).await {
            Ok(Some(text)) => {
                let (config, warnings) = Config::from_json(&text);
                for warning in &warnings {
                    leptos::logging::warn!("{warning}");
                }
                wizard.config.set(config);
            }
            Ok(None) => {}
            Err(err) => leptos::logging::warn!("reading {CONFIG_URL} failed: {err}"),
        }
    });
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
