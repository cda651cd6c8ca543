//! Signed-request authentication, as Binance does it for USER_DATA and
//! TRADE endpoints: the `X-MBX-APIKEY` header, `timestamp`/`recvWindow`
//! against the server clock, and an HMAC-SHA256 (hex) or Ed25519 (base64)
//! signature over the query string plus the body.
//!
//! Checks run in this order, each with Binance's error: API-key format
//! (401, -2014), known key (401, -2015), parameter syntax (-1101...),
//! `timestamp` and `signature` present (-1102), `recvWindow` ≤ 60000
//! (-1131), timestamp window (-1021), signature (-1022).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::ApiError;
use crate::params::Params;

/// The simulated account's HMAC API key (send as `X-MBX-APIKEY`).
pub const SIM_API_KEY: &str = "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ";

/// The secret of [`SIM_API_KEY`], the HMAC-SHA256 key of signatures.
pub const SIM_SECRET_KEY: &str = "TeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZ";

/// Default `recvWindow` (ms).
pub const DEFAULT_RECV_WINDOW: i64 = 5000;

/// Largest accepted `recvWindow` (ms).
pub const MAX_RECV_WINDOW: i64 = 60_000;

/// How far ahead of the server clock a timestamp may be (ms).
pub const MAX_CLOCK_AHEAD: i64 = 1000;

/// The parameters every signed endpoint reads besides its own.
pub const SIGNED_PARAMS: [&str; 3] = ["timestamp", "recvWindow", "signature"];

/// How a registered key's signatures are checked.
#[derive(Debug, Clone)]
enum Verifying {
    Hmac(Vec<u8>),
    Ed25519(VerifyingKey),
}

/// The API keys the simulator accepts.
#[derive(Debug)]
pub struct KeyStore {
    keys: Mutex<HashMap<String, Verifying>>,
    seen: Mutex<Vec<String>>,
}

impl Default for KeyStore {
    /// Only [`SIM_API_KEY`] with [`SIM_SECRET_KEY`].
    fn default() -> Self {
        let mut keys = HashMap::new();
        keys.insert(
            SIM_API_KEY.to_string(),
            Verifying::Hmac(SIM_SECRET_KEY.as_bytes().to_vec()),
        );
        KeyStore {
            keys: Mutex::new(keys),
            seen: Mutex::new(Vec::new()),
        }
    }
}

/// Most signatures [`KeyStore::signatures_seen`] keeps.
pub const MAX_SEEN: usize = 100_000;

