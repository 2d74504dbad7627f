//! The journal file (evidence-log.md 6): the log on disk, the only
//! persistent form of a line.
//!
//! A [`Journal`] is a [`Line`] whose receipts are written ahead to a
//! JSON Lines file. It dereferences to the `Line`, so every operation of
//! the line runs on it unchanged and persists through the line's
//! receipt sink: all receipts of an operation go to the file in one
//! write, the file is synced as [`Durability`] says, and only then does
//! the line take on its new state.
//!
//! ```
//! use tcps_core::flow::{Signal, SignalKind};
//! use tcps_core::journal::{Journal, JournalOptions};
//! use tcps_core::Config;
//!
//! # let dir = tempfile::tempdir().map_err(|e| tcps_core::Error::InvalidArgument {
//! #     argument: "tempdir".into(), reason: e.to_string() })?;
//! let path = dir.path().join("line.jsonl");
//! let t0 = 1_769_421_600_000;
//! let mut journal = Journal::open_or_create(&path, Config::standard(), t0, &JournalOptions::default())?;
//! if let Some(cut) = &journal.report().recovered {
//!     eprintln!("recovered a torn tail: {cut:?}");
//! }
//! // Any Line operation, written ahead to the file.
//! let bug = Signal::new(SignalKind::GithubIssue, "https://github.com/o/r/issues/1", "crash");
//! journal.intake(&bug, t0 + 1_000)?;
//! journal.close()?;
//!
//! let reopened = Journal::open(&path, &JournalOptions::default())?;
//! assert_eq!(reopened.len(), 2);
//! # Ok::<(), tcps_core::Error>(())
//! ```
//!
//! [`JournalFile`] opens the same file at the evidence layer only: it
//! checks bytes and chain (6.4 steps 1 to 5, 7 and 8) but replays
//! nothing into a `Line`, so it opens any journal, whatever its kinds.
//! `tcps verify`, `tcps checkpoint` and `tcps prove` use it.
//!
//! # Choices where the spec is silent
//!
//! - A read-only or poisoned journal refuses every mutating call of the
//!   line before the call runs, with `journal_read_only` or
//!   `journal_poisoned`, even a call that would find nothing to do.
//! - Lines are read whole, however long; a line over 1 MiB is then
//!   refused as `too_long` (or cut as a torn tail when it is the last
//!   line and no JSON text).
//! - The line index that lets a journaled line read a receipt back
//!   keeps the offset of every 32nd line, a quarter of a byte per
//!   receipt; reading receipt `seq` reads at most 31 lines before it.
//! - Dropping a `Journal` without [`Journal::close`] releases the lock
//!   but does not sync; with the default durability nothing is unsynced.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bundle::{self, EvidenceSource, ProofBundle};
use crate::chain::{ChainCursor, ChainEntry};
use crate::checkpoint::Checkpoint;
use crate::config::Config;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::line::{Line, ReceiptSink, Replayer};
use crate::merkle::MerkleTree;
use crate::receipt::{self, Receipt};
use crate::time::Timestamp;
use crate::value::{self, ParseFailure};

/// The longest journal line, its line feed not counted (6.4 step 3).
pub const MAX_LINE_BYTES: usize = 1_048_576;

/// Every how many lines the read-back index keeps an offset.
const INDEX_STRIDE: u64 = 32;

/// Buffer size for reading a journal.
const READ_BUFFER: usize = 1 << 20;

/// When the journal syncs the file (evidence-log.md 6.5).
///
/// [`Journal::commit`] syncs at once in every mode; [`Journal::close`]
/// syncs unless the mode is [`Durability::Never`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// Sync after every operation, before the call returns (the default).
    #[default]
    EveryAppend,
    /// Sync after an operation once this many receipts or more are
    /// unsynced; `Every(1)` equals `EveryAppend`, and so does `Every(0)`.
    Every(u64),
    /// Never sync by itself, only on [`Journal::commit`].
    Never,
}

/// How to open or create a journal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JournalOptions {
    /// When to sync (6.5).
    pub durability: Durability,
    /// A checkpoint the log must still match after the open (5.5, 6.4
    /// step 8), checked with the line's name as origin.
    pub anchor: Option<Checkpoint>,
}

impl JournalOptions {
    /// The defaults: sync after every append.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// These options with an anchor checkpoint.
    #[must_use]
    pub fn with_anchor(mut self, anchor: Checkpoint) -> Self {
        self.anchor = Some(anchor);
        self
    }

    /// These options with another durability.
    #[must_use]
    pub fn with_durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }
}

impl From<Durability> for JournalOptions {
    fn from(durability: Durability) -> Self {
        Self::new().with_durability(durability)
    }
}

/// What opening a journal found (evidence-log.md 6.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenReport {
    /// The journal path.
    pub path: String,
    /// Receipts in the log after recovery.
    pub receipts: u64,
    /// `seq` of the last receipt.
    pub last_seq: u64,
    /// `hash` of the last receipt.
    pub last_hash: Digest,
    /// The tree head of the whole log.
    pub tree_head: Digest,
    /// `None` when nothing was cut, else what was (or, read-only, what
    /// would have been).
    pub recovered: Option<Recovery>,
}

/// The torn tail that an open cut off, or left out when read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// Byte offset of the cut: the file's new length.
    pub offset: u64,
    /// Bytes cut.
    pub bytes: u64,
    /// Lines or partial lines cut.
    pub lines: u64,
    /// Every complete receipt dropped with an unfinished operation.
    pub dropped: Vec<DroppedReceipt>,
    /// Whether the file was truncated (false for a read-only open).
    pub truncated: bool,
}

/// A complete receipt dropped because its operation never finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedReceipt {
    /// Its `seq`.
    pub seq: u64,
    /// Its `hash`.
    pub hash: Digest,
}

/// What [`cut_from_line`] or [`Journal::truncate_from_line`] cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truncation {
    /// The journal path.
    pub path: String,
    /// The first line given up (1-based).
    pub line: u64,
    /// Byte offset of the cut: the file's new length.
    pub offset: u64,
    /// Bytes cut.
    pub bytes: u64,
    /// Lines or partial lines cut.
    pub lines: u64,
}

// ---------------------------------------------------------------------
// Journal: a Line written ahead to a file
// ---------------------------------------------------------------------

/// A [`Line`] persisted write-ahead to a journal file (6.2 to 6.7).
///
/// Dereferences to the line: call any `Line` operation on it.
#[derive(Debug)]
pub struct Journal {
    line: Line,
    report: OpenReport,
}

impl Deref for Journal {
    type Target = Line;

    fn deref(&self) -> &Line {
        &self.line
    }
}

impl DerefMut for Journal {
    fn deref_mut(&mut self) -> &mut Line {
        &mut self.line
    }
}

