//! What the charts share: the embedded font, sizes, colours, text helpers, a hand-drawn legend
//! and the double rendering of each chart to SVG and PNG.

use std::fmt::Display;
use std::path::Path;
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::PlotError;

/// Font family every chart uses; registered from the embedded DejaVu Sans.
pub const FONT: &str = "sans-serif";
/// Chart size in pixels (SVG user units and PNG pixels alike).
pub const SIZE: (u32, u32) = (900, 560);

/// Title font size in pixels: the largest tried by [`fitted_title`] before it shrinks the title.
pub const TITLE_SIZE: f64 = 24.0;
/// Font size in pixels of axis descriptions, category labels and notes on empty charts.
pub const AXIS_DESC_SIZE: f64 = 18.0;
/// Font size in pixels of tick labels and the values printed beside bars and in cells.
pub const LABEL_SIZE: f64 = 16.0;
/// Font size in pixels of legend entries, legend headings and sub-title notes.
pub const LEGEND_SIZE: f64 = 16.0;

/// Colour of titles, labels and legend text: near black, softer than pure black on white.
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Grey for secondary text (notes, legend headings) and, translucent, for interval bands.
pub const MUTED_TEXT: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// Light grey of the grid lines, faint enough not to compete with the data.
pub const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);
/// Dark grey of the axes and of the outline of legend swatches.
pub const AXIS: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Main accent: lines and bars.
pub const ACCENT: RGBColor = RGBColor(0x1f, 0x6f, 0xb4);

/// An error message from anything displayable (plotters errors among them).
pub fn msg<E: Display>(e: E) -> String {
    e.to_string()
}

/// Registers the embedded font once per process; later calls return the first outcome.
pub fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(
                FONT,
                FontStyle::Normal,
                include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
            )
            .map_err(|_| {
                "the embedded font assets/fonts/DejaVuSans.ttf is not a valid font".to_string()
            })
        })
        .clone()
}

/// A text style of the chart font.
pub fn text_style(size: f64, color: &RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal),
        color: color.to_backend_color(),
        pos: Pos::new(HPos::Left, VPos::Top),
    }
}

