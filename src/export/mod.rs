//! File formats, one file each. Each function returns bytes so that formats are snapshot-tested
//! without touching the disk.

pub mod csv;
pub mod json;
