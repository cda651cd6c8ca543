//! MCP logging (`logging/setLevel`, `notifications/message`): plugin log
//! events the client asked for, at or above its level. The same events go
//! to stderr whatever the client asked.
//!
//! rmcp marks the logging types deprecated (SEP-2577 moves logging out of
//! the core protocol); clients and the conformance suite still use them, so
//! this is the one module that touches them.
#![allow(deprecated)]

use crate::capabilities::log::PluginLog;
use crate::runtime::bindings::binance::mcp::log::Level;
use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};
use rmcp::service::Peer;
use rmcp::RoleServer;

/// A client log level, ordered by severity (MCP's syslog levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClientLevel {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

impl ClientLevel {
    pub fn from_mcp(level: LoggingLevel) -> Self {
        match level {
            LoggingLevel::Debug => ClientLevel::Debug,
            LoggingLevel::Info => ClientLevel::Info,
            LoggingLevel::Notice => ClientLevel::Notice,
            LoggingLevel::Warning => ClientLevel::Warning,
            LoggingLevel::Error => ClientLevel::Error,
            LoggingLevel::Critical => ClientLevel::Critical,
            LoggingLevel::Alert => ClientLevel::Alert,
            LoggingLevel::Emergency => ClientLevel::Emergency,
        }
    }

    fn to_mcp(self) -> LoggingLevel {
        match self {
            ClientLevel::Debug => LoggingLevel::Debug,
            ClientLevel::Info => LoggingLevel::Info,
            ClientLevel::Notice => LoggingLevel::Notice,
            ClientLevel::Warning => LoggingLevel::Warning,
            ClientLevel::Error => LoggingLevel::Error,
            ClientLevel::Critical => LoggingLevel::Critical,
            ClientLevel::Alert => LoggingLevel::Alert,
            ClientLevel::Emergency => LoggingLevel::Emergency,
        }
    }

    /// A plugin's level as the client's (MCP has no `trace`).
    pub fn of(level: Level) -> Self {
        match level {
            Level::Trace | Level::Debug => ClientLevel::Debug,
            Level::Info => ClientLevel::Info,
            Level::Warn => ClientLevel::Warning,
            Level::Error => ClientLevel::Error,
        }
    }
}

/// Send one event; a client that went away is not an error worth more than
/// a debug line.
pub async fn notify(peer: &Peer<RoleServer>, level: ClientLevel, event: &PluginLog) {
    let mut data = serde_json::json!({ "plugin": &*event.plugin, "message": event.message });
    if !event.fields.is_empty() {
        data["fields"] = event.fields.clone().into();
    }
    let mut param = LoggingMessageNotificationParam::new(level.to_mcp(), data);
    param.logger = Some(format!("plugin:{}", event.plugin));
    if let Err(e) = peer.notify_logging_message(param).await {
        tracing::debug!(error = %e, "could not forward a plugin log event to the client");
    }
}
