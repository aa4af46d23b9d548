//! Private-API request signing (`API-Sign`), used by [`PrivateClient`](super::PrivateClient).
//!
//! `API-Sign = base64(HMAC-SHA512(base64decode(secret), uri_path + SHA256(nonce + post_data)))`
//! where `post_data` is the form-encoded body, itself including `nonce=...`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::ExchangeError;

/// Signs one private request with a base64 secret, as Kraken shows it when the key is made.
pub fn api_sign(
    secret_b64: &str,
    uri_path: &str,
    nonce: u64,
    post_data: &str,
) -> Result<String, ExchangeError> {
    let secret = STANDARD
        .decode(secret_b64)
        .map_err(|_| ExchangeError::InvalidSecret)?;
    sign(&secret, uri_path, nonce, post_data)
}

fn sign(
    secret: &[u8],
    uri_path: &str,
    nonce: u64,
    post_data: &str,
) -> Result<String, ExchangeError> {
    let inner = Sha256::new()
        .chain_update(nonce.to_string())
        .chain_update(post_data)
        .finalize();
    let mut mac =
        Hmac::<Sha512>::new_from_slice(secret).map_err(|_| ExchangeError::InvalidSecret)?;
    mac.update(uri_path.as_bytes());
    mac.update(&inner);
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// An API key and its decoded secret. `Debug` shows neither, so credentials can sit in
/// structs that get logged.
#[derive(Clone)]
pub struct Credentials {
    key: String,
    secret: Vec<u8>,
}

impl Credentials {
    /// Fails if the secret is not base64, so a bad secret surfaces at start-up, not on the
    /// first signed call.
    pub fn new(key: impl Into<String>, secret_b64: &str) -> Result<Self, ExchangeError> {
        let secret = STANDARD
            .decode(secret_b64)
            .map_err(|_| ExchangeError::InvalidSecret)?;
        Ok(Self {
            key: key.into(),
            secret,
        })
    }

    /// Sent as the `API-Key` header.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The `API-Sign` header for one request.
    pub fn sign(
        &self,
        uri_path: &str,
        nonce: u64,
        post_data: &str,
    ) -> Result<String, ExchangeError> {
        sign(&self.secret, uri_path, nonce, post_data)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key", &"hidden")
            .finish_non_exhaustive()
    }
}
