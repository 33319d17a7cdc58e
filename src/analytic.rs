//! Closed-form queueing results (Erlang B, Erlang C and Erlang A) that serve as oracles for the
//! simulator: a scenario reduced to a single Markovian queue must reproduce these numbers.
//! Everything is written from the textbook formulas, using ratio recursions and scaled
//! probabilities instead of powers and factorials, so it stays in floating-point range for
//! thousands of servers and loads of about a thousand Erlangs. It deliberately does not depend
//! on the simulator or on any other module of the crate: an oracle that shared code with the
//! thing it judges could share its bugs too. It also does not model anything beyond a single
//! FIFO queue with identical exponential servers (no skills, priorities or routing).

/// Parameters of an M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MmcParams {
    /// Poisson arrival rate, per second.
    pub arrival_rate: f64,
    /// Mean of the exponential handle time, in seconds.
    pub mean_handle_time: f64,
    /// Number of identical servers.
    pub servers: u32,
}

impl MmcParams {
    fn is_valid(&self) -> bool {
        usable(self.arrival_rate) && usable(self.mean_handle_time) && self.servers > 0
    }
}

/// Positive and finite, and so is the reciprocal (rates are derived from times).
fn usable(x: f64) -> bool {
    x > 0.0 && x.is_finite() && x.recip().is_finite()
}

/// Erlang B: probability that an arrival to an M/M/c/c loss system is blocked.
///
/// Returns NaN when `offered_load` is negative or not finite.
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    if !(offered_load.is_finite() && offered_load >= 0.0) {
        return f64::NAN;
    }
    // The ratio form never builds a^c or c!, and every iterate lies in [0, 1].
    let mut b = 1.0;
    for k in 1..=servers {
        let ab = offered_load * b;
        b = ab / (f64::from(k) + ab);
    }
    b
}

/// Erlang C: probability that an arrival to an M/M/c queue has to wait.
///
/// Returns 1.0 when `offered_load >= servers` (the queue grows without bound, so in the long
/// run everybody waits) and NaN for a negative or NaN load.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let c = f64::from(servers);
    if offered_load >= c {
        return 1.0;
    }
    let b = erlang_b(servers, offered_load);
    // Going through Erlang B keeps the stability of its recursion; the direct sum would not.
    c * b / (c - offered_load * (1.0 - b))
}

/// Steady-state performance of a stable M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangC {
    /// Probability that an arrival waits at all.
    pub p_wait: f64,
    /// Mean wait in queue over all arrivals (average speed of answer), in seconds.
    pub mean_wait: f64,
    /// Fraction of time a server is busy.
    pub occupancy: f64,
    /// c mu - lambda: the exponential rate of the wait of a call that has to wait.
    drain_rate: f64,
}

impl ErlangC {
    /// `None` when the input is invalid (non-finite or non-positive) or the queue is unstable
    /// (offered load at least the number of servers).
    pub fn new(p: MmcParams) -> Option<ErlangC> {
        if !p.is_valid() {
            return None;
        }
        let load = p.arrival_rate * p.mean_handle_time;
        let c = f64::from(p.servers);
        if load >= c {
            return None;
        }
        let drain_rate = c / p.mean_handle_time - p.arrival_rate;
        let p_wait = erlang_c(p.servers, load);
        Some(ErlangC {
            p_wait,
            mean_wait: p_wait / drain_rate,
            occupancy: load / c,
            drain_rate,
        })
    }

    /// P(W <= threshold) over all arrivals, including those answered at once.
    pub fn service_level(&self, threshold: f64) -> f64 {
        if threshold < 0.0 {
            return 0.0;
        }
        1.0 - self.p_wait * (-self.drain_rate * threshold).exp()
    }

    /// E[W | W > 0]: the mean wait of those who wait.
    pub fn mean_wait_of_waiting(&self) -> f64 {
        1.0 / self.drain_rate
    }

    /// The `q`-quantile of the wait over all arrivals; NaN unless `0 <= q <= 1`.
    pub fn wait_quantile(&self, q: f64) -> f64 {
        if !(0.0..=1.0).contains(&q) {
            return f64::NAN;
        }
        // The distribution has an atom of 1 - p_wait at zero.
        if q <= 1.0 - self.p_wait {
            return 0.0;
        }
        (self.p_wait / (1.0 - q)).ln() / self.drain_rate
    }
}

