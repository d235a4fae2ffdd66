//! `/.well-known/…` documents: served under `base-path` like every route, and at the server's
//! root too (RFC 8615 puts them there), by rewriting a root request to the mounted route.
//!
//! Rewriting instead of mounting a second copy keeps one route per document, so the API
//! description, the metrics and the access log each know it once.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::uri::Origin;
use rocket::serde::json::Json;
use rocket::{Data, Request, State, get};

use super::Doorstep;
use super::views::Discovery;

const WELL_KNOWN: &str = "/.well-known/";

/// What this server offers (sign-up, reset, password lengths, captchas, CORS origins), for
/// front-ends that adapt to it; no secrets. Also served at the server's root when `base-path`
/// is set.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "What this server offers", body = Discovery),
))]
#[get("/.well-known/doorstep")]
pub fn discovery(app: &State<Doorstep>) -> Json<Discovery> {
    Json(Discovery::new(app.settings(), app.links()))
}

/// Sends `/.well-known/<name>` at the root to `<base-path>/.well-known/<name>`.
pub struct WellKnownAtRoot {
    base_path: String,
}

impl WellKnownAtRoot {
    pub fn new(base_path: &str) -> WellKnownAtRoot {
        WellKnownAtRoot {
            base_path: base_path.to_owned(),
        }
    }
}

#[rocket::async_trait]
impl Fairing for WellKnownAtRoot {
    fn info(&self) -> Info {
        Info {
            name: "/.well-known at the root",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let uri = req.uri();
        // Without a `base-path` the routes are at the root already.
        if self.base_path.is_empty() || !uri.path().as_str().starts_with(WELL_KNOWN) {
            return;
        }
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        let moved = format!("{}{}{query}", self.base_path, uri.path());
        // The parts were a valid URI and `base-path` is checked at start-up; if the whole
        // should still not parse, the request stays as it was and gets a 404.
        if let Ok(moved) = Origin::parse_owned(moved) {
            req.set_uri(moved);
        }
    }
}
