//! Table rows written straight to JSON text: one buffer, no value per cell.
//!
//! A list answer is `columns` + `rows` ([`crate::schema::rows`]). Building
//! the rows as `serde_json::Value` costs an allocation per cell and another
//! pass to serialize them; inside the sandbox that was most of a 100-candle
//! call. [`Rows`] writes each cell's text once — decimals normalised
//! ([`crate::output::norm`]) and times as ISO-8601 straight into the buffer —
//! and [`crate::Answer::with_raw`] splices the result into the answer.

use crate::output::norm_into;
use crate::time::iso8601_into;
use crate::ToolError;

/// Rows being written: `[[cell, …], …]`.
#[derive(Debug)]
pub struct Rows {
    buf: String,
    rows: usize,
    cells: usize,
    width: usize,
}

impl Rows {
    /// Rows of `width` cells; `capacity` is the expected number of rows.
    pub fn new(width: usize, capacity: usize) -> Rows {
        let mut buf = String::with_capacity(2 + capacity * width * 12);
        buf.push('[');
        Rows {
            buf,
            rows: 0,
            cells: 0,
            width,
        }
    }

    fn cell(&mut self) -> &mut String {
        if self.cells == 0 {
            if self.rows > 0 {
                self.buf.push(',');
            }
            self.buf.push('[');
        } else {
            self.buf.push(',');
        }
        self.cells += 1;
        &mut self.buf
    }

    /// An exact decimal from the exchange's text, normalised.
    pub fn dec(&mut self, text: &str) -> Result<&mut Self, ToolError> {
        let buf = self.cell();
        buf.push('"');
        let start = buf.len();
        if !norm_into(text, buf) {
            buf.truncate(start);
            buf.push_str(&crate::output::dec_text(text)?);
        }
        buf.push('"');
        Ok(self)
    }

    /// A millisecond time as ISO-8601 UTC text.
    pub fn iso(&mut self, ms: i64) -> &mut Self {
        let buf = self.cell();
        buf.push('"');
        iso8601_into(ms, buf);
        buf.push('"');
        self
    }

    /// An integer.
    pub fn int(&mut self, n: i64) -> &mut Self {
        push_int(n, self.cell());
        self
    }

    /// A boolean.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.cell().push_str(if b { "true" } else { "false" });
        self
    }

    /// Any text, escaped as JSON.
    pub fn str(&mut self, s: &str) -> &mut Self {
        let buf = self.cell();
        buf.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
        self
    }

    /// Close the current row. A row with another number of cells than the
    /// width is a bug in the tool, reported as an internal error.
    pub fn end_row(&mut self) -> Result<(), ToolError> {
        if self.cells != self.width {
            return Err(ToolError::new(
                crate::ErrorKind::Internal,
                format!("a row of {} cells under {} columns", self.cells, self.width),
                "report this plugin bug",
            ));
        }
        self.buf.push(']');
        self.rows += 1;
        self.cells = 0;
        Ok(())
    }

    /// Rows written so far.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no row was written.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The JSON text of the rows.
    pub fn finish(mut self) -> String {
        self.buf.push(']');
        self.buf
    }
}

/// An integer's decimal digits, without a formatter.
pub(crate) fn push_int(n: i64, buf: &mut String) {
    if n < 0 {
        buf.push('-');
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend(digits[i..].iter().map(|d| *d as char));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn rows_are_valid_json_with_normalised_cells() {
        let mut r = Rows::new(5, 2);
        r.int(-42).iso(1_700_000_000_123).dec("0.10000000").unwrap();
        r.bool(true).str("a\"b");
        r.end_row().unwrap();
        r.int(i64::MIN).iso(0).dec("1e2").unwrap();
        r.bool(false).str("");
        r.end_row().unwrap();
        assert_eq!(r.len(), 2);
        let v: Value = serde_json::from_str(&r.finish()).unwrap();
        assert_eq!(
            v,
            json!([
                [-42, "2023-11-14T22:13:20.123Z", "0.1", true, "a\"b"],
                [i64::MIN, "1970-01-01T00:00:00.000Z", "100", false, ""]
            ])
        );
    }

    #[test]
    fn a_bad_row_or_cell_is_an_error() {
        let mut r = Rows::new(2, 1);
        r.int(1);
        assert!(r.end_row().is_err());
        assert!(Rows::new(1, 1).dec("abc").is_err());
        assert_eq!(Rows::new(3, 0).finish(), "[]");
    }
}
