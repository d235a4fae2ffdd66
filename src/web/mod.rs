//! The HTTP edge: every route on one screen, and the headers every reply carries.

pub mod account_sessions;
pub mod admin;
pub mod app_passwords;
mod authorization;
pub mod captcha;
pub mod catchers;
pub mod compat;
pub mod cookies;
pub mod cors;
pub mod discovery;
pub mod email_first;
pub mod guards;
pub mod invitations;
pub mod metrics;
pub mod negotiate;
pub mod observe;
pub mod openapi;
pub mod pages;
pub mod password_reset;
pub mod self_service;
pub mod session;
pub mod signup;
mod state;
pub mod static_files;
pub mod views;
mod wording;

pub use observe::{Observer, Traffic, traced, traced_catchers};
pub use state::Doorstep;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::serde::json::Json;
use rocket::shield::{Frame, Referrer, Shield};
use rocket::{Catcher, Request, Response, Route, State, get};

use crate::config::Settings;
use crate::error::Error;
use negotiate::{Failed, Reply};
use openapi::ApiDescription;
use views::{ApiReference, ErrorBody, Health};

/// The API map, mounted under `doorstep.base-path`; the admin area's routes are listed in
/// `admin::routes`.
pub fn routes() -> Vec<Route> {
    let mut routes = rocket::routes![
        index,
        healthz,
        signup::form,
        signup::sign_up,
        signup::confirm,
        email_first::complete,
        signup::resend,
        signup::status,
        signup::username,
        signup::whitelist,
        password_reset::form,
        password_reset::request,
        password_reset::confirm,
        session::form,
        session::sign_in,
        session::sign_out,
        session::me,
        session::verify,
        account_sessions::list,
        account_sessions::end,
        account_sessions::end_by_form,
        app_passwords::create,
        app_passwords::list,
        app_passwords::revoke,
        app_passwords::revoke_by_form,
        self_service::change_password,
        self_service::change_email,
        self_service::email_link,
        self_service::confirm_email,
        self_service::delete_account,
        self_service::export,
        captcha::challenge,
        captcha::picture,
        captcha::proof_of_work,
        description,
        reference,
        discovery::discovery,
        static_files::file,
        metrics::scrape,
        compat::cadmium::message,
        invitations::invite,
        invitations::list,
        invitations::withdraw,
        invitations::withdraw_by_form,
    ];
    routes.extend(admin::routes());
    routes
}

/// Other systems' APIs the operator switched on, mounted beside `routes()`; while one is off
/// its paths are doorstep's 404 like any unknown path.
pub fn compat_routes(settings: &Settings) -> Vec<Route> {
    let mut routes = Vec::new();
    if settings.nextcloud.enabled {
        routes.extend(rocket::routes![
            compat::nextcloud::verify,
            compat::nextcloud::create,
            compat::nextcloud::status,
            compat::nextcloud::well_known,
            compat::nextcloud::one_step,
            compat::nextcloud::ocs_validate,
            compat::nextcloud::ocs_register,
            compat::nextcloud::ocs_status,
        ]);
    }
    if settings.ald {
        routes.extend(rocket::routes![
            compat::ald::register,
            compat::ald::token,
            compat::ald::verify,
        ]);
    }
    if settings.dspace.enabled {
        routes.extend(rocket::routes![
            compat::dspace::register,
            compat::dspace::list,
            compat::dspace::show,
            compat::dspace::find_by_token,
            compat::dspace::create_eperson,
            compat::dspace::set_password,
        ]);
    }
    routes
}

pub fn catchers() -> Vec<Catcher> {
    rocket::catchers![catchers::default]
}

/// The front door leads to sign-up.
#[utoipa::path(tag = "service", responses((status = 303, description = "On to the sign-up form")))]
#[get("/")]
fn index(app: &State<Doorstep>) -> Reply {
    Reply::see_other(app.links().signup_page())
}

/// 200 while the database would serve a sign-up, for load balancers and orchestrators.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "The database answers", body = Health),
    (status = 503, description = "`unavailable`: the database does not answer, or a SQLite \
        file stays locked by another writer past 5 s", body = ErrorBody),
))]
#[get("/healthz")]
async fn healthz(app: &State<Doorstep>) -> Result<Json<Health>, Failed> {
    crate::database::probe(&app.accounts.db)
        .await
        .map_err(|err| {
            log::error!("health check: {err}");
            Error::Unavailable
        })?;
    Ok(Json(Health::ok()))
}

/// This API's OpenAPI 3.1 description.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "OpenAPI 3.1", content((Object = "application/json"))),
))]
#[get("/openapi.json")]
fn description(api: &State<ApiDescription>) -> Json<&serde_json::Value> {
    Json(&api.0)
}

/// The same description as a page to read, served from here (no third-party scripts).
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "The API reference", content((String = "text/html"), (ApiReference = "application/json"))),
))]
#[get("/docs")]
fn reference(api: &State<ApiDescription>) -> Reply {
    Reply::show(ApiReference::of(&api.0))
}

/// Rocket's Shield, set as doorstep needs it (and as its start-up log then says): no framing
/// at all, and no referrer, since confirmation tokens are in URLs and must never leak to the
/// next site. It also sends `X-Content-Type-Options: nosniff`.
pub fn shield() -> Shield {
    Shield::default()
        .enable(Frame::Deny)
        .enable(Referrer::NoReferrer)
}

/// Adds the rest of the security headers of DESIGN.md section 5.7 to every reply: the content
/// security policy, and `no-store` for anything that did not choose its caching.
pub struct SecurityHeaders {
    content_security_policy: String,
}

impl SecurityHeaders {
    pub fn new(settings: &Settings) -> Self {
        // Browsers apply form-action to the redirect after a form post too, so the permitted
        // redirect origins must be listed or the confirm button could not land on urlsuccess.
        let mut form_action = vec!["'self'".to_owned()];
        for rule in &settings.permitted_redirects {
            form_action.push(format!("{}://{}:{}", rule.scheme, rule.host, rule.port));
        }
        // A remote captcha's widget needs its provider's script, frames and styles.
        let widget = settings
            .captcha
            .remote
            .as_ref()
            .map(|remote| format!(" {}", remote.provider.widget_sources().join(" ")))
            .unwrap_or_default();
        // The operator's logo and stylesheet may live on another origin (`doorstep.ui.*`).
        let logo = origin_of(settings.ui.logo.as_deref());
        let css = origin_of(settings.ui.css.as_deref());
        SecurityHeaders {
            content_security_policy: format!(
                "default-src 'none'; script-src 'self'{widget}; frame-src{frames}; \
                 connect-src 'self'{widget}; style-src 'self'{widget}{css}; \
                 img-src 'self' data:{logo}; \
                 form-action {}; frame-ancestors 'none'; base-uri 'none'",
                form_action.join(" "),
                frames = if widget.is_empty() {
                    " 'none'"
                } else {
                    widget.as_str()
                },
            ),
        }
    }
}

/// ` <scheme>://<host>:<port>` of an absolute URL, for the policy; nothing for a path.
fn origin_of(address: Option<&str>) -> String {
    address
        .and_then(|address| url::Url::parse(address).ok())
        .map(|url| format!(" {}", url.origin().ascii_serialization()))
        .unwrap_or_default()
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new(
            "Content-Security-Policy",
            self.content_security_policy.clone(),
        ));
        if res.headers().get_one("Cache-Control").is_none() {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
    }
}
