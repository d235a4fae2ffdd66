//! Forgotten passwords end to end: the request, the link, the new password, and what a reset
//! ends (sessions, other links).

use std::time::{Duration, Instant};

use doorstep::config::Settings;
use doorstep::entities::password_reset;
use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, hidden_field, signup_body};

const OLD: &str = "correct horse battery staple";
const NEW: &str = "a brand new passphrase";
const ADA: &str = "ada@example.com";
const HOUR: Duration = Duration::from_secs(60 * 60);
const SECOND: Duration = Duration::from_secs(1);

/// A reset-enabled app with Ada's confirmed account.
async fn app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let app = TestApp::with(|s| {
        s.reset.enabled = true;
        configure(s);
    })
    .await;
    app.confirmed_account(ADA, OLD).await;
    app
}

fn link(token: &str) -> String {
    format!("/auth/pwreset?confirm={token}")
}

async fn request(app: &TestApp, body: Value) -> Reply {
    app.post_json("/auth/pwreset", &body).await
}

/// Asks for a link for `email` (plus `extra` fields) and returns the token of its mail.
async fn request_link(app: &TestApp, email: &str, extra: &[(&str, &str)]) -> String {
    let mut body = json!({ "email": email });
    extra
        .iter()
        .for_each(|(field, value)| body[*field] = json!(value));
    let reply = request(app, body).await;
    assert_eq!(reply.json(), json!({ "status": "reset_requested" }));
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    assert!(mail.decoded.contains("/auth/pwreset?confirm="), "{mail:?}");
    mail.token().unwrap()
}

/// Opens the link as a program does.
async fn check(app: &TestApp, token: &str) -> Reply {
    app.get_json(&link(token)).await
}

async fn choose(app: &TestApp, token: &str, password: &str) -> Reply {
    let body = json!({ "token": token, "password": password });
    app.post_json("/auth/pwreset/confirm", &body).await
}

#[track_caller]
fn token_invalid(reply: &Reply) {
    reply.assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn the_reply_is_the_same_for_any_address_and_only_the_owner_gets_mail() {
    let app = app_with(|_| {}).await;
    let seen = app.mails().len();
    let known = request(&app, json!({ "email": "ADA@Example.com" })).await;
    let unknown = request(&app, json!({ "email": "nobody@example.com" })).await;
    assert_eq!(known.json(), json!({ "status": "reset_requested" }));
    let shape = |r: &Reply| (r.status, r.content_type.clone(), r.body.clone());
    assert_eq!(shape(&known), shape(&unknown));
    let page = async |email: &str| {
        let reply = app.post_form("/auth/pwreset", &[("email", email)]).await;
        (reply.status, reply.body.replace(email, "EMAIL"))
    };
    let (known, unknown) = (page(ADA).await, page("carol@example.com").await);
    assert_eq!(known.0, Status::Ok);
    assert!(known.1.contains("Check your mail"), "{}", known.1);
    assert_eq!(known, unknown);

    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 2, "{mails:#?}");
    for mail in mails {
        assert_eq!(mail.to, [ADA], "to the address as stored, and nobody else");
        let token = mail.token().unwrap();
        let url = format!("http://127.0.0.1:8000/auth/pwreset?confirm={token}");
        assert!(mail.decoded.contains(&url), "{}", mail.decoded);
    }
}

#[rocket::async_test]
async fn opening_the_link_changes_nothing_and_choosing_sets_the_password() {
    let app = app_with(|_| {}).await;
    let old_session = app.session(ADA, OLD).await;
    let token = request_link(&app, ADA, &[]).await;
    let (footprint, hash) = (app.footprint().await, app.password_hash(ADA).await);

    let valid = json!({ "status": "token_valid", "two_step": false });
    assert_eq!(check(&app, &token).await.json(), valid);
    let page = app.get_html(&link(&token)).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert_eq!(hidden_field(&page.body, "token"), Some(token.clone()));
    assert!(page.body.contains("name=\"password\""), "{}", page.body);
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.password_hash(ADA).await, hash);

    // The page's form needs its CSRF token; a forged post changes nothing.
    let fields = [("token", token.as_str()), ("password", NEW)];
    let forged = app.post_form_raw("/auth/pwreset/confirm", &fields).await;
    assert_eq!(forged.status, Status::Forbidden, "{}", forged.body);
    assert!(forged.body.contains("csrf_invalid"), "{}", forged.body);
    assert_eq!(app.password_hash(ADA).await, hash);

    let seen = app.mails().len();
    let csrf = hidden_field(&page.body, "csrf_token").unwrap();
    let all = [("csrf_token", csrf.as_str()), fields[0], fields[1]];
    let done = app.post_form_raw("/auth/pwreset/confirm", &all).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert!(done.body.contains("Password changed") && done.body.contains(ADA));
    assert!(!app.signs_in(ADA, OLD).await);
    assert!(app.signs_in(ADA, NEW).await);
    let me = app.get_json_with("/auth/me", &old_session).await;
    me.assert_error(Status::Unauthorized, "unauthenticated");
    token_invalid(&check(&app, &token).await);
    token_invalid(&choose(&app, &token, "another new passphrase").await);

    app.deliver().await;
    let notice = app.mails_since(seen);
    assert_eq!(notice.len(), 1, "{notice:#?}");
    assert_eq!(notice[0].to, [ADA]);
    let subject = notice[0].subject();
    assert!(subject.contains("was changed"), "{subject}");
    assert!(notice[0].token().is_none() && !notice[0].decoded.contains(NEW));
}

