//! Captchas in front of the mail-sending forms: a remote siteverify service (played by a
//! loopback stand-in) and doorstep's own image challenge.

use std::time::Duration;

use doorstep::config::{Provider, RemoteCaptcha, Settings};
use doorstep::entities::captcha_challenge::{Column, Entity as Challenges};
use rocket::http::{Accept, Status};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::siteverify::{Siteverify, field};
use crate::support::{TestApp, hidden_field, signup_body};

const SECRET: &str = "top-secret";
const CLIENT: &str = "203.0.113.5";
const SIGNUP: &str = "/auth/signup";
const RESET: &str = "/auth/pwreset";

/// Settings with the remote captcha of `provider` verified at `server`, and reset on.
fn remote(server: &Siteverify, provider: Provider) -> impl FnOnce(&mut Settings) + use<> {
    let verify_url = server.url.clone();
    move |settings: &mut Settings| {
        settings.captcha.remote = Some(RemoteCaptcha {
            provider,
            public_key: "site-key".into(),
            private_key: SECRET.into(),
            verify_url,
            min_score: 0.5,
        });
        settings.reset.enabled = true;
    }
}

/// `body` with the captcha field `name` set to `value`.
fn answered(mut body: Value, name: &str, value: &str) -> Value {
    body[name] = Value::from(value);
    body
}

/// Posts `body` (JSON, from `CLIENT`) to `path`, expects the error `code` (400, or 503 for
/// `unavailable`), and checks that nothing was stored and no mail goes out.
async fn refused(app: &TestApp, path: &str, body: &Value, code: &str) {
    let status = match code {
        "unavailable" => Status::ServiceUnavailable,
        _ => Status::BadRequest,
    };
    let stored = async || (app.footprint().await, app.count("password_resets").await);
    let (before, mails) = (stored().await, app.mails().len());
    let reply = app.post_json_from(CLIENT, path, body).await;
    reply.assert_error(status, code);
    assert_eq!(stored().await, before, "{code}: nothing stored");
    app.deliver().await;
    assert_eq!(app.mails().len(), mails, "{code}: no mail");
}

#[rocket::async_test]
async fn remote_answers_are_checked_before_anything_is_stored() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Recaptcha)).await;
    let bare = signup_body("ada@example.com");
    refused(&app, SIGNUP, &bare, "captcha_required").await;
    assert!(server.requests().is_empty(), "no answer, no provider call");

    let body = answered(bare, "grecaptcharesponse", "tok-1");
    let no = json!({ "success": false, "error-codes": ["invalid-input-response"] });
    server.answer(200, no);
    refused(&app, SIGNUP, &body, "captcha_invalid").await;
    server.score(0.3);
    refused(&app, SIGNUP, &body, "captcha_invalid").await;

    server.score(0.9);
    let reply = app.post_json_from(CLIENT, SIGNUP, &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json()["status"], "confirmation_sent");
    app.deliver().await;
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["ada@example.com"]);
    assert!(mails[0].token().is_some());
    assert_eq!(server.requests().len(), 3);
}

#[rocket::async_test]
async fn the_provider_gets_secret_answer_and_client_address_and_the_log_no_secret() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Recaptcha)).await;
    let body = signup_body("ada@example.com");
    let body = answered(body, "grecaptcharesponse", "tok-42");
    let bad_secret = json!({ "success": false, "error-codes": ["invalid-input-secret"] });
    server.answer(200, bad_secret);
    refused(&app, SIGNUP, &body, "captcha_invalid").await;
    server.answer(200, json!({ "success": true }));
    let reply = app.post_json_from(CLIENT, SIGNUP, &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for fields in &requests {
        assert_eq!(field(fields, "secret"), Some(SECRET));
        assert_eq!(field(fields, "response"), Some("tok-42"));
        assert_eq!(field(fields, "remoteip"), Some(CLIENT));
    }
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    let refusal = "captcha provider refused our secret key: invalid-input-secret";
    assert!(lines.iter().any(|line| line.contains(refusal)), "logged");
    let leaked: Vec<&String> = lines.iter().filter(|l| l.contains(SECRET)).collect();
    assert!(leaked.is_empty(), "{leaked:?}");
}

#[rocket::async_test]
async fn a_failing_or_silent_provider_means_unavailable() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Turnstile)).await;
    let body = answered(signup_body("ada@example.com"), "cf-turnstile-response", "t");
    server.answer(500, json!({ "success": true }));
    refused(&app, SIGNUP, &body, "unavailable").await;
    // Longer than the verifier's 5 s timeout: the provider never answers in time.
    server.delay(Duration::from_secs(60));
    refused(&app, SIGNUP, &body, "unavailable").await;
    assert_eq!(server.requests().len(), 2);
}

