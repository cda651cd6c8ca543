//! Prompts, resources, completions and resource subscriptions through the
//! real binary against the simulator: the figures a prompt or resource
//! embeds equal the simulator's state; templates read for several symbols;
//! unknown names are clear errors; a subscription hears of a price move,
//! and no more often than once a second.

mod support;

use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, ContentBlock, GetPromptRequestParams, ProtocolVersion,
    ReadResourceRequestParams, Reference, ResourceContents, ServerNotification,
    SubscribeRequestParams, SubscriptionFilter,
};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt, NotificationContext, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// The default (read-only) policy with the prompts plugin, keys for the
/// simulator's account.
fn signed(sim: &binance_sim::Simulator) -> tokio::process::Command {
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.env("BINANCE_API_KEY", binance_sim::SIM_API_KEY)
        .env("BINANCE_SECRET_KEY", binance_sim::SIM_SECRET_KEY);
    cmd
}

/// A 2025 client that records `notifications/resources/updated`.
#[derive(Clone, Default)]
struct Recorder {
    updates: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl ClientHandler for Recorder {
    async fn on_resource_updated(
        &self,
        params: rmcp::model::ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.updates
            .lock()
            .unwrap()
            .push((Instant::now(), params.uri));
    }
}

fn text_of(block: &ContentBlock) -> String {
    match block {
        ContentBlock::Text(t) => t.text.clone(),
        ContentBlock::Resource(r) => match &r.resource {
            ResourceContents::TextResourceContents { text, .. } => text.clone(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn read_text(r: &rmcp::model::ReadResourceResult) -> String {
    let bytes = serde_json::to_string(r).unwrap().len();
    eprintln!("resource: {bytes} bytes");
    assert!(bytes <= 8_000 * 4, "a resource of {bytes} bytes");
    match &r.contents[0] {
        ResourceContents::TextResourceContents { text, .. } => text.clone(),
        other => panic!("not text: {other:?}"),
    }
}

fn dtext(x: binance_sim::Decimal) -> String {
    x.normalize().to_string()
}

async fn prompt(
    client: &Client,
    name: &str,
    args: &[(&str, &str)],
) -> Result<String, rmcp::ServiceError> {
    let mut params = GetPromptRequestParams::new(name);
    if !args.is_empty() {
        let map: serde_json::Map<String, Value> = args
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        params = params.with_arguments(map);
    }
    let r = client.peer().get_prompt(params).await?;
    // A prompt is a default answer: it fits 8k tokens (4 bytes a token).
    let bytes = serde_json::to_string(&r).unwrap().len();
    eprintln!("prompt {name}: {bytes} bytes");
    assert!(bytes <= 8_000 * 4, "prompt {name} is {bytes} bytes");
    Ok(r.messages
        .iter()
        .map(|m| text_of(&m.content))
        .collect::<Vec<_>>()
        .join("\n"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_embed_the_simulators_figures_and_complete_symbols() {
    let sim = sim(71).await;
    let client = connect_with(signed(&sim), ProtocolVersion::V_2025_11_25).await;
    let listed = client.peer().list_prompts(None).await.unwrap();
    let names: Vec<&str> = listed.prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["trading_analysis", "portfolio_risk", "market_health_check"]
    );
    let ta = &listed.prompts[0];
    let args = ta.arguments.as_ref().unwrap();
    assert_eq!(args[0].name, "symbol");
    assert_eq!(args[0].required, Some(true));
    assert!(args[1]
        .description
        .as_ref()
        .unwrap()
        .contains("conservative"));

    let btc = sim.state().live_market("BTCUSDT").unwrap();
    let t = prompt(
        &client,
        "trading_analysis",
        &[("symbol", "BTCUSDT"), ("risk_tolerance", "low")],
    )
    .await
    .unwrap();
    let st = &btc.ticker;
    assert!(
        t.contains(&format!("| Last price | {} |", dtext(st.last_price))),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "| 24 h high / low | {} / {} |",
            dtext(st.high_price),
            dtext(st.low_price)
        )),
        "{t}"
    );
    for label in ["RSI(14)", "MACD(12,26,9)", "BB(20,2)", "ATR(14)", "SMA(50)"] {
        assert!(t.contains(label), "{label}: {t}");
    }
    assert!(t.contains("Risk tolerance low"), "{t}");

    let h = prompt(&client, "market_health_check", &[("symbol", "ETHUSDT")])
        .await
        .unwrap();
    assert!(h.contains("# Market health check: ETHUSDT"), "{h}");
    assert!(h.contains("Volatility: ATR(14)"), "{h}");
    assert!(h.contains("Stream health:"), "{h}");

    // portfolio_risk: every balance the simulator holds is in the embedded table.
    let p = prompt(&client, "portfolio_risk", &[]).await.unwrap();
    let account = sim.state().account();
    for b in account
        .balances
        .iter()
        .filter(|b| !(b.free + b.locked).is_zero())
        .take(5)
    {
        assert!(
            p.contains(&format!("| {} | {} |", b.asset, dtext(b.free))),
            "{} missing: {p}",
            b.asset
        );
    }
    assert!(p.contains("Herfindahl"), "{p}");

    // Errors: a missing required argument, an unknown prompt.
    let e = prompt(&client, "trading_analysis", &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs argument 'symbol'"), "{e}");
    let e = prompt(&client, "no_such_prompt", &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown prompt 'no_such_prompt'") && e.contains("prompts/list"),
        "{e}"
    );

    // Completion of symbol from the exchange's trading symbols, and of a fixed value.
    let c = client
        .peer()
        .complete(CompleteRequestParams::new(
            Reference::for_prompt("trading_analysis"),
            ArgumentInfo::new("symbol", "BTC"),
        ))
        .await
        .unwrap();
    assert!(
        c.completion.values.contains(&"BTCUSDT".to_string()),
        "{:?}",
        c.completion
    );
    assert!(c.completion.values.iter().all(|v| v.starts_with("BTC")));
    let c = client
        .peer()
        .complete(CompleteRequestParams::new(
            Reference::for_resource("binance://market/{symbol}"),
            ArgumentInfo::new("symbol", "eth"),
        ))
        .await
        .unwrap();
    assert!(
        c.completion.values.contains(&"ETHUSDT".to_string()),
        "{:?}",
        c.completion
    );
    let c = client
        .peer()
        .complete(CompleteRequestParams::new(
            Reference::for_prompt("trading_analysis"),
            ArgumentInfo::new("strategy", "c"),
        ))
        .await
        .unwrap();
    assert_eq!(c.completion.values, ["conservative"]);
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resources_read_for_several_symbols_and_unknown_uris_are_clear_errors() {
    let sim = sim(72).await;
    let client = connect_with(signed(&sim), ProtocolVersion::V_2025_11_25).await;
    let fixed = client.peer().list_resources(None).await.unwrap();
    let uris: Vec<&str> = fixed.resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        ["binance://account/balances", "binance://orders/open"]
    );
    let templates = client.peer().list_resource_templates(None).await.unwrap();
    assert_eq!(
        templates.resource_templates[0].uri_template,
        "binance://market/{symbol}"
    );
    assert_eq!(
        templates.resource_templates[0].mime_type.as_deref(),
        Some("text/markdown")
    );

    for symbol in ["BTCUSDT", "ETHUSDT", "BNBUSDT"] {
        let r = client
            .peer()
            .read_resource(ReadResourceRequestParams::new(format!(
                "binance://market/{symbol}"
            )))
            .await
            .unwrap();
        let md = read_text(&r);
        let m = sim.state().live_market(symbol).unwrap();
        assert!(md.starts_with(&format!("# {symbol} market")), "{md}");
        assert!(
            md.contains(&format!("| Last price | {} |", dtext(m.ticker.last_price))),
            "{md}"
        );
        assert!(md.contains("| Spread |"), "{md}");
    }
    let b = client
        .peer()
        .read_resource(ReadResourceRequestParams::new("binance://account/balances"))
        .await
        .unwrap();
    let md = read_text(&b);
    assert!(
        md.contains("| Asset | Free | Locked | Total | Value (USDT) |"),
        "{md}"
    );
    assert!(md.contains("Total value:"), "{md}");
    let o = client
        .peer()
        .read_resource(ReadResourceRequestParams::new("binance://orders/open"))
        .await
        .unwrap();
    assert!(read_text(&o).starts_with("# Open orders"));

    for (uri, expect) in [
        (
            "binance://nothing/here",
            "unknown resource 'binance://nothing/here'",
        ),
        ("binance://market/BTC/USDT", "unknown resource"),
    ] {
        let e = client
            .peer()
            .read_resource(ReadResourceRequestParams::new(uri))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(expect) && e.contains("resources/templates/list"),
            "{e}"
        );
    }
    // A symbol the exchange does not list: Binance's own error, passed on.
    let e = client
        .peer()
        .read_resource(ReadResourceRequestParams::new("binance://market/NOPEUSDT"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("-1121") || e.to_lowercase().contains("invalid symbol"),
        "{e}"
    );
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_keys_portfolio_risk_explains_what_to_configure() {
    let sim = sim(73).await;
    let client = connect(&sim).await;
    let p = prompt(&client, "portfolio_risk", &[]).await.unwrap();
    assert!(p.contains("no Binance API keys configured"), "{p}");
    assert!(p.contains("BINANCE_API_KEY and BINANCE_SECRET_KEY"), "{p}");
    let e = client
        .peer()
        .read_resource(ReadResourceRequestParams::new("binance://account/balances"))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("API keys"), "{e}");
    client.cancel().await.ok();
}

/// Notifications a subscription may send in `span`: one per interval, and
/// one for a move already pending when it started.
fn allowed(span: Duration) -> usize {
    (span.as_secs_f64() / 1.0).floor() as usize + 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2025_subscription_hears_price_moves_at_most_once_a_second() {
    let sim = sim(74).await;
    let recorder = Recorder::default();
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("serve");
    let transport = rmcp::transport::TokioChildProcess::new(cmd).unwrap();
    let client: RunningService<RoleClient, Recorder> =
        recorder.clone().serve(transport).await.unwrap();
    let uri = "binance://market/BTCUSDT".to_string();
    #[allow(deprecated)]
    client
        .peer()
        .subscribe(SubscribeRequestParams::new(uri.clone()))
        .await
        .unwrap();
    let started = Instant::now();
    // The book evolves on its own while watched; move the price too.
    let price = sim.state().price("BTCUSDT").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while recorder.updates.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let first = recorder.updates.lock().unwrap().len();
    assert!(first >= 1, "no update within 20 s of subscribing");
    sim.set_price(
        "BTCUSDT",
        (price * binance_sim::Decimal::new(101, 2)).round_dp(2),
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    let updates = recorder.updates.lock().unwrap().clone();
    let span = started.elapsed();
    eprintln!("2025 subscription: {} updates in {span:?}", updates.len());
    assert!(updates.iter().all(|(_, u)| *u == uri));
    assert!(
        updates.len() <= allowed(span),
        "{} updates in {span:?}",
        updates.len()
    );
    for w in updates.windows(2) {
        let gap = w[1].0 - w[0].0;
        assert!(
            gap >= Duration::from_millis(900),
            "two updates {gap:?} apart"
        );
    }
    // Unsubscribed: no more.
    #[allow(deprecated)]
    client
        .peer()
        .unsubscribe(rmcp::model::UnsubscribeRequestParams::new(uri.clone()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = recorder.updates.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        recorder.updates.lock().unwrap().len(),
        after,
        "updates after unsubscribing"
    );
    // An unknown resource cannot be subscribed to.
    #[allow(deprecated)]
    let e = client
        .peer()
        .subscribe(SubscribeRequestParams::new("binance://nothing".to_string()))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown resource"), "{e}");
    client.cancel().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_listen_subscription_hears_price_moves_at_most_once_a_second() {
    let sim = sim(75).await;
    // A 2026-07-28 session: server/discover, no initialize.
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    cmd.arg("serve");
    let transport = rmcp::transport::TokioChildProcess::new(cmd).unwrap();
    let client = TestClient {
        version: ProtocolVersion::V_2026_07_28,
    }
    .serve_with_lifecycle(
        transport,
        ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        },
    )
    .await
    .expect("server/discover");
    let uri = "binance://market/ETHUSDT".to_string();
    let mut filter = SubscriptionFilter::default();
    filter.resource_subscriptions = Some(vec![uri.clone(), "binance://nothing".into()]);
    let mut sub = client.peer().listen(filter).await.unwrap();
    assert_eq!(
        sub.acknowledged().resource_subscriptions.as_deref(),
        Some(&[uri.clone()][..]),
        "only served resources are accepted"
    );
    let started = Instant::now();
    let mut times = Vec::new();
    while started.elapsed() < Duration::from_secs(8) {
        match tokio::time::timeout(Duration::from_millis(500), sub.next()).await {
            Ok(Ok(Some(ServerNotification::ResourceUpdatedNotification(n)))) => {
                assert_eq!(n.params.uri, uri);
                times.push(Instant::now());
            }
            Ok(Ok(Some(_))) => {}
            Ok(other) => panic!("subscription ended: {other:?}"),
            Err(_) => {}
        }
    }
    eprintln!(
        "2026 subscription: {} updates in {:?}",
        times.len(),
        started.elapsed()
    );
    assert!(!times.is_empty(), "no update in 8 s");
    assert!(
        times.len() <= allowed(started.elapsed()),
        "{} updates",
        times.len()
    );
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= Duration::from_millis(900));
    }
    client.cancel().await.ok();
}
