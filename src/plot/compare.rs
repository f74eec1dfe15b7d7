//! Overlay charts of a comparison, one colour per scenario: the cumulative share well established
//! with its bands (`established`), the stage at the horizon side by side (`stages`), and the
//! challenge profiles as grouped bars (`challenges`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::challenges::challenge_label;
use super::stages::{STAGE_COLOURS, stage_label};
use super::style::{self, Chart, Mark, msg, pct, scenario_colour, text_style};
use crate::model::Stage;
use crate::stats::Summary;

/// The scenarios of a comparison, the first the baseline, and what the titles call them.
#[derive(Debug, Clone, Copy)]
pub struct Scenarios<'a> {
    /// One summary per scenario in command-line order; colours follow this order, and the
    /// first's rollout count goes in the titles.
    pub summaries: &'a [&'a Summary],
    /// "reference vs pooled-budget", "reference vs 6 alternatives".
    pub label: &'a str,
}

impl Scenarios<'_> {
    fn rollouts(&self) -> u64 {
        self.summaries.first().map_or(0, |s| s.rollouts)
    }

    fn names(&self) -> Vec<String> {
        self.summaries.iter().map(|s| s.scenario.clone()).collect()
    }
}

/// Height of the title line before the legend.
const TITLE_STRIP: i32 = 56;

/// Draws the title and a wrapped legend; returns the height of the header.
fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Scenarios,
    what: &str,
    entries: &[(Mark, &str)],
) -> Result<u32, String> {
    style::draw_title(root, s.label, what, s.rollouts(), 14)?;
    let rows = style::draw_legend_wrapped(root, entries, TITLE_STRIP + 4)?;
    Ok((TITLE_STRIP + 4 + style::LEGEND_ROW * rows) as u32)
}

fn scenario_entries(names: &[String]) -> Vec<(Mark, &str)> {
    names
        .iter()
        .enumerate()
        .map(|(j, n)| (Mark::Line(scenario_colour(j).to_rgba()), n.as_str()))
        .collect()
}

/// Cumulative share well established by month, one line and 95% band per scenario.
pub struct EstablishedOverlay<'a>(pub Scenarios<'a>);

impl Chart for EstablishedOverlay<'_> {
    const NAME: &'static str = "established";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = &self.0;
        let names = s.names();
        let mut entries = scenario_entries(&names);
        let band = style::MUTED_TEXT.mix(0.25);
        entries.push((Mark::Swatch(band), "95% interval (shaded)"));
        let top = header(root, s, "share well established by month", &entries)?;
        let (_, body) = root.split_vertically(top);
        let x_max = s
            .summaries
            .iter()
            .map(|x| x.months as i32)
            .max()
            .unwrap_or(1)
            .max(1);
        let mut chart = style::month_share_chart(&body, x_max)?;
        if s.rollouts() == 0 {
            return style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(x_max / 2, 50.0)),
            );
        }
        // Bands first, all of them, so that no band hides another scenario's line.
        for (j, summary) in s.summaries.iter().enumerate() {
            let points = &summary.established_by_month;
            if points.len() < 2 {
                continue;
            }
            let mut outline: Vec<(i32, f64)> = points
                .iter()
                .enumerate()
                .map(|(m, i)| (m as i32, pct(i.ci_high)))
                .collect();
            outline.extend(
                points
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(m, i)| (m as i32, pct(i.ci_low))),
            );
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    scenario_colour(j).mix(0.18).filled(),
                )))
                .map_err(msg)?;
        }
        for (j, summary) in s.summaries.iter().enumerate() {
            chart
                .draw_series(LineSeries::new(
                    summary
                        .established_by_month
                        .iter()
                        .enumerate()
                        .map(|(m, i)| (m as i32, pct(i.share))),
                    scenario_colour(j).stroke_width(3),
                ))
                .map_err(msg)?;
        }
        Ok(())
    }
}

/// Stage at the horizon, one 100% stacked bar per scenario, first scenario on top.
pub struct StagesAtHorizon<'a>(pub Scenarios<'a>);

/// Width of a bar segment, in pixels, below which its percentage is not written inside it.
const MIN_LABELLED: i32 = 44;

