//! Query-string parsing with Binance's validation rules and error codes.
//!
//! Parsing is done by hand rather than with a serde extractor so every
//! failure maps to the exact Binance error: duplicates (-1101), unknown
//! parameters (-1104), missing mandatory ones (-1102), malformed values
//! (-1100), and so on.

use crate::error::{ApiError, SYMBOLS_RANGE, SYMBOL_RANGE, UINT_RANGE};

/// The decoded parameters of one request, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Decodes a raw query string (`a=1&b=%5B%22X%22%5D`).
    ///
    /// A parameter sent twice is rejected with -1101, as on Binance.
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let (k, v) = (percent_decode(k), percent_decode(v));
            if pairs.iter().any(|(seen, _)| *seen == k) {
                return Err(ApiError::duplicate_param());
            }
            pairs.push((k, v));
        }
        Ok(Params { pairs })
    }

    /// Rejects parameters outside `allowed` with -1104, counting how many
    /// were read and how many sent as Binance does.
    pub fn allow(&self, allowed: &[&str]) -> Result<(), ApiError> {
        let read = self
            .pairs
            .iter()
            .filter(|(k, _)| allowed.contains(&k.as_str()))
            .count();
        if read == self.pairs.len() {
            Ok(())
        } else {
            Err(ApiError::unread_params(read, self.pairs.len()))
        }
    }

    /// The raw value of `name`, if sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The mandatory `symbol`, checked against Binance's symbol format.
    pub fn symbol(&self) -> Result<String, ApiError> {
        match self.get("symbol") {
            None | Some("") => Err(ApiError::mandatory("symbol")),
            Some(s) => check_symbol("symbol", s),
        }
    }

    /// The optional `symbol`.
    pub fn opt_symbol(&self) -> Result<Option<String>, ApiError> {
        self.get("symbol")
            .map(|s| check_symbol("symbol", s))
            .transpose()
    }

    /// The optional `symbols` JSON array (`["BTCUSDT","ETHUSDT"]`), in the
    /// strict format Binance accepts: double quotes, no spaces, no repeats.
    pub fn opt_symbols(&self) -> Result<Option<Vec<String>>, ApiError> {
        let Some(raw) = self.get("symbols") else {
            return Ok(None);
        };
        let illegal = || ApiError::illegal_chars("symbols", SYMBOLS_RANGE);
        let inner = raw
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(illegal)?;
        if inner.is_empty() {
            return Err(ApiError::mandatory("symbols"));
        }
        let mut out: Vec<String> = Vec::new();
        for item in inner.split(',') {
            let name = item
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .filter(|n| is_symbol_format(n))
                .ok_or_else(illegal)?;
            if out.iter().any(|s| s == name) {
                return Err(ApiError::duplicate_symbols());
            }
            out.push(name.to_string());
        }
        Ok(Some(out))
    }

    /// An optional unsigned integer (`limit`, `fromId`...).
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, ApiError> {
        self.get(name).map(|v| parse_uint(name, v)).transpose()
    }

    /// An optional millisecond timestamp (`startTime`, `endTime`).
    pub fn opt_time(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| {
                parse_uint(name, v).and_then(|n| {
                    i64::try_from(n).map_err(|_| ApiError::illegal_chars(name, UINT_RANGE))
                })
            })
            .transpose()
    }
}

/// Binance's symbol format `^[A-Z0-9-_.]{1,20}$`.
pub fn is_symbol_format(s: &str) -> bool {
    (1..=20).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

fn check_symbol(param: &str, s: &str) -> Result<String, ApiError> {
    if is_symbol_format(s) {
        Ok(s.to_string())
    } else {
        Err(ApiError::illegal_chars(param, SYMBOL_RANGE))
    }
}

fn parse_uint(name: &str, v: &str) -> Result<u64, ApiError> {
    let well_formed = (1..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    well_formed
        .then(|| v.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| ApiError::illegal_chars(name, UINT_RANGE))
}

/// Decodes `%XX` escapes and `+` (space) from a query component; invalid
/// escapes are kept literally and invalid UTF-8 is replaced.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Params {
        Params::parse(Some(q)).unwrap()
    }

    #[test]
    fn decodes_and_reads() {
        let q = p("symbol=BTCUSDT&symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D&limit=5");
        assert_eq!(q.symbol().unwrap(), "BTCUSDT");
        assert_eq!(
            q.opt_symbols().unwrap().unwrap(),
            vec!["BTCUSDT".to_string(), "ETHUSDT".to_string()]
        );
        assert_eq!(q.opt_u64("limit").unwrap(), Some(5));
        assert_eq!(q.opt_u64("missing").unwrap(), None);
    }

    #[test]
    fn binance_error_codes() {
        assert_eq!(Params::parse(Some("a=1&a=2")).unwrap_err().code, -1101);
        assert_eq!(
            p("symbol=X&foo=1").allow(&["symbol"]).unwrap_err().msg,
            "Not all sent parameters were read; read '1' parameter(s) but was sent '2'."
        );
        assert_eq!(p("").symbol().unwrap_err().code, -1102);
        assert_eq!(p("symbol=").symbol().unwrap_err().code, -1102);
        assert_eq!(p("symbol=btcusdt").symbol().unwrap_err().code, -1100);
        assert_eq!(p("limit=-1").opt_u64("limit").unwrap_err().code, -1100);
        assert_eq!(p("limit=abc").opt_u64("limit").unwrap_err().code, -1100);
        assert_eq!(p("symbols=BTCUSDT").opt_symbols().unwrap_err().code, -1100);
        assert_eq!(
            p(r#"symbols=["BTCUSDT", "ETHUSDT"]"#)
                .opt_symbols()
                .unwrap_err()
                .code,
            -1100
        );
        assert_eq!(
            p(r#"symbols=["A","A"]"#).opt_symbols().unwrap_err().code,
            -1151
        );
    }

    #[test]
    fn percent_decoding_edge_cases() {
        assert_eq!(percent_decode("a%2Cb+c"), "a,b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%5"), "%5");
    }
}
