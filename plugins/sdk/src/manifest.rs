//! Tool descriptors, as the plugin declares them to the host.

use serde_json::Value;

/// MCP tool annotations (hints for clients; the host enforces policy itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

impl Annotations {
    /// A read of public or account data from the exchange: read-only,
    /// non-destructive, idempotent, open world.
    pub const READ_ONLY_EXCHANGE: Annotations = Annotations {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: true,
    };
}

/// One tool.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDescriptor {
    pub name: String,
    pub title: String,
    pub description: String,
    /// JSON Schema of the arguments (an object schema).
    pub input_schema: Value,
    /// JSON Schema of the structured output (an object schema).
    pub output_schema: Value,
    pub annotations: Annotations,
    /// The policy capabilities the tool needs, by name (see
    /// [`crate::capability`]). The host lists the tool only when the
    /// operator's policy grants the plugin every one of them, and a call of
    /// the tool reaches only their endpoints; an unknown name refuses the
    /// plugin at load.
    pub capabilities: Vec<String>,
}

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub tools: Vec<ToolDescriptor>,
}
