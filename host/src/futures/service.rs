//! The futures-trading service: every USD-M futures write a plugin asks
//! for, checked under the policy's `[futures]` at the moment of execution
//! and under the account lock, confirmed, journalled and sent once through
//! the write desk it shares with spot (`crate::trading::desk`).
//!
//! What is checked, in order: the kill switch and the grant (the desk),
//! `futures.mode` (`"testnet"` refuses a live base URL), the symbol lists and
//! order types, then — with the account's position, leverage and mark price
//! read fresh from Binance — the symbol's current leverage against
//! `max_leverage`, the position after the order at the mark against
//! `max_position_notional`, and the rolling 24 h notional against the daily
//! cap (shared with spot by default). Reduce-only and close-position orders
//! only shrink a position: no cap holds them back.

use super::limits::{self, Position};
use super::order::{FuturesDraft, FuturesOrder};
use crate::exchange::catalogue::{Endpoint, Method, Venue};
use crate::exchange::{Gate, Pass};
use crate::gate::CallIdentity;
use crate::policy::futures::FuturesPolicy;
use crate::policy::trading::{Cap, Mode};
use crate::policy::Capability;
use crate::tool_error::{ErrorKind, ToolError};
use crate::trading::desk::{checked_symbol, refused, Desk, Go, FUTURES_BUCKET, NO_NOTIONAL};
use crate::trading::journal::{Intent, Journal};
use crate::trading::order::wire;
use binance_mcp_plugin::futures::{FuturesOrderType, MarginType};
use binance_mcp_plugin::trading::Side;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// The requests the futures service sends itself: its writes and the reads
/// that check them. Nothing else.
struct FuturesRoutes;

impl Gate for FuturesRoutes {
    fn admit(&self, endpoint: &'static Endpoint) -> Result<Pass<'_>, ToolError> {
        let read = endpoint.method == Method::Get
            && matches!(
                endpoint.path,
                "/fapi/v1/premiumIndex"
                    | "/fapi/v2/positionRisk"
                    | "/fapi/v1/openOrders"
                    | "/fapi/v1/openAlgoOrders"
                    | "/fapi/v1/order"
                    | "/fapi/v1/algoOrder"
            );
        if read || Capability::FuturesTrade.covers(endpoint) {
            Ok(Pass::default())
        } else {
            Err(ToolError::new(
                ErrorKind::Internal,
                format!(
                    "the futures service may not send {} {}",
                    endpoint.method, endpoint.path
                ),
                "report this bug",
            ))
        }
    }
}

/// One symbol's futures open orders cancelled by `halt --cancel-open`.
pub type Cancelled = crate::trading::service::Cancelled;

/// The futures-trading service, shared by every call.
pub struct FuturesTrading {
    desk: Arc<Desk>,
    policy: RwLock<Arc<Policies>>,
    /// The futures base URL is Binance's production one.
    live_url: bool,
}

/// The sections a futures write is checked under.
#[derive(Debug)]
struct Policies {
    futures: FuturesPolicy,
    /// `[trading] max_daily_notional`, the cap of `daily_notional = "shared"`.
    spot_daily: Option<Cap>,
}

impl FuturesTrading {
    /// Futures trading at `desk` (shared with spot); `live_url`: the
    /// futures base URL is Binance's production one.
    pub fn new(desk: Arc<Desk>, live_url: bool) -> Self {
        FuturesTrading {
            desk,
            policy: RwLock::new(Arc::new(Policies {
                futures: FuturesPolicy::off(),
                spot_daily: None,
            })),
            live_url,
        }
    }

    /// Put a newly applied policy's `[futures]` (and `[trading]`'s daily
    /// cap, which a shared daily cap is) in force.
    pub fn set_policy(&self, futures: FuturesPolicy, spot_daily: Option<Cap>) {
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Policies {
            futures,
            spot_daily,
        });
    }

    /// The `[futures]` section in force.
    pub fn policy(&self) -> FuturesPolicy {
        self.policies().futures.clone()
    }

