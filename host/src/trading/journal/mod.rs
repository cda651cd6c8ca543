//! The trade journal: a tamper-evident, append-only record of every write the
//! host makes (order placement, OCO, cancel).
//!
//! For each write the host appends an **intent** *before* dispatch (what will
//! be sent and the policy's decision) and an **outcome** after it (the
//! exchange's answer, or `UNKNOWN_OUTCOME`). The journal is also the memory of
//! the rolling 24 h notional cap: [`Journal::notional_since`] sums the intents
//! that may have executed, so the cap survives restarts and `kill -9`.
//!
//! # File format
//! JSON Lines: one entry per line, each line `fsync`'d before `append_*`
//! returns, at most [`MAX_ENTRY_BYTES`] including its newline. Members:
//! `seq` (1, 2, 3, …), `ts_ms` (wall clock), `kind` (`intent`, `outcome`,
//! `acknowledged-break`), `id` (the client order id an intent and its outcomes
//! share; `null` for an acknowledgement), `body`, `prev`, `hash`; an intent
//! adds `symbol`, `side` (`BUY`, `SELL` or `null`), `quote_asset` and
//! `notional` (a decimal string); an outcome adds `outcome` (`accepted`,
//! `rejected`, `unknown`) and, when accepted, `order_id` and `status`; an
//! acknowledgement's body holds `broken_file`, `broken_sha256`, `line`,
//! `reason`, `note`, `valid_entries` and `carried` (`[{id, ts_ms,
//! quote_asset, notional, status}]`). The journal never receives signed query strings, API keys or signatures: the
//! host journals its canonical request before signing and the exchange's
//! answer, and guarantees no secret is in either.
//!
//! # What is hashed
//! A line is written as the entry's *canonical serialization without `hash`*
//! — compact JSON, object keys sorted by their UTF-8 bytes at every depth,
//! strings and numbers as `serde_json` prints them — with
//! `,"hash":"<64 lowercase hex>"` inserted before the final `}`. `hash` is
//! the SHA-256 of the line with that 75-byte member removed, i.e. of
//! `line[..len-75] + "}"`; `prev` is the SHA-256 of the previous line's bytes
//! (without its newline), 64 zeros for a chain's first entry. Verification
//! hashes the bytes as stored and never re-serializes, so it is reproducible
//! with any tool (`python3 -c` with hashlib will do) and does not depend on a
//! JSON library's float formatting. Anyone who can rewrite the file can also
//! recompute every hash: the chain makes an edit, deletion, reordering or cut
//! *evident*, it does not prevent a rewrite of the whole chain — compare
//! [`Verification::head`] with one logged earlier to catch that.
//!
//! # Concurrency
//! One server per journal is expected. Two may share one: each append takes
//! an exclusive advisory lock (`File::lock`, stable since Rust 1.89), then
//! compares the file's length with what this process last verified or wrote
//! and, if another writer appended, verifies the new tail and chains onto the
//! real last entry (taking its intents into the cap). Where locking is not
//! supported the length check still chains correctly; only the window between
//! the check and the write is unguarded. A journal replaced by another
//! process's [`Journal::acknowledge_break`] is noticed (different inode) and
//! adopted. Two things a running server does not see: an edit in place that
//! keeps the file's length (the next open or `journal verify` does), and
//! another server's intent between its own [`Journal::notional_since`] and
//! [`Journal::append_intent`] — the host's per-account lock makes check and
//! intent atomic within one server, not across two.
//!
//! # Layout
//! This file: the records and [`Journal`]'s appends and cap; `line`: one
//! line's serialization, seal and checked reading; `scan`: verifying the
//! chain and keeping the window's intents; `file`: the file, its lock and
//! `fsync`; `acknowledge`: starting a new chain after a break.

mod acknowledge;
mod file;
mod line;
mod scan;
#[cfg(test)]
mod tests;

use file::*;
use line::*;
use rust_decimal::Decimal;
use scan::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Largest entry, newline included: 16 KiB. An order request with the
/// policy's decision, or Binance's FULL answer with dozens of fills, fits with
/// room to spare; anything bigger is unexpected and is refused, never cut (a
/// cut entry would not say what was sent).
pub const MAX_ENTRY_BYTES: usize = 16 * 1024;

