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

/// A random (version 4) UUID in its usual lower-case form, `8-4-4-4-12` hex digits: a public
/// name for something whose own id stays internal.
pub fn uuid() -> String {
    let mut bytes = bytes::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4: random
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // the RFC 9562 variant
    let hex = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether `text` is a UUID as [`uuid`] writes it (any version; upper-case digits too).
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(at, c)| match at {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `count` decimal digits, each uniform: a one-time code for people to type.
pub fn digits(count: usize) -> String {
    let mut code = String::with_capacity(count);
    while code.len() < count {
        for byte in bytes::<16>() {
            // 250 is the largest multiple of 10 below 256: the bytes above it would favour
            // the digits 0 to 5.
            if byte < 250 && code.len() < count {
                code.push(char::from(b'0' + byte % 10));
            }
        }
    }
    code
}

/// The stored form of a secret (a token, a session, a salted captcha answer): hex SHA-256.
///
/// Secrets are 32 random bytes, so a fast hash is enough: there is nothing to guess.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_digits_of_the_length_asked_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| digits(6)).collect();
        assert!(codes.iter().all(|code| code.len() == 6));
        assert!(
            codes
                .iter()
                .all(|code| code.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.iter().any(|code| code != &codes[0]));
        assert_eq!(digits(12).len(), 12);
    }

    #[test]
    fn uuids_are_version_4_and_recognised() {
        let one = uuid();
        assert!(is_uuid(&one), "{one}");
        assert_eq!(&one[14..15], "4");
        assert!(matches!(&one[19..20], "8" | "9" | "a" | "b"), "{one}");
        assert_ne!(one, uuid());
        assert!(is_uuid("028DCBB8-0DA2-4122-A0EA-254BE49CA107"));
        for not in [
            "",
            "028dcbb8-0da2-4122-a0ea-254be49ca10",
            "028dcbb80da24122a0ea254be49ca107aaaa",
        ] {
            assert!(!is_uuid(not), "{not}");
        }
        assert!(!is_uuid("028dcbb8-0da2-4122-a0ea-254be49ca10g"));
    }
}