#[rocket::async_test]
async fn racing_resets_with_one_link_change_the_password_once() {
    let app = app_with(|_| {}).await;
    let token = request_link(&app, ADA, &[]).await;
    let names = ["first racing passphrase", "second racing passphrase"];
    let (a, b) = rocket::tokio::join!(
        choose(&app, &token, names[0]),
        choose(&app, &token, names[1]),
    );
    let wins = [a.status == Status::Ok, b.status == Status::Ok];
    assert_eq!(wins.iter().filter(|&&won| won).count(), 1, "{a:?} {b:?}");
    token_invalid(if wins[0] { &b } else { &a });
    for (name, won) in names.into_iter().zip(wins) {
        assert_eq!(app.signs_in(ADA, name).await, won, "{name}");
    }
}

#[rocket::async_test]
async fn unknown_and_expired_links_are_refused_on_get_and_post() {
    let app = app_with(|_| {}).await;
    for token in ["A".repeat(43), "x".into(), String::new()] {
        token_invalid(&check(&app, &token).await);
        token_invalid(&choose(&app, &token, NEW).await);
    }
    let token = request_link(&app, ADA, &[]).await;
    app.clock.advance(HOUR - SECOND);
    assert_eq!(check(&app, &token).await.status, Status::Ok);
    app.clock.advance(2 * SECOND);
    let expired = check(&app, &token).await;
    expired.assert_error(Status::Gone, "token_expired");
    let late = choose(&app, &token, NEW).await;
    late.assert_error(Status::Gone, "token_expired");
    assert!(app.signs_in(ADA, OLD).await);
}

const FAILED: &str = "https://app.example/failed?lang=en&error=token_expired";

#[rocket::async_test]
async fn urlsuccess_and_urlfailure_work_as_for_sign_up() {
    let app = app_with(|_| {}).await;
    app.confirmed_account("grace@example.com", OLD).await;
    let welcome = "https://app.example/welcome/next";
    let ada = request_link(&app, ADA, &[("urlsuccess", welcome)]).await;
    let failed = &[("urlfailure", "https://app.example/failed?lang=en")];
    let grace = request_link(&app, "grace@example.com", failed).await;
    // Programs asked for JSON and get it, naming the target; browsers are sent there.
    let done = choose(&app, &ada, NEW).await;
    assert_eq!(
        done.json(),
        json!({"status": "password_changed", "redirect": welcome})
    );

    app.clock.advance(HOUR + SECOND);
    let expected = (Status::SeeOther, Some(FAILED));
    assert_eq!(app.get_html(&link(&grace)).await.redirect(), expected);
    let refused = choose(&app, &grace, NEW).await;
    refused.assert_error(Status::Gone, "token_expired");
    assert_eq!(refused.json()["redirect"], FAILED);
    let form = [("token", grace.as_str()), ("password", NEW)];
    let refused = app.post_form("/auth/pwreset/confirm", &form).await;
    assert_eq!(refused.redirect(), expected);

    let (footprint, requests) = (app.footprint().await, app.count("password_resets").await);
    for (field, target) in [
        ("urlsuccess", "https://evil.example/welcome"),
        ("urlfailure", "https://app.example/welcomeevil"),
        ("urlsuccess", "javascript:alert(1)"),
    ] {
        let reply = request(&app, json!({ "email": ADA, field: target })).await;
        reply.assert_error(Status::BadRequest, "redirect_not_allowed");
    }
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.count("password_resets").await, requests);
}