impl Journal {
    /// Creates a new journal holding the `line.opened` receipt of
    /// `config` at `now` (6.2). Fails with `journal_io` if `path` exists.
    pub fn create(
        path: impl AsRef<Path>,
        config: Config,
        now: Timestamp,
        options: &JournalOptions,
    ) -> Result<Self> {
        let path = path.as_ref();
        let line = Line::new(config, now)?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|e| io_error(path, "create", &e))?;
        let created = lock(&file, path).and_then(|()| Self::start(file, path, line, options));
        if created.is_err() {
            // The file is ours and holds no acknowledged receipt.
            let _ = std::fs::remove_file(path);
        }
        created
    }

    /// Opens an existing journal for writing: takes the lock, recovers
    /// a torn tail and replays every receipt into a fresh line (6.4).
    pub fn open(path: impl AsRef<Path>, options: &JournalOptions) -> Result<Self> {
        let path = path.as_ref();
        let file = open_for_writing(path)?;
        lock(&file, path)?;
        match open_locked(file, path, options)? {
            Opened::Line(journal) => Ok(*journal),
            Opened::Empty(_) => Err(Error::JournalEmpty {
                path: display(path),
            }),
        }
    }

    /// Opens the journal at `path`, or creates it where the path is
    /// missing or holds no receipt (6.2).
    pub fn open_or_create(
        path: impl AsRef<Path>,
        config: Config,
        now: Timestamp,
        options: &JournalOptions,
    ) -> Result<Self> {
        let path = path.as_ref();
        if !path.exists() {
            match Self::create(path, config.clone(), now, options) {
                Err(Error::JournalIo { op, .. }) if op == "create" && path.exists() => {}
                other => return other,
            }
        }
        let file = open_for_writing(path)?;
        lock(&file, path)?;
        match open_locked(file, path, options)? {
            Opened::Line(journal) => Ok(*journal),
            Opened::Empty(file) => {
                let line = Line::new(config, now)?;
                Self::start(file, path, line, options)
            }
        }
    }

    /// Opens a journal without the lock and without changing the file
    /// (6.7): a torn tail or unfinished operation is left in place, kept
    /// out of the replay and named in the report. Every mutating call
    /// fails with `journal_read_only`.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| io_error(path, "open", &e))?;
        let mut scan = Scan::new(path, true);
        let total = scan.run(&file)?;
        let outcome = scan.finish(total);
        if let Some(e) = outcome.rejected {
            return Err(e);
        }
        let Some(mut line) = outcome.line else {
            return Err(Error::JournalEmpty {
                path: display(path),
            });
        };
        let mut recovered = outcome.recovered;
        if let Some(r) = &mut recovered {
            r.truncated = false;
        }
        let sink = JournalSink {
            path: path.to_path_buf(),
            file,
            read_only: true,
            durability: Durability::Never,
            end: outcome.valid_end,
            count: line.log.len(),
            unsynced: 0,
            poisoned: false,
            index: outcome.index,
            buf: Vec::new(),
        };
        line.log.shrink_to_fit();
        let report = report_of(path, &line, recovered);
        line.sink = Some(Box::new(sink));
        Ok(Self { line, report })
    }

    /// Gives up everything from line `line` onward (6.4): takes the
    /// lock, cuts the file at the start of that line, syncs it and opens
    /// the journal. Nothing is cut when the file has fewer lines; line 1
    /// leaves an empty file, which then fails to open as
    /// `journal_empty`.
    pub fn truncate_from_line(
        path: impl AsRef<Path>,
        line: u64,
        options: &JournalOptions,
    ) -> Result<(Self, Truncation)> {
        let path = path.as_ref();
        let file = open_for_writing(path)?;
        lock(&file, path)?;
        let cut = cut_locked(&file, path, line)?;
        match open_locked(file, path, options)? {
            Opened::Line(journal) => Ok((*journal, cut)),
            Opened::Empty(_) => Err(Error::JournalEmpty {
                path: display(path),
            }),
        }
    }

    /// What the open found: sizes, the last receipt, the tree head and
    /// any recovered tail.
    #[must_use]
    pub fn report(&self) -> &OpenReport {
        &self.report
    }

    /// The journal path.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.sink().map_or(Path::new(""), |s| s.path.as_path())
    }

    /// Whether the journal was opened read-only.
    #[must_use]
    pub fn is_read_only(&self) -> bool {
        self.sink().is_none_or(|s| s.read_only)
    }

    /// Syncs the file now, in every durability mode (6.5).
    pub fn commit(&mut self) -> Result<()> {
        match self.sink_mut() {
            Some(sink) => sink.sync(),
            None => Ok(()),
        }
    }

    /// Syncs the file unless the mode is [`Durability::Never`] and
    /// releases the lock.
    pub fn close(mut self) -> Result<()> {
        match self.sink_mut() {
            Some(sink) if sink.durability != Durability::Never => sink.sync(),
            _ => Ok(()),
        }
    }

    /// The line, leaving the journal behind: later operations are no
    /// longer written anywhere.
    #[must_use]
    pub fn into_line(mut self) -> Line {
        self.line.sink = None;
        self.line
    }

    fn sink(&self) -> Option<&JournalSink> {
        let sink = self.line.sink.as_ref()?;
        sink.as_any().downcast_ref::<JournalSink>()
    }

    fn sink_mut(&mut self) -> Option<&mut JournalSink> {
        let sink = self.line.sink.as_mut()?;
        sink.as_any_mut().downcast_mut::<JournalSink>()
    }

    /// Writes the `line.opened` receipt of `line` into the empty, locked
    /// `file` and syncs file and directory.
    fn start(file: File, path: &Path, mut line: Line, options: &JournalOptions) -> Result<Self> {
        let mut sink = JournalSink {
            path: path.to_path_buf(),
            file,
            read_only: false,
            durability: options.durability,
            end: 0,
            count: 0,
            unsynced: 0,
            poisoned: false,
            index: Vec::new(),
            buf: Vec::new(),
        };
        let opened = line
            .log
            .get(0)
            .cloned()
            .ok_or_else(|| Error::JournalEmpty {
                path: display(path),
            })?;
        sink.write(std::slice::from_ref(&opened))?;
        // The write synced already unless the mode defers it.
        if sink.unsynced > 0 {
            sink.sync()?;
        }
        sync_dir(path)?;
        line.log.drop_receipts();
        let report = report_of(path, &line, None);
        line.sink = Some(Box::new(sink));
        Ok(Self { line, report })
    }
}

/// Takes the lock on `path` and cuts the file at the start of line
/// `line` (1-based), then releases the lock; see
/// [`Journal::truncate_from_line`], which also opens the journal.
pub fn cut_from_line(path: impl AsRef<Path>, line: u64) -> Result<Truncation> {
    let path = path.as_ref();
    let file = open_for_writing(path)?;
    lock(&file, path)?;
    cut_locked(&file, path, line)
}

fn cut_locked(file: &File, path: &Path, line: u64) -> Result<Truncation> {
    if line == 0 {
        return Err(Error::InvalidArgument {
            argument: "line".into(),
            reason: "lines are numbered from 1".into(),
        });
    }
    let total = file
        .metadata()
        .map_err(|e| io_error(path, "open", &e))?
        .len();
    let mut reader = BufReader::with_capacity(READ_BUFFER, file);
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| io_error(path, "open", &e))?;
    let mut offset = 0u64;
    let mut seen = 1u64;
    while seen < line {
        let skipped = skip_line(&mut reader).map_err(|e| io_error(path, "open", &e))?;
        if skipped == 0 {
            break;
        }
        offset += skipped;
        seen += 1;
    }
    let mut lines = 0;
    if offset < total {
        // Count the lines (or partial last line) given up.
        let mut rest = 0;
        while rest < total - offset {
            let n = skip_line(&mut reader).map_err(|e| io_error(path, "open", &e))?;
            if n == 0 {
                break;
            }
            rest += n;
            lines += 1;
        }
        file.set_len(offset)
            .map_err(|e| io_error(path, "truncate", &e))?;
        file.sync_data().map_err(|e| io_error(path, "sync", &e))?;
    }
    Ok(Truncation {
        path: display(path),
        line,
        offset,
        bytes: total - offset,
        lines,
    })
}

/// Reads past one line (its line feed included) without keeping it.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<u64> {
    let mut count = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(count);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(count + i as u64 + 1);
        }
        let n = buf.len();
        reader.consume(n);
        count += n as u64;
    }
}

enum Opened {
    Line(Box<Journal>),
    /// No receipt remains; the locked file, now empty.
    Empty(File),
}

/// 6.4 on a locked file: read, check, cut, replay.
fn open_locked(file: File, path: &Path, options: &JournalOptions) -> Result<Opened> {
    let mut scan = Scan::new(path, true);
    let total = scan.run(&file)?;
    let outcome = scan.finish(total);
    if outcome.valid_end < total {
        file.set_len(outcome.valid_end)
            .map_err(|e| io_error(path, "truncate", &e))?;
        file.sync_data().map_err(|e| io_error(path, "sync", &e))?;
    }
    if let Some(e) = outcome.rejected {
        return Err(e);
    }
    let Some(mut line) = outcome.line else {
        return Ok(Opened::Empty(file));
    };
    if let Some(anchor) = &options.anchor {
        line.verify_checkpoint(anchor, None)?;
    }
    let sink = JournalSink {
        path: path.to_path_buf(),
        file,
        read_only: false,
        durability: options.durability,
        end: outcome.valid_end,
        count: line.log.len(),
        unsynced: 0,
        poisoned: false,
        index: outcome.index,
        buf: Vec::new(),
    };
    line.log.shrink_to_fit();
    let report = report_of(path, &line, outcome.recovered);
    line.sink = Some(Box::new(sink));
    Ok(Opened::Line(Box::new(Journal { line, report })))
}

fn report_of(path: &Path, line: &Line, recovered: Option<Recovery>) -> OpenReport {
    let receipts = line.log.len();
    OpenReport {
        path: display(path),
        receipts,
        last_seq: receipts.saturating_sub(1),
        last_hash: line.log.last_hash(),
        tree_head: line.log.tree().root(),
        recovered,
    }
}

// ---------------------------------------------------------------------
// The sink: writing ahead, syncing, reading back
// ---------------------------------------------------------------------