/// `style` anchored at `h`, `v`.
pub fn anchored(style: &TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Share (0 to 1) as a clamped percentage; anything not finite counts as 0.
pub fn pct(share: f64) -> f64 {
    if share.is_finite() {
        (share * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// "1 rollout", "2,000 rollouts".
pub fn rollouts_label(n: u64) -> String {
    let grouped = crate::report::words::thousands(n);
    format!("{grouped} rollout{}", if n == 1 { "" } else { "s" })
}

/// A percentage as shown next to bars: "43.2%", "100%", "0%".
pub fn pct_label(p: f64) -> String {
    if p <= 0.0 {
        "0%".to_string()
    } else if p >= 100.0 {
        "100%".to_string()
    } else if p < 0.1 {
        "<0.1%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// Smallest title size before the scenario name is shortened.
const MIN_TITLE_SIZE: f64 = 16.0;

/// `"<scenario>: <what> (<N> rollouts)"` fitted into `max_width` pixels: the largest size from
/// `TITLE_SIZE` down to `MIN_TITLE_SIZE` that fits, else the scenario name shortened with an
/// ellipsis, so that what the chart shows and the rollout count are always readable.
pub fn fitted_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &str,
    what: &str,
    rollouts: u64,
    max_width: u32,
) -> Result<(String, f64), String> {
    let rest = format!("{what} ({})", rollouts_label(rollouts));
    let full = format!("{scenario}: {rest}");
    let width = |text: &str, size: f64| -> Result<u32, String> {
        area.estimate_text_size(text, &text_style(size, &TEXT))
            .map(|(w, _)| w)
            .map_err(msg)
    };
    let mut size = TITLE_SIZE;
    while size >= MIN_TITLE_SIZE {
        if width(&full, size)? <= max_width {
            return Ok((full, size));
        }
        size -= 1.0;
    }
    let size = MIN_TITLE_SIZE;
    let mut chars: Vec<char> = scenario.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…: {rest}", chars.iter().collect::<String>().trim_end());
        if width(&candidate, size)? <= max_width {
            return Ok((candidate, size));
        }
    }
    Ok((rest, size))
}

/// Draws the title centred at the top of `area`, `top` pixels down.
pub fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &str,
    what: &str,
    rollouts: u64,
    top: i32,
) -> Result<(), String> {
    let (w, _) = area.dim_in_pixel();
    let (text, size) = fitted_title(area, scenario, what, rollouts, w.saturating_sub(40))?;
    let style = anchored(&text_style(size, &TEXT), HPos::Center, VPos::Top);
    area.draw_text(&text, &style, (w as i32 / 2, top))
        .map_err(msg)
}

/// A centred grey note, for charts with nothing to show.
pub fn draw_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
) -> Result<(), String> {
    let style = anchored(
        &text_style(AXIS_DESC_SIZE, &MUTED_TEXT),
        HPos::Center,
        VPos::Center,
    );
    area.draw_text(text, &style, at).map_err(msg)
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A short thick line.
    Line(RGBAColor),
    /// A filled square.
    Swatch(RGBAColor),
    /// A dot: for values drawn as points with nothing between them.
    Dot(RGBAColor),
}

const MARK_W: i32 = 26;
const MARK_GAP: i32 = 8;
const ENTRY_GAP: i32 = 28;

fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    x: i32,
    cy: i32,
) -> Result<(), String> {
    match mark {
        Mark::Line(c) => area
            .draw(&Rectangle::new(
                [(x, cy - 2), (x + MARK_W, cy + 2)],
                c.filled(),
            ))
            .map_err(msg),
        Mark::Swatch(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, cy - 8), (x + MARK_W - 4, cy + 8)],
                c.filled(),
            ))
            .map_err(msg)?;
            area.draw(&Rectangle::new(
                [(x + 4, cy - 8), (x + MARK_W - 4, cy + 8)],
                AXIS.mix(0.6).stroke_width(1),
            ))
            .map_err(msg)
        }
        Mark::Dot(c) => area
            .draw(&Circle::new((x + MARK_W / 2, cy), 5, c.filled()))
            .map_err(msg),
    }
}

/// Width in pixels of a one-row legend.
pub fn legend_row_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
) -> Result<i32, String> {
    let style = text_style(LEGEND_SIZE, &TEXT);
    let mut width = 0;
    for (i, (_, label)) in entries.iter().enumerate() {
        let (w, _) = area.estimate_text_size(label, &style).map_err(msg)?;
        width += MARK_W + MARK_GAP + w as i32 + if i + 1 < entries.len() { ENTRY_GAP } else { 0 };
    }
    Ok(width)
}

/// A legend on one row starting at `x`, centred vertically on `cy`.
pub fn draw_legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
    x: i32,
    cy: i32,
) -> Result<(), String> {
    let style = anchored(&text_style(LEGEND_SIZE, &TEXT), HPos::Left, VPos::Center);
    let mut x = x;
    for (mark, label) in entries {
        draw_mark(area, *mark, x, cy)?;
        x += MARK_W + MARK_GAP;
        area.draw_text(label, &style, (x, cy)).map_err(msg)?;
        let (w, _) = area.estimate_text_size(label, &style).map_err(msg)?;
        x += w as i32 + ENTRY_GAP;
    }
    Ok(())
}

/// Row height of a vertical legend.
pub const LEGEND_ROW: i32 = 26;

/// A legend in a column, first entry at the top, its first row centred on `top + LEGEND_ROW / 2`.
pub fn draw_legend_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
    x: i32,
    top: i32,
) -> Result<(), String> {
    let style = anchored(&text_style(LEGEND_SIZE, &TEXT), HPos::Left, VPos::Center);
    for (i, (mark, label)) in entries.iter().enumerate() {
        let cy = top + LEGEND_ROW * i as i32 + LEGEND_ROW / 2;
        draw_mark(area, *mark, x, cy)?;
        area.draw_text(label, &style, (x + MARK_W + MARK_GAP, cy))
            .map_err(msg)?;
    }
    Ok(())
}

