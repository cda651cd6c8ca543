//! The journal's tests: the documented hash rule, the cap across kills
//! and reopenings, every kind of tampering, two writers on one file.
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
