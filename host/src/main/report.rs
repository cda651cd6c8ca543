//! What the operator commands print: `tools`, `policy check`, `plugin inspect`.

use binance_mcp::config::Config;
use binance_mcp::exchange::ratelimit::{
    FUTURES_WEIGHT_PER_MINUTE, SAPI_WEIGHT_PER_MINUTE, SPOT_WEIGHT_PER_MINUTE,
};
use binance_mcp::exchange::share::WeightShare;
use binance_mcp::policy::{Capability, Policy};
use binance_mcp::runtime::plugin::{WIT_PACKAGE, WIT_VERSION};
use binance_mcp::runtime::registry::Registry;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Write `text` and a newline to stdout, reporting (not panicking on) a
/// closed pipe.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}

/// The tools a model sees, one a line.
pub fn print_tools(registry: &Registry) -> std::io::Result<()> {
    print(&format!(
        "{:<32} {:<8} {:<32} TITLE",
        "TOOL", "PLUGIN", "ANNOTATIONS"
    ))?;
    for t in registry.tools() {
        let s = t.spec;
        let mut notes = vec![if s.read_only { "read-only" } else { "writes" }];
        if s.destructive {
            notes.push("destructive");
        }
        if s.idempotent {
            notes.push("idempotent");
        }
        if s.open_world {
            notes.push("open-world");
        }
        print(&format!(
            "{:<32} {:<8} {:<32} {}",
            s.name,
            t.plugin,
            notes.join(","),
            s.title
        ))?;
    }
    Ok(())
}

/// `policy check FILE`: exit 0 and the effective grants, or exit 1 and the error.
pub fn policy_check(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let invalid = |e: &dyn std::fmt::Display| {
        eprintln!("binance-mcp: policy {} is invalid: {e}", file.display());
        ExitCode::FAILURE
    };
    let policy = match Policy::load(Some(file)) {
        Ok(p) => p,
        Err(e) => return Ok(invalid(&e)),
    };
    let disabled: Vec<String> = policy
        .plugins
        .iter()
        .filter(|p| !p.enabled)
        .map(|p| p.name.clone())
        .collect();
    let host = binance_mcp::app::offline_host(config)?;
    let registry = match host.build(policy) {
        Ok(r) => r,
        Err(e) => return Ok(invalid(&e)),
    };
    print(&format!("policy {}: valid", file.display()))?;
    for p in &registry.plugins {
        let l = &p.plugin;
        print(&format!(
            "\nplugin {} {} ({}, sha256 {})",
            l.name, l.version, l.origin, l.digest
        ))?;
        if p.grants.is_empty() {
            print("  grants: none")?;
        }
        for g in &p.grants {
            print(&format!("  grant {:<16} {}", g.name(), g.summary()))?;
        }
        let cap = |limit| WeightShare::cap_at(limit, p.weight_percent.unwrap_or(100));
        match p.weight_percent {
            Some(percent) => print(&format!(
                "  weight share: {percent}% a minute (spot /api {}, spot /sapi {}, futures {})",
                cap(SPOT_WEIGHT_PER_MINUTE),
                cap(SAPI_WEIGHT_PER_MINUTE),
                cap(FUTURES_WEIGHT_PER_MINUTE)
            ))?,
            None => print("  weight share: none of its own (the IP's limits apply)")?,
        }
        let shown: Vec<&str> = p.shown().map(|t| t.name.as_str()).collect();
        print(&format!(
            "  tools shown ({}): {}",
            shown.len(),
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            }
        ))?;
        let prompts: Vec<&str> = p.prompts().map(|x| x.name.as_str()).collect();
        if !prompts.is_empty() {
            print(&format!(
                "  prompts served ({}): {}",
                prompts.len(),
                prompts.join(", ")
            ))?;
        }
        let resources: Vec<&str> = p.resources().map(|x| x.uri.as_str()).collect();
        if !resources.is_empty() {
            print(&format!(
                "  resources served ({}): {}",
                resources.len(),
                resources.join(", ")
            ))?;
        }
        for h in &p.hidden {
            print(&format!("  hidden {}: {}", h.name, h.reason))?;
        }
    }
    for name in disabled {
        print(&format!("\nplugin {name}: disabled (enabled = false)"))?;
    }
    if let Some(policy) = &registry.policy {
        print(&format!("\n{}", trading_summary(&policy.trading)))?;
    }
    let count = registry.tools().count();
    print(&format!("\n{count} tools a model sees:"))?;
    print_tools(&registry)?;
    Ok(ExitCode::SUCCESS)
}

