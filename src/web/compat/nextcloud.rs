//! Nextcloud's registration APIs at the paths its clients call (see `compat::nextcloud` for
//! the mapping). Mounted only while `doorstep.compat.nextcloud` is on.
//!
//! Replies are always JSON in Nextcloud's shapes, refusals included: these clients know no
//! other. Bodies are read without failing the route (`edge`), so that a bad one is answered
//! in those shapes too.

mod edge;

use rocket::serde::json::Json;
use rocket::{State, get, post};

use crate::accounts::registration::{self, StatusRead};
use crate::compat::nextcloud::{
    self, Created, Details, Finished, Message, NewAccount, Ocs, OcsFailure, OcsStatus, OneStep,
    OneStepSent, Registered, StatusQuery, Verified, WellKnown,
};
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::web::Doorstep;
use edge::{Draft, DraftBody, OcsBody, OcsReply};

/// Checks the details a client is about to register with.
#[utoipa::path(
    tag = "nextcloud",
    request_body(content = Details, content_type = "application/json"),
    responses(
        (status = 200, description = "The details would do (said whether or not the address \
            has an account)", body = Verified),
        (status = 400, description = "A malformed address, display name or username, or a \
            taken username (`invalid_request`, `username_taken`); also an unreadable body",
            body = Message),
        (status = 403, description = "`signup_disabled`; `domain_not_allowed` (\"Your email \
            is not authorized\"); `origin_not_allowed`", body = Message),
        (status = 413, description = "`body_too_large`", body = Message),
        (status = 415, description = "`unsupported_media_type`: JSON only", body = Message),
        (status = 429, description = "`rate_limited`: over 60 checks a minute from one \
            client, with `Retry-After`", body = Message),
        (status = 500, description = "`internal`", body = Message),
        (status = 503, description = "`unavailable`, with `Retry-After`", body = Message),
    )
)]
#[post("/apps/registration/api/1.0/register/verify", data = "<body>")]
pub async fn verify(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: DraftBody<Details>,
) -> Draft<Verified> {
    let details = body.0?;
    nextcloud::check_details(&app.accounts, &details, &client, app.clock.now()).await?;
    Ok(Json(Verified {}))
}

/// Registers: mails the confirmation link, and answers the token to poll.
#[utoipa::path(
    tag = "nextcloud",
    request_body(content = NewAccount, content_type = "application/json"),
    responses(
        (status = 200, description = "The confirmation mail is on its way (said whether or \
            not the address has an account; its owner is told by mail)", body = Created),
        (status = 400, description = "`invalid_request`, `username_taken`, `weak_password`, \
            `captcha_required`, `captcha_invalid`", body = Message),
        (status = 403, description = "`signup_disabled`, `domain_not_allowed`, \
            `origin_not_allowed`", body = Message),
        (status = 413, description = "`body_too_large`", body = Message),
        (status = 415, description = "`unsupported_media_type`: JSON only", body = Message),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Message),
        (status = 500, description = "`internal`", body = Message),
        (status = 503, description = "`busy`, `unavailable`, with `Retry-After`", body = Message),
    )
)]
#[post("/apps/registration/api/1.0/register/create", data = "<body>")]
pub async fn create(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: DraftBody<NewAccount>,
) -> Draft<Created> {
    let account = body.0?;
    let handle = nextcloud::register(&app.accounts, account, &client, app.clock.now()).await?;
    Ok(Json(Created::new(handle)))
}

/// How a registration stands; the first FINISHED carries the app password to sign in with.
#[utoipa::path(
    tag = "nextcloud",
    params(("token" = String, Path, description = "The `registrationToken` of `create`")),
    responses(
        (status = 200, description = "The account exists; the first such read carries \
            `appPassword`, later ones do not", body = Finished),
        (status = 403, description = "\"Please confirm your email address\": not confirmed \
            yet", body = Message),
        (status = 404, description = "No such registration, or it lapsed unconfirmed",
            body = Message),
        (status = 429, description = "`rate_limited`: over 60 reads a minute from one client, \
            with `Retry-After`", body = Message),
        (status = 500, description = "`internal`", body = Message),
        (status = 503, description = "`unavailable`, with `Retry-After`", body = Message),
    )
)]
#[get("/apps/registration/api/1.0/register/status/<token>")]
pub async fn status(app: &State<Doorstep>, client: ClientAddress, token: &str) -> Draft<Finished> {
    let read = read_status(app, &client, token).await?;
    Ok(Json(nextcloud::draft_status(read)?))
}

