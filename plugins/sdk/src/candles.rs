//! Candles as exact decimals: one fetch of `/api/v3/klines` shared by the
//! tools and prompts that compute on candles (indicators, charts, analysis
//! prompts), so each does not parse Binance's kline rows its own way.

use crate::output;
use crate::{Decimal, Exchange, Request, ToolError};
use serde::de::IgnoredAny;

/// Every kline interval Binance accepts, shortest first.
pub const INTERVALS: &[&str] = &[
    "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w",
    "1M",
];

/// Most candles one request returns (Binance's limit).
pub const MAX_CANDLES: usize = 1000;

/// One candle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kline {
    /// Open time, ms since the epoch.
    pub open_time: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    /// Base-asset volume.
    pub volume: Decimal,
    /// Quote-asset volume.
    pub quote_volume: Decimal,
    /// Close time, ms since the epoch (the next open − 1).
    pub close_time: i64,
}

impl Kline {
    /// The candle the indicator library computes on.
    pub fn candle(&self) -> binance_mcp_indicators::Candle {
        binance_mcp_indicators::Candle {
            open_time: self.open_time,
            open: self.open,
            high: self.high,
            low: self.low,
            close: self.close,
            volume: self.volume,
        }
    }
}

/// A kline row as Binance writes it (twelve fields; the last is unused).
type Row<'a> = (
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    i64,
    &'a str,
    IgnoredAny,
    IgnoredAny,
    IgnoredAny,
    IgnoredAny,
);

/// The latest `limit` candles of `symbol` at `interval` (weight 2), oldest
/// first. `interval` must be one of [`INTERVALS`] and `limit` 1 to
/// [`MAX_CANDLES`] (the caller validated them).
pub fn fetch_klines(
    ex: &dyn Exchange,
    symbol: &str,
    interval: &str,
    limit: usize,
) -> Result<Vec<Kline>, ToolError> {
    let resp = ex.send(
        &Request::spot_get("/api/v3/klines")
            .param("symbol", symbol)
            .param("interval", interval)
            .param("limit", limit.clamp(1, MAX_CANDLES)),
    )?;
    let rows: Vec<Row> = resp.parse()?;
    rows.into_iter()
        .map(|r| {
            Ok(Kline {
                open_time: r.0,
                open: output::decimal_text(r.1)?,
                high: output::decimal_text(r.2)?,
                low: output::decimal_text(r.3)?,
                close: output::decimal_text(r.4)?,
                volume: output::decimal_text(r.5)?,
                close_time: r.6,
                quote_volume: output::decimal_text(r.7)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::CannedExchange;

    #[test]
    fn rows_become_exact_candles() {
        let ex = CannedExchange::one(
            "/api/v3/klines",
            r#"[[1700000000000,"100.10","101.00","99.50","100.90","12.5",1700003599999,"1260.0",42,"6.0","600.0","0"]]"#,
        );
        let k = fetch_klines(&ex, "BTCUSDT", "1h", 1).unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].close.to_string(), "100.90");
        assert_eq!(k[0].close_time, 1_700_003_599_999);
        let bad = CannedExchange::one("/api/v3/klines", r#"[[1,"x"]]"#);
        assert!(fetch_klines(&bad, "BTCUSDT", "1h", 1).is_err());
    }
}
