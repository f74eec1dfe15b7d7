//! Throughput on the reference scenario, in professional-months (rollouts × months × posts).
//! `cargo bench` runs them; see docs/performance.md for baselines.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use partnersim::engine::{self, RunConfig, simulate, streams_for};
use partnersim::model::{Setup, State};
use partnersim::scenario::Scenario;

fn reference() -> (Scenario, Setup) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml");
    let scenario = Scenario::from_file(&path).expect("reference scenario is valid");
    let setup = Setup::new(&scenario);
    (scenario, setup)
}

fn one_rollout(c: &mut Criterion) {
    let (scenario, setup) = reference();
    let mut group = c.benchmark_group("rollout");
    group.throughput(Throughput::Elements(
        u64::from(scenario.months) * u64::from(scenario.total_posts()),
    ));
    let mut state = State::default();
    let mut index = 0u64;
    group.bench_function("reference", |b| {
        b.iter(|| {
            index += 1;
            let mut streams = streams_for(1, index);
            black_box(simulate(&setup, &mut state, &mut streams, &mut ()))
        })
    });
    group.finish();
}

fn many_rollouts(c: &mut Criterion) {
    let (scenario, setup) = reference();
    let rollouts = 10_000u64;
    let mut group = c.benchmark_group("run_10k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(
        rollouts * u64::from(scenario.months) * u64::from(scenario.total_posts()),
    ));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("threads", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    black_box(engine::run(
                        &setup,
                        &RunConfig::new(rollouts, 1, threads),
                        &|_| {},
                    ))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, one_rollout, many_rollouts);
criterion_main!(benches);
