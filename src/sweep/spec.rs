//! Sweep specs: which scenario fields vary, over which values, how many replications, and
//! which point the others are compared with. A spec is either a `[sweep]` table inside a
//! scenario file or a file of its own that names its scenario (`scenario = "default.toml"`).
//!
//! A point is made by editing the parsed TOML table of the scenario at each swept field path
//! and then validating the edited table like any scenario file, so every scenario error message
//! applies to swept values too, prefixed with the point it comes from. This file knows nothing
//! about what a field means; it does not run simulations or touch the disk beyond reading the
//! spec and its scenario.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::SweepError;
use crate::config::{self, ConfigError, Issue, Origin};
use crate::model::Scenario;

/// Replications per point when the spec does not say.
pub const DEFAULT_REPLICATIONS: u32 = 10;

mod field_path;

use field_path::describe;
pub use field_path::FieldPath;

/// More points than this is a mistake in the spec (a range with a tiny step), not a sweep.
const MAX_POINTS: usize = 100_000;

/// A value as it appears in labels and CSV cells: text without quotes, numbers as written,
/// anything else in TOML inline form.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// One swept field and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub path: FieldPath,
    pub values: Vec<Value>,
}

/// A named set of field values, crossed with the grid of axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub set: Vec<(FieldPath, Value)>,
}

/// What the outputs need to know about the points, without the scenarios: enough for `merge`
/// to rebuild the tables from partial results, and written next to them for that reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepLayout {
    /// Identifies the sweep: a hash of every point's scenario, the seeds and the replications.
    pub fingerprint: String,
    /// The scenario's name.
    pub scenario: String,
    /// The swept field paths, one output column each.
    pub axes: Vec<String>,
    /// Whether the spec has named variants (an output column).
    pub has_variants: bool,
    pub points: Vec<PointLabel>,
    /// The point the others are compared with.
    pub reference: usize,
    pub replications: u32,
    /// Text, because TOML integers stop at 2^63.
    pub base_seed: String,
    /// The reference point's service-level goal (a fraction, as text like `base_seed`), for
    /// the target lines of the report; absent in manifests written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level_target: Option<String>,
}

/// How one point is named in the outputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointLabel {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// One cell per axis, in axis order.
    pub values: Vec<String>,
}

impl SweepLayout {
    pub fn base_seed(&self) -> u64 {
        self.base_seed.parse().unwrap_or_default()
    }

    pub fn n_pairs(&self) -> usize {
        self.points.len() * self.replications as usize
    }

    /// The reference point's service-level goal, if the layout holds it.
    pub fn service_level_target(&self) -> Option<f64> {
        self.service_level_target.as_deref()?.parse().ok()
    }
}

/// A sweep ready to run: its layout and one validated scenario per point.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub layout: SweepLayout,
    pub scenarios: Vec<Scenario>,
}

/// Settings the command line may change.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpecOverrides {
    pub replications: Option<u32>,
}

/// Reads a sweep spec (a scenario with a `[sweep]` table, a scenario without one — a single
/// point — or a spec file naming its scenario) and builds every point.
pub fn load_sweep(path: &Path, overrides: SpecOverrides) -> Result<Sweep, SweepError> {
    let origin = Origin::of_path(path);
    let text =
        config::read_regular_text(path, config::limits::MAX_SCENARIO_BYTES).map_err(|source| {
            ConfigError::Read {
                file: origin.file.clone(),
                source,
            }
        })?;
    sweep_from_text(&text, &origin, overrides)
}

/// As [`load_sweep`], from text. Every point is validated from the same table, so CSV inputs
/// are read once for all of them (and the points share what was read).
pub fn sweep_from_text(
    text: &str,
    origin: &Origin,
    overrides: SpecOverrides,
) -> Result<Sweep, SweepError> {
    config::sharing_csv_reads(|| sweep_from_text_once(text, origin, overrides))
}

