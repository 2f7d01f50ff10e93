//! The meshtls web page: a Leptos (client-side rendered) wizard over the
//! meshtls engine. The engine decides; these components render its state and
//! pass it the person's answers and pastes.

mod app;
mod bars;
mod browser;
mod busy;
mod certs;
mod conclusion;
mod copy;
mod evidence;
mod findings;
mod history;
mod links;
pub mod panic;
mod path;
mod persist;
mod portal;
pub mod redact;
mod redaction;
mod state;
mod step;
mod symptoms;
mod text;

pub use app::App;
