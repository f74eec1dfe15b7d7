//! Sweep charts: a metric against one parameter with its 95% band (`sweep-<metric>`), a
//! two-parameter grid as a heatmap (`heatmap-<metric>`), and sensitivity indices with their
//! bootstrap intervals as error bars (`sensitivity-<metric>`).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::PlotError;
use super::style::{self, Chart, Mark, anchored, msg, text_style};
use crate::sweep::Metric;
use crate::sweep::sensitivity::Ci;

/// Height of the title and legend strip above the plot.
const HEADER: u32 = 84;
/// Extra header height for the line that says how to read a censored median.
const CENSOR_NOTE: u32 = 22;

/// The header's height for `metric`: the median's charts carry one more line.
fn header(metric: Metric) -> u32 {
    if metric.is_share() {
        HEADER
    } else {
        HEADER + CENSOR_NOTE
    }
}

/// Under the legend of a median's chart: a rollout that never gets there counts as the horizon
/// + 1, so where fewer than half do, the median plotted is that, not a time anyone took.
fn draw_censor_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    metric: Metric,
) -> Result<(), String> {
    if metric.is_share() {
        return Ok(());
    }
    let (width, _) = root.dim_in_pixel();
    style::draw_note(
        root,
        "a median of horizon + 1 months means fewer than half were well established by the horizon",
        (width as i32 / 2, HEADER as i32 + 2),
    )
}

fn shown(metric: Metric, v: f64) -> f64 {
    if metric.is_share() { 100.0 * v } else { v }
}

