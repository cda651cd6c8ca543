//! `binance:mcp/log`: plugin log events into the host's `tracing` output
//! (stderr), tagged with the plugin's name.

use crate::runtime::bindings::binance::mcp::log::{Host, Level};
use std::sync::Arc;

/// Longest message kept from one event; the rest is cut so a plugin cannot
/// flood the log.
const MAX_MESSAGE: usize = 2048;

/// The log capability's context.
pub struct LogCtx {
    pub(crate) plugin: Arc<str>,
}

impl Host for LogCtx {
    fn emit(&mut self, level: Level, message: String, fields: Vec<(String, String)>) {
        let mut message = message;
        if message.len() > MAX_MESSAGE {
            let mut end = MAX_MESSAGE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        let fields = fields
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
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