/// How long intents are kept in memory: 25 h, the host's 24 h window plus an
/// hour for a wall clock stepped by NTP or a caller asking a little further
/// back. [`Journal::notional_since`] cannot see further than this.
pub const RETENTION_MS: i64 = 25 * 60 * 60 * 1000;

/// `prev` of a chain's first entry: 64 zeros, a value no SHA-256 is expected
/// to take.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Waiting longer than this for another process's lock means it is stuck: a
/// write is refused ([`JournalError::Busy`]) rather than queued forever.
const LOCK_WAIT: Duration = Duration::from_secs(2);
/// `,"hash":"` (9) + 64 hex + `"}` (2).
const SUFFIX_LEN: usize = 75;
/// An operator's note is a sentence, not a document.
const MAX_NOTE_BYTES: usize = 1024;

/// Why the journal refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file system failed; `path` is the file or directory involved.
    #[error("journal {}: {source}", .path.display())]
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// The chain is broken: writes are refused until
    /// [`Journal::acknowledge_break`], because a cap computed from a chain
    /// that may have lost entries cannot be trusted silently.
    #[error("journal chain broken at line {line}: {reason}; writes refused until acknowledged")]
    Broken {
        /// 1-based line number of the first bad line.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The entry would exceed [`MAX_ENTRY_BYTES`]; nothing was written.
    #[error(
        "a journal entry of {size} bytes exceeds the {max}-byte limit (refused, not truncated)"
    )]
    TooLarge {
        /// The entry's size with its newline.
        size: usize,
        /// [`MAX_ENTRY_BYTES`].
        max: usize,
    },
    /// The entry is malformed (empty id, negative notional, duplicate intent, …).
    #[error("invalid journal entry: {0}")]
    Invalid(String),
    /// Another process held the journal's lock for longer than 2 s.
    #[error("the journal is locked by another process (waited {} s)", LOCK_WAIT.as_secs())]
    Busy,
}

impl From<Break> for JournalError {
    fn from(b: Break) -> Self {
        JournalError::Broken {
            line: b.line,
            reason: b.reason,
        }
    }
}

/// The order's side (the SDK's one definition). `None` in an [`Intent`] is
/// for a cancel, whose side the host may not know.
pub use binance_mcp_plugin::trading::Side;

/// What the host is about to send, journalled before dispatch.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    /// The client order id (`newClientOrderId`, or the OCO's list client id):
    /// the key its outcomes share. Unique within the 24 h window.
    pub id: String,
    /// The symbol, e.g. `BTCUSDT`.
    pub symbol: String,
    /// The side; `None` for a cancel.
    pub side: Option<Side>,
    /// The asset `notional` is in (Binance's code, e.g. `USDT`; compared exactly).
    pub quote_asset: String,
    /// The quote-asset notional the policy counted against the cap (0 for a
    /// cancel). Never negative: a negative figure would raise the cap.
    pub notional: Decimal,
    /// The canonical request and the policy's decision, e.g.
    /// `{"request": {...}, "decision": {...}}` — never a signature or key.
    pub body: Value,
}

/// The exchange's answer to a journalled write.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Binance accepted it: the notional keeps counting.
    Accepted {
        /// Binance's `orderId` (`orderListId` for an OCO), as text so both fit.
        order_id: String,
        /// Binance's status (`NEW`, `FILLED`, `EXEC_STARTED`, …).
        status: String,
        /// The answer.
        body: Value,
    },
    /// Definitely not executed (a 4xx, or `NOT_FOUND` after a lost answer):
    /// the notional stops counting.
    Rejected {
        /// The answer or the error.
        body: Value,
    },
    /// `UNKNOWN_OUTCOME`: it may have executed, so the notional counts.
    Unknown {
        /// What is known.
        body: Value,
    },
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// 1-based line number of the first bad line.
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// The result of reading a journal from its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Entries that verified (all of them when intact).
    pub entries: u64,
    /// SHA-256 of the last verified line: the next entry's `prev`. Logging it
    /// anchors the chain against a wholesale rewrite.
    pub head: String,
    /// The first break, if any.
    pub broken: Option<Break>,
}