/// Beyond this many states the chain is treated as too close to unstable to solve (patience
/// so long against an overload that the queue would hold millions of calls).
const MAX_STATES: usize = 1 << 22;
/// Mass left out of the truncated stationary distribution, relative to its largest term.
const TRUNCATION: f64 = 1e-17;

/// M/M/c+M (Erlang A, Palm): exponential patience with mean `mean_patience`.
#[derive(Debug, Clone, PartialEq)]
pub struct ErlangA {
    arrival_rate: f64,
    service_rate: f64,
    abandon_rate: f64,
    servers: u32,
    /// Probability that an arrival finds a free server (PASTA).
    p_immediate: f64,
    /// `ahead[j]`: probability that an arrival finds all servers busy and j calls waiting.
    ahead: Vec<f64>,
    /// E[(N - c)^+], the mean number waiting.
    mean_queue: f64,
}

impl ErlangA {
    /// `None` on invalid (non-finite or non-positive) input, or when the queue would need more
    /// than about four million states (see `MAX_STATES`). Any load is allowed: abandonment
    /// keeps the chain stable.
    pub fn new(p: MmcParams, mean_patience: f64) -> Option<ErlangA> {
        if !p.is_valid() || !usable(mean_patience) {
            return None;
        }
        let lambda = p.arrival_rate;
        let (mu, theta) = (1.0 / p.mean_handle_time, 1.0 / mean_patience);
        let c = p.servers as usize;
        let cmu = c as f64 * mu;
        let death = |n: usize| mu * n.min(c) as f64 + theta * n.saturating_sub(c) as f64;
        // Anchor the unnormalised distribution at its mode with value 1: going outward every
        // term shrinks, so nothing can overflow, and terms that underflow are negligible.
        let guess = if lambda < cmu {
            (lambda / mu).floor()
        } else {
            c as f64 + ((lambda - cmu) / theta).floor()
        };
        if guess >= MAX_STATES as f64 {
            return None;
        }
        let mut mode = guess as usize;
        while mode > 0 && death(mode) > lambda {
            mode -= 1;
        }
        // Also bounded: a patience so long that c mu + n theta rounds to c mu never climbs.
        while death(mode + 1) <= lambda {
            mode += 1;
            if mode >= MAX_STATES {
                return None;
            }
        }
        let mut w = vec![0.0; mode + 1];
        w[mode] = 1.0;
        for n in (1..=mode).rev() {
            w[n - 1] = w[n] * (death(n) / lambda);
        }
        // Past the mode the ratios lambda / death(n) decrease, so the tail is below a geometric
        // series with the current ratio.
        let mut n = mode;
        loop {
            let r = lambda / death(n + 1);
            if n >= c && w[n] * r / (1.0 - r) < TRUNCATION {
                break;
            }
            if n + 1 >= MAX_STATES {
                return None;
            }
            w.push(w[n] * r);
            n += 1;
        }
        let total: f64 = w.iter().sum();
        let ahead: Vec<f64> = w[c..].iter().map(|x| x / total).collect();
        let mean_queue = ahead.iter().enumerate().map(|(j, x)| j as f64 * x).sum();
        Some(ErlangA {
            arrival_rate: lambda,
            service_rate: mu,
            abandon_rate: theta,
            servers: p.servers,
            p_immediate: w[..c].iter().sum::<f64>() / total,
            ahead,
            mean_queue,
        })
    }

    /// Probability that an arrival finds all servers busy (PASTA).
    pub fn p_wait(&self) -> f64 {
        self.ahead.iter().sum()
    }

    /// Fraction of arrivals who abandon: theta E[(N - c)^+] / lambda.
    pub fn p_abandon(&self) -> f64 {
        self.abandon_rate * self.mean_queue / self.arrival_rate
    }

    /// Mean time in queue over all arrivals, abandoners counted up to their abandonment.
    pub fn mean_wait(&self) -> f64 {
        self.mean_queue / self.arrival_rate
    }

    /// Fraction of time a server is busy.
    pub fn occupancy(&self) -> f64 {
        self.arrival_rate * (1.0 - self.p_abandon()) / (self.service_rate * f64::from(self.servers))
    }

