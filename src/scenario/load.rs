//! Reading a scenario: the `extends` chain, merging, and mapping errors back to files and lines.
//!
//! Merge order (one place, STYLE habit 4): parameter defaults ← the base of the chain ← … ← the
//! file named on the command line. Tables merge key by key; arrays and scalars are replaced.

use std::path::{Path, PathBuf};

use super::error::{Located, ScenarioError};
use super::locate::{Seg, format_path, line_col, path_at, span_of};
use super::schema::{Params, Scenario};

/// One file of an `extends` chain, kept so that later errors can be located in it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file as named (not canonicalised): on the command line, or an `extends` path joined to
    /// the directory of the file that names it. Error messages show it.
    pub path: PathBuf,
    /// The file's full TOML text, searched for keys to give errors a line.
    pub text: String,
}

/// A merged scenario and the files it came from, most derived first.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged scenario (parameter defaults, then the chain from its base, then the overlay),
    /// with `extends` removed; not yet resolved or validated.
    pub scenario: Scenario,
    /// Every file of the chain, most derived first: `sources[0]` is the file that was named.
    pub sources: Vec<SourceFile>,
}

/// Reads `path` and every file it extends, checks each against the schema, and merges them.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    load_with(path, None)
}

/// As [`load`], with an extra table merged on top (a sweep point or CLI overrides).
pub fn load_with(path: &Path, overlay: Option<&toml::Table>) -> Result<Loaded, ScenarioError> {
    let mut sources = Vec::new();
    let mut tables = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some(path.to_path_buf());
    while let Some(file) = next.take() {
        let extended_by = sources.last().map(|s: &SourceFile| s.path.clone());
        let canonical = file.canonicalize().map_err(|source| ScenarioError::Read {
            path: file.clone(),
            extended_by: extended_by.clone(),
            source,
        })?;
        if seen.contains(&canonical) {
            let mut chain: Vec<String> = sources
                .iter()
                .map(|s: &SourceFile| s.path.display().to_string())
                .collect();
            chain.push(file.display().to_string());
            return Err(ScenarioError::ExtendsCycle {
                file: path.to_path_buf(),
                chain: chain.join(" -> "),
            });
        }
        seen.push(canonical);
        let bytes = std::fs::read(&file).map_err(|source| ScenarioError::Read {
            path: file.clone(),
            extended_by,
            source,
        })?;
        // A file that is there but is not text is bad content (exit 3), not a missing file.
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            ScenarioError::Syntax(Located {
                file: file.clone(),
                line: Some(line_col(valid, valid.len())),
                key: String::new(),
                message: "not UTF-8 text: a scenario is a TOML file".into(),
            })
        })?;
        // Checking each file alone against the schema gives unknown keys and wrong types a line.
        let alone: Scenario = toml::from_str(&text).map_err(|e| syntax_error(&file, &text, &e))?;
        let table: toml::Table =
            toml::from_str(&text).map_err(|e| syntax_error(&file, &text, &e))?;
        if let Some((at, expected, found)) = overlong_array(&table) {
            return Err(ScenarioError::Syntax(Located {
                file: file.clone(),
                line: span_of(&text, &at).map(|span| line_col(&text, span.start)),
                key: format_path(&at),
                message: format!("takes {expected} values, found {found}"),
            }));
        }
        if let Some(base) = alone.extends {
            let dir = file.parent().unwrap_or_else(|| Path::new("."));
            next = Some(dir.join(base));
        }
        tables.push(table);
        sources.push(SourceFile { path: file, text });
    }

    let undeclared = undeclared_tables(&tables, &sources, overlay);
    if !undeclared.is_empty() {
        return Err(ScenarioError::Invalid(undeclared));
    }

    let mut params_set = std::collections::BTreeSet::new();
    for table in tables.iter().chain(overlay) {
        if let Some(toml::Value::Table(params)) = table.get("params") {
            leaf_paths(params, "", &mut params_set);
        }
    }
    // `name` and `description` say what the named file is, so they are never inherited: a
    // what-if that gives neither would otherwise run as its base (`output/reference`, which
    // `--force` would replace) and describe the base's design ("on a 3-year grant") in its
    // report. Without its own, a file is named after its stem ([`super::resolve`]) and has no
    // description.
    for table in tables.iter_mut().skip(1) {
        table.remove("name");
        table.remove("description");
    }
    let mut merged = toml::Table::new();
    let defaults =
        toml::Table::try_from(Params::default()).expect("parameter defaults serialise to TOML");
    merged.insert("params".into(), toml::Value::Table(defaults));
    for table in tables.into_iter().rev() {
        merge(&mut merged, table);
    }
    if let Some(overlay) = overlay {
        merge(&mut merged, overlay.clone());
    }
    merged.remove("extends");
    let mut scenario: Scenario =
        toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| {
                ScenarioError::Syntax(Located {
                    file: path.to_path_buf(),
                    line: None,
                    key: String::new(),
                    message: format!(
                        "the merged scenario does not fit the schema: {}",
                        e.message()
                    ),
                })
            })?;
    scenario.params_set = params_set;
    Ok(Loaded { scenario, sources })
}

