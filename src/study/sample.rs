//! The sample: which initiatives the virtual study visits, when, and whom it interviews.
//!
//! NFER chose 30 initiatives on purpose, in a fixed mix of models (9, 5, 4, 9, 3) and of agencies
//! (Education, Social Services and Health 13; Education and Social Services 8; Education and
//! Health 8; a voluntary agency with partners 1; no decision-making group of Education and Health
//! alone), all already delivering. The virtual study does the same: each replication has exactly
//! that mix, the agency mix assigned to the model slots at random within the report's constraint;
//! each initiative is a fresh rollout of its model's scenario, reduced to its agencies, visited at
//! an age drawn uniformly from the design's range, and kept only if it is delivering then
//! (otherwise another rollout is drawn). Interviews go first to the people NFER would see in each
//! agency (its strategic lead and one front-line member) and to the coordinator, then are trimmed
//! or topped up at random to the study's 139.

use std::collections::BTreeSet;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::engine::seed::rollout_key;
use crate::engine::{simulate, streams_for};
use crate::model::draw::uniform;
use crate::model::{Level, MAX_AGENCIES, MAX_POSTS, ModelKind, Setup, State, setup};
use crate::scenario::{Agency, AgencyKind, FundingStream, Params, Scenario, resolve, validate};

use super::StudyError;
use super::interview::Interviewee;
use super::observe::{Record, Recorder};
use super::vocab::Composition;

/// The study's sampling design (MODEL.md §7 steps 1–2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// Initiatives of each model, [`ModelKind::ALL`] order (NFER: 9, 5, 4, 9, 3).
    pub model_mix: [u32; ModelKind::COUNT],
    /// Give the sample NFER's mix of agencies (13, 8, 8, 1); otherwise each scenario keeps its own.
    pub agency_mix: bool,
    /// Interviews per replication (NFER: 139).
    pub interviews: u32,
    /// Youngest age at the visit, months since the idea. The sampled initiatives were set up
    /// between the early 1990s and 1999 and visited in 2000–01 (case studies: formed 1992, after
    /// the 1996 reorganisation, in 1999; "about 3 years running", "about two years on").
    pub age_min_months: u32,
    /// Oldest age at the visit, months since the idea: the model's horizon (MODEL.md §2).
    pub age_max_months: u32,
    /// Rollouts tried per initiative before giving up on finding one that delivers.
    pub max_attempts: u32,
    /// Half-width of the uniform spread of each agency's anchoring commitments (both levels),
    /// alignment and initial budget pressure around the scenario's values. A scenario describes
    /// a typical initiative of its model, its values set to about a tenth; the 30 real initiatives
    /// differed around such typical values, so each visited initiative draws its own within that
    /// resolution. 0 visits copies of the scenario.
    pub heterogeneity: f64,
}

impl Default for Design {
    fn default() -> Self {
        Design {
            model_mix: std::array::from_fn(|i| ModelKind::ALL[i].defaults().sample_count),
            agency_mix: true,
            interviews: 139,
            age_min_months: 24,
            age_max_months: 72,
            max_attempts: 500,
            heterogeneity: 0.1,
        }
    }
}

impl Design {
    /// Initiatives per replication.
    pub fn initiatives(&self) -> u32 {
        self.model_mix.iter().sum()
    }

    /// Rejects designs that cannot be sampled.
    pub fn check(&self) -> Result<(), StudyError> {
        let bad = |m: &str| Err(StudyError::Design(m.to_string()));
        if self.initiatives() == 0 {
            return bad("the model mix has no initiatives");
        }
        if self.age_min_months == 0 || self.age_min_months > self.age_max_months {
            return bad("the age range must satisfy 1 <= age_min_months <= age_max_months");
        }
        if self.age_max_months > crate::cli::MAX_AGE_MONTHS {
            return bad("age_max_months may be at most 1200");
        }
        if self.interviews < self.initiatives() {
            return bad("there must be at least one interview per initiative");
        }
        if self.max_attempts == 0 {
            return bad("max_attempts must be at least 1");
        }
        if !(0.0..=0.5).contains(&self.heterogeneity) {
            return bad("heterogeneity must be from 0 to 0.5");
        }
        if self.agency_mix && self.initiatives() != Composition::NFER.iter().sum::<u32>() {
            return bad(
                "the NFER agency mix has 30 initiatives; change the model mix to 30 or turn the agency mix off",
            );
        }
        Ok(())
    }
}

