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

use rust_decimal::Decimal;
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

    /// Set a broken journal aside as `<name>.broken-<ts_ms>` (a hard link, or
    /// a copy where links are impossible) and start a new chain whose first
    /// entry (`acknowledged-break`) records that file's name and SHA-256, the
    /// break, `note`, and the intents that still count toward the cap.
    ///
    /// Design: the old file is kept intact for inspection, and the cap is
    /// carried rather than reset, so acknowledging a break (or provoking one)
    /// can never buy fresh trading room. Intents after the break are carried
    /// too when they still parse, but no rejection after it is believed:
    /// nothing unverified may lower the count. Returns the set-aside path, or
    /// `None` when nothing was broken (e.g. another process acknowledged it).
    pub fn acknowledge_break(&self, note: &str) -> Result<Option<PathBuf>, JournalError> {
        if note.len() > MAX_NOTE_BYTES {
            return Err(JournalError::Invalid(format!(
                "note longer than {MAX_NOTE_BYTES} bytes"
            )));
        }
        let mut st = self.state();
        let now = (self.clock)();
        let _lock = self.synced(&mut st, now)?;
        let Some(broken) = st.scan.broken.clone() else {
            return Ok(None);
        };
        let (dir, name) = split(&self.path);
        let mut aside = dir.join(format!("{name}.broken-{now}"));
        for n in 1.. {
            if !aside.exists() {
                break;
            }
            aside = dir.join(format!("{name}.broken-{now}-{n}"));
        }
        set_aside(&self.path, &st.file, &aside)?;
        let sha = sha_file(&aside)?;
        let mut carried: Vec<Tracked> = st
            .scan
            .intents
            .iter()
            .filter(|t| t.ts_ms >= now - RETENTION_MS && t.status.counts())
            .cloned()
            .collect();
        let seal_ack = |carried: &[Tracked]| {
            let body = json!({
                "broken_file": aside.file_name().map(|n| n.to_string_lossy()),
                "broken_sha256": sha, "line": broken.line, "reason": broken.reason, "note": note,
                "valid_entries": st.scan.chain.seq,
                "carried": carried.iter().map(carried_json).collect::<Vec<_>>(),
            });
            let fields = json!({"kind": "acknowledged-break", "id": null, "body": body,
                "seq": 1, "ts_ms": now, "prev": GENESIS});
            seal(&fields)
        };
        let mut line = seal_ack(&carried);
        for hourly in [true, false] {
            if line.len() < MAX_ENTRY_BYTES {
                break;
            }
            carried = coalesce(&carried, hourly);
            line = seal_ack(&carried);
        }
        if line.len() >= MAX_ENTRY_BYTES {
            return Err(JournalError::TooLarge {
                size: line.len() + 1,
                max: MAX_ENTRY_BYTES,
            });
        }
        let temp = dir.join(format!(".{name}.new-{}-{now}", std::process::id()));
        let io_err = io_at(&temp);
        let file = open_append(&temp, true).map_err(io_err)?;
        let written = (&file)
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|_| file.sync_data());
        if let Err(e) = written.and_then(|_| fs::rename(&temp, &self.path)) {
            let _ = fs::remove_file(&temp);
            return Err(io_err(e));
        }
        sync_dir(dir);
        let (line_no, reason) = (broken.line, &broken.reason);
        tracing::warn!(aside = %aside.display(), line_no, reason, note, "journal break acked");
        let chain = Chain {
            seq: 1,
            head: sha_hex(line.as_bytes()),
        };
        let scan = Scan {
            chain,
            intents: carried,
            starts_with_ack: true,
            read: line.len() as u64 + 1,
            lines: 1,
            ..START
        };
        *st = State { file, scan };
        Ok(Some(aside))
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

fn split(path: &Path) -> (&Path, String) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (
        dir,
        path.file_name()
            .map_or_else(|| "journal".into(), |n| n.to_string_lossy().into_owned()),
    )
}

