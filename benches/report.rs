//! The cost of charts: the default scenario simulated alone, and simulated plus every chart in
//! both formats with the HTML report (what `routesim run --charts all` does before writing).
//! The target is that all charts add less than 20 % to the run; the ratio measured is noted in
//! the README's "Charts and the HTML report" section.

use criterion::{criterion_group, criterion_main, Criterion};

use routesim::report::{self, ChartOptions, ChartSelection};
use routesim::{config, metrics};

fn default_scenario(c: &mut Criterion) {
    let scenario = config::default_scenario().expect("the bundled scenario is valid");
    let seed = scenario.simulation.seed;
    let mut group = c.benchmark_group("default_scenario");
    group.sample_size(10);
    group.bench_function("simulate", |b| b.iter(|| metrics::run(&scenario, seed)));
    for (label, selection) in [
        ("simulate_and_svg_charts", ChartSelection::Svg),
        ("simulate_and_all_charts", ChartSelection::All),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let results = metrics::run(&scenario, seed);
                report::run_report_files(
                    &results,
                    config::DEFAULT_SCENARIO,
                    selection,
                    &ChartOptions::default(),
                )
                .expect("charts render")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, default_scenario);
criterion_main!(benches);
