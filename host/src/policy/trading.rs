//! The policy's `[trading]` section: whether spot orders may be placed at
//! all, on which symbols and order types, within which notional caps, how
//! many may be open, and how each is confirmed. Every key is enforced by the
//! host at the moment of execution (`crate::trading`); nothing here is a
//! hint to the plugin.
//!
//! Amounts are exact decimals: write them as integers or strings
//! (`max_order_notional = "250.5"`); a TOML float is refused, since money is
//! never a binary float.

use super::{PolicyError, Source, Span};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::str::FromStr;
use toml::Spanned;

/// Where orders may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No orders (the default when there is no `[trading]` section).
    Off,
    /// Binance's testnet only: a live base URL is refused.
    Testnet,
    /// Real money; must be written as the string `"live"`.
    Live,
}

/// How a placement is confirmed before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Ask the human through the client (MCP elicitation); a client that
    /// cannot be asked gets the token path.
    Elicitation,
    /// A preview and a single-use token the caller passes back.
    Token,
    /// No confirmation (only when written explicitly).
    None,
}

/// A cap that must be decided explicitly: a number, or the word `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    At(Decimal),
    Unlimited,
}

impl Cap {
    /// The cap's value, `None` when unlimited.
    pub fn limit(self) -> Option<Decimal> {
        match self {
            Cap::At(d) => Some(d),
            Cap::Unlimited => None,
        }
    }
}

/// The spot order types the policy can allow, by Binance's names.
pub const ORDER_TYPES: &[&str] = &[
    "LIMIT",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
    "LIMIT_MAKER",
];

/// The checked `[trading]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradingPolicy {
    pub mode: Mode,
    /// `symbols`: the allow list; `None` = every symbol not denied.
    pub symbols: Option<BTreeSet<String>>,
    /// `deny_symbols`.
    pub deny_symbols: BTreeSet<String>,
    /// `order_types` (Binance's names); `None` = all of [`ORDER_TYPES`].
    pub order_types: Option<BTreeSet<String>>,
    /// `max_order_notional`, in the order's quote asset.
    pub max_order_notional: Option<Cap>,
    /// `max_daily_notional`: the rolling 24 h sum of placed orders'
    /// notional per quote asset (from the journal, so it survives restarts).
    pub max_daily_notional: Option<Cap>,
    /// `max_open_orders` on the account.
    pub max_open_orders: Option<u32>,
    pub confirm: Confirm,
    /// Whether `max_daily_notional` also counts USD-M futures placements
    /// (`[futures] daily_notional = "shared"`, the default, with futures on).
    pub daily_includes_futures: bool,
}

impl TradingPolicy {
    /// No trading.
    pub fn off() -> Self {
        TradingPolicy {
            mode: Mode::Off,
            symbols: None,
            deny_symbols: BTreeSet::new(),
            order_types: None,
            max_order_notional: None,
            max_daily_notional: None,
            max_open_orders: None,
            confirm: Confirm::Token,
            daily_includes_futures: false,
        }
    }

