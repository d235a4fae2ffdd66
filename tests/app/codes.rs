//! One-time codes: mailed beside the links, typed with the address instead of following the
//! link; counted tries, decoys for addresses with nothing pending, daily failures, and signing
//! in the client that started the sign-up.

use std::time::{Duration, Instant};

use doorstep::clock::Clock as _;
use doorstep::config::Settings;
use doorstep::entities::code;
use rocket::futures::future::join_all;
use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp, signup_body};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const NEW: &str = "a brand new passphrase";
const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The code a mail carries: the line of digits alone in its text part.
fn code_of(mail: &Mail) -> String {
    let text = mail.part("text/plain");
    let line = text.lines().map(str::trim).find(|line| {
        !line.is_empty() && line.len() >= 4 && line.bytes().all(|b| b.is_ascii_digit())
    });
    line.unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

/// A code that differs from `code` in its last digit.
fn wrong(code: &str) -> String {
    let last = code.as_bytes()[code.len() - 1];
    let other = char::from(b'0' + (last - b'0' + 1) % 10);
    format!("{}{other}", &code[..code.len() - 1])
}

/// Signs `email` up as JSON: the reply's registration handle and the mail's code.
async fn sign_up(app: &TestApp, email: &str) -> (String, String) {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    assert_eq!(mail.to, [email]);
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    (handle, code_of(&mail))
}

async fn confirm(app: &TestApp, body: Value) -> Reply {
    app.post_json("/auth/signup/confirm", &body).await
}

async fn confirm_code(app: &TestApp, email: &str, code: &str) -> Reply {
    confirm(app, json!({ "email": email, "code": code })).await
}

/// Asserts a `code_invalid` with `left` tries left.
#[track_caller]
fn assert_refused(reply: &Reply, left: u64) {
    reply.assert_error(Status::BadRequest, "code_invalid");
    assert_eq!(reply.json()["attempts_left"], left, "{}", reply.body);
}

#[rocket::async_test]
async fn the_mail_carries_a_code_that_confirms_like_the_link() {
    let app = TestApp::start().await;
    let (_, code) = sign_up(&app, ADA).await;
    let mail = app.mails().pop().unwrap();
    assert_eq!(code.len(), 6);
    assert!(mail.part("text/html").contains(&code), "{}", mail.raw);
    assert!(!app.signs_in(ADA, PASSWORD).await);

    let reply = confirm_code(
        &app,
        " Ada@Example.com ",
        &format!("{} {}", &code[..3], &code[3..]),
    )
    .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    assert!(reply.set_cookie("doorstep_session").is_none());
    assert_eq!(app.count("accounts").await, 1);
    assert_eq!(app.count("codes").await, 0, "the code went with its flow");
    assert!(app.signs_in(ADA, PASSWORD).await);

    // The link now shows the same success as a second click, and makes nothing new.
    let token = mail.token().unwrap();
    let again = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(again.json()["status"], "confirmed", "{}", again.body);
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn wrong_codes_count_down_and_the_last_uses_the_code_up_but_not_the_link() {
    let app = TestApp::start().await;
    let (_, code) = sign_up(&app, ADA).await;
    for left in [4, 3, 2, 1, 0] {
        assert_refused(&confirm_code(&app, ADA, &wrong(&code)).await, left);
    }
    assert_refused(&confirm_code(&app, ADA, &code).await, 0);
    assert_eq!(app.count("accounts").await, 0);
    let token = app.mails().pop().unwrap().token().unwrap();
    let reply = confirm(&app, json!({ "token": token })).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
}

#[rocket::async_test]
async fn an_address_with_nothing_pending_counts_down_exactly_alike() {
    let app = TestApp::start().await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    let (_, code) = sign_up(&app, ADA).await;
    let footprint = app.footprint().await;
    let mut replies = Vec::new();
    for email in [ADA, "nobody@example.com", "grace@example.com"] {
        let mut bodies = Vec::new();
        for _ in 0..6 {
            let reply = confirm_code(&app, email, &wrong(&code)).await;
            assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
            bodies.push(reply.body);
        }
        replies.push(bodies);
    }
    assert_eq!(replies[0], replies[1]);
    assert_eq!(replies[0], replies[2]);
    assert_eq!(app.footprint().await, footprint);
}

#[rocket::async_test]
async fn racing_wrong_guesses_never_get_more_tries_than_the_code_allows() {
    let app = TestApp::start().await;
    let (_, code) = sign_up(&app, ADA).await;
    let guess = "0".repeat(7);
    let guesses = (0..12).map(|_| confirm_code(&app, ADA, &guess));
    let replies = join_all(guesses).await;
    let mut left: Vec<u64> = replies
        .iter()
        .map(|reply| {
            reply.assert_error(Status::BadRequest, "code_invalid");
            reply.json()["attempts_left"].as_u64().unwrap()
        })
        .collect();
    left.sort_unstable();
    assert_eq!(left, [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    let db = &app.state().accounts.db;
    let rows = code::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attempts_used, 5);
    assert_refused(&confirm_code(&app, ADA, &code).await, 0);
}

#[rocket::async_test]
async fn a_new_mail_replaces_the_code_while_every_link_keeps_working() {
    let app = TestApp::start().await;
    let (_, first) = sign_up(&app, ADA).await;
    let first_link = app.mails().pop().unwrap().token().unwrap();
    assert_refused(&confirm_code(&app, ADA, &wrong(&first)).await, 4);
    let resent = app
        .post_json("/auth/signup/resend", &json!({ "email": ADA }))
        .await;
    assert_eq!(resent.status, Status::Ok, "{}", resent.body);
    app.deliver().await;
    let second = code_of(&app.mails().pop().unwrap());
    if second != first {
        // The earlier code goes; the new one starts with every try.
        assert_refused(&confirm_code(&app, ADA, &first).await, 4);
    }
    assert_eq!(app.count("codes").await, 1);
    let reply = confirm_code(&app, ADA, &second).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
    let reply = confirm(&app, json!({ "token": first_link })).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
}

#[rocket::async_test]
async fn a_repeated_sign_up_replaces_the_code_of_the_first() {
    let app = TestApp::start().await;
    let (_, first) = sign_up(&app, ADA).await;
    let (_, second) = sign_up(&app, ADA).await;
    assert_eq!(app.count("codes").await, 1);
    if first != second {
        assert_refused(&confirm_code(&app, ADA, &first).await, 4);
    }
    let reply = confirm_code(&app, ADA, &second).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
    assert_eq!(
        app.count("pending_signups").await,
        1,
        "the sibling was withdrawn"
    );
}

#[rocket::async_test]
async fn past_the_daily_failures_every_code_is_refused_but_links_work() {
    let app = TestApp::with(|s| s.codes.daily_failures = 3).await;
    let (_, code) = sign_up(&app, ADA).await;
    for left in [4, 3, 2] {
        assert_refused(&confirm_code(&app, ADA, &wrong(&code)).await, left);
    }
    assert_refused(&confirm_code(&app, ADA, &code).await, 0);
    // A new code does not reset the day's count.
    app.post_json("/auth/signup/resend", &json!({ "email": ADA }))
        .await;
    app.deliver().await;
    let fresh = code_of(&app.mails().pop().unwrap());
    assert_refused(&confirm_code(&app, ADA, &fresh).await, 0);
    // The day's count is per address typed: another address still counts down.
    assert_refused(&confirm_code(&app, "nobody@example.com", "123456").await, 4);

    // Past midnight (UTC), a new day: a fresh code works again.
    app.clock.advance(DAY / 2 + MINUTE);
    app.post_json("/auth/signup/resend", &json!({ "email": ADA }))
        .await;
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    let reply = confirm_code(&app, ADA, &code_of(&mail)).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
}

#[rocket::async_test]
async fn a_code_lives_its_own_ttl_and_the_link_its_own() {
    let app = TestApp::start().await;
    let (_, code) = sign_up(&app, ADA).await;
    app.clock.advance(16 * MINUTE);
    assert_refused(&confirm_code(&app, ADA, &code).await, 4);
    let token = app.mails().pop().unwrap().token().unwrap();
    let reply = confirm(&app, json!({ "token": token })).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
}

#[rocket::async_test]
async fn expired_codes_and_decoys_are_swept() {
    let app = TestApp::start().await;
    sign_up(&app, ADA).await;
    confirm_code(&app, "nobody@example.com", "123456").await;
    assert_eq!(app.count("codes").await, 2);
    app.clock.advance(16 * MINUTE);
    let db = &app.state().accounts.db;
    doorstep::housekeeping::sweep(db, app.clock.now())
        .await
        .unwrap();
    assert_eq!(app.count("codes").await, 0);
}

#[rocket::async_test]
async fn login_signs_in_only_the_client_holding_the_sign_up_handle() {
    let app = TestApp::start().await;
    let (ada_handle, ada_code) = sign_up(&app, ADA).await;
    // The client's sign-up cookie now names Grace's sign-up, not Ada's.
    let (grace_handle, grace_code) = sign_up(&app, "grace@example.com").await;

    let without = confirm(&app, json!({"email": ADA, "code": ada_code, "login": true})).await;
    assert_eq!(
        without.json(),
        json!({ "status": "confirmed" }),
        "{}",
        without.body
    );
    assert!(without.set_cookie("doorstep_session").is_none());

    let unasked = json!({"email": "grace@example.com", "code": grace_code,
        "registration": grace_handle});
    let unasked = confirm(&app, unasked).await;
    assert_eq!(
        unasked.json(),
        json!({ "status": "confirmed" }),
        "{}",
        unasked.body
    );
    assert_eq!(app.count("sessions").await, 0);

    // A third sign-up, confirmed by its own client with its handle: signed in.
    let (handle, code) = sign_up(&app, "alan@example.com").await;
    assert_ne!(handle, ada_handle);
    let body = json!({"email": "alan@example.com", "code": code, "login": true,
        "registration": handle});
    let reply = confirm(&app, body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["status"], "confirmed");
    let token = json["token"].as_str().unwrap();
    assert_eq!(token.len(), 43);
    assert_eq!(json["expires_at"], "2026-12-06T12:00:00Z", "{}", reply.body);
    let cookie = reply
        .set_cookie("doorstep_session")
        .expect("a session cookie");
    let me = app.get_json_with("/auth/me", &cookie).await;
    assert_eq!(me.json()["email"], "alan@example.com", "{}", me.body);
    assert_eq!(app.count("sessions").await, 1);
}

#[rocket::async_test]
async fn login_works_with_the_link_too_and_only_once() {
    let app = TestApp::start().await;
    let (handle, _) = sign_up(&app, ADA).await;
    let token = app.mails().pop().unwrap().token().unwrap();
    let body = json!({"token": token, "login": true, "registration": handle});
    let first = confirm(&app, body.clone()).await;
    assert!(first.json()["token"].is_string(), "{}", first.body);
    let again = confirm(&app, body).await;
    assert_eq!(
        again.json(),
        json!({ "status": "confirmed" }),
        "{}",
        again.body
    );
    assert_eq!(app.count("sessions").await, 1);
}

#[rocket::async_test]
async fn login_on_confirm_signs_in_the_browser_that_signed_up() {
    let app = TestApp::with(|s| s.signup.login_on_confirm = true).await;
    let mut fields: Vec<(&str, String)> = Vec::new();
    let body = signup_body(ADA);
    for (name, value) in body.as_object().unwrap() {
        fields.push((name.as_str(), value.as_str().unwrap().to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let page = app.post_form("/auth/signup", &fields).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let cookie = page
        .set_cookie("doorstep_signup")
        .expect("a sign-up cookie");
    assert!(cookie.http_only().unwrap_or(false));
    assert_eq!(cookie.same_site(), Some(rocket::http::SameSite::Lax));
    assert!(page.body.contains("name=\"code\""), "{}", page.body);
    app.deliver().await;
    let code = code_of(&app.mails().pop().unwrap());

    let wrong_page = app
        .post_form(
            "/auth/signup/confirm",
            &[("email", ADA), ("code", &wrong(&code))],
        )
        .await;
    assert_eq!(wrong_page.status, Status::BadRequest, "{}", wrong_page.body);
    assert!(
        wrong_page.body.contains("Tries left for this code: 4"),
        "{}",
        wrong_page.body
    );
    assert!(wrong_page.body.contains("name=\"code\""));

    let done = app
        .post_form("/auth/signup/confirm", &[("email", ADA), ("code", &code)])
        .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    let session = done.set_cookie("doorstep_session").expect("signed in");
    let me = app.get_json_with("/auth/me", &session).await;
    assert_eq!(me.json()["email"], ADA, "{}", me.body);
}

#[rocket::async_test]
async fn login_on_confirm_without_the_handle_signs_nobody_in() {
    let app = TestApp::with(|s| s.signup.login_on_confirm = true).await;
    let (_, code) = sign_up(&app, ADA).await;
    let (other_handle, _) = sign_up(&app, "grace@example.com").await;
    let body = json!({"email": ADA, "code": code, "registration": other_handle});
    let reply = confirm(&app, body).await;
    assert_eq!(
        reply.json(),
        json!({ "status": "confirmed" }),
        "{}",
        reply.body
    );
    assert_eq!(app.count("sessions").await, 0);
}

#[rocket::async_test]
async fn a_wrong_code_takes_as_long_for_a_pending_address_as_for_any_other() {
    let app = TestApp::with(|s| s.codes.daily_failures = 1000).await;
    let (_, code) = sign_up(&app, ADA).await;
    let timed = async |email: String| {
        let started = Instant::now();
        let reply = confirm_code(&app, &email, &wrong(&code)).await;
        assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
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
async fn missing_or_malformed_fields_are_invalid_requests_that_count_nothing() {
    let app = TestApp::start().await;
    sign_up(&app, ADA).await;
    for (body, field) in [
        (json!({ "email": ADA }), "code"),
        (json!({ "code": "123456" }), "email"),
        (
            json!({ "email": "not-an-address", "code": "123456" }),
            "email",
        ),
    ] {
        let reply = confirm(&app, body).await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert!(reply.json()["fields"][field].is_string(), "{}", reply.body);
    }
    let db = &app.state().accounts.db;
    let rows = code::Entity::find().all(db).await.unwrap();
    assert_eq!(rows[0].attempts_used, 0);
    let reply = confirm(&app, json!({ "email": ADA, "code": "1", "login": "maybe" })).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
}

#[rocket::async_test]
async fn with_codes_off_mails_carry_none_and_only_links_confirm() {
    let app = TestApp::with(|s| s.codes.enabled = false).await;
    let reply = app.post_json("/auth/signup", &signup_body(ADA)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    assert!(!mail.part("text/plain").contains("code"), "{}", mail.raw);
    assert_eq!(app.count("codes").await, 0);
    let reply = confirm_code(&app, ADA, "123456").await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"]["code"], "not_offered");
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["codes"], json!({ "enabled": false, "length": 6 }));
}

#[rocket::async_test]
async fn discovery_tells_the_code_length_and_login_on_confirm() {
    let app = TestApp::with(|s| {
        s.codes.length = 8;
        s.signup.login_on_confirm = true;
    })
    .await;
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["codes"], json!({ "enabled": true, "length": 8 }));
    assert_eq!(discovery["signup"]["login_on_confirm"], true);
    let (_, code) = sign_up(&app, ADA).await;
    assert_eq!(code.len(), 8);
}

#[rocket::async_test]
async fn operator_templates_get_the_code_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("confirm.html");
    std::fs::write(&template, "<p>__CODE__ or __CONFIRMATION_LINK__</p>").unwrap();
    let app = TestApp::with(|s| {
        s.signup.template = Some(std::fs::read_to_string(&template).unwrap());
    })
    .await;
    let (_, code) = sign_up(&app, ADA).await;
    let html = app.mails().pop().unwrap().part("text/html");
    assert!(html.contains(&format!("<p>{code} or http")), "{html}");
}

// Reset by code.

async fn reset_app(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let app = TestApp::with(|s| {
        s.reset.enabled = true;
        configure(s);
    })
    .await;
    app.confirmed_account(ADA, PASSWORD).await;
    app
}

/// Asks for a reset of `email`; the code of its mail when one was sent.
async fn request_reset(app: &TestApp, email: &str) -> Option<String> {
    app.deliver().await;
    let seen = app.mails().len();
    let reply = app
        .post_json("/auth/pwreset", &json!({ "email": email }))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    app.mails_since(seen).first().map(code_of)
}

async fn reset(app: &TestApp, email: &str, code: &str, password: &str) -> Reply {
    let body = json!({ "email": email, "code": code, "password": password });
    app.post_json("/auth/pwreset/confirm", &body).await
}

#[rocket::async_test]
async fn a_reset_code_sets_the_new_password() {
    let app = reset_app(|_| {}).await;
    let code = request_reset(&app, ADA).await.unwrap();
    assert_refused(&reset(&app, ADA, &wrong(&code), NEW).await, 4);
    // A weak password is refused without spending a try.
    let weak = reset(&app, ADA, &code, "short").await;
    weak.assert_error(Status::BadRequest, "weak_password");
    assert_refused(&reset(&app, ADA, &wrong(&code), NEW).await, 3);
    let reply = reset(&app, ADA, &code, NEW).await;
    assert_eq!(reply.json()["status"], "password_changed", "{}", reply.body);
    assert!(app.signs_in(ADA, NEW).await);
    assert_eq!(app.count("codes").await, 0);
    // Used: the code is gone, and counts like any wrong one.
    assert_refused(&reset(&app, ADA, &code, "yet another passphrase").await, 4);
    assert!(app.signs_in(ADA, NEW).await);
}

#[rocket::async_test]
async fn a_reset_for_an_unknown_address_counts_down_alike_and_resets_nothing() {
    let app = reset_app(|_| {}).await;
    let code = request_reset(&app, ADA).await.unwrap();
    assert!(request_reset(&app, "nobody@example.com").await.is_none());
    let mut bodies = Vec::new();
    for email in [ADA, "nobody@example.com"] {
        let mut replies = Vec::new();
        for _ in 0..6 {
            replies.push(reset(&app, email, &wrong(&code), NEW).await.body);
        }
        bodies.push(replies);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn a_link_reset_withdraws_the_code_and_a_code_reset_the_links() {
    let app = reset_app(|_| {}).await;
    let code = request_reset(&app, ADA).await.unwrap();
    let token = app.mails().pop().unwrap().token().unwrap();
    let body = json!({ "token": token, "password": NEW });
    let reply = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_refused(&reset(&app, ADA, &code, "yet another passphrase").await, 4);

    let code = request_reset(&app, ADA).await.unwrap();
    let token = app.mails().pop().unwrap().token().unwrap();
    let reply = reset(&app, ADA, &code, "yet another passphrase").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let body = json!({ "token": token, "password": "and one more passphrase" });
    let reply = app.post_json("/auth/pwreset/confirm", &body).await;
    reply.assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn the_reset_page_takes_the_code_and_the_new_password() {
    let app = reset_app(|_| {}).await;
    let page = app.post_form("/auth/pwreset", &[("email", ADA)]).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("name=\"code\""), "{}", page.body);
    assert!(page.body.contains("name=\"password\""), "{}", page.body);
    app.deliver().await;
    let code = code_of(&app.mails().pop().unwrap());
    let fields = [("email", ADA), ("code", "000"), ("password", NEW)];
    let refused = app.post_form("/auth/pwreset/confirm", &fields).await;
    assert_eq!(refused.status, Status::BadRequest, "{}", refused.body);
    assert!(
        refused.body.contains("Tries left for this code: 4"),
        "{}",
        refused.body
    );
    let fields = [("email", ADA), ("code", code.as_str()), ("password", NEW)];
    let done = app.post_form("/auth/pwreset/confirm", &fields).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert!(app.signs_in(ADA, NEW).await);
}

#[rocket::async_test]
async fn codes_are_counted_in_the_metrics() {
    let app = TestApp::start().await;
    let scrape = async || app.get("/metrics", "text/plain").await.body;
    let count = |text: &str, outcome: &str| -> u64 {
        let series = format!("doorstep_codes_total{{outcome=\"{outcome}\"}} ");
        let line = text.lines().find(|line| line.starts_with(&series)).unwrap();
        line[series.len()..].parse().unwrap()
    };
    let before = scrape().await;
    let (_, code) = sign_up(&app, ADA).await;
    confirm_code(&app, ADA, &wrong(&code)).await;
    confirm_code(&app, ADA, &code).await;
    let after = scrape().await;
    // Other tests in this process count too: at least ours.
    assert!(count(&after, "accepted") > count(&before, "accepted"));
    assert!(count(&after, "refused") > count(&before, "refused"));
}

#[rocket::async_test]
async fn a_code_whose_username_was_taken_meanwhile_picks_another_and_stays_usable() {
    use doorstep::config::UsernameMode;
    let app = TestApp::with(|s| s.usernames.mode = UsernameMode::Optional).await;
    let mut ada = signup_body(ADA);
    ada["username"] = json!("countess");
    app.post_json("/auth/signup", &ada).await;
    app.deliver().await;
    let ada_code = code_of(&app.mails().pop().unwrap());
    let mut grace = signup_body("grace@example.com");
    grace["username"] = json!("Countess");
    app.post_json("/auth/signup", &grace).await;
    app.deliver().await;
    let grace_code = code_of(&app.mails().pop().unwrap());
    let first = confirm_code(&app, "grace@example.com", &grace_code).await;
    assert_eq!(first.status, Status::Ok, "{}", first.body);

    let lost = confirm_code(&app, ADA, &ada_code).await;
    lost.assert_error(Status::Conflict, "username_taken");
    assert_eq!(app.count("accounts").await, 1, "nothing created");
    let again = confirm(
        &app,
        json!({"email": ADA, "code": ada_code, "username": "ada.l"}),
    )
    .await;
    assert_eq!(again.status, Status::Ok, "{}", again.body);
    let me = app
        .post_json(
            "/auth/login",
            &json!({"login": "ada.l", "password": PASSWORD}),
        )
        .await;
    assert_eq!(me.json()["email"], ADA, "{}", me.body);
}
