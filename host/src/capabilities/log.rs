//! `binance:mcp/log`: plugin log events into the host's `tracing` output
//! (stderr), tagged with the plugin's name.

use crate::runtime::bindings::binance::mcp::log::{Host, Level};
use crate::runtime::convert::cap_text;
use std::sync::Arc;

/// Longest message (and longest rendering of the fields) kept from one
/// event; the rest is cut so a plugin cannot flood the log.
const MAX_MESSAGE: usize = 2048;
/// Most fields kept from one event.
const MAX_FIELDS: usize = 16;

/// The log capability's context.
pub struct LogCtx {
    pub(crate) plugin: Arc<str>,
}

impl Host for LogCtx {
    fn emit(&mut self, level: Level, message: String, fields: Vec<(String, String)>) {
        let message = cap_text(message, MAX_MESSAGE);
        let fields = fields
            .iter()
            .take(MAX_FIELDS)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        let fields = cap_text(fields, MAX_MESSAGE);
        let plugin = &*self.plugin;
        match level {
            Level::Trace => tracing::trace!(plugin, fields, "{message}"),
            Level::Debug => tracing::debug!(plugin, fields, "{message}"),
            Level::Info => tracing::info!(plugin, fields, "{message}"),
            Level::Warn => tracing::warn!(plugin, fields, "{message}"),
            Level::Error => tracing::error!(plugin, fields, "{message}"),
        }
    }
}
