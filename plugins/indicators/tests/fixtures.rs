//! Every indicator against the fixtures `fixtures/generate.py` wrote with TA-Lib (VWAP with
//! numpy): the same candles, every value compared, `None` exactly where TA-Lib gives NaN.
//! Provenance and versions: `fixtures/README.md`.
//!
//! Tolerance: TA-Lib computes in f64, so a value may differ from the exact one by float
//! rounding (~10⁻¹⁵ relative, more after long recursions; ~6 × 10⁻¹⁴ at worst here). A value
//! passes within 10⁻⁹ of the larger of its own magnitude and its column's largest magnitude
//! (the latter so that a MACD histogram crossing zero is not held to a relative bound of 0).

use std::str::FromStr;

use binance_mcp_indicators::{Candle, Decimal, Spec};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::RoundingStrategy;
use serde_json::Value;

const TOLERANCE: f64 = 1e-9;

const WALK_100: &str = include_str!("../fixtures/walk_100.json");
const WALK_65000: &str = include_str!("../fixtures/walk_65000.json");
const STOCKCHARTS_RSI: &str = include_str!("../fixtures/stockcharts_rsi.json");

fn decimal(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("a decimal string")).expect("a decimal")
}

fn candles(fixture: &Value) -> Vec<Candle> {
    fixture["candles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| Candle {
            open_time: row[0].as_i64().unwrap(),
            open: decimal(&row[1]),
            high: decimal(&row[2]),
            low: decimal(&row[3]),
            close: decimal(&row[4]),
            volume: decimal(&row[5]),
        })
        .collect()
}

/// Compares every indicator of a fixture; returns (values compared, worst error in units of
/// the tolerance's scale).
fn check(json: &str) -> (usize, f64) {
    let fixture: Value = serde_json::from_str(json).unwrap();
    let candles = candles(&fixture);
    let (mut compared, mut worst) = (0, 0.0_f64);
    for indicator in fixture["indicators"].as_array().unwrap() {
        let text = indicator["spec"].as_str().unwrap();
        let spec = Spec::parse(text).unwrap();
        let series = spec.compute(&candles).unwrap();
        assert_eq!(series.rows.len(), candles.len(), "{text}");
        let expected_columns = indicator["columns"].as_object().unwrap();
        assert_eq!(expected_columns.len(), spec.columns().len(), "{text}");
        for (at, name) in spec.columns().iter().enumerate() {
            let expected = expected_columns[*name].as_array().unwrap();
            assert_eq!(expected.len(), candles.len(), "{text} {name}");
            let scale = expected
                .iter()
                .filter_map(Value::as_f64)
                .fold(0.0_f64, |m, v| m.max(v.abs()));
            for (i, (want, row)) in expected.iter().zip(&series.rows).enumerate() {
                match (want.as_f64(), row) {
                    (None, None) => {}
                    (Some(want), Some(row)) => {
                        let got = row[at].to_f64().unwrap();
                        let bound = want.abs().max(scale);
                        let error = (got - want).abs() / bound;
                        assert!(
                            error <= TOLERANCE,
                            "{text} {name}[{i}]: got {} (≈{got}), TA-Lib {want}",
                            row[at]
                        );
                        worst = worst.max(error);
                        compared += 1;
                    }
                    (want, row) => panic!(
                        "{text} {name}[{i}]: TA-Lib {want:?}, got {row:?} \
                         (a value exactly where TA-Lib has one)"
                    ),
                }
            }
        }
    }
    (compared, worst)
}

#[test]
fn random_walk_around_100_matches_ta_lib() {
    let (compared, worst) = check(WALK_100);
    println!("walk_100: {compared} values, worst relative error {worst:e}");
    // 15 specs over 300 candles; this catches a fixture whose columns silently went missing.
    assert!(compared > 7_000, "{compared}");
}

#[test]
fn random_walk_around_65000_matches_ta_lib() {
    let (compared, worst) = check(WALK_65000);
    println!("walk_65000: {compared} values, worst relative error {worst:e}");
    assert!(compared > 2_000, "{compared}");
}

#[test]
fn stockcharts_worked_rsi_example_matches_ta_lib_and_the_published_table() {
    let (compared, _) = check(STOCKCHARTS_RSI);
    assert_eq!(compared, 19);

    let fixture: Value = serde_json::from_str(STOCKCHARTS_RSI).unwrap();
    let published = fixture["published"]["value"].as_array().unwrap();
    let series = Spec::parse("rsi:14")
        .unwrap()
        .compute(&candles(&fixture))
        .unwrap();
    for (i, (want, row)) in published.iter().zip(&series.rows).enumerate() {
        match (want.as_str(), row) {
            (None, None) => {}
            (Some(want), Some(row)) => {
                // The sheet shows 2 decimals, rounded half away from zero as spreadsheets do.
                let shown =
                    row[0].round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                assert_eq!(
                    shown,
                    Decimal::from_str(want).unwrap(),
                    "RSI[{i}] = {}",
                    row[0]
                );
            }
            other => panic!("RSI[{i}]: {other:?}"),
        }
    }
}

#[test]
fn every_fixture_records_its_provenance() {
    for json in [WALK_100, WALK_65000, STOCKCHARTS_RSI] {
        let fixture: Value = serde_json::from_str(json).unwrap();
        for key in [
            "talib",
            "ta_lib_c",
            "numpy",
            "python",
            "generator",
            "description",
        ] {
            assert!(fixture[key].is_string(), "{}: {key}", fixture["name"]);
        }
    }
}
