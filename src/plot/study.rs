//! `study`: each published figure of the virtual NFER study against the simulated mean and 90%
//! band, table by table. Counts are shown as percentages of the 30 initiatives or 139
//! interviewees so that both columns of a table share an axis. The sample's design figures
//! (reproduced by construction) are left out.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{self, Chart, Mark, msg, text_style};
use crate::study::data::Unit;
use crate::study::{FigureResult, RankAgreement, StudyOutcome};

use super::PlotError;

/// Writes `study.svg` and `study.png` into `dir`; percentages are of `initiatives` and
/// `interviewees`.
pub fn write(
    dir: &Path,
    outcome: &StudyOutcome,
    initiatives: f64,
    interviewees: f64,
) -> Result<(), PlotError> {
    style::render(
        dir,
        &StudyChart {
            figures: &outcome.figures,
            replications: outcome.replications.len(),
            initiatives,
            interviewees,
            rank: outcome.rank_agreement,
        },
    )
}

/// The figures of one study and the sizes that turn counts into percentages.
pub struct StudyChart<'a> {
    /// Every figure with its simulated mean and 90% band; design figures are skipped.
    pub figures: &'a [FigureResult],
    /// Number of simulated studies, named in the title.
    pub replications: usize,
    /// Initiatives visited per study (30 in NFER's design): 100% of a figure counted in them.
    pub initiatives: f64,
    /// Interviewees per study (139 in NFER's design): 100% of a figure counted in them.
    pub interviewees: f64,
    /// Spearman agreement of the ranked tables, quoted in the sub-title.
    pub rank: RankAgreement,
}

/// Panels in each column: (table id, title).
const COLUMNS: [&[(&str, &str)]; 2] = [
    &[
        ("vignette_1", "Research Vignette 1: stage of development"),
        ("table_2_1", "Table 2.1: rationales for the stage"),
    ],
    &[
        ("table_6_1", "Table 6.1: key challenges"),
        ("table_7_1", "Table 7.1: key factors in success"),
        ("vignette_4", "Research Vignette 4: early difficulties"),
    ],
];

const WIDTH: u32 = 1500;
const HEADER: i32 = 96;
const ROW: i32 = 22;
const PANEL_TOP: i32 = 30;
const PANEL_BOTTOM: i32 = 44;
const PANEL_GAP: i32 = 14;
const LABEL_SIZE: f64 = 13.0;

/// Colour of a published figure inside its band, and outside it.
const INSIDE: RGBColor = RGBColor(0x1b, 0x7a, 0x3d);
const OUTSIDE: RGBColor = RGBColor(0xc0, 0x39, 0x2b);

