//! OCO behaviours: validation, the shared lock, a fill or a trigger
//! expiring the other leg, cancellation of either leg, cancel-all.

use rust_decimal::Decimal;

use super::cancel::Cancelled;
use super::oco::parse_oco;
use super::testing::state;
use super::tests::{bal, d, order, place};
use crate::account::{ListStatusType, OrderList, OrderStatus, OrderType};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::SimState;

const BTC: &str = "BTCUSDT";

fn oco(s: &SimState, q: &str) -> Result<(OrderList, Vec<crate::account::Order>), ApiError> {
    let (spec, _) = parse_oco(&Params::parse(Some(q)).unwrap())?;
    let m = s.market(BTC).unwrap();
    s.desk(m, |desk| desk.place_oco(&spec))
}

/// A SELL OCO: take profit (LIMIT_MAKER) `up` above, stop-loss-limit
/// `down` below the last price.
fn sell_oco(s: &SimState, up: Decimal, down: Decimal) -> (OrderList, Vec<crate::account::Order>) {
    let q = format!(
        "side=SELL&quantity=0.01&aboveType=LIMIT_MAKER&abovePrice={up}&belowType=STOP_LOSS_LIMIT&belowStopPrice={down}&belowPrice={}&belowTimeInForce=GTC&listClientOrderId=L1",
        down - d("10")
    );
    oco(s, &q).unwrap()
}

fn list(s: &SimState, id: i64) -> OrderList {
    s.account()
        .order_lists
        .into_iter()
        .find(|l| l.order_list_id == id)
        .unwrap()
}

#[test]
fn legs_are_linked_and_lock_once() {
    let s = state();
    let last = s.price(BTC).unwrap();
    let btc = bal(&s, "BTC");
    let (l, legs) = sell_oco(&s, last + d("200"), last - d("200"));
    assert_eq!(l.list_status_type, ListStatusType::ExecStarted);
    assert_eq!(l.list_client_order_id, "L1");
    assert_eq!(
        legs[0].order_type,
        OrderType::StopLossLimit,
        "stop leg first"
    );
    assert_eq!(legs[1].order_id, legs[0].order_id + 1);
    assert!(legs.iter().all(|o| o.order_list_id == l.order_list_id));
    assert_eq!(
        (legs[1].is_working, legs[0].is_working, legs[0].working_time),
        (true, false, -1)
    );
    assert_eq!(bal(&s, "BTC").locked, btc.locked + d("0.01"), "one lock");
    // The take-profit fills: the stop leg expires, the list is done and
    // the lock is spent, not released twice.
    s.set_price(BTC, last + d("200"));
    let (tp, sl) = (order(&s, legs[1].order_id), order(&s, legs[0].order_id));
    assert_eq!(
        (tp.status, sl.status),
        (OrderStatus::Filled, OrderStatus::Expired)
    );
    assert_eq!(
        list(&s, l.order_list_id).list_status_type,
        ListStatusType::AllDone
    );
    let now = bal(&s, "BTC");
    assert_eq!(now.locked, btc.locked);
    assert_eq!(now.free, btc.free - d("0.01"));
}

#[test]
fn a_trigger_expires_the_other_leg() {
    let s = state();
    let last = s.price(BTC).unwrap();
    let btc = bal(&s, "BTC");
    let (l, legs) = sell_oco(&s, last + d("200"), last - d("200"));
    s.set_price(BTC, last - d("200"));
    let (tp, sl) = (order(&s, legs[1].order_id), order(&s, legs[0].order_id));
    assert_eq!(tp.status, OrderStatus::Expired);
    assert!(sl.is_working);
    assert!(matches!(
        sl.status,
        OrderStatus::Filled | OrderStatus::PartiallyFilled | OrderStatus::New
    ));
    assert_eq!(
        list(&s, l.order_list_id).list_status_type,
        ListStatusType::AllDone
    );
    // Whatever the triggered leg did not sell, it still locks.
    let left = sl.orig_qty - sl.executed_qty;
    assert_eq!(bal(&s, "BTC").locked, btc.locked + left);
}

