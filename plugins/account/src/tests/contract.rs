//! What holds for every tool: the manifest and its schemas, arguments
//! refused before any request, host errors passed through unchanged, and
//! garbage from the exchange reported as an error, never a panic.

use super::{call, Canned};
use crate::{Account, TOOLS};
use binance_mcp_plugin::{Annotations, ErrorKind, Plugin, ToolError, Value};

#[test]
fn manifest_lists_every_tool_once_with_valid_schemas() {
    let m = Account::manifest();
    assert_eq!(m.name, "account");
    assert_eq!(m.tools.len(), 12);
    let mut names: Vec<_> = m.tools.iter().map(|t| t.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), TOOLS.len());
    for t in &m.tools {
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        assert_eq!(t.output_schema["type"], "object", "{}", t.name);
        assert_eq!(t.annotations, Annotations::READ_ONLY_EXCHANGE, "{}", t.name);
        for s in [&t.input_schema, &t.output_schema] {
            jsonschema::draft7::new(s).expect("a valid draft-07 schema");
            jsonschema::draft202012::new(s).expect("a valid 2020-12 schema");
            portable(&t.name, s);
        }
        // Argument names are Binance's; the host's own never appear.
        for k in t.input_schema["properties"].as_object().unwrap().keys() {
            assert!(!["timestamp", "recvWindow", "signature"].contains(&k.as_str()));
        }
    }
    let desc = |n: &str| {
        m.tools
            .iter()
            .find(|t| t.name == n)
            .unwrap()
            .description
            .clone()
    };
    assert!(desc("get_open_orders").contains("80"));
    assert!(desc("get_account_snapshot").contains("2400"));
    let addr = desc("get_deposit_address");
    assert!(
        addr.contains("address-substitution")
            && addr.contains("verify the address in the Binance app")
    );
}

/// Only keywords draft-07 and 2020-12 read alike: no `prefixItems`,
/// array-form `items` or `$defs`, and a `$ref` beside nothing but a
/// `description`, pointing inside the schema.
fn portable(tool: &str, schema: &Value) {
    match schema {
        Value::Object(map) => {
            for bad in ["prefixItems", "$defs", "$schema", "format"] {
                assert!(!map.contains_key(bad), "{tool}: {bad} in {schema}");
            }
            if let Some(r) = map.get("$ref") {
                assert!(r.as_str().unwrap().starts_with("#/"), "{tool}: {r}");
                assert!(
                    map.keys().all(|k| k == "$ref" || k == "description"),
                    "{tool}: a $ref with siblings: {schema}"
                );
            }
            if let Some(items) = map.get("items") {
                assert!(items.is_object(), "{tool}: array-form items");
            }
            map.values().for_each(|v| portable(tool, v));
        }
        Value::Array(items) => items.iter().for_each(|v| portable(tool, v)),
        _ => {}
    }
}

