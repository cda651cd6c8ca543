//! The manifest: unique names, annotations, every tool declaring exactly
//! the capabilities of what it sends (the host lets a call reach only
//! those, and lists the tool only when the plugin is granted them all),
//! and the bytes of the tools in `tools/list`.

use super::call;
use crate::{Futures, CANCEL, PLACE, SETTING, TOOLS};
use binance_mcp_plugin::capability::{FUTURES_READ, FUTURES_TRADE, MARKET_DATA};
use binance_mcp_plugin::schema::TOOLS_LIST_BUDGET_PER_TOOL;
use binance_mcp_plugin::testing::{CannedExchange, CannedFutures};
use binance_mcp_plugin::{json, Annotations, Method, Plugin, ToolDescriptor};
use std::collections::BTreeSet;

/// The USD-M endpoints (all GET) of each read capability, as the host's
/// policy catalogue defines them (the host is authoritative; this mirror
/// only names what these tools may send).
const ENDPOINTS: &[(&str, &[&str])] = &[
    (
        MARKET_DATA,
        &[
            "/fapi/v1/ping",
            "/fapi/v1/time",
            "/fapi/v1/exchangeInfo",
            "/fapi/v1/depth",
            "/fapi/v1/trades",
            "/fapi/v1/klines",
            "/fapi/v1/premiumIndex",
            "/fapi/v1/fundingRate",
            "/fapi/v1/ticker/24hr",
            "/fapi/v1/ticker/price",
            "/fapi/v1/ticker/bookTicker",
        ],
    ),
    (
        FUTURES_READ,
        &[
            "/fapi/v3/account",
            "/fapi/v2/positionRisk",
            "/fapi/v1/openOrders",
            "/fapi/v1/openAlgoOrders",
            "/fapi/v1/order",
            "/fapi/v1/algoOrder",
            "/fapi/v1/income",
            "/fapi/v1/forceOrders",
        ],
    ),
];

/// The capability an endpoint belongs to.
fn capability_of(path: &str) -> &'static str {
    ENDPOINTS
        .iter()
        .find(|(_, paths)| paths.contains(&path))
        .map(|(c, _)| *c)
        .unwrap_or_else(|| panic!("{path} is in no capability"))
}

/// Arguments that take each tool down the branch that sends everything.
fn args(tool: &str) -> &'static str {
    match tool {
        "get_funding_rate" | "close_position" | "cancel_all_futures_orders" => {
            r#"{"symbol":"BTCUSDT"}"#
        }
        "set_leverage" => r#"{"symbol":"BTCUSDT","leverage":5}"#,
        "set_margin_type" => r#"{"symbol":"BTCUSDT","marginType":"CROSSED"}"#,
        "place_futures_order" => {
            r#"{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"1"}"#
        }
        "cancel_futures_order" => r#"{"symbol":"BTCUSDT","algoId":1}"#,
        _ => "{}",
    }
}

#[test]
fn tool_names_are_unique_and_listed_in_order() {
    let m = Futures::manifest();
    assert_eq!(m.name, "futures");
    let names: Vec<&str> = m.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "get_futures_account",
            "get_futures_positions",
            "get_funding_rate",
            "get_futures_open_orders",
            "get_futures_income",
            "get_liquidation_history",
            "set_leverage",
            "set_margin_type",
            "place_futures_order",
            "close_position",
            "cancel_futures_order",
            "cancel_all_futures_orders",
        ]
    );
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len());
    for t in &m.tools {
        let ok = !t.name.is_empty()
            && t.name.len() <= 128
            && t.name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        assert!(ok, "{}", t.name);
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        assert_eq!(t.input_schema["additionalProperties"], false, "{}", t.name);
        assert_eq!(t.output_schema["type"], "object", "{}", t.name);
        assert!(t.annotations.open_world, "{}", t.name);
        let writes = t.capabilities.contains(&FUTURES_TRADE.to_string());
        assert_eq!(t.annotations.read_only, !writes, "{}", t.name);
    }
    let annotations = |name: &str| m.tools.iter().find(|t| t.name == name).unwrap().annotations;
    assert_eq!(
        annotations("get_futures_account"),
        Annotations::READ_ONLY_EXCHANGE
    );
    assert_eq!(annotations("place_futures_order"), PLACE);
    assert_eq!(annotations("close_position"), PLACE);
    assert_eq!(annotations("set_leverage"), SETTING);
    assert_eq!(annotations("set_margin_type"), SETTING);
    assert_eq!(annotations("cancel_futures_order"), CANCEL);
    assert_eq!(annotations("cancel_all_futures_orders"), CANCEL);
    // Placing: destructive, not idempotent; cancelling: neither destructive
    // (it reduces risk) nor anything more when repeated.
    assert_eq!((PLACE.destructive, PLACE.idempotent), (true, false));
    assert_eq!((CANCEL.destructive, CANCEL.idempotent), (false, true));
    assert_eq!((SETTING.destructive, SETTING.idempotent), (true, true));
}

/// An exchange that answers every read well enough for each tool to send
/// all its requests, with the futures-trading capability.
fn exchange() -> CannedExchange {
    let premium = r#"{"symbol":"BTCUSDT","markPrice":"1","indexPrice":"1","lastFundingRate":"0.0001","nextFundingTime":1,"time":1}"#;
    CannedExchange::new(&[
        ("/fapi/v3/account", super::reads::ACCOUNT),
        ("/fapi/v2/positionRisk", "[]"),
        ("/fapi/v1/premiumIndex", premium),
        ("/fapi/v1/fundingRate", "[]"),
        ("/fapi/v1/openOrders", "[]"),
        ("/fapi/v1/openAlgoOrders", "[]"),
        ("/fapi/v1/income", "[]"),
        ("/fapi/v1/forceOrders", "[]"),
    ])
}

#[test]
fn every_tool_declares_exactly_the_capabilities_it_sends() {
    let manifest = Futures::manifest();
    for t in TOOLS {
        let ex = exchange().with_futures(CannedFutures::always("{}"));
        let a = args(t.name);
        call(&ex, t.name, a).unwrap_or_else(|e| panic!("{} {a}: {e}", t.name));
        let mut used = BTreeSet::new();
        for r in ex.requests() {
            assert_eq!(r.method, Method::Get, "{}", t.name);
            used.insert(capability_of(&r.path));
        }
        if !ex.futures_calls().is_empty() {
            used.insert(FUTURES_TRADE);
        }
        assert!(!used.is_empty(), "{} sent nothing", t.name);
        let declared: BTreeSet<&str> = t.capabilities.iter().copied().collect();
        assert_eq!(declared, used, "{}", t.name);
        assert_eq!(declared.len(), t.capabilities.len(), "{}: a repeat", t.name);
        let listed = manifest.tools.iter().find(|d| d.name == t.name).unwrap();
        assert_eq!(listed.capabilities, t.capabilities, "{}", t.name);
    }
}

/// A tool as `tools/list` carries it, in compact JSON (as the trading
/// plugin's budget test measures it).
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
    let tools = Futures::manifest().tools;
    let mut total = 0;
    for t in &tools {
        let bytes = listed(t).len();
        eprintln!("TOOLS-LIST {:<28} {bytes:>5}", t.name);
        if std::env::var_os("TOOLS_LIST_DUMP").is_some() {
            eprintln!("{}", listed(t));
        }
        total += bytes;
    }
    let budget = TOOLS_LIST_BUDGET_PER_TOOL * tools.len();
    eprintln!("TOOLS-LIST futures tools {total} (budget {budget})");
    assert_eq!(tools.len(), 12);
    assert!(total <= budget, "{total} > {budget}");
}
