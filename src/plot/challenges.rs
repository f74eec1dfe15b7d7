//! `challenges`: share of rollouts meeting each challenge at least once, as horizontal bars
//! ranked largest first, each with its percentage.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{self, Chart, msg, pct, text_style};
use crate::stats::Summary;

/// The `challenges` chart of one run, drawn from its summary (`challenges.svg` and `.png`).
pub struct Challenges<'a>(pub &'a Summary);

/// Height of the title strip.
const HEADER: u32 = 56;
/// Share of a bar's slot left empty, split above and below.
const GAP: f64 = 0.32;

/// Human-readable name of a challenge key.
pub fn challenge_label(key: &str) -> String {
    match key {
        "fiscal" => "fiscal resources".to_string(),
        "roles" => "roles and responsibilities".to_string(),
        "competing_priorities" => "competing priorities".to_string(),
        "non_fiscal_resources" => "non-fiscal resources".to_string(),
        "communication" => "communication".to_string(),
        "cultures" => "professional and agency cultures".to_string(),
        "management" => "management".to_string(),
        other => other.replace('_', " "),
    }
}

/// (label, percentage) largest first; ties keep the model's order.
pub(super) fn ranked(s: &Summary) -> Vec<(String, f64)> {
    let mut rows: Vec<(String, f64)> = s
        .challenges
        .0
        .iter()
        .map(|(k, v)| (challenge_label(k), pct(*v)))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows
}

impl Chart for Challenges<'_> {
    const NAME: &'static str = "challenges";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let s = self.0;
        style::draw_title(
            root,
            &s.scenario,
            "challenges met at least once",
            s.rollouts,
            14,
        )?;

        let rows = ranked(s);
        let n = rows.len().max(1);
        let category = text_style(style::AXIS_DESC_SIZE, &style::TEXT);
        let mut label_w = 0;
        for (label, _) in &rows {
            let (w, _) = root.estimate_text_size(label, &category).map_err(msg)?;
            label_w = label_w.max(w);
        }

        let (_, body) = root.split_vertically(HEADER);
        let mut chart = style::frame(&body, 40, label_w + 18)
            .build_cartesian_2d(0f64..100f64, 0f64..n as f64)
            .map_err(msg)?;
        style::percent_bar_axes(&mut chart, style::CHALLENGE_SHARE)?;

        let (xr, _) = chart.plotting_area().get_pixel_range();
        let name_style = style::anchored(&category, HPos::Right, VPos::Center);
        let outside = style::anchored(
            &text_style(style::LABEL_SIZE, &style::TEXT),
            HPos::Left,
            VPos::Center,
        );
        let inside = style::anchored(
            &text_style(style::LABEL_SIZE, &WHITE),
            HPos::Right,
            VPos::Center,
        );
        for (rank, (label, p)) in rows.iter().enumerate() {
            let slot = (n - 1 - rank) as f64;
            let (y0, y1) = (slot + GAP / 2.0, slot + 1.0 - GAP / 2.0);
            let (_, cy) = chart.backend_coord(&(0.0, slot + 0.5));
            root.draw_text(label, &name_style, (xr.start - 10, cy))
                .map_err(msg)?;
            if *p > 0.0 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0), (*p, y1)],
                        style::ACCENT.filled(),
                    )))
                    .map_err(msg)?;
            }
            let value = style::pct_label(*p);
            let (end, _) = chart.backend_coord(&(*p, slot + 0.5));
            let (value_w, _) = root.estimate_text_size(&value, &outside).map_err(msg)?;
            if end + 6 + value_w as i32 > xr.end + 36 {
                root.draw_text(&value, &inside, (end - 6, cy))
                    .map_err(msg)?;
            } else {
                root.draw_text(&value, &outside, (end + 6, cy))
                    .map_err(msg)?;
            }
        }
        if rows.is_empty() {
            style::draw_note(
                root,
                "no challenges to show",
                chart.backend_coord(&(50.0, 0.5)),
            )?;
        } else if s.rollouts == 0 {
            style::draw_note(
                root,
                "no rollouts were run",
                chart.backend_coord(&(50.0, n as f64 / 2.0)),
            )?;
        }
        Ok(())
    }
}
