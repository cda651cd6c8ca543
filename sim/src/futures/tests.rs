//! Unit tests of the futures engine: fills, positions and PnL,
//! reduce-only, margin, conditional triggers, trailing stops, countdowns,
//! funding and margin-type changes.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::account::{IncomeType, Status};
use super::algo::{parse_algo, AlgoStatus};
use super::request::{OrderSpec, Tif};
use super::*;
use crate::market::Market;
use crate::params::Params;
use crate::state::SimState;

const T: i64 = 1_735_732_800_000;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A state, its BTCUSDT market and an account marked at 60000.
fn setup() -> (SimState, FuturesAccount) {
    let s = crate::engine::testing::state();
    let mut f = FuturesAccount::empty(42, d("10000"));
    let m = s.market("BTCUSDT").unwrap().clone();
    f.set_mark(&m, d("60000"), T);
    (s, f)
}

fn btc(s: &SimState) -> Market {
    s.market("BTCUSDT").unwrap().clone()
}

fn market(side: Side, qty: &str) -> OrderSpec {
    OrderSpec {
        side,
        limit: None,
        quantity: d(qty),
        tif: Tif::Gtc,
        reduce_only: false,
        client_order_id: None,
        close_position: false,
    }
}

fn limit(side: Side, qty: &str, price: &str) -> OrderSpec {
    OrderSpec {
        limit: Some(d(price)),
        ..market(side, qty)
    }
}

fn algo(f: &mut FuturesAccount, m: &Market, q: &str) -> Result<algo::AlgoOrder, ApiError> {
    let p = Params::parse(Some(&format!("algoType=CONDITIONAL&{q}"))).unwrap();
    let spec = parse_algo(&p, m)?;
    f.place_algo(m, &spec, T)
}

#[test]
fn market_fill_commission_and_realized_pnl() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let placed = f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    assert_eq!(placed.accepted.status, Status::New);
    assert_eq!(placed.order.status, Status::Filled);
    assert_eq!(placed.order.avg_price, d("60000"));
    // Taker 0.05 % of 6000.
    assert_eq!(f.wallet, d("9997"));
    let sym = &f.symbols["BTCUSDT"];
    assert_eq!((sym.position_amt, sym.entry_price), (d("0.1"), d("60000")));
    // A second buy at 62000 averages the entry.
    f.set_mark(&m, d("62000"), T);
    f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    assert_eq!(f.symbols["BTCUSDT"].entry_price, d("61000"));
    // Sell 0.3 at 63000: closes 0.2 (+400 PnL), flips to -0.1 at 63000.
    f.set_mark(&m, d("63000"), T);
    f.place(&m, &market(Side::Sell, "0.3"), T).unwrap();
    let sym = &f.symbols["BTCUSDT"];
    assert_eq!((sym.position_amt, sym.entry_price), (d("-0.1"), d("63000")));
    let pnl: Decimal = f
        .income
        .iter()
        .filter(|i| i.income_type == IncomeType::RealizedPnl)
        .map(|i| i.income)
        .sum();
    assert_eq!(pnl, d("400"));
    let fees: Decimal = f
        .income
        .iter()
        .filter(|i| i.income_type == IncomeType::Commission)
        .map(|i| i.income)
        .sum();
    assert_eq!(fees, -(d("3") + d("3.1") + d("9.45")));
    assert_eq!(f.wallet, d("10000") + pnl + fees);
}

#[test]
fn limit_rests_then_fills_as_maker() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let placed = f.place(&m, &limit(Side::Buy, "0.1", "59000"), T).unwrap();
    assert_eq!(placed.order.status, Status::New);
    assert_eq!(f.totals().open_order_initial, d("295"));
    f.set_mark(&m, d("59500"), T);
    assert_eq!(f.open_orders("BTCUSDT").count(), 1);
    f.set_mark(&m, d("58900"), T);
    assert_eq!(f.open_orders("BTCUSDT").count(), 0);
    assert_eq!(f.symbols["BTCUSDT"].entry_price, d("59000"));
    // Maker 0.02 % of 5900.
    assert_eq!(f.wallet, d("10000") - d("1.18"));
    // Marketable LIMIT fills at once at its own price.
    let o = f.place(&m, &limit(Side::Sell, "0.1", "58000"), T).unwrap();
    assert_eq!(
        (o.order.status, o.order.avg_price),
        (Status::Filled, d("58000"))
    );
    // IOC that cannot fill expires; GTX that would take is refused.
    let ioc = OrderSpec {
        tif: Tif::Ioc,
        ..limit(Side::Buy, "0.1", "50000")
    };
    assert_eq!(f.place(&m, &ioc, T).unwrap().order.status, Status::Expired);
    let gtx = OrderSpec {
        tif: Tif::Gtx,
        ..limit(Side::Buy, "0.1", "60000")
    };
    assert_eq!(f.place(&m, &gtx, T).unwrap_err().code, -5022);
}

