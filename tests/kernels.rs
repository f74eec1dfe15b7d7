//! Every compiled kernel of the month loop gives the same bits (engine::Kernel): the whole state
//! after every month, every event and every outcome, for every shipped scenario and a fixture
//! with four agencies, so that each agency count's copy of the step is compared. CI also runs
//! this file with `--release`, the profile users run.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write;

use common::{load, shipped};
use partnersim::engine::{Kernel, simulate_with, streams_for};
use partnersim::model::{Event, Observer, Setup, State};

const ROLLOUTS: u64 = 60;
const SEED: u64 = 31;

/// Writes the whole state after each month and every event, with `{:?}`: Rust prints floats
/// with the shortest digits that read back to the same bits, so equal text is equal bits.
#[derive(Default)]
struct Recorder {
    text: String,
}

impl Observer for Recorder {
    fn event(&mut self, month: u32, event: Event) {
        writeln!(self.text, "{month} {event:?}").unwrap();
    }
    fn month_end(&mut self, _setup: &Setup, state: &State) {
        writeln!(self.text, "{state:?}").unwrap();
    }
}

/// The record of `ROLLOUTS` rollouts of `setup` under one kernel.
fn record(kernel: Kernel, setup: &Setup) -> String {
    let mut state = State::default();
    let mut rec = Recorder::default();
    for i in 0..ROLLOUTS {
        let mut streams = streams_for(SEED, i);
        let outcome = simulate_with(kernel, setup, &mut state, &mut streams, &mut rec);
        writeln!(rec.text, "{outcome:?}").unwrap();
    }
    rec.text
}

/// Every shipped scenario and the four-agency fixture.
fn files() -> Vec<String> {
    let mut files = shipped();
    files.push("tests/fixtures/four_agencies.toml".to_string());
    files
}

#[test]
fn every_kernel_gives_the_same_bits_as_the_portable_one() {
    let kernels: Vec<Kernel> = Kernel::ALL.into_iter().filter(|k| k.supported()).collect();
    if kernels.len() < 2 {
        // CI's machines have x86-64-v3, and .ci/run sets this so that the test cannot pass
        // without comparing anything there.
        assert!(
            std::env::var_os("PARTNERSIM_REQUIRE_V3").is_none(),
            "PARTNERSIM_REQUIRE_V3 is set, but this CPU cannot run the x86-64-v3 kernel"
        );
        eprintln!(
            "only the portable kernel runs on this CPU; nothing to compare (the x86-64-v3 kernel \
             needs AVX, AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE and POPCNT)"
        );
        return;
    }
    let mut counts = BTreeSet::new();
    for file in files() {
        let setup = Setup::new(&load(&file));
        counts.insert(setup.n_agencies);
        let portable = record(Kernel::Portable, &setup);
        assert!(portable.lines().count() as u64 > ROLLOUTS * 12, "{file}");
        for &kernel in &kernels[1..] {
            let other = record(kernel, &setup);
            if other != portable {
                let (n, (a, b)) = portable
                    .lines()
                    .zip(other.lines())
                    .enumerate()
                    .find(|(_, (a, b))| a != b)
                    .unwrap_or((0, ("(lengths differ)", "")));
                panic!(
                    "{file}: the {} kernel differs from the portable one at line {n}:\n  \
                     portable: {a}\n  {}: {b}",
                    kernel.name(),
                    kernel.name()
                );
            }
        }
    }
    // Each agency count has its own compiled copy of the step.
    assert_eq!(counts, BTreeSet::from([2, 3, 4, 5]));
}

#[test]
fn the_detected_kernel_is_the_fastest_supported_one() {
    assert!(Kernel::Portable.supported());
    let best = Kernel::ALL
        .into_iter()
        .rev()
        .find(|k| k.supported())
        .unwrap();
    assert_eq!(Kernel::detect(), best);
}
