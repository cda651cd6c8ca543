//! `get_account_info` (balances valued in USDT: directly, through the
//! inverse market, unvalued, and without prices at all) and `get_fee_info`.

use super::{account_body, call, ok, p, prices_body, Canned};
use binance_mcp_plugin::{json, ErrorKind, ToolError};

/// The account of the valuation tests: BTC (direct market), USDT (itself),
/// BRL (only USDTBRL), LDBTC (no market), XYZ (a zero price: no market).
fn valued_account() -> Canned {
    let account = r#"{"makerCommission":10,"takerCommission":10,"buyerCommission":0,"sellerCommission":0,
        "commissionRates":{"maker":"0.00100000","taker":"0.00100000","buyer":"0.00000000","seller":"0.00000000"},
        "canTrade":true,"canWithdraw":false,"canDeposit":true,"brokered":false,"requireSelfTradePrevention":false,
        "preventSor":false,"updateTime":1700000000000,"accountType":"SPOT",
        "balances":[{"asset":"LDBTC","free":"0.50000000","locked":"0.00000000"},
                    {"asset":"BRL","free":"50.00000000","locked":"0.00000000"},
                    {"asset":"BTC","free":"0.10000000","locked":"0.20000000"},
                    {"asset":"ETH","free":"0.00000000","locked":"0.00000000"},
                    {"asset":"XYZ","free":"1.00000000","locked":"0.00000000"},
                    {"asset":"USDT","free":"1000.00000001","locked":"0.99999999"}],
        "permissions":["SPOT"],"uid":354937868}"#;
    let prices = prices_body(&[
        ("BTCUSDT", "65000.01000000"),
        ("USDTBRL", "5.00000000"),
        ("XYZUSDT", "0.00000000"),
        ("ETHBTC", "0.05000000"),
    ]);
    Canned::new(&[
        ("/api/v3/account", account),
        ("/api/v3/ticker/price", &prices),
    ])
}

#[test]
fn account_info_values_balances_in_usdt_most_valuable_first() {
    let ex = valued_account();
    let out = ok(&ex, "get_account_info", "{}");
    assert_eq!(ex.paths(), vec!["/api/v3/account", "/api/v3/ticker/price"]);
    assert_eq!(ex.params(0), p(&[("omitZeroBalances", "true")]));
    assert!(ex.params(1).is_empty(), "every price in one request");
    assert_eq!(out["accountType"], "SPOT");
    assert_eq!(out["canWithdraw"], false);
    assert_eq!(out["permissions"], json!(["SPOT"]));
    assert_eq!(out["commissionRates"]["maker"], "0.001");
    assert_eq!(out["commissionRates"]["buyer"], "0");
    assert_eq!(out["updateTime"], "2023-11-14T22:13:20.000Z");
    // 0.3 × 65000.01, 1001 × 1, 50 ÷ 5, then the unvalued in Binance's order.
    assert_eq!(
        out["balances"],
        json!([
            {"asset":"BTC","free":"0.1","locked":"0.2","total":"0.3","valueUsdt":"19500.003"},
            {"asset":"USDT","free":"1000.00000001","locked":"0.99999999","total":"1001","valueUsdt":"1001"},
            {"asset":"BRL","free":"50","total":"50","valueUsdt":"10"},
            {"asset":"LDBTC","free":"0.5","total":"0.5"},
            {"asset":"XYZ","free":"1","total":"1"}
        ])
    );
    assert_eq!(out["totalValueUsdt"], "20511.003");
    assert_eq!(out["unvalued"], json!(["LDBTC", "XYZ"]));
    for gone in ["uid", "valuationError", "truncated", "balanceCount"] {
        assert!(out.get(gone).is_none(), "{gone}");
    }
}

