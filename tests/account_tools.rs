//! Every account tool through the real binary (MCP over stdio) against the
//! simulator, signed with the simulator's own keys: the values are checked
//! against the simulated account (`SimState::account`), every output against
//! the tool's declared outputSchema. Times are compared as the tools print
//! them (ISO-8601 UTC with milliseconds, as the SDK's `time::iso8601_ms`),
//! lists as rows under their column header, orders without the fields at
//! their default. Then the same tools without keys and with a wrong secret,
//! which must fail with actionable authentication errors.

mod support;

use binance_sim::account::{MyTrade, Order};
use binance_sim::{Decimal, Simulator};
use rmcp::model::ProtocolVersion;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::*;

/// The twelve tools of the account plugin, in `tools/list` order.
const ACCOUNT_TOOLS: [&str; 12] = [
    "get_account_info",
    "get_account_trades",
    "get_open_orders",
    "get_all_orders",
    "get_order",
    "get_fee_info",
    "get_account_snapshot",
    "get_pnl",
    "get_deposit_history",
    "get_withdraw_history",
    "get_universal_transfer_history",
    "get_deposit_address",
];

/// The binary pointed at `sim`, signing with the simulator's keys, with the
/// deposit-address tool enabled.
fn signed_command(sim: &Simulator) -> tokio::process::Command {
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY)
        .arg("--policy")
        .arg(all_tools_policy());
    cmd
}

/// A serde enum (side, status, type) as Binance's text.
fn wire<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// An order as the order tools must report it: the fields at their default
/// left out (zero stop/iceberg/quote-order quantities, a MARKET order's zero
/// price and time in force, the quote quantity when nothing executed, update
/// and working times equal to the placement time, isWorking when it says
/// what the status says, the default self-trade prevention modes).
fn expected_order(o: &Order) -> Value {
    let market = wire(o.order_type) == "MARKET";
    let mut e = json!({
        "symbol": o.symbol,
        "orderId": o.order_id,
        "clientOrderId": o.client_order_id,
        "side": wire(o.side),
        "type": wire(o.order_type),
        "status": wire(o.status),
        "origQty": d(o.orig_qty),
        "executedQty": d(o.executed_qty),
        "time": iso(o.time),
    });
    if !(market && o.price.is_zero()) {
        e["price"] = d(o.price);
    }
    if !market && !o.time_in_force.is_empty() {
        e["timeInForce"] = json!(o.time_in_force);
    }
    if !o.executed_qty.is_zero() {
        e["cummulativeQuoteQty"] = d(o.cummulative_quote_qty);
        if o.executed_qty > Decimal::ZERO && o.cummulative_quote_qty >= Decimal::ZERO {
            e["avgPrice"] = d((o.cummulative_quote_qty / o.executed_qty).round_dp(8));
        }
    }
    for (name, v) in [
        ("stopPrice", o.stop_price),
        ("icebergQty", o.iceberg_qty),
        ("origQuoteOrderQty", o.orig_quote_order_qty),
    ] {
        if !v.is_zero() {
            e[name] = d(v);
        }
    }
    if o.update_time != o.time {
        e["updateTime"] = json!(iso(o.update_time));
    }
    if o.working_time >= 0 && o.working_time != o.time {
        e["workingTime"] = json!(iso(o.working_time));
    }
    if o.is_working != o.status.is_open() {
        e["isWorking"] = json!(o.is_working);
    }
    if o.order_list_id >= 0 {
        e["orderListId"] = json!(o.order_list_id);
    }
    if !["", "NONE", "EXPIRE_MAKER"].contains(&o.self_trade_prevention_mode.as_str()) {
        e["selfTradePreventionMode"] = json!(o.self_trade_prevention_mode);
    }
    e
}

/// A trade as a row of `get_account_trades`.
fn expected_trade(t: &MyTrade) -> Value {
    json!([
        t.id,
        t.order_id,
        iso(t.time),
        if t.is_buyer { "BUY" } else { "SELL" },
        d(t.price),
        d(t.qty),
        d(t.quote_qty),
        d(t.commission),
        t.commission_asset,
        t.is_maker,
    ])
}

/// Binance's UTC text time (`"2019-10-12 11:12:02"`) as the tools print it.
fn iso_text(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        json!(format!("{}.000Z", text.replacen(' ', "T", 1)))
    }
}

/// One symbol's figures under the average-cost method the plugin documents:
/// a buy adds price × qty (plus a quote-asset commission) to the cost, a
/// base-asset commission reduces the position; a sell realizes proceeds minus
/// the average cost of what it sold (minus a quote-asset commission); a sell
/// beyond the known position realizes nothing and is counted as unmatched.
#[derive(Debug, Default)]
struct Book {
    position: Decimal,
    cost: Decimal,
    realized: Decimal,
    unmatched: Decimal,
}