/// One model scenario in one agency mix, compiled.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The model whose slots this variant can fill.
    pub model: ModelKind,
    /// The agency mix the scenario was reduced to, or `None` when it keeps its own agencies
    /// (`--scenario-agencies`).
    pub composition: Option<Composition>,
    /// The scenario reduced to the mix and resolved; its name is reported when it never delivers.
    pub scenario: Scenario,
    /// The compiled setup each visit jitters and simulates; its parameters also give the
    /// interviews the model's own thresholds.
    pub setup: Setup,
    /// Agency kinds in the setup's agency order.
    pub kinds: Vec<AgencyKind>,
}

impl Variant {
    fn new(model: ModelKind, composition: Option<Composition>, scenario: Scenario) -> Self {
        let kinds = scenario
            .agencies
            .values()
            .map(|a| a.kind.expect("resolved"))
            .collect();
        Variant {
            model,
            composition,
            setup: Setup::new(&scenario),
            scenario,
            kinds,
        }
    }
}

/// Everything a replication samples from: the design and one compiled variant per model and
/// agency mix.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The sampling design, checked.
    pub design: Design,
    /// The scenario of each model, as given (before any agency mix).
    pub scenarios: Vec<Scenario>,
    /// One per model and agency mix its scenario can take (one per model without the agency
    /// mix): [`Frame::assign`] gives each slot an index into this.
    pub variants: Vec<Variant>,
}

/// The kinds an agency mix keeps, and whether it adds a voluntary agency.
fn mix_kinds(c: Composition) -> (&'static [AgencyKind], bool) {
    use AgencyKind::*;
    match c {
        Composition::EducationSocialServicesHealth => (&[Education, SocialServices, Health], false),
        Composition::EducationSocialServices => (&[Education, SocialServices], false),
        Composition::EducationHealth => (&[Education, Health], false),
        Composition::VoluntaryWithPartners => (&[Education, SocialServices], true),
    }
}

/// The scenario reduced (or extended) to an agency mix, or `None` when it lacks a kind the mix
/// needs or the report rules the pairing out (no decision-making group was Education and Health
/// alone). Dropped agencies take their own funding streams with them, and the money the
/// initiative needs shrinks in proportion to the money kept, so that funding adequacy is what the
/// scenario's author set. When that would leave no money at all (every stream came from dropped
/// agencies), the streams are kept instead and handed to the initiative's lead: see the comment
/// in the body. A voluntary agency joins with the schema's default agency values.
pub fn compose(s: &Scenario, c: Composition) -> Option<Scenario> {
    if s.model == ModelKind::DecisionMakingGroup && c == Composition::EducationHealth {
        return None;
    }
    let (keep, voluntary) = mix_kinds(c);
    let kind_of = |a: &Agency| a.kind.expect("resolved");
    if !keep
        .iter()
        .all(|k| s.agencies.values().any(|a| kind_of(a) == *k))
    {
        return None;
    }
    let mut out = s.clone();
    let dropped: Vec<String> = s
        .agencies
        .iter()
        .filter(|(_, a)| !keep.contains(&kind_of(a)))
        .map(|(n, _)| n.clone())
        .collect();
    for name in &dropped {
        out.agencies.remove(name);
    }
    if voluntary {
        let v = Agency {
            kind: Some(AgencyKind::Voluntary),
            ..Agency::default()
        };
        let mut name = "voluntary".to_string();
        while out.agencies.contains_key(&name) {
            name.push('_');
        }
        out.agencies.insert(name, v);
    }
    if !out.agencies.contains_key(&out.lead) {
        // Education led most often (6 of 30), then Social Services (4), Health never.
        out.lead = [AgencyKind::Education, AgencyKind::SocialServices]
            .iter()
            .find_map(|k| {
                out.agencies
                    .iter()
                    .find(|(_, a)| kind_of(a) == *k)
                    .map(|(n, _)| n.clone())
            })
            .or_else(|| out.agencies.keys().next().cloned())?;
    }
    let from_dropped = |f: &FundingStream| dropped.contains(&f.source);
    let total: f64 = s.funding.values().map(|f| f.monthly).sum();
    let kept: f64 = s
        .funding
        .values()
        .filter(|f| !from_dropped(f))
        .map(|f| f.monthly)
        .sum();
    if total == 0.0 || kept > 0.0 {
        out.funding.retain(|_, f| !from_dropped(f));
        if kept > 0.0 {
            out.required_funding *= kept / total;
        }
    } else {
        // Every pound came from agencies the mix drops. Dropping their streams too would leave
        // the initiative no money and an unscaled need, so funding adequacy 0: a mix would turn
        // a funded scenario into one that can never be funded. A real initiative of this mix was
        // paid for by its own members, so the streams stay, with their amounts and terms, and
        // pass to the initiative's lead (a member of the mix, so its budget pressure now governs
        // their renewal); the need stays, and adequacy is what the scenario's author set. (A
        // scenario with no money at all takes the branch above: adequacy 0 is then the author's.)
        let lead = out.lead.clone();
        for f in out.funding.values_mut().filter(|f| from_dropped(f)) {
            f.source = lead.clone();
        }
    }
    for f in out.funding.values_mut() {
        f.funds_posts.retain(|t| {
            let agency = t.split_once('.').map_or(t.as_str(), |(a, _)| a);
            !dropped.iter().any(|d| d == agency)
        });
    }
    let stem = out.name.clone();
    resolve::resolve(&mut out, &stem);
    if out.agencies.len() < 2 || !validate::validate(&out).is_empty() {
        return None;
    }
    Some(out)
}

