//! JSON Schema fragments shared by tool descriptors, so every plugin
//! constrains the same argument the same way and `tools/list` stays small.
//!
//! **Dialects.** Clients compile these schemas as JSON Schema 2020-12 (the
//! MCP default, the Python SDK) or draft-07 (the TypeScript SDK), so only
//! keywords that mean the same in both are used: no `prefixItems` or
//! array-form `items`, no `$defs`, and a `$ref` carries no sibling but a
//! `description`. Shared pieces live in the output schema's own
//! `definitions` and are referenced as `#/definitions/<name>`, a JSON
//! pointer both dialects resolve. The host's tests check every schema with
//! a validator of each dialect.
//!
//! **Budget.** `tools/list` is paid by every conversation before its first
//! word: the tools together stay at or under [`TOOLS_LIST_BUDGET_PER_TOOL`]
//! bytes per tool on average, outputSchemas included (a test in the host
//! fails past it). Output schemas therefore type the fields and leave the
//! meaning to the field names and the tool description; a description is
//! added only where the name does not say it.

use serde_json::{json, Map, Value};

/// Average bytes per tool that `tools/list` may cost (name, title,
/// description, annotations, input and output schema, as compact JSON).
pub const TOOLS_LIST_BUDGET_PER_TOOL: usize = 800;

/// An exact decimal as Binance writes it, normalised (`"65000.01"`).
pub const DECIMAL_PATTERN: &str = "^-?[0-9]+(\\.[0-9]+)?$";

/// A Binance symbol argument (`description` may be empty). No `pattern`:
/// the SDK upper-cases and checks it with an error that says what is wrong
/// ([`crate::args::Args::symbol`]), and the bytes are paid by every
/// conversation.
pub fn symbol(description: &str) -> Value {
    with_description(
        json!({ "type": "string" }),
        if description.is_empty() {
            "e.g. BTCUSDT"
        } else {
            description
        },
    )
}

/// A list of 1..=`max` symbols.
pub fn symbols(max: usize) -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "minItems": 1, "maxItems": max })
}

/// An integer with bounds and a default (`description` may be empty).
pub fn integer(min: i64, max: i64, default: i64, description: &str) -> Value {
    with_description(
        json!({ "type": "integer", "minimum": min, "maximum": max, "default": default }),
        description,
    )
}

/// A time argument: UNIX milliseconds or ISO-8601 UTC text, as
/// [`crate::args::Args::time`] parses it (`startTime`).
pub fn time(description: &str) -> Value {
    with_description(
        json!({ "type": ["integer", "string"] }),
        format!("{description} ms or ISO-8601 UTC").trim_start(),
    )
}

/// The `endTime` beside a [`time`] `startTime`: the same forms, so the
/// description is not repeated (every byte here is paid by every
/// conversation).
pub fn end_time() -> Value {
    json!({ "type": ["integer", "string"] })
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

/// A tool's output schema: an object schema with the given properties and
/// required names, plus the shared `definitions` it references (only those),
/// so one copy of each serves the whole schema. Unlike [`object`] it does not
/// forbid other properties: an answer may grow a field without breaking a
/// client, and the bytes are better spent elsewhere.
pub fn output(properties: Value, required: &[&str]) -> Value {
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    let mut definitions = Map::new();
    for (name, definition) in definitions_table() {
        let pointer = format!("#/definitions/{name}");
        match count_refs(&schema, &pointer) {
            0 => {}
            // A reference costs more than the one copy it would replace.
            1 => inline_refs(&mut schema, &pointer, &definition),
            _ => {
                definitions.insert(name.to_string(), definition);
            }
        }
    }
    if !definitions.is_empty() {
        schema["definitions"] = Value::Object(definitions);
    }
    schema
}

fn is_ref_to(value: &Value, pointer: &str) -> bool {
    value.get("$ref").and_then(Value::as_str) == Some(pointer)
}

fn count_refs(value: &Value, pointer: &str) -> usize {
    match value {
        v if is_ref_to(v, pointer) => 1,
        Value::Object(map) => map.values().map(|v| count_refs(v, pointer)).sum(),
        Value::Array(items) => items.iter().map(|v| count_refs(v, pointer)).sum(),
        _ => 0,
    }
}

fn inline_refs(value: &mut Value, pointer: &str, definition: &Value) {
    if is_ref_to(value, pointer) {
        *value = definition.clone();
        return;
    }
    match value {
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| inline_refs(v, pointer, definition)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| inline_refs(v, pointer, definition)),
        _ => {}
    }
}

fn definitions_table() -> [(&'static str, Value); 1] {
    [(
        "dec",
        json!({ "type": "string", "pattern": DECIMAL_PATTERN }),
    )]
}

/// An exact decimal carried as a string (a reference to `definitions/dec`).
pub fn dec() -> Value {
    json!({ "$ref": "#/definitions/dec" })
}

/// The truncation marker produced by [`crate::output::cap`] and
/// [`crate::output::marker`]: an object whose keys (`returned`,
/// `available`, `kept`, `hint`, a cursor where there is one) every cut
/// answer carries itself, so the schema does not spell them out.
pub fn truncated() -> Value {
    json!({ "type": "object" })
}

/// A string field.
pub fn string() -> Value {
    json!({ "type": "string" })
}

/// An integer field.
pub fn int() -> Value {
    json!({ "type": "integer" })
}

/// A boolean field.
pub fn boolean() -> Value {
    json!({ "type": "boolean" })
}

/// An ISO-8601 UTC time (`"2026-12-01T20:57:18.123Z"`).
pub fn iso() -> Value {
    json!({ "type": "string" })
}

/// An array of `items`.
pub fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// A table's column header: exactly `names`, in order.
pub fn columns(names: &[&str]) -> Value {
    json!({ "const": names })
}

/// A table's rows: arrays of cells (decimal strings, ISO times, integers,
/// booleans) in the order of the `columns` header beside them, which says
/// their width. Cells are not typed one by one: per-position typing
/// (`prefixItems` in 2020-12, array `items` in draft-07) has no form both
/// dialects read the same way.
pub fn rows() -> Value {
    array(json!({ "type": "array" }))
}

fn with_description(mut schema: Value, description: &str) -> Value {
    if !description.is_empty() {
        schema["description"] = json!(description);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_shares_only_what_it_uses_twice() {
        let s = output(json!({ "bid": dec(), "ask": dec() }), &["bid"]);
        assert!(s["definitions"]["dec"].is_object());
        assert!(s["definitions"].get("truncated").is_none());
        assert_eq!(s["properties"]["bid"]["$ref"], "#/definitions/dec");
        let s = output(json!({ "n": int() }), &[]);
        assert!(s.get("definitions").is_none());
        // One use: inlined, no definitions.
        let s = output(json!({ "t": truncated(), "p": array(dec()) }), &[]);
        assert!(s.get("definitions").is_none());
        assert_eq!(s["properties"]["p"]["items"]["pattern"], DECIMAL_PATTERN);
    }

    #[test]
    fn time_accepts_both_forms_in_its_description() {
        let t = time("First trade at or after this.");
        assert_eq!(t["type"], json!(["integer", "string"]));
        assert!(t["description"].as_str().unwrap().contains("ISO-8601"));
        assert!(time("")["description"].as_str().unwrap().starts_with("ms"));
    }
}