#[test]
fn reduce_only_rules() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let ro = |side, qty| OrderSpec {
        reduce_only: true,
        ..market(side, qty)
    };
    assert_eq!(
        f.place(&m, &ro(Side::Sell, "0.1"), T).unwrap_err().code,
        -2022
    );
    f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    assert_eq!(
        f.place(&m, &ro(Side::Buy, "0.1"), T).unwrap_err().code,
        -2022
    );
    // Larger than the position: cut to it.
    let o = f.place(&m, &ro(Side::Sell, "0.5"), T).unwrap().order;
    assert_eq!((o.executed_qty, o.orig_qty), (d("0.1"), d("0.1")));
    assert!(f.symbols["BTCUSDT"].position_amt.is_zero());
}

#[test]
fn margin_and_notional_checks() {
    let (s, mut f) = setup();
    let m = btc(&s);
    // 20x: 10000 USDT carries 200000 notional, i.e. 3.3 BTC at 60000.
    assert_eq!(
        f.place(&m, &market(Side::Buy, "3.4"), T).unwrap_err().code,
        -2019
    );
    f.place(&m, &market(Side::Buy, "3"), T).unwrap();
    assert!(f.totals().available < d("1000"));
    // Closing needs no margin.
    f.place(&m, &market(Side::Sell, "3"), T).unwrap();
    let e = f.place(&m, &market(Side::Buy, "0.00001"), T);
    assert_eq!(e.unwrap_err().code, -4164);
    let small = request::check_notional(&m, d("4"), false).unwrap_err();
    assert_eq!(small.code, -4164);
    assert_eq!(
        small.msg,
        "Order's notional must be no smaller than 5 (unless you choose reduce only)."
    );
}

#[test]
fn duplicate_client_id_and_cancel() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let spec = OrderSpec {
        client_order_id: Some("a1".into()),
        ..limit(Side::Buy, "0.1", "50000")
    };
    f.place(&m, &spec, T).unwrap();
    assert_eq!(f.place(&m, &spec, T).unwrap_err().code, -4116);
    let c = f.cancel("BTCUSDT", None, Some("a1"), T + 1).unwrap();
    assert_eq!((c.status, c.update_time), (Status::Canceled, T + 1));
    assert_eq!(
        f.cancel("BTCUSDT", None, Some("a1"), T).unwrap_err().code,
        -2011
    );
    f.place(&m, &spec, T).unwrap();
    assert_eq!(f.cancel_all("BTCUSDT", T), 1);
}

#[test]
fn stop_market_triggers_on_crossing() {
    let (s, mut f) = setup();
    let m = btc(&s);
    f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    let e = algo(
        &mut f,
        &m,
        "symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.1&triggerPrice=61000",
    );
    assert_eq!(e.unwrap_err().code, -2021);
    let e = algo(
        &mut f,
        &m,
        "side=BUY&type=TAKE_PROFIT_MARKET&quantity=0.1&triggerPrice=61000",
    );
    assert_eq!(e.unwrap_err().code, -2021);
    let a = algo(
        &mut f,
        &m,
        "side=SELL&type=STOP_MARKET&closePosition=true&triggerPrice=59000",
    )
    .unwrap();
    assert_eq!(a.status, AlgoStatus::New);
    f.set_mark(&m, d("59500"), T);
    assert_eq!(f.algos[0].status, AlgoStatus::New);
    f.set_mark(&m, d("58800"), T + 5);
    let a = &f.algos[0];
    assert_eq!((a.status, a.trigger_time), (AlgoStatus::Finished, T + 5));
    let placed = f
        .orders
        .iter()
        .find(|o| Some(o.order_id) == a.actual_order_id)
        .unwrap();
    assert_eq!(
        (placed.avg_price, placed.order_type),
        (d("58800"), "MARKET")
    );
    assert!(f.symbols["BTCUSDT"].position_amt.is_zero());
}

#[test]
fn stop_limit_rests_then_finishes() {
    let (s, mut f) = setup();
    let m = btc(&s);
    algo(
        &mut f,
        &m,
        "side=BUY&type=STOP&quantity=0.1&price=61500&triggerPrice=61000",
    )
    .unwrap();
    // Triggered at 61000 → LIMIT BUY 61500 marketable → fills at 61500.
    f.set_mark(&m, d("61000"), T);
    assert_eq!(f.algos[0].status, AlgoStatus::Finished);
    assert_eq!(f.symbols["BTCUSDT"].entry_price, d("61500"));
    // TAKE_PROFIT SELL 64000 limit 65000 at trigger 63000: rests.
    algo(
        &mut f,
        &m,
        "side=SELL&type=TAKE_PROFIT&quantity=0.1&price=65000&triggerPrice=63000",
    )
    .unwrap();
    f.set_mark(&m, d("63000"), T);
    assert_eq!(f.algos[1].status, AlgoStatus::Triggered);
    f.set_mark(&m, d("65000"), T);
    assert_eq!(f.algos[1].status, AlgoStatus::Finished);
    assert!(f.symbols["BTCUSDT"].position_amt.is_zero());
}

