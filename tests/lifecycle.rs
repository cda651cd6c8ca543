//! Start and stop, through the real binary: no process ever prints a panic
//! (background work is cancelled and awaited before the runtime goes), and
//! closing stdin ends the server promptly even with a runaway call in flight.

mod support;

use binance_sim::{SIM_API_KEY, SIM_SECRET_KEY};
use serde_json::json;
use std::time::{Duration, Instant};
use support::raw::Raw;
use support::*;

/// 50 runs each of `tools`, `call` and `serve` with stdin closed at once,
/// with keys so the start-up clock sync is in the background every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_starts_and_stops_of_each_command_print_no_panic() {
    let sim = sim(41).await;
    let url = sim.spot_url();
    let runs = tokio::task::spawn_blocking(move || {
        let mut failures = Vec::new();
        for i in 0..50 {
            for args in [
                &["tools"][..],
                &["call", "get_server_time"][..],
                &["serve"][..],
            ] {
                let mut cmd = std_command(&url);
                cmd.env("BINANCE_API_KEY", SIM_API_KEY)
                    .env("BINANCE_SECRET_KEY", SIM_SECRET_KEY)
                    .args(args)
                    .stdin(std::process::Stdio::null());
                let Some(out) = output_within(cmd, Duration::from_secs(30)) else {
                    failures.push(format!("run {i} {args:?}: did not exit within 30 s"));
                    continue;
                };
                let stderr = String::from_utf8_lossy(&out.stderr);
                if stderr.contains("panicked") || !out.status.success() {
                    failures.push(format!("run {i} {args:?}: {:?} {stderr}", out.status));
                }
            }
        }
        failures
    })
    .await
    .unwrap();
    assert!(
        runs.is_empty(),
        "{} failed runs:\n{}",
        runs.len(),
        runs.join("\n")
    );
}

/// Run `cmd` to completion, or kill it after `limit`.
fn output_within(mut cmd: std::process::Command, limit: Duration) -> Option<std::process::Output> {
    use std::process::Stdio;
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run binance-mcp");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.ok(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &id.to_string()])
                .status();
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_stdin_stops_a_runaway_call_instead_of_waiting_for_it() {
    let sim = sim(42).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.args(["--call-timeout", "60", "--plugins"])
        .arg(fixture_dir("misbehave"))
        .arg("--policy")
        .arg(fixture_policy("misbehave", &["market-data"]));
    let mut raw = Raw::initialized(cmd).await;
    raw.call(1, "spin", json!({})).await;
    raw.call(2, "spin", json!({})).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let closed = Instant::now();
    let (status, stderr) = raw.finish(Duration::from_secs(30)).await;
    let took = closed.elapsed();
    assert!(status.is_some_and(|s| s.success()), "{status:?} {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The call timeout is 60 s; shutdown stops the plugins at their next tick.
    assert!(took < Duration::from_secs(10), "exit took {took:?}");
}
