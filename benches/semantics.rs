//! Speed of the full workstream model: one day of `scenarios/full_featured.toml` (about
//! 113,000 conversations, 400 agents, every feature on: bot, notifications with response
//! times, rejects and misses, skills, split routing, waiting and affinity, wrap-up, pick).
//! Target: under half a second per day, single-threaded, with the standard collector.
//! Also the M/M/c scenario with the features off, to watch the fast path of instant offers,
//! and the CSV tables of the full-featured day (what `routesim run --charts none` writes
//! besides report.html). And a planner's week (`scenarios/week.toml`) with and without its
//! interval rows.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use routesim::config::load_scenario;
use routesim::metrics;
use routesim::model::{simulate, NoObserver};

fn scenario(name: &str) -> routesim::model::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    load_scenario(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn full_featured(c: &mut Criterion) {
    let full = scenario("full_featured.toml");
    let mut group = c.benchmark_group("semantics");
    group.sample_size(10);
    group.bench_function("full_featured_day_model_only", |b| {
        b.iter(|| simulate(&full, 1, &mut NoObserver))
    });
    group.bench_function("full_featured_day_with_collector", |b| {
        b.iter(|| metrics::run(&full, 1))
    });
    let results = metrics::run(&full, 1);
    group.bench_function("full_featured_day_csv_tables", |b| {
        b.iter(|| {
            (
                routesim::report::summary_csv(&results),
                routesim::report::intervals_csv(&results),
                routesim::report::agents_csv(&results),
            )
        })
    });
    let mmc = scenario("mmc.toml");
    group.bench_function("mmc_week_with_collector", |b| {
        b.iter(|| metrics::run(&mmc, 1))
    });
    // A planner's week kept by day (672 intervals): a run forming every interval row (`run`,
    // `--replications`), beside one forming the summary and agent rows only (each pair of a
    // sweep, each replication of a check).
    let week = scenario("week.toml");
    group.bench_function("planner_week_with_interval_rows", |b| {
        b.iter(|| metrics::run(&week, 1))
    });
    group.bench_function("planner_week_summary_only", |b| {
        b.iter(|| metrics::try_run_summary(&week, 1))
    });
    group.finish();
}

criterion_group!(benches, full_featured);
criterion_main!(benches);
