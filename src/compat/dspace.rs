//! DSpace 7's eperson registrations API: its JSON in, doorstep's email-first sign-up and
//! password reset, its JSON out.
//!
//! `accountRequestType=register` is an email-first sign-up whatever doorstep's own form does
//! (DSpace takes the address first, the details with the mailed token), `forgot` a reset;
//! both mails link to the DSpace UI's `/register/<token>` and `/forgot/<token>`. An eperson
//! is named by its account's public id (`accounts::public_id`), never by the integer id.
//! Refusals carry DSpace's statuses (Spring's error body is built by the web edge).

mod wire;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use wire::{
    EPerson, Href, MetadataEntry, MetadataValue, NewEPerson, NewRegistration, PatchOperation,
    Registration, SelfLink,
};

use crate::accounts::email_first::{self, CompleteForm};
use crate::accounts::link::{self, LinkFor};
use crate::accounts::password_reset::{self, NewPasswordForm, ResetRequestForm};
use crate::accounts::signup::sign_up_by_address;
use crate::accounts::{Context, SignUpForm, public_id};
use crate::captcha::CaptchaFields;
use crate::entities::account::{self, State};
use crate::error::Error;
use crate::limits::ClientAddress;
use crate::links::{LinkPages, Links};

/// `accountRequestType`: what a new registration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestType {
    Register,
    Forgot,
}

impl RequestType {
    /// The query parameter as sent (case does not matter, as in DSpace); missing or another
    /// value is refused with DSpace's 400.
    pub fn parse(sent: Option<&str>) -> Result<RequestType, Error> {
        match sent.map(str::trim) {
            Some(kind) if kind.eq_ignore_ascii_case("register") => Ok(RequestType::Register),
            Some(kind) if kind.eq_ignore_ascii_case("forgot") => Ok(RequestType::Forgot),
            Some(kind) if !kind.is_empty() => {
                Err(Error::invalid("accountRequestType", "unsupported"))
            }
            _ => Err(Error::invalid("accountRequestType", "required")),
        }
    }
}

/// What a refusal is about, for its status: DSpace answers the same doorstep error
/// differently on different routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `POST /api/eperson/registrations`
    Request,
    /// `GET /api/eperson/registrations/search/findByToken`
    FindByToken,
    /// `POST /api/eperson/epersons?token=…`
    CreateEPerson,
    /// `PATCH /api/eperson/epersons/<uuid>?token=…`
    SetPassword,
}

/// A refusal in DSpace's terms: its status, a message for people, and when to try again.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
    pub retry_after: Option<std::time::Duration>,
}

impl Refusal {
    pub fn of(error: &Error, call: Call) -> Refusal {
        let fields = error.fields();
        let message = if fields.is_empty() {
            error.to_string()
        } else {
            let named: Vec<String> = fields
                .iter()
                .map(|(field, reason)| format!("{field} ({reason})"))
                .collect();
            format!("{} {}", error, named.join(", "))
        };
        Refusal {
            status: status(error, call),
            message,
            retry_after: error.retry_after(),
        }
    }

    /// DSpace's answer to the registrations it does not list or show.
    pub fn method_not_allowed() -> Refusal {
        Refusal {
            status: 405,
            message: "Method is not allowed or supported: registrations are only found by \
                      their token"
                .to_owned(),
            retry_after: None,
        }
    }
}

