//! The six writes against a canned futures-trading capability: each tool's
//! arguments mapped to exactly the right record, bad arguments refused
//! before the host is called, the host's answer passed on unchanged (and
//! checked against the declared output schema), and the refusal without
//! the capability.

use super::schema_errors;
use crate::{Futures, TOOLS};
use binance_mcp_plugin::futures::{
    FuturesCancel, FuturesOrder, FuturesOrderType, FuturesTimeInForce, MarginType, WorkingType,
};
use binance_mcp_plugin::testing::{CannedExchange, CannedFutures, CannedTrading, FuturesCall};
use binance_mcp_plugin::trading::Side;
use binance_mcp_plugin::{json, Answer, ErrorKind, Plugin, ToolError, Value};

/// An order's state as the host might answer it (keys not sorted, on purpose).
const NEW: &str = r#"{"symbol":"BTCUSDT","orderId":4611875134427365377,"clientOrderId":"x-1","status":"NEW","type":"LIMIT","origQty":"0.010","price":"65000.10"}"#;

/// A host with the capability, answering every call with `body`.
fn host(body: &str) -> CannedExchange {
    CannedExchange::default().with_futures(CannedFutures::always(body))
}

/// Run a tool: its answer, checked against the tool's output schema. No
/// write may use the raw exchange capability.
fn run(ex: &CannedExchange, tool: &str, args: &str) -> Result<Answer, ToolError> {
    let result = Futures::call_tool(ex, tool, args);
    assert!(ex.requests().is_empty(), "{tool} sent a raw request");
    if let Ok(answer) = &result {
        let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
        let out = answer.to_value();
        let errors = schema_errors(&(t.output_schema)(), &out);
        assert!(errors.is_empty(), "{tool}: {errors:?}\n{out:#}");
    }
    result
}

/// Run a tool that must succeed; the one call the host received.
fn sent(tool: &str, args: &str) -> FuturesCall {
    let ex = host(NEW);
    run(&ex, tool, args).unwrap_or_else(|e| panic!("{tool} {args}: {e}"));
    let calls = ex.futures_calls();
    assert_eq!(calls.len(), 1, "{tool} {args}: {calls:?}");
    calls.into_iter().next().unwrap()
}

fn placed(args: &str) -> FuturesOrder {
    match sent("place_futures_order", args) {
        FuturesCall::PlaceOrder(o) => o,
        other => panic!("{args}: {other:?}"),
    }
}