fn axis_label(metric: Metric) -> String {
    if metric.is_share() {
        format!("{} (%)", capitalise(metric.label()))
    } else {
        "Median months to well established".into()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A short number for tick labels.
fn tick(v: f64) -> String {
    if v == v.round() && v.abs() < 1e6 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A parameter value as its axis shows it: a boolean's 0 and 1 as `false` and `true`.
fn value_label(v: f64, boolean: bool) -> String {
    match (boolean, v) {
        (true, 0.0) => "false".into(),
        (true, 1.0) => "true".into(),
        _ => tick(v),
    }
}

/// One point of a one-parameter sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePoint {
    /// The parameter's value at this point.
    pub x: f64,
    /// The metric's estimate, in its own unit (a share 0 to 1, or months); a non-finite value
    /// leaves the point out.
    pub estimate: f64,
    /// Lower bound of the 95% interval, in the estimate's unit; the band's lower edge.
    pub ci_low: f64,
    /// Upper bound of the 95% interval, in the estimate's unit; the band's upper edge.
    pub ci_high: f64,
}

/// A metric against one parameter, points sorted by the parameter.
#[derive(Debug, Clone)]
pub struct MetricLine<'a> {
    /// The sweep's name, shown at the start of the title.
    pub title: &'a str,
    /// The swept parameter's path, labelling the x axis.
    pub parameter: &'a str,
    /// The parameter is a boolean (points at 0 and 1): nothing lies between its two values, so
    /// they are two categories, `false` and `true`, each point a dot with its interval as a bar,
    /// with no line or band across values that cannot be set.
    pub boolean: bool,
    /// The metric drawn; shares are shown as percentages on a 0–100 axis.
    pub metric: Metric,
    /// Rollouts per point, quoted in the title.
    pub rollouts: u64,
    /// The points, sorted by `x` so the line and band run left to right.
    pub points: Vec<LinePoint>,
}

impl Chart for MetricLine<'_> {
    const NAME: &'static str = "sweep";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let what = format!("{} by parameter", self.metric.label());
        style::draw_title(root, self.title, &what, self.rollouts, 14)?;
        let line = style::ACCENT;
        let band = style::ACCENT.mix(0.22);
        let mark = if self.boolean {
            Mark::Dot(line.to_rgba())
        } else {
            Mark::Line(line.to_rgba())
        };
        let entries = [
            (mark, self.metric.label()),
            (Mark::Swatch(band), "95% interval"),
        ];
        let (width, _) = root.dim_in_pixel();
        let legend_w = style::legend_row_width(root, &entries)?;
        style::draw_legend_row(root, &entries, (width as i32 - legend_w) / 2, 60)?;
        draw_censor_note(root, self.metric)?;
        let (_, body) = root.split_vertically(header(self.metric));

        let pts: Vec<&LinePoint> = self
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.estimate.is_finite())
            .collect();
        let (mut x0, mut x1) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.x), b.max(p.x))
            });
        if self.boolean {
            (x0, x1) = (-0.5, 1.5);
        } else if x0.partial_cmp(&x1) != Some(std::cmp::Ordering::Less) {
            let c = if x0.is_finite() { x0 } else { 0.0 };
            (x0, x1) = (c - 0.5, c + 0.5);
        }
        let y1 = if self.metric.is_share() {
            100.0
        } else {
            pts.iter()
                .map(|p| shown(self.metric, p.ci_high).max(shown(self.metric, p.estimate)))
                .filter(|v| v.is_finite())
                .fold(1.0, f64::max)
                * 1.08
        };
        let mut chart = style::frame(&body, 36, 72)
            .build_cartesian_2d(x0..x1, 0f64..y1)
            .map_err(msg)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(style::GRID.stroke_width(1))
            .axis_style(style::AXIS.stroke_width(1))
            .x_desc(self.parameter)
            .y_desc(axis_label(self.metric))
            .axis_desc_style(text_style(style::AXIS_DESC_SIZE, &style::TEXT))
            .label_style(text_style(style::LABEL_SIZE, &style::TEXT))
            .x_labels(if self.boolean { 0 } else { 8 })
            .y_labels(11)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(msg)?;
        if self.boolean {
            let labels = anchored(
                &text_style(style::LABEL_SIZE, &style::TEXT),
                HPos::Center,
                VPos::Top,
            );
            for x in [0.0, 1.0] {
                let (px, py) = chart.backend_coord(&(x, 0.0));
                root.draw_text(&value_label(x, true), &labels, (px, py + 6))
                    .map_err(msg)?;
            }
        }
        if pts.is_empty() {
            return style::draw_note(
                root,
                "no points to show",
                chart.backend_coord(&((x0 + x1) / 2.0, y1 / 2.0)),
            );
        }
        let m = self.metric;
        if self.boolean {
            for p in &pts {
                let (lo, hi) = (shown(m, p.ci_low), shown(m, p.ci_high));
                if lo.is_finite() && hi.is_finite() {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(p.x - 0.04, lo), (p.x + 0.04, hi)],
                            band.filled(),
                        )))
                        .map_err(msg)?;
                }
            }
            return chart
                .draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.x, shown(m, p.estimate)), 5, line.filled())),
                )
                .map(|_| ())
                .map_err(msg);
        }
        if pts.len() > 1 {
            let mut outline: Vec<(f64, f64)> =
                pts.iter().map(|p| (p.x, shown(m, p.ci_high))).collect();
            outline.extend(pts.iter().rev().map(|p| (p.x, shown(m, p.ci_low))));
            chart
                .draw_series(std::iter::once(Polygon::new(outline, band.filled())))
                .map_err(msg)?;
        }
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (p.x, shown(m, p.estimate))),
                line.stroke_width(3),
            ))
            .map_err(msg)?;
        if pts.len() <= 40 {
            chart
                .draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.x, shown(m, p.estimate)), 4, line.filled())),
                )
                .map_err(msg)?;
        }
        Ok(())
    }
}

/// A metric over a two-parameter grid: `z[i][j]` at `xs[i]`, `ys[j]`.
#[derive(Debug, Clone)]
pub struct Heatmap<'a> {
    /// The sweep's name, shown at the start of the title.
    pub title: &'a str,
    /// Path of the first parameter, labelling the x axis.
    pub x_name: &'a str,
    /// Path of the second parameter, labelling the y axis.
    pub y_name: &'a str,
    /// Each parameter is a boolean: its columns or rows are labelled `false` and `true`, not 0
    /// and 1.
    pub booleans: [bool; 2],
    /// The metric coloured; shares use a fixed 0–100% scale, the median its own range.
    pub metric: Metric,
    /// Rollouts per point, quoted in the title.
    pub rollouts: u64,
    /// The first parameter's grid values, one column of cells each.
    pub xs: Vec<f64>,
    /// The second parameter's grid values, one row of cells each.
    pub ys: Vec<f64>,
    /// Estimates in the metric's own unit, `z[i][j]` at `xs[i]`, `ys[j]`; non-finite ones are
    /// drawn lightest and labelled "–".
    pub z: Vec<Vec<f64>>,
}