/// Open (or verify afresh) the file at `path`.
fn load(path: &Path, now: i64) -> Result<(State, Verification), JournalError> {
    let (dir, _) = split(path);
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_at(dir))?;
    let existed = path.exists();
    let file = open_append(path, false).map_err(io_at(path))?;
    if !existed {
        sync_dir(dir);
    }
    #[cfg(unix)]
    if let Ok(m) = file.metadata() {
        if std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "journal readable by other users: chmod 600");
        }
    }
    let scan = {
        let _lock = lock_file(&file, path)?;
        scan_file(&file, path, &START, now - RETENTION_MS)?
    };
    let v = Verification {
        entries: scan.chain.seq,
        head: prev_of(&scan.chain),
        broken: scan.broken.clone(),
    };
    Ok((State { file, scan }, v))
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> JournalError + Copy + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn open_append(path: &Path, create_new: bool) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).append(true);
    if create_new {
        o.create_new(true);
    } else {
        o.create(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

/// Make a new directory entry durable (best effort: not every platform can).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    let _ = File::open(dir).and_then(|d| d.sync_all());
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

/// An exclusive advisory lock on the journal, released on drop. `None`
/// inside when the file system does not support locking.
struct FileLock(Option<File>);

impl Drop for FileLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = f.unlock();
        }
    }
}

fn lock_file(file: &File, path: &Path) -> Result<FileLock, JournalError> {
    let io_err = io_at(path);
    let dup = file.try_clone().map_err(io_err)?; // same open file description
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match dup.try_lock() {
            Ok(()) => return Ok(FileLock(Some(dup))),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(TryLockError::WouldBlock) => return Err(JournalError::Busy),
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                static WARNED: std::sync::Once = std::sync::Once::new();
                let path = path.display();
                WARNED.call_once(|| tracing::warn!(%path, "journal: no file locking here"));
                return Ok(FileLock(None));
            }
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
    }
}

fn set_aside(path: &Path, file: &File, aside: &Path) -> Result<(), JournalError> {
    if fs::hard_link(path, aside).is_ok() {
        return Ok(());
    }
    let io_err = io_at(aside);
    let mut copy = open_append(aside, true).map_err(io_err)?;
    let mut f: &File = file;
    f.seek(SeekFrom::Start(0))
        .and_then(|_| io::copy(&mut f, &mut copy))
        .and_then(|_| copy.sync_data())
        .map_err(io_err)?;
    Ok(())
}

