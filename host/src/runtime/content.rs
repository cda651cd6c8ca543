//! A plugin's prompts, resource contents and extra answer blocks, checked
//! and shaped as MCP content before they reach a client: counts, sizes and
//! MIME types are bounded, images must be what they say, and a resource's
//! contents must be for the URI that was read.

use super::bindings::binance::mcp::content as wit;
use super::output::MAX_OUTPUT_BYTES;
use crate::tool_error::{ErrorKind, ToolError};
use base64::Engine as _;
use rmcp::model::{ContentBlock, PromptMessage, ResourceContents, Role};

/// Most messages in one rendered prompt.
pub const MAX_PROMPT_MESSAGES: usize = 32;
/// Most contents one resource read returns.
pub const MAX_RESOURCE_CONTENTS: usize = 8;
/// Most blocks a tool answer carries after its text.
pub const MAX_EXTRA_BLOCKS: usize = 4;
/// Largest image or blob, before base64 (a chart is tens of kilobytes;
/// clients count an image's tokens by its pixels, not its bytes).
pub const MAX_BLOB_BYTES: usize = 1 << 20;
/// The image types a client can show.
const IMAGE_TYPES: &[(&str, &[u8])] = &[
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF8"),
    ("image/webp", b"RIFF"),
];

fn bug(plugin: &str, what: String) -> ToolError {
    ToolError::new(
        ErrorKind::Internal,
        format!("plugin '{plugin}' {what}"),
        "this is a plugin bug; report it",
    )
}

/// Counts the text and blob bytes of one answer against [`MAX_OUTPUT_BYTES`]
/// (text) and [`MAX_BLOB_BYTES`] (each blob).
struct Budget<'a> {
    plugin: &'a str,
    text: usize,
}

