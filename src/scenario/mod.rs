//! Scenario files: schema, `extends` chains, defaults, validation and error locations.
//!
//! The flow is parse → merge → resolve → validate, all before any compute, so a typo costs a
//! second rather than a cluster hour.

pub mod error;
pub mod load;
pub mod locate;
pub mod resolve;
pub mod schema;
pub mod validate;

use std::path::Path;

pub use error::{Located, ScenarioError};
pub use load::{Loaded, merge};
pub use schema::*;

/// A problem located in a base file that is valid on its own (with the same `overlay`) was
/// caused by a file that extends it (a what-if that removes the posts a base's grant funds): say
/// so, naming the nearest file down the chain whose own chain is invalid, since the planner edits
/// that file, not the shipped base.
fn blame_the_change(loaded: &Loaded, overlay: Option<&toml::Table>, located: &mut [Located]) {
    let sources = &loaded.sources;
    // Whether the chain from `sources[i]` up is valid, loaded at most once per file; the named
    // file's chain (index 0) is invalid, or there would be nothing to blame.
    let mut valid: Vec<Option<bool>> = vec![None; sources.len()];
    valid[0] = Some(false);
    let mut chain_valid = |i: usize| {
        *valid[i].get_or_insert_with(|| Scenario::from_file_with(&sources[i].path, overlay).is_ok())
    };
    for l in located.iter_mut() {
        let Some(at) = sources.iter().position(|s| s.path == l.file) else {
            continue;
        };
        if at == 0 || l.line.is_none() || !chain_valid(at) {
            continue;
        }
        let culprit = (0..at)
            .rev()
            .find(|&i| !chain_valid(i))
            .expect("the named file's chain is invalid");
        // Arrays are replaced whole, so it is the array that a derived file overrides.
        let key = l.key.split('[').next().unwrap_or(&l.key).to_string();
        l.message = format!(
            "{} ({} alone is valid: a setting in {} makes this value invalid; override `{}` there, or change that setting)",
            l.message,
            l.file.display(),
            sources[culprit].path.display(),
            key
        );
    }
}

impl Scenario {
    /// Loads, resolves and validates the scenario at `path`; the result is ready to simulate.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        Self::from_file_with(path, None)
    }

    /// As [`Scenario::from_file`], with a table merged over the file (sweep points, overrides).
    pub fn from_file_with(
        path: &Path,
        overlay: Option<&toml::Table>,
    ) -> Result<Scenario, ScenarioError> {
        let loaded = load::load_with(path, overlay)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("scenario");
        let mut scenario = loaded.scenario.clone();
        scenario.extends = None;
        resolve::resolve(&mut scenario, stem);
        let problems = validate::validate(&scenario);
        if problems.is_empty() {
            Ok(scenario)
        } else {
            let mut located: Vec<Located> = problems
                .into_iter()
                .map(|(path, msg)| loaded.locate(&path, msg))
                .collect();
            blame_the_change(&loaded, overlay, &mut located);
            // In reading order: file by file along the chain (the named file first), line by
            // line, and the values no file writes (defaults) last.
            located.sort_by_key(|l| {
                let file = loaded.sources.iter().position(|s| s.path == l.file);
                (l.line.is_none(), file, l.line)
            });
            Err(ScenarioError::Invalid(located))
        }
    }

    /// The fully resolved scenario as TOML, as `partnersim check` prints it.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a resolved scenario serialises to TOML")
    }

    /// The same initiative with `n` agencies (2 to 5), named `agency0` … and copied from this
    /// scenario's agencies in turn: the scaling study and the tests of every agency count need
    /// initiatives that differ in their number of agencies alone. `agency0` leads and pays what
    /// the agencies paid; no stream funds particular posts.
    pub fn with_agencies_cycled(&self, n: usize) -> Scenario {
        let mut out = self.clone();
        let template: Vec<_> = self.agencies.values().cloned().collect();
        out.agencies.clear();
        for i in 0..n {
            out.agencies
                .insert(format!("agency{i}"), template[i % template.len()].clone());
        }
        out.lead = "agency0".into();
        for stream in out.funding.values_mut() {
            if stream.source != "grant" && stream.source != "joint" {
                stream.source = "agency0".into();
            }
            stream.funds_posts.clear();
        }
        out
    }

    /// Total posts over all agencies: the "professionals" of professional-months.
    pub fn total_posts(&self) -> u32 {
        self.agencies
            .values()
            .map(|a| {
                a.posts
                    .strategic
                    .saturating_add(a.posts.interface)
                    .saturating_add(a.posts.operational)
            })
            .fold(0, u32::saturating_add)
    }
}
