//! The matching engine's behaviours on the generated BTCUSDT market:
//! matching level by level, partial fills, time in force, LIMIT_MAKER,
//! balance locking and release, duplicates, stops and maker fills.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::place::Placed;
use super::request::parse_order;
use super::testing::state;
use crate::account::{Balance, OrderStatus};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::SimState;

const BTC: &str = "BTCUSDT";

pub(crate) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Places the order `q` (query-string form) on BTCUSDT.
pub(crate) fn place(s: &SimState, q: &str) -> Result<Placed, ApiError> {
    let (spec, _) = parse_order(&Params::parse(Some(q)).unwrap()).unwrap();
    let m = s.market(BTC).unwrap();
    s.desk(m, |desk| desk.place(&spec))
}

pub(crate) fn bal(s: &SimState, asset: &str) -> Balance {
    let a = s.account();
    a.balances.into_iter().find(|b| b.asset == asset).unwrap()
}

fn live_asks(s: &SimState) -> Vec<(Decimal, Decimal)> {
    s.live_market(BTC).unwrap().asks
}

#[test]
fn market_orders_take_level_by_level() {
    let s = state();
    s.set_balance("USDT", d("1000000"));
    let asks = live_asks(&s);
    let (usdt, btc) = (bal(&s, "USDT"), bal(&s, "BTC"));
    let half = crate::account::generate::floor_to(asks[1].1 / Decimal::TWO, d("0.00001"));
    let qty = asks[0].1 + half;
    let p = place(&s, &format!("side=BUY&type=MARKET&quantity={qty}")).unwrap();
    assert_eq!(p.order.status, OrderStatus::Filled);
    let got: Vec<(Decimal, Decimal)> = p.fills.iter().map(|f| (f.price, f.qty)).collect();
    assert_eq!(got, vec![(asks[0].0, asks[0].1), (asks[1].0, half)]);
    let quote: Decimal = got.iter().map(|(p, q)| (p * q).round_dp(8)).sum();
    assert_eq!(p.order.executed_qty, qty);
    assert_eq!(p.order.cummulative_quote_qty, quote);
    // Commission: 0.1 % of the BTC received, per fill.
    let fee: Decimal = p.fills.iter().map(|f| f.commission).sum();
    assert_eq!(
        fee,
        (asks[0].1 * d("0.001")).round_dp(8) + (half * d("0.001")).round_dp(8)
    );
    assert!(p.fills.iter().all(|f| f.commission_asset == "BTC"));
    assert_eq!(bal(&s, "USDT").free, usdt.free - quote);
    assert_eq!(bal(&s, "BTC").free, btc.free + qty - fee);
    // The book lost the liquidity; the tape and myTrades share the ids.
    let now = live_asks(&s);
    assert_eq!(now[0], (asks[1].0, asks[1].1 - half));
    let live = s.live_market(BTC).unwrap();
    assert_eq!(live.trades.last().unwrap().id, p.fills[1].trade_id);
    assert_eq!(live.ticker.last_price, asks[1].0);
    assert_eq!(live.ticker.ask_price, asks[1].0);
    let mine: Vec<u64> = s
        .account()
        .trades
        .iter()
        .rev()
        .take(2)
        .map(|t| t.id)
        .collect();
    assert_eq!(mine, vec![p.fills[1].trade_id, p.fills[0].trade_id]);
}

#[test]
fn gtc_limit_fills_what_crosses_and_rests_the_rest() {
    let s = state();
    s.set_balance("USDT", d("1000000"));
    let asks = live_asks(&s);
    let usdt = bal(&s, "USDT");
    let qty = asks[0].1 + asks[1].1 + d("0.001");
    let price = asks[1].0;
    let q = format!("side=BUY&type=LIMIT&timeInForce=GTC&quantity={qty}&price={price}");
    let p = place(&s, &q).unwrap();
    assert_eq!(p.order.status, OrderStatus::PartiallyFilled);
    assert_eq!(p.fills.len(), 2);
    assert_eq!(p.order.executed_qty, asks[0].1 + asks[1].1);
    let spent = p.order.cummulative_quote_qty;
    let rest_lock = (price * d("0.001")).round_dp(8);
    let now = bal(&s, "USDT");
    assert_eq!(now.locked, usdt.locked + rest_lock);
    assert_eq!(now.free, usdt.free - spent - rest_lock);
    assert!(s
        .account()
        .orders
        .iter()
        .any(|o| o.order_id == p.order.order_id && o.status.is_open()));
    // Cancelling releases exactly the rest.
    let m = s.market(BTC).unwrap();
    let c = s
        .desk(m, |desk| desk.cancel(Some(p.order.order_id), None, None))
        .unwrap();
    assert_eq!(c.status, OrderStatus::Canceled);
    let after = bal(&s, "USDT");
    assert_eq!(after.locked, usdt.locked);
    assert_eq!(after.free, usdt.free - spent);
}

