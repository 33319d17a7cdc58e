//! The cost of reports: the default scenario simulated alone; simulated with its CSV tables and
//! a chart-less report.html (what `routesim run --charts none` computes before writing); and
//! the same with every chart as SVG (the default) and as SVG and PNG (`--charts all`). The
//! ratios measured are noted in the README's "Charts and the HTML report" section. And the
//! reports of one run of a centre of 250 and of 2,000 queues (`report_of_many_queues`): the
//! terminal table, the warnings, the CSV tables and a chart-less report.html, whose cost per
//! queue must not grow with the number of queues (README, "Performance").

use criterion::{criterion_group, criterion_main, Criterion};

use std::path::PathBuf;

use routesim::report::{self, ChartOptions, ChartSelection, Targets};
use routesim::{config, metrics, warnings};

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

/// A centre of `queues` queues: 20 agents answer the one busy queue, and one agent serves every
/// queue (so none is left unserved); every queue has its rows in every report.
fn many_queues(queues: usize) -> String {
    let mut text = String::from(
        "name = \"many_queues\"\n\
         [simulation]\nhorizon = \"1d\"\nwarm_up = \"0s\"\nseed = 1\ninterval = \"6h\"\n\
         [channels.calls]\nkind = \"voice\"\narrivals = { per_hour = 100 }\n\
         handle_time = { kind = \"exponential\", mean = \"5m\" }\n\
         [workstreams.voice]\nchannels = [\"calls\"]\ncapacity_units = 1\n\
         allowed_presences = [\"available\"]\nfallback_queue = \"q0\"\n",
    );
    let names: Vec<String> = (0..queues).map(|q| format!("\"q{q}\"")).collect();
    for q in 0..queues {
        text += &format!("[queues.q{q}]\nassignment = \"round_robin\"\n");
    }
    text += "[agent_groups.agents]\ncount = 20\ncapacity_units = 1\nqueues = [\"q0\"]\n";
    text += &format!(
        "[agent_groups.spare]\ncount = 1\ncapacity_units = 1\nqueues = [{}]\n",
        names.join(", ")
    );
    text
}

fn report_of_many_queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("report_of_many_queues");
    group.sample_size(10);
    for queues in [250, 2_000] {
        let text = many_queues(queues);
        let origin = config::Origin {
            file: format!("many_queues_{queues}.toml"),
            base_dir: PathBuf::new(),
        };
        let scenario = config::parse_scenario(&text, &origin).expect("the scenario is valid");
        let results = metrics::run(&scenario, 1);
        let targets = Targets::of_scenario(&scenario);
        group.bench_function(queues.to_string(), |b| {
            b.iter(|| {
                (
                    report::summary_table(&results, &targets),
                    warnings::run_warnings(&scenario, &results),
                    report::run_report_files(
                        &results,
                        &text,
                        ChartSelection::None,
                        &ChartOptions::default(),
                    )
                    .expect("reports render"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, default_scenario, report_of_many_queues);
criterion_main!(benches);
