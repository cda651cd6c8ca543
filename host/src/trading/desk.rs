//! The write desk: what every typed write of the host shares, spot and
//! futures alike — the kill switch, the grant check, the one trade journal
//! (opened and verified at the first write), the confirmation by the means
//! the client offers, the per-account lock, and the one-send write path.
//! `SpotTrading` and `FuturesTrading` each add only their orders and limits.

use super::confirm::{Purpose, Tokens};
use super::halt::Halt;
use super::journal::{Intent, Journal, JournalError, Outcome};
use crate::client::Asking;
use crate::exchange::catalogue::{Method, Venue};
use crate::exchange::{ExchangeService, Gate, Request};
use crate::gate::{CallIdentity, PolicyGate};
use crate::policy::trading::Confirm;
use crate::policy::Capability;
use crate::tool_error::{ErrorKind, ToolError};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{MutexGuard, OnceLock};
use std::time::Instant;

/// The journal's file name in the state directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// The quote asset journalled for a cancel or a settings change: it
/// carries no notional, and no cap ever asks for this asset.
pub const NO_NOTIONAL: &str = "NONE";

/// The journal's bucket for futures notional (margined in USDT): apart
/// from spot's `USDT`, so `[futures] daily_notional` can share a cap with
/// spot or keep its own.
pub const FUTURES_BUCKET: &str = "USDT@futures";

/// What to do after confirmation.
pub enum Go {
    /// Send the write.
    Send,
    /// Answer this first (a preview with a token); nothing is sent.
    Answer(Value),
}

/// The account lock, held from the checks of a write to its outcome.
pub type AccountLock<'a> = MutexGuard<'a, ()>;

/// The write desk shared by the trading services.
pub struct Desk {
    service: ExchangeService,
    gate: PolicyGate,
    tokens: Option<Tokens>,
    /// Where the journal lives; it is opened (and verified) at the first
    /// write, so a read-only server never creates one.
    journal_path: Option<PathBuf>,
    journal: OnceLock<Result<Journal, String>>,
    halt: Option<Halt>,
}

/// A refusal: `not_permitted`, nothing sent.
pub fn refused(message: String, recovery: &str) -> ToolError {
    ToolError::new(ErrorKind::NotPermitted, message, recovery)
}

