//! One journal line: its canonical serialization, its seal (`hash`, see
//! the module docs of `journal`), and reading an entry back with every
//! member checked.

use super::*;

pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(super) fn sha_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Compact JSON with object keys sorted by their UTF-8 bytes, at every depth.
pub(super) fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The line for `fields` (an object without `hash`): see the module docs.
pub(super) fn seal(fields: &Value) -> String {
    let mut s = String::new();
    canonical(fields, &mut s);
    let hash = sha_hex(s.as_bytes());
    s.pop();
    s.push_str(",\"hash\":\"");
    s.push_str(&hash);
    s.push_str("\"}");
    s
}

pub(super) fn hash_matches(line: &[u8]) -> bool {
    let Some(cut) = line.len().checked_sub(SUFFIX_LEN) else {
        return false;
    };
    let (content, suffix) = line.split_at(cut);
    if !suffix.starts_with(b",\"hash\":\"") || !suffix.ends_with(b"\"}") {
        return false;
    }
    let mut h = Sha256::new();
    h.update(content);
    h.update(b"}");
    hex(&h.finalize()).as_bytes() == &suffix[9..73]
}

pub(super) fn carried_json(t: &Tracked) -> Value {
    json!({"id": t.id, "ts_ms": t.ts_ms, "quote_asset": t.quote_asset,
        "notional": t.notional.to_string(), "status": t.status.name()})
}

pub(super) fn check(line: &[u8], chain: &Chain) -> Result<Entry, String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("not a JSON entry: {e}"))?;
    if !hash_matches(line) {
        return Err("the entry's hash does not match its content (the line was edited)".into());
    }
    let e = entry(&v)?;
    if e.seq != chain.seq + 1 {
        return Err(format!(
            "seq {} where {} was expected (a line deleted, duplicated or reordered)",
            e.seq,
            chain.seq + 1
        ));
    }
    if e.prev != prev_of(chain) {
        return Err("prev does not match the sha256 of the previous line".into());
    }
    if matches!(e.kind, Kind::Ack { .. }) && e.seq != 1 {
        return Err("an acknowledged-break entry may only start a chain".into());
    }
    Ok(e)
}

pub(super) fn entry(v: &Value) -> Result<Entry, String> {
    let o = v.as_object().ok_or("not a JSON object")?;
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("missing or non-string {k:?}"))
    };
    let seq = o
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or("missing or invalid \"seq\"")?;
    let ts_ms = o
        .get("ts_ms")
        .and_then(Value::as_i64)
        .ok_or("missing or invalid \"ts_ms\"")?;
    let body = o.get("body").ok_or("missing \"body\"")?;
    let kind = match text("kind")? {
        "intent" => {
            text("symbol")?;
            if !matches!(o.get("side"), Some(Value::Null))
                && !matches!(text("side")?, "BUY" | "SELL")
            {
                return Err("invalid \"side\"".into());
            }
            Kind::Intent {
                id: text("id")?.into(),
                quote_asset: text("quote_asset")?.into(),
                notional: notional(text("notional")?)?,
            }
        }
        "outcome" => {
            let status = match text("outcome")? {
                "accepted" => text("order_id")
                    .and(text("status"))
                    .map(|_| Status::Accepted)?,
                "rejected" => Status::Rejected,
                "unknown" => Status::Unknown,
                other => return Err(format!("unknown outcome {other:?}")),
            };
            Kind::Outcome {
                id: text("id")?.into(),
                status,
            }
        }
        "acknowledged-break" => Kind::Ack {
            carried: carried(body).ok_or("malformed \"carried\" intents")?,
        },
        other => return Err(format!("unknown kind {other:?}")),
    };
    Ok(Entry {
        seq,
        ts_ms,
        prev: text("prev")?.into(),
        kind,
    })
}

pub(super) fn notional(s: &str) -> Result<Decimal, String> {
    match Decimal::from_str(s) {
        Ok(d) if !d.is_sign_negative() || d.is_zero() => Ok(d),
        _ => Err(format!("invalid notional {s:?}")),
    }
}

pub(super) fn carried(body: &Value) -> Option<Vec<Tracked>> {
    let item = |v: &Value| {
        let status = match v.get("status")?.as_str()? {
            "pending" => Status::Pending,
            "accepted" => Status::Accepted,
            "unknown" => Status::Unknown,
            _ => return None,
        };
        let id = match v.get("id")? {
            Value::Null => None,
            id => Some(id.as_str()?.to_owned()),
        };
        let notional = notional(v.get("notional")?.as_str()?).ok()?;
        Some(Tracked {
            id,
            ts_ms: v.get("ts_ms")?.as_i64()?,
            quote_asset: v.get("quote_asset")?.as_str()?.into(),
            notional,
            status,
        })
    };
    body.get("carried")?.as_array()?.iter().map(item).collect()
}
