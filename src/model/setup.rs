//! A scenario compiled for the monthly step: small fixed arrays and precomputed constants, built
//! once per run and shared read-only by every worker.

use super::draw::threshold;
use super::kinds::{Level, Stage};
use super::{MAX_AGENCIES, MAX_PAIRS, MAX_POSTS, MAX_STREAMS};
use crate::scenario::{AgencyKind, Params, Scenario};

/// Per-agency constants.
#[derive(Debug, Clone, Copy, Default)]
pub struct AgencySetup {
    pub kind_index: u8,
    pub commitment_strategic: f64,
    pub commitment_operational: f64,
    pub alignment: f64,
    pub pressure0: f64,
    pub pressure_trend_monthly: f64,
    pub directed: bool,
    /// Outside the council and not coterminous: slower to involve.
    pub outside: bool,
    pub culture: [f64; 2],
    pub unresolved0: f64,
    /// Departure thresholds against a `u32` draw: ordinary and on a stream about to end.
    pub leave_threshold: u64,
    pub leave_threshold_short: u64,
    /// Monthly refill chance before pressure and commitment adjustments.
    pub refill_base: f64,
    pub ring_fenced: f64,
    pub initial_vacancy: f64,
    pub first_post: u8,
    pub n_posts: u8,
}

/// Per-stream constants.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamSetup {
    /// Agency index, or `None` for `grant` and `joint`.
    pub agency: Option<u8>,
    pub monthly: f64,
    pub start: u32,
    pub term: u32,
    pub renewal: f64,
    pub mainstream: f64,
    pub pooled: bool,
}

/// Everything the step reads, precomputed from a resolved [`Scenario`].
#[derive(Debug, Clone)]
pub struct Setup {
    pub months: u32,
    pub start_stage: Stage,
    pub n_agencies: usize,
    pub lead: usize,
    pub agency: [AgencySetup; MAX_AGENCIES],
    pub n_posts: usize,
    pub post_agency: [u8; MAX_POSTS],
    pub post_level: [Level; MAX_POSTS],
    pub post_key: [bool; MAX_POSTS],
    /// Bit i set when the post's salary rests on stream i.
    pub post_streams: [u8; MAX_POSTS],
    pub n_key_posts: u32,
    /// The coordinator post (the lead agency's first interface post), when the model has one.
    pub coordinator_post: Option<usize>,
    pub n_pairs: usize,
    pub pair: [(u8, u8); MAX_PAIRS],
    pub pair_distance: [f64; MAX_PAIRS],
    pub pair_outside: [bool; MAX_PAIRS],
    pub n_streams: usize,
    pub stream: [StreamSetup; MAX_STREAMS],
    /// Money required per month in each stage (idea … well established).
    pub required: [f64; 6],
    pub contact_rate: f64,
    pub coordinator: bool,
    pub delivers_services: bool,
    pub dispersion: f64,
    pub role_overlap: f64,
    pub co_location: bool,
    pub pooled_budget: bool,
    pub joint_training: bool,
    pub protocols: bool,
    pub independent_chair: bool,
    /// Monthly reorganisation chance.
    pub reorganisation_monthly: f64,
    /// Readiness weights normalised to sum to 1.
    pub factor_weights: [f64; 9],
    pub hybrid_threshold: u64,
    pub params: Params,
}

