//! Parameters of `POST /fapi/v1/order` and `POST /fapi/v1/algoOrder`,
//! parsed with fapi's codes: -1102 missing, -1106 not required, -1115 /
//! -1116 / -1117 bad enums, -1100 malformed and -1111 too precise
//! decimals, -4120 for a conditional type on the order endpoint; then the
//! symbol's filters (-4003/-4004/-4005/-4023 quantity, -4001/-4002/-4013/
//! -4014 price, -4164 notional).

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{invalid_data, Side};
use crate::engine::request::{client_id, not_required, DECIMAL_RANGE};
use crate::error::ApiError;
use crate::market::Market;
use crate::num::{on_grid, precision_of};
use crate::params::Params;

/// Time in force of a futures order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tif {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
    /// Good till crossing (post only).
    Gtx,
}

impl Tif {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Tif::Gtc => "GTC",
            Tif::Ioc => "IOC",
            Tif::Fok => "FOK",
            Tif::Gtx => "GTX",
        }
    }

    /// `timeInForce` (None when absent); -1115 for anything else (GTD is
    /// not simulated).
    pub fn parse(p: &Params) -> Result<Option<Tif>, ApiError> {
        match p.get("timeInForce") {
            None | Some("") => Ok(None),
            Some("GTC") => Ok(Some(Tif::Gtc)),
            Some("IOC") => Ok(Some(Tif::Ioc)),
            Some("FOK") => Ok(Some(Tif::Fok)),
            Some("GTX") => Ok(Some(Tif::Gtx)),
            Some(_) => Err(ApiError::bad_request(-1115, "Invalid timeInForce.")),
        }
    }
}

/// The conditional types, which live on the algo endpoints.
pub const ALGO_TYPES: [&str; 5] = [
    "STOP",
    "STOP_MARKET",
    "TAKE_PROFIT",
    "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
];

/// -4120 for a conditional type sent to `POST /fapi/v1/order`.
pub fn use_algo_endpoint() -> ApiError {
    ApiError::bad_request(
        -4120,
        "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    )
}

/// One validated regular order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSpec {
    /// Side.
    pub side: Side,
    /// LIMIT (with a price) or MARKET.
    pub limit: Option<Decimal>,
    /// Quantity.
    pub quantity: Decimal,
    /// Time in force (GTC for MARKET).
    pub tif: Tif,
    /// Reduce-only.
    pub reduce_only: bool,
    /// `newClientOrderId` (generated when absent).
    pub client_order_id: Option<String>,
    /// Placed by a close-all conditional order.
    pub close_position: bool,
}

/// `newOrderRespType`: true for RESULT, false for ACK (the default).
pub fn wants_result(p: &Params) -> Result<bool, ApiError> {
    match p.get("newOrderRespType") {
        None | Some("ACK") => Ok(false),
        Some("RESULT") => Ok(true),
        Some(_) => Err(ApiError::illegal_chars("newOrderRespType", "ACK, RESULT")),
    }
}

/// `side`: -1102 if missing, -1117 if not BUY/SELL.
pub fn side(p: &Params) -> Result<Side, ApiError> {
    match p.get("side") {
        None | Some("") => Err(ApiError::mandatory("side")),
        Some("BUY") => Ok(Side::Buy),
        Some("SELL") => Ok(Side::Sell),
        Some(_) => Err(ApiError::bad_request(-1117, "Invalid side.")),
    }
}

/// `positionSide`: only BOTH (one-way mode); -4061 for LONG/SHORT.
pub fn position_side(p: &Params) -> Result<(), ApiError> {
    match p.get("positionSide") {
        None | Some("BOTH") => Ok(()),
        Some("LONG") | Some("SHORT") => Err(ApiError::bad_request(
            -4061,
            "Order's position side does not match user's setting.",
        )),
        Some(_) => Err(invalid_data("positionSide")),
    }
}

/// A `true`/`false` flag (any case), false when absent; -1130 otherwise.
pub fn flag(p: &Params, name: &str) -> Result<bool, ApiError> {
    match p.get(name).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(invalid_data(name)),
    }
}

/// An optional decimal with at most `dp` decimals: -1100 if malformed,
/// -1111 if more precise than the symbol allows.
pub fn decimal(p: &Params, name: &str, dp: u32) -> Result<Option<Decimal>, ApiError> {
    let Some(v) = p.get(name) else {
        return Ok(None);
    };
    let (int, frac) = v.split_once('.').unwrap_or((v, "0"));
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int, 20) || !digits(frac, 20) {
        return Err(ApiError::illegal_chars(name, DECIMAL_RANGE));
    }
    let d = Decimal::from_str(v).map_err(|_| ApiError::illegal_chars(name, DECIMAL_RANGE))?;
    if d.normalize().scale() > dp {
        return Err(ApiError::bad_request(
            -1111,
            "Precision is over the maximum defined for this asset.",
        ));
    }
    Ok(Some(d))
}

/// The symbol's price decimals.
pub fn price_dp(m: &Market) -> u32 {
    precision_of(m.tick_size)
}

/// The symbol's quantity decimals.
pub fn qty_dp(m: &Market) -> u32 {
    precision_of(m.step_size)
}