fn sweep_from_text_once(
    text: &str,
    origin: &Origin,
    overrides: SpecOverrides,
) -> Result<Sweep, SweepError> {
    let mut table = config::parse_table(text, origin)?;
    let (mut scenario_table, scenario_origin, sweep_value) = match table.remove("scenario") {
        Some(Value::String(scenario_path)) => {
            let extra: Vec<Issue> = table
                .keys()
                .filter(|key| key.as_str() != "sweep")
                .map(|key| Issue { path: key.clone(), message: "unknown key: a sweep file holds `scenario = \"file.toml\"` and a `[sweep]` table; scenario fields go in the scenario file or in the sweep's axes".into() })
                .collect();
            if !extra.is_empty() {
                return Err(ConfigError::Invalid {
                    file: origin.file.clone(),
                    issues: extra,
                }
                .into());
            }
            let scenario_path = origin.base_dir.join(&scenario_path);
            let scenario_origin = Origin::of_path(&scenario_path);
            // The spec's own field names what could not be read (the path may be a typo).
            let scenario_text =
                config::read_regular_text(&scenario_path, config::limits::MAX_SCENARIO_BYTES)
                    .map_err(|source| ConfigError::Invalid {
                        file: origin.file.clone(),
                        issues: vec![Issue {
                            path: "scenario".into(),
                            message: format!(
                                "cannot read the scenario file {}: {source}",
                                scenario_origin.file
                            ),
                        }],
                    })?;
            let mut scenario_table = config::parse_table(&scenario_text, &scenario_origin)?;
            // The spec file's sweep is the one that runs; a `[sweep]` in the scenario is ignored.
            scenario_table.remove("sweep");
            (scenario_table, scenario_origin, table.remove("sweep"))
        }
        Some(other) => {
            let issue = Issue {
                path: "scenario".into(),
                message: format!(
                    "expected the path of a scenario file as text, found {}",
                    describe(&other)
                ),
            };
            return Err(ConfigError::Invalid {
                file: origin.file.clone(),
                issues: vec![issue],
            }
            .into());
        }
        None => {
            let sweep = table.remove("sweep");
            (table, origin.clone(), sweep)
        }
    };
    scenario_table.remove("sweep");
    let base = config::scenario_from_table(scenario_table.clone(), &scenario_origin)?;
    let unknown_field = |path: &FieldPath, value: &Value| {
        unknown_field(&scenario_table, &scenario_origin, path, value)
    };
    let spec = parse_spec(
        sweep_value,
        &scenario_table,
        base.simulation.seed,
        overrides,
        &unknown_field,
    )
    .map_err(|issues| ConfigError::Invalid {
        file: origin.file.clone(),
        issues,
    })?;
    build(spec, &scenario_table, &scenario_origin, origin, &base.name)
}

/// Whether setting `path` makes the scenario name a field it does not have (a misspelt last
/// segment, which `checked_path` cannot see because optional fields may be absent). Checked
/// per path on the base scenario so that every misspelt path is listed, at its place in the
/// spec, rather than only the first one that stops the first point.
fn unknown_field(
    scenario: &Table,
    origin: &Origin,
    path: &FieldPath,
    value: &Value,
) -> Option<String> {
    let mut table = scenario.clone();
    path.set(&mut table, value.clone()).ok()?;
    let error = config::scenario_from_table(table, origin).err()?;
    error
        .issues()
        .iter()
        .find(|issue| issue.path == path.as_str() && issue.message.starts_with("unknown field"))
        .map(|issue| format!("{} (in {})", issue.message, origin.file))
}

/// The `[sweep]` table, checked.
struct Spec {
    replications: u32,
    base_seed: u64,
    axes: Vec<Axis>,
    variants: Vec<Variant>,
    reference: Option<Value>,
}

