//! The scenario hash that a baseline records, so a check can say "the scenario changed since
//! the baseline" (which is expected: a policy change is the point of a check).
//!
//! The hash is FNV-1a 64 over a canonical text of the parsed TOML table: keys sorted, values
//! written one way, comments and whitespace gone, and the `[check]` and `[sweep]` tables left
//! out because they do not change what a single run simulates. FNV-1a is not cryptographic; it
//! only has to notice edits, and it is ten lines with no dependency. It does not read the CSV
//! files a scenario refers to: an edited arrivals CSV leaves the hash unchanged.

use std::fmt;

/// Top-level tables that do not change a run.
const IGNORED_TABLES: [&str; 3] = ["check", "staffing", "sweep"];

/// A 64-bit FNV-1a hash of a scenario's canonical text, shown as `fnv1a64:0123456789abcdef`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioHash(pub u64);

impl ScenarioHash {
    pub fn of_table(table: &toml::Table) -> ScenarioHash {
        ScenarioHash(fnv1a64(canonical_text(table).as_bytes()))
    }

    /// Reads the `fnv1a64:<16 hex digits>` form.
    pub fn parse(text: &str) -> Option<ScenarioHash> {
        let hex = text.strip_prefix("fnv1a64:")?;
        if hex.len() != 16 {
            return None;
        }
        u64::from_str_radix(hex, 16).ok().map(ScenarioHash)
    }
}

impl fmt::Display for ScenarioHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fnv1a64:{:016x}", self.0)
    }
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a64::new();
    hash.write(bytes);
    hash.finish()
}

/// FNV-1a 64 fed piece by piece (the baseline's checksum over its rows).
#[derive(Debug, Clone, Copy)]
pub(super) struct Fnv1a64(u64);

impl Fnv1a64 {
    pub(super) fn new() -> Fnv1a64 {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }

    pub(super) fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(super) fn finish(self) -> u64 {
        self.0
    }
}

/// The scenario's canonical text: the table without the ignored tables, keys in sorted order,
/// in a JSON-like form that does not depend on the `toml` crate's formatting.
pub fn canonical_text(table: &toml::Table) -> String {
    let mut out = String::new();
    let mut keys: Vec<&String> = table
        .keys()
        .filter(|k| !IGNORED_TABLES.contains(&k.as_str()))
        .collect();
    keys.sort();
    write_table(&mut out, keys.into_iter().map(|k| (k, &table[k])));
    out
}

fn write_table<'a>(out: &mut String, entries: impl Iterator<Item = (&'a String, &'a toml::Value)>) {
    out.push('{');
    for (idx, (key, value)) in entries.enumerate() {
        if idx > 0 {
            out.push(',');
        }
        out.push_str(&format!("{key:?}:"));
        write_value(out, value);
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &toml::Value) {
    match value {
        toml::Value::String(text) => out.push_str(&format!("{text:?}")),
        toml::Value::Integer(number) => out.push_str(&number.to_string()),
        // `{:?}` always shows a decimal point or exponent, so 1.0 and the integer 1 differ as
        // they do in TOML.
        toml::Value::Float(number) => out.push_str(&format!("{number:?}")),
        toml::Value::Boolean(flag) => out.push_str(if *flag { "true" } else { "false" }),
        toml::Value::Datetime(datetime) => out.push_str(&format!("d{datetime}")),
        toml::Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        toml::Value::Table(table) => {
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            write_table(out, keys.into_iter().map(|k| (k, &table[k])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str) -> ScenarioHash {
        ScenarioHash::of_table(&text.parse::<toml::Table>().unwrap())
    }

    const BASE: &str = "name = \"x\"\n[simulation]\nhorizon = \"8h\"\n[agent_groups.a]\ncount = 5\nqueues = [\"q\"]\n";

    #[test]
    fn layout_comments_key_order_and_the_check_table_do_not_change_the_hash() {
        let same = [
            "# a comment\nname=\"x\"\n\n[agent_groups.a]\nqueues=[ \"q\" ]\ncount=5\n[simulation]\nhorizon=\"8h\"  # day\n",
            "name = \"x\"\nsimulation = { horizon = \"8h\" }\nagent_groups.a = { count = 5, queues = [\"q\"] }\n",
            &format!("{BASE}[check]\nreplications = 30\n[[check.guard]]\nmeasure = \"asa_s\"\n"),
        ];
        for text in same {
            assert_eq!(hash(text), hash(BASE), "{text}");
        }
    }

    #[test]
    fn any_setting_change_changes_the_hash() {
        for text in [
            BASE.replace("count = 5", "count = 4"),
            BASE.replace("count = 5", "count = 5.0"),
            BASE.replace("\"8h\"", "\"9h\""),
            BASE.replace("[\"q\"]", "[\"q\", \"r\"]"),
            format!("{BASE}capacity_units = 2\n"),
        ] {
            assert_ne!(hash(&text), hash(BASE), "{text}");
        }
    }

    #[test]
    fn fnv1a_matches_its_published_test_vectors_and_the_display_form_round_trips() {
        // From the FNV reference test suite (Noll): "" and "a".
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let hash = hash(BASE);
        assert_eq!(ScenarioHash::parse(&hash.to_string()), Some(hash));
        assert_eq!(ScenarioHash::parse("fnv1a64:12"), None);
        assert_eq!(ScenarioHash::parse("md5:0123456789abcdef"), None);
    }
}
