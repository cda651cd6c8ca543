//! Asking the human, through the MCP client, to confirm an order — by the
//! means `crate::client::Asking` found for the call:
//! - [`confirm`]: `elicitation/create` mid-call (2025-06-18 / 2025-11-25),
//!   from the blocking thread the call runs on;
//! - [`by_round`]: a 2026-07-28 `InputRequiredResult` round; its
//!   `requestState` is sealed ([`Purpose::Round`]) to the canonical order,
//!   single use, and opened only when the client retries.
//!
//! Both show the same form, and everything but an accepted form with
//! `confirm` ticked sends nothing.

use super::confirm::{Purpose, Tokens};
use crate::client::InputRound;
use crate::tool_error::{ErrorKind, ToolError};
use rmcp::model::{
    ElicitRequest, ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema,
    InputRequest, InputRequests, InputRequiredResult,
};
use rmcp::service::Peer;
use rmcp::RoleServer;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Longest a confirmation waits for the human (within the call's budget);
/// also the life of a round's sealed state.
pub const ASK_TIMEOUT: Duration = Duration::from_secs(120);

/// The key of the confirmation form in a round's input requests.
pub const ROUND_KEY: &str = "confirm_order";

fn refused(message: impl Into<String>) -> ToolError {
    ToolError::new(
        ErrorKind::NotPermitted,
        message,
        "nothing was sent; call again if the user wants to place it",
    )
}

/// What `preview` asks the human to approve: an order (with its notional)
/// or a settings change (a futures leverage or margin type, with no
/// notional), and the question and tick-box title that go with it.
fn what(preview: &Value) -> (String, &'static str, &'static str) {
    let limits = match &preview["limits"] {
        Value::Null => String::new(),
        limits => format!("\nPolicy limits: {limits}"),
    };
    if let Some(change) = preview["change"].as_str() {
        return (
            format!("Make this change on Binance?\n\n{change}{limits}"),
            "Make this change",
            "Tick to make the change exactly as shown; anything else changes nothing.",
        );
    }
    let order = preview["order"].as_str().unwrap_or("the order");
    let notional = preview["notional"].as_str().unwrap_or("unknown");
    let quote = preview["quoteAsset"].as_str().unwrap_or("");
    (
        format!("Place this order on Binance?\n\n{order}\nNotional: {notional} {quote}{limits}"),
        "Place this order",
        "Tick to place the order exactly as shown; anything else sends nothing.",
    )
}

/// The form that asks the human to confirm the write in `preview`.
fn form(preview: &Value) -> Result<ElicitRequestParams, ToolError> {
    let (message, title, description) = what(preview);
    let schema = ElicitationSchema::builder()
        .required_bool_with("confirm", |b| b.title(title).description(description))
        .build()
        .map_err(|e| refused(format!("could not build the confirmation form: {e}")))?;
    Ok(ElicitRequestParams::FormElicitationParams {
        meta: None,
        message,
        requested_schema: schema,
    })
}

/// `Ok` only for an accepted form whose `confirm` is true.
fn judge(answer: &ElicitResult, preview: &Value) -> Result<(), ToolError> {
    let ticked = answer
        .content
        .as_ref()
        .and_then(|c| c.get("confirm"))
        .and_then(Value::as_bool)
        == Some(true);
    match answer.action {
        ElicitationAction::Accept if ticked => {
            let what = preview["order"]
                .as_str()
                .or(preview["change"].as_str())
                .unwrap_or("the write");
            tracing::info!(what, "the user confirmed the write");
            Ok(())
        }
        ElicitationAction::Accept => Err(refused("the user did not tick the confirmation")),
        ElicitationAction::Decline => Err(refused("the user declined the order")),
        _ => Err(refused("the user cancelled the confirmation")),
    }
}

/// Ask the user to confirm the order in `preview` (`elicitation/create`);
/// `Ok` only for an accepted form whose `confirm` is true.
pub fn confirm(
    peer: &Peer<RoleServer>,
    preview: &Value,
    deadline: Instant,
) -> Result<(), ToolError> {
    let params = form(preview)?;
    let left = deadline.saturating_duration_since(Instant::now());
    let wait = left.saturating_sub(Duration::from_secs(2)).min(ASK_TIMEOUT);
    if wait.is_zero() {
        return Err(refused("no time was left in the call to ask the user"));
    }
    let handle = tokio::runtime::Handle::try_current()
        .map_err(|_| refused("the confirmation cannot be asked from here"))?;
    match handle.block_on(peer.create_elicitation_with_timeout(params, Some(wait))) {
        Ok(answer) => judge(&answer, preview),
        Err(e) => {
            tracing::warn!(error = %e, "asking the user to confirm failed; nothing was sent");
            Err(refused(format!(
                "the confirmation could not be completed ({e})"
            )))
        }
    }
}

/// Confirm by a 2026-07-28 round. The first call asks: the round (the form
/// and a state sealed to `canonical`) is set on `round` and the write is
/// refused, so nothing is sent and the call answers `input_required`. The
/// client's retry carries the state back: it must open for this very order
/// (once, within [`ASK_TIMEOUT`]) and the answer must be an accepted,
/// ticked form. A retry never asks again: any other write in it is refused.
pub fn by_round(
    round: &InputRound,
    tokens: &Tokens,
    preview: &Value,
    canonical: &str,
) -> Result<(), ToolError> {
    if let Some(state) = &round.echoed_state {
        tokens
            .redeem(Purpose::Round, state, canonical)
            .map_err(|e| {
                refused(format!(
                    "the confirmation the client returned is not valid for this order ({e})"
                ))
            })?;
        let answer = round
            .responses
            .get(ROUND_KEY)
            .ok_or_else(|| refused("the client returned no answer to the confirmation form"))?;
        let answer: ElicitResult = serde_json::from_value(answer.clone()).map_err(|e| {
            refused(format!(
                "the client's answer to the confirmation form is not an elicitation result ({e})"
            ))
        })?;
        return judge(&answer, preview);
    }
    let (state, _) = tokens
        .issue(Purpose::Round, canonical)
        .map_err(|e| refused(e.to_string()))?;
    let mut requests = InputRequests::new();
    requests.insert(
        ROUND_KEY.into(),
        InputRequest::Elicitation(ElicitRequest::new(form(preview)?)),
    );
    if !round.ask(InputRequiredResult::new(Some(requests), Some(state))) {
        return Err(refused(
            "this call already asks the user to confirm another order; place one order per call",
        ));
    }
    Err(ToolError::new(
        ErrorKind::NotPermitted,
        "the user is being asked to confirm this order in the client; nothing was sent yet",
        "wait for the client's retry with the user's answer",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_order_shows_its_notional_and_a_change_reads_as_a_change() {
        let order = json!({"order": "BUY 0.01 BTCUSDT LIMIT 45000", "notional": "450",
                           "quoteAsset": "USDT", "limits": {"max_order_notional": "1000"}});
        let (message, title, _) = what(&order);
        assert!(
            message.starts_with("Place this order on Binance?"),
            "{message}"
        );
        assert!(message.contains("Notional: 450 USDT"), "{message}");
        assert!(message.contains("max_order_notional"), "{message}");
        assert_eq!(title, "Place this order");
        let change =
            json!({"change": "set the BTCUSDT margin type to ISOLATED", "symbol": "BTCUSDT"});
        let (message, title, _) = what(&change);
        assert_eq!(
            message,
            "Make this change on Binance?\n\nset the BTCUSDT margin type to ISOLATED"
        );
        assert_eq!(title, "Make this change");
    }
}
