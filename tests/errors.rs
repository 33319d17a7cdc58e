//! Error messages a planner reads: every shape error of a file at once, in words rather than
//! Rust type names, with "did you mean" for misspelt keys and names, and one line per problem.

mod support;
use support::routesim_in as routesim;

use std::fs;

const MMC: &str = include_str!("../scenarios/mmc.toml");

/// Validates `text` as `s.toml` and returns stderr, checking the exit code is 2.
fn refused(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = routesim(&["validate", "s.toml"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_table_with_a_shape_error_is_reported_not_only_the_first() {
    let text = MMC
        .replace("horizon = \"7d\"", "horizon = 7")
        .replace("count = 50", "count = \"fifty\"")
        .replace("[queues.main]", "[queues.main]\nblock = 3")
        + "\n[colours]\nred = 1\n";
    let stderr = refused(&text);
    let lines: Vec<&str> = stderr.lines().collect();
    for expected in [
        "s.toml: simulation.horizon: invalid type: integer `7`, expected a string",
        "s.toml: agent_groups.agents.count: invalid type: string \"fifty\", expected a whole number",
        "s.toml: queues.main.block: unknown field `block` (did you mean `block_size`?), expected one of",
        "s.toml: unknown field `colours`",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("error: {expected}")) || l.starts_with(expected)),
            "{expected}\nnot in:\n{stderr}"
        );
    }
    assert_eq!(lines.len(), 4, "one line per problem:\n{stderr}");
}

#[test]
fn a_duration_where_a_distribution_goes_is_explained_in_words() {
    let text = MMC.replace(
        "handle_time = { kind = \"exponential\", mean = \"5m\" }",
        "handle_time = \"5m\"",
    );
    let stderr = refused(&text);
    assert!(
        stderr.contains("channels.calls.handle_time: invalid type: string \"5m\", expected a distribution such as { kind = \"exponential\", mean = \"5m\" }"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("struct") && !stderr.contains("File"),
        "{stderr}"
    );
}

#[test]
fn misspelt_keys_and_names_get_a_suggestion() {
    let stderr = refused(&MMC.replace("warm_up = \"2h\"", "warmup = \"2h\""));
    assert!(
        stderr.contains("simulation.warmup: unknown field `warmup` (did you mean `warm_up`?)"),
        "{stderr}"
    );
    let stderr = refused(&MMC.replace("queues = [\"main\"]", "queues = [\"mian\"]"));
    assert!(
        stderr.contains("agent_groups.agents.queues[0]: unknown queue \"mian\" (did you mean \"main\"?) (known: \"main\")"),
        "{stderr}"
    );
    // Nothing close: no guess.
    let stderr = refused(&MMC.replace("queues = [\"main\"]", "queues = [\"billing\"]"));
    assert!(!stderr.contains("did you mean"), "{stderr}");
}

#[test]
fn a_missing_file_is_reported_once_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = routesim(&["run", "nowhere.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: nowhere.toml: cannot read the file: "),
        "{stderr}"
    );
    let reason = stderr.trim_end().rsplit(": ").next().unwrap();
    assert_eq!(
        stderr.matches(reason).count(),
        1,
        "the reason once: {stderr}"
    );
}

#[test]
fn a_name_that_is_not_a_bare_key_is_quoted_in_the_field_path() {
    // Unquoted, `channels.web.calls.handle_time` would name a field of a channel "web".
    let named = MMC
        .replace("[channels.calls]", "[channels.\"web.calls\"]")
        .replace("channels = [\"calls\"]", "channels = [\"web.calls\"]")
        .replace("[agent_groups.agents]", "[agent_groups.\"tier 1\"]");
    let stderr = refused(&named.replace("mean = \"5m\" }", "mean = \"5m\", bogus = 1 }"));
    assert!(
        stderr.contains("s.toml: channels.\"web.calls\".handle_time.bogus: unknown field `bogus`"),
        "{stderr}"
    );
    let stderr = refused(&named.replace("count = 50", "count = \"fifty\""));
    assert!(
        stderr.contains("s.toml: agent_groups.\"tier 1\".count: invalid type: string \"fifty\""),
        "{stderr}"
    );
    let stderr = refused(&named.replace("queues = [\"main\"]", "queues = [\"mian\"]"));
    assert!(
        stderr.contains("s.toml: agent_groups.\"tier 1\".queues[0]: unknown queue \"mian\""),
        "{stderr}"
    );
    // A syntax error has no parsed table to say where it is: the path comes from the text.
    let stderr = refused(&named.replace("count = 50", "count = = 50"));
    assert!(
        stderr.contains("s.toml: agent_groups.\"tier 1\".count: not valid TOML"),
        "{stderr}"
    );
    // Bare names are written as they are.
    let stderr = refused(&MMC.replace("count = 50", "count = = 50"));
    assert!(
        stderr.contains("s.toml: agent_groups.agents.count: not valid TOML"),
        "{stderr}"
    );
}
