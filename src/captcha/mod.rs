//! Captchas in front of mail-sending forms: a remote service's widget, doorstep's own PNG
//! challenge, its proof-of-work challenge, or several.

pub mod image;
pub mod pow;
pub mod remote;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use crate::error::Error;
use crate::metrics::{self, CaptchaKind, CaptchaOutcome};

/// The captcha fields of a sign-up or reset body, form or JSON alike.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct CaptchaFields {
    /// The remote widget's token: `g-recaptcha-response` in forms, `grecaptcharesponse` in JSON
    /// (`h-captcha-response` and `cf-turnstile-response` are accepted too).
    #[serde(
        default,
        rename = "g-recaptcha-response",
        alias = "grecaptcharesponse",
        alias = "h-captcha-response",
        alias = "cf-turnstile-response",
        deserialize_with = "crate::fields::text"
    )]
    pub response: String,
    /// The picture challenge's `id` (from `GET /auth/captcha` or the form).
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub captcha_id: String,
    /// The characters in the picture.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub captcha_answer: String,
    /// A solved proof-of-work challenge (`GET /auth/challenge`): base64 of ALTCHA's JSON
    /// `{"algorithm", "challenge", "number", "salt", "signature"}`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub altcha: String,
}

/// The captchas the configuration asks for.
pub struct Captchas {
    remote: Option<remote::RemoteVerifier>,
    image: bool,
    pow: Option<pow::ProofOfWork>,
}

impl Captchas {
    /// Builds the verifiers; fails when the remote verifier's HTTP client cannot be built.
    /// `secret` signs proof-of-work challenges (the server's configured secret key).
    pub fn from_settings(
        settings: &crate::config::Captcha,
        secret: &[u8],
    ) -> Result<Captchas, String> {
        let remote = match &settings.remote {
            Some(remote) => Some(remote::RemoteVerifier::new(remote)?),
            None => None,
        };
        Ok(Captchas {
            remote,
            image: settings.image,
            pow: settings
                .pow
                .map(|max_number| pow::ProofOfWork::new(secret, max_number)),
        })
    }

    /// Checks every configured captcha: a missing answer is `captcha_required`, a wrong one
    /// `captcha_invalid`, a remote service that cannot answer `unavailable` (fail closed: an
    /// outage must not open the door to bots).
    ///
    /// With both the picture and the proof of work on, either one passes: the proof of work is
    /// there for people who cannot see the picture. A remote captcha is checked besides.
    pub async fn check(
        &self,
        db: &DatabaseConnection,
        fields: &CaptchaFields,
        client_ip: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        // Every answer must be present before any is spent: a half-filled form burns nothing.
        let local = self.local_answer(fields);
        let local_missing = matches!(local, Some(None));
        let remote_missing = self.remote.is_some() && fields.response.trim().is_empty();
        if local_missing {
            let kind = if self.image {
                CaptchaKind::Image
            } else {
                CaptchaKind::Pow
            };
            metrics::captcha_checked(kind, CaptchaOutcome::Missing);
        }
        if let Some(remote) = self.remote.as_ref().filter(|_| remote_missing) {
            metrics::captcha_checked(remote.kind(), CaptchaOutcome::Missing);
        }
        if local_missing || remote_missing {
            return Err(Error::CaptchaRequired);
        }
        // The local check first: a bot that cannot read the image costs the provider nothing.
        match (local.flatten(), &self.pow) {
            (Some(CaptchaKind::Pow), Some(pow)) => {
                counted(CaptchaKind::Pow, pow.verify(db, &fields.altcha, now).await)?;
            }
            (Some(_), _) => {
                let solved =
                    image::solve(db, &fields.captcha_id, &fields.captcha_answer, now).await;
                counted(CaptchaKind::Image, solved)?;
            }
            (None, _) => {}
        }
        if let Some(remote) = &self.remote {
            counted(
                remote.kind(),
                remote.verify(&fields.response, client_ip).await,
            )?;
        }
        Ok(())
    }

