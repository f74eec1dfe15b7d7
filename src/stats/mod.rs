//! Statistics, apart from reporting: online aggregation of rollouts and interval estimates.

pub mod aggregate;
pub mod interval;
pub mod paired;
pub mod summary;

pub use aggregate::Aggregate;
pub use interval::{Interval, wilson};
pub use summary::Summary;
