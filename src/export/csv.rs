//! CSV outputs: plain RFC 4180 with a header row; numbers in shortest round-trip form.

use std::fmt::Write;

use crate::model::Stage;
use crate::stats::Summary;

/// `stages.csv`: the share of rollouts in each stage at the end of each month, with Wilson 95%
/// intervals. Month 0 is the start.
pub fn stages(summary: &Summary) -> String {
    let mut out = String::from("month,stage,share,ci_low,ci_high\n");
    for (month, row) in summary.stages_by_month.iter().enumerate() {
        for stage in Stage::ALL {
            let i = row[stage.index()];
            writeln!(
                out,
                "{month},{},{},{},{}",
                stage.key(),
                i.share,
                i.ci_low,
                i.ci_high
            )
            .expect("write to string");
        }
    }
    out
}

/// `established.csv`: the cumulative share well established by the end of each month.
pub fn established(summary: &Summary) -> String {
    let mut out = String::from("month,share,ci_low,ci_high\n");
    for (month, i) in summary.established_by_month.iter().enumerate() {
        writeln!(out, "{month},{},{},{}", i.share, i.ci_low, i.ci_high).expect("write to string");
    }
    out
}
