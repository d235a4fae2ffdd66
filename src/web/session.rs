//! Signing in and out, and the signed-in account.

use rocket::http::CookieJar;
use rocket::http::Header;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use rocket::{Request, State, get, post};

use super::Doorstep;
use super::cookies::{end_session, start_session};
use super::cors::AllowedOrigin;
use super::guards::{CarriedSessions, CurrentAccount, UserAgent};
use super::negotiate::{Failed, Format, Input, Reply};
use super::views::{AccountVerified, AccountView, ErrorBody, SignInPage, SignedIn, SignedOut};
use crate::accounts::admin::role_name;
use crate::accounts::app_password;
use crate::accounts::credential::Proof;
use crate::accounts::invitations;
use crate::accounts::session::{self, SignInForm};
use crate::entities::account::Role;
use crate::limits::ClientAddress;

/// The sign-in form.
#[utoipa::path(
    tag = "sessions",
    responses((status = 200, description = "The sign-in form's description (or page)",
        content((SignInPage = "application/json"), (String = "text/html"))))
)]
#[get("/auth/login")]
pub fn form(app: &State<Doorstep>) -> Reply {
    Reply::show(SignInPage::new(app.settings()))
}

/// Signs in with an address or (while usernames are on) a username: a session cookie, then
/// the account page (or `urlsuccess`) for browsers, and for programs `{"status":"ok"}` with the
/// session's secret as a Bearer `token` (for front-ends on another site, whose requests carry
/// no `SameSite=Lax` cookie). Wrong password and unknown account look the same.
#[utoipa::path(
    tag = "sessions",
    request_body(description = "Forms also send `csrf_token` with the `doorstep_csrf` cookie.",
        content((SignInForm = "application/json"),
            (SignInForm = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Signed in: the session cookie is set, and `token` works \
            as `Authorization: Bearer` until `expires_at`",
            body = SignedIn, headers(("Set-Cookie" = String,
                description = "`doorstep_session` (`__Host-doorstep_session` over https)"))),
        (status = 303, description = "Browsers: on to `urlsuccess` or the account page"),
        (status = 400, description = "`invalid_request` (`fields.email` or, while usernames \
            are on, `fields.login`: `required`), `redirect_not_allowed`", body = ErrorBody),
        (status = 401, description = "`invalid_credentials` (the same whether or not the \
            account exists)", body = ErrorBody),
        (status = 403, description = "`approval_pending`, `account_disabled`: the right \
            password, into an account that waits for approval or is disabled", body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/login", data = "<input>")]
pub async fn sign_in(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    client: ClientAddress,
    agent: UserAgent,
    input: Input<SignInForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let page = SignInPage::new(app.settings()).refill(&form);
    let agent = agent.0.as_deref();
    let session = session::sign_in(&app.accounts, form, &client, agent, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    start_session(jar, app, session.secret.clone());
    let next = match &session.url_success {
        Some(url) => url.to_string(),
        None => app.links().account_page(),
    };
    Ok(Reply::show_or_send_browsers(SignedIn::new(session), next))
}

/// Ends this client's session: its cookie's and its Bearer token's; signing out twice is not
/// an error. An app password is not ended here: its owner revokes it.
///
/// No CSRF token is needed: the session cookie is `SameSite=Lax`, so another site's form
/// cannot send it along. It reads no body, so it checks the origin rule itself: a script on a
/// sibling origin of the same site, neither ours nor listed, cannot end the session.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 200, description = "Signed out (also when no session was there)",
            body = SignedOut),
        (status = 303, description = "Browsers: on to the sign-in page"),
        (status = 403, description = "`origin_not_allowed`", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn sign_out(
    app: &State<Doorstep>,
    _origin: AllowedOrigin,
    carried: CarriedSessions,
    jar: &CookieJar<'_>,
) -> Result<Reply, Failed> {
    for secret in carried.0 {
        session::sign_out(&app.accounts.db, &secret).await?;
    }
    end_session(jar, app);
    Ok(Reply::show_or_send_browsers(
        SignedOut::default(),
        app.links().signed_out_page(),
    ))
}

/// The signed-in account: any credential reads it, an app password too.
///
/// The page also lists the account's sessions and app passwords with their buttons. Programs
/// never get those here (they have routes of their own), so a JSON read stays one query.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 200, description = "The signed-in account (or its page)",
            content((AccountView = "application/json"), (String = "text/html"))),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[get("/auth/me")]
pub async fn me(
    app: &State<Doorstep>,
    account: CurrentAccount,
    format: Format,
) -> Result<Reply, Failed> {
    let CurrentAccount(account, proof) = account;
    match (format, proof) {
        (Format::Html, Proof::Session(current)) => {
            Ok(Reply::show(account_page(app, account, current).await?))
        }
        _ => Ok(Reply::show(AccountView::new(account))),
    }
}

/// The account page of a signed-in session: the account, its sessions and app passwords.
pub(super) async fn account_page(
    app: &Doorstep,
    account: crate::entities::account::Model,
    current: i64,
) -> Result<AccountView, crate::error::Error> {
    let db = &app.accounts.db;
    let sessions = session::list(db, account.id, app.clock.now()).await?;
    let app_passwords = match app.settings().app_passwords {
        true => Some(app_password::list(db, account.id).await?),
        false => None,
    };
    let may_invite = matches!(account.role, Role::Inviter | Role::Admin);
    let sent = match may_invite {
        true => Some(invitations::list(db, &account).await?),
        false => None,
    };
    let page = AccountView::new(account).with_credentials(sessions, current, app_passwords);
    Ok(match sent {
        Some(sent) => page.with_invitations(sent, app.clock.now(), None),
        None => page,
    })
}

/// Forward auth for a reverse proxy (nginx `auth_request`, Traefik `forwardAuth`): 200 with
/// the account in `X-Doorstep-Account`, `X-Doorstep-Email`, `X-Doorstep-Role` and (when it has
/// one) `X-Doorstep-Username` for a live session, session Bearer token or app password (Bearer
/// or Basic), else 401, so an application behind the proxy trusts doorstep's accounts without a
/// login of its own.
#[utoipa::path(
    tag = "sessions",
    responses(
        (status = 200, description = "A live session or an app password: the account in the \
            reply's headers",
            body = AccountVerified,
            headers(
                ("X-Doorstep-Account" = String, description = "The account's id"),
                ("X-Doorstep-Email" = String, description = "The account's address; characters \
                    outside printable ASCII are percent-encoded (UTF-8)"),
                ("X-Doorstep-Role" = String, description = "`member`, `inviter` or `admin`"),
                ("X-Doorstep-Username" = String, description = "The account's username, only \
                    when it has one"),
            )),
        (status = 401, description = "`unauthenticated`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []), ("basic" = []))
)]
#[get("/auth/verify")]
pub fn verify(account: CurrentAccount) -> Verified {
    let account = account.0;
    let mut headers = vec![
        Header::new("X-Doorstep-Account", account.id.to_string()),
        Header::new("X-Doorstep-Email", header_text(&account.email)),
        Header::new("X-Doorstep-Role", role_name(account.role)),
    ];
    if let Some(username) = &account.username {
        headers.push(Header::new("X-Doorstep-Username", header_text(username)));
    }
    Verified {
        headers,
        body: Json(AccountVerified::new(&account)),
    }
}

/// The verified account: its headers for the proxy, the same as JSON for people debugging.
pub struct Verified {
    headers: Vec<Header<'static>>,
    body: Json<AccountVerified>,
}

impl<'r> Responder<'r, 'static> for Verified {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.body.respond_to(req)?;
        for header in self.headers {
            response.set_header(header);
        }
        Ok(response)
    }
}

/// `text` as a header value: printable ASCII as it is, anything else percent-encoded, so an
/// address with a non-ASCII local part cannot break the header.
fn header_text(text: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b'%');
    percent_encoding::utf8_percent_encode(text, KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::header_text;

    #[test]
    fn header_values_stay_printable_ascii() {
        assert_eq!(header_text("ada@example.com"), "ada@example.com");
        assert_eq!(header_text("åsa@example.com"), "%C3%A5sa@example.com");
        assert_eq!(header_text("a%b@example.com"), "a%25b@example.com");
        assert_eq!(
            header_text("a\r\nX: y@example.com"),
            "a%0D%0AX: y@example.com"
        );
    }
}
