//! The work order record (flow.md 7.1) and the SKU record (flow.md 14.1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::{Bucket, Severity, SignalKind, SkuStatus, SlaOutcome, Status, WoStage};
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::time::Timestamp;

/// One entry of a work order's stage history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    /// The stage reported.
    pub stage: WoStage,
    /// When it was reported.
    pub at: Timestamp,
}

/// A unit of demand (flow.md 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrder {
    /// `WO-000001`.
    pub id: WorkOrderId,
    /// The kind of the signal that created it.
    pub kind: SignalKind,
    /// The signal's source, as given.
    pub source: String,
    /// The signal's description, as given.
    pub description: String,
    /// The signal's labels, as given.
    pub labels: Vec<String>,
    /// The signal's aliases, as given.
    pub aliases: Vec<String>,
    /// The signal's metadata, as given.
    pub metadata: BTreeMap<String, String>,
    /// The advisory severity (`unknown` for a `cve` without one).
    pub severity: Option<Severity>,
    /// Base score × 10, if known.
    pub score_tenths: Option<u8>,
    /// Dedup keys of every signal merged into it, in arrival order.
    pub dedup_keys: Vec<String>,
    /// Number of signals merged into it, the first included.
    pub demand_count: u32,
    /// Its bucket; never changes.
    pub bucket: Bucket,
    /// Its priority, 1..10; never changes.
    pub priority: u8,
    /// Which rule chose the bucket (`kind:cve`, `label:bug`, ...).
    pub bucket_rule: String,
    /// Which rule chose the priority.
    pub priority_rule: String,
    /// The status.
    pub status: Status,
    /// When it was taken in.
    pub created_at: Timestamp,
    /// SLA length at creation.
    pub sla_ms: Option<i64>,
    /// `created_at + sla_ms`.
    pub sla_deadline: Option<Timestamp>,
    /// When it started.
    pub started_at: Option<Timestamp>,
    /// Whether it started through the expedite lane.
    pub expedited: bool,
    /// The latest progress stage.
    pub current_stage: Option<WoStage>,
    /// Every progress report, oldest first.
    pub stage_history: Vec<StageEntry>,
    /// Its SKUs, in creation order.
    pub skus: Vec<SkuId>,
    /// The SKU it was completed with.
    pub sku_id: Option<SkuId>,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
    /// Met or missed, fixed at completion (null without a deadline).
    pub sla_outcome: Option<SlaOutcome>,
    /// When it was cancelled.
    pub cancelled_at: Option<Timestamp>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// The `sla_breach` andon raised for it by the SLA sweep.
    pub sla_andon: Option<AndonId>,
    /// Its key in its bucket queue while it is queued or blocked.
    #[serde(skip)]
    pub(crate) queue_key: u128,
}

/// One entry of a SKU's stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStageEntry {
    /// The stage entered.
    pub stage: String,
    /// When it was entered.
    pub entered_at: Timestamp,
}

/// One build of a work order, walking the stages of the line
/// (flow.md 14.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    /// `SKU-000001`.
    pub id: SkuId,
    /// The work order it builds.
    pub work_order: WorkOrderId,
    /// The status.
    pub status: SkuStatus,
    /// The current stage.
    pub stage: String,
    /// Every stage entered, oldest first; the first is the first stage.
    pub history: Vec<SkuStageEntry>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was released.
    pub released_at: Option<Timestamp>,
    /// When it was published.
    pub published_at: Option<Timestamp>,
    /// When it was aborted.
    pub aborted_at: Option<Timestamp>,
    /// Why it was aborted.
    pub abort_reason: Option<String>,
    /// Where it was published.
    pub location: Option<String>,
    /// When the change it builds was committed, as the host knows it.
    pub commit_at: Option<Timestamp>,
    /// The andon it is meant to fix.
    pub fixes: Option<AndonId>,
}
