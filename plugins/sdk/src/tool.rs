//! A table of tools and the dispatcher over it: how a plugin says which
//! functions implement which descriptors, without macros.

use crate::{Annotations, Answer, ErrorKind, Exchange, ToolDescriptor, ToolError, Value};

/// How a tool produces its answer.
#[derive(Clone, Copy)]
pub enum Run {
    /// As a JSON value (most tools: small answers, built with `json!`).
    Value(fn(&dyn Exchange, &str) -> Result<Value, ToolError>),
    /// As JSON text written directly (list tools: rows written once with
    /// [`crate::rows::Rows`], no value per cell).
    Text(fn(&dyn Exchange, &str) -> Result<Answer, ToolError>),
}

/// One tool: its static description and the function that runs it.
pub struct Tool {
    /// `[A-Za-z0-9_.-]{1,128}`, unique across every loaded plugin.
    pub name: &'static str,
    /// Short human-readable title.
    pub title: &'static str,
    /// What the tool does, written for a model.
    pub description: &'static str,
    /// Builds the input JSON Schema (called once, at load).
    pub input_schema: fn() -> Value,
    /// Builds the output JSON Schema (called once, at load).
    pub output_schema: fn() -> Value,
    pub annotations: Annotations,
    /// The policy capabilities the tool's calls need, by name (the
    /// [`crate::capability`] constants): every endpoint the tool sends to
    /// must belong to one of them, for the host lets a call reach only
    /// these, and lists the tool only when the plugin is granted them all.
    pub capabilities: &'static [&'static str],
    /// Runs the tool on raw JSON arguments.
    pub run: Run,
}

impl Tool {
    /// The descriptor the host registers.
    pub fn descriptor(&self) -> ToolDescriptor {
        ToolDescriptor {
            name: self.name.to_string(),
            title: self.title.to_string(),
            description: self.description.to_string(),
            input_schema: (self.input_schema)(),
            output_schema: (self.output_schema)(),
            annotations: self.annotations,
            capabilities: self.capabilities.iter().map(|c| c.to_string()).collect(),
        }
    }
}

/// The descriptors of every tool in `tools`.
pub fn describe_all(tools: &[Tool]) -> Vec<ToolDescriptor> {
    tools.iter().map(Tool::descriptor).collect()
}

/// Run the tool called `name`. The host only routes names a plugin declared,
/// so an unknown name here means the manifest and the table disagree.
pub fn dispatch(
    tools: &[Tool],
    exchange: &dyn Exchange,
    name: &str,
    arguments: &str,
) -> Result<Answer, ToolError> {
    match tools.iter().find(|t| t.name == name) {
        Some(Tool {
            run: Run::Value(run),
            ..
        }) => run(exchange, arguments).map(Answer::from),
        Some(Tool {
            run: Run::Text(run),
            ..
        }) => run(exchange, arguments),
        None => Err(ToolError::new(
            ErrorKind::Internal,
            format!("tool '{name}' is not implemented by this plugin"),
            "call tools/list and use a listed tool",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::{ACCOUNT_READ, MARKET_DATA};
    use crate::testing::CannedExchange;
    use crate::{json, schema};

    const TOOLS: &[Tool] = &[
        Tool {
            name: "a",
            title: "A",
            description: "reads the account and prices",
            input_schema: || schema::object(json!({}), &[]),
            output_schema: || json!({ "type": "object" }),
            annotations: Annotations::READ_ONLY_EXCHANGE,
            capabilities: &[ACCOUNT_READ, MARKET_DATA],
            run: Run::Value(|_, _| Ok(json!({ "a": 1 }))),
        },
        Tool {
            name: "b",
            title: "B",
            description: "sends nothing",
            input_schema: || schema::object(json!({}), &[]),
            output_schema: || json!({ "type": "object" }),
            annotations: Annotations::READ_ONLY_EXCHANGE,
            capabilities: &[],
            run: Run::Value(|_, _| Ok(json!({ "b": 2 }))),
        },
    ];

    #[test]
    fn descriptors_carry_the_declared_capabilities_in_order() {
        let d = describe_all(TOOLS);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name, "a");
        assert_eq!(d[0].capabilities, vec!["account-read", "market-data"]);
        assert_eq!(d[0].input_schema["type"], "object");
        assert!(d[1].capabilities.is_empty());
    }

    #[test]
    fn every_sdk_capability_name_is_distinct_and_lower_kebab() {
        let mut names = crate::capability::ALL.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), crate::capability::ALL.len());
        for n in names {
            assert!(
                n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{n}"
            );
        }
    }

    #[test]
    fn dispatch_routes_by_name_and_refuses_unknown_tools() {
        let ex = CannedExchange::default();
        let out = dispatch(TOOLS, &ex, "b", "{}").unwrap().to_value();
        assert_eq!(out["b"], 2);
        let err = dispatch(TOOLS, &ex, "c", "{}").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Internal);
    }
}