fn parse_spec(
    value: Option<Value>,
    scenario: &Table,
    default_seed: u64,
    overrides: SpecOverrides,
    unknown_field: &dyn Fn(&FieldPath, &Value) -> Option<String>,
) -> Result<Spec, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut issue = |path: &str, message: String| {
        issues.push(Issue {
            path: path.to_string(),
            message,
        })
    };
    let mut table = match value {
        None => Table::new(),
        Some(Value::Table(table)) => table,
        Some(other) => {
            issue(
                "sweep",
                format!("expected a table, found {}", describe(&other)),
            );
            return Err(issues);
        }
    };

    let replications = match table.remove("replications") {
        None => DEFAULT_REPLICATIONS,
        Some(Value::Integer(n)) if (1..=i64::from(u32::MAX)).contains(&n) => n as u32,
        Some(other) => {
            issue(
                "sweep.replications",
                format!(
                    "expected a whole number of at least 1, found {}",
                    describe(&other)
                ),
            );
            DEFAULT_REPLICATIONS
        }
    };
    let replications = overrides.replications.unwrap_or(replications);
    if replications == 0 {
        issue(
            "sweep.replications",
            "replications must be at least 1".into(),
        );
    }
    let base_seed = match table.remove("base_seed") {
        None => default_seed,
        Some(Value::Integer(n)) if n >= 0 => n as u64,
        Some(other) => {
            issue(
                "sweep.base_seed",
                format!(
                    "expected a whole number of at least 0, found {}",
                    describe(&other)
                ),
            );
            default_seed
        }
    };

    let mut axes = Vec::new();
    match table.remove("axes") {
        None => {}
        Some(Value::Table(axes_table)) => {
            let mut leaves = Vec::new();
            flatten_axes("", axes_table, &mut leaves);
            for (path_text, leaf) in leaves {
                let at = format!("sweep.axes.{path_text}");
                let values = match leaf {
                    Value::Array(values) if values.is_empty() => {
                        issue(&at, "an axis needs at least one value".into());
                        continue;
                    }
                    Value::Array(values) => values,
                    Value::Table(range) => match range_values(&range) {
                        Ok(values) => values,
                        Err(message) => {
                            issue(&at, message);
                            continue;
                        }
                    },
                    other => {
                        issue(&at, format!("expected a list of values such as [20, 22, 24] or a range such as {{ from = 20, to = 24, step = 2 }}, found {}", describe(&other)));
                        continue;
                    }
                };
                match checked_path(&path_text, scenario) {
                    Ok(path) => match values.first().and_then(|v| unknown_field(&path, v)) {
                        Some(message) => issue(&at, message),
                        None => axes.push(Axis { path, values }),
                    },
                    Err(message) => issue(&at, message),
                }
            }
        }
        Some(other) => issue(
            "sweep.axes",
            format!(
                "expected a table of field paths, found {}",
                describe(&other)
            ),
        ),
    }

    let mut variants: Vec<Variant> = Vec::new();
    match table.remove("variants") {
        None => {}
        Some(Value::Array(items)) => {
            for (idx, item) in items.into_iter().enumerate() {
                let at = format!("sweep.variants[{idx}]");
                let Value::Table(mut item) = item else {
                    issue(&at, "expected a table with `name` and `set`".into());
                    continue;
                };
                let name = match item.remove("name") {
                    Some(Value::String(name)) if !name.is_empty() => name,
                    Some(other) => {
                        issue(
                            &format!("{at}.name"),
                            format!("expected a non-empty name, found {}", describe(&other)),
                        );
                        continue;
                    }
                    None => {
                        issue(&format!("{at}.name"), "every variant needs a name".into());
                        continue;
                    }
                };
                if variants.iter().any(|v| v.name == name) {
                    issue(
                        &format!("{at}.name"),
                        format!("variant \"{name}\" is named twice"),
                    );
                }
                let mut set = Vec::new();
                match item.remove("set") {
                    None => {}
                    Some(Value::Table(fields)) => {
                        let mut leaves = Vec::new();
                        flatten_fields("", fields, &mut leaves);
                        for (path_text, value) in leaves {
                            let at = format!("{at}.set.{path_text}");
                            match checked_path(&path_text, scenario) {
                                Ok(path) => match unknown_field(&path, &value) {
                                    Some(message) => issue(&at, message),
                                    None => set.push((path, value)),
                                },
                                Err(message) => issue(&at, message),
                            }
                        }
                    }
                    Some(other) => issue(
                        &format!("{at}.set"),
                        format!(
                            "expected a table of field paths and values, found {}",
                            describe(&other)
                        ),
                    ),
                }
                for key in item.keys() {
                    issue(
                        &crate::config::path::join(&at, key),
                        "unknown key (a variant has `name` and `set`)".into(),
                    );
                }
                variants.push(Variant { name, set });
            }
        }
        Some(other) => issue(
            "sweep.variants",
            format!(
                "expected a list of tables ([[sweep.variants]]), found {}",
                describe(&other)
            ),
        ),
    }

    let reference = table.remove("reference");
    for key in table.keys() {
        issue(
            &crate::config::path::join("sweep", key),
            "unknown key (expected replications, base_seed, axes, variants or reference)".into(),
        );
    }
    let n_points = axes
        .iter()
        .map(|a| a.values.len())
        .product::<usize>()
        .saturating_mul(variants.len().max(1));
    if n_points > MAX_POINTS {
        issue("sweep.axes", format!("the sweep has {n_points} points, more than the {MAX_POINTS} allowed; check the ranges' steps"));
    }
    if issues.is_empty() {
        Ok(Spec {
            replications,
            base_seed,
            axes,
            variants,
            reference,
        })
    } else {
        Err(issues)
    }
}

