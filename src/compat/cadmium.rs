//! Cadmium's in-band registration (CPE#3): its message envelope in, doorstep's sign-up and
//! confirmation by code, its envelope out.
//!
//! Every envelope of a known type is answered with an envelope (`ok` true or false; the web
//! edge sends it with 200). A refusal's `errID` is `urn:cadmium:profile:register:<code>` with
//! doorstep's stable code, except the two ids CPE#3 names itself: `id_exists` for a taken
//! username (an address that has an account is never reported: it gets the same reply as a new
//! one, and its owner a mail) and `reg_disabled`. Cadmium's wire has no names, so the account
//! has none.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use strum::IntoEnumIterator as _;
use utoipa::ToSchema;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};

use crate::accounts::session::find_by_login;
use crate::accounts::username::asked_for;
use crate::accounts::{self, Context, Proof, SignUpForm, Terms, registration};
use crate::captcha::CaptchaFields;
use crate::error::Error;
use crate::limits::ClientAddress;

/// The message type of a registration.
pub const REGISTER: &str = "urn:cadmium:profile:register";
/// The message type of the email confirmation extension (CPE#3's own TODO).
pub const CONFIRM: &str = "urn:cadmium:profile:register:confirm";

/// A Cadmium message as a client sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CadmiumEnvelope)]
pub struct Envelope {
    /// The client's id for the message, echoed in the reply.
    #[schema(example = "abcd")]
    pub id: String,
    /// `urn:cadmium:profile:register` or `urn:cadmium:profile:register:confirm`.
    #[serde(rename = "type")]
    #[schema(example = "urn:cadmium:profile:register")]
    pub kind: String,
    /// The servers the message is meant for; not checked: this server answers what reaches it.
    #[serde(default)]
    #[schema(example = json!(["cadmium.org"]))]
    pub to: Option<Vec<String>>,
    /// `CadmiumRegister` or `CadmiumConfirm`, as `type` says.
    #[schema(schema_with = request_payloads)]
    pub payload: Map<String, Value>,
}

/// The payload of `urn:cadmium:profile:register`. The captcha the configuration asks for is
/// answered with doorstep's captcha fields inside this payload.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CadmiumRegister)]
pub struct RegisterPayload {
    /// The username wanted, when `doorstep.auth.username` is `optional` or `required`
    /// (ignored when `off`).
    #[schema(example = "juliet")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    /// Exactly one of `type` `email` is required; `msisdn` (and any other type) is ignored.
    #[serde(default, rename = "thirdPIDs")]
    pub third_pids: Vec<ThirdPid>,
    #[schema(example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// Sign in when the address is confirmed: the confirmation's reply then carries
    /// `loginPayload`.
    #[serde(
        default,
        rename = "loginOnSuccess",
        deserialize_with = "crate::fields::flag"
    )]
    pub login_on_success: bool,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// A third-party id: an address, or a phone number (which doorstep does not take).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CadmiumThirdPid)]
pub struct ThirdPid {
    #[serde(rename = "type", deserialize_with = "crate::fields::text")]
    #[schema(example = "email")]
    pub kind: String,
    #[serde(deserialize_with = "crate::fields::text")]
    #[schema(example = "juliet@capulett.com")]
    pub value: String,
}

/// The payload of `urn:cadmium:profile:register:confirm`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = CadmiumConfirm)]
pub struct ConfirmPayload {
    /// The `registration` of the registration's reply: it names the sign-up, and thereby its
    /// address.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub registration: String,
    /// The code of the latest confirmation mail.
    #[schema(example = "042917")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub code: String,
    /// Another username, after this confirmation answered `id_exists` (another account took
    /// the one asked for first).
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
}

/// The server's reply envelope.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CadmiumMessage)]
pub struct Message {
    /// The request's `id`.
    id: String,
    /// The request's `type`.
    #[serde(rename = "type")]
    kind: String,
    /// The host of `doorstep.base-url`.
    #[schema(example = "cadmium.org")]
    from: String,
    ok: bool,
    /// `CadmiumRegistered` or `CadmiumConfirmed` when `ok`, else `CadmiumRefusal`.
    #[schema(schema_with = reply_payloads)]
    payload: Payload,
}

/// What a reply carries: the outcome, or the refusal.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Payload {
    Registered(Registered),
    Confirmed(Confirmed),
    Refused(Refusal),
}

/// A registration taken: the account exists once the mailed code confirms it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CadmiumRegistered)]
pub struct Registered {
    /// `@<username>@<host>`, or the address when there is no username.
    #[serde(rename = "userID")]
    #[schema(example = "@juliet@cadmium.org")]
    user_id: String,
    /// Always `email_confirmation`: the address is not proven yet.
    #[schema(example = "email_confirmation")]
    pending: &'static str,
    /// For the confirmation (and `GET /auth/signup/status/<registration>`).
    registration: String,
}