impl Budget<'_> {
    fn text(&mut self, t: &str) -> Result<(), ToolError> {
        self.text += t.len();
        if self.text > MAX_OUTPUT_BYTES {
            return Err(bug(
                self.plugin,
                format!("returned more than {MAX_OUTPUT_BYTES} bytes of text"),
            ));
        }
        Ok(())
    }

    fn blob(&self, mime: &str, data: &[u8]) -> Result<String, ToolError> {
        if data.len() > MAX_BLOB_BYTES {
            return Err(bug(
                self.plugin,
                format!(
                    "returned a {} of {} bytes; the cap is {MAX_BLOB_BYTES}",
                    crate::text::escaped(mime, 64),
                    data.len()
                ),
            ));
        }
        Ok(base64::engine::general_purpose::STANDARD.encode(data))
    }

    fn image(&self, b: &wit::Blob) -> Result<ContentBlock, ToolError> {
        match IMAGE_TYPES.iter().find(|(m, _)| *m == b.mime_type) {
            Some((mime, magic)) if b.data.starts_with(magic) => {
                Ok(ContentBlock::image(self.blob(mime, &b.data)?, *mime))
            }
            Some((mime, _)) => Err(bug(
                self.plugin,
                format!("returned an image that is not a {mime}"),
            )),
            None => Err(bug(
                self.plugin,
                format!(
                    "returned an image of type '{}'; the types are {}",
                    crate::text::escaped(&b.mime_type, 64),
                    IMAGE_TYPES
                        .iter()
                        .map(|(m, _)| *m)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    fn contents(&mut self, c: wit::ResourceContents) -> Result<ResourceContents, ToolError> {
        let mime = crate::text::escaped(&c.mime_type, 128);
        Ok(match c.body {
            wit::ResourceBody::Text(t) => {
                self.text(&t)?;
                ResourceContents::text(t, c.uri).with_mime_type(mime)
            }
            wit::ResourceBody::Blob(b) => {
                ResourceContents::blob(self.blob(&mime, &b)?, c.uri).with_mime_type(mime)
            }
        })
    }

    fn block(&mut self, b: wit::ContentBlock) -> Result<ContentBlock, ToolError> {
        match b {
            wit::ContentBlock::Text(t) => {
                self.text(&t)?;
                Ok(ContentBlock::text(t))
            }
            wit::ContentBlock::Image(i) => self.image(&i),
            wit::ContentBlock::Embedded(c) => Ok(ContentBlock::resource(self.contents(c)?)),
        }
    }
}

/// A tool answer's extra blocks, after its text of `text_bytes`.
pub fn extra_blocks(
    plugin: &str,
    text_bytes: usize,
    blocks: Vec<wit::ContentBlock>,
) -> Result<Vec<ContentBlock>, ToolError> {
    if blocks.len() > MAX_EXTRA_BLOCKS {
        return Err(bug(
            plugin,
            format!(
                "returned {} extra blocks; at most {MAX_EXTRA_BLOCKS}",
                blocks.len()
            ),
        ));
    }
    let mut budget = Budget {
        plugin,
        text: text_bytes,
    };
    blocks.into_iter().map(|b| budget.block(b)).collect()
}

/// A rendered prompt as MCP messages.
pub fn prompt(
    plugin: &str,
    rendered: wit::RenderedPrompt,
) -> Result<(String, Vec<PromptMessage>), ToolError> {
    if rendered.messages.is_empty() || rendered.messages.len() > MAX_PROMPT_MESSAGES {
        return Err(bug(
            plugin,
            format!(
                "rendered a prompt of {} messages; 1 to {MAX_PROMPT_MESSAGES} are allowed",
                rendered.messages.len()
            ),
        ));
    }
    let mut budget = Budget { plugin, text: 0 };
    let description = crate::text::escaped(&rendered.description, 512);
    let messages = rendered
        .messages
        .into_iter()
        .map(|m| {
            let role = match m.role {
                wit::Role::User => Role::User,
                wit::Role::Assistant => Role::Assistant,
            };
            Ok(PromptMessage::new(role, budget.block(m.content)?))
        })
        .collect::<Result<_, ToolError>>()?;
    Ok((description, messages))
}

/// A resource's contents, each for `uri`.
pub fn resource(
    plugin: &str,
    uri: &str,
    contents: Vec<wit::ResourceContents>,
) -> Result<Vec<ResourceContents>, ToolError> {
    if contents.is_empty() || contents.len() > MAX_RESOURCE_CONTENTS {
        return Err(bug(
            plugin,
            format!(
                "returned {} contents for {uri}; 1 to {MAX_RESOURCE_CONTENTS} are allowed",
                contents.len()
            ),
        ));
    }
    let mut budget = Budget { plugin, text: 0 };
    contents
        .into_iter()
        .map(|c| {
            if c.uri != uri {
                return Err(bug(
                    plugin,
                    format!(
                        "answered a read of {uri} with contents for '{}'",
                        crate::text::escaped(&c.uri, 280)
                    ),
                ));
            }
            budget.contents(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> wit::Blob {
        wit::Blob {
            mime_type: "image/png".into(),
            data: b"\x89PNG\r\n\x1a\nrest".to_vec(),
        }
    }

    #[test]
    fn images_must_be_what_they_say() {
        let ok = extra_blocks("p", 0, vec![wit::ContentBlock::Image(png())]).unwrap();
        assert!(ok[0].as_image().is_some());
        let mut fake = png();
        fake.data = b"GIF89a".to_vec();
        let e = extra_blocks("p", 0, vec![wit::ContentBlock::Image(fake)]).unwrap_err();
        assert!(e.message.contains("not a image/png"), "{e:?}");
        let mut svg = png();
        svg.mime_type = "image/svg+xml".into();
        assert!(extra_blocks("p", 0, vec![wit::ContentBlock::Image(svg)]).is_err());
        let mut big = png();
        big.data.resize(MAX_BLOB_BYTES + 1, 0);
        assert!(extra_blocks("p", 0, vec![wit::ContentBlock::Image(big)]).is_err());
        let many = vec![wit::ContentBlock::Text("x".into()); MAX_EXTRA_BLOCKS + 1];
        assert!(extra_blocks("p", 0, many).is_err());
    }

    #[test]
    fn text_counts_against_the_answer_cap() {
        let t = wit::ContentBlock::Text("x".repeat(10));
        assert!(extra_blocks("p", MAX_OUTPUT_BYTES - 10, vec![t.clone()]).is_ok());
        assert!(extra_blocks("p", MAX_OUTPUT_BYTES - 9, vec![t]).is_err());
    }

    #[test]
    fn resource_contents_are_for_the_uri_read() {
        let c = |uri: &str| wit::ResourceContents {
            uri: uri.into(),
            mime_type: "text/markdown".into(),
            body: wit::ResourceBody::Text("# hi".into()),
        };
        let ok = resource("p", "binance://a", vec![c("binance://a")]).unwrap();
        assert_eq!(ok.len(), 1);
        assert!(resource("p", "binance://a", vec![c("binance://b")]).is_err());
        assert!(resource("p", "binance://a", vec![]).is_err());
    }

    #[test]
    fn prompts_have_one_to_thirty_two_messages() {
        let m = |n: usize| wit::RenderedPrompt {
            description: "d".into(),
            messages: vec![
                wit::PromptMessage {
                    role: wit::Role::User,
                    content: wit::ContentBlock::Text("x".into()),
                };
                n
            ],
        };
        assert!(prompt("p", m(1)).is_ok());
        assert!(prompt("p", m(0)).is_err());
        assert!(prompt("p", m(MAX_PROMPT_MESSAGES + 1)).is_err());
    }
}
