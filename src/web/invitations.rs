//! Invitations: inviters and admins invite people by mail, list and withdraw what they sent.
//! The invitation link's form is sign-up's (`GET /auth/signup?invitation=T`).

use rocket::serde::json::Json;
use rocket::{State, delete, get, post};

use super::Doorstep;
use super::account_sessions::ButtonForm;
use super::cors::AllowedOrigin;
use super::guards::Inviter;
use super::negotiate::{Created, Failed, Input, Reply};
use super::views::{AccountView, ErrorBody, InvitationList, InvitationSent, InvitationWithdrawn};
use crate::accounts::audit::Actor;
use crate::accounts::invitations::{self, InvitationForm};
use crate::limits::ClientAddress;

/// Mails an invitation link to `email`; the reply is the same whether or not the address has
/// an account (its owner then gets a notice instead of a link).
#[utoipa::path(
    tag = "invitations",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((InvitationForm = "application/json"),
            (InvitationForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 201, description = "The invitation is on its way; its link works for \
            `doorstep.auth.invitation.ttl`", body = InvitationSent),
        (status = 303, description = "Browsers: back to the account page"),
        (status = 400, description = "`invalid_request`: `fields.email`, `fields.firstname`, \
            `fields.lastname`", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (a member), `signup_disabled`",
            body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[post("/auth/invitations", data = "<input>")]
pub async fn invite(
    app: &State<Doorstep>,
    inviter: Inviter,
    client: ClientAddress,
    input: Input<InvitationForm>,
) -> Result<Created, Failed> {
    let Inviter(account) = inviter;
    let now = app.clock.now();
    let actor = Actor::web(Some(account.id), &client);
    let form = input.0;
    match invitations::invite(
        &app.accounts,
        Some(&account),
        &actor,
        &form,
        Some(&client),
        now,
    )
    .await
    {
        Ok(row) => Ok(Created(Reply::show_or_send_browsers(
            InvitationSent::new(row, now),
            app.links().account_page(),
        ))),
        // Browsers see the invitation form again, with the reason beside the field.
        Err(error) => {
            let sent = invitations::list(&app.accounts.db, &account).await?;
            let page = AccountView::new(account).with_invitations(sent, now, Some(&form));
            Err(Failed::refill(error, page))
        }
    }
}

/// The invitations you sent (an admin: everyone's), newest first.
#[utoipa::path(
    tag = "invitations",
    responses(
        (status = 200, description = "The invitations", body = InvitationList),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: a member", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[get("/auth/invitations")]
pub async fn list(app: &State<Doorstep>, inviter: Inviter) -> Result<Json<InvitationList>, Failed> {
    let rows = invitations::list(&app.accounts.db, &inviter.0).await?;
    Ok(Json(InvitationList::new(rows, app.clock.now())))
}

/// Withdraws an invitation: its link stops working.
///
/// It reads no body, so it checks the origin rule itself, as `/auth/logout` does.
#[utoipa::path(
    tag = "invitations",
    params(("id" = i64, Path, description = "An invitation's `id` from the list")),
    responses(
        (status = 200, description = "Withdrawn (also when it was before)",
            body = InvitationWithdrawn),
        (status = 400, description = "`invalid_request`: `fields.invitation` `redeemed`",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (a member), `origin_not_allowed`",
            body = ErrorBody),
        (status = 404, description = "`not_found`: no such invitation of yours",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[delete("/auth/invitations/<id>")]
pub async fn withdraw(
    app: &State<Doorstep>,
    _origin: AllowedOrigin,
    inviter: Inviter,
    client: ClientAddress,
    id: i64,
) -> Result<Reply, Failed> {
    withdraw_one(app, inviter, &client, id).await
}

/// The account page's "withdraw" button: the same as `DELETE`, for forms.
#[utoipa::path(
    tag = "invitations",
    params(("id" = i64, Path, description = "An invitation's `id` from the list")),
    request_body(description = "Forms send `csrf_token` with the `doorstep_csrf` cookie.",
        content((ButtonForm = "application/x-www-form-urlencoded"),
            (ButtonForm = "application/json"))),
    responses(
        (status = 200, description = "Withdrawn", body = InvitationWithdrawn),
        (status = 303, description = "Browsers: back to the account page"),
        (status = 400, description = "`invalid_request`: `fields.invitation` `redeemed`",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: a member", body = ErrorBody),
        (status = 404, description = "`not_found`: no such invitation of yours",
            body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[post("/auth/invitations/<id>/delete", data = "<_input>")]
pub async fn withdraw_by_form(
    app: &State<Doorstep>,
    inviter: Inviter,
    client: ClientAddress,
    id: i64,
    _input: Input<ButtonForm>,
) -> Result<Reply, Failed> {
    withdraw_one(app, inviter, &client, id).await
}

async fn withdraw_one(
    app: &Doorstep,
    inviter: Inviter,
    client: &ClientAddress,
    id: i64,
) -> Result<Reply, Failed> {
    let Inviter(account) = inviter;
    let now = app.clock.now();
    let actor = Actor::web(Some(account.id), client);
    let row = invitations::withdraw(&app.accounts.db, &account, &actor, id, now).await?;
    Ok(Reply::show_or_send_browsers(
        InvitationWithdrawn::new(row, now),
        app.links().account_page(),
    ))
}
