//! New-order parameters: parsed and checked per order type the way
//! `POST /api/v3/order` does, with Binance's codes: -1102 for a missing
//! mandatory parameter, -1106 for one sent when not required, -1115 /
//! -1116 / -1117 for bad enums, -1100 / -1111 for malformed decimals.
//!
//! The same checks serve the legs of an OCO, whose parameters carry an
//! `above` / `below` prefix (`abovePrice`, `belowStopPrice`...): [`Names`]
//! says how each field is spelled.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::account::{OrderType, Side};
use crate::error::ApiError;
use crate::params::Params;

/// The legal range Binance quotes for a decimal parameter.
pub const DECIMAL_RANGE: &str = r"^([0-9]{1,20})(\.[0-9]{1,20})?$";

/// The legal range Binance quotes for a client order id.
pub const CLIENT_ID_RANGE: &str = r"^[\.A-Z\:/a-z0-9_-]{1,36}$";

/// Self-trade prevention modes the symbols allow (exchangeInfo).
pub const STP_MODES: [&str; 4] = ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT"];

/// Time in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tif {
    /// Good till cancelled: the rest rests.
    Gtc,
    /// Immediate or cancel: the rest expires.
    Ioc,
    /// Fill or kill: all at once or nothing.
    Fok,
}

impl Tif {
    /// Binance's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Tif::Gtc => "GTC",
            Tif::Ioc => "IOC",
            Tif::Fok => "FOK",
        }
    }
}

/// `newOrderRespType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RespType {
    /// Ids and time only.
    Ack,
    /// Plus the order's state.
    Result,
    /// Plus the fills.
    Full,
}

/// One validated order (a new order, or one leg of an OCO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSpec {
    /// Side.
    pub side: Side,
    /// Type.
    pub order_type: OrderType,
    /// LIMIT, STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT only.
    pub time_in_force: Option<Tif>,
    /// Base quantity (absent only for a MARKET order by `quoteOrderQty`).
    pub quantity: Option<Decimal>,
    /// MARKET only: the quote amount to spend or receive.
    pub quote_order_qty: Option<Decimal>,
    /// The limit price of the types that have one.
    pub price: Option<Decimal>,
    /// The trigger price of the stop types.
    pub stop_price: Option<Decimal>,
    /// Iceberg (display) quantity.
    pub iceberg_qty: Option<Decimal>,
    /// `newClientOrderId` (generated when absent).
    pub client_order_id: Option<String>,
    /// `selfTradePreventionMode` (the symbol's default when absent).
    pub stp_mode: Option<String>,
}

/// How the fields of one order are spelled in the request.
#[derive(Debug, Clone)]
pub struct Names {
    /// `price` / `abovePrice`.
    pub price: String,
    /// `stopPrice` / `aboveStopPrice`.
    pub stop_price: String,
    /// `timeInForce` / `aboveTimeInForce`.
    pub time_in_force: String,
    /// `icebergQty` / `aboveIcebergQty`.
    pub iceberg_qty: String,
    /// `trailingDelta` / `aboveTrailingDelta`.
    pub trailing_delta: String,
}

impl Names {
    /// `POST /api/v3/order`'s names.
    pub fn plain() -> Names {
        Names::prefixed("")
    }

    /// An OCO leg's names: `prefix` + capitalised field (`abovePrice`).
    pub fn prefixed(prefix: &str) -> Names {
        let name = |field: &str| {
            if prefix.is_empty() {
                field.to_string()
            } else {
                let mut f = field.chars();
                let first = f.next().map(|c| c.to_ascii_uppercase());
                format!("{prefix}{}{}", first.unwrap_or_default(), f.as_str())
            }
        };
        Names {
            price: name("price"),
            stop_price: name("stopPrice"),
            time_in_force: name("timeInForce"),
            iceberg_qty: name("icebergQty"),
            trailing_delta: name("trailingDelta"),
        }
    }
}

