//! Reading the chain: verifying lines from where the last scan stopped,
//! keeping the intents of the cap window, carrying them across an
//! acknowledged break.

use super::*;

/// Merge carried intents per quote asset (and hour, when `hourly`); a merged
/// group takes its newest timestamp, so it expires no earlier than any member.
pub(super) fn coalesce(carried: &[Tracked], hourly: bool) -> Vec<Tracked> {
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

pub(super) fn apply(intents: &mut Vec<Tracked>, e: Entry, trusted: bool, cutoff: i64) {
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
pub(super) fn scan_file(
    file: &File,
    path: &Path,
    from: &Scan,
    cutoff: i64,
) -> Result<Scan, JournalError> {
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
    pub(super) fn run(&mut self, reader: &mut impl BufRead, cutoff: i64) -> io::Result<bool> {
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

    pub(super) fn fail(&mut self, line: u64, reason: &str) {
        self.broken.get_or_insert_with(|| Break {
            line,
            reason: reason.to_owned(),
        });
    }
}

/// Consume the rest of a line; returns the bytes consumed.
pub(super) fn skip_line(reader: &mut impl BufRead) -> io::Result<usize> {
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