#[test]
fn cancelling_either_leg_cancels_the_list() {
    for leg in 0..2 {
        let s = state();
        let last = s.price(BTC).unwrap();
        let btc = bal(&s, "BTC");
        let (l, legs) = sell_oco(&s, last + d("200"), last - d("200"));
        let m = s.market(BTC).unwrap();
        let c = s
            .desk(m, |desk| desk.cancel(Some(legs[leg].order_id), None, None))
            .unwrap();
        assert_eq!(c.status, OrderStatus::Canceled);
        for o in &legs {
            assert_eq!(order(&s, o.order_id).status, OrderStatus::Canceled);
        }
        assert_eq!(
            list(&s, l.order_list_id).list_status_type,
            ListStatusType::AllDone
        );
        assert_eq!(bal(&s, "BTC"), btc, "the list's lock is released");
    }
}

#[test]
fn cancel_all_reports_a_list_once() {
    let s = state();
    let last = s.price(BTC).unwrap();
    let bid = s.live_market(BTC).unwrap().bids[2].0;
    place(
        &s,
        &format!("side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price={bid}"),
    )
    .unwrap();
    let (l, _) = sell_oco(&s, last + d("200"), last - d("200"));
    let m = s.market(BTC).unwrap();
    let all = s.desk(m, |desk| desk.cancel_all()).unwrap();
    let lists: Vec<&Cancelled> = all
        .iter()
        .filter(|c| matches!(c, Cancelled::List(..)))
        .collect();
    assert_eq!(lists.len(), 1);
    let Cancelled::List(cl, legs) = lists[0] else {
        unreachable!()
    };
    assert_eq!((cl.order_list_id, legs.len()), (l.order_list_id, 2));
    // The generated open orders go too; then there is nothing left.
    assert!(all.len() >= 3);
    let e = s.desk(m, |desk| desk.cancel_all()).unwrap_err();
    assert_eq!((e.code, e.msg.as_str()), (-2011, "Unknown order sent."));
}

#[test]
fn oco_combinations_and_prices() {
    let s = state();
    let last = s.price(BTC).unwrap();
    let (up, down) = (last + d("200"), last - d("200"));
    let code = |q: String| oco(&s, &q).unwrap_err().code;
    let lm = |at: Decimal| format!("LIMIT_MAKER&{{p}}Price={at}");
    let sl = |at: Decimal| format!("STOP_LOSS&{{p}}StopPrice={at}");
    let legs = |side: &str, above: String, below: String| {
        format!(
            "side={side}&quantity=0.01&aboveType={}&belowType={}",
            above.replace("{p}", "above"),
            below.replace("{p}", "below")
        )
    };
    assert_eq!(code(legs("SELL", lm(up), lm(down))), -1168);
    assert_eq!(code(legs("BUY", lm(up), sl(down))), -1165);
    assert_eq!(code(legs("SELL", sl(up), sl(down))), -1197);
    assert_eq!(code(legs("BUY", sl(up), sl(down))), -1196);
    let tp = |at: Decimal| format!("TAKE_PROFIT&{{p}}StopPrice={at}");
    assert_eq!(code(legs("BUY", tp(up), lm(down))), -1198);
    assert_eq!(code(legs("SELL", lm(up), tp(down))), -1199);
    assert_eq!(
        code("side=SELL&quantity=0.01&aboveType=LIMIT&belowType=STOP_LOSS".into()),
        -1158
    );
    // The right types on the wrong side of the last price.
    let e = oco(&s, &legs("SELL", lm(down), sl(down - d("100")))).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (
            -2010,
            "The relationship of the prices for the orders is not correct."
        )
    );
    // A BUY OCO: stop above, take profit below; locks the dearer leg.
    let usdt = bal(&s, "USDT");
    let (_, legs_buy) = oco(&s, &legs("BUY", sl(up), lm(down))).unwrap();
    assert_eq!(legs_buy[0].order_type, OrderType::StopLoss);
    let lock = (up * d("0.01")).round_dp(8);
    assert_eq!(bal(&s, "USDT").locked, usdt.locked + lock);
    let e = oco(&s, "side=SELL&quantity=0.01&aboveType=LIMIT_MAKER&abovePrice=1&belowType=STOP_LOSS&belowStopPrice=1&listClientOrderId=L1&aboveClientOrderId=x&belowClientOrderId=x").unwrap_err();
    assert_eq!(e.msg, "Duplicate order sent.");
}
