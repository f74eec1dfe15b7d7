//! Errors a user can cause with a scenario file, written so that they can fix it.

use std::fmt;
use std::path::PathBuf;

/// Where in which file a problem sits, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The file the value came from (the most derived file that sets it, or the scenario itself
    /// when the value is a default).
    pub file: PathBuf,
    /// 1-based line and column, when the value is written in the file.
    pub line: Option<(usize, usize)>,
    /// Dotted key path, e.g. `agencies.health.annual_turnover`.
    pub key: String,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.line {
            write!(f, ":{line}:{col}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.key, self.message)
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file (or a file it extends) does not exist or cannot be read.
    #[error("cannot read scenario file {}{}: {source}", path.display(), named_by(.extended_by))]
    Read {
        /// The file as named: on the command line, or an `extends` path joined to the directory
        /// of the file that names it.
        path: PathBuf,
        /// The file whose `extends` names it (`None` for the file given on the command line):
        /// an `extends` path is relative to that file, which the message must therefore name.
        extended_by: Option<PathBuf>,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key or type does not fit the schema.
    #[error("{0}")]
    Syntax(Located),
    /// `extends` leads back to a file already in the chain.
    #[error("{}: `extends` forms a cycle: {chain}", file.display())]
    ExtendsCycle {
        /// The scenario file being loaded (the start of the chain).
        file: PathBuf,
        /// The files read, most derived first, joined by ` -> `, ending with the one that repeats.
        chain: String,
    },
    /// Values are out of range or inconsistent; every problem found is listed.
    #[error("{}", list(.0))]
    Invalid(Vec<Located>),
}

fn named_by(file: &Option<PathBuf>) -> String {
    file.as_ref().map_or(String::new(), |f| {
        format!(
            " (named by `extends` in {}, relative to its folder)",
            f.display()
        )
    })
}

fn list(items: &[Located]) -> String {
    let mut out = format!("the scenario has {} invalid value(s):", items.len());
    for item in items {
        out.push_str("\n  ");
        out.push_str(&item.to_string());
    }
    out
}

impl ScenarioError {
    /// True when the problem is a missing or unreadable file rather than bad content.
    pub fn is_missing_file(&self) -> bool {
        matches!(self, ScenarioError::Read { .. })
    }
}

/// serde's type errors ("invalid type: floating point `72.5`, expected u32") in a planner's
/// words ("must be a whole number, got 72.5"): "u32" and "f64" mean nothing to the people who
/// write scenarios, and neither does the type's range (0 to 4294967295), which is not the
/// field's: a field's own range is checked, and named, once the value is a whole number
/// (`months`: 1 to 1200). Only a whole number beyond the type's range is told that range.
/// Other messages are returned as they are.
pub fn plain_message(message: &str) -> String {
    plain_message_for(message, None)
}

/// [`plain_message`] for a whole-number field whose own range `field` is narrower than its type's
/// (`months`: 1 to 1200, see `validate::integer_field_range`): a value that does not even fit the
/// type is told that range at once, not the type's bound first and the field's on the next try.
pub fn plain_message_for(message: &str, field: Option<(u32, u32)>) -> String {
    let m = message.trim();
    if let Some(suggested) = suggest_known_name(m) {
        return suggested;
    }
    let Some((found, expected)) = m
        .strip_prefix("invalid type: ")
        .or_else(|| m.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "))
    else {
        return m.to_string();
    };
    let integer = integer_range_of(expected);
    let wanted = match (integer, expected) {
        (Some(_), _) => "a whole number".to_string(),
        (None, "f64" | "f32") => "a number".to_string(),
        (None, "a boolean") => "true or false".to_string(),
        (None, "a string" | "a borrowed string") => "text in quotes".to_string(),
        (None, "a sequence") => "a list in square brackets".to_string(),
        (None, "an array of length 1") => "a list of one value in square brackets".to_string(),
        (None, e) if e.starts_with("an array of length ") => {
            format!(
                "a list of {} values in square brackets",
                &e["an array of length ".len()..]
            )
        }
        _ => return m.to_string(),
    };
    let found = ["floating point ", "integer ", "boolean "]
        .iter()
        .find_map(|p| found.strip_prefix(p))
        .map(|v| v.trim_matches('`').to_string())
        .or_else(|| {
            found
                .strip_prefix("string ")
                .map(|v| format!("the text {v}"))
        })
        .unwrap_or_else(|| match found {
            // serde's word for a TOML table.
            "map" => "a table".to_string(),
            other => other.to_string(),
        });
    let Some((lo, hi)) = integer else {
        // A single name where a list is wanted is the likeliest slip (`funds_posts = "education"`):
        // showing the list of one fixes it in one step.
        let one = match found.strip_prefix("the text ") {
            Some(text) if expected == "a sequence" => {
                format!(" (a list of one is written [{text}])")
            }
            _ => String::new(),
        };
        return format!("must be {wanted}, got {found}{one}");
    };
    let whole = found.parse::<f64>().ok().filter(|x| x.fract() == 0.0);
    if let Some(x) = whole
        && (lo as f64..=hi as f64).contains(&x)
    {
        // `72.0` for a count: the number is fine, its spelling is not.
        return format!(
            "must be a whole number written without a decimal point ({x}), got {found}"
        );
    }
    let wanted = match (field, whole) {
        // The field's own range; "at least" alone where its top is the type's and not crossed.
        (Some((flo, fhi)), x) if fhi == u32::MAX && !x.is_some_and(|x| x > f64::from(fhi)) => {
            format!("a whole number of at least {flo}")
        }
        (Some((flo, fhi)), _) => format!("a whole number from {flo} to {fhi}"),
        (None, Some(x)) => format!("a whole number {}", crossed_bound(x, lo, hi)),
        (None, None) => wanted,
    };
    format!("must be {wanted}, got {found}")
}

/// The bound of `lo..=hi` that the whole number `x` outside it crosses, as "of at least `lo`" or
/// "of at most `hi`": only that one is named, since the other is the type's, not the field's.
pub fn crossed_bound(x: f64, lo: i128, hi: i128) -> String {
    if x < lo as f64 {
        format!("of at least {lo}")
    } else {
        format!("of at most {hi}")
    }
}

/// serde's "unknown field `rat`, expected one of `rate`, …" (or "unknown variant") with the known
/// name it is most likely a slip for: "unknown field `rat`; did you mean `rate`? (expected one
/// of …)", as sweep files and agency names are told. `None` for every other message; the
/// message as it was, in a planner's words ("value", not serde's "variant"), when no known name
/// is close.
fn suggest_known_name(m: &str) -> Option<String> {
    let (what, rest) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| m.strip_prefix(p).map(|rest| (&p[..p.len() - 1], rest)))?;
    let (name, expected) = rest.split_once('`')?;
    let expected = expected.strip_prefix(", ")?;
    let known: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    // "variant" is serde's word; a planner wrote a value.
    let what = if what == "unknown variant " {
        "unknown value "
    } else {
        what
    };
    Some(match nearest_within(name, &known) {
        Some(near) => format!("{what}`{name}`; did you mean `{near}`? ({expected})"),
        None => format!("{what}`{name}`, {expected}"),
    })
}

/// The candidate nearest `name`, when it is close enough to be a slip of the keyboard (at most
/// two edits, and fewer than the name's length).
pub fn nearest_within(name: &str, candidates: &[String]) -> Option<String> {
    nearest(name, candidates, 1).into_iter().find(|c| {
        let d = levenshtein(name, c);
        d <= 2 && d < name.chars().count()
    })
}

/// The range of a Rust integer type named in a serde message (`u32`, `i64`…): what a scenario
/// or sweep value of that type can hold.
pub fn integer_range_of(ty: &str) -> Option<(i128, i128)> {
    Some(match ty {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// The `k` candidates closest to `target` by edit distance (ties in candidate order).
pub fn nearest(target: &str, candidates: &[String], k: usize) -> Vec<String> {
    let mut scored: Vec<(usize, usize, &String)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (levenshtein(target, c), i, c))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(k)
        .map(|(_, _, c)| c.clone())
        .collect()
}

/// Levenshtein distance over characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::plain_message;

    #[test]
    fn type_errors_are_said_in_plain_words() {
        assert_eq!(
            plain_message("invalid type: floating point `72.0`, expected u32"),
            "must be a whole number written without a decimal point (72), got 72.0"
        );
        assert_eq!(
            plain_message("invalid type: floating point `7.5`, expected u32"),
            "must be a whole number, got 7.5"
        );
        assert_eq!(
            plain_message("invalid value: integer `-1`, expected u32"),
            "must be a whole number of at least 0, got -1"
        );
        assert_eq!(
            plain_message("invalid value: integer `300`, expected u8"),
            "must be a whole number of at most 255, got 300"
        );
        assert_eq!(
            plain_message("invalid type: string \"six\", expected u32"),
            "must be a whole number, got the text \"six\""
        );
        assert_eq!(
            plain_message("invalid type: string \"yes\", expected a boolean"),
            "must be true or false, got the text \"yes\""
        );
        assert_eq!(
            plain_message("invalid type: boolean `false`, expected f64"),
            "must be a number, got false"
        );
        assert_eq!(
            plain_message("invalid type: string \"education\", expected a sequence"),
            "must be a list in square brackets, got the text \"education\" \
             (a list of one is written [\"education\"])"
        );
        assert_eq!(
            plain_message("invalid type: floating point `0.1`, expected an array of length 5"),
            "must be a list of 5 values in square brackets, got 0.1"
        );
        assert_eq!(
            plain_message("invalid type: map, expected a sequence"),
            "must be a list in square brackets, got a table"
        );
        // Anything else is kept as it was.
        assert_eq!(
            plain_message("missing field `kind`"),
            "missing field `kind`"
        );
    }

    #[test]
    fn a_slip_of_the_keyboard_is_told_the_name_it_was_meant_to_be() {
        assert_eq!(
            plain_message("unknown field `rat`, expected one of `rate`, `retreat`, `conflict`"),
            "unknown field `rat`; did you mean `rate`? (expected one of `rate`, `retreat`, `conflict`)"
        );
        assert_eq!(
            plain_message("unknown field `month`, expected `months` or `name`"),
            "unknown field `month`; did you mean `months`? (expected `months` or `name`)"
        );
        assert_eq!(
            plain_message("unknown variant `helth`, expected one of `education`, `health`"),
            "unknown value `helth`; did you mean `health`? (expected one of `education`, `health`)"
        );
        // Nothing close: the known names alone, in a planner's words.
        assert_eq!(
            plain_message("unknown variant `x`, expected one of `a`, `b`"),
            "unknown value `x`, expected one of `a`, `b`"
        );
        assert_eq!(
            plain_message("unknown field `zzzzzz`, expected one of `rate`, `retreat`"),
            "unknown field `zzzzzz`, expected one of `rate`, `retreat`"
        );
    }
}
