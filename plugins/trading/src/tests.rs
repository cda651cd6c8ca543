//! Plugin logic tested natively against a canned spot-trading capability:
//! each tool's arguments mapped to exactly the right record, bad arguments
//! refused before the host is called, the host's answer passed on
//! unchanged (and checked against the declared output schema in both
//! dialects clients use), and the refusal without the capability.

use crate::{SpotTrading, CANCEL, PLACE, TOOLS};
use binance_mcp_plugin::capability::SPOT_TRADE;
use binance_mcp_plugin::schema::TOOLS_LIST_BUDGET_PER_TOOL;
use binance_mcp_plugin::testing::{CannedExchange, CannedTrading, TradingCall};
use binance_mcp_plugin::trading::{Cancel, OcoOrder, Order, OrderType, Side, TimeInForce};
use binance_mcp_plugin::{json, Answer, ErrorKind, Plugin, ToolDescriptor, ToolError, Value};

/// An order's state as the host might answer it (keys not sorted, on purpose).
const FILLED: &str = r#"{"symbol":"BTCUSDT","orderId":28,"clientOrderId":"x-1","status":"FILLED","executedQty":"0.00150000","fills":[{"price":"65000.01","qty":"0.0015"}]}"#;

/// A host with the capability, answering every call with `body`.
fn host(body: &str) -> CannedExchange {
    CannedExchange::default().with_trading(CannedTrading::always(body))
}

fn schema_errors(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for v in [
        jsonschema::draft7::new(schema).expect("a valid draft-07 schema"),
        jsonschema::draft202012::new(schema).expect("a valid 2020-12 schema"),
    ] {
        errors.extend(v.iter_errors(value).map(|e| e.to_string()));
    }
    errors
}

