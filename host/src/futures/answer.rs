//! What a futures placement answers: Binance's order (regular or algo) as
//! sent back, with its times also as ISO-8601 UTC and a `kind` saying
//! which service holds it.

use serde_json::Value;

/// The order answer `v` for a model.
pub fn order(v: &Value) -> Value {
    let mut out = v.clone();
    if let Some(o) = out.as_object_mut() {
        let kind = if o.contains_key("algoId") {
            "conditional"
        } else {
            "regular"
        };
        o.insert("kind".into(), kind.into());
        for key in ["updateTime", "createTime", "time", "triggerTime"] {
            if let Some(ms) = o.get(key).and_then(Value::as_i64).filter(|ms| *ms > 0) {
                o.insert(format!("{key}Iso"), crate::trading::iso(ms).into());
            }
        }
    }
    out
}