/// A heatmap cell's text: a share to a tenth of a per cent; a median in whole months (it is a
/// rollout's month, `sweep::metrics`, so a decimal would only add a ".0"); "–" for no estimate.
fn cell_label(metric: Metric, v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if metric.is_share() {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// Where `v` (in the metric's shown unit) falls on a heatmap's colour scale from `lo` to `hi`:
/// 0 lightest, 1 darkest. A share is darker where it is higher; the median is darker where it is
/// shorter, so that its map and the well-established map are dark in the same places (one reads
/// "sooner", the other "more often") and a median censored at the horizon is light.
fn shade(metric: Metric, v: f64, lo: f64, hi: f64) -> f64 {
    if metric.is_share() {
        (v - lo) / (hi - lo)
    } else if hi > lo {
        (hi - v) / (hi - lo)
    } else {
        // One median over the whole grid: nothing is sooner, so light.
        0.0
    }
}

/// Light to dark blue for `t` in [0, 1].
fn ramp(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (a, b) = ((0xf2, 0xf6, 0xfb), (0x0b, 0x3c, 0x75));
    let mix = |x: u8, y: u8| (x as f64 + t * (y as f64 - x as f64)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Chart for Heatmap<'_> {
    const NAME: &'static str = "heatmap";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let what = self.metric.label();
        style::draw_title(root, self.title, what, self.rollouts, 14)?;
        let (nx, ny) = (self.xs.len().max(1), self.ys.len().max(1));
        let values: Vec<f64> = self
            .z
            .iter()
            .flatten()
            .map(|v| shown(self.metric, *v))
            .filter(|v| v.is_finite())
            .collect();
        let (lo, hi) = if self.metric.is_share() {
            (0.0, 100.0)
        } else {
            values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(*v), b.max(*v))
                })
        };
        let (light, dark) = if self.metric.is_share() {
            (lo, hi)
        } else {
            (hi, lo)
        };
        let note = if hi > lo || self.metric.is_share() {
            format!(
                "colour: {}, light {} to dark {}",
                axis_label(self.metric).to_lowercase(),
                tick(light),
                tick(dark)
            )
        } else {
            // One value (or none) over the whole grid: no scale to name, and every cell light.
            format!(
                "colour: {}, the same in every cell",
                axis_label(self.metric).to_lowercase()
            )
        };
        let (width, _) = root.dim_in_pixel();
        root.draw_text(
            &note,
            &anchored(
                &text_style(style::LEGEND_SIZE, &style::MUTED_TEXT),
                HPos::Center,
                VPos::Center,
            ),
            (width as i32 / 2, 60),
        )
        .map_err(msg)?;
        draw_censor_note(root, self.metric)?;
        let (_, body) = root.split_vertically(header(self.metric));
        let mut chart = style::frame(&body, 36, 72)
            .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
            .map_err(msg)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(style::AXIS.stroke_width(1))
            .x_desc(self.x_name)
            .y_desc(self.y_name)
            .axis_desc_style(text_style(style::AXIS_DESC_SIZE, &style::TEXT))
            .label_style(text_style(style::LABEL_SIZE, &style::TEXT))
            .x_labels(0)
            .y_labels(0)
            .draw()
            .map_err(msg)?;
        let cell_text = text_style(style::LABEL_SIZE, &style::TEXT);
        for (i, row) in self.z.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let v = shown(self.metric, *v);
                let t = shade(self.metric, v, lo, hi);
                let (x, y) = (i as f64, j as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        ramp(t).filled(),
                    )))
                    .map_err(msg)?;
                if nx * ny <= 144 {
                    let colour = if t > 0.55 { WHITE } else { style::TEXT };
                    let label = cell_label(self.metric, v);
                    let at = chart.backend_coord(&(x + 0.5, y + 0.5));
                    root.draw_text(
                        &label,
                        &anchored(&cell_text, HPos::Center, VPos::Center).color(&colour),
                        at,
                    )
                    .map_err(msg)?;
                }
            }
        }
        let labels = anchored(
            &text_style(style::LABEL_SIZE, &style::TEXT),
            HPos::Center,
            VPos::Top,
        );
        for (i, x) in self.xs.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
            root.draw_text(&value_label(*x, self.booleans[0]), &labels, (px, py + 6))
                .map_err(msg)?;
        }
        let labels = anchored(
            &text_style(style::LABEL_SIZE, &style::TEXT),
            HPos::Right,
            VPos::Center,
        );
        for (j, y) in self.ys.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
            root.draw_text(&value_label(*y, self.booleans[1]), &labels, (px - 6, py))
                .map_err(msg)?;
        }
        Ok(())
    }
}

