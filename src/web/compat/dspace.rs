//! DSpace 7's eperson registrations API at the paths its clients call (see `compat::dspace`
//! for the mapping). Mounted only while `doorstep.compat.dspace` is on.
//!
//! Replies are DSpace's: 201 without a body for a registration, the registration or eperson
//! as JSON, refusals in Spring's error shape with DSpace's statuses (`edge`).

mod edge;

use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::serde::json::Json;
use rocket::{State, get, patch, post};

use crate::compat::dspace::{self, Call, EPerson, NewEPerson, NewRegistration, PatchOperation};
use crate::compat::dspace::{Registration, RequestType};
use crate::limits::ClientAddress;
use crate::web::Doorstep;
use crate::web::guards::Language;
pub use edge::SpringError;
use edge::{AccountRequestType, Answer, CaptchaHeader, DSpaceBody, PatchBody, Refused};

/// Starts a registration (`register`) or a password reset (`forgot`): a mail with a token
/// goes to the address, the same reply whether or not it has an account.
#[utoipa::path(
    tag = "dspace",
    params(
        ("accountRequestType" = String, Query, description = "`register` (a new account: \
            the details come with the mailed token) or `forgot` (a new password)"),
        ("X-Captcha-Payload" = Option<String>, Header, description = "The captcha's answer \
            where the configuration asks for one: a reCAPTCHA (or hCaptcha, Turnstile) token, \
            or a solved proof of work; `X-Recaptcha-Token` is read too"),
    ),
    request_body(content = NewRegistration, content_type = "application/json"),
    responses(
        (status = 201, description = "The mail is on its way (said whether or not the address \
            has an account)"),
        (status = 400, description = "`accountRequestType` missing or neither `register` nor \
            `forgot`", body = SpringError),
        (status = 401, description = "Sign-up (`register`) or password reset (`forgot`) is \
            switched off", body = SpringError),
        (status = 403, description = "The captcha is missing or wrong; the page's origin may \
            not call this API", body = SpringError),
        (status = 413, description = "The body is over 32 KiB", body = SpringError),
        (status = 415, description = "Not JSON", body = SpringError),
        (status = 422, description = "`email` missing or malformed, its domain not allowed, \
            or the body unreadable", body = SpringError),
        (status = 429, description = "Too many requests, with `Retry-After`", body = SpringError),
        (status = 500, description = "A fault of ours", body = SpringError),
        (status = 503, description = "Busy or unavailable, with `Retry-After`", body = SpringError),
    )
)]
#[post("/api/eperson/registrations", data = "<body>")]
pub async fn register(
    app: &State<Doorstep>,
    kind: AccountRequestType,
    captcha: CaptchaHeader,
    language: Language,
    client: ClientAddress,
    body: DSpaceBody<NewRegistration>,
) -> Answer<Status> {
    let refused = Refused::on(Call::Request);
    let kind: RequestType = kind.0.map_err(&refused)?;
    let body = body.0.map_err(&refused)?;
    let (payload, now) = (captcha.0.as_deref(), app.clock.now());
    dspace::request(
        &app.accounts,
        kind,
        body,
        payload,
        Some(language.0),
        &client,
        now,
    )
    .await
    .map_err(refused)?;
    Ok(Status::Created)
}

/// Registrations are not listed.
#[utoipa::path(tag = "dspace", responses(
    (status = 405, description = "Not offered: registrations are only found by their token",
        body = SpringError),
))]
#[get("/api/eperson/registrations")]
pub fn list() -> Answer<Status> {
    Err(Refused::method_not_allowed("POST"))
}

/// Registrations are not shown one by one.
#[utoipa::path(
    tag = "dspace",
    params(("id" = String, Path, description = "Any")),
    responses((status = 405, description = "Not offered: registrations are only found by \
        their token", body = SpringError)),
)]
#[get("/api/eperson/registrations/<id>")]
pub fn show(id: &str) -> Answer<Status> {
    // Whatever the id, no registration is shown by it (and none is looked up).
    let _ = id;
    Err(Refused::method_not_allowed(""))
}

