//! Certificate parsing, chain building and verification.
