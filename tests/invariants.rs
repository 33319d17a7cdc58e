//! Invariants over many random scenarios (proptest): every workstream setting is drawn at
//! random, the scenario is simulated, and an observer checks as it goes that
//! - capacity in use exceeds an agent's capacity only by an excess the model reported through
//!   `over_capacity` (pick, affinity, self-selection, an unreserved offer or a preferred
//!   agent), never silently;
//! - no agent is offered work while Offline except through affinity;
//! - an agent who is Away (break, away episode, Inactive) or Offline never answers an offer
//!   (accepts or rejects it) unless its group is set to (`when_absent = "answer"`): its offers
//!   ring until they time out;
//! - every conversation ends in exactly one outcome or is still open at the horizon, both by
//!   direct count and in the collector's rows (offered = handled + abandoned + auto-closed +
//!   contained + overflowed + resume-abandoned + open at end);
//! - a concurrency slowdown never loses work: a service rescheduled at every change of its
//!   agent's concurrency never ends with work left (a debug assertion in the model, which
//!   these debug-build tests run) and never leaves a conversation without an end;
//! - after every step no queued item of a queue's top block has an agent a full look would
//!   give it (the assignment invariant, a debug assertion in the model for centres of up to
//!   32 agents), with allowed presences that differ between workstreams so that presence
//!   moves open work to agents.
//!
//! A failure shrinks to a small scenario whose TOML text is printed.

use std::collections::HashMap;
use std::path::PathBuf;

use proptest::prelude::*;
use routesim::config::{parse_scenario, Origin};
use routesim::engine::SimTime;
use routesim::metrics::{run, Scope};
use routesim::model::{
    simulate, Abandonment, AgentId, AgentStatus, Answer, ConversationInfo, Decline, GroupId,
    Observer, OfferVia, OpenState, OverCapacityCause, OverflowOutcome, Presence, Return, Scenario,
    WhenAbsent,
};

#[derive(Debug, Clone)]
struct ChannelParams {
    kind: &'static str,
    per_hour: u32,
    handle_mean_s: u32,
    patience_mean_s: Option<u32>,
    waiting: Option<(f64, u32)>,
    wrap_up_s: Option<u32>,
    resume_patience_s: Option<u32>,
}

