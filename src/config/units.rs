//! Parsing of the human units of scenario files: durations ("90s", "5m", "1.5h"), times of day
//! ("08:30") and rates.

use crate::engine::SimDuration;

/// Parses a duration with a unit: `250ms`, `90s`, `5m`, `1.5h`, `2d`.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| expected_duration(text))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.trim().parse().map_err(|_| expected_duration(text))?;
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => return Err(expected_duration(text)),
    };
    if !value.is_finite() || value < 0.0 {
        return Err(format!("expected a non-negative duration, got \"{text}\""));
    }
    Ok(SimDuration::from_secs_f64(value * seconds_per_unit))
}

fn expected_duration(text: &str) -> String {
    format!("expected a duration with a unit such as \"90s\", \"5m\" or \"8h\" (units: ms, s, m, h, d), got \"{text}\"")
}

/// Parses a time of day `HH:MM` or `HH:MM:SS` into an offset from midnight; `24:00` is allowed
/// as the end of the day.
pub fn parse_time_of_day(text: &str) -> Result<SimDuration, String> {
    let expected = || format!("expected a time of day such as \"08:30\", got \"{text}\"");
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(expected());
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| expected())?;
    let (hours, minutes, seconds) = (numbers[0], numbers[1], numbers.get(2).copied().unwrap_or(0));
    if minutes >= 60 || seconds >= 60 || hours > 24 || (hours == 24 && (minutes, seconds) != (0, 0))
    {
        return Err(expected());
    }
    Ok(SimDuration::from_secs(
        hours * 3600 + minutes * 60 + seconds,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_duration(text: &str, expected: Result<u64, &str>) {
        match (parse_duration(text), expected) {
            (Ok(d), Ok(micros)) => assert_eq!(d.as_micros(), micros, "{text}"),
            (Err(message), Err(fragment)) => assert!(message.contains(fragment), "{message}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn durations_need_a_known_unit() {
        check_duration("90s", Ok(90_000_000));
        check_duration("1.5h", Ok(5_400_000_000));
        check_duration(" 5m ", Ok(300_000_000));
        check_duration("250ms", Ok(250_000));
        check_duration("2d", Ok(172_800_000_000));
        check_duration("90", Err("expected a duration with a unit"));
        check_duration("5 parsecs", Err("expected a duration"));
        check_duration("-5s", Err("non-negative"));
    }

    #[test]
    fn times_of_day_are_hours_and_minutes_within_a_day() {
        assert_eq!(
            parse_time_of_day("08:30").unwrap(),
            SimDuration::from_secs(30_600)
        );
        assert_eq!(
            parse_time_of_day("24:00").unwrap(),
            SimDuration::from_secs(86_400)
        );
        assert_eq!(
            parse_time_of_day("23:59:30").unwrap(),
            SimDuration::from_secs(86_370)
        );
        for bad in ["8", "25:00", "10:60", "24:01", "ab:cd"] {
            assert!(parse_time_of_day(bad).is_err(), "{bad}");
        }
    }
}
