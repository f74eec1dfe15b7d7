//! Finding keys in TOML source text, so that errors can name a line and a key path.

use toml_edit::{Document, Item, Value};

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A key of a table or inline table.
    Key(String),
    /// A 0-based index into an array (or array of tables).
    Index(usize),
}

/// Formats a key path as `a.b[2].c`.
pub fn format_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Parses `a.b[2].c` into segments. Returns `None` for an empty or malformed path.
pub fn parse_path(text: &str) -> Option<Vec<Seg>> {
    let mut segs = Vec::new();
    for part in text.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        segs.push(Seg::Key(key.to_string()));
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']')?;
            segs.push(Seg::Index(stripped[..end].parse().ok()?));
            rest = &stripped[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    (!segs.is_empty()).then_some(segs)
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, col)
}

/// Byte span of the key (or array element) that `path` names in `text`, if it is written there.
pub fn span_of(text: &str, path: &[Seg]) -> Option<std::ops::Range<usize>> {
    let doc = Document::parse(text.to_string()).ok()?;
    let mut item: &Item = doc.as_item();
    let mut span = None;
    let mut value: Option<&Value> = None;
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if let Some(v) = value {
                    let table = v.as_inline_table()?;
                    let (key, next) = table.get_key_value(k)?;
                    let next = next.as_value()?;
                    span = key.span().or(next.span());
                    value = Some(next);
                } else {
                    let table = item.as_table_like()?;
                    let (key, next) = table.get_key_value(k)?;
                    span = key.span().or(next.span());
                    match next {
                        Item::Value(v) => value = Some(v),
                        _ => item = next,
                    }
                }
            }
            Seg::Index(i) => {
                let array = value?.as_array()?;
                let next = array.get(*i)?;
                span = next.span();
                value = Some(next);
            }
        }
    }
    span
}

/// The deepest key path whose key, value or table header contains `offset`: names the field a
/// parse error points at (a header such as `[[agencies]]` names its table).
pub fn path_at(text: &str, offset: usize) -> Vec<Seg> {
    let Ok(doc) = Document::parse(text.to_string()) else {
        return Vec::new();
    };
    let mut path = Vec::new();
    walk_table(doc.as_table(), offset, &mut path);
    path
}

fn contains(span: Option<std::ops::Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset < s.end.max(s.start + 1))
}

fn walk_table(table: &dyn toml_edit::TableLike, offset: usize, path: &mut Vec<Seg>) -> bool {
    for (key, item) in table.iter() {
        let key_span = table.key(key).and_then(|k| k.span());
        let hit_key = contains(key_span, offset);
        path.push(Seg::Key(key.to_string()));
        let inner = match item {
            Item::Table(t) => walk_table(t, offset, path) || contains(t.span(), offset),
            Item::Value(v) => walk_value(v, offset, path),
            Item::ArrayOfTables(a) => a.iter().enumerate().any(|(i, t)| {
                path.push(Seg::Index(i));
                let hit = walk_table(t, offset, path) || contains(t.span(), offset);
                if !hit {
                    path.pop();
                }
                hit
            }),
            Item::None => false,
        };
        if inner || hit_key {
            return true;
        }
        path.pop();
    }
    false
}

fn walk_value(value: &Value, offset: usize, path: &mut Vec<Seg>) -> bool {
    match value {
        Value::InlineTable(t) => walk_table(t, offset, path) || contains(value.span(), offset),
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                if walk_value(v, offset, path) {
                    return true;
                }
                path.pop();
            }
            contains(value.span(), offset)
        }
        _ => contains(value.span(), offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_round_trip() {
        let p = parse_path("params.funding.stage_requirement[2]").unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(format_path(&p), "params.funding.stage_requirement[2]");
        assert!(parse_path("a..b").is_none());
        assert!(parse_path("a[x]").is_none());
    }

    #[test]
    fn finds_key_lines() {
        let text =
            "name = \"x\"\n\n[agencies.health]\nannual_turnover = 2.0\nculture = [0.1, 0.9]\n";
        let p = parse_path("agencies.health.annual_turnover").unwrap();
        let span = span_of(text, &p).unwrap();
        assert_eq!(line_col(text, span.start), (4, 1));
        let p = parse_path("agencies.health.culture[1]").unwrap();
        let span = span_of(text, &p).unwrap();
        assert_eq!(line_col(text, span.start).0, 5);
        let at = path_at(text, text.find("2.0").unwrap());
        assert_eq!(format_path(&at), "agencies.health.annual_turnover");
    }
}
