//! The cost of charts: the default scenario simulated alone; simulated with its CSV tables and
//! a chart-less report.html (what `routesim run --charts none` computes before writing); and
//! the same with every chart as SVG (the default) and as SVG and PNG (`--charts all`). The
//! ratios measured are noted in the README's "Charts and the HTML report" section.

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
        ("simulate_and_report_without_charts", ChartSelection::None),
        ("simulate_and_report_with_svg_charts", ChartSelection::Svg),
        ("simulate_and_report_with_all_charts", ChartSelection::All),
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
