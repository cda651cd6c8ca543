//! A perpetual's funding: the current mark and index price, the last
//! funding rate and its annualised figure (`GET /fapi/v1/premiumIndex`),
//! and the recent funding history (`GET /fapi/v1/fundingRate`). Both are
//! public market data.

use crate::fields::dec_string;
use crate::{fapi_get, table, table_output};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::output;
use binance_mcp_plugin::{
    json, schema, time, Annotations, Decimal, Exchange, Run, Tool, ToolError, Value,
};
use serde::Deserialize;

/// `limit`'s default and bound (Binance's bound is 1000; 100 rows keep an
/// answer small).
pub const FUNDING_DEFAULT_LIMIT: i64 = 10;
pub const FUNDING_MAX_LIMIT: i64 = 100;

/// Hours between fundings assumed by the annualised figure (Binance's
/// usual interval; some symbols fund every 4 h or 1 h).
pub const FUNDING_INTERVAL_HOURS: i64 = 8;
/// Fundings a year at that interval: 3 a day, 365 days.
pub const FUNDINGS_PER_YEAR: i64 = 3 * 365;

const FUNDING_COLUMNS: &[&str] = &["fundingTime", "fundingTimeIso", "fundingRate", "markPrice"];

/// `get_funding_rate`: the current funding of one perpetual and its history.
pub const FUNDING_RATE: Tool = Tool {
    name: "get_funding_rate",
    title: "Funding rate",
    description: "A perpetual's mark and index price, last funding rate, annualizedRate = lastFundingRate × 3 × 365 (8 h funding assumed), next funding time, and past fundings as rows.",
    input_schema: || {
        schema::object(
            json!({
                "symbol": schema::string(),
                "limit": schema::integer(1, FUNDING_MAX_LIMIT, FUNDING_DEFAULT_LIMIT, "")
            }),
            &["symbol"],
        )
    },
    output_schema: || {
        table_output(
            FUNDING_COLUMNS,
            false,
            json!({
                "lastFundingRate": schema::dec(),
                "annualizedRate": schema::dec(),
                "fundingIntervalHours": schema::int()
            }),
            &["annualizedRate"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[MARKET_DATA],
    run: Run::Value(funding_rate),
};

/// `premiumIndex` of one symbol, borrowed from the body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Premium<'a> {
    symbol: &'a str,
    mark_price: &'a str,
    index_price: &'a str,
    last_funding_rate: &'a str,
    next_funding_time: i64,
    time: i64,
}

/// One funding of `fundingRate`, borrowed from the body. Old fundings have
/// an empty `markPrice`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Funding<'a> {
    funding_time: i64,
    funding_rate: &'a str,
    #[serde(default, borrow)]
    mark_price: Option<&'a str>,
}

/// `rate` × [`FUNDINGS_PER_YEAR`], exactly (no rounding: a rate has at
/// most a dozen places).
pub fn annualized(rate: Decimal) -> Result<Decimal, ToolError> {
    rate.checked_mul(Decimal::from(FUNDINGS_PER_YEAR))
        .ok_or_else(|| ToolError::bad_exchange_data("a funding rate too large to annualise"))
}

fn funding_rate(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol", "limit"])?;
    let symbol = a.required_symbol("symbol")?;
    let limit = a
        .integer("limit", 1, FUNDING_MAX_LIMIT)?
        .unwrap_or(FUNDING_DEFAULT_LIMIT);
    let resp = ex.send(&fapi_get("/fapi/v1/premiumIndex").param("symbol", &symbol))?;
    let p: Premium = resp.parse()?;
    let rate = output::decimal_text(p.last_funding_rate)?;
    let history = ex.send(
        &fapi_get("/fapi/v1/fundingRate")
            .param("symbol", &symbol)
            .param("limit", limit),
    )?;
    let mut fundings: Vec<Funding> = history.parse()?;
    fundings.sort_by_key(|f| f.funding_time);
    let rows = fundings
        .iter()
        .map(|f| {
            let mark = match f.mark_price.filter(|m| !m.is_empty()) {
                Some(m) => json!(output::dec_text(m)?),
                None => Value::Null,
            };
            Ok(json!([
                f.funding_time,
                time::iso8601_ms(f.funding_time),
                output::dec_text(f.funding_rate)?,
                mark,
            ]))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let out = json!({
        "symbol": p.symbol,
        "markPrice": output::dec_text(p.mark_price)?,
        "indexPrice": output::dec_text(p.index_price)?,
        "lastFundingRate": dec_string(rate),
        "annualizedRate": dec_string(annualized(rate)?),
        "fundingIntervalHours": FUNDING_INTERVAL_HOURS,
        "annualizedBasis": "lastFundingRate × 3 × 365: funding every 8 h assumed (some symbols fund every 4 h or 1 h)",
        "nextFundingTime": p.next_funding_time,
        "nextFundingTimeIso": time::iso8601_ms(p.next_funding_time),
        "time": p.time,
        "timeIso": time::iso8601_ms(p.time),
    });
    Ok(table(out, FUNDING_COLUMNS, rows))
}
