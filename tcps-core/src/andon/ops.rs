//! Raising, acknowledging, resolving and escalating andons
//! (andon.md 5 and 7).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::flow::Bucket;
use crate::id::{AndonId, SkuId};
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;
use crate::value::Value;

use super::body::details_value;
use super::flow_link;
use super::model::{
    Andon, AndonStatus, Due, EscalationReason, FailureType, Raise, RaiseRequest, Resolution,
    Severity, Subject, Trigger,
};
use super::non_empty;
use super::state::AndonState;
use super::text::IdText;

/// Coverage metrics: a test gate failing on these alone raises
/// `coverage_below_threshold` (andon.md 5.2).
const COVERAGE_METRICS: [&str; 3] = ["line_coverage", "branch_coverage", "function_coverage"];

/// One raise, after its checks, before dedup (andon.md 5.4).
#[derive(Debug)]
pub(crate) struct Pull {
    pub subject: Subject,
    pub stage: Option<String>,
    pub bucket: Bucket,
    pub failure_type: FailureType,
    /// The given severity, else the type's default.
    pub severity: Severity,
    pub trigger: Trigger,
    /// For a new andon; a repeat keeps the andon's own.
    pub stops: bool,
    pub details: BTreeMap<String, String>,
    pub raised_by: Option<String>,
    pub gate: Option<String>,
    pub gate_receipt: Option<u64>,
}

impl Pull {
    /// Applies the dedup rule and builds the draft: `andon.repeated` for
    /// an unresolved andon with the same key, else `andon.raised` with
    /// `next_id`.
    pub(crate) fn plan(self, state: &AndonState, next_id: AndonId) -> (Raise, Draft) {
        let sku = Value::from(self.subject.sku().map(|s| s.text()));
        let existing = state
            .find_unresolved(self.subject, self.failure_type, self.stage.as_deref())
            .and_then(|id| state.get(id));

        if let Some(andon) = existing {
            let id = andon.id.text();
            let body = crate::obj! {
                "andon" => id.clone(),
                "occurrence" => andon.occurrences.saturating_add(1),
                "trigger" => self.trigger.as_str(),
                "requested_severity" => self.severity.as_str(),
                "severity" => andon.severity.max(self.severity).as_str(),
                "details" => details_value(self.details),
                "raised_by" => self.raised_by,
                "gate_receipt" => self.gate_receipt.map(|s| s as i64),
                "sku" => sku,
            };
            let raise = Raise {
                andon: andon.id,
                repeated: true,
            };
            return (raise, draft("andon.repeated", id, body));
        }

        let id = next_id.text();
        let body = crate::obj! {
            "andon" => id.clone(),
            "subject_kind" => self.subject.kind(),
            "subject" => self.subject.text(),
            "stage" => self.stage,
            "bucket" => self.bucket.as_str(),
            "failure_type" => self.failure_type.as_str(),
            "severity" => self.severity.as_str(),
            "trigger" => self.trigger.as_str(),
            "stops" => self.stops,
            "details" => details_value(self.details),
            "raised_by" => self.raised_by,
            "gate" => self.gate,
            "gate_receipt" => self.gate_receipt.map(|s| s as i64),
            "sku" => sku,
        };
        let raise = Raise {
            andon: next_id,
            repeated: false,
        };
        (raise, draft("andon.raised", id, body))
    }
}

/// Plans the andon of a failed blocking gate (andon.md 5.2, quality.md
/// 5.4) for quality's `evaluate_gate`, which appends the draft after its
/// own `gate.evaluated` receipt, numbered `gate_receipt`, and writes the
/// returned id into that receipt's `andon` member.
///
/// `andon_type` is the gate's catalogue entry; with `test_failure` and
/// only coverage metrics among `failed` (the metrics of the failed
/// conditions, in gate order) the andon is `coverage_below_threshold`.
/// The dedup rule of andon.md 5.4 applies; a new andon takes the next
/// `ANDON-` id.
pub(crate) fn plan_gate_raise<S: AsRef<str>>(
    line: &Line,
    sku: SkuId,
    gate: &str,
    stage: &str,
    andon_type: FailureType,
    failed: &[S],
    gate_receipt: u64,
) -> Result<(Raise, Draft)> {
    let (_, bucket) =
        flow_link::sku_scope(line, sku).ok_or_else(|| Error::not_found("sku", sku))?;
    let coverage_only = !failed.is_empty()
        && failed
            .iter()
            .all(|m| COVERAGE_METRICS.contains(&m.as_ref()));
    let failure_type = if andon_type == FailureType::TestFailure && coverage_only {
        FailureType::CoverageBelowThreshold
    } else {
        andon_type
    };
    let severity = failure_type
        .default_severity()
        .ok_or_else(|| Error::InvalidField {
            field: "andon_type".into(),
            reason: "a gate cannot raise manual andons".into(),
        })?;
    let joined: Vec<&str> = failed.iter().map(AsRef::as_ref).collect();
    let details = BTreeMap::from([
        ("gate".to_owned(), gate.to_owned()),
        ("failed".to_owned(), joined.join(",")),
    ]);

    let pull = Pull {
        subject: Subject::Sku(sku),
        stage: Some(stage.to_owned()),
        bucket,
        failure_type,
        severity,
        trigger: Trigger::Gate,
        stops: true,
        details,
        raised_by: None,
        gate: Some(gate.to_owned()),
        gate_receipt: Some(gate_receipt),
    };
    Ok(pull.plan(&line.andon, line.andon.next_id()))
}

