//! The counts of conversations of one scope (overall, a channel, a workstream or a queue) in
//! one interval of the day, and the measure rows made of them: volumes, waits, service levels,
//! handle time, and the workstream-semantics counts (offers, declines, resumes, affinity,
//! overflow, bots, auto-close). Totals over the run are the sums of the intervals.

use super::results::threshold_label;
use super::stats::LogHistogram;
use super::Text;

pub(super) const MICROS: f64 = 1_000_000.0;

/// Conversation counts and waits of one scope in one interval (by arrival).
#[derive(Debug, Clone, Default)]
pub(super) struct Flow {
    pub offered: u64,
    pub answered: u64,
    pub answered_from_queue: u64,
    pub abandoned: u64,
    pub handled: u64,
    /// Time agents spent on the handled conversations (every Active segment, with wrap-up),
    /// microseconds.
    pub handle_time_sum: u128,
    pub queued_at_end: u64,
    pub in_service_at_end: u64,
    pub answered_within: Vec<u64>,
    pub answer_wait: LogHistogram,
    pub abandon_wait_sum: u128,
}

impl Flow {
    pub fn merge(&mut self, other: &Flow) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_from_queue += other.answered_from_queue;
        self.abandoned += other.abandoned;
        self.handled += other.handled;
        self.handle_time_sum += other.handle_time_sum;
        self.queued_at_end += other.queued_at_end;
        self.in_service_at_end += other.in_service_at_end;
        for (mine, theirs) in self.answered_within.iter_mut().zip(&other.answered_within) {
            *mine += theirs;
        }
        self.answer_wait.merge(&other.answer_wait);
        self.abandon_wait_sum += other.abandon_wait_sum;
    }
}

/// Counts of the workstream semantics (notifications, bots, waiting and resume, affinity,
/// overflow) of one scope in one interval (by arrival of the conversation).
#[derive(Debug, Clone, Default)]
pub(super) struct SemanticFlow {
    pub overflowed: u64,
    pub overflow_transferred: u64,
    pub overflow_assigned_anyway: u64,
    pub offers: u64,
    pub rejected: u64,
    pub timed_out: u64,
    pub waiting_at_end: u64,
    pub with_bot_at_end: u64,
    pub contained: u64,
    pub auto_closed: u64,
    pub resumed: u64,
    pub resumed_answered: u64,
    pub resumed_same_agent: u64,
    pub affinity_kept: u64,
    pub affinity_broken: u64,
    /// First segments abandoned while an offer rang (also counted in `abandoned`).
    pub abandoned_ringing: u64,
    pub resume_abandoned: u64,
    pub resume_wait_sum: u128,
}

impl SemanticFlow {
    pub fn merge(&mut self, other: &SemanticFlow) {
        self.overflowed += other.overflowed;
        self.overflow_transferred += other.overflow_transferred;
        self.overflow_assigned_anyway += other.overflow_assigned_anyway;
        self.offers += other.offers;
        self.rejected += other.rejected;
        self.timed_out += other.timed_out;
        self.waiting_at_end += other.waiting_at_end;
        self.with_bot_at_end += other.with_bot_at_end;
        self.contained += other.contained;
        self.auto_closed += other.auto_closed;
        self.resumed += other.resumed;
        self.resumed_answered += other.resumed_answered;
        self.resumed_same_agent += other.resumed_same_agent;
        self.affinity_kept += other.affinity_kept;
        self.affinity_broken += other.affinity_broken;
        self.abandoned_ringing += other.abandoned_ringing;
        self.resume_abandoned += other.resume_abandoned;
        self.resume_wait_sum += other.resume_wait_sum;
    }

    /// The counts with a meaning per interval, in report order: the end-of-run states and the
    /// resume wait are summary-only.
    fn interval_counts(&self) -> [(&'static str, u64); 12] {
        [
            ("offers", self.offers),
            ("declines_rejected", self.rejected),
            ("declines_timed_out", self.timed_out),
            ("contained", self.contained),
            ("overflowed", self.overflowed),
            ("overflow_transferred", self.overflow_transferred),
            ("overflow_assigned_anyway", self.overflow_assigned_anyway),
            ("auto_closed", self.auto_closed),
            ("resumed", self.resumed),
            ("affinity_kept", self.affinity_kept),
            ("affinity_broken", self.affinity_broken),
            ("resume_abandoned", self.resume_abandoned),
        ]
    }
}

/// What a flow's rows include.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Period {
    /// The whole measured period: with the states at the end of the run.
    Run,
    /// One interval of the day.
    Interval,
}

