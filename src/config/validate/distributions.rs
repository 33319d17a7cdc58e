//! Validation of random distributions (`{ kind = ..., ... }` tables and constants) into the
//! model's closed set, with durations or plain numbers as the place requires.

use super::*;

impl Validator<'_> {
    pub(super) fn distribution(
        &mut self,
        path: &str,
        file: &DistributionFile,
        quantity: Quantity,
    ) -> Option<Distribution> {
        let result = self.build_distribution(path, file, quantity);
        self.check(path, result.map_err(|e| e.to_string()))
    }

    pub(super) fn build_distribution(
        &self,
        path: &str,
        file: &DistributionFile,
        quantity: Quantity,
    ) -> Result<Distribution, String> {
        let param = |field: &str, value: &Option<toml::Value>| -> Result<f64, String> {
            match value {
                None => Err(format!("a {} distribution needs `{field}`", file.kind)),
                Some(value) => read_quantity(value, quantity).map_err(|m| format!("{field}: {m}")),
            }
        };
        let allowed: &[&str] = match file.kind.as_str() {
            "constant" => &["value"],
            "exponential" => &["mean"],
            "uniform" => &["min", "max"],
            "normal" | "lognormal" => &["mean", "sd"],
            "gamma" => &["shape", "mean"],
            "erlang" => &["k", "mean"],
            "weibull" => &["shape", "scale"],
            "empirical" => &["samples", "csv", "column"],
            other => {
                return Err(format!("unknown distribution kind \"{other}\" (expected one of: \"constant\", \"exponential\", \"uniform\", \"normal\", \"lognormal\", \"gamma\", \"erlang\", \"weibull\", \"empirical\")"))
            }
        };
        let given = [
            ("value", file.value.is_some()),
            ("mean", file.mean.is_some()),
            ("sd", file.sd.is_some()),
            ("min", file.min.is_some()),
            ("max", file.max.is_some()),
            ("scale", file.scale.is_some()),
            ("shape", file.shape.is_some()),
            ("k", file.k.is_some()),
            ("samples", file.samples.is_some()),
            ("csv", file.csv.is_some()),
            ("column", file.column.is_some()),
        ];
        if let Some((field, _)) = given
            .iter()
            .find(|(field, is_given)| *is_given && !allowed.contains(field))
        {
            return Err(format!(
                "`{field}` does not apply to a {} distribution (it takes: {})",
                file.kind,
                allowed.join(", ")
            ));
        }
        let built = match file.kind.as_str() {
            "constant" => Distribution::constant(param("value", &file.value)?),
            "exponential" => Distribution::exponential(param("mean", &file.mean)?),
            "uniform" => Distribution::uniform(param("min", &file.min)?, param("max", &file.max)?),
            "normal" => Distribution::normal(param("mean", &file.mean)?, param("sd", &file.sd)?),
            "lognormal" => {
                Distribution::lognormal(param("mean", &file.mean)?, param("sd", &file.sd)?)
            }
            "gamma" => {
                let shape = file.shape.ok_or("a gamma distribution needs `shape`")?;
                let mean = param("mean", &file.mean)?;
                Distribution::gamma(shape, if shape > 0.0 { mean / shape } else { f64::NAN })
            }
            "erlang" => Distribution::erlang(
                file.k.ok_or("an erlang distribution needs `k`")?,
                param("mean", &file.mean)?,
            ),
            "weibull" => Distribution::weibull(
                file.shape.ok_or("a weibull distribution needs `shape`")?,
                param("scale", &file.scale)?,
            ),
            "empirical" => {
                let samples: std::sync::Arc<[f64]> = match (&file.samples, &file.csv, &file.column) {
                    (Some(samples), None, None) => samples
                        .iter()
                        .enumerate()
                        .map(|(idx, v)| read_quantity(v, quantity).map_err(|m| format!("samples[{idx}]: {m}")))
                        .collect::<Result<Vec<f64>, String>>()?
                        .into(),
                    (None, Some(csv), Some(column)) => {
                        // CSV samples are plain numbers: seconds for durations.
                        super::channels::read_csv_column(&self.base_dir.join(csv), column)?
                    }
                    _ => return Err(format!("{path}: an empirical distribution needs either `samples` or both `csv` and `column`")),
                };
                Distribution::empirical(samples)
            }
            _ => unreachable!("kind checked above"),
        };
        built.map_err(|e: ScenarioError| e.to_string())
    }
}

pub(super) fn read_quantity(value: &toml::Value, quantity: Quantity) -> Result<f64, String> {
    match (quantity, value) {
        (Quantity::Duration, toml::Value::String(text)) => {
            parse_duration(text).map(|d| d.as_secs_f64())
        }
        (Quantity::Duration, other) => Err(format!(
            "expected a duration with a unit such as \"90s\" or \"5m\", got {other}"
        )),
        (Quantity::Number, toml::Value::Float(f)) => Ok(*f),
        (Quantity::Number, toml::Value::Integer(i)) => Ok(*i as f64),
        (Quantity::Number, other) => Err(format!("expected a number, got {other}")),
    }
}
