//! What a plugin offers besides tools — prompts and resources — as checked
//! at load from its manifest, and the URI templates resources are read by.
//!
//! Every bound here is on something a plugin says: counts, lengths, names,
//! URI syntax and capability names, so a third-party plugin cannot swamp a
//! client's `prompts/list` or confuse routing.

use super::bindings::binance::mcp::types as wit;
use super::plugin::valid_tool_name;
use crate::policy::Capability;
use std::collections::BTreeSet;

/// Most prompts, and most resources, one plugin may declare.
pub const MAX_PROMPTS_OR_RESOURCES: usize = 64;
/// Most arguments of one prompt.
pub const MAX_PROMPT_ARGUMENTS: usize = 16;
/// Longest prompt or resource description (as a tool's).
pub const MAX_DESCRIPTION_BYTES: usize = super::plugin::MAX_DESCRIPTION_BYTES;
/// Longest argument description.
pub const MAX_ARGUMENT_DESCRIPTION_BYTES: usize = 512;
/// Longest resource URI or template.
pub const MAX_URI_BYTES: usize = 256;
/// Most variables in one URI template.
pub const MAX_TEMPLATE_VARIABLES: usize = 4;
/// Longest value a template variable binds to when read.
pub const MAX_VARIABLE_BYTES: usize = 64;

/// One argument of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentSpec {
    pub name: String,
    pub description: String,
    pub required: bool,
}

/// A prompt as registered.
#[derive(Debug, Clone)]
pub struct PromptSpec {
    pub name: String,
    pub title: String,
    pub description: String,
    pub arguments: Vec<ArgumentSpec>,
    pub capabilities: BTreeSet<Capability>,
}

/// When a subscribed client hears that a resource changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Updates {
    Never,
    /// The live spot price of the URI's `{symbol}` moved.
    LivePrice,
}

/// A resource or resource template as registered.
#[derive(Debug, Clone)]
pub struct ResourceSpec {
    /// The fixed URI, or the template.
    pub uri: String,
    /// `Some` for a template.
    pub template: Option<Template>,
    pub name: String,
    pub title: String,
    pub description: String,
    pub mime_type: String,
    pub capabilities: BTreeSet<Capability>,
    pub updates: Updates,
}

/// One piece of a URI template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Variable(String),
}