impl Frame {
    /// Compiles the design over one scenario per model in the mix.
    pub fn new(design: Design, scenarios: Vec<Scenario>) -> Result<Frame, StudyError> {
        design.check()?;
        for (i, m) in ModelKind::ALL.iter().enumerate() {
            let n = scenarios.iter().filter(|s| s.model == *m).count();
            if design.model_mix[i] > 0 && n == 0 {
                return Err(StudyError::MissingModel(m.key()));
            }
            if n > 1 {
                return Err(StudyError::DuplicateModel(m.key()));
            }
        }
        let mut frame = Frame {
            design,
            scenarios,
            variants: Vec::new(),
        };
        frame.compile()?;
        Ok(frame)
    }

    fn compile(&mut self) -> Result<(), StudyError> {
        self.variants.clear();
        for s in &self.scenarios {
            if self.design.model_mix[s.model.index()] == 0 {
                continue;
            }
            if self.design.agency_mix {
                for &c in Composition::ALL {
                    if let Some(v) = compose(s, c) {
                        self.variants.push(Variant::new(s.model, Some(c), v));
                    }
                }
            } else {
                self.variants.push(Variant::new(s.model, None, s.clone()));
            }
        }
        Ok(())
    }

    /// The same frame with every scenario's parameters changed by `f`, which also sees which
    /// parameters the scenario's files set ([`Scenario::params_set`]).
    pub fn with_params(
        &self,
        f: impl Fn(&mut Params, &BTreeSet<String>),
    ) -> Result<Frame, StudyError> {
        let mut frame = self.clone();
        for s in &mut frame.scenarios {
            f(&mut s.params, &s.params_set);
            let problems = validate::validate(s);
            if let Some((path, msg)) = problems.first() {
                return Err(StudyError::Design(format!(
                    "scenario {}: {} {msg}",
                    s.name,
                    crate::scenario::locate::format_path(path)
                )));
            }
        }
        frame.compile()?;
        Ok(frame)
    }

    /// The model of each initiative slot, in [`ModelKind::ALL`] order.
    pub fn slots(&self) -> Vec<ModelKind> {
        ModelKind::ALL
            .iter()
            .flat_map(|m| std::iter::repeat_n(*m, self.design.model_mix[m.index()] as usize))
            .collect()
    }

