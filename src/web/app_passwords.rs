//! App passwords: made (the secret shown once), listed and revoked by a signed-in session.
//!
//! Only a session may manage them: an app password that could mint or revoke app passwords
//! would outlive any revocation of itself.

use rocket::serde::json::Json;
use rocket::{State, delete, get, post};

use super::Doorstep;
use super::account_sessions::ButtonForm;
use super::cors::AllowedOrigin;
use super::guards::{AppPasswordsOn, SessionAccount};
use super::negotiate::{Created, Failed, Input, Reply};
use super::session::account_page;
use super::views::{AppPasswordCreated, AppPasswordList, AppPasswordRevoked, ErrorBody};
use crate::accounts::app_password::{self, NewAppPasswordForm};
use crate::limits::ClientAddress;

/// Makes an app password; its secret is in this reply only.
#[utoipa::path(
    tag = "app passwords",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((NewAppPasswordForm = "application/json"),
            (NewAppPasswordForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "Made: `app_password` is the secret, shown this once",
            content((AppPasswordCreated = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request`: `fields.name` (`required`, `too_long`, \
            `invalid_characters`), `fields.current_password` (`required`, `incorrect`)",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 404, description = "`not_found`: `doorstep.auth.app-passwords` is off",
            body = ErrorBody),
        (status = 429, description = "`rate_limited` (wrong passwords count like failed \
            sign-ins), with `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/app-passwords", data = "<input>")]
pub async fn create(
    app: &State<Doorstep>,
    _on: AppPasswordsOn,
    me: SessionAccount,
    client: ClientAddress,
    input: Input<NewAppPasswordForm>,
) -> Result<Created, Failed> {
    let now = app.clock.now();
    match app_password::create(&app.accounts, &me.account, input.0, &client, now).await {
        Ok(created) => Ok(Created(Reply::show(AppPasswordCreated::new(created)))),
        // Browsers see the account page again, with the reason beside the field.
        Err(error) => {
            let page = account_page(app, me.account, me.session).await?;
            Err(Failed::refill(error, page))
        }
    }
}

/// The account's app passwords, oldest first (never their secrets).
#[utoipa::path(
    tag = "app passwords",
    responses(
        (status = 200, description = "The account's app passwords", body = AppPasswordList),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 404, description = "`not_found`: `doorstep.auth.app-passwords` is off",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/auth/me/app-passwords")]
pub async fn list(
    app: &State<Doorstep>,
    _on: AppPasswordsOn,
    me: SessionAccount,
) -> Result<Json<AppPasswordList>, Failed> {
    let rows = app_password::list(&app.accounts.db, me.account.id).await?;
    Ok(Json(AppPasswordList::new(rows)))
}

/// Revokes one of the account's app passwords: its next use is refused.
///
/// It reads no body, so it checks the origin rule itself, as `/auth/logout` does.
#[utoipa::path(
    tag = "app passwords",
    params(("id" = i64, Path, description = "An app password's `id` from the list")),
    responses(
        (status = 200, description = "Revoked", body = AppPasswordRevoked),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (an app password), `origin_not_allowed`",
            body = ErrorBody),
        (status = 404, description = "`not_found`: no such app password of this account, or \
            `doorstep.auth.app-passwords` is off", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/auth/me/app-passwords/<id>")]
pub async fn revoke(
    app: &State<Doorstep>,
    _on: AppPasswordsOn,
    _origin: AllowedOrigin,
    me: SessionAccount,
    id: i64,
) -> Result<Reply, Failed> {
    revoke_one(app, me, id).await
}

/// The account page's "revoke" button: the same as `DELETE`, for forms.
#[utoipa::path(
    tag = "app passwords",
    params(("id" = i64, Path, description = "An app password's `id` from the list")),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ButtonForm = "application/x-www-form-urlencoded"),
            (ButtonForm = "application/json"))),
    responses(
        (status = 200, description = "Revoked", body = AppPasswordRevoked),
        (status = 303, description = "Browsers: back to the account page"),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 404, description = "`not_found`: no such app password of this account, or \
            `doorstep.auth.app-passwords` is off", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/app-passwords/<id>/delete", data = "<_input>")]
pub async fn revoke_by_form(
    app: &State<Doorstep>,
    _on: AppPasswordsOn,
    me: SessionAccount,
    id: i64,
    _input: Input<ButtonForm>,
) -> Result<Reply, Failed> {
    revoke_one(app, me, id).await
}

async fn revoke_one(app: &Doorstep, me: SessionAccount, id: i64) -> Result<Reply, Failed> {
    app_password::revoke(&app.accounts.db, me.account.id, id).await?;
    Ok(Reply::show_or_send_browsers(
        AppPasswordRevoked::default(),
        app.links().account_page(),
    ))
}