/// Axis leaves are lists, or tables with `from` (ranges); any other table is a level of the
/// path, so both `"agent_groups.tier1.count" = [...]` and dotted keys work.
fn flatten_axes(prefix: &str, table: Table, out: &mut Vec<(String, Value)>) {
    flatten(prefix, table, out, &|inner| !inner.contains_key("from"));
}

/// In a variant's `set`, every non-table value is a field's value; tables are path levels.
fn flatten_fields(prefix: &str, table: Table, out: &mut Vec<(String, Value)>) {
    flatten(prefix, table, out, &|_| true);
}

/// Collects `(dotted path, leaf)` pairs, descending into the tables `is_level` accepts.
fn flatten(
    prefix: &str,
    table: Table,
    out: &mut Vec<(String, Value)>,
    is_level: &dyn Fn(&Table) -> bool,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Table(inner) if is_level(&inner) => flatten(&path, inner, out, is_level),
            leaf => out.push((path, leaf)),
        }
    }
}

fn checked_path(text: &str, scenario: &Table) -> Result<FieldPath, String> {
    let path = FieldPath::parse(text)?;
    match path.first_key() {
        "sweep" | "check" => return Err("the sweep's own settings cannot be swept".into()),
        _ if text == "simulation.seed" => {
            return Err("the seed cannot be swept: replication r of every point uses the same seed (common random numbers); set sweep.base_seed instead".into())
        }
        _ => {}
    }
    // Reports a misspelt name once, here, instead of once per point; the value is a stand-in.
    path.set(&mut scenario.clone(), Value::Boolean(false))?;
    Ok(path)
}

