//! Browsers on other origins: CORS for the front-ends listed in `doorstep.cors.origins`, and the
//! origin rule that refuses state changes from any other page.
//!
//! Preflights are answered by the fairing, not by a route: no route answers `OPTIONS`, so a
//! preflight reaches the catcher, and the fairing turns that reply into the 204 a listed origin
//! gets. Nothing else changes for requests without `Origin` (curl, native apps, servers).

use std::io::Cursor;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Method, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::{Request, Response};

use super::negotiate::refuse;
use crate::config::{Origin, Settings};
use crate::error::Error;

/// How long a browser may keep a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";
const ALLOW_METHODS: &str = "POST, GET, DELETE, PATCH";
/// Besides doorstep's own: Nextcloud's guard header, and what a DSpace UI sends with its calls
/// (the captcha's answer, and its own CSRF token, correlation id and page, which doorstep
/// ignores but a browser must be allowed to send).
const ALLOW_HEADERS: &str = "Content-Type, Authorization, OCS-APIRequest, X-Captcha-Payload, \
                             X-Recaptcha-Token, X-XSRF-TOKEN, X-Correlation-ID, X-Referrer";
/// What a front-end's script may read besides the simple headers: when to retry, and the id
/// that finds the request's log lines.
const EXPOSE_HEADERS: &str = "Retry-After, X-Request-Id";

/// Which pages may talk to doorstep from a browser.
#[derive(Debug, Clone)]
pub struct Origins {
    /// `doorstep.cors.origins`: CORS replies, and state changes.
    listed: Vec<Origin>,
    /// `base-url`'s origin: doorstep's own pages, allowed state changes but never given CORS
    /// headers (they need none).
    own: Origin,
    /// `<base-path>/admin`: never shared with another origin, whatever is listed.
    admin: String,
}

impl Origins {
    pub fn new(settings: &Settings) -> Origins {
        Origins {
            listed: settings.cors_origins.clone(),
            own: Origin::of(&settings.base_url),
            admin: format!("{}/admin", settings.base_path),
        }
    }

    /// The listed origin that `Origin` names, if it names one.
    fn listed(&self, sent: &str) -> Option<&Origin> {
        self.listed.iter().find(|origin| origin.as_str() == sent)
    }

    fn is_admin(&self, path: &str) -> bool {
        path.strip_prefix(self.admin.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// The origin rule: a request that changes state and is not a form may come only from
    /// doorstep's own pages, a listed front-end, or no page at all (no `Origin`).
    ///
    /// Forms are left to their CSRF token, which a page elsewhere cannot read. Without this
    /// rule, a page elsewhere could still post a `text/plain` body (browsers send that without
    /// a preflight), and the only thing between it and a state change would be our media type
    /// check. `null` (sandboxed frames, `file:` pages, some redirects) is refused like any
    /// unlisted origin.
    pub fn check(&self, req: &Request<'_>) -> Result<(), Error> {
        let changes_state = matches!(
            req.method(),
            Method::Post | Method::Put | Method::Patch | Method::Delete
        );
        let is_form = req
            .content_type()
            .is_some_and(|ct| ct.media_type().is_form());
        if !changes_state || is_form {
            return Ok(());
        }
        let trusted = |sent: &str| sent == self.own.as_str() || self.listed(sent).is_some();
        // Every `Origin` line must pass: a second one must not smuggle in a foreign page.
        if req.headers().get("Origin").all(trusted) {
            Ok(())
        } else {
            Err(Error::OriginNotAllowed)
        }
    }
}

/// Passes requests that the origin rule allows (see [`Origins::check`]); otherwise the route
/// answers 403 `origin_not_allowed` before its handler runs.
pub struct AllowedOrigin;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AllowedOrigin {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match check_origin(req) {
            Ok(()) => Outcome::Success(AllowedOrigin),
            Err(error) => refuse(req, error),
        }
    }
}

/// The origin rule for this request, with the running server's origins.
pub fn check_origin(req: &Request<'_>) -> Result<(), Error> {
    match req.rocket().state::<Origins>() {
        Some(origins) => origins.check(req),
        None => Err(Error::internal("origin rule", "no Origins managed")),
    }
}

/// Answers preflights from listed origins and lets them read replies, errors included.
pub struct Cors(pub Origins);

#[rocket::async_trait]
impl Fairing for Cors {
    fn info(&self) -> Info {
        Info {
            name: "CORS for listed front-ends",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let origins = &self.0;
        if origins.listed.is_empty() || origins.is_admin(req.uri().path().as_str()) {
            return;
        }
        // Replies differ by `Origin` from here on, so caches must keep them apart.
        res.adjoin_header(Header::new("Vary", "Origin"));
        let Some(origin) = req
            .headers()
            .get_one("Origin")
            .and_then(|o| origins.listed(o))
        else {
            return;
        };
        res.set_header(Header::new(
            "Access-Control-Allow-Origin",
            origin.as_str().to_owned(),
        ));
        res.set_header(Header::new("Access-Control-Allow-Credentials", "true"));
        if req.method() == Method::Options {
            answer_preflight(res);
        } else {
            res.set_header(Header::new("Access-Control-Expose-Headers", EXPOSE_HEADERS));
        }
    }
}

/// Turns the catcher's reply to an `OPTIONS` request into an empty 204 that grants the
/// methods and headers doorstep's API uses. The error page's CSRF cookie goes too: a
/// preflight sets nothing.
fn answer_preflight(res: &mut Response<'_>) {
    res.set_status(Status::NoContent);
    res.remove_header("Content-Type");
    res.remove_header("Set-Cookie");
    res.set_sized_body(0, Cursor::new(&[][..]));
    res.set_header(Header::new("Access-Control-Allow-Methods", ALLOW_METHODS));
    res.set_header(Header::new("Access-Control-Allow-Headers", ALLOW_HEADERS));
    res.set_header(Header::new("Access-Control-Max-Age", PREFLIGHT_MAX_AGE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_is_a_path_prefix_at_a_segment_boundary() {
        let mut settings = Settings::defaults();
        settings.base_path = "/store".into();
        let origins = Origins::new(&settings);
        for admin in ["/store/admin", "/store/admin/", "/store/admin/accounts/1"] {
            assert!(origins.is_admin(admin), "{admin}");
        }
        for other in [
            "/admin",
            "/store/administrator",
            "/store/auth/admin",
            "/store",
        ] {
            assert!(!origins.is_admin(other), "{other}");
        }
    }
}