/// The journal file as a line's receipt sink.
#[derive(Debug)]
struct JournalSink {
    path: PathBuf,
    file: File,
    read_only: bool,
    durability: Durability,
    /// Length of the valid file: where the next line goes.
    end: u64,
    /// Receipts in the file.
    count: u64,
    /// Receipts written since the last sync.
    unsynced: u64,
    /// An earlier write or sync failed (6.3).
    poisoned: bool,
    /// Offset of the line of `seq` `i * INDEX_STRIDE`.
    index: Vec<u64>,
    /// The lines of the operation being written, reused.
    buf: Vec<u8>,
}

impl JournalSink {
    fn write(&mut self, receipts: &[Receipt]) -> Result<()> {
        self.ready()?;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let mut marks = Vec::new();
        for r in receipts {
            if r.seq.is_multiple_of(INDEX_STRIDE) {
                marks.push(self.end + buf.len() as u64);
            }
            r.write_line(&mut buf);
        }
        let written = file_io::write_all(&mut self.file, &buf);
        let len = buf.len() as u64;
        // Keep a buffer of the usual size, not the largest ever seen.
        if buf.capacity() <= 64 * 1024 {
            self.buf = buf;
        }
        if let Err(e) = written {
            if file_io::set_len(&self.file, self.end).is_err() {
                self.poisoned = true;
            }
            return Err(io_error(&self.path, "write", &e));
        }
        self.end += len;
        self.count += receipts.len() as u64;
        self.unsynced += receipts.len() as u64;
        self.index.extend(marks);
        let due = match self.durability {
            Durability::EveryAppend => true,
            Durability::Every(n) => self.unsynced >= n,
            Durability::Never => false,
        };
        if due {
            self.sync()?;
        }
        Ok(())
    }

    fn sync(&mut self) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        if let Err(e) = file_io::sync_data(&self.file) {
            self.poisoned = true;
            return Err(io_error(&self.path, "sync", &e));
        }
        self.unsynced = 0;
        Ok(())
    }
}

/// The sink's three calls on its file. Unit tests swap in doubles that
/// count the calls and fail on demand (6.3, 6.5).
#[cfg(not(test))]
mod file_io {
    use std::fs::File;
    use std::io::{Result, Write};

    pub(super) fn write_all(file: &mut File, buf: &[u8]) -> Result<()> {
        file.write_all(buf)
    }

    pub(super) fn set_len(file: &File, len: u64) -> Result<()> {
        file.set_len(len)
    }

    pub(super) fn sync_data(file: &File) -> Result<()> {
        file.sync_data()
    }
}

/// Test doubles of the sink's file calls: per-thread counters of write
/// and sync calls, and switches that make them fail.
#[cfg(test)]
mod file_io {
    use std::cell::Cell;
    use std::fs::File;
    use std::io::{Error, Result, Write};

    thread_local! {
        /// Write calls that reached the file.
        pub(super) static WRITES: Cell<u64> = const { Cell::new(0) };
        /// Sync calls.
        pub(super) static SYNCS: Cell<u64> = const { Cell::new(0) };
        /// Writes fail once this many bytes of a buffer reached the file.
        pub(super) static FAIL_WRITE_AFTER: Cell<Option<usize>> = const { Cell::new(None) };
        /// Truncation fails.
        pub(super) static FAIL_TRUNCATE: Cell<bool> = const { Cell::new(false) };
        /// Sync fails.
        pub(super) static FAIL_SYNC: Cell<bool> = const { Cell::new(false) };
    }

    /// A file that counts the write calls `write_all` makes on it.
    struct Counted<'a> {
        file: &'a mut File,
        written: usize,
    }

    impl Write for Counted<'_> {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            let limit = FAIL_WRITE_AFTER.get().unwrap_or(usize::MAX);
            if self.written >= limit {
                return Err(Error::other("injected write failure"));
            }
            WRITES.set(WRITES.get() + 1);
            let take = buf.len().min(limit - self.written);
            let n = self.file.write(&buf[..take])?;
            self.written += n;
            Ok(n)
        }

        fn flush(&mut self) -> Result<()> {
            self.file.flush()
        }
    }

    pub(super) fn write_all(file: &mut File, buf: &[u8]) -> Result<()> {
        Counted { file, written: 0 }.write_all(buf)
    }

    pub(super) fn set_len(file: &File, len: u64) -> Result<()> {
        if FAIL_TRUNCATE.get() {
            return Err(Error::other("injected truncate failure"));
        }
        file.set_len(len)
    }

    pub(super) fn sync_data(file: &File) -> Result<()> {
        SYNCS.set(SYNCS.get() + 1);
        if FAIL_SYNC.get() {
            return Err(Error::other("injected sync failure"));
        }
        file.sync_data()
    }
}

impl ReceiptSink for JournalSink {
    fn append(&mut self, receipts: &[Receipt]) -> Result<()> {
        self.write(receipts)
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn ready(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::JournalReadOnly {
                path: display(&self.path),
            });
        }
        if self.poisoned {
            return Err(Error::JournalPoisoned {
                path: display(&self.path),
            });
        }
        Ok(())
    }

    fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Option<Result<()>> {
        Some(read_back(
            &self.file,
            &self.path,
            &self.index,
            self.end,
            from,
            to.min(self.count),
            visit,
        ))
    }
}

/// Reads the receipts `from..to` of a journal file through its index.
fn read_back(
    file: &File,
    path: &Path,
    index: &[u64],
    end: u64,
    from: u64,
    to: u64,
    visit: &mut dyn FnMut(Receipt) -> Result<()>,
) -> Result<()> {
    if from >= to {
        return Ok(());
    }
    let slot = (from / INDEX_STRIDE) as usize;
    let Some(&start) = index.get(slot).or(index.last()) else {
        return Ok(());
    };
    let mut seq = (slot.min(index.len() - 1) as u64) * INDEX_STRIDE;
    let mut handle = file;
    handle
        .seek(SeekFrom::Start(start))
        .map_err(|e| io_error(path, "read", &e))?;
    let mut reader = BufReader::with_capacity(READ_BUFFER, handle.take(end - start));
    let mut line = Vec::with_capacity(1024);
    let mut offset = start;
    while seq < to {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| io_error(path, "read", &e))?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Err(corrupt(
                path,
                seq + 1,
                offset,
                "io",
                "the file ended before the line",
            ));
        }
        if seq >= from {
            let bytes = &line[..n - 1];
            let r =
                Receipt::from_json(bytes).map_err(|e| corrupt_from(path, seq + 1, offset, &e))?;
            if r.seq != seq {
                return Err(corrupt(
                    path,
                    seq + 1,
                    offset,
                    "seq_gap",
                    &format!("expected {seq}, found {}", r.seq),
                ));
            }
            visit(r)?;
        }
        offset += n as u64;
        seq += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------
// JournalFile: the evidence layer alone
// ---------------------------------------------------------------------

/// A journal opened at the evidence layer only (6.4 without step 6):
/// bytes and chain are checked and the Merkle tree is built, but no
/// receipt is replayed into a [`Line`], so any journal opens, whatever
/// its kinds and bodies.
#[derive(Debug)]
pub struct JournalFile {
    sink: JournalSink,
    name: String,
    tree: MerkleTree,
    /// The chain after the last receipt, for appends.
    cursor: ChainCursor,
    report: OpenReport,
}

