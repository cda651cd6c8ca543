//! Configuration: command-line flags over environment variables over
//! defaults. A bad value fails fast with one line naming the flag or variable
//! and what is expected.

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
};
/// Binance testnet URLs.
pub const TESTNET: Urls = Urls {
    spot: "https://testnet.binance.vision",
    futures: "https://testnet.binancefuture.com",
    ws: "wss://stream.testnet.binance.vision",
};

/// A URL set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Urls {
    pub spot: &'static str,
    pub futures: &'static str,
    pub ws: &'static str,
}

/// A secret read from the environment: never printed (`Debug` is redacted),
/// overwritten with zeros when dropped.
pub struct Secret(String);

impl Secret {
    /// The secret's text, for the code that signs requests.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // SAFETY: zero bytes are valid UTF-8, so the String stays valid.
        let bytes = unsafe { self.0.as_mut_vec() };
        // Cover the spare capacity too (trimming leaves old bytes there);
        // resizing within capacity does not reallocate.
        bytes.resize(bytes.capacity(), 0);
        for b in bytes.iter_mut() {
            // Volatile so the compiler cannot elide a write to memory about to be freed.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
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
    pub api_key: Option<Secret>,
    pub secret_key: Option<Secret>,
    pub policy: Option<PathBuf>,
    pub plugin_dir: PathBuf,
    /// `None` = no compiled-component cache.
    pub cache_dir: Option<PathBuf>,
    pub sim_seed: u64,
    pub call_timeout: Duration,
}

/// Values given on the command line (each overrides its variable).
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub exchange: Option<String>,
    pub testnet: bool,
    pub base_url: Option<String>,
    pub futures_base_url: Option<String>,
    pub ws_url: Option<String>,
    pub policy: Option<PathBuf>,
    pub plugins: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub no_cache: bool,
    pub sim_seed: Option<u64>,
    pub call_timeout_secs: Option<u64>,
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

fn check_url(value: &str, source_name: &str, schemes: &[&str]) -> Result<String, ConfigError> {
    let expected = format!(
        "expected a {} URL such as {}://host[:port], got '{value}'",
        schemes.join("/"),
        schemes[0]
    );
    let (scheme, rest) = value
        .split_once("://")
        .ok_or_else(|| err(source_name, expected.clone()))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if !schemes.contains(&scheme)
        || host.is_empty()
        || rest.contains(char::is_whitespace)
        || host.contains('@')
    {
        return Err(err(source_name, expected));
    }
    Ok(value.trim_end_matches('/').to_string())
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
            // Wrap first, trim in place: no unzeroed copy is left behind.
            let mut secret = Secret(raw);
            let start = secret.0.len() - secret.0.trim_start().len();
            secret.0.drain(..start);
            let end = secret.0.trim_end().len();
            secret.0.truncate(end);
            if !secret.0.bytes().all(|b| b.is_ascii_graphic()) {
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
    /// `builtin_plugins` is the directory the build put the plugins in.
    pub fn resolve(
        flags: &Flags,
        env: Env,
        builtin_plugins: PathBuf,
    ) -> Result<Config, ConfigError> {
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
                   schemes: &[&str]| {
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
            &["https", "http"],
        )?;
        let futures_url = url(
            &flags.futures_base_url,
            "--futures-base-url",
            "BINANCE_FUTURES_BASE_URL",
            defaults.futures,
            &["https", "http"],
        )?;
        let ws_url = url(
            &flags.ws_url,
            "--ws-url",
            "BINANCE_WS_URL",
            defaults.ws,
            &["wss", "ws"],
        )?;
        let api_key = secret(env, &["BINANCE_API_KEY"])?;
        let secret_key = secret(env, &["BINANCE_SECRET_KEY", "BINANCE_API_SECRET"])?;
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
            .or_else(|| var(env, "BINANCE_MCP_PLUGIN_DIR").map(PathBuf::from))
            .unwrap_or(builtin_plugins);
        let cache_dir = if flags.no_cache {
            None
        } else {
            flags
                .cache_dir
                .clone()
                .or_else(|| var(env, "BINANCE_MCP_CACHE_DIR").map(PathBuf::from))
                .or_else(crate::runtime::cache::ComponentCache::default_dir)
        };
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
            mode,
            spot_url,
            futures_url,
            ws_url,
            api_key,
            secret_key,
            policy,
            plugin_dir,
            cache_dir,
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
        Config::resolve(&flags, &|k| map.get(k).cloned(), PathBuf::from("/builtin"))
    }

    #[test]
    fn defaults_are_live_binance() {
        let c = resolve(Flags::default(), &[]).unwrap();
        assert_eq!(c.mode, ExchangeMode::Live);
        assert_eq!(c.spot_url, LIVE.spot);
        assert_eq!(c.plugin_dir, PathBuf::from("/builtin"));
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
