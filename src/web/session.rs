//! Signing in and out, and the signed-in account.

use rocket::State;
use rocket::http::CookieJar;

use super::Doorstep;
use super::cookies::{end_session, session_secret, start_session};
use super::guards::CurrentAccount;
use super::negotiate::{Failed, Input, Reply};
use super::views::{AccountView, SignInPage, SignedIn, SignedOut};
use crate::accounts::session::{self, SignInForm};
use crate::limits::ClientAddress;

/// The sign-in form.
#[rocket::get("/auth/login")]
pub fn form() -> Reply {
    Reply::show(SignInPage::default())
}

/// Signs in: a session cookie, then the account page (or `urlsuccess`) for browsers and
/// `{"status":"ok"}` for programs. Wrong password and unknown address look the same.
#[rocket::post("/auth/login", data = "<input>")]
pub async fn sign_in(
    app: &State<Doorstep>,
    jar: &CookieJar<'_>,
    client: ClientAddress,
    input: Input<SignInForm>,
) -> Result<Reply, Failed> {
    let form = input.0;
    let page = SignInPage::default().refill(&form);
    let session = session::sign_in(&app.accounts, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::refill(error, page))?;
    start_session(jar, app, session.secret);
    let next = match session.url_success {
        Some(url) => url.to_string(),
        None => app.links().account_page(),
    };
    Ok(Reply::show_or_send_browsers(
        SignedIn::new(&session.account),
        next,
    ))
}

/// Ends this client's session; signing out twice is not an error.
///
/// No CSRF token is needed: the session cookie is `SameSite=Lax`, so another site's form
/// cannot send it along.
#[rocket::post("/auth/logout")]
pub async fn sign_out(app: &State<Doorstep>, jar: &CookieJar<'_>) -> Result<Reply, Failed> {
    if let Some(secret) = session_secret(jar, app) {
        session::sign_out(&app.accounts.db, &secret).await?;
    }
    end_session(jar, app);
    Ok(Reply::show_or_send_browsers(
        SignedOut::default(),
        app.links().login_page(),
    ))
}

/// The signed-in account.
#[rocket::get("/auth/me")]
pub fn me(account: CurrentAccount) -> Reply {
    Reply::show(AccountView::new(account.0))
}