impl JournalFile {
    /// Opens for writing: takes the lock and cuts a torn tail, as
    /// [`Journal::open`] does, but replays nothing. The lock is held
    /// until the value is dropped.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = open_for_writing(path)?;
        lock(&file, path)?;
        Self::scan(file, path, true, None)
    }

    /// [`JournalFile::open`], then checks `anchor` against the log with
    /// the line's name as origin (6.4 step 8).
    pub fn open_anchored(path: impl AsRef<Path>, anchor: &Checkpoint) -> Result<Self> {
        let journal = Self::open(path)?;
        journal.verify_checkpoint(anchor, None)?;
        Ok(journal)
    }

    /// Opens without the lock and without changing the file (6.7).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| io_error(path, "open", &e))?;
        Self::scan(file, path, false, None)
    }

    /// [`JournalFile::open_read_only`], telling `progress` the bytes
    /// read so far and the file's length about every mebibyte (for a
    /// progress bar over a large journal).
    pub fn open_read_only_with_progress(
        path: impl AsRef<Path>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| io_error(path, "open", &e))?;
        Self::scan(file, path, false, Some(progress))
    }

    fn scan<'a>(
        file: File,
        path: &'a Path,
        write: bool,
        progress: Option<&'a mut dyn FnMut(u64, u64)>,
    ) -> Result<Self> {
        let mut scan = Scan::new(path, false);
        scan.progress = progress;
        let total = scan.run(&file)?;
        let mut outcome = scan.finish(total);
        if write && outcome.valid_end < total {
            file.set_len(outcome.valid_end)
                .map_err(|e| io_error(path, "truncate", &e))?;
            file.sync_data().map_err(|e| io_error(path, "sync", &e))?;
        }
        if !write && let Some(r) = &mut outcome.recovered {
            r.truncated = false;
        }
        let mut tree = outcome.tree;
        if tree.is_empty() {
            return Err(Error::JournalEmpty {
                path: display(path),
            });
        }
        tree.shrink_to_fit();
        let receipts = tree.len();
        let report = OpenReport {
            path: display(path),
            receipts,
            last_seq: receipts - 1,
            last_hash: tree.leaf(receipts - 1).unwrap_or_default(),
            tree_head: tree.root(),
            recovered: outcome.recovered,
        };
        let cursor = ChainCursor {
            len: receipts,
            prev: report.last_hash,
            last_at: outcome.last_at,
            last_more: 0,
        };
        let sink = JournalSink {
            path: path.to_path_buf(),
            file,
            read_only: !write,
            durability: Durability::EveryAppend,
            end: outcome.valid_end,
            count: receipts,
            unsynced: 0,
            poisoned: false,
            index: outcome.index,
            buf: Vec::new(),
        };
        Ok(Self {
            sink,
            name: outcome.name,
            tree,
            cursor,
            report,
        })
    }

    /// Appends the receipts of one operation (6.3) after checking that
    /// they continue the chain (3.2): one write, then a sync. Fails with
    /// `journal_read_only` on a read-only open and `chain_broken` for
    /// receipts that do not follow the log or leave an operation open.
    pub fn append(&mut self, receipts: &[Receipt]) -> Result<()> {
        self.sink.ready()?;
        let mut cursor = self.cursor;
        for r in receipts {
            cursor.step(r, &r.leaf_hash())?;
        }
        cursor.finish()?;
        self.sink.write(receipts)?;
        for r in receipts {
            self.tree.push(r.hash);
        }
        self.cursor = cursor;
        Ok(())
    }

    /// Byte length of the valid journal: where the next line goes.
    #[must_use]
    pub fn end(&self) -> u64 {
        self.sink.end
    }

    /// What the open found.
    #[must_use]
    pub fn report(&self) -> &OpenReport {
        &self.report
    }

    /// The line's name, from the configuration of `line.opened` (the
    /// default checkpoint origin); empty if that receipt names none.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Merkle tree over the log.
    #[must_use]
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// Number of receipts.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.tree.len()
    }

    /// Never true: an open journal holds at least `line.opened`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// Reads the receipts `from..to` back from the file, in order.
    pub fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Result<()> {
        let sink = &self.sink;
        let to = to.min(self.tree.len());
        read_back(
            &sink.file,
            &sink.path,
            &sink.index,
            sink.end,
            from,
            to,
            visit,
        )
    }

    /// The tree head of the first `size` receipts (4.1).
    pub fn tree_head(&self, size: u64) -> Result<Digest> {
        self.tree.tree_head(size)
    }

    /// The inclusion proof of receipt `index` in the tree of `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>> {
        self.tree.inclusion_proof(index, size)
    }

    /// The consistency proof from `old` to `new` receipts.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Digest>> {
        self.tree.consistency_proof(old, new)
    }

    /// The checkpoint of the first `size` receipts under the line's name.
    pub fn checkpoint(&self, size: u64) -> Result<Checkpoint> {
        Checkpoint::from_log(&self.tree, size, &self.name)
    }

    /// Checks a checkpoint against the log (5.5), with the line's name
    /// as the expected origin unless `origin` is given.
    pub fn verify_checkpoint(&self, checkpoint: &Checkpoint, origin: Option<&str>) -> Result<()> {
        checkpoint.check_against(&self.tree, origin.unwrap_or(&self.name))
    }

    /// The proof bundle of `subject` (7.1); see [`Line::proof_bundle`].
    pub fn proof_bundle(
        &self,
        subject: &str,
        size: Option<u64>,
        checkpoint: Option<&[u8]>,
    ) -> Result<ProofBundle> {
        bundle::build(self, subject, size, checkpoint)
    }

    /// The receipt with this `seq`.
    pub fn receipt(&self, seq: u64) -> Result<Receipt> {
        let mut found = None;
        self.read_back(seq, seq + 1, &mut |r| {
            found = Some(r);
            Ok(())
        })?;
        found.ok_or(Error::SizeOutOfRange {
            asked: seq,
            size: self.tree.len(),
        })
    }
}

impl EvidenceSource for JournalFile {
    fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    fn origin(&self) -> &str {
        &self.name
    }

    fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Result<()> {
        JournalFile::read_back(self, from, to, visit)
    }
}

// ---------------------------------------------------------------------
// Scanning: 6.4 steps 1 to 4, one line at a time
// ---------------------------------------------------------------------

/// Checks a journal given as bytes, at the evidence layer (6.4 steps 1
/// to 5 and 7, without touching any file): the report of what an open
/// would keep and cut, or the error it would fail with.
///
/// This is what the fuzz target `journal_open` drives.
pub fn check_bytes(bytes: &[u8]) -> Result<OpenReport> {
    let path = Path::new("<bytes>");
    let mut scan = Scan::new(path, false);
    let total = scan.run_reader(bytes)?;
    let outcome = scan.finish(total);
    let tree = outcome.tree;
    if tree.is_empty() {
        return Err(Error::JournalEmpty {
            path: display(path),
        });
    }
    Ok(OpenReport {
        path: display(path),
        receipts: tree.len(),
        last_seq: tree.len() - 1,
        last_hash: tree.leaf(tree.len() - 1).unwrap_or_default(),
        tree_head: tree.root(),
        recovered: outcome.recovered,
    })
}

/// One checked line of the operation in progress.
struct Pending {
    offset: u64,
    /// Bytes of the line, its line feed included.
    len: u64,
    seq: u64,
    at: Timestamp,
    hash: Digest,
    receipt: Option<Receipt>,
}

/// What a line check found wrong (6.4 step 3).
enum LineFault {
    TooLong(usize),
    Parse { column: usize, message: String },
    Value(Error),
    Invalid(Error),
    NotCanonical(usize),
}

impl LineFault {
    /// Whether the line is no JSON text at all (6.4 step 2: torn).
    fn is_torn(&self, bytes: &[u8]) -> bool {
        match self {
            Self::Parse { .. } => true,
            Self::TooLong(_) | Self::Value(_) => !value::is_json_text(bytes),
            Self::Invalid(_) | Self::NotCanonical(_) => false,
        }
    }

    fn into_error(self, path: &Path, line: u64, offset: u64) -> Error {
        match self {
            Self::TooLong(n) => corrupt(
                path,
                line,
                offset,
                "too_long",
                &format!("{n} bytes, limit {MAX_LINE_BYTES}"),
            ),
            Self::Parse { column, message } => corrupt(
                path,
                line,
                offset,
                "parse_error",
                &format!("column {column}: {message}"),
            ),
            Self::Value(e) | Self::Invalid(e) => corrupt_from(path, line, offset, &e),
            Self::NotCanonical(column) => corrupt(
                path,
                line,
                offset,
                "not_canonical",
                &format!("differs from the rfc 8785 form of its receipt at column {column}"),
            ),
        }
    }
}

/// A line that passed 6.4 step 3.
struct Checked {
    receipt: Receipt,
    leaf: Digest,
}

/// Step 3 for one line (without its line feed).
fn check_line(bytes: &[u8]) -> std::result::Result<Checked, LineFault> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(LineFault::TooLong(bytes.len()));
    }
    let value = value::parse(bytes).map_err(|f| match f {
        ParseFailure::Syntax { offset, message } => LineFault::Parse {
            column: offset + 1,
            message,
        },
        ParseFailure::Value(e) => LineFault::Value(e),
    })?;
    let receipt = Receipt::from_value(value, bytes.len()).map_err(LineFault::Invalid)?;
    let canonical = receipt.canonical_bytes();
    let mut written = Vec::with_capacity(bytes.len());
    receipt.write_line(&mut written);
    written.pop();
    if written != bytes {
        let column = written
            .iter()
            .zip(bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(written.len().min(bytes.len()));
        return Err(LineFault::NotCanonical(column + 1));
    }
    Ok(Checked {
        leaf: receipt::leaf_hash(&canonical),
        receipt,
    })
}

/// The bytes of a journal being read, through one buffer.
struct Source<R> {
    reader: R,
    buf: Vec<u8>,
    /// Valid bytes in `buf`.
    len: usize,
    /// Start of the unread part of `buf`.
    pos: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
}

impl<R: Read> Source<R> {
    /// File offset of the unread part.
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn rest(&self) -> &[u8] {
        &self.buf[self.pos..self.len]
    }

