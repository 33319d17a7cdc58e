//! The TOML scenario format and its validation into a model [`Scenario`].
//!
//! Reading happens in three steps, each with its own kind of error: the text must be TOML
//! (`Syntax`, with line and column), the TOML must have the shape of a scenario file (`Invalid`
//! with the field path, from serde), and the values must make sense together (`Invalid`, with
//! every problem found, each with its path). The model never sees this module.

mod file;
mod input;
pub mod limits;
pub(crate) mod path;
mod shape;
mod syntax;
mod units;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

pub use file::ScenarioFile;
pub use input::{open_regular_file, read_regular_file, read_regular_text};
pub use units::{parse_duration, parse_time_of_day};
pub use validate::{sharing_csv_reads, StaffingSpec, StaffingTarget, TargetScope};

use crate::model::Scenario;

/// The bundled default scenario, so that `routesim run` works with no file at hand.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.toml");
/// How the bundled default is named in messages and reports.
pub const DEFAULT_SCENARIO_ORIGIN: &str = "scenarios/default.toml";

/// One problem with a scenario, at a field path such as `workstreams.chat.routing[1].queue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

/// Why a scenario could not be loaded. Each message starts with the file name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read. The reason is the source, so that an error chain prints
    /// the operating system's words once.
    #[error("{file}: cannot read the file")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML; `message` holds the line and the column, `path` the
    /// field path where the error is in a value (`agent_groups.day.count`).
    #[error("{file}: {}not valid TOML: {message}", path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
    Syntax {
        file: String,
        path: Option<String>,
        message: String,
    },
    /// The TOML is not a valid scenario; every problem found is listed.
    #[error("{}", format_issues(file, issues))]
    Invalid { file: String, issues: Vec<Issue> },
}

impl ConfigError {
    /// The problems, for callers that want them one by one.
    pub fn issues(&self) -> &[Issue] {
        match self {
            ConfigError::Invalid { issues, .. } => issues,
            _ => &[],
        }
    }
}

fn format_issues(file: &str, issues: &[Issue]) -> String {
    let lines: Vec<String> = issues
        .iter()
        .map(|issue| format!("{file}: {issue}"))
        .collect();
    lines.join("\n")
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Where a scenario's text came from: its name in messages, and the folder that relative CSV
/// paths are read from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub base_dir: PathBuf,
}

impl Origin {
    pub fn of_path(path: &Path) -> Origin {
        Origin {
            file: path.display().to_string(),
            base_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }

    /// The name of the scenario when the file does not give one: the file stem.
    pub fn default_name(&self) -> String {
        Path::new(&self.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    }
}

/// Reads and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, ConfigError> {
    let origin = Origin::of_path(path);
    let text = read_regular_text(path, limits::MAX_SCENARIO_BYTES).map_err(|source| {
        ConfigError::Read {
            file: origin.file.clone(),
            source,
        }
    })?;
    parse_scenario(&text, &origin)
}

/// The bundled default scenario.
pub fn default_scenario() -> Result<Scenario, ConfigError> {
    let origin = Origin {
        file: DEFAULT_SCENARIO_ORIGIN.to_string(),
        base_dir: PathBuf::from("scenarios"),
    };
    parse_scenario(DEFAULT_SCENARIO, &origin)
}

/// Parses TOML text into a table, the form sweeps edit before validation.
pub fn parse_table(text: &str, origin: &Origin) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>()
        .map_err(|e| ConfigError::Syntax {
            file: origin.file.clone(),
            path: e
                .span()
                .and_then(|span| syntax::field_path_at(text, span.start)),
            message: syntax_message(&e),
        })
}

