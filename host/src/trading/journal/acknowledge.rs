//! Acknowledging a broken chain (`binance-mcp journal verify --acknowledge`):
//! the broken file is set aside, a new chain begins, and the cap is carried.

use super::*;

impl Journal {
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
}
