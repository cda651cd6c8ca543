//! `binance-sim --port N --seed S [--scale large]`: runs the simulator
//! until Ctrl-C.
//!
//! Prints the listening URL (and nothing else) on stdout so scripts can
//! read it; logs go to stderr, filtered by `RUST_LOG` (default `info`).

use std::io::Write;
use std::process::ExitCode;

use binance_sim::{Scale, SimConfig, Simulator};

const USAGE: &str = "usage: binance-sim [--port N] [--seed S] [--scale default|large]
  --port N       loopback port to listen on (default 0: any free port)
  --seed S       seed of the generated markets (default 42)
  --scale large  real-Binance sizes: 2500 more symbols, 5000-level books,
                 thousands of orders and trades, 300 dust balances";

fn parse_args(args: impl Iterator<Item = String>) -> Result<SimConfig, String> {
    let mut config = SimConfig::default();
    let mut args = args;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value("--port")?;
                config.port = v.parse().map_err(|_| format!("invalid port: {v}"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                config.seed = v.parse().map_err(|_| format!("invalid seed: {v}"))?;
            }
            "--scale" => {
                let v = value("--scale")?;
                config.scale = Scale::preset(&v).ok_or_else(|| format!("invalid scale: {v}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let config = match parse_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("binance-sim: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let sim = match Simulator::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("binance-sim: cannot listen on port {}: {e}", config.port);
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sim.spot_url());
    let _ = std::io::stdout().flush();
    tracing::info!(seed = config.seed, url = %sim.spot_url(), "serving spot /api/v3 and futures /fapi/v1");

    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot wait for Ctrl-C; shutting down");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> impl Iterator<Item = String> {
        s.iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn parses_flags() {
        let c = parse_args(args(&["--port", "8080", "--seed=7"])).unwrap();
        assert_eq!(
            c,
            SimConfig {
                seed: 7,
                port: 8080,
                scale: Scale::default()
            }
        );
        let large = parse_args(args(&["--scale", "large"])).unwrap();
        assert_eq!(large.scale, Scale::large());
        assert!(parse_args(args(&["--scale=huge"])).is_err());
        assert_eq!(parse_args(args(&[])).unwrap(), SimConfig::default());
        assert!(parse_args(args(&["--port"])).is_err());
        assert!(parse_args(args(&["--bogus"])).is_err());
    }
}