    /// Moves the unread part to the front and reads more after it,
    /// growing the buffer for a line longer than it.
    fn fill(&mut self) -> std::io::Result<()> {
        self.buf.copy_within(self.pos..self.len, 0);
        self.base += self.pos as u64;
        self.len -= self.pos;
        self.pos = 0;
        if self.len == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether a complete line follows, reading ahead as needed.
    fn has_line(&mut self) -> std::io::Result<bool> {
        loop {
            if self.rest().contains(&b'\n') {
                return Ok(true);
            }
            if self.eof {
                return Ok(false);
            }
            self.fill()?;
        }
    }
}

/// What a whole scan found.
struct Outcome {
    /// Where the valid part of the file ends (the cut point c).
    valid_end: u64,
    recovered: Option<Recovery>,
    /// The replayed line (replay mode), `None` if no receipt remains.
    line: Option<Line>,
    /// The first refusal of the replay (`journal_replay_rejected`).
    rejected: Option<Error>,
    /// The tree (evidence mode).
    tree: MerkleTree,
    /// The line's name (evidence mode).
    name: String,
    index: Vec<u64>,
    /// `at` of the last receipt kept.
    last_at: Timestamp,
}

/// The scanning state: 6.4 steps 1 to 4 as the lines go by, feeding
/// every finished operation to the replay or the tree.
struct Scan<'p> {
    path: &'p Path,
    /// Told the bytes read so far and the total, about every mebibyte.
    progress: Option<&'p mut dyn FnMut(u64, u64)>,
    /// Total bytes to read, for the progress callback.
    total: u64,
    replay: Option<Replayer>,
    rejected: Option<Error>,
    tree: MerkleTree,
    name: String,
    cursor: ChainCursor,
    pending: Vec<Pending>,
    index: Vec<u64>,
    lines: u64,
    /// End of the last line taken into the log.
    valid_end: u64,
    /// Start of the torn last line, if step 2 cut one.
    torn_line: Option<u64>,
    /// Bytes after the last line feed (step 1).
    tail_len: u64,
    /// `at` of the last receipt taken into the log.
    last_at: Timestamp,
}

impl<'p> Scan<'p> {
    fn new(path: &'p Path, replay: bool) -> Self {
        Self {
            path,
            progress: None,
            total: 0,
            replay: replay.then(|| Replayer::new(false)),
            rejected: None,
            tree: MerkleTree::new(),
            name: String::new(),
            cursor: ChainCursor::default(),
            pending: Vec::new(),
            index: Vec::new(),
            lines: 0,
            valid_end: 0,
            torn_line: None,
            tail_len: 0,
            last_at: i64::MIN,
        }
    }

    /// Reads the whole file from its start; returns its length.
    fn run(&mut self, file: &File) -> Result<u64> {
        let mut handle = file;
        let total = handle
            .metadata()
            .map_err(|e| io_error(self.path, "open", &e))?
            .len();
        handle
            .seek(SeekFrom::Start(0))
            .map_err(|e| io_error(self.path, "open", &e))?;
        // A writer may append while a read-only open reads: stop at the
        // length seen at the start.
        self.total = total;
        let read = self.run_reader(handle.take(total))?;
        Ok(read)
    }

    /// Feeds every line of `reader` through the checks; returns the
    /// number of bytes read.
    ///
    /// Lines are checked in place in a large buffer. Whether a line is
    /// the last one (6.4 step 2) matters only for a line that fails, so
    /// only then does the reader look ahead for another line feed.
    fn run_reader(&mut self, reader: impl Read) -> Result<u64> {
        let mut src = Source {
            reader,
            buf: vec![0; READ_BUFFER],
            len: 0,
            pos: 0,
            base: 0,
            eof: false,
        };
        let mut told = 0u64;
        loop {
            if let Some(progress) = &mut self.progress
                && src.offset() >= told + (1 << 20)
            {
                told = src.offset();
                progress(told, self.total);
            }
            let offset = src.offset();
            if let Some(used) = self.fast_line(offset, src.rest())? {
                src.pos += used;
                continue;
            }
            let Some(i) = src.rest().iter().position(|&b| b == b'\n') else {
                if src.eof {
                    // Step 1: the bytes after the last line feed are torn.
                    self.tail_len = src.rest().len() as u64;
                    return Ok(src.offset() + self.tail_len);
                }
                src.fill().map_err(|e| io_error(self.path, "open", &e))?;
                continue;
            };
            let Some(fault) = self.slow_line(offset, &src.rest()[..i])? else {
                src.pos += i + 1;
                continue;
            };
            let bytes = src.rest()[..i].to_vec();
            src.pos += i + 1;
            let last = !src
                .has_line()
                .map_err(|e| io_error(self.path, "open", &e))?;
            if last && fault.is_torn(&bytes) {
                // Step 2: a torn last line, then the torn tail after it.
                self.torn_line = Some(offset);
                self.tail_len = src.rest().len() as u64;
                return Ok(src.offset() + self.tail_len);
            }
            return Err(fault.into_error(self.path, self.lines, offset));
        }
    }

    /// A canonical line at the start of `rest`, followed by its line
    /// feed, checked and taken; the bytes used, or `None` to let the
    /// strict path decide.
    fn fast_line(&mut self, offset: u64, rest: &[u8]) -> Result<Option<usize>> {
        let Some((f, end)) = fast::read_prefix(rest) else {
            return Ok(None);
        };
        if end > MAX_LINE_BYTES || rest.get(end) != Some(&b'\n') {
            return Ok(None);
        }
        let want_receipt = self.replay.is_some() && self.rejected.is_none();
        let receipt = if want_receipt || f.seq == 0 {
            // The body is canonical, so the strict reader takes it.
            let Ok(body) = value::parse(f.body) else {
                return Ok(None);
            };
            Some(Receipt {
                seq: f.seq,
                at: f.at,
                kind: f.kind.to_owned(),
                subject: f.subject.to_owned(),
                body,
                more: f.more,
                prev: f.prev,
                hash: f.hash,
            })
        } else {
            None
        };
        self.lines += 1;
        let entry = ChainEntry {
            seq: f.seq,
            at: f.at,
            kind: f.kind,
            subject: f.subject,
            more: f.more,
            prev: f.prev,
            hash: f.hash,
        };
        self.cursor
            .step_entry(&entry, &f.leaf)
            .map_err(|e| chain_corrupt(self.path, self.lines, offset, &e))?;
        self.accept(offset, end, f.seq, f.at, f.more, f.hash, receipt);
        Ok(Some(end + 1))
    }

    /// Steps 3 and 4 for a complete line the fast path did not take:
    /// `Some` fault when the line fails step 3 (the caller decides
    /// whether it is a torn last line).
    fn slow_line(&mut self, offset: u64, bytes: &[u8]) -> Result<Option<LineFault>> {
        self.lines += 1;
        let checked = match check_line(bytes) {
            Ok(c) => c,
            Err(fault) => return Ok(Some(fault)),
        };
        let r = checked.receipt;
        self.cursor
            .step_entry(&ChainEntry::of(&r), &checked.leaf)
            .map_err(|e| chain_corrupt(self.path, self.lines, offset, &e))?;
        let (seq, at, more, hash) = (r.seq, r.at, r.more, r.hash);
        self.accept(offset, bytes.len(), seq, at, more, hash, Some(r));
        Ok(None)
    }

