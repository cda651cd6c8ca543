//! A tool's answer as JSON text, written once.
//!
//! The host takes a plugin's text as the answer's text block and parses it
//! once for `structuredContent` (see `docs/DESIGN.md`, "The plugin's text is
//! the text block"), so the text is the one thing a tool has to produce.
//! Most tools build a `serde_json::Value` and convert it; list tools write
//! their rows directly ([`crate::rows::Rows`]) and splice them in with
//! [`Answer::with_raw`]. A few tools add content blocks after the text (a
//! chart's image: [`Answer::with_extra`]).

use crate::content::ContentBlock;
use serde_json::Value;

/// The JSON text of one tool answer (an object), and any further blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer(String, Vec<ContentBlock>);

impl Answer {
    /// `object` (a JSON object) with more members whose values are JSON
    /// text (e.g. [`crate::rows::Rows::finish`]). The text must be valid
    /// JSON: the host refuses an answer that does not parse.
    pub fn with_raw(object: Value, members: &[(&str, &str)]) -> Answer {
        let extra: usize = members.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
        let mut text = match object {
            Value::Object(map) if !map.is_empty() => {
                let mut t = Value::Object(map).to_string();
                t.pop(); // the closing brace
                t.reserve(extra + 1);
                t.push(',');
                t
            }
            _ => String::with_capacity(extra + 2) + "{",
        };
        for (i, (key, raw)) in members.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&Value::String(key.to_string()).to_string());
            text.push(':');
            text.push_str(raw);
        }
        if members.is_empty() && text.ends_with(',') {
            text.pop();
        }
        text.push('}');
        Answer(text, Vec::new())
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The JSON text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The answer with `block` after its text (the host bounds their
    /// number and size).
    pub fn with_extra(mut self, block: ContentBlock) -> Answer {
        self.1.push(block);
        self
    }

    /// The blocks after the text.
    pub fn extra(&self) -> &[ContentBlock] {
        &self.1
    }

    /// The JSON text and the further blocks.
    pub fn into_parts(self) -> (String, Vec<ContentBlock>) {
        (self.0, self.1)
    }

    /// The answer parsed (for tests and native callers). `Value::Null` if
    /// the text does not parse, which only a buggy [`Answer::with_raw`]
    /// call can cause.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

impl From<Value> for Answer {
    fn from(value: Value) -> Answer {
        Answer(value.to_string(), Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_members_are_spliced_into_valid_json() {
        let a = Answer::with_raw(json!({"symbol":"BTCUSDT"}), &[("rows", "[[1,\"2\"]]")]);
        assert_eq!(a.to_value(), json!({"symbol":"BTCUSDT","rows":[[1,"2"]]}));
        let a = Answer::with_raw(json!({}), &[("ro\"ws", "[]"), ("b", "1")]);
        assert_eq!(a.to_value(), json!({"ro\"ws":[],"b":1}));
        let a = Answer::with_raw(json!({"a":1}), &[]);
        assert_eq!(a.to_value(), json!({"a":1}));
        assert_eq!(Answer::from(json!({"a":1})).as_str(), r#"{"a":1}"#);
    }
}