/// Binance's API-key format: 64 ASCII letters and digits.
pub fn is_key_format(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl KeyStore {
    /// Registers an Ed25519 key.
    ///
    /// # Panics
    /// If `api_key` is not 64 alphanumerics or `public_key` is not a valid
    /// Ed25519 point (a test bug either way).
    pub fn register_ed25519(&self, api_key: &str, public_key: [u8; 32]) {
        assert!(is_key_format(api_key), "API key must be 64 alphanumerics");
        let key = VerifyingKey::from_bytes(&public_key).expect("valid Ed25519 public key");
        self.lock()
            .insert(api_key.to_string(), Verifying::Ed25519(key));
    }

    /// Every signature received (up to [`MAX_SEEN`]), so tests can prove
    /// the client never leaks one into its logs or outputs.
    pub fn signatures_seen(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, signature: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() < MAX_SEEN {
            seen.push(signature.to_string());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Verifying>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Authenticates one signed request and returns its parameters (query
    /// and body together). `now_ms` is the server clock.
    pub fn authenticate(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
        body: &str,
        now_ms: i64,
    ) -> Result<Params, ApiError> {
        let key = headers
            .get("x-mbx-apikey")
            .and_then(|v| v.to_str().ok())
            .filter(|k| is_key_format(k))
            .ok_or_else(|| unauthorized(-2014, "API-key format invalid."))?;
        let verifying = self.lock().get(key).cloned().ok_or_else(|| {
            unauthorized(-2015, "Invalid API-key, IP, or permissions for action.")
        })?;
        let query = query.unwrap_or("");
        let joined = match (query.is_empty(), body.is_empty()) {
            (_, true) => query.to_string(),
            (true, false) => body.to_string(),
            (false, false) => format!("{query}&{body}"),
        };
        let params = Params::parse(Some(&joined))?;
        let timestamp = match params.get("timestamp") {
            None | Some("") => return Err(ApiError::mandatory("timestamp")),
            Some(_) => params.opt_time("timestamp")?.unwrap_or_default(),
        };
        let signature = raw_signature(query)
            .or_else(|| raw_signature(body))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::mandatory("signature"))?;
        self.record(&signature);
        let recv_window = params
            .opt_time("recvWindow")?
            .unwrap_or(DEFAULT_RECV_WINDOW);
        check_window(timestamp, recv_window, now_ms)?;
        let payload = format!("{}{}", strip_signature(query), strip_signature(body));
        if verify(&verifying, payload.as_bytes(), &signature) {
            Ok(params)
        } else {
            Err(ApiError::bad_request(
                -1022,
                "Signature for this request is not valid.",
            ))
        }
    }
}

fn unauthorized(code: i32, msg: &str) -> ApiError {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        code,
        msg: msg.to_string(),
    }
}

/// -1131 for a `recvWindow` over 60000; -1021 for a timestamp more than 1 s
/// ahead of `now_ms` or older than `recv_window`.
pub fn check_window(timestamp: i64, recv_window: i64, now_ms: i64) -> Result<(), ApiError> {
    if recv_window > MAX_RECV_WINDOW {
        return Err(ApiError::bad_request(
            -1131,
            "recvWindow must be less than 60000",
        ));
    }
    if timestamp > now_ms + MAX_CLOCK_AHEAD || now_ms - timestamp > recv_window {
        return Err(ApiError::bad_request(
            -1021,
            "Timestamp for this request is outside of the recvWindow.",
        ));
    }
    Ok(())
}

/// The `signature` value of a raw query or form body, percent-decoded but
/// with `+` kept (it is a base64 character, not a space, when unescaped).
fn raw_signature(raw: &str) -> Option<String> {
    raw.split('&')
        .find_map(|p| p.strip_prefix("signature="))
        .map(percent_decode_keep_plus)
}

/// `raw` without its `signature=` component: the signed payload part.
pub fn strip_signature(raw: &str) -> String {
    raw.split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("signature="))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode_keep_plus(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Lowercase hex HMAC-SHA256 of `payload` under `secret`.
pub fn hmac_hex(secret: &[u8], payload: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(payload);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

fn verify(key: &Verifying, payload: &[u8], signature: &str) -> bool {
    match key {
        Verifying::Hmac(secret) => {
            let Some(sig) = decode_hex(signature) else {
                return false;
            };
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
            mac.update(payload);
            mac.verify_slice(&sig).is_ok()
        }
        Verifying::Ed25519(vk) => base64::engine::general_purpose::STANDARD
            .decode(signature)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok())
            .is_some_and(|sig| vk.verify(payload, &sig).is_ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    const DOC_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const DOC_PAYLOAD: &str = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    const DOC_SIG: &str = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
    const NOW: i64 = 1_499_827_319_559;

    fn headers(key: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-mbx-apikey", key.parse().unwrap());
        h
    }

    fn store_with_doc_key() -> KeyStore {
        let s = KeyStore::default();
        s.lock().insert(
            "A".repeat(64),
            Verifying::Hmac(DOC_SECRET.as_bytes().to_vec()),
        );
        s
    }

    #[test]
    fn binance_documented_vector() {
        assert_eq!(
            hmac_hex(DOC_SECRET.as_bytes(), DOC_PAYLOAD.as_bytes()),
            DOC_SIG
        );
        let s = store_with_doc_key();
        let q = format!("{DOC_PAYLOAD}&signature={DOC_SIG}");
        assert!(s
            .authenticate(&headers(&"A".repeat(64)), Some(&q), "", NOW)
            .is_ok());
        // Upper-case hex is accepted too.
        let q = format!("{DOC_PAYLOAD}&signature={}", DOC_SIG.to_uppercase());
        assert!(s
            .authenticate(&headers(&"A".repeat(64)), Some(&q), "", NOW)
            .is_ok());
        // Query and body split: the payload is their concatenation.
        let (a, b) = DOC_PAYLOAD.split_at(40);
        let body = format!("{b}&signature={DOC_SIG}");
        assert!(s
            .authenticate(&headers(&"A".repeat(64)), Some(a), &body, NOW)
            .is_ok());
    }

    #[test]
    fn error_codes_in_order() {
        let s = store_with_doc_key();
        let key = "A".repeat(64);
        let code =
            |h: &HeaderMap, q: &str, now: i64| s.authenticate(h, Some(q), "", now).unwrap_err();
        let e = code(&HeaderMap::new(), DOC_PAYLOAD, NOW);
        assert_eq!(
            (e.status, e.code, e.msg.as_str()),
            (StatusCode::UNAUTHORIZED, -2014, "API-key format invalid.")
        );
        assert_eq!(code(&headers("short"), DOC_PAYLOAD, NOW).code, -2014);
        let e = code(&headers(&"B".repeat(64)), DOC_PAYLOAD, NOW);
        assert_eq!((e.status, e.code), (StatusCode::UNAUTHORIZED, -2015));
        let h = headers(&key);
        assert_eq!(
            code(&h, "symbol=LTCBTC&signature=00", NOW).msg,
            ApiError::mandatory("timestamp").msg
        );
        assert_eq!(
            code(&h, DOC_PAYLOAD, NOW).msg,
            ApiError::mandatory("signature").msg
        );
        let bad = format!("{DOC_PAYLOAD}&signature={}", "0".repeat(64));
        assert_eq!(code(&h, &bad, NOW).code, -1022);
        assert_eq!(
            code(&h, &format!("{DOC_PAYLOAD}&signature=zz"), NOW).code,
            -1022
        );
        let good = format!("{DOC_PAYLOAD}&signature={DOC_SIG}");
        assert_eq!(code(&h, &good, NOW + 5001).code, -1021);
        assert_eq!(code(&h, &good, NOW - 1001).code, -1021);
        let big = "timestamp=1&recvWindow=60001&signature=00";
        assert_eq!(code(&h, big, NOW).code, -1131);
    }

    #[test]
    fn timestamp_window() {
        assert!(check_window(1000, 5000, 6000).is_ok());
        assert!(check_window(1000, 5000, 6001).is_err());
        assert!(check_window(2000, 5000, 1000).is_ok());
        assert!(check_window(2001, 5000, 1000).is_err());
        assert!(check_window(1000, 60_000, 61_000).is_ok());
        assert_eq!(check_window(1000, 60_001, 1000).unwrap_err().code, -1131);
    }

    #[test]
    fn ed25519_round_trip() {
        let sk = SigningKey::from_bytes(&[7u8; 32]);
        let s = KeyStore::default();
        let key = "E".repeat(64);
        s.register_ed25519(&key, sk.verifying_key().to_bytes());
        let payload = format!("symbol=BTCUSDT&timestamp={NOW}");
        let sig = base64::engine::general_purpose::STANDARD
            .encode(sk.sign(payload.as_bytes()).to_bytes());
        let escaped = sig
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let q = format!("{payload}&signature={escaped}");
        assert!(s.authenticate(&headers(&key), Some(&q), "", NOW).is_ok());
        let wrong = format!("symbol=ETHUSDT&timestamp={NOW}&signature={escaped}");
        assert_eq!(
            s.authenticate(&headers(&key), Some(&wrong), "", NOW)
                .unwrap_err()
                .code,
            -1022
        );
    }

    #[test]
    fn sim_keys_have_binance_format() {
        assert!(is_key_format(SIM_API_KEY) && is_key_format(SIM_SECRET_KEY));
    }
}
