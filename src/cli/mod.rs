//! The commands of the binary, one file per group of commands; `main.rs` keeps the arguments,
//! the dispatch and the exit codes.

pub(crate) mod check;
pub(crate) mod run;
pub(crate) mod staffing;
pub(crate) mod sweep;
