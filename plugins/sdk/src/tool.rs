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