/// Where the draft API is, for clients that discover it.
#[utoipa::path(tag = "nextcloud", responses(
    (status = 200, description = "The draft API's base", body = WellKnown),
    (status = 500, description = "`internal`", body = Message),
    (status = 503, description = "`unavailable`", body = Message),
))]
#[get("/.well-known/nextcloud/registration")]
pub fn well_known(app: &State<Doorstep>) -> Json<WellKnown> {
    Json(WellKnown::new(app.links().nextcloud_api()))
}

/// The one-step proposal: name, address, username and password in one request.
#[utoipa::path(
    tag = "nextcloud",
    request_body(content = OneStep, content_type = "application/json"),
    responses(
        (status = 200, description = "The confirmation mail is on its way (said whether or \
            not the address has an account)", body = OneStepSent),
        (status = 400, description = "`invalid_request`, `username_taken`, `weak_password`, \
            `captcha_required`, `captcha_invalid`", body = Message),
        (status = 403, description = "\"Your email is not authorized\" \
            (`domain_not_allowed`); `signup_disabled`, `origin_not_allowed`", body = Message),
        (status = 413, description = "`body_too_large`", body = Message),
        (status = 415, description = "`unsupported_media_type`: JSON only", body = Message),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Message),
        (status = 500, description = "`internal`", body = Message),
        (status = 503, description = "`busy`, `unavailable`, with `Retry-After`", body = Message),
    )
)]
#[post("/.well-known/nextcloud/registration", data = "<body>")]
pub async fn one_step(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: DraftBody<OneStep>,
) -> Draft<OneStepSent> {
    let one_step = body.0?;
    nextcloud::register_in_one_step(&app.accounts, one_step, &client, app.clock.now()).await?;
    Ok(Json(OneStepSent::default()))
}

/// OCS: checks the details a client is about to register with, and echoes them.
#[utoipa::path(
    tag = "nextcloud",
    params(
        ("OCS-APIRequest" = String, Header, description = "Must be `true` (Nextcloud's guard \
            against pages elsewhere); without it: 401 `ocs_header_missing`"),
        ("format" = Option<String>, Query, description = "`json`; anything else is 406 (so \
            is an `Accept` that names neither JSON nor `*/*`)"),
    ),
    request_body(content(
        (Details = "application/json"), (Details = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The details would do (said whether or not the address \
            has an account)", body = Ocs<Details>),
        (status = 400, description = "`invalid_request`, `username_taken`", body = Ocs<OcsFailure>),
        (status = 401, description = "`ocs_header_missing`", body = Ocs<OcsFailure>),
        (status = 403, description = "`signup_disabled`, `domain_not_allowed`, \
            `origin_not_allowed`", body = Ocs<OcsFailure>),
        (status = 406, description = "`not_acceptable`: XML asked for", body = Ocs<OcsFailure>),
        (status = 413, description = "`body_too_large`", body = Ocs<OcsFailure>),
        (status = 415, description = "`unsupported_media_type`", body = Ocs<OcsFailure>),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Ocs<OcsFailure>),
        (status = 500, description = "`internal`", body = Ocs<OcsFailure>),
        (status = 503, description = "`unavailable`, with `Retry-After`", body = Ocs<OcsFailure>),
    )
)]
#[post("/ocs/v2.php/registration/v1/validate", data = "<body>")]
pub async fn ocs_validate(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: OcsBody<Details>,
) -> OcsReply<Details> {
    let details = body.0?;
    nextcloud::check_details(&app.accounts, &details, &client, app.clock.now()).await?;
    Ok(Json(Ocs::ok(details)))
}