#[derive(Debug, Clone)]
struct WorkstreamParams {
    pick: bool,
    affinity: Option<bool>,
    self_selection: bool,
    units: u32,
    timeout_s: u32,
    missed_sets_inactive: bool,
    reject_sets_busy_dnd: bool,
    reserve: bool,
    wrap_up_blocking: &'static str,
    auto_close_m: u32,
    matching: &'static str,
    required_rating: Option<u32>,
    priority: i32,
    split: bool,
    bot: Option<(f64, u32)>,
    profile: bool,
    slowdown: bool,
    /// `allowed_presences`, or `None` for the default.
    presences: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct GroupParams {
    count: u32,
    capacity: u32,
    queues: u8,
    response_s: Option<u32>,
    reject: f64,
    miss: f64,
    picking_always: bool,
    think_s: u32,
    rating: Option<u32>,
    shift: Option<(u32, u32)>,
    away: Option<(f64, u32)>,
    profile_limit: Option<u32>,
    answers_when_absent: bool,
    with_break: bool,
}

fn channel() -> impl Strategy<Value = ChannelParams> {
    (
        prop::sample::select(vec!["live_chat", "persistent_chat", "sms", "whatsapp"]),
        10u32..150,
        30u32..900,
        prop::option::of(30u32..1200),
        prop::option::of((0.0f64..0.7, 30u32..3600)),
        prop::option::of(5u32..300),
        prop::option::of(10u32..600),
    )
        .prop_map(
            |(
                kind,
                per_hour,
                handle_mean_s,
                patience_mean_s,
                waiting,
                wrap_up_s,
                resume_patience_s,
            )| ChannelParams {
                kind,
                per_hour,
                handle_mean_s,
                patience_mean_s,
                // Live chat never goes Waiting (the validator refuses it).
                waiting: if kind == "live_chat" { None } else { waiting },
                wrap_up_s,
                resume_patience_s,
            },
        )
}

fn workstream() -> impl Strategy<Value = WorkstreamParams> {
    (
        (
            any::<bool>(),
            prop::option::of(any::<bool>()),
            any::<bool>(),
            1u32..3,
            10u32..180,
        ),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        (
            prop::sample::select(vec!["always", "never", "1m"]),
            5u32..120,
        ),
        (
            prop::sample::select(vec!["exact", "closest", "none"]),
            prop::option::of(1u32..6),
            -2i32..3,
            any::<bool>(),
        ),
        prop::option::of((0.0f64..1.0, 5u32..600)),
        (
            any::<bool>(),
            any::<bool>(),
            // Sets that differ between workstreams make presence moves open work to an agent
            // (Available to Busy on a pick, Busy - DND to Away in an episode).
            prop::option::of(prop::sample::select(vec![
                r#"["available", "busy", "away"]"#,
                r#"["busy"]"#,
                r#"["available"]"#,
                r#"["available", "busy", "busy_dnd"]"#,
                r#"["available", "away"]"#,
            ])),
        ),
    )
        .prop_map(
            |(a, b, c, d, bot, (profile, slowdown, presences))| WorkstreamParams {
                pick: a.0,
                affinity: if a.0 { None } else { a.1 },
                self_selection: !a.0 && a.2,
                units: a.3,
                timeout_s: a.4,
                missed_sets_inactive: b.0,
                reject_sets_busy_dnd: b.1,
                reserve: b.2,
                wrap_up_blocking: c.0,
                auto_close_m: c.1,
                matching: d.0,
                required_rating: d.1,
                priority: d.2,
                split: d.3,
                bot: if a.0 { None } else { bot },
                profile,
                slowdown,
                presences,
            },
        )
}

fn group() -> impl Strategy<Value = GroupParams> {
    (
        (1u32..6, 1u32..5, 1u8..4),
        (prop::option::of(0u32..90), 0.0f64..0.4, 0.0f64..0.4),
        (any::<bool>(), 1u32..120, prop::option::of(1u32..6)),
        prop::option::of((0u32..24, 1u32..14)),
        prop::option::of((0.1f64..3.0, 30u32..900)),
        (prop::option::of(0u32..4), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(a, b, c, shift, away, (profile_limit, answers_when_absent, with_break))| {
                GroupParams {
                    count: a.0,
                    capacity: a.1,
                    queues: a.2,
                    response_s: b.0,
                    reject: b.1,
                    miss: b.2,
                    picking_always: c.0,
                    think_s: c.1,
                    rating: c.2,
                    shift,
                    away,
                    profile_limit,
                    answers_when_absent,
                    with_break,
                }
            },
        )
}

fn scenario_text(
    channels: &[ChannelParams],
    workstreams: &[WorkstreamParams],
    groups: &[GroupParams],
    decline_limit: u32,
    dnd_when_full: bool,
    overflow: &str,
) -> String {
    let mut t = format!(
        "[simulation]\nhorizon = \"6h\"\ndecline_limit = {decline_limit}\nfull_capacity_presence = \"{}\"\n\n[capacity_profiles.p]\nwork_item_limit = 2\nblocking = {}\n{}\n",
        if dnd_when_full { "busy_dnd" } else { "busy" },
        decline_limit % 2 == 0,
        // The profile's other rules, drawn through the decline limit to keep the case small.
        match decline_limit {
            3 => "reset = \"end_of_day\"\n",
            4 => "blocking_scope = \"same_profile\"\n",
            _ => "",
        }
    );
    for (i, c) in channels.iter().enumerate() {
        t += &format!(
            "[channels.c{i}]\nkind = \"{}\"\narrivals = {{ per_hour = {} }}\n",
            c.kind, c.per_hour
        );
        t += &format!(
            "handle_time = {{ kind = \"exponential\", mean = \"{}s\" }}\n",
            c.handle_mean_s
        );
        t += "variables.segment = { values = [\"a\", \"b\"], weights = [1, 1] }\n";
        if let Some(p) = c.patience_mean_s {
            t += &format!("patience = {{ kind = \"exponential\", mean = \"{p}s\" }}\n");
        }
        if let Some((p, resume)) = c.waiting {
            let patience = c.resume_patience_s.map_or(String::new(), |s| {
                format!(", resume_patience = {{ kind = \"exponential\", mean = \"{s}s\" }}")
            });
            t += &format!("waiting = {{ probability = {p}, resume_delay = {{ kind = \"exponential\", mean = \"{resume}s\" }}{patience} }}\n");
        }
        if let Some(w) = c.wrap_up_s {
            t += &format!("wrap_up = {{ kind = \"exponential\", mean = \"{w}s\" }}\n");
        }
        t += "\n";
    }
    for (i, w) in workstreams.iter().enumerate() {
        t += &format!("[workstreams.w{i}]\nchannels = [\"c{i}\"]\nfallback_queue = \"q0\"\n");
        t += &format!(
            "mode = \"{}\"\ncapacity_units = {}\n",
            if w.pick { "pick" } else { "push" },
            w.units
        );
        if let Some(a) = w.affinity {
            t += &format!("affinity = {a}\n");
        }
        if w.self_selection {
            t += "allow_self_selection = true\n";
        }
        t += &format!(
            "notifications = {{ timeout = \"{}s\", missed_sets_inactive = {}, reject_sets_busy_dnd = {}, reserve_capacity_on_offer = {} }}\n",
            w.timeout_s, w.missed_sets_inactive, w.reject_sets_busy_dnd, w.reserve
        );
        t += &format!(
            "wrap_up_blocking = \"{}\"\nauto_close_after = \"{}m\"\nskill_matching = \"{}\"\n",
            w.wrap_up_blocking, w.auto_close_m, w.matching
        );
        if w.profile {
            t += "capacity_profiles = [\"p\"]\n";
        }
        // Preferred agents on a third of the push workstreams, both fallbacks.
        if !w.pick && w.timeout_s % 3 == 0 {
            let fallback = if w.timeout_s % 2 == 0 {
                "next_best"
            } else {
                "leave_in_queue"
            };
            t += &format!("preferred_agents = {{ variable = \"segment\", fallback = \"{fallback}\", by_value = {{ a = [\"g0:1\", \"g0\"] }} }}\n");
        }
        if w.slowdown {
            t += "concurrency_slowdown = [1.0, 1.3, 0.8, 2.5]\n";
        }
        if let Some(presences) = w.presences {
            t += &format!("allowed_presences = {presences}\n");
        }
        if let Some((p, time)) = w.bot {
            t += &format!("bot = {{ containment_probability = {p}, handling_time = {{ kind = \"exponential\", mean = \"{time}s\" }} }}\n");
        }
        if w.split {
            t += "routing = [{ when = [{ variable = \"segment\", equals = \"b\" }], split = [{ queue = \"q1\", percent = 50 }, { queue = \"q0\", percent = 50 }] }]\n";
        }
        if let Some(rating) = w.required_rating {
            // Some rules also append the profile to the items they match.
            let appended = if !w.profile && w.priority > 0 {
                ", capacity_profiles = [\"p\"]"
            } else {
                ""
            };
            t += &format!(
                "classification = [{{ when = [{{ variable = \"segment\", equals = \"a\" }}], skills = {{ s = {rating} }}, priority = {}{appended} }}]\n",
                w.priority
            );
        }
        t += "\n";
    }
    t += &format!("[queues.q0]\n{overflow}[queues.q1]\nassignment = \"least_active\"\npriority = 1\n[queues.q2]\nassignment = \"round_robin\"\n\n");
    for (i, g) in groups.iter().enumerate() {
        let queues: Vec<&str> = ["\"q0\"", "\"q1\"", "\"q2\""]
            .into_iter()
            .take(g.queues as usize)
            .collect();
        t += &format!(
            "[agent_groups.g{i}]\ncount = {}\ncapacity_units = {}\nqueues = [{}]\n",
            g.count,
            g.capacity,
            queues.join(", ")
        );
        let response = g.response_s.map_or(String::new(), |s| {
            format!(
                "response_time = {{ kind = \"exponential\", mean = \"{}s\" }}, ",
                s + 1
            )
        });
        let when_absent = if g.answers_when_absent {
            "answer"
        } else {
            "miss"
        };
        t += &format!("notifications = {{ {response}reject_probability = {}, miss_probability = {}, presence_reset = \"2m\", when_absent = \"{when_absent}\" }}\n", g.reject, g.miss);
        t += &format!(
            "picking = {{ think_time = {{ kind = \"exponential\", mean = \"{}s\" }}, when = \"{}\" }}\n",
            g.think_s,
            if g.picking_always { "always" } else { "free_capacity" }
        );
        if let Some(r) = g.rating {
            t += &format!("skills = {{ s = {r} }}\n");
        }
        if let Some(limit) = g.profile_limit {
            t += &format!("capacity_profiles = [\"p\"]\nprofile_limits = {{ p = {limit} }}\n");
        }
        if let Some((rate, duration)) = g.away {
            t += &format!("away_episodes = {{ per_hour = {rate}, duration = {{ kind = \"exponential\", mean = \"{duration}s\" }} }}\n");
        }
        if let Some((start, length)) = g.shift {
            // A break in the shift's first hour, if asked for: the agents are Away in it.
            let breaks = if g.with_break {
                format!(", breaks = [{{ start = \"{start:02}:15\", end = \"{start:02}:40\" }}]")
            } else {
                String::new()
            };
            t += &format!(
                "shift = {{ start = \"{:02}:00\", end = \"{:02}:00\"{breaks} }}\n",
                start,
                (start + length) % 24
            );
        }
        t += "\n";
    }
    t
}

fn overflow() -> impl Strategy<Value = Option<String>> {
    prop::option::of((
        1u32..8,
        any::<bool>(),
        prop::sample::select(vec!["end", "transfer", "assign_anyway"]),
    ))
    .prop_map(|o| {
        o.map(|(limit, hours, action)| {
            let hours = if hours {
                ", operating_hours = { start = \"07:00\", end = \"03:00\" }"
            } else {
                ""
            };
            let to = if action == "transfer" {
                ", transfer_to = \"q2\""
            } else {
                ""
            };
            format!(
                "overflow = {{ work_item_limit = {limit}{hours}, action = \"{action}\"{to} }}\n"
            )
        })
    })
}

fn scenario_strategy() -> impl Strategy<Value = String> {
    (1usize..3, any::<bool>(), 1u32..6, overflow())
        .prop_flat_map(|(n_channels, dnd, limit, overflow)| {
            (
                prop::collection::vec(channel(), n_channels),
                prop::collection::vec(workstream(), n_channels),
                prop::collection::vec(group(), 1..4),
                Just(limit),
                Just(dnd),
                Just(overflow),
            )
        })
        .prop_map(|(c, w, g, limit, dnd, overflow)| {
            scenario_text(&c, &w, &g, limit, dnd, overflow.as_deref().unwrap_or(""))
        })
}

/// Checks the invariants while the simulation runs; failures are collected, not panicked,
/// so the test can print the scenario.
struct Checker {
    capacity: Vec<i64>,
    group_of: Vec<GroupId>,
    presence: Vec<Presence>,
    /// Whether each agent's group answers offers while Away or Offline.
    answers_when_absent: Vec<bool>,
    /// Offers ringing, by conversation (channel, arrival time): the agents they ring for.
    ringing: HashMap<(usize, u64), Vec<AgentId>>,
    /// The excess over capacity the model has reported for each agent since it last fitted.
    reported_excess: Vec<i64>,
    arrived: u64,
    closed: u64,
    abandoned: u64,
    auto_closed: u64,
    contained: u64,
    overflowed: u64,
    open_at_end: u64,
    failures: Vec<String>,
}

impl Checker {
    fn new(scenario: &Scenario) -> Checker {
        let mut capacity = Vec::new();
        let mut group_of = Vec::new();
        let mut answers_when_absent = Vec::new();
        for (idx, group) in scenario.agent_groups.iter().enumerate() {
            for _ in 0..group.count {
                capacity.push(i64::from(group.capacity_units));
                group_of.push(GroupId::from_index(idx));
                answers_when_absent.push(group.response.when_absent == WhenAbsent::Answer);
            }
        }
        let n = capacity.len();
        Checker {
            capacity,
            group_of,
            presence: vec![Presence::Offline; n],
            answers_when_absent,
            ringing: HashMap::new(),
            reported_excess: vec![0; n],
            arrived: 0,
            closed: 0,
            abandoned: 0,
            auto_closed: 0,
            contained: 0,
            overflowed: 0,
            open_at_end: 0,
            failures: Vec::new(),
        }
    }
}

impl Checker {
    fn fail(&mut self, message: String) {
        // A broken invariant tends to repeat at every event: keep the first few.
        if self.failures.len() < 5 {
            self.failures.push(message);
        }
    }

    fn key(c: &ConversationInfo) -> (usize, u64) {
        (c.channel.index(), c.arrived.as_micros())
    }

    /// The offer to `agent` stopped ringing; whether there was one (picks have none).
    fn stop_ringing(&mut self, c: &ConversationInfo, agent: AgentId) -> bool {
        let Some(agents) = self.ringing.get_mut(&Self::key(c)) else {
            return false;
        };
        let Some(pos) = agents.iter().position(|&a| a == agent) else {
            return false;
        };
        agents.swap_remove(pos);
        if agents.is_empty() {
            self.ringing.remove(&Self::key(c));
        }
        true
    }

    /// An agent answered (accepted or rejected) an offer: it must be at the desk.
    fn check_answer(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId, what: &str) {
        let offered = self.stop_ringing(c, agent);
        let presence = self.presence[agent.index()];
        if offered
            && !self.answers_when_absent[agent.index()]
            && matches!(presence, Presence::Away | Presence::Offline)
        {
            self.fail(format!("{now}: {agent} {what} an offer while {presence}"));
        }
    }

    /// The customer left: an offer ringing for it is withdrawn.
    fn withdraw(&mut self, c: &ConversationInfo) {
        self.ringing.remove(&Self::key(c));
    }
}

impl Observer for Checker {
    fn arrived(&mut self, _now: SimTime, _c: &ConversationInfo) {
        self.arrived += 1;
    }
    fn completed(&mut self, _now: SimTime, _c: &ConversationInfo, _agent: AgentId) {
        self.closed += 1;
    }
    fn abandoned(&mut self, _now: SimTime, c: &ConversationInfo, _from: Abandonment) {
        self.abandoned += 1;
        self.withdraw(c);
    }
    fn resume_abandoned(&mut self, _now: SimTime, c: &ConversationInfo, _from: Abandonment) {
        self.abandoned += 1;
        self.withdraw(c);
    }
    fn auto_closed(&mut self, _now: SimTime, _c: &ConversationInfo) {
        self.auto_closed += 1;
    }
    fn contained(&mut self, _now: SimTime, _c: &ConversationInfo) {
        self.contained += 1;
    }
    fn overflowed(&mut self, _now: SimTime, _c: &ConversationInfo, outcome: OverflowOutcome) {
        if outcome == OverflowOutcome::Ended {
            self.overflowed += 1;
        }
    }
    fn still_open(&mut self, _now: SimTime, _c: &ConversationInfo, _state: OpenState) {
        self.open_at_end += 1;
    }
    fn over_capacity(
        &mut self,
        now: SimTime,
        agent: AgentId,
        group: GroupId,
        _cause: OverCapacityCause,
        excess: i64,
    ) {
        if group != self.group_of[agent.index()] || excess <= 0 {
            self.fail(format!(
                "{now}: bad over_capacity report for {agent}: group {group}, excess {excess}"
            ));
        }
        self.reported_excess[agent.index()] = self.reported_excess[agent.index()].max(excess);
    }
    fn agent_changed(
        &mut self,
        now: SimTime,
        agent: AgentId,
        _group: GroupId,
        _before: AgentStatus,
        after: AgentStatus,
    ) {
        let i = agent.index();
        self.presence[i] = after.presence;
        let excess = after.used_units - self.capacity[i];
        if excess > self.reported_excess[i] {
            self.fail(format!(
                "{now}: {agent} uses {} of {} units, unreported",
                after.used_units, self.capacity[i]
            ));
        }
        if excess <= 0 {
            self.reported_excess[i] = 0;
        }
        if after.used_units < 0 {
            self.fail(format!("{now}: {agent} uses {} units", after.used_units));
        }
    }
    fn offered(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId, via: OfferVia) {
        self.ringing.entry(Self::key(c)).or_default().push(agent);
        if self.presence[agent.index()] == Presence::Offline && via != OfferVia::Affinity {
            self.fail(format!(
                "{now}: {agent} offered work while Offline, not by affinity"
            ));
        }
    }
    fn answered(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId, _how: Answer) {
        self.check_answer(now, c, agent, "accepted");
    }
    fn resume_answered(
        &mut self,
        now: SimTime,
        c: &ConversationInfo,
        agent: AgentId,
        _: Answer,
        _: SimTime,
        _: Return,
    ) {
        self.check_answer(now, c, agent, "accepted");
    }
    fn declined(
        &mut self,
        now: SimTime,
        c: &ConversationInfo,
        agent: AgentId,
        _group: GroupId,
        how: Decline,
    ) {
        match how {
            Decline::Rejected => self.check_answer(now, c, agent, "rejected"),
            Decline::TimedOut => {
                self.stop_ringing(c, agent);
            }
        }
    }
}

fn origin() -> Origin {
    Origin {
        file: "random.toml".into(),
        base_dir: PathBuf::from("."),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_the_invariants(text in scenario_strategy(), seed in 0u64..1000) {
        let scenario = match parse_scenario(&text, &origin()) {
            Ok(scenario) => scenario,
            Err(error) => return Err(TestCaseError::fail(format!("generated an invalid scenario: {error}\n{text}"))),
        };
        let mut checker = Checker::new(&scenario);
        simulate(&scenario, seed, &mut checker);
        prop_assert!(checker.failures.is_empty(), "{}\n{text}", checker.failures.join("\n"));
        let ended = checker.closed + checker.abandoned + checker.auto_closed + checker.contained + checker.overflowed + checker.open_at_end;
        prop_assert_eq!(checker.arrived, ended, "conversations lost or counted twice\n{}", text);

        // The collector's rows tell the same story (no warm-up: every conversation counts).
        let results = run(&scenario, seed);
        let rows: HashMap<&str, f64> = results
            .summary
            .iter()
            .filter(|r| r.scope == Scope::Overall)
            .map(|r| (r.measure.as_str(), r.value))
            .collect();
        let outcomes = rows["handled"] + rows["abandoned"] + rows["resume_abandoned"] + rows["auto_closed"] + rows["contained"] + rows["overflowed"];
        let open = rows["queued_at_end"] + rows["in_service_at_end"] + rows["waiting_at_end"] + rows["with_bot_at_end"];
        prop_assert_eq!(rows["offered"], outcomes + open, "{}", text);
        prop_assert_eq!(rows["offered"], checker.arrived as f64);
        prop_assert_eq!(rows["handled"], checker.closed as f64);
        prop_assert_eq!(rows["contained"], checker.contained as f64);
    }
}
