//! What the model reports as it runs. A plain run uses `()`, which ignores everything and
//! compiles away; `partnersim trace` uses an observer that writes each event.

use super::kinds::{ChallengeKind, FoldCause, Level, Stage};
use super::{Setup, State};

/// Something that happened in a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A post holder left.
    Departure {
        agency: u8,
        post: u8,
        level: Level,
        key: bool,
    },
    /// A vacant post was filled.
    Appointment {
        agency: u8,
        post: u8,
        level: Level,
        key: bool,
        hybrid: bool,
    },
    /// A stream was renewed for another term.
    FundingRenewed { stream: u8 },
    /// A stream moved into the base budget.
    FundingMainstreamed { stream: u8 },
    /// A stream ended.
    FundingEnded { stream: u8 },
    /// A stream started.
    FundingStarted { stream: u8 },
    /// A local-government reorganisation.
    Reorganisation,
    /// A challenge arose.
    ChallengeRaised {
        kind: ChallengeKind,
        agency: u8,
        level: Level,
        severity: f64,
    },
    /// A challenge was resolved.
    ChallengeResolved { kind: ChallengeKind, agency: u8 },
    /// The initiative moved to a later stage.
    Advanced { to: Stage },
    /// The initiative fell back a stage (or lost progress, when `to` is unchanged).
    Setback { to: Stage, cause: SetbackCause },
    /// The initiative folded.
    Folded { cause: FoldCause },
}

/// Why a setback happened (MODEL.md §3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetbackCause {
    /// A key person left before establishment.
    KeyPersonLost,
    /// Funding fell below the cliff level during delivery.
    FundingCliff,
}

impl SetbackCause {
    /// Stable key for outputs.
    pub fn key(self) -> &'static str {
        match self {
            SetbackCause::KeyPersonLost => "key_person_lost",
            SetbackCause::FundingCliff => "funding_cliff",
        }
    }
}

/// Receives events and end-of-month state. Both methods default to doing nothing.
pub trait Observer {
    /// Called when something happens during month `month`.
    #[inline]
    fn event(&mut self, _month: u32, _event: Event) {}
    /// Called after each month's step.
    #[inline]
    fn month_end(&mut self, _setup: &Setup, _state: &State) {}
}

impl Observer for () {}
