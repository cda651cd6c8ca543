//! The symbol filters the simulator publishes in exchangeInfo
//! ([`crate::exchange_info::filters`]), enforced with -1013
//! `"Filter failure: <NAME>"`, in the order exchangeInfo lists them.
//!
//! Every rule is decimal arithmetic on the published numbers:
//! - PRICE_FILTER: `price` and `stopPrice` within [minPrice, maxPrice] and
//!   on the tick grid counted from minPrice;
//! - LOT_SIZE: `quantity` (every type) and `icebergQty` within
//!   [minQty, maxQty] and on the step grid;
//! - ICEBERG_PARTS: ceil(quantity / icebergQty) ≤ 10;
//! - MARKET_LOT_SIZE: a MARKET `quantity` ≤ its maxQty (its minQty and
//!   stepSize are published as 0, which disables them);
//! - PERCENT_PRICE_BY_SIDE: a limit `price` within the average price ×
//!   [multiplierDown, multiplierUp] of its side;
//! - NOTIONAL: price × quantity within [minNotional, maxNotional] for
//!   priced orders; for MARKET orders (applyMinToMarket, not
//!   applyMaxToMarket) the average price × quantity, or the
//!   `quoteOrderQty`, must reach minNotional; STOP_LOSS / TAKE_PROFIT use
//!   their stop price × quantity, as the MARKET order they become;
//! - MAX_NUM_ORDERS / MAX_NUM_ALGO_ORDERS: open orders on the symbol.

use rust_decimal::Decimal;

use super::request::OrderSpec;
use crate::account::{AccountSnapshot, OrderType};
use crate::error::ApiError;
use crate::exchange_info::{
    MAX_NUM_ALGO_ORDERS, MAX_NUM_ORDERS, PERCENT_PRICE_DOWN, PERCENT_PRICE_UP,
};
use crate::market::Market;
use crate::num::on_grid;

/// ICEBERG_PARTS `limit`.
pub const ICEBERG_PARTS: i64 = 10;

/// -1013 "Filter failure: `name`".
pub fn failure(name: &str) -> ApiError {
    ApiError::bad_request(-1013, format!("Filter failure: {name}"))
}

/// Whether `value` passes a min / max / step rule (zero fields disabled).
pub fn in_band(value: Decimal, min: Decimal, max: Decimal, step: Decimal) -> bool {
    (min.is_zero() || value >= min)
        && (max.is_zero() || value <= max)
        && (step.is_zero() || on_grid(value - min, step))
}

/// The open orders of the account on `symbol`: all, and the stop ones.
pub fn open_counts(account: &AccountSnapshot, symbol: &str) -> (usize, usize) {
    let open = account
        .orders
        .iter()
        .filter(|o| o.symbol == symbol && o.status.is_open());
    open.fold((0, 0), |(all, algo), o| {
        (all + 1, algo + usize::from(o.order_type.is_stop()))
    })
}

