//! The words around a page: its language (and the switch to the others), the product's name
//! and look, and errors as sentences that say what to do, each beside its field.

use rocket::Request;
use rocket::http::uri::Origin;
use rocket::http::{Cookie, Method, SameSite};
use serde_json::{Map, Value, json};
use url::form_urlencoded;

use super::Doorstep;
use super::guards::language_of;
use crate::accounts::username;
use crate::error::Error;
use crate::i18n::{LANGUAGES, Strings, known};

/// The cookie the language switch sets (also read by `i18n::negotiate`).
const LANGUAGE_COOKIE: &str = "doorstep_lang";

/// The inputs an error summary links to, in the order forms show them; errors of other fields
/// (the hidden `urlsuccess`, say) are listed without a link.
const FIELD_ORDER: [&str; 13] = [
    "firstname",
    "lastname",
    "username",
    "email",
    "registration_token",
    "login",
    "password",
    "current_password",
    "name",
    "code",
    "captcha_answer",
    "urlsuccess",
    "urlfailure",
];

/// What every page's frame shows: the language, the switch to the others, the product.
/// Choosing a language with `?lang=` also keeps it in a cookie, so the next page (a form's
/// reply, say) stays in it.
pub fn frame(req: &Request<'_>, app: &Doorstep) -> Map<String, Value> {
    let language = language_of(req);
    let chosen = req.query_value::<&str>("lang").and_then(Result::ok);
    if chosen.and_then(known).is_some()
        && req.cookies().get(LANGUAGE_COOKIE).map(Cookie::value) != Some(language)
    {
        remember_language(req, app, language);
    }
    let settings = app.settings();
    let ui = &settings.ui;
    let mut frame = Map::new();
    frame.insert("lang".into(), json!(language));
    frame.insert(
        "languages".into(),
        json!(switch(req, app.templates.strings(), language)),
    );
    frame.insert(
        "product".into(),
        json!({ "name": ui.name, "logo": ui.logo, "css": ui.css }),
    );
    frame.insert(
        "signed_out".into(),
        json!(req.query_value::<&str>("signed_out").is_some()),
    );
    frame.insert(
        "password_min_length".into(),
        json!(settings.password.min_length),
    );
    frame.insert("summary_targets".into(), json!(&FIELD_ORDER[..11]));
    frame
}

fn remember_language(req: &Request<'_>, app: &Doorstep, language: &'static str) {
    let path = match app.settings().base_path.as_str() {
        "" => "/".to_owned(),
        base => base.to_owned(),
    };
    let cookie = Cookie::build((LANGUAGE_COOKIE, language))
        .path(path)
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(app.settings().base_url.scheme() == "https")
        .max_age(rocket::time::Duration::days(365));
    req.cookies().add(cookie);
}

/// One link per language: this page again (its query kept) with `lang` set. A page that
/// answered a form links to the form's own page, which a link can open.
fn switch(req: &Request<'_>, strings: &Strings, current: &str) -> Vec<Value> {
    let uri: &Origin<'_> = req.uri();
    let path = uri.path().as_str();
    let (path, kept): (&str, Vec<(String, String)>) = if req.method() == Method::Get {
        let pairs = uri.query().map_or_else(Vec::new, |query| {
            form_urlencoded::parse(query.as_str().as_bytes())
                .filter(|(name, _)| name != "lang" && name != "signed_out")
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect()
        });
        (path, pairs)
    } else {
        let form_page = ["/confirm", "/complete", "/resend"]
            .iter()
            .find_map(|suffix| path.strip_suffix(suffix))
            .unwrap_or(path);
        (form_page, Vec::new())
    };
    LANGUAGES
        .iter()
        .map(|&code| {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept.iter())
                .append_pair("lang", code)
                .finish();
            json!({
                "code": code,
                "name": strings.get(code, "language-name", None),
                "href": format!("{path}?{query}"),
                "current": code == current,
            })
        })
        .collect()
}

/// Which flow a page belongs to, so that a dead link offers a new link of its own flow.
pub fn flow(req: &Request<'_>) -> &'static str {
    let path = req.uri().path().as_str();
    if path.contains("/auth/pwreset") {
        "reset"
    } else if path.contains("/auth/signup") {
        "signup"
    } else {
        ""
    }
}

/// The error's `message` in `language`.
pub fn message(strings: &Strings, language: &str, error: &Error) -> String {
    let key = match error {
        Error::BearerRequired => "error-unauthenticated-bearer".to_owned(),
        Error::SessionRequired => "error-forbidden-session".to_owned(),
        other => format!("error-{}", other.code()),
    };
    strings.get(language, &key, None)
}

/// Each field at fault with a sentence that says what to do, in the order the form shows
/// them: `field-<field>-<reason>`, else `field-<reason>`, else the error's message. A refused
/// challenge is reported beside its input too (`captcha_answer` for the picture, else
/// `captcha`).
pub fn field_messages(
    app: &Doorstep,
    language: &str,
    error: &Error,
    message: &str,
) -> Map<String, Value> {
    let strings = app.templates.strings();
    let settings = app.settings();
    let mut faults: Vec<(&str, &str)> = error.fields().into_iter().collect();
    faults.sort_by_key(|(field, _)| {
        FIELD_ORDER
            .iter()
            .position(|known| known == field)
            .unwrap_or(FIELD_ORDER.len())
    });
    let mut sentences = Map::new();
    for (field, reason) in faults {
        let mut args = fluent_bundle::FluentArgs::new();
        if field == "username" {
            args.set("min", username::MIN_LENGTH);
            args.set("max", username::MAX_LENGTH);
        } else {
            args.set("min", settings.password.min_length);
            args.set("max", settings.password.max_length);
        }
        let specific = format!("field-{field}-{reason}");
        let general = format!("field-{reason}");
        let sentence = [specific, general]
            .into_iter()
            .find(|key| strings.has(language, key))
            .map_or_else(
                || message.to_owned(),
                |key| strings.get(language, &key, Some(&args)),
            );
        sentences.insert(field.to_owned(), json!(sentence));
    }
    if matches!(error, Error::CaptchaRequired | Error::CaptchaInvalid) {
        let input = if app.accounts.captcha.image_enabled() {
            "captcha_answer"
        } else {
            "captcha"
        };
        sentences.insert(input.to_owned(), json!(message));
    }
    sentences
}
