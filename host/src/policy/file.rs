//! Reading a policy file: strict TOML (unknown keys and wrong types are
//! errors), then the checks that need more than one key, each error with
//! the file, line and column it is about. Nothing is parsed that is not
//! enforced.

use super::capability::Capability;
use super::{Digest, Exports, PluginPolicy, Policy, PolicyError, Source, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Largest policy file read. A policy is a page of TOML; anything near this
/// is not a policy.
pub const MAX_POLICY_BYTES: usize = 256 << 10;
/// Most plugin stanzas in one policy.
pub const MAX_PLUGINS: usize = 64;
/// Most `deny_tools` entries of one plugin.
pub const MAX_DENIED_TOOLS: usize = 256;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    plugins: BTreeMap<Spanned<String>, Spanned<RawPlugin>>,
    trading: Option<super::trading::RawTrading>,
    futures: Option<super::futures::RawFutures>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    enabled: Option<Spanned<bool>>,
    grants: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    deny_tools: Vec<Spanned<String>>,
    max_weight_percent: Option<Spanned<i64>>,
    max_book_symbols: Option<Spanned<i64>>,
    exports: Option<Spanned<Vec<Spanned<String>>>>,
    path: Option<Spanned<String>>,
    sha256: Option<Spanned<String>>,
}

fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span {
        start: r.start,
        end: r.end,
    }
}

