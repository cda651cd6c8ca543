//! [`SpotTrading`]: the host's side of the `spot-trading` capability. Each
//! placement runs, at the moment of execution and under the account lock:
//! kill switch → the caller's grant → the policy's mode → the checked order
//! → the exchange's filters (cached exchangeInfo, a fresh price when the
//! order needs one) → the policy's limits (the rolling 24 h notional from
//! the journal, the open-order count from Binance) → confirmation → the
//! journal's intent → one send → the journal's outcome.

use super::desk::{checked_symbol, refused, Desk, Go, NO_NOTIONAL};
use super::filters::SymbolRules;
use super::journal::{Intent, Journal};
use super::limits::{self, Situation};
use super::order::{wire, Draft, OrderType, Side, SpotOrder, TimeInForce};
use crate::exchange::catalogue::{Endpoint, Method, Venue};
use crate::exchange::{Gate, Pass};
use crate::gate::CallIdentity;
use crate::policy::trading::{Mode, TradingPolicy};
use crate::policy::Capability;
use crate::tool_error::{ErrorKind, ToolError};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a symbol's exchange rules are reused: filters change rarely
/// (Binance announces them), and a stale rule only makes Binance refuse.
pub const RULES_TTL: Duration = Duration::from_secs(300);

/// The requests the trading service sends itself: its orders and the reads
/// it needs to check them. Nothing else.
struct TradingRoutes;

impl Gate for TradingRoutes {
    fn admit(&self, endpoint: &'static Endpoint) -> Result<Pass<'_>, ToolError> {
        let read = matches!(
            endpoint.path,
            "/api/v3/exchangeInfo"
                | "/api/v3/ticker/price"
                | "/api/v3/openOrders"
                | "/api/v3/order"
        ) && endpoint.method == Method::Get;
        if read || Capability::SpotTrade.covers(endpoint) {
            Ok(Pass::default())
        } else {
            Err(ToolError::new(
                ErrorKind::Internal,
                format!(
                    "the trading service may not send {} {}",
                    endpoint.method, endpoint.path
                ),
                "report this bug",
            ))
        }
    }
}

/// An OCO pair as the caller described it: a limit leg at `price` and a
/// stop leg at `stop_price` (a stop-limit at `stop_limit_price` when given).
#[derive(Debug, Clone)]
pub struct OcoDraft {
    pub symbol: String,
    pub side: Side,
    pub quantity: String,
    pub price: String,
    pub stop_price: String,
    pub stop_limit_price: Option<String>,
    pub list_client_order_id: Option<String>,
}

/// One symbol's open orders cancelled by `halt --cancel-open`: how many,
/// or why not.
pub type Cancelled = (String, Result<usize, ToolError>);

/// The spot-trading service, shared by every call.
pub struct SpotTrading {
    desk: Arc<Desk>,
    policy: RwLock<Arc<TradingPolicy>>,
    /// The spot base URL is Binance's production one.
    live_url: bool,
    rules: Mutex<HashMap<String, (Instant, Arc<SymbolRules>)>>,
}

impl SpotTrading {
    /// Spot trading at `desk` (shared with futures); `live_url`: the spot
    /// base URL is Binance's production one.
    pub fn new(desk: Arc<Desk>, live_url: bool) -> Self {
        SpotTrading {
            desk,
            policy: RwLock::new(Arc::new(TradingPolicy::off())),
            live_url,
            rules: Mutex::new(HashMap::new()),
        }
    }

    /// Put the `[trading]` section of a newly applied policy in force.
    pub fn set_policy(&self, policy: TradingPolicy) {
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(policy);
    }