    /// Takes a checked line into the operation in progress.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        offset: u64,
        len: usize,
        seq: u64,
        at: Timestamp,
        more: u64,
        hash: Digest,
        receipt: Option<Receipt>,
    ) {
        if seq.is_multiple_of(INDEX_STRIDE) {
            self.index.push(offset);
        }
        if seq == 0
            && let Some(r) = &receipt
        {
            self.name.clear();
            let name = r.body.get("config").and_then(|c| c.get("name"));
            self.name
                .push_str(name.and_then(|n| n.as_str()).unwrap_or_default());
        }
        let keep = self.replay.is_some() && self.rejected.is_none();
        self.pending.push(Pending {
            offset,
            len: len as u64 + 1,
            seq,
            at,
            hash,
            receipt: if keep { receipt } else { None },
        });
        if more == 0 {
            self.flush();
        }
    }

    /// Takes the finished operation into the log.
    fn flush(&mut self) {
        for p in self.pending.drain(..) {
            self.valid_end = p.offset + p.len;
            self.last_at = p.at;
            match (&mut self.replay, p.receipt) {
                (Some(replayer), Some(r)) if self.rejected.is_none() => {
                    let line = p.seq + 1;
                    if let Err(e) = replayer.push(r) {
                        self.rejected = Some(Error::JournalReplayRejected {
                            path: display(self.path),
                            line,
                            error: Box::new(e),
                        });
                    }
                }
                (Some(_), _) => {}
                (None, _) => self.tree.push(p.hash),
            }
        }
    }

    /// Step 4's exception and the recovery report.
    fn finish(mut self, total: u64) -> Outcome {
        let dropped: Vec<DroppedReceipt> = self
            .pending
            .iter()
            .map(|p| DroppedReceipt {
                seq: p.seq,
                hash: p.hash,
            })
            .collect();
        // An unfinished operation at the end is cut; index entries of its
        // lines go with it.
        let mut lines = dropped.len() as u64;
        if let Some(first) = self.pending.first() {
            let cut = first.offset;
            while self.index.last().is_some_and(|&o| o >= cut) {
                self.index.pop();
            }
        }
        self.pending.clear();
        if self.torn_line.is_some() {
            lines += 1;
        }
        if self.tail_len > 0 {
            lines += 1;
        }
        let valid_end = self.valid_end;
        let recovered = (valid_end < total).then(|| Recovery {
            offset: valid_end,
            bytes: total - valid_end,
            lines,
            dropped,
            truncated: true,
        });
        let line = self.replay.take().and_then(Replayer::finish);
        Outcome {
            valid_end,
            recovered,
            line,
            rejected: self.rejected,
            tree: self.tree,
            name: self.name,
            index: self.index,
            last_at: self.last_at,
        }
    }
}

// ---------------------------------------------------------------------
// Helpers: errors, locking, files
// ---------------------------------------------------------------------

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn io_error(path: &Path, op: &str, e: &std::io::Error) -> Error {
    Error::JournalIo {
        path: display(path),
        op: op.to_owned(),
        message: e.to_string(),
    }
}

fn corrupt(path: &Path, line: u64, offset: u64, reason: &str, detail: &str) -> Error {
    Error::JournalCorrupt {
        path: display(path),
        line,
        offset,
        reason: reason.to_owned(),
        detail: detail.to_owned(),
    }
}

/// `journal_corrupt` for a line whose receipt broke a rule of 1.1 to 1.3.
fn corrupt_from(path: &Path, line: u64, offset: u64, e: &Error) -> Error {
    corrupt(path, line, offset, e.name(), &e.to_string())
}

/// `journal_corrupt` for a chain failure (6.4 step 4).
fn chain_corrupt(path: &Path, line: u64, offset: u64, e: &Error) -> Error {
    match e {
        Error::ChainBroken {
            kind,
            expected,
            found,
            ..
        } => corrupt(
            path,
            line,
            offset,
            kind.as_str(),
            &format!("expected {expected}, found {found}"),
        ),
        other => corrupt_from(path, line, offset, other),
    }
}

fn open_for_writing(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| io_error(path, "open", &e))
}

/// Takes the exclusive lock without waiting (6.6).
fn lock(file: &File, path: &Path) -> Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::JournalLocked {
            path: display(path),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(path, "lock", &e)),
    }
}

/// Syncs the directory holding `path`, so a new entry survives a power
/// loss (6.2). Only Unix can open a directory for that.
fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error(path, "sync", &e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

// ---------------------------------------------------------------------
// The fast path: one pass over a canonical line
// ---------------------------------------------------------------------

/// Reads a journal line that is exactly canonical in one pass, without
/// building values: the envelope members, where the body is and the
/// leaf hash. Any line it does not accept goes through the strict
/// reader and the byte comparison of 6.1, which name the fault; so this
/// path decides nothing on its own, it only makes the common case fast.
mod fast {
    use sha2::{Digest as _, Sha256};

    use crate::digest::Digest;
    use crate::receipt::{valid_kind, valid_subject};
    use crate::value::{MAX_DEPTH, MAX_SAFE_INT};

    /// The members of a canonical journal line.
    pub(super) struct Line<'a> {
        pub(super) at: i64,
        pub(super) body: &'a [u8],
        pub(super) hash: Digest,
        pub(super) kind: &'a str,
        pub(super) more: u64,
        pub(super) prev: Digest,
        pub(super) seq: u64,
        pub(super) subject: &'a str,
        /// `H(0x00 || canonical bytes)`, from the line without `hash`.
        pub(super) leaf: Digest,
    }

    struct Cursor<'a> {
        b: &'a [u8],
        pos: usize,
    }

    /// The line, if it is exactly the canonical form of a valid receipt.
    #[cfg(test)]
    pub(super) fn read(bytes: &[u8]) -> Option<Line<'_>> {
        read_prefix(bytes)
            .filter(|(_, end)| *end == bytes.len())
            .map(|(line, _)| line)
    }

    /// The canonical line at the start of `bytes` and where it ends.
    pub(super) fn read_prefix(bytes: &[u8]) -> Option<(Line<'_>, usize)> {
        let mut c = Cursor { b: bytes, pos: 0 };
        c.lit(b"{\"at\":")?;
        let at = c.int()?;
        c.lit(b",\"body\":")?;
        let body_start = c.pos;
        if c.peek()? != b'{' {
            return None;
        }
        c.value(2)?;
        let body_end = c.pos;
        c.lit(b",\"hash\":\"")?;
        let hash = c.digest()?;
        c.lit(b"\"")?;
        let hash_end = c.pos;
        c.lit(b",\"kind\":\"")?;
        let kind = c.plain()?;
        c.lit(b",\"more\":")?;
        let more = u64::try_from(c.int()?).ok()?;
        c.lit(b",\"prev\":\"")?;
        let prev = c.digest()?;
        c.lit(b"\",\"seq\":")?;
        let seq = u64::try_from(c.int()?).ok()?;
        c.lit(b",\"subject\":\"")?;
        let subject = c.plain()?;
        c.lit(b",\"v\":1}")?;
        let end = c.pos;
        std::str::from_utf8(&bytes[..end]).ok()?;
        if !valid_kind(kind) || !(subject == "line" || valid_subject(subject)) {
            return None;
        }
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(&bytes[..body_end]);
        h.update(&bytes[hash_end..end]);
        let line = Line {
            at,
            body: &bytes[body_start..body_end],
            hash,
            kind,
            more,
            prev,
            seq,
            subject,
            leaf: Digest(h.finalize().into()),
        };
        Some((line, end))
    }

    impl<'a> Cursor<'a> {
        fn peek(&self) -> Option<u8> {
            self.b.get(self.pos).copied()
        }

        fn lit(&mut self, word: &[u8]) -> Option<()> {
            if self.b.get(self.pos..self.pos + word.len())? == word {
                self.pos += word.len();
                Some(())
            } else {
                None
            }
        }

        /// A canonical integer within the range of 1.2.
        fn int(&mut self) -> Option<i64> {
            let negative = self.peek()? == b'-';
            if negative {
                self.pos += 1;
            }
            let start = self.pos;
            let mut n: i64 = 0;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
                if n > MAX_SAFE_INT {
                    return None;
                }
                self.pos += 1;
            }
            let digits = self.pos - start;
            // No empty, no leading zero, no `-0`.
            if digits == 0 || (digits > 1 && self.b[start] == b'0') || (negative && n == 0) {
                return None;
            }
            Some(if negative { -n } else { n })
        }

        fn digest(&mut self) -> Option<Digest> {
            let hex = self.b.get(self.pos..self.pos + 64)?;
            let mut out = [0u8; 32];
            let mut bad = 0u8;
            for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
                let (hi, lo) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
                bad |= hi | lo;
                *o = (hi << 4) | lo;
            }
            if bad & 0xf0 != 0 {
                return None;
            }
            self.pos += 64;
            Some(Digest(out))
        }

        /// A short ASCII string without escapes, ended by `"`.
        fn plain(&mut self) -> Option<&'a str> {
            let start = self.pos;
            let len = self.b[start..].iter().take(65).position(|&b| b == b'"')?;
            let bytes = &self.b[start..start + len];
            if bytes
                .iter()
                .any(|&b| b == b'\\' || !(0x20..0x7f).contains(&b))
            {
                return None;
            }
            self.pos += len + 1;
            std::str::from_utf8(bytes).ok()
        }

        /// One canonical value at nesting level `depth`.
        fn value(&mut self, depth: usize) -> Option<()> {
            match self.peek()? {
                b'{' => {
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    self.pos += 1;
                    if self.peek()? == b'}' {
                        self.pos += 1;
                        return Some(());
                    }
                    let mut last: Option<(usize, usize)> = None;
                    loop {
                        if self.peek()? != b'"' {
                            return None;
                        }
                        let (start, end, simple) = self.string()?;
                        // Only names that sort the same bytewise and in
                        // UTF-16 are compared here; others take the slow
                        // path, which sorts them properly.
                        if !simple {
                            return None;
                        }
                        if let Some((s, e)) = last
                            && self.b[s..e] >= self.b[start..end]
                        {
                            return None;
                        }
                        last = Some((start, end));
                        self.lit(b":")?;
                        self.value(depth + 1)?;
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    self.pos += 1;
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(());
                    }
                    loop {
                        self.value(depth + 1)?;
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                b'"' => self.string().map(|_| ()),
                b't' => self.lit(b"true"),
                b'f' => self.lit(b"false"),
                b'n' => self.lit(b"null"),
                b'-' | b'0'..=b'9' => {
                    self.int()?;
                    // A fraction or exponent is a float: slow path.
                    match self.peek() {
                        Some(b'.' | b'e' | b'E') => None,
                        _ => Some(()),
                    }
                }
                _ => None,
            }
        }

        /// A canonical string; returns the content's range and whether
        /// it is simple: no escape and no byte of U+E000 or above.
        fn string(&mut self) -> Option<(usize, usize, bool)> {
            self.pos += 1;
            let start = self.pos;
            let mut simple = true;
            loop {
                self.skip_plain_words();
                let b = self.peek()?;
                match b {
                    b'"' => {
                        let end = self.pos;
                        self.pos += 1;
                        return Some((start, end, simple));
                    }
                    b'\\' => {
                        simple = false;
                        self.pos += 1;
                        match self.peek()? {
                            b'"' | b'\\' | b'b' | b't' | b'n' | b'f' | b'r' => self.pos += 1,
                            b'u' => {
                                let hex = self.b.get(self.pos + 1..self.pos + 5)?;
                                // Only the controls without a short escape.
                                if hex[..2] != *b"00" {
                                    return None;
                                }
                                let unit = (nibble(hex[2])? << 4) | nibble(hex[3])?;
                                if unit >= 0x20 || matches!(unit, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
                                {
                                    return None;
                                }
                                self.pos += 5;
                            }
                            _ => return None,
                        }
                    }
                    0x00..=0x1f => return None,
                    0xee..=0xff => {
                        simple = false;
                        self.pos += 1;
                    }
                    _ => self.pos += 1,
                }
            }
        }
    }

    impl Cursor<'_> {
        /// Skips whole 8-byte words of printable ASCII other than `"`
        /// and `\\`, the bulk of every string.
        fn skip_plain_words(&mut self) {
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGH: u64 = 0x8080_8080_8080_8080;
            while let Some(word) = self.b.get(self.pos..self.pos + 8) {
                let Ok(word) = <[u8; 8]>::try_from(word) else {
                    return;
                };
                let x = u64::from_le_bytes(word);
                let quote = x ^ (ONES * u64::from(b'"'));
                let slash = x ^ (ONES * u64::from(b'\\'));
                let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
                let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
                if zero(quote) | zero(slash) | control | (x & HIGH) != 0 {
                    return;
                }
                self.pos += 8;
            }
        }
    }

    /// Lowercase hex digits and their values; 0xff for any other byte.
    const HEX: [u8; 256] = {
        let mut table = [0xffu8; 256];
        let mut i = 0;
        while i < 10 {
            table[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            table[b'a' as usize + i] = 10 + i as u8;
            i += 1;
        }
        table
    };

    /// A lowercase hex digit.
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{check_line, fast};
    use crate::digest::Digest;
    use crate::receipt::Receipt;
    use crate::value::{Map, Value};

    fn any_body() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| Value::Int(i % 9_007_199_254_740_992)),
            any::<String>().prop_map(Value::String),
            "[a-z\\\\\"\u{0}-\u{1f}\u{e000}\u{1f600}]{0,6}".prop_map(Value::String),
        ];
        let value = leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\u{7f}\u{e000}\u{1f600}]{0,3}", inner, 0..4)
                    .prop_map(|m: Map| Value::Object(m)),
            ]
        });
        proptest::collection::btree_map("[a-z_]{1,6}", value, 0..5).prop_map(Value::Object)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn the_fast_path_agrees_with_the_strict_reader(
            body in any_body(),
            seq in 0u64..1_000_000,
            flip in any::<(usize, u8)>(),
        ) {
            let r = Receipt::seal(seq, 1_769_421_600_000, "gate.passed", "SKU-000001", body, 0, Digest::ZERO).unwrap();
            let mut line = Vec::new();
            r.write_line(&mut line);
            line.pop();

            match fast::read(&line) {
                Some(f) => {
                    prop_assert_eq!(f.leaf, r.hash);
                    prop_assert_eq!((f.seq, f.at, f.more, f.hash), (r.seq, r.at, r.more, r.hash));
                }
                // Only names with escapes or at or above U+E000 are left
                // to the strict reader.
                None => prop_assert!(line.iter().any(|&b| b == b'\\' || b >= 0xEE)),
            }

            let mut changed = line.clone();
            let i = flip.0 % changed.len();
            changed[i] ^= flip.1.max(1);
            if let Some(f) = fast::read(&changed) {
                let slow = check_line(&changed);
                prop_assert!(slow.is_ok(), "fast path accepted what the strict reader refuses");
                if let Ok(slow) = slow {
                    prop_assert_eq!(f.leaf, slow.leaf);
                }
            }
        }
    }
}