/// `{ from, to, step }`, both ends included; whole numbers stay whole.
fn range_values(range: &Table) -> Result<Vec<Value>, String> {
    for key in range.keys() {
        if !matches!(key.as_str(), "from" | "to" | "step") {
            return Err(format!(
                "unknown key `{key}` in a range (expected from, to, step)"
            ));
        }
    }
    let field = |key: &str| {
        range
            .get(key)
            .ok_or_else(|| format!("a range needs `from`, `to` and `step`; `{key}` is missing"))
    };
    let (from, to, step) = (field("from")?, field("to")?, field("step")?);
    match (from, to, step) {
        (Value::Integer(from), Value::Integer(to), Value::Integer(step)) => {
            if *step <= 0 {
                return Err(format!("step must be above 0, found {step}"));
            }
            if to < from {
                return Err(format!("`to` ({to}) is below `from` ({from})"));
            }
            // In i128: `to - from` overflows i64 for ranges spanning most of it.
            let count = (i128::from(*to) - i128::from(*from)) / i128::from(*step) + 1;
            if count > MAX_POINTS as i128 {
                return Err(format!(
                    "the range has {count} values, more than the {MAX_POINTS} allowed"
                ));
            }
            Ok((0..count as i64)
                .map(|i| Value::Integer(from + i * step))
                .collect())
        }
        _ => {
            let number = |value: &Value, key: &str| match value {
                Value::Integer(i) => Ok(*i as f64),
                Value::Float(x) if x.is_finite() => Ok(*x),
                other => Err(format!(
                    "`{key}` must be a number, found {}",
                    describe(other)
                )),
            };
            let (from, to, step) = (
                number(from, "from")?,
                number(to, "to")?,
                number(step, "step")?,
            );
            if step <= 0.0 {
                return Err(format!("step must be above 0, found {step}"));
            }
            if to < from {
                return Err(format!("`to` ({to}) is below `from` ({from})"));
            }
            // The tolerance keeps `to` in the range when (to - from) / step is whole but the
            // division rounds just below it.
            // Counted in floating point first: a huge range (even an infinite count) must be
            // refused, not overflow.
            let steps = ((to - from) / step + 1e-9).floor();
            if steps + 1.0 > MAX_POINTS as f64 {
                return Err(format!(
                    "the range has {} values, more than the {MAX_POINTS} allowed",
                    steps + 1.0
                ));
            }
            let count = steps as usize + 1;
            // Rounded to 12 significant digits so that 0.1 + 2 x 0.2 is 0.5 in labels and in
            // the scenario, not 0.5000000000000001.
            Ok((0..count)
                .map(|i| {
                    let value = from + i as f64 * step;
                    Value::Float(format!("{value:.11e}").parse().unwrap_or(value))
                })
                .collect())
        }
    }
}