/// Read and check the policy at `path`.
pub fn read(path: &Path) -> Result<Policy, PolicyError> {
    let shown = path.display().to_string();
    let unreadable = |reason: String| PolicyError::Unreadable {
        file: shown.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(crate::text::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    if meta.len() > MAX_POLICY_BYTES as u64 {
        return Err(unreadable(format!(
            "{} bytes; a policy file is at most {MAX_POLICY_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(crate::text::io_reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".into()))?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse(Source::new(shown, text), Some(&base))
}

/// Check policy `text`; relative plugin paths are taken from `base` (the
/// policy file's directory; `None` for the embedded preset, which has none).
pub fn parse(source: Source, base: Option<&Path>) -> Result<Policy, PolicyError> {
    if source.text().len() > MAX_POLICY_BYTES {
        return Err(PolicyError::Unreadable {
            file: source.file().to_string(),
            reason: format!("a policy is at most {MAX_POLICY_BYTES} bytes"),
        });
    }
    let raw: RawPolicy = toml::from_str(source.text()).map_err(|e| {
        let at = e.span().map(|r| Span {
            start: r.start,
            end: r.end,
        });
        source.error(at.unwrap_or_default(), e.message().trim().to_string())
    })?;
    if raw.plugins.len() > MAX_PLUGINS {
        return Err(source.error(
            Span::default(),
            format!("at most {MAX_PLUGINS} plugin stanzas"),
        ));
    }
    let mut plugins: Vec<PluginPolicy> = Vec::with_capacity(raw.plugins.len());
    for (name, stanza) in raw.plugins {
        let plugin = check_plugin(&source, base, name, stanza)?;
        if let Some((digest, at)) = &plugin.sha256 {
            if let Some(other) = plugins
                .iter()
                .find(|p| p.sha256.as_ref().is_some_and(|(d, _)| d == digest))
            {
                return Err(source.error(
                    *at,
                    format!(
                        "plugins.{} pins the same sha256 as plugins.{}; one component has one name",
                        plugin.name, other.name
                    ),
                ));
            }
        }
        plugins.push(plugin);
    }
    let trading = match raw.trading {
        Some(t) => t.check(&source)?,
        None => super::trading::TradingPolicy::off(),
    };
    let futures = match raw.futures {
        Some(f) => f.check(&source)?,
        None => super::futures::FuturesPolicy::off(),
    };
    let mut trading = trading;
    trading.daily_includes_futures =
        futures.enabled() && futures.daily == super::futures::Daily::Shared;
    Ok(Policy {
        source,
        plugins,
        trading,
        futures,
    })
}

fn check_plugin(
    source: &Source,
    base: Option<&Path>,
    name: Spanned<String>,
    stanza: Spanned<RawPlugin>,
) -> Result<PluginPolicy, PolicyError> {
    let name_at = span(&name);
    let name = name.into_inner();
    if !crate::runtime::plugin::valid_plugin_name(&name) {
        return Err(source.error(
            name_at,
            format!(
                "plugin name '{}' must be 1-64 of a-z 0-9 -",
                name.escape_default()
            ),
        ));
    }
    let raw = stanza.into_inner();
    let key = |k: &str| format!("plugins.{name}.{k}");

    let mut grants = std::collections::BTreeSet::new();
    for g in raw.grants.into_inner() {
        let at = span(&g);
        let Some(cap) = Capability::from_name(g.get_ref()) else {
            return Err(source.error(
                at,
                format!(
                    "{}: unknown capability '{}'; the capabilities are: {}",
                    key("grants"),
                    g.get_ref().escape_default(),
                    Capability::names()
                ),
            ));
        };
        if !grants.insert(cap) {
            return Err(source.error(at, format!("{}: '{cap}' is listed twice", key("grants"))));
        }
    }

    if raw.deny_tools.len() > MAX_DENIED_TOOLS {
        return Err(source.error(
            name_at,
            format!("{}: at most {MAX_DENIED_TOOLS} entries", key("deny_tools")),
        ));
    }
    let mut deny_tools: Vec<(String, Span)> = Vec::new();
    for t in raw.deny_tools {
        let at = span(&t);
        let tool = t.into_inner();
        if !crate::runtime::plugin::valid_tool_name(&tool) {
            return Err(source.error(
                at,
                format!(
                    "{}: '{}' is not a tool name",
                    key("deny_tools"),
                    tool.escape_default()
                ),
            ));
        }
        if deny_tools.iter().any(|(n, _)| *n == tool) {
            return Err(source.error(
                at,
                format!("{}: '{tool}' is listed twice", key("deny_tools")),
            ));
        }
        deny_tools.push((tool, at));
    }

    let max_weight_percent = match raw.max_weight_percent {
        None => None,
        Some(p) => {
            let at = span(&p);
            match u8::try_from(*p.get_ref()) {
                Ok(v @ 1..=100) => Some(v),
                _ => {
                    return Err(source.error(
                        at,
                        format!(
                            "{}: expected a whole percentage from 1 to 100, got {}",
                            key("max_weight_percent"),
                            p.get_ref()
                        ),
                    ))
                }
            }
        }
    };

    let max_book_symbols = match raw.max_book_symbols {
        None => None,
        Some(n) => {
            let at = span(&n);
            match u16::try_from(*n.get_ref()) {
                Ok(v @ 1..=1024) => Some(v),
                _ => {
                    return Err(source.error(
                        at,
                        format!(
                            "{}: expected a whole number of symbols from 1 to 1024 (Binance's streams per connection), got {}",
                            key("max_book_symbols"),
                            n.get_ref()
                        ),
                    ))
                }
            }
        }
    };

    let exports = match raw.exports {
        None => Exports::default(),
        Some(list) => {
            let mut e = Exports {
                tools: false,
                prompts: false,
                resources: false,
            };
            for x in list.into_inner() {
                let at = span(&x);
                let flag = match x.get_ref().as_str() {
                    "tools" => &mut e.tools,
                    "prompts" => &mut e.prompts,
                    "resources" => &mut e.resources,
                    other => {
                        return Err(source.error(
                            at,
                            format!(
                            "{}: unknown export '{}'; the exports are: tools, prompts, resources",
                            key("exports"),
                            other.escape_default()
                        ),
                        ))
                    }
                };
                if std::mem::replace(flag, true) {
                    return Err(source.error(
                        at,
                        format!("{}: '{}' is listed twice", key("exports"), x.get_ref()),
                    ));
                }
            }
            e
        }
    };

    let sha256 = match raw.sha256 {
        None => None,
        Some(s) => {
            let at = span(&s);
            let digest = Digest::from_hex(s.get_ref()).ok_or_else(|| {
                source.error(
                    at,
                    format!(
                        "{}: expected 64 hexadecimal digits (`binance-mcp plugin inspect FILE` prints them)",
                        key("sha256")
                    ),
                )
            })?;
            Some((digest, at))
        }
    };

    let path = match raw.path {
        None => None,
        Some(p) => {
            let at = span(&p);
            if p.get_ref().is_empty() {
                return Err(source.error(at, format!("{}: empty path", key("path"))));
            }
            let Some(base) = base else {
                return Err(source.error(
                    at,
                    format!("{}: the built-in policy loads no files", key("path")),
                ));
            };
            if sha256.is_none() {
                return Err(source.error(
                    at,
                    format!(
                        "{} needs a pin: add {} = \"…\" (`binance-mcp plugin inspect {}` prints it)",
                        key("path"),
                        key("sha256"),
                        p.get_ref()
                    ),
                ));
            }
            Some((base.join(p.get_ref()), at))
        }
    };

    Ok(PluginPolicy {
        name,
        at: name_at,
        enabled: raw.enabled.map(|e| e.into_inner()).unwrap_or(true),
        grants,
        deny_tools,
        max_weight_percent,
        max_book_symbols,
        exports,
        path,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Policy, PolicyError> {
        parse(
            Source::new("p.toml".into(), text.into()),
            Some(Path::new("/etc/binance-mcp")),
        )
    }

    fn error(text: &str) -> String {
        match parse_text(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_valid_policy_is_read() {
        let p = parse_text(
            "[plugins.market]\ngrants = [\"market-data\"]\nmax_weight_percent = 40\n\n\
             [plugins.extra]\nenabled = false\ngrants = []\npath = \"x.wasm\"\n\
             sha256 = \"ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\"\n\
             deny_tools = [\"a_tool\"]\n",
        )
        .unwrap();
        let m = p.plugin("market").unwrap();
        assert!(m.enabled);
        assert_eq!(m.max_weight_percent, Some(40));
        assert!(m.grants.contains(&Capability::MarketData));
        let x = p.plugin("extra").unwrap();
        assert!(!x.enabled);
        assert_eq!(
            x.path.as_ref().unwrap().0,
            Path::new("/etc/binance-mcp/x.wasm")
        );
        assert_eq!(
            x.sha256.as_ref().unwrap().0.to_string(),
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
        );
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let e = error("[plugins.market]\ngrants = [\"market-data\"]\nenabeld = true\n");
        assert!(e.starts_with("p.toml:3:1: "), "{e}");
        assert!(e.contains("enabeld"), "{e}");

        let e = error("[plugins.market]\ngrants = [\"market-data\", \"trade\"]\n");
        assert!(e.starts_with("p.toml:2:26: "), "{e}");
        assert!(e.contains("unknown capability 'trade'"), "{e}");
        assert!(e.contains("market-data, account-read"), "{e}");

        let e = error("[plugins.market]\ngrants = \"market-data\"\n");
        assert!(e.starts_with("p.toml:2:10: "), "{e}");

        let e = error("[plugins.market]\nenabled = \"yes\"\ngrants = []\n");
        assert!(e.starts_with("p.toml:2:11: "), "{e}");

        let e = error("[plugins.market]\nenabled = true\n");
        assert!(e.contains("grants"), "{e}");
        assert!(e.starts_with("p.toml:1:"), "{e}");

        let e = error("[plugin.market]\ngrants = []\n");
        assert!(e.contains("plugin"), "{e}");

        let e = error("[plugins.market]\ngrants = []\nmax_weight_percent = 150\n");
        assert!(e.starts_with("p.toml:3:22: "), "{e}");
        assert!(e.contains("1 to 100"), "{e}");

        let e = error("[plugins.Market]\ngrants = []\n");
        assert!(e.starts_with("p.toml:1:10: "), "{e}");

        let e = error("[plugins.market]\ngrants = [\"market-data\", \"market-data\"]\n");
        assert!(e.contains("listed twice"), "{e}");

        let e = error("[plugins.x]\ngrants = []\npath = \"x.wasm\"\n");
        assert!(e.starts_with("p.toml:3:8: "), "{e}");
        assert!(e.contains("plugins.x.sha256"), "{e}");

        let e = error("[plugins.x]\ngrants = []\nsha256 = \"abc\"\n");
        assert!(e.contains("64 hexadecimal"), "{e}");

        let e = error("[plugins.x]\ngrants = []\ndeny_tools = [\"a b\"]\n");
        assert!(e.contains("not a tool name"), "{e}");

        let pin = "0".repeat(64);
        let e = error(&format!(
            "[plugins.a]\ngrants = []\nsha256 = \"{pin}\"\n[plugins.b]\ngrants = []\nsha256 = \"{pin}\"\n"
        ));
        assert!(e.starts_with("p.toml:6:10: "), "{e}");
        assert!(e.contains("same sha256"), "{e}");

        let e = error("[plugins.market\n");
        assert!(e.starts_with("p.toml:1:"), "{e}");
    }

    #[test]
    fn an_empty_policy_loads_nothing() {
        assert!(parse_text("").unwrap().plugins.is_empty());
    }
}
