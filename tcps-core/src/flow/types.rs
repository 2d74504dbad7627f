//! The enumerations of flow.md 2 and [`PerBucket`], a value for each of
//! the six buckets in canonical order.

use std::fmt;
use std::ops::{Index, IndexMut};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Declares a `snake_case` enumeration with `ALL`, `as_str`, `Display` and
/// an exact `FromStr` whose failure is built by `$err`.
macro_rules! names {
    (
        $(#[$doc:meta])*
        $name:ident, $err:expr, {
            $( $(#[$vdoc:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in the order of the spec's table.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The `snake_case` name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text ),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// The exact `snake_case` name; anything else is refused.
            fn from_str(text: &str) -> Result<Self> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    _ => Err(($err)(text)),
                }
            }
        }
    };
}

fn bad_field(field: &'static str) -> impl Fn(&str) -> Error {
    move |text| Error::InvalidField {
        field: field.to_owned(),
        reason: format!(
            "`{}` is not a {}",
            text.escape_debug(),
            field.replace('_', " ")
        ),
    }
}

names!(
    /// The six buckets of flow.md 2.1, in canonical (rotation) order.
    Bucket, |text: &str| Error::InvalidBucket { value: text.to_owned() }, {
        /// Defects, outages, refunds.
        Reliability => "reliability",
        /// Advisories, vulnerabilities.
        Security => "security",
        /// Performance and cost work.
        Cost => "cost",
        /// Licences, audits, policy.
        Compliance => "compliance",
        /// New capability, installs.
        Features => "features",
        /// Refactoring, clean-up.
        TechnicalDebt => "technical_debt",
    }
);

impl Bucket {
    /// The rotation index, 0 for reliability to 5 for `technical_debt`.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The bucket at rotation index `i` (taken modulo 6).
    #[must_use]
    pub fn from_index(i: usize) -> Self {
        Self::ALL[i % 6]
    }

    /// The bucket after this one in rotation order, wrapping.
    #[must_use]
    pub fn next(self) -> Self {
        Self::from_index(self.index() + 1)
    }

    /// Parses a bucket name as routing metadata does (flow.md 2.1):
    /// trimmed, ASCII letters lower-cased; the error keeps the value as
    /// given.
    pub fn parse_lenient(text: &str) -> Result<Self> {
        normalise(text).parse().map_err(|_| Error::InvalidBucket {
            value: text.to_owned(),
        })
    }
}

names!(
    /// The kind of a pull signal (flow.md 2.2).
    SignalKind, bad_field("signal_kind"), {
        /// A GitHub issue.
        GithubIssue => "github_issue",
        /// A GitHub pull request.
        GithubPr => "github_pr",
        /// A security advisory (CVE, GHSA, OSV, RUSTSEC, ...).
        Cve => "cve",
        /// A marketplace installation.
        MarketplaceInstall => "marketplace_install",
        /// A marketplace refund.
        MarketplaceRefund => "marketplace_refund",
        /// A request from inside the organisation.
        InternalRequest => "internal_request",
    }
);

impl SignalKind {
    /// The position in flow.md 2.2, the order validation visits kinds in.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

names!(
    /// The status of a work order (flow.md 2.3).
    Status, bad_field("status"), {
        /// Waiting in its bucket queue, can start.
        Queued => "queued",
        /// Waiting for dependencies.
        Blocked => "blocked",
        /// Started, holds a WIP slot.
        InProgress => "in_progress",
        /// Finished with a released or published SKU.
        Completed => "completed",
        /// Abandoned with a reason.
        Cancelled => "cancelled",
    }
);

impl Status {
    /// `queued`, `blocked` or `in_progress`.
    #[must_use]
    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Blocked | Self::InProgress)
    }

    /// `completed` or `cancelled`: nothing changes the work order again.
    #[must_use]
    pub fn is_terminal(self) -> bool {
        !self.is_open()
    }
}