/// The cartesian product of the axes (the last axis varies fastest) inside each variant.
fn build(
    spec: Spec,
    scenario_table: &Table,
    scenario_origin: &Origin,
    spec_origin: &Origin,
    scenario_name: &str,
) -> Result<Sweep, SweepError> {
    let variants: Vec<Option<&Variant>> = if spec.variants.is_empty() {
        vec![None]
    } else {
        spec.variants.iter().map(Some).collect()
    };
    let grid_size: usize = spec.axes.iter().map(|a| a.values.len()).product();
    let mut points = Vec::new();
    let mut scenarios = Vec::new();
    let mut fingerprint = Fingerprint::new();
    fingerprint.add(env!("CARGO_PKG_VERSION"));
    for variant in &variants {
        for combination in 0..grid_size {
            let mut choice = Vec::with_capacity(spec.axes.len());
            let mut rest = combination;
            for axis in spec.axes.iter().rev() {
                choice.push(&axis.values[rest % axis.values.len()]);
                rest /= axis.values.len();
            }
            choice.reverse();
            let index = points.len();
            let mut label_parts: Vec<String> = variant.iter().map(|v| v.name.clone()).collect();
            for (axis, value) in spec.axes.iter().zip(&choice) {
                label_parts.push(format!("{}={}", axis.path, display_value(value)));
            }
            let label = if label_parts.is_empty() {
                "base".to_string()
            } else {
                label_parts.join(" ")
            };
            let mut table = scenario_table.clone();
            let edit = |path: &FieldPath, value: &Value, table: &mut Table| {
                path.set(table, value.clone())
                    .map_err(|message| SweepError::Point {
                        index,
                        label: label.clone(),
                        message: format!("{}: {path}: {message}", scenario_origin.file),
                    })
            };
            if let Some(variant) = variant {
                for (path, value) in &variant.set {
                    edit(path, value, &mut table)?;
                }
            }
            for (axis, value) in spec.axes.iter().zip(&choice) {
                edit(&axis.path, value, &mut table)?;
            }
            fingerprint.add(&format!("point {index}\n"));
            fingerprint.add(&toml::to_string(&table).unwrap_or_default());
            let scenario =
                config::scenario_from_table(table, scenario_origin).map_err(|error| {
                    SweepError::Point {
                        index,
                        label: label.clone(),
                        message: error.to_string(),
                    }
                })?;
            scenarios.push(scenario);
            points.push(PointLabel {
                label,
                variant: variant.map(|v| v.name.clone()),
                values: choice.iter().map(|v| display_value(v)).collect(),
            });
        }
    }
    let reference = match &spec.reference {
        None => 0,
        Some(Value::String(name)) => points
            .iter()
            .position(|p| p.variant.as_deref() == Some(name.as_str()))
            .ok_or_else(|| {
                let names: Vec<&str> = spec.variants.iter().map(|v| v.name.as_str()).collect();
                let known = if names.is_empty() {
                    "the sweep has no variants".to_string()
                } else {
                    format!("variants: {}", names.join(", "))
                };
                reference_issue(
                    spec_origin,
                    format!("no variant is named \"{name}\" ({known})"),
                )
            })?,
        Some(Value::Table(wanted)) => {
            let mut leaves = Vec::new();
            flatten_fields("", wanted.clone(), &mut leaves);
            let mut columns = Vec::new();
            let mut variant = None;
            for (path, value) in &leaves {
                if path == "variant" {
                    variant = Some(display_value(value));
                    continue;
                }
                match spec.axes.iter().position(|a| a.path.as_str() == path) {
                    Some(column) => columns.push((column, display_value(value))),
                    None => {
                        return Err(reference_issue(
                            spec_origin,
                            format!("`{path}` is not one of the sweep's axes"),
                        ))
                    }
                }
            }
            points
                .iter()
                .position(|p| {
                    variant
                        .as_ref()
                        .is_none_or(|v| p.variant.as_ref() == Some(v))
                        && columns
                            .iter()
                            .all(|(column, value)| &p.values[*column] == value)
                })
                .ok_or_else(|| {
                    reference_issue(spec_origin, "no point of the sweep has these values".into())
                })?
        }
        Some(other) => {
            return Err(reference_issue(
                spec_origin,
                format!(
                    "expected a variant name or a table of axis values, found {}",
                    describe(other)
                ),
            ))
        }
    };
    let axes: Vec<String> = spec.axes.iter().map(|a| a.path.to_string()).collect();
    fingerprint.add(&format!(
        "replications {} base_seed {} reference {reference}\n",
        spec.replications, spec.base_seed
    ));
    for point in &points {
        fingerprint.add(&point.label);
    }
    let layout = SweepLayout {
        fingerprint: fingerprint.hex(),
        scenario: scenario_name.to_string(),
        axes,
        has_variants: !spec.variants.is_empty(),
        points,
        reference,
        replications: spec.replications,
        base_seed: spec.base_seed.to_string(),
        service_level_target: scenarios
            .get(reference)
            .map(|s| s.simulation.service_level_target.to_string()),
    };
    Ok(Sweep { layout, scenarios })
}

fn reference_issue(origin: &Origin, message: String) -> SweepError {
    ConfigError::Invalid {
        file: origin.file.clone(),
        issues: vec![Issue {
            path: "sweep.reference".into(),
            message,
        }],
    }
    .into()
}

/// FNV-1a, 64 bits: small, stable across Rust versions and platforms (unlike `DefaultHasher`),
/// which matters because fingerprints are compared between machines.
struct Fingerprint(u64);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, text: &str) {
        for byte in text.bytes().chain([0xff]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests;