    fn policy(&self) -> Arc<TradingPolicy> {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The checks every spot write shares: the desk's (kill switch, grant,
    /// journal) and the policy's mode.
    fn may_write(&self, call: &CallIdentity) -> Result<(Arc<TradingPolicy>, &Journal), ToolError> {
        let journal = self.desk.may_write(call, Capability::SpotTrade)?;
        let policy = self.policy();
        if policy.mode == Mode::Testnet && self.live_url {
            return Err(refused(
                "trading.mode = \"testnet\" but the server talks to Binance's live API".into(),
                "run with --exchange testnet (or sim), or set trading.mode = \"live\" deliberately",
            ));
        }
        Ok((policy, journal))
    }

    fn read(
        &self,
        path: &str,
        params: Vec<(String, String)>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        self.write(Method::Get, path, params, deadline)
    }

    fn rules(&self, symbol: &str, deadline: Instant) -> Result<Arc<SymbolRules>, ToolError> {
        if let Some((at, r)) = self
            .rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(symbol)
        {
            if at.elapsed() < RULES_TTL {
                return Ok(r.clone());
            }
        }
        let info = self.read(
            "/api/v3/exchangeInfo",
            vec![("symbol".into(), symbol.into())],
            deadline,
        )?;
        let entry = info["symbols"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["symbol"] == symbol))
            .ok_or_else(|| {
                ToolError::new(
                    ErrorKind::InvalidArgument,
                    format!("Binance lists no symbol {symbol}"),
                    "check the symbol with get_exchange_info",
                )
            })?;
        let rules = Arc::new(SymbolRules::from_exchange_info(entry).map_err(|e| {
            crate::exchange::errors::malformed(&format!("exchangeInfo for {symbol}: {e}"))
        })?);
        self.rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(symbol.to_string(), (Instant::now(), rules.clone()));
        Ok(rules)
    }

    fn price(&self, symbol: &str, deadline: Instant) -> Result<Decimal, ToolError> {
        let v = self.read(
            "/api/v3/ticker/price",
            vec![("symbol".into(), symbol.into())],
            deadline,
        )?;
        v["price"]
            .as_str()
            .and_then(|p| p.parse::<Decimal>().ok())
            .ok_or_else(|| crate::exchange::errors::malformed("ticker/price without a price"))
    }

    fn open_orders(&self, deadline: Instant) -> Result<u32, ToolError> {
        let v = self.read("/api/v3/openOrders", Vec::new(), deadline)?;
        Ok(v.as_array().map_or(0, |a| a.len() as u32))
    }

    /// Place (or preview, or dry-run) one order for `call`.
    pub fn place(
        &self,
        call: &CallIdentity,
        draft: Draft,
        dry_run: bool,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (policy, journal) = self.may_write(call)?;
        let order = SpotOrder::check(draft)?;
        limits::check_order(&policy, &order)?;
        let rules = self.rules(&order.symbol, deadline)?;
        let reference = if order.needs_reference_price() || rules.needs_reference_price() {
            Some(self.price(&order.symbol, deadline)?)
        } else {
            None
        };
        let checked = rules
            .check(&order, reference)
            .map_err(|v| v.to_tool_error())?;
        let notional = order.notional(reference).or(checked.notional);
        let quote = rules.quote_asset.clone();

        // Everything from here to the outcome holds the account lock (but
        // for the human's answer to an `elicitation/create`: the caps are
        // then checked again once the lock is back).
        let mut account = Some(self.desk.account_lock());
        let situation = self.within_caps(&policy, journal, &quote, notional, deadline)?;
        let preview = json!({
            "order": order.to_string(),
            "symbol": order.symbol,
            "notional": notional.map(wire),
            "quoteAsset": quote,
            "placed24h": wire(situation.placed_24h),
            "limits": limits_json(&policy),
        });
        if dry_run {
            let mut params = order.params();
            params.retain(|(k, _)| k != "newOrderRespType");
            params.push(("computeCommissionRates".into(), "true".into()));
            let r = self.write(Method::Post, "/api/v3/order/test", params, deadline)?;
            return Ok(json!({"dryRun": true, "preview": preview, "commissionRates": r}));
        }
        if let Go::Answer(v) = self.desk.confirm(
            call,
            policy.confirm,
            confirmation,
            (preview, &order.canonical()),
            deadline,
            &mut account,
        )? {
            return Ok(v);
        }
        let _account = self.desk.relock(account, || {
            self.within_caps(&policy, journal, &quote, notional, deadline)
                .map(drop)
        })?;
        self.send_order(journal, &order, &quote, notional, deadline)
    }