/// Width in pixels of a column legend.
pub fn legend_column_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
) -> Result<i32, String> {
    let style = text_style(LEGEND_SIZE, &TEXT);
    let mut widest = 0;
    for (_, label) in entries {
        let (w, _) = area.estimate_text_size(label, &style).map_err(msg)?;
        widest = widest.max(w as i32);
    }
    Ok(MARK_W + MARK_GAP + widest)
}

/// Colours of compared scenarios, in order (Okabe and Ito's colour-blind-safe palette, the first
/// the charts' usual accent). `compare` takes at most this many scenarios, so that no two
/// share a colour.
pub const SCENARIO_COLOURS: [RGBColor; 8] = [
    ACCENT,
    RGBColor(0xd5, 0x5e, 0x00), // vermilion
    RGBColor(0x00, 0x9e, 0x73), // bluish green
    RGBColor(0xcc, 0x79, 0xa7), // reddish purple
    RGBColor(0xe6, 0x9f, 0x00), // orange
    RGBColor(0x56, 0xb4, 0xe9), // sky blue
    RGBColor(0x33, 0x33, 0x33), // near black
    RGBColor(0x8c, 0x6d, 0x31), // brown
];

/// Colour of compared scenario `j`.
pub fn scenario_colour(j: usize) -> RGBColor {
    SCENARIO_COLOURS[j % SCENARIO_COLOURS.len()]
}

/// Legend entries of one row and the row's width in pixels.
pub type LegendRow<'e> = (&'e [(Mark, &'e str)], i32);

/// Splits legend entries into rows no wider than `max_width`; returns each row's entries and
/// width.
pub fn legend_rows<'e, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &'e [(Mark, &'e str)],
    max_width: i32,
) -> Result<Vec<LegendRow<'e>>, String> {
    let mut rows = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && legend_row_width(area, &entries[start..=end])? <= max_width {
            end += 1;
        }
        let slice = &entries[start..end];
        rows.push((slice, legend_row_width(area, slice)?));
        start = end;
    }
    Ok(rows)
}

/// Draws a legend wrapped into centred rows, the first centred on `cy`; returns the number of
/// rows.
pub fn draw_legend_wrapped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Mark, &str)],
    cy: i32,
) -> Result<i32, String> {
    let (width, _) = area.dim_in_pixel();
    let rows = legend_rows(area, entries, width as i32 - 40)?;
    for (i, (row, w)) in rows.iter().enumerate() {
        draw_legend_row(
            area,
            row,
            (width as i32 - w) / 2,
            cy + LEGEND_ROW * i as i32,
        )?;
    }
    Ok(rows.len() as i32)
}

/// One chart, drawable on any plotters backend.
pub trait Chart {
    /// File stem, also the chart name in errors.
    const NAME: &'static str;
    /// Size in pixels (SVG user units and PNG pixels alike).
    fn size(&self) -> (u32, u32) {
        SIZE
    }
    /// Draws the whole chart on `root`, already filled white.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// `chart` as SVG text, for inlining into an HTML report.
pub fn svg_string<C: Chart>(chart: &C) -> Result<String, PlotError> {
    let fail = |message: String| PlotError {
        chart: C::NAME.to_string(),
        message: format!("svg: {message}"),
    };
    ensure_font().map_err(fail)?;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(msg(e)))?;
        chart.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(msg(e)))?;
    }
    Ok(text)
}

/// Writes `chart` as `<NAME>.svg` and `<NAME>.png` in `dir`.
pub fn render<C: Chart>(dir: &Path, chart: &C) -> Result<(), PlotError> {
    render_as(dir, C::NAME, chart)
}

