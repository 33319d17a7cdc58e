//! Shape errors of a scenario file in a planner's words: every section and entity is read on
//! its own so that one run reports each table's shape error (serde stops at the first error of
//! a value), Rust type names in serde's messages become words, and a misspelt key gets a
//! "did you mean".

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use super::file::{
    AgentGroupFile, CapacityProfileFile, ChannelFile, QueueFile, SimulationFile, StaffingFile,
    WorkstreamFile,
};
use super::validate::suggest::closest_or_prefix;
use super::{path, Issue};

/// The top-level keys of a scenario file, and whether each is required.
const TOP_LEVEL: [(&str, bool); 11] = [
    ("name", false),
    ("description", false),
    ("simulation", true),
    ("channels", true),
    ("workstreams", true),
    ("queues", true),
    ("agent_groups", true),
    ("capacity_profiles", false),
    ("sweep", false),
    ("check", false),
    ("staffing", false),
];

/// Every shape error of the file, section by section and entity by entity (each at most one,
/// as serde reports it). Called once the file as a whole failed to deserialize.
pub(super) fn shape_issues(table: &toml::Table) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (key, value) in table {
        match key.as_str() {
            "name" | "description" => {
                if !value.is_str() {
                    issues.push(Issue {
                        path: key.clone(),
                        message: format!("expected text, got {}", type_words(value)),
                    });
                }
            }
            "simulation" => issues.extend(read_as::<SimulationFile>(key, value)),
            "channels" => issues.extend(entities::<ChannelFile>(key, value)),
            "workstreams" => issues.extend(entities::<WorkstreamFile>(key, value)),
            "queues" => issues.extend(entities::<QueueFile>(key, value)),
            "agent_groups" => issues.extend(entities::<AgentGroupFile>(key, value)),
            "capacity_profiles" => issues.extend(entities::<CapacityProfileFile>(key, value)),
            "staffing" => issues.extend(read_as::<StaffingFile>(key, value)),
            "sweep" | "check" => {}
            other => {
                let names = TOP_LEVEL.iter().map(|(name, _)| *name);
                let hint = closest_or_prefix(other, names)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                let known: Vec<String> = TOP_LEVEL
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect();
                issues.push(Issue {
                    path: String::new(),
                    message: format!(
                        "unknown field `{other}`{hint}, expected one of {}",
                        known.join(", ")
                    ),
                });
            }
        }
    }
    for (key, required) in TOP_LEVEL {
        if required && !table.contains_key(key) {
            issues.push(Issue {
                path: String::new(),
                message: format!("missing field `{key}`"),
            });
        }
    }
    issues
}

/// Each entry of an entity table (`[channels.<name>]`) read on its own.
fn entities<T: DeserializeOwned>(key: &str, value: &toml::Value) -> Vec<Issue> {
    let Some(table) = value.as_table() else {
        return vec![Issue {
            path: key.to_string(),
            message: format!(
                "expected a table of named entries (`[{key}.<name>]`), got {}",
                type_words(value)
            ),
        }];
    };
    table
        .iter()
        .flat_map(|(name, entry)| read_as::<T>(&path::join(key, name), entry))
        .collect()
}

fn read_as<T: DeserializeOwned>(path: &str, value: &toml::Value) -> Option<Issue> {
    let error = serde_path_to_error::deserialize::<_, T>(value.clone()).err()?;
    Some(issue_of(path, error))
}

/// An issue from serde's error, at `prefix` + the error's own path.
pub(super) fn issue_of(prefix: &str, error: serde_path_to_error::Error<toml::de::Error>) -> Issue {
    let mut path = prefix.to_string();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => path.push_str(&format!("[{index}]")),
            Segment::Map { key } => path = path::join(&path, key),
            Segment::Enum { variant } => path = path::join(&path, variant),
            Segment::Unknown if path.is_empty() => path.push('?'),
            Segment::Unknown => path.push_str(".?"),
        }
    }
    let message = in_words(error.into_inner().message().trim());
    Issue { path, message }
}

/// serde's message with Rust type names turned into words and a "did you mean" for an
/// unknown field.
pub(super) fn in_words(message: &str) -> String {
    let mut text = message.to_string();
    for (rust, words) in [
        (
            "expected struct DistributionFile",
            "expected a distribution such as { kind = \"exponential\", mean = \"5m\" } or { kind = \"constant\", value = \"10m\" }",
        ),
        (
            "expected struct ArrivalsFile",
            "expected arrivals such as { per_hour = 60 }, { counts_per_interval = [...] } or { csv = \"history.csv\", column = \"chat\", counts = true }",
        ),
        ("expected struct ShiftFile", "expected a shift such as { start = \"08:00\", end = \"16:30\" }"),
        ("expected struct BreakFile", "expected a break such as { start = \"12:00\", end = \"12:30\" }"),
        ("expected struct HoursFile", "expected hours such as { start = \"08:00\", end = \"20:00\" }"),
        ("expected struct ServiceLevelFile", "expected a goal such as { threshold = \"20s\", target = 0.8 }"),
        ("expected struct ConditionFile", "expected a condition such as { variable = \"language\", equals = \"fr\" }"),
        ("expected struct SplitFile", "expected a split such as { queue = \"english\", percent = 60 }"),
    ] {
        text = text.replace(rust, words);
    }
    if let Some(start) = text.find("expected struct ") {
        let rest = &text[start + "expected struct ".len()..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches("File");
        text = format!(
            "{}expected a table ({}){}",
            &text[..start],
            words_of_type_name(name),
            &rest[end..]
        );
    }
    for (rust, words) in [
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected u32", "expected a whole number of zero or more"),
        ("expected u64", "expected a whole number of zero or more"),
        ("expected usize", "expected a whole number of zero or more"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list [...]"),
        ("expected a map", "expected a table { ... }"),
    ] {
        text = text.replace(rust, words);
    }
    did_you_mean_field(&text).unwrap_or(text)
}

/// `AgentNotifications` → `agent notifications`.
fn words_of_type_name(name: &str) -> String {
    let mut words = String::new();
    for (idx, c) in name.chars().enumerate() {
        if c.is_uppercase() && idx > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// serde's "unknown field `x`, expected one of `a`, `b`" with the likely intended key named.
fn did_you_mean_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = closest_or_prefix(field, known.iter().copied())?;
    Some(format!(
        "unknown field `{field}` (did you mean `{best}`?){rest}"
    ))
}

fn type_words(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "text",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_type_names_become_words() {
        assert_eq!(
            in_words("invalid type: string \"x\", expected i64"),
            "invalid type: string \"x\", expected a whole number"
        );
        let text = in_words("invalid type: string \"10m\", expected struct DistributionFile");
        assert!(
            text.starts_with("invalid type: string \"10m\", expected a distribution such as"),
            "{text}"
        );
        assert!(!text.contains("struct"), "{text}");
        let text = in_words("invalid type: integer `3`, expected struct AgentNotificationsFile");
        assert_eq!(
            text,
            "invalid type: integer `3`, expected a table (agent notifications)"
        );
    }

    #[test]
    fn an_unknown_field_names_the_likely_intended_one() {
        assert_eq!(
            in_words("unknown field `horizn`, expected one of `horizon`, `warm_up`, `seed`"),
            "unknown field `horizn` (did you mean `horizon`?), expected one of `horizon`, `warm_up`, `seed`"
        );
        assert_eq!(
            in_words("unknown field `zzz`, expected one of `horizon`, `warm_up`"),
            "unknown field `zzz`, expected one of `horizon`, `warm_up`"
        );
    }
}