#[test]
fn bad_arguments_never_reach_the_exchange() {
    let ex = Canned::new(&[]);
    let cases = [
        (
            "get_account_info",
            r#"{"omitZeroBalances":false}"#,
            "omitZeroBalances",
        ),
        ("get_account_trades", r#"{}"#, "symbol"),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","limit":0}"#,
            "limit",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","limit":1001}"#,
            "limit",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","fromId":-1}"#,
            "fromId",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","startTime":1,"fromId":5}"#,
            "fromId",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","endTime":1,"orderId":5}"#,
            "orderId",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","startTime":0,"endTime":86400001}"#,
            "endTime",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","timestamp":1}"#,
            "timestamp",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","startTime":"last tuesday"}"#,
            "ISO-8601",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","startTime":"2023-11-14","endTime":"2023-11-15"}"#,
            "24 hours",
        ),
        (
            "get_account_trades",
            r#"{"symbol":"BTCUSDT","recvWindow":5000}"#,
            "recvWindow",
        ),
        ("get_open_orders", r#"{"symbol":"BTC/USDT"}"#, "symbol"),
        (
            "get_all_orders",
            r#"{"symbol":"BTCUSDT","startTime":9,"endTime":8}"#,
            "startTime",
        ),
        (
            "get_all_orders",
            r#"{"symbol":"BTCUSDT","limit":"many"}"#,
            "limit",
        ),
        ("get_order", r#"{"symbol":"BTCUSDT"}"#, "orderId"),
        (
            "get_order",
            r#"{"symbol":"BTCUSDT","orderId":1,"origClientOrderId":"a"}"#,
            "origClientOrderId",
        ),
        (
            "get_order",
            r#"{"symbol":"BTCUSDT","origClientOrderId":"has space"}"#,
            "origClientOrderId",
        ),
        ("get_order", r#"{"orderId":1}"#, "symbol"),
        ("get_fee_info", r#"{}"#, "symbol"),
        ("get_account_snapshot", r#"{"limit":6}"#, "limit"),
        ("get_account_snapshot", r#"{"limit":31}"#, "limit"),
        ("get_account_snapshot", r#"{"type":"ISOLATED"}"#, "type"),
        ("get_account_snapshot", r#"{"type":5}"#, "type"),
        ("get_pnl", r#"{"quote":"US DT"}"#, "quote"),
        ("get_pnl", r#"{"quote":7}"#, "quote"),
        ("get_pnl", r#"{"symbols":[]}"#, "symbols"),
        ("get_pnl", r#"{"symbols":"BTCUSDT"}"#, "symbols"),
        (
            "get_pnl",
            r#"{"symbols":["A1","A2","A3","A4","A5","A6","A7","A8","A9","A10","A11"]}"#,
            "symbols",
        ),
        (
            "get_pnl",
            r#"{"symbols":["BTCUSDT"],"startTime":-5}"#,
            "startTime",
        ),
        ("get_deposit_history", r#"{"coin":"US DT"}"#, "coin"),
        ("get_deposit_history", r#"{"coin":"BTC-X"}"#, "coin"),
        ("get_deposit_history", r#"{"status":3}"#, "status"),
        ("get_deposit_history", r#"{"status":"done"}"#, "status"),
        ("get_deposit_history", r#"{"status":true}"#, "status"),
        (
            "get_account_snapshot",
            r#"{"startTime":"2024-01-01","endTime":"2024-02-15"}"#,
            "30 days",
        ),
        ("get_deposit_history", r#"{"limit":1001}"#, "limit"),
        (
            "get_deposit_history",
            r#"{"startTime":0,"endTime":7776000001}"#,
            "endTime",
        ),
        ("get_withdraw_history", r#"{"status":9}"#, "status"),
        ("get_withdraw_history", r#"{"offset":-1}"#, "offset"),
        (
            "get_withdraw_history",
            r#"{"coin":"ABCDEFGHIJKLMNOPQRSTU"}"#,
            "coin",
        ),
        ("get_universal_transfer_history", r#"{}"#, "type"),
        (
            "get_universal_transfer_history",
            r#"{"type":"MAIN_MOON"}"#,
            "MAIN_UMFUTURE",
        ),
        (
            "get_universal_transfer_history",
            r#"{"type":"MAIN_UMFUTURE","size":101}"#,
            "size",
        ),
        (
            "get_universal_transfer_history",
            r#"{"type":"MAIN_UMFUTURE","current":0}"#,
            "current",
        ),
        (
            "get_universal_transfer_history",
            r#"{"type":"ISOLATEDMARGIN_MARGIN"}"#,
            "fromSymbol",
        ),
        (
            "get_universal_transfer_history",
            r#"{"type":"MARGIN_ISOLATEDMARGIN"}"#,
            "toSymbol",
        ),
        ("get_deposit_address", r#"{}"#, "coin"),
        ("get_deposit_address", r#"{"coin":5}"#, "coin"),
        (
            "get_deposit_address",
            r#"{"coin":"BTC","network":"B T C"}"#,
            "network",
        ),
    ];
    for (tool, args, mentions) in cases {
        let e = call(&ex, tool, args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{tool} {args}");
        assert!(
            e.message.contains(mentions) || e.recovery.contains(mentions),
            "{tool} {args}: {e}"
        );
    }
    assert!(ex.requests().is_empty());
}

#[test]
fn host_errors_pass_through_unchanged() {
    let auth = ToolError {
        data: Some(Box::new(
            serde_json::json!({"set": ["BINANCE_API_KEY", "BINANCE_SECRET_KEY"]}),
        )),
        ..ToolError::new(
            ErrorKind::Authentication,
            "this tool needs API keys",
            "set BINANCE_API_KEY and BINANCE_SECRET_KEY",
        )
    };
    let mut ex = Canned::new(&[]);
    for path in [
        "/api/v3/account",
        "/api/v3/myTrades",
        "/api/v3/openOrders",
        "/api/v3/allOrders",
        "/api/v3/order",
        "/api/v3/account/commission",
        "/sapi/v1/accountSnapshot",
        "/api/v3/exchangeInfo",
        "/sapi/v1/capital/deposit/hisrec",
        "/sapi/v1/capital/withdraw/history",
        "/sapi/v1/asset/transfer",
        "/sapi/v1/capital/deposit/address",
    ] {
        ex.fail(path, auth.clone());
    }
    for tool in TOOLS {
        let e = call(&ex, tool.name, valid_args(tool.name)).unwrap_err();
        assert_eq!(e, auth, "{}", tool.name);
    }
}

/// Arguments each tool accepts.
fn valid_args(tool: &str) -> &'static str {
    match tool {
        "get_account_trades" | "get_all_orders" | "get_fee_info" => r#"{"symbol":"BTCUSDT"}"#,
        "get_order" => r#"{"symbol":"BTCUSDT","orderId":1}"#,
        "get_pnl" => r#"{"symbols":["BTCUSDT"]}"#,
        "get_universal_transfer_history" => r#"{"type":"MAIN_UMFUTURE"}"#,
        "get_deposit_address" => r#"{"coin":"BTC"}"#,
        _ => "{}",
    }
}

#[test]
fn garbage_from_the_exchange_is_an_error_not_a_panic() {
    let paths = [
        "/api/v3/account",
        "/api/v3/myTrades",
        "/api/v3/openOrders",
        "/api/v3/allOrders",
        "/api/v3/order",
        "/api/v3/account/commission",
        "/sapi/v1/accountSnapshot",
        "/api/v3/exchangeInfo",
        "/api/v3/ticker/price",
        "/sapi/v1/capital/deposit/hisrec",
        "/sapi/v1/capital/withdraw/history",
        "/sapi/v1/asset/transfer",
        "/sapi/v1/capital/deposit/address",
    ];
    let bodies = [
        "",
        "not json",
        "[]",
        "{}",
        "null",
        "[1,2]",
        r#"[{"id":"x"}]"#,
        r#"{"balances":5,"snapshotVos":[{"data":5}],"rows":[{}],"total":"x"}"#,
        r#"{"symbols":[{"symbol":"BTCUSDT","baseAsset":"BTC","quoteAsset":"USDT"}],"address":7}"#,
    ];
    for body in bodies {
        let answers: Vec<(&str, &str)> = paths.iter().map(|p| (*p, body)).collect();
        let ex = Canned::new(&answers);
        for tool in TOOLS {
            // Some bodies are valid for some tools (e.g. [] trades); none may panic.
            if let Err(e) = call(&ex, tool.name, valid_args(tool.name)) {
                assert!(!e.message.is_empty());
                assert_ne!(e.kind, ErrorKind::Internal, "{} {body}", tool.name);
            }
        }
        for (tool, args) in [
            ("get_pnl", "{}"),
            ("get_account_snapshot", r#"{"type":"MARGIN"}"#),
            ("get_account_snapshot", r#"{"type":"FUTURES"}"#),
        ] {
            if let Err(e) = call(&ex, tool, args) {
                assert_ne!(e.kind, ErrorKind::Internal, "{tool} {args} {body}");
            }
        }
    }
}
