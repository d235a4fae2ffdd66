//! ALD's registration API at the paths its clients call (see `compat::ald` for the mapping).
//! Mounted only while `doorstep.compat.ald` is on.
//!
//! Replies are JSON, refusals included (an API's clients, not browsers). Bodies are forms or
//! JSON; forms need no CSRF token, because these routes take no cookie as a credential: an
//! inviter authenticates with an `Authorization` header (Bearer or Basic), as ALD's privileged
//! members do.

use rocket::data::{FromData, Outcome as DataOutcome};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Data, State, get, post};
use serde::de::DeserializeOwned;

use crate::compat::ald::{self, Refusal, Register, Sent, Verified, Verify};
use crate::entities::account;
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::web::Doorstep;
use crate::web::guards::{Inviter, Language};
use crate::web::negotiate::{Forms, read_body};

/// Who calls `POST /users/register`: anyone, or (with an `Authorization` header) a signed-in
/// inviter or admin. Credentials that do not work are 401 `unauthenticated`, a member's 403
/// `forbidden`: a caller that sends them means to be an inviter. A session cookie is not read.
pub struct Caller(pub Option<account::Model>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Caller {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        if req.headers().get_one("Authorization").is_none() {
            return Outcome::Success(Caller(None));
        }
        match Inviter::from_request(req).await {
            Outcome::Success(Inviter(account)) => Outcome::Success(Caller(Some(account))),
            Outcome::Error(failed) => Outcome::Error(failed),
            Outcome::Forward(forward) => Outcome::Forward(forward),
        }
    }
}

/// A body as form (no CSRF token, see the module) or JSON, kept for the handler whether or
/// not it could be read, so that a bad one is refused in ALD's shape too.
pub struct Body<T>(pub Result<T, Error>);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for Body<T> {
    type Error = std::convert::Infallible;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        DataOutcome::Success(Body(read_body(req, data, Forms::WithoutCsrf).await))
    }
}

/// A refusal as JSON, with `Retry-After` where the error has one.
pub struct Refused(Error);

impl From<Error> for Refused {
    fn from(error: Error) -> Self {
        Refused(error)
    }
}

impl<'r> Responder<'r, 'static> for Refused {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = Status::new(self.0.status());
        let mut response = (status, Json(Refusal::of(&self.0))).respond_to(req)?;
        if let Some(wait) = self.0.retry_after() {
            response.set_header(Header::new(
                "Retry-After",
                wait.as_secs().max(1).to_string(),
            ));
        }
        Ok(response)
    }
}

/// A PNG that no cache keeps.
#[derive(rocket::Responder)]
#[response(content_type = "image/png")]
pub struct Png(Vec<u8>, Header<'static>);

/// Starts a registration session: the mail with its id is on its way.
///
/// The same reply for an address that has an account (its owner gets a mail saying so). With
/// an inviter's credentials, the session is started for someone else: no password is taken
/// now, the invitee chooses it when verifying, and `template` may add the inviter's words to
/// the mail.
#[utoipa::path(
    tag = "ald",
    request_body(content((Register = "application/x-www-form-urlencoded"),
        (Register = "application/json"))),
    security((), ("bearer" = []), ("basic" = [])),
    responses(
        (status = 201, description = "The verification mail is on its way (said whether or \
            not the address has an account)", body = Sent),
        (status = 400, description = "`invalid_request` (`fields.password-alt`: `mismatch`, \
            `fields.mail`, `fields.name`, …), `username_taken`, `weak_password`, \
            `captcha_required`, `captcha_invalid`, `redirect_not_allowed`", body = Refusal),
        (status = 401, description = "`unauthenticated`: an `Authorization` header whose \
            credential does not work", body = Refusal),
        (status = 403, description = "`forbidden`: `template` from anyone but a signed-in \
            inviter or admin, or a member's credentials; `signup_disabled`, \
            `domain_not_allowed`, `origin_not_allowed`", body = Refusal),
        (status = 404, description = "`not_found`: `doorstep.compat.ald` is off", body = Refusal),
        (status = 413, description = "`body_too_large`", body = Refusal),
        (status = 415, description = "`unsupported_media_type`", body = Refusal),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Refusal),
        (status = 500, description = "`internal`", body = Refusal),
        (status = 503, description = "`busy`, `unavailable`, with `Retry-After`", body = Refusal),
    )
)]
#[post("/users/register", data = "<body>")]
pub async fn register(
    app: &State<Doorstep>,
    caller: Caller,
    language: Language,
    client: ClientAddress,
    body: Body<Register>,
) -> Result<(Status, Json<Sent>), Refused> {
    let request = body.0?;
    let inviter = caller.0.as_ref();
    let now = app.clock.now();
    let sent = ald::register(
        &app.accounts,
        request,
        inviter,
        Some(language.0),
        &client,
        now,
    );
    Ok((Status::Created, Json(sent.await?)))
}