#[rocket::async_test]
async fn every_provider_field_name_is_accepted_in_forms_and_json() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Hcaptcha)).await;
    let names = ["h-captcha-response", "cf-turnstile-response"];
    for (n, name) in ["g-recaptcha-response"].iter().chain(&names).enumerate() {
        let email = format!("form{n}@example.com");
        let token = format!("form-token-{n}");
        let fields = [
            ("firstname", "Ada"),
            ("lastname", "Lovelace"),
            ("email", email.as_str()),
            ("password", "correct horse battery staple"),
            (name, token.as_str()),
        ];
        let reply = app.post_form("/auth/signup", &fields).await;
        assert_eq!(reply.status, Status::Ok, "{name}: {}", reply.body);
        let last = server.requests().pop().unwrap();
        assert_eq!(field(&last, "response"), Some(token.as_str()), "{name}");
    }
    for (n, name) in ["grecaptcharesponse"].iter().chain(&names).enumerate() {
        let token = format!("json-token-{n}");
        let body = answered(signup_body(&format!("json{n}@example.com")), name, &token);
        let reply = app.post_json("/auth/signup", &body).await;
        assert_eq!(reply.status, Status::Ok, "{name}: {}", reply.body);
        let last = server.requests().pop().unwrap();
        assert_eq!(field(&last, "response"), Some(token.as_str()), "{name}");
    }
    app.deliver().await;
    assert_eq!(app.mails().len(), 6);
}

#[rocket::async_test]
async fn the_hcaptcha_widget_is_on_the_page_and_admitted_by_the_csp() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Hcaptcha)).await;
    let page = app.get_html("/auth/signup").await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains("class=\"h-captcha\""), "{}", page.body);
    assert!(page.body.contains("data-sitekey=\"site-key\""));
    let script = "src=\"https://js.hcaptcha.com/1/api.js\"";
    assert!(unescape(&page.body).contains(script), "{}", page.body);
    assert!(!page.body.contains(SECRET));
    let csp = page.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("https://hcaptcha.com"), "{csp}");
    assert!(
        server.requests().is_empty(),
        "showing the form asks nothing"
    );
}

#[rocket::async_test]
async fn a_reset_request_needs_the_captcha_too() {
    let server = Siteverify::start().await;
    let app = TestApp::with(remote(&server, Provider::Recaptcha)).await;
    let signup = answered(signup_body("ada@example.com"), "grecaptcharesponse", "t");
    app.confirmed_account_from(&signup).await;
    let mails = app.mails().len();

    let reset = json!({ "email": "ada@example.com" });
    refused(&app, RESET, &reset, "captcha_required").await;
    server.answer(200, json!({ "success": false }));
    let reset = answered(reset, "grecaptcharesponse", "reset-token");
    refused(&app, RESET, &reset, "captcha_invalid").await;

    server.answer(200, json!({ "success": true }));
    let reply = app.post_json_from(CLIENT, RESET, &reset).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    assert_eq!(app.mails().len(), mails + 1, "the reset mail");
    let last = server.requests().pop().unwrap();
    assert_eq!(field(&last, "response"), Some("reset-token"));
}

/// Undoes the entity escapes Tera puts in attribute values (`/` is `&#x2F;`).
fn unescape(html: &str) -> String {
    html.replace("&#x2F;", "/").replace("&amp;", "&")
}

// --- doorstep's own image challenge ---

fn image(settings: &mut Settings) {
    settings.captcha.image = true;
    settings.base_url = "https://signup.example/".parse().unwrap();
}

/// A fresh challenge id from `GET /auth/captcha`.
async fn challenge(app: &TestApp) -> String {
    let reply = app.get_json("/auth/captcha").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()["id"].as_str().unwrap().to_owned()
}

fn with_image(email: &str, id: &str, answer: &str) -> Value {
    let body = answered(signup_body(email), "captcha_id", id);
    answered(body, "captcha_answer", answer)
}

async fn picture(app: &TestApp, id: &str) -> (Status, Vec<u8>) {
    let url = format!("/auth/captcha/{id}.png");
    let reply = app.client.get(url).dispatch().await;
    (reply.status(), reply.into_bytes().await.unwrap_or_default())
}

#[rocket::async_test]
async fn the_form_names_a_challenge_whose_picture_is_drawn_on_request() {
    let app = TestApp::with(image).await;
    let page = app.get_html("/auth/signup").await;
    assert_eq!(page.status, Status::Ok);
    let id = hidden_field(&page.body, "captcha_id").expect("a captcha_id field");
    assert_eq!(id.len(), 43, "{id}");
    let img = format!("<img class=\"captcha\" src=\"/auth/captcha/{id}.png\"");
    assert!(unescape(&page.body).contains(&img), "{}", page.body);
    assert!(page.body.contains("name=\"captcha_answer\""));
    assert_eq!(app.count("captcha_challenges").await, 0, "showing is cheap");

    let (status, png) = picture(&app, &id).await;
    assert_eq!(status, Status::Ok);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(app.count("captcha_challenges").await, 1);
    let again = picture(&app, &id).await;
    assert_eq!(again, (status, png), "the same picture again");
    assert_eq!(app.count("captcha_challenges").await, 1);

    // A wrong answer burns the challenge; the form comes back with a fresh one.
    let mut fields = vec![("email", "ada@example.com"), ("firstname", "Ada")];
    fields.extend([
        ("lastname", "Lovelace"),
        ("password", "correct horse battery"),
    ]);
    fields.extend([("captcha_id", id.as_str()), ("captcha_answer", "00000")]);
    let reply = app.post_form("/auth/signup", &fields).await;
    assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
    assert!(
        reply
            .body
            .contains("The answer to the challenge was not right.")
    );
    let fresh = hidden_field(&reply.body, "captcha_id").expect("a new challenge");
    assert_ne!(fresh, id);
    assert_eq!(reply.body.matches("value=\"ada@example.com\"").count(), 1);
}

