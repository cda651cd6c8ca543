//! The kill switch: a marker file that makes every server on the machine
//! refuse all writes at once.
//!
//! `binance-mcp halt` writes `HALT` in the state directory
//! (`$XDG_STATE_HOME/binance-mcp/HALT`, else
//! `~/.local/state/binance-mcp/HALT`); `binance-mcp resume` removes it; the
//! host checks [`Halt::status`] before each write. A file rather than a signal
//! or a socket: it reaches every server of this user whatever started it,
//! needs no daemon and no list of processes, survives restarts (a server
//! started while halted is halted too), and an operator without the binary at
//! hand can `touch` it. It fails closed: *any* entry at that path — valid,
//! empty, garbage, unreadable, even a directory — halts; only its absence
//! lets writes through.

use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The longest reason kept: 1 KiB is a paragraph. A longer one is cut (on a
/// character boundary, marked `…`) rather than refused: a halt must never
/// fail because of its explanation.
pub const MAX_REASON_BYTES: usize = 1024;

/// A marker larger than this (8 KiB, far above what [`Halt::halt`] writes)
/// is not read further: it still halts, as malformed. Bounds the cost of the
/// check every write pays.
const MAX_MARKER_BYTES: u64 = 8 * 1024;

/// The kill switch of one state directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Halt {
    path: PathBuf,
}

/// What a present marker says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HaltInfo {
    /// When the halt began (ms since the Unix epoch): the marker's own
    /// `since_ms`, or the file's modification time when it cannot be parsed;
    /// `None` when neither is available.
    pub since_ms: Option<i64>,
    /// The operator's reason (empty when the marker cannot be parsed).
    pub reason: String,
    /// Why the marker could not be parsed, when it could not: it halts all
    /// the same (fail closed), and saying so tells the operator why.
    pub malformed: Option<String>,
}

impl std::fmt::Display for HaltInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writes are halted (binance-mcp resume lifts it)")?;
        if let Some(since) = self.since_ms {
            write!(f, " since {since} ms after the Unix epoch")?;
        }
        match &self.malformed {
            Some(why) => write!(f, "; the halt marker is unreadable ({why})"),
            None => write!(f, ": {}", self.reason),
        }
    }
}

/// The marker's contents.
#[derive(Serialize, Deserialize)]
struct Marker {
    since_ms: i64,
    reason: String,
}

impl Halt {
    /// The marker's file name.
    pub const FILE_NAME: &'static str = "HALT";

    /// The kill switch whose marker is `dir/HALT`.
    pub fn at(dir: impl AsRef<Path>) -> Halt {
        Halt {
            path: dir.as_ref().join(Self::FILE_NAME),
        }
    }

    /// The marker's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Halt: write the marker atomically (a temporary file, `fsync`, then
    /// `rename`, so no server ever reads half a marker), mode 0600, creating
    /// the directory (0700) if needed. Halting again replaces the reason and
    /// the time.
    pub fn halt(&self, reason: &str) -> io::Result<()> {
        let dir = self.dir();
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
        let marker = Marker {
            since_ms: now_ms(),
            reason: capped(reason),
        };
        let bytes = serde_json::to_vec(&marker)?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let temp = dir.join(format!(".HALT.{}.{nanos}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temp).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&temp, &self.path)
        });
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        #[cfg(unix)]
        let _ = File::open(dir).and_then(|d| d.sync_all()); // make the rename durable
        tracing::warn!(marker = %self.path.display(), reason = %marker.reason, "writes halted");
        Ok(())
    }

