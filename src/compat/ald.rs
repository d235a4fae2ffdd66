//! ALD's registration API: its fields in, doorstep's pictured sign-up (`accounts::pictured`)
//! and its confirmation out, in ALD's words.
//!
//! A registration starts a session whose id (the sign-up's registration handle) only the mail
//! carries; the code is shown as a picture at that id, and the code read from it confirms the
//! address. ALD's `name` is the username; its wire has no other names, so the account has none.
//! A signed-in inviter (ALD's privileged member) may start the session for someone else: then
//! no password is taken from the inviter, the invitee chooses it when verifying, and only such
//! an inviter may add words (`template`) to the mail. Refusals have doorstep's error shape; a
//! wrong code is `captcha_invalid` (the code is a picture to ALD's clients).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator as _;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::accounts::{self, Context, Pictured, SignUpForm, Terms, pictured};
use crate::captcha::{CaptchaFields, image};
use crate::entities::account;
use crate::error::Error;
use crate::limits::ClientAddress;

/// `POST /users/register`, form or JSON alike.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = AldRegister)]
pub struct Register {
    /// The new user name: the account's username while `doorstep.auth.username` is
    /// `optional` or `required` (ignored when `off`).
    #[schema(example = "ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub name: String,
    /// The address the verification mail goes to.
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub mail: String,
    /// The password wanted; not taken from a signed-in inviter (the invitee chooses it when
    /// verifying).
    #[schema(example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// `password` again, typed independently: it must match exactly.
    #[schema(example = "correct horse battery staple")]
    #[serde(
        default,
        rename = "password-alt",
        deserialize_with = "crate::fields::text"
    )]
    pub password_alt: String,
    /// Words for the verification mail, from a signed-in inviter or admin only (anyone else:
    /// 403 `forbidden`). Plain text, shown escaped inside doorstep's own mail, which names the
    /// inviter. `{%NAME%}`, `{%MAIL%}` and `{%ID%}` are replaced by the user name, the address
    /// and the session id; `{%PASSWORD%}` by nothing (no password is ever mailed).
    #[schema(example = "Welcome to the lab, {%NAME%}!")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub template: String,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// `POST /users/register/verify/<id>`, form or JSON alike.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = AldVerify)]
pub struct Verify {
    /// The code read from the session's picture.
    #[schema(required = true, example = "482913")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    /// The password, for a session an inviter started (ignored otherwise).
    #[schema(example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

/// A registration taken: the mail with the session id is on its way.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AldSent)]
pub struct Sent {
    status: SentStatus,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AldSentStatus)]
#[serde(rename_all = "snake_case")]
enum SentStatus {
    /// Said for every address, whether or not it has an account (its owner is told by mail).
    VerificationSent,
}

/// A session verified: the account exists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AldVerified)]
pub struct Verified {
    status: VerifiedStatus,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AldVerifiedStatus)]
#[serde(rename_all = "snake_case")]
enum VerifiedStatus {
    /// The account may sign in.
    Registered,
    /// The account exists and waits for an admin's approval (`doorstep.auth.approval`).
    PendingApproval,
}

/// A refusal: doorstep's error shape, with ALD's field names.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AldRefusal)]
pub struct Refusal {
    /// Stable: clients branch on it. A wrong code is `captcha_invalid`.
    #[schema(schema_with = error_codes)]
    error: &'static str,
    /// For people; the wording may change.
    message: String,
    /// The fields at fault and why, by ALD's names (`mail`, `name`, `password-alt`, `token`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<&'static str, &'static str>,
    /// With `captcha_invalid` for a wrong code: how many more tries it takes (0: used up).
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts_left: Option<u32>,
}

impl Refusal {
    pub fn of(error: &Error) -> Refusal {
        Refusal {
            error: code(error),
            message: error.to_string(),
            fields: error
                .fields()
                .into_iter()
                .map(|(field, reason)| (wire_name(field), reason))
                .collect(),
            attempts_left: error.attempts_left(),
        }
    }
}

