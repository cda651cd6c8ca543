//! Serving MCP over stdio: stdout carries only MCP messages (logs go to
//! stderr through `tracing`).
//!
//! The transport is the host's own rather than rmcp's `AsyncRwTransport`,
//! because the host decides what happens at the edges of the wire:
//! - a message over [`MAX_MESSAGE_BYTES`] is never buffered or parsed; a
//!   `tools/call` that large (its id found at the start or the end of the
//!   line) is answered with a tool error, anything else with -32600;
//! - a call whose `arguments` exceed [`MAX_ARGUMENT_BYTES`] is answered
//!   with a tool error before the plugin sees them (the message itself,
//!   at most 1 MiB, is parsed; the arguments are measured, not used);
//! - a JSON-RPC batch (removed from MCP) is answered -32600;
//! - a line that is not JSON is answered -32700 (rmcp ignores it, leaving a
//!   client to wait for its own timeout), and a `tools/call` whose
//!   `arguments` is not an object -32602 (rmcp would say -32601);
//! - a failed write to stdout (the client closed it) ends the session, so
//!   no further calls reach the exchange.
//!
//! What rmcp still decides: everything about a message that parses (routing,
//! responses, cancellation), and the JSON-RPC shapes it accepts.

use super::McpServer;
use rmcp::model::{ErrorData, RequestId, ServerJsonRpcMessage};
use rmcp::service::RxJsonRpcMessage;
use rmcp::transport::Transport;
use rmcp::{RoleServer, ServiceExt};
use serde_json::Value;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_util::sync::CancellationToken;

/// Largest tool-call `arguments` object, in bytes of JSON. Binance's
/// parameters are short (a 500-symbol list is under 8 KiB); anything near
/// this is a mistake or an attack, refused before it costs memory.
pub const MAX_ARGUMENT_BYTES: usize = 64 << 10;
/// Largest JSON-RPC message read from the client. Longer lines are skipped
/// as they arrive, never held in memory.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;
/// The key under which an oversized call's size reaches the server (in
/// place of its arguments), so the refusal is an ordinary tool result.
pub(crate) const OVERSIZED_MARKER: &str = "__binance_mcp_oversized_arguments_bytes";
/// Bytes of an oversized line's start and end kept to find its id.
const EDGE: usize = 4096;

