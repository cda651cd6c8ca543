//! Tool, prompt and resource descriptors, as the plugin declares them to
//! the host.

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

/// One argument of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptArgument {
    /// `[a-z0-9_]{1,64}`.
    pub name: String,
    pub description: String,
    pub required: bool,
}

/// One prompt (MCP `prompts/list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptDescriptor {
    pub name: String,
    pub title: String,
    pub description: String,
    pub arguments: Vec<PromptArgument>,
    /// As for a tool: listed only when all are granted; its requests reach
    /// only their endpoints.
    pub capabilities: Vec<String>,
}

/// What makes the host notify a subscribed client that a resource changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Updates {
    /// Nothing: a client reads again when it wants.
    Never,
    /// The last price of the URI's `{symbol}` on the host's live spot book
    /// moved (needs the `order-book` grant; rate-limited by the host).
    LivePrice,
}

/// One resource or resource template (a URI with `{name}` segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDescriptor {
    pub uri: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub mime_type: String,
    pub capabilities: Vec<String>,
    pub updates: Updates,
}

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub tools: Vec<ToolDescriptor>,
    pub prompts: Vec<PromptDescriptor>,
    pub resources: Vec<ResourceDescriptor>,
}

impl Manifest {
    /// A manifest of tools only.
    pub fn tools(name: &str, version: &str, tools: Vec<ToolDescriptor>) -> Self {
        Manifest {
            name: name.to_string(),
            version: version.to_string(),
            tools,
            prompts: Vec::new(),
            resources: Vec::new(),
        }
    }
}