impl Verification {
    /// Whether every line verified.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The wall clock in ms, injectable so tests (and simulations) control time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// An open journal. Thread-safe: every method takes `&self`.
pub struct Journal {
    path: PathBuf,
    clock: Clock,
    state: Mutex<State>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Accepted,
    Rejected,
    Unknown,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
        }
    }
    fn counts(self) -> bool {
        self != Status::Rejected
    }
}

/// An intent of the retention window, as the cap needs it.
#[derive(Debug, Clone)]
struct Tracked {
    /// `None` for intents merged to fit an acknowledgement.
    id: Option<String>,
    ts_ms: i64,
    quote_asset: String,
    notional: Decimal,
    status: Status,
}

enum Kind {
    Intent {
        id: String,
        quote_asset: String,
        notional: Decimal,
    },
    Outcome {
        id: String,
        status: Status,
    },
    Ack {
        carried: Vec<Tracked>,
    },
}

struct Entry {
    seq: u64,
    ts_ms: i64,
    prev: String,
    kind: Kind,
}

/// The verified end of a chain.
#[derive(Debug, Clone)]
struct Chain {
    seq: u64,
    head: String,
}

/// How far a file has been read, and what it said.
#[derive(Debug, Clone)]
struct Scan {
    chain: Chain,
    broken: Option<Break>,
    intents: Vec<Tracked>,
    starts_with_ack: bool,
    /// Bytes of complete lines read (a cut last line is not consumed).
    read: u64,
    lines: u64,
}

const START: Scan = Scan {
    chain: Chain {
        seq: 0,
        head: String::new(),
    },
    broken: None,
    intents: Vec::new(),
    starts_with_ack: false,
    read: 0,
    lines: 0,
};

struct State {
    file: File,
    scan: Scan,
}

impl Journal {
    /// Open (creating it and its directories, 0700, if needed) and verify the
    /// whole journal with the system clock. A broken chain is not an error:
    /// it is reported in the [`Verification`], and writes are refused until
    /// [`Journal::acknowledge_break`], so the operator decides, not the code.
    pub fn open(path: impl AsRef<Path>) -> Result<(Journal, Verification), JournalError> {
        Self::open_with_clock(path, Arc::new(now_ms))
    }