impl Line {
    /// Raises an andon by hand (andon.md 5.1), or repeats the unresolved
    /// andon with the same key (5.4). Appends `andon.raised` or
    /// `andon.repeated`.
    pub fn raise(&mut self, request: RaiseRequest, now: Timestamp) -> Result<Raise> {
        self.check_now(now)?;
        let (stage, bucket) = match request.subject {
            Subject::Sku(sku) => {
                let (_, bucket) =
                    flow_link::sku_scope(self, sku).ok_or_else(|| Error::not_found("sku", sku))?;
                let stage = match request.stage {
                    Some(stage) if !self.config.stages().contains(&stage) => {
                        return Err(Error::InvalidStage { value: stage });
                    }
                    Some(stage) => stage,
                    None => flow_link::sku_stage(self, sku)
                        .unwrap_or_default()
                        .to_owned(),
                };
                (Some(stage), bucket)
            }
            Subject::WorkOrder(wo) => {
                let bucket = flow_link::work_order_bucket(self, wo)
                    .ok_or_else(|| Error::not_found("work_order", wo))?;
                if request.stage.is_some() {
                    return Err(Error::InvalidField {
                        field: "stage".into(),
                        reason: "work-order andons have no stage".into(),
                    });
                }
                (None, bucket)
            }
        };
        let severity = request
            .severity
            .or_else(|| request.failure_type.default_severity())
            .ok_or_else(|| Error::MissingField {
                field: "severity".into(),
            })?;
        let stops =
            request.failure_type != FailureType::SlaBreach || self.config.andon.sla_breach_stops;

        let pull = Pull {
            subject: request.subject,
            stage,
            bucket,
            failure_type: request.failure_type,
            severity,
            trigger: Trigger::Manual,
            stops,
            details: request.details,
            raised_by: request.raised_by,
            gate: None,
            gate_receipt: None,
        };
        let (raise, draft) = pull.plan(&self.andon, self.andon.next_id());
        self.commit(now, vec![draft])?;
        Ok(raise)
    }

    /// Raises `sla_breach` for every open work order past its deadline
    /// that was never swept (andon.md 5.3), in order of deadline, then
    /// id. Appends one `andon.raised` or `andon.repeated` per work order,
    /// nothing when none is due.
    pub fn sla_sweep(&mut self, now: Timestamp) -> Result<Vec<Raise>> {
        self.check_now(now)?;
        let due = flow_link::sla_due(self, now);

        let mut next_id = self.andon.next_id();
        let mut raises = Vec::with_capacity(due.len());
        let mut drafts = Vec::with_capacity(due.len());
        for (wo, deadline) in due {
            let bucket = flow_link::work_order_bucket(self, wo)
                .ok_or_else(|| Error::not_found("work_order", wo))?;
            let details = BTreeMap::from([
                ("deadline".to_owned(), deadline.to_string()),
                ("overdue_ms".to_owned(), (now - deadline).to_string()),
            ]);
            let pull = Pull {
                subject: Subject::WorkOrder(wo),
                stage: None,
                bucket,
                failure_type: FailureType::SlaBreach,
                severity: Severity::High,
                trigger: Trigger::Sla,
                stops: self.config.andon.sla_breach_stops,
                details,
                raised_by: None,
                gate: None,
                gate_receipt: None,
            };
            // Each work order is its own key, so no two pulls of one sweep
            // meet in dedup; only the ids of new andons must advance.
            let (raise, draft) = pull.plan(&self.andon, next_id);
            if !raise.repeated {
                next_id = AndonId(next_id.0 + 1);
            }
            raises.push(raise);
            drafts.push(draft);
        }
        self.commit(now, drafts)?;
        Ok(raises)
    }

    /// Acknowledges an open andon (andon.md 7.1); it keeps stopping.
    /// Appends `andon.acknowledged`.
    pub fn acknowledge(
        &mut self,
        id: AndonId,
        by: &str,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.check_now(now)?;
        let andon = self.andon_ref(id)?;
        if andon.status != AndonStatus::Open {
            return Err(Error::transition(andon.status, "acknowledge"));
        }
        non_empty(by, "by")?;

        let text = id.text();
        let body = crate::obj! {
            "andon" => text.clone(),
            "by" => by,
            "note" => note,
            "ack_ms" => now - andon.raised_at,
            "sku" => sku_value(andon),
        };
        self.commit(now, vec![draft("andon.acknowledged", text, body)])
    }

