//! Request signing exactly as Binance documents it: the payload is the
//! percent-encoded query string followed by the body (no separator);
//! HMAC-SHA256 keys sign it as lowercase hex, Ed25519 keys as base64 (which
//! the query encoder then percent-encodes).

use crate::secret::Secret;
use base64::Engine as _;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::{Signer as _, SigningKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// How requests are signed.
pub enum Signer {
    /// HMAC-SHA256 with the API secret.
    Hmac(Secret),
    /// Ed25519 with a private key (Binance's recommended key type).
    Ed25519(Box<SigningKey>),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Signer::Hmac(_) => "Signer::Hmac(<redacted>)",
            Signer::Ed25519(_) => "Signer::Ed25519(<redacted>)",
        })
    }
}

/// Why an Ed25519 key file could not be used. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the key file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a PKCS#8 PEM Ed25519 private key (expected '-----BEGIN PRIVATE KEY-----', as Binance's key generator writes)")]
    Format { path: String },
}

impl Signer {
    /// Load an Ed25519 private key from a PKCS#8 PEM file.
    pub fn ed25519_from_file(path: &Path) -> Result<Signer, KeyFileError> {
        let shown = path.display().to_string();
        let pem = std::fs::read_to_string(path)
            .map(Secret::from_untrimmed)
            .map_err(|e| KeyFileError::Read {
                path: shown.clone(),
                reason: e.kind().to_string(),
            })?;
        let key = SigningKey::from_pkcs8_pem(pem.expose())
            .map_err(|_| KeyFileError::Format { path: shown })?;
        Ok(Signer::Ed25519(Box::new(key)))
    }

    /// The `signature` parameter's value for `payload` (before query encoding).
    pub fn sign(&self, payload: &str) -> String {
        match self {
            Signer::Hmac(secret) => hmac_sha256_hex(secret.expose().as_bytes(), payload.as_bytes()),
            Signer::Ed25519(key) => base64::engine::general_purpose::STANDARD
                .encode(key.sign(payload.as_bytes()).to_bytes()),
        }
    }
}

/// Lowercase hex HMAC-SHA256.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    use ed25519_dalek::{Signature, Verifier};

    /// Binance's documented example (shared/binance-reference.md).
    #[test]
    fn hmac_matches_binance_documented_vector() {
        let signer = Signer::Hmac(Secret::from_untrimmed(
            "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j".into(),
        ));
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
        assert_eq!(
            signer.sign(payload),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        );
    }

    #[test]
    fn ed25519_round_trips_through_a_pem_file() {
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let pem = key.to_pkcs8_pem(Default::default()).unwrap();
        let path = std::env::temp_dir().join(format!("bmcp-ed25519-{}.pem", std::process::id()));
        std::fs::write(&path, pem.as_bytes()).unwrap();
        let signer = Signer::ed25519_from_file(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        let payload = "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.001&timestamp=1700000000000";
        let sig = base64::engine::general_purpose::STANDARD
            .decode(signer.sign(payload))
            .unwrap();
        let sig = Signature::from_slice(&sig).unwrap();
        key.verifying_key()
            .verify(payload.as_bytes(), &sig)
            .unwrap();
        assert!(key.verifying_key().verify(b"tampered", &sig).is_err());
        assert_eq!(format!("{signer:?}"), "Signer::Ed25519(<redacted>)");
    }

    #[test]
    fn bad_key_files_say_what_is_expected_without_key_material() {
        let path = std::env::temp_dir().join(format!("bmcp-bad-{}.pem", std::process::id()));
        std::fs::write(
            &path,
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        let e = Signer::ed25519_from_file(&path).unwrap_err().to_string();
        let _ = std::fs::remove_file(&path);
        assert!(e.contains("PKCS#8") && !e.contains("c2VjcmV0"), "{e}");
        assert!(Signer::ed25519_from_file(Path::new("/no/such/key.pem")).is_err());
    }
}
