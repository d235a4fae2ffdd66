//! One route, two audiences: bodies in as form or JSON, replies out as HTML or JSON.
//!
//! Handlers take an `Input<T>` and return `Result<Reply, Failed>`; neither they nor anything
//! below them looks at formats.

use std::sync::Mutex;

use rocket::data::{FromData, Outcome as DataOutcome, ToByteUnit};
use rocket::http::{Header, MediaType, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::Json;
use rocket::{Data, Request};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::guards::{csrf_token, verify_csrf};
use crate::Doorstep;
use crate::error::Error;

/// Bodies larger than this are refused with 413: no form of ours comes near it.
const BODY_LIMIT: u64 = 32 * 1024;

/// What the client wants back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

impl Format {
    /// JSON when `Accept` prefers it, or when `Accept` says nothing and the body was JSON.
    pub fn of(req: &Request<'_>) -> Format {
        let preferred = req.accept().map(|accept| accept.preferred().media_type());
        match preferred {
            Some(media) if !is_any(media) => {
                if media.is_json() {
                    Format::Json
                } else {
                    Format::Html
                }
            }
            _ if req
                .content_type()
                .is_some_and(|ct| ct.media_type().is_json()) =>
            {
                Format::Json
            }
            _ => Format::Html,
        }
    }
}

fn is_any(media: &MediaType) -> bool {
    media.top() == "*" && media.sub() == "*"
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Format {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Format::of(req))
    }
}

/// A request body parsed from a form or from JSON into the same struct.
pub struct Input<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned> FromData<'r> for Input<T> {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> DataOutcome<'r, Self> {
        match read_body(req, data).await {
            Ok(value) => DataOutcome::Success(Input(value)),
            Err(error) => refuse(req, error),
        }
    }
}

async fn read_body<T: DeserializeOwned>(req: &Request<'_>, data: Data<'_>) -> Result<T, Error> {
    let content_type = req.content_type();
    let is_json = content_type.is_some_and(|ct| ct.media_type().is_json());
    if !is_json && !content_type.is_some_and(|ct| ct.media_type().is_form()) {
        return Err(Error::UnsupportedMediaType);
    }
    let body = data
        .open(BODY_LIMIT.bytes())
        .into_string()
        .await
        .map_err(|_| Error::invalid("body", "unreadable"))?;
    if !body.is_complete() {
        return Err(Error::BodyTooLarge);
    }
    if is_json {
        // JSON needs no CSRF token: a cross-site page cannot send it without a CORS preflight.
        serde_json::from_str(&body).map_err(|_| Error::invalid("body", "malformed"))
    } else {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_str(&body).map_err(|_| Error::invalid("body", "malformed"))?;
        let sent = fields
            .iter()
            .find(|(name, _)| name == "csrf_token")
            .map(|(_, v)| v.as_str());
        verify_csrf(req, sent)?;
        serde_urlencoded::from_str(&body).map_err(|_| Error::invalid("body", "malformed"))
    }
}

/// Holds a guard's error for the catcher, which Rocket calls with only a status.
#[derive(Default)]
struct Stashed(Mutex<Option<Error>>);

/// Fails a guard with `error`, to be rendered by the catcher like any other error.
pub fn refuse<S, E: Default, F>(
    req: &Request<'_>,
    error: Error,
) -> rocket::outcome::Outcome<S, (Status, E), F> {
    let status = Status::new(error.status());
    if let Ok(mut slot) = req.local_cache(Stashed::default).0.lock() {
        *slot = Some(error);
    }
    rocket::outcome::Outcome::Error((status, E::default()))
}

/// The error a guard stashed for this request, if any.
pub fn take_stashed(req: &Request<'_>) -> Option<Error> {
    req.local_cache(Stashed::default).0.lock().ok()?.take()
}

/// A successful reply: a page for browsers, `view` as JSON for programs, or a redirect.
pub struct Reply {
    template: &'static str,
    view: Value,
    page: Map<String, Value>,
    redirect: Option<String>,
    browser_redirect: Option<String>,
}