/// An address confirmed: the account exists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CadmiumConfirmed)]
pub struct Confirmed {
    #[serde(rename = "userID")]
    #[schema(example = "@juliet@cadmium.org")]
    user_id: String,
    /// When the registration said `loginOnSuccess: true` (or
    /// `doorstep.auth.signup.login-on-confirm` is on).
    #[serde(rename = "loginPayload", skip_serializing_if = "Option::is_none")]
    login_payload: Option<LoginPayload>,
}

/// A session for the client that registered.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CadmiumLogin)]
pub struct LoginPayload {
    /// A Bearer token (`Authorization: Bearer <token>`).
    token: String,
    #[serde(rename = "expiresAt")]
    #[schema(format = DateTime, example = "2026-12-18T12:00:00Z")]
    expires_at: String,
}

/// A refusal, with doorstep's reasons where it has them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CadmiumRefusal)]
pub struct Refusal {
    #[serde(rename = "errID")]
    #[schema(schema_with = err_ids)]
    err_id: String,
    /// For people; the wording may change.
    #[serde(rename = "errText")]
    err_text: String,
    /// The payload's members at fault and why, as in doorstep's `fields`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<&'static str, &'static str>,
    /// With `code_invalid`: how many more tries the code takes.
    #[serde(rename = "attemptsLeft", skip_serializing_if = "Option::is_none")]
    attempts_left: Option<u32>,
}

impl Refusal {
    fn of(error: &Error) -> Refusal {
        let fields = error
            .fields()
            .into_iter()
            .map(|(field, reason)| (wire_name(field), reason))
            .collect();
        Refusal {
            err_id: err_id(error),
            err_text: error.to_string(),
            fields,
            attempts_left: error.attempts_left(),
        }
    }
}