/// DSpace's status for a doorstep refusal on `call`.
fn status(error: &Error, call: Call) -> u16 {
    match (error, call) {
        (Error::InvalidRequest(fields), Call::Request) if fields.contains_key(QUERY) => 400,
        // The address differs from the token's: DSpace's bad request, not a bad entity.
        (Error::InvalidRequest(fields), Call::CreateEPerson) if fields.contains_key("email") => 400,
        (Error::InvalidRequest(_), Call::FindByToken | Call::SetPassword) => 400,
        (Error::InvalidRequest(_) | Error::WeakPassword(_) | Error::DomainNotAllowed, _) => 422,
        (Error::CaptchaRequired | Error::CaptchaInvalid, _) => 403,
        (Error::SignupDisabled | Error::PasswordResetDisabled, Call::CreateEPerson) => 400,
        (Error::SignupDisabled | Error::PasswordResetDisabled, _) => 401,
        (Error::TokenInvalid | Error::TokenExpired, Call::CreateEPerson) => 400,
        // DSpace refuses a token it cannot tie to the eperson as it refuses access.
        (Error::TokenInvalid | Error::TokenExpired, Call::SetPassword) => 401,
        (Error::TokenInvalid | Error::TokenExpired, _) => 404,
        (other, _) => other.status(),
    }
}

/// The query parameter that says what a registration is for.
const QUERY: &str = "accountRequestType";

/// Starts a registration or a reset. The same for every address, known or not: a known
/// address gets doorstep's "you already have an account" mail on `register`, an unknown one
/// no mail on `forgot`. `captcha_payload` is DSpace's captcha header, which answers whichever
/// captcha the configuration asks for when the body carries no answer.
pub async fn request(
    ctx: &Context,
    kind: RequestType,
    body: NewRegistration,
    captcha_payload: Option<&str>,
    language: Option<&'static str>,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let captcha = with_header(body.captcha, captcha_payload);
    match kind {
        RequestType::Register => {
            let form = SignUpForm {
                email: body.email,
                captcha,
                language,
                ..SignUpForm::default()
            };
            sign_up_by_address(ctx, form, LinkPages::DSpace, client, now).await?;
        }
        RequestType::Forgot => {
            let form = ResetRequestForm {
                email: body.email,
                captcha,
                ..ResetRequestForm::default()
            };
            password_reset::request_reset_link(ctx, form, LinkPages::DSpace, client, now).await?;
        }
    }
    Ok(())
}

/// The header's answer where the body has none: as the remote widget's token, and as a
/// solved proof of work (ALTCHA's payload, which DSpace 8 sends in the same header); each
/// check reads its own field only.
fn with_header(mut fields: CaptchaFields, header: Option<&str>) -> CaptchaFields {
    let Some(answer) = header.map(str::trim).filter(|answer| !answer.is_empty()) else {
        return fields;
    };
    if fields.response.is_empty() {
        fields.response = answer.to_owned();
    }
    if fields.altcha.is_empty() {
        fields.altcha = answer.to_owned();
    }
    fields
}

