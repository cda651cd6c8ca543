//! Every tool declares exactly the capabilities of the endpoints it sends:
//! the host lets a call reach only those (one missing fails the tool at run
//! time) and lists the tool only when the plugin is granted them all (one
//! extra widens its reach and hides it from operators who did not grant it).

use super::{account_body, call, prices_body, Canned};
use crate::{Account, TOOLS};
use binance_mcp_plugin::capability::{ACCOUNT_READ, DEPOSIT_ADDRESS, MARKET_DATA, WALLET_READ};
use binance_mcp_plugin::Plugin;
use std::collections::BTreeSet;

/// The endpoints (all GET) of each capability this plugin may use, as the
/// host's policy catalogue defines them (the host is authoritative; this
/// mirror only names what these tools send). Market data lists the spot
/// endpoints of security type NONE.
const ENDPOINTS: &[(&str, &[&str])] = &[
    (
        MARKET_DATA,
        &[
            "/api/v3/ping",
            "/api/v3/time",
            "/api/v3/exchangeInfo",
            "/api/v3/depth",
            "/api/v3/trades",
            "/api/v3/aggTrades",
            "/api/v3/klines",
            "/api/v3/uiKlines",
            "/api/v3/avgPrice",
            "/api/v3/ticker/24hr",
            "/api/v3/ticker/price",
            "/api/v3/ticker/bookTicker",
        ],
    ),
    (
        ACCOUNT_READ,
        &[
            "/api/v3/account",
            "/api/v3/myTrades",
            "/api/v3/openOrders",
            "/api/v3/allOrders",
            "/api/v3/order",
            "/api/v3/account/commission",
        ],
    ),
    (
        WALLET_READ,
        &[
            "/sapi/v1/accountSnapshot",
            "/sapi/v1/capital/deposit/hisrec",
            "/sapi/v1/capital/withdraw/history",
            "/sapi/v1/asset/transfer",
        ],
    ),
    (DEPOSIT_ADDRESS, &["/sapi/v1/capital/deposit/address"]),
];

/// The capability an endpoint belongs to.
fn capability_of(path: &str) -> &'static str {
    ENDPOINTS
        .iter()
        .find(|(_, paths)| paths.contains(&path))
        .map(|(c, _)| *c)
        .unwrap_or_else(|| panic!("{path} is in no capability"))
}

/// Arguments that take each tool down every branch that sends a request
/// (`get_pnl` by the caller's symbols and by holdings).
fn calls(tool: &str) -> &'static [&'static str] {
    match tool {
        "get_account_trades" | "get_all_orders" | "get_fee_info" => &[r#"{"symbol":"BTCUSDT"}"#],
        "get_order" => &[r#"{"symbol":"BTCUSDT","orderId":1}"#],
        "get_open_orders" => &["{}", r#"{"symbol":"BTCUSDT"}"#],
        "get_pnl" => &[r#"{"symbols":["BTCUSDT"]}"#, "{}"],
        "get_universal_transfer_history" => &[r#"{"type":"MAIN_UMFUTURE"}"#],
        "get_deposit_address" => &[r#"{"coin":"BTC"}"#],
        "get_account_snapshot" => &["{}", r#"{"type":"MARGIN"}"#, r#"{"type":"FUTURES"}"#],
        _ => &["{}"],
    }
}

/// An exchange that answers every endpoint well enough for each tool to
/// send all its requests (an answer a tool cannot use ends it after the
/// request, which is all this test reads).
fn exchange() -> Canned {
    let account = account_body(&[("BTC", "1", "0"), ("USDT", "10", "0")]);
    let prices = prices_body(&[("BTCUSDT", "100")]);
    let info = r#"{"timezone":"UTC","serverTime":1,"symbols":[
        {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}]}"#;
    Canned::new(&[
        ("/api/v3/account", &account),
        ("/api/v3/ticker/price", &prices),
        ("/api/v3/exchangeInfo", info),
        ("/api/v3/myTrades", "[]"),
        ("/api/v3/openOrders", "[]"),
        ("/api/v3/allOrders", "[]"),
        ("/api/v3/order", "{}"),
        ("/api/v3/account/commission", "{}"),
        (
            "/sapi/v1/accountSnapshot",
            r#"{"code":200,"msg":"","snapshotVos":[]}"#,
        ),
        ("/sapi/v1/capital/deposit/hisrec", "[]"),
        ("/sapi/v1/capital/withdraw/history", "[]"),
        ("/sapi/v1/asset/transfer", r#"{"total":0}"#),
        ("/sapi/v1/capital/deposit/address", "{}"),
    ])
}

#[test]
fn every_tool_declares_exactly_the_capabilities_it_sends_to() {
    let manifest = Account::manifest();
    for t in TOOLS {
        let mut used = BTreeSet::new();
        for args in calls(t.name) {
            let ex = exchange();
            let _ = call(&ex, t.name, args);
            assert!(!ex.requests().is_empty(), "{} {args} sent nothing", t.name);
            for r in ex.requests() {
                assert_eq!(r.method, binance_mcp_plugin::Method::Get, "{}", t.name);
                used.insert(capability_of(&r.path));
            }
        }
        let declared: BTreeSet<&str> = t.capabilities.iter().copied().collect();
        assert_eq!(declared, used, "{}", t.name);
        assert_eq!(declared.len(), t.capabilities.len(), "{}: a repeat", t.name);
        let listed = manifest.tools.iter().find(|d| d.name == t.name).unwrap();
        assert_eq!(listed.capabilities, t.capabilities, "{}", t.name);
    }
}

#[test]
fn the_deposit_address_is_its_own_capability() {
    for t in TOOLS {
        let has = t.capabilities.contains(&DEPOSIT_ADDRESS);
        assert_eq!(has, t.name == "get_deposit_address", "{}", t.name);
    }
}