    /// The account's situation for an order of `notional`, refused when it
    /// breaks a cap (the daily notional, the open orders). Call it holding
    /// the account lock.
    fn within_caps(
        &self,
        policy: &TradingPolicy,
        journal: &Journal,
        quote: &str,
        notional: Option<Decimal>,
        deadline: Instant,
    ) -> Result<Situation, ToolError> {
        let since = now_ms() - 86_400_000;
        let situation = Situation {
            quote_asset: quote.to_string(),
            notional,
            placed_24h: placed_24h(policy, journal, since, quote),
            open_orders: match policy.max_open_orders {
                Some(_) => Some(self.open_orders(deadline)?),
                None => None,
            },
        };
        limits::check_caps(policy, &situation)?;
        Ok(situation)
    }

    /// Send one request of the trading service's own (see [`Desk::send`]).
    fn write(
        &self,
        method: Method,
        path: &str,
        params: Vec<(String, String)>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        self.desk
            .send(&TradingRoutes, Venue::Spot, method, path, params, deadline)
    }

    fn send_order(
        &self,
        journal: &Journal,
        order: &SpotOrder,
        quote: &str,
        notional: Option<Decimal>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let id = order.client_order_id.clone();
        let intent = Intent {
            id: id.clone(),
            symbol: order.symbol.clone(),
            side: Some(order.side),
            quote_asset: quote.into(),
            notional: notional.unwrap_or_default(),
            body: json!({"request": "POST /api/v3/order", "params": order.canonical(), "clientOrderId": id}),
        };
        self.desk
            .journalled(journal, intent, || {
                self.write(Method::Post, "/api/v3/order", order.params(), deadline)
            })
            .map(|v| super::answer::order(&v))
    }

    /// Check one leg of an OCO as an order of its own (filters, fields).
    fn leg(
        &self,
        symbol: &str,
        side: Side,
        t: OrderType,
        qty: &str,
        price: Option<&str>,
        stop: Option<&str>,
    ) -> Result<SpotOrder, ToolError> {
        SpotOrder::check(Draft {
            symbol: symbol.into(),
            side: Some(side),
            order_type: Some(t),
            quantity: Some(qty.into()),
            price: price.map(Into::into),
            stop_price: stop.map(Into::into),
            time_in_force: None,
            client_order_id: None,
            ..Draft::default()
        })
    }

