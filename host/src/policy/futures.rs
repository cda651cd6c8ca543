//! The policy's `[futures]` section: whether USD-M futures may be traded at
//! all, on which symbols and order types, up to which leverage and position
//! size, under which daily notional cap, how each write is confirmed, and
//! whether the exchange's countdown cancel-all is kept armed (the
//! dead-man's switch). Every key is enforced by the host at the moment of
//! execution (`crate::futures`).
//!
//! Amounts are exact decimals in USDT (integers or strings; a TOML float
//! is refused), like `[trading]`'s.

use super::trading::{cap, confirm, mode, span, symbol_set, Cap, Confirm, Mode};
use super::{PolicyError, Source};
use binance_mcp_plugin::futures::FuturesOrderType;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;
use toml::Spanned;

/// Binance's largest leverage.
pub const MAX_LEVERAGE: u32 = 125;

/// Bounds of `dead_mans_switch_seconds`: Binance's countdown must be long
/// enough to refresh it reliably (the host refreshes it every third of
/// the countdown) and short enough to matter.
pub const SWITCH_SECONDS: std::ops::RangeInclusive<i64> = 15..=3600;

/// Which rolling 24 h cap futures placements count against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daily {
    /// `[trading] max_daily_notional`, together with spot orders (the
    /// default: one cap an operator wrote bounds everything).
    Shared,
    /// `[futures] max_daily_notional`, futures placements only.
    Separate(Option<Cap>),
}

/// The checked `[futures]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuturesPolicy {
    pub mode: Mode,
    /// `symbols`: the allow list; `None` = every symbol not denied.
    pub symbols: Option<BTreeSet<String>>,
    pub deny_symbols: BTreeSet<String>,
    /// `order_types`; `None` = every futures type.
    pub order_types: Option<BTreeSet<FuturesOrderType>>,
    /// `max_leverage`: `set_leverage` above it is refused, and so is an
    /// order on a symbol whose current leverage is above it.
    pub max_leverage: u32,
    /// `max_position_notional`: the position after an order, at the mark
    /// price, per symbol (reduce-only and close orders always pass).
    pub max_position_notional: Cap,
    pub daily: Daily,
    pub confirm: Confirm,
    /// `dead_mans_switch_seconds`: keep `countdownCancelAll` armed.
    pub dead_mans_switch: Option<Duration>,
}

impl FuturesPolicy {
    /// No futures trading.
    pub fn off() -> Self {
        FuturesPolicy {
            mode: Mode::Off,
            symbols: None,
            deny_symbols: BTreeSet::new(),
            order_types: None,
            max_leverage: 1,
            max_position_notional: Cap::At(rust_decimal::Decimal::ZERO),
            daily: Daily::Shared,
            confirm: Confirm::Token,
            dead_mans_switch: None,
        }
    }

    /// Whether futures may be traded at all.
    pub fn enabled(&self) -> bool {
        self.mode != Mode::Off
    }