/// What a mailed token is for: a new registration (`user` null) or the reset of an
/// eperson's password (`user` its id).
#[utoipa::path(
    tag = "dspace",
    params(("token" = String, Query, description = "The token of the mailed link")),
    responses(
        (status = 200, description = "The token works", body = Registration),
        (status = 400, description = "No token", body = SpringError),
        (status = 404, description = "The token is unknown, used or expired", body = SpringError),
        (status = 500, description = "A fault of ours", body = SpringError),
        (status = 503, description = "Unavailable, with `Retry-After`", body = SpringError),
    )
)]
#[get("/api/eperson/registrations/search/findByToken?<token>")]
pub async fn find_by_token(
    app: &State<Doorstep>,
    token: Option<&str>,
) -> Answer<Json<Registration>> {
    let found = dspace::find_by_token(&app.accounts, token, app.clock.now()).await;
    Ok(Json(found.map_err(Refused::on(Call::FindByToken))?))
}

/// Finishes a registration: the token's address becomes an eperson with these names and
/// this password.
#[utoipa::path(
    tag = "dspace",
    params(("token" = String, Query, description = "The token of the `register` mail")),
    request_body(content = NewEPerson, content_type = "application/json"),
    responses(
        (status = 201, description = "The eperson (`canLogIn` false while it waits for an \
            admin's approval)", body = EPerson),
        (status = 400, description = "The token is unknown, used or expired; `email` is not \
            the token's; sign-up is switched off", body = SpringError),
        (status = 403, description = "The page's origin may not call this API", body = SpringError),
        (status = 413, description = "The body is over 32 KiB", body = SpringError),
        (status = 415, description = "Not JSON", body = SpringError),
        (status = 422, description = "The password breaks the rules; a name is missing; the \
            body is unreadable", body = SpringError),
        (status = 500, description = "A fault of ours", body = SpringError),
        (status = 503, description = "Busy or unavailable, with `Retry-After`", body = SpringError),
    )
)]
#[post("/api/eperson/epersons?<token>", data = "<body>")]
pub async fn create_eperson(
    app: &State<Doorstep>,
    token: Option<&str>,
    body: DSpaceBody<NewEPerson>,
) -> Answer<Custom<Json<EPerson>>> {
    let refused = Refused::on(Call::CreateEPerson);
    let body = body.0.map_err(&refused)?;
    let made = dspace::create_eperson(&app.accounts, token, body, app.clock.now()).await;
    Ok(Custom(Status::Created, Json(made.map_err(refused)?)))
}

/// Sets a new password with the token of a `forgot` mail; the token works once.
#[utoipa::path(
    tag = "dspace",
    params(
        ("uuid" = String, Path, description = "The eperson's id (`user` of `findByToken`)"),
        ("token" = String, Query, description = "The token of the `forgot` mail"),
    ),
    request_body(content(
        (Vec<PatchOperation> = "application/json-patch+json"),
        (Vec<PatchOperation> = "application/json"),
    )),
    responses(
        (status = 200, description = "The password is changed; every session of the account \
            ended", body = EPerson),
        (status = 400, description = "No `/password` operation, or no password in it",
            body = SpringError),
        (status = 401, description = "The token is unknown, used, expired or another \
            eperson's; password reset is switched off", body = SpringError),
        (status = 403, description = "The page's origin may not call this API", body = SpringError),
        (status = 413, description = "The body is over 32 KiB", body = SpringError),
        (status = 415, description = "Neither JSON Patch nor JSON", body = SpringError),
        (status = 422, description = "The password breaks the rules", body = SpringError),
        (status = 500, description = "A fault of ours", body = SpringError),
        (status = 503, description = "Busy or unavailable, with `Retry-After`", body = SpringError),
    )
)]
#[patch("/api/eperson/epersons/<uuid>?<token>", data = "<body>")]
pub async fn set_password(
    app: &State<Doorstep>,
    uuid: &str,
    token: Option<&str>,
    body: PatchBody<Vec<PatchOperation>>,
) -> Answer<Json<EPerson>> {
    let refused = Refused::on(Call::SetPassword);
    let operations = body.0.map_err(&refused)?;
    let now = app.clock.now();
    let changed = dspace::set_password(&app.accounts, uuid, token, operations, now).await;
    Ok(Json(changed.map_err(refused)?))
}
