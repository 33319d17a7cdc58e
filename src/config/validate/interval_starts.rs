//! The interval-start column of a curve file (`interval_start`): each row's start, written as a
//! time of day (`08:15`), a weekday and time (`Mon 08:15`) or a date and time
//! (`2026-03-02 08:15`, or with `T`), must be the start of the interval the row is read as: the
//! first row at midnight of day 0 and each next row one interval later. A file of 30-minute
//! rows read at 15 minutes fails at its second row, with the row named, instead of silently
//! stretching the day.

use crate::engine::SimDuration;

use super::arrivals::duration_words;

const DAY_S: i64 = 86_400;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Where the interval a curve is read at comes from, for messages.
#[derive(Debug, Clone)]
pub(super) enum IntervalSource {
    /// `simulation.interval` (counts without their own `interval`).
    Simulation,
    /// The curve's own `interval`, at this path.
    Arrivals(String),
    /// From the number of values (24 hourly, 96 fifteen-minute...), named by the noun
    /// (`rates`, `values`).
    Inferred(usize, &'static str),
    /// From the first two rows' interval starts.
    FirstRows,
}

impl IntervalSource {
    fn describe(&self, interval: SimDuration) -> String {
        let words = duration_words(interval);
        match self {
            IntervalSource::Simulation => format!("`simulation.interval` = \"{words}\""),
            IntervalSource::Arrivals(path) => format!("`{path}` = \"{words}\""),
            IntervalSource::Inferred(n, noun) => {
                format!("{n} {noun}, read as {words} each; give `interval` if that is wrong")
            }
            IntervalSource::FirstRows => {
                format!("{words}, the step between the first two rows")
            }
        }
    }
}

/// A parsed interval start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    TimeOfDay {
        seconds: i64,
    },
    /// Monday is 0.
    Weekday {
        day: i64,
        seconds: i64,
    },
    /// Days since 1970-01-01.
    Date {
        day: i64,
        seconds: i64,
    },
}

impl Start {
    fn seconds(self) -> i64 {
        match self {
            Start::TimeOfDay { seconds }
            | Start::Weekday { seconds, .. }
            | Start::Date { seconds, .. } => seconds,
        }
    }

    /// The start `offset_s` seconds after this one (which is at midnight), written the same way.
    fn after(self, offset_s: i64) -> Start {
        let (days, seconds) = (offset_s / DAY_S, offset_s % DAY_S);
        match self {
            Start::TimeOfDay { .. } => Start::TimeOfDay { seconds },
            Start::Weekday { day, .. } => Start::Weekday {
                day: (day + days) % 7,
                seconds,
            },
            Start::Date { day, .. } => Start::Date {
                day: day + days,
                seconds,
            },
        }
    }

    fn describe(self) -> String {
        let time = clock(self.seconds());
        match self {
            Start::TimeOfDay { .. } => time,
            Start::Weekday { day, .. } => format!("{} {time}", WEEKDAYS[day as usize]),
            Start::Date { day, .. } => {
                let (y, m, d) = civil_from_days(day);
                format!("{y:04}-{m:02}-{d:02} {time}")
            }
        }
    }

    /// Seconds since midnight of day 0 of its form (a time of day has no day).
    fn absolute_seconds(self) -> i64 {
        match self {
            Start::TimeOfDay { seconds } => seconds,
            Start::Weekday { day, seconds } | Start::Date { day, seconds } => day * DAY_S + seconds,
        }
    }

