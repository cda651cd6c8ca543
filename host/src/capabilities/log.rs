//! `binance:mcp/log`: plugin log events into the host's `tracing` output
//! (stderr), tagged with the plugin's name, and — when the MCP client asked
//! for them with `logging/setLevel` — to the client as well.
//!
//! A plugin is an outsider here: its events are capped per call (count and
//! bytes; the first event over the cap says that the rest are dropped, and
//! the end of the call says how many were), and newlines and other control
//! characters are escaped so that no event can forge a log line.

use crate::runtime::bindings::binance::mcp::log::{Host, Level};
use crate::text::escaped;
use std::sync::Arc;

/// Longest message (and longest rendering of the fields) kept from one
/// event; the rest is cut so a plugin cannot flood the log.
const MAX_MESSAGE: usize = 2048;
/// Most fields kept from one event.
const MAX_FIELDS: usize = 16;
/// Most events kept from one call. A tool that needs more to explain itself
/// is a tool that should return the information instead.
pub const MAX_EVENTS_PER_CALL: u32 = 200;
/// Most bytes (messages and fields, after escaping and capping) kept from
/// one call.
pub const MAX_BYTES_PER_CALL: usize = 64 << 10;

/// A plugin log event on its way to the MCP client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginLog {
    pub plugin: Arc<str>,
    pub level: Level,
    pub message: String,
    /// `k=v` pairs, space separated.
    pub fields: String,
}

/// Where a call's events go besides stderr.
pub type LogSink = tokio::sync::mpsc::UnboundedSender<PluginLog>;

/// The log capability's context: one per call.
pub struct LogCtx {
    pub(crate) plugin: Arc<str>,
    events: u32,
    bytes: usize,
    dropped: u32,
    sink: Option<LogSink>,
}

impl LogCtx {
    /// A fresh context for one call of `plugin`, forwarding to `sink` if given.
    pub fn new(plugin: Arc<str>, sink: Option<LogSink>) -> Self {
        LogCtx {
            plugin,
            events: 0,
            bytes: 0,
            dropped: 0,
            sink,
        }
    }
}

impl Host for LogCtx {
    fn emit(&mut self, level: Level, message: String, fields: Vec<(String, String)>) {
        let plugin = &*self.plugin;
        if self.events >= MAX_EVENTS_PER_CALL || self.bytes >= MAX_BYTES_PER_CALL {
            if self.dropped == 0 {
                tracing::warn!(
                    plugin,
                    max_events = MAX_EVENTS_PER_CALL,
                    max_bytes = MAX_BYTES_PER_CALL,
                    "plugin log cap reached: further events of this call are dropped"
                );
            }
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        let message = escaped(&message, MAX_MESSAGE);
        let fields = fields
            .iter()
            .take(MAX_FIELDS)
            .map(|(k, v)| format!("{}={}", escaped(k, 64), escaped(v, MAX_MESSAGE)))
            .collect::<Vec<_>>()
            .join(" ");
        let fields = escaped(&fields, MAX_MESSAGE);
        self.events += 1;
        self.bytes += message.len() + fields.len();
        match level {
            Level::Trace => tracing::trace!(plugin, fields, "{message}"),
            Level::Debug => tracing::debug!(plugin, fields, "{message}"),
            Level::Info => tracing::info!(plugin, fields, "{message}"),
            Level::Warn => tracing::warn!(plugin, fields, "{message}"),
            Level::Error => tracing::error!(plugin, fields, "{message}"),
        }
        if let Some(sink) = &self.sink {
            let _ = sink.send(PluginLog {
                plugin: self.plugin.clone(),
                level,
                message,
                fields,
            });
        }
    }
}

impl Drop for LogCtx {
    fn drop(&mut self) {
        if self.dropped > 0 {
            tracing::warn!(
                plugin = &*self.plugin,
                dropped = self.dropped,
                kept = self.events,
                "plugin log events dropped at the per-call cap"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_capped_per_call_and_forwarded() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut ctx = LogCtx::new(Arc::from("p"), Some(tx));
        for _ in 0..(MAX_EVENTS_PER_CALL + 50) {
            ctx.emit(
                Level::Info,
                "line\nforged".into(),
                vec![("k".into(), "v".into())],
            );
        }
        assert_eq!(ctx.events, MAX_EVENTS_PER_CALL);
        assert_eq!(ctx.dropped, 50);
        let first = rx.try_recv().unwrap();
        assert_eq!(first.message, "line\\nforged");
        assert_eq!(first.fields, "k=v");
        let mut n = 1;
        while rx.try_recv().is_ok() {
            n += 1;
        }
        assert_eq!(n, MAX_EVENTS_PER_CALL);
    }
}
