//! Validation of a tool's JSON arguments, with errors that name the argument,
//! say what was wrong and give a valid example.
//!
//! Argument names are Binance's own (`symbol`, `limit`, `startTime`…), so a
//! model that knows Binance's documentation guesses right.

use crate::time::{self, DayEdge};
use crate::ToolError;
use serde_json::{Map, Value};

/// Longest symbol Binance accepts.
const SYMBOL_MAX: usize = 20;

/// Parsed arguments of one call.
#[derive(Debug, Default)]
pub struct Args {
    map: Map<String, Value>,
}

impl Args {
    /// Parse the arguments text: a JSON object, or empty / `null` for none.
    /// Unknown names are refused so a misspelt argument is never silently
    /// ignored (`allowed` lists the tool's argument names).
    pub fn parse(text: &str, allowed: &[&str]) -> Result<Args, ToolError> {
        let trimmed = text.trim();
        let value: Value = if trimmed.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(trimmed).map_err(|e| {
                ToolError::invalid("arguments", format!("are not valid JSON ({e})"), "{}")
            })?
        };
        let map = match value {
            Value::Null => Map::new(),
            Value::Object(map) => map,
            _ => {
                return Err(ToolError::invalid(
                    "arguments",
                    "must be a JSON object",
                    r#"{"symbol":"BTCUSDT"}"#,
                ))
            }
        };
        if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            let expected = if allowed.is_empty() {
                "this tool takes no arguments".to_string()
            } else {
                format!("valid arguments are: {}", allowed.join(", "))
            };
            return Err(ToolError::new(
                crate::ErrorKind::InvalidArgument,
                format!("unknown argument '{unknown}'"),
                format!("remove it; {expected} (names are Binance's, case-sensitive)"),
            ));
        }
        Ok(Args { map })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// An optional list of 1 to `max_len` whole numbers, each from `min` to `max`.
    pub fn integers(
        &self,
        name: &str,
        min: i64,
        max: i64,
        max_len: usize,
    ) -> Result<Option<Vec<i64>>, ToolError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let bad = || {
            ToolError::invalid(
                name,
                format!("must be a list of 1 to {max_len} whole numbers from {min} to {max}"),
                &format!("[{min}]"),
            )
        };
        let list = v.as_array().ok_or_else(bad)?;
        if list.is_empty() || list.len() > max_len {
            return Err(bad());
        }
        list.iter()
            .map(|x| {
                x.as_i64()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(bad)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// An optional trading-pair symbol, upper-cased and checked against
    /// Binance's pattern `^[A-Z0-9-_.]{1,20}$`.
    pub fn symbol(&self, name: &str) -> Result<Option<String>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => normalize_symbol(name, s).map(Some),
            Some(_) => Err(ToolError::invalid(name, "must be a string", "\"BTCUSDT\"")),
        }
    }

    /// A required symbol.
    pub fn required_symbol(&self, name: &str) -> Result<String, ToolError> {
        self.symbol(name)?
            .ok_or_else(|| ToolError::invalid(name, "is required", "\"BTCUSDT\""))
    }

    /// An optional list of symbols (a JSON array of strings), 1..=`max` long,
    /// each normalised like [`Args::symbol`], duplicates removed.
    pub fn symbols(&self, name: &str, max: usize) -> Result<Option<Vec<String>>, ToolError> {
        let example = "[\"BTCUSDT\",\"ETHUSDT\"]";
        let items = match self.get(name) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(ToolError::invalid(
                    name,
                    "must be an array of symbols",
                    example,
                ))
            }
        };
        if items.is_empty() || items.len() > max {
            return Err(ToolError::invalid(
                name,
                format!("must hold 1 to {max} symbols (got {})", items.len()),
                example,
            ));
        }
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            let s = item
                .as_str()
                .ok_or_else(|| ToolError::invalid(name, "must contain only strings", example))?;
            let sym = normalize_symbol(name, s)?;
            if !out.contains(&sym) {
                out.push(sym);
            }
        }
        Ok(Some(out))
    }

    /// An optional integer within `min..=max`. Integral strings are accepted
    /// too ("100"), since models often quote numbers.
    pub fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ToolError> {
        let example = format!("{}", min.max(0).max(min));
        let n = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(_) => None,
        };
        let n = n.ok_or_else(|| ToolError::invalid(name, "must be an integer", &example))?;
        if n < min || n > max {
            return Err(ToolError::invalid(
                name,
                format!("must be between {min} and {max} (got {n})"),
                &example,
            ));
        }
        Ok(Some(n))
    }

    /// An optional time: UNIX milliseconds (a number or an integral string)
    /// or ISO-8601 text (see [`crate::time::parse_iso8601`]; a date alone is
    /// the start or, with [`DayEdge::End`], the end of that UTC day).
    pub fn time(&self, name: &str, edge: DayEdge) -> Result<Option<i64>, ToolError> {
        const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        let example = "1700000000000 or \"2023-11-14T22:13:20Z\"";
        let ms = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if s.trim().bytes().all(|c| c.is_ascii_digit()) => {
                s.trim().parse::<i64>().ok()
            }
            Some(Value::String(s)) => Some(time::parse_iso8601(s, edge).map_err(|e| {
                ToolError::invalid(
                    name,
                    format!("must be UNIX ms or ISO-8601 UTC: {e}"),
                    example,
                )
            })?),
            Some(_) => None,
        };
        match ms {
            Some(ms) if (0..=MAX_MS).contains(&ms) => Ok(Some(ms)),
            _ => Err(ToolError::invalid(
                name,
                "must be UNIX milliseconds or an ISO-8601 UTC date or time",
                example,
            )),
        }
    }

    /// An optional list of `min..=max` strings: a JSON array of strings, or
    /// one string of comma-separated items (models write both). Items are
    /// trimmed; empty ones are dropped.
    pub fn strings(
        &self,
        name: &str,
        min: usize,
        max: usize,
    ) -> Result<Option<Vec<String>>, ToolError> {
        let example = "[\"a\",\"b\"]";
        let items: Vec<String> = match self.get(name) {
            None => return Ok(None),
            Some(Value::String(s)) => s.split(',').map(|x| x.trim().to_string()).collect(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| {
                    v.as_str().map(|x| x.trim().to_string()).ok_or_else(|| {
                        ToolError::invalid(
                            name,
                            format!("must hold only strings (got {v})"),
                            example,
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(ToolError::invalid(
                    name,
                    format!("must be an array of strings (got {other})"),
                    example,
                ))
            }
        };
        let items: Vec<String> = items.into_iter().filter(|x| !x.is_empty()).collect();
        if items.len() < min || items.len() > max {
            return Err(ToolError::invalid(
                name,
                format!("must hold {min} to {max} items (got {})", items.len()),
                example,
            ));
        }
        Ok(Some(items))
    }

    /// An optional string that must be one of `allowed` (exact match).
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s.clone())),
            Some(other) => Err(ToolError::new(
                crate::ErrorKind::InvalidArgument,
                format!("argument '{name}' has an invalid value {other}"),
                format!("use one of: {}", allowed.join(", ")),
            )),
        }
    }

    /// `startTime` and `endTime` (as [`Args::time`]; an `endTime` date
    /// includes its whole day), checked to be in order and, when
    /// `max_span` is given as (milliseconds, words), no further apart than
    /// Binance allows (it refuses wider windows).
    pub fn time_window(
        &self,
        max_span: Option<(i64, &str)>,
    ) -> Result<(Option<i64>, Option<i64>), ToolError> {
        let start = self.time("startTime", DayEdge::Start)?;
        let end = self.time("endTime", DayEdge::End)?;
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err(ToolError::invalid(
                    "startTime",
                    format!(
                        "({}) is after endTime ({})",
                        time::iso8601_ms(s),
                        time::iso8601_ms(e)
                    ),
                    "a startTime before endTime",
                ));
            }
            if let Some((span, words)) = max_span {
                if e - s > span {
                    return Err(ToolError::invalid(
                        "endTime",
                        format!(
                            "is more than {words} after startTime (Binance refuses wider windows)"
                        ),
                        "an endTime at most that long after startTime, or omit one of them",
                    ));
                }
            }
        }
        Ok((start, end))
    }

    /// Refuse giving both `a` and `b`.
    pub fn exclusive(&self, a: &str, b: &str) -> Result<(), ToolError> {
        if self.get(a).is_some() && self.get(b).is_some() {
            return Err(ToolError::new(
                crate::ErrorKind::InvalidArgument,
                format!("arguments '{a}' and '{b}' cannot be used together"),
                format!("pass either '{a}' or '{b}', not both"),
            ));
        }
        Ok(())
    }
}

