//! The security rules of DESIGN.md section 5, each seen from outside.

use std::time::{Duration, Instant};

use doorstep::accounts::password::PasswordHasher;
use doorstep::entities::{one_time_token, pending_signup};
use rocket::http::{Accept, ContentType, Status};
use sea_orm::EntityTrait;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::{Reply, TestApp, database_url, sent_reply, signup_body};

const PASSWORD: &str = "correct horse battery staple";

/// Sign-up fields as a browser form sends them (no CSRF token).
fn form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("firstname", "Ada".into()),
        ("lastname", "Lovelace".into()),
        ("email", email.into()),
        ("password", PASSWORD.into()),
    ]
}

/// Posts a form body to the sign-up route, asking for a JSON reply.
async fn post_form(app: &TestApp, fields: &[(&str, String)]) -> Reply {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let request = app.client.post("/auth/signup").header(ContentType::Form);
    app.send(request.header(Accept::JSON).body(body)).await
}

/// A second app on the same database, with a browser (cookie jar) of its own.
async fn second_browser(app: &TestApp) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    TestApp::on(dir, app.database_url.clone(), |_| {}, |app| app).await
}

async fn confirmed_account(app: &TestApp, email: &str) {
    let token = app.sign_up(email).await;
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

#[rocket::async_test]
async fn a_known_address_gets_the_reply_of_an_unknown_one() {
    let app = TestApp::start().await;
    confirmed_account(&app, "ada@example.com").await;

    let known = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    let unknown = app
        .post_json("/auth/signup", &signup_body("bob@example.com"))
        .await;
    assert_eq!(known.status, Status::Ok, "{}", known.body);
    assert_eq!(
        (known.status, &known.content_type),
        (unknown.status, &unknown.content_type)
    );
    assert_eq!(sent_reply(&known), sent_reply(&unknown));

    // The browser page differs only by the address it repeats.
    let csrf = app.csrf_token().await;
    let page = async |email: &str| {
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("firstname", "Ada"),
            ("lastname", "Lovelace"),
            ("email", email),
            ("password", PASSWORD),
        ];
        let reply = app.post_form_raw("/auth/signup", &fields).await;
        (
            reply.status,
            reply.content_type,
            reply.body.replace(email, "EMAIL"),
        )
    };
    assert_eq!(
        page("ada@example.com").await,
        page("carol@example.com").await
    );
}

#[rocket::async_test]
async fn a_known_address_takes_as_long_as_an_unknown_one() {
    let params = argon2::Params::new(64 * 1024, 4, 1, None).unwrap();
    let slow = PasswordHasher::with_params(1, 64, params);
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let app = TestApp::on(dir, url, |_| {}, |app| app.hasher(slow)).await;
    confirmed_account(&app, "ada@example.com").await;

    let timed = async |email: String| {
        let started = Instant::now();
        let reply = app.post_json("/auth/signup", &signup_body(&email)).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        started.elapsed()
    };
    let (mut known, mut unknown) = (Duration::MAX, Duration::MAX);
    for i in 0..5 {
        known = known.min(timed("ada@example.com".into()).await);
        unknown = unknown.min(timed(format!("new{i}@example.com")).await);
    }
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    assert!(
        (0.5..2.0).contains(&ratio),
        "fastest known {known:?} vs unknown {unknown:?}: the known path must hash too"
    );
}

