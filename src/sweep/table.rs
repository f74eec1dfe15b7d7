//! `points.csv`: one row per point, in point order.
//!
//! Columns: `point`, `seed`, one column per parameter (named by its path, holding the value as
//! applied: integers and booleans as such), then for each metric `<metric>_estimate`,
//! `<metric>_ci_low`, `<metric>_ci_high` (95%) and `<metric>_noise_var` (seed-noise variance of
//! the estimate, from replicate groups). Numbers are written in Rust's shortest round-trip form,
//! so equal results give equal bytes.

use super::metrics::Measured;
use super::plan::Point;
use super::spec::Metric;

/// The header line (with its newline).
pub fn header(parameters: &[String], metrics: &[Metric]) -> String {
    let mut cols = vec!["point".to_string(), "seed".to_string()];
    cols.extend(parameters.iter().cloned());
    for m in metrics {
        for suffix in ["estimate", "ci_low", "ci_high", "noise_var"] {
            cols.push(format!("{}_{suffix}", m.key()));
        }
    }
    let mut line = cols.join(",");
    line.push('\n');
    line
}

/// The row of one point (with its newline).
pub fn row(point: &Point, measured: &[Measured]) -> String {
    let mut cols = vec![point.index.to_string(), point.seed.to_string()];
    cols.extend(point.values.iter().map(|v| v.to_string()));
    for m in measured {
        for x in [m.estimate, m.ci_low, m.ci_high, m.noise_var] {
            cols.push(format!("{x}"));
        }
    }
    let mut line = cols.join(",");
    line.push('\n');
    line
}

/// The point index of a row, if the row starts with one.
pub fn row_index(line: &str) -> Option<u64> {
    line.split(',').next()?.parse().ok()
}

/// The numbers of a finished `points.csv`, column by column, for sensitivity and charts.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// Parameter paths, in the sweep file's order: `values[k]` belongs to `parameters[k]`.
    pub parameters: Vec<String>,
    /// Parameter values per point (booleans as 0 and 1), `values[k][i]` for parameter k.
    pub values: Vec<Vec<f64>>,
    /// Parameter k's values are booleans (written `true`/`false`): Morris effects then divide by
    /// the flip, not by a share of the swept range.
    pub booleans: Vec<bool>,
    /// Per metric: estimate, ci_low, ci_high and noise variance of each point.
    pub metrics: Vec<(Metric, [Vec<f64>; 4])>,
}

fn number(text: &str) -> Option<f64> {
    match text {
        "true" => Some(1.0),
        "false" => Some(0.0),
        t => t.parse().ok(),
    }
}

/// Reads the text of a `points.csv` written for `metrics` and `parameters`.
pub fn columns(text: &str, parameters: &[String], metrics: &[Metric]) -> Result<Columns, String> {
    let mut lines = text.lines();
    let head = lines.next().unwrap_or_default();
    if format!("{head}\n") != header(parameters, metrics) {
        return Err("its header does not match the sweep file".into());
    }
    let d = parameters.len();
    let mut out = Columns {
        parameters: parameters.to_vec(),
        values: vec![Vec::new(); d],
        booleans: vec![false; d],
        metrics: metrics
            .iter()
            .map(|m| (*m, std::array::from_fn(|_| Vec::new())))
            .collect(),
    };
    for (n, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != 2 + d + 4 * metrics.len() {
            return Err(format!("row {} has {} columns", n + 1, fields.len()));
        }
        for k in 0..d {
            out.booleans[k] |= matches!(fields[2 + k], "true" | "false");
            out.values[k]
                .push(number(fields[2 + k]).ok_or_else(|| {
                    format!("row {}: `{}` is not a number", n + 1, fields[2 + k])
                })?);
        }
        for (j, (_, cols)) in out.metrics.iter_mut().enumerate() {
            for (c, col) in cols.iter_mut().enumerate() {
                let f = fields[2 + d + 4 * j + c];
                col.push(number(f).ok_or_else(|| format!("row {}: `{f}` is not a number", n + 1))?);
            }
        }
    }
    Ok(out)
}
