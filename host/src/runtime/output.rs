//! A plugin's output, checked before it reaches the client: within the size
//! cap, JSON, an object, and without duplicate keys — the plugin's own text
//! becomes the answer's text block and its parsed value the
//! `structuredContent`, so the two must say the same thing (with a
//! duplicate key, a reader of the text would see a value the structured
//! content dropped).

use crate::tool_error::{ErrorKind, ToolError};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Largest structured output a plugin may return (bytes of JSON). Plugins cap
/// their own lists far below this; the host's cap is the backstop that keeps
/// a buggy plugin from flooding a model's context.
pub const MAX_OUTPUT_BYTES: usize = 512 * 1024;

/// Check a plugin's output text and parse it.
pub fn parse_output(plugin: &str, out: &str) -> Result<Value, ToolError> {
    let bug = |m: String| ToolError::new(ErrorKind::Internal, m, "this is a plugin bug; report it");
    if out.len() > MAX_OUTPUT_BYTES {
        return Err(bug(format!(
            "plugin '{plugin}' returned {} bytes, more than the {MAX_OUTPUT_BYTES}-byte cap",
            out.len()
        )));
    }
    match serde_json::from_str::<Strict>(out) {
        Ok(Strict(v @ Value::Object(_))) => Ok(v),
        Ok(_) => Err(bug(format!(
            "plugin '{plugin}' returned JSON that is not an object"
        ))),
        Err(e) => Err(bug(format!(
            "plugin '{plugin}' returned invalid JSON ({e})"
        ))),
    }
}

/// A JSON value whose objects have no duplicate keys.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate key '{}'",
                    crate::text::escaped(&key, 64)
                )));
            }
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_checked() {
        let v = parse_output("p", r#"{"a":[1,-2,2.5,"x",null,true,{"b":{}}]}"#).unwrap();
        assert_eq!(v["a"][6]["b"], serde_json::json!({}));
        assert!(parse_output("p", "[1]").is_err());
        assert!(parse_output("p", "{").is_err());
        let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(MAX_OUTPUT_BYTES));
        assert!(parse_output("p", &big).unwrap_err().message.contains("cap"));
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let e = parse_output("p", r#"{"price":"1","price":"2"}"#).unwrap_err();
        assert!(e.message.contains("duplicate key 'price'"), "{}", e.message);
        assert!(parse_output("p", r#"{"a":[{"k":1,"k":1}]}"#).is_err());
        assert!(parse_output("p", r#"{"a":{"k":1},"b":{"k":1}}"#).is_ok());
    }
}
