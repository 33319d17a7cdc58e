//! What the integration tests share: running the `routesim` binary as a user does and reading
//! what it printed. Each test file uses the part it needs (`mod support;`).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `routesim args...` in `dir` and waits for it.
pub fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("routesim starts")
}

/// [`routesim`] with the arguments first, for the files that call it that way.
pub fn routesim_in(args: &[&str], dir: &Path) -> Output {
    routesim(dir, args)
}

/// What the run printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
