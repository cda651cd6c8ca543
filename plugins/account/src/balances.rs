//! Balances, commission rates and daily snapshots.

use crate::{balance, balance_schema, boolean, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, cap, Keep};
use binance_mcp_plugin::{
    json, schema, time, Annotations, ErrorKind, Exchange, Request, Tool, ToolError, Value,
};

/// Most balances `get_account_info` lists.
pub const BALANCES_CAP: usize = 200;
/// Most balances listed per day of `get_account_snapshot`.
pub const SNAPSHOT_BALANCES_CAP: usize = 100;

/// The four rates Binance reports per account or symbol.
const RATE_FIELDS: [&str; 4] = ["maker", "taker", "buyer", "seller"];

fn rates_schema(description: &str) -> Value {
    let d = schema::decimal;
    json!({
        "type": "object",
        "description": description,
        "properties": {
            "maker": d("Rate as a fraction (0.001 = 0.1%)"), "taker": d("Rate as a fraction"),
            "buyer": d("Rate as a fraction"), "seller": d("Rate as a fraction")
        },
        "required": RATE_FIELDS,
        "additionalProperties": false
    })
}

fn rates(v: &Value) -> Result<Value, ToolError> {
    let mut out = serde_json::Map::new();
    for f in RATE_FIELDS {
        out.insert(f.into(), json!(output::dec(&v[f])?));
    }
    Ok(Value::Object(out))
}

pub const ACCOUNT_INFO: Tool = Tool {
    name: "get_account_info",
    title: "Spot account overview",
    description: "The spot account: its non-zero balances (free, locked and total per asset, exact), permissions, account type, whether it can trade, withdraw and deposit, its commission rates (maker/taker/buyer/seller as fractions, 0.001 = 0.1%) and when it last changed. At most 200 balances are listed. Needs API keys (read-only permission is enough).",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        schema::object(
            json!({
                "accountType": { "type": "string", "description": "e.g. SPOT" },
                "canTrade": { "type": "boolean" },
                "canWithdraw": { "type": "boolean" },
                "canDeposit": { "type": "boolean" },
                "permissions": { "type": "array", "items": { "type": "string" } },
                "commissionRates": rates_schema("The account's commission rates."),
                "updateTime": { "type": "integer", "description": "Last change, UNIX ms" },
                "balances": { "type": "array", "items": balance_schema() },
                "balanceCount": { "type": "integer", "description": "Non-zero balances the account holds (before any cut)" },
                "truncated": schema::truncation()
            }),
            &["accountType", "canTrade", "canWithdraw", "canDeposit", "permissions", "commissionRates", "updateTime", "balances", "balanceCount"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: account_info,
};

fn account_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/account").param("omitZeroBalances", "true"),
    )?;
    let raw = body["balances"]
        .as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("account without 'balances'"))?;
    let mut balances = Vec::new();
    for b in raw {
        // omitZeroBalances already drops them; a zero row is skipped anyway.
        if let Some(row) = balance(b)? {
            balances.push(row);
        }
    }
    let count = balances.len();
    let (balances, truncated) = cap(
        balances,
        BALANCES_CAP,
        Keep::First,
        "the first 200 assets in Binance's order are listed; get_account_snapshot or get_fee_info need no full list",
    );
    let permissions = match &body["permissions"] {
        Value::Array(p) => p.iter().map(output::text).collect::<Result<Vec<_>, _>>()?,
        Value::Null => Vec::new(),
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "permissions is not a list: {other}"
            )))
        }
    };
    let out = json!({
        "accountType": output::text(&body["accountType"])?,
        "canTrade": boolean(&body["canTrade"])?,
        "canWithdraw": boolean(&body["canWithdraw"])?,
        "canDeposit": boolean(&body["canDeposit"])?,
        "permissions": permissions,
        "commissionRates": rates(&body["commissionRates"])?,
        "updateTime": output::int(&body["updateTime"])?,
        "balanceCount": count,
        "balances": balances,
    });
    Ok(with_marker(out, truncated))
}

