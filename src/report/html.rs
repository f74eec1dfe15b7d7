//! The page: escaping, the stylesheet, the frame, and small building blocks (cards, tables, bars,
//! inlined charts). Everything is in the one file: no scripts, fonts, images or links outside it.

use std::fmt::Write;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The stylesheet: readable type, a narrow column, print-friendly, system fonts only.
const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #5b636b; --line: #d9dee3; --soft: #f4f6f8; --accent: #1f6fb4;
  --good: #2b8a3e; --bad: #b3261e; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0; color: var(--ink); font: 17px/1.55 "Segoe UI", "Helvetica Neue", Arial,
  "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 28px 48px; }
header.top { border-bottom: 4px solid var(--accent); padding-bottom: 14px; margin-bottom: 8px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 13px; color: var(--muted);
  margin: 0 0 4px; }
h1 { font-size: 32px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 23px; margin: 38px 0 10px; padding-top: 6px; border-top: 1px solid var(--line); }
h3 { font-size: 18px; margin: 22px 0 6px; }
p { margin: 8px 0 12px; }
.lede { font-size: 19px; color: #30363d; }
.muted, .note { color: var(--muted); }
.note { font-size: 15px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 14px;
  margin: 14px 0 6px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; background: #fff; }
.card .label { font-size: 14px; color: var(--muted); margin: 0; }
.card .value { font-size: 38px; font-weight: 700; line-height: 1.15; margin: 4px 0 2px;
  color: var(--accent); }
.card .ci { font-size: 15px; margin: 0; }
.card .what { font-size: 14px; color: var(--muted); margin: 8px 0 0; }
.callout { background: var(--soft); border-left: 5px solid var(--accent); border-radius: 6px;
  padding: 10px 16px; margin: 14px 0; }
.finding { margin: 10px 0; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; }
.finding strong.up { color: var(--good); }
.finding strong.down { color: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 15.5px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
.nowrap { white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.bar { display: inline-block; height: 12px; border-radius: 3px; background: var(--accent);
  vertical-align: middle; min-width: 1px; }
.bartrack { background: #eef1f4; border-radius: 3px; display: inline-block; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
  vertical-align: baseline; margin-right: 6px; }
figure { margin: 18px 0 26px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--line);
  border-radius: 8px; }
figcaption { font-size: 15px; color: var(--muted); margin-top: 6px; }
ul.plain { padding-left: 20px; margin: 6px 0 12px; }
ul.plain li { margin: 3px 0; }
details { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; margin: 10px 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: var(--soft); padding: 12px; border-radius: 6px; overflow-x: auto;
  font-size: 13px; line-height: 1.4; }
footer { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 10px; font-size: 14px;
  color: var(--muted); }
code { font-size: 90%; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; }
  figure, .card, table { break-inside: avoid; } details { border: 0; } }
"#;

/// A whole page around `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::new();
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>",
        esc(title)
    )
    .expect("write to string");
    out
}

/// A headline figure: a label, a big value, its interval and what it means.
pub fn card(label: &str, value: &str, ci: &str, what: &str) -> String {
    format!(
        "<div class=\"card\"><p class=\"label\">{}</p><p class=\"value\">{}</p><p class=\"ci\">{}</p><p class=\"what\">{}</p></div>\n",
        esc(label),
        esc(value),
        esc(ci),
        esc(what)
    )
}

/// A table cell: text escaped; `num` right-aligns it.
pub enum Cell {
    /// Plain text, left-aligned and free to wrap.
    Text(String),
    /// A number, right-aligned so that columns of figures line up.
    Num(String),
    /// Text kept on one line (names).
    NoWrap(String),
    /// Already HTML (a bar, a swatch).
    Raw(String),
}

