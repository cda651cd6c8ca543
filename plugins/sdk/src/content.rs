//! What prompts, resources and tool answers carry beyond JSON: content
//! blocks (text, images, embedded resources), rendered prompts, resource
//! contents and completions — the SDK's mirror of the WIT `content`
//! interface, so plugin code and its native tests never touch bindings.

/// Binary data with its MIME type (a chart: `image/png`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub mime_type: String,
    pub data: Vec<u8>,
}

/// A resource's body: text (markdown, JSON) or bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Text(String),
    Blob(Vec<u8>),
}

/// The contents of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceContents {
    pub uri: String,
    pub mime_type: String,
    pub body: Body,
}

impl ResourceContents {
    /// Markdown text at `uri`.
    pub fn markdown(uri: &str, text: String) -> Self {
        ResourceContents {
            uri: uri.to_string(),
            mime_type: "text/markdown".to_string(),
            body: Body::Text(text),
        }
    }
}

/// One MCP content block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentBlock {
    Text(String),
    Image(Blob),
    /// A resource embedded in a prompt message.
    Resource(ResourceContents),
}

/// Who speaks a prompt message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One message of a rendered prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptMessage {
    pub role: Role,
    pub content: ContentBlock,
}

impl PromptMessage {
    /// A user message of text.
    pub fn user(text: impl Into<String>) -> Self {
        PromptMessage {
            role: Role::User,
            content: ContentBlock::Text(text.into()),
        }
    }

    /// A user message embedding a resource.
    pub fn resource(contents: ResourceContents) -> Self {
        PromptMessage {
            role: Role::User,
            content: ContentBlock::Resource(contents),
        }
    }
}

/// A rendered prompt (`prompts/get`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPrompt {
    /// One line on what this rendering holds.
    pub description: String,
    pub messages: Vec<PromptMessage>,
}

/// A `resources/read` the host matched to one of the plugin's resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRequest {
    /// As the client sent it.
    pub uri: String,
    /// The descriptor's `uri` it matched (a template, or the URI itself).
    pub matched: String,
    /// The template's variables, bound.
    pub parameters: Vec<(String, String)>,
}

impl ResourceRequest {
    /// The bound value of template variable `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a completion is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompletionRef {
    /// A prompt, by name.
    Prompt(String),
    /// A resource template, by its URI template.
    Resource(String),
}

/// `completion/complete`: the argument being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRequest {
    pub target: CompletionRef,
    pub argument: String,
    /// What the user typed so far.
    pub value: String,
    /// Arguments already given.
    pub context: Vec<(String, String)>,
}

/// Most values one completion answer carries (MCP's own cap).
pub const MAX_COMPLETIONS: usize = 100;

/// Suggested values, best first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    pub values: Vec<String>,
    /// How many match in all, when known.
    pub total: Option<u32>,
    pub has_more: bool,
}

impl Completion {
    /// The candidates that start with `typed` (case-insensitively), in
    /// their order, capped at [`MAX_COMPLETIONS`] with the total counted.
    pub fn matching<'a>(candidates: impl IntoIterator<Item = &'a str>, typed: &str) -> Self {
        let typed = typed.to_ascii_uppercase();
        let mut values = Vec::new();
        let mut total = 0u32;
        for c in candidates {
            if c.to_ascii_uppercase().starts_with(&typed) {
                total += 1;
                if values.len() < MAX_COMPLETIONS {
                    values.push(c.to_string());
                }
            }
        }
        Completion {
            has_more: total as usize > values.len(),
            values,
            total: Some(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_a_case_insensitive_prefix_with_a_cap() {
        let c = Completion::matching(["BTCUSDT", "BTCBUSD", "ETHUSDT"], "btc");
        assert_eq!(c.values, vec!["BTCUSDT", "BTCBUSD"]);
        assert_eq!(c.total, Some(2));
        assert!(!c.has_more);
        let many: Vec<String> = (0..150).map(|i| format!("X{i}")).collect();
        let c = Completion::matching(many.iter().map(String::as_str), "x");
        assert_eq!(c.values.len(), MAX_COMPLETIONS);
        assert_eq!(c.total, Some(150));
        assert!(c.has_more);
    }

    #[test]
    fn a_request_names_its_parameters() {
        let r = ResourceRequest {
            uri: "binance://market/BTCUSDT".into(),
            matched: "binance://market/{symbol}".into(),
            parameters: vec![("symbol".into(), "BTCUSDT".into())],
        };
        assert_eq!(r.parameter("symbol"), Some("BTCUSDT"));
        assert_eq!(r.parameter("other"), None);
    }
}