impl Chart for StagesAtHorizon<'_> {
    const NAME: &'static str = "stages";

    fn size(&self) -> (u32, u32) {
        let n = self.0.summaries.len() as u32;
        (style::SIZE.0, (210 + 64 * n).max(360))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = &self.0;
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
        let same_horizon = s.summaries.windows(2).all(|w| w[0].months == w[1].months);
        let what = match (same_horizon, s.summaries.first()) {
            (true, Some(first)) => format!("stage at month {}", first.months),
            _ => "stage at the horizon".to_string(),
        };
        let top = header(root, s, &what, &entries)?;

        let names = s.names();
        let n = names.len().max(1);
        let category = text_style(style::AXIS_DESC_SIZE, &style::TEXT);
        let mut label_w = 0;
        for name in &names {
            let (w, _) = root.estimate_text_size(name, &category).map_err(msg)?;
            label_w = label_w.max(w);
        }
        let label_w = label_w.min(style::SIZE.0 / 3);
        let (_, body) = root.split_vertically(top);
        let mut chart = style::frame(&body, 40, label_w + 18)
            .build_cartesian_2d(0f64..100f64, 0f64..n as f64)
            .map_err(msg)?;
        style::percent_bar_axes(&mut chart, "Share of rollouts (%)")?;
        let (xr, _) = chart.plotting_area().get_pixel_range();
        let name_style = style::anchored(&category, HPos::Right, VPos::Center);
        for (j, summary) in s.summaries.iter().enumerate() {
            let slot = (n - 1 - j) as f64;
            let (y0, y1) = (slot + 0.18, slot + 0.82);
            let (_, cy) = chart.backend_coord(&(0.0, slot + 0.5));
            root.draw_text(&names[j], &name_style, (xr.start - 10, cy))
                .map_err(msg)?;
            let mut x = 0.0;
            for (k, (_, share)) in summary.stage_at_horizon.0.iter().enumerate() {
                let w = pct(*share);
                if w <= 0.0 {
                    continue;
                }
                let x1 = (x + w).min(100.0);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y0), (x1, y1)],
                        STAGE_COLOURS[k].filled(),
                    )))
                    .map_err(msg)?;
                let (px0, _) = chart.backend_coord(&(x, y0));
                let (px1, _) = chart.backend_coord(&(x1, y0));
                if px1 - px0 >= MIN_LABELLED {
                    let dark = matches!(k, 3 | 5 | 6);
                    let colour = if dark { WHITE } else { style::TEXT };
                    let label = style::anchored(
                        &text_style(style::LABEL_SIZE - 1.0, &colour),
                        HPos::Center,
                        VPos::Center,
                    );
                    root.draw_text(&format!("{w:.0}%"), &label, ((px0 + px1) / 2, cy))
                        .map_err(msg)?;
                }
                x = x1;
            }
        }
        if s.rollouts() == 0 {
            style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(50.0, n as f64 / 2.0)),
            )?;
        }
        Ok(())
    }
}

/// Share meeting each challenge, grouped by challenge, one bar per scenario; challenges ranked
/// by the first scenario's shares.
pub struct ChallengeProfiles<'a>(pub Scenarios<'a>);

impl ChallengeProfiles<'_> {
    fn bar_height(&self) -> u32 {
        if self.0.summaries.len() <= 3 { 18 } else { 12 }
    }

    fn groups(&self) -> usize {
        self.0
            .summaries
            .first()
            .map_or(0, |s| s.challenges.0.len())
            .max(1)
    }
}

impl Chart for ChallengeProfiles<'_> {
    const NAME: &'static str = "challenges";

    fn size(&self) -> (u32, u32) {
        let s = self.0.summaries.len() as u32;
        let group = s * self.bar_height() + 16;
        let legend_rows = s.div_ceil(4);
        (
            style::SIZE.0,
            (150 + 26 * legend_rows + self.groups() as u32 * group).max(style::SIZE.1),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = &self.0;
        let names = s.names();
        let entries: Vec<(Mark, &str)> = names
            .iter()
            .enumerate()
            .map(|(j, n)| (Mark::Swatch(scenario_colour(j).to_rgba()), n.as_str()))
            .collect();
        let top = header(root, s, "challenges met at least once", &entries)?;

        // Challenge keys in the first scenario's order of frequency.
        let mut order: Vec<(&str, f64)> = s
            .summaries
            .first()
            .map(|f| f.challenges.0.iter().map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default();
        order.sort_by(|a, b| b.1.total_cmp(&a.1));
        let groups = self.groups();
        let m = s.summaries.len().max(1);

        let category = text_style(style::AXIS_DESC_SIZE, &style::TEXT);
        let mut label_w = 0;
        for (key, _) in &order {
            let (w, _) = root
                .estimate_text_size(&challenge_label(key), &category)
                .map_err(msg)?;
            label_w = label_w.max(w);
        }
        let (_, body) = root.split_vertically(top);
        let mut chart = style::frame(&body, 56, label_w + 18)
            .build_cartesian_2d(0f64..100f64, 0f64..groups as f64)
            .map_err(msg)?;
        style::percent_bar_axes(&mut chart, style::CHALLENGE_SHARE)?;

        let (xr, _) = chart.plotting_area().get_pixel_range();
        let name_style = style::anchored(&category, HPos::Right, VPos::Center);
        let value_size = if m <= 3 {
            style::LABEL_SIZE - 1.0
        } else {
            12.0
        };
        let value_style = style::anchored(
            &text_style(value_size, &style::TEXT),
            HPos::Left,
            VPos::Center,
        );
        let inner = 0.8 / m as f64;
        for (rank, (key, _)) in order.iter().enumerate() {
            let slot = (groups - 1 - rank) as f64;
            let (_, cy) = chart.backend_coord(&(0.0, slot + 0.5));
            root.draw_text(&challenge_label(key), &name_style, (xr.start - 10, cy))
                .map_err(msg)?;
            for (j, summary) in s.summaries.iter().enumerate() {
                let share = summary
                    .challenges
                    .0
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(0.0, |(_, v)| *v);
                let p = pct(share);
                // First scenario on top within the group.
                let y1 = slot + 0.9 - inner * j as f64;
                let y0 = y1 - inner * 0.85;
                if p > 0.0 {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(0.0, y0), (p, y1)],
                            scenario_colour(j).filled(),
                        )))
                        .map_err(msg)?;
                }
                let (end, by) = chart.backend_coord(&(p, (y0 + y1) / 2.0));
                root.draw_text(&style::pct_label(p), &value_style, (end + 5, by))
                    .map_err(msg)?;
            }
        }
        if s.rollouts() == 0 {
            style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(50.0, groups as f64 / 2.0)),
            )?;
        }
        Ok(())
    }
}
