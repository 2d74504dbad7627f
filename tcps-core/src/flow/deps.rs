//! Dependencies between work orders (flow.md 8).

use serde::{Deserialize, Serialize};

use super::receipts::texts;
use super::types::Status;
use crate::error::{Error, Result};
use crate::id::WorkOrderId;
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;

/// One end of a dependency edge with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyEntry {
    /// The work order.
    pub id: WorkOrderId,
    /// Its status now.
    pub status: Status,
}

/// A work order's edges (flow.md 8.3), each list in the order the edges
/// were added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyView {
    /// What it depends on.
    pub depends_on: Vec<DependencyEntry>,
    /// What depends on it.
    pub dependents: Vec<DependencyEntry>,
}

impl Line {
    /// Records that `x` may not start before `y` is completed
    /// (flow.md 8.1).
    pub fn add_dependency(&mut self, x: WorkOrderId, y: WorkOrderId, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let xw = self.work_order(x)?;
        let yw = self.work_order(y)?;
        if x == y || self.flow.deps.reaches(y, x) {
            return Err(Error::CircularDependency {
                from: x.to_string(),
                to: y.to_string(),
            });
        }
        if !matches!(xw.status, Status::Queued | Status::Blocked) {
            return Err(Error::transition(xw.status, "add_dependency"));
        }
        if self.flow.deps.has_edge(x, y) {
            return Err(Error::DuplicateDependency {
                from: x.to_string(),
                to: y.to_string(),
            });
        }
        let blocked = xw.status == Status::Queued && yw.status != Status::Completed;
        let after = if blocked { Status::Blocked } else { xw.status };
        let body = crate::obj! {
            "work_order" => x.to_string(),
            "depends_on" => y.to_string(),
            "blocked" => blocked,
            "status_after" => after.as_str(),
        };
        self.commit(now, vec![Draft::new("dependency.added", x, body)])
    }

    /// Removes every edge to `y` and releases what no longer waits
    /// (flow.md 8.2).
    pub fn resolve_dependency(&mut self, y: WorkOrderId, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        self.work_order(y)?;
        let mut removed: Vec<WorkOrderId> = self.flow.deps.dependents(y).to_vec();
        removed.sort_unstable();
        removed.dedup();
        let released: Vec<WorkOrderId> = removed
            .iter()
            .copied()
            .filter(|x| {
                self.flow
                    .wo(*x)
                    .is_some_and(|w| w.status == Status::Blocked)
                    && self
                        .flow
                        .deps
                        .depends_on(*x)
                        .iter()
                        .all(|d| *d == y || !self.flow.is_unfinished(*d))
            })
            .collect();
        let body = crate::obj! {
            "depends_on" => y.to_string(),
            "edges_removed" => texts(&removed),
            "released" => texts(&released),
        };
        self.commit(now, vec![Draft::new("dependency.resolved", y, body)])
    }

    /// The edges of a work order (flow.md 8.3).
    pub fn dependencies(&self, wo: WorkOrderId) -> Result<DependencyView> {
        self.work_order(wo)?;
        let entry = |id: &WorkOrderId| DependencyEntry {
            id: *id,
            status: self.flow.wo(*id).map_or(Status::Cancelled, |w| w.status),
        };
        Ok(DependencyView {
            depends_on: self.flow.deps.depends_on(wo).iter().map(entry).collect(),
            dependents: self.flow.deps.dependents(wo).iter().map(entry).collect(),
        })
    }
}
