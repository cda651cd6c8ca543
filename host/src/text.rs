//! Text from outsiders (plugins, clients, the exchange) on its way into a
//! message or a log line: cut to a bound, control characters escaped.

/// Cut `s` to at most `max` bytes on a character boundary, marking the cut.
pub fn cap_text(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// `s` with control characters escaped (`\n`, `\r`, `\t`, `\u{..}`) and cut
/// to at most `max` bytes.
pub fn escaped(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for c in s.chars() {
        let before = out.len();
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        if out.len() > max {
            out.truncate(before);
            out.push('…');
            break;
        }
    }
    out
}

/// An I/O error as one clause, without Rust's "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_text_cuts_on_char_boundaries() {
        assert_eq!(cap_text("abc".into(), 5), "abc");
        assert_eq!(cap_text("abcdef".into(), 3), "abc…");
        assert_eq!(cap_text("ééé".into(), 3), "é…");
    }

    #[test]
    fn control_characters_are_escaped_and_text_capped() {
        assert_eq!(escaped("a\nb\r\u{1b}[31m", 100), "a\\nb\\r\\u{1b}[31m");
        let long = escaped(&"é".repeat(100), 11);
        assert!(long.len() <= 11 + '…'.len_utf8() && long.ends_with('…'));
    }
}
