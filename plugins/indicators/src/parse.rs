//! The compact text form of a [`Spec`] (`"rsi:14"`, `"macd:12:26:9"`, `"bb:20:2"`): what a tool
//! argument carries, parsed with errors that list every valid form.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::{IndicatorError, Spec};

/// Every accepted form, for error messages and tool descriptions.
pub const FORMS: &str = "sma:N, ema:N, rsi[:N], macd[:FAST:SLOW:SIGNAL], bb[:N[:K]], atr[:N], \
vwap, stoch[:K[:SMOOTH:D]] (case-insensitive; periods 1-500, MACD FAST < SLOW, Bollinger K above 0 \
and at most 10; bare names mean rsi:14, macd:12:26:9, bb:20:2, atr:14, stoch:14:3:3)";

impl Spec {
    /// Parses the compact text form, case-insensitive, surrounding spaces ignored:
    ///
    /// | text | spec |
    /// |---|---|
    /// | `sma:20`, `ema:50` | [`Spec::Sma`], [`Spec::Ema`] (the period is required) |
    /// | `rsi` = `rsi:14`, `atr` = `atr:14` | [`Spec::Rsi`], [`Spec::Atr`] |
    /// | `macd` = `macd:12:26:9` | [`Spec::Macd`] |
    /// | `bb` = `bb:20` = `bb:20:2`, `bb:20:2.5` (alias `bollinger`) | [`Spec::Bollinger`] |
    /// | `vwap` | [`Spec::Vwap`] |
    /// | `stoch` = `stoch:14` = `stoch:14:3:3` (alias `stochastic`) | [`Spec::Stochastic`] |
    ///
    /// Bounds as [`Spec::compute`] checks them. Errors are [`IndicatorError::Invalid`], whose
    /// message lists [`FORMS`].
    pub fn parse(text: &str) -> Result<Spec, IndicatorError> {
        let given = text.trim();
        let invalid = |reason: String| IndicatorError::Invalid {
            given: given.to_owned(),
            reason,
        };
        let lower = given.to_ascii_lowercase();
        let mut parts = lower.split(':');
        let name = parts.next().unwrap_or_default();
        let args: Vec<&str> = parts.collect();
        let period = |i: usize| parse_period(args[i]).map_err(invalid);
        let arity = |forms: &str| {
            invalid(format!(
                "{name} takes {forms}; got {} parameter{}",
                args.len(),
                if args.len() == 1 { "" } else { "s" }
            ))
        };
        let spec = match (name, args.len()) {
            ("", _) => return Err(invalid("no indicator named".into())),
            ("sma", 1) => Spec::Sma(period(0)?),
            ("ema", 1) => Spec::Ema(period(0)?),
            ("sma" | "ema", _) => {
                return Err(arity(&format!("a period ({name}:N, e.g. {name}:20)")))
            }
            ("rsi", 0) => Spec::Rsi(14),
            ("rsi", 1) => Spec::Rsi(period(0)?),
            ("atr", 0) => Spec::Atr(14),
            ("atr", 1) => Spec::Atr(period(0)?),
            ("rsi" | "atr", _) => return Err(arity(&format!("at most a period ({name}:N)"))),
            ("macd", 0) => Spec::Macd {
                fast: 12,
                slow: 26,
                signal: 9,
            },
            ("macd", 3) => Spec::Macd {
                fast: period(0)?,
                slow: period(1)?,
                signal: period(2)?,
            },
            ("macd", _) => return Err(arity("none or three periods (macd:FAST:SLOW:SIGNAL)")),
            ("bb" | "bollinger", 0) => Spec::Bollinger {
                n: 20,
                k: Decimal::TWO,
            },
            ("bb" | "bollinger", 1) => Spec::Bollinger {
                n: period(0)?,
                k: Decimal::TWO,
            },
            ("bb" | "bollinger", 2) => Spec::Bollinger {
                n: period(0)?,
                k: parse_k(args[1]).map_err(invalid)?,
            },
            ("bb" | "bollinger", _) => return Err(arity("at most a period and a width (bb:N:K)")),
            ("vwap", 0) => Spec::Vwap,
            ("vwap", _) => return Err(arity("no parameters")),
            ("stoch" | "stochastic", 0) => Spec::Stochastic {
                k: 14,
                smooth_k: 3,
                d: 3,
            },
            ("stoch" | "stochastic", 1) => Spec::Stochastic {
                k: period(0)?,
                smooth_k: 3,
                d: 3,
            },
            ("stoch" | "stochastic", 3) => Spec::Stochastic {
                k: period(0)?,
                smooth_k: period(1)?,
                d: period(2)?,
            },
            ("stoch" | "stochastic", _) => {
                return Err(arity("none, one or three periods (stoch:K:SMOOTH:D)"))
            }
            (other, _) => return Err(invalid(format!("unknown indicator {other:?}"))),
        };
        spec.check().map_err(invalid)?;
        Ok(spec)
    }
}

fn parse_period(text: &str) -> Result<usize, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "period {text:?} is not a whole number from 1 to 500"
        ));
    }
    // All digits: only an absurd length fails; saturate so the bounds check names it.
    Ok(text.parse().unwrap_or(usize::MAX))
}

fn parse_k(text: &str) -> Result<Decimal, String> {
    let ok = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|b| *b == b'.').count() <= 1;
    ok.then(|| Decimal::from_str(text).ok())
        .flatten()
        .map(|k| k.normalize())
        .ok_or_else(|| format!("k {text:?} is not a number such as 2 or 2.5"))
}

impl FromStr for Spec {
    type Err = IndicatorError;

    /// Same as [`Spec::parse`].
    fn from_str(text: &str) -> Result<Spec, IndicatorError> {
        Spec::parse(text)
    }
}

