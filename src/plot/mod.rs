//! Charts, one file per chart, drawn with plotters and an embedded font (no system fonts).
//!
//! Each chart is written twice, as SVG and PNG of the same layout ([`style::render`]).

use std::path::Path;

use crate::stats::Summary;

mod challenges;
mod compare;
mod established;
mod stages;
pub mod study;
pub mod style;
pub mod sweep;

pub use challenges::challenge_label;
pub use compare::Scenarios;
pub use stages::{STAGE_COLOURS, stage_label};

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw {chart}: {message}")]
pub struct PlotError {
    /// The chart's file stem (`established`, `stages`, …), so the user knows which one failed.
    pub chart: String,
    /// What went wrong, prefixed with the format or step (`svg: …`, `png: …`, `font: …`).
    pub message: String,
}

/// Writes `established`, `stages` and `challenges` as SVG and PNG into `dir`.
pub fn write_all(dir: &Path, summary: &Summary) -> Result<(), PlotError> {
    style::render(dir, &established::Established(summary))?;
    style::render(dir, &stages::Stages(summary))?;
    style::render(dir, &challenges::Challenges(summary))?;
    Ok(())
}

/// Colour of compared scenario `j` in the overlay charts, as red, green, blue.
pub fn scenario_rgb(j: usize) -> (u8, u8, u8) {
    let c = style::scenario_colour(j);
    (c.0, c.1, c.2)
}

/// The same three charts as SVG text, `(name, svg)`, for inlining into a report.
pub fn svgs(summary: &Summary) -> Result<Vec<(&'static str, String)>, PlotError> {
    Ok(vec![
        (
            "established",
            style::svg_string(&established::Established(summary))?,
        ),
        ("stages", style::svg_string(&stages::Stages(summary))?),
        (
            "challenges",
            style::svg_string(&challenges::Challenges(summary))?,
        ),
    ])
}

/// Writes the overlay charts of a comparison, `established`, `stages` (at the horizon) and
/// `challenges`, as SVG and PNG into `dir`.
pub fn write_compare(dir: &Path, scenarios: Scenarios) -> Result<(), PlotError> {
    style::render(dir, &compare::EstablishedOverlay(scenarios))?;
    style::render(dir, &compare::StagesAtHorizon(scenarios))?;
    style::render(dir, &compare::ChallengeProfiles(scenarios))?;
    Ok(())
}