/// An optional positive decimal parameter: -1100 if malformed, -1111 if
/// it has more than eight significant decimals.
pub fn opt_decimal(p: &Params, name: &str) -> Result<Option<Decimal>, ApiError> {
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
    if d.normalize().scale() > crate::num::WIRE_DECIMALS {
        return Err(ApiError::bad_request(
            -1111,
            format!("Parameter '{name}' has too much precision."),
        ));
    }
    Ok(Some(d))
}

/// -1106 "Parameter '…' sent when not required.".
pub fn not_required(name: &str) -> ApiError {
    ApiError::bad_request(-1106, format!("Parameter '{name}' sent when not required."))
}

/// -1102 "Param 'a' or 'b' must be sent, but both were empty/null!".
pub fn one_of(a: &str, b: &str) -> ApiError {
    ApiError::bad_request(
        -1102,
        format!("Param '{a}' or '{b}' must be sent, but both were empty/null!"),
    )
}

/// -2010 for trailing stops, which the simulated symbols do not allow
/// (exchangeInfo `allowTrailingStop: false`).
pub fn no_trailing() -> ApiError {
    ApiError::bad_request(
        -2010,
        "Trailing stop orders are not supported for this symbol.",
    )
}

/// `side`: -1102 if missing, -1117 if not BUY/SELL.
pub fn side(p: &Params, name: &str) -> Result<Side, ApiError> {
    match p.get(name) {
        None | Some("") => Err(ApiError::mandatory(name)),
        Some("BUY") => Ok(Side::Buy),
        Some("SELL") => Ok(Side::Sell),
        Some(_) => Err(ApiError::bad_request(-1117, "Invalid side.")),
    }
}

/// An order type parameter: -1102 if missing, -1116 if unknown.
pub fn order_type(p: &Params, name: &str) -> Result<OrderType, ApiError> {
    match p.get(name) {
        None | Some("") => Err(ApiError::mandatory(name)),
        Some(t) => {
            OrderType::parse(t).ok_or_else(|| ApiError::bad_request(-1116, "Invalid orderType."))
        }
    }
}

/// An optional client order id in Binance's format (empty = absent).
pub fn client_id(p: &Params, name: &str) -> Result<Option<String>, ApiError> {
    match p.get(name).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => {
            let ok = c.len() <= 36
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._:/-".contains(&b));
            if ok {
                Ok(Some(c.to_string()))
            } else {
                Err(ApiError::illegal_chars(name, CLIENT_ID_RANGE))
            }
        }
    }
}

/// `newOrderRespType` (None when absent).
pub fn resp_type(p: &Params) -> Result<Option<RespType>, ApiError> {
    match p.get("newOrderRespType") {
        None => Ok(None),
        Some("ACK") => Ok(Some(RespType::Ack)),
        Some("RESULT") => Ok(Some(RespType::Result)),
        Some("FULL") => Ok(Some(RespType::Full)),
        Some(_) => Err(ApiError::illegal_chars(
            "newOrderRespType",
            "ACK, RESULT, FULL",
        )),
    }
}

/// `selfTradePreventionMode`, one of [`STP_MODES`] (or NONE).
pub fn stp_mode(p: &Params) -> Result<Option<String>, ApiError> {
    match p.get("selfTradePreventionMode") {
        None => Ok(None),
        Some(m) if m == "NONE" || STP_MODES.contains(&m) => Ok(Some(m.to_string())),
        Some(_) => Err(ApiError::illegal_chars(
            "selfTradePreventionMode",
            "NONE, EXPIRE_TAKER, EXPIRE_MAKER, EXPIRE_BOTH, DECREMENT",
        )),
    }
}

