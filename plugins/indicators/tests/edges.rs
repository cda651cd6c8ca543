//! The degenerate inputs a real market produces — a pair that did not trade (flat candles with
//! zero volume), a single candle, huge prices and volumes — through the public API: documented
//! values, never a panic.

use binance_mcp_indicators::{Candle, Decimal, IndicatorError, Spec, MAX_PRICE, MAX_VOLUME};

const ALL: [&str; 15] = [
    "sma:1",
    "sma:20",
    "ema:1",
    "ema:20",
    "rsi:1",
    "rsi",
    "macd:1:2:1",
    "macd",
    "bb:1:1",
    "bb",
    "atr:1",
    "atr",
    "vwap",
    "stoch:1:1:1",
    "stoch",
];

fn flat(count: usize, price: Decimal, volume: Decimal) -> Vec<Candle> {
    (0..count)
        .map(|i| Candle {
            open_time: 1_700_000_000_000 + i as i64 * 60_000,
            open: price,
            high: price,
            low: price,
            close: price,
            volume,
        })
        .collect()
}

fn values(spec: &str, candles: &[Candle]) -> Vec<Vec<Decimal>> {
    let series = Spec::parse(spec).unwrap().compute(candles).unwrap();
    series.rows.into_iter().flatten().collect()
}

#[test]
fn a_pair_that_did_not_trade() {
    let price = Decimal::new(12345, 2);
    let candles = flat(60, price, Decimal::ZERO);
    let fifty = Decimal::from(50);
    for spec in ALL {
        let rows = values(spec, &candles);
        let expected: &[Decimal] = match spec {
            "sma:1" | "sma:20" | "ema:1" | "ema:20" => &[price],
            // No gain and no loss: mid-scale (TA-Lib gives 0).
            "rsi:1" | "rsi" => &[fifty],
            "macd:1:2:1" | "macd" => &[Decimal::ZERO; 3],
            // σ = 0: the bands meet at the price.
            "bb:1:1" | "bb" => &[price; 3],
            "atr:1" | "atr" => &[Decimal::ZERO],
            // Nothing traded: VWAP has no value anywhere.
            "vwap" => {
                assert!(rows.is_empty(), "{rows:?}");
                continue;
            }
            // High = low: mid-range (TA-Lib gives 0).
            "stoch:1:1:1" | "stoch" => &[fifty; 2],
            other => unreachable!("{other}"),
        };
        let warmup = Spec::parse(spec).unwrap().warmup();
        assert_eq!(rows.len(), 60 - (warmup - 1), "{spec}");
        assert!(rows.iter().all(|r| r == expected), "{spec}: {:?}", rows[0]);
    }
}

#[test]
fn vwap_starts_at_the_first_traded_candle() {
    let mut candles = flat(5, Decimal::TEN, Decimal::ZERO);
    candles[3].volume = Decimal::ONE;
    let series = Spec::Vwap.compute(&candles).unwrap();
    assert_eq!(series.first_index(), Some(3));
    assert_eq!(series.latest(), Some(&[Decimal::TEN][..]));
}

#[test]
fn one_candle_is_enough_only_for_period_one_averages_and_vwap() {
    let one = flat(1, Decimal::ONE, Decimal::ONE);
    for spec in ALL {
        let spec = Spec::parse(spec).unwrap();
        match spec.compute(&one) {
            Ok(series) => assert_eq!(spec.warmup(), 1, "{spec}: {series:?}"),
            Err(IndicatorError::TooShort { needed, got: 1, .. }) => {
                assert_eq!(needed, spec.warmup())
            }
            Err(other) => panic!("{spec}: {other}"),
        }
    }
    for spec in ALL {
        let err = Spec::parse(spec).unwrap().compute(&[]).unwrap_err();
        assert!(
            matches!(err, IndicatorError::TooShort { got: 0, .. }),
            "{spec}"
        );
    }
}

#[test]
fn the_largest_accepted_prices_and_volumes_do_not_overflow() {
    // Alternating between 0 and MAX_PRICE maximises every deviation, range and change.
    let candles: Vec<Candle> = (0..600)
        .map(|i| {
            let close = if i % 2 == 0 { MAX_PRICE } else { Decimal::ZERO };
            Candle {
                open_time: i,
                open: close,
                high: MAX_PRICE,
                low: Decimal::ZERO,
                close,
                volume: MAX_VOLUME,
            }
        })
        .collect();
    for spec in [
        "sma:500",
        "ema:500",
        "rsi:500",
        "macd:499:500:1",
        "bb:500:10",
        "atr:500",
        "vwap",
        "stoch:500:50:50",
    ] {
        let series = Spec::parse(spec).unwrap().compute(&candles).unwrap();
        assert!(series.latest().is_some(), "{spec}");
    }
}