/// Answers one envelope. `Err` only for a `type` this server does not speak (a malformed
/// envelope never gets this far); every refusal of the registration itself is an envelope
/// with `ok: false`.
pub async fn answer(
    ctx: &Context,
    envelope: Envelope,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<Message, Error> {
    let outcome = match envelope.kind.as_str() {
        REGISTER => register(ctx, envelope.payload, client, now).await,
        CONFIRM => confirm(ctx, envelope.payload, now).await,
        _ => return Err(Error::invalid("type", "unsupported")),
    };
    Ok(Message {
        id: envelope.id,
        kind: envelope.kind,
        from: host(ctx).to_owned(),
        ok: outcome.is_ok(),
        payload: outcome.unwrap_or_else(|error| Payload::Refused(Refusal::of(&error))),
    })
}

/// A sign-up like `POST /auth/signup`'s, with its every check, captcha and limit.
async fn register(
    ctx: &Context,
    payload: Map<String, Value>,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<Payload, Error> {
    let request: RegisterPayload = parse(payload)?;
    let email = the_address(&request.third_pids)?;
    let terms = Terms {
        nameless: true,
        login_on_confirm: request.login_on_success,
        ..Terms::default()
    };
    let typed = request.username;
    let form = SignUpForm {
        username: typed.clone(),
        email,
        password: request.password,
        captcha: request.captcha,
        ..SignUpForm::default()
    };
    let signed_up = accounts::sign_up_on(ctx, form, terms, client, now).await?;
    // The sign-up was accepted, so the username it asked for (while usernames are on) parses.
    let username = asked_for(&ctx.settings.usernames, &typed).ok().flatten();
    let username = username.as_ref().map(|name| name.as_typed());
    Ok(Payload::Registered(Registered {
        user_id: user_id(host(ctx), username, &signed_up.email),
        pending: "email_confirmation",
        registration: signed_up.registration.unwrap_or_default(),
    }))
}

/// Confirms by the handle and the mailed code, exactly as `POST /auth/signup/confirm` does
/// with the handle's address and the code: the same tries, the same decoys for an address
/// with nothing pending, and a session only for the handle that names the sign-up.
async fn confirm(
    ctx: &Context,
    payload: Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Payload, Error> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let request: ConfirmPayload = parse(payload)?;
    for (field, value) in [
        ("registration", &request.registration),
        ("code", &request.code),
    ] {
        if value.trim().is_empty() {
            return Err(Error::invalid(field, "required"));
        }
    }
    // An unknown handle names no address to count a try against; handles are 32 random
    // bytes, so saying so tells nothing about anyone.
    let named = registration::named(&ctx.db, &request.registration)
        .await?
        .ok_or(Error::NotFound)?;
    let login = named.login_on_confirm || ctx.settings.signup.login_on_confirm;
    let proof = Proof::Code {
        email: &named.email,
        code: &request.code,
    };
    let handle = login.then_some(request.registration.as_str());
    let confirmed = accounts::confirm(ctx, proof, Some(&request.username), handle, now)
        .await
        .map_err(|failed| failed.error)?;
    let account = find_by_login(&ctx.db, &ctx.settings.usernames, &confirmed.email).await?;
    let username = account.and_then(|account| account.username);
    Ok(Payload::Confirmed(Confirmed {
        user_id: user_id(host(ctx), username.as_deref(), &confirmed.email),
        login_payload: confirmed.session.map(|session| LoginPayload {
            token: session.secret,
            expires_at: session
                .expires_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        }),
    }))
}

/// A payload's members that do not fit its type (a number for `password`, an object for
/// `username`): `invalid_request`, answered in the type's own envelope.
fn parse<T: DeserializeOwned>(payload: Map<String, Value>) -> Result<T, Error> {
    serde_json::from_value(Value::Object(payload))
        .map_err(|_| Error::invalid("payload", "malformed"))
}

/// The one address among the third-party ids. Two would leave open which one is proven.
fn the_address(third_pids: &[ThirdPid]) -> Result<String, Error> {
    let mut emails = third_pids
        .iter()
        .filter(|pid| pid.kind.trim().eq_ignore_ascii_case("email"));
    match (emails.next(), emails.next()) {
        (Some(pid), None) => Ok(pid.value.clone()),
        (None, _) => Err(Error::invalid("email", "required")),
        (Some(_), Some(_)) => Err(Error::invalid("email", "too_many")),
    }
}

/// The host of `doorstep.base-url`: the server part of Cadmium's ids and every reply's `from`.
fn host(ctx: &Context) -> &str {
    ctx.settings.base_url.host_str().unwrap_or_default()
}

/// `@<username>@<host>`; without a username, the address.
fn user_id(host: &str, username: Option<&str>, email: &str) -> String {
    match username {
        Some(name) => format!("@{name}@{host}"),
        None => email.to_owned(),
    }
}

/// doorstep's field names as Cadmium's payload names them.
fn wire_name(field: &'static str) -> &'static str {
    match field {
        "email" => "thirdPIDs",
        other => other,
    }
}

/// `errID` for a refusal: CPE#3's own ids where it has them, else doorstep's code.
fn err_id(error: &Error) -> String {
    let code = match error {
        Error::UsernameTaken => "id_exists",
        Error::SignupDisabled => "reg_disabled",
        other => other.code(),
    };
    format!("{REGISTER}:{code}")
}

/// Every `errID` a refusal can carry, so the description cannot miss one.
fn err_ids() -> Schema {
    let mut ids: Vec<String> = Vec::new();
    for id in Error::iter().map(|error| err_id(&error)) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ids))
        .build()
        .into()
}

/// A request's payload: one shape per `type`.
fn request_payloads() -> Schema {
    any_of(&["CadmiumRegister", "CadmiumConfirm"])
}

/// A reply's payload: one shape per outcome.
fn reply_payloads() -> Schema {
    any_of(&["CadmiumRegistered", "CadmiumConfirmed", "CadmiumRefusal"])
}

/// Any of the named schemas: `anyOf`, since `type` (not the members) says which one it is, and
/// a payload of one shape may well fit another's optional members.
fn any_of(names: &[&str]) -> Schema {
    names
        .iter()
        .fold(AnyOfBuilder::new(), |any_of, name| {
            any_of.item(RefOr::<Schema>::Ref(Ref::from_schema_name(*name)))
        })
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(kind: &str, value: &str) -> ThirdPid {
        ThirdPid {
            kind: kind.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn one_address_among_the_third_party_ids() {
        let phone = pid("msisdn", "+1234567890");
        let juliet = pid("email", "juliet@capulett.com");
        let romeo = pid("EMAIL", "romeo@montague.com");
        assert_eq!(
            the_address(&[phone, juliet]).unwrap(),
            "juliet@capulett.com"
        );
        let only_phone = [pid("msisdn", "+1234567890")];
        assert_eq!(
            the_address(&only_phone).unwrap_err().fields(),
            BTreeMap::from([("email", "required")])
        );
        let two = [pid("email", "juliet@capulett.com"), romeo];
        assert_eq!(
            the_address(&two).unwrap_err().fields(),
            BTreeMap::from([("email", "too_many")])
        );
    }

    #[test]
    fn cadmium_ids_where_it_has_them_and_doorstep_codes_otherwise() {
        assert_eq!(
            err_id(&Error::UsernameTaken),
            "urn:cadmium:profile:register:id_exists"
        );
        assert_eq!(
            err_id(&Error::SignupDisabled),
            "urn:cadmium:profile:register:reg_disabled"
        );
        assert_eq!(
            err_id(&Error::WeakPassword("too_short")),
            "urn:cadmium:profile:register:weak_password"
        );
        let refusal = Refusal::of(&Error::invalid("email", "invalid"));
        assert_eq!(refusal.fields, BTreeMap::from([("thirdPIDs", "invalid")]));
        assert_eq!(
            user_id("cadmium.org", Some("juliet"), "j@c.com"),
            "@juliet@cadmium.org"
        );
        assert_eq!(user_id("cadmium.org", None, "j@c.com"), "j@c.com");
    }
}
