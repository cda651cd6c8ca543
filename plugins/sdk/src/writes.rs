//! Argument checks for write tools (orders, cancels, settings) that the
//! SDK's [`Args`] does not cover — decimal strings (never JSON numbers),
//! client ids, confirmation tokens, strict booleans, Binance's enums — and
//! the host's answer passed on unchanged as the tool's output. One
//! definition for every plugin that writes (`trading`, `futures`).

use crate::args::Args;
use crate::trading::Side;
use crate::{json, Answer, ErrorKind, ToolError};
use rust_decimal::Decimal;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// Binance's spellings of [`Side`].
pub const SIDES: &[&str] = &["BUY", "SELL"];
/// Binance's client order id: `^[\.A-Z\:/a-z0-9_-]{1,36}$`.
const CLIENT_ID_MAX: usize = 36;
/// Longest confirmation token accepted (the host's are far shorter).
const TOKEN_MAX: usize = 256;

/// The parsed arguments of one write call: the SDK's [`Args`] (unknown
/// names refused) and the same object as JSON for the checks below.
pub struct WriteArgs {
    pub args: Args,
    raw: Map<String, Value>,
}

impl WriteArgs {
    /// Parse `text`, refusing names not in `allowed`.
    pub fn parse(text: &str, allowed: &[&str]) -> Result<WriteArgs, ToolError> {
        let args = Args::parse(text, allowed)?;
        // Args accepted it: empty, `null` or a JSON object.
        let raw = match serde_json::from_str(text) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Ok(WriteArgs { args, raw })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.raw.get(name).filter(|v| !v.is_null())
    }

    /// The required `symbol`, upper-cased and checked.
    pub fn symbol(&self) -> Result<String, ToolError> {
        self.args.required_symbol("symbol")
    }

    /// The required `side`.
    pub fn side(&self) -> Result<Side, ToolError> {
        let side = self.required_enum("side", SIDES)?;
        Ok(if side == "BUY" { Side::Buy } else { Side::Sell })
    }

    /// A required string that must be one of `allowed`.
    pub fn required_enum(&self, name: &str, allowed: &[&str]) -> Result<String, ToolError> {
        self.args.one_of(name, allowed)?.ok_or_else(|| {
            ToolError::invalid(
                name,
                format!("is required: one of {}", allowed.join(", ")),
                &format!("\"{}\"", allowed[0]),
            )
        })
    }

    /// An optional decimal amount: a string of digits with an optional
    /// fraction (`"0.00150000"`), greater than zero, passed on as given.
    pub fn decimal(&self, name: &str) -> Result<Option<String>, ToolError> {
        let example = "\"0.001\"";
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => check_decimal(name, s).map(|()| Some(s.clone())),
            Some(Value::Number(n)) => Err(ToolError::invalid(
                name,
                "must be a decimal string, not a JSON number (a number may pass through a float)",
                &format!("\"{n}\""),
            )),
            Some(_) => Err(ToolError::invalid(
                name,
                "must be a decimal string",
                example,
            )),
        }
    }

    /// A required decimal amount.
    pub fn required_decimal(&self, name: &str) -> Result<String, ToolError> {
        self.decimal(name)?
            .ok_or_else(|| ToolError::invalid(name, "is required", "\"0.001\""))
    }

    /// An optional client id (`newClientOrderId`, `listClientOrderId`,
    /// `origClientOrderId`): 1-36 of `A-Z a-z 0-9 . : / _ -`, as Binance
    /// accepts them.
    pub fn client_id(&self, name: &str) -> Result<Option<String>, ToolError> {
        let example = "\"my-order-1\"";
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => {
                let ok = !s.is_empty()
                    && s.len() <= CLIENT_ID_MAX
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".:/_-".contains(&b));
                if ok {
                    Ok(Some(s.clone()))
                } else {
                    Err(ToolError::invalid(
                        name,
                        format!("'{s}' is not a client id (1-36 of A-Z a-z 0-9 . : / _ -)"),
                        example,
                    ))
                }
            }
            Some(_) => Err(ToolError::invalid(name, "must be a string", example)),
        }
    }

    /// The optional `confirmation` token, as a preview gave it.
    pub fn confirmation(&self) -> Result<Option<String>, ToolError> {
        let name = "confirmation";
        let problem = "must be the token string of an earlier preview, unchanged";
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s))
                if !s.is_empty()
                    && s.len() <= TOKEN_MAX
                    && s.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Ok(Some(s.clone()))
            }
            Some(_) => Err(ToolError::invalid(
                name,
                problem,
                "the preview's \"confirmation\" value",
            )),
        }
    }

    /// An optional boolean (a JSON `true` or `false`, nothing else: this
    /// one decides whether an order is placed).
    pub fn flag(&self, name: &str) -> Result<Option<bool>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ToolError::invalid(name, "must be a JSON boolean", "true")),
        }
    }
}

/// `s` is a plain decimal above zero.
pub fn check_decimal(name: &str, s: &str) -> Result<(), ToolError> {
    let example = "\"0.001\"";
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let well_formed = match unsigned.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(unsigned),
    };
    if !well_formed {
        return Err(ToolError::invalid(
            name,
            format!("'{s}' is not a decimal (digits, optionally a point and more digits)"),
            example,
        ));
    }
    let value = Decimal::from_str_exact(s).map_err(|_| {
        ToolError::invalid(
            name,
            format!("'{s}' has more digits than an exact decimal holds"),
            example,
        )
    })?;
    if value <= Decimal::ZERO {
        return Err(ToolError::invalid(
            name,
            format!("must be greater than zero (got '{s}')"),
            example,
        ));
    }
    Ok(())
}

/// A refusal of `name` for an order of type `ty`.
pub fn not_taken(name: &str, ty: &str, instead: &str) -> ToolError {
    ToolError::new(
        ErrorKind::InvalidArgument,
        format!("argument '{name}' is not taken by {ty} orders (Binance refuses it)"),
        format!("remove '{name}'{instead}"),
    )
}

/// The schema of a decimal argument: a string (never a number). No
/// `pattern`, as for `schema::symbol`: [`Call::decimal`] checks it
/// against `schema::DECIMAL_PATTERN`'s form with an error that says what
/// is wrong, and the 37 bytes a field would cost `tools/list` eight times
/// do not fit the budget (see the budget test).
pub fn dec_arg() -> Value {
    json!({ "type": "string" })
}

/// The host's answer (a JSON object as text) as this tool's output: the
/// same members, in the same order, with the same text.
/// `recovery` says how to check the state when the text is not an object.
pub fn host_answer(text: &str, recovery: &str) -> Result<Answer, ToolError> {
    let Members(members) = serde_json::from_str(text).map_err(|e| {
        ToolError::new(
            ErrorKind::Internal,
            format!("the host's answer is not a JSON object ({e})"),
            format!("{recovery}; report this fault"),
        )
    })?;
    let members: Vec<(&str, &str)> = members.iter().map(|(k, v)| (k.as_str(), v.get())).collect();
    Ok(Answer::with_raw(json!({}), &members))
}

/// A JSON object's members in order, each value as its own text.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Object)
    }
}