/// Agency and funding tables whose defaults would quietly stand in for what a misspelt name
/// meant (a what-if's `[agencies.heath]` is a new fourth agency of kind `other`, a
/// `[funding.health]` without `source` is grant money). Each must say what it is:
///
/// - in a file that `extends` another, a table naming an agency or stream its base does not
///   have must set `kind` or `source`: it is a new one, not a change to an existing one;
/// - an agency whose name is not a kind must set `kind`;
/// - a stream named after one of the agencies must set `source` (that agency's budget, or
///   `grant`).
///
/// One problem per table, located at its header in the most derived file that writes it.
fn undeclared_tables(
    tables: &[toml::Table],
    sources: &[SourceFile],
    overlay: Option<&toml::Table>,
) -> Vec<Located> {
    use super::schema::AgencyKind;
    use std::collections::BTreeSet;
    fn names<'a>(table: &'a toml::Table, section: &str) -> impl Iterator<Item = &'a String> {
        table
            .get(section)
            .and_then(toml::Value::as_table)
            .into_iter()
            .flat_map(|t| t.keys())
    }
    // `[section.name]` of `table` writes `key`.
    fn writes(table: &toml::Table, section: &str, name: &str, key: &str) -> bool {
        table
            .get(section)
            .and_then(|s| s.get(name))
            .and_then(|n| n.get(key))
            .is_some()
    }
    let all = || tables.iter().chain(overlay);
    let sets = |section: &str, name: &str, key: &str| all().any(|t| writes(t, section, name, key));
    let suggest = |name: &str, candidates: Vec<String>| {
        super::error::nearest_within(name, &candidates)
            .map_or_else(|| ".".to_string(), |c| format!("; did you mean `{c}`?"))
    };
    let mut problems = Vec::new();
    let mut reported = BTreeSet::new();
    let mut report = |file: usize, section: &str, name: &str, message: String| {
        if !reported.insert((section.to_string(), name.to_string())) {
            return;
        }
        let at = [Seg::Key(section.into()), Seg::Key(name.into())];
        let text = &sources[file].text;
        problems.push(Located {
            file: sources[file].path.clone(),
            line: span_of(text, &at).map(|span| line_col(text, span.start)),
            key: format_path(&at),
            message,
        });
    };
    // The most derived file that writes `[section.name]`.
    let writer = |section: &str, name: &str| {
        (0..tables.len())
            .find(|&i| names(&tables[i], section).any(|n| n == name))
            .unwrap_or(0)
    };

    for i in 0..tables.len().saturating_sub(1) {
        let base = &sources[i + 1].path;
        for (section, key, what) in [
            ("agencies", "kind", "an agency"),
            ("funding", "source", "a funding stream"),
        ] {
            let inherited: Vec<String> = tables[i + 1..]
                .iter()
                .flat_map(|t| names(t, section))
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            for name in names(&tables[i], section) {
                if !inherited.contains(name) && !writes(&tables[i], section, name, key) {
                    let hint = suggest(name, inherited.clone());
                    report(
                        i,
                        section,
                        name,
                        format!(
                            "is not {what} of the scenario this file extends ({}){hint} To add a new one, give its `{key}`",
                            base.display()
                        ),
                    );
                }
            }
        }
    }
    let agencies: BTreeSet<String> = all().flat_map(|t| names(t, "agencies")).cloned().collect();
    let kinds: Vec<String> = AgencyKind::ALL
        .iter()
        .map(|k| k.key().to_string())
        .collect();
    for name in &agencies {
        if AgencyKind::from_key(name).is_none() && !sets("agencies", name, "kind") {
            let hint = suggest(name, kinds.clone());
            report(
                writer("agencies", name),
                "agencies",
                name,
                format!(
                    "sets no `kind`, and `{name}` is not a kind{hint} Give its `kind`: one of {}",
                    kinds.join(", ")
                ),
            );
        }
    }
    let streams: BTreeSet<String> = all().flat_map(|t| names(t, "funding")).cloned().collect();
    for name in &streams {
        if agencies.contains(name) && !sets("funding", name, "source") {
            let (stream_file, agency_file) = (writer("funding", name), writer("agencies", name));
            // A stream written in a base becomes ambiguous when a derived file adds the agency:
            // the problem is reported at the stream, so say where the agency came from.
            let whose = if agency_file == stream_file {
                String::new()
            } else {
                format!(
                    " (`[agencies.{name}]` is in {})",
                    sources[agency_file].path.display()
                )
            };
            report(
                stream_file,
                "funding",
                name,
                format!(
                    "sets no `source`, which would make it grant money although `{name}` is an agency{whose}: give `source = \"{name}\"` for {name}'s own budget, or `source = \"grant\"`"
                ),
            );
        }
    }
    problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    problems
}

