//! JSON Schema fragments shared by tool descriptors, so every plugin
//! constrains the same argument the same way.

use serde_json::{json, Map, Value};

/// A Binance symbol argument.
pub fn symbol(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": "^[A-Za-z0-9_.-]{1,20}$",
        "description": format!("{description} Trading pair such as BTCUSDT; upper-cased by the server."),
    })
}

/// A list of symbols.
pub fn symbols(max: usize) -> Value {
    json!({
        "type": "array",
        "items": { "type": "string", "pattern": "^[A-Za-z0-9_.-]{1,20}$" },
        "minItems": 1,
        "maxItems": max,
        "uniqueItems": true,
        "description": format!("Several trading pairs, e.g. [\"BTCUSDT\",\"ETHUSDT\"] (at most {max}).")
    })
}

/// An integer with bounds and a default.
pub fn integer(min: i64, max: i64, default: i64, description: &str) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max, "default": default, "description": description })
}

/// A millisecond UNIX timestamp.
pub fn timestamp(description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "description": format!("{description} UNIX time in milliseconds.") })
}

/// An object schema with the given properties and required names; no others.
pub fn object(properties: Value, required: &[&str]) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), properties);
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

/// An exact decimal carried as a string.
pub fn decimal(description: &str) -> Value {
    json!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": description })
}

/// The truncation marker produced by [`crate::output::cap`].
pub fn truncation() -> Value {
    json!({
        "type": "object",
        "description": "Present only when the list was cut to fit a model's context.",
        "properties": {
            "returned": { "type": "integer" },
            "available": { "type": "integer" },
            "kept": { "type": "string", "enum": ["first", "last"] },
            "hint": { "type": "string" }
        },
        "required": ["returned", "available", "kept", "hint"]
    })
}
