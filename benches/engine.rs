//! Criterion benches of the engine: the M/M/c scenario (50 agents, load 0.9) with the full
//! metrics collector and with no observer, beside a bare event-heap loop of the same model (the
//! yardstick: routesim's cost is read as a ratio to it, measured in the same run), and the cost
//! per conversation at 50, 500 and 5,000 agents at the same load for each assignment method.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use routesim::config::{parse_duration, parse_scenario, Origin};
use routesim::engine::SimTime;
use routesim::metrics::{Collector, Scope};
use routesim::model::{
    simulate, AgentId, AgentStatus, Answer, ChannelId, ConversationInfo, GroupId, NoObserver,
    Observer, OfferVia, Presence, QueueId, Scenario, WorkstreamId,
};

fn mmc_scenario(horizon: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml");
    let mut scenario = routesim::config::load_scenario(&path).expect("bundled scenario is valid");
    scenario.simulation.horizon = parse_duration(horizon).expect("valid duration");
    scenario.simulation.warm_up = parse_duration("0s").expect("valid duration");
    scenario
}

/// What the bare loop measures: enough to be the same model with its headline figures (waits,
/// service level, busy time), nothing more.
#[derive(Debug, Default)]
struct BareFigures {
    arrivals: u64,
    answered: u64,
    within_20s: u64,
    wait_sum_us: u64,
    busy_area_us: u128,
}

/// A minimal M/M/c simulation: a binary heap of (time, seq, event) with integer microseconds,
/// a FIFO queue of arrival times, a stack of free agents, exponential draws by inversion from
/// ChaCha8. It is the fastest honest loop of the same model, so routesim's overhead is the
/// ratio to it.
///
/// It tells `observer` what routesim's model tells it for the same day (arrivals, queueing,
/// offers, answers, completions and the agents' two status changes per conversation): with
/// [`NoObserver`] the calls compile away, and with the standard collector it shows what every
/// measure costs on top of the cheapest loop, the floor of routesim's run with every measure.
fn bare_mmc<O: Observer>(
    observer: &mut O,
    agents: u32,
    per_hour: f64,
    mean_handle_s: f64,
    horizon_s: f64,
    seed: u64,
) -> BareFigures {
    // An event's subject: the arrival, or the agent whose service ends, plus one.
    const ARRIVAL: u32 = 0;
    let mut arrivals_rng = ChaCha8Rng::seed_from_u64(seed);
    let mut service_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    let exp = |rng: &mut ChaCha8Rng, mean_s: f64| -> u64 {
        let u: f64 = rng.random();
        (-(1.0 - u).ln() * mean_s * 1e6) as u64
    };
    let horizon = (horizon_s * 1e6) as u64;
    let mean_gap_s = 3600.0 / per_hour;
    let info = |arrived: u64| ConversationInfo {
        channel: ChannelId::from_index(0),
        workstream: WorkstreamId::from_index(0),
        queue: QueueId::from_index(0),
        arrived: SimTime::from_micros(arrived),
        queued_from: SimTime::from_micros(arrived),
    };
    let status = |presence, used_units, active| AgentStatus {
        presence,
        staffed_units: i64::from(presence != Presence::Offline),
        used_units,
        active,
    };
    let (offline, idle, full) = (
        status(Presence::Offline, 0, 0),
        status(Presence::Available, 0, 0),
        status(Presence::BusyDnd, 1, 1),
    );
    let group = GroupId::from_index(0);
    observer.warm_up_ended(SimTime::ZERO);
    for agent in 0..agents as usize {
        observer.agent_changed(
            SimTime::ZERO,
            AgentId::from_index(agent),
            group,
            offline,
            idle,
        );
    }
    // (time, seq, subject, arrival time of the conversation)
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32, u64)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut free: Vec<u32> = (0..agents).rev().collect();
    let mut figures = BareFigures::default();
    let mut last_change = 0u64;
    let first = exp(&mut arrivals_rng, mean_gap_s);
    heap.push(Reverse((first, seq, ARRIVAL, first)));
    while let Some(Reverse((now, _, subject, arrived))) = heap.pop() {
        if now > horizon {
            break;
        }
        let at = SimTime::from_micros(now);
        let busy = agents - free.len() as u32;
        figures.busy_area_us += u128::from(busy) * u128::from(now - last_change);
        last_change = now;
        let mut start = |observer: &mut O,
                         agent: u32,
                         arrived: u64,
                         how,
                         heap: &mut BinaryHeap<_>,
                         seq: &mut u64| {
            let wait = now - arrived;
            figures.answered += 1;
            figures.wait_sum_us += wait;
            figures.within_20s += u64::from(wait <= 20_000_000);
            let (c, id) = (info(arrived), AgentId::from_index(agent as usize));
            observer.offered(at, &c, id, OfferVia::Queue);
            observer.answered(at, &c, id, how);
            observer.agent_changed(at, id, group, idle, full);
            *seq += 1;
            let end = now + exp(&mut service_rng, mean_handle_s);
            heap.push(Reverse((end, *seq, agent + 1, arrived)));
        };
        if subject == ARRIVAL {
            figures.arrivals += 1;
            observer.arrived(at, &info(now));
            seq += 1;
            let next = now + exp(&mut arrivals_rng, mean_gap_s);
            heap.push(Reverse((next, seq, ARRIVAL, next)));
            if let Some(agent) = free.pop() {
                start(observer, agent, now, Answer::AtOnce, &mut heap, &mut seq);
            } else {
                observer.queued(at, &info(now));
                queue.push_back(now);
            }
        } else {
            let agent = subject - 1;
            let id = AgentId::from_index(agent as usize);
            observer.completed(at, &info(arrived), id);
            observer.agent_changed(at, id, group, full, idle);
            if let Some(arrived) = queue.pop_front() {
                start(
                    observer,
                    agent,
                    arrived,
                    Answer::FromQueue,
                    &mut heap,
                    &mut seq,
                );
            } else {
                free.push(agent);
            }
        }
    }
    observer.finished(SimTime::from_micros(horizon));
    figures
}