    /// Whether orders may be placed at all.
    pub fn enabled(&self) -> bool {
        self.mode != Mode::Off
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTrading {
    mode: Spanned<toml::Value>,
    symbols: Option<Spanned<Vec<Spanned<String>>>>,
    deny_symbols: Option<Spanned<Vec<Spanned<String>>>>,
    order_types: Option<Spanned<Vec<Spanned<String>>>>,
    max_order_notional: Option<Spanned<toml::Value>>,
    max_daily_notional: Option<Spanned<toml::Value>>,
    max_open_orders: Option<Spanned<i64>>,
    confirm: Option<Spanned<String>>,
}

pub(super) fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span {
        start: r.start,
        end: r.end,
    }
}

/// `[section] key`, a list of distinct Binance symbols.
pub(super) fn symbol_set(
    source: &Source,
    key: &str,
    list: Option<Spanned<Vec<Spanned<String>>>>,
) -> Result<Option<BTreeSet<String>>, PolicyError> {
    let Some(list) = list else { return Ok(None) };
    let mut out = BTreeSet::new();
    for s in list.into_inner() {
        let at = span(&s);
        let sym = s.into_inner();
        let valid = (1..=20).contains(&sym.len())
            && sym
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !valid {
            return Err(source.error(
                at,
                format!(
                    "{key}: '{}' is not a Binance symbol (upper case, e.g. BTCUSDT)",
                    sym.escape_default()
                ),
            ));
        }
        if !out.insert(sym.clone()) {
            return Err(source.error(at, format!("{key}: '{sym}' is listed twice")));
        }
    }
    Ok(Some(out))
}

/// `[section] key`, an amount or `"none"` (`key` is the dotted name).
pub(super) fn cap(source: &Source, key: &str, v: Spanned<toml::Value>) -> Result<Cap, PolicyError> {
    let at = span(&v);
    let bad = |why: &str| {
        source.error(
            at,
            format!("{key}: {why}; write a positive amount in the quote asset as an integer or a string (\"250.5\"), or \"none\""),
        )
    };
    let amount = match v.into_inner() {
        toml::Value::Integer(i) => Decimal::from(i),
        toml::Value::String(s) if s == "none" => return Ok(Cap::Unlimited),
        toml::Value::String(s) => Decimal::from_str(s.trim()).map_err(|_| bad("not a decimal"))?,
        toml::Value::Float(_) => return Err(bad("a TOML float is not exact")),
        _ => return Err(bad("wrong type")),
    };
    if amount <= Decimal::ZERO {
        return Err(bad("must be above zero"));
    }
    Ok(Cap::At(amount.normalize()))
}

/// `[section] mode`: `false`, `"testnet"` or `"live"`.
pub(super) fn mode(
    source: &Source,
    section: &str,
    v: Spanned<toml::Value>,
) -> Result<Mode, PolicyError> {
    let at = span(&v);
    match v.into_inner() {
        toml::Value::Boolean(false) => Ok(Mode::Off),
        toml::Value::String(s) if s == "testnet" => Ok(Mode::Testnet),
        toml::Value::String(s) if s == "live" => Ok(Mode::Live),
        _ => Err(source.error(
            at,
            format!("{section}.mode: expected false, \"testnet\" or \"live\""),
        )),
    }
}

/// `[section] confirm`, which an enabled section must write explicitly.
pub(super) fn confirm(
    source: &Source,
    section: &str,
    section_at: Span,
    v: Option<Spanned<String>>,
) -> Result<Confirm, PolicyError> {
    let Some(v) = v else {
        return Err(source.error(
            section_at,
            format!("{section} needs an explicit {section}.confirm: \"elicitation\", \"token\" or \"none\""),
        ));
    };
    let at = span(&v);
    match v.into_inner().as_str() {
        "elicitation" => Ok(Confirm::Elicitation),
        "token" => Ok(Confirm::Token),
        "none" => Ok(Confirm::None),
        other => Err(source.error(
            at,
            format!(
                "{section}.confirm: expected \"elicitation\", \"token\" or \"none\", got '{}'",
                other.escape_default()
            ),
        )),
    }
}

impl RawTrading {
    pub(super) fn check(self, source: &Source) -> Result<TradingPolicy, PolicyError> {
        let mode_at = span(&self.mode);
        let mode = mode(source, "trading", self.mode)?;
        let others = self.symbols.is_some()
            || self.deny_symbols.is_some()
            || self.order_types.is_some()
            || self.max_order_notional.is_some()
            || self.max_daily_notional.is_some()
            || self.max_open_orders.is_some()
            || self.confirm.is_some();
        if mode == Mode::Off {
            if others {
                return Err(source.error(
                    mode_at,
                    "trading.mode = false places no order, so its other keys would do nothing: remove them, or enable trading".into(),
                ));
            }
            return Ok(TradingPolicy::off());
        }
        let symbols = symbol_set(source, "trading.symbols", self.symbols)?;
        let deny_symbols =
            symbol_set(source, "trading.deny_symbols", self.deny_symbols)?.unwrap_or_default();
        if let Some(allowed) = &symbols {
            if let Some(both) = allowed.intersection(&deny_symbols).next() {
                return Err(source.error(
                    mode_at,
                    format!("trading: '{both}' is both in symbols and deny_symbols"),
                ));
            }
        }
        let order_types = match self.order_types {
            None => None,
            Some(list) => {
                let mut out = BTreeSet::new();
                for t in list.into_inner() {
                    let at = span(&t);
                    let name = t.into_inner();
                    if !ORDER_TYPES.contains(&name.as_str()) {
                        return Err(source.error(
                            at,
                            format!(
                                "trading.order_types: unknown order type '{}'; the types are {}",
                                name.escape_default(),
                                ORDER_TYPES.join(", ")
                            ),
                        ));
                    }
                    if !out.insert(name.clone()) {
                        return Err(source
                            .error(at, format!("trading.order_types: '{name}' is listed twice")));
                    }
                }
                Some(out)
            }
        };
        let max_order_notional = self
            .max_order_notional
            .map(|v| cap(source, "trading.max_order_notional", v))
            .transpose()?;
        if mode == Mode::Live && max_order_notional.is_none() {
            return Err(source.error(
                mode_at,
                "trading.mode = \"live\" needs an explicit trading.max_order_notional: an amount in the quote asset, or \"none\"".into(),
            ));
        }
        let max_daily_notional = self
            .max_daily_notional
            .map(|v| cap(source, "trading.max_daily_notional", v))
            .transpose()?;
        let max_open_orders = match self.max_open_orders {
            None => None,
            Some(n) => {
                let at = span(&n);
                match u32::try_from(*n.get_ref()) {
                    Ok(v @ 1..=10_000) => Some(v),
                    _ => {
                        return Err(source.error(
                            at,
                            "trading.max_open_orders: expected a whole number from 1 to 10000"
                                .into(),
                        ))
                    }
                }
            }
        };
        let confirm = confirm(source, "trading", mode_at, self.confirm)?;
        Ok(TradingPolicy {
            mode,
            symbols,
            deny_symbols,
            order_types,
            max_order_notional,
            max_daily_notional,
            max_open_orders,
            confirm,
            daily_includes_futures: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::file;
    use crate::policy::Source;

    fn parse(text: &str) -> Result<TradingPolicy, String> {
        file::parse(Source::new("p.toml".into(), text.into()), None)
            .map(|p| p.trading)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_section_is_read_exactly() {
        let t = parse(
            "[trading]\nmode = \"testnet\"\nsymbols = [\"BTCUSDT\", \"ETHUSDT\"]\n\
             order_types = [\"LIMIT\", \"MARKET\"]\nmax_order_notional = \"250.50\"\n\
             max_daily_notional = 1000\nmax_open_orders = 5\nconfirm = \"token\"\n",
        )
        .unwrap();
        assert_eq!(t.mode, Mode::Testnet);
        assert!(t.symbols.unwrap().contains("ETHUSDT"));
        assert_eq!(t.max_order_notional, Some(Cap::At(Decimal::new(2505, 1))));
        assert_eq!(t.max_daily_notional, Some(Cap::At(Decimal::from(1000))));
        assert_eq!(t.max_open_orders, Some(5));
        assert_eq!(t.confirm, Confirm::Token);
        assert_eq!(parse("").unwrap(), TradingPolicy::off());
        assert!(!parse("[trading]\nmode = false\n").unwrap().enabled());
    }

    #[test]
    fn unsafe_or_ambiguous_sections_are_refused_at_their_line() {
        let cases = [
            ("[trading]\nmode = true\nconfirm = \"none\"\n", "p.toml:2:8: trading.mode"),
            ("[trading]\nmode = \"live\"\nconfirm = \"none\"\n", "needs an explicit trading.max_order_notional"),
            ("[trading]\nmode = \"testnet\"\n", "explicit trading.confirm"),
            ("[trading]\nmode = false\nmax_open_orders = 3\n", "would do nothing"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\nmax_order_notional = 12.5\n", "p.toml:4:22: trading.max_order_notional: a TOML float"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\nmax_order_notional = -1\n", "above zero"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\norder_types = [\"OCO\"]\n", "unknown order type 'OCO'"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\nsymbols = [\"btcusdt\"]\n", "not a Binance symbol"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\nsymbols = [\"BTCUSDT\"]\ndeny_symbols = [\"BTCUSDT\"]\n", "both in symbols and deny_symbols"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"maybe\"\n", "p.toml:3:11: trading.confirm"),
            ("[trading]\nmode = \"testnet\"\nconfirm = \"token\"\nmax_notional = 5\n", "unknown field `max_notional`"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: want {want:?} in {e}");
        }
        let live = parse("[trading]\nmode = \"live\"\nmax_order_notional = \"none\"\nconfirm = \"elicitation\"\n").unwrap();
        assert_eq!(live.max_order_notional, Some(Cap::Unlimited));
    }
}