    /// Which local challenge the answer is for: `None` when neither is on, `Some(None)` when
    /// one is on and no answer came. The proof of work wins when both are answered.
    fn local_answer(&self, fields: &CaptchaFields) -> Option<Option<CaptchaKind>> {
        if !self.image && self.pow.is_none() {
            return None;
        }
        let pictured =
            !fields.captcha_id.trim().is_empty() && !fields.captcha_answer.trim().is_empty();
        let worked = !fields.altcha.trim().is_empty();
        Some(
            match (self.pow.is_some() && worked, self.image && pictured) {
                (true, _) => Some(CaptchaKind::Pow),
                (false, true) => Some(CaptchaKind::Image),
                (false, false) => None,
            },
        )
    }

    /// What a page needs to render the widget(s), for templates and JSON clients.
    pub fn widget(&self) -> Value {
        json!({
            "remote": self.remote.as_ref().map(remote::RemoteVerifier::widget),
            "image": self.image,
            "pow": self.pow.is_some(),
        })
    }

    /// Whether doorstep's own PNG challenge is on.
    pub fn image_enabled(&self) -> bool {
        self.image
    }

    /// The proof-of-work challenge, when it is on.
    pub fn pow(&self) -> Option<&pow::ProofOfWork> {
        self.pow.as_ref()
    }
}

/// Counts a check's outcome and passes it on.
fn counted(kind: CaptchaKind, checked: Result<(), Error>) -> Result<(), Error> {
    let outcome = match &checked {
        Ok(()) => CaptchaOutcome::Passed,
        Err(Error::CaptchaInvalid) => CaptchaOutcome::Failed,
        Err(Error::CaptchaRequired) => CaptchaOutcome::Missing,
        Err(_) => CaptchaOutcome::Error,
    };
    metrics::captcha_checked(kind, outcome);
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_from_forms_and_json() {
        let form: CaptchaFields = serde_urlencoded::from_str(
            "g-recaptcha-response=tok&captcha_id=abc&captcha_answer=xyz",
        )
        .unwrap();
        assert_eq!(
            (
                form.response.as_str(),
                form.captcha_id.as_str(),
                form.captcha_answer.as_str()
            ),
            ("tok", "abc", "xyz")
        );
        for name in [
            "grecaptcharesponse",
            "h-captcha-response",
            "cf-turnstile-response",
        ] {
            let json: CaptchaFields =
                serde_json::from_value(json!({ name: "tok", "captcha_id": null })).unwrap();
            assert_eq!(json.response, "tok", "{name}");
            assert_eq!(json.captcha_id, "");
        }
    }

    #[test]
    fn fields_flattened_into_a_form() {
        #[derive(serde::Deserialize)]
        struct Form {
            email: String,
            #[serde(flatten)]
            captcha: CaptchaFields,
        }
        let form: Form =
            serde_urlencoded::from_str("email=a%40b.c&g-recaptcha-response=tok&captcha_id=i")
                .unwrap();
        assert_eq!(form.email, "a@b.c");
        assert_eq!(
            (form.captcha.response, form.captcha.captcha_id),
            ("tok".into(), "i".into())
        );
        let json: Form =
            serde_json::from_value(json!({"email": "a@b.c", "grecaptcharesponse": "tok"})).unwrap();
        assert_eq!(json.captcha.response, "tok");
    }

    #[tokio::test]
    async fn missing_answers_are_required_and_nothing_configured_passes() {
        let none = Captchas::from_settings(&crate::config::Captcha::default(), b"key").unwrap();
        let db = sea_orm::DatabaseConnection::default();
        let now = Utc::now();
        let empty = CaptchaFields::default();
        assert!(none.check(&db, &empty, None, now).await.is_ok());
        assert_eq!(
            none.widget(),
            json!({ "remote": null, "image": false, "pow": false })
        );
        let image = Captchas {
            remote: None,
            image: true,
            pow: None,
        };
        let half = CaptchaFields {
            captcha_id: "some-id".into(),
            ..CaptchaFields::default()
        };
        let err = image.check(&db, &half, None, now).await.unwrap_err();
        assert_eq!(err.code(), "captcha_required");
        assert!(image.image_enabled());
    }
}