    /// Resolves an unresolved andon with its root cause, fix and
    /// prevention (andon.md 7.2); severities in `require_rca` need a
    /// finalised analysis. Appends `andon.resolved`.
    pub fn resolve(&mut self, id: AndonId, resolution: &Resolution, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let andon = self.andon_ref(id)?;
        if andon.status == AndonStatus::Resolved {
            return Err(Error::transition(andon.status, "resolve"));
        }
        non_empty(&resolution.root_cause, "root_cause")?;
        non_empty(&resolution.fix_applied, "fix_applied")?;
        non_empty(&resolution.prevention_added, "prevention_added")?;
        let finalized = andon.analysis.filter(|a| {
            self.andon
                .analysis(*a)
                .is_some_and(super::rca::Analysis::is_finalized)
        });
        if self.config.andon.requires_rca(andon.severity) && finalized.is_none() {
            return Err(Error::RcaRequired {
                andon: id.to_string(),
            });
        }

        let text = id.text();
        let body = crate::obj! {
            "andon" => text.clone(),
            "root_cause" => resolution.root_cause.as_str(),
            "fix_applied" => resolution.fix_applied.as_str(),
            "prevention_added" => resolution.prevention_added.as_str(),
            "resolver" => resolution.resolver.clone(),
            "analysis" => finalized.map(|a| a.text()),
            "implicit_ack" => andon.status == AndonStatus::Open,
            "open_ms" => now - andon.raised_at,
            "sku" => sku_value(andon),
        };
        self.commit(now, vec![draft("andon.resolved", text, body)])
    }

    /// Records that the host escalated an andon to `level` (1 or 2),
    /// which must be above its level and reached (andon.md 7.3).
    /// Appends `andon.escalated`.
    pub fn escalate(&mut self, id: AndonId, level: i64, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let andon = self.andon_ref(id)?;
        if andon.status == AndonStatus::Resolved {
            return Err(Error::transition(andon.status, "escalate"));
        }
        let reason = match level {
            1 => EscalationReason::AckOverdue,
            2 => EscalationReason::ResolveOverdue,
            _ => {
                return Err(Error::InvalidField {
                    field: "level".into(),
                    reason: "must be 1 or 2".into(),
                });
            }
        };
        let reached = self.reached(andon, now).map_or(0, |(r, _)| r.level());
        if reason.level() <= andon.escalation_level || reason.level() > reached {
            return Err(Error::EscalationNotDue {
                andon: id.to_string(),
                level: u32::from(reason.level()),
            });
        }

        let due_at = self.due_at(andon, reason);
        let text = id.text();
        let body = crate::obj! {
            "andon" => text.clone(),
            "level" => i64::from(reason.level()),
            "reason" => reason.as_str(),
            "severity" => andon.severity.as_str(),
            "due_at" => due_at,
            "overdue_ms" => now - due_at,
            "sku" => sku_value(andon),
        };
        self.commit(now, vec![draft("andon.escalated", text, body)])
    }

    /// Every unresolved andon whose reached escalation level is above its
    /// own, by `due_at`, then id (andon.md 7.3). Pure.
    #[must_use]
    pub fn escalations_due(&self, now: Timestamp) -> Vec<Due> {
        let mut out: Vec<Due> = self
            .andon
            .unresolved()
            .filter_map(|andon| {
                let (reason, due_at) = self.reached(andon, now)?;
                (reason.level() > andon.escalation_level).then(|| Due {
                    andon: andon.id,
                    severity: andon.severity,
                    level: reason.level(),
                    reason,
                    due_at,
                    overdue_ms: now - due_at,
                })
            })
            .collect();
        out.sort_by_key(|d| (d.due_at, d.andon));
        out
    }

    /// The highest escalation level reached at `now`, with its due time.
    fn reached(&self, andon: &Andon, now: Timestamp) -> Option<(EscalationReason, Timestamp)> {
        if !andon.is_unresolved() {
            return None;
        }
        let resolve_due = self.due_at(andon, EscalationReason::ResolveOverdue);
        if now >= resolve_due {
            return Some((EscalationReason::ResolveOverdue, resolve_due));
        }
        let ack_due = self.due_at(andon, EscalationReason::AckOverdue);
        (andon.status == AndonStatus::Open && now >= ack_due)
            .then_some((EscalationReason::AckOverdue, ack_due))
    }

    /// `raised_at` plus the limit of a level under the current severity.
    fn due_at(&self, andon: &Andon, reason: EscalationReason) -> Timestamp {
        let limits = self.config.andon.escalation.limits(andon.severity);
        let limit = match reason {
            EscalationReason::AckOverdue => limits.ack_within_ms,
            EscalationReason::ResolveOverdue => limits.resolve_within_ms,
        };
        andon.raised_at.saturating_add(limit)
    }

    pub(crate) fn andon_ref(&self, id: AndonId) -> Result<&Andon> {
        self.andon
            .get(id)
            .ok_or_else(|| Error::not_found("andon", id))
    }
}

/// The `sku` member of an andon receipt.
fn sku_value(andon: &Andon) -> Value {
    andon.subject.sku().map(|s| s.text()).into()
}

/// A draft whose subject text is already built.
fn draft(kind: &'static str, subject: String, body: Value) -> Draft {
    Draft {
        kind,
        subject,
        body,
    }
}