    /// [`Journal::open`] with an injected clock (tests, simulations).
    pub fn open_with_clock(
        path: impl AsRef<Path>,
        clock: Clock,
    ) -> Result<(Journal, Verification), JournalError> {
        let path = path.as_ref().to_path_buf();
        let (state, verification) = load(&path, clock())?;
        match &verification.broken {
            None => {
                let (entries, head) = (verification.entries, &verification.head);
                tracing::info!(path = %path.display(), entries, head, "journal verified")
            }
            Some(b) => {
                let (line, reason) = (b.line, &b.reason);
                tracing::warn!(path = %path.display(), line, reason, "journal broken")
            }
        }
        let state = Mutex::new(state);
        Ok((Journal { path, clock, state }, verification))
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current break, if writes are being refused.
    pub fn broken(&self) -> Option<Break> {
        self.state().scan.broken.clone()
    }

    /// Journal an intent before dispatch; returns its `seq`. When this
    /// returns an error the host must not send the request.
    pub fn append_intent(&self, intent: Intent) -> Result<u64, JournalError> {
        for (name, v) in [
            ("id", &intent.id),
            ("symbol", &intent.symbol),
            ("quote_asset", &intent.quote_asset),
        ] {
            if v.is_empty() {
                return Err(JournalError::Invalid(format!("empty {name}")));
            }
        }
        if intent.notional.is_sign_negative() && !intent.notional.is_zero() {
            return Err(JournalError::Invalid(format!(
                "negative notional {}",
                intent.notional
            )));
        }
        let side = intent.side.map_or(Value::Null, |s| json!(s.name()));
        let fields = json!({
            "kind": "intent", "id": intent.id, "symbol": intent.symbol, "side": side,
            "quote_asset": intent.quote_asset, "notional": intent.notional.to_string(),
            "body": intent.body,
        });
        let kind = Kind::Intent {
            id: intent.id,
            quote_asset: intent.quote_asset,
            notional: intent.notional,
        };
        self.append(fields, kind)
    }

    /// Journal the outcome of the intent `id`; returns its `seq`. A later
    /// outcome for the same id supersedes an earlier one (an unknown outcome
    /// resolved afterwards).
    pub fn append_outcome(&self, id: &str, outcome: Outcome) -> Result<u64, JournalError> {
        let (status, mut fields) = match outcome {
            Outcome::Accepted {
                order_id,
                status,
                body,
            } => (
                Status::Accepted,
                json!({"outcome": "accepted", "order_id": order_id, "status": status,
                    "body": body}),
            ),
            Outcome::Rejected { body } => (
                Status::Rejected,
                json!({"outcome": "rejected", "body": body}),
            ),
            Outcome::Unknown { body } => {
                (Status::Unknown, json!({"outcome": "unknown", "body": body}))
            }
        };
        fields["kind"] = json!("outcome");
        fields["id"] = json!(id);
        self.append(
            fields,
            Kind::Outcome {
                id: id.to_owned(),
                status,
            },
        )
    }

    /// The notional in `quote_asset` of intents since `since_ms` that may
    /// have executed: every intent whose latest outcome is not `rejected`,
    /// including those with no outcome at all (the process died between
    /// intent and outcome) — conservatively, since such an order may be live.
    /// Catches up with other writers first (best effort).
    pub fn notional_since(&self, since_ms: i64, quote_asset: &str) -> Decimal {
        let mut st = self.state();
        if let Err(e) = self.synced(&mut st, (self.clock)()) {
            tracing::warn!(error = %e, "journal: cannot catch up with other writers");
        }
        st.scan
            .intents
            .iter()
            .filter(|t| t.ts_ms >= since_ms && t.quote_asset == quote_asset && t.status.counts())
            .fold(Decimal::ZERO, |sum, t| {
                sum.checked_add(t.notional).unwrap_or(Decimal::MAX)
            })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn append(&self, mut fields: Value, kind: Kind) -> Result<u64, JournalError> {
        let mut st = self.state();
        let now = (self.clock)();
        let _lock = self.synced(&mut st, now)?;
        if let Some(b) = st.scan.broken.clone() {
            return Err(b.into());
        }
        match &kind {
            Kind::Intent { id, .. }
                if st.scan.intents.iter().any(|t| t.id.as_ref() == Some(id)) =>
            {
                return Err(JournalError::Invalid(format!(
                    "an intent with id {id:?} is already in the window"
                )));
            }
            Kind::Outcome { id, .. }
                if !st.scan.intents.iter().any(|t| t.id.as_ref() == Some(id)) =>
            {
                tracing::warn!(
                    id,
                    "journal: outcome for an id with no intent in the last 25 h"
                );
            }
            _ => {}
        }
        let seq = st.scan.chain.seq + 1;
        fields["seq"] = json!(seq);
        fields["ts_ms"] = json!(now);
        fields["prev"] = json!(prev_of(&st.scan.chain));
        let mut line = seal(&fields);
        if line.len() + 1 > MAX_ENTRY_BYTES {
            return Err(JournalError::TooLarge {
                size: line.len() + 1,
                max: MAX_ENTRY_BYTES,
            });
        }
        // What is written must verify (e.g. JSON nested deeper than the
        // parser's 128 levels would not): refuse it now rather than break
        // the chain for the next reader.
        if let Err(reason) = check(line.as_bytes(), &st.scan.chain) {
            return Err(JournalError::Invalid(format!(
                "the entry would not verify: {reason}"
            )));
        }
        let head = sha_hex(line.as_bytes());
        line.push('\n');
        // On failure the in-memory chain is left as it was: the next append
        // finds the file's length changed and verifies whatever landed.
        (&st.file)
            .write_all(line.as_bytes())
            .and_then(|_| st.file.sync_data())
            .map_err(io_at(&self.path))?;
        let scan = &mut st.scan;
        (scan.chain, scan.read, scan.lines) = (
            Chain { seq, head },
            scan.read + line.len() as u64,
            scan.lines + 1,
        );
        let entry = Entry {
            seq,
            ts_ms: now,
            prev: String::new(),
            kind,
        };
        apply(&mut scan.intents, entry, true, now - RETENTION_MS);
        scan.intents.retain(|t| t.ts_ms >= now - RETENTION_MS);
        Ok(seq)
    }

    /// Take the cross-process lock and bring `st` up to date with the file:
    /// adopt a replaced file, verify what other writers appended.
    fn synced(&self, st: &mut State, now: i64) -> Result<FileLock, JournalError> {
        for _ in 0..3 {
            let lock = lock_file(&st.file, &self.path)?;
            if self.adopt_if_replaced(st, now)? {
                continue; // the lock was on the old file
            }
            self.catch_up(st, now)?;
            return Ok(lock);
        }
        Err(JournalError::Busy)
    }

    fn adopt_if_replaced(&self, st: &mut State, now: i64) -> Result<bool, JournalError> {
        let io_err = io_at(&self.path);
        let on_disk = match fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let line = st.scan.lines + 1;
                let reason = "the journal file was removed or renamed while in use";
                st.scan.broken.get_or_insert_with(|| Break {
                    line,
                    reason: reason.into(),
                });
                return Ok(false);
            }
            Err(e) => return Err(io_err(e)),
        };
        if same_file(&on_disk, &st.file.metadata().map_err(io_err)?) {
            return Ok(false);
        }
        let (mut fresh, v) = load(&self.path, now)?;
        for t in &st.scan.intents {
            let known =
                t.id.as_ref()
                    .is_some_and(|id| fresh.scan.intents.iter().any(|f| f.id.as_ref() == Some(id)));
            if !known && (t.id.is_some() || !fresh.scan.starts_with_ack) {
                fresh.scan.intents.push(t.clone());
            }
        }
        let (path, entries, intact) = (self.path.display(), v.entries, v.is_intact());
        tracing::warn!(%path, entries, intact, "journal replaced by another process: adopted");
        *st = fresh;
        Ok(true)
    }

