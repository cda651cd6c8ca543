//! Technical indicators over candles, in exact decimals: the one definition the market plugin's
//! `get_indicators`, the prompts and the charts share.
//!
//! ```
//! use binance_mcp_indicators::{Candle, Spec};
//! use binance_mcp_indicators::Decimal;
//!
//! let candles: Vec<Candle> = (0..30)
//!     .map(|i| {
//!         let p = Decimal::from(100 + i % 7);
//!         Candle { open_time: i * 60_000, open: p, high: p, low: p, close: p, volume: Decimal::ONE }
//!     })
//!     .collect();
//! let series = Spec::parse("rsi:14")?.compute(&candles)?;
//! assert_eq!(series.first_index(), Some(14));
//! assert!(Spec::parse("rsi")?.compute(&candles[..10]).is_err()); // needs 15
//! # Ok::<(), binance_mcp_indicators::IndicatorError>(())
//! ```
//!
//! **Definitions.** Each indicator is the standard one as TA-Lib implements it — SMA; EMA
//! seeded with an SMA; Wilder's RSI and ATR; MACD with TA-Lib's seeding of the fast EMA;
//! Bollinger Bands with the population deviation; the slow stochastic with SMA smoothing —
//! plus a cumulative VWAP, which TA-Lib lacks. `tests/fixtures.rs` checks every value against
//! TA-Lib (and VWAP against numpy) over fixtures whose provenance `fixtures/README.md` records,
//! and RSI against StockCharts' published worked example.
//!
//! **Where this differs from TA-Lib**, deliberately: where an oscillator's denominator is zero
//! (a flat window: no gains nor losses for RSI, high = low for the stochastic) the value is 50,
//! mid-scale, where TA-Lib gives 0, which would read as "oversold" on a pair that simply did
//! not trade. Both were checked against TA-Lib 0.8.2, which gives 0 for each.
//!
//! **Precision.** Inputs are read exactly; sums of prices are exact; each division and each
//! multiplication by a non-terminating constant rounds at Decimal's 28th–29th significant
//! digit. Results carry that full precision: callers round for display. Every input bound that
//! keeps the arithmetic inside Decimal's range is checked ([`Candle`], [`MAX_PERIOD`]), so no
//! computation can overflow or divide by zero: nothing here panics.

mod average;
mod candle;
mod error;
mod momentum;
mod numeric;
mod parse;
mod series;
mod spec;
mod volatility;
mod volume;

pub use candle::{Candle, MAX_PRICE, MAX_VOLUME};
pub use error::IndicatorError;
pub use parse::FORMS;
pub use series::Series;
pub use spec::{Spec, MAX_BOLLINGER_K, MAX_PERIOD};

/// rust_decimal, re-exported so callers build [`Candle`]s with the same `Decimal` type.
pub use rust_decimal::Decimal;