impl Book {
    fn of(trades: &[&MyTrade], base: &str, quote: &str) -> Book {
        let mut b = Book::default();
        for t in trades {
            let fee_quote = t.commission_asset == quote;
            let fee_base = t.commission_asset == base;
            assert!(
                fee_quote || fee_base,
                "the simulator charges commission in base or quote: {t:?}"
            );
            if t.is_buyer {
                b.cost += t.price * t.qty;
                b.position += t.qty;
                if fee_quote {
                    b.cost += t.commission;
                } else {
                    b.position -= t.commission;
                }
            } else {
                let (matched, cost_out) = b.take(t.qty);
                b.realized += t.price * matched - cost_out;
                b.unmatched += t.qty - matched;
                if fee_quote {
                    b.realized -= t.commission;
                } else {
                    let (m, c) = b.take(t.commission);
                    b.realized -= c;
                    b.unmatched += t.commission - m;
                }
            }
        }
        b
    }

    /// Remove up to `qty` at the average cost: (quantity removed, its cost).
    fn take(&mut self, qty: Decimal) -> (Decimal, Decimal) {
        let matched = qty.min(self.position);
        if matched <= Decimal::ZERO {
            return (Decimal::ZERO, Decimal::ZERO);
        }
        let cost_out = if matched == self.position {
            self.cost
        } else {
            self.cost * matched / self.position
        };
        self.position -= matched;
        self.cost = if self.position.is_zero() {
            Decimal::ZERO
        } else {
            self.cost - cost_out
        };
        (matched, cost_out)
    }

    fn average_cost(&self) -> Decimal {
        if self.position.is_zero() {
            Decimal::ZERO
        } else {
            self.cost / self.position
        }
    }

    fn unrealized(&self, last: Decimal) -> Decimal {
        self.position * last - self.cost
    }
}

/// A PnL figure as the tool prints it: exact, rounded to 8 places.
fn fig(x: Decimal) -> Value {
    d(x.round_dp(8))
}

/// A millisecond time as the tools print it: ISO-8601 UTC.
fn iso(ms: i64) -> String {
    let (date, time) = binance_sim::account::history::utc_datetime(ms)
        .split_once(' ')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap();
    format!("{date}T{time}.{:03}Z", ms.rem_euclid(1000))
}

/// Check a `get_pnl` answer covering `symbols` against the simulator: each
/// row recomputed from its trades, the held quantity from its balances, the
/// incomplete reasons from both, and the totals.
fn check_pnl(
    state: &binance_sim::SimState,
    a: &binance_sim::AccountSnapshot,
    pnl: &Value,
    symbols: &[&str],
) {
    let rows = pnl["symbols"].as_array().unwrap();
    assert_eq!(rows.len(), symbols.len());
    let (mut realized, mut unrealized) = (Decimal::ZERO, Decimal::ZERO);
    let mut all_complete = true;
    for (row, symbol) in rows.iter().zip(symbols) {
        let m = state.market(symbol).unwrap();
        let mut trades: Vec<&MyTrade> = a.trades.iter().filter(|t| t.symbol == *symbol).collect();
        trades.sort_by_key(|t| t.id);
        let book = Book::of(&trades, &m.base_asset, &m.quote_asset);
        let held = a
            .balances
            .iter()
            .find(|b| b.asset == m.base_asset)
            .map_or(Decimal::ZERO, |b| b.free + b.locked);
        let last = m.last_price();
        let unreal = book.unrealized(last);
        realized += book.realized;
        unrealized += unreal;
        let mut incomplete = Vec::new();
        if !book.unmatched.is_zero() {
            incomplete.push(
                json!({"reason": "sold_beyond_position", "unmatchedQty": fig(book.unmatched)}),
            );
        }
        if held > book.position {
            incomplete.push(
                json!({"reason": "held_not_in_trades", "unmatchedQty": fig(held - book.position)}),
            );
        } else if held < book.position {
            incomplete.push(
                json!({"reason": "position_not_held", "unmatchedQty": fig(book.position - held)}),
            );
        }
        let mut want = json!({
            "symbol": symbol,
            "baseAsset": m.base_asset,
            "position": fig(book.position),
            "heldQty": fig(held),
            "averageCost": fig(book.average_cost()),
            "lastPrice": fig(last),
            "realizedPnl": fig(book.realized),
            "unrealizedPnl": fig(unreal),
            "totalPnl": fig(book.realized + unreal),
            "tradeCount": trades.len(),
            "complete": incomplete.is_empty(),
            "commissionsOther": [],
        });
        all_complete &= incomplete.is_empty();
        if !incomplete.is_empty() {
            want["incomplete"] = json!(incomplete);
        }
        if !book.unmatched.is_zero() {
            want["unmatchedSellQty"] = fig(book.unmatched);
        }
        assert_eq!(row, &want, "{symbol}");
        // complete never sits next to an unmatched quantity.
        assert!(
            row["complete"] == false || !row.to_string().contains("unmatched"),
            "{row}"
        );
        // The figures add up as printed (up to the 8-place rounding).
        let p = |k: &str| row[k].as_str().unwrap().parse::<Decimal>().unwrap();
        let gap = (p("realizedPnl") + p("unrealizedPnl") - p("totalPnl")).abs();
        assert!(gap <= Decimal::new(1, 8), "{row}");
    }
    let over_cap = pnl["skipped"].to_string().contains("over_cap");
    assert_eq!(pnl["complete"], all_complete && !over_cap);
    let quote = pnl["quoteAsset"].clone();
    assert_eq!(
        pnl["totals"],
        json!({
            "quoteAsset": quote,
            "realized": fig(realized),
            "unrealized": fig(unrealized),
            "total": fig(realized + unrealized),
            "commissionsOther": [],
        })
    );
}