/// The picture of a session's verification code (the code its mail shows too while
/// `doorstep.auth.code` is on).
#[utoipa::path(
    tag = "ald",
    params(("id" = String, Path, description = "The registration session id from the mail")),
    responses(
        (status = 200, description = "The code as a picture", content((Vec<u8> = "image/png"))),
        (status = 404, description = "`not_found`: unknown or expired session, a code used up \
            or replaced by a later mail's; or `doorstep.compat.ald` is off", body = Refusal),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Refusal),
        (status = 500, description = "`internal`", body = Refusal),
        (status = 503, description = "`unavailable`, with `Retry-After`", body = Refusal),
    )
)]
#[get("/users/register/token/<id>")]
pub async fn token(app: &State<Doorstep>, client: ClientAddress, id: &str) -> Result<Png, Refused> {
    let now = app.clock.now();
    limits::allow_captcha_image(&app.accounts.db, &client, now).await?;
    let png = ald::token_picture(&app.accounts, id, now).await?;
    Ok(Png(png, Header::new("Cache-Control", "no-store")))
}

/// Verifies a session with the code read from its picture: the account exists.
#[utoipa::path(
    tag = "ald",
    params(("id" = String, Path, description = "The registration session id from the mail")),
    request_body(content((Verify = "application/x-www-form-urlencoded"),
        (Verify = "application/json"))),
    responses(
        (status = 201, description = "The account exists (`registered`), or exists and waits \
            for an admin's approval (`pending_approval`)", body = Verified),
        (status = 400, description = "`captcha_invalid` with `attempts_left`: a wrong code \
            (used up after `doorstep.auth.code.attempts`); `invalid_request` (`fields.token`, \
            `fields.password` for an invited session), `weak_password`", body = Refusal),
        (status = 403, description = "`signup_disabled`, `origin_not_allowed`", body = Refusal),
        (status = 404, description = "`not_found`: unknown session; or `doorstep.compat.ald` \
            is off", body = Refusal),
        (status = 409, description = "`username_taken`: another account took the name first",
            body = Refusal),
        (status = 410, description = "`token_expired`: the session ran out \
            (`doorstep.auth.signup.confirm.ttl`)", body = Refusal),
        (status = 413, description = "`body_too_large`", body = Refusal),
        (status = 415, description = "`unsupported_media_type`", body = Refusal),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Refusal),
        (status = 500, description = "`internal`", body = Refusal),
        (status = 503, description = "`busy`, `unavailable`, with `Retry-After`", body = Refusal),
    )
)]
#[post("/users/register/verify/<id>", data = "<body>")]
pub async fn verify(
    app: &State<Doorstep>,
    id: &str,
    body: Body<Verify>,
) -> Result<(Status, Json<Verified>), Refused> {
    let request = body.0?;
    let verified = ald::verify(&app.accounts, id, request, app.clock.now()).await?;
    Ok((Status::Created, Json(verified)))
}
