//! Secrets from the operating system's CSPRNG, and the digest they are stored under.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore as _;
use sha2::{Digest as _, Sha256};

/// `N` bytes from the OS's CSPRNG (falling back to the thread's OS-seeded CSPRNG should the
/// OS refuse, which it does not do on a working system).
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if rand::rngs::OsRng.try_fill_bytes(&mut bytes).is_err() {
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    }
    bytes
}

/// Whether `text` has the shape of a `url_token` (checked before any lookup).
pub fn is_url_token(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 32 random bytes, base64url without padding (43 characters): fit for a URL.
pub fn url_token() -> String {
    URL_SAFE_NO_PAD.encode(bytes::<32>())
}

/// The stored form of a secret (a token, a session, a salted captcha answer): hex SHA-256.
///
/// Secrets are 32 random bytes, so a fast hash is enough: there is nothing to guess.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
