//! TODO: scaffold, replaced by the parser.
#[derive(Clone, Debug, Default)]
pub struct Stats;
