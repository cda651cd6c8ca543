//! Asking the human through the MCP client (`elicitation/create`, 2025-06-18
//! and 2025-11-25) to confirm an order, from the blocking thread a call runs
//! on. Everything but an explicit "yes" sends nothing.

use crate::tool_error::{ErrorKind, ToolError};
use rmcp::model::{ElicitRequestParams, ElicitationAction, ElicitationSchema};
use rmcp::service::ElicitationMode;
use rmcp::service::Peer;
use rmcp::RoleServer;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Longest a confirmation waits for the human (within the call's budget).
pub const ASK_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether `peer` declared form elicitation (2026-07-28 sessions, which
/// forbid server-to-client requests, cannot be asked this way).
pub fn can_ask(peer: &Peer<RoleServer>) -> bool {
    peer.peer_info().is_some()
        && peer
            .supported_elicitation_modes()
            .contains(&ElicitationMode::Form)
}

fn refused(message: impl Into<String>) -> ToolError {
    ToolError::new(
        ErrorKind::NotPermitted,
        message,
        "nothing was sent; call again if the user wants to place it",
    )
}

/// Ask the user to confirm the order in `preview`; `Ok` only for an
/// accepted form whose `confirm` is true.
pub fn confirm(
    peer: &Peer<RoleServer>,
    preview: &Value,
    deadline: Instant,
) -> Result<(), ToolError> {
    let order = preview["order"].as_str().unwrap_or("the order");
    let notional = preview["notional"].as_str().unwrap_or("unknown");
    let quote = preview["quoteAsset"].as_str().unwrap_or("");
    let message = format!(
        "Place this order on Binance?\n\n{order}\nNotional: {notional} {quote}\nPolicy limits: {}",
        preview["limits"]
    );
    let schema = ElicitationSchema::builder()
        .required_bool_with("confirm", |b| {
            b.title("Place this order").description(
                "Tick to place the order exactly as shown; anything else sends nothing.",
            )
        })
        .build()
        .map_err(|e| refused(format!("could not build the confirmation form: {e}")))?;
    let params = ElicitRequestParams::FormElicitationParams {
        meta: None,
        message,
        requested_schema: schema,
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let wait = left.saturating_sub(Duration::from_secs(2)).min(ASK_TIMEOUT);
    if wait.is_zero() {
        return Err(refused("no time was left in the call to ask the user"));
    }
    let handle = tokio::runtime::Handle::try_current()
        .map_err(|_| refused("the confirmation cannot be asked from here"))?;
    let answer = handle.block_on(peer.create_elicitation_with_timeout(params, Some(wait)));
    match answer {
        Ok(r)
            if r.action == ElicitationAction::Accept
                && r.content
                    .as_ref()
                    .and_then(|c| c.get("confirm"))
                    .and_then(Value::as_bool)
                    == Some(true) =>
        {
            tracing::info!(order, "the user confirmed the order");
            Ok(())
        }
        Ok(r) if r.action == ElicitationAction::Accept => {
            Err(refused("the user did not tick the confirmation"))
        }
        Ok(r) if r.action == ElicitationAction::Decline => {
            Err(refused("the user declined the order"))
        }
        Ok(_) => Err(refused("the user cancelled the confirmation")),
        Err(e) => {
            tracing::warn!(error = %e, "asking the user to confirm failed; nothing was sent");
            Err(refused(format!(
                "the confirmation could not be completed ({e})"
            )))
        }
    }
}