#[test]
fn ioc_and_fok() {
    let s = state();
    s.set_balance("USDT", d("1000000"));
    let asks = live_asks(&s);
    let qty = asks[0].1 + asks[1].1 + d("0.001");
    let limit = |tif: &str, qty: Decimal| {
        format!(
            "side=BUY&type=LIMIT&timeInForce={tif}&quantity={qty}&price={}",
            asks[1].0
        )
    };
    let usdt = bal(&s, "USDT");
    let ioc = place(&s, &limit("IOC", qty)).unwrap();
    assert_eq!(ioc.order.status, OrderStatus::Expired);
    assert_eq!(ioc.order.executed_qty, asks[0].1 + asks[1].1);
    assert_eq!(bal(&s, "USDT").locked, usdt.locked, "IOC never rests");
    // The two levels are gone; FOK for more than the next level expires
    // without touching anything.
    let asks = live_asks(&s);
    let fok = place(
        &s,
        &format!(
            "side=BUY&type=LIMIT&timeInForce=FOK&quantity={}&price={}",
            asks[0].1 + d("0.00001"),
            asks[0].0
        ),
    )
    .unwrap();
    assert_eq!(
        (fok.order.status, fok.fills.len()),
        (OrderStatus::Expired, 0)
    );
    assert_eq!(live_asks(&s), asks);
    let fok = place(
        &s,
        &format!(
            "side=BUY&type=LIMIT&timeInForce=FOK&quantity={}&price={}",
            asks[0].1, asks[0].0
        ),
    )
    .unwrap();
    assert_eq!(fok.order.status, OrderStatus::Filled);
}

#[test]
fn limit_maker_rests_or_is_rejected() {
    let s = state();
    let m = s.live_market(BTC).unwrap();
    let q = |price: Decimal| format!("side=BUY&type=LIMIT_MAKER&quantity=0.001&price={price}");
    let e = place(&s, &q(m.asks[0].0)).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-2010, "Order would immediately match and take.")
    );
    let usdt = bal(&s, "USDT");
    let p = place(&s, &q(m.bids[0].0)).unwrap();
    assert_eq!((p.order.status, p.fills.len()), (OrderStatus::New, 0));
    assert_eq!(
        bal(&s, "USDT").locked - usdt.locked,
        (m.bids[0].0 * d("0.001")).round_dp(8)
    );
}

#[test]
fn insufficient_balance_and_duplicates() {
    let s = state();
    let bid = s.live_market(BTC).unwrap().bids[3].0;
    let orders = s.account().orders.len();
    s.set_balance("USDT", d("1"));
    let q = format!(
        "side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price={bid}&newClientOrderId=dup"
    );
    let e = place(&s, &q).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (
            -2010,
            "Account has insufficient balance for requested action."
        )
    );
    assert_eq!(s.account().orders.len(), orders, "nothing recorded");
    s.set_balance("USDT", d("100000"));
    let first = place(&s, &q).unwrap();
    let e = place(&s, &q).unwrap_err();
    assert_eq!((e.code, e.msg.as_str()), (-2010, "Duplicate order sent."));
    // A client id is unique among open orders only.
    let m = s.market(BTC).unwrap();
    s.desk(m, |desk| desk.cancel(None, Some("dup"), None))
        .unwrap();
    let again = place(&s, &q).unwrap();
    assert_ne!(again.order.order_id, first.order.order_id);
    let e = place(&s, "side=SELL&type=MARKET&quantity=5000").unwrap_err();
    assert_eq!(e.code, -2010);
}

#[test]
fn market_by_quote_amount() {
    let s = state();
    let p = place(&s, "side=BUY&type=MARKET&quoteOrderQty=100").unwrap();
    assert_eq!(p.order.status, OrderStatus::Filled);
    assert!(p.order.cummulative_quote_qty <= d("100"));
    assert!(p.order.cummulative_quote_qty > d("99"));
    assert_eq!(p.order.orig_quote_order_qty, d("100"));
    assert_eq!(p.order.orig_qty, p.order.executed_qty);
    assert!(crate::num::on_grid(p.order.executed_qty, d("0.00001")));
    let sell = place(&s, "side=SELL&type=MARKET&quoteOrderQty=50").unwrap();
    assert!(sell.order.cummulative_quote_qty <= d("50"));
}