    /// Place an OCO pair (`POST /api/v3/orderList/oco`): for a SELL the
    /// limit leg (LIMIT_MAKER) is above the market and the stop below; for a
    /// BUY the reverse. Each leg passes the filters and the policy's order
    /// types; the pair's notional is the quantity at the higher of its prices.
    pub fn place_oco(
        &self,
        call: &CallIdentity,
        oco: OcoDraft,
        confirmation: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (policy, journal) = self.may_write(call)?;
        let stop_type = if oco.stop_limit_price.is_some() {
            OrderType::StopLossLimit
        } else {
            OrderType::StopLoss
        };
        let limit_leg = self.leg(
            &oco.symbol,
            oco.side,
            OrderType::LimitMaker,
            &oco.quantity,
            Some(&oco.price),
            None,
        )?;
        let stop_leg = self.leg(
            &oco.symbol,
            oco.side,
            stop_type,
            &oco.quantity,
            oco.stop_limit_price.as_deref(),
            Some(&oco.stop_price),
        )?;
        let list_id = match oco.list_client_order_id {
            Some(id) if super::order::valid_client_order_id(&id) => id,
            Some(_) => {
                return Err(super::order::invalid(
                    "listClientOrderId is not valid".into(),
                    "use 1-36 of A-Z a-z 0-9 . : / _ -, or omit it",
                ))
            }
            None => crate::exchange::outcome::new_client_order_id(),
        };
        let rules = self.rules(&limit_leg.symbol, deadline)?;
        let reference = if rules.needs_reference_price() {
            Some(self.price(&limit_leg.symbol, deadline)?)
        } else {
            None
        };
        for leg in [&limit_leg, &stop_leg] {
            rules.check(leg, reference).map_err(|v| v.to_tool_error())?;
        }
        let high = limit_leg.notional(None).max(stop_leg.notional(None));
        let quote = rules.quote_asset.clone();
        // The account lock, as for `place` (released only while a human answers).
        let within_caps = || -> Result<(), ToolError> {
            let situation = Situation {
                quote_asset: quote.clone(),
                notional: high,
                placed_24h: placed_24h(&policy, journal, now_ms() - 86_400_000, &quote),
                open_orders: match policy.max_open_orders {
                    Some(_) => Some(self.open_orders(deadline)? + 1),
                    None => None,
                },
            };
            for leg in [&limit_leg, &stop_leg] {
                limits::check(&policy, leg, &situation)?;
            }
            Ok(())
        };
        let mut account = Some(self.desk.account_lock());
        within_caps()?;
        let (above, below) = match oco.side {
            Side::Sell => (&limit_leg, &stop_leg),
            Side::Buy => (&stop_leg, &limit_leg),
        };
        let mut params = vec![
            ("symbol".to_string(), limit_leg.symbol.clone()),
            ("side".to_string(), oco.side.name().to_string()),
            (
                "quantity".to_string(),
                wire(limit_leg.quantity.unwrap_or_default()),
            ),
            ("listClientOrderId".to_string(), list_id.clone()),
        ];
        for (prefix, leg) in [("above", above), ("below", below)] {
            params.push((format!("{prefix}Type"), leg.order_type.name().into()));
            if let Some(p) = leg.price {
                params.push((format!("{prefix}Price"), wire(p)));
            }
            if let Some(s) = leg.stop_price {
                params.push((format!("{prefix}StopPrice"), wire(s)));
            }
            if leg.order_type == OrderType::StopLossLimit {
                params.push((
                    format!("{prefix}TimeInForce"),
                    TimeInForce::Gtc.name().into(),
                ));
            }
        }
        params.push(("newOrderRespType".into(), "FULL".into()));
        let canonical: String = params
            .iter()
            .filter(|(k, _)| k != "listClientOrderId")
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let preview = json!({
            "order": format!("OCO {} {}: {} / {}", oco.side.name(), limit_leg.symbol, limit_leg, stop_leg),
            "notional": high.map(wire),
            "quoteAsset": quote,
            "limits": limits_json(&policy),
        });
        if let Go::Answer(v) = self.desk.confirm(
            call,
            policy.confirm,
            confirmation,
            (preview, &canonical),
            deadline,
            &mut account,
        )? {
            return Ok(v);
        }
        let _account = self.desk.relock(account, within_caps)?;
        let intent = Intent {
            id: list_id.clone(),
            symbol: limit_leg.symbol.clone(),
            side: Some(oco.side),
            quote_asset: quote,
            notional: high.unwrap_or_default(),
            body: json!({"request": "POST /api/v3/orderList/oco", "params": canonical}),
        };
        self.desk.journalled(journal, intent, || {
            self.write(Method::Post, "/api/v3/orderList/oco", params, deadline)
        })
    }

    /// Cancel one order (never confirmed: it reduces risk).
    pub fn cancel(
        &self,
        call: &CallIdentity,
        symbol: &str,
        order_id: Option<u64>,
        client_order_id: Option<String>,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (_, journal) = self.may_write(call)?;
        let symbol = checked_symbol(symbol)?;
        let mut params = vec![("symbol".to_string(), symbol.clone())];
        match (order_id, client_order_id) {
            (Some(id), None) => params.push(("orderId".into(), id.to_string())),
            (None, Some(c)) if super::order::valid_client_order_id(&c) => {
                params.push(("origClientOrderId".into(), c))
            }
            _ => {
                return Err(super::order::invalid(
                    "give exactly one of orderId and origClientOrderId".into(),
                    "e.g. {\"symbol\":\"BTCUSDT\",\"orderId\":12345}",
                ))
            }
        }
        let _account = self.desk.account_lock();
        let id = format!("cancel-{}", crate::exchange::outcome::new_client_order_id());
        let intent = Intent {
            id,
            symbol: symbol.clone(),
            side: None,
            quote_asset: NO_NOTIONAL.into(),
            notional: Decimal::ZERO,
            body: json!({"request": "DELETE /api/v3/order", "params": params}),
        };
        self.desk
            .journalled(journal, intent, || {
                self.write(Method::Delete, "/api/v3/order", params, deadline)
            })
            .map(|v| super::answer::order(&v))
    }

