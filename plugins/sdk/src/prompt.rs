//! Tables of prompts and resources, and their dispatch: how a plugin says
//! which functions render which prompt and read which resource, as
//! [`crate::tool`] does for tools.
//!
//! Prompt arguments arrive as strings; they are checked here as tool
//! arguments are ([`Args`]): an unknown name is refused, a required one must
//! be there, and each value is validated by the render function with the
//! same helpers (`required_symbol`, `one_of`).

use crate::args::Args;
use crate::content::{RenderedPrompt, ResourceContents, ResourceRequest};
use crate::manifest::{PromptArgument, PromptDescriptor, ResourceDescriptor, Updates};
use crate::{ErrorKind, Exchange, ToolError};
use serde_json::{Map, Value};

/// One argument of a prompt.
pub struct Arg {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
}

/// One prompt: its description and the function that renders it.
pub struct Prompt {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub arguments: &'static [Arg],
    /// As for a tool ([`crate::tool::Tool::capabilities`]).
    pub capabilities: &'static [&'static str],
    pub render: fn(&dyn Exchange, &Args) -> Result<RenderedPrompt, ToolError>,
}

/// One resource (or template): its description and the function that reads it.
pub struct Resource {
    /// A fixed URI or a template with `{name}` segments.
    pub uri: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub mime_type: &'static str,
    pub capabilities: &'static [&'static str],
    pub updates: Updates,
    pub read: fn(&dyn Exchange, &ResourceRequest) -> Result<Vec<ResourceContents>, ToolError>,
}

/// The descriptors of every prompt in `prompts`.
pub fn describe_prompts(prompts: &[Prompt]) -> Vec<PromptDescriptor> {
    prompts
        .iter()
        .map(|p| PromptDescriptor {
            name: p.name.to_string(),
            title: p.title.to_string(),
            description: p.description.to_string(),
            arguments: p
                .arguments
                .iter()
                .map(|a| PromptArgument {
                    name: a.name.to_string(),
                    description: a.description.to_string(),
                    required: a.required,
                })
                .collect(),
            capabilities: p.capabilities.iter().map(|c| c.to_string()).collect(),
        })
        .collect()
}

/// The descriptors of every resource in `resources`.
pub fn describe_resources(resources: &[Resource]) -> Vec<ResourceDescriptor> {
    resources
        .iter()
        .map(|r| ResourceDescriptor {
            uri: r.uri.to_string(),
            name: r.name.to_string(),
            title: r.title.to_string(),
            description: r.description.to_string(),
            mime_type: r.mime_type.to_string(),
            capabilities: r.capabilities.iter().map(|c| c.to_string()).collect(),
            updates: r.updates,
        })
        .collect()
}

/// The prompt arguments as [`Args`]: unknown names refused, required ones
/// present and non-empty.
pub fn prompt_args(prompt: &Prompt, given: &[(String, String)]) -> Result<Args, ToolError> {
    let mut map = Map::new();
    for (k, v) in given {
        if !v.trim().is_empty() {
            map.insert(k.clone(), Value::String(v.trim().to_string()));
        }
    }
    let allowed: Vec<&str> = prompt.arguments.iter().map(|a| a.name).collect();
    let args = Args::parse(&Value::Object(map.clone()).to_string(), &allowed)?;
    if let Some(missing) = prompt
        .arguments
        .iter()
        .find(|a| a.required && !map.contains_key(a.name))
    {
        return Err(ToolError::invalid(
            missing.name,
            format!("is required by prompt '{}'", prompt.name),
            missing.description,
        ));
    }
    Ok(args)
}

/// Render prompt `name` with `arguments`.
pub fn render(
    prompts: &[Prompt],
    exchange: &dyn Exchange,
    name: &str,
    arguments: &[(String, String)],
) -> Result<RenderedPrompt, ToolError> {
    let prompt = prompts
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| not_offered("prompt", name))?;
    let args = prompt_args(prompt, arguments)?;
    (prompt.render)(exchange, &args)
}

/// Read the resource `request` matched.
pub fn read(
    resources: &[Resource],
    exchange: &dyn Exchange,
    request: &ResourceRequest,
) -> Result<Vec<ResourceContents>, ToolError> {
    let resource = resources
        .iter()
        .find(|r| r.uri == request.matched)
        .ok_or_else(|| not_offered("resource", &request.uri))?;
    (resource.read)(exchange, request)
}

/// The error for a prompt or resource this plugin does not offer (the host
/// routes only declared ones, so this means manifest and table disagree).
pub fn not_offered(what: &str, name: &str) -> ToolError {
    ToolError::new(
        ErrorKind::NotPermitted,
        format!("this plugin offers no {what} named '{name}'"),
        format!("list the server's {what}s and use one of those"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::PromptMessage;
    use crate::testing::CannedExchange;

    const PROMPTS: &[Prompt] = &[Prompt {
        name: "p",
        title: "P",
        description: "a prompt",
        arguments: &[
            Arg {
                name: "symbol",
                description: "a symbol, e.g. BTCUSDT",
                required: true,
            },
            Arg {
                name: "strategy",
                description: "balanced",
                required: false,
            },
        ],
        capabilities: &["market-data"],
        render: |_, args| {
            let symbol = args.required_symbol("symbol")?;
            Ok(RenderedPrompt {
                description: symbol.clone(),
                messages: vec![PromptMessage::user(symbol)],
            })
        },
    }];

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn arguments_are_checked_like_a_tools() {
        let ex = CannedExchange::default();
        let ok = render(PROMPTS, &ex, "p", &pairs(&[("symbol", "btcusdt")])).unwrap();
        assert_eq!(ok.description, "BTCUSDT");
        let missing = render(PROMPTS, &ex, "p", &pairs(&[("strategy", "x")])).unwrap_err();
        assert!(
            missing.message.contains("'symbol' is required"),
            "{missing:?}"
        );
        let blank = render(PROMPTS, &ex, "p", &pairs(&[("symbol", "  ")])).unwrap_err();
        assert_eq!(blank.kind, ErrorKind::InvalidArgument);
        let unknown =
            render(PROMPTS, &ex, "p", &pairs(&[("symbol", "X"), ("sym", "y")])).unwrap_err();
        assert!(
            unknown.message.contains("unknown argument 'sym'"),
            "{unknown:?}"
        );
        let none = render(PROMPTS, &ex, "q", &[]).unwrap_err();
        assert_eq!(none.kind, ErrorKind::NotPermitted);
    }

    #[test]
    fn descriptors_carry_arguments_and_capabilities() {
        let d = describe_prompts(PROMPTS);
        assert_eq!(d[0].arguments.len(), 2);
        assert!(d[0].arguments[0].required && !d[0].arguments[1].required);
        assert_eq!(d[0].capabilities, vec!["market-data"]);
    }
}
