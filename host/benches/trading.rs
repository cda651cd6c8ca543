//! The host-side cost of a write's gate, per order, median and p99:
//! - `checks`: the order's fields, the exchange filters, the policy's limits,
//!   and a confirmation token issued and redeemed (everything but I/O);
//! - `journal`: the intent and the outcome appended, each fsync'd, on this
//!   machine's disk (the target directory).
//!
//! Run: `cargo bench -p binance-mcp --bench trading`.

use binance_mcp::policy::trading::{Cap, Confirm, Mode, TradingPolicy};
use binance_mcp::trading::confirm::{Purpose, Tokens};
use binance_mcp::trading::filters::SymbolRules;
use binance_mcp::trading::journal::{Intent, Journal, Outcome};
use binance_mcp::trading::limits::{self, Situation};
use binance_mcp::trading::order::{Draft, OrderType, Side, SpotOrder};
use rust_decimal::Decimal;
use serde_json::json;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn rules() -> SymbolRules {
    SymbolRules::from_exchange_info(&json!({
        "symbol": "BTCUSDT", "status": "TRADING", "quoteAsset": "USDT",
        "orderTypes": ["LIMIT", "MARKET", "LIMIT_MAKER"],
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"},
            {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000", "stepSize": "0.00001"},
            {"filterType": "NOTIONAL", "minNotional": "5", "applyMinToMarket": true, "maxNotional": "9000000", "applyMaxToMarket": false},
            {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2", "askMultiplierUp": "5", "askMultiplierDown": "0.2"}
        ]
    }))
    .expect("rules")
}

fn policy() -> TradingPolicy {
    TradingPolicy {
        mode: Mode::Testnet,
        symbols: Some(["BTCUSDT".to_string()].into()),
        deny_symbols: Default::default(),
        order_types: None,
        max_order_notional: Some(Cap::At(Decimal::from(1000))),
        max_daily_notional: Some(Cap::At(Decimal::from(5000))),
        max_open_orders: Some(20),
        confirm: Confirm::Token,
        daily_includes_futures: false,
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    println!(
        "{name:<10} n={} median {:>8.1} µs  p99 {:>8.1} µs",
        samples.len(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6
    );
}

fn main() {
    let rules = rules();
    let policy = policy();
    let tokens = Tokens::new().expect("tokens");
    let reference = Some(Decimal::from(65_000));
    let mut checks = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let t = Instant::now();
        let order = SpotOrder::check(Draft {
            symbol: "BTCUSDT".into(),
            side: Some(Side::Buy),
            order_type: Some(OrderType::Limit),
            quantity: Some("0.00150".into()),
            price: Some("64999.99".into()),
            ..Draft::default()
        })
        .expect("order");
        let checked = rules.check(&order, reference).expect("filters");
        let situation = Situation {
            quote_asset: "USDT".into(),
            notional: checked.notional,
            placed_24h: Decimal::from(120),
            open_orders: Some(3),
        };
        limits::check(&policy, &order, &situation).expect("limits");
        let canonical = order.canonical();
        let (token, _) = tokens.issue(Purpose::Preview, &canonical).expect("issue");
        tokens
            .redeem(Purpose::Preview, &token, &canonical)
            .expect("redeem");
        black_box(order.params());
        checks.push(t.elapsed());
    }
    report("checks", checks);

    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-journal");
    let _ = std::fs::remove_dir_all(&dir);
    let (journal, _) = Journal::open(dir.join("journal.jsonl")).expect("journal");
    let mut appends = Vec::with_capacity(500);
    for i in 0..500 {
        let id = format!("bench-{i}");
        let t = Instant::now();
        journal
            .append_intent(Intent {
                id: id.clone(),
                symbol: "BTCUSDT".into(),
                side: Some(Side::Buy),
                quote_asset: "USDT".into(),
                notional: Decimal::new(975, 1),
                body: json!({"request": "POST /api/v3/order", "params": "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.0015&price=64999.99"}),
            })
            .expect("intent");
        journal
            .append_outcome(
                &id,
                Outcome::Accepted {
                    order_id: i.to_string(),
                    status: "NEW".into(),
                    body: json!({"orderId": i, "status": "NEW"}),
                },
            )
            .expect("outcome");
        appends.push(t.elapsed());
    }
    report("journal", appends);
    let _ = std::fs::remove_dir_all(&dir);
}
