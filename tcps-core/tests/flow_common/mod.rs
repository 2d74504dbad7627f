//! Helpers shared by the flow tests: the times of flow.md 1, signals,
//! lines and receipt readers.
#![allow(dead_code)]

use tcps_core::flow::{Bucket, Signal, SignalKind};
use tcps_core::id::{SkuId, WorkOrderId};
use tcps_core::value::Value;
use tcps_core::{Config, Line, Receipt};

/// 2026-01-26T10:00:00.000Z.
pub const T0: i64 = 1_769_421_600_000;
/// One minute.
pub const MIN: i64 = 60_000;
/// One hour.
pub const H: i64 = 3_600_000;
/// One day.
pub const D: i64 = 86_400_000;

/// `WO-n`.
pub fn wo(n: u64) -> WorkOrderId {
    WorkOrderId(n)
}

/// `SKU-n`.
pub fn sku(n: u64) -> SkuId {
    SkuId(n)
}

/// The standard line opened at `T0`.
pub fn line() -> Line {
    Line::standard(T0).unwrap()
}

/// A line whose configuration JSON was changed by `edit` before opening.
pub fn line_with(edit: impl FnOnce(&mut Value)) -> Line {
    Line::new(config_with(edit), T0).unwrap()
}

/// The standard configuration changed by `edit`.
pub fn config_with(edit: impl FnOnce(&mut Value)) -> Config {
    let mut v = Config::standard().to_value();
    edit(&mut v);
    Config::from_value(&v).unwrap()
}

/// The member at a dotted path of a JSON object, for editing.
pub fn at<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    let mut cur = v;
    for part in path.split('.') {
        let Value::Object(map) = cur else {
            panic!("{path}: not an object at {part}");
        };
        cur = map.entry(part.to_owned()).or_insert(Value::Null);
    }
    cur
}

/// A `cve` signal.
pub fn cve(source: &str) -> Signal {
    Signal::new(SignalKind::Cve, source, "advisory")
}

/// A GitHub issue with labels.
pub fn issue(source: &str, labels: &[&str]) -> Signal {
    Signal::new(SignalKind::GithubIssue, source, "an issue").with_labels(labels.iter().copied())
}

/// An internal request routed to `bucket` with `priority`.
pub fn request(source: &str, bucket: Bucket, priority: u8) -> Signal {
    Signal::new(SignalKind::InternalRequest, source, "a request")
        .with_metadata("bucket", bucket.as_str())
        .with_metadata("priority", priority.to_string())
}

/// Takes in `signal` at `now` and returns the new work order.
pub fn take(line: &mut Line, signal: &Signal, now: i64) -> WorkOrderId {
    line.intake(signal, now).unwrap().work_order
}

/// Takes in an internal request and returns its work order.
pub fn new_wo(line: &mut Line, bucket: Bucket, priority: u8, now: i64) -> WorkOrderId {
    let n = line
        .work_orders(&tcps_core::flow::WorkOrderFilter::default())
        .len();
    take(line, &request(&format!("req-{n}"), bucket, priority), now)
}

/// The receipts with `seq >= from`.
pub fn receipts_since(line: &Line, from: u64) -> Vec<Receipt> {
    (from..line.len())
        .filter_map(|s| line.log().get(s).cloned())
        .collect()
}

/// The kinds of the receipts with `seq >= from`.
pub fn kinds_since(line: &Line, from: u64) -> Vec<String> {
    receipts_since(line, from)
        .into_iter()
        .map(|r| r.kind)
        .collect()
}

/// The last receipt.
pub fn last(line: &Line) -> Receipt {
    line.log().get(line.len() - 1).cloned().unwrap()
}

/// A body member as canonical JSON text, for compact assertions.
pub fn member(r: &Receipt, name: &str) -> String {
    r.body.get(name).unwrap().to_canonical_string()
}

/// Every receipt of the line, for replay.
pub fn all_receipts(line: &Line) -> Vec<Receipt> {
    receipts_since(line, 0)
}

/// Fails unless replaying the log gives back the same line.
pub fn assert_replays(line: &Line) {
    let replayed = Line::replay(all_receipts(line)).unwrap();
    assert!(replayed == *line, "replay differs from the live line");
}

/// A line of two stages, `build` and `publication`, without gates: SKUs
/// walk it without gate results.
pub fn quick_line() -> Line {
    quick_line_at(T0)
}

/// [`quick_line`] opened at `at`.
pub fn quick_line_at(at: i64) -> Line {
    let config = config_with(|v| {
        *self::at(v, "stages") = Value::Array(vec!["build".into(), "publication".into()]);
        *self::at(v, "gates") = Value::Array(Vec::new());
    });
    Line::new(config, at).unwrap()
}

/// Starts `id` if it is queued, builds a SKU through every stage,
/// releases it and completes the work order with it, all at `now`.
pub fn finish(line: &mut Line, id: WorkOrderId, now: i64) -> SkuId {
    if line.work_order(id).unwrap().status == tcps_core::flow::Status::Queued {
        line.start(id, now).unwrap();
    }
    let s = released_sku(line, id, now);
    line.complete(id, s, now).unwrap();
    s
}

/// A SKU of the in-progress `id`, walked to the last stage and released.
pub fn released_sku(line: &mut Line, id: WorkOrderId, now: i64) -> SkuId {
    let s = line.create_sku(id, None, None, now).unwrap();
    let stages = line.config().stages().to_vec();
    for stage in &stages[1..] {
        line.transition(s, stage, now).unwrap();
    }
    line.release(s, now).unwrap();
    s
}