/// Reads the type-dependent fields of one order named by `names` and
/// applies Binance's per-type rules. `side`, `order_type`, `quantity`,
/// `quote_order_qty` and `client_order_id` are already read.
pub fn shape(p: &Params, names: &Names, spec: &mut OrderSpec) -> Result<(), ApiError> {
    let t = spec.order_type;
    if p.get(&names.trailing_delta).is_some() {
        return Err(no_trailing());
    }
    spec.price = opt_decimal(p, &names.price)?;
    spec.stop_price = opt_decimal(p, &names.stop_price)?;
    spec.iceberg_qty = opt_decimal(p, &names.iceberg_qty)?;
    spec.time_in_force = match p.get(&names.time_in_force) {
        None | Some("") => None,
        Some("GTC") => Some(Tif::Gtc),
        Some("IOC") => Some(Tif::Ioc),
        Some("FOK") => Some(Tif::Fok),
        Some(_) => return Err(ApiError::bad_request(-1115, "Invalid timeInForce.")),
    };
    if t.has_time_in_force() && spec.time_in_force.is_none() {
        return Err(ApiError::mandatory(&names.time_in_force));
    }
    if t == OrderType::Market {
        if spec.quantity.is_none() && spec.quote_order_qty.is_none() {
            return Err(one_of("quantity", "quoteOrderQty"));
        }
        if spec.quantity.is_some() && spec.quote_order_qty.is_some() {
            return Err(not_required("quoteOrderQty"));
        }
    } else {
        if spec.quantity.is_none() {
            return Err(ApiError::mandatory("quantity"));
        }
        if spec.quote_order_qty.is_some() {
            return Err(not_required("quoteOrderQty"));
        }
    }
    if t.has_price() && spec.price.is_none() {
        return Err(ApiError::mandatory(&names.price));
    }
    if t.is_stop() && spec.stop_price.is_none() {
        return Err(one_of(&names.stop_price, &names.trailing_delta));
    }
    if !t.has_price() && spec.price.is_some() {
        return Err(not_required(&names.price));
    }
    if !t.is_stop() && spec.stop_price.is_some() {
        return Err(not_required(&names.stop_price));
    }
    if !t.has_time_in_force() && spec.time_in_force.is_some() {
        return Err(not_required(&names.time_in_force));
    }
    if let Some(iceberg) = spec.iceberg_qty {
        if !t.has_price() {
            return Err(not_required(&names.iceberg_qty));
        }
        if spec.time_in_force.is_some_and(|tif| tif != Tif::Gtc) {
            return Err(ApiError::bad_request(
                -2010,
                "Unsupported order combination",
            ));
        }
        if spec.quantity.is_some_and(|q| iceberg > q) {
            return Err(ApiError::bad_request(-2010, "IcebergQty exceeds QTY."));
        }
    }
    Ok(())
}

