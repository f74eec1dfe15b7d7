//! A scenario compiled for the monthly step: small fixed arrays and precomputed constants, built
//! once per run and shared read-only by every worker.

use super::draw::threshold;
use super::fastmath;
use super::kinds::{ChallengeKind, Level, Stage};
use super::{MAX_AGENCIES, MAX_PAIRS, MAX_POSTS, MAX_POSTS_PER_AGENCY, MAX_STREAMS};
use crate::scenario::{AgencyKind, Params, Scenario};

/// 1/n for n = 0 ..= [`MAX_POSTS`], with 1/0 taken as 0: counts of filled posts divide means,
/// and a multiplication is several times quicker than a division in the monthly step. Taking
/// 1/0 as 0 makes the mean over no posts 0 without a branch.
pub const RECIPROCAL: [f64; MAX_POSTS + 1] = {
    let mut table = [0.0; MAX_POSTS + 1];
    let mut n = 1;
    while n <= MAX_POSTS {
        table[n] = 1.0 / n as f64;
        n += 1;
    }
    table
};

/// Per-agency constants.
#[derive(Debug, Clone, Copy, Default)]
pub struct AgencySetup {
    /// Position of the agency's kind in [`AgencyKind::ALL`] (0 education … 4 other). Kept for
    /// reference; the kind acts only through the defaults it resolved, and no rule reads this.
    pub kind_index: u8,
    /// The scenario's strategic commitment `c^S(0)`, 0..1: both the initial value and the anchor
    /// the monthly target is a multiple of.
    pub commitment_strategic: f64,
    /// The scenario's operational commitment `c^O(0)`, 0..1: initial value and anchor, as above.
    pub commitment_operational: f64,
    /// 0..1, fixed: how well the initiative serves the agency's own targets. Enters the retreat
    /// term of commitment, the common-aims factor and the competing-priorities driver.
    pub alignment: f64,
    /// Budget pressure at month 0, 0..1: the start of the agency's linear pressure schedule.
    pub pressure0: f64,
    /// The scenario's `budget_pressure_trend` (per year) divided by 12: pressure added per month.
    pub pressure_trend_monthly: f64,
    /// Staff were told to take part: commitment rises at `directed_rate_factor` of the normal
    /// rate (falls at the normal rate).
    pub directed: bool,
    /// Outside the council and not coterminous: slower to involve.
    pub outside: bool,
    /// Position on the two culture axes, each 0..1; the distance between two agencies slows
    /// their trust and drives the cultures challenge.
    pub culture: [f64; 2],
    /// Weight of the agency's presence in the involvement factor: 1, or half-way to
    /// `outside_council_factor` for an agency outside the council.
    pub involvement: f64,
    /// Unresolved issues at month 0, 0..1.
    pub unresolved0: f64,
    /// Departure thresholds against a `u32` draw: ordinary and on a stream about to end.
    pub leave_threshold: u64,
    /// Departure threshold while a stream funding the post is within `short_term_window` months
    /// of its end: the monthly hazard times `short_term_hazard_multiplier`, at most 1 (holders of
    /// short-term posts look for other jobs, reference §3).
    pub leave_threshold_short: u64,
    /// Monthly refill chance before pressure and commitment adjustments.
    pub refill_base: f64,
    /// 0..1, share of staff time funded for the initiative: protected from being pulled back
    /// under pressure and keeps workload manageable.
    pub ring_fenced: f64,
    /// Probability, 0..1, that each of the agency's posts is vacant at month 0.
    pub initial_vacancy: f64,
    /// Index of the agency's first post in the [`Setup`] post arrays; its posts are contiguous,
    /// strategic first, then interface, then operational.
    pub first_post: u8,
    /// Number of posts the agency puts in (1 to 8); divides each departure's trust loss and
    /// scales contribution.
    pub n_posts: u8,
    /// `1 / n_posts`.
    pub inv_posts: f64,
}

/// Per-stream constants.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamSetup {
    /// Agency index, or `None` for `grant` and `joint`.
    pub agency: Option<u8>,
    /// Amount in thousand pounds per month, before any withdrawal under pressure.
    pub monthly: f64,
    /// Month the stream becomes active; 0 means active from the start.
    pub start: u32,
    /// Length of each term in months; 0 means mainstream (base budget, never ends).
    pub term: u32,
    /// Probability of another term when a term ends, before it is lowered by the source agency's
    /// budget pressure (`grant` and `joint` streams are not lowered).
    pub renewal: f64,
    /// Probability of moving into the base budget when a term ends; tried before renewal.
    pub mainstream: f64,
    /// Part of a pooled budget (the stream's own flag, or every stream under the `pooled_budget`
    /// lever): never withdrawn under pressure, counted in the pooled share, and one fund-holder
    /// with every other pooled stream.
    pub pooled: bool,
}

