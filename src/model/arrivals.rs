//! Arrival-time generation for the three arrival processes: Poisson, piecewise-constant rates
//! by interval of a day or a week (exact, by restarting the exponential clock at each rate
//! change, which the memoryless property allows), and replayed traces.

use rand::Rng;

use crate::engine::{SimDuration, SimTime};

use super::ArrivalProcess;

/// The position of one channel in its arrival process.
#[derive(Debug, Clone, Default)]
pub(crate) struct ArrivalCursor {
    next_trace_index: usize,
}

impl ArrivalCursor {
    /// The first arrival strictly after `now`, or `None` if there are no more.
    pub(crate) fn next_after<R: Rng + ?Sized>(
        &mut self,
        process: &ArrivalProcess,
        now: SimTime,
        rng: &mut R,
    ) -> Option<SimTime> {
        match process {
            ArrivalProcess::Poisson { rate_per_hour } => {
                if *rate_per_hour <= 0.0 {
                    return None;
                }
                Some(now + exponential_gap(*rate_per_hour, rng))
            }
            ArrivalProcess::Piecewise {
                interval,
                rates_per_hour,
            } => {
                if !rates_per_hour.iter().any(|&rate| rate > 0.0) {
                    return None;
                }
                let width = interval.as_micros();
                // The curve repeats after its last piece (a day, a week, or the days of a file).
                let pieces = rates_per_hour.len() as u64;
                let mut t = now;
                loop {
                    let piece = (t.as_micros() / width) % pieces;
                    let piece_end = SimTime::from_micros((t.as_micros() / width + 1) * width);
                    let rate = rates_per_hour[piece as usize];
                    if rate > 0.0 {
                        let candidate = t + exponential_gap(rate, rng);
                        if candidate < piece_end {
                            return Some(candidate);
                        }
                    }
                    t = piece_end;
                }
            }
            ArrivalProcess::Trace { times } => {
                while let Some(&time) = times.get(self.next_trace_index) {
                    self.next_trace_index += 1;
                    if time >= now {
                        return Some(time);
                    }
                }
                None
            }
        }
    }
}

fn exponential_gap<R: Rng + ?Sized>(rate_per_hour: f64, rng: &mut R) -> SimDuration {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u: f64 = rng.random();
    let hours = -(1.0 - u).ln() / rate_per_hour;
    // At least one microsecond apart keeps arrivals strictly increasing.
    SimDuration::from_secs_f64(hours * 3600.0).max(SimDuration::from_micros(1))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    const DAY: u64 = 86_400_000_000;

    fn arrivals(process: &ArrivalProcess, until: SimTime) -> Vec<SimTime> {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut cursor = ArrivalCursor::default();
        let mut out = Vec::new();
        let mut now = SimTime::ZERO;
        while let Some(t) = cursor.next_after(process, now, &mut rng) {
            if t > until {
                break;
            }
            out.push(t);
            now = t;
        }
        out
    }

    #[test]
    fn piecewise_rates_give_the_right_counts_per_piece_and_repeat_daily() {
        // Zero at night, 600/h from 08:00 to 20:00, over 20 days.
        let rates: Vec<f64> = (0..24)
            .map(|h| if (8..20).contains(&h) { 600.0 } else { 0.0 })
            .collect();
        let process = ArrivalProcess::Piecewise {
            interval: SimDuration::from_secs(3600),
            rates_per_hour: Arc::from(rates),
        };
        let times = arrivals(&process, SimTime::from_micros(20 * DAY));
        let n = times.len() as f64;
        let expected = 20.0 * 12.0 * 600.0;
        // Poisson count: standard deviation sqrt(144000) = 380; allow 4 of them.
        assert!(
            (n - expected).abs() < 4.0 * expected.sqrt(),
            "{n} vs {expected}"
        );
        let at_night = times
            .iter()
            .filter(|t| !(8..20).contains(&((t.as_micros() % DAY) / 3_600_000_000)))
            .count();
        assert_eq!(at_night, 0);
    }

    #[test]
    fn a_week_long_curve_repeats_weekly_not_daily() {
        // 168 hourly rates: 300/h on day 2 from 09:00 to 17:00, nothing else. Over two weeks
        // every arrival falls on day 2 or day 9, and each of those days gets its 2,400.
        let rates: Vec<f64> = (0..168)
            .map(|h| {
                if h / 24 == 2 && (9..17).contains(&(h % 24)) {
                    300.0
                } else {
                    0.0
                }
            })
            .collect();
        let process = ArrivalProcess::Piecewise {
            interval: SimDuration::from_secs(3600),
            rates_per_hour: Arc::from(rates),
        };
        let times = arrivals(&process, SimTime::from_micros(14 * DAY));
        let day_of = |t: &SimTime| t.as_micros() / DAY;
        assert!(times.iter().all(|t| matches!(day_of(t), 2 | 9)));
        for day in [2, 9] {
            let n = times.iter().filter(|t| day_of(t) == day).count() as f64;
            // Poisson count with mean 2,400: standard deviation 49; allow 4 of them.
            assert!((n - 2400.0).abs() < 4.0 * 2400f64.sqrt(), "day {day}: {n}");
        }
    }

    #[test]
    fn a_trace_is_replayed_exactly_and_then_ends() {
        let times: Arc<[SimTime]> = [5, 5, 9, 30]
            .iter()
            .map(|&s| SimTime::from_micros(s))
            .collect();
        let process = ArrivalProcess::Trace {
            times: times.clone(),
        };
        assert_eq!(arrivals(&process, SimTime::NEVER), times.to_vec());
    }

    #[test]
    fn zero_rates_mean_no_arrivals_instead_of_a_hang() {
        let process = ArrivalProcess::Poisson { rate_per_hour: 0.0 };
        assert!(arrivals(&process, SimTime::NEVER).is_empty());
        let process = ArrivalProcess::Piecewise {
            interval: SimDuration::from_secs(900),
            rates_per_hour: Arc::from(vec![0.0; 96]),
        };
        assert!(arrivals(&process, SimTime::NEVER).is_empty());
    }
}