impl StudyChart<'_> {
    fn rows(&self, table: &str) -> Vec<&FigureResult> {
        self.figures
            .iter()
            .filter(|f| !f.design && f.id.split('.').next() == Some(table))
            .collect()
    }

    fn pct(&self, f: &FigureResult, v: f64) -> f64 {
        let n = match f.unit {
            Unit::Initiatives => self.initiatives,
            Unit::Interviewees => self.interviewees,
        };
        if n > 0.0 && v.is_finite() {
            100.0 * v / n
        } else {
            0.0
        }
    }

    fn panel_height(&self, table: &str) -> i32 {
        PANEL_TOP + ROW * self.rows(table).len() as i32 + PANEL_BOTTOM
    }

    fn height(&self) -> u32 {
        let column = |c: &[(&str, &str)]| -> i32 {
            c.iter()
                .map(|(t, _)| self.panel_height(t) + PANEL_GAP)
                .sum()
        };
        (HEADER + COLUMNS.iter().map(|c| column(c)).max().unwrap_or(0) + 10) as u32
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        table: &str,
        title: &str,
    ) -> Result<(), String> {
        let rows = self.rows(table);
        let n = rows.len().max(1);
        let (w, _) = area.dim_in_pixel();
        let title_style = text_style(16.0, &style::TEXT);
        area.draw_text(title, &title_style, (8, 4)).map_err(msg)?;
        let top = self
            .figures
            .iter()
            .filter(|f| !f.design)
            .filter(|f| f.id.split('.').next() == Some(table))
            .map(|f| self.pct(f, f.p95).max(self.pct(f, f.published)))
            .fold(0.0, f64::max);
        // A little room past the largest value so that a dot on it is not cut by the frame.
        let x_max = (((top + 3.0) / 10.0).ceil() * 10.0).clamp(20.0, 100.0);

        let label_style = text_style(LABEL_SIZE, &style::TEXT);
        let label_w = (w as f64 * 0.46) as u32;
        let (_, body) = area.split_vertically(PANEL_TOP - 4);
        let mut chart = ChartBuilder::on(&body)
            .margin_left(4)
            .margin_right(18)
            .margin_top(4)
            .margin_bottom(4)
            .x_label_area_size(34)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, 0f64..n as f64)
            .map_err(msg)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(style::GRID.stroke_width(1))
            .axis_style(style::AXIS.stroke_width(1))
            .label_style(text_style(LABEL_SIZE, &style::TEXT))
            .x_labels(6)
            .y_labels(0)
            .x_label_formatter(&|v| format!("{v:.0}%"))
            .draw()
            .map_err(msg)?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        // Backend coordinates are absolute; text on `area` is placed relative to its corner.
        let (bx, by) = area.get_base_pixel();
        let name_style = style::anchored(&label_style, HPos::Right, VPos::Center);
        let band = style::ACCENT.mix(0.28);
        for (i, f) in rows.iter().enumerate() {
            let slot = (n - 1 - i) as f64;
            let (_, cy) = chart.backend_coord(&(0.0, slot + 0.5));
            let of = match f.unit {
                Unit::Initiatives => format!("of {}", self.initiatives),
                Unit::Interviewees => format!("of {}", self.interviewees),
            };
            let label = fit(
                area,
                &format!("{} ({of})", f.label),
                label_w as i32 - 16,
                &label_style,
            )?;
            area.draw_text(&label, &name_style, (xr.start - 8 - bx, cy - by))
                .map_err(msg)?;
            let (lo, hi, mean, published) = (
                self.pct(f, f.p05),
                self.pct(f, f.p95),
                self.pct(f, f.simulated_mean),
                self.pct(f, f.published),
            );
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(lo, slot + 0.22), (hi.max(lo + x_max * 0.003), slot + 0.78)],
                    band.filled(),
                )))
                .map_err(msg)?;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [
                        (mean - x_max * 0.002, slot + 0.15),
                        (mean + x_max * 0.002, slot + 0.85),
                    ],
                    style::ACCENT.filled(),
                )))
                .map_err(msg)?;
            let colour = if f.inside { INSIDE } else { OUTSIDE };
            chart
                .draw_series(std::iter::once(Circle::new(
                    (published, slot + 0.5),
                    5,
                    colour.filled(),
                )))
                .map_err(msg)?;
        }
        Ok(())
    }
}

/// `text` shortened with an ellipsis to fit `max` pixels.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    max: i32,
    style: &TextStyle<'static>,
) -> Result<String, String> {
    let width = |t: &str| -> Result<i32, String> {
        area.estimate_text_size(t, style)
            .map(|(w, _)| w as i32)
            .map_err(msg)
    };
    if width(text)? <= max {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width(&candidate)? <= max {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

impl Chart for StudyChart<'_> {
    const NAME: &'static str = "study";

    fn size(&self) -> (u32, u32) {
        (WIDTH, self.height())
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (w, _) = root.dim_in_pixel();
        let inside = self
            .figures
            .iter()
            .filter(|f| !f.design && f.inside)
            .count();
        let total = self.figures.iter().filter(|f| !f.design).count();
        let title = format!(
            "Virtual NFER study: published figures against {} simulated studies",
            self.replications
        );
        let centred = |size: f64, colour: &RGBColor| {
            style::anchored(&text_style(size, colour), HPos::Center, VPos::Top)
        };
        root.draw_text(
            &title,
            &centred(style::TITLE_SIZE, &style::TEXT),
            (w as i32 / 2, 10),
        )
        .map_err(msg)?;
        let sub = format!(
            "{inside} of {total} inside the 90% band; Spearman: Table 2.1 {:.2}, Table 6.1 {:.2}, Table 7.1 {:.2}",
            self.rank.table_2_1, self.rank.table_6_1, self.rank.table_7_1
        );
        root.draw_text(&sub, &centred(16.0, &style::MUTED_TEXT), (w as i32 / 2, 42))
            .map_err(msg)?;
        let entries = [
            (Mark::Swatch(style::ACCENT.mix(0.28)), "simulated 90% band"),
            (Mark::Line(style::ACCENT.to_rgba()), "simulated mean"),
            (Mark::Swatch(INSIDE.to_rgba()), "published, inside"),
            (Mark::Swatch(OUTSIDE.to_rgba()), "published, outside"),
        ];
        let legend_w = style::legend_row_width(root, &entries)?;
        style::draw_legend_row(root, &entries, (w as i32 - legend_w) / 2, 76)?;

        let col_w = w as i32 / 2;
        for (c, panels) in COLUMNS.iter().enumerate() {
            let mut y = HEADER;
            for (table, title) in panels.iter() {
                let h = self.panel_height(table);
                let x0 = c as i32 * col_w;
                let area = root.clone().shrink((x0, y), (col_w as u32, h as u32));
                self.panel(&area, table, title)?;
                y += h + PANEL_GAP;
            }
        }
        Ok(())
    }
}