/// An RFC 6570 level-1 template whose variables are whole path segments
/// (`binance://market/{symbol}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Parse `text`; `None` when it has no variables (a fixed URI).
    pub fn parse(text: &str) -> Result<Option<Template>, String> {
        if !text.contains(['{', '}']) {
            return Ok(None);
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let (literal, after) = rest.split_at(open);
            if literal.contains('}') {
                return Err("has a '}' without its '{'".into());
            }
            let Some(close) = after.find('}') else {
                return Err("has a '{' without its '}'".into());
            };
            let name = &after[1..close];
            if !(1..=32).contains(&name.len())
                || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                return Err(format!(
                    "variable '{{{}}}' must be 1-32 of a-z _ (RFC 6570 level 1)",
                    crate::text::escaped(name, 40)
                ));
            }
            if !literal.ends_with('/') {
                return Err(format!(
                    "variable '{{{name}}}' must be a whole path segment (after a '/')"
                ));
            }
            pieces.push(Piece::Literal(literal.to_string()));
            pieces.push(Piece::Variable(name.to_string()));
            rest = &after[close + 1..];
            if !(rest.is_empty() || rest.starts_with('/')) {
                return Err(format!(
                    "variable '{{{name}}}' must be a whole path segment (followed by '/' or the end)"
                ));
            }
        }
        if rest.contains('}') {
            return Err("has a '}' without its '{'".into());
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(rest.to_string()));
        }
        let names: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Variable(v) => Some(v.as_str()),
                Piece::Literal(_) => None,
            })
            .collect();
        if names.len() > MAX_TEMPLATE_VARIABLES {
            return Err(format!("at most {MAX_TEMPLATE_VARIABLES} variables"));
        }
        if names
            .iter()
            .enumerate()
            .any(|(i, n)| names[..i].contains(n))
        {
            return Err("names a variable twice".into());
        }
        Ok(Some(Template { pieces }))
    }

    /// Its variable names, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Variable(v) => Some(v.as_str()),
            Piece::Literal(_) => None,
        })
    }

    /// The variables `uri` binds, when it matches: each value is a whole
    /// segment of 1-64 of `[A-Za-z0-9_.-]` (so a value can never reach
    /// into another segment or carry a query).
    pub fn matches(&self, uri: &str) -> Option<Vec<(String, String)>> {
        let mut bound = Vec::new();
        let mut rest = uri;
        for piece in &self.pieces {
            match piece {
                Piece::Literal(l) => rest = rest.strip_prefix(l.as_str())?,
                Piece::Variable(name) => {
                    let end = rest.find('/').unwrap_or(rest.len());
                    let value = &rest[..end];
                    let ok = (1..=MAX_VARIABLE_BYTES).contains(&value.len())
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
                    if !ok {
                        return None;
                    }
                    bound.push((name.clone(), value.to_string()));
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(bound)
    }
}

fn capabilities(what: &str, names: &[String]) -> Result<BTreeSet<Capability>, String> {
    names
        .iter()
        .map(|c| {
            Capability::from_name(c).ok_or_else(|| {
                format!(
                    "{what} needs capability '{}', which this host does not know (it knows {}): the plugin was built for another release",
                    crate::text::escaped(c, 64),
                    Capability::names()
                )
            })
        })
        .collect()
}

fn texts(what: &str, title: &str, description: &str) -> Result<(), String> {
    if title.len() > super::plugin::MAX_TITLE_BYTES || description.len() > MAX_DESCRIPTION_BYTES {
        return Err(format!(
            "{what}: a title is at most {} bytes and a description at most {MAX_DESCRIPTION_BYTES}",
            super::plugin::MAX_TITLE_BYTES
        ));
    }
    Ok(())
}

/// Check a manifest's prompts.
pub fn check_prompts(declared: Vec<wit::PromptDescriptor>) -> Result<Vec<PromptSpec>, String> {
    if declared.len() > MAX_PROMPTS_OR_RESOURCES {
        return Err(format!(
            "it declares {} prompts; a plugin may declare at most {MAX_PROMPTS_OR_RESOURCES}",
            declared.len()
        ));
    }
    let mut prompts: Vec<PromptSpec> = Vec::with_capacity(declared.len());
    for p in declared {
        if !valid_tool_name(&p.name) {
            return Err(format!(
                "prompt name '{}' must be 1-128 of A-Z a-z 0-9 _ . -",
                crate::text::escaped(&p.name, 160)
            ));
        }
        let what = format!("prompt '{}'", p.name);
        if prompts.iter().any(|x| x.name == p.name) {
            return Err(format!("{what} is declared twice"));
        }
        texts(&what, &p.title, &p.description)?;
        if p.arguments.len() > MAX_PROMPT_ARGUMENTS {
            return Err(format!("{what}: at most {MAX_PROMPT_ARGUMENTS} arguments"));
        }
        let mut arguments: Vec<ArgumentSpec> = Vec::new();
        for a in p.arguments {
            let ok = (1..=64).contains(&a.name.len())
                && a.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                return Err(format!(
                    "{what}: argument name '{}' must be 1-64 of a-z 0-9 _",
                    crate::text::escaped(&a.name, 80)
                ));
            }
            if arguments.iter().any(|x| x.name == a.name) {
                return Err(format!("{what}: argument '{}' is declared twice", a.name));
            }
            if a.description.len() > MAX_ARGUMENT_DESCRIPTION_BYTES {
                return Err(format!(
                    "{what}: an argument description is at most {MAX_ARGUMENT_DESCRIPTION_BYTES} bytes"
                ));
            }
            arguments.push(ArgumentSpec {
                name: a.name,
                description: a.description,
                required: a.required,
            });
        }
        prompts.push(PromptSpec {
            capabilities: capabilities(&what, &p.capabilities)?,
            name: p.name,
            title: p.title,
            description: p.description,
            arguments,
        });
    }
    Ok(prompts)
}

/// `scheme://rest`, the scheme `[a-z][a-z0-9+.-]*`, printable ASCII
/// without spaces, quotes or angle brackets.
fn valid_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return false;
    };
    let mut s = scheme.bytes();
    s.next().is_some_and(|b| b.is_ascii_lowercase())
        && s.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b))
        && !rest.is_empty()
        && uri.len() <= MAX_URI_BYTES
        && uri
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"\"'<>\\`".contains(&b))
}

