//! The [`Line`]: the whole state of one production line.
//!
//! Every operation is a method that takes `now`, validates, and either
//! fails with an error and changes nothing, or succeeds, appends the
//! receipts its spec names and changes the state.
//!
//! # How an operation runs
//!
//! An operation *plans*: it reads the line and produces [`Draft`]s,
//! without changing anything. `Line::commit` then seals the drafts
//! into receipts (sequence numbers, `more`, hashes), hands them to the
//! line's sink (the journal, if any) and finally *applies* each receipt
//! to the state through `Line::apply`, the same function replay uses.
//! So the state is a pure function of the receipts by construction:
//! a live line and the line replayed from its log are equal.

use std::fmt;

use crate::andon::AndonState;
use crate::chain::ChainCursor;
use crate::config::Config;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::flow::FlowState;
use crate::kaizen::KaizenState;
use crate::log::Log;
use crate::quality::QualityState;
use crate::receipt::{Draft, Receipt};
use crate::time::Timestamp;
use crate::value::Value;

/// Where sealed receipts go before the line takes on its new state:
/// the journal file, or anything else a host wants to write ahead.
pub trait ReceiptSink: Send + fmt::Debug {
    /// Persists the receipts of one operation. On error the line does not
    /// change and the operation fails with this error.
    fn append(&mut self, receipts: &[Receipt]) -> Result<()>;

    /// Lets the journal reach its own sink back through the line.
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;

    /// Lets the journal read its own sink back through the line.
    fn as_any(&self) -> &dyn std::any::Any;

    /// Whether the sink accepts appends now: a read-only or poisoned
    /// journal refuses every mutating call before it runs.
    fn ready(&self) -> Result<()> {
        Ok(())
    }

    /// Reads back the receipts `from..to` this sink persisted, in order,
    /// handing each to `visit`; the first error stops the walk. A line
    /// whose log keeps no receipts in memory (a journaled line) gets them
    /// here. `None` means the sink cannot read back.
    fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Option<Result<()>> {
        let _ = (from, to, visit);
        None
    }
}

/// One production line: configuration, work, gates, andons, the log.
pub struct Line {
    pub(crate) config: Config,
    pub(crate) log: Log,
    pub(crate) flow: FlowState,
    pub(crate) quality: QualityState,
    pub(crate) andon: AndonState,
    pub(crate) kaizen: KaizenState,
    pub(crate) sink: Option<Box<dyn ReceiptSink>>,
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("name", &self.config.name)
            .field("receipts", &self.log.len())
            .field("journaled", &self.sink.is_some())
            .finish_non_exhaustive()
    }
}

/// Two lines are equal when their configuration, domain state and log
/// are equal; where their receipts are written does not matter.
impl PartialEq for Line {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
            && self.log == other.log
            && self.flow == other.flow
            && self.quality == other.quality
            && self.andon == other.andon
            && self.kaizen == other.kaizen
    }
}

impl Line {
    /// A new line whose log is the one receipt `line.opened` at `now`.
    pub fn new(config: Config, now: Timestamp) -> Result<Self> {
        let opened = Self::opened_receipt(&config, now)?;
        let mut line = Self::empty(config);
        line.apply(&opened)?;
        line.log.push(opened);
        Ok(line)
    }

    /// [`Line::new`] with the standard configuration of OVERVIEW.md.
    pub fn standard(now: Timestamp) -> Result<Self> {
        Self::new(Config::standard(), now)
    }

    /// The `line.opened` receipt of a configuration.
    pub(crate) fn opened_receipt(config: &Config, now: Timestamp) -> Result<Receipt> {
        // Validate by a round trip, so a hand-built Config obeys the same
        // rules as a logged one.
        let value = config.to_value();
        Config::from_value(&value)?;
        let body = crate::obj! { "config" => value };
        Receipt::seal(0, now, "line.opened", "line", body, 0, Digest::ZERO)
    }

    fn empty(config: Config) -> Self {
        Self {
            config,
            log: Log::in_memory(),
            flow: FlowState::default(),
            quality: QualityState::default(),
            andon: AndonState::default(),
            kaizen: KaizenState::default(),
            sink: None,
        }
    }

