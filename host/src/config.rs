//! Configuration: command-line flags over environment variables over
//! defaults. A bad value fails fast with one line naming the flag or variable
//! and what is expected.

use crate::runtime::admission::{AdmissionLimits, MAX_CALLS_LIMIT};
use crate::secret::Secret;
use std::path::PathBuf;
use std::time::Duration;

/// Which exchange the host talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeMode {
    /// Binance production.
    Live,
    /// Binance's testnets (spot testnet, futures demo).
    Testnet,
    /// The bundled simulator, started in-process on a free loopback port.
    Sim,
}

/// Binance production URLs.
pub const LIVE: Urls = Urls {
    spot: "https://api.binance.com",
    futures: "https://fapi.binance.com",
    ws: "wss://stream.binance.com:9443",
    // The engine adds `/public`, where depth streams live since March 2026.
    futures_ws: "wss://fstream.binance.com",
};
/// Binance testnet URLs.
pub const TESTNET: Urls = Urls {
    spot: "https://testnet.binance.vision",
    futures: "https://testnet.binancefuture.com",
    ws: "wss://stream.testnet.binance.vision",
    futures_ws: "wss://stream.binancefuture.com",
};

/// A URL set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urls {
    pub spot: &'static str,
    pub futures: &'static str,
    pub ws: &'static str,
    pub futures_ws: &'static str,
}

/// Longest `--call-timeout`: an hour is far beyond any Binance read, and a
/// bound keeps the epoch deadline arithmetic far from overflow.
pub const MAX_CALL_TIMEOUT_SECS: u64 = 3600;

/// The resolved configuration.
#[derive(Debug)]
pub struct Config {
    pub mode: ExchangeMode,
    pub spot_url: String,
    pub futures_url: String,
    pub ws_url: String,
    /// WebSocket host of the USD-M futures streams (the book engine adds
    /// the `/public` path).
    pub futures_ws_url: String,
    pub api_key: Option<Secret>,
    pub secret_key: Option<Secret>,
    /// An Ed25519 private key (PKCS#8 PEM) to sign with instead of the secret key.
    pub private_key_path: Option<PathBuf>,
    /// `recvWindow` of signed requests, ms.
    pub recv_window_ms: u32,
    pub policy: Option<PathBuf>,
    /// Plugins to add to (or override) the built-in ones.
    pub plugin_dir: Option<PathBuf>,
    /// Calls running at once, in total and per plugin.
    pub admission: AdmissionLimits,
    /// `None` = no compiled-component cache.
    pub cache_dir: Option<PathBuf>,
    /// Where the trade journal and the kill-switch marker live (`None`: no
    /// home to put them in; every write is refused).
    pub state_dir: Option<PathBuf>,
    pub sim_seed: u64,
    pub call_timeout: Duration,
    /// Most symbols with live order books at once (`--book-symbols`).
    pub book_symbols: u32,
}

/// Values given on the command line (each overrides its variable).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub exchange: Option<String>,
    pub testnet: bool,
    pub base_url: Option<String>,
    pub futures_base_url: Option<String>,
    pub ws_url: Option<String>,
    pub futures_ws_url: Option<String>,
    pub policy: Option<PathBuf>,
    pub plugins: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub state_dir: Option<PathBuf>,
    pub no_cache: bool,
    pub sim_seed: Option<u64>,
    pub call_timeout_secs: Option<u64>,
    pub private_key: Option<PathBuf>,
    pub recv_window: Option<u32>,
    pub allow_deposit_address: bool,
    pub max_concurrent_calls: Option<u32>,
    pub max_concurrent_per_plugin: Option<u32>,
    pub book_symbols: Option<u32>,
}

/// A configuration error: one line, naming the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {problem}")]
pub struct ConfigError {
    /// The flag or variable, e.g. `BINANCE_TESTNET` or `--base-url`.
    pub source_name: String,
    pub problem: String,
}

fn err(source_name: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        source_name: source_name.to_string(),
        problem: problem.into(),
    }
}

