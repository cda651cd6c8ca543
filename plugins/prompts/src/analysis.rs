//! `trading_analysis`: a symbol's day, book, recent candles and indicators,
//! and instructions shaped by the strategy and risk tolerance asked for.

use crate::market::{summary, SYMBOL_ARG};
use crate::snapshot::{self, iso, show};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::MARKET_DATA;
use binance_mcp_plugin::content::{PromptMessage, RenderedPrompt};
use binance_mcp_plugin::prompt::{Arg, Prompt};
use binance_mcp_plugin::{Exchange, ToolError};
use std::fmt::Write;

/// The strategies a user may ask for.
pub const STRATEGIES: &[&str] = &["aggressive", "balanced", "conservative"];
/// The risk tolerances.
pub const RISK_TOLERANCES: &[&str] = &["low", "medium", "high"];
/// Candles fetched (enough for SMA(50) and MACD's 34-candle warm-up).
const CANDLES: usize = 100;
/// Candles shown as rows.
const SHOWN: usize = 12;

/// `trading_analysis`.
pub const TRADING_ANALYSIS: Prompt = Prompt {
    name: "trading_analysis",
    title: "Trading analysis",
    description: "Analyse one symbol from current data (24 h statistics, the order book, 1 h candles with SMA, EMA, RSI, MACD, Bollinger and ATR) for a strategy and risk tolerance.",
    arguments: &[
        SYMBOL_ARG,
        Arg {
            name: "strategy",
            description: "aggressive, balanced (default) or conservative",
            required: false,
        },
        Arg {
            name: "risk_tolerance",
            description: "low, medium (default) or high",
            required: false,
        },
    ],
    capabilities: &[MARKET_DATA],
    render,
};

/// What each strategy asks of the analysis.
fn strategy_text(strategy: &str) -> &'static str {
    match strategy {
        "aggressive" => "Aggressive: look for momentum and breakout entries; accept wider stops (up to 2× ATR) and shorter holding periods; a setup needs only two confirming signals.",
        "conservative" => "Conservative: trade only with the prevailing trend (price above SMA(50) for longs), enter on pullbacks near support or the lower band, use tight stops (about 1× ATR), and prefer no trade to a marginal one; a setup needs three confirming signals.",
        _ => "Balanced: weigh trend (SMA/EMA), momentum (RSI, MACD) and range (Bollinger) equally; stops about 1.5× ATR; a setup needs at least two confirming signals and no strong contrary one.",
    }
}

fn risk_text(risk: &str) -> &'static str {
    match risk {
        "low" => "Risk tolerance low: risk at most 0.5% of the account on one trade, and say plainly when no trade is the right answer.",
        "high" => "Risk tolerance high: up to 2% of the account on one trade is acceptable, but state the worst case in the quote currency.",
        _ => "Risk tolerance medium: risk about 1% of the account on one trade.",
    }
}

fn render(ex: &dyn Exchange, args: &Args) -> Result<RenderedPrompt, ToolError> {
    let symbol = args.required_symbol("symbol")?;
    let strategy = args
        .one_of("strategy", STRATEGIES)?
        .unwrap_or_else(|| "balanced".into());
    let risk = args
        .one_of("risk_tolerance", RISK_TOLERANCES)?
        .unwrap_or_else(|| "medium".into());
    let day = snapshot::day(ex, &symbol)?;
    let top = snapshot::top(ex, &symbol)?;
    let trend = snapshot::trend(ex, &symbol, "1h", CANDLES)?;
    let mut md = format!(
        "# Trading analysis: {symbol}\n\nCurrent data (fetched now from Binance; exact figures):\n\n{}",
        summary(&symbol, &day, &top)
    );
    if let Some(m) = &top.metrics {
        let _ = writeln!(
            md,
            "\nOrder book (live): microprice {}, top-of-book imbalance {}; within ±{} bps: bid {} / ask {} (imbalance {}).",
            m.microprice,
            m.imbalance,
            m.bands.first().map_or(0, |b| b.bps),
            m.bands.first().map_or("n/a", |b| b.bid_qty.as_str()),
            m.bands.first().map_or("n/a", |b| b.ask_qty.as_str()),
            m.bands.first().map_or("n/a", |b| b.imbalance.as_str()),
        );
    }
    let _ = writeln!(
        md,
        "\nIndicators on the last {} {} candles (standard definitions, as TA-Lib computes them):\n\n| Indicator | Latest |\n|---|---|",
        trend.candles.len(),
        trend.interval
    );
    for (label, columns, values) in &trend.indicators {
        let shown: Vec<String> = columns
            .iter()
            .zip(values)
            .map(|(c, v)| {
                if columns.len() == 1 {
                    show(*v, 4)
                } else {
                    format!("{c} {}", show(*v, 4))
                }
            })
            .collect();
        let _ = writeln!(md, "| {label} | {} |", shown.join(", "));
    }
    let _ = writeln!(
        md,
        "\nThe last {SHOWN} candles (oldest first):\n\n| Open time (UTC) | Open | High | Low | Close | Volume |\n|---|---|---|---|---|---|"
    );
    let skip = trend.candles.len().saturating_sub(SHOWN);
    for k in &trend.candles[skip..] {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            iso(k.open_time),
            show(k.open, 8),
            show(k.high, 8),
            show(k.low, 8),
            show(k.close, 8),
            show(k.volume, 8)
        );
    }
    let _ = write!(
        md,
        "\nInstructions. {}\n{}\nUsing only the figures above:\n1. State the trend (price against SMA(20)/SMA(50)/EMA(20)) and momentum (RSI(14): above 70 overbought, below 30 oversold; MACD against its signal and the histogram's sign).\n2. Place the price within the Bollinger bands and the 24 h range; name support and resistance levels from the candles.\n3. Judge liquidity from the spread and the book.\n4. Give one recommendation — buy, sell or wait — with an entry, a stop (in ATR multiples and as a price) and a target, the reward-to-risk ratio, and the position size the risk tolerance allows per 1,000 of quote currency.\n5. List what would invalidate the view.\nThis is analysis, not financial advice: say so once, briefly. Do not place an order unless the user asks.",
        strategy_text(&strategy),
        risk_text(&risk)
    );
    Ok(RenderedPrompt {
        description: format!(
            "{symbol}: {strategy} strategy, {risk} risk tolerance, data as of {}",
            iso(day.close_time)
        ),
        messages: vec![PromptMessage::user(md)],
    })
}
