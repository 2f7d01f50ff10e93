//! The certificates pasted. Each paste with a certificate gets a checkbox that
//! marks it as the trust bundle. Each chain is drawn from leaf to root, with
//! its validity on a common time axis and its broken link marked, and every
//! certificate's details follow.
//!
//! The engine's `x509::view` decides everything shown here. This module reads
//! the current time (`js_sys::Date::now`) and passes it in, since the engine
//! never reads a clock.

use leptos::prelude::*;
use meshtls_engine::diagnosis::{certificate_checks, Input, Symptom};
use meshtls_engine::evidence::Records;
use meshtls_engine::x509::view::{
    self, CertificateView, CertificatesView, ChainView, LinkView, Origin, Timeline,
};
use meshtls_engine::x509::Certificate;

use crate::browser;
use crate::state::{use_wizard, Evidence};
use crate::text::rich;

/// Width of the validity bars' SVG coordinate system; the bars stretch to the
/// width of the panel.
const AXIS_WIDTH: f64 = 1000.0;

/// Chains and certificate details rendered before "Show all". A pasted CA
/// bundle, such as a system's 140-odd roots, would otherwise draw a chain and
/// a details box for each root.
const FIRST_SHOWN: usize = 20;

/// A paste that contains at least one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CertificatePaste {
    id: u64,
    name: String,
    count: usize,
}

/// The paste and line of a certificate, for its details.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Place {
    paste: String,
    line: usize,
}

/// The view and where each of its certificates was pasted.
#[derive(Clone, Debug, PartialEq)]
struct Pictured {
    view: CertificatesView,
    evidence_places: Vec<Place>,
    bundle_places: Vec<Place>,
}

/// Returns the certificates of one paste, with the line where each starts.
fn pasted_certificates(input: &Input) -> impl Iterator<Item = (usize, &Certificate)> {
    input.parsed.parts.iter().flat_map(|part| match &part.records {
        Records::Pem(bundle) => {
            bundle.certificates.iter().map(|pem| (pem.first_line, &pem.certificate)).collect()
        }
        _ => Vec::new(),
    })
}

/// Builds the engine's view of the certificates at `now`, split into evidence
/// and trust bundle by the pastes' marks. Returns None when no certificate was pasted.
fn picture(
    evidence: &Evidence,
    host: Option<&str>,
    symptom: Option<Symptom>,
    now: i64,
) -> Option<Pictured> {
    let mut input = Vec::new();
    let mut bundle = Vec::new();
    let mut evidence_places = Vec::new();
    let mut bundle_places = Vec::new();
    for (paste, parsed) in evidence.iter() {
        for (line, certificate) in pasted_certificates(parsed) {
            let place = Place { paste: paste.name.clone(), line };
            if paste.trust_bundle {
                bundle.push(certificate.clone());
                bundle_places.push(place);
            } else {
                input.push(certificate.clone());
                evidence_places.push(place);
            }
        }
    }
    if input.is_empty() && bundle.is_empty() {
        return None;
    }

    let checks = certificate_checks(now, host, symptom, !bundle.is_empty());
    let view = view::view(&input, &bundle, &checks);
    Some(Pictured { view, evidence_places, bundle_places })
}