    /// `binance-mcp halt --cancel-open`: cancel every open order on the
    /// policy's allowed symbols (or, without a list, on every symbol with
    /// open orders), journalled, after the halt marker is written — the
    /// one write the halt itself makes. Returns what was cancelled per symbol.
    pub fn cancel_open_after_halt(&self, deadline: Instant) -> Result<Vec<Cancelled>, ToolError> {
        let journal = self.desk.journal()?;
        let policy = self.policy();
        let open = self.read("/api/v3/openOrders", Vec::new(), deadline)?;
        let mut symbols: Vec<String> = open
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["symbol"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        symbols.sort();
        symbols.dedup();
        if let Some(allowed) = &policy.symbols {
            symbols.retain(|s| allowed.contains(s));
        }
        let _account = self.desk.account_lock();
        let mut done = Vec::new();
        for symbol in symbols {
            let id = format!("halt-{}", crate::exchange::outcome::new_client_order_id());
            let params = vec![("symbol".to_string(), symbol.clone())];
            let intent = Intent {
                id,
                symbol: symbol.clone(),
                side: None,
                quote_asset: NO_NOTIONAL.into(),
                notional: Decimal::ZERO,
                body: json!({"request": "DELETE /api/v3/openOrders", "params": params, "by": "binance-mcp halt --cancel-open"}),
            };
            let outcome = self.desk.journalled(journal, intent, || {
                self.write(Method::Delete, "/api/v3/openOrders", params, deadline)
            });
            done.push((symbol, outcome.map(|v| v.as_array().map_or(1, Vec::len))));
        }
        Ok(done)
    }

    /// Cancel every open order of `symbol`.
    pub fn cancel_all(
        &self,
        call: &CallIdentity,
        symbol: &str,
        deadline: Instant,
    ) -> Result<Value, ToolError> {
        let (_, journal) = self.may_write(call)?;
        let symbol = checked_symbol(symbol)?;
        let _account = self.desk.account_lock();
        let id = format!(
            "cancel-all-{}",
            crate::exchange::outcome::new_client_order_id()
        );
        let params = vec![("symbol".to_string(), symbol.clone())];
        let intent = Intent {
            id,
            symbol,
            side: None,
            quote_asset: NO_NOTIONAL.into(),
            notional: Decimal::ZERO,
            body: json!({"request": "DELETE /api/v3/openOrders", "params": params}),
        };
        self.desk
            .journalled(journal, intent, || {
                self.write(Method::Delete, "/api/v3/openOrders", params, deadline)
            })
            .map(|v| json!({"cancelled": super::answer::orders(&v)}))
    }
}

/// The rolling notional under `quote`'s daily cap since `since`: spot's,
/// plus USD-M futures' when the policy shares the cap and `quote` is their
/// margin asset (USDT).
fn placed_24h(policy: &TradingPolicy, journal: &Journal, since: i64, quote: &str) -> Decimal {
    let spot = journal.notional_since(since, quote);
    if policy.daily_includes_futures && quote == "USDT" {
        spot + journal.notional_since(since, crate::trading::desk::FUTURES_BUCKET)
    } else {
        spot
    }
}

fn limits_json(p: &TradingPolicy) -> Value {
    let cap = |c: Option<crate::policy::trading::Cap>| match c {
        None => Value::Null,
        Some(crate::policy::trading::Cap::Unlimited) => json!("none"),
        Some(crate::policy::trading::Cap::At(d)) => json!(wire(d)),
    };
    json!({
        "maxOrderNotional": cap(p.max_order_notional),
        "maxDailyNotional": cap(p.max_daily_notional),
        "maxOpenOrders": p.max_open_orders,
    })
}

fn now_ms() -> i64 {
    crate::exchange::clock::local_ms()
}