/// Check a manifest's resources.
pub fn check_resources(
    declared: Vec<wit::ResourceDescriptor>,
) -> Result<Vec<ResourceSpec>, String> {
    if declared.len() > MAX_PROMPTS_OR_RESOURCES {
        return Err(format!(
            "it declares {} resources; a plugin may declare at most {MAX_PROMPTS_OR_RESOURCES}",
            declared.len()
        ));
    }
    let mut resources: Vec<ResourceSpec> = Vec::with_capacity(declared.len());
    for r in declared {
        if !valid_uri(&r.uri) {
            return Err(format!(
                "resource URI '{}' must be scheme://… of at most {MAX_URI_BYTES} printable characters",
                crate::text::escaped(&r.uri, 280)
            ));
        }
        let what = format!("resource '{}'", r.uri);
        if resources.iter().any(|x| x.uri == r.uri) {
            return Err(format!("{what} is declared twice"));
        }
        if !valid_tool_name(&r.name) {
            return Err(format!(
                "{what}: name '{}' must be 1-128 of A-Z a-z 0-9 _ . -",
                crate::text::escaped(&r.name, 160)
            ));
        }
        texts(&what, &r.title, &r.description)?;
        let mime_ok = r.mime_type.len() <= 128
            && r.mime_type.split_once('/').is_some_and(|(t, s)| {
                !t.is_empty()
                    && !s.is_empty()
                    && r.mime_type
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/+.-".contains(&b))
            });
        if !mime_ok {
            return Err(format!(
                "{what}: MIME type '{}' must be type/subtype",
                crate::text::escaped(&r.mime_type, 140)
            ));
        }
        let template = Template::parse(&r.uri).map_err(|e| format!("{what}: the template {e}"))?;
        let updates = match r.updates {
            wit::Updates::Never => Updates::Never,
            wit::Updates::LivePrice => Updates::LivePrice,
        };
        if updates == Updates::LivePrice
            && !template
                .as_ref()
                .is_some_and(|t| t.variables().any(|v| v == "symbol"))
        {
            return Err(format!(
                "{what}: live-price updates need a template with a {{symbol}} variable"
            ));
        }
        resources.push(ResourceSpec {
            capabilities: capabilities(&what, &r.capabilities)?,
            uri: r.uri,
            template,
            name: r.name,
            title: r.title,
            description: r.description,
            mime_type: r.mime_type,
            updates,
        });
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Template {
        Template::parse(s).unwrap().unwrap()
    }

    #[test]
    fn templates_bind_whole_segments_only() {
        let m = t("binance://market/{symbol}");
        assert_eq!(
            m.matches("binance://market/BTCUSDT"),
            Some(vec![("symbol".into(), "BTCUSDT".into())])
        );
        assert_eq!(m.matches("binance://market/"), None);
        assert_eq!(m.matches("binance://market/BTC/USDT"), None);
        assert_eq!(m.matches("binance://market/BTC?x=1"), None);
        assert_eq!(m.matches("binance://market/BTC%2F"), None);
        assert_eq!(
            m.matches(&format!("binance://market/{}", "A".repeat(65))),
            None
        );
        assert_eq!(m.matches("binance://other/BTCUSDT"), None);
        let two = t("x://a/{base}/b/{quote}");
        assert_eq!(
            two.matches("x://a/BTC/b/USDT"),
            Some(vec![
                ("base".into(), "BTC".into()),
                ("quote".into(), "USDT".into())
            ])
        );
        assert_eq!(two.matches("x://a/BTC/b/USDT/"), None);
    }

    #[test]
    fn template_syntax_is_checked() {
        assert_eq!(Template::parse("binance://account/balances"), Ok(None));
        for bad in [
            "x://a/{symbol",
            "x://a/symbol}",
            "x://a/{Symbol}",
            "x://a/{}",
            "x://a{symbol}",
            "x://a/{symbol}x",
            "x://{a}/{a}",
            "x://{a}/{b}/{c}/{d}/{e}",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(t("x://a/{s}").variables().collect::<Vec<_>>(), vec!["s"]);
    }

    #[test]
    fn uris_need_a_scheme_and_printable_text() {
        assert!(valid_uri("binance://market/{symbol}"));
        assert!(!valid_uri("market/{symbol}"));
        assert!(!valid_uri("Binance://x"));
        assert!(!valid_uri("binance://"));
        assert!(!valid_uri("binance://a b"));
        assert!(!valid_uri(&format!("x://{}", "a".repeat(300))));
    }
}