fn sha_file(path: &Path) -> Result<String, JournalError> {
    let io_err = io_at(path);
    let mut f = File::open(path).map_err(io_err)?;
    let (mut h, mut buf) = (Sha256::new(), vec![0; 64 * 1024]);
    loop {
        match f.read(&mut buf).map_err(io_err)? {
            0 => return Ok(hex(&h.finalize())),
            n => h.update(&buf[..n]),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn sha_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Compact JSON with object keys sorted by their UTF-8 bytes, at every depth.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The line for `fields` (an object without `hash`): see the module docs.
fn seal(fields: &Value) -> String {
    let mut s = String::new();
    canonical(fields, &mut s);
    let hash = sha_hex(s.as_bytes());
    s.pop();
    s.push_str(",\"hash\":\"");
    s.push_str(&hash);
    s.push_str("\"}");
    s
}

fn hash_matches(line: &[u8]) -> bool {
    let Some(cut) = line.len().checked_sub(SUFFIX_LEN) else {
        return false;
    };
    let (content, suffix) = line.split_at(cut);
    if !suffix.starts_with(b",\"hash\":\"") || !suffix.ends_with(b"\"}") {
        return false;
    }
    let mut h = Sha256::new();
    h.update(content);
    h.update(b"}");
    hex(&h.finalize()).as_bytes() == &suffix[9..73]
}

fn carried_json(t: &Tracked) -> Value {
    json!({"id": t.id, "ts_ms": t.ts_ms, "quote_asset": t.quote_asset,
        "notional": t.notional.to_string(), "status": t.status.name()})
}

/// Merge carried intents per quote asset (and hour, when `hourly`); a merged
/// group takes its newest timestamp, so it expires no earlier than any member.
fn coalesce(carried: &[Tracked], hourly: bool) -> Vec<Tracked> {
    let mut groups: BTreeMap<(String, i64), Tracked> = BTreeMap::new();
    for t in carried {
        let key = (
            t.quote_asset.clone(),
            if hourly {
                t.ts_ms.div_euclid(3_600_000)
            } else {
                0
            },
        );
        let g = groups.entry(key).or_insert_with(|| Tracked {
            id: None,
            notional: Decimal::ZERO,
            status: Status::Unknown,
            ..t.clone()
        });
        g.ts_ms = g.ts_ms.max(t.ts_ms);
        g.notional = g.notional.checked_add(t.notional).unwrap_or(Decimal::MAX);
    }
    groups.into_values().collect()
}

fn apply(intents: &mut Vec<Tracked>, e: Entry, trusted: bool, cutoff: i64) {
    match e.kind {
        Kind::Intent {
            id,
            quote_asset,
            notional,
        } if e.ts_ms >= cutoff => {
            intents.push(Tracked {
                id: Some(id),
                ts_ms: e.ts_ms,
                quote_asset,
                notional,
                status: Status::Pending,
            });
        }
        Kind::Intent { .. } => {}
        Kind::Outcome {
            status: Status::Rejected,
            ..
        } if !trusted => {} // nothing unverified lowers the count
        Kind::Outcome { id, status } => {
            for t in intents
                .iter_mut()
                .filter(|t| t.id.as_deref() == Some(id.as_str()))
            {
                t.status = status;
            }
        }
        Kind::Ack { carried } => intents.extend(carried.into_iter().filter(|t| t.ts_ms >= cutoff)),
    }
}

/// Scan `file` from the end of `from`. A cut last line may be another
/// writer's line still being written where locks are unsupported: it is
/// re-read a few times before it counts as a break.
fn scan_file(file: &File, path: &Path, from: &Scan, cutoff: i64) -> Result<Scan, JournalError> {
    let io_err = io_at(path);
    let mut attempt = 0;
    loop {
        let mut f: &File = file;
        f.seek(SeekFrom::Start(from.read)).map_err(io_err)?;
        let mut scan = from.clone();
        let cut = scan.run(&mut BufReader::new(f), cutoff).map_err(io_err)?;
        if !cut || attempt == 3 || from.broken.is_some() {
            return Ok(scan);
        }
        attempt += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Scan {
    /// Returns whether the last line was cut short.
    fn run(&mut self, reader: &mut impl BufRead, cutoff: i64) -> io::Result<bool> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader
                .by_ref()
                .take(MAX_ENTRY_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf)?;
            if n == 0 {
                return Ok(false);
            }
            if buf.pop() != Some(b'\n') {
                if n <= MAX_ENTRY_BYTES {
                    self.fail(
                        self.lines + 1,
                        "truncated: the last line has no newline (a write cut short)",
                    );
                    return Ok(true);
                }
                self.read += (n + skip_line(reader)?) as u64;
                self.lines += 1;
                self.fail(
                    self.lines,
                    "the line is longer than an entry may be (16 KiB)",
                );
                continue;
            }
            self.read += n as u64;
            self.lines += 1;
            if self.broken.is_none() {
                match check(&buf, &self.chain) {
                    Ok(e) => {
                        self.starts_with_ack |= matches!(e.kind, Kind::Ack { .. });
                        self.chain = Chain {
                            seq: e.seq,
                            head: sha_hex(&buf),
                        };
                        apply(&mut self.intents, e, true, cutoff);
                        continue;
                    }
                    Err(reason) => self.fail(self.lines, &reason),
                }
            }
            // After a break: every intent that parses still counts.
            if let Some(e) = serde_json::from_slice(&buf)
                .ok()
                .and_then(|v| entry(&v).ok())
            {
                apply(&mut self.intents, e, false, cutoff);
            }
        }
    }

    fn fail(&mut self, line: u64, reason: &str) {
        self.broken.get_or_insert_with(|| Break {
            line,
            reason: reason.to_owned(),
        });
    }
}

/// Consume the rest of a line; returns the bytes consumed.
fn skip_line(reader: &mut impl BufRead) -> io::Result<usize> {
    let mut skipped = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(skipped);
        }
        let (used, done) = buf
            .iter()
            .position(|&b| b == b'\n')
            .map_or((buf.len(), false), |i| (i + 1, true));
        reader.consume(used);
        skipped += used;
        if done {
            return Ok(skipped);
        }
    }
}

fn check(line: &[u8], chain: &Chain) -> Result<Entry, String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not a JSON entry: {e}"))?;
    if !hash_matches(line) {
        return Err("the entry's hash does not match its content (the line was edited)".into());
    }
    let e = entry(&v)?;
    if e.seq != chain.seq + 1 {
        return Err(format!(
            "seq {} where {} was expected (a line deleted, duplicated or reordered)",
            e.seq,
            chain.seq + 1
        ));
    }
    if e.prev != prev_of(chain) {
        return Err("prev does not match the sha256 of the previous line".into());
    }
    if matches!(e.kind, Kind::Ack { .. }) && e.seq != 1 {
        return Err("an acknowledged-break entry may only start a chain".into());
    }
    Ok(e)
}

