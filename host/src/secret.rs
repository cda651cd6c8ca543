//! Secrets (API keys and secret keys): held once in memory, overwritten with
//! zeros when dropped, and never printed — `Debug` is redacted and there is
//! deliberately no `Display`.

/// A secret string.
pub struct Secret(String);

impl Secret {
    /// Take ownership of `raw` and trim it in place, so no unzeroed copy of
    /// the untrimmed text is left behind.
    pub fn from_untrimmed(raw: String) -> Self {
        let mut secret = Secret(raw);
        let start = secret.0.len() - secret.0.trim_start().len();
        secret.0.drain(..start);
        let end = secret.0.trim_end().len();
        secret.0.truncate(end);
        secret
    }

    /// The secret's text, for the code that signs requests and sets headers.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // SAFETY: zero bytes are valid UTF-8, so the String stays valid.
        let bytes = unsafe { self.0.as_mut_vec() };
        // Cover the spare capacity too (trimming leaves old bytes there);
        // resizing within capacity does not reallocate.
        bytes.resize(bytes.capacity(), 0);
        for b in bytes.iter_mut() {
            // Volatile so the compiler cannot elide a write to memory about to be freed.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_redacts() {
        let s = Secret::from_untrimmed("  k3y\n".to_string());
        assert_eq!(s.expose(), "k3y");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }
}