/// OCS: registers, mails the confirmation link, and answers the secret to poll.
#[utoipa::path(
    tag = "nextcloud",
    params(
        ("OCS-APIRequest" = String, Header, description = "Must be `true` (Nextcloud's guard \
            against pages elsewhere); without it: 401 `ocs_header_missing`"),
        ("format" = Option<String>, Query, description = "`json`; anything else is 406 (so \
            is an `Accept` that names neither JSON nor `*/*`)"),
    ),
    request_body(content(
        (NewAccount = "application/json"), (NewAccount = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Pending (`registrationStatus` 1) for every address; the \
            owner of one with an account is told by mail", body = Ocs<Registered>),
        (status = 400, description = "`invalid_request`, `username_taken`, `weak_password`, \
            `captcha_required`, `captcha_invalid`", body = Ocs<OcsFailure>),
        (status = 401, description = "`ocs_header_missing`", body = Ocs<OcsFailure>),
        (status = 403, description = "`signup_disabled`, `domain_not_allowed`, \
            `origin_not_allowed`", body = Ocs<OcsFailure>),
        (status = 406, description = "`not_acceptable`: XML asked for", body = Ocs<OcsFailure>),
        (status = 413, description = "`body_too_large`", body = Ocs<OcsFailure>),
        (status = 415, description = "`unsupported_media_type`", body = Ocs<OcsFailure>),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Ocs<OcsFailure>),
        (status = 500, description = "`internal`", body = Ocs<OcsFailure>),
        (status = 503, description = "`busy`, `unavailable`, with `Retry-After`",
            body = Ocs<OcsFailure>),
    )
)]
#[post("/ocs/v2.php/registration/v1/register", data = "<body>")]
pub async fn ocs_register(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: OcsBody<NewAccount>,
) -> OcsReply<Registered> {
    let account = body.0?;
    let handle = nextcloud::register(&app.accounts, account, &client, app.clock.now()).await?;
    Ok(Json(Ocs::ok(Registered::new(handle))))
}

/// OCS: how a registration stands; once complete, the app password and the cloud's URL, after
/// which the secret is spent.
#[utoipa::path(
    tag = "nextcloud",
    params(
        ("OCS-APIRequest" = String, Header, description = "Must be `true` (Nextcloud's guard \
            against pages elsewhere); without it: 401 `ocs_header_missing`"),
        ("format" = Option<String>, Query, description = "`json`; anything else is 406 (so \
            is an `Accept` that names neither JSON nor `*/*`)"),
    ),
    request_body(content(
        (StatusQuery = "application/json"), (StatusQuery = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Pending (`registrationStatus` 1, also while waiting for \
            approval), or complete (0) with `appPassword` and `cloudUrl`, once",
            body = Ocs<OcsStatus>),
        (status = 401, description = "`ocs_header_missing`", body = Ocs<OcsFailure>),
        (status = 403, description = "`origin_not_allowed`", body = Ocs<OcsFailure>),
        (status = 404, description = "`not_found`: no such secret, spent, or lapsed",
            body = Ocs<OcsFailure>),
        (status = 406, description = "`not_acceptable`: XML asked for", body = Ocs<OcsFailure>),
        (status = 413, description = "`body_too_large`", body = Ocs<OcsFailure>),
        (status = 415, description = "`unsupported_media_type`", body = Ocs<OcsFailure>),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = Ocs<OcsFailure>),
        (status = 500, description = "`internal`", body = Ocs<OcsFailure>),
        (status = 503, description = "`unavailable`, with `Retry-After`", body = Ocs<OcsFailure>),
    )
)]
#[post("/ocs/v2.php/registration/v1/status", data = "<body>")]
pub async fn ocs_status(
    app: &State<Doorstep>,
    client: ClientAddress,
    body: OcsBody<StatusQuery>,
) -> OcsReply<OcsStatus> {
    let query = body.0?;
    let read = read_status(app, &client, &query.client_secret).await?;
    let cloud_url = app.settings().nextcloud.cloud_url(&app.settings().base_url);
    Ok(Json(Ocs::ok(nextcloud::ocs_status(read, cloud_url)?)))
}

/// A status read, counted against the per-client limit of status polls.
async fn read_status(
    app: &Doorstep,
    client: &ClientAddress,
    handle: &str,
) -> Result<StatusRead, Error> {
    let now = app.clock.now();
    limits::allow_status_poll(&app.accounts.db, client, now).await?;
    let app_passwords = app.settings().app_passwords;
    registration::status_of(&app.accounts.db, handle, app_passwords, now).await
}
