//! Simulated time as integer microseconds, so that event order never depends on floating-point
//! rounding and a run is reproducible bit for bit.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in simulated time, in microseconds since the start of the run (midnight of day 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(u64);

/// A length of simulated time, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(u64);

const MICROS_PER_SECOND: u64 = 1_000_000;

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any event a scenario can schedule.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    pub const fn from_micros(micros: u64) -> SimTime {
        SimTime(micros)
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SECOND as f64
    }
    /// Time elapsed since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub const fn from_micros(micros: u64) -> SimDuration {
        SimDuration(micros)
    }
    pub const fn from_secs(secs: u64) -> SimDuration {
        SimDuration(secs * MICROS_PER_SECOND)
    }
    /// Rounds to the nearest microsecond; negative and NaN become zero, huge values saturate.
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        // Exactly `f64::round` (half away from zero), without its call into the runtime
        // library (every drawn duration goes through here).
        const EXACT: f64 = (1u64 << 53) as f64;
        let scaled = secs * MICROS_PER_SECOND as f64;
        if scaled.is_nan() || scaled < 0.5 {
            // Below half a microsecond, negative or NaN.
            SimDuration(0)
        } else if scaled < EXACT {
            // The whole part is exact, and so is the fraction: `scaled - whole` is a
            // subtraction of two numbers within a factor of two of each other.
            let whole = scaled as u64;
            let up = scaled - whole as f64 >= 0.5;
            SimDuration(whole + u64::from(up))
        } else if scaled >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            // From 2^53 on every double is a whole number.
            SimDuration(scaled as u64)
        }
    }
    pub const fn as_micros(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / MICROS_PER_SECOND as f64
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl fmt::Display for SimTime {
    /// `d1 08:30:00` style, for messages a planner reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / MICROS_PER_SECOND;
        let (day, rest) = (secs / 86_400, secs % 86_400);
        write!(
            f,
            "d{} {:02}:{:02}:{:02}",
            day,
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_to_the_nearest_microsecond_and_clamp_at_zero() {
        assert_eq!(SimDuration::from_secs_f64(1.5).as_micros(), 1_500_000);
        assert_eq!(SimDuration::from_secs_f64(0.000_000_6).as_micros(), 1);
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(1e30).as_micros(), u64::MAX);
    }

    /// The reference: `f64::round`, then clamped as the model always did.
    fn rounded_reference(secs: f64) -> u64 {
        let micros = (secs * MICROS_PER_SECOND as f64).round();
        if micros.is_nan() || micros <= 0.0 {
            0
        } else if micros >= u64::MAX as f64 {
            u64::MAX
        } else {
            micros as u64
        }
    }

    #[test]
    fn rounding_is_exactly_f64_round_at_the_edges_and_across_magnitudes() {
        let mut edges = vec![
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            -1.0,
        ];
        for micros in [0.5, 1.5, 2.5, 0.49999999999999994, 4503599627370495.5] {
            for step in [-1, 0, 1] {
                let x: f64 = micros;
                let near = f64::from_bits((x.to_bits() as i64 + step) as u64);
                edges.push(near / MICROS_PER_SECOND as f64);
            }
        }
        for power in [52, 53, 63, 64] {
            let x = (power as f64).exp2();
            for step in [-2i64, -1, 0, 1, 2] {
                edges.push(f64::from_bits((x.to_bits() as i64 + step) as u64) / 1e6);
            }
        }
        // Random magnitudes from a microsecond to years, and random bit patterns.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            edges.push(unit * 10f64.powi((state % 12) as i32 - 4));
            edges.push(f64::from_bits(state));
        }
        for secs in edges {
            assert_eq!(
                SimDuration::from_secs_f64(secs).as_micros(),
                rounded_reference(secs),
                "{secs:e}"
            );
        }
    }

    #[test]
    fn time_arithmetic_saturates_instead_of_wrapping() {
        let late = SimTime::from_micros(u64::MAX - 1);
        assert_eq!(late + SimDuration::from_secs(5), SimTime::NEVER);
        assert_eq!(SimTime::ZERO - late, SimDuration::ZERO);
        assert_eq!(
            SimTime::from_micros(90_061_000_000).to_string(),
            "d1 01:01:01"
        );
    }
}
