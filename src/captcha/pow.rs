//! The proof-of-work challenge, ALTCHA-compatible: a browser spends a moment of CPU instead of
//! reading a picture, so nobody needs to see to sign up.
//!
//! Issuing stores nothing: the challenge is `SHA-256(salt ‖ number)` for a secret number, and
//! our HMAC over it proves later that we issued it. The salt carries its expiry, which the
//! challenge (and so the signature) covers. Each solved challenge is recorded as spent in the
//! picture challenges' table until it expires, so it works once.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac as _};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::entities::captcha_challenge::{self, Column, Entity as Challenges};
use crate::error::Error;
use crate::random::hex;

/// How long a challenge may be solved and sent; ALTCHA's widget asks again when it runs out.
const LIFETIME: Duration = Duration::minutes(10);
/// A longer payload is not one we issued.
const LONGEST_PAYLOAD: usize = 2048;
const ALGORITHM: &str = "SHA-256";

/// What `GET /auth/challenge` answers: ALTCHA's challenge JSON.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Challenge {
    /// Always `SHA-256`.
    pub algorithm: String,
    /// Hex SHA-256 of `salt` followed by the secret number in decimal.
    pub challenge: String,
    /// Random hex, then `?expires=<unix time>`.
    pub salt: String,
    /// Hex HMAC-SHA256 of `challenge` under the server's key.
    pub signature: String,
    /// The secret number is at most this: the work is about half of it in hashes.
    pub maxnumber: u64,
}

/// What the form's `altcha` field carries, base64-encoded JSON: the challenge and its answer.
#[derive(Debug, Deserialize)]
struct Solution {
    algorithm: String,
    challenge: String,
    number: u64,
    salt: String,
    signature: String,
}

/// The challenge's settings and signing key.
pub struct ProofOfWork {
    key: [u8; 32],
    max_number: u64,
}

impl ProofOfWork {
    /// A challenge signer for `max_number`; `secret` is the server's configured secret (all
    /// instances share it, so any of them verifies what another issued).
    pub fn new(secret: &[u8], max_number: u64) -> ProofOfWork {
        // Its own key, derived: a signature here can never stand in for a cookie's.
        let mut mac = hmac(secret);
        mac.update(b"doorstep proof-of-work key");
        ProofOfWork {
            key: mac.finalize().into_bytes().into(),
            max_number,
        }
    }

    /// A new challenge, valid for ten minutes from `now`.
    pub fn issue(&self, now: DateTime<Utc>) -> Challenge {
        let random: [u8; 12] = crate::random::bytes();
        let expires = (now + LIFETIME).timestamp();
        let salt = format!("{}?expires={expires}", hex(&random));
        let span = self.max_number + 1;
        let number = u64::from_le_bytes(crate::random::bytes()) % span;
        let challenge = hex(&Sha256::digest(format!("{salt}{number}")));
        Challenge {
            algorithm: ALGORITHM.to_owned(),
            signature: self.sign(&challenge),
            challenge,
            salt,
            maxnumber: self.max_number,
        }
    }

    /// Checks a solution and spends its challenge: `captcha_invalid` for anything malformed,
    /// unsigned, wrong, expired or sent before.
    pub async fn verify(
        &self,
        db: &DatabaseConnection,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let (challenge, expires) = self.check(payload, now).ok_or(Error::CaptchaInvalid)?;
        spend(db, &challenge, expires, now).await
    }

    /// The solved challenge and its expiry when it is ours, right and still valid; no database
    /// involved.
    fn check(&self, payload: &str, now: DateTime<Utc>) -> Option<(String, DateTime<Utc>)> {
        let solution = decode(payload)?;
        let expires = expiry(&solution.salt)?;
        let computed = hex(&Sha256::digest(format!(
            "{}{}",
            solution.salt, solution.number
        )));
        let fresh = now < expires && expires <= now + LIFETIME;
        let signed = self
            .sign(&solution.challenge)
            .as_bytes()
            .ct_eq(solution.signature.as_bytes());
        let solved = computed.as_bytes().ct_eq(solution.challenge.as_bytes());
        let right = bool::from(signed & solved);
        (solution.algorithm == ALGORITHM && solution.number <= self.max_number && fresh && right)
            .then_some((solution.challenge, expires))
    }

