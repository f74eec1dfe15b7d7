//! Filling the values that depend on the model and on each agency's kind.

use super::schema::{AgencyKind, Scenario};

/// Defaults by agency kind (reference §7): annual turnover, mean vacancy months, culture position.
pub fn kind_defaults(kind: AgencyKind) -> (f64, f64, [f64; 2]) {
    match kind {
        // Teachers around 2002: 13–15% a year (Smithers and Robinson 2004).
        AgencyKind::Education => (0.14, 3.0, [0.2, 0.3]),
        // Children's social workers: 15% (2017), 16% (2019); vacancies 16–20% (DfE).
        AgencyKind::SocialServices => (0.15, 4.0, [0.6, 0.6]),
        // NHS: about 1 in 9 leave each year (Health Foundation).
        AgencyKind::Health => (0.11, 3.0, [0.9, 0.8]),
        // Voluntary and care sector: 20–30% (Skills for Care, an upper bound).
        AgencyKind::Voluntary => (0.25, 2.0, [0.4, 0.2]),
        AgencyKind::Other => (0.15, 3.0, [0.5, 0.5]),
    }
}

/// Fills every `Option` from the model's and kinds' defaults, names the scenario after its file
/// when it has no name, and picks the first agency as lead when none is named.
pub fn resolve(scenario: &mut Scenario, file_stem: &str) {
    if scenario.name.is_empty() {
        scenario.name = file_stem.to_string();
    }
    if scenario.lead.is_empty()
        && let Some(first) = scenario.agencies.keys().next()
    {
        scenario.lead = first.clone();
    }
    let d = scenario.model.defaults();
    let s = &mut scenario.structure;
    s.contact_rate.get_or_insert(d.contact_rate);
    s.coordinator.get_or_insert(d.coordinator);
    s.delivers_services.get_or_insert(d.delivers_services);
    s.dispersion.get_or_insert(d.dispersion);
    s.role_overlap.get_or_insert(d.role_overlap);
    s.funding_need.get_or_insert(d.funding_need);
    scenario.levers.co_location.get_or_insert(d.co_located);
    for (name, agency) in scenario.agencies.iter_mut() {
        let kind = *agency
            .kind
            .get_or_insert(AgencyKind::from_key(name).unwrap_or(AgencyKind::Other));
        let (turnover, vacancy, culture) = kind_defaults(kind);
        agency.annual_turnover.get_or_insert(turnover);
        agency.vacancy_months.get_or_insert(vacancy);
        agency.culture.get_or_insert(culture);
        agency
            .outside_council
            .get_or_insert(kind == AgencyKind::Health);
    }
}
