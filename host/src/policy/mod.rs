//! Operator policy: one TOML file decides which plugins load, which
//! capabilities each is granted, how much of the IP's request weight each
//! may spend, and which tools a model sees (`policies/` holds the presets;
//! `read-only.toml` is also the built-in default).
//!
//! The decision is made once, here, and enforced at every layer it touches:
//! a plugin not named is not loaded ([`plugins::plan`]); a capability not
//! granted is not linked and its endpoints are refused at execution
//! (`crate::gate`); a tool whose capabilities are not all granted, or that
//! the policy denies, is never registered.

pub mod capability;
pub mod file;
pub mod futures;
pub mod plugins;
pub mod trading;

pub use capability::Capability;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The read-only preset, embedded: the policy when none is given. The
/// same bytes as `policies/read-only.toml` (a test checks nothing drifts).
pub const READ_ONLY_PRESET: &str = include_str!("../../../policies/read-only.toml");

/// What the embedded preset is called in messages.
pub const BUILT_IN_NAME: &str = "built-in read-only policy (policies/read-only.toml)";

/// Why a policy was refused. Every error names the file, and every error
/// about a key its line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read at all.
    #[error("{file}: {reason}")]
    Unreadable { file: String, reason: String },
    /// A key or value is wrong.
    #[error("{file}:{line}:{column}: {message}")]
    At {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// A byte range of the policy text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// The policy text and where it came from, kept so that errors found after
/// parsing (a denied tool no plugin has, a pin that does not match the file)
/// still point at the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    file: String,
    text: Arc<str>,
}

impl Source {
    /// `text`, read from `file` (as shown in messages).
    pub fn new(file: String, text: String) -> Self {
        Source {
            file,
            text: text.into(),
        }
    }

    /// The file as shown in messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The policy text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// An error at `at` (1-based line and column, counted in characters).
    pub fn error(&self, at: Span, message: String) -> PolicyError {
        let start = at.start.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, start)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        PolicyError::At {
            file: self.file.clone(),
            line,
            column,
            message,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A SHA-256 digest: the identity of a plugin component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        Digest(sha2::Sha256::digest(bytes).into())
    }

    /// Parse 64 hexadecimal digits (either case).
    pub fn from_hex(text: &str) -> Option<Digest> {
        if text.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let hex = std::str::from_utf8(pair).ok()?;
            out[i] = u8::from_str_radix(hex, 16).ok()?;
        }
        Some(Digest(out))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// One plugin's stanza (`[plugins.NAME]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginPolicy {
    /// The name the plugin must carry; its grants follow this name.
    pub name: String,
    /// Where the stanza's name is.
    pub at: Span,
    /// `enabled` (default `true`: writing the stanza means loading it).
    pub enabled: bool,
    /// `grants`: the capabilities it may use.
    pub grants: BTreeSet<Capability>,
    /// `deny_tools`: tools it exports that are never shown.
    pub deny_tools: Vec<(String, Span)>,
    /// `max_weight_percent`: the share of each Binance request-weight budget
    /// per minute its calls may spend; `None` = no share of its own (the
    /// IP's limits still hold).
    pub max_weight_percent: Option<u8>,
    /// `max_book_symbols`: most symbols with live order books this plugin
    /// may keep (`order-book`); the host's `--book-symbols` bound applies too.
    pub max_book_symbols: Option<u16>,
    /// `exports`: which of the plugin's offerings a client sees.
    pub exports: Exports,
    /// `path`: a component file (resolved against the policy's directory).
    pub path: Option<(PathBuf, Span)>,
    /// `sha256`: the pinned identity; required for any plugin from a file.
    pub sha256: Option<(Digest, Span)>,
}

/// `exports`: which kinds of a plugin's offerings are served. Tools by
/// default; prompts and resources only when named, for they put a plugin's
/// text straight into a model's context (a prompt is instructions), so an
/// operator opts in to them per plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exports {
    pub tools: bool,
    pub prompts: bool,
    pub resources: bool,
}