names!(
    /// A coarse progress marker of a work order (flow.md 2.4).
    WoStage, |text: &str| Error::InvalidStage { value: text.to_owned() }, {
        /// Gathering requirements.
        Requirements => "requirements",
        /// Designing.
        Design => "design",
        /// Implementing.
        Implementation => "implementation",
        /// Testing.
        Testing => "testing",
        /// Integrating.
        Integration => "integration",
        /// Deploying.
        Deployment => "deployment",
        /// Published.
        Published => "published",
    }
);

names!(
    /// Where a work order stands against its SLA (flow.md 2.5).
    SlaStatus, bad_field("sla_status"), {
        /// The work order has no deadline.
        NoSla => "no_sla",
        /// Open, deadline not near.
        OnTime => "on_time",
        /// Open, less than 25 % of its SLA left.
        Warning => "warning",
        /// Open, at or past its deadline.
        Breached => "breached",
        /// Completed before its deadline.
        Met => "met",
        /// Completed at or after its deadline.
        Missed => "missed",
        /// Cancelled (and it had a deadline).
        NotApplicable => "not_applicable",
    }
);

names!(
    /// The SLA outcome fixed at completion (flow.md 12).
    SlaOutcome, bad_field("sla_outcome"), {
        /// Completed before the deadline.
        Met => "met",
        /// Completed at or after the deadline.
        Missed => "missed",
    }
);

names!(
    /// How a bucket's WIP limit applies (flow.md 9.1).
    WipMode, bad_field("wip_mode"), {
        /// Starts beyond the limit are refused (but for the expedite lane).
        Hard => "hard",
        /// Starts beyond the limit go on and are recorded as breaches.
        Soft => "soft",
        /// No limit.
        Unlimited => "unlimited",
    }
);

names!(
    /// The leveling strategy of `next` (flow.md 11.2).
    Strategy, bad_field("leveling"), {
        /// Highest priority first.
        Priority => "priority",
        /// One bucket after the other.
        RoundRobin => "round_robin",
        /// Smooth weighted round robin.
        Weighted => "weighted",
    }
);

names!(
    /// How a start was decided: the strategy of `next`, or `direct` and
    /// `dequeue` (flow.md 11.3).
    DecisionStrategy, bad_field("strategy"), {
        /// A direct `start`.
        Direct => "direct",
        /// A `dequeue` of one bucket.
        Dequeue => "dequeue",
        /// `next` under the priority strategy.
        Priority => "priority",
        /// `next` under round robin.
        RoundRobin => "round_robin",
        /// `next` under weighted leveling.
        Weighted => "weighted",
    }
);

impl From<Strategy> for DecisionStrategy {
    fn from(s: Strategy) -> Self {
        match s {
            Strategy::Priority => Self::Priority,
            Strategy::RoundRobin => Self::RoundRobin,
            Strategy::Weighted => Self::Weighted,
        }
    }
}

names!(
    /// Why a bucket offered no eligible head to `next` (flow.md 11.1).
    SkipReason, bad_field("skip_reason"), {
        /// No entry at all.
        Empty => "empty",
        /// Blocked entries only.
        OnlyBlocked => "only_blocked",
        /// A stopping andon covers the head.
        LineStopped => "line_stopped",
        /// The WIP rule refuses the head.
        WipLimit => "wip_limit",
    }
);

names!(
    /// Why an open work order is not in progress (flow.md 13.1).
    WaitingReason, bad_field("waiting_reason"), {
        /// A stopping andon covers it.
        LineStopped => "line_stopped",
        /// Its bucket's WIP rule would refuse it.
        WipLimit => "wip_limit",
        /// It could start now.
        Ready => "ready",
        /// It waits for unfinished dependencies.
        Dependencies => "dependencies",
    }
);

names!(
    /// The status of a SKU (flow.md 14.1).
    SkuStatus, bad_field("sku_status"), {
        /// Walking the stages.
        InProduction => "in_production",
        /// Released after the last stage.
        Released => "released",
        /// Published.
        Published => "published",
        /// Abandoned.
        Aborted => "aborted",
    }
);

