//! Parallel speed-up of a sweep: the same sweep on 1 and 2 threads. A scaled-down version of
//! `benches/sweep-mmc.toml` (20 points x 4 replications of the M/M/c scenario over one day, not
//! 100 x 10 over a week) so that criterion's samples take seconds, not minutes; the README
//! gives the command and figure for the full size. Results are not checked here: the tests show
//! they are identical on any thread count.

use criterion::{criterion_group, criterion_main, Criterion};

use routesim::config::Origin;
use routesim::sweep::{self, SpecOverrides, Threads};

fn mmc_sweep() -> sweep::Sweep {
    let scenario =
        include_str!("../scenarios/mmc.toml").replace("horizon = \"7d\"", "horizon = \"1d\"");
    assert!(
        scenario.contains("horizon = \"1d\""),
        "the M/M/c scenario's horizon moved; update the bench"
    );
    let text = format!("{scenario}\n[sweep]\nreplications = 4\naxes.agent_groups.agents.count = {{ from = 46, to = 65, step = 1 }}\n");
    let origin = Origin {
        file: "scenarios/mmc.toml".into(),
        base_dir: "scenarios".into(),
    };
    sweep::sweep_from_text(&text, &origin, SpecOverrides::default())
        .expect("the bench sweep is valid")
}

fn threads(c: &mut Criterion) {
    let sweep = mmc_sweep();
    let mut group = c.benchmark_group("sweep_mmc_20x4_1d");
    group.sample_size(10);
    for n in [1, 2] {
        group.bench_function(format!("threads_{n}"), |b| {
            b.iter(|| sweep::run_in_memory(&sweep, Threads(Some(n))))
        });
    }
    group.finish();
}

criterion_group!(benches, threads);
criterion_main!(benches);