/// Everything the step reads, precomputed from a resolved [`Scenario`].
#[derive(Debug, Clone)]
pub struct Setup {
    /// Horizon: months simulated per rollout unless it folds first.
    pub months: u32,
    /// Stage every rollout starts in at month 0.
    pub start_stage: Stage,
    /// Number of agencies, 2 to 5; per-agency arrays are read only up to here.
    pub n_agencies: usize,
    /// `√n` for every product of two agencies' filled-post counts (0 to 64): the contact volume
    /// of a pair grows with the square root of the possible links, and a table lookup is the
    /// same correctly rounded value without a square root's latency in the monthly step.
    pub root: [f64; MAX_POSTS_PER_AGENCY * MAX_POSTS_PER_AGENCY + 1],
    /// Index of the lead agency (agencies are indexed in name order; the first when the scenario
    /// names none). Its commitment decides folding, it must be in the steering group, and its
    /// first interface post is the coordinator.
    pub lead: usize,
    /// Per-agency constants, in name order; entries from `n_agencies` on are unused.
    pub agency: [AgencySetup; MAX_AGENCIES],
    /// Posts in the whole initiative (at most [`MAX_POSTS`]); per-post arrays are read only up to
    /// here.
    pub n_posts: usize,
    /// Agency index of each post.
    pub post_agency: [u8; MAX_POSTS],
    /// Level of each post.
    pub post_level: [Level; MAX_POSTS],
    /// Whether each post is key: every agency's first strategic post, and the coordinator post.
    /// Key posts carry leadership, gate setting up, weigh more in trust loss, cause setbacks when
    /// their holders leave, and fold the initiative when all stand vacant.
    pub post_key: [bool; MAX_POSTS],
    /// Bit i set when the post's salary rests on stream i.
    pub post_streams: [u8; MAX_POSTS],
    /// Number of key posts; 0 when no agency has a strategic post and there is no coordinator,
    /// in which case the key-staff rules never fire.
    pub n_key_posts: u32,
    /// The key posts in post order (the first [`Setup::n_key_posts`] entries), so that
    /// leadership visits them without scanning every post.
    pub key_posts: [u8; MAX_AGENCIES + 1],
    /// The coordinator post (the lead agency's first interface post), when the model has one.
    pub coordinator_post: Option<usize>,
    /// Number of agency pairs, `n_agencies · (n_agencies − 1) / 2`.
    pub n_pairs: usize,
    /// The agencies of each pair, `(a, b)` with `a < b`, in the order (0, 1), (0, 2), …, (1, 2),
    /// …; pair-indexed state (trust, contacts) follows this order.
    pub pair: [(u8, u8); MAX_PAIRS],
    /// The pairs each agency belongs to, in pair order (the first `n_agencies − 1` entries):
    /// per-agency sums over pairs visit them without scanning every pair.
    pub agency_pairs: [[u8; MAX_AGENCIES - 1]; MAX_AGENCIES],
    /// Culture distance of each pair, `sqrt((Δx² + Δy²) / 2)`, in [0, 1]: slows trust and drives
    /// the cultures challenge.
    pub pair_distance: [f64; MAX_PAIRS],
    /// Contacts per person-month of each pair before time, coordinator and noise: the resolved
    /// `structure.contact_rate`, times `outside_council_factor` when either agency is outside the
    /// council and not coterminous.
    pub pair_contact_rate: [f64; MAX_PAIRS],
    /// Trust gained per contact by each pair, before saturation: `trust_gain` times the levers'
    /// boost, slowed by the pair's culture distance.
    pub pair_trust_gain: [f64; MAX_PAIRS],
    /// Understanding gained per contact per person: `understanding_gain` times the levers' boost
    /// (co-location included).
    pub understanding_gain: f64,
    /// Communication quality's multiplier for dispersion (`structure.dispersion`, halved by
    /// co-location) and information sharing (protocols), fixed by the scenario.
    pub quality_scale: f64,
    /// Number of funding streams, 0 to 8.
    pub n_streams: usize,
    /// Per-stream constants, in name order (bit `i` of the stream masks is stream `i`).
    pub stream: [StreamSetup; MAX_STREAMS],
    /// Money required per month in each stage (idea … well established).
    pub required: [f64; 6],
    /// The model has a coordinator post; without one (and without a steering group) the
    /// management challenge is driven harder.
    pub coordinator: bool,
    /// Staff share one site: speeds understanding, halves the dispersion penalty, and makes
    /// accommodation a gate out of setting up.
    pub co_location: bool,
    /// Lever: every stream is pooled, and the `pooled_budget` milestone holds from month 0.
    pub pooled_budget: bool,
    /// Lever: adds `protocol_boost` to the gain multiplier, removes the no-protocol penalty on
    /// communication, and softens key-person setbacks and departure trust loss by
    /// `protocol_embedding`.
    pub protocols: bool,
    /// Lever: adds `chair_bonus` to leadership and removes `chair_relief` of the management
    /// driver (reference §6, case study 1).
    pub independent_chair: bool,
    /// Monthly reorganisation chance.
    pub reorganisation_monthly: f64,
    /// Reciprocals of the initiative's fixed counts: agencies, pairs, partners of one agency
    /// (agencies − 1), posts and key posts (at least 1).
    pub inv_agencies: f64,
    /// See [`Setup::inv_agencies`].
    pub inv_pairs: f64,
    /// See [`Setup::inv_agencies`].
    pub inv_partners: f64,
    /// See [`Setup::inv_agencies`].
    pub inv_posts: f64,
    /// See [`Setup::inv_agencies`].
    pub inv_key_posts: f64,
    /// `1 / leader_ramp`.
    pub inv_leader_ramp: f64,
    /// `1 / required` for each stage, 0 where nothing is required.
    pub inv_required: [f64; 6],
    /// Contacts per person that make communication sufficient, as a multiplier of contacts per
    /// person: `2 / communication_contact_need` (each contact involves two people).
    pub contact_sufficiency: f64,
    /// The roles driver's multiplier of confusion: `(1 + overlap_factor · role_overlap) / (1 +
    /// overlap_factor)`.
    pub roles_scale: f64,
    /// The communication driver's multiplier of poor quality: `(1 + dispersion) / 2`.
    pub communication_scale: f64,
    /// Onset rate, severity and resolution of each challenge kind, in [`ChallengeKind::ALL`]
    /// order: the challenge process indexes them by kind instead of matching on it each month.
    pub challenge: [[f64; 3]; ChallengeKind::COUNT],
    /// Mean alignment over agencies: the common-aims factor before the aims are agreed.
    pub mean_alignment: f64,
    /// Readiness weights normalised to sum to 1.
    pub factor_weights: [f64; 9],
    /// `hybrid_share` as a threshold against a `u32` draw: a newcomer (or initial holder) whose
    /// draw falls below it has worked in more than one agency.
    pub hybrid_threshold: u64,
    /// Every model constant of the resolved scenario, read directly by the processes.
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
        let mut key_posts = [0u8; MAX_AGENCIES + 1];
        let lead = names.iter().position(|n| **n == s.lead).unwrap_or(0);
        let coordinator = s.structure.coordinator.expect("resolved");
        let mut n_posts = 0usize;
        let mut n_key_posts = 0;
        for (i, (name, a)) in s.agencies.iter().enumerate() {
            let kind = a.kind.expect("resolved");
            let turnover = a.annual_turnover.expect("resolved");
            let monthly = 1.0 - fastmath::powf(1.0 - turnover, 1.0 / 12.0);
            let short = (monthly * p.staffing.short_term_hazard_multiplier).min(1.0);
            let first = n_posts;
            let outside = a.outside_council.expect("resolved")
                && !(kind == AgencyKind::Health && s.levers.coterminous_health);
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
                    if key {
                        key_posts[n_key_posts as usize] = n_posts as u8;
                    }
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
                outside,
                culture: a.culture.expect("resolved"),
                unresolved0: a.unresolved_issues,
                involvement: if outside {
                    0.5 + 0.5 * p.interaction.outside_council_factor
                } else {
                    1.0
                },
                leave_threshold: threshold(monthly),
                leave_threshold_short: threshold(short),
                refill_base: (a.replace_probability / a.vacancy_months.expect("resolved")).min(1.0),
                ring_fenced: a.ring_fenced,
                initial_vacancy: a.initial_vacancy,
                first_post: first as u8,
                n_posts: (n_posts - first) as u8,
                inv_posts: 1.0 / (n_posts - first) as f64,
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
        let mut agency_pairs = [[0u8; MAX_AGENCIES - 1]; MAX_AGENCIES];
        let mut memberships = [0usize; MAX_AGENCIES];
        for (k, &(a, b)) in pair[..n_pairs].iter().enumerate() {
            for x in [a as usize, b as usize] {
                agency_pairs[x][memberships[x]] = k as u8;
                memberships[x] += 1;
            }
        }
        let ip = &p.interaction;
        let co_location = s.levers.co_location.expect("resolved");
        let contact_rate = s.structure.contact_rate.expect("resolved");
        let dispersion = s.structure.dispersion.expect("resolved");
        // Joint training and protocols speed trust and understanding; sharing a site speeds
        // understanding only.
        let boost =
            1.0 + if s.levers.joint_training {
                ip.joint_training_boost
            } else {
                0.0
            } + if s.levers.protocols {
                ip.protocol_boost
            } else {
                0.0
            };
        let mut pair_contact_rate = [0.0; MAX_PAIRS];
        let mut pair_trust_gain = [0.0; MAX_PAIRS];
        for k in 0..n_pairs {
            let outside = if pair_outside[k] {
                ip.outside_council_factor
            } else {
                1.0
            };
            pair_contact_rate[k] = contact_rate * outside;
            pair_trust_gain[k] =
                ip.trust_gain * boost / (1.0 + ip.culture_slowdown * pair_distance[k]);
        }
        let sharing = if s.levers.protocols {
            1.0
        } else {
            1.0 - ip.no_protocol_penalty
        };
        let dispersion_penalty =
            dispersion * ip.dispersion_penalty * if co_location { 0.5 } else { 1.0 };
        let need = s.structure.funding_need.expect("resolved") * s.required_funding;
        let required = p.funding.stage_requirement.map(|r| r * need);
        let role_overlap = s.structure.role_overlap.expect("resolved");
        let weight_sum: f64 = p.progress.factor_weights.iter().sum();
        Setup {
            months: s.months,
            start_stage: s.start_stage,
            n_agencies,
            root: std::array::from_fn(|n| (n as f64).sqrt()),
            lead,
            agency,
            n_posts,
            post_agency,
            post_level,
            post_key,
            post_streams,
            n_key_posts,
            key_posts,
            coordinator_post: (0..n_posts)
                .find(|&p| post_key[p] && post_level[p] == Level::Interface),
            n_pairs,
            pair,
            agency_pairs,
            pair_distance,
            pair_contact_rate,
            pair_trust_gain,
            understanding_gain: ip.understanding_gain
                * (boost
                    + if co_location {
                        ip.co_location_boost
                    } else {
                        0.0
                    }),
            quality_scale: (1.0 - dispersion_penalty) * sharing,
            n_streams: s.funding.len(),
            stream,
            required,
            coordinator,
            co_location,
            pooled_budget: s.levers.pooled_budget,
            protocols: s.levers.protocols,
            independent_chair: s.levers.independent_chair,
            reorganisation_monthly: 1.0 - fastmath::exp(-p.environment.reorganisation_rate / 12.0),
            inv_agencies: 1.0 / n_agencies as f64,
            inv_pairs: 1.0 / n_pairs as f64,
            inv_partners: 1.0 / (n_agencies - 1) as f64,
            inv_posts: 1.0 / n_posts as f64,
            inv_key_posts: 1.0 / n_key_posts.max(1) as f64,
            inv_leader_ramp: 1.0 / p.progress.leader_ramp.max(1e-9),
            inv_required: required.map(|r| if r > 0.0 { 1.0 / r } else { 0.0 }),
            contact_sufficiency: 2.0 / ip.communication_contact_need,
            roles_scale: (1.0 + p.challenges.overlap_factor * role_overlap)
                / (1.0 + p.challenges.overlap_factor),
            communication_scale: (1.0 + dispersion) / 2.0,
            challenge: std::array::from_fn(|k| {
                let c = p.challenges.kind(ChallengeKind::ALL[k]);
                [c.rate, c.severity, c.resolution]
            }),
            mean_alignment: mean_alignment(&agency[..n_agencies]),
            factor_weights: p.progress.factor_weights.map(|w| w / weight_sum),
            hybrid_threshold: threshold(p.staffing.hybrid_share),
            params: p.clone(),
        }
    }
}

/// Mean alignment over `agencies`, for [`Setup::mean_alignment`]. A caller that changes an
/// agency's alignment after [`Setup::new`] (the virtual study spreads agency values per visit)
/// must recompute it with this, or the common-aims factor keeps the scenario's mean while the
/// retreat term and the competing-priorities driver read the new values.
pub fn mean_alignment(agencies: &[AgencySetup]) -> f64 {
    agencies.iter().map(|a| a.alignment).sum::<f64>() / agencies.len() as f64
}