#[test]
fn algo_parameter_rules() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let code = |f: &mut FuturesAccount, q: &str| algo(f, &m, q).unwrap_err().code;
    assert_eq!(
        code(&mut f, "side=SELL&type=STOP_MARKET&quantity=0.1"),
        -1102
    );
    assert_eq!(code(&mut f, "side=SELL&type=LIMIT&quantity=0.1"), -1116);
    assert_eq!(
        code(
            &mut f,
            "side=SELL&type=STOP_MARKET&quantity=0.1&closePosition=true&triggerPrice=1"
        ),
        -4137
    );
    assert_eq!(
        code(
            &mut f,
            "side=SELL&type=STOP&quantity=0.1&triggerPrice=50000"
        ),
        -1102
    );
    assert_eq!(
        code(
            &mut f,
            "side=SELL&type=TRAILING_STOP_MARKET&quantity=0.1&callbackRate=11"
        ),
        -1130
    );
    let p = Params::parse(Some("side=SELL&type=STOP_MARKET&quantity=1")).unwrap();
    assert_eq!(parse_algo(&p, &m).unwrap_err().code, -1102);
}

#[test]
fn trailing_stop_tracks_and_triggers() {
    let (s, mut f) = setup();
    let m = btc(&s);
    f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    let q = "side=SELL&type=TRAILING_STOP_MARKET&quantity=0.1&callbackRate=1&activatePrice=61000";
    assert_eq!(
        algo(&mut f, &m, &q.replace("61000", "59000"))
            .unwrap_err()
            .code,
        -2021
    );
    algo(&mut f, &m, q).unwrap();
    f.set_mark(&m, d("60500"), T);
    assert!(!f.algos[0].activated);
    f.set_mark(&m, d("61000"), T);
    f.set_mark(&m, d("62000"), T);
    assert_eq!(f.algos[0].trigger_price, d("61380"));
    f.set_mark(&m, d("61500"), T);
    assert_eq!(f.algos[0].status, AlgoStatus::New);
    f.set_mark(&m, d("61380"), T);
    assert_eq!(f.algos[0].status, AlgoStatus::Finished);
    assert!(f.symbols["BTCUSDT"].position_amt.is_zero());
}

#[test]
fn countdown_expiry_cancels_regular_orders() {
    let (s, mut f) = setup();
    let m = btc(&s);
    f.place(&m, &limit(Side::Buy, "0.1", "50000"), T).unwrap();
    algo(
        &mut f,
        &m,
        "side=BUY&type=STOP_MARKET&quantity=0.1&triggerPrice=70000",
    )
    .unwrap();
    f.arm_countdown("BTCUSDT", 10_000, T);
    f.expire_countdowns(T + 9_999);
    assert_eq!(f.open_orders("BTCUSDT").count(), 1);
    f.expire_countdowns(T + 10_000);
    assert_eq!(f.open_orders("BTCUSDT").count(), 0);
    assert_eq!(f.orders[0].update_time, T + 10_000);
    assert!(f.algos[0].is_open(), "conditional orders survive");
}

#[test]
fn funding_sign() {
    let (s, mut f) = setup();
    let m = btc(&s);
    let rate = funding::current_rate(42, "BTCUSDT");
    assert!(rate > Decimal::ZERO);
    assert_eq!(f.apply_funding(&m, T), Decimal::ZERO);
    f.place(&m, &market(Side::Buy, "1"), T).unwrap();
    let before = f.wallet;
    let paid = f.apply_funding(&m, T);
    assert_eq!(paid, money(-d("60000") * rate));
    assert_eq!(f.wallet, before + paid);
    f.place(&m, &market(Side::Sell, "2"), T).unwrap();
    assert!(f.apply_funding(&m, T) > Decimal::ZERO, "shorts receive");
    assert_eq!(f.funding.len(), 3);
    assert_eq!(f.income.last().unwrap().income_type, IncomeType::FundingFee);
}

#[test]
fn margin_type_changes() {
    let (s, mut f) = setup();
    let m = btc(&s);
    assert_eq!(
        f.change_margin_type(&m, MarginType::Crossed)
            .unwrap_err()
            .code,
        -4046
    );
    f.place(&m, &limit(Side::Buy, "0.1", "50000"), T).unwrap();
    assert_eq!(
        f.change_margin_type(&m, MarginType::Isolated)
            .unwrap_err()
            .code,
        -4047
    );
    f.cancel_all("BTCUSDT", T);
    f.change_margin_type(&m, MarginType::Isolated).unwrap();
    f.place(&m, &market(Side::Buy, "0.1"), T).unwrap();
    assert_eq!(f.symbols["BTCUSDT"].isolated_wallet, d("300"));
    assert_eq!(f.totals().cross_wallet, f.wallet - d("300"));
    assert_eq!(
        f.change_margin_type(&m, MarginType::Crossed)
            .unwrap_err()
            .code,
        -4048
    );
    assert_eq!(
        f.change_leverage(&m, 126).unwrap_err().msg,
        "Leverage 126 is not valid"
    );
    assert_eq!(f.change_leverage(&m, 0).unwrap_err().code, -4028);
    assert_eq!(f.change_leverage(&m, 5).unwrap(), 5);
}