    /// P(answered with a wait of at most `threshold`) over all arrivals, including those
    /// answered at once.
    pub fn service_level_of_offered(&self, threshold: f64) -> f64 {
        if threshold.is_nan() {
            return f64::NAN;
        }
        if threshold < 0.0 {
            return 0.0;
        }
        // Rounding can land a few ulps above 1 when nearly everything is answered.
        (self.p_immediate + self.served_within(threshold)).min(1.0)
    }

    /// The same event as [`ErlangA::service_level_of_offered`], among answered calls only.
    pub fn service_level_of_answered(&self, threshold: f64) -> f64 {
        (self.service_level_of_offered(threshold) / (1.0 - self.p_abandon())).min(1.0)
    }

    /// P(has to wait, and is answered within `t`): the absorption probability into "served"
    /// by time `t` of the tagged call's chain, averaged over the arrival-state distribution.
    ///
    /// With j calls ahead the call reaches a server after T = sum_{i=0..=j} Exp(c mu + i theta)
    /// and is served iff its own Exp(theta) patience outlasts T, so the probability is
    /// E[e^{-theta T}; T <= t]. With m = c mu / theta the rates are theta (m + i), and then
    /// e^{-theta T} ~ Beta(m, j + 1) (the Mellin transforms agree), which turns it into
    /// c mu / (c mu + (j + 1) theta) * P(Beta(m + 1, j + 1) >= e^{-theta t}); by the
    /// beta/negative-binomial identity the last factor is P(N > j) for N negative binomial
    /// with r = m + 1 and success probability y = 1 - e^{-theta t}. One pass over j then
    /// replaces time-stepping (uniformization would need about c mu t steps of the whole
    /// chain), and is exact for any c mu t. As theta -> 0, N tends to Poisson(c mu t): the
    /// Erlang C answer.
    fn served_within(&self, t: f64) -> f64 {
        let cmu = f64::from(self.servers) * self.service_rate;
        let theta = self.abandon_rate;
        // With j ahead the call is answered, if at all, within a Gamma(j + 1, c mu) time, which
        // exceeds 100 (j + 1) / (c mu) with probability below e^-94. Capping t there changes
        // nothing visible and keeps every quantity below finite, t = infinity included.
        let t = t.min(100.0 * (self.ahead.len() + 1) as f64 / cmu);
        // y / theta, formed so that neither a huge r = c mu / theta + 1 nor y = 1 - e^{-theta t}
        // rounding to 1 loses anything: P(N = j + 1) / P(N = j) = y (j + r) / (j + 1).
        let y_over_theta = -(-theta * t).exp_m1() / theta;
        // P(N = j) = p e^{log_scale}; P(N = 0) = (1 - y)^r = e^{-(c mu + theta) t} underflows
        // once c mu t passes ~745, so the scale lives in a logarithm and p is folded into it
        // before it can overflow. Terms that matter (above ~1e-20) never underflow this way.
        let (mut log_scale, mut p) = (-(cmu + theta) * t, 1.0);
        let (mut at_most, mut served) = (0.0, 0.0);
        for (j, w) in self.ahead.iter().enumerate() {
            let q = cmu + (j + 1) as f64 * theta;
            at_most += p * log_scale.exp();
            served += w * cmu / q * (1.0 - at_most).max(0.0);
            p *= y_over_theta * q / (j + 1) as f64;
            if p > 1e200 {
                log_scale += p.ln();
                p = 1.0;
            }
        }
        served
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(what: &str, got: f64, want: f64, tol: f64) {
        let ok = (got - want).abs() <= tol;
        assert!(ok, "{what}: got {got}, want {want} (tolerance {tol})");
    }

    fn params(arrival_rate: f64, mean_handle_time: f64, servers: u32) -> MmcParams {
        let p = (arrival_rate, mean_handle_time, servers);
        MmcParams {
            arrival_rate: p.0,
            mean_handle_time: p.1,
            servers: p.2,
        }
    }

    /// Erlang B from its defining sum, a^c/c! / sum a^k/k!, fine in f64 for small c.
    fn erlang_b_direct(c: u32, a: f64) -> f64 {
        let (mut term, mut sum) = (1.0, 1.0);
        for k in 1..=c {
            term *= a / f64::from(k);
            sum += term;
        }
        term / sum
    }

    #[test]
    fn erlang_b_matches_tables_and_direct_sum() {
        // Erlang B tables: 10 servers at 5 E block 1.8385 %; a 1 % grade of service is reached
        // by 10 servers at 4.461 E, 20 at 12.03 E and 100 at 84.06 E.
        let table = [
            (1, 1.0, 0.5, 1e-15),
            (2, 1.0, 0.2, 1e-15),
            (10, 5.0, 0.018385, 5e-7),
            (10, 4.461, 0.01, 5e-5),
            (20, 12.03, 0.01, 5e-5),
            (100, 84.06, 0.01, 5e-5),
            (7, 0.0, 0.0, 0.0),
            (0, 3.0, 1.0, 0.0),
        ];
        for (c, a, want, tol) in table {
            check(&format!("B({c}, {a})"), erlang_b(c, a), want, tol);
        }
        for c in 1..=30 {
            for a in [0.1, 1.0, 7.5, 20.0, 45.0] {
                let want = erlang_b_direct(c, a);
                check(
                    &format!("B({c}, {a}) vs sum"),
                    erlang_b(c, a),
                    want,
                    1e-13 * want,
                );
            }
        }
        assert!(erlang_b(3, -1.0).is_nan() && erlang_b(3, f64::NAN).is_nan());
    }

    #[test]
    fn erlang_c_matches_closed_forms() {
        // M/M/1: P(wait) = rho; M/M/2: P(wait) = 2 rho^2 / (1 + rho).
        let table = [
            (1, 0.7, 0.7, 1e-15),
            (2, 1.0, 2.0 * 0.25 / 1.5, 1e-15),
            (2, 1.6, 2.0 * 0.64 / 1.8, 1e-15),
            (3, 3.0, 1.0, 0.0),
            (3, 7.0, 1.0, 0.0),
        ];
        for (c, a, want, tol) in table {
            check(&format!("C({c}, {a})"), erlang_c(c, a), want, tol);
        }
        for c in 1..=30 {
            let (a, b) = (0.9 * f64::from(c), erlang_b_direct(c, 0.9 * f64::from(c)));
            let want = f64::from(c) * b / (f64::from(c) - a * (1.0 - b));
            check(&format!("C({c}, {a})"), erlang_c(c, a), want, 1e-13 * want);
        }
        let (b, c) = (erlang_b(500, 480.0), erlang_c(500, 480.0));
        assert!(b > 0.0 && b < c && c < 1.0, "large system: b {b}, c {c}");
        let (b, c) = (erlang_b(1000, 1000.0), erlang_c(1000, 999.0));
        assert!(b > 0.0 && b < 1.0 && c > 0.9 && c < 1.0, "b {b}, c {c}");
    }

    #[test]
    fn erlang_c_worked_example() {
        // The Call Centre Helper worked example ("Erlang C formula - made simple"): 100 calls
        // per 30 minutes, 180 s handle time, 20 s target (10 E). pyworkforce
        // (rodrigo-arenas/pyworkforce, README and queuing/tests/test_erlang.py) publishes for it
        // 14 agents: P(wait) 0.1741, service level 0.8884, occupancy 0.7143; and 15 agents with a
        // 0.33 min target: P(wait) 0.102, service level 0.941, occupancy 0.667.
        let lambda = 100.0 / 1800.0;
        let e = ErlangC::new(params(lambda, 180.0, 15)).unwrap();
        check("p_wait(15)", e.p_wait, 0.102, 5e-4);
        check("sl(15)", e.service_level(0.33 * 60.0), 0.941, 5e-4);
        check("occupancy(15)", e.occupancy, 0.667, 5e-4);
        let e = ErlangC::new(params(lambda, 180.0, 14)).unwrap();
        check("p_wait(14)", e.p_wait, 0.1741, 5e-5);
        check("sl(14)", e.service_level(20.0), 0.8884, 5e-5);
        check("occupancy(14)", e.occupancy, 0.7143, 5e-5);
        // Textbook ASA = P(wait) AHT / (c - a), from the published P(wait): 7.83 s.
        check("asa(14)", e.mean_wait, 0.1741 * 180.0 / 4.0, 5e-5 * 45.0);
        check(
            "wait of waiting",
            e.mean_wait_of_waiting(),
            180.0 / 4.0,
            1e-12,
        );
        check("sl(0)", e.service_level(0.0), 1.0 - e.p_wait, 1e-15);
        for q in [0.9, 0.95, 0.99] {
            check(
                &format!("sl(q{q})"),
                e.service_level(e.wait_quantile(q)),
                q,
                1e-12,
            );
        }
        assert_eq!(e.wait_quantile(0.5), 0.0);
        assert_eq!(e.wait_quantile(1.0), f64::INFINITY);
        assert!(e.wait_quantile(1.5).is_nan());
    }

    #[test]
    fn invalid_input_gives_none() {
        let bad = [
            params(1.0, 1.0, 0),
            params(-1.0, 1.0, 2),
            params(1.0, f64::NAN, 2),
            params(f64::INFINITY, 1.0, 2),
            params(1.0, 0.0, 2),
        ];
        for p in bad {
            assert!(ErlangC::new(p).is_none(), "{p:?}");
            assert!(ErlangA::new(p, 60.0).is_none(), "{p:?}");
        }
        assert!(ErlangC::new(params(2.0, 1.0, 2)).is_none(), "unstable");
        for patience in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            assert!(ErlangA::new(params(1.0, 1.0, 2), patience).is_none());
        }
    }

