//! Plugin logic tested natively: the reads against canned exchange answers
//! (Binance's documented response examples, the exact requests sent, the
//! shaped rows, the exact funding arithmetic, the merged open orders), the
//! writes against a canned futures-trading capability (each tool's
//! arguments mapped to exactly the right record, bad arguments refused
//! before the host is called, the host's answer passed on unchanged), and
//! the manifest (unique names, exact capabilities, the `tools/list`
//! budget).
//!
//! This module holds what every area shares: calling a tool with its
//! output checked against the declared schema in both dialects clients
//! use, and that no request carries a parameter only the host may set.

mod manifest;
mod reads;
mod writes;

use crate::{Futures, TOOLS};
use binance_mcp_plugin::testing::CannedExchange;
use binance_mcp_plugin::{Plugin, ToolError, Value};

type Canned = CannedExchange;

/// Largest answer any read may give (one copy), as in the account plugin.
const ANY_ANSWER: usize = 50_000;

fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `schema`'s complaints about `value`, as draft-07 and as 2020-12.
fn schema_errors(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for v in [
        jsonschema::draft7::new(schema).expect("a valid draft-07 schema"),
        jsonschema::draft202012::new(schema).expect("a valid 2020-12 schema"),
    ] {
        errors.extend(v.iter_errors(value).map(|e| e.to_string()));
    }
    errors
}

/// Call a tool; check its output against the declared output schema and
/// the answer budget, its arguments against the input schema when the
/// call succeeds, and that no request carried a parameter only the host
/// sets or went anywhere but USD-M futures.
fn call(ex: &Canned, tool: &str, args: &str) -> Result<Value, ToolError> {
    let result = Futures::call_tool(ex, tool, args).map(|a| a.to_value());
    for r in ex.requests() {
        assert_eq!(r.venue, binance_mcp_plugin::Venue::UsdmFutures, "{tool}");
        for (k, _) in &r.params {
            assert!(
                !["timestamp", "recvWindow", "signature"].contains(&k.as_str()),
                "{tool} sent {k}"
            );
        }
    }
    let t = TOOLS.iter().find(|t| t.name == tool).unwrap();
    if let Ok(out) = &result {
        let errors = schema_errors(&(t.output_schema)(), out);
        assert!(errors.is_empty(), "{tool}: {errors:?}\n{out:#}");
        let bytes = out.to_string().len();
        assert!(bytes <= ANY_ANSWER, "{tool} {args}: {bytes} bytes");
        let input: Value = serde_json::from_str(args).unwrap_or(Value::Null);
        if input.is_object() {
            let errors = schema_errors(&(t.input_schema)(), &input);
            assert!(errors.is_empty(), "{tool} {args}: {errors:?}");
        }
    }
    result
}

fn ok(ex: &Canned, tool: &str, args: &str) -> Value {
    call(ex, tool, args).unwrap_or_else(|e| panic!("{tool} {args}: {e}"))
}