    fn catch_up(&self, st: &mut State, now: i64) -> Result<(), JournalError> {
        let len = st.file.metadata().map_err(io_at(&self.path))?.len();
        if len == st.scan.read {
            return Ok(());
        }
        if len < st.scan.read {
            let (line, read) = (st.scan.lines.max(1), st.scan.read);
            let reason =
                format!("the file shrank to {len} bytes from {read} (truncated or rewritten)");
            st.scan.broken.get_or_insert(Break { line, reason });
            return Ok(());
        }
        // After a break this still reads on: intents appended since count too.
        let scan = scan_file(&st.file, &self.path, &st.scan, now - RETENTION_MS)?;
        tracing::debug!(
            from = st.scan.chain.seq,
            to = scan.chain.seq,
            "journal: read entries another writer appended"
        );
        st.scan = scan;
        Ok(())
    }
}

/// Verify the journal at `path` without opening it for writing (`binance-mcp
/// journal verify`).
pub fn verify(path: impl AsRef<Path>) -> Result<Verification, JournalError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(io_at(path))?;
    let _lock = lock_file(&file, path).ok(); // a busy writer only delays; read anyway
    let scan = scan_file(&file, path, &START, i64::MAX)?;
    Ok(Verification {
        entries: scan.chain.seq,
        head: prev_of(&scan.chain),
        broken: scan.broken,
    })
}

/// The last `n` lines of the journal, as stored (`binance-mcp journal tail`);
/// a cut last line is included, so a reader can see it.
pub fn tail(path: impl AsRef<Path>, n: usize) -> Result<Vec<String>, JournalError> {
    let path = path.as_ref();
    let io_err = io_at(path);
    let mut last = VecDeque::with_capacity(n.min(1024));
    for line in BufReader::new(File::open(path).map_err(io_err)?).split(b'\n') {
        if last.len() == n {
            last.pop_front();
        }
        if n > 0 {
            last.push_back(String::from_utf8_lossy(&line.map_err(io_err)?).into_owned());
        }
    }
    Ok(last.into())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn prev_of(chain: &Chain) -> String {
    if chain.seq == 0 {
        GENESIS.to_owned()
    } else {
        chain.head.clone()
    }
}
