//! Confirmation tokens: the fallback when the client cannot ask a human
//! (no elicitation). A placement without a token answers with a preview and
//! a token; the same order with that token executes. A token is an HMAC
//! over the canonical order (everything but the client order id), bound to
//! this process's random key, valid for [`TOKEN_TTL`] and usable once: an
//! altered order, an expired or reused token, or one from another process
//! is refused and nothing is sent.
//!
//! The same seal carries a 2026-07-28 confirmation round's `requestState`
//! ([`Purpose::Round`]): the client echoes it back with the human's answer,
//! and it opens only for the order it was issued for, once, in time. The two
//! purposes are MAC'd apart, so a preview token is never a round's state
//! and the reverse.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a preview's token stays valid: long enough to read a preview
/// and answer, short enough that a stale price is not confirmed later.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);

/// What a token is for; each has its own prefix (inside the MAC) and life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A preview's token, passed back by the caller (`confirmation`).
    Preview,
    /// A confirmation round's `requestState`, echoed by the client: it lives
    /// as long as the human may take to answer the form.
    Round,
}

impl Purpose {
    fn prefix(self) -> &'static str {
        match self {
            Purpose::Preview => "v1",
            Purpose::Round => "r1",
        }
    }

    /// How long a token of this purpose stays valid.
    pub fn ttl(self) -> Duration {
        match self {
            Purpose::Preview => TOKEN_TTL,
            Purpose::Round => super::ask::ASK_TIMEOUT,
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the confirmation token is malformed")]
    Malformed,
    #[error("the confirmation token expired; preview the order again")]
    Expired,
    #[error("the confirmation token does not match this order (it was issued for a different order, or by another server process)")]
    Mismatch,
    #[error("the confirmation token was already used")]
    Reused,
    #[error("no random key for confirmation tokens could be made: {0}")]
    NoKey(String),
}

/// Issues and redeems tokens.
pub struct Tokens {
    key: [u8; 32],
    /// Nonces redeemed, with their expiry (pruned as they expire).
    used: Mutex<HashMap<u64, u64>>,
    /// The next nonce: unique per token in this process (the MAC, not the
    /// nonce, is the secret), so issuing reads no randomness.
    next: std::sync::atomic::AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], TokenError> {
    use std::io::Read;
    let mut out = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut out))
        .map_err(|e| TokenError::NoKey(e.to_string()))?;
    Ok(out)
}

impl Tokens {
    /// Tokens under a fresh random key.
    pub fn new() -> Result<Self, TokenError> {
        Ok(Tokens {
            key: random_bytes::<32>()?,
            used: Mutex::new(HashMap::new()),
            next: std::sync::atomic::AtomicU64::new(u64::from_le_bytes(random_bytes::<8>()?)),
        })
    }

    /// 32 hex digits (128 bits of HMAC-SHA256); `None` cannot happen (an
    /// HMAC takes a key of any length) and fails closed where it would.
    fn mac(
        &self,
        purpose: Purpose,
        expires_ms: u64,
        nonce: u64,
        canonical: &str,
    ) -> Option<String> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        let prefix = purpose.prefix();
        mac.update(format!("{prefix}\n{expires_ms}\n{nonce}\n{canonical}").as_bytes());
        Some(
            mac.finalize()
                .into_bytes()
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// A token of `purpose` for `canonical`, and when it expires (ms since
    /// the epoch).
    pub fn issue(&self, purpose: Purpose, canonical: &str) -> Result<(String, u64), TokenError> {
        let nonce = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let expires = now_ms() + purpose.ttl().as_millis() as u64;
        let mac = self
            .mac(purpose, expires, nonce, canonical)
            .ok_or_else(|| TokenError::NoKey("HMAC refused the key".into()))?;
        let prefix = purpose.prefix();
        Ok((format!("{prefix}.{expires}.{nonce:016x}.{mac}"), expires))
    }

    /// Redeem `token` of `purpose` for `canonical` (once).
    pub fn redeem(&self, purpose: Purpose, token: &str, canonical: &str) -> Result<(), TokenError> {
        let parts: Vec<&str> = token.trim().split('.').collect();
        let [v, expires, nonce, mac] = parts[..] else {
            return Err(TokenError::Malformed);
        };
        let expires: u64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        let nonce = u64::from_str_radix(nonce, 16).map_err(|_| TokenError::Malformed)?;
        if v != purpose.prefix() || mac.len() != 32 {
            return Err(TokenError::Malformed);
        }
        let expected = self
            .mac(purpose, expires, nonce, canonical)
            .ok_or(TokenError::Mismatch)?;
        // Constant-time comparison of equal-length hex.
        let same = expected.len() == mac.len()
            && expected
                .bytes()
                .zip(mac.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Err(TokenError::Mismatch);
        }
        let now = now_ms();
        if now > expires {
            return Err(TokenError::Expired);
        }
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        used.retain(|_, exp| *exp >= now);
        if used.insert(nonce, expires).is_some() {
            return Err(TokenError::Reused);
        }
        Ok(())
    }

    #[cfg(test)]
    fn issue_expiring_at(&self, canonical: &str, expires: u64) -> String {
        let nonce = 7;
        let mac = self
            .mac(Purpose::Preview, expires, nonce, canonical)
            .unwrap_or_default();
        format!("v1.{expires}.{nonce:016x}.{mac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_confirms_its_order_once() {
        let t = Tokens::new().unwrap();
        let order = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=50000";
        let (token, expires) = t.issue(Purpose::Preview, order).unwrap();
        assert!(expires > now_ms());
        assert_eq!(
            t.redeem(
                Purpose::Preview,
                &token,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.1&price=50000"
            ),
            Err(TokenError::Mismatch)
        );
        t.redeem(Purpose::Preview, &token, order).unwrap();
        assert_eq!(
            t.redeem(Purpose::Preview, &token, order),
            Err(TokenError::Reused)
        );
        let other = Tokens::new().unwrap();
        let (foreign, _) = other.issue(Purpose::Preview, order).unwrap();
        assert_eq!(
            t.redeem(Purpose::Preview, &foreign, order),
            Err(TokenError::Mismatch)
        );
        let stale = t.issue_expiring_at(order, now_ms() - 1);
        assert_eq!(
            t.redeem(Purpose::Preview, &stale, order),
            Err(TokenError::Expired)
        );
        assert_eq!(
            t.redeem(Purpose::Preview, "v1.x.y.z", order),
            Err(TokenError::Malformed)
        );
        assert_eq!(
            t.redeem(Purpose::Preview, "nonsense", order),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn a_round_state_is_not_a_preview_token() {
        let t = Tokens::new().unwrap();
        let order = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=50000";
        let (state, expires) = t.issue(Purpose::Round, order).unwrap();
        assert!(state.starts_with("r1."));
        assert!(
            expires >= now_ms() + 100_000,
            "a human gets the ask timeout"
        );
        assert_eq!(
            t.redeem(Purpose::Preview, &state, order),
            Err(TokenError::Malformed)
        );
        // The prefix is inside the MAC: relabelling does not help.
        let relabelled = state.replacen("r1.", "v1.", 1);
        assert_eq!(
            t.redeem(Purpose::Preview, &relabelled, order),
            Err(TokenError::Mismatch)
        );
        t.redeem(Purpose::Round, &state, order).unwrap();
        assert_eq!(
            t.redeem(Purpose::Round, &state, order),
            Err(TokenError::Reused)
        );
    }
}
