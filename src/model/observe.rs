//! What the model reports as it runs. A plain run uses `()`, which ignores everything and
//! compiles away; `partnersim trace` uses an observer that writes each event.

use super::kinds::{ChallengeKind, FoldCause, Level, Stage};
use super::{Setup, State};

/// Something that happened in a month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A post holder left.
    Departure {
        /// Index of the agency, in name order.
        agency: u8,
        /// Index of the post in the [`Setup`] post arrays (initiative-wide, not per agency).
        post: u8,
        /// Level of the post.
        level: Level,
        /// A key post: the trust lost is weighted by `key_weight`, and before establishment the
        /// departure is followed by a [`Event::Setback`].
        key: bool,
    },
    /// A vacant post was filled.
    Appointment {
        /// Index of the agency, in name order.
        agency: u8,
        /// Index of the post in the [`Setup`] post arrays (initiative-wide, not per agency).
        post: u8,
        /// Level of the post.
        level: Level,
        /// A key post.
        key: bool,
        /// The newcomer has worked in more than one agency and starts with
        /// `hybrid_understanding` rather than `newcomer_understanding`.
        hybrid: bool,
    },
    /// A stream was renewed for another term.
    FundingRenewed {
        /// Index of the stream, in name order.
        stream: u8,
    },
    /// A stream moved into the base budget.
    FundingMainstreamed {
        /// Index of the stream, in name order.
        stream: u8,
    },
    /// A stream ended.
    FundingEnded {
        /// Index of the stream, in name order.
        stream: u8,
    },
    /// A stream started.
    FundingStarted {
        /// Index of the stream, in name order.
        stream: u8,
    },
    /// A local-government reorganisation.
    Reorganisation,
    /// A challenge arose.
    ChallengeRaised {
        /// Which of the seven challenges.
        kind: ChallengeKind,
        /// Index of the agency that feels it (name order); its unresolved issues rise.
        agency: u8,
        /// Level at which the kind is felt ([`ChallengeKind::level`]).
        level: Level,
        /// Severity of the episode, 0..1: `min(1, severity · (½ + driver))`.
        severity: f64,
    },
    /// A challenge was resolved.
    ChallengeResolved {
        /// Which of the seven challenges.
        kind: ChallengeKind,
        /// Index of the agency that felt it (name order); its unresolved issues fall.
        agency: u8,
    },
    /// The initiative moved to a later stage.
    Advanced {
        /// The stage it moved to.
        to: Stage,
    },
    /// The initiative fell back a stage (or lost progress, when `to` is unchanged).
    Setback {
        /// The stage after the setback.
        to: Stage,
        /// What caused it.
        cause: SetbackCause,
    },
    /// The initiative folded.
    Folded {
        /// Which floor was breached for too long.
        cause: FoldCause,
    },
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