fn normalize_symbol(name: &str, raw: &str) -> Result<String, ToolError> {
    let s = raw.trim().to_ascii_uppercase();
    let ok = !s.is_empty()
        && s.len() <= SYMBOL_MAX
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if ok {
        Ok(s)
    } else {
        Err(ToolError::invalid(
            name,
            format!("'{raw}' is not a Binance symbol (1-20 of A-Z 0-9 - _ .)"),
            "\"BTCUSDT\"",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn symbols_are_upper_cased_and_checked() {
        let a = Args::parse(r#"{"symbol":" btcusdt "}"#, &["symbol"]).unwrap();
        assert_eq!(a.symbol("symbol").unwrap().as_deref(), Some("BTCUSDT"));
        let bad = Args::parse(r#"{"symbol":"BTC/USDT"}"#, &["symbol"]).unwrap();
        let e = bad.symbol("symbol").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("BTC/USDT"), "{e}");
        let long = Args::parse(r#"{"symbol":"ABCDEFGHIJKLMNOPQRSTU"}"#, &["symbol"]).unwrap();
        assert!(long.symbol("symbol").is_err());
    }

    #[test]
    fn unknown_and_malformed_arguments_are_refused() {
        let e = Args::parse(r#"{"sym":"BTCUSDT"}"#, &["symbol", "limit"]).unwrap_err();
        assert!(e.message.contains("'sym'"));
        assert!(e.recovery.contains("symbol, limit"));
        assert!(Args::parse("[1]", &[]).is_err());
        assert!(Args::parse("{", &[]).is_err());
        assert!(Args::parse("", &[]).is_ok());
        assert!(Args::parse("null", &[]).is_ok());
    }

    #[test]
    fn integers_are_bounded_and_accept_quoted_numbers() {
        let a = Args::parse(r#"{"limit":"50","x":5001,"y":1.5}"#, &["limit", "x", "y"]).unwrap();
        assert_eq!(a.integer("limit", 5, 5000).unwrap(), Some(50));
        let e = a.integer("x", 5, 5000).unwrap_err();
        assert!(e.message.contains("between 5 and 5000"), "{e}");
        assert!(a.integer("y", 0, 10).is_err());
        assert_eq!(a.integer("absent", 0, 10).unwrap(), None);
    }

    #[test]
    fn symbol_lists_dedupe_and_bound() {
        let a = Args::parse(
            r#"{"symbols":["ethusdt","ETHUSDT","BTCUSDT"]}"#,
            &["symbols"],
        )
        .unwrap();
        assert_eq!(
            a.symbols("symbols", 5).unwrap().unwrap(),
            vec!["ETHUSDT", "BTCUSDT"]
        );
        assert!(a.symbols("symbols", 1).is_err());
        let empty = Args::parse(r#"{"symbols":[]}"#, &["symbols"]).unwrap();
        assert!(empty.symbols("symbols", 5).is_err());
    }

    #[test]
    fn enums_and_exclusive_pairs() {
        let a = Args::parse(
            r#"{"interval":"1h","symbol":"A","symbols":["B"]}"#,
            &["interval", "symbol", "symbols"],
        )
        .unwrap();
        assert_eq!(
            a.one_of("interval", &["1m", "1h"]).unwrap().as_deref(),
            Some("1h")
        );
        assert!(a
            .one_of("interval", &["1m"])
            .unwrap_err()
            .recovery
            .contains("1m"));
        assert!(a.exclusive("symbol", "symbols").is_err());
    }

    #[test]
    fn time_windows_are_ordered_and_bounded() {
        let a = Args::parse(r#"{"startTime":10,"endTime":5}"#, &["startTime", "endTime"]).unwrap();
        assert!(a
            .time_window(None)
            .unwrap_err()
            .message
            .contains("after endTime"));
        let a = Args::parse(
            r#"{"startTime":0,"endTime":86400001}"#,
            &["startTime", "endTime"],
        )
        .unwrap();
        assert!(a.time_window(Some((86_400_000, "24 hours"))).is_err());
        assert_eq!(a.time_window(None).unwrap(), (Some(0), Some(86_400_001)));
    }

    #[test]
    fn times_accept_milliseconds_and_iso_8601() {
        let a = Args::parse(
            r#"{"startTime":"2023-11-14","endTime":"2023-11-14"}"#,
            &["startTime", "endTime"],
        )
        .unwrap();
        // A date as endTime includes its whole day.
        assert_eq!(
            a.time_window(None).unwrap(),
            (Some(1_699_920_000_000), Some(1_700_006_399_999))
        );
        let a = Args::parse(
            r#"{"startTime":"1700000000000","endTime":"2023-11-14T22:13:20.5Z"}"#,
            &["startTime", "endTime"],
        )
        .unwrap();
        assert_eq!(
            a.time_window(None).unwrap(),
            (Some(1_700_000_000_000), Some(1_700_000_000_500))
        );
        for bad in [r#""next tuesday""#, "-1", "1.5", "true", r#""2023-02-30""#] {
            let a = Args::parse(&format!(r#"{{"startTime":{bad}}}"#), &["startTime"]).unwrap();
            let e = a.time_window(None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad}");
            assert!(e.message.contains("startTime"), "{bad}: {e}");
        }
    }

    #[test]
    fn string_lists_take_arrays_or_comma_text() {
        let a = Args::parse(
            r#"{"x":["sma:20"," bb:20:2 "],"y":"a, b,,c","z":[1],"w":[]}"#,
            &["x", "y", "z", "w"],
        )
        .unwrap();
        assert_eq!(
            a.strings("x", 1, 4).unwrap().unwrap(),
            vec!["sma:20", "bb:20:2"]
        );
        assert_eq!(a.strings("y", 1, 4).unwrap().unwrap(), vec!["a", "b", "c"]);
        assert!(a.strings("y", 1, 2).is_err());
        assert!(a.strings("z", 1, 4).is_err());
        assert!(a.strings("w", 1, 4).is_err());
        assert_eq!(a.strings("w", 0, 4).unwrap(), Some(vec![]));
        assert_eq!(a.strings("missing", 1, 4).unwrap(), None);
    }
}