/// An order with only the required fields set.
fn order(side: Side, order_type: FuturesOrderType) -> FuturesOrder {
    FuturesOrder {
        symbol: "BTCUSDT".into(),
        side,
        order_type,
        quantity: None,
        price: None,
        trigger_price: None,
        time_in_force: None,
        reduce_only: false,
        close_position: false,
        working_type: None,
        activation_price: None,
        callback_rate: None,
        client_order_id: None,
        confirmation: None,
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// A valid call of every write.
const VALID: &[(&str, &str)] = &[
    ("set_leverage", r#"{"symbol":"BTCUSDT","leverage":10}"#),
    (
        "set_margin_type",
        r#"{"symbol":"BTCUSDT","marginType":"ISOLATED"}"#,
    ),
    (
        "place_futures_order",
        r#"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"65000.10"}"#,
    ),
    ("close_position", r#"{"symbol":"BTCUSDT"}"#),
    (
        "cancel_futures_order",
        r#"{"symbol":"BTCUSDT","orderId":28}"#,
    ),
    ("cancel_all_futures_orders", r#"{"symbol":"BTCUSDT"}"#),
];

#[test]
fn valid_arguments_satisfy_the_input_schemas_and_reach_the_host() {
    let more = [
        (
            "place_futures_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","type":"STOP","quantity":"1","price":"1.5","triggerPrice":"1.6","timeInForce":"GTX","reduceOnly":true,"workingType":"MARK_PRICE","newClientOrderId":"a.b:c/d_e-f","confirmation":"tok-1"}"#,
        ),
        (
            "place_futures_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","type":"TAKE_PROFIT_MARKET","stopPrice":"70000","closePosition":true}"#,
        ),
        (
            "place_futures_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","type":"TRAILING_STOP_MARKET","quantity":"1","callbackRate":"0.1","activationPrice":"70000"}"#,
        ),
        (
            "cancel_futures_order",
            r#"{"symbol":"BTCUSDT","clientAlgoId":"MRumok0dkhrP4kCm12AHaB"}"#,
        ),
        (
            "set_leverage",
            r#"{"symbol":"BTCUSDT","leverage":125,"confirmation":"t"}"#,
        ),
        (
            "close_position",
            r#"{"symbol":"BTCUSDT","confirmation":"t"}"#,
        ),
    ];
    for (tool, a) in VALID.iter().copied().chain(more) {
        let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
        let value: Value = serde_json::from_str(a).unwrap();
        let errors = schema_errors(&(t.input_schema)(), &value);
        assert!(errors.is_empty(), "{tool} {a}: {errors:?}");
        sent(tool, a);
    }
    // What the plugin refuses, the schema refuses too (for a client that checks).
    for (tool, a) in [
        (
            "place_futures_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":0.1}"#,
        ),
        (
            "place_futures_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","type":"STOP_LOSS","quantity":"1"}"#,
        ),
        ("set_leverage", r#"{"symbol":"BTCUSDT","leverage":126}"#),
        (
            "set_margin_type",
            r#"{"symbol":"BTCUSDT","marginType":"CROSS"}"#,
        ),
        (
            "cancel_all_futures_orders",
            r#"{"symbol":"BTCUSDT","all":true}"#,
        ),
    ] {
        let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
        let value: Value = serde_json::from_str(a).unwrap();
        assert!(
            !schema_errors(&(t.input_schema)(), &value).is_empty(),
            "{tool} {a}"
        );
    }
}

#[test]
fn a_limit_order_maps_to_exactly_its_record() {
    let o = placed(
        r#"{"symbol":"btcusdt","side":"BUY","type":"LIMIT","quantity":"0.010","price":"65000.10","timeInForce":"GTX","reduceOnly":true,"newClientOrderId":"my-order-1","confirmation":"c0nf-T0ken"}"#,
    );
    assert_eq!(
        o,
        FuturesOrder {
            quantity: some("0.010"),
            price: some("65000.10"),
            time_in_force: Some(FuturesTimeInForce::Gtx),
            reduce_only: true,
            client_order_id: some("my-order-1"),
            confirmation: some("c0nf-T0ken"),
            ..order(Side::Buy, FuturesOrderType::Limit)
        }
    );
}

#[test]
fn every_type_maps_to_its_record_value() {
    let types = [
        (
            "LIMIT",
            FuturesOrderType::Limit,
            r#","quantity":"3","price":"1""#,
        ),
        ("MARKET", FuturesOrderType::Market, r#","quantity":"3""#),
        (
            "STOP",
            FuturesOrderType::Stop,
            r#","quantity":"3","price":"1","triggerPrice":"1.1""#,
        ),
        (
            "STOP_MARKET",
            FuturesOrderType::StopMarket,
            r#","quantity":"3","triggerPrice":"1.1""#,
        ),
        (
            "TAKE_PROFIT",
            FuturesOrderType::TakeProfit,
            r#","quantity":"3","price":"1","triggerPrice":"0.9""#,
        ),
        (
            "TAKE_PROFIT_MARKET",
            FuturesOrderType::TakeProfitMarket,
            r#","quantity":"3","triggerPrice":"0.9""#,
        ),
        (
            "TRAILING_STOP_MARKET",
            FuturesOrderType::TrailingStopMarket,
            r#","quantity":"3","callbackRate":"10""#,
        ),
    ];
    for (name, ty, extra) in types {
        let o = placed(&format!(
            r#"{{"symbol":"BTCUSDT","side":"SELL","type":"{name}"{extra}}}"#
        ));
        assert_eq!(o.order_type, ty, "{name}");
        assert_eq!(o.side, Side::Sell, "{name}");
        assert_eq!(o.quantity, some("3"), "{name}");
        assert_eq!(o.price.is_some(), extra.contains("\"price\""), "{name}");
        assert_eq!(
            o.trigger_price.is_some(),
            extra.contains("triggerPrice"),
            "{name}"
        );
        assert_eq!(o.callback_rate.is_some(), extra.contains("callbackRate"));
    }
    for (name, tif) in [
        ("GTC", FuturesTimeInForce::Gtc),
        ("IOC", FuturesTimeInForce::Ioc),
        ("FOK", FuturesTimeInForce::Fok),
        ("GTX", FuturesTimeInForce::Gtx),
    ] {
        let o = placed(&format!(
            r#"{{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"1","price":"2","timeInForce":"{name}"}}"#
        ));
        assert_eq!(o.time_in_force, Some(tif), "{name}");
    }
}

#[test]
fn conditional_orders_map_trigger_close_and_trailing_fields() {
    // stopPrice is an alias of triggerPrice.
    let o = placed(
        r#"{"symbol":"BTCUSDT","side":"SELL","type":"STOP_MARKET","stopPrice":"60000","closePosition":true,"workingType":"MARK_PRICE"}"#,
    );
    assert_eq!(
        o,
        FuturesOrder {
            trigger_price: some("60000"),
            close_position: true,
            working_type: Some(WorkingType::MarkPrice),
            ..order(Side::Sell, FuturesOrderType::StopMarket)
        }
    );
    let o = placed(
        r#"{"symbol":"BTCUSDT","side":"BUY","type":"TAKE_PROFIT","quantity":"0.5","price":"59000","triggerPrice":"59100","workingType":"CONTRACT_PRICE","timeInForce":"GTC"}"#,
    );
    assert_eq!(
        o,
        FuturesOrder {
            quantity: some("0.5"),
            price: some("59000"),
            trigger_price: some("59100"),
            working_type: Some(WorkingType::ContractPrice),
            time_in_force: Some(FuturesTimeInForce::Gtc),
            ..order(Side::Buy, FuturesOrderType::TakeProfit)
        }
    );
    let o = placed(
        r#"{"symbol":"BTCUSDT","side":"SELL","type":"TRAILING_STOP_MARKET","quantity":"0.5","activationPrice":"70000","callbackRate":"1.5","reduceOnly":true}"#,
    );
    assert_eq!(
        o,
        FuturesOrder {
            quantity: some("0.5"),
            activation_price: some("70000"),
            callback_rate: some("1.5"),
            reduce_only: true,
            ..order(Side::Sell, FuturesOrderType::TrailingStopMarket)
        }
    );
}

#[test]
fn settings_close_and_cancels_map_to_exactly_their_records() {
    assert_eq!(
        sent(
            "set_leverage",
            r#"{"symbol":"btcusdt","leverage":20,"confirmation":"tok"}"#
        ),
        FuturesCall::SetLeverage {
            symbol: "BTCUSDT".into(),
            leverage: 20,
            confirmation: some("tok"),
        }
    );
    // Models often quote numbers.
    assert_eq!(
        sent("set_leverage", r#"{"symbol":"BTCUSDT","leverage":"1"}"#),
        FuturesCall::SetLeverage {
            symbol: "BTCUSDT".into(),
            leverage: 1,
            confirmation: None,
        }
    );
    for (name, mt) in [
        ("ISOLATED", MarginType::Isolated),
        ("CROSSED", MarginType::Crossed),
    ] {
        assert_eq!(
            sent(
                "set_margin_type",
                &format!(r#"{{"symbol":"ETHUSDT","marginType":"{name}"}}"#)
            ),
            FuturesCall::SetMarginType {
                symbol: "ETHUSDT".into(),
                margin_type: mt,
                confirmation: None,
            }
        );
    }
    assert_eq!(
        sent(
            "close_position",
            r#"{"symbol":"ethusdt","confirmation":"k7Qz-91"}"#
        ),
        FuturesCall::ClosePosition {
            symbol: "ETHUSDT".into(),
            confirmation: some("k7Qz-91"),
        }
    );
    let cancel = |order_id: Option<u64>, client: Option<&str>, conditional: bool| {
        FuturesCall::CancelOrder(FuturesCancel {
            symbol: "BTCUSDT".into(),
            order_id,
            client_order_id: client.map(str::to_string),
            conditional,
        })
    };
    for (args, expected) in [
        (
            r#"{"symbol":"btcusdt","orderId":4611875134427365377}"#,
            cancel(Some(4_611_875_134_427_365_377), None, false),
        ),
        (
            r#"{"symbol":"BTCUSDT","orderId":"28","algoId":null}"#,
            cancel(Some(28), None, false),
        ),
        (
            r#"{"symbol":"BTCUSDT","origClientOrderId":"web_a1b2"}"#,
            cancel(None, Some("web_a1b2"), false),
        ),
        (
            r#"{"symbol":"BTCUSDT","algoId":2148627}"#,
            cancel(Some(2_148_627), None, true),
        ),
        (
            r#"{"symbol":"BTCUSDT","clientAlgoId":"MRumok0dkhrP4kCm12AHaB"}"#,
            cancel(None, Some("MRumok0dkhrP4kCm12AHaB"), true),
        ),
    ] {
        assert_eq!(sent("cancel_futures_order", args), expected, "{args}");
    }
    assert_eq!(
        sent("cancel_all_futures_orders", r#"{"symbol":"ethbtc"}"#),
        FuturesCall::CancelAll("ETHBTC".into())
    );
}

#[test]
fn the_hosts_answer_is_the_output_unchanged() {
    let preview = r#"{"preview":{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"65000.10","notional":"650.001"},"confirmation":"k7Qz-91","expiresInSecs":120,"message":"pass confirmation back in an identical call"}"#;
    let leverage = r#"{"symbol":"BTCUSDT","leverage":10,"maxNotionalValue":"1000000"}"#;
    for (tool, args) in VALID {
        for body in [NEW, preview, leverage, "{}"] {
            let answer = run(&host(body), tool, args).unwrap();
            assert_eq!(answer.as_str(), body, "{tool}");
        }
    }
    // Not an object: a host fault, reported as one.
    for body in ["[]", "\"NEW\"", "", "{\"a\":", "{} {}"] {
        let e = run(&host(body), "place_futures_order", VALID[2].1).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Internal, "{body:?}");
        assert!(e.message.contains("not a JSON object"), "{body:?}: {e}");
    }
}

#[test]
fn host_errors_pass_through_unchanged() {
    let refusal = ToolError {
        exchange_code: Some(-2019),
        exchange_message: Some("Margin is insufficient.".into()),
        data: Some(Box::new(json!({ "limit": "500" }))),
        ..ToolError::new(
            ErrorKind::ExchangeRejected,
            "the exchange refused the order",
            "lower quantity",
        )
    };
    for (tool, args) in VALID {
        let ex = CannedExchange::default().with_futures(CannedFutures::failing(refusal.clone()));
        assert_eq!(run(&ex, tool, args).unwrap_err(), refusal, "{tool}");
        assert_eq!(ex.futures_calls().len(), 1, "{tool}");
    }
}

#[test]
fn without_the_capability_every_write_is_not_permitted() {
    // Spot trading is no stand-in for futures trading.
    for ex in [
        CannedExchange::default(),
        CannedExchange::default().with_trading(CannedTrading::always("{}")),
    ] {
        for (tool, args) in VALID {
            let e = run(&ex, tool, args).unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotPermitted, "{tool}");
            assert!(e.recovery.contains("futures-trade"), "{tool}: {e}");
        }
        assert!(ex.trading_calls().is_empty());
    }
}

#[test]
fn bad_arguments_never_reach_the_host() {
    const P: &str = r#""symbol":"BTCUSDT","side":"BUY""#;
    let place = |rest: &str| ("place_futures_order", format!("{{{P},{rest}}}"));
    let other = |tool: &'static str, args: &str| (tool, args.to_string());
    let cases: Vec<((&str, String), &str)> = vec![
        // Unknown names, required fields and enums.
        (
            place(r#""type":"MARKET","quantity":"1","qty":"1""#),
            "triggerPrice",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","positionSide":"LONG""#),
            "positionSide",
        ),
        (other("place_futures_order", "[]"), "object"),
        (
            other(
                "place_futures_order",
                r#"{"side":"BUY","type":"MARKET","quantity":"1"}"#,
            ),
            "symbol",
        ),
        (place(r#""quantity":"1""#), "LIMIT, MARKET, STOP"),
        (
            place(r#""type":"STOP_LOSS","quantity":"1""#),
            "TRAILING_STOP_MARKET",
        ),
        (
            other(
                "place_futures_order",
                r#"{"symbol":"BTCUSDT","side":"long","type":"MARKET","quantity":"1"}"#,
            ),
            "BUY, SELL",
        ),
        (
            place(r#""type":"LIMIT","quantity":"1","price":"1","timeInForce":"GTD""#),
            "GTC, IOC, FOK, GTX",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","workingType":"LAST""#),
            "MARK_PRICE",
        ),
        // Decimals: strings of digits, positive, exact, never JSON numbers.
        (place(r#""type":"MARKET","quantity":0.001"#), "\"0.001\""),
        (place(r#""type":"MARKET","quantity":"1e-3""#), "quantity"),
        (place(r#""type":"MARKET","quantity":"1.""#), "quantity"),
        (
            place(r#""type":"MARKET","quantity":"0.000""#),
            "greater than zero",
        ),
        (
            place(r#""type":"MARKET","quantity":"-1""#),
            "greater than zero",
        ),
        (
            place(r#""type":"MARKET","quantity":"123456789012345678901234567890""#),
            "exact decimal",
        ),
        (
            place(r#""type":"LIMIT","quantity":"1","price":"abc""#),
            "price",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":true"#),
            "triggerPrice",
        ),
        // What each type takes.
        (place(r#""type":"MARKET""#), "quantity"),
        (
            place(r#""type":"STOP_MARKET","triggerPrice":"1""#),
            "closePosition",
        ),
        (place(r#""type":"LIMIT","quantity":"1""#), "price"),
        (
            place(r#""type":"MARKET","quantity":"1","price":"1""#),
            "LIMIT",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","price":"1""#),
            "triggerPrice",
        ),
        (
            place(r#""type":"STOP","quantity":"1","price":"1""#),
            "triggerPrice",
        ),
        (
            place(r#""type":"TAKE_PROFIT","quantity":"1","triggerPrice":"1""#),
            "price",
        ),
        (
            place(r#""type":"TAKE_PROFIT_MARKET","quantity":"1""#),
            "triggerPrice",
        ),
        (
            place(r#""type":"LIMIT","quantity":"1","price":"1","triggerPrice":"1""#),
            "triggerPrice",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","stopPrice":"1""#),
            "not both",
        ),
        (
            place(r#""type":"TRAILING_STOP_MARKET","quantity":"1""#),
            "callbackRate",
        ),
        (
            place(r#""type":"TRAILING_STOP_MARKET","quantity":"1","callbackRate":"0.09""#),
            "between 0.1 and 10",
        ),
        (
            place(r#""type":"TRAILING_STOP_MARKET","quantity":"1","callbackRate":"10.1""#),
            "between 0.1 and 10",
        ),
        (
            place(
                r#""type":"TRAILING_STOP_MARKET","quantity":"1","callbackRate":"1","triggerPrice":"1""#,
            ),
            "activationPrice",
        ),
        (
            place(r#""type":"TRAILING_STOP_MARKET","quantity":"1","callbackRate":"1","price":"1""#),
            "price",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","callbackRate":"1""#),
            "TRAILING_STOP_MARKET",
        ),
        (
            place(
                r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","activationPrice":"1""#,
            ),
            "TRAILING_STOP_MARKET",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","closePosition":true"#),
            "STOP_MARKET",
        ),
        (
            place(
                r#""type":"STOP","quantity":"1","price":"1","triggerPrice":"1","closePosition":true"#,
            ),
            "closePosition",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","closePosition":true"#),
            "quantity",
        ),
        (
            place(
                r#""type":"TAKE_PROFIT_MARKET","triggerPrice":"1","closePosition":true,"reduceOnly":true"#,
            ),
            "reduceOnly",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","timeInForce":"GTC""#),
            "timeInForce",
        ),
        (
            place(r#""type":"STOP_MARKET","quantity":"1","triggerPrice":"1","timeInForce":"GTC""#),
            "timeInForce",
        ),
        (
            place(r#""type":"LIMIT","quantity":"1","price":"1","workingType":"MARK_PRICE""#),
            "workingType",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","workingType":"MARK_PRICE""#),
            "workingType",
        ),
        // Flags, ids and tokens.
        (
            place(r#""type":"MARKET","quantity":"1","reduceOnly":"true""#),
            "reduceOnly",
        ),
        (
            place(r#""type":"STOP_MARKET","triggerPrice":"1","closePosition":1"#),
            "closePosition",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","newClientOrderId":"has space""#),
            "newClientOrderId",
        ),
        (
            place(&format!(
                r#""type":"MARKET","quantity":"1","newClientOrderId":"{}""#,
                "a".repeat(37)
            )),
            "1-36",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","confirmation":"""#),
            "confirmation",
        ),
        (
            place(r#""type":"MARKET","quantity":"1","confirmation":42"#),
            "confirmation",
        ),
        // Leverage and margin type.
        (other("set_leverage", r#"{"symbol":"BTCUSDT"}"#), "leverage"),
        (
            other("set_leverage", r#"{"symbol":"BTCUSDT","leverage":0}"#),
            "between 1 and 125",
        ),
        (
            other("set_leverage", r#"{"symbol":"BTCUSDT","leverage":126}"#),
            "between 1 and 125",
        ),
        (
            other("set_leverage", r#"{"symbol":"BTCUSDT","leverage":2.5}"#),
            "integer",
        ),
        (other("set_leverage", r#"{"leverage":5}"#), "symbol"),
        (
            other(
                "set_leverage",
                r#"{"symbol":"BTCUSDT","leverage":5,"confirmation":true}"#,
            ),
            "confirmation",
        ),
        (
            other("set_margin_type", r#"{"symbol":"BTCUSDT"}"#),
            "ISOLATED, CROSSED",
        ),
        (
            other(
                "set_margin_type",
                r#"{"symbol":"BTCUSDT","marginType":"isolated"}"#,
            ),
            "ISOLATED, CROSSED",
        ),
        (
            other(
                "set_margin_type",
                r#"{"symbol":"BTCUSDT","marginType":"CROSS"}"#,
            ),
            "ISOLATED, CROSSED",
        ),
        // Close: only a symbol and a token.
        (other("close_position", "{}"), "symbol"),
        (
            other("close_position", r#"{"symbol":"BTCUSDT","quantity":"1"}"#),
            "quantity",
        ),
        // Cancel: exactly one of four ids.
        (
            other("cancel_futures_order", r#"{"symbol":"BTCUSDT"}"#),
            "exactly one",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","orderId":1,"origClientOrderId":"x"}"#,
            ),
            "orderId, origClientOrderId were all given",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","orderId":1,"algoId":2}"#,
            ),
            "exactly one",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","algoId":2,"clientAlgoId":"x"}"#,
            ),
            "exactly one",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","orderId":-1}"#,
            ),
            "orderId",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","algoId":"abc"}"#,
            ),
            "algoId",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","algoId":1.5}"#,
            ),
            "algoId",
        ),
        (
            other(
                "cancel_futures_order",
                r#"{"symbol":"BTCUSDT","clientAlgoId":"é"}"#,
            ),
            "clientAlgoId",
        ),
        (other("cancel_futures_order", r#"{"orderId":1}"#), "symbol"),
        (other("cancel_all_futures_orders", "{}"), "symbol"),
        (
            other("cancel_all_futures_orders", r#"{"symbol":"BTC/USDT"}"#),
            "symbol",
        ),
    ];
    for ((tool, args), mentions) in &cases {
        let ex = host(NEW);
        let e = run(&ex, tool, args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{tool} {args}: {e}");
        assert!(
            e.message.contains(mentions) || e.recovery.contains(mentions),
            "{tool} {args}: {e}"
        );
        assert!(
            ex.futures_calls().is_empty(),
            "{tool} {args} reached the host"
        );
    }
}
