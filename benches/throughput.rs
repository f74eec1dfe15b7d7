//! Throughput on the reference scenario, in professional-months (rollouts × months × posts).
//! `cargo bench` runs them; see docs/performance.md for baselines.

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use partnersim::engine::{self, RunConfig, simulate, simulate_lanes, streams_for};
use partnersim::model::lanes::{LANES, LaneState};
use partnersim::model::{Setup, Stage, State};
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

/// The kernel `run` uses: [`LANES`] rollouts advanced together (model::lanes).
fn lanes(c: &mut Criterion) {
    let (scenario, setup) = reference();
    let mut group = c.benchmark_group("lanes");
    group.throughput(Throughput::Elements(
        LANES as u64 * u64::from(scenario.months) * u64::from(scenario.total_posts()),
    ));
    let mut lanes = Box::<LaneState>::default();
    let mut state = State::default();
    let mut stages = vec![[0u64; Stage::COUNT]; scenario.months as usize + 1];
    let mut index = 0u64;
    group.bench_function("reference", |b| {
        b.iter(|| {
            let first = index;
            index += LANES as u64;
            let mut months = 0;
            simulate_lanes(
                &setup,
                &mut lanes,
                &mut state,
                first..index,
                |i| streams_for(1, i),
                &mut stages,
                |_, o| months += o.months,
            );
            black_box(months)
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

criterion_group!(benches, one_rollout, lanes, many_rollouts);
criterion_main!(benches);