impl Desk {
    /// Writes through `service` under `gate`'s permissions, journalled and
    /// halted in `state_dir` (`None`: every write is refused, since none
    /// could be journalled).
    pub fn new(service: ExchangeService, gate: PolicyGate, state_dir: Option<PathBuf>) -> Self {
        let tokens = match Tokens::new() {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(error = %e, "confirmation tokens are unavailable; policies that confirm by token refuse every order");
                None
            }
        };
        Desk {
            service,
            gate,
            tokens,
            journal_path: state_dir.as_ref().map(|d| d.join(JOURNAL_FILE)),
            journal: OnceLock::new(),
            halt: state_dir.map(|d| Halt::at(&d)),
        }
    }

    /// The per-account lock (see `PolicyGate::account_lock`).
    pub fn account_lock(&self) -> AccountLock<'_> {
        self.gate.account_lock()
    }

    /// The checks every write shares: the kill switch, the caller's grant
    /// of `capability`, the journal.
    pub fn may_write(
        &self,
        call: &CallIdentity,
        capability: Capability,
    ) -> Result<&Journal, ToolError> {
        let Some(halt) = &self.halt else {
            return Err(refused(
                "the server has no state directory for its trade journal, so nothing can be written".into(),
                "the operator sets BINANCE_MCP_STATE_DIR (or HOME)",
            ));
        };
        if let Some(h) = halt.status() {
            return Err(refused(
                format!("trading is halted by `binance-mcp halt` ({h})"),
                "the operator lifts it with `binance-mcp resume`",
            ));
        }
        let permissions = self.gate.current();
        let granted = permissions
            .plugins
            .get(&*call.plugin)
            .and_then(|p| p.tools.get(&*call.tool).map(|t| (p, t)))
            .is_some_and(|(p, t)| {
                !t.read_only
                    && t.capabilities.contains(&capability)
                    && p.grants.contains(&capability)
            });
        if !granted {
            return Err(refused(
                format!("tool '{}' of plugin '{}' may not trade: the operator's policy does not grant it {capability} (or the tool is read-only)", call.tool, call.plugin),
                &format!("the operator can add \"{capability}\" to the plugin's grants"),
            ));
        }
        self.journal()
    }

    /// The journal, opened and verified at first use.
    pub fn journal(&self) -> Result<&Journal, ToolError> {
        self.journal
            .get_or_init(|| self.open_journal())
            .as_ref()
            .map_err(|e| {
                refused(
                    format!("the trade journal is unavailable, so nothing can be written: {e}"),
                    "the operator checks it with `binance-mcp journal verify`",
                )
            })
    }

    fn open_journal(&self) -> Result<Journal, String> {
        let path = self.journal_path.as_ref().ok_or("no state directory")?;
        let (journal, verification) = Journal::open(path).map_err(|e| e.to_string())?;
        if !verification.is_intact() {
            tracing::error!(journal = %path.display(), verification = ?verification, "the trade journal's chain is broken: writes are refused until the operator acknowledges it (`binance-mcp journal verify --acknowledge`)");
        }
        Ok(journal)
    }

    /// Send one request of a trading service's own through `routes` (a
    /// read, or a write through the write path: one send, a lookup when
    /// the answer is lost).
    pub fn send(
        &self,
        routes: &dyn Gate,
        venue: Venue,
        method: Method,
        path: &str,
        params: Vec<(String, String)>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let r = self.service.send(
            routes,
            Request {
                venue,
                method,
                path: path.into(),
                params,
            },
            Some(deadline),
        )?;
        serde_json::from_str(&r.body)
            .map_err(|e| crate::exchange::errors::malformed(&e.to_string()))
    }

    /// Journal `intent`, run `write`, journal its outcome: the intent is on
    /// disk before anything is sent, and nothing is sent when it cannot be.
    pub fn journalled(
        &self,
        journal: &Journal,
        intent: Intent,
        write: impl FnOnce() -> Result<Value, ToolError>,
    ) -> Result<Value, ToolError> {
        let id = intent.id.clone();
        journal.append_intent(intent).map_err(journal_error)?;
        let outcome = write();
        if let Err(e) = journal.append_outcome(&id, outcome_of(&outcome)) {
            tracing::error!(client_order_id = %id, error = %e, "could not journal a write's outcome");
        }
        outcome
    }

    /// Whether to send now, or answer first (a preview with a token), as
    /// `confirm` says. Elicitation fails closed: a decline, a cancel, a
    /// timeout or a failed request sends nothing. A client that can be
    /// asked is never offered a token, so a model cannot confirm its own
    /// write there. The write is `(preview, canonical)`: what the human is
    /// shown, and what a token or a round's state is bound to. `account`
    /// is released while a human answers mid-call (see [`Desk::relock`]).
    pub fn confirm(
        &self,
        call: &CallIdentity,
        confirm: Confirm,
        token: Option<String>,
        (preview, canonical): (Value, &str),
        deadline: Instant,
        account: &mut Option<AccountLock<'_>>,
    ) -> Result<Go, ToolError> {
        let asking = match (&call.client, confirm) {
            (Some(client), Confirm::Elicitation) => client.asking.clone(),
            _ => Asking::No,
        };
        match (confirm, token) {
            (Confirm::None, _) => Ok(Go::Send),
            (_, Some(_)) if asking.can_ask() => Err(refused(
                "this client can ask the user directly, so confirmation tokens are not accepted"
                    .into(),
                "call again without confirmation: the user is asked to confirm",
            )),
            (_, Some(token)) => self.redeem(&token, canonical).map(|()| Go::Send),
            (_, None) => match (&asking, &call.client) {
                (Asking::Round(round), _) => {
                    super::ask::by_round(round, self.tokens()?, &preview, canonical)
                        .map(|()| Go::Send)
                }
                (Asking::Request, Some(client)) => {
                    // No write waits on a human's answer (a cancel above all).
                    drop(account.take());
                    super::ask::confirm(&client.peer, &preview, deadline).map(|()| Go::Send)
                }
                _ => self.preview(preview, canonical).map(Go::Answer),
            },
        }
    }

    /// The account lock for the send: still `held`, or taken again after a
    /// human's answer and the caps checked afresh (`recheck`), as writes
    /// may have been placed meanwhile.
    pub fn relock<'a>(
        &'a self,
        held: Option<AccountLock<'a>>,
        recheck: impl FnOnce() -> Result<(), ToolError>,
    ) -> Result<AccountLock<'a>, ToolError> {
        match held {
            Some(held) => Ok(held),
            None => {
                let held = self.account_lock();
                recheck()?;
                Ok(held)
            }
        }
    }

    /// The confirmation tokens (`Err` when no random key could be made).
    fn tokens(&self) -> Result<&Tokens, ToolError> {
        self.tokens.as_ref().ok_or_else(|| {
            refused(
                "confirmation tokens are unavailable on this server".into(),
                "the operator checks the server's log",
            )
        })
    }

    fn redeem(&self, token: &str, canonical: &str) -> Result<(), ToolError> {
        self.tokens()?
            .redeem(Purpose::Preview, token, canonical)
            .map_err(|e| {
                refused(
                    format!("the order was not placed: {e}"),
                    "call again without confirmation to get a fresh preview and token",
                )
            })
    }

    fn preview(&self, preview: Value, canonical: &str) -> Result<Value, ToolError> {
        let (token, expires) = self
            .tokens()?
            .issue(Purpose::Preview, canonical)
            .map_err(|e| refused(e.to_string(), "retry"))?;
        Ok(json!({
            "status": "CONFIRMATION_REQUIRED",
            "preview": preview,
            "confirmation": token,
            "confirmationExpires": expires,
            "confirmationExpiresIso": crate::trading::iso(expires as i64),
            "next": "nothing was placed: show the user this preview; to place it, call again with the same arguments and confirmation set to this token (single use, 60 s)",
        }))
    }
}