#[tokio::test]
async fn every_account_tool_reports_the_simulators_values() {
    let sim = sim(11).await;
    let state = sim.state();
    let client = connect_with(signed_command(&sim), ProtocolVersion::V_2025_11_25).await;
    let s = Schemas::load(&client).await;
    for tool in ACCOUNT_TOOLS {
        assert!(s.validators.contains_key(tool), "{tool} is not listed");
    }
    let a = state.account();

    // get_account_info: every non-zero balance exactly, zero ones absent,
    // valued in USDT at the simulator's last prices, most valuable first.
    let info = s.ok(&client, "get_account_info", json!({})).await;
    let nonzero: Vec<_> = a
        .balances
        .iter()
        .filter(|b| !(b.free.is_zero() && b.locked.is_zero()))
        .collect();
    assert!(
        nonzero.len() < a.balances.len(),
        "the sim has zero balances"
    );
    assert!(
        nonzero.iter().any(|b| !b.locked.is_zero()),
        "and locked ones"
    );
    let usdt_value = |asset: &str, qty: Decimal| -> Option<Decimal> {
        let exact = if asset == "USDT" {
            Some(qty)
        } else if let Some(m) = state.market(&format!("{asset}USDT")) {
            Some(qty * m.last_price())
        } else {
            state
                .market(&format!("USDT{asset}"))
                .map(|m| qty / m.last_price())
        };
        exact.map(|v| v.round_dp(8))
    };
    let mut valued: Vec<(Option<Decimal>, Value)> = nonzero
        .iter()
        .map(|b| {
            let total = b.free + b.locked;
            let value = usdt_value(&b.asset, total);
            let mut row = json!({ "asset": b.asset, "free": d(b.free), "total": d(total) });
            if !b.locked.is_zero() {
                row["locked"] = d(b.locked);
            }
            if let Some(v) = value {
                row["valueUsdt"] = d(v);
            }
            (value, row)
        })
        .collect();
    valued.sort_by_key(|(v, _)| std::cmp::Reverse(*v));
    let total: Decimal = valued.iter().filter_map(|(v, _)| *v).sum();
    let want: Vec<&Value> = valued.iter().map(|(_, row)| row).collect();
    assert_eq!(info["balances"], json!(want));
    assert_eq!(info["totalValueUsdt"], d(total));
    let unvalued: Vec<&str> = valued
        .iter()
        .filter(|(v, _)| v.is_none())
        .map(|(_, row)| row["asset"].as_str().unwrap())
        .collect();
    assert_eq!(info["unvalued"], json!(unvalued));
    assert!(info.get("truncated").is_none() && info.get("valuationError").is_none());
    assert_eq!(info["accountType"], "SPOT");
    assert_eq!(info["permissions"], json!(["SPOT"]));
    for flag in ["canTrade", "canWithdraw", "canDeposit"] {
        assert_eq!(info[flag], true, "{flag}");
    }
    let c = a.commission;
    assert_eq!(
        info["commissionRates"],
        json!({"maker": d(c.maker), "taker": d(c.taker), "buyer": d(c.buyer), "seller": d(c.seller)})
    );
    assert_eq!(info["updateTime"], iso(a.update_time));

    // get_account_trades: the symbol's fills, oldest first, field for field.
    let tr = s
        .ok(&client, "get_account_trades", json!({"symbol":"btcusdt"}))
        .await;
    let btc_trades: Vec<&MyTrade> = a.trades.iter().filter(|t| t.symbol == "BTCUSDT").collect();
    assert!(btc_trades.len() >= 10);
    assert!(btc_trades.iter().any(|t| t.is_buyer) && btc_trades.iter().any(|t| !t.is_buyer));
    assert_eq!(tr["symbol"], "BTCUSDT");
    assert_eq!(tr["columns"][2], "time");
    let want: Vec<Value> = btc_trades.iter().copied().map(expected_trade).collect();
    // Without fromId or a window: the latest 100 (the default limit).
    assert_eq!(tr["rows"], json!(want[want.len().saturating_sub(100)..]));
    assert!(tr.get("nextFromId").is_none() && tr.get("truncated").is_none());
    // One order's fills, and paging forward from an id.
    let first = btc_trades[0];
    let one = s
        .ok(
            &client,
            "get_account_trades",
            json!({"symbol":"BTCUSDT","orderId":first.order_id}),
        )
        .await;
    assert_eq!(one["rows"], json!([expected_trade(first)]));
    let from = btc_trades[2].id;
    let page = s
        .ok(
            &client,
            "get_account_trades",
            json!({"symbol":"BTCUSDT","fromId":from,"limit":3}),
        )
        .await;
    assert_eq!(page["rows"], json!(want[2..5]));
    assert_eq!(
        page["nextFromId"].as_u64().unwrap(),
        btc_trades[4].id + 1,
        "{page}"
    );
    // An ISO startTime is the same window as its milliseconds.
    let since = btc_trades[1].time;
    let by_iso = s
        .ok(
            &client,
            "get_account_trades",
            json!({"symbol":"BTCUSDT","startTime": iso(since),"endTime": iso(since + 86_400_000)}),
        )
        .await;
    let by_ms = s
        .ok(
            &client,
            "get_account_trades",
            json!({"symbol":"BTCUSDT","startTime": since,"endTime": since + 86_400_000}),
        )
        .await;
    assert_eq!(by_iso["rows"], by_ms["rows"]);
    assert!(
        by_iso["rows"].as_array().unwrap().contains(&want[1]),
        "{by_iso}"
    );

    // get_open_orders: exactly the simulator's NEW orders, oldest first.
    let open = s.ok(&client, "get_open_orders", json!({})).await;
    let mut new_orders: Vec<&Order> = a
        .orders
        .iter()
        .filter(|o| o.status == binance_sim::account::OrderStatus::New)
        .collect();
    new_orders.sort_by_key(|o| o.time);
    assert!(new_orders.len() >= 2);
    let want: Vec<Value> = new_orders.iter().copied().map(expected_order).collect();
    assert!(want.len() <= 25, "the sim's open orders fit one answer");
    assert_eq!(open["orders"], json!(want));
    assert!(open.get("truncated").is_none());
    let eth_open = s
        .ok(&client, "get_open_orders", json!({"symbol":"ETHUSDT"}))
        .await;
    let want_eth: Vec<Value> = new_orders
        .iter()
        .filter(|o| o.symbol == "ETHUSDT")
        .copied()
        .map(expected_order)
        .collect();
    assert!(!want_eth.is_empty());
    assert_eq!(eth_open["orders"], json!(want_eth));

    // get_all_orders: every order of the symbol, by id.
    let all = s
        .ok(
            &client,
            "get_all_orders",
            json!({"symbol":"ETHUSDT","limit":1000}),
        )
        .await;
    let mut eth_orders: Vec<&Order> = a.orders.iter().filter(|o| o.symbol == "ETHUSDT").collect();
    eth_orders.sort_by_key(|o| o.order_id);
    let want: Vec<Value> = eth_orders.iter().copied().map(expected_order).collect();
    let listed = want.len().min(80);
    assert_eq!(all["orders"], json!(want[want.len() - listed..]));
    // The default: the latest 25.
    let latest = s
        .ok(&client, "get_all_orders", json!({"symbol":"ETHUSDT"}))
        .await;
    assert_eq!(
        latest["orders"],
        json!(want[want.len().saturating_sub(25)..])
    );
    for status in ["FILLED", "NEW", "CANCELED"] {
        assert!(
            want.iter().any(|o| o["status"] == status),
            "ETHUSDT has a {status} order"
        );
    }
    assert!(
        want.iter().any(|o| o.get("avgPrice").is_some()),
        "filled orders carry avgPrice"
    );
    assert!(
        want.iter().all(|o| o.get("stopPrice") != Some(&json!("0"))
            && o.get("selfTradePreventionMode").is_none()),
        "defaults are left out"
    );

    // get_order: by orderId and by origClientOrderId, a filled and an open one.
    let filled = *eth_orders
        .iter()
        .find(|o| o.executed_qty > Decimal::ZERO)
        .unwrap();
    let by_id = s
        .ok(
            &client,
            "get_order",
            json!({"symbol":"ETHUSDT","orderId":filled.order_id}),
        )
        .await;
    assert_eq!(by_id["order"], expected_order(filled));
    let resting = new_orders[0];
    let by_client = s
        .ok(
            &client,
            "get_order",
            json!({"symbol":resting.symbol,"origClientOrderId":resting.client_order_id}),
        )
        .await;
    assert_eq!(by_client["order"], expected_order(resting));

    // get_fee_info: the standard rates, zero tax/special, the BNB discount.
    let fee = s
        .ok(&client, "get_fee_info", json!({"symbol":"BTCUSDT"}))
        .await;
    let zero = json!({"maker":"0","taker":"0","buyer":"0","seller":"0"});
    assert_eq!(fee["symbol"], "BTCUSDT");
    assert_eq!(fee["standardCommission"], info["commissionRates"]);
    assert_eq!(fee["standardCommission"]["taker"], d(c.taker));
    assert_eq!(fee["taxCommission"], zero);
    assert_eq!(fee["specialCommission"], zero);
    assert_eq!(
        fee["discount"],
        json!({"enabledForAccount":true,"enabledForSymbol":true,"discountAsset":"BNB","discount":"0.75"})
    );

    // get_account_snapshot: the seven days, totals and non-zero balances.
    let snap = s.ok(&client, "get_account_snapshot", json!({})).await;
    assert_eq!(snap["type"], "SPOT");
    let days = snap["snapshots"].as_array().unwrap();
    assert_eq!(days.len(), a.snapshots.len());
    assert_eq!(days.len(), 7);
    assert_eq!(
        snap["columns"],
        json!({"balances": ["asset", "free", "locked"]})
    );
    for (g, w) in days.iter().zip(&a.snapshots) {
        assert_eq!(g["updateTime"], iso(w.update_time));
        assert_eq!(g["totalAssetOfBtc"], d(w.total_asset_of_btc));
        let want: Vec<Value> = w
            .balances
            .iter()
            .filter(|b| !(b.free.is_zero() && b.locked.is_zero()))
            .map(|b| json!([b.asset, d(b.free), d(b.locked)]))
            .collect();
        assert!(want.len() < w.balances.len(), "zero balances are left out");
        assert_eq!(g["balances"], json!(want));
        assert!(g.get("truncated").is_none());
    }

    // get_account_snapshot type=MARGIN: the simulator's cross-margin days.
    let margin = s
        .ok(&client, "get_account_snapshot", json!({"type":"MARGIN"}))
        .await;
    assert_eq!(margin["type"], "MARGIN");
    let want: Vec<Value> = a
        .margin_snapshots
        .iter()
        .map(|m| {
            let assets: Vec<Value> = m
                .user_assets
                .iter()
                .filter(|u| {
                    ![u.free, u.locked, u.borrowed, u.interest, u.net_asset]
                        .iter()
                        .all(|x| x.is_zero())
                })
                .map(|u| {
                    json!([
                        u.asset,
                        d(u.free),
                        d(u.locked),
                        d(u.borrowed),
                        d(u.interest),
                        d(u.net_asset),
                    ])
                })
                .collect();
            assert!(
                assets.len() < m.user_assets.len(),
                "zero assets are left out"
            );
            json!({
                "updateTime": iso(m.update_time),
                "totalAssetOfBtc": d(m.total_asset_of_btc),
                "totalLiabilityOfBtc": d(m.total_liability_of_btc),
                "totalNetAssetOfBtc": d(m.total_net_asset_of_btc),
                "marginLevel": d(m.margin_level),
                "userAssets": assets,
            })
        })
        .collect();
    assert_eq!(want.len(), 7);
    assert_eq!(margin["snapshots"], json!(want));

    // get_account_snapshot type=FUTURES: wallet assets and positions.
    let futures = s
        .ok(
            &client,
            "get_account_snapshot",
            json!({"type":"futures","limit":30}),
        )
        .await;
    assert_eq!(futures["type"], "FUTURES");
    let want: Vec<Value> = a
        .futures_snapshots
        .iter()
        .map(|f| {
            let assets: Vec<Value> = f
                .assets
                .iter()
                .map(|x| json!([x.asset, d(x.wallet_balance), d(x.margin_balance)]))
                .collect();
            let positions: Vec<Value> = f
                .positions
                .iter()
                .map(|p| {
                    json!([
                        p.symbol,
                        d(p.position_amt),
                        d(p.entry_price),
                        d(p.mark_price),
                        d(p.un_realized_profit),
                    ])
                })
                .collect();
            json!({"updateTime": iso(f.update_time), "assets": assets, "positions": positions})
        })
        .collect();
    assert_eq!(futures["snapshots"], json!(want));
    assert!(
        want.iter()
            .any(|w| w["positions"].to_string().contains(",\"-")),
        "a short position"
    );

    // get_pnl: the average-cost figures recomputed here from the sim's trades,
    // the held quantities from its balances.
    let traded: BTreeSet<&str> = a.trades.iter().map(|t| t.symbol.as_str()).collect();
    let traded: Vec<&str> = traded.into_iter().collect();
    assert!(traded.len() >= 2, "{traded:?}");
    let pnl = s.ok(&client, "get_pnl", json!({"symbols": traded})).await;
    assert_eq!(pnl["quoteAsset"], "USDT");
    assert_eq!(pnl["method"], "average cost");
    assert_eq!(pnl["selectedBy"], "symbols");
    assert_eq!(pnl["covered"], json!(traded));
    assert_eq!(pnl["skipped"], json!([]));
    assert!(pnl.get("startTime").is_none());
    check_pnl(state, &a, &pnl, &traded);
    assert!(pnl["notes"].as_array().unwrap().len() >= 3);

    // get_pnl without symbols: the holdings with a USDT market, the most
    // valuable first; USDT itself is skipped.
    let held = |asset: &str| {
        a.balances
            .iter()
            .find(|b| b.asset == asset)
            .map_or(Decimal::ZERO, |b| b.free + b.locked)
    };
    let mut by_value: Vec<(Decimal, String)> = a
        .balances
        .iter()
        .filter(|b| b.asset != "USDT" && !(b.free + b.locked).is_zero())
        .map(|b| {
            let m = state.market(&format!("{}USDT", b.asset)).unwrap();
            let value = held(&b.asset) * m.last_price();
            assert!(value >= m.min_notional, "no dust in the sim: {}", b.asset);
            (value, m.symbol.clone())
        })
        .collect();
    by_value.sort_by_key(|x| std::cmp::Reverse(x.0));
    let covered: Vec<&str> = by_value.iter().map(|(_, s)| s.as_str()).collect();
    assert!(covered.len() >= 4 && covered.len() <= 10, "{covered:?}");
    let auto = s.ok(&client, "get_pnl", json!({})).await;
    assert_eq!(auto["selectedBy"], "holdings");
    assert_eq!(auto["covered"], json!(covered));
    assert_eq!(
        auto["skipped"],
        json!([{"asset": "USDT", "heldQty": d(held("USDT")), "reason": "quote_asset"}])
    );
    check_pnl(state, &a, &auto, &covered);
    // Symbols the account holds but never traded cannot be complete.
    let untraded = auto["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tradeCount"] == 0)
        .expect("a held symbol without trades");
    assert_eq!(untraded["incomplete"][0]["reason"], "held_not_in_trades");

    // quote=BTC: ETHBTC is the one BTC market of the holdings.
    let btc_quote = s.ok(&client, "get_pnl", json!({"quote":"BTC"})).await;
    assert_eq!(btc_quote["quoteAsset"], "BTC");
    assert_eq!(btc_quote["covered"], json!(["ETHBTC"]));
    let mut no_market: Vec<&str> = a
        .balances
        .iter()
        .filter(|b| !(b.free + b.locked).is_zero())
        .map(|b| b.asset.as_str())
        .filter(|x| *x != "BTC" && *x != "ETH")
        .collect();
    no_market.sort();
    let mut want =
        vec![json!({"asset": "BTC", "heldQty": d(held("BTC")), "reason": "quote_asset"})];
    want.extend(
        no_market
            .iter()
            .map(|x| json!({"asset": x, "heldQty": d(held(x)), "reason": "no_market"})),
    );
    assert_eq!(btc_quote["skipped"], json!(want));
    check_pnl(state, &a, &btc_quote, &["ETHBTC"]);

    // get_deposit_history: every deposit, newest first, field for field.
    let dep = s.ok(&client, "get_deposit_history", json!({})).await;
    let want: Vec<Value> = a
        .deposits
        .iter()
        .map(|x| {
            let status = match x.status {
                0 => "pending",
                1 => "success",
                6 => "credited but cannot withdraw",
                other => unreachable!("status {other}"),
            };
            let complete = (x.complete_time > 0).then(|| iso(x.complete_time));
            json!([
                iso(x.insert_time),
                x.coin,
                x.network,
                d(x.amount),
                status,
                x.address,
                x.address_tag,
                x.tx_id,
                complete,
                x.confirm_times,
                x.id,
            ])
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(dep["columns"][0], "insertTime");
    // Newest first, the default limit (40) of them.
    assert_eq!(dep["rows"], json!(want[..want.len().min(40)]));
    let usdt = s
        .ok(&client, "get_deposit_history", json!({"coin":"usdt"}))
        .await;
    let want_usdt: Vec<&Value> = want.iter().filter(|x| x[1] == "USDT").collect();
    assert!(!want_usdt.is_empty());
    assert_eq!(usdt["rows"], json!(want_usdt[..want_usdt.len().min(40)]));

    // get_withdraw_history: every withdrawal, optional fields only when set.
    let wd = s.ok(&client, "get_withdraw_history", json!({})).await;
    let status_text = |s: u8| match s {
        0 => "email sent",
        1 => "cancelled",
        2 => "awaiting approval",
        3 => "rejected",
        4 => "processing",
        5 => "failure",
        6 => "completed",
        _ => unreachable!("status {s}"),
    };
    let want: Vec<Value> = a
        .withdrawals
        .iter()
        .map(|x| {
            json!([
                iso_text(&x.apply_time),
                x.coin,
                x.network,
                d(x.amount),
                d(x.transaction_fee),
                status_text(x.status),
                x.address,
                "",
                x.tx_id,
                iso_text(&x.complete_time),
                x.withdraw_order_id.as_deref().unwrap_or(""),
                x.info,
                x.id,
            ])
        })
        .collect();
    assert!(want.len() >= 2);
    assert_eq!(wd["rows"], json!(want[..want.len().min(40)]));
    assert!(want.iter().any(|w| w[11] != ""), "a note");
    assert!(want.iter().any(|w| w[10] != ""), "a withdrawOrderId");

    // get_universal_transfer_history: a type the sim has several rows for.
    let kind = "MAIN_UMFUTURE";
    let tx = s
        .ok(
            &client,
            "get_universal_transfer_history",
            json!({"type": kind}),
        )
        .await;
    let want: Vec<Value> = a
        .transfers
        .iter()
        .filter(|t| t.transfer_type == kind)
        .map(|t| json!([iso(t.timestamp), t.asset, d(t.amount), t.status, t.tran_id]))
        .collect();
    assert!(want.len() >= 2);
    assert_eq!(tx["rows"], json!(want[..want.len().min(10)]));
    assert_eq!(tx["type"], kind);
    assert_eq!(tx["total"], want.len());
    assert_eq!(
        (tx["current"].clone(), tx["size"].clone()),
        (json!(1), json!(10))
    );
    // Paging: one row per page, the second page holds the second row.
    let p2 = s
        .ok(
            &client,
            "get_universal_transfer_history",
            json!({"type": kind, "current": 2, "size": 1}),
        )
        .await;
    assert_eq!(p2["rows"], json!([want[1].clone()]));
    assert_eq!(p2["total"], want.len());
    // A type without rows: Binance leaves `rows` out; the tool lists none.
    let none = s
        .ok(
            &client,
            "get_universal_transfer_history",
            json!({"type": "MARGIN_MAIN"}),
        )
        .await;
    assert_eq!(
        (none["total"].clone(), none["rows"].clone()),
        (json!(0), json!([]))
    );

    // get_deposit_address: the default network and a chosen one.
    let addr = s
        .ok(&client, "get_deposit_address", json!({"coin":"usdt"}))
        .await;
    let default = a
        .deposit_addresses
        .iter()
        .find(|x| x.coin == "USDT")
        .unwrap();
    assert_eq!(addr["coin"], "USDT");
    assert_eq!(addr["address"], default.address.as_str());
    assert_eq!(addr["tag"], default.tag.as_str());
    assert_eq!(addr["url"], default.url.as_str());
    assert!(addr.get("network").is_none());
    assert!(addr["warning"].as_str().unwrap().contains("Verify"));
    let trx = a
        .deposit_addresses
        .iter()
        .find(|x| x.coin == "USDT" && x.network == "TRX")
        .unwrap();
    assert_ne!(trx.address, default.address);
    let addr = s
        .ok(
            &client,
            "get_deposit_address",
            json!({"coin":"USDT","network":"trx"}),
        )
        .await;
    assert_eq!(addr["network"], "TRX");
    assert_eq!(addr["address"], trx.address.as_str());
    assert_eq!(addr["url"], trx.url.as_str());

    // Every account tool was called and its output validated.
    let seen = s.seen();
    for tool in ACCOUNT_TOOLS {
        assert!(seen.contains(tool), "{tool} was not exercised");
    }
    // Reading never changed the account.
    assert_eq!(state.account(), a);

    let stats = state.stats();
    eprintln!(
        "ACCOUNT-RUN-WEIGHT: requests={} spot_weight_used_1m={} sapi_ip_weight_used_1m={} sapi_uid_weight_used_1m={} status_429={} status_418={} by_path={:?}",
        stats.requests,
        state.weight_used_1m(),
        state.sapi_ip_weight_used_1m(),
        state.sapi_uid_weight_used_1m(),
        stats.status_429,
        stats.status_418,
        stats.by_path
    );
    assert_eq!(stats.status_429 + stats.status_418, 0);
    client.cancel().await.unwrap();
}

/// Valid arguments for each account tool.
fn sample_args(tool: &str) -> Value {
    match tool {
        "get_account_trades" | "get_all_orders" | "get_fee_info" => json!({"symbol":"BTCUSDT"}),
        "get_order" => json!({"symbol":"BTCUSDT","orderId":1}),
        "get_pnl" => json!({"symbols":["BTCUSDT","ETHUSDT"]}),
        "get_universal_transfer_history" => json!({"type":"MAIN_UMFUTURE"}),
        "get_deposit_address" => json!({"coin":"USDT"}),
        _ => json!({}),
    }
}

#[tokio::test]
async fn without_keys_market_tools_work_and_account_tools_name_the_variables() {
    let sim = sim(11).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("--policy").arg(all_tools_policy());
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let s = Schemas::load(&client).await;
    for tool in ACCOUNT_TOOLS {
        assert!(s.validators.contains_key(tool), "{tool} is listed");
    }

    let p = s
        .ok(&client, "get_ticker_price", json!({"symbol":"BTCUSDT"}))
        .await;
    let btc = sim.state().market("BTCUSDT").unwrap();
    assert_eq!(p["prices"]["BTCUSDT"], d(btc.last_price()));
    s.ok(&client, "get_server_time", json!({})).await;

    for tool in ACCOUNT_TOOLS {
        let e = err(&client, tool, sample_args(tool)).await;
        assert_eq!(e["code"], -32002, "{tool}: {e}");
        assert_eq!(e["kind"], "authentication", "{tool}: {e}");
        let recovery = e["recovery"].as_str().unwrap();
        assert!(
            recovery.contains("BINANCE_API_KEY") && recovery.contains("BINANCE_SECRET_KEY"),
            "{tool}: {e}"
        );
        assert_eq!(
            e["data"]["missing"],
            json!(["BINANCE_API_KEY", "BINANCE_SECRET_KEY"]),
            "{tool}: {e}"
        );
        assert!(e.get("binance_code").is_none(), "{tool}: {e}");
    }

    // No signed request ever left the host.
    let stats = sim.state().stats();
    for path in stats.by_path.keys() {
        assert!(
            !path.starts_with("/sapi/")
                && ![
                    "/api/v3/account",
                    "/api/v3/account/commission",
                    "/api/v3/myTrades",
                    "/api/v3/openOrders",
                    "/api/v3/allOrders",
                    "/api/v3/order",
                ]
                .contains(&path.as_str()),
            "unsigned request to {path}: {:?}",
            stats.by_path
        );
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_error_naming_the_secret() {
    let sim = sim(11).await;
    let wrong = "0123456789abcdef".repeat(4);
    assert_eq!(wrong.len(), 64);
    assert_ne!(wrong, binance_sim::SIM_SECRET_KEY);
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", &wrong);
    let client = connect_with(cmd, ProtocolVersion::V_2025_11_25).await;
    let e = err(&client, "get_account_info", json!({})).await;
    assert_eq!(e["code"], -32002, "{e}");
    assert_eq!(e["kind"], "authentication", "{e}");
    assert_eq!(e["binance_code"], -1022, "{e}");
    assert_eq!(e["binance_msg"], "Signature for this request is not valid.");
    assert!(
        e["recovery"]
            .as_str()
            .unwrap()
            .contains("BINANCE_SECRET_KEY"),
        "{e}"
    );
    // The secret itself never appears in what the model sees.
    assert!(!e.to_string().contains(&wrong), "{e}");
    client.cancel().await.unwrap();
}