/// Reads a whole `POST /api/v3/order` (or `order/test`) request.
pub fn parse_order(p: &Params) -> Result<(OrderSpec, Option<RespType>), ApiError> {
    let mut spec = OrderSpec {
        side: side(p, "side")?,
        order_type: order_type(p, "type")?,
        time_in_force: None,
        quantity: opt_decimal(p, "quantity")?,
        quote_order_qty: opt_decimal(p, "quoteOrderQty")?,
        price: None,
        stop_price: None,
        iceberg_qty: None,
        client_order_id: client_id(p, "newClientOrderId")?,
        stp_mode: stp_mode(p)?,
    };
    shape(p, &Names::plain(), &mut spec)?;
    Ok((spec, resp_type(p)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Params {
        Params::parse(Some(q)).unwrap()
    }

    fn err(q: &str) -> (i32, String) {
        let e = parse_order(&p(q)).unwrap_err();
        (e.code, e.msg)
    }

    #[test]
    fn decimal_params() {
        assert_eq!(
            opt_decimal(&p("quantity=0.001"), "quantity").unwrap(),
            Some(Decimal::new(1, 3))
        );
        assert_eq!(
            opt_decimal(&p("quantity=1.000000000000"), "quantity").unwrap(),
            Some(Decimal::ONE)
        );
        for bad in ["quantity=-1", "quantity=1e3", "quantity=.5", "quantity=1."] {
            assert_eq!(
                opt_decimal(&p(bad), "quantity").unwrap_err().code,
                -1100,
                "{bad}"
            );
        }
        let e = opt_decimal(&p("quantity=0.000000001"), "quantity").unwrap_err();
        assert_eq!(
            (e.code, e.msg.as_str()),
            (-1111, "Parameter 'quantity' has too much precision.")
        );
    }

    #[test]
    fn mandatory_parameters_per_type() {
        let m = |name: &str| {
            format!("Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")
        };
        assert_eq!(err("type=LIMIT"), (-1102, m("side")));
        assert_eq!(err("side=BUY"), (-1102, m("type")));
        assert_eq!(err("side=HOLD&type=LIMIT").0, -1117);
        assert_eq!(err("side=BUY&type=STOP").0, -1116);
        let limit = "side=BUY&type=LIMIT";
        assert_eq!(
            err(&format!("{limit}&quantity=1&price=1")),
            (-1102, m("timeInForce"))
        );
        assert_eq!(
            err(&format!("{limit}&timeInForce=XYZ&quantity=1&price=1")).0,
            -1115
        );
        assert_eq!(
            err(&format!("{limit}&timeInForce=GTC&quantity=1")),
            (-1102, m("price"))
        );
        assert_eq!(
            err(&format!("{limit}&timeInForce=GTC&price=1")),
            (-1102, m("quantity"))
        );
        assert_eq!(
            err("side=BUY&type=MARKET"),
            (
                -1102,
                "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"
                    .into()
            )
        );
        assert_eq!(
            err("side=SELL&type=STOP_LOSS&quantity=1"),
            (
                -1102,
                "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"
                    .into()
            )
        );
        assert_eq!(
            err("side=SELL&type=STOP_LOSS_LIMIT&quantity=1&stopPrice=1&price=1"),
            (-1102, m("timeInForce"))
        );
        assert_eq!(
            err("side=SELL&type=TAKE_PROFIT_LIMIT&quantity=1&stopPrice=1&timeInForce=GTC"),
            (-1102, m("price"))
        );
    }

    #[test]
    fn parameters_sent_when_not_required() {
        let n = |name: &str| (-1106, format!("Parameter '{name}' sent when not required."));
        assert_eq!(err("side=BUY&type=MARKET&quantity=1&price=1"), n("price"));
        assert_eq!(
            err("side=BUY&type=MARKET&quantity=1&timeInForce=GTC"),
            n("timeInForce")
        );
        assert_eq!(
            err("side=BUY&type=MARKET&quantity=1&quoteOrderQty=1"),
            n("quoteOrderQty")
        );
        assert_eq!(
            err("side=BUY&type=LIMIT_MAKER&quantity=1&price=1&timeInForce=GTC"),
            n("timeInForce")
        );
        assert_eq!(
            err("side=BUY&type=LIMIT&quantity=1&price=1&timeInForce=GTC&stopPrice=2"),
            n("stopPrice")
        );
        assert_eq!(
            err("side=SELL&type=STOP_LOSS&quantity=1&stopPrice=1&price=1"),
            n("price")
        );
        assert_eq!(
            err("side=BUY&type=LIMIT&quantity=1&price=1&timeInForce=IOC&icebergQty=0.5").0,
            -2010
        );
        assert_eq!(
            err("side=SELL&type=STOP_LOSS&quantity=1&trailingDelta=100"),
            (
                -2010,
                "Trailing stop orders are not supported for this symbol.".into()
            )
        );
    }

    #[test]
    fn valid_orders_and_names() {
        let (spec, resp) = parse_order(&p(
            "side=SELL&type=STOP_LOSS_LIMIT&quantity=1&price=9&stopPrice=10&timeInForce=GTC&newClientOrderId=my-1&newOrderRespType=RESULT",
        ))
        .unwrap();
        assert_eq!(spec.stop_price, Some(Decimal::from(10)));
        assert_eq!(spec.client_order_id.as_deref(), Some("my-1"));
        assert_eq!(resp, Some(RespType::Result));
        assert!(parse_order(&p("side=BUY&type=MARKET&quoteOrderQty=10")).is_ok());
        assert_eq!(
            err("side=BUY&type=MARKET&quoteOrderQty=10&newClientOrderId=a%20b").0,
            -1100
        );
        let n = Names::prefixed("above");
        assert_eq!(
            (
                n.price.as_str(),
                n.stop_price.as_str(),
                n.time_in_force.as_str()
            ),
            ("abovePrice", "aboveStopPrice", "aboveTimeInForce")
        );
    }
}