fn mmc_throughput(c: &mut Criterion) {
    let scenario = mmc_scenario("1d");
    // The number of arrivals is fixed by the seed, so every iteration simulates the same count.
    let conversations = simulate(&scenario, 1, &mut NoObserver).arrivals;
    let mut group = c.benchmark_group("mmc_50_agents_load_0.9");
    group.throughput(Throughput::Elements(conversations));
    group.bench_function("with_metrics", |b| {
        b.iter(|| black_box(routesim::metrics::run(&scenario, 1)))
    });
    group.bench_function("model_only", |b| {
        b.iter(|| black_box(simulate(&scenario, 1, &mut NoObserver)))
    });
    // Same model, same day, same load: the yardstick for the ratio routesim / bare.
    let bare = bare_mmc(&mut NoObserver, 50, 540.0, 300.0, 86_400.0, 1);
    group.throughput(Throughput::Elements(bare.arrivals));
    group.bench_function("bare_loop", |b| {
        b.iter(|| black_box(bare_mmc(&mut NoObserver, 50, 540.0, 300.0, 86_400.0, 1)))
    });
    // The bare loop feeding the standard collector: what every measure costs with a model as
    // cheap as the bare loop. Checked once that the collector saw the loop's conversations.
    let fed = |scenario: &Scenario| {
        let mut collector = Collector::new(scenario);
        let figures = bare_mmc(&mut collector, 50, 540.0, 300.0, 86_400.0, 1);
        (figures, collector.into_results(1))
    };
    let (figures, results) = fed(&scenario);
    let answered = results
        .summary
        .iter()
        .find(|row| row.scope == Scope::Overall && row.measure == "answered")
        .map(|row| row.value);
    assert_eq!(
        answered,
        Some(figures.answered as f64),
        "the collector was fed the loop's day"
    );
    group.bench_function("bare_loop_with_collector", |b| {
        b.iter(|| black_box(fed(&scenario)))
    });
    group.finish();
}

/// An M/M/c centre of `agents` agents at load 0.9 (5-minute handle time), about 130 k
/// conversations whatever its size, with the given assignment method.
fn sized_scenario(agents: u32, method: &str) -> Scenario {
    let per_hour = f64::from(agents) * 0.9 * 12.0;
    let horizon_h = (130_000.0 / per_hour).ceil();
    let text = format!(
        r#"
name = "scale"
[simulation]
horizon = "{horizon_h}h"
warm_up = "0s"
seed = 1
interval = "1h"
[channels.calls]
kind = "voice"
arrivals = {{ per_hour = {per_hour} }}
handle_time = {{ kind = "exponential", mean = "5m" }}
[workstreams.voice]
channels = ["calls"]
allowed_presences = ["available"]
fallback_queue = "main"
[queues.main]
assignment = "{method}"
[agent_groups.agents]
count = {agents}
capacity_units = 1
queues = ["main"]
"#
    );
    parse_scenario(
        &text,
        &Origin {
            file: "scale.toml".into(),
            base_dir: ".".into(),
        },
    )
    .expect("valid scenario")
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("cost_per_conversation_load_0.9");
    group.sample_size(10);
    for method in ["round_robin", "highest_capacity", "least_active"] {
        for agents in [50, 500, 5000] {
            let scenario = sized_scenario(agents, method);
            let conversations = simulate(&scenario, 1, &mut NoObserver).arrivals;
            group.throughput(Throughput::Elements(conversations));
            group.bench_with_input(BenchmarkId::new(method, agents), &scenario, |b, s| {
                b.iter(|| black_box(routesim::metrics::run(s, 1)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, mmc_throughput, scaling);
criterion_main!(benches);