/// What a mailed token is for: a new registration (`user` null) or the reset of an eperson.
/// 404 for a token that does not work (used, expired, unknown).
pub async fn find_by_token(
    ctx: &Context,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Registration, Error> {
    let token = token.unwrap_or_default();
    if token.trim().is_empty() {
        return Err(Error::invalid("token", "required"));
    }
    let registration = match link::lookup(ctx, token, now).await? {
        Some(LinkFor::Signup { email }) => Registration::new(&ctx.links, email, None, "REGISTER"),
        Some(LinkFor::Reset { account_id, email }) => {
            let user = public_id::of(&ctx.db, account_id).await?;
            let user = Some(user.ok_or(Error::NotFound)?);
            Registration::new(&ctx.links, email, user, "FORGOT")
        }
        None => return Err(Error::NotFound),
    };
    Ok(registration)
}

impl Registration {
    fn new(
        links: &Links,
        email: String,
        user: Option<String>,
        registration_type: &'static str,
    ) -> Registration {
        Registration {
            id: None,
            email,
            user,
            registration_type,
            net_id: None,
            kind: "registration",
            links: SelfLink::at(format!("{}{REGISTRATIONS}", links.dspace_api())),
        }
    }
}

const REGISTRATIONS: &str = "/eperson/registrations";
const EPERSONS: &str = "/eperson/epersons";

impl SelfLink {
    fn at(href: String) -> SelfLink {
        SelfLink {
            this: Href { href },
        }
    }
}

/// Completes a registration: the token's sign-up gets its names and password and becomes the
/// account, by the same rules as doorstep's email-first completion.
pub async fn create_eperson(
    ctx: &Context,
    token: Option<&str>,
    body: NewEPerson,
    now: DateTime<Utc>,
) -> Result<EPerson, Error> {
    let form = CompleteForm {
        token: token.unwrap_or_default().to_owned(),
        firstname: body.first("eperson.firstname"),
        lastname: body.first("eperson.lastname"),
        password: body.password.clone(),
        ..CompleteForm::default()
    };
    let made = email_first::complete_by_link(ctx, &form, Some(&body.email), now)
        .await
        .map_err(|failed| failed.error)?;
    eperson(ctx, made).await
}

/// Sets a new password with a forgot token, for the eperson the path names.
pub async fn set_password(
    ctx: &Context,
    uuid: &str,
    token: Option<&str>,
    operations: Vec<PatchOperation>,
    now: DateTime<Utc>,
) -> Result<EPerson, Error> {
    let form = NewPasswordForm {
        token: token.unwrap_or_default().to_owned(),
        password: new_password(&operations)?,
        ..NewPasswordForm::default()
    };
    let account = password_reset::reset_password_of(ctx, uuid, form, now)
        .await
        .map_err(|failed| failed.error)?;
    eperson(ctx, account).await
}

/// The password of the patch's `/password` operation. A token only changes the password, so
/// a patch without one is refused.
fn new_password(operations: &[PatchOperation]) -> Result<String, Error> {
    let operation = operations
        .iter()
        .find(|operation| operation.path.trim().eq_ignore_ascii_case("/password"))
        .ok_or_else(|| Error::invalid("path", "password_required"))?;
    if !matches!(operation.op.trim(), "add" | "replace") {
        return Err(Error::invalid("op", "unsupported"));
    }
    let password = match &operation.value {
        Value::Object(value) => value.get("new_password").and_then(Value::as_str),
        Value::String(password) => Some(password.as_str()),
        _ => None,
    };
    match password {
        Some(password) if password.contains('\0') => Err(Error::invalid("value", "nul_character")),
        Some(password) if !password.trim().is_empty() => Ok(password.to_owned()),
        _ => Err(Error::invalid("password", "required")),
    }
}

/// The account as DSpace shows an eperson.
async fn eperson(ctx: &Context, account: account::Model) -> Result<EPerson, Error> {
    let id = public_id::of(&ctx.db, account.id)
        .await?
        .ok_or(Error::Internal)?;
    let mut metadata = BTreeMap::new();
    metadata.insert(
        "eperson.firstname",
        vec![MetadataValue::of(account.first_name)],
    );
    metadata.insert(
        "eperson.lastname",
        vec![MetadataValue::of(account.last_name)],
    );
    if let Some(language) = account.language {
        metadata.insert("eperson.language", vec![MetadataValue::of(language)]);
    }
    Ok(EPerson {
        links: SelfLink::at(format!("{}{EPERSONS}/{id}", ctx.links.dspace_api())),
        uuid: id.clone(),
        id,
        name: account.email.clone(),
        handle: None,
        metadata,
        netid: None,
        last_active: None,
        can_log_in: account.state == State::Active,
        email: account.email,
        require_certificate: false,
        self_registered: true,
        kind: "eperson",
    })
}

impl MetadataValue {
    fn of(value: String) -> MetadataValue {
        MetadataValue {
            value,
            language: None,
            authority: None,
            confidence: -1,
            place: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_request_type_is_register_or_forgot() {
        assert_eq!(
            RequestType::parse(Some("register")).unwrap(),
            RequestType::Register
        );
        assert_eq!(
            RequestType::parse(Some("FORGOT")).unwrap(),
            RequestType::Forgot
        );
        for (sent, reason) in [
            (None, "required"),
            (Some(""), "required"),
            (Some("delete"), "unsupported"),
        ] {
            let error = RequestType::parse(sent).unwrap_err();
            assert_eq!(error.fields(), BTreeMap::from([(QUERY, reason)]));
            assert_eq!(Refusal::of(&error, Call::Request).status, 400);
        }
    }

    #[test]
    fn statuses_are_dspaces() {
        let bad_email = Error::invalid("email", "invalid");
        assert_eq!(status(&bad_email, Call::Request), 422);
        assert_eq!(status(&Error::DomainNotAllowed, Call::Request), 422);
        assert_eq!(status(&Error::SignupDisabled, Call::Request), 401);
        assert_eq!(status(&Error::PasswordResetDisabled, Call::Request), 401);
        assert_eq!(status(&Error::CaptchaRequired, Call::Request), 403);
        assert_eq!(status(&Error::NotFound, Call::FindByToken), 404);
        assert_eq!(status(&Error::TokenExpired, Call::FindByToken), 404);
        let mismatch = Error::invalid("email", "mismatch");
        assert_eq!(status(&mismatch, Call::CreateEPerson), 400);
        assert_eq!(status(&Error::TokenInvalid, Call::CreateEPerson), 400);
        assert_eq!(
            status(&Error::WeakPassword("too_short"), Call::CreateEPerson),
            422
        );
        let nameless = Error::invalid("firstname", "required");
        assert_eq!(status(&nameless, Call::CreateEPerson), 422);
        assert_eq!(status(&Error::TokenInvalid, Call::SetPassword), 401);
        assert_eq!(
            status(&Error::WeakPassword("too_common"), Call::SetPassword),
            422
        );
        let refusal = Refusal::of(&bad_email, Call::Request);
        assert!(
            refusal.message.contains("email (invalid)"),
            "{}",
            refusal.message
        );
    }

    fn operation(op: &str, path: &str, value: Value) -> PatchOperation {
        PatchOperation {
            op: op.into(),
            path: path.into(),
            value,
        }
    }

    #[test]
    fn the_patch_carries_the_new_password() {
        let current = operation("add", "/password", json!({"new_password": "s3cret pass"}));
        assert_eq!(new_password(&[current]).unwrap(), "s3cret pass");
        let older = operation("replace", "/password", json!("s3cret pass"));
        assert_eq!(new_password(&[older]).unwrap(), "s3cret pass");
        let other = operation("add", "/email", json!("x@example.com"));
        assert!(new_password(&[other]).is_err());
        let removal = operation("remove", "/password", Value::Null);
        assert!(new_password(&[removal]).is_err());
        let empty = operation("add", "/password", json!({"new_password": " "}));
        assert!(new_password(&[empty]).is_err());
    }

    #[test]
    fn the_header_answers_only_where_the_body_does_not() {
        let fields = with_header(CaptchaFields::default(), Some(" t0ken "));
        assert_eq!(
            (fields.response.as_str(), fields.altcha.as_str()),
            ("t0ken", "t0ken")
        );
        let sent = CaptchaFields {
            response: "body".into(),
            ..CaptchaFields::default()
        };
        let fields = with_header(sent, Some("header"));
        assert_eq!(
            (fields.response.as_str(), fields.altcha.as_str()),
            ("body", "header")
        );
        assert!(
            with_header(CaptchaFields::default(), Some(""))
                .response
                .is_empty()
        );
    }

    #[test]
    fn names_come_from_the_first_metadata_values() {
        let body: NewEPerson = serde_json::from_value(json!({
            "metadata": {
                "eperson.firstname": [{"value": "Ada"}],
                "eperson.lastname": [{"value": "Lovelace"}, {"value": "Byron"}],
                "eperson.phone": [{"value": null}]
            },
            "email": "ada@example.com",
            "password": "pw",
            "canLogIn": true,
            "requireCertificate": false
        }))
        .unwrap();
        assert_eq!(body.first("eperson.firstname"), "Ada");
        assert_eq!(body.first("eperson.lastname"), "Lovelace");
        assert_eq!(body.first("eperson.phone"), "");
        assert_eq!(body.first("eperson.language"), "");
    }
}