    #[test]
    fn erlang_a_converges_to_erlang_c_with_endless_patience() {
        for p in [
            params(0.2, 240.0, 55),
            params(0.9, 1.0, 1),
            params(3.0, 300.0, 1000),
        ] {
            let (c, a) = (ErlangC::new(p).unwrap(), ErlangA::new(p, 1e9).unwrap());
            check("p_wait", a.p_wait(), c.p_wait, 1e-6);
            check(
                "mean wait",
                a.mean_wait(),
                c.mean_wait,
                1e-6 * c.mean_wait.max(1.0),
            );
            check("occupancy", a.occupancy(), c.occupancy, 1e-6);
            for t in [0.0, 5.0, 20.0, 60.0] {
                let want = c.service_level(t);
                check("sl offered", a.service_level_of_offered(t), want, 1e-6);
                check("sl answered", a.service_level_of_answered(t), want, 1e-6);
            }
        }
    }

    #[test]
    fn erlang_a_matches_independent_implementation() {
        // pyworkforce's ErlangA (same model and definitions, separate Python code) pins, in
        // queuing/tests/test_abandonment.py, the example above with 14 agents and 5 minute mean
        // patience: P(wait) 0.14526, p_abandon 0.013984, occupancy 0.704297, ASA 0.069919 min,
        // service level (20 s) 0.916792.
        let a = ErlangA::new(params(100.0 / 1800.0, 180.0, 14), 300.0).unwrap();
        check("p_wait", a.p_wait(), 0.14526, 5e-6);
        check("p_abandon", a.p_abandon(), 0.013984, 5e-7);
        check("occupancy", a.occupancy(), 0.704297, 5e-7);
        check("asa", a.mean_wait() / 60.0, 0.069919, 5e-7);
        check("sl", a.service_level_of_offered(20.0), 0.916792, 5e-7);
    }