/// Sensitivity indices of each parameter, one bar per series with its interval.
#[derive(Debug, Clone)]
pub struct IndexBars<'a> {
    /// The sweep's name, shown at the start of the title.
    pub title: &'a str,
    /// The metric whose sensitivity is shown, named in the title.
    pub metric: Metric,
    /// What the value axis measures.
    pub axis: &'a str,
    /// Share (0 to 1) of the output variance that is seed noise, quoted in the legend so a reader
    /// can tell whether the indices rise above it; NaN where it is not defined.
    pub noise_share: f64,
    /// Parameter paths, one group of bars each, drawn top down in sweep order.
    pub names: Vec<String>,
    /// Each series' legend label (such as "first order" and "total") and its index per
    /// parameter, in `names` order; at most two colours, cycled.
    pub series: Vec<(&'a str, Vec<Ci>)>,
}

const SERIES_COLOURS: [RGBColor; 2] = [style::ACCENT, RGBColor(0xe0, 0x8a, 0x1e)];

impl Chart for IndexBars<'_> {
    const NAME: &'static str = "sensitivity";

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (width, _) = root.dim_in_pixel();
        let what = format!("sensitivity of {}", self.metric.label());
        let (title, size) =
            style::fitted_title(root, self.title, &what, 0, width.saturating_sub(40))?;
        // The rollout count is not what this chart is about: drop "(0 rollouts)".
        let title = title.trim_end_matches(" (0 rollouts)").to_string();
        root.draw_text(
            &title,
            &anchored(&text_style(size, &style::TEXT), HPos::Center, VPos::Top),
            (width as i32 / 2, 14),
        )
        .map_err(msg)?;
        let entries: Vec<(Mark, &str)> = self
            .series
            .iter()
            .zip(SERIES_COLOURS.iter().cycle())
            .map(|((label, _), c)| (Mark::Swatch(c.to_rgba()), *label))
            .collect();
        // Undefined when the output does not vary (0/0) or some point has no value (a median
        // no rollout reached); the axis title says which.
        let noise = if self.noise_share.is_nan() {
            "seed noise: not defined".to_string()
        } else {
            format!(
                "seed noise: {:.0}% of output variance",
                100.0 * self.noise_share
            )
        };
        let mut all = entries.clone();
        all.push((Mark::Line(TRANSPARENT), noise.as_str()));
        let legend_w = style::legend_row_width(root, &all)?;
        style::draw_legend_row(root, &all, (width as i32 - legend_w) / 2, 60)?;
        let (_, body) = root.split_vertically(HEADER);

        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let lo = self
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().map(|c| finite(c.ci_low).min(finite(c.estimate))))
            .fold(0.0, f64::min);
        let hi = self
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().map(|c| finite(c.ci_high).max(finite(c.estimate))))
            .fold(0.0, f64::max);
        let hi = if hi > lo { hi * 1.08 } else { lo + 1.0 };
        let n = self.names.len().max(1);
        let label_style = text_style(14.0, &style::TEXT);
        let widest = self
            .names
            .iter()
            .map(|s| root.estimate_text_size(s, &label_style).map(|(w, _)| w))
            .collect::<Result<Vec<_>, _>>()
            .map_err(msg)?
            .into_iter()
            .max()
            .unwrap_or(0);
        let mut chart = style::frame(&body, 36, (widest + 16).min(width / 2))
            .build_cartesian_2d(lo..hi, 0f64..n as f64)
            .map_err(msg)?;
        let ticks = |v: &f64| tick(*v);
        let mut mesh = chart.configure_mesh();
        style::bar_axes(&mut mesh, self.axis, 8);
        mesh.x_label_formatter(&ticks).draw().map_err(msg)?;
        let k = self.series.len().max(1) as f64;
        let band = 0.8 / k;
        for (s, ((_, cis), colour)) in self
            .series
            .iter()
            .zip(SERIES_COLOURS.iter().cycle())
            .enumerate()
        {
            for (p, ci) in cis.iter().enumerate() {
                // Parameters from the top down, in sweep order.
                let y0 = (n - 1 - p) as f64 + 0.1 + band * (k - 1.0 - s as f64);
                let (ya, yb) = (y0 + 0.1 * band, y0 + 0.9 * band);
                let e = finite(ci.estimate);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0f64.min(e), ya), (0.0f64.max(e), yb)],
                        colour.filled(),
                    )))
                    .map_err(msg)?;
                if ci.ci_low.is_finite() && ci.ci_high.is_finite() {
                    let ym = (ya + yb) / 2.0;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(ci.ci_low, ym), (ci.ci_high, ym)],
                            style::TEXT.stroke_width(2),
                        )))
                        .map_err(msg)?;
                    for x in [ci.ci_low, ci.ci_high] {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(x, ya), (x, yb)],
                                style::TEXT.stroke_width(2),
                            )))
                            .map_err(msg)?;
                    }
                }
            }
        }
        let labels = anchored(&label_style, HPos::Right, VPos::Center);
        for (p, name) in self.names.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(lo, (n - 1 - p) as f64 + 0.5));
            root.draw_text(name, &labels, (px - 8, py)).map_err(msg)?;
        }
        Ok(())
    }
}