impl Setup {
    /// Compiles a resolved, validated scenario. Panics only on an unresolved scenario, which
    /// [`Scenario::from_file`] never returns.
    pub fn new(s: &Scenario) -> Setup {
        let p = &s.params;
        let names: Vec<&String> = s.agencies.keys().collect();
        let mut agency = [AgencySetup::default(); MAX_AGENCIES];
        let mut post_agency = [0u8; MAX_POSTS];
        let mut post_level = [Level::Operational; MAX_POSTS];
        let mut post_key = [false; MAX_POSTS];
        let mut post_streams = [0u8; MAX_POSTS];
        let lead = names.iter().position(|n| **n == s.lead).unwrap_or(0);
        let coordinator = s.structure.coordinator.expect("resolved");
        let mut n_posts = 0usize;
        let mut n_key_posts = 0;
        for (i, (name, a)) in s.agencies.iter().enumerate() {
            let kind = a.kind.expect("resolved");
            let turnover = a.annual_turnover.expect("resolved");
            let monthly = 1.0 - (1.0 - turnover).powf(1.0 / 12.0);
            let short = (monthly * p.staffing.short_term_hazard_multiplier).min(1.0);
            let first = n_posts;
            for (level, count) in [
                (Level::Strategic, a.posts.strategic),
                (Level::Interface, a.posts.interface),
                (Level::Operational, a.posts.operational),
            ] {
                for k in 0..count {
                    post_agency[n_posts] = i as u8;
                    post_level[n_posts] = level;
                    // The agency's first strategic post is its lead; the lead agency's first
                    // interface post is the coordinator or champion.
                    let key = k == 0
                        && (level == Level::Strategic
                            || (level == Level::Interface && i == lead && coordinator));
                    post_key[n_posts] = key;
                    n_key_posts += key as u32;
                    n_posts += 1;
                }
            }
            let _ = name;
            agency[i] = AgencySetup {
                kind_index: AgencyKind::ALL.iter().position(|k| *k == kind).unwrap_or(4) as u8,
                commitment_strategic: a.commitment_strategic,
                commitment_operational: a.commitment_operational,
                alignment: a.alignment,
                pressure0: a.budget_pressure,
                pressure_trend_monthly: a.budget_pressure_trend / 12.0,
                directed: a.directed,
                outside: a.outside_council.expect("resolved")
                    && !(kind == AgencyKind::Health && s.levers.coterminous_health),
                culture: a.culture.expect("resolved"),
                unresolved0: a.unresolved_issues,
                leave_threshold: threshold(monthly),
                leave_threshold_short: threshold(short),
                refill_base: (a.replace_probability / a.vacancy_months.expect("resolved")).min(1.0),
                ring_fenced: a.ring_fenced,
                initial_vacancy: a.initial_vacancy,
                first_post: first as u8,
                n_posts: (n_posts - first) as u8,
            };
        }
        let mut stream = [StreamSetup::default(); MAX_STREAMS];
        for (i, (_, f)) in s.funding.iter().enumerate() {
            let agency_index = names.iter().position(|n| **n == f.source).map(|x| x as u8);
            stream[i] = StreamSetup {
                agency: agency_index,
                monthly: f.monthly,
                start: f.start,
                term: f.term_months,
                renewal: f.renewal_probability,
                mainstream: f.mainstream_probability,
                pooled: f.pooled || s.levers.pooled_budget,
            };
            for target in &f.funds_posts {
                let (agency_name, level) = match target.split_once('.') {
                    Some((a, l)) => (a, Level::ALL.iter().copied().find(|x| x.key() == l)),
                    None => (target.as_str(), None),
                };
                let Some(ai) = names.iter().position(|n| *n == agency_name) else {
                    continue;
                };
                for post in 0..n_posts {
                    if post_agency[post] as usize == ai
                        && level.is_none_or(|l| l == post_level[post])
                    {
                        post_streams[post] |= 1 << i;
                    }
                }
            }
        }
        let n_agencies = s.agencies.len();
        let mut pair = [(0u8, 0u8); MAX_PAIRS];
        let mut pair_distance = [0.0; MAX_PAIRS];
        let mut pair_outside = [false; MAX_PAIRS];
        let mut n_pairs = 0;
        for a in 0..n_agencies {
            for b in a + 1..n_agencies {
                pair[n_pairs] = (a as u8, b as u8);
                let (ca, cb) = (agency[a].culture, agency[b].culture);
                pair_distance[n_pairs] =
                    (((ca[0] - cb[0]).powi(2) + (ca[1] - cb[1]).powi(2)) / 2.0).sqrt();
                pair_outside[n_pairs] = agency[a].outside || agency[b].outside;
                n_pairs += 1;
            }
        }
        let need = s.structure.funding_need.expect("resolved") * s.required_funding;
        let weight_sum: f64 = p.progress.factor_weights.iter().sum();
        Setup {
            months: s.months,
            start_stage: s.start_stage,
            n_agencies,
            lead,
            agency,
            n_posts,
            post_agency,
            post_level,
            post_key,
            post_streams,
            n_key_posts,
            coordinator_post: (0..n_posts)
                .find(|&p| post_key[p] && post_level[p] == Level::Interface),
            n_pairs,
            pair,
            pair_distance,
            pair_outside,
            n_streams: s.funding.len(),
            stream,
            required: p.funding.stage_requirement.map(|r| r * need),
            contact_rate: s.structure.contact_rate.expect("resolved"),
            coordinator,
            delivers_services: s.structure.delivers_services.expect("resolved"),
            dispersion: s.structure.dispersion.expect("resolved"),
            role_overlap: s.structure.role_overlap.expect("resolved"),
            co_location: s.levers.co_location.expect("resolved"),
            pooled_budget: s.levers.pooled_budget,
            joint_training: s.levers.joint_training,
            protocols: s.levers.protocols,
            independent_chair: s.levers.independent_chair,
            reorganisation_monthly: 1.0 - (-p.environment.reorganisation_rate / 12.0).exp(),
            factor_weights: p.progress.factor_weights.map(|w| w / weight_sum),
            hybrid_threshold: threshold(p.staffing.hybrid_share),
            params: p.clone(),
        }
    }
}
