//! The fixed list of symbols the simulator lists, with their trading rules.
//!
//! Filters are modelled on Binance's real spot values so that client-side
//! rounding code meets the same grids it will meet live: BTCUSDT trades in
//! 0.01 ticks and 0.00001 steps with a 5 USDT minimum notional, LTCUSDT in
//! 0.01 ticks and 0.001 steps. Prices are only anchors; each seed moves them
//! by up to ±5 % so that different seeds give visibly different markets.

use std::str::FromStr;

use rust_decimal::Decimal;

/// The static description of one symbol, before any randomness.
#[derive(Debug, Clone, Copy)]
pub struct MarketSpec {
    /// Symbol name, e.g. "BTCUSDT".
    pub symbol: &'static str,
    /// Base asset, e.g. "BTC".
    pub base: &'static str,
    /// Quote asset, e.g. "USDT".
    pub quote: &'static str,
    /// Symbol status as reported by exchangeInfo ("TRADING", "BREAK", ...).
    pub status: &'static str,
    /// Anchor price before the seed's jitter.
    pub anchor_price: &'static str,
    /// PRICE_FILTER tickSize.
    pub tick_size: &'static str,
    /// LOT_SIZE stepSize.
    pub step_size: &'static str,
    /// LOT_SIZE minQty.
    pub min_qty: &'static str,
    /// LOT_SIZE maxQty.
    pub max_qty: &'static str,
    /// MARKET_LOT_SIZE maxQty.
    pub market_max_qty: &'static str,
    /// PRICE_FILTER minPrice.
    pub min_price: &'static str,
    /// PRICE_FILTER maxPrice.
    pub max_price: &'static str,
    /// NOTIONAL minNotional.
    pub min_notional: &'static str,
    /// NOTIONAL maxNotional.
    pub max_notional: &'static str,
    /// A typical trade size in the base asset; book levels and trades scatter
    /// around it.
    pub typical_qty: &'static str,
    /// Whether the symbol is also listed for margin trading.
    pub margin: bool,
}

/// Every symbol the simulator serves, in exchangeInfo order.
///
/// XYZUSDT is deliberately in status BREAK (not trading) with an empty book
/// and no recent trades, so clients can be tested against a listed but
/// halted symbol.
pub const MARKET_SPECS: &[MarketSpec] = &[
    MarketSpec {
        symbol: "BTCUSDT",
        base: "BTC",
        quote: "USDT",
        status: "TRADING",
        anchor_price: "65000",
        tick_size: "0.01",
        step_size: "0.00001",
        min_qty: "0.00001",
        max_qty: "9000",
        market_max_qty: "83.64",
        min_price: "0.01",
        max_price: "1000000",
        min_notional: "5",
        max_notional: "9000000",
        typical_qty: "0.02",
        margin: true,
    },
    MarketSpec {
        symbol: "ETHUSDT",
        base: "ETH",
        quote: "USDT",
        status: "TRADING",
        anchor_price: "3200",
        tick_size: "0.01",
        step_size: "0.0001",
        min_qty: "0.0001",
        max_qty: "9000",
        market_max_qty: "1800",
        min_price: "0.01",
        max_price: "1000000",
        min_notional: "5",
        max_notional: "9000000",
        typical_qty: "0.3",
        margin: true,
    },
    MarketSpec {
        symbol: "BNBUSDT",
        base: "BNB",
        quote: "USDT",
        status: "TRADING",
        anchor_price: "580",
        tick_size: "0.01",
        step_size: "0.001",
        min_qty: "0.001",
        max_qty: "9000",
        market_max_qty: "900",
        min_price: "0.01",
        max_price: "100000",
        min_notional: "5",
        max_notional: "9000000",
        typical_qty: "2",
        margin: true,
    },
    MarketSpec {
        symbol: "LTCUSDT",
        base: "LTC",
        quote: "USDT",
        status: "TRADING",
        anchor_price: "85",
        tick_size: "0.01",
        step_size: "0.001",
        min_qty: "0.001",
        max_qty: "9000000",
        market_max_qty: "20000",
        min_price: "0.01",
        max_price: "100000",
        min_notional: "5",
        max_notional: "9000000",
        typical_qty: "8",
        margin: true,
    },
    MarketSpec {
        symbol: "ETHBTC",
        base: "ETH",
        quote: "BTC",
        status: "TRADING",
        anchor_price: "0.05",
        tick_size: "0.00001",
        step_size: "0.0001",
        min_qty: "0.0001",
        max_qty: "100000",
        market_max_qty: "2000",
        min_price: "0.00001",
        max_price: "922327",
        min_notional: "0.0001",
        max_notional: "9000000",
        typical_qty: "0.5",
        margin: true,
    },
    MarketSpec {
        symbol: "XYZUSDT",
        base: "XYZ",
        quote: "USDT",
        status: "BREAK",
        anchor_price: "1.2345",
        tick_size: "0.0001",
        step_size: "0.1",
        min_qty: "0.1",
        max_qty: "9222449",
        market_max_qty: "50000",
        min_price: "0.0001",
        max_price: "1000",
        min_notional: "5",
        max_notional: "9000000",
        typical_qty: "500",
        margin: false,
    },
];

/// The trading rules of one symbol as values: a parsed [`MarketSpec`], or a
/// generated listing ([`crate::listing`]). Fields mean what the
/// [`MarketSpec`] fields of the same name mean.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Rules {
    pub symbol: String,
    pub base: String,
    pub quote: String,
    pub status: String,
    pub anchor_price: Decimal,
    pub tick_size: Decimal,
    pub step_size: Decimal,
    pub min_qty: Decimal,
    pub max_qty: Decimal,
    pub market_max_qty: Decimal,
    pub min_price: Decimal,
    pub max_price: Decimal,
    pub min_notional: Decimal,
    pub max_notional: Decimal,
    pub typical_qty: Decimal,
    pub margin: bool,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("market spec literals are valid decimals")
}

impl Rules {
    /// The rules a [`MarketSpec`] spells out.
    pub fn from_spec(spec: &MarketSpec) -> Rules {
        Rules {
            symbol: spec.symbol.to_string(),
            base: spec.base.to_string(),
            quote: spec.quote.to_string(),
            status: spec.status.to_string(),
            anchor_price: dec(spec.anchor_price),
            tick_size: dec(spec.tick_size),
            step_size: dec(spec.step_size),
            min_qty: dec(spec.min_qty),
            max_qty: dec(spec.max_qty),
            market_max_qty: dec(spec.market_max_qty),
            min_price: dec(spec.min_price),
            max_price: dec(spec.max_price),
            min_notional: dec(spec.min_notional),
            max_notional: dec(spec.max_notional),
            typical_qty: dec(spec.typical_qty),
            margin: spec.margin,
        }
    }
}
