//! Field paths of a scenario file (`agent_groups.tier1.count`, `workstreams.chat.routing[1].queue`):
//! parsing, checking against the scenario's table, and reading or replacing the value there.

use super::*;
use crate::config::path::Segment;

/// A field of the scenario file, such as `agent_groups.tier1.count` or
/// `workstreams.chat.routing[1].queue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    text: String,
    segments: Vec<Segment>,
}

impl FieldPath {
    /// Reads `text`: names joined by dots, a name not bare in TOML quoted as the file quotes
    /// it (`agent_groups."tier.1".count`), list indices in brackets.
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        Ok(FieldPath {
            text: text.to_string(),
            segments: crate::config::path::split(text)?,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub(super) fn first_key(&self) -> &str {
        match &self.segments[0] {
            Segment::Key(key) => key,
            Segment::Index(_) => "",
        }
    }

    /// Sets the field to `value` in `table`. Every table and list on the way must exist, so a
    /// misspelt group or queue name is reported here; the last name may be new (an optional
    /// field the scenario leaves out), and validation rejects it if no such field exists.
    pub fn set(&self, table: &mut Table, value: Value) -> Result<(), String> {
        let mut current: &mut Value = match &self.segments[0] {
            Segment::Key(key) if self.segments.len() == 1 => {
                table.insert(key.clone(), value);
                return Ok(());
            }
            Segment::Key(key) => {
                let keys: Vec<String> = table.keys().cloned().collect();
                table
                    .get_mut(key)
                    .ok_or_else(|| missing(key, "the scenario", keys.iter()))?
            }
            Segment::Index(_) => unreachable!("parse starts every path with a name"),
        };
        let mut walked = crate::config::path::key(self.first_key()).into_owned();
        let last = self.segments.len() - 1;
        for (position, segment) in self.segments.iter().enumerate().skip(1) {
            match (segment, current) {
                (Segment::Key(key), Value::Table(inner)) => {
                    if position == last {
                        inner.insert(key.clone(), value);
                        return Ok(());
                    }
                    let keys: Vec<String> = inner.keys().cloned().collect();
                    current = inner
                        .get_mut(key)
                        .ok_or_else(|| missing(key, &format!("`{walked}`"), keys.iter()))?;
                    walked = crate::config::path::join(&walked, key);
                }
                (Segment::Index(index), Value::Array(items)) => {
                    let len = items.len();
                    let item = items.get_mut(*index).ok_or_else(|| {
                        format!("`{walked}` has {len} entries, so there is no [{index}]")
                    })?;
                    if position == last {
                        *item = value;
                        return Ok(());
                    }
                    current = item;
                    walked = format!("{walked}[{index}]");
                }
                (Segment::Key(_), other) => {
                    return Err(format!(
                        "`{walked}` is {}, not a table with named fields",
                        describe(other)
                    ));
                }
                (Segment::Index(_), other) => {
                    return Err(format!("`{walked}` is {}, not a list", describe(other)))
                }
            }
        }
        unreachable!("the loop returns at the last segment")
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

pub(super) fn missing<'a>(
    key: &str,
    container: &str,
    known: impl Iterator<Item = &'a String>,
) -> String {
    let known: Vec<&str> = known.map(String::as_str).collect();
    if known.is_empty() {
        format!("{container} has no `{key}`")
    } else {
        format!("{container} has no `{key}` (it has: {})", known.join(", "))
    }
}

pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the text \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
        other => format!("the value {other}"),
    }
}