/// Renders the certificates section of the evidence panel, once a paste contains a certificate.
#[component]
pub fn CertificatesPanel() -> impl IntoView {
    let wizard = use_wizard();
    let pastes = Memo::new(move |_| {
        wizard.evidence.with(|evidence| {
            evidence
                .iter()
                .filter_map(|(paste, input)| {
                    let count = pasted_certificates(input).count();
                    (count > 0).then(|| CertificatePaste {
                        id: paste.id,
                        name: paste.name.clone(),
                        count,
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let symptom = Memo::new(move |_| {
        wizard.walker.with(|walker| {
            walker.as_ref().and_then(|walker| Symptom::from_id(&walker.symptom().id))
        })
    });
    let show_all = RwSignal::new(false);
    let pictured = Memo::new(move |_| {
        let host = wizard.host.with(|host| Some(host.trim().to_string()).filter(|h| !h.is_empty()));
        let symptom = symptom.get();
        wizard.evidence.with(|evidence| {
            picture(evidence, host.as_deref(), symptom, browser::now_unix_seconds())
        })
    });

    view! {
        <Show when=move || !pastes.with(Vec::is_empty)>
            <section class="certs" aria-labelledby="certs-heading" data-testid="certs">
                <h3 id="certs-heading">"Certificates"</h3>
                <fieldset class="trust-bundle">
                    <legend>"Trust bundle"</legend>
                    <p class="hint">
                        "Mark the paste that holds the CA certificates the verifying side trusts. Without a mark, the self-signed CA certificates pasted are taken as the trust bundle."
                    </p>
                    <For each=move || pastes.get() key=|paste| paste.id let:paste>
                        <TrustBundleToggle paste=paste />
                    </For>
                </fieldset>
                {move || {
                    let limit = if show_all.get() { usize::MAX } else { FIRST_SHOWN };
                    pictured.get().map(|pictured| render(&pictured, limit, show_all))
                }}
            </section>
        </Show>
    }
}

/// Renders the checkbox that marks one paste as the trust bundle.
#[component]
fn TrustBundleToggle(
    /// The paste the checkbox marks.
    paste: CertificatePaste,
) -> impl IntoView {
    let wizard = use_wizard();
    let id = paste.id;
    let checked = move || {
        wizard.evidence.with(|evidence| {
            evidence.pastes().iter().any(|paste| paste.id == id && paste.trust_bundle)
        })
    };
    let certificates = if paste.count == 1 {
        "1 certificate".to_string()
    } else {
        format!("{} certificates", paste.count)
    };
    let name = paste.name.clone();
    let on_change = move |event: leptos::ev::Event| {
        let marked = event_target_checked(&event);
        wizard.mark_trust_bundle(id, marked);
        wizard.announcement.set(if marked {
            format!("{name} is now the trust bundle.")
        } else {
            format!("{name} is no longer the trust bundle.")
        });
    };
    view! {
        <label class="trust-bundle-toggle">
            <input
                type="checkbox"
                data-testid="trust-bundle-toggle"
                data-paste=paste.name.clone()
                prop:checked=checked
                on:change=on_change
            />
            " This is the trust bundle (the client policy's CA): "
            <span class="paste-name">{paste.name.clone()}</span>
            <span class="hint">{format!(" ({certificates})")}</span>
        </label>
    }
}

/// Renders the trust origin, the first `limit` chains and the details of the
/// first `limit` certificates, with a button that sets `show_all` when some
/// are left out.
fn render(pictured: &Pictured, limit: usize, show_all: RwSignal<bool>) -> impl IntoView {
    let view = &pictured.view;
    let notes = view.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view();
    let chains = view
        .chains
        .iter()
        .take(limit)
        .enumerate()
        .map(|(index, chain)| render_chain(index, chain, view))
        .collect_view();
    let details = view
        .certificates
        .iter()
        .take(limit)
        .map(|cert| render_details(cert, place(pictured, cert.origin)))
        .collect_view();
    let hidden = view.chains.len().max(view.certificates.len()) > limit;
    let more = hidden.then(|| {
        let label = format!(
            "Show all {} chains and {} certificates",
            view.chains.len(),
            view.certificates.len()
        );
        view! {
            <button type="button" data-testid="certs-more" on:click=move |_| show_all.set(true)>
                {label}
            </button>
        }
    });

    view! {
        <p class="trust-origin" data-testid="trust-origin">{format!("{}.", view.trust)}</p>
        <ul class="cert-notes">{notes}</ul>
        <h4>"Chains, leaf to root"</h4>
        {render_axis(view.timeline, view.now)}
        {chains}
        <h4>"Certificate details"</h4>
        {details}
        {more}
    }
}

fn place(pictured: &Pictured, origin: Origin) -> Option<&Place> {
    match origin {
        Origin::Input(index) => pictured.evidence_places.get(index),
        Origin::Bundle(index) => pictured.bundle_places.get(index),
    }
}

/// Renders the dates at both ends of the time axis and today's date.
fn render_axis(timeline: Timeline, now: i64) -> impl IntoView {
    view! {
        <p class="axis" data-testid="time-axis">
            <span>{view::utc_date(timeline.start)}</span>
            <span class="axis-today">{format!("today {}", view::utc_date(now))}</span>
            <span>{view::utc_date(timeline.end)}</span>
        </p>
    }
}

fn render_chain(index: usize, chain: &ChainView, view: &CertificatesView) -> impl IntoView {
    let links = chain
        .links
        .iter()
        .enumerate()
        .map(|(position, link)| {
            let last = position + 1 == chain.links.len();
            render_link(link, last, view)
        })
        .collect_view();
    let state = if chain.trusted { "trusted" } else { "broken" };
    view! {
        <figure class="chain" data-testid="cert-chain" data-trusted=chain.trusted.to_string()>
            <figcaption>
                <span class=format!("chain-state {state}")>
                    {if chain.trusted { "Trusted" } else { "Broken" }}
                </span>
                {format!(" chain {}: ", index + 1)}
                {rich(&chain.summary)}
            </figcaption>
            <ol class="chain-links">{links}</ol>
        </figure>
    }
}

fn render_link(link: &LinkView, last: bool, view: &CertificatesView) -> impl IntoView {
    let cert = view.certificates.get(link.certificate);
    let label = cert.map_or("?".to_string(), |cert| cert.label().to_string());
    let kind = cert.map_or("", |cert| cert.kind.as_str());
    let key = cert.map(|cert| cert.key.clone()).unwrap_or_default();
    let status = link.status.as_str();
    let broken = link.status.is_break();
    // The status text states what the colour shows, for screen readers and
    // for people who do not see the colour. The marker is decoration.
    let marker = if broken {
        "✗ "
    } else if last {
        "⚓ "
    } else {
        "✓ "
    };
    let status_text = if last && !broken {
        "End of chain: in the trust bundle".to_string()
    } else if last {
        format!("End of chain, {}", link.status)
    } else {
        format!("Link to the next certificate: {}", link.status)
    };
    let bar = cert.map(|cert| render_validity(cert, view.timeline, view.now));

    view! {
        <li class=format!("chain-link {status}") data-testid="chain-link" data-status=status>
            <div class="chain-cert">
                <span class="chain-depth">{format!("depth {}", link.depth)}</span>
                <strong>{label}</strong>
                <span class="hint">{format!(" {kind}, {key}")}</span>
            </div>
            {bar}
            <p class=if broken { "link-status broken" } else { "link-status" }>
                <span aria-hidden="true">{marker}</span>
                {rich(&status_text)}
            </p>
        </li>
    }
}

/// Renders a bar from notBefore to notAfter on the common axis, with a line for today.
fn render_validity(cert: &CertificateView, timeline: Timeline, now: i64) -> impl IntoView {
    let start = timeline.percent(cert.not_before) / 100.0 * AXIS_WIDTH;
    let end = timeline.percent(cert.not_after) / 100.0 * AXIS_WIDTH;
    let width = (end - start).max(2.0);
    let today = timeline.percent(now) / 100.0 * AXIS_WIDTH;
    let state = cert.validity.as_str();
    let description = format!(
        "Valid from {} to {}: {}",
        cert.not_before_utc(),
        cert.not_after_utc(),
        cert.validity.label()
    );
    view! {
        <div class="validity">
            <svg
                class="validity-chart"
                viewBox=format!("0 0 {AXIS_WIDTH} 12")
                preserveAspectRatio="none"
                role="img"
                aria-label=description.clone()
            >
                <rect class="validity-track" x="0" y="3" width=AXIS_WIDTH.to_string() height="6"></rect>
                <rect
                    class=format!("validity-bar {state}")
                    data-testid="validity-bar"
                    data-state=state
                    x=format!("{start:.1}")
                    y="1"
                    width=format!("{width:.1}")
                    height="10"
                ></rect>
                <line
                    class="validity-today"
                    x1=format!("{today:.1}")
                    x2=format!("{today:.1}")
                    y1="0"
                    y2="12"
                    vector-effect="non-scaling-stroke"
                ></line>
            </svg>
            <p class=format!("validity-text {state}")>{description}</p>
        </div>
    }
}

fn render_details(cert: &CertificateView, place: Option<&Place>) -> impl IntoView {
    let pasted = place.map(|place| match cert.origin {
        Origin::Bundle(_) => format!("trust bundle: {}, line {}", place.paste, place.line),
        Origin::Input(_) => format!("{}, line {}", place.paste, place.line),
    });
    let sans = if cert.sans.is_empty() {
        view! { <span>"none"</span> }.into_any()
    } else {
        let items = cert
            .sans
            .iter()
            .map(|san| {
                let kind = if san.spiffe { "URI (SPIFFE ID)" } else { san.kind };
                view! { <li><span class="san-kind">{format!("{kind}: ")}</span><code>{san.value.clone()}</code></li> }
            })
            .collect_view();
        view! { <ul class="sans">{items}</ul> }.into_any()
    };
    let key_usage = match &cert.key_usage {
        Some(bits) if bits.is_empty() => "present, no bit set".to_string(),
        Some(bits) => bits.join(", "),
        None => "absent (every usage allowed)".to_string(),
    };
    let extended_key_usage = match &cert.extended_key_usage {
        Some(purposes) => purposes.join(", "),
        None => "absent (every purpose allowed)".to_string(),
    };
    let basic_constraints = cert.basic_constraints_text().unwrap_or_else(|| "absent".to_string());
    let issues = cert
        .issues
        .iter()
        .map(|issue| {
            view! {
                <li data-code=issue.code>
                    <code>{issue.code}</code>": "{rich(&issue.message)}
                </li>
            }
        })
        .collect_view();
    let validity = format!(
        "{} to {} ({})",
        cert.not_before_utc(),
        cert.not_after_utc(),
        cert.validity.label()
    );

    view! {
        <details class="cert" data-testid="cert" data-fingerprint=cert.sha256_fingerprint.clone()>
            <summary>
                <strong>{cert.label().to_string()}</strong>
                {format!(" {}, {}", cert.kind.as_str(), cert.validity.label())}
            </summary>
            <ul class="cert-issues">{issues}</ul>
            <dl>
                <dt>"Pasted in"</dt>
                <dd>{pasted.unwrap_or_default()}</dd>
                <dt>"Subject"</dt>
                <dd><code>{cert.subject.clone()}</code></dd>
                <dt>"Issuer"</dt>
                <dd><code>{cert.issuer.clone()}</code></dd>
                <dt>"Serial number"</dt>
                <dd><code>{cert.serial.clone()}</code></dd>
                <dt>"Subject alternative names"</dt>
                <dd>{sans}</dd>
                <dt>"Validity"</dt>
                <dd>{validity}</dd>
                <dt>"Key"</dt>
                <dd>{cert.key.clone()}</dd>
                <dt>"Signature algorithm"</dt>
                <dd>{cert.signature_algorithm.clone()}</dd>
                <dt>"Key usage"</dt>
                <dd>{key_usage}</dd>
                <dt>"Extended key usage"</dt>
                <dd>{extended_key_usage}</dd>
                <dt>"Basic constraints"</dt>
                <dd>{basic_constraints}</dd>
                <dt>"SHA-256 fingerprint"</dt>
                <dd><code class="fingerprint">{cert.sha256_fingerprint.clone()}</code></dd>
            </dl>
        </details>
    }
}