    /// Rebuilds a line from its receipts, checking the chain as it goes.
    ///
    /// On failure returns the 0-based position of the refused receipt and
    /// the error: `chain_broken` for the chain, any other for a receipt the
    /// line refuses (unknown kind, a body its spec does not allow, a
    /// transition the state does not permit).
    pub fn replay<I>(receipts: I) -> std::result::Result<Self, (u64, Error)>
    where
        I: IntoIterator<Item = Receipt>,
    {
        let mut cursor = ChainCursor::default();
        let mut replayer = Replayer::new(true);
        for r in receipts {
            let at = cursor.len;
            cursor.step(&r, &r.leaf_hash()).map_err(|e| (at, e))?;
            replayer.push(r).map_err(|e| (at, e))?;
        }
        cursor
            .finish()
            .map_err(|e| (cursor.len.saturating_sub(1), e))?;
        replayer.finish().ok_or((
            0,
            Error::ChainBroken {
                seq: 0,
                kind: crate::error::ChainFailureKind::Malformed,
                expected: "line.opened".into(),
                found: "an empty log".into(),
            },
        ))
    }

    /// The configuration in force.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The line's name (the default checkpoint origin).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The receipt log.
    #[must_use]
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Number of receipts in the log.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.log.len()
    }

    /// A line always holds at least `line.opened`; never true.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.log.len() == 0
    }

    /// Verifies the whole log: every hash and link (evidence-log.md 3.2).
    ///
    /// A journaled line reads its receipts back from the file and also
    /// checks that they are the ones it replayed.
    pub fn verify(&self) -> Result<()> {
        if self.log.keeps_receipts() {
            return self.log.verify();
        }
        let mut cursor = ChainCursor::default();
        let mut walk = |r: Receipt| {
            let seq = cursor.len;
            cursor.step(&r, &r.leaf_hash())?;
            if self.log.leaf_hash(seq) == Some(r.hash) {
                Ok(())
            } else {
                Err(Error::ChainBroken {
                    seq,
                    kind: crate::error::ChainFailureKind::HashMismatch,
                    expected: self.log.leaf_hash(seq).unwrap_or_default().to_hex(),
                    found: r.hash.to_hex(),
                })
            }
        };
        match self
            .sink
            .as_ref()
            .map(|s| s.read_back(0, self.log.len(), &mut walk))
        {
            Some(Some(result)) => result?,
            _ => return Ok(()),
        }
        cursor.finish()
    }

    /// Replaces the configuration (evidence-log.md 1.4): one
    /// `line.config_changed` receipt, also when nothing changes.
    pub fn change_config(&mut self, config: Config, reason: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        if config.name != self.config.name {
            return Err(Error::LineNameImmutable {
                name: self.config.name.clone(),
                offered: config.name,
            });
        }
        let value = config.to_value();
        let checked = Config::from_value(&value)?;
        crate::flow::check_config_change(self, &checked)?;
        let body = crate::obj! { "config" => value, "reason" => reason };
        self.commit(now, vec![Draft::new("line.config_changed", "line", body)])
    }

    /// Fails with `now_before_last_receipt` when `now` is in the past of
    /// the log. Every mutating operation calls this first. A journal that
    /// refuses appends (read-only, poisoned) fails the call before that,
    /// with `journal_read_only` or `journal_poisoned`.
    pub(crate) fn check_now(&self, now: Timestamp) -> Result<()> {
        if let Some(sink) = &self.sink {
            sink.ready()?;
        }
        let last_at = self.log.last_at();
        if now < last_at {
            return Err(Error::NowBeforeLastReceipt { now, last_at });
        }
        Ok(())
    }

    /// Seals `drafts` as one operation at `now`, writes them to the sink
    /// and applies them. An empty list changes nothing.
    pub(crate) fn commit(&mut self, now: Timestamp, drafts: Vec<Draft>) -> Result<()> {
        if drafts.is_empty() {
            return Ok(());
        }
        let first = self.log.len();
        let last = drafts.len() as u64 - 1;
        let mut prev = self.log.last_hash();
        let mut sealed = Vec::with_capacity(drafts.len());
        for (i, d) in (0..).zip(drafts) {
            let r = Receipt::seal(first + i, now, d.kind, &d.subject, d.body, last - i, prev)?;
            prev = r.hash;
            sealed.push(r);
        }
        if let Some(sink) = self.sink.as_mut() {
            sink.append(&sealed)?;
        }
        for r in sealed {
            // A planned receipt was validated by its operation; a refusal
            // here is a bug in that operation, reported rather than hidden.
            self.apply(&r)?;
            self.log.push(r);
        }
        Ok(())
    }

    /// Applies one receipt to the state: the only place state changes.
    pub(crate) fn apply(&mut self, r: &Receipt) -> Result<()> {
        self.apply_kind(r)?;
        // Kaizen keeps its facts (kaizen.md 2) as domain state, so its
        // metrics never need the receipts themselves.
        crate::kaizen::observe(self, r);
        Ok(())
    }

    fn apply_kind(&mut self, r: &Receipt) -> Result<()> {
        match r.kind.as_str() {
            "line.opened" => {
                self.config = opened_config(r)?;
                crate::quality::on_config_receipt(self, r.seq);
                Ok(())
            }
            "line.config_changed" => {
                let value = r.field("config").ok_or_else(|| missing(r, "config"))?;
                let config = Config::from_value(value)?;
                // A receipt the line would never have written: checkpoints
                // and proofs name the log by its name (1.4).
                if config.name != self.config.name {
                    return Err(Error::LineNameImmutable {
                        name: self.config.name.clone(),
                        offered: config.name,
                    });
                }
                let old = std::mem::replace(&mut self.config, config);
                crate::flow::on_config_changed(self, &old);
                crate::quality::on_config_receipt(self, r.seq);
                Ok(())
            }
            _ => {
                if crate::flow::apply(self, r)?
                    || crate::quality::apply(self, r)?
                    || crate::andon::apply(self, r)?
                    || crate::kaizen::apply(self, r)?
                {
                    Ok(())
                } else {
                    Err(Error::InvalidReceipt {
                        member: "kind".into(),
                        rule: format!("unknown receipt kind `{}`", r.kind),
                    })
                }
            }
        }
    }
}

