//! The six reads: the request each sends (path, parameters) and what it
//! makes of Binance's documented response examples.

use super::{call, ok, p, Canned};
use crate::funding::annualized;
use crate::history::INCOME_CAP;
use crate::open_orders::OPEN_ORDERS_CAP;
use binance_mcp_plugin::{json, Decimal, ErrorKind, Method};
use std::str::FromStr;

/// `GET /fapi/v3/account` in single-asset mode (Binance's example, with a
/// USDC balance, two empty assets and one open position added).
pub(super) const ACCOUNT: &str = r#"{
  "totalInitialMargin": "0.00000000", "totalMaintMargin": "0.00000000",
  "totalWalletBalance": "103.12345678", "totalUnrealizedProfit": "0.00000000",
  "totalMarginBalance": "103.12345678", "totalPositionInitialMargin": "0.00000000",
  "totalOpenOrderInitialMargin": "0.00000000", "totalCrossWalletBalance": "103.12345678",
  "totalCrossUnPnl": "0.00000000", "availableBalance": "103.12345678",
  "maxWithdrawAmount": "103.12345678",
  "assets": [
    {"asset": "USDT", "walletBalance": "23.72469206", "unrealizedProfit": "0.00000000",
     "marginBalance": "23.72469206", "maintMargin": "0.00000000", "initialMargin": "0.00000000",
     "positionInitialMargin": "0.00000000", "openOrderInitialMargin": "0.00000000",
     "crossWalletBalance": "23.72469206", "crossUnPnl": "0.00000000",
     "availableBalance": "23.72469206", "maxWithdrawAmount": "23.72469206",
     "updateTime": 1625474304765},
    {"asset": "USDC", "walletBalance": "103.12345678", "unrealizedProfit": "-1.06214947",
     "marginBalance": "102.06130731", "maintMargin": "0.08449220", "initialMargin": "5.28122600",
     "positionInitialMargin": "5.28122600", "openOrderInitialMargin": "0.00000000",
     "crossWalletBalance": "103.12345678", "crossUnPnl": "-1.06214947",
     "availableBalance": "96.78008131", "maxWithdrawAmount": "96.78008131",
     "updateTime": 1625474304765},
    {"asset": "BTC", "walletBalance": "0.00000000", "unrealizedProfit": "0.00000000",
     "marginBalance": "0.00000000", "maintMargin": "0.00000000", "initialMargin": "0.00000000",
     "positionInitialMargin": "0.00000000", "openOrderInitialMargin": "0.00000000",
     "crossWalletBalance": "0.00000000", "crossUnPnl": "0.00000000",
     "availableBalance": "0.00000000", "maxWithdrawAmount": "0.00000000",
     "updateTime": 0},
    {"asset": "BNB", "walletBalance": "0", "unrealizedProfit": "0", "marginBalance": "0",
     "maintMargin": "0", "initialMargin": "0", "positionInitialMargin": "0",
     "openOrderInitialMargin": "0", "crossWalletBalance": "0", "crossUnPnl": "0",
     "availableBalance": "0", "maxWithdrawAmount": "0", "updateTime": 0}
  ],
  "positions": [
    {"symbol": "BTCUSDT", "positionSide": "BOTH", "positionAmt": "1.000",
     "unrealizedProfit": "0.00246119", "isolatedMargin": "0", "notional": "88.09",
     "isolatedWallet": "0", "initialMargin": "8.80", "maintMargin": "0.35",
     "updateTime": 0},
    {"symbol": "ETHUSDT", "positionSide": "BOTH", "positionAmt": "0.000",
     "unrealizedProfit": "0", "isolatedMargin": "0", "notional": "0",
     "isolatedWallet": "0", "initialMargin": "0", "maintMargin": "0",
     "updateTime": 0}
  ]
}"#;