/// Read an environment variable through `env` (injected for tests).
type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn var(env: Env, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// Flag first, then variable; returns the value and the name it came from.
fn pick(
    env: Env,
    flag: &Option<String>,
    flag_name: &str,
    var_name: &str,
) -> Option<(String, String)> {
    match flag {
        Some(v) => Some((v.clone(), flag_name.to_string())),
        None => var(env, var_name).map(|v| (v, var_name.to_string())),
    }
}

/// `$XDG_STATE_HOME/binance-mcp`, else `$HOME/.local/state/binance-mcp`:
/// the journal and the kill-switch marker are state, not cache (they must
/// survive a cache wipe) nor configuration.
fn default_state_dir(env: Env) -> Option<PathBuf> {
    let base = var(env, "XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| var(env, "HOME").map(|h| PathBuf::from(h).join(".local").join("state")))?;
    Some(base.join("binance-mcp"))
}

/// Whether `host` (as written in a URL authority, IPv6 in brackets) is this
/// machine: `localhost`, `127.0.0.0/8` or `[::1]`. Only loopback may be
/// reached without TLS.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// A DNS name or IP literal: letters, digits, `-` and `.`, or `[v6]`.
fn valid_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Check a base URL: `scheme://host[:port]` and nothing else.
///
/// `schemes` is `[secure, plain]` (`https`/`http`, `wss`/`ws`): the plain
/// scheme is refused unless the host is loopback, since keys and signed
/// queries would otherwise travel in clear text. A path, query, fragment or
/// user-info is refused: the host appends catalogued paths itself, and
/// anything else would change what the catalogue allows.
fn check_url(value: &str, source_name: &str, schemes: [&str; 2]) -> Result<String, ConfigError> {
    let [secure, plain] = schemes;
    let bad = |problem: String| err(source_name, format!("{problem}, got '{value}'"));
    let shape = || {
        bad(format!(
            "expected a {secure}/{plain} URL such as {secure}://host[:port]"
        ))
    };
    let (scheme, rest) = value.split_once("://").ok_or_else(shape)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != secure && scheme != plain {
        return Err(shape());
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(bad(format!(
            "expected only {scheme}://host[:port], without a path, query or fragment"
        )));
    }
    if authority.contains('@') || authority.contains(char::is_whitespace) || authority.is_empty() {
        return Err(shape());
    }
    // Split off the port: after the last ':' outside an IPv6 literal.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    if !valid_host(host) {
        return Err(bad(format!(
            "'{host}' is not a valid host name or IP address"
        )));
    }
    if let Some(port) = port {
        if !matches!(port.parse::<u16>(), Ok(1..)) {
            return Err(bad("the port must be a number from 1 to 65535".to_string()));
        }
    }
    if scheme == plain && !is_loopback(host) {
        return Err(bad(format!(
            "{plain}:// is only allowed for loopback (localhost, 127.0.0.1, [::1]): API keys and signed queries must not travel in clear text; use {secure}://"
        )));
    }
    Ok(format!("{scheme}://{authority}"))
}

/// A whole number from 1 to `max`, from a flag or its variable.
fn count(
    env: Env,
    flag: Option<u32>,
    flag_name: &str,
    var_name: &str,
    max: u32,
) -> Result<Option<u32>, ConfigError> {
    let (raw, from) = match (flag, var(env, var_name)) {
        (Some(n), _) => (n.to_string(), flag_name),
        (None, Some(v)) => (v, var_name),
        (None, None) => return Ok(None),
    };
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(err(
            from,
            format!("expected a whole number from 1 to {max}, got '{raw}'"),
        )),
    }
}

fn check_recv_window(w: u32, source_name: &str) -> Result<u32, ConfigError> {
    if (1..=60_000).contains(&w) {
        Ok(w)
    } else {
        Err(err(
            source_name,
            format!("expected milliseconds from 1 to 60000 (Binance's maximum), got {w}"),
        ))
    }
}

fn parse_bool(value: &str, source_name: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(err(
            source_name,
            format!("expected true or false, got '{value}'"),
        )),
    }
}

fn secret(env: Env, names: &[&str]) -> Result<Option<Secret>, ConfigError> {
    for name in names {
        if let Some(raw) = var(env, name) {
            let secret = Secret::from_untrimmed(raw);
            if !secret.expose().bytes().all(|b| b.is_ascii_graphic()) {
                return Err(err(
                    name,
                    "contains spaces or non-printable characters; paste the key exactly",
                ));
            }
            return Ok(Some(secret));
        }
    }
    Ok(None)
}