/// Checks `spec` against `m`'s filters, with `avg` as the average price and
/// `open` the account's open orders on the symbol (all, stop), before
/// `spec` joins them.
pub fn check(
    m: &Market,
    spec: &OrderSpec,
    avg: Decimal,
    open: (usize, usize),
) -> Result<(), ApiError> {
    let price_ok = |p: Decimal| in_band(p, m.min_price, m.max_price, m.tick_size);
    if spec.price.is_some_and(|p| !price_ok(p)) || spec.stop_price.is_some_and(|p| !price_ok(p)) {
        return Err(failure("PRICE_FILTER"));
    }
    let lot_ok = |q: Decimal| in_band(q, m.min_qty, m.max_qty, m.step_size);
    if spec.quantity.is_some_and(|q| !lot_ok(q)) || spec.iceberg_qty.is_some_and(|q| !lot_ok(q)) {
        return Err(failure("LOT_SIZE"));
    }
    if let (Some(q), Some(i)) = (spec.quantity, spec.iceberg_qty) {
        if (q / i).ceil() > Decimal::from(ICEBERG_PARTS) {
            return Err(failure("ICEBERG_PARTS"));
        }
    }
    if spec.order_type == OrderType::Market
        && spec
            .quantity
            .is_some_and(|q| !in_band(q, Decimal::ZERO, m.market_max_qty, Decimal::ZERO))
    {
        return Err(failure("MARKET_LOT_SIZE"));
    }
    if let Some(p) = spec.price {
        // The bid and ask multipliers are the same on every simulated
        // symbol, so the side does not matter.
        if p > avg * PERCENT_PRICE_UP || p < avg * PERCENT_PRICE_DOWN {
            return Err(failure("PERCENT_PRICE_BY_SIDE"));
        }
    }
    let qty = spec.quantity.unwrap_or_default();
    let notional_ok = match (spec.order_type, spec.price, spec.stop_price) {
        (OrderType::Market, _, _) => {
            let n = spec
                .quote_order_qty
                .unwrap_or_else(|| (avg * qty).round_dp(8));
            n >= m.min_notional
        }
        (_, Some(p), _) => {
            let n = (p * qty).round_dp(8);
            n >= m.min_notional && (m.max_notional.is_zero() || n <= m.max_notional)
        }
        (_, None, Some(stop)) => (stop * qty).round_dp(8) >= m.min_notional,
        (_, None, None) => true,
    };
    if !notional_ok {
        return Err(failure("NOTIONAL"));
    }
    if open.0 >= MAX_NUM_ORDERS {
        return Err(failure("MAX_NUM_ORDERS"));
    }
    if spec.order_type.is_stop() && open.1 >= MAX_NUM_ALGO_ORDERS {
        return Err(failure("MAX_NUM_ALGO_ORDERS"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::request::parse_order;
    use crate::params::Params;
    use crate::spec::MARKET_SPECS;

    fn btc() -> Market {
        Market::generate(&MARKET_SPECS[0], 42, 1_750_000_000_000)
    }

    fn run(m: &Market, q: &str) -> Result<(), ApiError> {
        let (spec, _) = parse_order(&Params::parse(Some(q)).unwrap()).unwrap();
        check(m, &spec, m.avg_price, (0, 0))
    }

    fn name(r: Result<(), ApiError>) -> String {
        r.unwrap_err().msg
    }

    #[test]
    fn each_filter_by_name() {
        let m = btc();
        let avg = m.avg_price;
        let px = crate::account::generate::floor_to(avg, m.tick_size);
        let limit = |qty: &str, price: Decimal| {
            format!("side=BUY&type=LIMIT&timeInForce=GTC&quantity={qty}&price={price}")
        };
        assert!(run(&m, &limit("0.01", px)).is_ok());
        let off_tick = px + m.tick_size / Decimal::TWO;
        assert_eq!(
            name(run(&m, &limit("0.01", off_tick))),
            "Filter failure: PRICE_FILTER"
        );
        assert_eq!(
            name(run(&m, &limit("0.000001", px))),
            "Filter failure: LOT_SIZE"
        );
        let far = crate::account::generate::floor_to(avg * Decimal::new(1, 1), m.tick_size);
        assert_eq!(
            name(run(&m, &limit("0.5", far))),
            "Filter failure: PERCENT_PRICE_BY_SIDE"
        );
        assert_eq!(
            name(run(&m, &limit("0.00001", px))),
            "Filter failure: NOTIONAL"
        );
        let stop = format!("side=SELL&type=STOP_LOSS&quantity=0.01&stopPrice={off_tick}");
        assert_eq!(name(run(&m, &stop)), "Filter failure: PRICE_FILTER");
        let big = m.market_max_qty + m.step_size;
        assert_eq!(
            name(run(&m, &format!("side=SELL&type=MARKET&quantity={big}"))),
            if big > m.max_qty {
                "Filter failure: LOT_SIZE"
            } else {
                "Filter failure: MARKET_LOT_SIZE"
            }
        );
        assert_eq!(
            name(run(&m, "side=BUY&type=MARKET&quoteOrderQty=1")),
            "Filter failure: NOTIONAL"
        );
        let iceberg = format!("{}&icebergQty=0.0001", limit("0.01", px));
        assert_eq!(name(run(&m, &iceberg)), "Filter failure: ICEBERG_PARTS");
    }

    #[test]
    fn open_order_limits() {
        let m = btc();
        let px = crate::account::generate::floor_to(m.avg_price, m.tick_size);
        let (spec, _) = parse_order(
            &Params::parse(Some(&format!(
                "side=SELL&type=STOP_LOSS_LIMIT&timeInForce=GTC&quantity=0.01&price={px}&stopPrice={px}"
            )))
            .unwrap(),
        )
        .unwrap();
        assert!(check(&m, &spec, m.avg_price, (199, 4)).is_ok());
        assert_eq!(
            check(&m, &spec, m.avg_price, (200, 0)).unwrap_err().msg,
            "Filter failure: MAX_NUM_ORDERS"
        );
        assert_eq!(
            check(&m, &spec, m.avg_price, (10, 5)).unwrap_err().msg,
            "Filter failure: MAX_NUM_ALGO_ORDERS"
        );
    }
}
