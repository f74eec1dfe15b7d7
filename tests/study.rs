//! The virtual NFER study through the library and the command line: the data file against the
//! report, reproducibility across thread counts, the sample's design, and the outputs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use partnersim::model::ModelKind;
use partnersim::scenario::{AgencyKind, Scenario};
use partnersim::study::data::Unit;
use partnersim::study::sample::compose;
use partnersim::study::vocab::Composition;
use partnersim::study::{self, Design, Frame, Observation, Published, StudyConfig, Tables};
use predicates::prelude::*;
use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn model_scenarios() -> Vec<Scenario> {
    ModelKind::ALL
        .iter()
        .map(|m| {
            let f = root().join("scenarios").join(format!("{}.toml", m.key()));
            Scenario::from_file(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect()
}

fn partnersim() -> Command {
    let mut c = Command::cargo_bin("partnersim").expect("the binary is built");
    c.current_dir(root());
    c
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

#[test]
fn data_file_matches_the_reference_tables() {
    let p = Published::nfer2002();
    let v = |id: &str| {
        p.get(id)
            .unwrap_or_else(|| panic!("{id} missing from data/nfer2002.toml"))
            .published
    };
    // §1 sample.
    assert_eq!(v("sample.decision_making_group.initiatives"), 9.0);
    assert_eq!(v("sample.consultation_training.initiatives"), 5.0);
    assert_eq!(v("sample.centre_based.initiatives"), 4.0);
    assert_eq!(v("sample.coordinated_delivery.initiatives"), 9.0);
    assert_eq!(v("sample.operational_team.initiatives"), 3.0);
    assert_eq!(
        v("sample.education_social_services_health.initiatives"),
        13.0
    );
    assert_eq!(v("sample.health_involved.initiatives"), 21.0);
    // Vignette 1.
    assert_eq!(v("vignette_1.well_established.interviewees"), 55.0);
    assert_eq!(v("vignette_1.well_established.initiatives"), 24.0);
    assert_eq!(v("vignette_1.early.interviewees"), 30.0);
    assert_eq!(v("vignette_1.between.initiatives"), 7.0);
    assert_eq!(v("vignette_1.different_levels.interviewees"), 14.0);
    assert_eq!(v("vignette_1.developing.initiatives"), 17.0);
    assert_eq!(v("vignette_1.agreement.initiatives"), 18.0);
    // Table 2.1, both columns.
    assert_eq!(v("table_2_1.length_of_time.initiatives"), 21.0);
    assert_eq!(v("table_2_1.length_of_time.interviewees"), 31.0);
    assert_eq!(v("table_2_1.remaining_issues.interviewees"), 11.0);
    assert_eq!(v("table_2_1.range_of_services.initiatives"), 4.0);
    // Table 6.1.
    assert_eq!(v("table_6_1.fiscal.interviewees"), 46.0);
    assert_eq!(v("table_6_1.roles.interviewees"), 44.0);
    assert_eq!(v("table_6_1.management.interviewees"), 14.0);
    // Table 7.1, both columns.
    assert_eq!(v("table_7_1.commitment.initiatives"), 28.0);
    assert_eq!(v("table_7_1.commitment.interviewees"), 81.0);
    assert_eq!(v("table_7_1.involving_personnel.initiatives"), 22.0);
    assert_eq!(v("table_7_1.time.interviewees"), 21.0);
    // Vignette 4.
    assert_eq!(v("vignette_4.policies_procedures.initiatives"), 10.0);
    assert_eq!(v("vignette_4.involving_health.initiatives"), 5.0);

    // Whole columns, in the table's order.
    let col = |t: &str, u: Unit| -> Vec<f64> { p.column(t, u).iter().map(|(_, x)| *x).collect() };
    assert_eq!(
        col("table_6_1", Unit::Interviewees),
        [46.0, 44.0, 36.0, 27.0, 19.0, 14.0, 14.0]
    );
    assert_eq!(
        col("table_7_1", Unit::Interviewees),
        [81.0, 45.0, 35.0, 35.0, 32.0, 25.0, 24.0, 24.0, 21.0]
    );
    assert_eq!(
        col("table_7_1", Unit::Initiatives),
        [28.0, 25.0, 23.0, 21.0, 21.0, 22.0, 20.0, 17.0, 14.0]
    );
    assert_eq!(
        col("table_2_1", Unit::Initiatives),
        [21.0, 12.0, 10.0, 10.0, 8.0, 7.0, 6.0, 4.0]
    );
    assert_eq!(
        col("table_2_1", Unit::Interviewees),
        [31.0, 15.0, 13.0, 11.0, 11.0, 11.0, 9.0, 5.0]
    );
    // The five stage groups partition the 139 interviewees.
    assert_eq!(
        col("vignette_1", Unit::Interviewees).iter().sum::<f64>(),
        139.0
    );
    // Counts never exceed the unit's total.
    for f in &p.figures {
        let n = match f.unit {
            Unit::Initiatives => 30.0,
            Unit::Interviewees => 139.0,
        };
        assert!(f.published >= 0.0 && f.published <= n, "{}", f.id);
        assert!(!f.source.is_empty() && !f.label.is_empty(), "{}", f.id);
    }
}

#[test]
fn every_published_figure_is_produced_by_the_tabulation() {
    let t = Tables::default();
    for f in &Published::nfer2002().figures {
        assert!(t.figure(&f.id).is_some(), "{} is not tabulated", f.id);
    }
}

/// Runs a study of `design` through the library: its outcome, settings and `study.json`.
fn study_with(
    design: Design,
    replications: u32,
    seed: u64,
    threads: usize,
) -> (study::StudyOutcome, StudyConfig, String) {
    let frame = Frame::new(design, model_scenarios()).expect("the design is valid");
    let obs = Observation::default();
    let config = StudyConfig {
        replications,
        seed,
        threads,
    };
    let published = Published::nfer2002();
    let outcome = study::run(&frame, &obs, published, &config, &|_| {}).expect("the study runs");
    let json = study::Report::new(&outcome, &frame, &obs, published, &config).to_json();
    (outcome, config, json)
}

fn small_study(threads: usize, seed: u64) -> String {
    study_with(Design::default(), 7, seed, threads).2
}

#[test]
fn a_study_is_identical_for_any_thread_count() {
    let one = small_study(1, 42);
    assert_eq!(one, small_study(2, 42), "study.json differs with 2 threads");
    assert_eq!(one, small_study(3, 42), "study.json differs with 3 threads");
    assert_ne!(one, small_study(2, 43), "another seed gives the same study");
}

#[test]
fn each_replication_has_the_reports_sample_design() {
    let frame = Frame::new(Design::default(), model_scenarios()).unwrap();
    let obs = Observation::default();
    for rep in 0..5 {
        let r = study::replicate(&frame, &obs, 9, rep).expect("a replication runs");
        let t = &r.tables;
        for id in [
            "sample.decision_making_group.initiatives",
            "sample.consultation_training.initiatives",
            "sample.centre_based.initiatives",
            "sample.coordinated_delivery.initiatives",
            "sample.operational_team.initiatives",
            "sample.education_social_services_health.initiatives",
            "sample.education_social_services.initiatives",
            "sample.education_health.initiatives",
            "sample.voluntary_with_partners.initiatives",
            "sample.health_involved.initiatives",
            "sample.interviews.interviewees",
        ] {
            let published = Published::nfer2002().get(id).unwrap().published;
            assert_eq!(t.figure(id), Some(published), "{id} in replication {rep}");
        }
        // Every initiative has at least one interviewee; no decision group is E+H alone.
        assert_eq!(t.by_model.iter().map(|g| g.initiatives).sum::<u64>(), 30);
        assert!(r.attempts >= 30);
    }
}

#[test]
fn agency_mixes_drop_agencies_with_their_money_and_keep_adequacy() {
    let s = model_scenarios();
    let coordinated = s
        .iter()
        .find(|x| x.model == ModelKind::CoordinatedDelivery)
        .unwrap();
    let eh = compose(coordinated, Composition::EducationHealth).expect("E+H is possible");
    let kinds: Vec<AgencyKind> = eh.agencies.values().map(|a| a.kind.unwrap()).collect();
    assert_eq!(kinds, [AgencyKind::Education, AgencyKind::Health]);
    assert!(eh.funding.values().all(|f| f.source != "social_services"));
    assert!(eh.agencies.contains_key(&eh.lead), "the lead is re-chosen");
    let money = |x: &Scenario| x.funding.values().map(|f| f.monthly).sum::<f64>();
    let ratio = |x: &Scenario| money(x) / x.required_funding;
    assert!((ratio(&eh) - ratio(coordinated)).abs() < 1e-9);
    for f in eh.funding.values() {
        assert!(
            f.funds_posts
                .iter()
                .all(|p| !p.starts_with("social_services"))
        );
    }
    let voluntary = compose(coordinated, Composition::VoluntaryWithPartners).unwrap();
    let kinds: Vec<AgencyKind> = voluntary
        .agencies
        .values()
        .map(|a| a.kind.unwrap())
        .collect();
    assert!(kinds.contains(&AgencyKind::Voluntary) && !kinds.contains(&AgencyKind::Health));
    let dmg = s
        .iter()
        .find(|x| x.model == ModelKind::DecisionMakingGroup)
        .unwrap();
    assert!(compose(dmg, Composition::EducationHealth).is_none());
}

#[test]
fn a_mix_that_drops_every_funded_agency_keeps_the_money() {
    let s = model_scenarios();
    let mut health_paid = s
        .iter()
        .find(|x| x.model == ModelKind::CoordinatedDelivery)
        .unwrap()
        .clone();
    // Only Health pays: Education and Social Services alone would have no money.
    health_paid.funding.retain(|_, f| f.source == "health");
    assert_eq!(health_paid.funding.len(), 1);
    health_paid.funding.values_mut().for_each(|f| {
        f.funds_posts = vec!["health".into(), "education.operational".into()];
    });
    let money = |x: &Scenario| x.funding.values().map(|f| f.monthly).sum::<f64>();
    let ratio = |x: &Scenario| money(x) / x.required_funding;
    assert!(ratio(&health_paid) > 0.0);

    let ess = compose(&health_paid, Composition::EducationSocialServices).expect("E+SS");
    assert!(
        !ess.agencies
            .values()
            .any(|a| a.kind == Some(AgencyKind::Health))
    );
    // The money stays, now paid by the initiative's lead, and adequacy is the author's.
    assert!(
        (ratio(&ess) - ratio(&health_paid)).abs() < 1e-12,
        "{}",
        ratio(&ess)
    );
    assert_eq!(ess.required_funding, health_paid.required_funding);
    let stream = ess.funding.values().next().unwrap();
    assert_eq!(stream.source, ess.lead);
    assert!(ess.agencies.contains_key(&ess.lead));
    // It no longer pays for the dropped agency's posts.
    assert_eq!(stream.funds_posts, ["education.operational"]);
    // A mix that keeps Health keeps its stream as it was.
    let eh = compose(&health_paid, Composition::EducationHealth).expect("E+H");
    assert_eq!(eh.funding, health_paid.funding);
    assert_eq!(eh.required_funding, health_paid.required_funding);
}

#[test]
fn a_shortfall_of_interviews_is_reported() {
    // More interviews than 30 initiatives have filled posts: every holder is interviewed, and
    // the study says how many that was.
    let design = Design {
        interviews: 2000,
        ..Design::default()
    };
    let (outcome, config, json) = study_with(design, 3, 4, 1);
    let counts: Vec<u64> = outcome
        .replications
        .iter()
        .map(|r| r.interviewed())
        .collect();
    assert!(counts.iter().all(|&n| n > 30 && n < 2000), "{counts:?}");
    let n = outcome.interviewed;
    assert_eq!(n.requested, 2000);
    assert_eq!(n.short_replications, 3);
    assert_eq!(n.fewest, *counts.iter().min().unwrap());
    assert_eq!(n.mean, counts.iter().sum::<u64>() as f64 / 3.0);
    let text = study::verdict_text(&outcome, &config);
    assert!(
        text.contains("3 replications of 30 initiatives and 2000 interviews"),
        "{text}"
    );
    let warning = format!(
        "warning: 3 of 3 replications interviewed fewer than 2000 people (fewest {}, mean {:.1})",
        n.fewest, n.mean
    );
    assert!(text.contains(&warning), "{text}");
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["study"]["interviewed"]["requested"], 2000);
    assert_eq!(j["study"]["interviewed"]["short_replications"], 3);
    assert_eq!(j["study"]["interviewed"]["fewest"], n.fewest);

    // With NFER's 139 there is no shortfall and no warning.
    let (outcome, config, json) = study_with(Design::default(), 3, 4, 1);
    assert_eq!(
        (outcome.interviewed.fewest, outcome.interviewed.mean),
        (139, 139.0)
    );
    assert_eq!(outcome.interviewed.short_replications, 0);
    let text = study::verdict_text(&outcome, &config);
    assert!(text.starts_with(
        "virtual NFER study: 3 replications of 30 initiatives and 139 interviews (seed 4)\n"
    ));
    assert!(!text.contains("warning"), "{text}");
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["study"]["interviewed"]["short_replications"], 0);
}

/// Keeping each scenario's own agencies, the agency-mix figures count the mixes those agencies
/// make (the shipped model scenarios: Education, Social Services and Health in all but the
/// operational team's Education and Health), not a zero for every mix.
#[test]
fn own_agencies_are_counted_by_the_mix_they_make() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("own");
    partnersim()
        .args([
            "study",
            "--replications",
            "2",
            "--scenario-agencies",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let j = read_json(&out.join("study.json"));
    let mean = |id: &str| {
        j["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no figure {id}"))["simulated_mean"]
            .as_f64()
            .unwrap()
    };
    let mut expected = [0.0; Composition::COUNT];
    let mut health = 0.0;
    for model in ModelKind::ALL {
        let file = root().join(format!("scenarios/{}.toml", model.key()));
        let s = Scenario::from_file(&file).unwrap();
        let kinds: Vec<AgencyKind> = s.agencies.values().map(|a| a.kind.unwrap()).collect();
        let slots = f64::from(Design::default().model_mix[model.index()]);
        if let Some(c) = Composition::of(&kinds) {
            expected[c.index()] += slots;
        }
        if kinds.contains(&AgencyKind::Health) {
            health += slots;
        }
    }
    assert!(expected.iter().sum::<f64>() > 0.0);
    for c in Composition::ALL {
        assert_eq!(
            mean(&format!("sample.{}.initiatives", c.key())),
            expected[c.index()],
            "{}",
            c.key()
        );
    }
    assert_eq!(mean("sample.health_involved.initiatives"), health);
}

/// Outside the project's folder the default scenarios are missing: the message says where they
/// are read from and how to name them (a bare "cannot read scenarios/…" did not), for both
/// commands, with the missing-file exit code and no output.
#[test]
fn default_scenarios_outside_the_project_say_where_they_are_read_from() {
    let tmp = tempfile::tempdir().unwrap();
    for command in ["study", "calibrate"] {
        let out = tmp.path().join(command);
        partnersim()
            .current_dir(tmp.path())
            .args([command, "--replications", "2", "--out"])
            .arg(&out)
            .assert()
            .code(4)
            .stderr(
                predicate::str::contains("cannot read scenario file scenarios/")
                    .and(predicate::str::contains(
                        "read the five model scenarios from ./scenarios/: run from the project's folder, or name them with --scenarios",
                    )),
            );
        assert!(!out.exists());
    }
}

#[test]
fn study_cli_writes_json_chart_and_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("study");
    partnersim()
        .args(["study", "--replications", "6", "--seed", "3", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("inside the simulated 90% band")
                .and(predicate::str::contains("Table 6.1")),
        );
    for f in ["study.json", "study.svg", "study.png"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let j = read_json(&out.join("study.json"));
    let figures = j["figures"].as_array().unwrap();
    assert_eq!(figures.len(), Published::nfer2002().figures.len());
    for f in figures {
        for key in [
            "id",
            "source",
            "label",
            "unit",
            "published",
            "simulated_mean",
            "p05",
            "p95",
            "inside",
        ] {
            assert!(f.get(key).is_some(), "figure lacks {key}: {f}");
        }
        assert!(f["p05"].as_f64() <= f["p95"].as_f64());
    }
    for t in ["table_2_1", "table_6_1", "table_7_1"] {
        let rho = j["rank_agreement"][t].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&rho), "{t}: {rho}");
    }
    let b = &j["breakdowns"];
    // serde_json's map sorts keys; the file keeps the report's order.
    let groups = |key: &str| -> Vec<String> {
        let mut keys: Vec<String> = b[key].as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        groups("by_model"),
        [
            "centre_based",
            "consultation_training",
            "coordinated_delivery",
            "decision_making_group",
            "operational_team"
        ]
    );
    assert_eq!(
        groups("by_level"),
        ["interface", "operational", "strategic"]
    );
    assert_eq!(
        groups("by_agency"),
        ["education", "health", "social_services", "voluntary"]
    );
    let text = std::fs::read_to_string(out.join("study.json")).unwrap();
    let at = |k: &str| {
        text.find(&format!("\"{k}\": {{"))
            .unwrap_or_else(|| panic!("{k}"))
    };
    assert!(at("decision_making_group") < at("consultation_training"));
    assert!(at("strategic") < at("interface") && at("interface") < at("operational"));
    let mut all: Vec<&serde_json::Value> = vec![&b["overall"]];
    for key in ["by_model", "by_level", "by_agency"] {
        all.extend(b[key].as_object().unwrap().values());
    }
    for g in all {
        for (field, keys) in [
            (
                "stage_judgement",
                &["well_established", "between", "early"][..],
            ),
            (
                "challenges",
                &[
                    "fiscal",
                    "roles",
                    "competing_priorities",
                    "non_fiscal_resources",
                    "communication",
                    "cultures",
                    "management",
                ][..],
            ),
            (
                "key_factors",
                &[
                    "commitment",
                    "understanding_roles",
                    "common_aims",
                    "communication",
                    "leadership",
                    "involving_personnel",
                    "funding",
                    "relationships",
                    "time",
                ][..],
            ),
            ("rationales", &["length_of_time", "remaining_issues"][..]),
        ] {
            for k in keys {
                let share = g[field][*k]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{field}.{k}"));
                assert!((0.0..=1.0).contains(&share), "{field}.{k} = {share}");
            }
        }
        assert!(g.get("agreement").is_some());
    }
    // Stage answers partition each group's interviewees.
    let stage_sum: f64 = b["overall"]["stage_judgement"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((stage_sum - 1.0).abs() < 1e-9);
    let png = std::fs::read(out.join("study.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(out.join("study.svg")).unwrap();
    assert!(svg.contains("Table 6.1: key challenges"));
}

#[test]
fn study_cli_is_identical_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |threads: &str, dir: &str| {
        let out = tmp.path().join(dir);
        partnersim()
            .args([
                "study",
                "--replications",
                "5",
                "--seed",
                "11",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("study.json")).unwrap()
    };
    assert_eq!(run("1", "one"), run("2", "two"));
}

#[test]
fn study_cli_rejects_bad_designs_before_computing() {
    let tmp = tempfile::tempdir().unwrap();
    partnersim()
        .args(["study", "--age-min", "80", "--age-max", "40", "--out"])
        .arg(tmp.path().join("x"))
        .assert()
        // An empty range of visit ages is a usage error, found while parsing.
        .code(2)
        .stderr(
            predicate::str::contains("age")
                .and(predicate::str::contains("Usage: partnersim study")),
        );
    partnersim()
        .args([
            "study",
            "--scenarios",
            "scenarios/centre_based.toml",
            "--out",
        ])
        .arg(tmp.path().join("y"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("decision_making_group"));
    partnersim()
        .args(["study", "--set", "challenges.nothing.rate=1", "--out"])
        .arg(tmp.path().join("z"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("challenges.nothing.rate"));
    assert!(!tmp.path().join("x").exists());
}

/// A `--set` value the parameter cannot take is refused, naming the `--set`, even when every
/// scenario sets that parameter itself (it used to pass unchecked then, and calibrate wrote it
/// into `calibrated.toml`); a `params.` prefix, as sweep files write paths, is accepted.
#[test]
fn set_values_are_checked_on_the_defaults_whatever_the_scenarios_set() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // Every model's scenario sets the two parameters the `--set`s below change.
    let own: Vec<PathBuf> = ModelKind::ALL
        .iter()
        .map(|m| {
            let file = t.join(format!("{}.toml", m.key()));
            std::fs::write(
                &file,
                format!(
                    "extends = {:?}\n[params.challenges]\nissue_gain = 1.875\nfiscal_conflict = 0.5\n[params.challenges.fiscal]\nseverity = 0.15\n",
                    root().join(format!("scenarios/{}.toml", m.key()))
                ),
            )
            .unwrap();
            file
        })
        .collect();
    for (command, setting, shown, why) in [
        (
            "study",
            "challenges.issue_gain=-5",
            "--set challenges.issue_gain=-5",
            "from 0 to 1e6",
        ),
        (
            "calibrate",
            "challenges.fiscal.severity=7",
            "--set challenges.fiscal.severity=7",
            "between 0 and 1",
        ),
        (
            "study",
            "params.challenges.fiscal_conflict=1.5",
            "--set challenges.fiscal_conflict=1.5",
            "between 0 and 1",
        ),
    ] {
        let out = t.join(command);
        partnersim()
            .args([command, "--scenarios"])
            .args(&own)
            .args(["--set", setting, "--out"])
            .arg(&out)
            .assert()
            .code(3)
            .stderr(predicate::str::contains(shown).and(predicate::str::contains(why)));
        assert!(!out.exists(), "{command} {setting}");
    }
}

#[test]
fn calibrate_cli_runs_within_its_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    partnersim()
        .args(["calibrate", "--budget", "3", "--replications", "4", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("calibration: 3 studies"));
    let j = read_json(&out.join("calibration.json"));
    assert_eq!(j["evaluations"], 3);
    assert_eq!(j["stop"], "budget");
    let toml = std::fs::read_to_string(out.join("calibrated.toml")).unwrap();
    assert!(toml.contains("[params.challenges.fiscal]"), "{toml}");
}

/// A `--set` path has one spelling, and a count takes a whole number: a malformed path or a
/// fraction was read loosely (`stage_rate[3` as `stage_rate`, 12.7 months as 13), and a
/// searched parameter spelt `stage_rate[03]` slipped past calibrate's refusal and was then
/// overridden by the search.
#[test]
fn set_paths_and_counts_are_read_strictly() {
    let tmp = tempfile::tempdir().unwrap();
    for (command, setting, says) in [
        (
            "calibrate",
            "progress.stage_rate[03]=0.3",
            "calibrate searches this parameter",
        ),
        (
            "study",
            "progress.stage_rate[3=0.1",
            "\"progress.stage_rate[3\" is not a number",
        ),
        (
            "study",
            "progress.stage_rate[]=0.1",
            "is not a number under [params]",
        ),
        (
            "study",
            "progress..stage_rate=0.1",
            "is not a number under [params]",
        ),
        (
            "study",
            "progress.established_months=12.7",
            "is a whole number (a count), got 12.7",
        ),
    ] {
        let out = tmp.path().join("never");
        let budget: &[&str] = if command == "calibrate" {
            &["--budget", "1"]
        } else {
            &[]
        };
        partnersim()
            .args([command, "--set", setting, "--replications", "2"])
            .args(budget)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(3)
            .stderr(predicate::str::contains(says));
        assert!(!out.exists(), "{setting}");
    }
}

/// `calibrated.toml` is the best point as an overlay: an array that holds both a searched
/// element and a `--set` one is written whole with the set value kept, and scalar `--set`
/// values are written too.
#[test]
fn the_calibrated_overlay_keeps_the_set_values() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    partnersim()
        .args([
            "calibrate",
            "--budget",
            "1",
            "--replications",
            "2",
            "--set",
            "progress.stage_rate[2]=0.3",
            "--set",
            "progress.factor_weights[1]=3.0",
            "--set",
            "challenges.growth_weight=0.25",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("not a replacement for them"));
    let text = std::fs::read_to_string(out.join("calibrated.toml")).unwrap();
    let overlay: toml::Table = toml::from_str(&text).unwrap();
    let progress = &overlay["params"]["progress"];
    assert_eq!(progress["stage_rate"][2].as_float(), Some(0.3), "{text}");
    assert_eq!(
        progress["factor_weights"][1].as_float(),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        overlay["params"]["challenges"]["growth_weight"].as_float(),
        Some(0.25),
        "{text}"
    );
}

/// A study's defaults (calibration, `--set`) leave a parameter the scenario's file names alone,
/// even when the file sets it to exactly the default; parameters it does not name change.
#[test]
fn changed_defaults_spare_parameters_a_scenario_sets_to_the_default() {
    let defaults = partnersim::scenario::Params::default();
    let tmp = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/centre_based.toml");
    let own = tmp.path().join("centre_based_own.toml");
    let rates: Vec<String> = defaults
        .progress
        .stage_rate
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    std::fs::write(
        &own,
        format!(
            "extends = {:?}\n[params.challenges]\nissue_gain = {:?}\n[params.progress]\nstage_rate = [{}]\n",
            base.display().to_string(),
            defaults.challenges.issue_gain,
            rates.join(", ")
        ),
    )
    .unwrap();
    let mut scenarios = model_scenarios();
    for s in &mut scenarios {
        if s.model == ModelKind::CentreBased {
            *s = Scenario::from_file(&own).expect("the scenario is valid");
        }
    }
    let frame = Frame::new(Design::default(), scenarios).expect("the design is valid");
    let values = [
        ("challenges.issue_gain", 1.25),
        ("progress.stage_rate[3]", 0.33),
        ("progress.review_rate", 0.2),
    ];
    let changed = study::calibrate::with_defaults(&frame, &values).expect("valid paths");
    for s in &changed.scenarios {
        let p = &s.params;
        assert_eq!(
            p.progress.review_rate, 0.2,
            "{}: unnamed parameter kept",
            s.name
        );
        if s.model == ModelKind::CentreBased {
            assert_eq!(p.challenges.issue_gain, defaults.challenges.issue_gain);
            assert_eq!(p.progress.stage_rate, defaults.progress.stage_rate);
        } else {
            assert_eq!(p.challenges.issue_gain, 1.25, "{}", s.name);
            assert_eq!(p.progress.stage_rate[3], 0.33, "{}", s.name);
        }
    }
}

/// The keys every study and calibration `manifest.json` has (docs/outputs.md).
const STUDY_MANIFEST_KEYS: [&str; 12] = [
    "command",
    "version",
    "git_commit",
    "seed",
    "replications",
    "threads",
    "design",
    "set",
    "started",
    "finished",
    "elapsed_seconds",
    "scenarios",
];

/// Checks the keys and provenance of a study or calibration manifest, and each recorded
/// scenario against the model scenarios; returns the recorded scenarios.
fn check_study_manifest(
    m: &serde_json::Value,
    seed: u64,
    replications: u32,
) -> Vec<serde_json::Value> {
    for key in STUDY_MANIFEST_KEYS {
        assert!(m.get(key).is_some(), "manifest.json lacks {key}: {m}");
    }
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["git_commit"], partnersim::manifest::GIT_COMMIT);
    assert_eq!(m["seed"], seed);
    assert_eq!(m["replications"], replications);
    assert!(m["threads"].as_u64().unwrap() >= 1);
    assert_eq!(
        m["design"],
        serde_json::to_value(Design::default()).unwrap(),
        "the default design"
    );
    for key in ["started", "finished"] {
        let t = m[key].as_str().unwrap();
        assert!(t.len() == 20 && t.ends_with('Z'), "{key}: {t}");
    }
    assert!(m["elapsed_seconds"].as_f64().unwrap() >= 0.0);
    let scenarios = m["scenarios"].as_array().unwrap().clone();
    assert_eq!(scenarios.len(), ModelKind::ALL.len());
    for (s, model) in scenarios.iter().zip(ModelKind::ALL) {
        assert_eq!(s["file"], format!("scenarios/{}.toml", model.key()));
        assert_eq!(s["model"], model.key());
        assert_eq!(s["scenario"]["model"], model.key());
        assert_eq!(s["scenario_sha256"].as_str().unwrap().len(), 64);
    }
    scenarios
}

/// Writes scenario `i` of a manifest back to a TOML file, loads it and checks it hashes as
/// recorded.
fn write_back(manifest: &Path, i: usize, path: &Path) -> Scenario {
    // Exact float reading (serde_json's `float_roundtrip`, which the crate enables) matters here:
    // a float read one unit in the last place off would hash differently.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    let recorded = &json["scenarios"][i];
    let scenario = toml::Value::try_from(&recorded["scenario"]).expect("a scenario is TOML");
    let text = toml::to_string_pretty(&scenario).expect("a scenario is TOML");
    std::fs::write(path, text).unwrap();
    let s = Scenario::from_file(path)
        .unwrap_or_else(|e| panic!("{}: the recorded scenario loads: {e}", path.display()));
    assert_eq!(
        partnersim::manifest::scenario_sha256(&s),
        recorded["scenario_sha256"].as_str().unwrap(),
        "{}: written back, the scenario hashes as recorded",
        path.display()
    );
    s
}

/// `study` writes `manifest.json` beside `study.json`: the command, every `--set` in order and
/// each scenario fully resolved as the study used it, enough to re-run it; `study.json` is
/// what the library's report of the same study is, so the manifest changed none of it.
#[test]
fn study_cli_writes_a_manifest_that_repeats_the_study() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |dir: &str, extra: &[&str]| -> PathBuf {
        let out = tmp.path().join(dir);
        partnersim()
            .args([
                "study",
                "--replications",
                "2",
                "--seed",
                "3",
                "--threads",
                "1",
            ])
            .args(extra)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let set = [
        "--set",
        "challenges.issue_gain=1.5",
        "--set",
        "progress.review_rate = 0.2",
    ];
    let with_set = run("set", &set);
    let m = read_json(&with_set.join("manifest.json"));
    let scenarios = check_study_manifest(&m, 3, 2);
    assert!(
        m["command"]
            .as_str()
            .unwrap()
            .contains("--set challenges.issue_gain=1.5 --set progress.review_rate = 0.2"),
        "{}",
        m["command"]
    );
    assert_eq!(
        m["set"],
        serde_json::json!([
            { "path": "challenges.issue_gain", "value": 1.5 },
            { "path": "progress.review_rate", "value": 0.2 },
        ])
    );
    assert!(m.get("budget").is_none() && m.get("knobs").is_none());
    // The scenarios as the study used them: after --set, hashed as study.json hashes them.
    let study_json = read_json(&with_set.join("study.json"));
    for (i, s) in scenarios.iter().enumerate() {
        assert_eq!(s["scenario"]["params"]["challenges"]["issue_gain"], 1.5);
        assert_eq!(s["scenario"]["params"]["progress"]["review_rate"], 0.2);
        assert_eq!(
            s["scenario_sha256"],
            study_json["study"]["scenarios"][i]["scenario_sha256"]
        );
    }

    // Written back to TOML, each recorded scenario loads to its recorded hash, `partnersim
    // check` prints exactly that text, and a study of them without --set repeats the study.
    let mut files = Vec::new();
    for (i, model) in ModelKind::ALL.iter().enumerate() {
        let path = tmp.path().join(format!("{}.toml", model.key()));
        write_back(&with_set.join("manifest.json"), i, &path);
        files.push(path);
    }
    let checked = partnersim()
        .arg("check")
        .arg(&files[0])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let digest: String = Sha256::digest(&checked)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, scenarios[0]["scenario_sha256"].as_str().unwrap());
    let mut again = vec!["--scenarios".to_string()];
    again.extend(files.iter().map(|f| f.display().to_string()));
    let again: Vec<&str> = again.iter().map(String::as_str).collect();
    let rerun = run("rerun", &again);
    assert_eq!(
        std::fs::read(rerun.join("study.json")).unwrap(),
        std::fs::read(with_set.join("study.json")).unwrap(),
        "the recorded scenarios repeat the study"
    );
    let m_again = read_json(&rerun.join("manifest.json"));
    assert_eq!(m_again["set"], serde_json::json!([]));
    for (i, f) in files.iter().enumerate() {
        let s = &m_again["scenarios"][i];
        assert_eq!(s["file"], f.display().to_string(), "the file as given");
        assert_eq!(s["scenario_sha256"], scenarios[i]["scenario_sha256"]);
    }

    // Without --set: nothing recorded, other scenarios, other results; study.json is exactly
    // the library's report of the same study (the manifest adds nothing to it).
    let plain = run("plain", &[]);
    let m = read_json(&plain.join("manifest.json"));
    check_study_manifest(&m, 3, 2);
    assert_eq!(m["set"], serde_json::json!([]));
    assert_ne!(
        m["scenarios"][0]["scenario_sha256"],
        scenarios[0]["scenario_sha256"]
    );
    let plain_json = std::fs::read_to_string(plain.join("study.json")).unwrap();
    assert_ne!(
        plain_json,
        std::fs::read_to_string(with_set.join("study.json")).unwrap()
    );
    let (_, _, library) = study_with(Design::default(), 2, 3, 1);
    assert_eq!(plain_json, library);
    assert!(!plain_json.contains("git_commit") && !plain_json.contains("\"command\""));
}

/// `calibrate` writes `manifest.json` beside `calibration.json`: the study's settings, the
/// budget, the searched parameters and each scenario as the search started from it.
#[test]
fn calibrate_cli_writes_a_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cal");
    partnersim()
        .args([
            "calibrate",
            "--budget",
            "2",
            "--replications",
            "2",
            "--seed",
            "4",
            "--set",
            "progress.review_rate=0.2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["calibrated.toml", "calibration.json", "manifest.json"]
    );
    let m = read_json(&out.join("manifest.json"));
    let scenarios = check_study_manifest(&m, 4, 2);
    assert!(
        m["command"]
            .as_str()
            .unwrap()
            .contains("calibrate --budget 2")
    );
    assert_eq!(m["budget"], 2);
    let knobs: Vec<&str> = study::calibrate::KNOBS.iter().map(|k| k.path).collect();
    assert_eq!(m["knobs"], serde_json::json!(knobs));
    assert_eq!(
        m["set"],
        serde_json::json!([{ "path": "progress.review_rate", "value": 0.2 }])
    );
    for (i, (s, model)) in scenarios.iter().zip(ModelKind::ALL).enumerate() {
        assert_eq!(s["scenario"]["params"]["progress"]["review_rate"], 0.2);
        let file = tmp.path().join(format!("{}.toml", model.key()));
        let back = write_back(&out.join("manifest.json"), i, &file);
        assert_eq!(back.params.progress.review_rate, 0.2);
    }
    // The keys come in the documented order: the search between the settings and the timing.
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let at = |k: &str| {
        text.find(&format!("\n  \"{k}\": "))
            .unwrap_or_else(|| panic!("{k}"))
    };
    assert!(at("set") < at("budget") && at("budget") < at("knobs") && at("knobs") < at("started"));
}