    #[test]
    fn single_server_matches_plain_birth_death_sum() {
        for (lambda, aht, patience) in [(1.0, 0.8, 2.0), (2.0, 1.0, 0.5), (0.3, 2.0, 10.0)] {
            let (mu, theta) = (1.0 / aht, 1.0 / patience);
            let mut pi = vec![1.0];
            for n in 1..400 {
                pi.push(pi[n - 1] * lambda / (mu + (n - 1) as f64 * theta));
            }
            let total: f64 = pi.iter().sum();
            let queue: f64 = (1..400).map(|n| (n - 1) as f64 * pi[n] / total).sum();
            let a = ErlangA::new(params(lambda, aht, 1), patience).unwrap();
            check("p_wait", a.p_wait(), 1.0 - pi[0] / total, 1e-13);
            check("p_abandon", a.p_abandon(), theta * queue / lambda, 1e-13);
        }
    }

    #[test]
    fn service_level_matches_plain_uniformization() {
        // Time-step the tagged call's chain directly (uniformization at the fastest rate,
        // Poisson weights by the textbook recursion) for an overloaded, impatient system whose
        // queue is long (so the theta terms matter), checking the negative-binomial closed form.
        let a = ErlangA::new(params(24.0, 1.0, 20), 4.0).unwrap();
        let (cmu, theta, n) = (20.0, 0.25, a.ahead.len());
        let rate = cmu + n as f64 * theta;
        assert!(n > 60, "queue too short to be a useful check: {n}");
        for t in [0.05, 0.2, 1.0, 3.0] {
            let (mut v, mut served, mut poisson, mut want) = (a.ahead.clone(), 0.0, 0.0, 0.0);
            for k in 0..(rate * t + 20.0 * (rate * t).sqrt() + 50.0) as usize {
                poisson = if k == 0 {
                    (-rate * t).exp()
                } else {
                    poisson * rate * t / k as f64
                };
                want += poisson * served;
                served += v[0] * cmu / rate;
                for i in 0..n {
                    let out = cmu + (i + 1) as f64 * theta;
                    let down = v.get(i + 1).map_or(0.0, |x| x * out / rate);
                    v[i] = v[i] * (1.0 - out / rate) + down;
                }
            }
            let got = a.service_level_of_offered(t) - (1.0 - a.p_wait());
            check(&format!("sl({t})"), got, want, 1e-10);
        }
    }