impl Config {
    /// Resolve flags over the environment `env` over defaults.
    pub fn resolve(flags: &Flags, env: Env) -> Result<Config, ConfigError> {
        let testnet = match (flags.testnet, var(env, "BINANCE_TESTNET")) {
            (true, _) => true,
            (false, Some(v)) => parse_bool(&v, "BINANCE_TESTNET")?,
            (false, None) => false,
        };
        let mode = match flags.exchange.as_deref() {
            None => {
                if testnet {
                    ExchangeMode::Testnet
                } else {
                    ExchangeMode::Live
                }
            }
            Some("live") => ExchangeMode::Live,
            Some("testnet") => ExchangeMode::Testnet,
            Some("sim") => ExchangeMode::Sim,
            Some(other) => {
                return Err(err(
                    "--exchange",
                    format!("expected live, testnet or sim, got '{other}'"),
                ))
            }
        };
        let defaults = if mode == ExchangeMode::Testnet {
            TESTNET
        } else {
            LIVE
        };
        let url = |flag: &Option<String>,
                   flag_name: &str,
                   var_name: &str,
                   default: &str,
                   schemes: [&str; 2]| {
            match pick(env, flag, flag_name, var_name) {
                Some((v, from)) => check_url(v.trim(), &from, schemes),
                None => Ok(default.to_string()),
            }
        };
        let spot_url = url(
            &flags.base_url,
            "--base-url",
            "BINANCE_BASE_URL",
            defaults.spot,
            ["https", "http"],
        )?;
        let futures_url = url(
            &flags.futures_base_url,
            "--futures-base-url",
            "BINANCE_FUTURES_BASE_URL",
            defaults.futures,
            ["https", "http"],
        )?;
        let ws_url = url(
            &flags.ws_url,
            "--ws-url",
            "BINANCE_WS_URL",
            defaults.ws,
            ["wss", "ws"],
        )?;
        let futures_ws_url = url(
            &flags.futures_ws_url,
            "--futures-ws-url",
            "BINANCE_FUTURES_WS_URL",
            defaults.futures_ws,
            ["wss", "ws"],
        )?;
        let api_key = secret(env, &["BINANCE_API_KEY"])?;
        let secret_key = secret(env, &["BINANCE_SECRET_KEY", "BINANCE_API_SECRET"])?;
        let private_key_path = flags
            .private_key
            .clone()
            .or_else(|| var(env, "BINANCE_PRIVATE_KEY_PATH").map(PathBuf::from));
        let key_from = if flags.private_key.is_some() {
            "--private-key"
        } else {
            "BINANCE_PRIVATE_KEY_PATH"
        };
        if let Some(p) = &private_key_path {
            if !p.is_file() {
                return Err(err(key_from, format!("no key file at '{}'", p.display())));
            }
            if secret_key.is_some() {
                return Err(err(
                    key_from,
                    "set either an Ed25519 key file or BINANCE_SECRET_KEY, not both",
                ));
            }
        }
        let signs = secret_key.is_some() || private_key_path.is_some();
        match (api_key.is_some(), signs) {
            (true, false) => return Err(err("BINANCE_SECRET_KEY", "BINANCE_API_KEY is set but no secret: set BINANCE_SECRET_KEY (or BINANCE_PRIVATE_KEY_PATH for an Ed25519 key)")),
            (false, true) => return Err(err("BINANCE_API_KEY", "a secret or key file is set but no API key: set BINANCE_API_KEY")),
            _ => {}
        }
        let recv_window_ms = match (flags.recv_window, var(env, "BINANCE_RECV_WINDOW")) {
            (Some(w), _) => check_recv_window(w, "--recv-window")?,
            (None, Some(v)) => {
                let w = v.trim().parse().map_err(|_| {
                    err(
                        "BINANCE_RECV_WINDOW",
                        format!("expected milliseconds from 1 to 60000, got '{v}'"),
                    )
                })?;
                check_recv_window(w, "BINANCE_RECV_WINDOW")?
            }
            (None, None) => 5000,
        };
        // Replaced by the policy file: one decision in one place. Refused
        // rather than ignored, so nobody believes it still does something.
        let replaced = "deposit addresses are now granted by the policy file: add \"deposit-address\" to plugins.account.grants (see policies/README.md), and remove this setting";
        if flags.allow_deposit_address {
            return Err(err("--allow-deposit-address", replaced));
        }
        if var(env, "BINANCE_MCP_ALLOW_DEPOSIT_ADDRESS").is_some() {
            return Err(err("BINANCE_MCP_ALLOW_DEPOSIT_ADDRESS", replaced));
        }
        let policy = flags
            .policy
            .clone()
            .or_else(|| var(env, "BINANCE_MCP_POLICY").map(PathBuf::from));
        if let Some(p) = &policy {
            if !p.is_file() {
                let from = if flags.policy.is_some() {
                    "--policy"
                } else {
                    "BINANCE_MCP_POLICY"
                };
                return Err(err(from, format!("no policy file at '{}'", p.display())));
            }
        }
        let plugin_dir = flags
            .plugins
            .clone()
            .or_else(|| var(env, "BINANCE_MCP_PLUGIN_DIR").map(PathBuf::from));
        let total = count(
            env,
            flags.max_concurrent_calls,
            "--max-concurrent-calls",
            "BINANCE_MCP_MAX_CONCURRENT_CALLS",
            MAX_CALLS_LIMIT,
        )?
        .unwrap_or(AdmissionLimits::default().total);
        let per_plugin = count(
            env,
            flags.max_concurrent_per_plugin,
            "--max-concurrent-per-plugin",
            "BINANCE_MCP_MAX_CONCURRENT_PER_PLUGIN",
            total,
        )?
        .unwrap_or(total.div_ceil(2));
        let admission = AdmissionLimits { total, per_plugin };
        // Binance allows 1024 streams a connection; more symbols would need
        // more connections than a tool server should hold.
        let book_symbols = count(
            env,
            flags.book_symbols,
            "--book-symbols",
            "BINANCE_MCP_BOOK_SYMBOLS",
            1024,
        )?
        .unwrap_or(100);
        let cache_dir = if flags.no_cache {
            None
        } else {
            flags
                .cache_dir
                .clone()
                .or_else(|| var(env, "BINANCE_MCP_CACHE_DIR").map(PathBuf::from))
                .or_else(crate::runtime::cache::ComponentCache::default_dir)
        };
        let state_dir = flags
            .state_dir
            .clone()
            .or_else(|| var(env, "BINANCE_MCP_STATE_DIR").map(PathBuf::from))
            .or_else(|| default_state_dir(env));
        let sim_seed = match (flags.sim_seed, var(env, "BINANCE_SIM_SEED")) {
            (Some(s), _) => s,
            (None, Some(v)) => v.trim().parse().map_err(|_| {
                err(
                    "BINANCE_SIM_SEED",
                    format!("expected a whole number, got '{v}'"),
                )
            })?,
            (None, None) => 42,
        };
        let call_timeout = match flags.call_timeout_secs {
            Some(s @ 1..=MAX_CALL_TIMEOUT_SECS) => Duration::from_secs(s),
            Some(s) => {
                return Err(err(
                    "--call-timeout",
                    format!("expected 1 to {MAX_CALL_TIMEOUT_SECS} seconds, got {s}"),
                ))
            }
            None => Duration::from_secs(30),
        };
        Ok(Config {
            book_symbols,
            private_key_path,
            recv_window_ms,
            mode,
            spot_url,
            futures_url,
            ws_url,
            futures_ws_url,
            api_key,
            secret_key,
            policy,
            plugin_dir,
            admission,
            cache_dir,
            state_dir,
            sim_seed,
            call_timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn resolve(flags: Flags, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::resolve(&flags, &|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_live_binance() {
        let c = resolve(Flags::default(), &[]).unwrap();
        assert_eq!(c.mode, ExchangeMode::Live);
        assert_eq!(c.spot_url, LIVE.spot);
        assert_eq!(c.plugin_dir, None, "the built-in plugins only");
        assert_eq!(c.admission, AdmissionLimits::default());
        assert!(c.api_key.is_none());
    }

    #[test]
    fn testnet_switch_and_flag_precedence() {
        let c = resolve(Flags::default(), &[("BINANCE_TESTNET", "true")]).unwrap();
        assert_eq!(
            (c.mode, c.spot_url.as_str()),
            (ExchangeMode::Testnet, TESTNET.spot)
        );
        let flags = Flags {
            base_url: Some("http://127.0.0.1:9/".into()),
            ..Flags::default()
        };
        let c = resolve(flags, &[("BINANCE_BASE_URL", "http://other:1")]).unwrap();
        assert_eq!(c.spot_url, "http://127.0.0.1:9");
    }

    #[test]
    fn bad_values_name_their_source() {
        let e = resolve(Flags::default(), &[("BINANCE_TESTNET", "maybe")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_TESTNET");
        assert!(e.to_string().contains("expected true or false"));
        let e = resolve(Flags::default(), &[("BINANCE_BASE_URL", "api.binance.com")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_BASE_URL");
        let e = resolve(Flags::default(), &[("BINANCE_WS_URL", "https://x")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_WS_URL");
        let e = resolve(
            Flags {
                exchange: Some("paper".into()),
                ..Flags::default()
            },
            &[],
        )
        .unwrap_err();
        assert_eq!(e.source_name, "--exchange");
        let e = resolve(
            Flags::default(),
            &[("BINANCE_MCP_POLICY", "/no/such/file.toml")],
        )
        .unwrap_err();
        assert_eq!(e.source_name, "BINANCE_MCP_POLICY");
    }

    #[test]
    fn base_urls_are_tls_except_loopback_and_carry_no_path() {
        let check = |v: &str| check_url(v, "BINANCE_BASE_URL", ["https", "http"]);
        for ok in [
            "https://api.binance.com",
            "https://api.binance.com/",
            "https://api1.binance.com:443",
            "http://127.0.0.1:8080",
            "http://localhost:9",
            "http://[::1]:9",
            "HTTPS://api.binance.us",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
        assert_eq!(check("https://x.io/").unwrap(), "https://x.io");
        let cases = [
            ("http://api.binance.com", "clear text"),
            ("http://10.0.0.1:80", "clear text"),
            ("http://127.0.0.1.evil.com", "clear text"),
            ("https://api.binance.com/api", "without a path"),
            ("https://api.binance.com?x=1", "without a path"),
            ("https://api.binance.com#f", "without a path"),
            ("https://user@api.binance.com", "expected a https/http URL"),
            ("https://api.binance.com:0", "port"),
            ("https://api.binance.com:99999", "port"),
            ("https://api.binance.com:x", "port"),
            ("https://bad_host!", "not a valid host"),
            ("https://[zz]:1", "not a valid host"),
            ("ftp://x", "expected a https/http URL"),
        ];
        for (bad, why) in cases {
            let e = check(bad).expect_err(bad);
            assert_eq!(e.source_name, "BINANCE_BASE_URL");
            assert!(e.problem.contains(why), "{bad}: {}", e.problem);
        }
        let ws = check_url("ws://stream.binance.com", "BINANCE_WS_URL", ["wss", "ws"]);
        assert!(ws.unwrap_err().problem.contains("use wss://"));
    }

    #[test]
    fn concurrency_limits_are_bounded_and_default_to_half_per_plugin() {
        let c = resolve(
            Flags::default(),
            &[("BINANCE_MCP_MAX_CONCURRENT_CALLS", "8")],
        )
        .unwrap();
        assert_eq!(
            c.admission,
            AdmissionLimits {
                total: 8,
                per_plugin: 4
            }
        );
        let c = resolve(
            Flags {
                max_concurrent_calls: Some(10),
                max_concurrent_per_plugin: Some(10),
                ..Flags::default()
            },
            &[],
        )
        .unwrap();
        assert_eq!(c.admission.per_plugin, 10);
        for (flags, vars, name) in [
            (
                Flags {
                    max_concurrent_calls: Some(0),
                    ..Flags::default()
                },
                vec![],
                "--max-concurrent-calls",
            ),
            (
                Flags {
                    max_concurrent_per_plugin: Some(33),
                    ..Flags::default()
                },
                vec![],
                "--max-concurrent-per-plugin",
            ),
            (
                Flags::default(),
                vec![("BINANCE_MCP_MAX_CONCURRENT_CALLS", "lots")],
                "BINANCE_MCP_MAX_CONCURRENT_CALLS",
            ),
        ] {
            let e = resolve(flags, &vars).unwrap_err();
            assert_eq!(e.source_name, name);
            assert!(e.problem.contains("whole number from 1 to"), "{e}");
        }
    }

    #[test]
    fn half_configured_keys_and_bad_windows_fail_fast() {
        let e = resolve(Flags::default(), &[("BINANCE_API_KEY", "k")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_SECRET_KEY");
        let e = resolve(Flags::default(), &[("BINANCE_SECRET_KEY", "s")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_API_KEY");
        let e = resolve(Flags::default(), &[("BINANCE_RECV_WINDOW", "60001")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_RECV_WINDOW");
        let e = resolve(
            Flags::default(),
            &[
                ("BINANCE_PRIVATE_KEY_PATH", "/no/key.pem"),
                ("BINANCE_API_KEY", "k"),
            ],
        )
        .unwrap_err();
        assert_eq!(e.source_name, "BINANCE_PRIVATE_KEY_PATH");
        let c = resolve(Flags::default(), &[("BINANCE_RECV_WINDOW", "10000")]).unwrap();
        assert_eq!(c.recv_window_ms, 10_000);
        let e = resolve(
            Flags::default(),
            &[("BINANCE_MCP_ALLOW_DEPOSIT_ADDRESS", "true")],
        )
        .unwrap_err();
        assert!(e.problem.contains("deposit-address"), "{e}");
    }

    #[test]
    fn secrets_accept_both_names_and_never_print() {
        let c = resolve(
            Flags::default(),
            &[("BINANCE_API_KEY", "k"), ("BINANCE_API_SECRET", "s3cr3t")],
        )
        .unwrap();
        assert_eq!(c.secret_key.as_ref().unwrap().expose(), "s3cr3t");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let e = resolve(Flags::default(), &[("BINANCE_SECRET_KEY", "a b")]).unwrap_err();
        assert_eq!(e.source_name, "BINANCE_SECRET_KEY");
    }
}