fn entry(v: &Value) -> Result<Entry, String> {
    let o = v.as_object().ok_or("not a JSON object")?;
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("missing or non-string {k:?}"))
    };
    let seq = o
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or("missing or invalid \"seq\"")?;
    let ts_ms = o
        .get("ts_ms")
        .and_then(Value::as_i64)
        .ok_or("missing or invalid \"ts_ms\"")?;
    let body = o.get("body").ok_or("missing \"body\"")?;
    let kind = match text("kind")? {
        "intent" => {
            text("symbol")?;
            if !matches!(o.get("side"), Some(Value::Null))
                && !matches!(text("side")?, "BUY" | "SELL")
            {
                return Err("invalid \"side\"".into());
            }
            Kind::Intent {
                id: text("id")?.into(),
                quote_asset: text("quote_asset")?.into(),
                notional: notional(text("notional")?)?,
            }
        }
        "outcome" => {
            let status = match text("outcome")? {
                "accepted" => text("order_id")
                    .and(text("status"))
                    .map(|_| Status::Accepted)?,
                "rejected" => Status::Rejected,
                "unknown" => Status::Unknown,
                other => return Err(format!("unknown outcome {other:?}")),
            };
            Kind::Outcome {
                id: text("id")?.into(),
                status,
            }
        }
        "acknowledged-break" => Kind::Ack {
            carried: carried(body).ok_or("malformed \"carried\" intents")?,
        },
        other => return Err(format!("unknown kind {other:?}")),
    };
    Ok(Entry {
        seq,
        ts_ms,
        prev: text("prev")?.into(),
        kind,
    })
}

fn notional(s: &str) -> Result<Decimal, String> {
    match Decimal::from_str(s) {
        Ok(d) if !d.is_sign_negative() || d.is_zero() => Ok(d),
        _ => Err(format!("invalid notional {s:?}")),
    }
}