    #[test]
    fn answered_and_abandoned_add_up() {
        let cases = [
            (params(2.5, 1.0, 2), 2.0),
            (params(0.2, 240.0, 55), 60.0),
            (params(1.2 * 500.0 / 180.0, 180.0, 500), 60.0),
            (params(980.0 / 300.0, 300.0, 1000), 120.0),
            (params(5.0, 300.0, 1), 30.0),
        ];
        for (p, patience) in cases {
            let a = ErlangA::new(p, patience).unwrap();
            let sl = |t| a.service_level_of_offered(t);
            let answered = 1.0 - a.p_abandon();
            check("sl(inf)", sl(f64::INFINITY), answered, 1e-12);
            check("sl(1e6)", sl(1e6), answered, 1e-12);
            check("sl(0)", sl(0.0), 1.0 - a.p_wait(), 1e-12);
            // Relative, because one server at 1500 E answers only 1 call in 1500.
            check(
                "answered",
                a.service_level_of_answered(f64::INFINITY),
                1.0,
                1e-9,
            );
            let mut last = sl(0.0);
            for t in [1.0, 5.0, 20.0, 60.0, 300.0, 1000.0] {
                let now = sl(t);
                let ok = now >= last - 1e-14 && now <= answered + 1e-12;
                assert!(ok, "{p:?} t {t}: {now} after {last}");
                last = now;
            }
            assert!(last > sl(1.0), "{p:?}: flat service level");
        }
    }

    #[test]
    fn overload_approaches_fluid_limit() {
        // At offered load 1.2 c the servers are saturated and the excess abandons:
        // p_abandon -> 1 - c / load = 1/6 as c grows.
        let a = ErlangA::new(params(1.2 * 500.0 / 180.0, 180.0, 500), 60.0).unwrap();
        check("p_abandon", a.p_abandon(), 1.0 / 6.0, 0.01);
        check("occupancy", a.occupancy(), 1.0, 0.01);
        assert!(a.p_wait() > 0.99 && a.p_wait() <= 1.0 + 1e-12);
        assert!(a.mean_wait().is_finite() && a.mean_wait() > 0.0);
    }

    #[test]
    fn littles_law_for_the_queue() {
        // A tagged call with j ahead waits (j + 1) / (c mu + (j + 1) theta) on average (the
        // survival products telescope); over arrivals this must equal E[(N - c)^+] / lambda,
        // which holds only if the distribution satisfies the balance equations.
        for (p, patience) in [
            (params(2.5, 1.0, 2), 2.0),
            (params(3.2, 300.0, 1000), 120.0),
        ] {
            let a = ErlangA::new(p, patience).unwrap();
            let cmu = f64::from(p.servers) / p.mean_handle_time;
            let tagged: f64 = (a.ahead.iter().enumerate())
                .map(|(j, x)| x * (j + 1) as f64 / (cmu + (j + 1) as f64 / patience))
                .sum();
            check("mean wait", a.mean_wait(), tagged, 1e-12 * tagged.max(1.0));
            check("p_abandon", a.p_abandon(), a.mean_wait() / patience, 1e-15);
        }
    }
}