/// A fixed-length array written with too many values: its path, the length the schema takes and
/// the length found. The schema check of one file catches arrays that are too short, but its
/// TOML reader ignores values past the end; the merged check would catch them with no line.
/// The lengths are read from the defaults, so a new array parameter is covered without a line
/// here.
fn overlong_array(table: &toml::Table) -> Option<(Vec<Seg>, usize, usize)> {
    fn walk(
        file: &toml::Table,
        defaults: &toml::Table,
        at: &mut Vec<Seg>,
    ) -> Option<(Vec<Seg>, usize, usize)> {
        for (key, value) in file {
            at.push(Seg::Key(key.clone()));
            match (value, defaults.get(key)) {
                (toml::Value::Table(f), Some(toml::Value::Table(d))) => {
                    if let Some(found) = walk(f, d, at) {
                        return Some(found);
                    }
                }
                (toml::Value::Array(f), Some(toml::Value::Array(d))) if f.len() > d.len() => {
                    return Some((at.clone(), d.len(), f.len()));
                }
                _ => {}
            }
            at.pop();
        }
        None
    }
    if let Some(toml::Value::Table(params)) = table.get("params") {
        let defaults =
            toml::Table::try_from(Params::default()).expect("parameter defaults serialise to TOML");
        let mut at = vec![Seg::Key("params".into())];
        if let Some(found) = walk(params, &defaults, &mut at) {
            return Some(found);
        }
    }
    if let Some(toml::Value::Table(agencies)) = table.get("agencies") {
        for (name, agency) in agencies {
            if let Some(toml::Value::Array(culture)) = agency.get("culture")
                && culture.len() > 2
            {
                let at = ["agencies", name, "culture"].map(|k| Seg::Key(k.into()));
                return Some((at.to_vec(), 2, culture.len()));
            }
        }
    }
    None
}

/// Dotted paths of the leaves of `table` (arrays are leaves: they are replaced whole).
fn leaf_paths(table: &toml::Table, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => leaf_paths(inner, &path, out),
            _ => {
                out.insert(path);
            }
        }
    }
}

/// Deep merge: tables key by key, everything else replaced by `top`.
pub fn merge(base: &mut toml::Table, top: toml::Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

fn syntax_error(file: &Path, text: &str, err: &toml::de::Error) -> ScenarioError {
    let (line, key) = match err.span() {
        Some(span) => {
            let path = path_at(text, span.start);
            let key = if path.is_empty() {
                key_on_line(text, span.start)
            } else {
                format_path(&path)
            };
            (Some(line_col(text, span.start)), key)
        }
        None => (None, String::new()),
    };
    let message = super::error::plain_message_for(
        &err.message().replace('\n', " "),
        super::validate::integer_field_range(&key),
    );
    ScenarioError::Syntax(Located {
        file: file.to_path_buf(),
        line,
        key,
        message,
    })
}

/// The key written on the line at `offset`, under the table header above it, read from the text
/// alone: for text the structured walk ([`path_at`]) cannot parse, such as a number too large for
/// its TOML parser (`months = 99999999999999999999`).
fn key_on_line(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim();
    let header = |l: &str| {
        l.starts_with('[')
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    };
    if let Some(h) = header(line) {
        return h;
    }
    let Some((k, _)) = line.split_once('=') else {
        return String::new();
    };
    let k = k.trim().trim_matches('"');
    let table = text[..start]
        .lines()
        .rev()
        .find_map(|l| header(l.trim()))
        .unwrap_or_default();
    if table.is_empty() {
        k.to_string()
    } else {
        format!("{table}.{k}")
    }
}

/// What [`Loaded::locate`] adds to a message about a value no file writes; callers that know
/// where the value came from (a sweep's design) replace it.
pub const DEFAULT_NOTE: &str = " (the value is a default or comes from the model)";

impl Loaded {
    /// Names the file and line where `path` is set: the most derived file that writes it, or the
    /// scenario file itself (no line) when the value is a default.
    pub fn locate(&self, path: &[Seg], message: String) -> Located {
        for source in &self.sources {
            if let Some(span) = span_of(&source.text, path) {
                return Located {
                    file: source.path.clone(),
                    line: Some(line_col(&source.text, span.start)),
                    key: format_path(path),
                    message,
                };
            }
        }
        Located {
            file: self.sources[0].path.clone(),
            line: None,
            key: format_path(path),
            message: format!("{message}{DEFAULT_NOTE}"),
        }
    }
}
