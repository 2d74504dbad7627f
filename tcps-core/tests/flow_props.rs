//! State-machine property tests of flow.md: random sequences of valid and
//! invalid operations from every signal source; after every step the
//! invariants of the WIP ledger, terminal records, dependencies, queues,
//! failed operations and replay hold.

mod flow_common;

use std::collections::BTreeMap;

use flow_common::{T0, at, config_with};
use proptest::prelude::*;
use tcps_core::flow::{
    Bucket, Severity, Signal, SignalKind, SignalState, Sku, Status, Strategy as Leveling, WipMode,
    WorkOrder, WorkOrderFilter,
};
use tcps_core::id::{SkuId, WorkOrderId};
use tcps_core::value::Value;
use tcps_core::{Error, Line};

#[derive(Debug, Clone)]
enum Op {
    Intake {
        kind: u8,
        source: u8,
        labels: u8,
        severity: u8,
        flags: u8,
    },
    Start(u8),
    Dequeue(u8),
    Next,
    Progress(u8, u8),
    Complete(u8, u8),
    Cancel(u8, bool),
    AddDependency(u8, u8),
    Resolve(u8),
    Reorder(u8, u8, bool),
    CreateSku(u8),
    Transition(u8, bool),
    Release(u8),
    Publish(u8),
    Abort(u8, bool),
    Leveling(u8),
    Sla(u8),
    Tick(u8),
    Past(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let n = || any::<u8>();
    prop_oneof![
        6 => (0u8..6, 0u8..6, 0u8..6, 0u8..7, n())
            .prop_map(|(kind, source, labels, severity, flags)| Op::Intake {
                kind, source, labels, severity, flags
            }),
        3 => n().prop_map(Op::Start),
        1 => (0u8..6).prop_map(Op::Dequeue),
        2 => Just(Op::Next),
        1 => (n(), 0u8..8).prop_map(|(w, s)| Op::Progress(w, s)),
        2 => (n(), n()).prop_map(|(w, s)| Op::Complete(w, s)),
        1 => (n(), any::<bool>()).prop_map(|(w, r)| Op::Cancel(w, r)),
        2 => (n(), n()).prop_map(|(x, y)| Op::AddDependency(x, y)),
        1 => n().prop_map(Op::Resolve),
        1 => (0u8..6, n(), any::<bool>()).prop_map(|(b, s, v)| Op::Reorder(b, s, v)),
        2 => n().prop_map(Op::CreateSku),
        2 => (n(), any::<bool>()).prop_map(|(s, v)| Op::Transition(s, v)),
        2 => n().prop_map(Op::Release),
        2 => n().prop_map(Op::Publish),
        1 => (n(), any::<bool>()).prop_map(|(s, r)| Op::Abort(s, r)),
        1 => (0u8..3).prop_map(Op::Leveling),
        1 => (1u8..48).prop_map(Op::Sla),
        2 => (0u8..12).prop_map(Op::Tick),
        1 => n().prop_map(Op::Past),
    ]
}

/// A fresh [`props_line`], replayed from its cached first receipt (which
/// costs a fraction of validating the configuration twice).
fn fresh_line() -> Line {
    static OPENED: std::sync::OnceLock<tcps_core::Receipt> = std::sync::OnceLock::new();
    let opened = OPENED.get_or_init(|| props_line().log().get(0).cloned().unwrap());
    Line::replay([opened.clone()]).unwrap()
}

/// Two stages without gates; every WIP mode and a one-slot expedite lane.
fn props_line() -> Line {
    let config = config_with(|v| {
        *at(v, "stages") = Value::Array(vec!["build".into(), "publication".into()]);
        *at(v, "gates") = Value::Array(Vec::new());
        let limits = [
            ("reliability", "hard", 2),
            ("security", "hard", 1),
            ("cost", "soft", 1),
            ("compliance", "unlimited", -1),
            ("features", "hard", 3),
            ("technical_debt", "hard", 1),
        ];
        for (bucket, mode, limit) in limits {
            *at(v, &format!("buckets.{bucket}.wip_mode")) = mode.into();
            *at(v, &format!("buckets.{bucket}.wip_limit")) = if limit < 0 {
                Value::Null
            } else {
                Value::Int(limit)
            };
        }
    });
    Line::new(config, T0).unwrap()
}

const KINDS: [SignalKind; 6] = [
    SignalKind::GithubIssue,
    SignalKind::GithubPr,
    SignalKind::Cve,
    SignalKind::MarketplaceInstall,
    SignalKind::MarketplaceRefund,
    SignalKind::InternalRequest,
];

const LABELS: [&[&str]; 6] = [
    &[],
    &["bug", "high"],
    &["security"],
    &["refactor", "critical"],
    &["performance"],
    &["compliance", "LOW"],
];

const SEVERITIES: [Option<Severity>; 7] = [
    None,
    Some(Severity::Critical),
    Some(Severity::High),
    Some(Severity::Medium),
    Some(Severity::Low),
    Some(Severity::None),
    Some(Severity::Unknown),
];

fn signal(kind: u8, source: u8, labels: u8, severity: u8, flags: u8) -> Signal {
    let kind = KINDS[usize::from(kind) % 6];
    let mut s = Signal::new(kind, format!("src-{source}"), "demand")
        .with_labels(LABELS[usize::from(labels) % 6].iter().copied());
    s.severity = SEVERITIES[usize::from(severity) % 7];
    if flags & 1 != 0 {
        s.state = SignalState::Closed;
    }
    if flags & 2 != 0 && flags & 64 != 0 {
        s.withdrawn_at = Some(T0);
    }
    if kind == SignalKind::InternalRequest {
        let bucket = [
            "reliability",
            "security",
            "cost",
            "compliance",
            "features",
            "foo",
        ];
        s = s.with_metadata("bucket", bucket[usize::from(flags >> 2) % 6]);
        if flags & 8 != 0 {
            s = s.with_metadata("priority", ["3", "10", "11"][usize::from(flags >> 5) % 3]);
        }
    }
    if flags & 128 != 0 && flags & 16 != 0 {
        s.description = " ".into();
    }
    if flags & 128 != 0 && flags & 32 != 0 {
        s = s.with_dedup_key("shared");
    }
    s
}

fn wo(line: &Line, i: u8) -> WorkOrderId {
    let n = line.work_orders(&WorkOrderFilter::default()).len() as u64;
    WorkOrderId(1 + u64::from(i) % (n + 1))
}

fn sku(line: &Line, i: u8) -> SkuId {
    let n = line.skus(&tcps_core::flow::SkuFilter::default()).len() as u64;
    SkuId(1 + u64::from(i) % (n + 1))
}

/// Runs one operation at `now`; `Err` when the line refused it.
fn run(line: &mut Line, op: &Op, now: &mut i64) -> Result<(), Error> {
    let t = *now;
    match *op {
        Op::Intake {
            kind,
            source,
            labels,
            severity,
            flags,
        } => line
            .intake(&signal(kind, source, labels, severity, flags), t)
            .map(|_| ()),
        Op::Start(w) => line.start(wo(line, w), t),
        Op::Dequeue(b) => line.dequeue(Bucket::from_index(b.into()), t).map(|_| ()),
        Op::Next => line.next(t).map(|_| ()),
        Op::Progress(w, s) => {
            let stages = ["requirements", "design", "testing", "published", "coding"];
            line.progress(wo(line, w), stages[usize::from(s) % 5], t)
        }
        Op::Complete(w, s) => line.complete(wo(line, w), sku(line, s), t),
        Op::Cancel(w, blank) => line.cancel(wo(line, w), if blank { " " } else { "dropped" }, t),
        Op::AddDependency(x, y) => line.add_dependency(wo(line, x), wo(line, y), t),
        Op::Resolve(y) => line.resolve_dependency(wo(line, y), t),
        Op::Reorder(b, seed, valid) => {
            let bucket = Bucket::from_index(b.into());
            let mut ids: Vec<WorkOrderId> = line
                .queue(bucket)
                .iter()
                .filter(|e| valid || e.status == Status::Queued)
                .map(|e| e.id)
                .collect();
            if !ids.is_empty() {
                let k = usize::from(seed) % ids.len();
                ids.rotate_left(k);
                if !valid && seed % 3 == 0 {
                    ids.pop();
                }
            }
            line.reorder_queue(bucket, &ids, t)
        }
        Op::CreateSku(w) => line.create_sku(wo(line, w), None, None, t).map(|_| ()),
        Op::Transition(s, valid) => {
            line.transition(sku(line, s), if valid { "publication" } else { "build" }, t)
        }
        Op::Release(s) => line.release(sku(line, s), t),
        Op::Publish(s) => line.publish(sku(line, s), Some("https://example.com/p"), t),
        Op::Abort(s, blank) => line.abort(sku(line, s), if blank { "" } else { "superseded" }, t),
        Op::Leveling(k) => {
            let mut config = line.config().clone();
            config.flow.leveling =
                [Leveling::Priority, Leveling::RoundRobin, Leveling::Weighted][usize::from(k)];
            line.change_config(config, "leveling", t)
        }
        Op::Sla(hours) => {
            let mut config = line.config().clone();
            config.flow.buckets.security.sla_hours = Some(u32::from(hours));
            line.change_config(config, "sla", t)
        }
        Op::Tick(hours) => {
            *now += i64::from(hours) * 3_600_000;
            Ok(())
        }
        Op::Past(w) => {
            let past = line.log().last_at() - 1;
            let result = line.start(wo(line, w), past);
            assert!(
                matches!(result, Err(Error::NowBeforeLastReceipt { .. })),
                "{result:?}"
            );
            result
        }
    }
}

/// The queues as flow.md 10 builds them, kept beside the line.
#[derive(Default)]
struct Model {
    queues: BTreeMap<Bucket, Vec<WorkOrderId>>,
    reordered: [bool; 6],
}

impl Model {
    fn follow(&mut self, line: &Line, op: &Op, known: usize) {
        let all = line.work_orders(&WorkOrderFilter::default());
        for w in &all[known..] {
            let q = self.queues.entry(w.bucket).or_default();
            let prio = |id: &WorkOrderId| line.work_order(*id).map_or(0, |x| x.priority);
            let at = q
                .iter()
                .position(|id| prio(id) < w.priority)
                .unwrap_or(q.len());
            q.insert(at, w.id);
        }
        if let Op::Reorder(b, ..) = op {
            let bucket = Bucket::from_index((*b).into());
            self.queues
                .insert(bucket, line.queue(bucket).iter().map(|e| e.id).collect());
            self.reordered[bucket.index()] = true;
        }
        for q in self.queues.values_mut() {
            q.retain(|id| {
                line.work_order(*id)
                    .is_ok_and(|w| matches!(w.status, Status::Queued | Status::Blocked))
            });
        }
    }
}

/// Whether a cycle runs through `n` (depth-first, 1 on the path, 2 done).
fn cyclic(
    n: WorkOrderId,
    edges: &BTreeMap<WorkOrderId, Vec<WorkOrderId>>,
    state: &mut BTreeMap<WorkOrderId, u8>,
) -> bool {
    match state.get(&n) {
        Some(1) => return true,
        Some(2) => return false,
        _ => {}
    }
    state.insert(n, 1);
    let found = edges
        .get(&n)
        .is_some_and(|next| next.iter().any(|m| cyclic(*m, edges, state)));
    state.insert(n, 2);
    found
}

fn check_invariants(
    line: &Line,
    model: &Model,
    terminal: &mut BTreeMap<String, (Option<WorkOrder>, Option<Sku>)>,
) -> Result<(), TestCaseError> {
    let all = line.work_orders(&WorkOrderFilter::default());
    let wip = line.wip_status();

    // WIP: the ledger counts what is in progress, within the hard limits
    // plus what the expedite lane took.
    let mut expedited_total = 0;
    for (bucket, entry) in wip.buckets.iter() {
        let running: Vec<&&WorkOrder> = all
            .iter()
            .filter(|w| w.bucket == bucket && w.status == Status::InProgress)
            .collect();
        let expedited = running.iter().filter(|w| w.expedited).count() as u32;
        expedited_total += expedited;
        prop_assert_eq!(entry.current, running.len() as u32);
        if entry.mode == WipMode::Hard {
            prop_assert!(
                entry.current <= entry.limit.unwrap_or(0) + expedited,
                "{bucket} over"
            );
        }
    }
    prop_assert_eq!(wip.expedite_in_use, expedited_total);
    prop_assert!(wip.expedite_in_use <= wip.expedite_limit);

    // Terminal work orders and SKUs never change again.
    for w in &all {
        let key = w.id.to_string();
        if let Some((Some(before), _)) = terminal.get(&key) {
            prop_assert_eq!(before, *w);
        } else if w.status.is_terminal() {
            terminal.insert(key, (Some((*w).clone()), None));
        }
    }
    for s in line.skus(&tcps_core::flow::SkuFilter::default()) {
        let key = s.id.to_string();
        let done = matches!(
            s.status,
            tcps_core::flow::SkuStatus::Published | tcps_core::flow::SkuStatus::Aborted
        );
        if let Some((_, Some(before))) = terminal.get(&key) {
            prop_assert_eq!(before, s);
        } else if done {
            terminal.insert(key, (None, Some(s.clone())));
        }
    }

    // No dependency cycle.
    let mut edges: BTreeMap<WorkOrderId, Vec<WorkOrderId>> = BTreeMap::new();
    for w in &all {
        let view = line.dependencies(w.id).unwrap();
        edges.insert(w.id, view.depends_on.iter().map(|e| e.id).collect());
    }
    let mut state: BTreeMap<WorkOrderId, u8> = BTreeMap::new();
    for w in &all {
        prop_assert!(!cyclic(w.id, &edges, &mut state), "cycle through {}", w.id);
    }

    // Queues: the model's order; priority then arrival where no reorder
    // happened.
    for b in Bucket::ALL {
        let got: Vec<WorkOrderId> = line.queue(*b).iter().map(|e| e.id).collect();
        let want = model.queues.get(b).cloned().unwrap_or_default();
        prop_assert_eq!(&got, &want, "queue {}", b);
        if !model.reordered[b.index()] {
            let keys: Vec<(std::cmp::Reverse<u8>, WorkOrderId)> = got
                .iter()
                .map(|id| {
                    (
                        std::cmp::Reverse(line.work_order(*id).unwrap().priority),
                        *id,
                    )
                })
                .collect();
            prop_assert!(
                keys.windows(2).all(|p| p[0] < p[1]),
                "queue {} out of order",
                b
            );
        }
        for e in line.queue(*b) {
            prop_assert!(matches!(e.status, Status::Queued | Status::Blocked));
        }
    }
    Ok(())
}

fn replay(line: &Line) -> Line {
    let receipts = (0..line.len()).filter_map(|s| line.log().get(s).cloned());
    Line::replay(receipts).unwrap()
}

/// What the public views show of the flow state, to compare a line with
/// itself before and after an operation that must change nothing.
#[derive(Debug, PartialEq)]
struct Fingerprint {
    len: u64,
    root: tcps_core::Digest,
    work_orders: Vec<WorkOrder>,
    skus: Vec<Sku>,
    wip: tcps_core::flow::WipStatus,
    queues: Vec<Vec<tcps_core::flow::QueueEntry>>,
    dependencies: Vec<tcps_core::flow::DependencyView>,
}

fn fingerprint(line: &Line) -> Fingerprint {
    let work_orders: Vec<WorkOrder> = line
        .work_orders(&WorkOrderFilter::default())
        .into_iter()
        .cloned()
        .collect();
    Fingerprint {
        len: line.len(),
        root: line.log().tree().root(),
        dependencies: work_orders
            .iter()
            .map(|w| line.dependencies(w.id).unwrap())
            .collect(),
        work_orders,
        skus: line
            .skus(&tcps_core::flow::SkuFilter::default())
            .into_iter()
            .cloned()
            .collect(),
        wip: line.wip_status(),
        queues: Bucket::ALL.iter().map(|b| line.queue(*b)).collect(),
    }
}

/// Runs `ops` on a fresh line, checking the invariants after every step;
/// with `replay_each_step`, also that replaying the log gives the live
/// line after every step that appended.
fn check_sequence(ops: &[Op], replay_each_step: bool) -> Result<(), TestCaseError> {
    let mut line = fresh_line();
    let mut model = Model::default();
    let mut terminal = BTreeMap::new();
    let mut now = T0;

    let mut before = fingerprint(&line);
    for op in ops {
        let known = before.work_orders.len();
        let result = run(&mut line, op, &mut now);
        let after = fingerprint(&line);
        match result {
            Err(_) => prop_assert_eq!(&after, &before, "{:?} failed but changed", op),
            Ok(()) if after.len == before.len => {
                prop_assert_eq!(&after, &before, "{:?} appended nothing", op);
            }
            Ok(()) => {
                model.follow(&line, op, known);
                if replay_each_step {
                    prop_assert!(replay(&line) == line, "replay differs after {:?}", op);
                }
            }
        }
        check_invariants(&line, &model, &mut terminal)?;
        before = after;
    }

    let replayed = replay(&line);
    prop_assert!(replayed == line, "replay differs from the live line");
    prop_assert_eq!(replayed.log().tree().root(), line.log().tree().root());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Invariants after every step; the replay of the whole log equals the
    /// live line at the end of each sequence.
    #[test]
    fn every_step_keeps_the_invariants_of_flow(ops in prop::collection::vec(op(), 1..20)) {
        check_sequence(&ops, false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The same, replaying the log after every step that appended.
    #[test]
    fn replaying_after_every_step_gives_the_live_line(ops in prop::collection::vec(op(), 1..20)) {
        check_sequence(&ops, true)?;
    }
}