/// The parser's message, with an integer beyond TOML's range said in words (the parser's own
/// words name an `i128`).
fn syntax_message(error: &toml::de::Error) -> String {
    let mut message = error.to_string().trim().to_string();
    if let Some(start) = message.find("invalid type: integer `") {
        if let Some(end) = message[start..].find("expected any valid TOML value") {
            let number = message[start + "invalid type: integer ".len()..]
                .split('`')
                .nth(1)
                .unwrap_or_default()
                .to_string();
            message.replace_range(
                start..start + end + "expected any valid TOML value".len(),
                &format!(
                    "the integer {number} is beyond TOML's range ({} to {})",
                    i64::MIN,
                    i64::MAX
                ),
            );
        }
    }
    message
}

pub fn parse_scenario(text: &str, origin: &Origin) -> Result<Scenario, ConfigError> {
    scenario_from_table(parse_table(text, origin)?, origin)
}

/// Validates a TOML table (parsed, possibly edited by a sweep) into a scenario.
pub fn scenario_from_table(table: toml::Table, origin: &Origin) -> Result<Scenario, ConfigError> {
    Ok(scenario_and_staffing_from_table(table, origin)?.0)
}

/// Validates a TOML table into a scenario and its `[staffing]` targets, if it has them.
pub fn scenario_and_staffing_from_table(
    table: toml::Table,
    origin: &Origin,
) -> Result<(Scenario, Option<StaffingSpec>), ConfigError> {
    let file = scenario_file_from_table(table, origin)?;
    validate::Validator::new(&origin.base_dir)
        .validate(file, &origin.default_name())
        .map_err(|issues| ConfigError::Invalid {
            file: origin.file.clone(),
            issues,
        })
}

/// Reads and validates a scenario file with its `[staffing]` targets (`None` when it has no
/// `[staffing]` table). `None` for `path` reads the bundled default.
pub fn load_scenario_and_staffing(
    path: Option<&Path>,
) -> Result<(Scenario, Option<StaffingSpec>), ConfigError> {
    let (text, origin) = match path {
        Some(path) => {
            let origin = Origin::of_path(path);
            let text = read_regular_text(path, limits::MAX_SCENARIO_BYTES).map_err(|source| {
                ConfigError::Read {
                    file: origin.file.clone(),
                    source,
                }
            })?;
            (text, origin)
        }
        None => (
            DEFAULT_SCENARIO.to_string(),
            Origin {
                file: DEFAULT_SCENARIO_ORIGIN.to_string(),
                base_dir: PathBuf::from("scenarios"),
            },
        ),
    };
    scenario_and_staffing_from_table(parse_table(&text, &origin)?, &origin)
}

/// The file's raw shape, for callers that read the `[sweep]` or `[check]` tables. On a shape
/// error, every section and entity is read again on its own, so that each one's error is
/// reported, not the first only.
pub fn scenario_file_from_table(
    table: toml::Table,
    origin: &Origin,
) -> Result<ScenarioFile, ConfigError> {
    let copy = table.clone();
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|error| {
        let mut issues = shape::shape_issues(&copy);
        if issues.is_empty() {
            issues.push(shape::issue_of("", error));
        }
        let issues = issues
            .into_iter()
            .map(|issue| {
                let (path, message) = missing_field_at_its_path(issue.path, issue.message);
                Issue { path, message }
            })
            .collect();
        ConfigError::Invalid {
            file: origin.file.clone(),
            issues,
        }
    })
}

/// serde reports a missing field at its parent (`missing field \`simulation\`` at the top);
/// name the field itself, as every other message does.
fn missing_field_at_its_path(path: String, message: String) -> (String, String) {
    let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    else {
        return (path, message);
    };
    let full = if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    };
    let message = match (path.is_empty(), field) {
        (true, "simulation") => {
            "missing: a scenario needs a [simulation] table (with at least `horizon`)".to_string()
        }
        (true, "channels" | "workstreams" | "queues" | "agent_groups") => {
            format!("missing: a scenario needs at least one [{field}.<name>] table")
        }
        _ => "missing: this field is required".to_string(),
    };
    (full, message)
}

#[cfg(test)]
mod tests;
