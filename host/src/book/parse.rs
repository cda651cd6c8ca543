//! Reading Binance market-stream frames without allocating.
//!
//! A diff-depth frame is parsed in one pass over its bytes: the envelope's
//! scalars are read in place, and the `b`/`a` level arrays are decoded
//! straight into fixed-point [`Levels`] buffers that the connection reuses
//! for every frame. `serde_json` into owned structs would allocate a
//! `String` per price and quantity — two per level, thousands a second.
//!
//! The scanner accepts any JSON (unknown fields are skipped, nesting is
//! bounded) but only understands what the engine subscribes to: diff depth
//! (spot `U`/`u`, futures `pu`), trades (spot), subscription replies, and
//! the server's shutdown notice. Everything else is [`Frame::Other`].

use super::fixed::{self, FixedError};

/// Reusable level buffers for one frame: `(price, qty)` in 10⁻⁸ units.
#[derive(Debug, Default)]
pub struct Levels {
    /// Bid changes, in the order sent.
    pub bids: Vec<(u64, u64)>,
    /// Ask changes, in the order sent.
    pub asks: Vec<(u64, u64)>,
}

impl Levels {
    /// Buffers with room for `n` changes a side.
    pub fn with_capacity(n: usize) -> Self {
        Levels {
            bids: Vec::with_capacity(n),
            asks: Vec::with_capacity(n),
        }
    }
}

/// The update ids and times of one diff-depth event (its levels are in the
/// [`Levels`] the frame was parsed into).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DepthHeader {
    /// First update id in the event (`U`).
    pub first: u64,
    /// Final update id in the event (`u`).
    pub last: u64,
    /// Final update id of the previous event (`pu`, futures only).
    pub prev: Option<u64>,
    /// Event time, ms since the epoch (`E`).
    pub event_time: u64,
}

/// What a frame said.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A diff-depth event for `symbol` (upper case as Binance sends it).
    Depth {
        /// The symbol (`s`).
        symbol: &'a str,
        /// Ids and time.
        header: DepthHeader,
    },
    /// A trade (`<symbol>@trade`): the symbol's last price.
    Trade {
        /// The symbol (`s`).
        symbol: &'a str,
        /// Binance's trade id (`t`).
        id: u64,
        /// Price in 10⁻⁸ units (`p`).
        price: u64,
        /// Trade time, ms since the epoch (`T`).
        time: u64,
    },
    /// The answer to a SUBSCRIBE/UNSUBSCRIBE request.
    Reply {
        /// The request id echoed back.
        id: u64,
        /// The error message, when the request was refused.
        error: Option<&'a str>,
    },
    /// `serverShutdown`: the server will close this connection soon.
    Shutdown,
    /// Anything else (other streams, unknown events).
    Other,
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Not the JSON the stream documents.
    #[error("malformed stream frame at byte {0}")]
    Syntax(usize),
    /// A price or quantity the book cannot hold.
    #[error("bad level value: {0}")]
    Level(#[from] FixedError),
    /// A depth event without `s`, `U` or `u` (a trade without `s`, `t`, `p`).
    #[error("depth event without {0}")]
    Missing(&'static str),
}

/// Deepest nesting skipped in unknown values.
const MAX_NESTING: u32 = 32;

/// Parses one text frame, filling `levels` when it is a depth event.
pub fn parse<'a>(text: &'a str, levels: &mut Levels) -> Result<Frame<'a>, FrameError> {
    levels.bids.clear();
    levels.asks.clear();
    let mut c = Cursor {
        b: text.as_bytes(),
        i: 0,
    };
    let mut acc = Acc::default();
    c.object(&mut acc, levels, true)?;
    c.ws();
    if c.i != c.b.len() {
        return Err(FrameError::Syntax(c.i));
    }
    if acc.shutdown {
        return Ok(Frame::Shutdown);
    }
    if acc.depth {
        let symbol = acc.symbol.ok_or(FrameError::Missing("s"))?;
        let header = DepthHeader {
            first: acc.first.ok_or(FrameError::Missing("U"))?,
            last: acc.last.ok_or(FrameError::Missing("u"))?,
            prev: acc.prev,
            event_time: acc.event_time.unwrap_or(0),
        };
        // Binance's symbols are ASCII; the slice came from a &str.
        let symbol = std::str::from_utf8(symbol).map_err(|_| FrameError::Syntax(0))?;
        return Ok(Frame::Depth { symbol, header });
    }
    if acc.trade {
        let symbol = acc.symbol.ok_or(FrameError::Missing("s"))?;
        let symbol = std::str::from_utf8(symbol).map_err(|_| FrameError::Syntax(0))?;
        let price = fixed::parse(acc.price.ok_or(FrameError::Missing("p"))?)?;
        return Ok(Frame::Trade {
            symbol,
            id: acc.trade_id.ok_or(FrameError::Missing("t"))?,
            price,
            time: acc.time.unwrap_or(0),
        });
    }
    if acc.has_result || acc.error.is_some() {
        if let Some(id) = acc.id {
            let error = acc.error.and_then(|e| std::str::from_utf8(e).ok());
            return Ok(Frame::Reply { id, error });
        }
    }
    Ok(Frame::Other)
}

