//! `stages`: share of rollouts in each stage by month, stacked to 100%.
//!
//! Stacked bottom to top as folded, well established, developing, ..., idea, so that the legend,
//! read top to bottom in stage order, matches the bands as they lie.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{self, Chart, Mark, msg, pct, text_style};
use crate::model::Stage;
use crate::stats::Summary;

/// The `stages` chart of one run, drawn from its summary (`stages.svg` and `.png`).
pub struct Stages<'a>(pub &'a Summary);

/// Height of the title strip.
const HEADER: u32 = 56;

/// Fill colour of each stage, [`Stage::ALL`] order: warm for getting going, blue for setting up
/// and starting to deliver, green for developing and well established, grey for folded.
pub const STAGE_COLOURS: [RGBColor; Stage::COUNT] = [
    RGBColor(0xfb, 0xe0, 0x8a), // idea
    RGBColor(0xf3, 0xa2, 0x5a), // planning
    RGBColor(0xa6, 0xcf, 0xe8), // setting up
    RGBColor(0x3f, 0x86, 0xc0), // starting to deliver
    RGBColor(0x9c, 0xd4, 0x8e), // developing
    RGBColor(0x2b, 0x8a, 0x3e), // well established
    RGBColor(0x8a, 0x8a, 0x8a), // folded
];

/// Human-readable stage name.
pub fn stage_label(stage: Stage) -> String {
    stage.key().replace('_', " ")
}

impl Chart for Stages<'_> {
    const NAME: &'static str = "stages";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = self.0;
        style::draw_title(
            root,
            &s.scenario,
            "stage of rollouts by month",
            s.rollouts,
            14,
        )?;

        let labels: Vec<String> = Stage::ALL.iter().map(|st| stage_label(*st)).collect();
        let entries: Vec<(Mark, &str)> = Stage::ALL
            .iter()
            .zip(&labels)
            .map(|(st, l)| {
                (
                    Mark::Swatch(STAGE_COLOURS[st.index()].to_rgba()),
                    l.as_str(),
                )
            })
            .collect();
        let legend_w = style::legend_column_width(root, &entries)?;
        let (width, _) = root.dim_in_pixel();
        let (_, body) = root.split_vertically(HEADER);
        let (plot_area, _) = body.split_horizontally(width as i32 - legend_w - 44);

        let rows = &s.stages_by_month;
        let last = (rows.len().saturating_sub(1) as i32).max(s.months as i32);
        let x_max = last.max(1);
        let mut chart = style::frame(&plot_area, 24, 72)
            .margin_top(10)
            .build_cartesian_2d(0i32..x_max, 0f64..100f64)
            .map_err(msg)?;
        // Upper edge of stage k: its share plus those of every stage stacked below it (later in
        // Stage::ALL). Drawn top band first, each from zero, so later bands cover the lower part
        // and no hairline gaps appear between bands.
        let edge = |k: usize| -> Vec<(i32, f64)> {
            rows.iter()
                .enumerate()
                .map(|(m, row)| {
                    (
                        m as i32,
                        pct(row[k..].iter().map(|i| pct(i.share) / 100.0).sum::<f64>()),
                    )
                })
                .collect()
        };
        for (k, colour) in STAGE_COLOURS.iter().enumerate() {
            let upper = edge(k);
            if upper.is_empty() {
                break;
            }
            let mut outline = upper.clone();
            if outline.len() == 1 {
                // Only the start: give it a sliver of width.
                let (m, y) = outline[0];
                outline.push((m + 1, y));
            }
            let first = outline.first().map_or(0, |p| p.0);
            let end = outline.last().map_or(0, |p| p.0);
            outline.push((end, 0.0));
            outline.push((first, 0.0));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, colour.filled())))
                .map_err(msg)?;
        }
        // White hairlines between bands.
        for k in 1..Stage::COUNT {
            let upper = edge(k);
            if upper.len() > 1 && upper.iter().any(|p| p.1 > 0.0) {
                chart
                    .draw_series(LineSeries::new(upper, WHITE.mix(0.8).stroke_width(1)))
                    .map_err(msg)?;
            }
        }

        // Axes and labels last, over the bands.
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh();
        style::month_share_axes(&mut mesh, x_max);
        mesh.draw().map_err(msg)?;

        // Legend to the right of the plot, aligned with its top.
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let legend_x = xr.end + 28;
        let heading = style::anchored(
            &text_style(style::LEGEND_SIZE, &style::MUTED_TEXT),
            HPos::Left,
            VPos::Bottom,
        );
        root.draw_text("Stage", &heading, (legend_x, yr.start + 4))
            .map_err(msg)?;
        style::draw_legend_column(root, &entries, legend_x, yr.start + 8)?;

        if s.rollouts == 0 {
            style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(x_max / 2, 50.0)),
            )?;
        }
        Ok(())
    }
}
