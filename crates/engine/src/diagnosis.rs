//! Finding codes, rules and reports.
