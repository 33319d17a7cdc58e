//! Criterion benches of the engine on the M/M/c scenario (50 agents, load 0.9): conversations
//! simulated per second, with the full metrics collector and with no observer, so the cost of
//! measuring is visible. Target (issue 2): 2 million conversations per second single-threaded.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use routesim::config::parse_duration;
use routesim::model::{simulate, NoObserver, Scenario};

fn mmc_scenario(horizon: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml");
    let mut scenario = routesim::config::load_scenario(&path).expect("bundled scenario is valid");
    scenario.simulation.horizon = parse_duration(horizon).expect("valid duration");
    scenario.simulation.warm_up = parse_duration("0s").expect("valid duration");
    scenario
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
    group.finish();
}

criterion_group!(benches, mmc_throughput);
criterion_main!(benches);