impl Reply {
    /// Renders `template` for browsers and `view` as JSON for programs.
    pub fn page(template: &'static str, view: impl Serialize) -> Reply {
        Reply {
            template,
            view: serde_json::to_value(view).unwrap_or(Value::Null),
            page: Map::new(),
            redirect: None,
            browser_redirect: None,
        }
    }

    /// Browsers are sent on to `url` (303); programs still get the JSON view.
    pub fn browsers_see_other(mut self, url: impl Into<String>) -> Reply {
        self.browser_redirect = Some(url.into());
        self
    }

    /// Adds values only the HTML page shows.
    pub fn with_page(mut self, values: Value) -> Reply {
        if let Value::Object(values) = values {
            self.page.extend(values);
        }
        self
    }

    /// `303 See Other` to `url`, for browsers and programs alike.
    pub fn see_other(url: impl Into<String>) -> Reply {
        Reply {
            template: "",
            view: Value::Null,
            page: Map::new(),
            redirect: Some(url.into()),
            browser_redirect: None,
        }
    }
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        if let Some(url) = self.redirect {
            return Redirect::to(url).respond_to(req);
        }
        match Format::of(req) {
            Format::Json => Json(self.view).respond_to(req),
            Format::Html if self.browser_redirect.is_some() => {
                Redirect::to(self.browser_redirect.unwrap_or_default()).respond_to(req)
            }
            Format::Html => {
                let mut context = match self.view {
                    Value::Object(view) => view,
                    _ => Map::new(),
                };
                context.extend(self.page);
                // Last, so that a view never shadows what every page relies on.
                context.extend(page_context(req));
                Template::render(self.template, Value::Object(context)).respond_to(req)
            }
        }
    }
}

/// A failed request: the error, and for forms the page to show again with the user's values.
pub struct Failed {
    error: Error,
    form: Option<(&'static str, Value)>,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Failed { error, form: None }
    }
}

impl Failed {
    /// Browsers see `template` again, filled with `values` (never the password), with the
    /// error beside its field.
    pub fn redisplay(mut self, template: &'static str, values: impl Serialize) -> Failed {
        self.form = Some((
            template,
            serde_json::to_value(values).unwrap_or(Value::Null),
        ));
        self
    }
}

impl<'r> Responder<'r, 'static> for Failed {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let error = self.error;
        let status = Status::new(error.status());
        let mut body = json!({ "error": error.code(), "message": error.to_string() });
        let fields = error.fields();
        if !fields.is_empty() {
            body["fields"] = json!(fields);
        }
        let mut response = match Format::of(req) {
            Format::Json => (status, Json(body)).respond_to(req)?,
            Format::Html => {
                let (template, values) = self.form.unwrap_or(("error", Value::Null));
                let mut context = page_context(req);
                context.insert("values".into(), values);
                if let Value::Object(body) = body {
                    context.extend(body);
                }
                (status, Template::render(template, Value::Object(context))).respond_to(req)?
            }
        };
        if let Some(wait) = error.retry_after() {
            response.set_header(Header::new(
                "Retry-After",
                wait.as_secs().max(1).to_string(),
            ));
        }
        Ok(response)
    }
}

/// The captcha a form shows: the remote widget, and a fresh image challenge id whose picture
/// is only drawn when the browser asks for it (so showing a page costs no rendering).
fn captcha_context(app: &Doorstep) -> Value {
    let mut captcha = app.captcha.widget();
    if app.captcha.image_enabled() {
        let id = crate::random::url_token();
        captcha["image"] = json!({
            "id": id,
            "url": app.links().captcha_image_path(&id),
        });
    }
    captcha
}

/// What every page needs: the mount prefix for links, and the form's CSRF token.
fn page_context(req: &Request<'_>) -> Map<String, Value> {
    let mut context = Map::new();
    if let Some(app) = req.rocket().state::<Doorstep>() {
        context.insert("base".into(), json!(app.settings.base_path));
        context.insert("signup_open".into(), json!(app.settings.signup.enabled));
        context.insert("reset_open".into(), json!(app.settings.reset.enabled));
        context.insert("captcha".into(), captcha_context(app));
    }
    context.insert("csrf_token".into(), json!(csrf_token(req)));
    context
}
