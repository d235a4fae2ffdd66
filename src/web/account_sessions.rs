//! The account's sessions: listed with what helps recognise them, and ended one by one.
//!
//! Only a session may list or end sessions: an app password reads the account, never its
//! credentials.

use rocket::serde::json::Json;
use rocket::{State, delete, get, post};
use serde::Deserialize;

use super::Doorstep;
use super::cors::AllowedOrigin;
use super::guards::SessionAccount;
use super::negotiate::{Failed, Input, Reply};
use super::views::{ErrorBody, SessionEnded, SessionList};
use crate::accounts::session;

/// The account's live sessions, newest first; `current` marks the one asking.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 200, description = "The account's live sessions", body = SessionList),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password (sessions need a session)",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/auth/me/sessions")]
pub async fn list(app: &State<Doorstep>, me: SessionAccount) -> Result<Json<SessionList>, Failed> {
    let sessions = session::list(&app.accounts.db, me.account.id, app.clock.now()).await?;
    Ok(Json(SessionList::new(sessions, me.session)))
}

/// Ends one of the account's sessions (the current one too: that signs it out).
///
/// It reads no body, so it checks the origin rule itself, as `/auth/logout` does.
#[utoipa::path(
    tag = "sessions",
    params(("id" = i64, Path, description = "A session's `id` from the list")),
    responses(
        (status = 200, description = "The session is over", body = SessionEnded),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (an app password), `origin_not_allowed`",
            body = ErrorBody),
        (status = 404, description = "`not_found`: no such session of this account",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/auth/me/sessions/<id>")]
pub async fn end(
    app: &State<Doorstep>,
    _origin: AllowedOrigin,
    me: SessionAccount,
    id: i64,
) -> Result<Reply, Failed> {
    end_one(app, me, id).await
}

/// A form's body with nothing but its CSRF token (checked by `Input`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ButtonForm {}

/// The account page's "end" button: the same as `DELETE`, for forms.
#[utoipa::path(
    tag = "sessions",
    params(("id" = i64, Path, description = "A session's `id` from the list")),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ButtonForm = "application/x-www-form-urlencoded"),
            (ButtonForm = "application/json"))),
    responses(
        (status = 200, description = "The session is over", body = SessionEnded),
        (status = 303, description = "Browsers: back to the account page"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 404, description = "`not_found`: no such session of this account",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/sessions/<id>/delete", data = "<_input>")]
pub async fn end_by_form(
    app: &State<Doorstep>,
    me: SessionAccount,
    id: i64,
    _input: Input<ButtonForm>,
) -> Result<Reply, Failed> {
    end_one(app, me, id).await
}

async fn end_one(app: &Doorstep, me: SessionAccount, id: i64) -> Result<Reply, Failed> {
    session::end(&app.accounts.db, me.account.id, id).await?;
    Ok(Reply::show_or_send_browsers(
        SessionEnded::default(),
        app.links().account_page(),
    ))
}