#[rocket::async_test]
async fn a_weak_password_does_not_use_up_the_link() {
    let countess = "countess@example.com";
    let app = app_with(|_| {}).await;
    app.confirmed_account(countess, OLD).await;
    let token = request_link(&app, countess, &[]).await;
    for (weak, reason) in [
        ("short", "too_short"),
        ("the COUNTESS of numbers", "contains_personal_data"),
        ("lovelace forever 1815", "contains_personal_data"),
        ("password1234", "too_common"),
    ] {
        let reply = choose(&app, &token, weak).await;
        reply.assert_error(Status::BadRequest, "weak_password");
        assert_eq!(reply.json()["fields"]["password"], reason, "{weak}");
    }
    let missing = choose(&app, &token, "").await;
    missing.assert_error(Status::BadRequest, "invalid_request");
    assert!(app.signs_in(countess, OLD).await);
    let done = choose(&app, &token, NEW).await;
    assert_eq!(done.json(), json!({ "status": "password_changed" }));
    assert!(app.signs_in(countess, NEW).await);
}

#[rocket::async_test]
async fn sign_up_and_reset_tokens_never_stand_in_for_each_other() {
    let app = app_with(|_| {}).await;
    let signup = app.sign_up("bob@example.com").await;
    token_invalid(&choose(&app, &signup, NEW).await);
    token_invalid(&check(&app, &signup).await);

    let reset = request_link(&app, ADA, &[]).await;
    let (footprint, hash) = (app.footprint().await, app.password_hash(ADA).await);
    let signup_link = |token: &str| format!("/auth/signup?confirm={token}");
    token_invalid(&app.get_json(&signup_link(&reset)).await);
    let body = json!({ "token": reset });
    token_invalid(&app.post_json("/auth/signup/confirm", &body).await);
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.password_hash(ADA).await, hash);

    // Neither was used up by the attempt.
    assert_eq!(check(&app, &reset).await.status, Status::Ok);
    let bob = app.get_json(&signup_link(&signup)).await;
    assert_eq!(bob.json(), json!({ "status": "confirmed" }));
}

#[rocket::async_test]
async fn two_step_stages_the_password_until_the_link_is_confirmed() {
    let app = app_with(|s| s.reset.two_step = true).await;
    let (footprint, seen) = (app.footprint().await, app.mails().len());
    let missing = request(&app, json!({ "email": ADA })).await;
    missing.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(missing.json()["fields"]["password"], "required");
    for weak in ["short", "ada's new passphrase"] {
        let reply = request(&app, json!({ "email": ADA, "password": weak })).await;
        reply.assert_error(Status::BadRequest, "weak_password");
    }
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.count("password_resets").await, 0);

    let other = json!({ "email": "nobody@example.com", "password": NEW });
    let unknown = request(&app, other).await;
    assert_eq!(unknown.json(), json!({ "status": "reset_requested" }));
    let token = request_link(&app, ADA, &[("password", NEW)]).await;
    assert_eq!(app.mails_since(seen).len(), 1);
    let valid = json!({ "status": "token_valid", "two_step": true });
    assert_eq!(check(&app, &token).await.json(), valid);
    assert_eq!(app.get_html(&link(&token)).await.status, Status::Ok);
    assert!(app.signs_in(ADA, OLD).await && !app.signs_in(ADA, NEW).await);

    let body = json!({ "token": token });
    let done = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert!(app.signs_in(ADA, NEW).await && !app.signs_in(ADA, OLD).await);
    let db = &app.state().accounts.db;
    let rows = password_reset::Entity::find().all(db).await.unwrap();
    let mut staged = rows.iter().filter(|r| r.account_id.is_some());
    assert!(staged.all(|row| row.password_hash.is_none()), "{rows:?}");
}

#[rocket::async_test]
async fn switched_off_reset_answers_403_everywhere_and_stores_nothing() {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, OLD).await;
    let footprint = app.footprint().await;
    let token = "A".repeat(43);
    let fields = [("token", token.as_str()), ("password", NEW)];
    let body = json!({ "token": token, "password": NEW });
    for reply in [
        app.get_json("/auth/pwreset").await,
        check(&app, &token).await,
        request(&app, json!({ "email": ADA })).await,
        app.post_json("/auth/pwreset/confirm", &body).await,
    ] {
        reply.assert_error(Status::Forbidden, "password_reset_disabled");
    }
    for page in [
        app.get_html("/auth/pwreset").await,
        app.get_html(&link(&token)).await,
        app.post_form_raw("/auth/pwreset", &[("email", ADA)]).await,
        app.post_form("/auth/pwreset/confirm", &fields).await,
    ] {
        assert_eq!(page.status, Status::Forbidden, "{}", page.body);
        assert!(page.content_type.unwrap().starts_with("text/html"));
        assert!(page.body.contains("Password reset is off"), "{}", page.body);
    }
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.count("password_resets").await, 0);
    assert_eq!(app.deliver().await.sent, 0);
}