    /// Assigns a variant to each slot: the agency mix spread over the slots at random, slots
    /// with the fewest possible mixes first; one uniform per slot.
    pub fn assign(&self, rng: &mut ChaCha8Rng) -> Result<Vec<usize>, StudyError> {
        let slots = self.slots();
        let draws: Vec<f64> = slots.iter().map(|_| uniform(rng)).collect();
        if !self.design.agency_mix {
            return Ok(slots
                .iter()
                .map(|m| {
                    self.variants
                        .iter()
                        .position(|v| v.model == *m)
                        .expect("one variant per model")
                })
                .collect());
        }
        let options = |m: ModelKind| -> Vec<(Composition, usize)> {
            self.variants
                .iter()
                .enumerate()
                .filter(|(_, v)| v.model == m)
                .map(|(i, v)| (v.composition.expect("agency mix"), i))
                .collect()
        };
        let mut order: Vec<usize> = (0..slots.len()).collect();
        order.sort_by_key(|&j| options(slots[j]).len());
        let mut left = Composition::NFER;
        let mut chosen = vec![usize::MAX; slots.len()];
        for j in order {
            let opts: Vec<(Composition, usize)> = options(slots[j])
                .into_iter()
                .filter(|(c, _)| left[c.index()] > 0)
                .collect();
            let weight: u32 = opts.iter().map(|(c, _)| left[c.index()]).sum();
            if weight == 0 {
                return Err(StudyError::Design(format!(
                    "cannot give the sample NFER's agency mix: no mix left that the {} scenario can take; pass --scenario-agencies to keep each scenario's own agencies",
                    slots[j].key()
                )));
            }
            let mut target = draws[j] * weight as f64;
            let mut pick = opts[opts.len() - 1];
            for &(c, v) in &opts {
                let w = left[c.index()] as f64;
                if target < w {
                    pick = (c, v);
                    break;
                }
                target -= w;
            }
            left[pick.0.index()] -= 1;
            chosen[j] = pick.1;
        }
        Ok(chosen)
    }

    /// Visits one rollout of `variant` that is delivering at its visit: attempt `t` draws its
    /// age from `ages`, its agencies' spread from `spread` (a fixed 20 uniforms) and its model
    /// streams from `(slot_seed, t)`. Returns the record and the attempts used.
    pub fn visit(
        &self,
        variant: usize,
        slot_seed: u64,
        ages: &mut ChaCha8Rng,
        spread: &mut ChaCha8Rng,
        state: &mut State,
    ) -> Result<(Record, u32), StudyError> {
        let v = &self.variants[variant];
        let d = &self.design;
        let span = (d.age_max_months - d.age_min_months + 1) as f64;
        let mut setup = v.setup.clone();
        for attempt in 0..d.max_attempts {
            let age = (d.age_min_months + (uniform(ages) * span) as u32).min(d.age_max_months);
            setup.months = age;
            let u: [f64; 4 * MAX_AGENCIES] = std::array::from_fn(|_| uniform(spread));
            spread_agencies(&mut setup, &v.setup, &u, d.heterogeneity);
            let mut streams = streams_for(slot_seed, attempt as u64);
            let mut recorder = Recorder::new(age, &v.kinds);
            simulate(&setup, state, &mut streams, &mut recorder);
            if state.month == age && state.stage.delivering() {
                return Ok((recorder.record, attempt + 1));
            }
        }
        Err(StudyError::NoDelivery {
            scenario: v.scenario.name.clone(),
            attempts: d.max_attempts,
            age_min: d.age_min_months,
            age_max: d.age_max_months,
        })
    }
}

/// Sets `setup`'s agency values to `base`'s spread by up to `h` either way, from four uniforms
/// per agency (both commitment anchors, alignment, initial pressure), and recomputes what the
/// setup derives from them, so that every rule reads the spread values.
fn spread_agencies(setup: &mut Setup, base: &Setup, u: &[f64; 4 * MAX_AGENCIES], h: f64) {
    for a in 0..setup.n_agencies {
        let from = &base.agency[a];
        let jitter = |x: f64, k: usize| (x + h * (2.0 * u[4 * a + k] - 1.0)).clamp(0.0, 1.0);
        let ag = &mut setup.agency[a];
        ag.commitment_strategic = jitter(from.commitment_strategic, 0);
        ag.commitment_operational = jitter(from.commitment_operational, 1);
        ag.alignment = jitter(from.alignment, 2);
        ag.pressure0 = jitter(from.pressure0, 3);
    }
    setup.mean_alignment = setup::mean_alignment(&setup.agency[..setup.n_agencies]);
}

