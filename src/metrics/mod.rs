//! Observers that turn simulation events into measures.
pub mod stats;