/// Parses `POST /fapi/v1/order` for `m`.
pub fn parse_order(p: &Params, m: &Market) -> Result<OrderSpec, ApiError> {
    let side = side(p)?;
    position_side(p)?;
    let order_type = match p.get("type") {
        None | Some("") => return Err(ApiError::mandatory("type")),
        Some(t) if ALGO_TYPES.contains(&t) => return Err(use_algo_endpoint()),
        Some(t @ ("LIMIT" | "MARKET")) => t,
        Some(_) => return Err(ApiError::bad_request(-1116, "Invalid orderType.")),
    };
    let quantity =
        decimal(p, "quantity", qty_dp(m))?.ok_or_else(|| ApiError::mandatory("quantity"))?;
    let price = decimal(p, "price", price_dp(m))?;
    let tif = Tif::parse(p)?;
    let reduce_only = flag(p, "reduceOnly")?;
    if flag(p, "closePosition")? {
        return Err(not_required("closePosition"));
    }
    for name in ["stopPrice", "activationPrice", "callbackRate"] {
        if p.get(name).is_some() {
            return Err(not_required(name));
        }
    }
    match p.get("priceMatch") {
        None | Some("NONE") => {}
        Some(_) => return Err(invalid_data("priceMatch")),
    }
    let limit = if order_type == "LIMIT" {
        let price = price.ok_or_else(|| ApiError::mandatory("price"))?;
        tif.ok_or_else(|| ApiError::mandatory("timeInForce"))?;
        Some(price)
    } else {
        if price.is_some() {
            return Err(not_required("price"));
        }
        None
    };
    let spec = OrderSpec {
        side,
        limit,
        quantity,
        tif: tif.unwrap_or(Tif::Gtc),
        reduce_only,
        client_order_id: client_id(p, "newClientOrderId")?,
        close_position: false,
    };
    check_qty(m, quantity, limit.is_none())?;
    if let Some(price) = limit {
        check_price(m, price)?;
    }
    Ok(spec)
}

/// LOT_SIZE / MARKET_LOT_SIZE.
pub fn check_qty(m: &Market, qty: Decimal, market: bool) -> Result<(), ApiError> {
    let max = if market { m.market_max_qty } else { m.max_qty };
    if qty <= Decimal::ZERO {
        Err(ApiError::bad_request(
            -4003,
            "Quantity less than or equal to zero.",
        ))
    } else if qty < m.min_qty {
        Err(ApiError::bad_request(
            -4004,
            "Quantity less than min quantity.",
        ))
    } else if qty > max {
        Err(ApiError::bad_request(
            -4005,
            "Quantity greater than max quantity.",
        ))
    } else if !on_grid(qty - m.min_qty, m.step_size) {
        Err(ApiError::bad_request(
            -4023,
            "Quantity not increased by step size.",
        ))
    } else {
        Ok(())
    }
}

/// PRICE_FILTER.
pub fn check_price(m: &Market, price: Decimal) -> Result<(), ApiError> {
    if price <= Decimal::ZERO {
        Err(ApiError::bad_request(-4001, "Price less than 0."))
    } else if price < m.min_price {
        Err(ApiError::bad_request(-4013, "Price less than min price."))
    } else if price > m.max_price {
        Err(ApiError::bad_request(
            -4002,
            "Price greater than max price.",
        ))
    } else if !on_grid(price - m.min_price, m.tick_size) {
        Err(ApiError::bad_request(
            -4014,
            "Price not increased by tick size.",
        ))
    } else {
        Ok(())
    }
}

/// MIN_NOTIONAL: -4164 unless the order is reduce-only.
pub fn check_notional(m: &Market, notional: Decimal, reduce_only: bool) -> Result<(), ApiError> {
    if reduce_only || notional >= m.min_notional {
        return Ok(());
    }
    Err(ApiError::bad_request(
        -4164,
        format!(
            "Order's notional must be no smaller than {} (unless you choose reduce only).",
            m.min_notional.normalize()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::state;

    fn p(q: &str) -> Params {
        Params::parse(Some(q)).unwrap()
    }

    #[test]
    fn order_params() {
        let s = state();
        let m = s.market("BTCUSDT").unwrap();
        let spec = parse_order(
            &p("side=BUY&type=LIMIT&quantity=0.01&price=60000.5&timeInForce=GTC"),
            m,
        )
        .unwrap();
        assert_eq!(spec.limit, Some(Decimal::from_str("60000.5").unwrap()));
        let code = |q: &str| parse_order(&p(q), m).unwrap_err().code;
        assert_eq!(code("side=BUY&type=STOP_MARKET&quantity=1"), -4120);
        assert_eq!(code("side=BUY&type=TRAILING_STOP_MARKET"), -4120);
        assert_eq!(code("side=BUY&type=LIMIT&quantity=0.01&price=1"), -1102);
        assert_eq!(code("side=BUY&type=MARKET"), -1102);
        assert_eq!(code("side=UP&type=MARKET&quantity=1"), -1117);
        assert_eq!(code("side=BUY&type=OCO&quantity=1"), -1116);
        assert_eq!(code("side=BUY&type=MARKET&quantity=0.000001"), -1111);
        assert_eq!(code("side=BUY&type=MARKET&quantity=0"), -4003);
        assert_eq!(code("side=BUY&type=MARKET&quantity=1&price=5"), -1106);
        assert_eq!(
            code("side=BUY&type=MARKET&quantity=1&positionSide=LONG"),
            -4061
        );
        assert_eq!(
            code("side=BUY&type=LIMIT&quantity=1&price=1&timeInForce=GTD"),
            -1115
        );
        assert_eq!(
            code("side=BUY&type=MARKET&quantity=1&reduceOnly=yes"),
            -1130
        );
    }
}