    fn sign(&self, challenge: &str) -> String {
        let mut mac = hmac(&self.key);
        mac.update(challenge.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Records the solution as spent until its challenge expires; a second record of it finds the
/// first: a replay.
async fn spend(
    db: &DatabaseConnection,
    challenge: &str,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    // The challenge names the record: a solution re-encoded differently is still the same.
    let id = format!("pow:{}", crate::random::digest(challenge));
    let spent = captcha_challenge::ActiveModel {
        id: Set(id),
        // No answer: nothing here can be solved as a picture.
        answer_hash: Set(String::new()),
        png: Set(Vec::new()),
        created_at: Set(now),
        expires_at: Set(expires),
        used_at: Set(Some(now)),
    };
    let inserted = Challenges::insert(spent)
        .on_conflict(OnConflict::column(Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        Ok(())
    } else {
        Err(Error::CaptchaInvalid)
    }
}

fn decode(payload: &str) -> Option<Solution> {
    let payload = payload.trim();
    if payload.len() > LONGEST_PAYLOAD {
        return None;
    }
    let json = STANDARD
        .decode(payload)
        .or_else(|_| URL_SAFE.decode(payload))
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// The `expires` of a salt like `3f9a…?expires=1764850000`.
fn expiry(salt: &str) -> Option<DateTime<Utc>> {
    let (_, query) = salt.split_once('?')?;
    let seconds = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "expires")?
        .1
        .parse()
        .ok()?;
    DateTime::from_timestamp(seconds, 0)
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the browser's script does: try every number until the hash matches.
    fn solve(challenge: &Challenge) -> String {
        let number = (0..=challenge.maxnumber)
            .find(|n| hex(&Sha256::digest(format!("{}{n}", challenge.salt))) == challenge.challenge)
            .expect("the number is in range");
        encode(challenge, number)
    }

    fn encode(challenge: &Challenge, number: u64) -> String {
        let solution = serde_json::json!({
            "algorithm": challenge.algorithm,
            "challenge": challenge.challenge,
            "number": number,
            "salt": challenge.salt,
            "signature": challenge.signature,
        });
        STANDARD.encode(solution.to_string())
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn a_solved_challenge_passes_until_it_expires() {
        let pow = ProofOfWork::new(b"secret", 500);
        let challenge = pow.issue(now());
        assert_eq!(challenge.algorithm, "SHA-256");
        assert!(
            challenge
                .salt
                .ends_with(&format!("?expires={}", 1_790_000_600))
        );
        let payload = solve(&challenge);
        assert!(pow.check(&payload, now()).is_some());
        assert!(pow.check(&payload, now() + Duration::minutes(9)).is_some());
        assert!(pow.check(&payload, now() + LIFETIME).is_none(), "expired");
    }

    #[test]
    fn wrong_forged_or_foreign_solutions_fail() {
        let pow = ProofOfWork::new(b"secret", 500);
        let challenge = pow.issue(now());
        let payload = solve(&challenge);
        let number =
            serde_json::from_slice::<serde_json::Value>(&STANDARD.decode(&payload).unwrap())
                .unwrap()["number"]
                .as_u64()
                .unwrap();
        assert!(
            pow.check(&encode(&challenge, number + 1), now()).is_none(),
            "wrong number"
        );
        let other_server = ProofOfWork::new(b"another secret", 500);
        assert!(
            other_server.check(&payload, now()).is_none(),
            "signed elsewhere"
        );
        // Anyone can make a challenge with a far expiry, but not sign it.
        let mut forged = challenge.clone();
        forged.salt = "00?expires=9999999999".into();
        forged.challenge = hex(&Sha256::digest(format!("{}7", forged.salt)));
        assert!(pow.check(&encode(&forged, 7), now()).is_none(), "unsigned");
        for junk in ["", "not base64!", "e30=", &"A".repeat(4000)] {
            assert!(pow.check(junk, now()).is_none(), "{junk:.20}");
        }
    }

    #[test]
    fn numbers_spread_over_the_whole_range() {
        let pow = ProofOfWork::new(b"secret", 3);
        let mut seen = [false; 4];
        for _ in 0..200 {
            let challenge = pow.issue(now());
            let payload = solve(&challenge);
            let json: serde_json::Value =
                serde_json::from_slice(&STANDARD.decode(payload).unwrap()).unwrap();
            seen[json["number"].as_u64().unwrap() as usize] = true;
        }
        assert_eq!(seen, [true; 4]);
    }
}
