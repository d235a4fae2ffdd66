//! One route, two audiences: bodies in as form or JSON, replies out as HTML or JSON.
//!
//! Handlers take an `Input<T>` and return `Result<Reply, Failed>` built from typed views (see
//! `views`); neither they nor anything below them looks at formats.

use std::sync::Mutex;

use rocket::data::{FromData, Outcome as DataOutcome, ToByteUnit};
use rocket::http::{Header, MediaType, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::Json;
use rocket::{Data, Request};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::Doorstep;
use super::cookies::{csrf_token, verify_csrf};
use super::cors::check_origin;
use super::guards::language_of;
use super::pages::{ERROR_PAGE, Page};
use super::views::{ErrorBody, View};
use super::wording;
use crate::accounts::LinkFailed;
use crate::accounts::policy::failure_target;
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
    /// JSON when `Accept` prefers it, or when `Accept` says nothing and the body was JSON or
    /// the request carries `Authorization` (a Bearer token or an app password: a program, as
    /// browsers send neither on their own).
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
            _ if req.headers().contains("Authorization") => Format::Json,
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
        match read_body(req, data, Forms::WithCsrf).await {
            Ok(value) => DataOutcome::Success(Input(value)),
            Err(error) => refuse(req, error),
        }
    }
}

/// Whether a route takes form bodies, and how it knows a form came from a page of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forms {
    /// With the CSRF token of doorstep's own pages: every route of doorstep's own API.
    WithCsrf,
    /// Without a token, for a route that requires a header of its own (Nextcloud's
    /// `OCS-APIRequest`) and checks it before the body is read: a page elsewhere cannot add
    /// a header to a form, and a script elsewhere cannot send one without a preflight that
    /// only listed origins pass.
    BehindHeader,
    /// Without a token, for a route that takes no cookie as a credential (ALD's, whose
    /// inviters authenticate with an `Authorization` header only): a page elsewhere may post a
    /// form there, but only as anyone may, never as the person whose browser it is.
    WithoutCsrf,
    /// None: JSON only.
    Refused,
    /// None: JSON, also as a JSON Patch (`application/json-patch+json`), for a route that
    /// takes a patch (DSpace's).
    JsonPatch,
}

/// A body as form or JSON into `T`: the origin rule first, then the media type, the size and
/// (for forms taken `WithCsrf`) the CSRF token.
pub async fn read_body<T: DeserializeOwned>(
    req: &Request<'_>,
    data: Data<'_>,
    forms: Forms,
) -> Result<T, Error> {
    // First: a page whose origin may not change state is refused before its body is read.
    check_origin(req)?;
    let content_type = req.content_type();
    let is_json = content_type.is_some_and(|ct| {
        let patch = ct.top() == "application" && ct.sub() == "json-patch+json";
        ct.media_type().is_json() || (patch && forms == Forms::JsonPatch)
    });
    let is_form = content_type.is_some_and(|ct| ct.media_type().is_form());
    let takes_forms = matches!(
        forms,
        Forms::WithCsrf | Forms::BehindHeader | Forms::WithoutCsrf
    );
    if !is_json && (!is_form || !takes_forms) {
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
        // JSON needs no CSRF token: a page elsewhere cannot send it without a CORS preflight,
        // which only listed origins pass, and `check_origin` refused any other page above.
        serde_json::from_str(&body).map_err(unparsable)
    } else {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_str(&body).map_err(|_| Error::invalid("body", "malformed"))?;
        let sent = fields
            .iter()
            .find(|(name, _)| name == "csrf_token")
            .map(|(_, v)| v.as_str());
        if forms == Forms::WithCsrf {
            verify_csrf(req, sent)?;
        }
        serde_urlencoded::from_str(&body).map_err(unparsable)
    }
}

/// A body that does not fit its struct: `nul_character` when a field holds NUL, else `malformed`.
fn unparsable(err: impl std::fmt::Display) -> Error {
    if err.to_string().contains(crate::fields::NUL_REFUSED) {
        Error::invalid("body", "nul_character")
    } else {
        Error::invalid("body", "malformed")
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

/// A view rendered both ways: JSON for programs, a template's values for the page.
pub struct Rendered {
    template: &'static str,
    json: Value,
    /// What only the page shows, added to the JSON's values when the page is rendered.
    page_only: Map<String, Value>,
}

impl Rendered {
    fn of<V: View>(view: V) -> Rendered {
        let mut page_only = Map::new();
        view.page_only(&mut page_only);
        Rendered {
            template: V::TEMPLATE,
            json: serde_json::to_value(&view).unwrap_or(Value::Null),
            page_only,
        }
    }

    /// The template's values: the view, what only the page shows, then `extra`, then what every
    /// page relies on (last, so that nothing shadows it).
    fn into_page(self, req: &Request<'_>, status: Status, extra: Map<String, Value>) -> Page {
        let mut context = match self.json {
            Value::Object(values) => values,
            _ => Map::new(),
        };
        context.extend(self.page_only);
        context.extend(extra);
        context.extend(page_context(req));
        context
            .entry("field_messages")
            .or_insert_with(|| Value::Object(Map::new()));
        Page::new(status, self.template, context)
    }
}

/// A successful reply.
pub enum Reply {
    /// The view's page for browsers, the view as JSON for programs.
    Show(Rendered),
    /// The view as JSON for programs; browsers are sent on to the URL (303) instead.
    ShowOrSendBrowsers(Rendered, String),
    /// `303 See Other` to the URL, for browsers and programs alike.
    SeeOther(String),
}

impl Reply {
    /// Shows `view`: its template for browsers (or where the view sends them), its JSON for
    /// programs.
    pub fn show(view: impl View) -> Reply {
        match view.browsers_go_to() {
            Some(url) => Reply::ShowOrSendBrowsers(Rendered::of(view), url),
            None => Reply::Show(Rendered::of(view)),
        }
    }

    /// Programs get `view` as JSON; browsers are sent on to `url`.
    pub fn show_or_send_browsers(view: impl View, url: impl Into<String>) -> Reply {
        Reply::ShowOrSendBrowsers(Rendered::of(view), url.into())
    }

    pub fn see_other(url: impl Into<String>) -> Reply {
        Reply::SeeOther(url.into())
    }
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match (self, Format::of(req)) {
            (Reply::SeeOther(url), _) | (Reply::ShowOrSendBrowsers(_, url), Format::Html) => {
                Redirect::to(url).respond_to(req)
            }
            (Reply::Show(view) | Reply::ShowOrSendBrowsers(view, _), Format::Json) => {
                Json(view.json).respond_to(req)
            }
            (Reply::Show(view), Format::Html) => {
                view.into_page(req, Status::Ok, Map::new()).respond_to(req)
            }
        }
    }
}

/// A reply that made something: 201 Created (the page, for browsers, says what was made).
pub struct Created(pub Reply);

impl<'r> Responder<'r, 'static> for Created {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.0.respond_to(req)?;
        if response.status() == Status::Ok {
            response.set_status(Status::Created);
        }
        Ok(response)
    }
}

