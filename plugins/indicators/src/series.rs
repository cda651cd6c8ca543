//! The output: one row per candle, the indicator's columns side by side.

use rust_decimal::Decimal;

use crate::average::Line;
use crate::Spec;

/// An indicator computed over a candle series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// What was computed.
    pub spec: Spec,
    /// One entry per input candle, in the same order: `None` where the indicator has no value
    /// (the first `spec.warmup() − 1` candles; for VWAP, the candles before any volume traded),
    /// else the values in the order of [`Spec::columns`].
    pub rows: Vec<Option<Vec<Decimal>>>,
}

impl Series {
    /// Rows from per-column lines: a row has values only where every column does.
    pub(crate) fn from_columns(spec: Spec, columns: &[Line]) -> Series {
        let len = columns.first().map_or(0, Vec::len);
        let rows = (0..len)
            .map(|i| {
                columns
                    .iter()
                    .map(|c| c[i])
                    .collect::<Option<Vec<Decimal>>>()
            })
            .collect();
        Series { spec, rows }
    }

    /// The names of each row's values.
    pub fn columns(&self) -> &'static [&'static str] {
        self.spec.columns()
    }

    /// The index of the first row with values, `None` if none has.
    pub fn first_index(&self) -> Option<usize> {
        self.rows.iter().position(Option::is_some)
    }

    /// The values of the last row (the newest candle), if it has any.
    pub fn latest(&self) -> Option<&[Decimal]> {
        self.rows.last()?.as_deref()
    }

    /// One column by name, aligned with the candles (`None` for an unknown name).
    pub fn column(&self, name: &str) -> Option<Vec<Option<Decimal>>> {
        let at = self.columns().iter().position(|c| *c == name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.as_ref().map(|r| r[at]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_need_every_column_and_accessors_read_them() {
        let (one, two) = (Decimal::ONE, Decimal::TWO);
        let series = Series::from_columns(
            Spec::Stochastic {
                k: 1,
                smooth_k: 1,
                d: 2,
            },
            &[
                vec![Some(one), Some(one), Some(two)],
                vec![None, Some(two), Some(one)],
            ],
        );
        assert_eq!(
            series.rows,
            vec![None, Some(vec![one, two]), Some(vec![two, one])]
        );
        assert_eq!(series.first_index(), Some(1));
        assert_eq!(series.latest(), Some(&[two, one][..]));
        assert_eq!(series.column("d"), Some(vec![None, Some(two), Some(one)]));
        assert_eq!(series.column("nope"), None);
        assert_eq!(series.columns(), ["k", "d"]);
    }

    #[test]
    fn an_empty_series_has_no_latest() {
        let series = Series::from_columns(Spec::Vwap, &[vec![]]);
        assert_eq!((series.first_index(), series.latest()), (None, None));
    }
}
