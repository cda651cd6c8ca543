//! The account overview, valued in USDT, and the commission rates of a symbol.
//!
//! The valuation is the SDK's ([`binance_mcp_plugin::portfolio`], shared
//! with the prompts plugin). It never fails the tool: without prices the
//! balances are listed unvalued, with the reason.

use crate::{boolean, dec_text, with_marker};
use binance_mcp_plugin::args::Args;
use binance_mcp_plugin::capability::{ACCOUNT_READ, MARKET_DATA};
use binance_mcp_plugin::exchange::fetch;
use binance_mcp_plugin::output::{self, Keep};
use binance_mcp_plugin::portfolio::{self, Valued, VALUE_ASSET};
use binance_mcp_plugin::{
    json, schema, Annotations, Exchange, Request, Run, Tool, ToolError, Value,
};

pub(crate) use portfolio::{account, holdings};

/// Most balances `get_account_info` lists (the most valuable; a balance is
/// at most about 130 bytes).
pub const BALANCES_CAP: usize = 100;

/// The four rates Binance reports per account or symbol.
const RATE_FIELDS: [&str; 4] = ["maker", "taker", "buyer", "seller"];

fn rates(v: &Value) -> Result<Value, ToolError> {
    let mut out = serde_json::Map::new();
    for f in RATE_FIELDS {
        out.insert(f.into(), json!(output::dec(&v[f])?));
    }
    Ok(Value::Object(out))
}

/// `get_account_info`: balances valued in USDT, the account's flags and rates.
pub const ACCOUNT_INFO: Tool = Tool {
    name: "get_account_info",
    title: "Spot account",
    description: "Balances valued in USDT, largest first (100 listed), the total value, permissions, commission rates. Weight 24.",
    input_schema: || schema::object(json!({}), &[]),
    output_schema: || {
        schema::output(
            json!({
                "totalValueUsdt": schema::dec(),
                "balances": schema::array(json!({ "type": "object", "required": ["asset", "free", "total"] })),
                "unvalued": schema::array(schema::string()),
                "unvaluedCount": schema::int(),
                "truncated": schema::truncated()
            }),
            &["balances", "unvalued"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ, MARKET_DATA],
    run: Run::Value(account_info),
};

fn account_info(ex: &dyn Exchange, args: &str) -> Result<Value, ToolError> {
    Args::parse(args, &[])?;
    let body = account(ex)?;
    let held = holdings(&body)?;
    let permissions = match &body["permissions"] {
        Value::Array(p) => p.iter().map(output::text).collect::<Result<Vec<_>, _>>()?,
        Value::Null => Vec::new(),
        other => {
            return Err(ToolError::bad_exchange_data(format!(
                "permissions is not a list: {other}"
            )))
        }
    };
    let mut out = json!({
        "accountType": output::text(&body["accountType"])?,
        "canTrade": boolean(&body["canTrade"])?,
        "canWithdraw": boolean(&body["canWithdraw"])?,
        "canDeposit": boolean(&body["canDeposit"])?,
        "permissions": permissions,
        "commissionRates": rates(&body["commissionRates"])?,
        "updateTime": output::iso(&body["updateTime"])?,
    });
    // The valuation never fails the tool: without prices, nothing is valued.
    let Valued { rows, total } = portfolio::valued(ex, held)?;
    let unvalued: Vec<&str> = rows
        .iter()
        .filter(|(v, _)| v.is_none())
        .map(|(_, h)| h.asset.as_str())
        .collect();
    match &total {
        Ok(total) => out["totalValueUsdt"] = json!(dec_text(*total)),
        Err(e) => out["valuationError"] = json!(e),
    }
    // Names only, and at most a cap of them: without prices every asset
    // is unvalued, and an account may hold hundreds.
    if unvalued.len() > BALANCES_CAP {
        out["unvaluedCount"] = json!(unvalued.len());
    }
    out["unvalued"] = json!(unvalued[..unvalued.len().min(BALANCES_CAP)]);
    let mut balances = Vec::with_capacity(rows.len().min(BALANCES_CAP));
    for (value, h) in rows.iter().take(BALANCES_CAP) {
        let mut b =
            json!({ "asset": h.asset, "free": dec_text(h.free), "total": dec_text(h.total) });
        if !h.locked.is_zero() {
            b["locked"] = json!(dec_text(h.locked));
        }
        if let Some(v) = value {
            b["valueUsdt"] = json!(dec_text(*v));
        }
        balances.push(b);
    }
    out["balances"] = json!(balances);
    let marker = (rows.len() > BALANCES_CAP).then(|| {
        output::marker(
            BALANCES_CAP,
            rows.len(),
            Keep::First,
            &format!("the most valuable are listed; totalValueUsdt covers all (in {VALUE_ASSET})"),
        )
    });
    Ok(with_marker(out, marker))
}

/// `get_fee_info`: one symbol's commission rates.
pub const FEE_INFO: Tool = Tool {
    name: "get_fee_info",
    title: "Commission rates",
    description: "Commission rates for a symbol (0.001 = 0.1%): standard, tax, special, and the fee discount.",
    input_schema: || schema::object(json!({ "symbol": schema::string() }), &["symbol"]),
    output_schema: || {
        schema::output(
            json!({
                "standardCommission": { "type": "object" },
                "discount": { "type": "object" }
            }),
            &["standardCommission", "discount"],
        )
    },
    annotations: Annotations::READ_ONLY_EXCHANGE,
    capabilities: &[ACCOUNT_READ],
    run: Run::Value(fee_info),
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