#[test]
fn resting_limits_fill_as_maker_when_the_price_reaches_them() {
    let s = state();
    let m = s.live_market(BTC).unwrap();
    let (usdt, btc) = (bal(&s, "USDT"), bal(&s, "BTC"));
    let price = m.bids[5].0;
    let q = format!("side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.002&price={price}");
    let p = place(&s, &q).unwrap();
    assert_eq!(p.order.status, OrderStatus::New);
    // Not reached yet.
    s.set_price(BTC, price + m.tick_size);
    let o = s
        .account()
        .orders
        .into_iter()
        .find(|o| o.order_id == p.order.order_id);
    assert_eq!(o.unwrap().status, OrderStatus::New);
    s.set_price(BTC, price - m.tick_size);
    let a = s.account();
    let o = a
        .orders
        .iter()
        .find(|o| o.order_id == p.order.order_id)
        .unwrap();
    assert_eq!(
        (o.status, o.executed_qty),
        (OrderStatus::Filled, d("0.002"))
    );
    let t = a.trades.iter().find(|t| t.order_id == o.order_id).unwrap();
    assert!(t.is_maker && t.is_buyer);
    assert_eq!(t.price, price, "a maker fills at its own price");
    let cost = (price * d("0.002")).round_dp(8);
    let now = bal(&s, "USDT");
    assert_eq!(now.locked, usdt.locked, "the lock is spent exactly");
    assert_eq!(now.free, usdt.free - cost);
    assert_eq!(bal(&s, "BTC").free, btc.free + d("0.002") - d("0.000002"));
    assert_eq!(s.price(BTC), Some(price - m.tick_size));
}

#[test]
fn stop_orders_wait_then_trigger() {
    let s = state();
    let m = s.live_market(BTC).unwrap();
    let last = s.price(BTC).unwrap();
    let tick = m.tick_size;
    let stop = last - d("100");
    let e = place(
        &s,
        &format!(
            "side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice={}",
            last + tick
        ),
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-2010, "Order would trigger immediately.")
    );
    let btc = bal(&s, "BTC");
    let sl = place(
        &s,
        &format!("side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice={stop}"),
    )
    .unwrap();
    assert_eq!(
        (sl.order.status, sl.order.is_working, sl.order.working_time),
        (OrderStatus::New, false, -1)
    );
    assert_eq!(bal(&s, "BTC").locked, btc.locked + d("0.01"));
    // A BUY STOP_LOSS_LIMIT above the market with room to take, and one
    // whose limit the re-centred book will not reach.
    let up = last + d("100");
    let takes = format!(
        "side=BUY&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=0.001&stopPrice={up}&price={}",
        up + d("50")
    );
    let takes = place(&s, &takes).unwrap();
    let rests = format!(
        "side=BUY&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=0.001&stopPrice={up}&price={}",
        up - d("50")
    );
    let rests = place(&s, &rests).unwrap();
    s.set_price(BTC, last - d("50"));
    assert_eq!(order(&s, sl.order.order_id).status, OrderStatus::New);
    s.set_price(BTC, stop);
    let o = order(&s, sl.order.order_id);
    assert_eq!((o.status, o.executed_qty), (OrderStatus::Filled, d("0.01")));
    assert!(o.working_time > 0);
    assert_eq!(
        bal(&s, "BTC").locked,
        btc.locked,
        "the stop's lock is released"
    );
    // The SELL's fills moved the price down, not up: the BUY stops wait.
    assert_eq!(order(&s, takes.order.order_id).working_time, -1);
    s.set_price(BTC, up);
    let t = order(&s, takes.order.order_id);
    assert_eq!((t.status, t.is_working), (OrderStatus::Filled, true));
    let r = order(&s, rests.order.order_id);
    assert_eq!((r.status, r.is_working), (OrderStatus::New, true));
    assert_eq!(r.executed_qty, Decimal::ZERO);
}

#[test]
fn take_profit_triggers_upwards() {
    let s = state();
    let last = s.price(BTC).unwrap();
    let tp = place(
        &s,
        &format!(
            "side=SELL&type=TAKE_PROFIT&quantity=0.001&stopPrice={}",
            last + d("10")
        ),
    )
    .unwrap();
    s.set_price(BTC, last + d("10"));
    let o = order(&s, tp.order.order_id);
    assert_eq!(o.status, OrderStatus::Filled);
    let t = s
        .account()
        .trades
        .into_iter()
        .find(|t| t.order_id == o.order_id)
        .unwrap();
    assert!(!t.is_maker && !t.is_buyer);
    assert_eq!(t.commission_asset, "USDT");
}

#[test]
fn fills_free_order_count_slots() {
    let s = state();
    let bid = s.live_market(BTC).unwrap().bids[3].0;
    place(
        &s,
        &format!("side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price={bid}"),
    )
    .unwrap();
    // (The day window only: a 10 s boundary may fall between the calls.)
    assert_eq!(s.order_counts().1, 1);
    place(&s, "side=BUY&type=MARKET&quantity=0.001").unwrap();
    assert_eq!(s.order_counts().1, 1, "a filled order gives its slot back");
}

pub(crate) fn order(s: &SimState, id: u64) -> crate::account::Order {
    s.account()
        .orders
        .into_iter()
        .find(|o| o.symbol == BTC && o.order_id == id)
        .unwrap()
}