/// Starts a registration session, with every check of a sign-up (captcha, limits, domains,
/// password rules) before anything is stored. `inviter`: the signed-in inviter or admin who
/// starts it for someone else, if one does.
pub async fn register(
    ctx: &Context,
    request: Register,
    inviter: Option<&account::Model>,
    language: Option<&'static str>,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<Sent, Error> {
    let template = Some(request.template).filter(|text| !text.trim().is_empty());
    if template.is_some() && inviter.is_none() {
        return Err(Error::Forbidden);
    }
    let (name, mail) = (request.name, request.mail);
    let note = template.map(|template| {
        let (name, mail) = (name.clone(), mail.clone());
        move |session: &str| fill(&template, &name, &mail, session)
    });
    let terms = Terms {
        nameless: true,
        pictured: Some(Pictured {
            inviter,
            note: note
                .as_ref()
                .map(|note| note as &(dyn Fn(&str) -> String + Sync)),
        }),
        ..Terms::default()
    };
    // An inviter's password fields are not the invitee's: the invitee chooses one when
    // verifying.
    let (password, password_again) = match inviter {
        Some(_) => (String::new(), None),
        None => (request.password, Some(request.password_alt)),
    };
    let form = SignUpForm {
        username: name,
        email: mail,
        password,
        password_again,
        captcha: request.captcha,
        language,
        ..SignUpForm::default()
    };
    accounts::sign_up_on(ctx, form, terms, client, now).await?;
    Ok(Sent {
        status: SentStatus::VerificationSent,
    })
}

/// The picture of a session's code; `not_found` when there is none to show.
pub async fn token_picture(
    ctx: &Context,
    session: &str,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, Error> {
    let code = pictured::code_to_show(ctx, session, now).await?;
    image::picture(&code).await
}

/// Verifies a session with the code read from its picture.
pub async fn verify(
    ctx: &Context,
    session: &str,
    request: Verify,
    now: DateTime<Utc>,
) -> Result<Verified, Error> {
    let confirmed = pictured::confirm(ctx, session, &request.token, &request.password, now).await?;
    let status = match confirmed.awaiting_approval {
        true => VerifiedStatus::PendingApproval,
        false => VerifiedStatus::Registered,
    };
    Ok(Verified { status })
}

/// ALD's template variables, replaced in one pass (a value is never itself searched for
/// variables); `{%PASSWORD%}` by nothing: doorstep mails no password.
fn fill(template: &str, name: &str, mail: &str, session: &str) -> String {
    let variables = [
        ("{%NAME%}", name),
        ("{%MAIL%}", mail),
        ("{%ID%}", session),
        ("{%PASSWORD%}", ""),
    ];
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{%") {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match variables.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push_str("{%");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// doorstep's code for a refusal, except a wrong code: ALD's clients read it from a picture.
fn code(error: &Error) -> &'static str {
    match error {
        Error::CodeInvalid { .. } => Error::CaptchaInvalid.code(),
        other => other.code(),
    }
}

/// doorstep's field names as ALD's requests name them.
fn wire_name(field: &'static str) -> &'static str {
    match field {
        "email" => "mail",
        "username" => "name",
        "password_again" => "password-alt",
        "code" => "token",
        other => other,
    }
}

/// Every `error` a refusal can carry, so the description cannot miss one.
fn error_codes() -> Schema {
    let mut codes: Vec<&str> = Vec::new();
    for error in Error::iter() {
        let code = code(&error);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_replaced_once_and_the_password_never() {
        let filled = fill(
            "Hi {%NAME%} <{%MAIL%}>: session {%ID%}, password '{%PASSWORD%}' {%OTHER%} {%",
            "{%ID%}",
            "ada@example.com",
            "s3ss10n",
        );
        assert_eq!(
            filled,
            "Hi {%ID%} <ada@example.com>: session s3ss10n, password '' {%OTHER%} {%"
        );
    }

    #[test]
    fn refusals_speak_alds_names() {
        let wrong = Refusal::of(&Error::CodeInvalid { attempts_left: 3 });
        assert_eq!(
            (wrong.error, wrong.attempts_left),
            ("captcha_invalid", Some(3))
        );
        let mismatch = Refusal::of(&Error::invalid("password_again", "mismatch"));
        assert_eq!(
            mismatch.fields,
            BTreeMap::from([("password-alt", "mismatch")])
        );
        assert_eq!(wire_name("email"), "mail");
        assert_eq!(wire_name("username"), "name");
        assert_eq!(wire_name("code"), "token");
    }
}
