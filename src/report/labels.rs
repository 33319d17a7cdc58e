//! Measures as a manager reads them: plain names instead of measure ids
//! (`service_level_20s_of_offered` → "service level within 20s"), fractions as percentages,
//! differences of fractions in percentage points, and which way each measure is better.

/// Which way a measure is better, for colours and labels (never for verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// A volume or a load: neither better nor worse.
    Neither,
}

/// Which way `measure` is better.
pub fn better_of(measure: &str) -> Better {
    if measure.starts_with("service_level_") {
        Better::Higher
    } else if measure.starts_with("wait_")
        || measure.starts_with("queue_length")
        || matches!(
            measure,
            "asa_s" | "abandon_rate" | "abandoned" | "p_wait" | "overflowed" | "auto_closed"
        )
    {
        Better::Lower
    } else {
        Better::Neither
    }
}

/// Whether the measure is a fraction (shown as a percentage).
pub fn is_fraction(measure: &str) -> bool {
    measure.starts_with("service_level_")
        || matches!(
            measure,
            "utilization" | "occupancy" | "abandon_rate" | "p_wait" | "assignment_cv"
        )
}

/// Whether the measure counts whole things (conversations, agents).
pub fn is_count(measure: &str) -> bool {
    matches!(
        measure,
        "offered" | "answered" | "abandoned" | "handled" | "agents" | "offers" | "resumed"
    )
}

/// The plain name of a measure.
pub fn measure_label(measure: &str) -> String {
    if let Some(rest) = measure.strip_prefix("service_level_") {
        if let Some(threshold) = rest.strip_suffix("_of_offered") {
            return format!("service level within {threshold}");
        }
        if let Some(threshold) = rest.strip_suffix("_of_answered") {
            return format!("answered within {threshold}, of answered");
        }
    }
    let known = match measure {
        "asa_s" => "speed of answer (s)",
        "aht_s" => "handle time (s)",
        "abandon_rate" => "abandoned",
        "p_wait" => "had to wait",
        "wait_mean_s" => "mean wait (s)",
        "wait_p90_s" => "90% answered within (s)",
        "queue_length_mean" => "mean queue length",
        "utilization" => "utilization",
        "occupancy" => "occupancy",
        "offered" => "conversations offered",
        "handled" => "conversations handled",
        _ => "",
    };
    if known.is_empty() {
        measure.replace('_', " ")
    } else {
        known.to_string()
    }
}

/// A value of `measure` for a reader: percentages with one decimal, counts whole, seconds and
/// others with up to one decimal.
pub fn format_measure(measure: &str, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    if is_fraction(measure) {
        format!("{:.1}%", value * 100.0)
    } else if (is_count(measure) && (value - value.round()).abs() < 1e-9) || value.abs() >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// A difference of `measure` for a reader, signed: percentage points for fractions.
pub fn format_difference(measure: &str, value: f64) -> String {
    if !value.is_finite() {
        return "-".into();
    }
    let (number, unit) = if is_fraction(measure) {
        (format!("{:+.1}", value * 100.0), " pts")
    } else if value.abs() >= 100.0 {
        (format!("{value:+.0}"), "")
    } else {
        (format!("{value:+.1}"), "")
    };
    // A change that rounds to nothing has no sign.
    let number = if number
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_string()
    } else {
        number
    };
    format!("{number}{unit}")
}

/// A change with its interval, the unit written once: `+3.6 pts [+2.5, +4.7]`.
pub fn format_change(measure: &str, mean: f64, low: f64, high: f64) -> String {
    let value = format_difference(measure, mean);
    if !low.is_finite() || !high.is_finite() || value == "-" {
        return value;
    }
    let bare = |v: f64| {
        format_difference(measure, v)
            .trim_end_matches(" pts")
            .to_string()
    };
    format!("{value} [{}, {}]", bare(low), bare(high))
}

/// A mean with the half-width of its interval: `74.7% ± 1.0` (the half-width in the unit of
/// the figure: points for percentages).
pub fn format_with_interval(measure: &str, mean: f64, half_width: f64) -> String {
    let value = format_measure(measure, mean);
    if !half_width.is_finite() || value == "-" {
        return value;
    }
    let half = if is_fraction(measure) {
        half_width * 100.0
    } else {
        half_width
    };
    format!("{value} ± {half:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_ids_read_as_plain_words() {
        assert_eq!(
            measure_label("service_level_20s_of_offered"),
            "service level within 20s"
        );
        assert_eq!(measure_label("asa_s"), "speed of answer (s)");
        assert_eq!(measure_label("declines_rejected"), "declines rejected");
    }

    #[test]
    fn fractions_are_percentages_and_their_differences_points() {
        assert_eq!(format_measure("abandon_rate", 0.0123), "1.2%");
        assert_eq!(
            format_difference("service_level_20s_of_offered", 0.036),
            "+3.6 pts"
        );
        assert_eq!(format_measure("offered", 4690.0), "4690");
        assert_eq!(format_measure("asa_s", 4.44), "4.4");
        assert_eq!(format_with_interval("occupancy", 0.8, 0.012), "80.0% ± 1.2");
        assert_eq!(format_measure("asa_s", f64::NAN), "-");
        assert_eq!(format_difference("occupancy", -0.0001), "0 pts");
        assert_eq!(format_difference("asa_s", 0.0), "0");
        assert_eq!(
            format_change("abandon_rate", 0.036, 0.025, 0.047),
            "+3.6 pts [+2.5, +4.7]"
        );
        assert_eq!(format_change("asa_s", 1.5, f64::NAN, f64::NAN), "+1.5");
    }

    #[test]
    fn waits_are_better_lower_and_service_levels_higher() {
        assert_eq!(better_of("service_level_60s_of_offered"), Better::Higher);
        assert_eq!(better_of("asa_s"), Better::Lower);
        assert_eq!(better_of("abandon_rate"), Better::Lower);
        assert_eq!(better_of("utilization"), Better::Neither);
    }
}
