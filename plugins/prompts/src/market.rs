//! The market resource (`binance://market/{symbol}`) and the
//! `market_health_check` prompt: one symbol's price, day and book in
//! markdown, and for the health check its volatility and stream health.

use crate::snapshot::{self, iso, show, Day, Top};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::content::{PromptMessage, RenderedPrompt, ResourceContents};
use binance_mcp_plugin::prompt::{Arg, Prompt, Resource};
use binance_mcp_plugin::{Decimal, Exchange, ResourceRequest, ToolError, Updates};
use std::fmt::Write;

/// The symbol argument every symbol prompt takes.
pub const SYMBOL_ARG: Arg = Arg {
    name: "symbol",
    description: "A spot trading pair, e.g. BTCUSDT (completion lists the trading symbols)",
    required: true,
};

/// `binance://market/{symbol}`.
pub const MARKET: Resource = Resource {
    uri: "binance://market/{symbol}",
    name: "market",
    title: "Market summary",
    description: "A symbol's last price, 24 h change, volume, high/low and spread, as markdown. Subscribe to hear when the live price moves.",
    mime_type: "text/markdown",
    capabilities: &[MARKET_DATA],
    updates: Updates::LivePrice,
    read: read_market,
};

fn signed(d: Decimal, dp: u32) -> String {
    let s = show(d, dp);
    if d > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

/// The day and book rows shared by the resource and the prompts.
pub fn summary(symbol: &str, day: &Day, top: &Top) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "| {symbol} | |\n|---|---|");
    let _ = writeln!(md, "| Last price | {} |", show(day.last, 8));
    let _ = writeln!(
        md,
        "| 24 h change | {} ({}%) |",
        signed(day.change, 8),
        signed(day.change_pct, 3)
    );
    let _ = writeln!(
        md,
        "| 24 h high / low | {} / {} |",
        show(day.high, 8),
        show(day.low, 8)
    );
    let _ = writeln!(
        md,
        "| 24 h volume | {} base, {} quote, {} trades |",
        show(day.volume, 8),
        show(day.quote_volume, 2),
        day.trades
    );
    let bps = top.spread_bps().map_or_else(
        || "n/a (one-sided book)".to_string(),
        |b| format!("{} bps", show(b, 2)),
    );
    let _ = writeln!(
        md,
        "| Best bid / ask | {} ({}) / {} ({}) |",
        show(top.bid, 8),
        show(top.bid_qty, 8),
        show(top.ask, 8),
        show(top.ask_qty, 8)
    );
    let _ = writeln!(
        md,
        "| Spread | {} ({bps}; book from {}) |",
        show(top.spread(), 8),
        if top.source == "live" {
            "the host's live order book"
        } else {
            "Binance's book ticker (REST)"
        }
    );
    let _ = writeln!(md, "| 24 h window ends | {} |", iso(day.close_time));
    md
}

fn read_market(
    ex: &dyn Exchange,
    req: &ResourceRequest,
) -> Result<Vec<ResourceContents>, ToolError> {
    let raw = req.parameter("symbol").unwrap_or_default();
    let args = Args::parse(
        &binance_mcp_plugin::json!({ "symbol": raw }).to_string(),
        &["symbol"],
    )?;
    let symbol = args.required_symbol("symbol")?;
    let day = snapshot::day(ex, &symbol)?;
    let top = snapshot::top(ex, &symbol)?;
    let md = format!("# {symbol} market\n\n{}", summary(&symbol, &day, &top));
    Ok(vec![ResourceContents::markdown(&req.uri, md)])
}

/// `market_health_check`.
pub const HEALTH_CHECK: Prompt = Prompt {
    name: "market_health_check",
    title: "Market health check",
    description: "Spread, depth, volatility and stream health of one symbol in one message, with what to look for.",
    arguments: &[SYMBOL_ARG],
    capabilities: &[MARKET_DATA],
    render: health_check,
};

