//! `established`: cumulative share of rollouts well established by month, with its Wilson 95%
//! band shaded.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Chart, Mark, msg, pct};
use crate::stats::Summary;

/// The `established` chart of one run, drawn from its summary (`established.svg` and `.png`).
pub struct Established<'a>(pub &'a Summary);

/// Height of the title and legend strip above the plot.
const HEADER: u32 = 84;

impl Chart for Established<'_> {
    const NAME: &'static str = "established";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = self.0;
        style::draw_title(
            root,
            &s.scenario,
            "share well established by month",
            s.rollouts,
            14,
        )?;

        let line = style::ACCENT;
        let band = style::ACCENT.mix(0.22);
        let entries = [
            (Mark::Line(line.to_rgba()), "share well established"),
            (Mark::Swatch(band), "95% interval"),
        ];
        let (width, _) = root.dim_in_pixel();
        let legend_w = style::legend_row_width(root, &entries)?;
        style::draw_legend_row(root, &entries, (width as i32 - legend_w) / 2, 60)?;

        let (_, body) = root.split_vertically(HEADER);
        // Month 0 (the start) to the horizon; a zero horizon still gets a unit-wide axis.
        let last = (s.established_by_month.len().saturating_sub(1) as i32).max(s.months as i32);
        let x_max = last.max(1);
        let mut chart = style::month_share_chart(&body, x_max)?;

        let points: Vec<(i32, &crate::stats::Interval)> = s
            .established_by_month
            .iter()
            .enumerate()
            .map(|(m, i)| (m as i32, i))
            .collect();
        if s.rollouts == 0 {
            // Nothing was measured: a line at zero and a full-height band would mislead.
            return style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(x_max / 2, 50.0)),
            );
        }
        if points.is_empty() {
            return style::draw_note(
                root,
                "no months to show",
                chart.backend_coord(&(x_max / 2, 50.0)),
            );
        }

        // The band: upper edge left to right, then lower edge back.
        let mut outline: Vec<(i32, f64)> =
            points.iter().map(|(m, i)| (*m, pct(i.ci_high))).collect();
        outline.extend(points.iter().rev().map(|(m, i)| (*m, pct(i.ci_low))));
        if let [(m, i)] = points[..] {
            // Only the start: a narrow bar so the interval still shows.
            let (x, y0) = chart.backend_coord(&(m, pct(i.ci_high)));
            let (_, y1) = chart.backend_coord(&(m, pct(i.ci_low)));
            root.draw(&Rectangle::new([(x, y0), (x + 8, y1)], band.filled()))
                .map_err(msg)?;
        } else {
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band.filled())))
                .map_err(msg)?;
        }
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|(m, i)| (*m, pct(i.share))),
                line.stroke_width(4),
            ))
            .map_err(msg)?;
        if points.len() <= 2 {
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|(m, i)| Circle::new((*m, pct(i.share)), 4, line.filled())),
                )
                .map_err(msg)?;
        }

        Ok(())
    }
}