/// The overlay charts of a comparison as SVG text, `(name, svg)`.
pub fn compare_svgs(scenarios: Scenarios) -> Result<Vec<(&'static str, String)>, PlotError> {
    Ok(vec![
        (
            "established",
            style::svg_string(&compare::EstablishedOverlay(scenarios))?,
        ),
        (
            "stages",
            style::svg_string(&compare::StagesAtHorizon(scenarios))?,
        ),
        (
            "challenges",
            style::svg_string(&compare::ChallengeProfiles(scenarios))?,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChallengeKind, Stage};
    use crate::stats::Aggregate;

    const FILES: [&str; 6] = [
        "established.svg",
        "established.png",
        "stages.svg",
        "stages.png",
        "challenges.svg",
        "challenges.png",
    ];
    const PNG_MAGIC: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

    /// `n` rollouts over `months`: a tenth reach well established each month from month 2 until
    /// half have, a few fold, and challenges are met in varying shares (or none).
    fn synthetic(months: u32, n: u64, challenges: bool) -> Summary {
        let mut agg = Aggregate::new(months);
        agg.rollouts = n;
        let rows = months as usize + 1;
        let mut reached = 0;
        for m in 0..rows {
            let new = if m >= 2 && reached < n / 2 {
                (n / 10).min(n / 2 - reached)
            } else {
                0
            };
            agg.reached_by_month[m] = new;
            reached += new;
            let established = agg.reached_by(m as u32);
            let folded = (m as u64 * n / 40).min(n - established);
            let rest = n - established - folded;
            let mut row = [0; Stage::COUNT];
            row[Stage::WellEstablished.index()] = established;
            row[Stage::Folded.index()] = folded;
            row[Stage::Idea.index()] = rest / 3;
            row[Stage::Planning.index()] = rest / 3;
            row[Stage::Developing.index()] = rest - 2 * (rest / 3);
            agg.stage_by_month[m] = row;
        }
        agg.final_stage = agg.stage_by_month[rows - 1];
        if challenges {
            for kind in ChallengeKind::ALL {
                agg.challenges_met[kind.index()] = n * (kind.index() as u64 + 1) / 8;
            }
            agg.challenges_met[ChallengeKind::Fiscal.index()] = n;
        }
        Summary::new("synthetic scenario", "coordinated_delivery", 7, &agg)
    }

    fn check(summary: &Summary) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        write_all(dir.path(), summary).expect("charts written");
        for f in FILES {
            let bytes = std::fs::read(dir.path().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(!bytes.is_empty(), "{f} is empty");
            if f.ends_with(".png") {
                assert!(bytes.starts_with(&PNG_MAGIC), "{f} is not a PNG");
            }
        }
        let svg =
            |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("svg readable");
        let established = svg("established.svg");
        for text in [
            "synthetic scenario: share well established by month",
            "Month",
            "Share of rollouts (%)",
        ] {
            assert!(established.contains(text), "established.svg lacks {text:?}");
        }
        for text in ["share well established", "95% interval"] {
            assert!(
                established.contains(text),
                "established.svg lacks legend {text:?}"
            );
        }
        let stages = svg("stages.svg");
        for text in [
            "synthetic scenario: stage of rollouts by month",
            "Month",
            "Share of rollouts (%)",
        ] {
            assert!(stages.contains(text), "stages.svg lacks {text:?}");
        }
        for text in [
            "idea",
            "setting up",
            "starting to deliver",
            "well established",
            "folded",
        ] {
            assert!(
                stages.contains(&format!(">\n{text}\n<")),
                "stages.svg lacks legend {text:?}"
            );
        }
        let challenges = svg("challenges.svg");
        for text in [
            "synthetic scenario: challenges met at least once",
            "Share of rollouts meeting the challenge at least once (%)",
            "fiscal resources",
            "roles and responsibilities",
            "professional and agency cultures",
            "non-fiscal resources",
        ] {
            assert!(challenges.contains(text), "challenges.svg lacks {text:?}");
        }
        dir
    }

    #[test]
    fn writes_all_six_files() {
        let s = synthetic(24, 200, true);
        let dir = check(&s);
        let challenges = std::fs::read_to_string(dir.path().join("challenges.svg")).expect("svg");
        assert!(
            challenges.contains("100%"),
            "fiscal bar lacks its value label"
        );
        assert!(challenges.contains("(200 rollouts)"));
    }

    #[test]
    fn challenges_are_ranked_largest_first() {
        let s = synthetic(24, 200, true);
        let rows = challenges::ranked(&s);
        assert_eq!(rows[0].0, "fiscal resources");
        assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1), "{rows:?}");
    }

    #[test]
    fn zero_rollouts() {
        let s = synthetic(24, 0, false);
        let dir = check(&s);
        let svg = std::fs::read_to_string(dir.path().join("established.svg")).expect("svg");
        assert!(svg.contains("(0 rollouts)"));
        assert!(svg.contains("no rollouts were run"));
    }

    #[test]
    fn one_month() {
        check(&synthetic(1, 50, true));
    }

    #[test]
    fn zero_months() {
        check(&synthetic(0, 50, true));
    }

    #[test]
    fn no_challenges_met() {
        let s = synthetic(12, 1, false);
        assert!(s.challenges.0.iter().all(|(_, v)| *v == 0.0));
        let dir = check(&s);
        let svg = std::fs::read_to_string(dir.path().join("challenges.svg")).expect("svg");
        assert!(svg.contains("(1 rollout)"));
        assert!(svg.contains(">\n0%\n<"));
    }

    #[test]
    fn long_scenario_names_still_draw() {
        let mut s = synthetic(36, 100, true);
        s.scenario = "a very long scenario name ".repeat(6);
        let dir = tempfile::tempdir().expect("temp dir");
        write_all(dir.path(), &s).expect("charts written");
        let svg = std::fs::read_to_string(dir.path().join("stages.svg")).expect("svg");
        assert!(
            svg.contains("…: stage of rollouts by month (100 rollouts)"),
            "title not shortened"
        );
    }

    #[test]
    fn an_unwritable_directory_is_an_error_naming_the_chart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("does/not/exist");
        let err = write_all(&missing, &synthetic(12, 10, true)).expect_err("must fail");
        assert_eq!(err.chart, "established");
    }
}