/// Mixes a value into a seed (through the engine's rollout key derivation).
pub fn mix(seed: u64, value: u64) -> u64 {
    let key = rollout_key(seed, value);
    u64::from_le_bytes(key[..8].try_into().expect("8 bytes"))
}

/// Purposes of the study's own random streams.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// Spreading the agency mix over the slots (one per replication).
    Design = 100,
    /// Ages at the visit, one per attempt.
    Ages = 101,
    /// Whom to interview beyond the core, one uniform per post.
    Allocation = 102,
    /// Interview answers, a fixed number per interviewee.
    Answers = 103,
    /// Each attempt's spread of agency values around the scenario's.
    Spread = 104,
}

/// The ChaCha8 stream of `purpose` for slot `slot` of replication `rep` under `seed`. The
/// model's own streams for the slot's attempts are [`streams_for`]`(slot_seed(..), attempt)`.
pub fn stream(seed: u64, rep: u64, slot: u64, purpose: Purpose) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(rollout_key(mix(seed, rep), slot));
    rng.set_stream(purpose as u64);
    rng
}

/// The seed under which the model streams of a slot's attempts are derived.
pub fn slot_seed(seed: u64, rep: u64, slot: u64) -> u64 {
    mix(mix(seed, rep), slot)
}

/// Chooses whom to interview. Core interviews, in each agency: its strategic lead (or first
/// filled strategic post) and one front-line member (first filled operational post, else the
/// first filled interface post that is not the coordinator); and the coordinator or team
/// manager where the initiative has one. An agency with no filled strategic post gets another
/// member instead. The core is then trimmed (lowest priority first, never the last interview of
/// an initiative) or topped up (highest priority first among the other filled posts) to
/// `total`. Only filled posts can be interviewed: when the initiatives have fewer than `total`,
/// every holder is interviewed and the result falls short of `total` (an initiative without a
/// filled post gets nobody). The study reports the number reached ([`super::Interviewed`]) and
/// warns of a shortfall. `priority[j][p]` is a uniform for post `p` of initiative `j`.
pub fn allocate(
    records: &[Record],
    total: u32,
    priority: &[[f64; MAX_POSTS]],
) -> Vec<Vec<Interviewee>> {
    let mut chosen: Vec<Vec<bool>> = records.iter().map(|r| vec![false; r.n_posts]).collect();
    for (j, r) in records.iter().enumerate() {
        let posts = &r.posts[..r.n_posts];
        let c = &mut chosen[j];
        let coordinator = posts
            .iter()
            .position(|p| p.key && p.level == Level::Interface && p.filled);
        if let Some(p) = coordinator {
            c[p] = true;
        }
        for a in 0..r.n_agencies as u8 {
            let find = |c: &[bool], level: Level, coordinator_ok: bool| {
                posts.iter().enumerate().position(|(i, p)| {
                    p.agency == a
                        && p.level == level
                        && p.filled
                        && !c[i]
                        && (coordinator_ok || Some(i) != coordinator)
                })
            };
            let strategic = find(c, Level::Strategic, true);
            if let Some(p) = strategic {
                c[p] = true;
            }
            let front =
                find(c, Level::Operational, true).or_else(|| find(c, Level::Interface, false));
            if let Some(p) = front {
                c[p] = true;
            }
            if strategic.is_none() {
                let any = posts
                    .iter()
                    .enumerate()
                    .position(|(i, p)| p.agency == a && p.filled && !c[i]);
                if let Some(p) = any {
                    c[p] = true;
                }
            }
        }
    }
    let count: usize = chosen
        .iter()
        .map(|c| c.iter().filter(|&&x| x).count())
        .sum();
    let total = total as usize;
    if count > total {
        let mut core: Vec<(f64, usize, usize)> = Vec::new();
        for (j, c) in chosen.iter().enumerate() {
            for (p, &x) in c.iter().enumerate() {
                if x {
                    core.push((priority[j][p], j, p));
                }
            }
        }
        core.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let mut per: Vec<usize> = chosen
            .iter()
            .map(|c| c.iter().filter(|&&x| x).count())
            .collect();
        let mut excess = count - total;
        for (_, j, p) in core {
            if excess == 0 {
                break;
            }
            if per[j] > 1 {
                chosen[j][p] = false;
                per[j] -= 1;
                excess -= 1;
            }
        }
    } else if count < total {
        let mut spare: Vec<(f64, usize, usize)> = Vec::new();
        for (j, r) in records.iter().enumerate() {
            for p in 0..r.n_posts {
                if r.posts[p].filled && !chosen[j][p] {
                    spare.push((priority[j][p], j, p));
                }
            }
        }
        spare.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        for (_, j, p) in spare.into_iter().take(total - count) {
            chosen[j][p] = true;
        }
    }
    records
        .iter()
        .zip(&chosen)
        .map(|(r, c)| {
            (0..r.n_posts)
                .filter(|&p| c[p])
                .map(|p| Interviewee {
                    agency: r.posts[p].agency,
                    level: r.posts[p].level,
                    post: p as u8,
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::observe::Post;

    /// The common-aims factor reads `mean_alignment`: spreading the agencies' alignment must
    /// move it too (it once kept the scenario's mean while the other rules read the spread).
    #[test]
    fn spreading_agencies_moves_the_mean_alignment_with_them() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml");
        let base = Setup::new(&Scenario::from_file(&path).unwrap());
        let n = base.n_agencies;
        let mut setup = base.clone();
        // Alignment (k = 2) up by the whole spread, everything else unchanged (u = 0.5).
        let u: [f64; 4 * MAX_AGENCIES] =
            std::array::from_fn(|i| if i % 4 == 2 { 1.0 } else { 0.5 });
        spread_agencies(&mut setup, &base, &u, 0.1);
        for a in 0..n {
            assert_eq!(
                setup.agency[a].alignment,
                (base.agency[a].alignment + 0.1).min(1.0)
            );
            assert_eq!(setup.agency[a].pressure0, base.agency[a].pressure0);
        }
        let mean = setup.agency[..n].iter().map(|a| a.alignment).sum::<f64>() / n as f64;
        assert_eq!(setup.mean_alignment, mean);
        assert!(
            setup.mean_alignment > base.mean_alignment + 0.09,
            "{}",
            setup.mean_alignment
        );
    }

    fn record(posts: &[(u8, Level, bool, bool)], agencies: usize) -> Record {
        let mut r = Record {
            n_agencies: agencies,
            n_posts: posts.len(),
            ..Record::default()
        };
        for (i, &(agency, level, key, filled)) in posts.iter().enumerate() {
            r.posts[i] = Post {
                agency,
                level,
                key,
                filled,
            };
        }
        r
    }

    #[test]
    fn core_interviews_are_lead_front_line_and_coordinator() {
        use Level::*;
        let r = record(
            &[
                (0, Strategic, true, true),
                (0, Interface, true, true),
                (0, Operational, false, true),
                (1, Strategic, true, false),
                (1, Interface, false, true),
                (1, Operational, false, true),
            ],
            2,
        );
        let prio = [[0.5; MAX_POSTS]];
        let got = allocate(std::slice::from_ref(&r), 5, &prio);
        let posts: Vec<u8> = got[0].iter().map(|i| i.post).collect();
        // Agency 1 has no strategic holder: its interface member stands in.
        assert_eq!(posts, vec![0, 1, 2, 4, 5]);
        // Trimmed to 2: the lowest priorities go first.
        let mut prio = [[0.9; MAX_POSTS]];
        prio[0][1] = 0.1;
        prio[0][4] = 0.2;
        prio[0][5] = 0.3;
        let got = allocate(std::slice::from_ref(&r), 2, &prio);
        let posts: Vec<u8> = got[0].iter().map(|i| i.post).collect();
        assert_eq!(posts, vec![0, 2]);
    }
}
