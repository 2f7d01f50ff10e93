//! The meshtls engine: Envoy TLS evidence parsers and the diagnosis built on them.
//!
//! Three layers depend in one direction: [`evidence`] turns pasted text into
//! records, [`diagnosis`] and [`tree`] turn records and the person's choices into
//! findings and a conclusion, and the web page and the command-line tool render
//! them. Nothing here depends on a browser API or reads a clock: callers pass the
//! time in.

// Outside tests a panic in the browser kills the whole page, so the engine may not
// call the panicking helpers. The rare place where one cannot fail gives the reason.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)
)]

pub mod config;
pub mod diagnosis;
pub mod evidence;
pub mod issue_link;
pub mod redact;
pub mod tree;
pub mod x509;