pub const FEE_INFO: Tool = Tool {
    name: "get_fee_info",
    title: "Commission rates for a symbol",
    description: "The account's commission rates for one symbol, as fractions (0.001 = 0.1%): standard maker/taker/buyer/seller, tax, special (when Binance reports it), and the fee discount (e.g. paying with BNB): whether it is enabled for the account and the symbol, the discount asset and rate.",
    input_schema: || {
        schema::object(
            json!({ "symbol": schema::symbol("The symbol.") }),
            &["symbol"],
        )
    },
    output_schema: || {
        schema::object(
            json!({
                "symbol": { "type": "string" },
                "standardCommission": rates_schema("Standard commission rates."),
                "taxCommission": rates_schema("Tax rates."),
                "specialCommission": rates_schema("Special commission rates (present only when Binance reports them)."),
                "discount": {
                    "type": "object",
                    "properties": {
                        "enabledForAccount": { "type": "boolean" },
                        "enabledForSymbol": { "type": "boolean" },
                        "discountAsset": { "type": "string", "description": "Asset that pays the discounted fee, e.g. BNB" },
                        "discount": schema::decimal("Discount rate on the standard commission (0.25 = 25% off)")
                    },
                    "required": ["enabledForAccount", "enabledForSymbol", "discountAsset", "discount"],
                    "additionalProperties": false
                }
            }),
            &["symbol", "standardCommission", "taxCommission", "discount"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: fee_info,
};

fn fee_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["symbol"])?;
    let symbol = a.required_symbol("symbol")?;
    let body: Value = fetch(
        ex,
        &Request::spot_get("/api/v3/account/commission").param("symbol", &symbol),
    )?;
    let d = &body["discount"];
    let mut out = json!({
        "symbol": output::text(&body["symbol"])?,
        "standardCommission": rates(&body["standardCommission"])?,
        "taxCommission": rates(&body["taxCommission"])?,
        "discount": {
            "enabledForAccount": boolean(&d["enabledForAccount"])?,
            "enabledForSymbol": boolean(&d["enabledForSymbol"])?,
            "discountAsset": output::text(&d["discountAsset"])?,
            "discount": output::dec(&d["discount"])?,
        },
    });
    if body["specialCommission"].is_object() {
        out["specialCommission"] = rates(&body["specialCommission"])?;
    }
    Ok(out)
}

pub const ACCOUNT_SNAPSHOT: Tool = Tool {
    name: "get_account_snapshot",
    title: "Daily spot account snapshots",
    description: "Daily snapshots of the spot account, oldest first: per day the snapshot time, the total value in BTC and the non-zero balances (at most 100 per day listed). limit is the number of days, 7-30 (default 7); startTime/endTime narrow the range (Binance keeps about the last month). Expensive: Binance charges request weight 2400 per call, so call it sparingly.",
    input_schema: || {
        schema::object(
            json!({
                "startTime": schema::timestamp("First day at or after this."),
                "endTime": schema::timestamp("Last day at or before this."),
                "limit": schema::integer(7, 30, 7, "How many days.")
            }),
            &[],
        )
    },
    output_schema: || {
        schema::object(
            json!({
                "type": { "type": "string", "enum": ["SPOT"] },
                "snapshots": { "type": "array", "items": {
                    "type": "object",
                    "properties": {
                        "updateTime": { "type": "integer", "description": "Snapshot time, UNIX ms" },
                        "date": { "type": "string", "description": "The same instant, ISO-8601 UTC" },
                        "totalAssetOfBtc": schema::decimal("Whole spot account valued in BTC"),
                        "balances": { "type": "array", "items": balance_schema() },
                        "truncated": schema::truncation()
                    },
                    "required": ["updateTime", "date", "totalAssetOfBtc", "balances"],
                    "additionalProperties": false
                }}
            }),
            &["type", "snapshots"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: account_snapshot,
};

fn account_snapshot(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["startTime", "endTime", "limit"])?;
    let (start, end) = a.time_window(Some((30 * crate::DAY_MS, "30 days")))?;
    let limit = a.integer("limit", 7, 30)?.unwrap_or(7);
    let req = Request::spot_get("/sapi/v1/accountSnapshot")
        .param("type", "SPOT")
        .opt_param("startTime", start)
        .opt_param("endTime", end)
        .param("limit", limit);
    let body: Value = fetch(ex, &req)?;
    // The body carries its own status: {"code":200,"msg":"","snapshotVos":[...]}.
    if let Some(code) = body["code"].as_i64().filter(|c| *c != 200) {
        let msg = body["msg"].as_str().unwrap_or("").to_string();
        return Err(ToolError {
            exchange_code: i32::try_from(code).ok(),
            exchange_message: Some(msg.clone()),
            ..ToolError::new(
                ErrorKind::ExchangeRejected,
                format!("Binance refused the snapshot: {msg} (code {code})"),
                "narrow startTime/endTime to the last month, or retry later",
            )
        });
    }
    let raw = match &body["snapshotVos"] {
        Value::Array(v) => v.as_slice(),
        Value::Null => &[],
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "snapshotVos is not a list: {other}"
            )))
        }
    };
    let mut days = Vec::with_capacity(raw.len());
    for s in raw {
        let t = output::int(&s["updateTime"])?;
        let data = &s["data"];
        let mut balances = Vec::new();
        for b in data["balances"].as_array().into_iter().flatten() {
            if let Some(row) = balance(b)? {
                balances.push(row);
            }
        }
        let (balances, truncated) = cap(
            balances,
            SNAPSHOT_BALANCES_CAP,
            Keep::First,
            "get_account_info lists today's balances in full (up to 200)",
        );
        let day = json!({
            "updateTime": t,
            "date": time::iso8601_ms(t),
            "totalAssetOfBtc": output::dec(&data["totalAssetOfBtc"])?,
            "balances": balances,
        });
        days.push((t, with_marker(day, truncated)));
    }
    days.sort_by_key(|(t, _)| *t);
    let snapshots: Vec<Value> = days.into_iter().map(|(_, d)| d).collect();
    Ok(json!({ "type": "SPOT", "snapshots": snapshots }))
}