/// The rows of one flow: volumes, outcomes, service levels, waits, handle time.
/// The service-level measures of each threshold: (`service_level_20s_of_offered`,
/// `service_level_20s_of_answered`), named once per run rather than per row.
pub(super) fn service_level_names(thresholds: &[u64]) -> Vec<(Text, Text)> {
    thresholds
        .iter()
        .map(|&threshold| {
            let label = threshold_label(threshold as f64 / MICROS);
            (
                format!("service_level_{label}_of_offered").into(),
                format!("service_level_{label}_of_answered").into(),
            )
        })
        .collect()
}

/// Appends the flow's rows to `rows`; `service_levels` names the measures of each threshold
/// ([`service_level_names`]).
pub(super) fn flow_rows(
    rows: &mut Vec<(Text, f64)>,
    service_levels: &[(Text, Text)],
    flow: &Flow,
    period: Period,
) {
    let resolved = (flow.answered + flow.abandoned) as f64;
    rows.extend([
        ("offered".into(), flow.offered as f64),
        ("answered".into(), flow.answered as f64),
        ("abandoned".into(), flow.abandoned as f64),
        ("handled".into(), flow.handled as f64),
    ]);
    if period == Period::Run {
        rows.push(("queued_at_end".into(), flow.queued_at_end as f64));
        rows.push(("in_service_at_end".into(), flow.in_service_at_end as f64));
    }
    rows.push((
        "abandon_rate".into(),
        ratio(flow.abandoned as f64, resolved),
    ));
    rows.push((
        "p_wait".into(),
        ratio((flow.answered_from_queue + flow.abandoned) as f64, resolved),
    ));
    for ((of_offered, of_answered), &within) in service_levels.iter().zip(&flow.answered_within) {
        let within = within as f64;
        rows.push((of_offered.clone(), ratio(within, resolved)));
        rows.push((of_answered.clone(), ratio(within, flow.answered as f64)));
    }
    let wait = &flow.answer_wait;
    let seconds = |micros: Option<u64>| micros.map_or(f64::NAN, |m| m as f64 / MICROS);
    rows.push(("asa_s".into(), wait.mean().map_or(f64::NAN, |m| m / MICROS)));
    let all_waits = (wait.sum() + flow.abandon_wait_sum) as f64 / MICROS;
    rows.push(("wait_mean_s".into(), ratio(all_waits, resolved)));
    let quantiles = wait.quantiles([0.5, 0.9, 0.95, 0.99]);
    for (measure, q) in ["wait_p50_s", "wait_p90_s", "wait_p95_s", "wait_p99_s"]
        .into_iter()
        .zip(quantiles)
    {
        rows.push((measure.into(), seconds(q)));
    }
    rows.push(("wait_max_s".into(), seconds(wait.max())));
    rows.push((
        "aht_s".into(),
        ratio(flow.handle_time_sum as f64 / MICROS, flow.handled as f64),
    ));
}

/// The semantics rows of the whole run.
pub(super) fn semantic_rows(flow: &SemanticFlow) -> Vec<(Text, f64)> {
    let counts = [
        ("offers", flow.offers),
        ("declines_rejected", flow.rejected),
        ("declines_timed_out", flow.timed_out),
        ("contained", flow.contained),
        ("overflowed", flow.overflowed),
        ("overflow_transferred", flow.overflow_transferred),
        ("overflow_assigned_anyway", flow.overflow_assigned_anyway),
        ("auto_closed", flow.auto_closed),
        ("waiting_at_end", flow.waiting_at_end),
        ("with_bot_at_end", flow.with_bot_at_end),
        ("resumed", flow.resumed),
        ("resumed_answered", flow.resumed_answered),
        ("resumed_same_agent", flow.resumed_same_agent),
        ("affinity_kept", flow.affinity_kept),
        ("affinity_broken", flow.affinity_broken),
        ("abandoned_ringing", flow.abandoned_ringing),
        ("resume_abandoned", flow.resume_abandoned),
    ];
    let mut rows: Vec<(Text, f64)> = counts
        .iter()
        .map(|&(name, count)| (name.into(), count as f64))
        .collect();
    rows.push((
        "resume_wait_mean_s".into(),
        ratio(
            flow.resume_wait_sum as f64 / MICROS,
            flow.resumed_answered as f64,
        ),
    ));
    rows
}

/// Appends the semantics rows of one interval to `rows`.
pub(super) fn interval_semantic_rows(rows: &mut Vec<(Text, f64)>, flow: &SemanticFlow) {
    rows.extend(
        flow.interval_counts()
            .iter()
            .map(|&(name, count)| (name.into(), count as f64)),
    );
}

pub(super) fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}