fn carried(body: &Value) -> Option<Vec<Tracked>> {
    let item = |v: &Value| {
        let status = match v.get("status")?.as_str()? {
            "pending" => Status::Pending,
            "accepted" => Status::Accepted,
            "unknown" => Status::Unknown,
            _ => return None,
        };
        let id = match v.get("id")? {
            Value::Null => None,
            id => Some(id.as_str()?.to_owned()),
        };
        let notional = notional(v.get("notional")?.as_str()?).ok()?;
        Some(Tracked {
            id,
            ts_ms: v.get("ts_ms")?.as_i64()?,
            quote_asset: v.get("quote_asset")?.as_str()?.into(),
            notional,
            status,
        })
    };
    body.get("carried")?.as_array()?.iter().map(item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering::SeqCst};

    /// A fresh directory under the system temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir =
                std::env::temp_dir().join(format!("journal-{tag}-{}-{nanos}", std::process::id()));
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
        fn file(&self) -> PathBuf {
            self.0.join("state/binance-mcp/journal.jsonl")
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const T0: i64 = 1_700_000_000_000;
    const HOUR: i64 = 3_600_000;

    fn clock() -> (Arc<AtomicI64>, Clock) {
        let t = Arc::new(AtomicI64::new(T0));
        let c = t.clone();
        (t, Arc::new(move || c.load(SeqCst)))
    }

    fn open(path: &Path, clock: &Clock) -> (Journal, Verification) {
        Journal::open_with_clock(path, clock.clone()).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn intent(id: &str, notional: &str) -> Intent {
        Intent {
            id: id.into(),
            symbol: "BTCUSDT".into(),
            side: Some(Side::Buy),
            quote_asset: "USDT".into(),
            notional: dec(notional),
            body: json!({"decision": "allowed", "request": {"symbol": "BTCUSDT", "side": "BUY",
                "type": "LIMIT", "quantity": "0.001", "price": "65000.5"}}),
        }
    }

    fn rejected() -> Outcome {
        Outcome::Rejected {
            body: json!({"code": -2010, "msg": "Account has insufficient balance"}),
        }
    }

    fn lines(path: &Path) -> Vec<String> {
        fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn rewrite(path: &Path, lines: &[String]) {
        fs::write(
            path,
            lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
    }

    fn usdt(j: &Journal, since: i64) -> Decimal {
        j.notional_since(since, "USDT")
    }

    #[test]
    fn append_and_reopen_round_trip_with_the_documented_hash_rule() {
        let dir = Scratch::new("roundtrip");
        let (_, c) = clock();
        let (j, v) = open(&dir.file(), &c);
        assert_eq!((v.entries, v.head.as_str(), v.broken), (0, GENESIS, None));
        assert_eq!(j.append_intent(intent("bmcp-1", "65.0005")).unwrap(), 1);
        let accepted = Outcome::Accepted {
            order_id: "12345".into(),
            status: "NEW".into(),
            body: json!({"orderId": 12345}),
        };
        assert_eq!(j.append_outcome("bmcp-1", accepted).unwrap(), 2);
        drop(j);
        let (j, v) = open(&dir.file(), &c);
        assert!(v.is_intact() && v.entries == 2);
        assert_eq!(usdt(&j, 0), dec("65.0005"));
        assert_eq!(j.notional_since(0, "BTC"), Decimal::ZERO);
        let ls = lines(&dir.file());
        // The rule, reproduced independently: sha256(line minus its last 75 bytes, plus "}").
        let mut prev = GENESIS.to_owned();
        for l in &ls {
            let v: Value = serde_json::from_str(l).unwrap();
            let content = format!("{}}}", &l[..l.len() - 75]);
            assert_eq!(v["hash"], json!(sha_hex(content.as_bytes())));
            assert_eq!(v["prev"], json!(prev));
            prev = sha_hex(l.as_bytes());
        }
        assert_eq!(v.head, prev);
        assert!(
            ls[0].starts_with(
                r#"{"body":{"decision":"allowed","request":{"price":"65000.5","quantity":"0.001""#
            ),
            "{}",
            ls[0]
        );
        assert!(
            ls[0].contains(r#""id":"bmcp-1","kind":"intent","notional":"65.0005","prev":"0000"#),
            "{}",
            ls[0]
        );
        assert!(
            ls[1].contains(r#""kind":"outcome","order_id":"12345","outcome":"accepted","#),
            "{}",
            ls[1]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.file()), 0o600);
            assert_eq!(mode(dir.file().parent().unwrap()), 0o700);
        }
    }

    #[test]
    fn an_intent_without_outcome_counts_after_a_kill() {
        let dir = Scratch::new("kill");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "100")).unwrap();
        drop(j); // the process dies before the outcome
        let (j, v) = open(&dir.file(), &c);
        assert!(v.is_intact());
        assert_eq!(usdt(&j, 0), dec("100"));
        j.append_outcome(
            "a",
            Outcome::Unknown {
                body: json!({"error": "UNKNOWN_OUTCOME"}),
            },
        )
        .unwrap();
        assert_eq!(usdt(&j, 0), dec("100"));
        j.append_outcome("a", rejected()).unwrap(); // resolved later: NOT_FOUND
        assert_eq!(usdt(&j, 0), Decimal::ZERO);
    }

    #[test]
    fn a_rejected_outcome_stops_counting_and_stays_so_after_reopen() {
        let dir = Scratch::new("rejected");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "100")).unwrap();
        j.append_intent(intent("b", "50")).unwrap();
        j.append_outcome("a", rejected()).unwrap();
        assert_eq!(usdt(&j, 0), dec("50"));
        drop(j);
        let (j, _) = open(&dir.file(), &c);
        assert_eq!(usdt(&j, 0), dec("50"));
    }

    #[test]
    fn the_window_is_rolling_and_survives_reopening() {
        let dir = Scratch::new("window");
        let (t, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "100")).unwrap();
        t.store(T0 + 23 * HOUR, SeqCst);
        j.append_intent(intent("b", "50")).unwrap();
        assert_eq!(usdt(&j, T0 + 23 * HOUR - 24 * HOUR), dec("150"));
        t.store(T0 + 25 * HOUR, SeqCst);
        assert_eq!(usdt(&j, T0 + 25 * HOUR - 24 * HOUR), dec("50"));
        drop(j);
        let (j, _) = open(&dir.file(), &c);
        assert_eq!(usdt(&j, T0 + HOUR), dec("50"));
        t.store(T0 + 49 * HOUR, SeqCst);
        let (j2, _) = open(&dir.file(), &c);
        assert_eq!(
            usdt(&j2, 0),
            Decimal::ZERO,
            "beyond retention nothing is kept"
        );
    }

    #[test]
    fn a_truncated_last_line_is_a_break_and_refuses_writes() {
        let dir = Scratch::new("truncated");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "100")).unwrap();
        j.append_intent(intent("b", "5")).unwrap();
        drop(j);
        let bytes = fs::read(dir.file()).unwrap();
        fs::write(dir.file(), &bytes[..bytes.len() - 40]).unwrap();
        let v = verify(dir.file()).unwrap();
        assert_eq!(v.broken.as_ref().map(|b| b.line), Some(2));
        assert!(v.broken.unwrap().reason.contains("truncated"));
        let (j, v) = open(&dir.file(), &c);
        assert_eq!(v.entries, 1);
        assert!(matches!(
            j.append_intent(intent("c", "1")),
            Err(JournalError::Broken { line: 2, .. })
        ));
        assert!(matches!(
            j.append_outcome("a", rejected()),
            Err(JournalError::Broken { line: 2, .. })
        ));
        assert_eq!(
            usdt(&j, 0),
            dec("100"),
            "the cut intent was never confirmed, hence never sent"
        );
    }

    #[test]
    fn an_edited_notional_is_detected_and_later_rejections_are_not_believed() {
        let dir = Scratch::new("edited");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "100")).unwrap();
        j.append_intent(intent("b", "40")).unwrap();
        j.append_outcome("b", rejected()).unwrap();
        drop(j);
        let mut ls = lines(&dir.file());
        ls[1] = ls[1].replace(r#""notional":"40""#, r#""notional":"10""#);
        rewrite(&dir.file(), &ls);
        let (j, v) = open(&dir.file(), &c);
        let b = v.broken.unwrap();
        assert_eq!(b.line, 2);
        assert!(b.reason.contains("hash"), "{}", b.reason);
        assert_eq!(
            usdt(&j, 0),
            dec("110"),
            "b counts: its rejection comes after the break"
        );
        assert!(matches!(
            j.append_intent(intent("c", "1")),
            Err(JournalError::Broken { line: 2, .. })
        ));
    }

    #[test]
    fn a_deleted_or_reordered_line_is_detected() {
        let dir = Scratch::new("deleted");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        for id in ["a", "b", "c"] {
            j.append_intent(intent(id, "1")).unwrap();
        }
        drop(j);
        let ls = lines(&dir.file());
        rewrite(&dir.file(), &[ls[0].clone(), ls[2].clone()]);
        let b = verify(dir.file()).unwrap().broken.unwrap();
        assert_eq!(b.line, 2);
        assert!(
            b.reason.contains("seq 3 where 2 was expected"),
            "{}",
            b.reason
        );
        rewrite(&dir.file(), &[ls[0].clone(), ls[2].clone(), ls[1].clone()]);
        assert_eq!(verify(dir.file()).unwrap().broken.unwrap().line, 2);
        rewrite(&dir.file(), &[ls[1].clone(), ls[0].clone(), ls[2].clone()]);
        assert_eq!(verify(dir.file()).unwrap().broken.unwrap().line, 1);
    }

    #[test]
    fn acknowledging_a_break_carries_the_cap_over_and_writes_resume() {
        let dir = Scratch::new("ack");
        let (t, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        assert_eq!(j.acknowledge_break("nothing to do").unwrap(), None);
        j.append_intent(intent("a", "100")).unwrap();
        j.append_intent(intent("b", "40")).unwrap();
        j.append_outcome("b", rejected()).unwrap();
        j.append_intent(intent("c", "7")).unwrap();
        drop(j);
        let bytes = fs::read(dir.file()).unwrap();
        fs::write(dir.file(), &bytes[..bytes.len() - 10]).unwrap();
        let (j, v) = open(&dir.file(), &c);
        assert_eq!(v.broken.as_ref().unwrap().line, 4);
        t.store(T0 + HOUR, SeqCst);
        let aside = j
            .acknowledge_break("cut by a full disk; checked by hand")
            .unwrap()
            .unwrap();
        assert_eq!(
            aside.file_name().unwrap().to_str().unwrap(),
            format!("journal.jsonl.broken-{}", T0 + HOUR)
        );
        assert_eq!(fs::read(&aside).unwrap(), &bytes[..bytes.len() - 10]);
        assert_eq!(usdt(&j, 0), dec("100"));
        assert_eq!(j.append_intent(intent("d", "1")).unwrap(), 2);
        let first: Value = serde_json::from_str(&lines(&dir.file())[0]).unwrap();
        assert_eq!(first["kind"], "acknowledged-break");
        assert_eq!(
            first["body"]["broken_sha256"],
            json!(sha_file(&aside).unwrap())
        );
        assert_eq!(first["body"]["line"], 4);
        assert_eq!(first["body"]["carried"].as_array().unwrap().len(), 1);
        drop(j);
        let (j, v) = open(&dir.file(), &c);
        assert!(v.is_intact() && v.entries == 2);
        assert_eq!(usdt(&j, 0), dec("101"));
        t.store(T0 + 26 * HOUR, SeqCst);
        assert_eq!(j.append_intent(intent("e", "2")).unwrap(), 3);
        assert_eq!(
            usdt(&j, 0),
            dec("3"),
            "the carried intent expires on its own schedule"
        );
    }

    #[test]
    fn a_large_carry_is_merged_to_fit_without_losing_notional() {
        let dir = Scratch::new("coalesce");
        let (t, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        for i in 0..240 {
            t.store(T0 + i * 60_000, SeqCst);
            j.append_intent(intent(&format!("bmcp-{i:022}"), "1.5"))
                .unwrap();
        }
        drop(j);
        let mut ls = lines(&dir.file());
        ls.remove(100);
        rewrite(&dir.file(), &ls);
        let (j, _) = open(&dir.file(), &c);
        assert_eq!(
            usdt(&j, 0),
            dec("358.5"),
            "239 intents left: those after the break still count"
        );
        j.acknowledge_break("test").unwrap().unwrap();
        assert_eq!(usdt(&j, 0), dec("358.5"));
        let first: Value = serde_json::from_str(&lines(&dir.file())[0]).unwrap();
        assert_eq!(
            first["body"]["carried"].as_array().unwrap().len(),
            5,
            "merged into hourly groups"
        );
        // T0 is 13m20s past an hour: minutes 167..=226 form one group whose
        // newest time (226) is after minute 200, so all of it still counts.
        assert_eq!(
            usdt(&j, T0 + 200 * 60_000),
            dec("109.5"),
            "a group expires with its newest member"
        );
    }

    #[test]
    fn two_writers_on_one_file_keep_one_chain() {
        let dir = Scratch::new("two");
        let (_, c) = clock();
        let (a, _) = open(&dir.file(), &c);
        let (b, _) = open(&dir.file(), &c);
        assert_eq!(a.append_intent(intent("a1", "10")).unwrap(), 1);
        assert_eq!(b.append_intent(intent("b1", "20")).unwrap(), 2);
        assert_eq!(a.append_outcome("b1", rejected()).unwrap(), 3);
        assert_eq!(
            b.notional_since(0, "USDT"),
            dec("10"),
            "b saw a's intent and a's rejection"
        );
        assert!(matches!(
            b.append_intent(intent("a1", "1")),
            Err(JournalError::Invalid(_))
        ));
        let (a, b) = (Arc::new(a), Arc::new(b));
        let threads: Vec<_> = [a.clone(), b.clone(), a.clone(), b.clone()]
            .into_iter()
            .enumerate()
            .map(|(w, j)| {
                std::thread::spawn(move || {
                    for i in 0..20 {
                        j.append_intent(intent(&format!("w{w}-{i}"), "1")).unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let v = verify(dir.file()).unwrap();
        assert!(v.is_intact() && v.entries == 83, "{v:?}");
        assert_eq!(a.notional_since(0, "USDT"), dec("90"));
        assert_eq!(b.notional_since(0, "USDT"), dec("90"));
    }

    /// Run by `two_processes_on_one_file_keep_one_chain` in a child process.
    #[test]
    #[ignore = "a helper: runs only as the child of another test"]
    fn child_writer() {
        let Some(path) = std::env::var_os("JOURNAL_CHILD_PATH") else {
            return;
        };
        let tag = std::env::var("JOURNAL_CHILD_TAG").unwrap();
        let (j, _) = Journal::open(PathBuf::from(path)).unwrap();
        for i in 0..25 {
            j.append_intent(intent(&format!("{tag}-{i}"), "1")).unwrap();
        }
    }

    #[test]
    fn two_processes_on_one_file_keep_one_chain() {
        let dir = Scratch::new("procs");
        let (j, _) = Journal::open(dir.file()).unwrap();
        j.append_intent(intent("parent-first", "1")).unwrap();
        let exe = std::env::current_exe().unwrap();
        // This module's path without the crate name, wherever the host puts it.
        let child_test = format!(
            "{}::child_writer",
            module_path!().split_once("::").unwrap().1
        );
        let children: Vec<_> = ["p1", "p2"]
            .iter()
            .map(|tag| {
                std::process::Command::new(&exe)
                    .args(["--exact", &child_test, "--ignored", "--quiet"])
                    .env("JOURNAL_CHILD_PATH", dir.file())
                    .env("JOURNAL_CHILD_TAG", tag)
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for i in 0..25 {
            j.append_intent(intent(&format!("parent-{i}"), "1"))
                .unwrap();
        }
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        let v = verify(dir.file()).unwrap();
        assert!(v.is_intact() && v.entries == 76, "{v:?}");
        assert_eq!(
            usdt(&j, 0),
            dec("76"),
            "the other processes' intents count here too"
        );
    }

    #[test]
    fn what_could_not_be_verified_is_not_written() {
        let dir = Scratch::new("selfcheck");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        let mut deep = intent("a", "1");
        deep.body = (0..200).fold(json!(1), |v, _| json!([v]));
        assert!(matches!(
            j.append_intent(deep),
            Err(JournalError::Invalid(_))
        ));
        let mut float = intent("a", "1");
        float.body = json!({"price": 0.30000000000000004, "qty": 1e-7, "text": "é\u{0}\""});
        j.append_intent(float).unwrap();
        drop(j);
        assert!(
            verify(dir.file()).unwrap().is_intact(),
            "hashing never re-serializes"
        );
    }

    #[test]
    fn an_acknowledgement_by_one_writer_is_adopted_by_the_other() {
        let dir = Scratch::new("adopt");
        let (_, c) = clock();
        let (a, _) = open(&dir.file(), &c);
        a.append_intent(intent("a1", "10")).unwrap();
        a.append_intent(intent("a2", "5")).unwrap();
        let mut ls = lines(&dir.file());
        ls[0] = ls[0].replace("\"10\"", "\"19\"");
        rewrite(&dir.file(), &ls);
        let (b, v) = open(&dir.file(), &c);
        assert_eq!(v.broken.unwrap().line, 1);
        // A same-length edit in place is seen at the next open or verify, not
        // by a server already running: a appends on.
        assert_eq!(a.append_intent(intent("a3", "1")).unwrap(), 3);
        b.acknowledge_break("edited by hand").unwrap().unwrap();
        assert_eq!(
            a.acknowledge_break("again").unwrap(),
            None,
            "already acknowledged"
        );
        assert_eq!(a.append_intent(intent("a4", "2")).unwrap(), 2);
        assert_eq!(b.append_intent(intent("b1", "3")).unwrap(), 3);
        assert!(verify(dir.file()).unwrap().is_intact());
        // 19 (as edited) + 5 + 1 (read by b after its break) + 2 + 3.
        assert_eq!(a.notional_since(0, "USDT"), dec("30"));
        assert_eq!(b.notional_since(0, "USDT"), dec("30"));
    }

    #[test]
    fn a_journal_removed_while_in_use_is_a_break_that_can_be_acknowledged() {
        let dir = Scratch::new("removed");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        j.append_intent(intent("a", "10")).unwrap();
        fs::remove_file(dir.file()).unwrap();
        assert!(matches!(
            j.append_intent(intent("b", "1")),
            Err(JournalError::Broken { line: 2, .. })
        ));
        let aside = j.acknowledge_break("removed by mistake").unwrap().unwrap();
        assert_eq!(lines(&aside).len(), 1, "copied from the open handle");
        assert_eq!(j.append_intent(intent("b", "1")).unwrap(), 2);
        assert_eq!(usdt(&j, 0), dec("11"));
    }

    #[test]
    fn an_oversize_or_invalid_entry_is_refused_and_nothing_is_written() {
        let dir = Scratch::new("oversize");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        let mut big = intent("a", "1");
        big.body = json!({"blob": "x".repeat(MAX_ENTRY_BYTES)});
        assert!(matches!(
            j.append_intent(big),
            Err(JournalError::TooLarge {
                max: MAX_ENTRY_BYTES,
                ..
            })
        ));
        assert!(matches!(
            j.append_intent(intent("b", "-1")),
            Err(JournalError::Invalid(_))
        ));
        assert!(matches!(
            j.append_intent(intent("", "1")),
            Err(JournalError::Invalid(_))
        ));
        assert!(matches!(
            j.acknowledge_break(&"n".repeat(2000)),
            Err(JournalError::Invalid(_))
        ));
        assert_eq!(fs::metadata(dir.file()).unwrap().len(), 0);
        assert_eq!(j.append_intent(intent("a", "1")).unwrap(), 1);
    }

    #[test]
    fn tail_prints_the_last_lines() {
        let dir = Scratch::new("tail");
        let (_, c) = clock();
        let (j, _) = open(&dir.file(), &c);
        for id in ["a", "b", "c"] {
            j.append_intent(intent(id, "1")).unwrap();
        }
        let t = tail(dir.file(), 2).unwrap();
        assert_eq!(t, lines(&dir.file())[1..]);
        assert!(tail(dir.file(), 0).unwrap().is_empty());
        assert_eq!(tail(dir.file(), 10).unwrap().len(), 3);
    }
}
