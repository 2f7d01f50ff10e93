//! The decision tree as data, and the walker that moves through it.