/// The journal's record of a write's result. Only an answer from Binance
/// (or a lookup that found nothing) is a rejection; an unknown outcome
/// keeps counting against the caps.
pub fn outcome_of(r: &Result<Value, ToolError>) -> Outcome {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match r {
        Ok(v) => Outcome::Accepted {
            order_id: text(
                v.get("orderId")
                    .or_else(|| v.get("orderListId"))
                    .or_else(|| v.get("algoId"))
                    .unwrap_or(&Value::Null),
            ),
            status: text(
                v.get("status")
                    .or_else(|| v.get("listOrderStatus"))
                    .or_else(|| v.get("algoStatus"))
                    .unwrap_or(&Value::Null),
            ),
            body: v.clone(),
        },
        Err(e)
            if e.data
                .get("outcome")
                .is_some_and(|o| o == "UNKNOWN_OUTCOME") =>
        {
            Outcome::Unknown { body: e.to_json() }
        }
        Err(e) => Outcome::Rejected { body: e.to_json() },
    }
}

/// `symbol`, upper-cased, when it is a Binance symbol.
pub fn checked_symbol(symbol: &str) -> Result<String, ToolError> {
    let s = symbol.trim().to_ascii_uppercase();
    if (1..=20).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(s)
    } else {
        Err(super::order::invalid(
            format!(
                "symbol '{}' is not a Binance symbol",
                crate::text::escaped(symbol, 32)
            ),
            "use a symbol such as BTCUSDT",
        ))
    }
}

fn journal_error(e: JournalError) -> ToolError {
    refused(
        format!("the order was not sent: the trade journal refused it ({e})"),
        "the operator checks the journal (`binance-mcp journal verify`)",
    )
}