#[derive(Default)]
struct Acc<'a> {
    depth: bool,
    trade: bool,
    trade_id: Option<u64>,
    price: Option<&'a [u8]>,
    time: Option<u64>,
    shutdown: bool,
    symbol: Option<&'a [u8]>,
    first: Option<u64>,
    last: Option<u64>,
    prev: Option<u64>,
    event_time: Option<u64>,
    id: Option<u64>,
    has_result: bool,
    error: Option<&'a [u8]>,
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Result<(), FrameError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(FrameError::Syntax(self.i))
        }
    }

    /// A string's raw bytes between the quotes (escapes left as sent:
    /// the fields the engine reads never contain any).
    #[inline]
    fn string(&mut self) -> Result<&'a [u8], FrameError> {
        self.eat(b'"')?;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'"' => {
                    let s = &self.b[start..self.i];
                    self.i += 1;
                    return Ok(s);
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        Err(FrameError::Syntax(self.i))
    }

    /// An unsigned integer (ids and times).
    #[inline]
    fn uint(&mut self) -> Result<u64, FrameError> {
        self.ws();
        let start = self.i;
        let mut v: u64 = 0;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(self.b[self.i] - b'0')))
                .ok_or(FrameError::Syntax(self.i))?;
            self.i += 1;
        }
        if self.i == start {
            return Err(FrameError::Syntax(start));
        }
        Ok(v)
    }

    /// `[["price","qty"], …]` into `out`.
    fn levels(&mut self, out: &mut Vec<(u64, u64)>) -> Result<(), FrameError> {
        self.eat(b'[')?;
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.eat(b'[')?;
            let price = fixed::parse(self.string()?)?;
            self.eat(b',')?;
            let qty = fixed::parse(self.string()?)?;
            // Tolerate extra elements (older streams sent a third, ignored).
            while self.peek() == Some(b',') {
                self.i += 1;
                self.skip(0)?;
            }
            self.eat(b']')?;
            out.push((price, qty));
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(FrameError::Syntax(self.i)),
            }
        }
    }

    /// Skips any JSON value.
    fn skip(&mut self, depth: u32) -> Result<(), FrameError> {
        if depth > MAX_NESTING {
            return Err(FrameError::Syntax(self.i));
        }
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.i += 1;
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip(depth + 1)?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(FrameError::Syntax(self.i)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1)?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(FrameError::Syntax(self.i)),
                    }
                }
            }
            Some(_) => {
                // number, true, false, null
                let start = self.i;
                while self.i < self.b.len()
                    && matches!(self.b[self.i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E' | b'a'..=b'z')
                {
                    self.i += 1;
                }
                if self.i == start {
                    Err(FrameError::Syntax(start))
                } else {
                    Ok(())
                }
            }
            None => Err(FrameError::Syntax(self.i)),
        }
    }

    /// An event object, or the combined-stream envelope around one
    /// (`{"stream":…,"data":{…}}`, when `outer`).
    fn object(
        &mut self,
        acc: &mut Acc<'a>,
        levels: &mut Levels,
        outer: bool,
    ) -> Result<(), FrameError> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            match key {
                b"data" if outer && self.peek() == Some(b'{') => self.object(acc, levels, false)?,
                b"e" => match self.string()? {
                    b"depthUpdate" => acc.depth = true,
                    b"trade" => acc.trade = true,
                    b"serverShutdown" => acc.shutdown = true,
                    _ => {}
                },
                b"s" if self.peek() == Some(b'"') => acc.symbol = Some(self.string()?),
                b"U" => acc.first = Some(self.uint()?),
                b"u" => acc.last = Some(self.uint()?),
                b"pu" => acc.prev = Some(self.uint()?),
                b"E" => acc.event_time = Some(self.uint()?),
                b"t" if matches!(self.peek(), Some(b'0'..=b'9')) => {
                    acc.trade_id = Some(self.uint()?)
                }
                b"p" if self.peek() == Some(b'"') => acc.price = Some(self.string()?),
                b"T" if matches!(self.peek(), Some(b'0'..=b'9')) => acc.time = Some(self.uint()?),
                b"b" if self.peek() == Some(b'[') => self.levels(&mut levels.bids)?,
                b"a" if self.peek() == Some(b'[') => self.levels(&mut levels.asks)?,
                b"id" if outer && matches!(self.peek(), Some(b'0'..=b'9')) => {
                    acc.id = Some(self.uint()?)
                }
                b"result" if outer => {
                    acc.has_result = true;
                    self.skip(1)?;
                }
                b"error" if outer && self.peek() == Some(b'{') => {
                    let start = self.i;
                    self.skip(1)?;
                    acc.error = Some(&self.b[start..self.i]);
                }
                _ => self.skip(1)?,
            }
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(FrameError::Syntax(self.i)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPOT: &str = r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"],["0.0027","0.00000000"]]}"#;

    #[test]
    fn reads_a_spot_diff_in_place() {
        let mut lv = Levels::default();
        let f = parse(SPOT, &mut lv).unwrap();
        assert_eq!(
            f,
            Frame::Depth {
                symbol: "BNBBTC",
                header: DepthHeader {
                    first: 157,
                    last: 160,
                    prev: None,
                    event_time: 1672515782136
                }
            }
        );
        assert_eq!(lv.bids, [(240_000, 10 * fixed::ONE)]);
        assert_eq!(lv.asks, [(260_000, 100 * fixed::ONE), (270_000, 0)]);
    }

    #[test]
    fn reads_a_futures_diff_inside_the_combined_envelope() {
        let text = r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"]],"a":[]}}"#;
        let mut lv = Levels::default();
        match parse(text, &mut lv).unwrap() {
            Frame::Depth { symbol, header } => {
                assert_eq!(symbol, "BTCUSDT");
                assert_eq!(header.prev, Some(149));
                assert_eq!((header.first, header.last), (157, 160));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(lv.bids.len(), 1);
        assert!(lv.asks.is_empty());
    }

    #[test]
    fn reads_replies_shutdowns_and_ignores_other_streams() {
        let mut lv = Levels::default();
        assert_eq!(
            parse(r#"{"result":null,"id":7}"#, &mut lv).unwrap(),
            Frame::Reply { id: 7, error: None }
        );
        assert_eq!(
            parse(
                r#"{"error":{"code":2,"msg":"Invalid request"},"id":8}"#,
                &mut lv
            )
            .unwrap(),
            Frame::Reply {
                id: 8,
                error: Some(r#"{"code":2,"msg":"Invalid request"}"#)
            }
        );
        assert_eq!(
            parse(r#"{"e":"serverShutdown","E":1}"#, &mut lv).unwrap(),
            Frame::Shutdown
        );
        let other = r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":12345,"p":"0.001","q":"100","T":1,"m":true,"M":true,"x":[1.5e3,false,{"k":[]}]}}"#;
        assert_eq!(parse(other, &mut lv).unwrap(), Frame::Other);
    }

    #[test]
    fn refuses_broken_frames_with_a_position() {
        let mut lv = Levels::default();
        for bad in [
            "",
            "{",
            r#"{"e":"depthUpdate""#,
            r#"{"e":"depthUpdate","s":"X","U":1,"u":2,"b":[["1","2"]}"#,
            r#"{"a":1} trailing"#,
            &format!("{}{}", "[".repeat(100), "]".repeat(100)),
        ] {
            assert!(
                matches!(parse(bad, &mut lv), Err(FrameError::Syntax(_))),
                "{bad}"
            );
        }
        assert_eq!(
            parse(r#"{"e":"depthUpdate","s":"X","U":1,"b":[]}"#, &mut lv),
            Err(FrameError::Missing("u"))
        );
        assert_eq!(
            parse(
                r#"{"e":"depthUpdate","s":"X","U":1,"u":2,"b":[["1.000000001","2"]]}"#,
                &mut lv
            ),
            Err(FrameError::Level(FixedError::Precision))
        );
        let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(40), "]".repeat(40));
        assert!(parse(&deep, &mut lv).is_err());
    }

    #[test]
    fn reads_a_trade() {
        let mut lv = Levels::default();
        let t = r#"{"stream":"bnbbtc@trade","data":{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.00100000","q":"100.000","T":1672515782134,"m":true,"M":true}}"#;
        assert_eq!(
            parse(t, &mut lv).unwrap(),
            Frame::Trade {
                symbol: "BNBBTC",
                id: 12345,
                price: 100_000,
                time: 1672515782134
            }
        );
        assert_eq!(
            parse(r#"{"e":"trade","s":"X","p":"1"}"#, &mut lv).unwrap_err(),
            FrameError::Missing("t")
        );
    }
}
