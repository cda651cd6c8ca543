//! The `binance-mcp` binary: `serve` (MCP on stdio), `tools`, `call`,
//! `policy check`, `plugin inspect`.
//! stdout is the MCP channel in `serve`; every log line goes to stderr.

#[path = "main/report.rs"]
mod report;

use binance_mcp::config::{Config, Flags};
use clap::{Parser, Subcommand};
use report::print;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// MCP server for Binance: market data (and, when enabled, account and
/// trading) tools run as sandboxed WebAssembly plugins.
#[derive(Parser, Debug)]
#[command(name = "binance-mcp", version, about)]
struct Cli {
    /// Exchange to use: live, testnet, or sim (the bundled simulator on loopback; no keys, no network).
    #[arg(long, global = true, value_name = "live|testnet|sim")]
    exchange: Option<String>,
    /// Use Binance's testnet URLs (env BINANCE_TESTNET).
    #[arg(long, global = true)]
    testnet: bool,
    /// Spot REST base URL (env BINANCE_BASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// USD-M futures REST base URL (env BINANCE_FUTURES_BASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    futures_base_url: Option<String>,
    /// Most symbols with live order books at once, 1-1024 (env BINANCE_MCP_BOOK_SYMBOLS; default 100).
    #[arg(long, global = true, value_name = "N")]
    book_symbols: Option<u32>,
    /// WebSocket base URL of the spot market streams (env BINANCE_WS_URL).
    #[arg(long, global = true, value_name = "URL")]
    ws_url: Option<String>,
    /// WebSocket base URL of the USD-M futures depth streams (env BINANCE_FUTURES_WS_URL).
    #[arg(long, global = true, value_name = "URL")]
    futures_ws_url: Option<String>,
    /// Policy file (env BINANCE_MCP_POLICY; default: the built-in read-only policy, policies/read-only.toml).
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Directory of extra plugin components (*.wasm), each loaded only when the policy pins its sha256 (env BINANCE_MCP_PLUGIN_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    plugins: Option<PathBuf>,
    /// Compiled-plugin cache directory (env BINANCE_MCP_CACHE_DIR; default ~/.cache/binance-mcp/components).
    #[arg(long, global = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Directory of the trade journal and the kill-switch marker (env BINANCE_MCP_STATE_DIR; default $XDG_STATE_HOME/binance-mcp or ~/.local/state/binance-mcp).
    #[arg(long, global = true, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Compile plugins on every start instead of caching them.
    #[arg(long, global = true)]
    no_cache: bool,
    /// Seed of the simulator's synthetic markets (env BINANCE_SIM_SEED; default 42).
    #[arg(long, global = true, value_name = "N")]
    sim_seed: Option<u64>,
    /// Wall-clock limit of one tool call, in seconds (default 30).
    #[arg(long, global = true, value_name = "SECS")]
    call_timeout: Option<u64>,
    /// Ed25519 private key (PKCS#8 PEM) to sign with (env BINANCE_PRIVATE_KEY_PATH).
    #[arg(long, global = true, value_name = "FILE")]
    private_key: Option<PathBuf>,
    /// recvWindow of signed requests in ms, 1-60000 (env BINANCE_RECV_WINDOW; default 5000).
    #[arg(long, global = true, value_name = "MS")]
    recv_window: Option<u32>,
    /// Replaced by the policy's "deposit-address" grant; refused with a pointer to it.
    #[arg(long, global = true, hide = true)]
    allow_deposit_address: bool,
    /// Tool calls running at once, all plugins together, 1-256; more queue (env BINANCE_MCP_MAX_CONCURRENT_CALLS; default 32).
    #[arg(long, global = true, value_name = "N")]
    max_concurrent_calls: Option<u32>,
    /// Tool calls running at once per plugin, 1 to the total; more queue (env BINANCE_MCP_MAX_CONCURRENT_PER_PLUGIN; default half the total).
    #[arg(long, global = true, value_name = "N")]
    max_concurrent_per_plugin: Option<u32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve MCP on stdio (for Claude Desktop and other MCP clients).
    Serve,
    /// List the tools this configuration shows a model (with --policy FILE: under that policy).
    Tools,
    /// Operator policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Plugin components.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Make every server using this state directory refuse all writes at once.
    Halt {
        /// Why (recorded in the marker and shown in every refusal).
        #[arg(long, default_value = "halted by the operator")]
        reason: String,
        /// Also cancel every open order on the policy's allowed symbols (needs the exchange and keys).
        #[arg(long)]
        cancel_open: bool,
    },
    /// Lift `halt`.
    Resume,
    /// The trade journal.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Run one tool through the full host path and print its result.
    Call {
        /// Tool name, e.g. get_ticker_price.
        tool: String,
        /// Arguments as a JSON object, e.g. '{"symbol":"BTCUSDT"}'.
        #[arg(default_value = "{}")]
        arguments: String,
    },
}

#[derive(Subcommand, Debug)]
enum PolicyCommand {
    /// Validate FILE and print the effective grants per plugin and the tools a model would see (exit 1 if invalid).
    Check { file: PathBuf },
}

#[derive(Subcommand, Debug)]
enum JournalCommand {
    /// Print the last N entries.
    Tail {
        #[arg(default_value_t = 20)]
        n: usize,
    },
    /// Verify the hash chain (exit 1 if broken); --acknowledge sets a broken journal aside and starts a new chain.
    Verify {
        #[arg(long)]
        acknowledge: bool,
    },
}

#[derive(Subcommand, Debug)]
enum PluginCommand {
    /// Print a component's name, version, ABI version, imports, tools and sha256, and a policy stanza to paste.
    Inspect { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.command);
    let flags = Flags {
        exchange: cli.exchange.clone(),
        testnet: cli.testnet,
        base_url: cli.base_url.clone(),
        futures_base_url: cli.futures_base_url.clone(),
        ws_url: cli.ws_url.clone(),
        futures_ws_url: cli.futures_ws_url.clone(),
        policy: cli.policy.clone(),
        plugins: cli.plugins.clone(),
        cache_dir: cli.cache_dir.clone(),
        state_dir: cli.state_dir.clone(),
        no_cache: cli.no_cache,
        sim_seed: cli.sim_seed,
        call_timeout_secs: cli.call_timeout,
        private_key: cli.private_key.clone(),
        recv_window: cli.recv_window,
        allow_deposit_address: cli.allow_deposit_address,
        max_concurrent_calls: cli.max_concurrent_calls,
        max_concurrent_per_plugin: cli.max_concurrent_per_plugin,
        book_symbols: cli.book_symbols,
    };
    let config = match Config::resolve(&flags, &|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("binance-mcp: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("binance-mcp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command {
        Command::Policy {
            command: PolicyCommand::Check { file },
        } => runtime.block_on(offline(config, move |c| report::policy_check(c, &file))),
        Command::Plugin {
            command: PluginCommand::Inspect { file },
        } => runtime.block_on(offline(config, move |c| report::plugin_inspect(c, &file))),
        Command::Halt {
            reason,
            cancel_open: false,
        } => report::halt(&config, &reason),
        Command::Resume => report::resume(&config),
        Command::Journal {
            command: JournalCommand::Tail { n },
        } => report::journal_tail(&config, n),
        Command::Journal {
            command: JournalCommand::Verify { acknowledge },
        } => report::journal_verify(&config, acknowledge),
        command => runtime.block_on(run(command, config)),
    };
    // Everything the host started was cancelled and awaited in `run`; what
    // is left (a stdin read parked on a blocking thread) is not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("binance-mcp: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Run a command that loads plugins but talks to no exchange, on a blocking thread.
async fn offline<F>(config: Config, f: F) -> anyhow::Result<ExitCode>
where
    F: FnOnce(&Config) -> anyhow::Result<ExitCode> + Send + 'static,
{
    match tokio::task::spawn_blocking(move || f(&config)).await {
        Ok(outcome) => match outcome {
            Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
            other => other,
        },
        Err(e) => anyhow::bail!("the command was aborted: {e}"),
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    let app = binance_mcp::app::start(config).await?;
    let outcome = execute(command, &app).await;
    app.shutdown().await;
    match outcome {
        // A closed stdout (`binance-mcp tools | head`) is the reader's choice,
        // not a failure: exit quietly.
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn execute(command: Command, app: &binance_mcp::app::App) -> anyhow::Result<ExitCode> {
    let warm = (!matches!(command, Command::Tools)).then(|| app.warm_up_in_background());
    match command {
        Command::Halt { reason, .. } => {
            // The marker first: from here on every server refuses writes.
            let Some(dir) = &app.config_state_dir else {
                anyhow::bail!(
                    "no state directory: set BINANCE_MCP_STATE_DIR (or HOME), or pass --state-dir"
                );
            };
            binance_mcp::trading::halt::Halt::at(dir).halt(&reason)?;
            report::cancel_open(app).await
        }
        Command::Policy { .. }
        | Command::Plugin { .. }
        | Command::Resume
        | Command::Journal { .. } => Ok(ExitCode::SUCCESS),
        Command::Serve => {
            app.watch_policy();
            app.keep_switch_armed();
            if let Some(warm) = warm {
                // Past the bound the warm-up goes on in the background.
                let _ = tokio::time::timeout(binance_mcp::app::WARM_UP_WAIT, warm).await;
            }
            binance_mcp::mcp::stdio::serve(app.server()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tools => {
            report::print_tools(&app.host.registry())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Call { tool, arguments } => {
            let args: serde_json::Value = match serde_json::from_str(&arguments) {
                Ok(v @ serde_json::Value::Object(_)) => v,
                _ => {
                    eprintln!("binance-mcp: the arguments must be a JSON object, e.g. '{{\"symbol\":\"BTCUSDT\"}}'");
                    return Ok(ExitCode::from(2));
                }
            };
            let server = app.server();
            match server.call(tool, args, None).await {
                Err(unknown) => {
                    eprintln!("binance-mcp: {unknown}; `binance-mcp tools` lists them");
                    Ok(ExitCode::from(2))
                }
                Ok(result) => {
                    let failed = result.is_error == Some(true);
                    let body = match &result.structured_content {
                        Some(v) => serde_json::to_string_pretty(v)?,
                        None => result
                            .content
                            .iter()
                            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    };
                    print(&body)?;
                    Ok(if failed {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    })
                }
            }
        }
    }
}

/// Logs go to stderr only (stdout is the MCP channel). `RUST_LOG` overrides
/// the default: `info` for `serve`, `warn` for the one-shot commands; the
/// HTTP libraries stay at `info` so no request URL (which carries the
/// signature) is ever logged, and rmcp stays at `info` so no whole request
/// or result (balances, addresses, txIds) is: the host logs results itself,
/// at `trace` only and truncated.
fn init_tracing(command: &Command) {
    let default = match command {
        Command::Serve => "info",
        _ => "warn",
    };
    use tracing_subscriber::filter::{filter_fn, FilterExt};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Capped at `info` whatever RUST_LOG says (and never raised above what
    // it says): the HTTP stack logs full URLs (query string, signature
    // included) at debug, rmcp whole requests and results, the simulator
    // request URIs.
    const CAPPED: [&str; 7] = [
        "reqwest",
        "hyper",
        "hyper_util",
        "h2",
        "rustls",
        "rmcp",
        "binance_sim",
    ];
    let cap = filter_fn(|meta| {
        let target = meta.target();
        let capped = CAPPED.iter().any(|t| {
            target
                .strip_prefix(t)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        });
        !capped || *meta.level() <= tracing::Level::INFO
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(filter.and(cap));
    tracing_subscriber::registry().with(layer).init();
}
