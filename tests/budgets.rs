//! What a model pays for, as tests: the size of `tools/list`, and schemas
//! that mean the same to a draft-07 client (the TypeScript SDK) as to a
//! 2020-12 one (the MCP default, the Python SDK).
//!
//! The budget is the SDK's `schema::TOOLS_LIST_BUDGET_PER_TOOL` (800 bytes a
//! tool on average, outputSchemas included); the answers' budgets are
//! checked in `answer_budgets.rs`.

mod support;

use binance_mcp_plugin::schema::TOOLS_LIST_BUDGET_PER_TOOL;
use serde_json::{json, Value};
use support::raw::Raw;
use support::*;

/// The compact JSON of every listed tool, as the server sent it.
async fn listed_tools(allow_deposit_address: bool) -> Vec<Value> {
    let sim = sim(1).await;
    let mut cmd = command(&sim.spot_url(), &sim.futures_url());
    if allow_deposit_address {
        cmd.env("BINANCE_MCP_POLICY", all_tools_policy());
    }
    let mut raw = Raw::initialized(cmd).await;
    raw.send(&json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}))
        .await;
    let answer = raw.response(2).await;
    assert!(
        answer["result"].get("nextCursor").is_none(),
        "one page: {answer}"
    );
    let tools = answer["result"]["tools"].as_array().unwrap().clone();
    raw.finish(std::time::Duration::from_secs(10)).await;
    tools
}

fn size_report(tools: &[Value]) -> String {
    let mut rows: Vec<(usize, String)> = tools
        .iter()
        .map(|t| (t.to_string().len(), t["name"].as_str().unwrap().to_string()))
        .collect();
    rows.sort_by(|a, b| b.cmp(a));
    rows.iter()
        .map(|(n, name)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn tools_list_stays_within_its_budget() {
    for allow_deposit_address in [false, true] {
        let tools = listed_tools(allow_deposit_address).await;
        let bytes: usize = Value::Array(tools.clone()).to_string().len();
        let budget = TOOLS_LIST_BUDGET_PER_TOOL * tools.len();
        eprintln!(
            "tools/list: {} tools, {bytes} bytes (budget {budget}, {} a tool)\n{}",
            tools.len(),
            bytes / tools.len(),
            size_report(&tools)
        );
        assert!(
            bytes <= budget,
            "tools/list is {bytes} bytes for {} tools; the budget is {TOOLS_LIST_BUDGET_PER_TOOL} a tool ({budget}). Largest:\n{}",
            tools.len(),
            size_report(&tools)
        );
        for t in &tools {
            assert!(
                t["outputSchema"]["type"] == "object",
                "{} keeps an object outputSchema",
                t["name"]
            );
        }
        if !allow_deposit_address {
            assert_eq!(tools.len(), 25, "the budget is stated for these 25 tools");
            assert!(bytes <= 20_000, "{bytes}");
        }
    }
}

/// Keywords whose meaning is the same in draft-07 and 2020-12. Everything
/// else is refused: `prefixItems` is unknown to draft-07 (silently
/// unchecked), array-form `items` is invalid in 2020-12, `$defs` is not a
/// draft-07 location, `dependencies` split in two…
const PORTABLE_KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "description",
    "title",
    "default",
    "anyOf",
    "oneOf",
    "$ref",
    "definitions",
];

/// Walk a schema, failing on a keyword outside [`PORTABLE_KEYWORDS`], on a
/// `$ref` with validating siblings (draft-07 ignores them, 2020-12 applies
/// them) and on array-form `items`.
fn check_portable(tool: &str, path: &str, schema: &Value) {
    let Some(map) = schema.as_object() else {
        panic!("{tool}: {path} is not a schema object: {schema}");
    };
    for (key, value) in map {
        assert!(
            PORTABLE_KEYWORDS.contains(&key.as_str()),
            "{tool}: {path} uses '{key}', which draft-07 and 2020-12 read differently"
        );
        match key.as_str() {
            "properties" | "definitions" => {
                for (name, sub) in value.as_object().expect("an object of schemas") {
                    check_portable(tool, &format!("{path}/{key}/{name}"), sub);
                }
            }
            "items" => {
                assert!(
                    value.is_object(),
                    "{tool}: {path}/items must be one schema (array form is draft-07 only)"
                );
                check_portable(tool, &format!("{path}/items"), value);
            }
            "additionalProperties" if value.is_object() => {
                check_portable(tool, &format!("{path}/{key}"), value)
            }
            "anyOf" | "oneOf" => {
                for (i, sub) in value.as_array().expect("a list").iter().enumerate() {
                    check_portable(tool, &format!("{path}/{key}/{i}"), sub);
                }
            }
            "$ref" => {
                let others: Vec<&String> = map.keys().filter(|k| *k != "$ref").collect();
                assert!(
                    others.iter().all(|k| k.as_str() == "description"),
                    "{tool}: {path} has a $ref with siblings {others:?} (ignored by draft-07)"
                );
                let target = value.as_str().expect("a $ref is text");
                assert!(
                    target.starts_with("#/"),
                    "{tool}: {path} refers outside the schema: {target}"
                );
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_schema_means_the_same_in_draft_07_and_2020_12() {
    let tools = listed_tools(true).await;
    for t in &tools {
        let name = t["name"].as_str().unwrap();
        for key in ["inputSchema", "outputSchema"] {
            let schema = &t[key];
            check_portable(name, key, schema);
            // Both meta-schemas accept it and both validators compile it
            // (every $ref resolves).
            both_dialects(&format!("{name} {key}"), schema);
        }
    }
}

#[test]
fn the_portability_check_catches_what_it_exists_for() {
    for bad in [
        json!({"type":"array","prefixItems":[{"type":"string"}]}),
        json!({"type":"array","items":[{"type":"string"}]}),
        json!({"$defs":{"d":{"type":"string"}}}),
        json!({"properties":{"p":{"$ref":"#/definitions/d","type":"string"}}}),
        json!({"properties":{"p":{"$ref":"https://example.com/s.json"}}}),
    ] {
        let caught = std::panic::catch_unwind(|| check_portable("t", "s", &bad));
        assert!(caught.is_err(), "not caught: {bad}");
    }
    check_portable(
        "t",
        "s",
        &json!({"type":"object","definitions":{"d":{"type":"string"}},
                "properties":{"p":{"$ref":"#/definitions/d","description":"x"}}}),
    );
}
