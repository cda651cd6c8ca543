//! A raw JSON-RPC client over the binary's stdio: for what an SDK client
//! would never send (garbage lines, oversized messages, odd shapes) and for
//! watching notifications and the process itself.

use serde_json::{json, Value};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// `binance-mcp serve` with its stdio piped to the test.
pub struct Raw {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub stdout: Option<BufReader<ChildStdout>>,
    /// Everything the server writes to stderr, once it exits.
    pub stderr: tokio::task::JoinHandle<String>,
}

impl Raw {
    /// Start `cmd serve` (with `cmd`'s environment and flags).
    pub async fn start(mut cmd: Command) -> Raw {
        cmd.arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("spawn binance-mcp serve");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(BufReader::new);
        let mut err = child.stderr.take().expect("stderr");
        let stderr = tokio::spawn(async move {
            let mut buf = String::new();
            let _ = err.read_to_string(&mut buf).await;
            buf
        });
        Raw {
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Start and complete the initialize handshake.
    pub async fn initialized(cmd: Command) -> Raw {
        let mut raw = Raw::start(cmd).await;
        raw.send(
            &json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
            "protocolVersion":"2025-11-25","capabilities":{},
            "clientInfo":{"name":"raw-test","version":"0"}}}),
        )
        .await;
        let init = raw.response(0).await;
        assert!(init.get("result").is_some(), "{init}");
        raw.send(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}))
            .await;
        raw
    }

    /// Write one line.
    pub async fn line(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).await.expect("write");
        stdin.write_all(b"\n").await.expect("write");
        stdin.flush().await.expect("flush");
    }

    /// Write one message.
    pub async fn send(&mut self, message: &Value) {
        self.line(message.to_string().as_bytes()).await;
    }

    /// The next message from the server (panics after 30 s or at EOF).
    pub async fn next(&mut self) -> Value {
        self.next_within(Duration::from_secs(30))
            .await
            .expect("a message from the server")
    }

    /// The next message within `wait`, if any.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let line = self.line_within(wait).await?;
        Some(
            serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout is not JSON-RPC ({e}): {line:?}")),
        )
    }

    /// The next line the server writes within `wait`, unparsed (for timing
    /// the server alone: the client's own parsing is not its cost).
    pub async fn line_within(&mut self, wait: Duration) -> Option<String> {
        let stdout = self.stdout.as_mut().expect("stdout open");
        let mut line = String::new();
        match tokio::time::timeout(wait, stdout.read_line(&mut line)).await {
            Ok(Ok(n)) if n > 0 => Some(line),
            _ => None,
        }
    }

    /// The response to request `id`, skipping notifications; the
    /// notifications seen on the way are kept in `seen`.
    pub async fn response_collecting(&mut self, id: i64, seen: &mut Vec<Value>) -> Value {
        loop {
            let m = self.next().await;
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            seen.push(m);
        }
    }

    /// The response to request `id`.
    pub async fn response(&mut self, id: i64) -> Value {
        self.response_collecting(id, &mut Vec::new()).await
    }

    /// A `tools/call` request.
    pub async fn call(&mut self, id: i64, tool: &str, arguments: Value) {
        self.send(&json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
            "params":{"name":tool,"arguments":arguments}}))
            .await;
    }

    /// The server's resident and peak memory, kB (`VmRSS`, `VmHWM`).
    pub fn memory_kb(&self) -> (u64, u64) {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Reset the server's peak-memory mark (`VmHWM`) to its current RSS.
    pub fn reset_peak_memory(&self) {
        let pid = self.child.id().expect("running");
        std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("clear_refs");
    }

    /// Close stdin and wait (at most `wait`) for the process to exit;
    /// returns its stderr.
    pub async fn finish(mut self, wait: Duration) -> (Option<std::process::ExitStatus>, String) {
        drop(self.stdin.take());
        let status = tokio::time::timeout(wait, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        if status.is_none() {
            let _ = self.child.kill().await;
        }
        let stderr = self.stderr.await.unwrap_or_default();
        (status, stderr)
    }
}

/// The JSON body of a tool result's text block.
pub fn tool_body(response: &Value) -> (bool, Value) {
    let result = &response["result"];
    let is_error = result["isError"] == json!(true);
    let text = result["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text block: {response}"));
    (
        is_error,
        serde_json::from_str(text).expect("the text block is JSON"),
    )
}
