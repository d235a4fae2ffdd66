//! Signing in and out, and the signed-in account.

use rocket::State;
use rocket::http::CookieJar;
use serde_json::json;

use super::guards::{SignedIn, end_session, session_secret, start_session};
use super::negotiate::{Failed, Input, Reply};
use crate::Doorstep;
use crate::accounts::session::{self, SignInForm};
use crate::limits::ClientAddress;

/// The sign-in form.
#[rocket::get("/auth/login")]
pub fn form() -> Reply {
    Reply::page(
        "login",
        json!({ "fields": ["email", "password", "urlsuccess"] }),
    )
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
    let values = json!({ "email": form.email, "urlsuccess": form.urlsuccess });
    let signed_in = session::sign_in(app, form, &client, app.clock.now())
        .await
        .map_err(|error| Failed::from(error).redisplay("login", &values))?;
    start_session(jar, app, signed_in.secret);
    let next = match signed_in.url_success {
        Some(url) => url.to_string(),
        None => app.links().account_page(),
    };
    Ok(Reply::page(
        "account",
        json!({ "status": "ok", "email": signed_in.account.email }),
    )
    .browsers_see_other(next))
}

/// Ends this client's session; signing out twice is not an error.
///
/// No CSRF token is needed: the session cookie is `SameSite=Lax`, so another site's form
/// cannot send it along.
#[rocket::post("/auth/logout")]
pub async fn sign_out(app: &State<Doorstep>, jar: &CookieJar<'_>) -> Result<Reply, Failed> {
    if let Some(secret) = session_secret(jar, app) {
        session::sign_out(app, &secret).await?;
    }
    end_session(jar, app);
    Ok(Reply::page("login", json!({ "status": "signed_out" }))
        .browsers_see_other(app.links().login_page()))
}

/// The signed-in account.
#[rocket::get("/auth/me")]
pub fn me(account: SignedIn) -> Reply {
    let account = account.0;
    Reply::page(
        "account",
        json!({
            "email": account.email,
            "firstname": account.first_name,
            "lastname": account.last_name,
        }),
    )
}
