//! doorstep's cookies: the CSRF token of forms, the session, and the handle of the sign-up a
//! browser started.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::Request;
use subtle::ConstantTimeEq as _;

use super::Doorstep;
use crate::error::Error;

#[derive(Clone, Copy)]
enum Named {
    Csrf,
    Session,
    Signup,
}

/// A cookie's name. Over https it carries the `__Host-` prefix: browsers then accept it only
/// from this very host, `Secure`, for path `/`, so a sibling subdomain cannot plant one (say,
/// a sealed value it obtained for itself). Sealing alone does not stop that.
fn cookie_name(app: Option<&Doorstep>, which: Named) -> &'static str {
    match (which, is_https(app)) {
        (Named::Csrf, false) => "doorstep_csrf",
        (Named::Csrf, true) => "__Host-doorstep_csrf",
        (Named::Session, false) => "doorstep_session",
        (Named::Session, true) => "__Host-doorstep_session",
        (Named::Signup, false) => "doorstep_signup",
        (Named::Signup, true) => "__Host-doorstep_signup",
    }
}

fn is_https(app: Option<&Doorstep>) -> bool {
    app.is_some_and(|app| app.settings().base_url.scheme() == "https")
}

/// The CSRF token of this browser, created (and set as a private cookie) on first use.
///
/// The cookie is encrypted and authenticated with the server's secret key, so a cross-site
/// page cannot make up a value of its own.
pub fn csrf_token(req: &Request<'_>) -> String {
    let jar = req.cookies();
    let app = req.rocket().state::<Doorstep>();
    let name = cookie_name(app, Named::Csrf);
    if let Some(cookie) = jar.get_private(name) {
        return cookie.value().to_owned();
    }
    let token = crate::random::url_token();
    jar.add_private(
        Cookie::build((name, token.clone()))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(is_https(app))
            .path("/"),
    );
    token
}

/// A form post must echo the token of its CSRF cookie; compared in constant time.
pub fn verify_csrf(req: &Request<'_>, sent: Option<&str>) -> Result<(), Error> {
    let name = cookie_name(req.rocket().state::<Doorstep>(), Named::Csrf);
    let cookie = req.cookies().get_private(name);
    match (cookie, sent) {
        (Some(cookie), Some(sent))
            if !sent.is_empty() && bool::from(cookie.value().as_bytes().ct_eq(sent.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(Error::CsrfInvalid),
    }
}

/// The secret of this client's session cookie, if it has one.
pub fn session_secret(jar: &CookieJar<'_>, app: &Doorstep) -> Option<String> {
    jar.get_private(cookie_name(Some(app), Named::Session))
        .map(|cookie| cookie.value().to_owned())
}

/// Gives the client its session cookie: private (sealed with the secret key), `HttpOnly`,
/// `SameSite=Lax`, and `Secure` when doorstep is served over https.
pub fn start_session(jar: &CookieJar<'_>, app: &Doorstep, secret: String) {
    let max_age = rocket::time::Duration::seconds(
        i64::try_from(app.settings().session_ttl.as_secs()).unwrap_or(i64::MAX),
    );
    jar.add_private(
        Cookie::build((cookie_name(Some(app), Named::Session), secret))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(is_https(Some(app)))
            .path("/")
            .max_age(max_age)
            // Without it, Rocket gives private cookies a week's `Expires`, whatever `Max-Age`
            // says; browsers that read only `Expires` would disagree with the others.
            .expires(rocket::time::OffsetDateTime::now_utc() + max_age),
    );
}

/// Takes the session cookie away.
pub fn end_session(jar: &CookieJar<'_>, app: &Doorstep) {
    jar.remove_private(Cookie::build(cookie_name(Some(app), Named::Session)).path("/"));
}

/// Remembers the registration handle of the sign-up this browser just started, for as long as
/// its link works: confirming from this browser may then sign it in
/// (`doorstep.auth.signup.login-on-confirm`), and from no other. Private, `HttpOnly`,
/// `SameSite=Lax`, like the session.
pub fn remember_signup(jar: &CookieJar<'_>, app: &Doorstep, handle: String) {
    let max_age = rocket::time::Duration::seconds(
        i64::try_from(app.settings().signup.confirm_ttl.as_secs()).unwrap_or(i64::MAX),
    );
    jar.add_private(
        Cookie::build((cookie_name(Some(app), Named::Signup), handle))
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(is_https(Some(app)))
            .path("/")
            .max_age(max_age)
            .expires(rocket::time::OffsetDateTime::now_utc() + max_age),
    );
}

/// The registration handle this browser's sign-up cookie holds, if any.
pub fn signup_handle(jar: &CookieJar<'_>, app: &Doorstep) -> Option<String> {
    jar.get_private(cookie_name(Some(app), Named::Signup))
        .map(|cookie| cookie.value().to_owned())
}

/// Takes the sign-up cookie away once its sign-up is confirmed.
pub fn forget_signup(jar: &CookieJar<'_>, app: &Doorstep) {
    jar.remove_private(Cookie::build(cookie_name(Some(app), Named::Signup)).path("/"));
}