/// Serve until the client closes stdin or stdout.
pub async fn serve(server: McpServer) -> anyhow::Result<()> {
    let (read, write) = rmcp::transport::stdio_pipes();
    let forwarder = server.clone();
    let running = match server.serve(LineTransport::new(read, write)).await {
        Ok(running) => running,
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(during)) => {
            // A client that goes away before initializing ends the session;
            // nothing failed.
            tracing::info!(%during, "the client closed the connection before initializing");
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    forwarder.forward_tool_changes(running.peer().clone());
    let reason = running.waiting().await?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}

/// Newline-delimited JSON-RPC over a reader and a writer.
pub struct LineTransport<R, W> {
    read: BufReader<R>,
    line: Vec<u8>,
    /// Set while skipping the rest of an oversized line.
    skipping: Option<Oversized>,
    write: Arc<tokio::sync::Mutex<W>>,
    /// Cancelled when a write fails: the client is gone.
    closed: CancellationToken,
}

/// What is kept of an oversized line: its size, start and end.
#[derive(Default)]
struct Oversized {
    bytes: usize,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Oversized {
    fn take(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len();
        let room = EDGE.saturating_sub(self.head.len());
        self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.tail.extend_from_slice(chunk);
        if self.tail.len() > EDGE {
            self.tail.drain(..self.tail.len() - EDGE);
        }
    }
}

enum Line {
    Whole,
    Oversized(Oversized),
    Eof,
}

impl<R: AsyncRead + Unpin + Send, W: AsyncWrite + Unpin + Send + 'static> LineTransport<R, W> {
    pub fn new(read: R, write: W) -> Self {
        LineTransport {
            read: BufReader::new(read),
            line: Vec::new(),
            skipping: None,
            write: Arc::new(tokio::sync::Mutex::new(write)),
            closed: CancellationToken::new(),
        }
    }

    /// Read one line into `self.line`, never holding more than
    /// [`MAX_MESSAGE_BYTES`]. Cancel-safe: progress lives in `self`.
    async fn read_line(&mut self) -> std::io::Result<Line> {
        loop {
            let available = self.read.fill_buf().await?;
            if available.is_empty() {
                return Ok(Line::Eof);
            }
            let newline = available.iter().position(|b| *b == b'\n');
            let take = newline.map_or(available.len(), |i| i + 1);
            let chunk = &available[..take];
            if let Some(skip) = self.skipping.as_mut() {
                skip.take(chunk);
            } else if self.line.len() + chunk.len() > MAX_MESSAGE_BYTES {
                let mut skip = Oversized::default();
                skip.take(&std::mem::take(&mut self.line));
                skip.take(chunk);
                self.skipping = Some(skip);
            } else {
                self.line.extend_from_slice(chunk);
            }
            self.read.consume(take);
            if newline.is_some() {
                return Ok(match self.skipping.take() {
                    Some(skip) => Line::Oversized(skip),
                    None => Line::Whole,
                });
            }
        }
    }

    /// Write one message as a line; a failure closes the session.
    fn write_message(
        &self,
        message: &ServerJsonRpcMessage,
    ) -> impl std::future::Future<Output = std::io::Result<()>> + Send + 'static {
        let bytes = serde_json::to_vec(message).map(|mut v| {
            v.push(b'\n');
            v
        });
        let write = self.write.clone();
        let closed = self.closed.clone();
        async move {
            let bytes = bytes.map_err(std::io::Error::other)?;
            let mut w = write.lock().await;
            let result = async {
                w.write_all(&bytes).await?;
                w.flush().await
            }
            .await;
            if let Err(e) = &result {
                if !closed.is_cancelled() {
                    tracing::info!(error = %e, "stdout is closed: ending the MCP session");
                }
                closed.cancel();
            }
            result
        }
    }

    /// Answer a line the server will not see with a protocol error. The
    /// write runs as its own short task: `receive` is polled inside rmcp's
    /// `select!` and may be dropped at any await, which would lose the answer
    /// or leave half a line on stdout. The task holds the writer lock for the
    /// whole line, so lines never interleave; a failed write closes the
    /// session.
    fn refuse(&self, id: Option<RequestId>, error: ErrorData) {
        let write = self.write_message(&ServerJsonRpcMessage::error(error, id));
        tokio::spawn(async move {
            let _ = write.await;
        });
    }

    /// Turn one whole line into a message for the server, or answer it here.
    fn screen(&self, line: &[u8]) -> Option<RxJsonRpcMessage<RoleServer>> {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let line = trim_line(line);
        if line.is_empty() {
            return None;
        }
        match serde_json::from_slice::<RxJsonRpcMessage<RoleServer>>(line) {
            Ok(message) => {
                if let Some((id, error)) = malformed_standard_request(&message) {
                    tracing::warn!(message = %error.message, "refused a request with invalid params");
                    self.refuse(Some(id), error);
                    return None;
                }
                if line.len() > MAX_ARGUMENT_BYTES {
                    Some(cap_arguments(message))
                } else {
                    Some(message)
                }
            }
            Err(e) if e.is_syntax() || e.is_eof() => {
                tracing::warn!(bytes = line.len(), error = %e, "a line from the client is not JSON: answered -32700");
                self.refuse(None, ErrorData::parse_error(format!("not JSON: {e}"), None));
                None
            }
            Err(_) if line.first() == Some(&b'[') => {
                // JSON-RPC batches were removed from MCP (2025-06-18).
                tracing::warn!("a JSON-RPC batch from the client: answered -32600");
                self.refuse(
                    None,
                    ErrorData::invalid_request(
                        "JSON-RPC batches are not supported by MCP; send one message per line",
                        None,
                    ),
                );
                None
            }
            Err(e) => {
                let value: Value = serde_json::from_slice(line).ok()?;
                let id = value
                    .get("id")
                    .and_then(|id| serde_json::from_value(id.clone()).ok());
                let method = shown(value.get("method").and_then(Value::as_str).unwrap_or(""));
                let method = method.as_str();
                let Some(id) = id else {
                    // A notification rmcp does not know (an LSP message, a
                    // newer spec's): ignored, as rmcp and the other SDKs do.
                    tracing::debug!(method, "ignoring a notification that does not parse");
                    return None;
                };
                let arguments = value.pointer("/params/arguments");
                let error = if method == "tools/call" && arguments.is_some_and(|a| !a.is_object()) {
                    ErrorData::invalid_params(
                        "tools/call arguments must be a JSON object, e.g. {\"symbol\":\"BTCUSDT\"}",
                        None,
                    )
                } else {
                    ErrorData::invalid_request(
                        format!(
                            "invalid {method} request: {}",
                            crate::text::escaped(&e.to_string(), 200)
                        ),
                        None,
                    )
                };
                tracing::warn!(method, error = %crate::text::escaped(&e.to_string(), 200), "refused a request that does not parse");
                self.refuse(Some(id), error);
                None
            }
        }
    }

    /// An oversized line: a call becomes a tool error, anything else -32600.
    fn oversized(&self, skip: Oversized) -> Option<RxJsonRpcMessage<RoleServer>> {
        let found = find_id(&skip.head, &skip.tail);
        let is_call =
            contains(&skip.head, b"\"tools/call\"") || contains(&skip.tail, b"\"tools/call\"");
        tracing::warn!(bytes = skip.bytes, limit = MAX_MESSAGE_BYTES, id = ?found, "a message over the size limit was skipped unread");
        let id = found?;
        if is_call {
            return oversized_call(id, skip.bytes);
        }
        let error = ErrorData::invalid_request(
            format!(
                "message of {} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit",
                skip.bytes
            ),
            None,
        );
        self.refuse(Some(id), error);
        None
    }
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl std::future::Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.write_message(&item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let closed = self.closed.clone();
            let line = tokio::select! {
                () = closed.cancelled() => return None,
                line = self.read_line() => line,
            };
            let message = match line {
                Ok(Line::Eof) => return None,
                Err(e) => {
                    tracing::info!(error = %e, "cannot read stdin: ending the MCP session");
                    return None;
                }
                // From here to the return nothing awaits: a whole line is
                // handled, or answered, before `receive` can be dropped.
                Ok(Line::Oversized(skip)) => self.oversized(skip),
                Ok(Line::Whole) => {
                    let message = self.screen(&self.line);
                    self.line.clear();
                    message
                }
            };
            if self.closed.is_cancelled() {
                return None;
            }
            if let Some(message) = message {
                return Some(message);
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        let mut w = self.write.lock().await;
        w.flush().await
    }
}

/// Client text in a message or log line: control characters escaped, at
/// most 64 characters.
fn shown(s: &str) -> String {
    crate::text::escaped(s, 64)
}

fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A standard method whose params did not fit its type arrives from rmcp's
/// parser as a custom request, which rmcp would answer -32601 "method not
/// found": it is -32602, invalid params.
fn malformed_standard_request(
    message: &RxJsonRpcMessage<RoleServer>,
) -> Option<(RequestId, ErrorData)> {
    use rmcp::model::{ClientRequest, JsonRpcMessage};
    let JsonRpcMessage::Request(req) = message else {
        return None;
    };
    let ClientRequest::CustomRequest(custom) = &req.request else {
        return None;
    };
    let message = match custom.method.as_str() {
        "tools/call" => {
            let args = custom.params.as_ref().and_then(|p| p.get("arguments"));
            if args.is_some_and(|a| !a.is_object()) {
                "tools/call arguments must be a JSON object, e.g. {\"symbol\":\"BTCUSDT\"}"
                    .to_string()
            } else {
                "tools/call params must be {\"name\": string, \"arguments\": object}".to_string()
            }
        }
        m if STANDARD_REQUESTS.contains(&m) => format!("invalid params for {}", shown(m)),
        _ => return None,
    };
    Some((req.id.clone(), ErrorData::invalid_params(message, None)))
}

/// Requests of MCP 2025-11-25 a client may send (a custom request by one of
/// these names is one whose params did not parse).
const STANDARD_REQUESTS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

/// A `tools/call` whose arguments are over [`MAX_ARGUMENT_BYTES`] gets its
/// arguments replaced by the marker carrying their size.
fn cap_arguments(mut message: RxJsonRpcMessage<RoleServer>) -> RxJsonRpcMessage<RoleServer> {
    use rmcp::model::{ClientRequest, JsonRpcMessage};
    if let JsonRpcMessage::Request(req) = &mut message {
        if let ClientRequest::CallToolRequest(call) = &mut req.request {
            if let Some(args) = &call.params.arguments {
                let size = serde_json::to_vec(args).map_or(usize::MAX, |v| v.len());
                if size > MAX_ARGUMENT_BYTES {
                    let mut marker = serde_json::Map::new();
                    marker.insert(OVERSIZED_MARKER.into(), size.into());
                    call.params.arguments = Some(marker);
                }
            }
        }
    }
    message
}

/// A `tools/call` for the server that says "the arguments were `bytes` long".
fn oversized_call(id: RequestId, bytes: usize) -> Option<RxJsonRpcMessage<RoleServer>> {
    let request = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": "tools/call",
        "params": { "name": "", "arguments": { OVERSIZED_MARKER: bytes } },
    });
    serde_json::from_value(request).ok()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn find_str(haystack: &[u8], needle: &str) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// The request id of a message known only by its first and last bytes:
/// `"id"` before `"params"` at the start (`{"jsonrpc":"2.0","id":7,…`), or
/// as the last member at the end (`…,"id":7}`, as the TypeScript SDK writes).
fn find_id(head: &[u8], tail: &[u8]) -> Option<RequestId> {
    let params = find_str(head, "\"params\"").unwrap_or(head.len());
    if let Some(at) = find_str(&head[..params], "\"id\"") {
        if let Some(id) = id_value(&head[at + 4..]) {
            return Some(id);
        }
    }
    let text = std::str::from_utf8(tail).ok().or_else(|| {
        // The tail may start inside a multi-byte character.
        (1..4).find_map(|skip| std::str::from_utf8(tail.get(skip..)?).ok())
    })?;
    let end = text.trim_end();
    let body = end.strip_suffix('}')?;
    let at = body.rfind("\"id\"")?;
    // Only if nothing but the value follows the key.
    let rest = body[at + 4..].trim_start().strip_prefix(':')?.trim();
    serde_json::from_str::<RequestId>(rest).ok()
}

/// A JSON number or string after `"id"` (`: 7`, `:"abc"`).
fn id_value(after_key: &[u8]) -> Option<RequestId> {
    let text = std::str::from_utf8(&after_key[..after_key.len().min(200)])
        .ok()
        .or_else(|| std::str::from_utf8(&after_key[..after_key.len().min(100)]).ok())?;
    let value = text.trim_start().strip_prefix(':')?.trim_start();
    let end = if let Some(s) = value.strip_prefix('"') {
        s.find('"')? + 2
    } else {
        value
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(value.len())
    };
    serde_json::from_str(&value[..end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::NumberOrString;

    #[test]
    fn ids_are_found_at_either_end_of_an_oversized_message() {
        let head = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":{"a":"xxxx"#;
        assert_eq!(find_id(head, b"xxxx\"}}}"), Some(NumberOrString::Number(7)));
        let head = br#"{"method":"tools/call","params":{"name":"x","arguments":{"id":5,"a":"xxx"#;
        let tail = br#"xxx"}},"jsonrpc":"2.0","id":"req-9"}"#;
        assert_eq!(
            find_id(head, tail),
            Some(NumberOrString::String("req-9".into()))
        );
        assert_eq!(
            find_id(head, b"xxx\"}}}"),
            None,
            "the id inside params is not it"
        );
    }
}