#[test]
fn account_info_without_prices_still_lists_the_balances() {
    for fault in ["error", "garbage"] {
        let mut ex = valued_account();
        match fault {
            "error" => ex.fail(
                "/api/v3/ticker/price",
                ToolError {
                    retry_after_secs: Some(30),
                    ..ToolError::new(
                        ErrorKind::RateLimited,
                        "the request weight limit is reached",
                        "retry in 30 s",
                    )
                },
            ),
            _ => {
                ex = Canned::new(&[
                    (
                        "/api/v3/account",
                        &account_body(&[("BTC", "1", "0"), ("USDT", "5", "0")]),
                    ),
                    ("/api/v3/ticker/price", r#"{"msg":"not a list"}"#),
                ])
            }
        }
        let out = ok(&ex, "get_account_info", "{}");
        let error = out["valuationError"].as_str().unwrap();
        assert!(error.contains("nothing valued"), "{fault}: {error}");
        if fault == "error" {
            assert!(error.contains("weight limit"), "{error}");
            assert_eq!(
                out["unvalued"],
                json!(["LDBTC", "BRL", "BTC", "XYZ", "USDT"]),
                "Binance's order, every asset"
            );
        }
        assert!(out.get("totalValueUsdt").is_none(), "{fault}");
        let balances = out["balances"].as_array().unwrap();
        assert!(!balances.is_empty());
        assert!(balances.iter().all(|b| b.get("valueUsdt").is_none()));
    }
    // The account itself failing still fails the tool.
    let mut ex = valued_account();
    ex.fail(
        "/api/v3/account",
        ToolError::new(ErrorKind::Authentication, "no keys", "set them"),
    );
    assert_eq!(
        call(&ex, "get_account_info", "{}").unwrap_err().kind,
        ErrorKind::Authentication
    );
}

#[test]
fn account_balances_are_capped_and_the_total_covers_all() {
    // A0..A249 hold 1..250 units, each worth 1 USDT a unit.
    let rows: Vec<(String, String)> = (0..250)
        .map(|i| (format!("A{i}"), format!("{}", i + 1)))
        .collect();
    let refs: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, f)| (a.as_str(), f.as_str(), "0"))
        .collect();
    let symbols: Vec<String> = (0..250).map(|i| format!("A{i}USDT")).collect();
    let prices: Vec<(&str, &str)> = symbols.iter().map(|s| (s.as_str(), "1")).collect();
    let ex = Canned::new(&[
        ("/api/v3/account", &account_body(&refs)),
        ("/api/v3/ticker/price", &prices_body(&prices)),
    ]);
    let out = ok(&ex, "get_account_info", "");
    let listed = out["balances"].as_array().unwrap();
    assert_eq!(listed.len(), crate::balances::BALANCES_CAP);
    assert_eq!(listed[0]["asset"], "A249");
    assert_eq!(listed[99]["asset"], "A150");
    assert_eq!(out["truncated"]["available"], 250);
    assert_eq!(out["truncated"]["returned"], 100);
    assert_eq!(out["truncated"]["kept"], "first");
    assert_eq!(out["totalValueUsdt"], "31375"); // 1 + 2 + … + 250
}

#[test]
fn fee_info_reports_standard_tax_and_discount() {
    let ex = Canned::one(
        "/api/v3/account/commission",
        r#"{"symbol":"BTCUSDT",
        "standardCommission":{"maker":"0.00000010","taker":"0.00000020","buyer":"0.00000030","seller":"0.00000040"},
        "specialCommission":{"maker":"0.01000000","taker":"0.02000000","buyer":"0.03000000","seller":"0.04000000"},
        "taxCommission":{"maker":"0.00000112","taker":"0.00000114","buyer":"0.00000118","seller":"0.00000116"},
        "discount":{"enabledForAccount":true,"enabledForSymbol":true,"discountAsset":"BNB","discount":"0.75000000"}}"#,
    );
    let out = ok(&ex, "get_fee_info", r#"{"symbol":"btcusdt"}"#);
    assert_eq!(ex.params(0), p(&[("symbol", "BTCUSDT")]));
    assert_eq!(out["standardCommission"]["taker"], "0.0000002");
    assert_eq!(out["taxCommission"]["seller"], "0.00000116");
    assert_eq!(out["specialCommission"]["maker"], "0.01");
    assert_eq!(out["discount"]["discount"], "0.75");
    assert_eq!(out["discount"]["discountAsset"], "BNB");
}

#[test]
fn unvalued_assets_are_listed_up_to_the_cap_and_counted() {
    let held: Vec<(String, &str, &str)> =
        (0..250).map(|i| (format!("DUST{i}"), "1", "0")).collect();
    let held: Vec<(&str, &str, &str)> = held.iter().map(|(a, f, l)| (a.as_str(), *f, *l)).collect();
    let ex = Canned::new(&[
        ("/api/v3/account", &account_body(&held)),
        (
            "/api/v3/ticker/price",
            r#"[{"symbol":"BTCUSDT","price":"1"}]"#,
        ),
    ]);
    let out = ok(&ex, "get_account_info", "{}");
    assert_eq!(
        out["unvalued"].as_array().unwrap().len(),
        crate::balances::BALANCES_CAP
    );
    assert_eq!(out["unvaluedCount"], 250);
    assert_eq!(out["totalValueUsdt"], "0");
}