#[test]
fn the_account_lists_totals_and_only_assets_that_hold_something() {
    let ex = Canned::one("/fapi/v3/account", ACCOUNT);
    let out = ok(&ex, "get_futures_account", "{}");
    let r = &ex.requests()[0];
    assert_eq!(
        (r.method, r.path.as_str()),
        (Method::Get, "/fapi/v3/account")
    );
    assert!(r.params.is_empty());
    assert_eq!(out["totalWalletBalance"], "103.12345678");
    assert_eq!(out["totalMarginBalance"], "103.12345678");
    assert_eq!(out["availableBalance"], "103.12345678");
    assert_eq!(out["totalUnrealizedProfit"], "0");
    assert_eq!(out["totalInitialMargin"], "0");
    assert_eq!(out["totalMaintMargin"], "0");
    assert_eq!(out["openPositions"], 1);
    assert_eq!(
        out["rows"],
        json!([
            [
                "USDT",
                "23.72469206",
                "23.72469206",
                "23.72469206",
                "0",
                "0",
                "0",
                "23.72469206"
            ],
            [
                "USDC",
                "103.12345678",
                "102.06130731",
                "96.78008131",
                "-1.06214947",
                "5.281226",
                "0.0844922",
                "96.78008131"
            ]
        ])
    );
    assert_eq!(out["columns"][0], "asset");
    assert!(out.get("truncated").is_none());
    // An answer without assets is the exchange's fault, said as such.
    let ex = Canned::one("/fapi/v3/account", r#"{"totalWalletBalance":"1"}"#);
    let e = call(&ex, "get_futures_account", "{}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::ExchangeUnavailable);
    assert!(call(&ex, "get_futures_account", r#"{"symbol":"BTCUSDT"}"#).is_err());
}

/// `GET /fapi/v2/positionRisk`: Binance's examples (one-way mode), a long,
/// a short and an empty position.
const POSITIONS: &str = r#"[
  {"entryPrice": "0.00000", "breakEvenPrice": "0.0", "marginType": "isolated",
   "isAutoAddMargin": "false", "isolatedMargin": "0.00000000", "leverage": "10",
   "liquidationPrice": "0", "markPrice": "6679.50671178", "maxNotionalValue": "20000000",
   "positionAmt": "0.000", "notional": "0", "isolatedWallet": "0", "symbol": "BTCUSDT",
   "unRealizedProfit": "0.00000000", "positionSide": "BOTH", "updateTime": 0},
  {"symbol": "ETHUSDT", "positionAmt": "0.010", "entryPrice": "2185.20",
   "breakEvenPrice": "2186.0", "markPrice": "2112.30505257", "unRealizedProfit": "-0.72894947",
   "liquidationPrice": "1973.14552911", "leverage": "4", "maxNotionalValue": "100000000",
   "marginType": "cross", "isolatedMargin": "0.00000000", "isAutoAddMargin": "false",
   "positionSide": "BOTH", "notional": "21.12305052", "isolatedWallet": "0",
   "updateTime": 1655217461579},
  {"symbol": "BTCUSDT", "positionAmt": "-0.002", "entryPrice": "61788.9",
   "breakEvenPrice": "61750.1", "markPrice": "61792.09000000", "unRealizedProfit": "-0.00638000",
   "liquidationPrice": "91465.58529116", "leverage": "20", "maxNotionalValue": "600000000",
   "marginType": "isolated", "isolatedMargin": "6.17857381", "isAutoAddMargin": "false",
   "positionSide": "BOTH", "notional": "-123.58418000", "isolatedWallet": "6.18495381",
   "updateTime": 1635651734305}
]"#;

#[test]
fn positions_are_the_non_zero_ones_with_a_computed_side() {
    let ex = Canned::one("/fapi/v2/positionRisk", POSITIONS);
    let out = ok(&ex, "get_futures_positions", "{}");
    assert!(ex.params(0).is_empty());
    assert_eq!(
        out["columns"],
        json!([
            "symbol",
            "side",
            "size",
            "entryPrice",
            "markPrice",
            "unRealizedProfit",
            "leverage",
            "marginType",
            "liquidationPrice",
            "notional",
            "isolatedMargin",
            "updateTime",
            "updateTimeIso"
        ])
    );
    // Largest notional first; the short's size is the absolute amount.
    assert_eq!(
        out["rows"],
        json!([
            [
                "BTCUSDT",
                "SHORT",
                "0.002",
                "61788.9",
                "61792.09",
                "-0.00638",
                20,
                "ISOLATED",
                "91465.58529116",
                "-123.58418",
                "6.17857381",
                1635651734305i64,
                "2021-10-31T03:42:14.305Z"
            ],
            [
                "ETHUSDT",
                "LONG",
                "0.01",
                "2185.2",
                "2112.30505257",
                "-0.72894947",
                4,
                "CROSSED",
                "1973.14552911",
                "21.12305052",
                "0",
                1655217461579i64,
                "2022-06-14T14:37:41.579Z"
            ]
        ])
    );
    let ex = Canned::one("/fapi/v2/positionRisk", "[]");
    let out = ok(&ex, "get_futures_positions", r#"{"symbol":"ethusdt"}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "ETHUSDT")]));
    assert_eq!(out["rows"], json!([]));
}

/// `GET /fapi/v1/premiumIndex?symbol=BTCUSDT` (Binance's example).
const PREMIUM: &str = r#"{"symbol": "BTCUSDT", "markPrice": "11793.63104562",
  "indexPrice": "11781.80495970", "estimatedSettlePrice": "11781.16138815",
  "lastFundingRate": "0.00038246", "interestRate": "0.00010000",
  "nextFundingTime": 1597392000000, "time": 1597370495002}"#;

/// `GET /fapi/v1/fundingRate` (Binance's example, newest first on purpose,
/// one old funding without a mark price).
const FUNDINGS: &str = r#"[
  {"symbol": "BTCUSDT", "fundingRate": "0.00010000", "fundingTime": 1570636800000,
   "markPrice": "34287.54619963"},
  {"symbol": "BTCUSDT", "fundingRate": "-0.00025000", "fundingTime": 1570608000000,
   "markPrice": ""}
]"#;

#[test]
fn funding_is_annualised_exactly_and_listed_oldest_first() {
    let ex = Canned::new(&[
        ("/fapi/v1/premiumIndex", PREMIUM),
        ("/fapi/v1/fundingRate", FUNDINGS),
    ]);
    let out = ok(&ex, "get_funding_rate", r#"{"symbol":"btcusdt"}"#);
    assert_eq!(
        ex.paths(),
        vec!["/fapi/v1/premiumIndex", "/fapi/v1/fundingRate"]
    );
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT")]));
    assert_eq!(ex.params(1), p(&[("symbol", "BTCUSDT"), ("limit", "10")]));
    assert_eq!(out["markPrice"], "11793.63104562");
    assert_eq!(out["indexPrice"], "11781.8049597");
    assert_eq!(out["lastFundingRate"], "0.00038246");
    // 0.00038246 × 3 × 365 = 0.4187937, exactly (a float gives 0.41879370000000004).
    assert_eq!(out["annualizedRate"], "0.4187937");
    assert_eq!(out["fundingIntervalHours"], 8);
    assert!(out["annualizedBasis"].as_str().unwrap().contains("8 h"));
    assert_eq!(out["nextFundingTime"], 1597392000000i64);
    assert_eq!(out["nextFundingTimeIso"], "2020-08-14T08:00:00.000Z");
    assert_eq!(
        out["rows"],
        json!([
            [
                1570608000000i64,
                "2019-10-09T08:00:00.000Z",
                "-0.00025",
                null
            ],
            [
                1570636800000i64,
                "2019-10-09T16:00:00.000Z",
                "0.0001",
                "34287.54619963"
            ]
        ])
    );
    let ex = Canned::new(&[
        ("/fapi/v1/premiumIndex", PREMIUM),
        ("/fapi/v1/fundingRate", "[]"),
    ]);
    ok(
        &ex,
        "get_funding_rate",
        r#"{"symbol":"BTCUSDT","limit":100}"#,
    );
    assert_eq!(ex.params(1), p(&[("symbol", "BTCUSDT"), ("limit", "100")]));
    for bad in [r#"{}"#, r#"{"symbol":"BTCUSDT","limit":101}"#] {
        let ex = Canned::new(&[]);
        let e = call(&ex, "get_funding_rate", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
        assert!(ex.requests().is_empty());
    }
}

#[test]
fn annualising_is_exact_decimal_arithmetic() {
    let d = |s: &str| Decimal::from_str(s).unwrap();
    for (rate, year) in [
        ("0.0001", "0.1095"),
        ("-0.00005", "-0.05475"),
        ("0.00038246", "0.4187937"),
        ("0.000000000001", "0.000000001095"),
        ("0", "0"),
    ] {
        assert_eq!(annualized(d(rate)).unwrap().normalize(), d(year), "{rate}");
    }
}

/// `GET /fapi/v1/openOrders` (Binance's example, and a newer STOP_MARKET).
const REGULAR: &str = r#"[
  {"avgPrice": "0.00000", "clientOrderId": "abc", "cumQuote": "0", "executedQty": "0",
   "orderId": 1917641, "origQty": "0.40", "origType": "LIMIT", "price": "9000",
   "reduceOnly": false, "side": "BUY", "positionSide": "BOTH", "status": "NEW",
   "stopPrice": "0", "closePosition": false, "symbol": "BTCUSDT",
   "time": 1579276756075, "timeInForce": "GTC", "type": "LIMIT",
   "activatePrice": "9020", "priceRate": "0.3", "updateTime": 1579276756075,
   "workingType": "CONTRACT_PRICE", "priceProtect": false, "priceMatch": "NONE",
   "selfTradePreventionMode": "NONE", "goodTillDate": 0},
  {"avgPrice": "0.00000", "clientOrderId": "web_x1", "cumQuote": "0", "executedQty": "0.100",
   "orderId": 1917700, "origQty": "0.500", "origType": "LIMIT", "price": "9100.10",
   "reduceOnly": true, "side": "SELL", "positionSide": "BOTH", "status": "PARTIALLY_FILLED",
   "stopPrice": "0", "closePosition": false, "symbol": "BTCUSDT",
   "time": 1750514941541, "timeInForce": "GTC", "type": "LIMIT",
   "updateTime": 1750514941541, "workingType": "CONTRACT_PRICE", "priceProtect": false,
   "priceMatch": "NONE", "selfTradePreventionMode": "NONE", "goodTillDate": 0}
]"#;

/// `GET /fapi/v1/openAlgoOrders` (Binance's example).
const ALGO: &str = r#"[
  {"algoId": 2148627, "clientAlgoId": "MRumok0dkhrP4kCm12AHaB", "algoType": "CONDITIONAL",
   "orderType": "TAKE_PROFIT", "symbol": "BNBUSDT", "side": "SELL", "positionSide": "BOTH",
   "timeInForce": "GTC", "quantity": "0.01", "algoStatus": "NEW", "actualOrderId": "",
   "actualPrice": "0.00000", "triggerPrice": "750.000", "price": "750.000",
   "icebergQuantity": null, "tpTriggerPrice": "0.000", "tpPrice": "0.000",
   "slTriggerPrice": "0.000", "slPrice": "0.000", "tpOrderType": "",
   "selfTradePreventionMode": "EXPIRE_MAKER", "workingType": "CONTRACT_PRICE",
   "priceMatch": "NONE", "closePosition": false, "priceProtect": false, "reduceOnly": false,
   "createTime": 1750514941540, "updateTime": 1750514941540, "triggerTime": 0,
   "goodTillDate": 0}
]"#;

#[test]
fn regular_and_conditional_open_orders_merge_into_one_table() {
    let ex = Canned::new(&[
        ("/fapi/v1/openOrders", REGULAR),
        ("/fapi/v1/openAlgoOrders", ALGO),
    ]);
    let out = ok(&ex, "get_futures_open_orders", "{}");
    assert_eq!(
        ex.paths(),
        vec!["/fapi/v1/openOrders", "/fapi/v1/openAlgoOrders"]
    );
    assert!(ex.params(0).is_empty() && ex.params(1).is_empty());
    assert_eq!(
        out["columns"],
        json!([
            "kind",
            "id",
            "clientId",
            "symbol",
            "side",
            "type",
            "status",
            "price",
            "triggerPrice",
            "quantity",
            "executedQty",
            "reduceOnly",
            "closePosition",
            "workingType",
            "time",
            "timeIso"
        ])
    );
    assert_eq!(
        out["rows"],
        json!([
            [
                "regular",
                1917641,
                "abc",
                "BTCUSDT",
                "BUY",
                "LIMIT",
                "NEW",
                "9000",
                "0",
                "0.4",
                "0",
                false,
                false,
                "CONTRACT_PRICE",
                1579276756075i64,
                "2020-01-17T15:59:16.075Z"
            ],
            [
                "conditional",
                2148627,
                "MRumok0dkhrP4kCm12AHaB",
                "BNBUSDT",
                "SELL",
                "TAKE_PROFIT",
                "NEW",
                "750",
                "750",
                "0.01",
                null,
                false,
                false,
                "CONTRACT_PRICE",
                1750514941540i64,
                "2025-06-21T14:09:01.540Z"
            ],
            [
                "regular",
                1917700,
                "web_x1",
                "BTCUSDT",
                "SELL",
                "LIMIT",
                "PARTIALLY_FILLED",
                "9100.1",
                "0",
                "0.5",
                "0.1",
                true,
                false,
                "CONTRACT_PRICE",
                1750514941541i64,
                "2025-06-21T14:09:01.541Z"
            ]
        ])
    );
    assert_eq!(
        (out["regularCount"].clone(), out["conditionalCount"].clone()),
        (json!(2), json!(1))
    );
    // One symbol: the same filter on both requests.
    let ex = Canned::new(&[
        ("/fapi/v1/openOrders", "[]"),
        ("/fapi/v1/openAlgoOrders", ALGO),
    ]);
    let out = ok(&ex, "get_futures_open_orders", r#"{"symbol":"bnbusdt"}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BNBUSDT")]));
    assert_eq!(ex.params(1), p(&[("symbol", "BNBUSDT")]));
    assert_eq!(out["rows"].as_array().unwrap().len(), 1);
}

#[test]
fn open_orders_are_capped_oldest_first_with_a_marker() {
    let order = |i: i64| {
        format!(
            r#"{{"orderId":{i},"clientOrderId":"c{i}","symbol":"BTCUSDT","side":"BUY","type":"LIMIT","status":"NEW","price":"1","stopPrice":"0","origQty":"1","executedQty":"0","reduceOnly":false,"closePosition":false,"workingType":"CONTRACT_PRICE","time":{}}}"#,
            1_700_000_000_000 + i
        )
    };
    let body = format!(
        "[{}]",
        (1..=150).rev().map(order).collect::<Vec<_>>().join(",")
    );
    let ex = Canned::new(&[
        ("/fapi/v1/openOrders", &body),
        ("/fapi/v1/openAlgoOrders", "[]"),
    ]);
    let out = ok(&ex, "get_futures_open_orders", "{}");
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), OPEN_ORDERS_CAP);
    assert_eq!(rows[0][1], 1);
    assert_eq!(out["truncated"]["available"], 150);
    assert_eq!(out["truncated"]["kept"], "first");
}

/// `GET /fapi/v1/income` (Binance's example and more flows; ids as
/// strings and numbers both, as Binance sends them).
const INCOME: &str = r#"[
  {"symbol": "", "incomeType": "TRANSFER", "income": "-0.37500000", "asset": "USDT",
   "info": "TRANSFER", "time": 1570608000000, "tranId": "9689322392", "tradeId": ""},
  {"symbol": "BTCUSDT", "incomeType": "COMMISSION", "income": "-0.01000000", "asset": "USDT",
   "info": "COMMISSION", "time": 1570636800000, "tranId": 9689322393, "tradeId": "2059192"},
  {"symbol": "BTCUSDT", "incomeType": "FUNDING_FEE", "income": "0.10000000", "asset": "USDT",
   "info": "FUNDING_FEE", "time": 1570622400000, "tranId": 9689322394, "tradeId": ""},
  {"symbol": "BTCUSDT", "incomeType": "FUNDING_FEE", "income": "0.20000000", "asset": "USDT",
   "info": "FUNDING_FEE", "time": 1570651200000, "tranId": 9689322395, "tradeId": ""},
  {"symbol": "BTCUSDT", "incomeType": "COMMISSION", "income": "-0.00000001", "asset": "BNB",
   "info": "COMMISSION", "time": 1570651200001, "tranId": 9689322396, "tradeId": "2059193"}
]"#;