    fn policies(&self) -> Arc<Policies> {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The desk's checks, the mode, and `symbol` on the policy's lists.
    fn may_write(
        &self,
        call: &CallIdentity,
        symbol: &str,
    ) -> Result<(Arc<Policies>, &Journal, String), ToolError> {
        let journal = self.desk.may_write(call, Capability::FuturesTrade)?;
        let policies = self.policies();
        let p = &policies.futures;
        if p.mode == Mode::Off {
            return Err(refused(
                "futures trading is off in the operator's policy (futures.mode is false or absent)"
                    .into(),
                "nothing can be changed; the operator decides in the policy file",
            ));
        }
        if p.mode == Mode::Testnet && self.live_url {
            return Err(refused(
                "futures.mode = \"testnet\" but the server talks to Binance's live futures API"
                    .into(),
                "run with --exchange testnet (or sim), or set futures.mode = \"live\" deliberately",
            ));
        }
        let symbol = checked_symbol(symbol)?;
        limits::check_symbol(p, &symbol)?;
        Ok((policies, journal, symbol))
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        params: Vec<(String, String)>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        self.desk.send(
            &FuturesRoutes,
            Venue::UsdmFutures,
            method,
            path,
            params,
            deadline,
        )
    }

    /// The account's position, leverage and mark price on `symbol`, fresh.
    fn position(&self, symbol: &str, deadline: Instant) -> Result<Position, ToolError> {
        let v = self.send(
            Method::Get,
            "/fapi/v2/positionRisk",
            vec![("symbol".into(), symbol.into())],
            deadline,
        )?;
        Position::from_position_risk(&v, symbol)
    }

    /// The rolling 24 h notional placed under this order's daily cap, and
    /// that cap.
    fn daily(&self, p: &Policies, journal: &Journal) -> (Option<Cap>, Decimal) {
        let since = crate::exchange::clock::local_ms() - 86_400_000;
        let futures = journal.notional_since(since, FUTURES_BUCKET);
        match p.futures.daily {
            crate::policy::futures::Daily::Shared => (
                p.spot_daily,
                futures + journal.notional_since(since, "USDT"),
            ),
            crate::policy::futures::Daily::Separate(cap) => (cap, futures),
        }
    }

    /// Place (or preview) one futures order for `call`.
    pub fn place(
        &self,
        call: &CallIdentity,
        draft: FuturesDraft,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (p, journal, _) = self.may_write(call, &draft.symbol)?;
        let order = FuturesOrder::check(draft)?;
        limits::check_type(&p.futures, order.order_type)?;
        let mut account = Some(self.desk.account_lock());
        let within = || -> Result<(Position, Decimal), ToolError> {
            let position = self.position(&order.symbol, deadline)?;
            let notional = limits::check_order(&p.futures, &order, &position)?;
            if !order.reduces_only() {
                let (cap, placed) = self.daily(&p, journal);
                limits::check_daily(cap, placed, notional)?;
            }
            Ok((position, notional))
        };
        let (position, notional) = within()?;
        let preview = json!({
            "order": order.to_string(),
            "symbol": order.symbol,
            "notional": wire(notional),
            "quoteAsset": "USDT",
            "markPrice": wire(position.mark),
            "positionNow": wire(position.amount),
            "leverage": position.leverage,
            "limits": limits::json(&p.futures),
        });
        if let Go::Answer(v) = self.desk.confirm(
            call,
            p.futures.confirm,
            confirmation,
            (preview, &order.canonical()),
            deadline,
            &mut account,
        )? {
            return Ok(v);
        }
        let _account = self.desk.relock(account, || within().map(drop))?;
        self.send_order(journal, &order, notional, deadline)
    }

    fn send_order(
        &self,
        journal: &Journal,
        order: &FuturesOrder,
        notional: Decimal,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let path = order.path();
        let intent = Intent {
            id: order.client_order_id.clone(),
            symbol: order.symbol.clone(),
            side: Some(order.side),
            quote_asset: FUTURES_BUCKET.into(),
            notional,
            body: json!({"request": format!("POST {path}"), "params": order.canonical(), "clientOrderId": order.client_order_id}),
        };
        self.desk
            .journalled(journal, intent, || {
                self.send(Method::Post, path, order.params(), deadline)
            })
            .map(|v| super::answer::order(&v))
    }

    /// Close the whole position on `symbol` with a reduce-only MARKET order:
    /// confirmed as the policy says, never held back by a cap (it only
    /// shrinks the position); refused cleanly when there is none.
    pub fn close_position(
        &self,
        call: &CallIdentity,
        symbol: &str,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (p, journal, symbol) = self.may_write(call, symbol)?;
        let mut account = Some(self.desk.account_lock());
        let position = self.position(&symbol, deadline)?;
        if position.amount.is_zero() {
            return Err(ToolError::new(
                ErrorKind::InvalidArgument,
                format!("there is no open {symbol} position to close"),
                "check get_futures_positions",
            ));
        }
        let order = FuturesOrder::check(FuturesDraft {
            symbol: symbol.clone(),
            side: if position.amount > Decimal::ZERO {
                Side::Sell
            } else {
                Side::Buy
            },
            order_type: FuturesOrderType::Market,
            quantity: Some(wire(position.amount.abs())),
            price: None,
            trigger_price: None,
            time_in_force: None,
            reduce_only: true,
            close_position: false,
            working_type: None,
            activation_price: None,
            callback_rate: None,
            client_order_id: None,
        })?;
        let notional = position.amount.abs() * position.mark;
        let preview = json!({
            "order": format!("close the {symbol} position: {order}"),
            "symbol": symbol,
            "notional": wire(notional),
            "quoteAsset": "USDT",
            "markPrice": wire(position.mark),
            "positionNow": wire(position.amount),
            "limits": limits::json(&p.futures),
        });
        // The confirmation covers the close, whatever its size by then.
        let canonical = format!("close-position&symbol={symbol}");
        if let Go::Answer(v) = self.desk.confirm(
            call,
            p.futures.confirm,
            confirmation,
            (preview, &canonical),
            deadline,
            &mut account,
        )? {
            return Ok(v);
        }
        // After a human's answer the size is read again: close what is open now.
        let order = match account {
            Some(_) => order,
            None => {
                account = Some(self.desk.account_lock());
                let now = self.position(&symbol, deadline)?;
                if now.amount.is_zero() {
                    return Err(ToolError::new(
                        ErrorKind::InvalidArgument,
                        format!("the {symbol} position was closed meanwhile"),
                        "nothing was sent; check get_futures_positions",
                    ));
                }
                FuturesOrder {
                    side: if now.amount > Decimal::ZERO {
                        Side::Sell
                    } else {
                        Side::Buy
                    },
                    quantity: Some(now.amount.abs()),
                    ..order
                }
            }
        };
        let _account = account;
        self.send_order(journal, &order, notional, deadline)
    }

    /// Set `symbol`'s leverage, at most `futures.max_leverage`.
    pub fn set_leverage(
        &self,
        call: &CallIdentity,
        symbol: &str,
        leverage: u32,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (p, journal, symbol) = self.may_write(call, symbol)?;
        limits::check_leverage(&p.futures, leverage)?;
        let params = vec![
            ("symbol".to_string(), symbol.clone()),
            ("leverage".to_string(), leverage.to_string()),
        ];
        let preview = json!({
            "change": format!("set the {symbol} leverage to {leverage}x"),
            "symbol": symbol,
            "limits": limits::json(&p.futures),
        });
        self.setting(
            call,
            &p,
            journal,
            (&symbol, "/fapi/v1/leverage", params),
            preview,
            confirmation,
            deadline,
        )
    }

    /// Set `symbol`'s margin type.
    pub fn set_margin_type(
        &self,
        call: &CallIdentity,
        symbol: &str,
        margin_type: MarginType,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (p, journal, symbol) = self.may_write(call, symbol)?;
        let params = vec![
            ("symbol".to_string(), symbol.clone()),
            ("marginType".to_string(), margin_type.name().to_string()),
        ];
        let preview = json!({
            "change": format!("set the {symbol} margin type to {}", margin_type.name()),
            "symbol": symbol,
        });
        self.setting(
            call,
            &p,
            journal,
            (&symbol, "/fapi/v1/marginType", params),
            preview,
            confirmation,
            deadline,
        )
    }

    /// A confirmed, journalled settings change.
    #[allow(clippy::too_many_arguments)]
    fn setting(
        &self,
        call: &CallIdentity,
        p: &Policies,
        journal: &Journal,
        (symbol, path, params): (&str, &'static str, Vec<(String, String)>),
        preview: Value,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let canonical: String = std::iter::once(format!("path={path}"))
            .chain(params.iter().map(|(k, v)| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join("&");
        let mut account = Some(self.desk.account_lock());
        if let Go::Answer(v) = self.desk.confirm(
            call,
            p.futures.confirm,
            confirmation,
            (preview, &canonical),
            deadline,
            &mut account,
        )? {
            return Ok(v);
        }
        let _account = self.desk.relock(account, || Ok(()))?;
        let intent = Intent {
            id: format!(
                "setting-{}",
                crate::exchange::outcome::new_client_order_id()
            ),
            symbol: symbol.into(),
            side: None,
            quote_asset: NO_NOTIONAL.into(),
            notional: Decimal::ZERO,
            body: json!({"request": format!("POST {path}"), "params": params}),
        };
        self.desk.journalled(journal, intent, || {
            self.send(Method::Post, path, params.clone(), deadline)
        })
    }

    /// Cancel one order (never confirmed: it reduces risk): a regular one
    /// by `orderId` / `origClientOrderId`, a conditional one by `algoId` /
    /// `clientAlgoId`.
    pub fn cancel(
        &self,
        call: &CallIdentity,
        symbol: &str,
        order_id: Option<u64>,
        client_id: Option<String>,
        conditional: bool,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (_, journal, symbol) = self.may_write(call, symbol)?;
        let (path, id_key, client_key) = if conditional {
            ("/fapi/v1/algoOrder", "algoId", "clientAlgoId")
        } else {
            ("/fapi/v1/order", "orderId", "origClientOrderId")
        };
        // The algo service identifies an order by its id alone.
        let mut params = if conditional {
            Vec::new()
        } else {
            vec![("symbol".to_string(), symbol.clone())]
        };
        match (order_id, client_id) {
            (Some(id), None) => params.push((id_key.into(), id.to_string())),
            (None, Some(c)) if crate::trading::order::valid_client_order_id(&c) => {
                params.push((client_key.into(), c))
            }
            _ => {
                return Err(crate::trading::order::invalid(
                    format!("give exactly one of {id_key} and {client_key}"),
                    "e.g. {\"symbol\":\"BTCUSDT\",\"orderId\":12345}",
                ))
            }
        }
        let _account = self.desk.account_lock();
        let intent = Intent {
            id: format!("cancel-{}", crate::exchange::outcome::new_client_order_id()),
            symbol,
            side: None,
            quote_asset: NO_NOTIONAL.into(),
            notional: Decimal::ZERO,
            body: json!({"request": format!("DELETE {path}"), "params": params}),
        };
        self.desk.journalled(journal, intent, || {
            self.send(Method::Delete, path, params.clone(), deadline)
        })
    }

    /// Cancel every open order of `symbol`, regular and conditional.
    pub fn cancel_all(
        &self,
        call: &CallIdentity,
        symbol: &str,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (_, journal, symbol) = self.may_write(call, symbol)?;
        let _account = self.desk.account_lock();
        self.cancel_everything(journal, &symbol, None, deadline)
    }

    /// Both cancel-alls for `symbol`, journalled (`by`: who asked, when not
    /// a tool).
    fn cancel_everything(
        &self,
        journal: &Journal,
        symbol: &str,
        by: Option<&str>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let mut answers = serde_json::Map::new();
        for (key, path) in [
            ("regular", "/fapi/v1/allOpenOrders"),
            ("conditional", "/fapi/v1/algoOpenOrders"),
        ] {
            let params = vec![("symbol".to_string(), symbol.to_string())];
            let intent = Intent {
                id: format!(
                    "cancel-all-{}",
                    crate::exchange::outcome::new_client_order_id()
                ),
                symbol: symbol.into(),
                side: None,
                quote_asset: NO_NOTIONAL.into(),
                notional: Decimal::ZERO,
                body: json!({"request": format!("DELETE {path}"), "params": params, "by": by}),
            };
            let v = self.desk.journalled(journal, intent, || {
                self.send(Method::Delete, path, params.clone(), deadline)
            })?;
            answers.insert(key.into(), v);
        }
        Ok(json!({"symbol": symbol, "cancelled": answers}))
    }

    /// `binance-mcp halt --cancel-open` for futures: cancel every open
    /// order (regular and conditional) on the symbols that have some and the
    /// policy allows.
    pub fn cancel_open_after_halt(&self, deadline: Instant) -> Result<Vec<Cancelled>, ToolError> {
        let journal = self.desk.journal()?;
        let p = self.policy();
        // Open orders per allowed symbol, both kinds: the cancel-alls answer
        // only "done", so the count reported is what was open.
        let mut open = std::collections::BTreeMap::<String, usize>::new();
        for path in ["/fapi/v1/openOrders", "/fapi/v1/openAlgoOrders"] {
            let listed = self.send(Method::Get, path, Vec::new(), deadline)?;
            for symbol in listed
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["symbol"].as_str())
                .filter(|s| p.allows_symbol(s))
            {
                *open.entry(symbol.to_string()).or_default() += 1;
            }
        }
        let _account = self.desk.account_lock();
        Ok(open
            .into_iter()
            .map(|(s, n)| {
                let r = self
                    .cancel_everything(
                        journal,
                        &s,
                        Some("binance-mcp halt --cancel-open"),
                        deadline,
                    )
                    .map(|_| n);
                (format!("{s} (futures)"), r)
            })
            .collect())
    }

    /// Arm (or refresh) Binance's countdown cancel-all on `symbol` for
    /// `countdown` (the dead-man's switch; not journalled: it places
    /// nothing and only ever cancels).
    pub fn arm_countdown(
        &self,
        symbol: &str,
        countdown: std::time::Duration,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        self.send(
            Method::Post,
            "/fapi/v1/countdownCancelAll",
            vec![
                ("symbol".into(), symbol.into()),
                ("countdownTime".into(), countdown.as_millis().to_string()),
            ],
            deadline,
        )
    }

    /// The symbols with open regular orders now (for the switch).
    pub fn symbols_with_open_orders(&self, deadline: Instant) -> Result<Vec<String>, ToolError> {
        let open = self.send(Method::Get, "/fapi/v1/openOrders", Vec::new(), deadline)?;
        let mut symbols: Vec<String> = open
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["symbol"].as_str().map(str::to_string))
            .collect();
        symbols.sort();
        symbols.dedup();
        Ok(symbols)
    }
}