/// Run a tool: its answer, checked against the tool's output schema. No
/// tool may use the raw exchange capability.
fn run(ex: &CannedExchange, tool: &str, args: &str) -> Result<Answer, ToolError> {
    let result = SpotTrading::call_tool(ex, tool, args);
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
fn sent(tool: &str, args: &str) -> TradingCall {
    let ex = host(FILLED);
    run(&ex, tool, args).unwrap_or_else(|e| panic!("{tool} {args}: {e}"));
    let calls = ex.trading_calls();
    assert_eq!(calls.len(), 1, "{tool} {args}: {calls:?}");
    calls.into_iter().next().unwrap()
}

fn placed(args: &str) -> Order {
    match sent("place_order", args) {
        TradingCall::PlaceOrder(o) => o,
        other => panic!("{args}: {other:?}"),
    }
}

/// An order with only the required fields set.
fn order(side: Side, order_type: OrderType) -> Order {
    Order {
        symbol: "BTCUSDT".into(),
        side,
        order_type,
        quantity: None,
        quote_quantity: None,
        price: None,
        stop_price: None,
        time_in_force: None,
        client_order_id: None,
        dry_run: false,
        confirmation: None,
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// A valid call of every tool.
const VALID: &[(&str, &str)] = &[
    (
        "place_order",
        r#"{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.001","price":"65000"}"#,
    ),
    (
        "place_oco_order",
        r#"{"symbol":"BTCUSDT","side":"SELL","quantity":"0.001","price":"70000","stopPrice":"60000"}"#,
    ),
    ("cancel_order", r#"{"symbol":"BTCUSDT","orderId":28}"#),
    ("cancel_all_orders", r#"{"symbol":"BTCUSDT"}"#),
];

#[test]
fn manifest_names_annotations_and_capabilities() {
    let m = SpotTrading::manifest();
    assert_eq!(m.name, "trading");
    let names: Vec<&str> = m.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "place_order",
            "place_oco_order",
            "cancel_order",
            "cancel_all_orders"
        ]
    );
    for t in &m.tools {
        assert_eq!(t.capabilities, vec![SPOT_TRADE], "{}", t.name);
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        assert_eq!(t.input_schema["additionalProperties"], false, "{}", t.name);
        assert_eq!(t.output_schema["type"], "object", "{}", t.name);
        assert!(!t.annotations.read_only, "{}", t.name);
        assert!(t.annotations.open_world, "{}", t.name);
        assert!(
            t.description.len() <= 420,
            "{}: {}",
            t.name,
            t.description.len()
        );
    }
    assert_eq!(m.tools[0].annotations, PLACE);
    assert_eq!(m.tools[1].annotations, PLACE);
    assert_eq!(m.tools[2].annotations, CANCEL);
    assert_eq!(m.tools[3].annotations, CANCEL);
    let hints = |i: usize| {
        let a = m.tools[i].annotations;
        (a.read_only, a.destructive, a.idempotent, a.open_world)
    };
    // Placing: destructive, not idempotent; cancelling: neither destructive
    // (it reduces risk) nor anything more when repeated.
    assert_eq!(hints(0), (false, true, false, true));
    assert_eq!(hints(1), (false, true, false, true));
    assert_eq!(hints(2), (false, false, true, true));
    assert_eq!(hints(3), (false, false, true, true));
    let required = |i: usize| m.tools[i].input_schema["required"].clone();
    assert_eq!(required(0), json!(["symbol", "side", "type"]));
    assert_eq!(
        required(1),
        json!(["symbol", "side", "quantity", "price", "stopPrice"])
    );
    assert_eq!(required(2), json!(["symbol"]));
    assert_eq!(required(3), json!(["symbol"]));
    let place = &m.tools[0];
    assert!(place.description.contains("confirmation"));
    assert!(place.description.contains("dry_run"));
    assert_eq!(
        place.input_schema["properties"]["type"]["enum"],
        json!([
            "LIMIT",
            "MARKET",
            "STOP_LOSS",
            "STOP_LOSS_LIMIT",
            "TAKE_PROFIT",
            "TAKE_PROFIT_LIMIT",
            "LIMIT_MAKER"
        ])
    );
    // Amounts are strings, never numbers (the plugin checks their form).
    for (tool, fields) in [
        (0, &["quantity", "quoteOrderQty", "price", "stopPrice"][..]),
        (1, &["quantity", "price", "stopPrice", "stopLimitPrice"][..]),
    ] {
        for field in fields {
            let f = &m.tools[tool].input_schema["properties"][field];
            assert_eq!(f, &json!({ "type": "string" }), "{field}");
        }
    }
}

/// A tool as `tools/list` carries it, in compact JSON.
fn listed(t: &ToolDescriptor) -> String {
    json!({
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "inputSchema": t.input_schema,
        "outputSchema": t.output_schema,
        "annotations": {
            "readOnlyHint": t.annotations.read_only,
            "destructiveHint": t.annotations.destructive,
            "idempotentHint": t.annotations.idempotent,
            "openWorldHint": t.annotations.open_world
        }
    })
    .to_string()
}

#[test]
fn descriptors_fit_the_tools_list_budget() {
    let tools = SpotTrading::manifest().tools;
    let mut total = 0;
    for t in &tools {
        let bytes = listed(t).len();
        eprintln!("TOOLS-LIST {:<20} {bytes:>5}", t.name);
        if std::env::var_os("TOOLS_LIST_DUMP").is_some() {
            eprintln!("{}", listed(t));
        }
        total += bytes;
    }
    let budget = TOOLS_LIST_BUDGET_PER_TOOL * tools.len();
    eprintln!("TOOLS-LIST trading tools {total} (budget {budget})");
    assert_eq!(tools.len(), 4);
    assert!(total <= budget, "{total} > {budget}");
}

#[test]
fn valid_arguments_satisfy_the_input_schemas() {
    let args = [
        VALID.to_vec(),
        vec![
            (
                "place_order",
                r#"{"symbol":"BTCUSDT","side":"SELL","type":"STOP_LOSS_LIMIT","quantity":"1","price":"1.5","stopPrice":"1.6","timeInForce":"FOK","newClientOrderId":"a.b:c/d_e-f","dry_run":true,"confirmation":"tok-1"}"#,
            ),
            (
                "place_order",
                r#"{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quoteOrderQty":"25.5"}"#,
            ),
            (
                "place_oco_order",
                r#"{"symbol":"BTCUSDT","side":"BUY","quantity":"1","price":"1","stopPrice":"2","stopLimitPrice":"2.1","listClientOrderId":"l-1","confirmation":"t"}"#,
            ),
            (
                "cancel_order",
                r#"{"symbol":"BTCUSDT","origClientOrderId":"x-1"}"#,
            ),
        ],
    ]
    .concat();
    for (tool, a) in args {
        let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
        let value: Value = serde_json::from_str(a).unwrap();
        let errors = schema_errors(&(t.input_schema)(), &value);
        assert!(errors.is_empty(), "{tool} {a}: {errors:?}");
        sent(tool, a);
    }
    // What the plugin refuses, the schema refuses too (for a client that checks).
    for (tool, a) in [
        (
            "place_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":0.1}"#,
        ),
        (
            "place_order",
            r#"{"symbol":"BTCUSDT","side":"HOLD","type":"MARKET","quantity":"1"}"#,
        ),
        ("place_order", r#"{"symbol":"BTCUSDT","side":"BUY"}"#),
        ("cancel_all_orders", r#"{"symbol":"BTCUSDT","all":true}"#),
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
        r#"{"symbol":"btcusdt","side":"BUY","type":"LIMIT","quantity":"0.00150000","price":"65000.01","timeInForce":"IOC","newClientOrderId":"my-order-1","confirmation":"c0nf-T0ken"}"#,
    );
    assert_eq!(
        o,
        Order {
            quantity: some("0.00150000"),
            price: some("65000.01"),
            time_in_force: Some(TimeInForce::Ioc),
            client_order_id: some("my-order-1"),
            confirmation: some("c0nf-T0ken"),
            ..order(Side::Buy, OrderType::Limit)
        }
    );
}

#[test]
fn quote_order_qty_is_the_quote_quantity_and_dry_run_defaults_to_false() {
    let o = placed(r#"{"symbol":"ETHUSDT","side":"SELL","type":"MARKET","quoteOrderQty":"100"}"#);
    assert_eq!(
        o,
        Order {
            symbol: "ETHUSDT".into(),
            quote_quantity: some("100"),
            ..order(Side::Sell, OrderType::Market)
        }
    );
    assert!(!o.dry_run);
    let o = placed(
        r#"{"symbol":"ETHUSDT","side":"SELL","type":"MARKET","quantity":"2","dry_run":true}"#,
    );
    assert!(o.dry_run);
    assert_eq!((o.quantity, o.quote_quantity), (some("2"), None));
    let o = placed(
        r#"{"symbol":"ETHUSDT","side":"SELL","type":"MARKET","quantity":"2","dry_run":false,"timeInForce":null}"#,
    );
    assert!(!o.dry_run);
}

#[test]
fn every_type_and_time_in_force_maps_to_its_record_value() {
    let types = [
        (
            "LIMIT",
            OrderType::Limit,
            r#","price":"1","timeInForce":"GTC""#,
        ),
        ("MARKET", OrderType::Market, ""),
        ("STOP_LOSS", OrderType::StopLoss, r#","stopPrice":"1""#),
        (
            "STOP_LOSS_LIMIT",
            OrderType::StopLossLimit,
            r#","price":"1","stopPrice":"1.1""#,
        ),
        ("TAKE_PROFIT", OrderType::TakeProfit, r#","stopPrice":"1""#),
        (
            "TAKE_PROFIT_LIMIT",
            OrderType::TakeProfitLimit,
            r#","price":"1","stopPrice":"0.9","timeInForce":"GTC""#,
        ),
        ("LIMIT_MAKER", OrderType::LimitMaker, r#","price":"1""#),
    ];
    for (name, ty, extra) in types {
        let o = placed(&format!(
            r#"{{"symbol":"BTCUSDT","side":"SELL","type":"{name}","quantity":"3"{extra}}}"#
        ));
        assert_eq!(o.order_type, ty, "{name}");
        assert_eq!(o.side, Side::Sell, "{name}");
        assert_eq!(o.quantity, some("3"), "{name}");
        assert_eq!(
            o.stop_price.is_some(),
            extra.contains("stopPrice"),
            "{name}"
        );
        assert_eq!(o.price.is_some(), extra.contains("\"price\""), "{name}");
    }
    for (name, tif) in [
        ("GTC", TimeInForce::Gtc),
        ("IOC", TimeInForce::Ioc),
        ("FOK", TimeInForce::Fok),
    ] {
        let o = placed(&format!(
            r#"{{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"1","price":"2","timeInForce":"{name}"}}"#
        ));
        assert_eq!(o.time_in_force, Some(tif), "{name}");
    }
}

#[test]
fn an_oco_pair_maps_to_exactly_its_record() {
    let call = sent(
        "place_oco_order",
        r#"{"symbol":"bnbusdt","side":"SELL","quantity":"2.5","price":"700","stopPrice":"550.5","stopLimitPrice":"550","listClientOrderId":"oco-1","confirmation":"tok"}"#,
    );
    assert_eq!(
        call,
        TradingCall::PlaceOco(OcoOrder {
            symbol: "BNBUSDT".into(),
            side: Side::Sell,
            quantity: "2.5".into(),
            price: "700".into(),
            stop_price: "550.5".into(),
            stop_limit_price: some("550"),
            list_client_order_id: some("oco-1"),
            confirmation: some("tok"),
        })
    );
    let call = sent(
        "place_oco_order",
        r#"{"symbol":"BNBUSDT","side":"BUY","quantity":"1","price":"500","stopPrice":"650"}"#,
    );
    assert_eq!(
        call,
        TradingCall::PlaceOco(OcoOrder {
            symbol: "BNBUSDT".into(),
            side: Side::Buy,
            quantity: "1".into(),
            price: "500".into(),
            stop_price: "650".into(),
            stop_limit_price: None,
            list_client_order_id: None,
            confirmation: None,
        })
    );
}

#[test]
fn cancels_map_to_exactly_their_records() {
    let by_id = |args: &str| sent("cancel_order", args);
    let expected = TradingCall::CancelOrder(Cancel {
        symbol: "BTCUSDT".into(),
        order_id: Some(9_007_199_254_740_993),
        client_order_id: None,
    });
    assert_eq!(
        by_id(r#"{"symbol":"btcusdt","orderId":9007199254740993}"#),
        expected
    );
    // Models often quote numbers.
    assert_eq!(
        by_id(r#"{"symbol":"BTCUSDT","orderId":"9007199254740993","origClientOrderId":null}"#),
        expected
    );
    assert_eq!(
        by_id(r#"{"symbol":"BTCUSDT","origClientOrderId":"web_a1b2"}"#),
        TradingCall::CancelOrder(Cancel {
            symbol: "BTCUSDT".into(),
            order_id: None,
            client_order_id: some("web_a1b2"),
        })
    );
    assert_eq!(
        sent("cancel_all_orders", r#"{"symbol":"ethbtc"}"#),
        TradingCall::CancelAll("ETHBTC".into())
    );
}

#[test]
fn the_hosts_answer_is_the_output_unchanged() {
    let preview = r#"{"preview":{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.001","price":"65000","notional":"65"},"confirmation":"k7Qz-91","expiresInSecs":120,"message":"pass confirmation back in an identical call"}"#;
    let cancelled =
        r#"{"symbol":"BTCUSDT","cancelled":[{"orderId":28,"status":"CANCELED"}],"count":1}"#;
    for (tool, args) in VALID {
        for body in [FILLED, preview, cancelled, "{}"] {
            let answer = run(&host(body), tool, args).unwrap();
            assert_eq!(answer.as_str(), body, "{tool}");
        }
    }
    // Whitespace aside, the same members with the same values.
    let spaced = "{ \"status\" : \"NEW\",\n \"orderId\": 12345678901234567890, \"z\": 1.10 }";
    let answer = run(&host(spaced), "cancel_order", VALID[2].1).unwrap();
    assert_eq!(
        answer.as_str(),
        r#"{"status":"NEW","orderId":12345678901234567890,"z":1.10}"#
    );
    // Not an object: a host fault, reported as one.
    for body in ["[]", "\"FILLED\"", "", "{\"a\":", "{} {}"] {
        let e = run(&host(body), "place_order", VALID[0].1).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Internal, "{body:?}");
        assert!(e.message.contains("not a JSON object"), "{body:?}: {e}");
    }
}

#[test]
fn host_errors_pass_through_unchanged() {
    let refusal = ToolError {
        exchange_code: Some(-2010),
        exchange_message: Some("Account has insufficient balance".into()),
        data: Some(Box::new(json!({ "limit": "500" }))),
        ..ToolError::new(
            ErrorKind::ExchangeRejected,
            "the exchange refused the order",
            "lower quantity",
        )
    };
    for (tool, args) in VALID {
        let ex = CannedExchange::default().with_trading(CannedTrading::failing(refusal.clone()));
        assert_eq!(run(&ex, tool, args).unwrap_err(), refusal, "{tool}");
        assert_eq!(ex.trading_calls().len(), 1, "{tool}");
    }
}

#[test]
fn without_the_capability_every_tool_is_not_permitted() {
    for (tool, args) in VALID {
        let ex = CannedExchange::default();
        let e = run(&ex, tool, args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotPermitted, "{tool}");
        assert!(e.recovery.contains("spot-trade"), "{tool}: {e}");
    }
}

#[test]
fn bad_arguments_never_reach_the_host() {
    const P: &str = r#""symbol":"BTCUSDT","side":"BUY""#;
    let cases: Vec<(&str, String, &str)> = vec![
        // Unknown names: refused with the valid ones listed.
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","qty":"1"}}"#),
            "quoteOrderQty, price, stopPrice",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","dryRun":true}}"#),
            "dry_run",
        ),
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","quantity":"1","price":"2","stopPrice":"1","type":"OCO"}"#.into(),
            "stopLimitPrice",
        ),
        (
            "cancel_all_orders",
            r#"{"symbol":"BTCUSDT","orderId":1}"#.into(),
            "symbol",
        ),
        ("place_order", "[]".into(), "object"),
        // Required fields and enums.
        (
            "place_order",
            r#"{"side":"BUY","type":"MARKET","quantity":"1"}"#.into(),
            "symbol",
        ),
        (
            "place_order",
            format!(r#"{{{P},"quantity":"1"}}"#),
            "LIMIT, MARKET",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"STOP","quantity":"1"}}"#),
            "STOP_LOSS",
        ),
        (
            "place_order",
            r#"{"symbol":"BTCUSDT","side":"buy","type":"MARKET","quantity":"1"}"#.into(),
            "BUY, SELL",
        ),
        (
            "place_order",
            r#"{"symbol":"BTCUSDT","type":"MARKET","quantity":"1"}"#.into(),
            "side",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quantity":"1","price":"1","timeInForce":"GTX"}}"#),
            "GTC, IOC, FOK",
        ),
        (
            "place_order",
            r#"{"symbol":"BTC/USDT","side":"BUY","type":"MARKET","quantity":"1"}"#.into(),
            "symbol",
        ),
        // Decimals: strings of digits, positive, never JSON numbers.
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":0.001}}"#),
            "\"0.001\"",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1e-3"}}"#),
            "quantity",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1."}}"#),
            "quantity",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":" 1"}}"#),
            "quantity",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"0.000"}}"#),
            "greater than zero",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"-1"}}"#),
            "greater than zero",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"123456789012345678901234567890"}}"#),
            "exact decimal",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quantity":"1","price":"abc"}}"#),
            "price",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quantity":"1","price":true}}"#),
            "price",
        ),
        // What each type takes.
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","quoteOrderQty":"10"}}"#),
            "cannot be used together",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET"}}"#),
            "quoteOrderQty",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quoteOrderQty":"10","price":"1"}}"#),
            "quoteOrderQty",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","price":"1"}}"#),
            "quantity",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quantity":"1"}}"#),
            "price",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","price":"1"}}"#),
            "price",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"STOP_LOSS","quantity":"1"}}"#),
            "stopPrice",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"STOP_LOSS","quantity":"1","stopPrice":"1","price":"1"}}"#),
            "_LIMIT",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"TAKE_PROFIT_LIMIT","quantity":"1","price":"1"}}"#),
            "stopPrice",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT","quantity":"1","price":"1","stopPrice":"1"}}"#),
            "stopPrice",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","timeInForce":"GTC"}}"#),
            "timeInForce",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"LIMIT_MAKER","quantity":"1","price":"1","timeInForce":"GTC"}}"#),
            "timeInForce",
        ),
        // Flags, ids and tokens.
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","dry_run":"true"}}"#),
            "dry_run",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","newClientOrderId":"has space"}}"#),
            "newClientOrderId",
        ),
        (
            "place_order",
            format!(
                r#"{{{P},"type":"MARKET","quantity":"1","newClientOrderId":"{}"}}"#,
                "a".repeat(37)
            ),
            "1-36",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","confirmation":""}}"#),
            "confirmation",
        ),
        (
            "place_order",
            format!(r#"{{{P},"type":"MARKET","quantity":"1","confirmation":42}}"#),
            "confirmation",
        ),
        // OCO: every leg given, on the right side of the other.
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","quantity":"1","price":"2"}"#.into(),
            "stopPrice",
        ),
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"SELL","quantity":"1","price":"1","stopPrice":"2"}"#.into(),
            "above",
        ),
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","quantity":"1","price":"2","stopPrice":"2.0"}"#.into(),
            "below",
        ),
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","quantity":"1","price":"1","stopPrice":"2","stopLimitPrice":2}"#.into(),
            "stopLimitPrice",
        ),
        (
            "place_oco_order",
            r#"{"symbol":"BTCUSDT","side":"BUY","quantity":"1","price":"1","stopPrice":"2","listClientOrderId":"é"}"#.into(),
            "listClientOrderId",
        ),
        // Cancel: exactly one of orderId and origClientOrderId.
        (
            "cancel_order",
            r#"{"symbol":"BTCUSDT","orderId":1,"origClientOrderId":"x"}"#.into(),
            "not both",
        ),
        (
            "cancel_order",
            r#"{"symbol":"BTCUSDT"}"#.into(),
            "origClientOrderId",
        ),
        (
            "cancel_order",
            r#"{"symbol":"BTCUSDT","orderId":-1}"#.into(),
            "orderId",
        ),
        (
            "cancel_order",
            r#"{"symbol":"BTCUSDT","orderId":"abc"}"#.into(),
            "orderId",
        ),
        (
            "cancel_order",
            r#"{"symbol":"BTCUSDT","orderId":1.5}"#.into(),
            "orderId",
        ),
        ("cancel_all_orders", "{}".into(), "symbol"),
    ];
    for (tool, args, mentions) in &cases {
        let ex = host(FILLED);
        let e = run(&ex, tool, args).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{tool} {args}: {e}");
        assert!(
            e.message.contains(mentions) || e.recovery.contains(mentions),
            "{tool} {args}: {e}"
        );
        assert!(
            ex.trading_calls().is_empty(),
            "{tool} {args} reached the host"
        );
    }
}
