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

/// `GET /api/v3/account` without zero balances.
pub(crate) fn account(ex: &dyn Exchange) -> Result<Value, ToolError> {
    fetch(
        ex,
        &Request::spot_get("/api/v3/account").param("omitZeroBalances", "true"),
    )
}

/// The `balances` rows of an account answer.
pub(crate) fn balance_rows(body: &Value) -> Result<&Vec<Value>, ToolError> {
    body["balances"]
        .as_array()
        .ok_or_else(|| ToolError::bad_exchange_data("account without 'balances'"))
}

fn account_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body = account(ex)?;
    let raw = balance_rows(&body)?;
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

/// The account types `get_account_snapshot` takes, as Binance spells them.
const SNAPSHOT_TYPES: [&str; 3] = ["SPOT", "MARGIN", "FUTURES"];

pub const ACCOUNT_SNAPSHOT: Tool = Tool {
    name: "get_account_snapshot",
    title: "Daily account snapshots",
    description: "Daily snapshots of one account type, oldest first, each with its time (ms and ISO-8601 UTC). type SPOT (default): the total value in BTC and the non-zero balances. type MARGIN (cross margin): total assets, liabilities and net assets in BTC, the margin level (assets / liabilities) and the non-zero user assets (free, locked, borrowed, interest, net). type FUTURES (USD-M): the wallet assets (wallet and margin balance) and the open positions (amount, negative = short; entry and mark price; unrealized profit as Binance recorded it that day). At most 100 rows per list per day are listed. limit is the number of days, 7-30 (default 7); startTime/endTime narrow the range (at most 30 days apart; Binance keeps about the last month). Expensive: Binance charges request weight 2400 per call, so call it sparingly.",
    input_schema: || {
        schema::object(
            json!({
                "type": { "type": "string", "enum": SNAPSHOT_TYPES, "default": "SPOT", "description": "Account type: SPOT, MARGIN (cross margin) or FUTURES (USD-M futures)." },
                "startTime": schema::timestamp("First day at or after this."),
                "endTime": schema::timestamp("Last day at or before this."),
                "limit": schema::integer(7, 30, 7, "How many days.")
            }),
            &[],
        )
    },
    output_schema: || {
        let d = schema::decimal;
        let day = |props: Value, required: &[&str]| {
            let mut p = json!({
                "updateTime": { "type": "integer", "description": "Snapshot time, UNIX ms" },
                "date": { "type": "string", "description": "The same instant, ISO-8601 UTC" },
                "truncated": schema::truncation()
            });
            for (k, v) in props.as_object().into_iter().flatten() {
                p[k] = v.clone();
            }
            let mut req = vec!["updateTime", "date"];
            req.extend_from_slice(required);
            json!({ "type": "object", "properties": p, "required": req, "additionalProperties": false })
        };
        let rows = |props: Value, required: &[&str]| {
            json!({ "type": "array", "items": {
                "type": "object", "properties": props, "required": required, "additionalProperties": false
            }})
        };
        let spot = day(
            json!({
                "totalAssetOfBtc": d("Whole spot account valued in BTC"),
                "balances": { "type": "array", "items": balance_schema() }
            }),
            &["totalAssetOfBtc", "balances"],
        );
        let margin = day(
            json!({
                "totalAssetOfBtc": d("Margin account assets valued in BTC"),
                "totalLiabilityOfBtc": d("Borrowed plus interest, valued in BTC"),
                "totalNetAssetOfBtc": d("Assets minus liabilities, in BTC"),
                "marginLevel": d("totalAssetOfBtc / totalLiabilityOfBtc"),
                "userAssets": rows(
                    json!({
                        "asset": { "type": "string" },
                        "free": d("Available"), "locked": d("Held by open orders"),
                        "borrowed": d("Borrowed"), "interest": d("Interest owed"),
                        "netAsset": d("free + locked - borrowed - interest")
                    }),
                    &["asset", "free", "locked", "borrowed", "interest", "netAsset"],
                )
            }),
            &["totalAssetOfBtc", "totalLiabilityOfBtc", "totalNetAssetOfBtc", "marginLevel", "userAssets"],
        );
        let futures = day(
            json!({
                "assets": rows(
                    json!({
                        "asset": { "type": "string" },
                        "walletBalance": d("Wallet balance"),
                        "marginBalance": d("Wallet balance plus unrealized profit")
                    }),
                    &["asset", "walletBalance", "marginBalance"],
                ),
                "positions": rows(
                    json!({
                        "symbol": { "type": "string" },
                        "positionAmt": d("Signed size, negative = short"),
                        "entryPrice": d("Entry price"), "markPrice": d("Mark price"),
                        "unRealizedProfit": d("Unrealized profit as Binance recorded it")
                    }),
                    &["symbol", "positionAmt", "entryPrice", "markPrice", "unRealizedProfit"],
                )
            }),
            &["assets", "positions"],
        );
        schema::object(
            json!({
                "type": { "type": "string", "enum": SNAPSHOT_TYPES },
                "snapshots": {
                    "type": "array",
                    "description": "One day each; the shape follows type: SPOT balances, MARGIN totals and userAssets, FUTURES assets and positions.",
                    "items": { "oneOf": [spot, margin, futures] }
                }
            }),
            &["type", "snapshots"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    run: account_snapshot,
};

/// The snapshot `type` argument: SPOT, MARGIN or FUTURES (any case).
fn snapshot_type(args: &str) -> Result<&'static str, ToolError> {
    let bad = |shown: &str| {
        ToolError::invalid(
            "type",
            format!("must be SPOT, MARGIN or FUTURES (got {shown})"),
            "\"MARGIN\"",
        )
    };
    match crate::Raw::parse(args).string("type", "\"MARGIN\"")? {
        None => Ok("SPOT"),
        Some(t) => SNAPSHOT_TYPES
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(&t))
            .ok_or_else(|| bad(&format!("'{t}'"))),
    }
}

/// The rows of a list field, or none when it is absent.
fn list<'a>(v: &'a Value, field: &str) -> Result<&'a [Value], ToolError> {
    match v {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(&[]),
        other => Err(ToolError::bad_exchange_data(format!(
            "{field} is not a list: {other}"
        ))),
    }
}