impl Default for Exports {
    fn default() -> Self {
        Exports {
            tools: true,
            prompts: false,
            resources: false,
        }
    }
}

impl PluginPolicy {
    /// Whether `tool` is in `deny_tools`.
    pub fn denies(&self, tool: &str) -> bool {
        self.deny_tools.iter().any(|(t, _)| t == tool)
    }
}

/// A checked policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    source: Source,
    /// The stanzas, by name.
    pub plugins: Vec<PluginPolicy>,
    /// `[trading]` (off when absent).
    pub trading: trading::TradingPolicy,
    /// `[futures]` (off when absent).
    pub futures: futures::FuturesPolicy,
}

impl Policy {
    /// The embedded read-only preset.
    pub fn built_in() -> Policy {
        match file::parse(
            Source::new(BUILT_IN_NAME.into(), READ_ONLY_PRESET.into()),
            None,
        ) {
            Ok(p) => p,
            // A unit test parses the preset; this cannot happen in a build
            // that passed its tests, and an empty policy fails closed.
            Err(e) => {
                tracing::error!(error = %e, "the built-in policy does not parse; loading nothing");
                Policy {
                    source: Source::new(BUILT_IN_NAME.into(), String::new()),
                    plugins: Vec::new(),
                    trading: trading::TradingPolicy::off(),
                    futures: futures::FuturesPolicy::off(),
                }
            }
        }
    }

    /// Read the policy at `path`, or the built-in one.
    pub fn load(path: Option<&Path>) -> Result<Policy, PolicyError> {
        match path {
            Some(p) => file::read(p),
            None => Ok(Policy::built_in()),
        }
    }

    /// Where it came from, for messages.
    pub fn file(&self) -> &str {
        self.source.file()
    }

    /// An error about `at` in this policy's text.
    pub fn error(&self, at: Span, message: String) -> PolicyError {
        self.source.error(at, message)
    }

    /// The stanza of plugin `name`.
    pub fn plugin(&self, name: &str) -> Option<&PluginPolicy> {
        self.plugins.iter().find(|p| p.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn preset(name: &str) -> Policy {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../policies")
            .join(name);
        file::read(&path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_presets_parse_and_only_the_trading_ones_trade() {
        for name in [
            "read-only.toml",
            "testnet-trading.toml",
            "live-conservative.toml",
        ] {
            let p = preset(name);
            assert!(!p.plugins.is_empty(), "{name}");
        }
        assert!(!preset("read-only.toml").trading.enabled());
        assert_eq!(
            preset("testnet-trading.toml").trading.mode,
            trading::Mode::Testnet
        );
        let live = preset("live-conservative.toml").trading;
        assert_eq!(live.mode, trading::Mode::Live);
        assert!(live.max_order_notional.is_some());
        let embedded = Policy::built_in();
        assert_eq!(embedded.plugins, preset("read-only.toml").plugins);
        let account = embedded.plugin("account").unwrap();
        assert!(!account.grants.contains(&Capability::DepositAddress));
        assert_eq!(
            embedded.plugin("market").unwrap().grants,
            BTreeSet::from([Capability::MarketData, Capability::OrderBook])
        );
    }

    #[test]
    fn the_embedded_preset_is_the_file() {
        let on_disk = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/read-only.toml"),
        )
        .unwrap();
        assert_eq!(READ_ONLY_PRESET, on_disk);
    }

    #[test]
    fn digests_print_and_parse() {
        let d = Digest::of(b"abc");
        assert_eq!(
            d.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Digest::from_hex(&d.to_string()), Some(d));
        assert_eq!(Digest::from_hex(&d.to_string().to_uppercase()), Some(d));
        assert_eq!(Digest::from_hex("zz"), None);
        assert_eq!(Digest::from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn positions_count_characters() {
        let s = Source::new("f".into(), "a\nbé c".into());
        let e = s.error(Span { start: 6, end: 7 }, "x".into());
        assert_eq!(e.to_string(), "f:2:4: x");
    }
}
