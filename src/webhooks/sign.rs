//! The Standard Webhooks signature: `v1,` and the base64 of HMAC-SHA256 over
//! `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed with the decoded `whsec_` secret.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `webhook-signature` header value for one attempt.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of every length")
    };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::signing_key;

    /// The test vector of the Standard Webhooks specification (its libraries' tests): a
    /// receiver using any of them verifies what doorstep signs.
    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        let key = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            sign(
                &key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                r#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn every_part_is_signed() {
        let key = [7u8; 32];
        let signed = sign(&key, "msg_1", 1_700_000_000, "{}");
        assert_ne!(signed, sign(&key, "msg_2", 1_700_000_000, "{}"));
        assert_ne!(signed, sign(&key, "msg_1", 1_700_000_001, "{}"));
        assert_ne!(signed, sign(&key, "msg_1", 1_700_000_000, "{ }"));
        assert_ne!(signed, sign(&[8u8; 32], "msg_1", 1_700_000_000, "{}"));
    }
}