/// Depth within each band, from the live book's metrics.
fn depth_rows(top: &Top, md: &mut String) {
    match &top.metrics {
        Some(m) => {
            let _ = writeln!(
                md,
                "\n| Band | Bid qty | Ask qty | Bid notional | Ask notional | Imbalance |\n|---|---|---|---|---|---|"
            );
            for b in &m.bands {
                let _ = writeln!(
                    md,
                    "| ±{} bps | {} | {} | {} | {} | {} |",
                    b.bps, b.bid_qty, b.ask_qty, b.bid_notional, b.ask_notional, b.imbalance
                );
            }
            if m.walls.is_empty() {
                let _ = writeln!(md, "\nNo walls ({}).", m.wall_rule);
            } else {
                let _ = writeln!(md, "\nWalls ({}):", m.wall_rule);
                for w in &m.walls {
                    let side = if w.bid { "bid" } else { "ask" };
                    let _ = writeln!(
                        md,
                        "- {side} {} × {} ({}× the median level)",
                        w.price, w.qty, w.times_median
                    );
                }
            }
        }
        None => {
            let _ = writeln!(
                md,
                "\nDepth bands are not available: the live order book is not granted to this plugin (`order-book`), so only the best bid and ask are known."
            );
        }
    }
}

/// Stream health from the host, in one paragraph.
fn stream_health(ex: &dyn Exchange, symbol: &str, top: &Top, md: &mut String) {
    let Some(book) = ex.order_book() else {
        let _ = writeln!(
            md,
            "\nStream health: live streams are not enabled for this plugin."
        );
        return;
    };
    match (&top.metrics, book.health()) {
        (Some(m), Ok(h)) => {
            let _ = writeln!(
                md,
                "\nStream health: {symbol}'s book is {} (last event {} ms ago, update id {}, {} bid and {} ask levels); the spot engine reports `{}`.",
                m.status.freshness.as_str(),
                m.status.age_ms.map_or("n/a".to_string(), |a| a.to_string()),
                m.status.update_id,
                m.status.bid_levels,
                m.status.ask_levels,
                h["spot"]["status"].as_str().unwrap_or("unknown"),
            );
        }
        (None, Ok(h)) => {
            let _ = writeln!(
                md,
                "\nStream health: {symbol}'s live book is not in step yet (read from REST instead); the spot engine reports `{}`.",
                h["spot"]["status"].as_str().unwrap_or("unknown")
            );
        }
        (_, Err(e)) => {
            let _ = writeln!(md, "\nStream health unavailable: {}", e.message);
        }
    }
}

fn health_check(ex: &dyn Exchange, args: &Args) -> Result<RenderedPrompt, ToolError> {
    let symbol = args.required_symbol("symbol")?;
    let day = snapshot::day(ex, &symbol)?;
    let top = snapshot::top(ex, &symbol)?;
    let trend = snapshot::trend(ex, &symbol, "1h", 50)?;
    let mut md = format!(
        "# Market health check: {symbol}\n\n{}",
        summary(&symbol, &day, &top)
    );
    depth_rows(&top, &mut md);
    let atr = trend.indicators.iter().find(|(l, ..)| l.starts_with("ATR"));
    match (atr, trend.candles.last()) {
        (Some((label, _, v)), Some(last)) if !last.close.is_zero() => {
            let pct = v[0] * Decimal::from(100) / last.close;
            let _ = writeln!(
                md,
                "\nVolatility: {label} on {} candles is {} ({}% of the last close).",
                trend.interval,
                show(v[0], 8),
                show(pct, 3)
            );
        }
        _ => {
            let _ = writeln!(md, "\nVolatility: not enough candles for ATR(14).");
        }
    }
    let range_pct = if day.low.is_zero() {
        None
    } else {
        Some((day.high - day.low) * Decimal::from(100) / day.low)
    };
    if let Some(r) = range_pct {
        let _ = writeln!(md, "24 h range: {}% of the low.", show(r, 3));
    }
    stream_health(ex, &symbol, &top, &mut md);
    md.push_str(
        "\nAssess whether this market is healthy to trade now. Judge: (1) the spread in bps against what is normal for a pair of this volume (under 5 bps is tight for a major pair); (2) depth within ±10 and ±50 bps on each side against a typical order size, and any imbalance or walls; (3) volatility (ATR as % of price, the 24 h range); (4) whether the data is live and fresh. Give a one-line verdict (healthy / caution / avoid) first, then the reasons with the figures above. Use only these figures; say so if one is missing.",
    );
    Ok(RenderedPrompt {
        description: format!("Market health of {symbol} as of {}", iso(day.close_time)),
        messages: vec![PromptMessage::user(md)],
    })
}