#[rocket::async_test]
async fn missing_wrong_reused_unknown_and_expired_answers_are_refused() {
    let app = TestApp::with(image).await;
    let id = challenge(&app).await;
    let missing = answered(signup_body("ada@example.com"), "captcha_id", &id);
    refused(&app, SIGNUP, &missing, "captcha_required").await;
    let no_id = answered(signup_body("ada@example.com"), "captcha_answer", "ABCDE");
    refused(&app, SIGNUP, &no_id, "captcha_required").await;
    assert_eq!(picture(&app, &id).await.0, Status::Ok, "not spent by a gap");

    // Not one of the answer alphabet's characters: surely wrong.
    let wrong = with_image("ada@example.com", &id, "00000");
    refused(&app, SIGNUP, &wrong, "captcha_invalid").await;
    assert_eq!(picture(&app, &id).await.0, Status::NotFound, "burned");
    let again = with_image("ada@example.com", &id, "ABCDE");
    refused(&app, SIGNUP, &again, "captcha_invalid").await;

    let unknown = with_image("ada@example.com", &"x".repeat(43), "ABCDE");
    refused(&app, SIGNUP, &unknown, "captcha_invalid").await;

    let old = challenge(&app).await;
    app.clock.advance(Duration::from_secs(11 * 60));
    let expired = with_image("ada@example.com", &old, "ABCDE");
    refused(&app, SIGNUP, &expired, "captcha_invalid").await;
}

#[rocket::async_test]
async fn the_right_answer_passes_once() {
    let app = TestApp::with(image).await;
    let id = challenge(&app).await;
    // The picture cannot be read here: plant a known answer, hashed as doorstep stores it.
    let hash: String = Sha256::digest(format!("{id}:K7RWP").as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let planted = Challenges::update_many()
        .col_expr(Column::AnswerHash, Expr::value(hash))
        .filter(Column::Id.eq(id.as_str()))
        .exec(&app.state().accounts.db)
        .await
        .unwrap();
    assert_eq!(planted.rows_affected, 1);

    let body = with_image("ada@example.com", &id, " k7rwp ");
    let reply = app.post_json_from(CLIENT, SIGNUP, &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    assert_eq!(app.mails().len(), 1);
    assert_eq!(picture(&app, &id).await.0, Status::NotFound, "used");
    let body = with_image("bob@example.com", &id, "K7RWP");
    refused(&app, SIGNUP, &body, "captcha_invalid").await;
}

#[rocket::async_test]
async fn challenges_as_json_and_a_limit_on_images_per_client() {
    let app = TestApp::with(image).await;
    let reply = app.get_json_from(CLIENT, "/auth/captcha").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let body = reply.json();
    let id = body["id"].as_str().unwrap();
    let url = format!("https://signup.example/auth/captcha/{id}.png");
    assert_eq!(body["image"], url.as_str());
    for n in 2..=30 {
        let reply = app.get_json_from(CLIENT, "/auth/captcha").await;
        assert_eq!(reply.status, Status::Ok, "request {n}: {}", reply.body);
    }
    app.get_json_from(CLIENT, "/auth/captcha")
        .await
        .assert_rate_limited(60);
    let png = app.client.get(format!("/auth/captcha/{id}.png"));
    let png = png
        .remote(crate::support::peers::peer(CLIENT))
        .header(Accept::JSON);
    app.send(png).await.assert_rate_limited(60);
    let other = app.get_json_from("203.0.113.6", "/auth/captcha").await;
    assert_eq!(other.status, Status::Ok, "{}", other.body);
}

#[rocket::async_test]
async fn no_challenges_while_the_image_captcha_is_off() {
    let app = TestApp::start().await;
    let reply = app.get_json("/auth/captcha").await;
    reply.assert_error(Status::NotFound, "not_found");
    let png = format!("/auth/captcha/{}.png", "a".repeat(43));
    let reply = app.get_json(&png).await;
    assert_eq!(reply.status, Status::NotFound);
    assert_eq!(app.count("captcha_challenges").await, 0);
}