#[rocket::async_test]
async fn form_posts_need_the_csrf_token_of_their_own_cookie() {
    let app = TestApp::start().await;
    let token = app.csrf_token().await;
    let fresh = second_browser(&app).await;
    let before = app.footprint().await;
    let refuse = async |browser: &TestApp, csrf: Option<&str>| {
        let mut fields = form("ada@example.com");
        fields.extend(csrf.map(|csrf| ("csrf_token", csrf.to_owned())));
        let reply = post_form(browser, &fields).await;
        assert_eq!(reply.status, Status::Forbidden, "{csrf:?}: {}", reply.body);
        assert_eq!(reply.json()["error"], "csrf_invalid");
        assert_eq!(
            app.footprint().await,
            before,
            "a refused post changed state"
        );
    };
    refuse(&app, None).await;
    refuse(&app, Some("")).await;
    refuse(&app, Some(&"A".repeat(43))).await;
    // The right token is worthless without its cookie (a cross-site page has no cookie).
    refuse(&fresh, Some(&token)).await;
    // Another browser's valid token does not match this browser's cookie.
    let theirs = fresh.csrf_token().await;
    refuse(&app, Some(&theirs)).await;

    // Browsers see the refusal as a page.
    let page = app
        .post_form_raw("/auth/signup", &[("email", "ada@example.com")])
        .await;
    assert_eq!(page.status, Status::Forbidden);
    assert!(page.body.contains("csrf_invalid"), "{}", page.body);

    let mut fields = form("ada@example.com");
    fields.push(("csrf_token", token));
    assert_eq!(post_form(&app, &fields).await.status, Status::Ok);
    // JSON needs no token, even from a browser without any cookie.
    let other = second_browser(&app).await;
    let reply = other
        .post_json("/auth/signup", &signup_body("bob@example.com"))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

#[rocket::async_test]
async fn pages_json_and_errors_carry_the_security_headers() {
    let app = TestApp::start().await;
    let replies = [
        (app.get_html("/auth/signup").await, Status::Ok),
        (app.get_json("/auth/signup/whitelist").await, Status::Ok),
        (
            app.post_json("/auth/signup", &json!({})).await,
            Status::BadRequest,
        ),
        (
            app.get_json("/auth/signup?confirm=nope").await,
            Status::BadRequest,
        ),
        (app.get_html("/no/such/page").await, Status::NotFound),
        (app.get_json("/no/such/page").await, Status::NotFound),
    ];
    for (reply, status) in replies {
        assert_eq!(reply.status, status, "{}", reply.body);
        let csp = reply.header("Content-Security-Policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{status}: CSP {csp:?}"
        );
        assert_eq!(reply.header("X-Frame-Options"), Some("DENY"), "{status}");
        assert_eq!(
            reply.header("Referrer-Policy"),
            Some("no-referrer"),
            "{status}"
        );
        assert_eq!(
            reply.header("X-Content-Type-Options"),
            Some("nosniff"),
            "{status}"
        );
    }
}

#[rocket::async_test]
async fn access_logs_never_contain_tokens() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    // A marker of this test's own, since every test writes to the same log.
    let probe: String = doorstep::random::bytes::<8>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let link = format!("/auth/signup?confirm={token}&probe={probe}");
    let page = app.get_html(&link).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert_eq!(app.get_json(&link).await.status, Status::Ok);
    let posted = app
        .post_form("/auth/signup/confirm", &[("token", &token)])
        .await;
    assert_eq!(posted.status, Status::Ok, "{}", posted.body);

    let lines = doorstep::logging::capture().lock().unwrap().clone();
    let leaks: Vec<_> = lines.iter().filter(|line| line.contains(&token)).collect();
    assert!(leaks.is_empty(), "token in the log: {leaks:?}");
    let redacted = format!("confirm=[redacted]&probe={probe}");
    assert!(
        lines.iter().any(|line| line.contains(&redacted)),
        "the request line was not logged (or a Rocket was built before logging::capture())"
    );
}

#[rocket::async_test]
async fn a_redisplayed_form_escapes_what_the_user_typed() {
    let app = TestApp::start().await;
    let fields = [
        ("firstname", "<script>x</script>"),
        ("lastname", "\"><img src=x>"),
        ("email", "not-an-address"),
        ("password", PASSWORD),
    ];
    let reply = app.post_form("/auth/signup", &fields).await;
    assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
    assert!(reply.body.contains("&lt;script&gt;x&lt;"), "{}", reply.body);
    assert!(
        !reply.body.contains("<script>x"),
        "raw markup: {}",
        reply.body
    );
    assert!(
        !reply.body.contains("\"><img"),
        "attribute breakout: {}",
        reply.body
    );
    assert!(
        !reply.body.contains(PASSWORD),
        "the password is never shown again"
    );
}

#[rocket::async_test]
async fn only_digests_of_tokens_and_hashes_of_passwords_are_stored() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    assert_eq!(token.len(), 43, "{token}");
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    assert!(token.chars().all(base64url), "{token}");

    let db = &app.state().accounts.db;
    let rows = one_time_token::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), 1);
    let stored = &rows[0].token_hash;
    let sha256: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored, &sha256);
    assert!(stored.len() == 64 && stored.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(!stored.contains(&token));

    let pending = pending_signup::Entity::find().all(db).await.unwrap();
    assert!(
        pending[0].password_hash.starts_with("$argon2id$"),
        "{}",
        pending[0].password_hash
    );
    assert!(!pending[0].password_hash.contains(PASSWORD));
}