    /// Resume: remove the marker, whatever it holds. Returns whether there
    /// was one (so `binance-mcp resume` can say "was not halted").
    pub fn resume(&self) -> io::Result<bool> {
        match fs::remove_file(&self.path) {
            Ok(()) => {
                tracing::warn!(marker = %self.path.display(), "writes resumed");
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `None` when writes may proceed, else what the marker says. Cheap
    /// enough for every write: when not halted, one failed `stat`; when
    /// halted, a read of a few bytes. Anything at the path other than a
    /// well-formed marker halts too, with [`HaltInfo::malformed`] set; what
    /// is not a regular file (a directory, a FIFO that would block the read)
    /// is never opened.
    pub fn status(&self) -> Option<HaltInfo> {
        let meta = match fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => return Some(malformed(None, format!("cannot stat it: {e}"))),
        };
        if !meta.is_file() {
            return Some(malformed(Some(&meta), "not a regular file".into()));
        }
        let mut bytes = Vec::new();
        let read = File::open(&self.path)
            .and_then(|f| f.take(MAX_MARKER_BYTES + 1).read_to_end(&mut bytes));
        let why = match read {
            // Removed between the stat and the open: resumed.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => format!("cannot read it: {e}"),
            Ok(_) if bytes.len() as u64 > MAX_MARKER_BYTES => "larger than 8 KiB".into(),
            Ok(_) if bytes.is_empty() => "empty (created by hand?)".into(),
            Ok(_) => match serde_json::from_slice::<Marker>(&bytes) {
                Ok(m) => {
                    return Some(HaltInfo {
                        since_ms: Some(m.since_ms),
                        reason: m.reason,
                        malformed: None,
                    })
                }
                Err(e) => format!("not a halt marker: {e}"),
            },
        };
        Some(malformed(Some(&meta), why))
    }

    fn dir(&self) -> &Path {
        self.path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

fn malformed(meta: Option<&fs::Metadata>, why: String) -> HaltInfo {
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    HaltInfo {
        since_ms: mtime,
        reason: String::new(),
        malformed: Some(why),
    }
}

fn capped(reason: &str) -> String {
    if reason.len() <= MAX_REASON_BYTES {
        return reason.to_owned();
    }
    let mut end = MAX_REASON_BYTES;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir =
                std::env::temp_dir().join(format!("halt-{tag}-{}-{nanos}", std::process::id()));
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn halt_is_seen_by_every_instance_and_resume_lifts_it() {
        let scratch = Scratch::new("cycle");
        let dir = scratch.0.join("state/binance-mcp");
        let (cli, server) = (Halt::at(&dir), Halt::at(&dir));
        assert_eq!(server.status(), None, "no directory yet: not halted");
        assert!(!cli.resume().unwrap());
        let before = now_ms();
        cli.halt("limit order loop").unwrap();
        let info = server.status().expect("halted");
        assert_eq!(info.reason, "limit order loop");
        assert_eq!(info.malformed, None);
        assert!((before..=now_ms()).contains(&info.since_ms.unwrap()));
        assert!(info.to_string().contains(": limit order loop"), "{info}");
        cli.halt("second thoughts").unwrap();
        assert_eq!(server.status().unwrap().reason, "second thoughts");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["HALT"], "no temporary file is left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(server.path()), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        assert!(cli.resume().unwrap());
        assert_eq!(server.status(), None);
        assert!(!cli.resume().unwrap());
    }

    #[test]
    fn anything_at_the_path_halts_and_says_why() {
        let scratch = Scratch::new("closed");
        let halt = Halt::at(&scratch.0);
        for (content, why) in [
            ("", "empty"),
            ("garbage", "not a halt marker"),
            (r#"{"reason": "no time"}"#, "not a halt marker"),
        ] {
            fs::write(halt.path(), content).unwrap();
            let info = halt.status().expect("fails closed");
            assert!(info.malformed.as_deref().unwrap().contains(why), "{info:?}");
            assert!(info.since_ms.is_some(), "the file's mtime stands in");
            assert!(info.to_string().contains("unreadable"));
        }
        fs::write(halt.path(), "x".repeat(10_000)).unwrap();
        assert!(halt.status().unwrap().malformed.unwrap().contains("8 KiB"));
        assert!(
            halt.resume().unwrap(),
            "resume removes a malformed marker too"
        );
        fs::create_dir(halt.path()).unwrap();
        let info = halt.status().unwrap();
        assert_eq!(
            info.malformed.unwrap(),
            "not a regular file",
            "a directory halts"
        );
        assert!(halt.resume().is_err(), "and is not removed silently");
        fs::remove_dir(halt.path()).unwrap();
        #[cfg(unix)]
        if std::process::Command::new("mkfifo")
            .arg(halt.path())
            .status()
            .is_ok_and(|s| s.success())
        {
            let info = halt.status().expect("a FIFO halts, without blocking");
            assert_eq!(info.malformed.unwrap(), "not a regular file");
        }
    }

    #[test]
    fn a_long_reason_is_cut_not_refused() {
        let scratch = Scratch::new("long");
        let halt = Halt::at(&scratch.0);
        halt.halt(&"é".repeat(1000)).unwrap();
        let reason = halt.status().unwrap().reason;
        assert!(reason.len() <= MAX_REASON_BYTES + '…'.len_utf8());
        assert!(reason.ends_with("é…"));
    }
}