/// The `[trading]` section in one paragraph.
fn trading_summary(t: &binance_mcp::policy::trading::TradingPolicy) -> String {
    use binance_mcp::policy::trading::{Cap, Confirm, Mode};
    let mode = match t.mode {
        Mode::Off => return "trading: off (no order can be placed)".to_string(),
        Mode::Testnet => "testnet (a live base URL is refused)",
        Mode::Live => "LIVE (real money)",
    };
    let cap = |c: Option<Cap>| match c {
        None => "not set".to_string(),
        Some(Cap::Unlimited) => "none (unlimited)".to_string(),
        Some(Cap::At(d)) => d.to_string(),
    };
    let list = |s: &Option<std::collections::BTreeSet<String>>, all: &str| match s {
        None => all.to_string(),
        Some(s) => s.iter().cloned().collect::<Vec<_>>().join(", "),
    };
    let mut out = format!("trading: {mode}\n  symbols: {}", list(&t.symbols, "all"));
    if !t.deny_symbols.is_empty() {
        out.push_str(&format!(
            " (denied: {})",
            t.deny_symbols
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str(&format!(
        "\n  order types: {}\n  max order notional: {}\n  max 24 h notional: {}\n  max open orders: {}\n  confirm: {}",
        list(&t.order_types, "all"),
        cap(t.max_order_notional),
        cap(t.max_daily_notional),
        t.max_open_orders.map_or("not set".to_string(), |n| n.to_string()),
        match t.confirm {
            Confirm::Elicitation => "the user, in the client (a preview and token where the client cannot ask)",
            Confirm::Token => "a preview and a single-use token",
            Confirm::None => "none",
        }
    ));
    out
}

/// `plugin inspect FILE`.
pub fn plugin_inspect(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let host = binance_mcp::app::offline_host(config)?;
    let inspection = match host.inspect(file) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("binance-mcp: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let i = &inspection;
    print(&format!("file:    {}", file.display()))?;
    print(&format!("sha256:  {}", i.digest))?;
    print(&format!("name:    {}", i.name))?;
    print(&format!("version: {}", i.version))?;
    print(&format!(
        "abi:     {WIT_PACKAGE}@{} (this host links {WIT_PACKAGE}@{WIT_VERSION})",
        i.info.abi_version().unwrap_or("?")
    ))?;
    let host_imports = i.info.host_interfaces();
    let other = i.info.imports.len() - host_imports.len();
    print(&format!(
        "imports: {} (and {other} WASI interfaces, linked with an empty context: no files, sockets or environment)",
        host_imports
            .iter()
            .map(|n| format!("{WIT_PACKAGE}/{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    print(&format!("tools ({}):", i.tools.len()))?;
    let mut needs = std::collections::BTreeSet::<Capability>::new();
    for t in &i.tools {
        needs.extend(t.capabilities.iter().copied());
        let caps: Vec<&str> = t.capabilities.iter().map(|c| c.name()).collect();
        print(&format!(
            "  {:<32} {:<10} needs {}",
            t.name,
            if t.read_only { "read-only" } else { "writes" },
            if caps.is_empty() {
                "nothing".to_string()
            } else {
                caps.join(", ")
            }
        ))?;
    }
    for x in &i.prompts {
        needs.extend(x.capabilities.iter().copied());
        print(&format!("  prompt {}", x.name))?;
    }
    for x in &i.resources {
        needs.extend(x.capabilities.iter().copied());
        print(&format!("  resource {} ({})", x.uri, x.mime_type))?;
    }
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let grants: Vec<String> = needs.iter().map(|c| format!("{:?}", c.name())).collect();
    print("\npolicy stanza (review the grants before you paste it):")?;
    print(&format!("[plugins.{}]", i.name))?;
    print("enabled = true")?;
    print(&format!("path = {:?}", path.display().to_string()))?;
    print(&format!("sha256 = \"{}\"", i.digest))?;
    print(&format!("grants = [{}]", grants.join(", ")))?;
    if !i.prompts.is_empty() || !i.resources.is_empty() {
        let mut exports = Vec::new();
        if !i.tools.is_empty() {
            exports.push("\"tools\"");
        }
        if !i.prompts.is_empty() {
            exports.push("\"prompts\"");
        }
        if !i.resources.is_empty() {
            exports.push("\"resources\"");
        }
        print(&format!("exports = [{}]", exports.join(", ")))?;
    }
    print("max_weight_percent = 25")?;
    Ok(ExitCode::SUCCESS)
}

fn state_dir(config: &Config) -> anyhow::Result<&Path> {
    config.state_dir.as_deref().ok_or_else(|| {
        anyhow::anyhow!(
            "no state directory: set BINANCE_MCP_STATE_DIR (or HOME), or pass --state-dir"
        )
    })
}

/// `halt`: write the kill-switch marker.
pub fn halt(config: &Config, reason: &str) -> anyhow::Result<ExitCode> {
    let dir = state_dir(config)?;
    let h = binance_mcp::trading::halt::Halt::at(dir);
    h.halt(reason)?;
    print(&format!(
        "halted: every binance-mcp server using {} refuses all writes from its next one (`binance-mcp resume` lifts it)",
        dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `resume`: remove the marker.
pub fn resume(config: &Config) -> anyhow::Result<ExitCode> {
    let dir = state_dir(config)?;
    let existed = binance_mcp::trading::halt::Halt::at(dir).resume()?;
    print(if existed {
        "resumed: writes are allowed again (within each server's policy)"
    } else {
        "not halted: nothing to resume"
    })?;
    Ok(ExitCode::SUCCESS)
}

fn journal_path(config: &Config) -> anyhow::Result<std::path::PathBuf> {
    Ok(state_dir(config)?.join(binance_mcp::trading::desk::JOURNAL_FILE))
}

/// `journal tail N`.
pub fn journal_tail(config: &Config, n: usize) -> anyhow::Result<ExitCode> {
    let path = journal_path(config)?;
    if !path.exists() {
        print(&format!(
            "no journal at {} (nothing was ever written)",
            path.display()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    for line in binance_mcp::trading::journal::tail(&path, n)? {
        print(&line)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `journal verify [--acknowledge]`: exit 1 while the chain is broken.
pub fn journal_verify(config: &Config, acknowledge: bool) -> anyhow::Result<ExitCode> {
    use binance_mcp::trading::journal;
    let path = journal_path(config)?;
    if !path.exists() {
        print(&format!(
            "no journal at {} (nothing was ever written)",
            path.display()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let v = journal::verify(&path)?;
    if v.is_intact() {
        print(&format!(
            "journal {}: intact, {} entries",
            path.display(),
            v.entries
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    if acknowledge {
        let (j, _) = journal::Journal::open(&path)?;
        let aside =
            j.acknowledge_break("acknowledged with `binance-mcp journal verify --acknowledge`")?;
        print(&format!(
            "journal {}: the broken chain was set aside{}; a new chain starts (the last 24 h of orders still count against the caps)",
            path.display(),
            aside.map(|p| format!(" as {}", p.display())).unwrap_or_default()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "binance-mcp: journal {} is broken: {:?}; writes are refused until you acknowledge it with `binance-mcp journal verify --acknowledge`",
        path.display(),
        v
    );
    Ok(ExitCode::FAILURE)
}

/// `halt --cancel-open`, after the marker is written: cancel the open
/// orders on the policy's allowed symbols.
pub async fn cancel_open(app: &binance_mcp::app::App) -> anyhow::Result<ExitCode> {
    let Some(trading) = app.host.trading().cloned() else {
        anyhow::bail!("this server has no trading service");
    };
    let futures = app.host.futures().cloned();
    let deadline = std::time::Instant::now() + app.host.limits().call_timeout;
    let done = app
        .lifecycle
        .spawn_blocking(move || {
            let mut done = trading.cancel_open_after_halt(deadline)?;
            // Futures too, when the policy trades them.
            if let Some(f) = futures.filter(|f| f.policy().enabled()) {
                done.extend(f.cancel_open_after_halt(deadline)?);
            }
            Ok::<_, binance_mcp::tool_error::ToolError>(done)
        })
        .await?;
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "binance-mcp: halted, but the open orders could not be listed: {}",
                e.message
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut failed = false;
    if done.is_empty() {
        print("halted; no open orders on the allowed symbols")?;
    }
    for (symbol, outcome) in done {
        match outcome {
            Ok(n) => print(&format!("{symbol}: cancelled {n}"))?,
            Err(e) => {
                failed = true;
                eprintln!("binance-mcp: {symbol}: {}", e.message);
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
