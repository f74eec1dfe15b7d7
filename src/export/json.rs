//! JSON outputs.

use crate::stats::Summary;

/// `summary.json`: pretty-printed, newline-terminated, stable key order.
pub fn summary(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("a summary serialises");
    text.push('\n');
    text
}