/// Writes `chart` as `<name>.svg` and `<name>.png` in `dir`: for charts drawn once per metric.
pub fn render_as<C: Chart>(dir: &Path, name: &str, chart: &C) -> Result<(), PlotError> {
    let fail = |format: &str, message: String| PlotError {
        chart: name.to_string(),
        message: format!("{format}: {message}"),
    };
    ensure_font().map_err(|m| fail("font", m))?;

    let svg_path = dir.join(format!("{name}.svg"));
    {
        let root = SVGBackend::new(&svg_path, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail("svg", msg(e)))?;
        chart.draw(&root).map_err(|m| fail("svg", m))?;
        root.present()
            .map_err(|e| fail("svg", format!("writing {}: {e}", svg_path.display())))?;
    }

    let png_path = dir.join(format!("{name}.png"));
    {
        let root = BitMapBackend::new(&png_path, chart.size()).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail("png", msg(e)))?;
        chart.draw(&root).map_err(|m| fail("png", m))?;
        root.present()
            .map_err(|e| fail("png", format!("writing {}: {e}", png_path.display())))?;
    }
    Ok(())
}

/// The margins every chart body shares (left, top, bottom and the x label band), so that charts
/// line up; the right margin and the y label band depend on what sits beside and under them.
pub fn frame<'a, 'b, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    margin_right: u32,
    y_label_area: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(body);
    builder
        .margin_left(16)
        .margin_right(margin_right)
        .margin_bottom(12)
        .margin_top(6)
        .x_label_area_size(52)
        .y_label_area_size(y_label_area);
    builder
}

/// The frame of every "share of rollouts by month" line chart: months on x, 0–100% on y,
/// horizontal grid lines only, axes labelled with units. One place, so the run and compare
/// charts read the same.
pub fn month_share_chart<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x_max: i32,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordi32, RangedCoordf64>>, String> {
    let mut chart = frame(body, 36, 72)
        .build_cartesian_2d(0i32..x_max, 0f64..100f64)
        .map_err(msg)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1));
    month_share_axes(&mut mesh, x_max);
    mesh.draw().map_err(msg)?;
    Ok(chart)
}

/// The grid and axes of every horizontal bar chart: a share or an index along x with vertical
/// grid lines, bars in rows along y, labelled by the chart itself (so no y ticks). One place, so
/// the challenge, compare and sensitivity bars read the same.
pub fn bar_axes<DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, RangedCoordf64, RangedCoordf64, DB>,
    x_desc: &str,
    x_labels: usize,
) {
    mesh.disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(1))
        .x_desc(x_desc)
        .axis_desc_style(text_style(AXIS_DESC_SIZE, &TEXT))
        .label_style(text_style(LABEL_SIZE, &TEXT))
        .x_labels(x_labels)
        .y_labels(0);
}

/// Axis title of the challenge charts of `run` and `compare`.
pub const CHALLENGE_SHARE: &str = "Share of rollouts meeting the challenge at least once (%)";

/// Draws [`bar_axes`] for bars of percentages: 0–100 along x, a tick every 10.
pub fn percent_bar_axes<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
) -> Result<(), String> {
    let mut mesh = chart.configure_mesh();
    bar_axes(&mut mesh, x_desc, 11);
    mesh.x_label_formatter(&whole_number).draw().map_err(msg)
}

fn whole_number(v: &f64) -> String {
    format!("{v:.0}")
}

/// Axes, units and tick labels of a share-by-month chart, for charts that draw their own grid
/// (or none, like the stacked stages chart, which draws its axes over the bands).
pub fn month_share_axes<DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, RangedCoordi32, RangedCoordf64, DB>,
    x_max: i32,
) {
    mesh.axis_style(AXIS.stroke_width(1))
        .x_desc("Month")
        .y_desc("Share of rollouts (%)")
        .axis_desc_style(text_style(AXIS_DESC_SIZE, &TEXT))
        .label_style(text_style(LABEL_SIZE, &TEXT))
        .x_labels((x_max as usize + 1).min(13))
        .y_labels(11)
        .x_label_formatter(&month_label)
        .y_label_formatter(&percent_label);
}

fn month_label(m: &i32) -> String {
    format!("{m}")
}

fn percent_label(v: &f64) -> String {
    format!("{v:.0}")
}