/// The sink's file calls under fault injection and counting (6.3, 6.5,
/// and the single write of 9, example 2).
#[cfg(test)]
mod sink_tests {
    use std::path::{Path, PathBuf};

    use super::file_io::{FAIL_SYNC, FAIL_TRUNCATE, FAIL_WRITE_AFTER, SYNCS, WRITES};
    use super::{Durability, Journal, JournalFile, JournalOptions};
    use crate::config::Config;
    use crate::digest::Digest;
    use crate::error::Error;
    use crate::receipt::Receipt;
    use crate::value::{self, Value};

    const T0: i64 = 1_769_421_600_000;

    fn temp() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("line.jsonl");
        (dir, path)
    }

    fn path_of(path: &Path) -> String {
        path.display().to_string()
    }

    fn create(path: &Path, durability: Durability) -> Journal {
        let options = JournalOptions::new().with_durability(durability);
        Journal::create(path, Config::standard(), T0, &options).unwrap()
    }

    /// One single-receipt operation.
    fn change(journal: &mut Journal, i: i64) -> crate::error::Result<()> {
        journal.change_config(Config::standard(), &format!("change {i}"), T0 + i)
    }

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    /// Every switch off and every counter at zero on this thread.
    fn reset() {
        FAIL_WRITE_AFTER.set(None);
        FAIL_TRUNCATE.set(false);
        FAIL_SYNC.set(false);
        WRITES.set(0);
        SYNCS.set(0);
    }

    fn unsynced(journal: &Journal) -> u64 {
        journal.sink().unwrap().unsynced
    }

    // ---- 6.3: a failed write, truncate or sync ----

    #[test]
    fn a_failed_write_is_truncated_back_and_returns_journal_io() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::EveryAppend);
        change(&mut journal, 1).unwrap();
        let before = file_len(&path);

        FAIL_WRITE_AFTER.set(Some(100));
        let err = change(&mut journal, 2).unwrap_err();
        reset();

        assert_eq!(
            err,
            Error::JournalIo {
                path: path_of(&path),
                op: "write".into(),
                message: "injected write failure".into(),
            }
        );
        assert_eq!(file_len(&path), before);
        assert_eq!(journal.len(), 2);
        change(&mut journal, 3).unwrap();
        drop(journal);
        let reopened = Journal::open(&path, &JournalOptions::new()).unwrap();
        assert_eq!(
            (reopened.len(), reopened.report().recovered.clone()),
            (3, None)
        );
    }

    #[test]
    fn a_failed_truncate_after_a_failed_write_poisons_the_handle() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::EveryAppend);
        let before = file_len(&path);

        FAIL_WRITE_AFTER.set(Some(100));
        FAIL_TRUNCATE.set(true);
        let err = change(&mut journal, 1).unwrap_err();
        reset();
        let later = change(&mut journal, 2).unwrap_err();

        assert_eq!(err.name(), "journal_io");
        assert!(
            matches!(err, Error::JournalIo { ref op, .. } if op == "write"),
            "{err:?}"
        );
        assert_eq!(
            later,
            Error::JournalPoisoned {
                path: path_of(&path)
            }
        );
        assert_eq!(later.code(), 445);
        assert_eq!(journal.len(), 1);
        assert_eq!(file_len(&path), before + 100);
        drop(journal);
        let reopened = Journal::open(&path, &JournalOptions::new()).unwrap();
        let recovered = reopened.report().recovered.clone().unwrap();
        assert_eq!((recovered.offset, recovered.bytes), (before, 100));
        assert_eq!(reopened.len(), 1);
    }

    #[test]
    fn a_failed_sync_poisons_the_handle_and_keeps_the_state_before() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::EveryAppend);

        FAIL_SYNC.set(true);
        let err = change(&mut journal, 1).unwrap_err();
        reset();
        let later = change(&mut journal, 2).unwrap_err();

        assert_eq!(
            err,
            Error::JournalIo {
                path: path_of(&path),
                op: "sync".into(),
                message: "injected sync failure".into(),
            }
        );
        assert_eq!(
            later,
            Error::JournalPoisoned {
                path: path_of(&path)
            }
        );
        assert_eq!(journal.len(), 1);
        drop(journal);
        // The write reached the file: once reopened, the journal is the
        // truth about whether the operation happened.
        assert_eq!(
            Journal::open(&path, &JournalOptions::new()).unwrap().len(),
            2
        );
    }

    #[test]
    fn a_failed_commit_poisons_the_handle() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::Never);
        change(&mut journal, 1).unwrap();

        FAIL_SYNC.set(true);
        let err = journal.commit().unwrap_err();
        reset();
        let later = change(&mut journal, 2).unwrap_err();

        assert!(
            matches!(err, Error::JournalIo { ref op, .. } if op == "sync"),
            "{err:?}"
        );
        assert_eq!(later.name(), "journal_poisoned");
        assert_eq!(journal.len(), 2);
    }

    #[test]
    fn a_poisoned_evidence_journal_refuses_appends() {
        reset();
        let (_dir, path) = temp();
        drop(create(&path, Durability::EveryAppend));
        let mut file = JournalFile::open(&path).unwrap();
        let op = operation(file.report().last_hash, 1, 1);

        FAIL_WRITE_AFTER.set(Some(10));
        FAIL_TRUNCATE.set(true);
        let err = file.append(&op).unwrap_err();
        reset();
        let later = file.append(&op).unwrap_err();

        assert_eq!(err.name(), "journal_io");
        assert_eq!(
            later,
            Error::JournalPoisoned {
                path: path_of(&path)
            }
        );
        assert_eq!(file.len(), 1);
    }

    // ---- 6.5: when the journal syncs ----

    /// Syncs counted after each of `ops` single-receipt operations.
    fn syncs_per_operation(journal: &mut Journal, ops: i64) -> Vec<(u64, u64)> {
        SYNCS.set(0);
        (1..=ops)
            .map(|i| {
                change(journal, i).unwrap();
                (SYNCS.get(), unsynced(journal))
            })
            .collect()
    }

    #[test]
    fn create_syncs_once_in_every_mode() {
        for durability in [
            Durability::EveryAppend,
            Durability::Every(3),
            Durability::Never,
        ] {
            reset();
            let (_dir, path) = temp();

            let journal = create(&path, durability);

            assert_eq!((SYNCS.get(), unsynced(&journal)), (1, 0), "{durability:?}");
        }
    }

    #[test]
    fn every_append_syncs_after_every_operation_and_on_close() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::EveryAppend);

        let counts = syncs_per_operation(&mut journal, 3);
        journal.close().unwrap();

        assert_eq!(counts, [(1, 0), (2, 0), (3, 0)]);
        assert_eq!(SYNCS.get(), 4);
    }

    #[test]
    fn every_1_syncs_exactly_as_every_append() {
        reset();
        let (_dir, a) = temp();
        let (_dir2, b) = temp();
        let mut every_append = create(&a, Durability::EveryAppend);
        let mut every_1 = create(&b, Durability::Every(1));

        let expected = syncs_per_operation(&mut every_append, 5);
        let found = syncs_per_operation(&mut every_1, 5);

        assert_eq!(found, expected);
        assert_eq!(found.last(), Some(&(5, 0)));
    }

    #[test]
    fn every_3_syncs_once_three_receipts_are_unsynced() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::Every(3));

        let counts = syncs_per_operation(&mut journal, 7);

        assert_eq!(
            counts,
            [(0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1)]
        );
    }

    #[test]
    fn every_3_syncs_when_an_operation_passes_three_unsynced_receipts() {
        reset();
        let (_dir, path) = temp();
        drop(create(&path, Durability::EveryAppend));
        let mut file = JournalFile::open(&path).unwrap();
        file.sink.durability = Durability::Every(3);
        let first = operation(file.report().last_hash, 1, 2);
        let second = operation(first[1].hash, 3, 2);
        SYNCS.set(0);

        file.append(&first).unwrap();
        let after_first = (SYNCS.get(), file.sink.unsynced);
        file.append(&second).unwrap();
        let after_second = (SYNCS.get(), file.sink.unsynced);

        // 2 unsynced, then 4: more than 3, not exactly 3.
        assert_eq!(after_first, (0, 2));
        assert_eq!(after_second, (1, 0));
    }

    #[test]
    fn every_n_syncs_on_commit_and_on_close() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::Every(10));
        change(&mut journal, 1).unwrap();
        SYNCS.set(0);

        journal.commit().unwrap();
        let after_commit = (SYNCS.get(), unsynced(&journal));
        change(&mut journal, 2).unwrap();
        let after_change = SYNCS.get();
        journal.close().unwrap();

        assert_eq!(after_commit, (1, 0));
        assert_eq!(after_change, 1);
        assert_eq!(SYNCS.get(), 2);
    }

    #[test]
    fn never_syncs_by_itself_only_on_commit() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::Never);

        let counts = syncs_per_operation(&mut journal, 4);
        let before_commit = SYNCS.get();
        journal.commit().unwrap();
        let after_commit = (SYNCS.get(), unsynced(&journal));
        change(&mut journal, 5).unwrap();
        journal.close().unwrap();

        assert_eq!(counts, [(0, 1), (0, 2), (0, 3), (0, 4)]);
        assert_eq!(before_commit, 0);
        assert_eq!(after_commit, (1, 0));
        assert_eq!(SYNCS.get(), 1, "close does not sync in `never`");
    }

    // ---- 9, example 2: one write per operation ----

    /// `size` receipts of one operation from `seq` on, after `prev`.
    fn operation(prev: Digest, seq: u64, size: u64) -> Vec<Receipt> {
        let mut prev = prev;
        (0..size)
            .map(|k| {
                let body = crate::obj! { "part" => k as i64 };
                let more = size - 1 - k;
                let r = Receipt::seal(seq + k, T0, "test.step", "SKU-000001", body, more, prev)
                    .unwrap();
                prev = r.hash;
                r
            })
            .collect()
    }

    /// D0 to D6 of evidence-log.md 2.5, from the conformance vectors.
    fn demo() -> Vec<Receipt> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/conformance/receipts.json"
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let vectors = doc["vectors"].as_array().unwrap();
        ["D0", "D1", "D2", "D3", "D4", "D5", "D6"]
            .iter()
            .map(|name| {
                let vector = vectors.iter().find(|v| v["name"] == *name).unwrap();
                let text = vector["canonical"].as_str().unwrap();
                let v = value::parse(text.as_bytes()).unwrap();
                let get = |m: &str| v.get(m).cloned().unwrap();
                let int = |m: &str| get(m).as_i64().unwrap();
                Receipt::seal(
                    int("seq").try_into().unwrap(),
                    int("at"),
                    get("kind").as_str().unwrap(),
                    get("subject").as_str().unwrap(),
                    get("body"),
                    int("more").try_into().unwrap(),
                    Digest::from_hex(get("prev").as_str().unwrap()).unwrap(),
                )
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn example_2_the_two_receipt_operation_reaches_the_file_in_one_write_call() {
        reset();
        let (_dir, path) = temp();
        let log = demo();
        let mut first_four = Vec::new();
        for r in &log[..4] {
            r.write_line(&mut first_four);
        }
        std::fs::write(&path, &first_four).unwrap();
        let mut file = JournalFile::open(&path).unwrap();
        let start = file.end();
        WRITES.set(0);

        file.append(&log[4..6]).unwrap();

        assert_eq!(WRITES.get(), 1);
        assert_eq!((start, file.end() - start), (1463, 648));
        assert_eq!((log[4].more, log[5].more), (1, 0));
        assert_eq!(
            log[5].body.get("sku"),
            Some(&Value::String("SKU-000001".into()))
        );
    }

    #[test]
    fn a_journaled_operation_is_one_write_call() {
        reset();
        let (_dir, path) = temp();
        let mut journal = create(&path, Durability::Never);
        WRITES.set(0);

        change(&mut journal, 1).unwrap();
        change(&mut journal, 2).unwrap();

        assert_eq!(WRITES.get(), 2);
    }
}