/// The canonical compact text, which [`Spec::parse`] reads back to the same spec:
/// `sma:20`, `macd:12:26:9`, `bb:20:2.5`, `vwap`, `stoch:14:3:3`.
impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Sma(n) => write!(f, "sma:{n}"),
            Spec::Ema(n) => write!(f, "ema:{n}"),
            Spec::Rsi(n) => write!(f, "rsi:{n}"),
            Spec::Macd { fast, slow, signal } => write!(f, "macd:{fast}:{slow}:{signal}"),
            Spec::Bollinger { n, k } => write!(f, "bb:{n}:{}", k.normalize()),
            Spec::Atr(n) => write!(f, "atr:{n}"),
            Spec::Vwap => f.write_str("vwap"),
            Spec::Stochastic { k, smooth_k, d } => write!(f, "stoch:{k}:{smooth_k}:{d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Spec {
        Spec::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn reason(text: &str) -> String {
        match Spec::parse(text) {
            Err(IndicatorError::Invalid { given, reason }) => {
                assert_eq!(given, text.trim());
                reason
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_documented_form() {
        assert_eq!(ok("sma:20"), Spec::Sma(20));
        assert_eq!(ok("ema:50"), Spec::Ema(50));
        assert_eq!(ok("rsi:14"), Spec::Rsi(14));
        assert_eq!(
            ok("macd:12:26:9"),
            Spec::Macd {
                fast: 12,
                slow: 26,
                signal: 9
            }
        );
        assert_eq!(
            ok("bb:20:2"),
            Spec::Bollinger {
                n: 20,
                k: Decimal::TWO
            }
        );
        assert_eq!(
            ok("bb:10:1.5"),
            Spec::Bollinger {
                n: 10,
                k: Decimal::new(15, 1)
            }
        );
        assert_eq!(ok("atr:14"), Spec::Atr(14));
        assert_eq!(ok("vwap"), Spec::Vwap);
        assert_eq!(
            ok("stoch:14:3:3"),
            Spec::Stochastic {
                k: 14,
                smooth_k: 3,
                d: 3
            }
        );
    }

    #[test]
    fn bare_names_take_the_standard_defaults() {
        assert_eq!(ok("rsi"), Spec::Rsi(14));
        assert_eq!(ok("macd"), ok("macd:12:26:9"));
        assert_eq!(ok("bb"), ok("bb:20:2"));
        assert_eq!(ok("bb:30"), ok("bb:30:2"));
        assert_eq!(ok("atr"), Spec::Atr(14));
        assert_eq!(ok("stoch"), ok("stoch:14:3:3"));
        assert_eq!(ok("stoch:5"), ok("stoch:5:3:3"));
    }

    #[test]
    fn case_spaces_and_aliases() {
        assert_eq!(ok("  MACD:12:26:9 "), ok("macd:12:26:9"));
        assert_eq!(ok("Bollinger:20:2.0"), ok("bb:20:2"));
        assert_eq!(ok("STOCHASTIC"), ok("stoch"));
        assert_eq!(ok("VWAP"), Spec::Vwap);
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "sma:1",
            "ema:500",
            "rsi:2",
            "macd:5:35:5",
            "bb:20:2.5",
            "atr:1",
            "vwap",
            "stoch:5:1:1",
        ] {
            let spec = ok(text);
            assert_eq!(spec.to_string(), text);
            assert_eq!(text.parse::<Spec>().unwrap(), spec);
        }
        assert_eq!(ok("bb:20:2.50").to_string(), "bb:20:2.5");
    }

    #[test]
    fn bounds() {
        assert_eq!(ok("sma:500"), Spec::Sma(500));
        assert_eq!(reason("sma:501"), "period 501 is out of range 1-500");
        assert_eq!(reason("rsi:0"), "period 0 is out of range 1-500");
        assert_eq!(
            reason("macd:26:12:9"),
            "MACD's fast period (26) must be less than its slow period (12)"
        );
        assert!(reason("macd:12:12:9").contains("must be less than"));
        assert!(reason("macd:12:26:0").starts_with("signal period 0"));
        assert_eq!(
            ok("bb:20:10"),
            Spec::Bollinger {
                n: 20,
                k: Decimal::TEN
            }
        );
        assert!(reason("bb:20:10.01").contains("at most 10"));
        assert!(reason("bb:20:0").contains("above 0"));
        assert!(reason("stoch:14:0:3").starts_with("%K smoothing 0"));
        assert!(reason("ema:99999999999999999999999").contains("out of range"));
    }

    #[test]
    fn malformed_text_says_what_is_wrong() {
        assert_eq!(reason(""), "no indicator named");
        assert_eq!(reason("foo:3"), "unknown indicator \"foo\"");
        assert!(reason("sma").contains("a period (sma:N, e.g. sma:20)"));
        assert!(reason("sma:20:3").contains("got 2 parameters"));
        assert!(reason("macd:12:26").contains("none or three periods"));
        assert!(reason("vwap:5").contains("no parameters"));
        assert!(reason("rsi:").contains("not a whole number"));
        assert!(reason("rsi:-3").contains("not a whole number"));
        assert!(reason("rsi:1.5").contains("not a whole number"));
        assert!(reason("rsi:+3").contains("not a whole number"));
        assert!(reason("bb:20:-2").contains("not a number"));
        assert!(reason("bb:20:1e1").contains("not a number"));
        assert!(reason("bb:20:1.2.3").contains("not a number"));
    }

    #[test]
    fn error_message_lists_the_forms() {
        let text = Spec::parse("bogus").unwrap_err().to_string();
        assert!(text.contains(FORMS), "{text}");
    }
}
