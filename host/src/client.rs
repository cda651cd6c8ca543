//! The MCP client a call came from, as the host's capabilities see it: the
//! peer (for log notifications), the request, and how a human can be asked
//! to confirm something during the call ([`Asking`]).
//!
//! How to ask is decided once, here, from what the client declared for this
//! request; the trading service only asks the question it is given the
//! means for:
//! - a 2025-06-18 / 2025-11-25 session that declared form elicitation gets
//!   `elicitation/create` in the middle of the call ([`Asking::Request`]);
//! - a 2026-07-28 request that declared form elicitation gets the
//!   multi-round-trip answer instead: the call ends with an
//!   `InputRequiredResult` carrying the form and a sealed `requestState`,
//!   and the client retries with the human's answer ([`Asking::Round`]; the
//!   2026 revision forbids server-to-client requests);
//! - any other client cannot be asked ([`Asking::No`]): a write that needs
//!   confirmation answers with a preview and a token.

use rmcp::model::{
    CallToolRequestParams, ElicitationCapability, InputRequiredResult, InputResponses,
    ProtocolVersion, RequestId,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::RoleServer;
use std::sync::{Arc, Mutex};

/// Longest `requestState` the host accepts back: its own are ~70 bytes, so
/// anything near this is not one of them.
pub const MAX_REQUEST_STATE_BYTES: usize = 512;

/// The call's MCP context.
#[derive(Clone)]
pub struct ClientContext {
    pub peer: Peer<RoleServer>,
    pub request_id: RequestId,
    pub asking: Asking,
}

impl std::fmt::Debug for ClientContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientContext")
            .field("request_id", &self.request_id)
            .field("asking", &self.asking)
            .finish_non_exhaustive()
    }
}

/// How a human can be asked to confirm during this call.
#[derive(Clone, Debug, Default)]
pub enum Asking {
    /// The client declared no form elicitation.
    #[default]
    No,
    /// `elicitation/create` to the peer, mid-call (2025 revisions).
    Request,
    /// An `InputRequiredResult` round (2026-07-28).
    Round(Arc<InputRound>),
}

impl Asking {
    /// Whether a human can be asked at all (then a confirmation token is
    /// never offered or accepted: a model could confirm its own order).
    pub fn can_ask(&self) -> bool {
        !matches!(self, Asking::No)
    }
}

/// One `tools/call` of a multi-round-trip exchange: what the client echoed
/// from the previous round (untrusted until the trading service verifies
/// it), and the round this call asks for, if any.
#[derive(Debug, Default)]
pub struct InputRound {
    /// `requestState` echoed by the client, bounded by
    /// [`MAX_REQUEST_STATE_BYTES`] (a longer one is kept as `Some("")`, which
    /// no seal matches).
    pub echoed_state: Option<String>,
    /// The client's answers to the previous round's input requests.
    pub responses: InputResponses,
    /// Set by the first write that needs the human: the call then answers
    /// with this instead of the plugin's result.
    asked: Mutex<Option<InputRequiredResult>>,
}

impl InputRound {
    /// Whether this call is a retry carrying an earlier round's answer.
    pub fn is_retry(&self) -> bool {
        self.echoed_state.is_some()
    }

    /// Ask for `round`; `false` when the call already asked (one question
    /// per round: a later write in the same call is refused instead).
    pub fn ask(&self, round: InputRequiredResult) -> bool {
        let mut asked = self.asked.lock().unwrap_or_else(|p| p.into_inner());
        if asked.is_some() {
            return false;
        }
        *asked = Some(round);
        true
    }

    /// The round asked for during the call, taken once by the MCP layer.
    pub fn take_asked(&self) -> Option<InputRequiredResult> {
        self.asked.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Whether a client's elicitation capability includes forms (an empty
/// capability means form, for backward compatibility — as rmcp reads it).
fn has_form(capability: Option<&ElicitationCapability>) -> bool {
    capability.is_some_and(|c| c.form.is_some() || c.url.is_none())
}

impl ClientContext {
    /// The context of one `tools/call`: the means of asking follow from the
    /// protocol revision and capabilities of this very request.
    pub fn of_call(request: &CallToolRequestParams, context: &RequestContext<RoleServer>) -> Self {
        let inline = context
            .protocol_version()
            .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str());
        let form = has_form(
            context
                .client_capabilities()
                .as_ref()
                .and_then(|c| c.elicitation.as_ref()),
        );
        let asking = match (form, inline) {
            (false, _) => Asking::No,
            (true, false) => Asking::Request,
            (true, true) => Asking::Round(Arc::new(InputRound {
                echoed_state: request.request_state.as_ref().map(|s| {
                    if s.len() > MAX_REQUEST_STATE_BYTES {
                        String::new()
                    } else {
                        s.clone()
                    }
                }),
                responses: request.input_responses.clone().unwrap_or_default(),
                asked: Mutex::new(None),
            })),
        };
        ClientContext {
            peer: context.peer.clone(),
            request_id: context.id.clone(),
            asking,
        }
    }

    /// The round of this call, when it is a 2026-07-28 one.
    pub fn round(&self) -> Option<&Arc<InputRound>> {
        match &self.asking {
            Asking::Round(r) => Some(r),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_assumed_only_where_rmcp_assumes_them() {
        assert!(!has_form(None));
        let mut c = ElicitationCapability::new();
        c.form = None;
        c.url = None;
        assert!(has_form(Some(&c)), "an empty capability means form");
        let mut url_only = c.clone();
        url_only.url = Some(Default::default());
        assert!(!has_form(Some(&url_only)));
    }

    #[test]
    fn a_round_asks_once() {
        let round = InputRound::default();
        assert!(!round.is_retry());
        assert!(round.ask(InputRequiredResult::from_request_state("a")));
        assert!(!round.ask(InputRequiredResult::from_request_state("b")));
        let asked = round.take_asked().unwrap();
        assert_eq!(asked.request_state.as_deref(), Some("a"));
        assert!(round.take_asked().is_none());
    }
}