/// Writes a one-parameter sweep chart as `<name>.svg` and `.png`.
pub fn write_line(dir: &Path, name: &str, chart: &MetricLine) -> Result<(), PlotError> {
    style::render_as(dir, name, chart)
}

/// Writes a heatmap as `<name>.svg` and `.png`.
pub fn write_heatmap(dir: &Path, name: &str, chart: &Heatmap) -> Result<(), PlotError> {
    style::render_as(dir, name, chart)
}

/// Writes a sensitivity chart as `<name>.svg` and `.png`.
pub fn write_indices(dir: &Path, name: &str, chart: &IndexBars) -> Result<(), PlotError> {
    style::render_as(dir, name, chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_whole_months_and_tenths_of_a_per_cent() {
        let median = Metric::MedianMonthsToWellEstablished;
        assert_eq!(cell_label(median, 73.0), "73");
        assert_eq!(cell_label(median, f64::NAN), "–");
        assert_eq!(cell_label(Metric::WellEstablished, 62.0), "62.0");
    }

    #[test]
    fn darker_is_more_often_for_a_share_and_sooner_for_the_median() {
        let median = Metric::MedianMonthsToWellEstablished;
        assert_eq!(shade(median, 63.0, 63.0, 73.0), 1.0);
        assert_eq!(shade(median, 73.0, 63.0, 73.0), 0.0);
        assert_eq!(shade(Metric::WellEstablished, 100.0, 0.0, 100.0), 1.0);
        assert_eq!(shade(Metric::Folded, 0.0, 0.0, 100.0), 0.0);
        // Every cell censored at 73: light, not the darkest.
        assert_eq!(shade(median, 73.0, 73.0, 73.0), 0.0);
        assert_eq!(shade(median, 72.0, 72.0, 73.0), 1.0);
    }
}
