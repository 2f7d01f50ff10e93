//! TODO: scaffold, replaced by the parser.