/// Cut one per-day list to [`SNAPSHOT_BALANCES_CAP`].
fn day_cap(rows: Vec<Value>, what: &str) -> (Vec<Value>, Option<Value>) {
    cap(
        rows,
        SNAPSHOT_BALANCES_CAP,
        Keep::First,
        &format!("{what} beyond the first 100 of the day are left out"),
    )
}

/// A SPOT day's fields.
fn spot_day(data: &Value) -> Result<(Value, Option<Value>), ToolError> {
    let mut balances = Vec::new();
    for b in list(&data["balances"], "balances")? {
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
        "totalAssetOfBtc": output::dec(&data["totalAssetOfBtc"])?,
        "balances": balances,
    });
    Ok((day, truncated))
}

/// A MARGIN day's fields; all-zero user assets are left out.
fn margin_day(data: &Value) -> Result<(Value, Option<Value>), ToolError> {
    const FIELDS: [&str; 5] = ["free", "locked", "borrowed", "interest", "netAsset"];
    let mut assets = Vec::new();
    for a in list(&data["userAssets"], "userAssets")? {
        let mut row = json!({ "asset": output::text(&a["asset"])? });
        let mut zero = true;
        for f in FIELDS {
            let x = output::decimal(&a[f])?;
            zero &= x.is_zero();
            row[f] = json!(crate::dec_text(x));
        }
        if !zero {
            assets.push(row);
        }
    }
    let (assets, truncated) = day_cap(assets, "user assets");
    let day = json!({
        "totalAssetOfBtc": output::dec(&data["totalAssetOfBtc"])?,
        "totalLiabilityOfBtc": output::dec(&data["totalLiabilityOfBtc"])?,
        "totalNetAssetOfBtc": output::dec(&data["totalNetAssetOfBtc"])?,
        "marginLevel": output::dec(&data["marginLevel"])?,
        "userAssets": assets,
    });
    Ok((day, truncated))
}

/// A FUTURES day's fields; zero assets and flat positions are left out.
fn futures_day(data: &Value) -> Result<(Value, Option<Value>), ToolError> {
    let mut assets = Vec::new();
    for a in list(&data["assets"], "assets")? {
        let wallet = output::decimal(&a["walletBalance"])?;
        let margin = output::decimal(&a["marginBalance"])?;
        if wallet.is_zero() && margin.is_zero() {
            continue;
        }
        assets.push(json!({
            "asset": output::text(&a["asset"])?,
            "walletBalance": crate::dec_text(wallet),
            "marginBalance": crate::dec_text(margin),
        }));
    }
    let mut positions = Vec::new();
    for p in list(&data["position"], "position")? {
        let amount = output::decimal(&p["positionAmt"])?;
        if amount.is_zero() {
            continue;
        }
        positions.push(json!({
            "symbol": output::text(&p["symbol"])?,
            "positionAmt": crate::dec_text(amount),
            "entryPrice": output::dec(&p["entryPrice"])?,
            "markPrice": output::dec(&p["markPrice"])?,
            "unRealizedProfit": output::dec(&p["unRealizedProfit"])?,
        }));
    }
    let (assets, cut_assets) = day_cap(assets, "assets");
    let (positions, cut_positions) = day_cap(positions, "positions");
    let day = json!({ "assets": assets, "positions": positions });
    Ok((day, cut_assets.or(cut_positions)))
}

fn account_snapshot(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    let a = Args::parse(args, &["type", "startTime", "endTime", "limit"])?;
    let kind = snapshot_type(args)?;
    let (start, end) = a.time_window(Some((30 * crate::DAY_MS, "30 days")))?;
    let limit = a.integer("limit", 7, 30)?.unwrap_or(7);
    let req = Request::spot_get("/sapi/v1/accountSnapshot")
        .param("type", kind)
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
    let mut days = Vec::new();
    for s in list(&body["snapshotVos"], "snapshotVos")? {
        let t = output::int(&s["updateTime"])?;
        let data = &s["data"];
        if !data.is_object() {
            return Err(ToolError::bad_exchange_data(format!(
                "a snapshot without data: {data}"
            )));
        }
        let (fields, truncated) = match kind {
            "MARGIN" => margin_day(data)?,
            "FUTURES" => futures_day(data)?,
            _ => spot_day(data)?,
        };
        let mut day = json!({ "updateTime": t, "date": time::iso8601_ms(t) });
        for (k, v) in fields.as_object().into_iter().flatten() {
            day[k] = v.clone();
        }
        days.push((t, with_marker(day, truncated)));
    }
    days.sort_by_key(|(t, _)| *t);
    let snapshots: Vec<Value> = days.into_iter().map(|(_, d)| d).collect();
    Ok(json!({ "type": kind, "snapshots": snapshots }))
}