/// A table with a header row.
pub fn table(head: &[Cell], rows: &[Vec<Cell>]) -> String {
    let cell = |tag: &str, c: &Cell| match c {
        Cell::Text(t) => format!("<{tag}>{}</{tag}>", esc(t)),
        Cell::Num(t) => format!("<{tag} class=\"num\">{}</{tag}>", esc(t)),
        Cell::NoWrap(t) => format!("<{tag} class=\"nowrap\">{}</{tag}>", esc(t)),
        Cell::Raw(h) => format!("<{tag}>{h}</{tag}>"),
    };
    let mut out = String::from("<table>\n<thead><tr>");
    for c in head {
        out.push_str(&cell("th", c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            out.push_str(&cell("td", c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A horizontal bar for a share (0 to 1), drawn with CSS, `track` pixels long at 100%.
pub fn bar(share: f64, colour: &str, track: u32) -> String {
    let w = if share.is_finite() {
        (share.clamp(0.0, 1.0) * 100.0 * 10.0).round() / 10.0
    } else {
        0.0
    };
    format!(
        "<span class=\"bartrack\" style=\"width:{track}px\"><span class=\"bar\" style=\"width:{w}%;background:{}\"></span></span>",
        esc(colour)
    )
}

/// A small colour square.
pub fn swatch(colour: &str) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        esc(colour)
    )
}

/// Prepares an SVG from the chart module for inlining: no XML namespace URL (HTML does not need
/// it), scales to the column through its viewBox, and is labelled for screen readers.
pub fn inline_svg(svg: &str, label: &str) -> String {
    let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    // Drop the fixed width and height of the opening tag; the viewBox keeps the proportions.
    match (svg.find("<svg "), svg.find('>')) {
        (Some(start), Some(end)) if start < end => {
            let tag = &svg[start..end];
            let kept: Vec<&str> = tag
                .split(' ')
                .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
                .collect();
            format!(
                "{} role=\"img\" aria-label=\"{}\"{}",
                kept.join(" "),
                esc(label),
                &svg[end..]
            )
        }
        _ => svg,
    }
}

/// A chart with its caption.
pub fn figure(svg: &str, label: &str, caption: &str) -> String {
    format!(
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        inline_svg(svg, label),
        esc(caption)
    )
}

/// A share as a percentage with one decimal: "66.9%"; "<0.1%" and ">99.9%" for shares that are
/// not 0 or 1 but would round to them.
pub fn pct(share: f64) -> String {
    if share > 0.0 && share < 0.0005 {
        "<0.1%".to_string()
    } else if (0.9995..1.0).contains(&share) {
        ">99.9%".to_string()
    } else {
        format!("{:.1}%", 100.0 * share)
    }
}

/// A difference of shares in percentage points with its sign: "+7.7", "−2.0", "0.0". Rounded
/// as every other figure (`{:.1}` of the value in points), so the report and the printed
/// summary agree; a difference that is not zero but rounds to it reads "+<0.1" or "−<0.1",
/// never "0.0", so that a lower bound of +0.04 beside "raises" does not seem to contradict it.
pub fn points(diff: f64) -> String {
    let text = format!("{:.1}", (100.0 * diff).abs());
    if text == "0.0" {
        if diff > 0.0 {
            "+<0.1".into()
        } else if diff < 0.0 {
            "\u{2212}<0.1".into()
        } else {
            text
        }
    } else if diff > 0.0 {
        format!("+{text}")
    } else {
        format!("\u{2212}{text}")
    }
}

/// A signed number of months: "+3", "−4", "0".
pub fn months_diff(diff: f64) -> String {
    let v = diff.round();
    if v == 0.0 {
        "0".to_string()
    } else if v > 0.0 {
        format!("+{v:.0}")
    } else {
        format!("\u{2212}{:.0}", -v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn inlined_svg_has_no_namespace_url_or_fixed_size() {
        let svg = "<svg width=\"900\" height=\"560\" viewBox=\"0 0 900 560\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out = inline_svg(svg, "a \"chart\"");
        assert_eq!(
            out,
            "<svg viewBox=\"0 0 900 560\" role=\"img\" aria-label=\"a &quot;chart&quot;\">\n<rect/>\n</svg>\n"
        );
    }

    #[test]
    fn formats_numbers_for_readers() {
        assert_eq!(pct(0.6689), "66.9%");
        assert_eq!(pct(0.0001), "<0.1%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(points(0.0769), "+7.7");
        assert_eq!(points(-0.246), "\u{2212}24.6");
        assert_eq!(points(0.00001), "+<0.1");
        assert_eq!(points(-0.0004), "\u{2212}<0.1");
        assert_eq!(points(0.0), "0.0");
        assert_eq!(months_diff(-4.0), "\u{2212}4");
        // Near 1 as near 0: a share that is not 1 never reads 100.0%.
        assert_eq!(pct(0.9998), ">99.9%");
        assert_eq!(pct(1.0), "100.0%");
        // Points round as the printed summary does ({:.1} of the value in points).
        for d in [-0.2365, 0.0125, -0.0006, 0.12345] {
            let summary = format!("{:.1}", 100.0 * d);
            assert_eq!(
                points(d).replace('\u{2212}', "-").trim_start_matches('+'),
                summary
            );
        }
    }
}