/// A refused request: the error, and what browsers see instead of the error page.
pub struct Failed {
    error: Error,
    instead: Instead,
}

/// What a refusal shows besides the error.
enum Instead {
    /// The error page for browsers; the error as JSON for programs.
    Nothing,
    /// The form again for browsers, filled in, with the error beside its field.
    Refill(Box<Rendered>),
    /// The failure target for browsers; the error as JSON, naming the target, for programs.
    SendBrowsers(String),
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Failed {
            error,
            instead: Instead::Nothing,
        }
    }
}

impl Failed {
    /// Browsers see `form` again with the values they sent (never the password) and the error
    /// beside its field; programs get the error.
    pub fn refill(error: Error, form: impl View) -> Failed {
        Failed {
            error,
            instead: Instead::Refill(Box::new(Rendered::of(form))),
        }
    }

    /// A refused link: browsers are sent to the caller's `urlfailure?error=<code>` when one is
    /// known for the link, programs get the error with that target as `redirect`.
    pub fn link(failed: LinkFailed) -> Failed {
        let instead = match &failed.url_failure {
            Some(url) => Instead::SendBrowsers(failure_target(url, failed.error.code()).into()),
            None => Instead::Nothing,
        };
        Failed {
            error: failed.error,
            instead,
        }
    }
}

impl<'r> Responder<'r, 'static> for Failed {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let error = self.error;
        let status = Status::new(error.status());
        let format = Format::of(req);
        let redirect = match &self.instead {
            Instead::SendBrowsers(url) => Some(url.clone()),
            _ => None,
        };
        let mut body = ErrorBody::new(&error, redirect);
        let app = req.rocket().state::<Doorstep>();
        let language = language_of(req);
        if let Some(app) = app {
            body = body.saying(wording::message(app.templates.strings(), language, &error));
        }
        let mut response = match (self.instead, format) {
            (Instead::SendBrowsers(url), Format::Html) => return Redirect::to(url).respond_to(req),
            (_, Format::Json) => (status, Json(body)).respond_to(req)?,
            (Instead::Refill(form), Format::Html) => {
                // A form's own `fields` (the list of its inputs) must not pass for field errors.
                let mut values = values_of(&body);
                values.insert("fields".into(), json!(error.fields()));
                if let Some(app) = app {
                    let sentences = wording::field_messages(app, language, &error, body.message());
                    values.insert("field_messages".into(), Value::Object(sentences));
                }
                form.into_page(req, status, values).respond_to(req)?
            }
            (Instead::Nothing, Format::Html) => {
                let mut context = values_of(&body);
                context.extend(page_context(req));
                context.insert("flow".into(), json!(wording::flow(req)));
                context.insert("field_messages".into(), Value::Object(Map::new()));
                Page::new(status, ERROR_PAGE, context).respond_to(req)?
            }
        };
        if let Some(scheme) = error.challenge() {
            response.set_header(Header::new("WWW-Authenticate", scheme));
        }
        if let Some(wait) = error.retry_after() {
            response.set_header(Header::new(
                "Retry-After",
                wait.as_secs().max(1).to_string(),
            ));
        }
        Ok(response)
    }
}

fn values_of(body: &impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(body) {
        Ok(Value::Object(values)) => values,
        _ => Map::new(),
    }
}

/// The captcha a form shows: the remote widget, and a fresh image challenge id whose picture
/// is only drawn when the browser asks for it (so showing a page costs no rendering).
fn captcha_context(app: &Doorstep) -> Value {
    let captcha = &app.accounts.captcha;
    let mut widget = captcha.widget();
    if captcha.image_enabled() {
        let id = crate::random::url_token();
        widget["image"] = json!({
            "id": id,
            "url": app.links().captcha_image_path(&id),
        });
    }
    widget
}

/// What every page needs: the site's links, which features are open, the form's CSRF token.
fn page_context(req: &Request<'_>) -> Map<String, Value> {
    let mut context = Map::new();
    if let Some(app) = req.rocket().state::<Doorstep>() {
        let settings = app.settings();
        context.insert("links".into(), json!(app.links().pages()));
        context.insert("signup_open".into(), json!(settings.signup.enabled));
        context.insert("reset_open".into(), json!(settings.reset.enabled));
        context.insert("captcha".into(), captcha_context(app));
        context.extend(wording::frame(req, app));
    }
    context.insert("csrf_token".into(), json!(csrf_token(req)));
    context
}

#[cfg(test)]
mod tests;