names!(
    /// The severity of an advisory (flow.md 2.6, the ratings of
    /// quality.md 8.12).
    Severity, bad_field("severity"), {
        /// Critical.
        Critical => "critical",
        /// High.
        High => "high",
        /// Medium.
        Medium => "medium",
        /// Low.
        Low => "low",
        /// Rated, but no severity.
        None => "none",
        /// Not rated.
        Unknown => "unknown",
    }
);

names!(
    /// Whether a GitHub item is still open (flow.md 2.6).
    SignalState, bad_field("state"), {
        /// Open.
        Open => "open",
        /// Closed (for a pull request: merged or not).
        Closed => "closed",
    }
);

// The enumerations come from one macro whose derive list has no Default.
#[allow(clippy::derivable_impls)]
impl Default for SignalState {
    fn default() -> Self {
        Self::Open
    }
}

names!(
    /// What completed a work order (flow.md 15.1).
    CompletionTrigger, bad_field("trigger"), {
        /// `complete(wo, sku)`.
        Complete => "complete",
        /// The publication of one of its SKUs.
        Publish => "publish",
    }
);

/// `s` trimmed (Unicode white space) with its ASCII letters lower-cased
/// (flow.md 4.6).
#[must_use]
pub fn normalise(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// Whether `s` has a character left after trimming white space.
#[must_use]
pub fn is_non_empty_text(s: &str) -> bool {
    !s.trim().is_empty()
}

/// One value per bucket, in canonical order; serialises as an object
/// with the six bucket names as members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct PerBucket<T> {
    /// reliability.
    pub reliability: T,
    /// security.
    pub security: T,
    /// cost.
    pub cost: T,
    /// compliance.
    pub compliance: T,
    /// features.
    pub features: T,
    /// `technical_debt`.
    pub technical_debt: T,
}

impl<T> PerBucket<T> {
    /// Builds each value from its bucket, in canonical order.
    pub fn from_fn(mut f: impl FnMut(Bucket) -> T) -> Self {
        Self {
            reliability: f(Bucket::Reliability),
            security: f(Bucket::Security),
            cost: f(Bucket::Cost),
            compliance: f(Bucket::Compliance),
            features: f(Bucket::Features),
            technical_debt: f(Bucket::TechnicalDebt),
        }
    }

    /// `(bucket, value)` pairs in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (Bucket, &T)> {
        Bucket::ALL.iter().map(move |b| (*b, &self[*b]))
    }

    /// Applies `f` to every value.
    pub fn map<U>(&self, mut f: impl FnMut(Bucket, &T) -> U) -> PerBucket<U> {
        PerBucket::from_fn(|b| f(b, &self[b]))
    }
}

impl<T> Index<Bucket> for PerBucket<T> {
    type Output = T;

    fn index(&self, b: Bucket) -> &T {
        match b {
            Bucket::Reliability => &self.reliability,
            Bucket::Security => &self.security,
            Bucket::Cost => &self.cost,
            Bucket::Compliance => &self.compliance,
            Bucket::Features => &self.features,
            Bucket::TechnicalDebt => &self.technical_debt,
        }
    }
}

impl<T> IndexMut<Bucket> for PerBucket<T> {
    fn index_mut(&mut self, b: Bucket) -> &mut T {
        match b {
            Bucket::Reliability => &mut self.reliability,
            Bucket::Security => &mut self.security,
            Bucket::Cost => &mut self.cost,
            Bucket::Compliance => &mut self.compliance,
            Bucket::Features => &mut self.features,
            Bucket::TechnicalDebt => &mut self.technical_debt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_parse_leniently_in_metadata_only() {
        assert_eq!(
            Bucket::parse_lenient(" Security ").ok(),
            Some(Bucket::Security)
        );
        assert!(" Security ".parse::<Bucket>().is_err());
        assert_eq!(
            Bucket::parse_lenient("foo"),
            Err(Error::InvalidBucket {
                value: "foo".into()
            })
        );
    }

    #[test]
    fn rotation_wraps_after_technical_debt() {
        assert_eq!(Bucket::TechnicalDebt.next(), Bucket::Reliability);
        assert_eq!(Bucket::from_index(2), Bucket::Cost);
    }
}