    fn same_form(self, other: Start) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

/// Checks that row `i` of `starts` (line in the file, text) starts `i` intervals after midnight
/// of the first row's day. `file` names the CSV in messages.
pub(super) fn check_interval_starts(
    file: &str,
    starts: &[(usize, String)],
    interval: SimDuration,
    source: &IntervalSource,
) -> Result<(), String> {
    let Some((first_line, first_text)) = starts.first() else {
        return Ok(());
    };
    let first = parse_start(first_text).map_err(|why| {
        format!("{file}: row {first_line}: interval_start \"{first_text}\": {why}")
    })?;
    if first.seconds() != 0 {
        return Err(format!(
            "{file}: row {first_line}: interval_start \"{first_text}\": the first row must start at midnight (00:00), the start of the run"
        ));
    }
    let step = interval.as_micros();
    for (idx, (line, text)) in starts.iter().enumerate() {
        let start = parse_start(text)
            .map_err(|why| format!("{file}: row {line}: interval_start \"{text}\": {why}"))?;
        if !start.same_form(first) {
            return Err(format!(
                "{file}: row {line}: interval_start \"{text}\" is not written like row {first_line} (\"{first_text}\"); write every start the same way"
            ));
        }
        let offset_s = (idx as u64 * step / 1_000_000) as i64;
        let expected = first.after(offset_s);
        if start != expected || (idx as u64 * step) % 1_000_000 != 0 {
            return Err(format!(
                "{file}: row {line}: interval_start is \"{text}\", but row {line} is interval {} of {} from the first row and should start at {}; the file's intervals do not match the interval it is read at ({})",
                idx + 1,
                duration_words(interval),
                expected.describe(),
                source.describe(interval),
            ));
        }
    }
    Ok(())
}

/// The interval between the first two rows' starts, when both parse, are written the same
/// way and the second is later: what a file of rows says its own interval is.
pub(super) fn step_of_first_rows(starts: &[(usize, String)]) -> Option<SimDuration> {
    let [(_, a), (_, b), ..] = starts else {
        return None;
    };
    let (a, b) = (parse_start(a).ok()?, parse_start(b).ok()?);
    if !a.same_form(b) {
        return None;
    }
    let step = b.absolute_seconds() - a.absolute_seconds();
    (step > 0).then(|| SimDuration::from_secs(step as u64))
}

/// How the start `offset` after the first row's would be written in the file's own form
/// (`Sun 23:45`), if the first row parses.
pub(super) fn start_after_first(starts: &[(usize, String)], offset: SimDuration) -> Option<String> {
    // Checked to be at midnight before this is asked.
    let first = parse_start(&starts.first()?.1).ok()?;
    Some(
        first
            .after((offset.as_micros() / 1_000_000) as i64)
            .describe(),
    )
}

fn parse_start(text: &str) -> Result<Start, String> {
    let text = text.trim().trim_end_matches('Z');
    // A space separates a weekday or date from the time; `T` only a date (`Tue` is a weekday).
    let (date_part, time_part) = match text.split_once(' ') {
        Some((date, time)) => (Some(date.trim()), time.trim()),
        None if text.contains('-') => match text.split_once('T') {
            Some((date, time)) => (Some(date), time),
            None => (Some(text), "00:00"),
        },
        None => (None, text),
    };
    let seconds = parse_clock(time_part).ok_or_else(|| {
        format!("expected a start such as \"08:15\", \"Mon 08:15\" or \"2026-03-02 08:15\" (the time \"{time_part}\" is not HH:MM)")
    })?;
    let Some(date) = date_part else {
        return Ok(Start::TimeOfDay { seconds });
    };
    if let Some(day) = weekday(date) {
        return Ok(Start::Weekday { day, seconds });
    }
    let day = parse_date(date).ok_or_else(|| {
        format!("expected a date as YYYY-MM-DD or a weekday (Mon ... Sun), got \"{date}\"")
    })?;
    Ok(Start::Date { day, seconds })
}

/// `HH:MM` or `HH:MM:SS` within a day, in seconds.
fn parse_clock(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let hours: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let seconds: i64 = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() || !(0..24).contains(&hours) {
        return None;
    }
    if !(0..60).contains(&minutes) || !(0..60).contains(&seconds) {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds)
}

fn clock(seconds: i64) -> String {
    if seconds % 60 == 0 {
        format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
    } else {
        format!(
            "{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60
        )
    }
}

fn weekday(text: &str) -> Option<i64> {
    let lower = text.to_ascii_lowercase();
    const FULL: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    FULL.iter()
        .position(|full| lower == *full || (lower.len() == 3 && full.starts_with(&lower)))
        .map(|idx| idx as i64)
}

/// `YYYY-MM-DD` as days since 1970-01-01 (proleptic Gregorian), checking the day exists.
fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    (day >= 1 && civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(texts: &[&str]) -> Vec<(usize, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i + 2, t.to_string()))
            .collect()
    }

    fn check(texts: &[&str], minutes: u64) -> Result<(), String> {
        check_interval_starts(
            "f.csv",
            &rows(texts),
            SimDuration::from_secs(minutes * 60),
            &IntervalSource::Simulation,
        )
    }

    #[test]
    fn dates_round_trip_and_impossible_dates_are_refused() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 2_900_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
    }

    #[test]
    fn starts_in_each_form_are_read() {
        for (text, start) in [
            ("08:15", Start::TimeOfDay { seconds: 29_700 }),
            ("08:15:00", Start::TimeOfDay { seconds: 29_700 }),
            (
                "Mon 00:30",
                Start::Weekday {
                    day: 0,
                    seconds: 1800,
                },
            ),
            (
                "sunday 23:45",
                Start::Weekday {
                    day: 6,
                    seconds: 85_500,
                },
            ),
            ("Tue 00:00", Start::Weekday { day: 1, seconds: 0 }),
            (
                "Thursday 01:00",
                Start::Weekday {
                    day: 3,
                    seconds: 3600,
                },
            ),
            (
                "2026-03-02 08:00",
                Start::Date {
                    day: days_from_civil(2026, 3, 2),
                    seconds: 28_800,
                },
            ),
            (
                "2026-03-02T08:00:00Z",
                Start::Date {
                    day: days_from_civil(2026, 3, 2),
                    seconds: 28_800,
                },
            ),
            (
                "2026-03-02",
                Start::Date {
                    day: days_from_civil(2026, 3, 2),
                    seconds: 0,
                },
            ),
        ] {
            assert_eq!(parse_start(text), Ok(start), "{text}");
        }
        for bad in ["8", "24:00", "08:60", "Mo 08:00", "2026-03-02 8h", ""] {
            assert!(parse_start(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn consecutive_starts_pass_and_the_first_wrong_row_is_named() {
        assert_eq!(check(&["00:00", "00:15", "00:30"], 15), Ok(()));
        // A day of 15-minute rows runs on into the next day with times of day only.
        let day: Vec<String> = (0..192).map(|i| clock(i64::from(i % 96) * 900)).collect();
        let day: Vec<&str> = day.iter().map(String::as_str).collect();
        assert_eq!(check(&day, 15), Ok(()));
        // 30-minute rows read at 15 minutes: row 3 of the file (the second data row).
        let error = check(&["00:00", "00:30", "01:00"], 15).unwrap_err();
        assert!(
            error.starts_with("f.csv: row 3: interval_start is \"00:30\""),
            "{error}"
        );
        assert!(error.contains("should start at 00:15"), "{error}");
        assert!(error.contains("`simulation.interval` = \"15m\""), "{error}");
        let error = check(&["00:15", "00:30"], 15).unwrap_err();
        assert!(
            error.contains("row 2") && error.contains("midnight"),
            "{error}"
        );
        let error = check(&["Sun 23:00", "Mon 00:00"], 60).unwrap_err();
        assert!(error.contains("midnight"), "{error}");
        assert_eq!(check(&["Sun 00:00", "Sun 12:00", "Mon 00:00"], 720), Ok(()));
        let error = check(&["Sun 00:00", "Sun 12:00", "Tue 00:00"], 720).unwrap_err();
        assert!(
            error.contains("row 4") && error.contains("Mon 00:00"),
            "{error}"
        );
        let error = check(
            &["2026-03-01 00:00", "2026-03-01 12:00", "2026-03-03 00:00"],
            720,
        )
        .unwrap_err();
        assert!(
            error.contains("row 4") && error.contains("2026-03-02 00:00"),
            "{error}"
        );
        let error = check(&["00:00", "Mon 00:15"], 15).unwrap_err();
        assert!(
            error.contains("row 3") && error.contains("the same way"),
            "{error}"
        );
    }
}
