//! Speed of `routesim staffing` on a 24-hour, 96-interval, three-channel day: the bundled
//! default scenario (chat, SMS and WhatsApp, about 4,700 conversations, five sized groups)
//! with its `[staffing]` targets: Erlang per interval, the iterative staffing algorithm with
//! its replications, the verification on fresh seeds and flat sizing. Target: under 30 s on
//! the 2-core development machine (release build, both cores), and on one thread beside it so
//! the parallel speed-up is read as a ratio measured in one run. The iterations, replications
//! and simulations it used are printed once before timing.

use criterion::{criterion_group, criterion_main, Criterion};
use routesim::config::load_scenario_and_staffing;
use routesim::staffing::{staff, StaffingOptions};
use routesim::sweep::Threads;

fn staffing_day(c: &mut Criterion) {
    let (scenario, spec) = load_scenario_and_staffing(None).unwrap_or_else(|e| panic!("{e}"));
    let spec = spec.expect("the default scenario has [staffing] targets");
    let options = StaffingOptions {
        threads: Threads(Some(2)),
        ..StaffingOptions::default()
    };
    let report = staff(&scenario, &spec, options).expect("the default's targets are reachable");
    eprintln!(
        "staffing of the default day: {} intervals, {} ISA iterations (converged: {}), {} replications, {} simulations",
        report.n_intervals(),
        report.isa.iterations,
        report.isa.converged,
        report.replications,
        report.runs
    );
    let mut group = c.benchmark_group("staffing");
    group.sample_size(10);
    group.bench_function("default_day_96_intervals_3_channels_2_threads", |b| {
        b.iter(|| staff(&scenario, &spec, options))
    });
    // The same search on one thread, in the same run: the ratio of the two is the search's
    // parallel speed-up (its replications run in parallel, as a sweep's pairs do).
    let one = StaffingOptions {
        threads: Threads(Some(1)),
        ..options
    };
    group.bench_function("default_day_96_intervals_3_channels_1_thread", |b| {
        b.iter(|| staff(&scenario, &spec, one))
    });
    group.finish();
}

criterion_group!(benches, staffing_day);
criterion_main!(benches);