    /// Whether `symbol` may be traded: on the allow list (if any) and not
    /// denied.
    pub fn allows_symbol(&self, symbol: &str) -> bool {
        self.symbols.as_ref().is_none_or(|s| s.contains(symbol))
            && !self.deny_symbols.contains(symbol)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFutures {
    mode: Spanned<toml::Value>,
    symbols: Option<Spanned<Vec<Spanned<String>>>>,
    deny_symbols: Option<Spanned<Vec<Spanned<String>>>>,
    order_types: Option<Spanned<Vec<Spanned<String>>>>,
    max_leverage: Option<Spanned<i64>>,
    max_position_notional: Option<Spanned<toml::Value>>,
    daily_notional: Option<Spanned<String>>,
    max_daily_notional: Option<Spanned<toml::Value>>,
    confirm: Option<Spanned<String>>,
    dead_mans_switch_seconds: Option<Spanned<i64>>,
}

impl RawFutures {
    pub(super) fn check(self, source: &Source) -> Result<FuturesPolicy, PolicyError> {
        let at = span(&self.mode);
        let mode = mode(source, "futures", self.mode)?;
        if mode == Mode::Off {
            let others = self.symbols.is_some()
                || self.deny_symbols.is_some()
                || self.order_types.is_some()
                || self.max_leverage.is_some()
                || self.max_position_notional.is_some()
                || self.daily_notional.is_some()
                || self.max_daily_notional.is_some()
                || self.confirm.is_some()
                || self.dead_mans_switch_seconds.is_some();
            if others {
                return Err(source.error(at, "futures.mode = false trades nothing, so its other keys would do nothing: remove them, or enable futures".into()));
            }
            return Ok(FuturesPolicy::off());
        }
        let symbols = symbol_set(source, "futures.symbols", self.symbols)?;
        let deny_symbols =
            symbol_set(source, "futures.deny_symbols", self.deny_symbols)?.unwrap_or_default();
        if let Some(both) = symbols
            .as_ref()
            .and_then(|s| s.intersection(&deny_symbols).next())
        {
            return Err(source.error(
                at,
                format!("futures: '{both}' is both in symbols and deny_symbols"),
            ));
        }
        let order_types = self
            .order_types
            .map(|list| order_types(source, list))
            .transpose()?;
        let Some(lev) = self.max_leverage else {
            return Err(source.error(at, format!("futures needs an explicit futures.max_leverage: a whole number from 1 to {MAX_LEVERAGE}")));
        };
        let max_leverage = match u32::try_from(*lev.get_ref()) {
            Ok(v @ 1..=MAX_LEVERAGE) => v,
            _ => {
                return Err(source.error(
                    span(&lev),
                    format!(
                        "futures.max_leverage: expected a whole number from 1 to {MAX_LEVERAGE}"
                    ),
                ))
            }
        };
        let Some(position) = self.max_position_notional else {
            return Err(source.error(at, "futures needs an explicit futures.max_position_notional: an amount in USDT per symbol, or \"none\"".into()));
        };
        let max_position_notional = cap(source, "futures.max_position_notional", position)?;
        let separate_cap = self
            .max_daily_notional
            .map(|v| {
                Ok::<_, PolicyError>((span(&v), cap(source, "futures.max_daily_notional", v)?))
            })
            .transpose()?;
        let separate = match self.daily_notional.map(|d| (span(&d), d.into_inner())) {
            None => false,
            Some((_, d)) if d == "shared" => false,
            Some((_, d)) if d == "separate" => true,
            Some((d_at, d)) => {
                return Err(source.error(
                    d_at,
                    format!(
                        "futures.daily_notional: expected \"shared\" or \"separate\", got '{}'",
                        d.escape_default()
                    ),
                ))
            }
        };
        let daily = match (separate, separate_cap) {
            (true, cap) => Daily::Separate(cap.map(|(_, c)| c)),
            (false, None) => Daily::Shared,
            (false, Some((cap_at, _))) => {
                return Err(source.error(cap_at, "futures.max_daily_notional needs futures.daily_notional = \"separate\" (with \"shared\", the default, [trading] max_daily_notional caps spot and futures together)".into()))
            }
        };
        let confirm = confirm(source, "futures", at, self.confirm)?;
        let dead_mans_switch = match self.dead_mans_switch_seconds {
            None => None,
            Some(s) if SWITCH_SECONDS.contains(s.get_ref()) => {
                Some(Duration::from_secs(*s.get_ref() as u64))
            }
            Some(s) => {
                return Err(source.error(
                    span(&s),
                    format!(
                        "futures.dead_mans_switch_seconds: expected {} to {} seconds",
                        SWITCH_SECONDS.start(),
                        SWITCH_SECONDS.end()
                    ),
                ))
            }
        };
        Ok(FuturesPolicy {
            mode,
            symbols,
            deny_symbols,
            order_types,
            max_leverage,
            max_position_notional,
            daily,
            confirm,
            dead_mans_switch,
        })
    }
}

fn order_types(
    source: &Source,
    list: Spanned<Vec<Spanned<String>>>,
) -> Result<BTreeSet<FuturesOrderType>, PolicyError> {
    let mut out = BTreeSet::new();
    for t in list.into_inner() {
        let at = span(&t);
        let name = t.into_inner();
        let Some(ty) = FuturesOrderType::from_name(&name) else {
            let all: Vec<_> = FuturesOrderType::ALL.iter().map(|t| t.name()).collect();
            return Err(source.error(
                at,
                format!(
                    "futures.order_types: unknown order type '{}'; the types are {}",
                    name.escape_default(),
                    all.join(", ")
                ),
            ));
        };
        if !out.insert(ty) {
            return Err(source.error(at, format!("futures.order_types: '{name}' is listed twice")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{file, Source};
    use rust_decimal::Decimal;

    fn parse(text: &str) -> Result<FuturesPolicy, String> {
        file::parse(Source::new("p.toml".into(), text.into()), None)
            .map(|p| p.futures)
            .map_err(|e| e.to_string())
    }

    const BASE: &str = "[futures]\nmode = \"testnet\"\nmax_leverage = 5\nmax_position_notional = 2000\nconfirm = \"token\"\n";

    #[test]
    fn a_full_section_is_read_exactly() {
        let f = parse(&format!(
            "{BASE}symbols = [\"BTCUSDT\"]\norder_types = [\"LIMIT\", \"STOP_MARKET\"]\n\
             daily_notional = \"separate\"\nmax_daily_notional = \"5000.5\"\ndead_mans_switch_seconds = 60\n"
        ))
        .unwrap();
        assert_eq!(f.mode, Mode::Testnet);
        assert_eq!(f.max_leverage, 5);
        assert_eq!(f.max_position_notional, Cap::At(Decimal::from(2000)));
        assert_eq!(
            f.daily,
            Daily::Separate(Some(Cap::At(Decimal::new(50005, 1))))
        );
        assert_eq!(f.dead_mans_switch, Some(Duration::from_secs(60)));
        assert!(f
            .order_types
            .as_ref()
            .unwrap()
            .contains(&FuturesOrderType::StopMarket));
        assert!(f.allows_symbol("BTCUSDT") && !f.symbols.unwrap().contains("ETHUSDT"));
        assert_eq!(
            parse(BASE).unwrap().daily,
            Daily::Shared,
            "shared is the default"
        );
        assert_eq!(parse("").unwrap(), FuturesPolicy::off());
    }

    #[test]
    fn unsafe_or_ambiguous_sections_are_refused_at_their_line() {
        let cases = [
            ("[futures]\nmode = \"testnet\"\nmax_position_notional = 1\nconfirm = \"none\"\n", "explicit futures.max_leverage"),
            ("[futures]\nmode = \"testnet\"\nmax_leverage = 5\nconfirm = \"none\"\n", "explicit futures.max_position_notional"),
            ("[futures]\nmode = \"testnet\"\nmax_leverage = 5\nmax_position_notional = 1\n", "explicit futures.confirm"),
            ("[futures]\nmode = \"testnet\"\nmax_leverage = 126\nmax_position_notional = 1\nconfirm = \"none\"\n", "p.toml:3:16: futures.max_leverage"),
            ("[futures]\nmode = \"testnet\"\nmax_leverage = 5\nmax_position_notional = 1.5\nconfirm = \"none\"\n", "a TOML float"),
            (&format!("{BASE}max_daily_notional = 10\n"), "needs futures.daily_notional = \"separate\""),
            (&format!("{BASE}daily_notional = \"both\"\n"), "expected \"shared\" or \"separate\""),
            (&format!("{BASE}order_types = [\"STOP_LOSS\"]\n"), "unknown order type 'STOP_LOSS'"),
            (&format!("{BASE}dead_mans_switch_seconds = 5\n"), "expected 15 to 3600 seconds"),
            ("[futures]\nmode = false\nmax_leverage = 3\n", "would do nothing"),
            ("[futures]\nmode = \"yes\"\n", "futures.mode: expected false"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: want {want:?} in {e}");
        }
    }
}