#[test]
fn income_rows_and_exact_totals_per_type_and_asset() {
    let ex = Canned::one("/fapi/v1/income", INCOME);
    let out = ok(&ex, "get_futures_income", "{}");
    assert_eq!(ex.paths(), vec!["/fapi/v1/income"]);
    assert_eq!(ex.params(0), p(&[("limit", "100")]));
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0],
        json!([
            1570608000000i64,
            "2019-10-09T08:00:00.000Z",
            "",
            "TRANSFER",
            "-0.375",
            "USDT",
            "TRANSFER",
            "9689322392",
            ""
        ])
    );
    // Sorted by time: the first funding fee comes second.
    assert_eq!(rows[1][3], "FUNDING_FEE");
    assert_eq!(rows[2][7], "9689322393");
    assert_eq!(rows[2][8], "2059192");
    // 0.1 + 0.2 is exactly 0.3 (a float says 0.30000000000000004).
    assert_eq!(
        out["totals"],
        json!([
            {"incomeType": "COMMISSION", "asset": "BNB", "total": "-0.00000001", "count": 1},
            {"incomeType": "COMMISSION", "asset": "USDT", "total": "-0.01", "count": 1},
            {"incomeType": "FUNDING_FEE", "asset": "USDT", "total": "0.3", "count": 2},
            {"incomeType": "TRANSFER", "asset": "USDT", "total": "-0.375", "count": 1}
        ])
    );
    let ex = Canned::one("/fapi/v1/income", "[]");
    ok(
        &ex,
        "get_futures_income",
        r#"{"symbol":"btcusdt","incomeType":"FUNDING_FEE","startTime":"2019-10-09","endTime":"2019-10-09","limit":1000}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("incomeType", "FUNDING_FEE"),
            ("startTime", "1570579200000"),
            ("endTime", "1570665599999"),
            ("limit", "1000")
        ])
    );
    for (bad, mentions) in [
        (r#"{"incomeType":"FUNDING"}"#, "FUNDING_FEE"),
        (r#"{"incomeType":"funding_fee"}"#, "REALIZED_PNL"),
        (r#"{"limit":1001}"#, "limit"),
        (r#"{"startTime":2,"endTime":1}"#, "startTime"),
        (r#"{"type":"COMMISSION"}"#, "incomeType"),
    ] {
        let ex = Canned::new(&[]);
        let e = call(&ex, "get_futures_income", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
        assert!(
            e.message.contains(mentions) || e.recovery.contains(mentions),
            "{bad}: {e}"
        );
        assert!(ex.requests().is_empty());
    }
}

#[test]
fn income_is_capped_but_the_totals_cover_every_row() {
    let flow = |i: i64| {
        format!(
            r#"{{"symbol":"BTCUSDT","incomeType":"FUNDING_FEE","income":"0.00000001","asset":"USDT","info":"","time":{},"tranId":{i},"tradeId":""}}"#,
            1_700_000_000_000 + i
        )
    };
    let body = format!("[{}]", (1..=1000).map(flow).collect::<Vec<_>>().join(","));
    let ex = Canned::one("/fapi/v1/income", &body);
    let out = ok(&ex, "get_futures_income", r#"{"limit":1000}"#);
    let rows = out["rows"].as_array().unwrap();
    assert_eq!(rows.len(), INCOME_CAP);
    // No startTime: the newest are kept.
    assert_eq!(rows[INCOME_CAP - 1][7], "1000");
    assert_eq!(out["truncated"]["kept"], "last");
    assert_eq!(out["totals"][0]["total"], "0.00001");
    assert_eq!(out["totals"][0]["count"], 1000);
    let ex = Canned::one("/fapi/v1/income", &body);
    let out = ok(
        &ex,
        "get_futures_income",
        r#"{"limit":1000,"startTime":1700000000000}"#,
    );
    assert_eq!(out["rows"][0][7], "1");
    assert_eq!(out["truncated"]["kept"], "first");
}

/// `GET /fapi/v1/forceOrders` (Binance's example, newest first on purpose).
const FORCED: &str = r#"[
  {"orderId": 6072734303, "symbol": "BTCUSDT", "status": "FILLED",
   "clientOrderId": "adl_autoclose", "price": "11023.14", "avgPrice": "10979.82000",
   "origQty": "0.001", "executedQty": "0.001", "cumQuote": "10.97982", "timeInForce": "GTC",
   "type": "LIMIT", "reduceOnly": false, "closePosition": false, "side": "BUY",
   "positionSide": "SHORT", "stopPrice": "0", "workingType": "CONTRACT_PRICE",
   "origType": "LIMIT", "time": 1596110725059, "updateTime": 1596110725071},
  {"orderId": 6071832819, "symbol": "BTCUSDT", "status": "FILLED",
   "clientOrderId": "autoclose-1596107620040000020", "price": "10871.09",
   "avgPrice": "10913.21000", "origQty": "0.001", "executedQty": "0.001",
   "cumQuote": "10.91321", "timeInForce": "IOC", "type": "LIMIT", "reduceOnly": false,
   "closePosition": false, "side": "SELL", "positionSide": "BOTH", "stopPrice": "0",
   "workingType": "CONTRACT_PRICE", "origType": "LIMIT", "time": 1596107620044,
   "updateTime": 1596107620087}
]"#;

#[test]
fn liquidations_are_rows_oldest_first() {
    let ex = Canned::one("/fapi/v1/forceOrders", FORCED);
    let out = ok(&ex, "get_liquidation_history", "{}");
    assert_eq!(ex.paths(), vec!["/fapi/v1/forceOrders"]);
    assert_eq!(ex.params(0), p(&[("limit", "50")]));
    assert_eq!(
        out["rows"],
        json!([
            [
                1596107620044i64,
                "2020-07-30T11:13:40.044Z",
                "BTCUSDT",
                "SELL",
                "10871.09",
                "10913.21",
                "0.001",
                "0.001",
                "10.91321",
                "FILLED",
                "autoclose-1596107620040000020",
                6071832819i64
            ],
            [
                1596110725059i64,
                "2020-07-30T12:05:25.059Z",
                "BTCUSDT",
                "BUY",
                "11023.14",
                "10979.82",
                "0.001",
                "0.001",
                "10.97982",
                "FILLED",
                "adl_autoclose",
                6072734303i64
            ]
        ])
    );
    let ex = Canned::one("/fapi/v1/forceOrders", "[]");
    ok(
        &ex,
        "get_liquidation_history",
        r#"{"symbol":"btcusdt","startTime":1596107620000,"endTime":"2020-07-31","limit":100}"#,
    );
    assert_eq!(
        ex.params(0),
        p(&[
            ("symbol", "BTCUSDT"),
            ("startTime", "1596107620000"),
            ("endTime", "1596239999999"),
            ("limit", "100")
        ])
    );
    for bad in [
        r#"{"limit":101}"#,
        r#"{"limit":0}"#,
        r#"{"autoCloseType":"ADL"}"#,
    ] {
        let ex = Canned::new(&[]);
        let e = call(&ex, "get_liquidation_history", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
        assert!(ex.requests().is_empty());
    }
}

#[test]
fn exchange_errors_pass_through_unchanged() {
    let refusal = binance_mcp_plugin::ToolError {
        exchange_code: Some(-2015),
        exchange_message: Some("Invalid API-key, IP, or permissions for action.".into()),
        ..binance_mcp_plugin::ToolError::new(
            ErrorKind::Authentication,
            "the API key lacks futures permission",
            "enable futures on the key",
        )
    };
    for (tool, path, args) in [
        ("get_futures_account", "/fapi/v3/account", "{}"),
        ("get_futures_positions", "/fapi/v2/positionRisk", "{}"),
        (
            "get_funding_rate",
            "/fapi/v1/premiumIndex",
            r#"{"symbol":"BTCUSDT"}"#,
        ),
        ("get_futures_open_orders", "/fapi/v1/openOrders", "{}"),
        ("get_futures_income", "/fapi/v1/income", "{}"),
        ("get_liquidation_history", "/fapi/v1/forceOrders", "{}"),
    ] {
        let mut ex = Canned::new(&[]);
        ex.fail(path, refusal.clone());
        assert_eq!(call(&ex, tool, args).unwrap_err(), refusal, "{tool}");
    }
    // Garbage is the exchange's fault.
    let ex = Canned::always("{\"unexpected\":true}");
    for tool in ["get_futures_positions", "get_liquidation_history"] {
        let e = call(&ex, tool, "{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::ExchangeUnavailable, "{tool}");
    }
}
