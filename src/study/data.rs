//! The published figures of NFER 2002 as data: `data/nfer2002.toml`, embedded in the binary so
//! that `partnersim study` needs no file beside it. Each figure has a stable id, a source (table,
//! vignette or section), a unit (initiatives of 30 or interviewees of 139) and its count.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The data file, as shipped.
pub const NFER2002_TOML: &str = include_str!("../../data/nfer2002.toml");

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Initiatives, of the 30 visited.
    Initiatives,
    /// Interviewees, of the 139 interviewed.
    Interviewees,
}

impl Unit {
    /// The key used in files.
    pub fn key(self) -> &'static str {
        match self {
            Unit::Initiatives => "initiatives",
            Unit::Interviewees => "interviewees",
        }
    }
}

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Stable key, `<table>.<item>.<unit>`.
    pub id: String,
    /// Table, vignette or section of the report.
    pub source: String,
    /// What is counted, in the report's words.
    pub label: String,
    /// Initiatives of 30 or interviewees of 139; must be the id's last part.
    pub unit: Unit,
    /// The published count.
    pub published: f64,
    /// Reproduced by the sample's construction rather than emerging from the model.
    pub design: bool,
}

impl Figure {
    /// The table part of the id (`table_6_1`, `vignette_1`, `sample`…).
    pub fn table(&self) -> &str {
        self.id.split('.').next().unwrap_or("")
    }
    /// The item part of the id (`fiscal`, `commitment`…).
    pub fn item(&self) -> &str {
        self.id.split('.').nth(1).unwrap_or("")
    }
}

/// The study's size and citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyInfo {
    /// The report, cited in full; copied into `study.json`.
    pub citation: String,
    /// Initiatives visited (30).
    pub initiatives: u32,
    /// Interviews held (139).
    pub interviewees: u32,
}

/// The whole data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// The `[study]` table: citation and size. Its interviewee total turns the published column
    /// totals into the observation model's answers per interviewee.
    pub study: StudyInfo,
    /// Every `[[figure]]`, in file order: the order of `study.json`'s figures and of the
    /// rank-agreement columns.
    #[serde(rename = "figure")]
    pub figures: Vec<Figure>,
}

/// Why a figures file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Not TOML, or not the figures schema (unknown field, wrong type, missing value).
    #[error("{file}: not a valid figures file: {message}")]
    Syntax {
        /// The file's name as given, to say which file is wrong.
        file: String,
        /// The TOML parser's explanation.
        message: String,
    },
    /// Two figures share an id, so a figure could not be found by its id.
    #[error("{file}: figure id {id:?} appears more than once; ids must be unique")]
    Duplicate {
        /// The file's name as given.
        file: String,
        /// The repeated id.
        id: String,
    },
    /// An id is not `<table>.<item>.<unit>` ending in the figure's unit: the tabulation finds a
    /// figure's count from its id alone.
    #[error(
        "{file}: figure {id:?} is not of the form <table>.<item>.<unit> with the unit {unit:?} last"
    )]
    BadId {
        /// The file's name as given.
        file: String,
        /// The offending id.
        id: String,
        /// The unit key the id should end with.
        unit: String,
    },
}

impl Published {
    /// Parses and checks a figures file: unique ids whose last part is the unit.
    pub fn parse(text: &str, file: &str) -> Result<Published, DataError> {
        let p: Published = toml::from_str(text).map_err(|e| DataError::Syntax {
            file: file.to_string(),
            message: e.message().trim().to_string(),
        })?;
        let mut seen = std::collections::BTreeSet::new();
        for f in &p.figures {
            if !seen.insert(f.id.as_str()) {
                return Err(DataError::Duplicate {
                    file: file.to_string(),
                    id: f.id.clone(),
                });
            }
            let parts: Vec<&str> = f.id.split('.').collect();
            if parts.len() != 3 || parts[2] != f.unit.key() {
                return Err(DataError::BadId {
                    file: file.to_string(),
                    id: f.id.clone(),
                    unit: f.unit.key().to_string(),
                });
            }
        }
        Ok(p)
    }

    /// The embedded NFER 2002 figures.
    pub fn nfer2002() -> &'static Published {
        static DATA: OnceLock<Published> = OnceLock::new();
        DATA.get_or_init(|| {
            Published::parse(NFER2002_TOML, "data/nfer2002.toml")
                .expect("the embedded data/nfer2002.toml is valid (tested)")
        })
    }

    /// The figure with this id.
    pub fn get(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.id == id)
    }

    /// Published counts of one table's figures in `unit`, in file order, with their items.
    pub fn column(&self, table: &str, unit: Unit) -> Vec<(&str, f64)> {
        self.figures
            .iter()
            .filter(|f| f.table() == table && f.unit == unit)
            .map(|f| (f.item(), f.published))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_parses() {
        let p = Published::nfer2002();
        assert_eq!(p.study.initiatives, 30);
        assert_eq!(p.study.interviewees, 139);
        assert!(p.figures.len() > 60);
    }

    #[test]
    fn duplicates_and_bad_ids_are_rejected() {
        let one = "[[figure]]\nid = \"t.a.initiatives\"\nsource = \"s\"\nlabel = \"l\"\nunit = \"initiatives\"\npublished = 1\ndesign = false\n";
        let head = "[study]\ncitation = \"c\"\ninitiatives = 30\ninterviewees = 139\n";
        let twice = format!("{head}{one}{one}");
        assert!(matches!(
            Published::parse(&twice, "x.toml"),
            Err(DataError::Duplicate { .. })
        ));
        let bad = format!(
            "{head}{}",
            one.replace("t.a.initiatives", "t.a.interviewees")
        );
        let err = Published::parse(&bad, "x.toml").unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
    }
}
