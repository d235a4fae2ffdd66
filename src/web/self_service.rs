//! Self-service: a new password, a new address, deleting the account, and its export.
//!
//! Only a session may do these (an app password is 403 `forbidden`): a program's credential
//! must never change its owner's password or address, nor delete the account. The link that
//! proves a new address works for whoever holds it, like every mailed link.

use rocket::http::{CookieJar, Header};
use rocket::request::{FromRequest, Outcome};
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Request, State, get, post};

use super::Doorstep;
use super::cookies::end_session;
use super::guards::{LinkToken, SessionAccount};
use super::negotiate::{Failed, Input, Reply, take_stashed};
use super::session::account_page;
use super::views::{
    AccountDeleted, AccountExport, AccountPageAgain, EmailChangeLink, EmailChangeSent,
    EmailSwitched, ErrorBody, PasswordUpdated,
};
use crate::accounts::self_service::deletion::{self, DeleteAccountForm};
use crate::accounts::self_service::email_change::{self, EmailChangeForm, EmailConfirmForm, Proof};
use crate::accounts::self_service::export::export as gather;
use crate::accounts::self_service::password::{self, PasswordChangeForm};
use crate::error::Error;
use crate::limits::ClientAddress;

/// Sets a new password, proving the current one; every other session ends, this one stays.
#[utoipa::path(
    tag = "your account",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((PasswordChangeForm = "application/json"),
            (PasswordChangeForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Changed: other sessions are over, app passwords stay, \
            the owner is told by mail", body = PasswordUpdated),
        (status = 303, description = "Browsers: back to the account page"),
        (status = 400, description = "`invalid_request` (`fields.current_password`: \
            `required`, `incorrect`; `fields.password`: `required`), `weak_password`",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 429, description = "`rate_limited` (wrong passwords count like failed \
            sign-ins), with `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/password", data = "<input>")]
pub async fn change_password(
    app: &State<Doorstep>,
    me: SessionAccount,
    client: ClientAddress,
    input: Input<PasswordChangeForm>,
) -> Result<Reply, Failed> {
    let now = app.clock.now();
    let changed = password::change_password(
        &app.accounts,
        &me.account,
        me.session,
        input.0,
        &client,
        now,
    );
    match changed.await {
        Ok(()) => Ok(Reply::show_or_send_browsers(
            PasswordUpdated::default(),
            app.links().account_page(),
        )),
        Err(error) => Err(again(app, me, "password", error).await),
    }
}

/// Asks to move the account to a new address, proving the password: the new address gets a
/// link and a code; nothing changes until one of them is used.
#[utoipa::path(
    tag = "your account",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((EmailChangeForm = "application/json"),
            (EmailChangeForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "A link and code are on their way to the new address \
            (the same reply when the address already has an account: its owner is told \
            instead, and nothing moves)",
            content((EmailChangeSent = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request` (`fields.email`: `required`, \
            `invalid`, `unchanged`; `fields.password`: `required`, `incorrect`)",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden` (an app password), `domain_not_allowed` \
            (the sign-up domain rule; outside the whitelist also under \
            `approval=outside-whitelist`)", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/email", data = "<input>")]
pub async fn change_email(
    app: &State<Doorstep>,
    me: SessionAccount,
    client: ClientAddress,
    input: Input<EmailChangeForm>,
) -> Result<Reply, Failed> {
    let now = app.clock.now();
    let asked =
        email_change::request_email_change(&app.accounts, &me.account, input.0, &client, now);
    match asked.await {
        Ok(email) => Ok(Reply::show(EmailChangeSent::new(email))),
        Err(error) => Err(again(app, me, "email", error).await),
    }
}

/// The link mailed to a new address: a page whose button switches. Opening it changes
/// nothing, for programs too: mail scanners open links.
#[utoipa::path(
    tag = "your account",
    params(("confirm" = String, Query, description = "The link's token")),
    responses(
        (status = 200, description = "The link works: post its token to \
            `/auth/me/email/confirm` to switch",
            content((EmailChangeLink = "application/json"), (String = "text/html"))),
        (status = 400, description = "`token_invalid`; `invalid_request` for a missing, \
            repeated or misspelt `confirm`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    )
)]
#[get("/auth/me/email")]
pub async fn email_link(app: &State<Doorstep>, link: LinkToken) -> Result<Reply, Failed> {
    let token = link
        .0
        .ok_or_else(|| Error::invalid("confirm", "required"))?;
    let email = email_change::check_link(&app.accounts, &token, app.clock.now()).await?;
    Ok(Reply::show(EmailChangeLink::new(email, token)))
}

/// Switches the account to its new address with the link's `token` (whoever holds the link)
/// or the mailed `code` (the signed-in session); every other session ends.
#[utoipa::path(
    tag = "your account",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((EmailConfirmForm = "application/json"),
            (EmailConfirmForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The account uses its new address; the old one is told",
            content((EmailSwitched = "application/json"), (String = "text/html"))),
        (status = 400, description = "`token_invalid`, `code_invalid` (with \
            `attempts_left`), `invalid_request` (`fields.code`: `required`, `not_offered`; \
            `fields.email`: `taken`, when another account took the address meanwhile)",
            body = ErrorBody),
        (status = 401, description = "`unauthenticated`: a code without a session",
            body = ErrorBody),
        (status = 403, description = "`forbidden`: a code with an app password; \
            `domain_not_allowed`", body = ErrorBody),
        (status = 410, description = "`token_expired`", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = []))
)]
#[post("/auth/me/email/confirm", data = "<input>")]
pub async fn confirm_email(
    app: &State<Doorstep>,
    signed_in: MaybeSession,
    input: Input<EmailConfirmForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let now = app.clock.now();
    let ctx = &app.accounts;
    let changed = if form.token.is_empty() {
        let me = signed_in.0?;
        let proof = Proof::Code(&me.account, &form.code);
        email_change::confirm_email_change(ctx, proof, Some(me.session), now).await
    } else {
        // The session that opened the link stays when it is the account's own (the domain
        // keeps only a session of the account that moves).
        let keep = signed_in.0.ok().map(|me| me.session);
        email_change::confirm_email_change(ctx, Proof::Link(&form.token), keep, now).await
    };
    let changed = changed.map_err(|failed| Failed::from(failed.error))?;
    Ok(Reply::show(EmailSwitched::new(changed.email)))
}

/// Deletes the account, proving the password: its sessions and app passwords end with it, and
/// the address is told.
#[utoipa::path(
    tag = "your account",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((DeleteAccountForm = "application/json"),
            (DeleteAccountForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Deleted; the session cookie is cleared",
            content((AccountDeleted = "application/json"), (String = "text/html"))),
        (status = 400, description = "`invalid_request` (`fields.password`: `required`, \
            `incorrect`; `fields.account`: `last_admin`)", body = ErrorBody),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/auth/me/delete", data = "<input>")]
pub async fn delete_account(
    app: &State<Doorstep>,
    me: SessionAccount,
    client: ClientAddress,
    jar: &CookieJar<'_>,
    input: Input<DeleteAccountForm>,
) -> Result<Reply, Failed> {
    let now = app.clock.now();
    let deleted = deletion::delete_account(&app.accounts, &me.account, input.0, &client, now);
    match deleted.await {
        Ok(account) => {
            end_session(jar, app);
            Ok(Reply::show(AccountDeleted::new(account)))
        }
        Err(error) => Err(again(app, me, "delete", error).await),
    }
}

/// Everything stored about the account, as a JSON file to keep: never a hash or secret.
#[utoipa::path(
    tag = "your account",
    responses(
        (status = 200, description = "The account's data, as an attachment",
            body = AccountExport,
            headers(("Content-Disposition" = String,
                description = "`attachment; filename=\"doorstep-account.json\"`"))),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
        (status = 403, description = "`forbidden`: an app password", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/auth/me/export")]
pub async fn export(app: &State<Doorstep>, me: SessionAccount) -> Result<Download, Failed> {
    let data = gather(&app.accounts.db, me.account, app.clock.now()).await?;
    Ok(Download(Json(AccountExport::new(data, me.session))))
}

/// The export as a file to save rather than a page to show.
pub struct Download(Json<AccountExport>);

impl<'r> Responder<'r, 'static> for Download {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.0.respond_to(req)?;
        response.set_header(Header::new(
            "Content-Disposition",
            "attachment; filename=\"doorstep-account.json\"",
        ));
        Ok(response)
    }
}

/// Browsers see the account page again with the reason beside the failed form's fields;
/// programs get the error.
async fn again(app: &Doorstep, me: SessionAccount, form: &'static str, error: Error) -> Failed {
    match account_page(app, me.account, me.session).await {
        Ok(page) => Failed::refill(error, AccountPageAgain::new(page, form)),
        Err(other) => other.into(),
    }
}

/// The signed-in session when there is one, or why there is none (401, or 403 for an app
/// password): a link confirms without one, a code needs it.
pub struct MaybeSession(Result<SessionAccount, Error>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MaybeSession {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let found = match SessionAccount::from_request(req).await {
            Outcome::Success(me) => Ok(me),
            _ => Err(take_stashed(req).unwrap_or(Error::Unauthenticated)),
        };
        Outcome::Success(MaybeSession(found))
    }
}
