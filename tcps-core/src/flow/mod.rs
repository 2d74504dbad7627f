//! Flow: pull signals, work orders, queues, WIP, leveling, SLA, SKUs
//! (flow.md).
//!
//! Demand enters as a [`Signal`], is routed into a bucket with a priority
//! and becomes a [`WorkOrder`] in its bucket's queue. Work is pulled under
//! the WIP limits (`start`, `dequeue`, `next` with its heijunka strategy)
//! and built as [`Sku`]s that walk the stages of the line.
//!
//! Every mutating operation is a method of [`Line`]: it checks `now`,
//! then the checks of its flow.md section in order, and either fails
//! having changed nothing or appends the receipts of flow.md 15. The
//! state changes only in `apply`, which replay runs too.
//!
//! # Choices where flow.md is silent
//!
//! - Lookups (`work_order`, `sku`) return `not_found` for an unknown id,
//!   as flow.md 13.3 says; `work_orders` and `skus` list by filter.
//! - `WorkOrderView::receipts` scans the log (a journaled line reads its
//!   file back): it is a view for people, and an index of every receipt
//!   that names a work order would cost memory on every open one.
//! - `queue_position` in a view counts the entries before it; the
//!   position in `work_order.created` comes from per-priority counts.
//! - `report` and `metrics` take `now` as flow.md 13.2 writes them; the
//!   figures "as of now" are the line's current state, so a `now` in the
//!   past does not roll the state back.
//! - [`level`] weighs buckets by the default weights of flow.md 3.1 (its
//!   worked example F-51 does); [`Line::level`] by the line's own.
//! - [`signals_from_osv`] reads `summary` and `details` with `serde_json`
//!   (OSV records may hold floats the receipt reader refuses); a record
//!   nested deeper than its 128 levels keeps its id as description.
//!   [`Signal::from_osv`] alone has no text and uses the id.
//! - An item of GitHub JSON without `html_url` fails the whole call with
//!   `missing_field {items[i].html_url}`; the CLI reports each refused
//!   signal of a file and goes on with the next.
//!
//! # Indexes
//!
//! Queues are ordered maps keyed by an order key (see `queue`), so `next`
//! reads six heads in logarithmic time; deadlines are kept per SLA length
//! so breach and warning scans read only what they report; reports read
//! 16-byte briefs per work order and the completion and cancellation
//! logs, which are in time order because receipts are.

mod apply;
mod config;
mod deps;
mod leveling;
mod lifecycle;
mod queue;
mod receipts;
mod routing;
mod signal;
mod sku;
mod sla;
mod state;
mod types;
mod view;
mod wip;
mod work_order;

pub use config::{
    BucketConfig, BucketRule, FlowConfig, KindRules, MAX_SLA_HOURS, PriorityRule, RoutingConfig,
    STANDARD_STAGES,
};
pub use deps::{DependencyEntry, DependencyView};
pub use leveling::{
    BucketCounter, Decision, Head, LevelItem, Next, ScheduleItem, Score, Skipped, SplitMix64,
    bucket_allocation_for, level, level_by, leveling_score, optimize,
};
pub use lifecycle::Intake;
pub use routing::{Route, prioritize, route};
pub use signal::{Signal, dedup_keys};
#[cfg(feature = "ingest")]
pub use signal::{signals_from_github, signals_from_osv};
pub use sku::{ProductionMetrics, ReceiptCompleteness, SkuFilter, StageCount};
pub use sla::{SlaBreach, SlaView, SlaWarning, sla_status_of, sla_view_of};
pub use state::FlowState;
pub use types::{
    Bucket, CompletionTrigger, DecisionStrategy, PerBucket, Severity, SignalKind, SignalState,
    SkipReason, SkuStatus, SlaOutcome, SlaStatus, Status, Strategy, WaitingReason, WipMode,
    WoStage, normalise,
};
pub use view::{
    CreatedCounts, FlowMetrics, FlowReport, LeadTime, Period, QueueEntry, SlaAttainment,
    StatusCounts, Throughput, TopOpen, Waiting, WorkOrderFilter, WorkOrderView,
};
pub use wip::{BucketWip, WipStatus};
pub use work_order::{Sku, SkuStageEntry, StageEntry, WorkOrder};

pub(crate) use apply::apply;
pub(crate) use sla::{set_sla_andon, unswept_due};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::line::Line;

/// Refuses a configuration change that removes a stage at which an
/// `in_production` SKU stands (flow.md 3.4, reason `stage in use`).
pub(crate) fn check_config_change(line: &Line, new: &Config) -> Result<()> {
    for s in &line.flow.skus {
        if s.status == SkuStatus::InProduction && !new.flow.stages.contains(&s.stage) {
            return Err(Error::config("stages", "stage in use"));
        }
    }
    Ok(())
}

/// Adjusts state after a configuration receipt was applied: a change of
/// the leveling strategy resets the cursor and the counters
/// (flow.md 3.5).
pub(crate) fn on_config_changed(line: &mut Line, old: &Config) {
    if line.config.flow.leveling != old.flow.leveling {
        line.flow.cursor = Bucket::Reliability;
        line.flow.counters = PerBucket::default();
    }
}