/// Rebuilds a line one receipt at a time, for callers that check the
/// chain themselves (the journal does it while reading the file).
pub(crate) struct Replayer {
    line: Option<Line>,
    keep_receipts: bool,
}

impl Replayer {
    /// A replayer whose line keeps its receipts in memory or not (a
    /// journaled line reads them back from its file).
    pub(crate) fn new(keep_receipts: bool) -> Self {
        Self {
            line: None,
            keep_receipts,
        }
    }

    /// Applies the next receipt, whose chain links are already checked.
    pub(crate) fn push(&mut self, r: Receipt) -> Result<()> {
        if self.line.is_none() {
            let mut fresh = Line::empty(opened_config(&r)?);
            if !self.keep_receipts {
                fresh.log = Log::external();
            }
            self.line = Some(fresh);
        }
        let Some(line) = self.line.as_mut() else {
            return Ok(());
        };
        line.apply(&r)?;
        line.log.push(r);
        Ok(())
    }

    /// The line replayed so far, `None` before the first receipt.
    pub(crate) fn finish(self) -> Option<Line> {
        self.line
    }
}

fn opened_config(r: &Receipt) -> Result<Config> {
    if r.kind != "line.opened" {
        return Err(Error::InvalidReceipt {
            member: "kind".into(),
            rule: "the first receipt must be line.opened".into(),
        });
    }
    let value = r.field("config").ok_or_else(|| missing(r, "config"))?;
    Config::from_value(value)
}

/// The error for a receipt body that lacks a member its kind requires.
pub(crate) fn missing(r: &Receipt, member: &str) -> Error {
    Error::InvalidReceipt {
        member: format!("body/{member}"),
        rule: format!("{} requires it", r.kind),
    }
}

/// Reads a required body member of a receipt being applied.
pub(crate) fn body_field<'a>(r: &'a Receipt, member: &str) -> Result<&'a Value> {
    r.field(member).ok_or_else(|| missing(r, member))
}