#[rocket::async_test]
async fn a_reset_request_takes_as_long_for_a_known_address_as_for_an_unknown_one() {
    let app = app_with(|_| {}).await;
    let timed = async |email: String| {
        let started = Instant::now();
        let reply = request(&app, json!({ "email": email })).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        started.elapsed()
    };
    let (mut known, mut unknown) = (Duration::MAX, Duration::MAX);
    for i in 0..7 {
        known = known.min(timed(ADA.into()).await);
        unknown = unknown.min(timed(format!("nobody{i}@example.com")).await);
    }
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    let message = format!("fastest known {known:?} vs unknown {unknown:?}");
    assert!((0.33..3.0).contains(&ratio), "{message}");
}

#[rocket::async_test]
async fn a_bad_address_is_refused_and_stores_and_mails_nothing() {
    let app = app_with(|_| {}).await;
    let (footprint, seen) = (app.footprint().await, app.mails().len());
    let header = "a@b.example\r\nBcc: x@y.example";
    for email in [None, Some(""), Some("not-an-address"), Some(header)] {
        let body = email.map_or(json!({}), |email| json!({ "email": email }));
        let reply = request(&app, body).await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        let fields = reply.json()["fields"].clone();
        assert!(fields["email"].is_string(), "{}", reply.body);
    }
    let fields = [("email", "not-an-address")];
    let page = app.post_form("/auth/pwreset", &fields).await;
    assert_eq!(page.status, Status::BadRequest, "{}", page.body);
    let kept = page.body.contains("value=\"not-an-address\"");
    assert!(kept, "{}", page.body);
    assert_eq!(app.footprint().await, footprint);
    assert_eq!(app.count("password_resets").await, 0);
    app.deliver().await;
    assert_eq!(app.mails().len(), seen);
}

const TEMPLATE: &str = "<p>__NAME__ (__EMAIL__): <a href=\"__CONFIRMATION_LINK__\">reset</a></p>";
const SCRIPT: &str = "&lt;script&gt;alert(1)&lt;/script&gt; Lovelace";

#[rocket::async_test]
async fn reset_mails_escape_names_take_the_operators_subject_and_template_and_skip_the_bcc() {
    for template in [None, Some(TEMPLATE.to_owned())] {
        let app = TestApp::with(|s| {
            s.reset.enabled = true;
            s.reset.subject = Some("Forgot it? Here you go".into());
            s.reset.template = template.clone();
            s.email.bcc = vec!["audit@example.org".parse().unwrap()];
        })
        .await;
        let mut body = signup_body(ADA);
        body["firstname"] = json!("<script>alert(1)</script>");
        app.confirmed_account_from(&body).await;
        // Sign-up mail goes to the BCC list too; reset mail must not.
        assert_eq!(app.mails()[0].to, [ADA, "audit@example.org"]);
        let token = request_link(&app, ADA, &[]).await;
        let mail = app.mails().pop().unwrap();
        assert_eq!(mail.to, [ADA]);
        assert_eq!(mail.subject(), "Forgot it? Here you go");
        let html = mail.part("text/html").replace("&#x2F;", "/");
        assert!(!html.contains("<script>"), "{template:?}: {html}");
        assert!(html.contains(SCRIPT), "{html}");
        if template.is_some() {
            let link = format!("http://127.0.0.1:8000/auth/pwreset?confirm={token}");
            let expected = format!("<p>{SCRIPT} ({ADA}): <a href=\"{link}\">reset</a></p>");
            assert_eq!(html, expected);
        }
        assert_eq!(choose(&app, &token, NEW).await.status, Status::Ok);
        app.deliver().await;
        assert_eq!(app.mails().pop().unwrap().to, [ADA], "the change notice");
    }
}

#[rocket::async_test]
async fn a_refused_two_step_request_form_keeps_its_password_field() {
    let app = app_with(|s| s.reset.two_step = true).await;
    let form = app.get_html("/auth/pwreset").await;
    assert!(form.body.contains("name=\"password\""), "{}", form.body);
    let fields = [("email", ADA), ("password", "short")];
    let page = app.post_form("/auth/pwreset", &fields).await;
    assert_eq!(page.status, Status::BadRequest, "{}", page.body);
    assert!(page.body.contains("name=\"password\""), "{}", page.body);
    assert!(page.body.contains("class=\"field-error\""), "{}", page.body);
}
