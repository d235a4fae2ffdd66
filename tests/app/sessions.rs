//! Signing in and out: cookies, session rows, the account page, and what failures reveal.

use std::time::{Duration, Instant};

use doorstep::accounts::password::PasswordHasher;
use doorstep::entities::session;
use rocket::http::{SameSite, Status};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::{Reply, TestApp, database_url};

const PASSWORD: &str = "correct horse battery staple";
const NEW: &str = "a brand new passphrase";
const ADA: &str = "ada@example.com";
const COOKIE: &str = "doorstep_session";
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn app_with_ada() -> TestApp {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    app
}

#[track_caller]
fn unauthenticated(reply: &Reply) {
    reply.assert_error(Status::Unauthorized, "unauthenticated");
}

async fn me(app: &TestApp) -> Reply {
    app.get_json("/auth/me").await
}

#[rocket::async_test]
async fn json_sign_in_sets_an_http_only_lax_cookie_and_me_shows_the_account() {
    let app = app_with_ada().await;
    unauthenticated(&me(&app).await);

    let reply = app.sign_in(ADA, PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let body = reply.json();
    assert_eq!(
        (&body["status"], &body["email"]),
        (&json!("ok"), &json!(ADA))
    );
    let cookie = reply.set_cookie(COOKIE).expect("a session cookie");
    assert_eq!(cookie.http_only(), Some(true), "{cookie}");
    assert_eq!(cookie.same_site(), Some(SameSite::Lax), "{cookie}");
    assert_eq!(cookie.path(), Some("/"), "{cookie}");
    assert_ne!(cookie.secure(), Some(true), "plain http here: {cookie}");

    let rows = session::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored = &rows[0].token_hash;
    assert!(
        stored.len() == 64 && !cookie.value().contains(stored.as_str()),
        "{stored}"
    );

    let account = me(&app).await;
    assert_eq!(account.status, Status::Ok, "{}", account.body);
    let expected =
        json!({ "email": ADA, "firstname": "Ada", "lastname": "Lovelace", "role": "member" });
    assert_eq!(account.json(), expected);
    let page = app.get_html("/auth/me").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Ada Lovelace") && page.body.contains(ADA));
}

#[rocket::async_test]
async fn the_session_cookie_is_secure_when_served_over_https() {
    let app = TestApp::with(|s| s.base_url = "https://doorstep.example".parse().unwrap()).await;
    app.confirmed_account(ADA, PASSWORD).await;
    let reply = app.sign_in(ADA, PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    // The __Host- prefix: only this host may set it, so no sibling subdomain can plant one.
    assert!(reply.set_cookie(COOKIE).is_none());
    let cookie = reply
        .set_cookie("__Host-doorstep_session")
        .expect("a __Host- cookie");
    assert_eq!(cookie.secure(), Some(true), "{cookie}");
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.domain(), None);
    let page = app.get_html("/auth/signup").await;
    let csrf = page.header("Set-Cookie").unwrap_or_default();
    assert!(csrf.starts_with("__Host-doorstep_csrf="), "{csrf}");
}

#[rocket::async_test]
async fn browser_sign_in_needs_csrf_and_goes_to_the_account_page_or_urlsuccess() {
    let app = app_with_ada().await;
    let fields = [("email", ADA), ("password", PASSWORD)];
    let forged = app.post_form_raw("/auth/login", &fields).await;
    assert_eq!(forged.status, Status::Forbidden, "{}", forged.body);
    assert!(forged.body.contains("csrf_invalid"), "{}", forged.body);
    assert_eq!(app.count("sessions").await, 0);

    let wrong = app
        .post_form(
            "/auth/login",
            &[("email", ADA), ("password", "wrong horse battery")],
        )
        .await;
    assert_eq!(wrong.status, Status::Unauthorized, "{}", wrong.body);
    assert!(
        wrong.body.contains(&format!("value=\"{ADA}\"")),
        "{}",
        wrong.body
    );
    assert!(
        !wrong.body.contains("wrong horse"),
        "the password is never shown again"
    );

    let reply = app.post_form("/auth/login", &fields).await;
    assert_eq!(reply.status, Status::SeeOther, "{}", reply.body);
    assert_eq!(reply.location.as_deref(), Some("/auth/me"));
    let page = app.get_html("/auth/me").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains("Ada Lovelace") && page.body.contains(ADA),
        "{}",
        page.body
    );

    let welcome = "https://app.example/welcome/home";
    let onward = [fields[0], fields[1], ("urlsuccess", welcome)];
    let reply = app.post_form("/auth/login", &onward).await;
    assert_eq!(
        (reply.status, reply.location.as_deref()),
        (Status::SeeOther, Some(welcome))
    );
    assert_eq!(app.count("sessions").await, 2);

    let evil = [
        fields[0],
        fields[1],
        ("urlsuccess", "https://evil.example/welcome"),
    ];
    let refused = app.post_form("/auth/login", &evil).await;
    assert_eq!(refused.status, Status::BadRequest, "{}", refused.body);
    let body = json!({ "email": ADA, "password": PASSWORD, "urlsuccess": "//evil.example" });
    let refused = app.post_json("/auth/login", &body).await;
    refused.assert_error(Status::BadRequest, "redirect_not_allowed");
    assert_eq!(app.count("sessions").await, 2);
}

#[rocket::async_test]
async fn signing_out_ends_the_session_even_for_a_replayed_cookie() {
    let app = app_with_ada().await;
    let cookie = app.session(ADA, PASSWORD).await;
    assert_eq!(me(&app).await.status, Status::Ok);
    assert_eq!(
        app.get_json_with("/auth/me", &cookie).await.status,
        Status::Ok
    );

    let reply = app.post_json("/auth/logout", &json!({})).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "signed_out" }));
    let removal = reply.set_cookie(COOKIE).expect("the cookie is taken away");
    assert_eq!(removal.value(), "");
    assert_eq!(app.count("sessions").await, 0);
    unauthenticated(&me(&app).await);
    let replayed = app.get_json_with("/auth/me", &cookie).await;
    replayed.assert_error(Status::Unauthorized, "unauthenticated");

    let again = app.post_json("/auth/logout", &json!({})).await;
    assert_eq!(again.json(), json!({ "status": "signed_out" }));
    let page = app.get_html("/auth/me").await;
    assert_eq!(page.status, Status::Unauthorized);
    assert!(page.body.contains("Please sign in"), "{}", page.body);
}

#[rocket::async_test]
async fn each_sign_in_is_a_row_and_signing_out_ends_only_its_own() {
    let app = app_with_ada().await;
    let first = app.session(ADA, PASSWORD).await;
    let second = app.session(ADA, PASSWORD).await;
    assert_ne!(first.value(), second.value());
    assert_eq!(app.count("sessions").await, 2);
    // The client now holds the second cookie; signing out ends that one.
    app.post_json("/auth/logout", &json!({})).await;
    assert_eq!(app.count("sessions").await, 1);
    assert_eq!(
        app.get_json_with("/auth/me", &first).await.status,
        Status::Ok
    );
    let ended = app.get_json_with("/auth/me", &second).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
}

#[rocket::async_test]
async fn a_session_lasts_for_the_session_ttl() {
    let app = app_with_ada().await;
    let cookie = app.session(ADA, PASSWORD).await;
    let ttl = 14 * DAY;
    assert_eq!(cookie.max_age().unwrap().whole_seconds(), 14 * 24 * 3600);
    // Expires says the same as Max-Age, for browsers that read only Expires.
    let expires = cookie.expires_datetime().unwrap();
    let left = (expires - rocket::time::OffsetDateTime::now_utc()).whole_seconds();
    assert!(
        (14 * 24 * 3600 - 60..=14 * 24 * 3600).contains(&left),
        "{left}"
    );
    app.clock.advance(ttl - Duration::from_secs(1));
    assert_eq!(me(&app).await.status, Status::Ok);
    app.clock.advance(Duration::from_secs(2));
    unauthenticated(&me(&app).await);
    unauthenticated(&app.get_json_with("/auth/me", &cookie).await);

    let app = TestApp::with(|s| s.session_ttl = Duration::from_secs(3600)).await;
    app.confirmed_account(ADA, PASSWORD).await;
    assert_eq!(app.sign_in(ADA, PASSWORD).await.status, Status::Ok);
    app.clock.advance(Duration::from_secs(3601));
    unauthenticated(&me(&app).await);
}

#[rocket::async_test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_401() {
    let app = app_with_ada().await;
    let wrong = app.sign_in(ADA, "correct horse battery stapler").await;
    let unknown = app.sign_in("nobody@example.com", PASSWORD).await;
    let malformed = app.sign_in("not-an-address", PASSWORD).await;
    app.sign_up("bob@example.com").await;
    let unconfirmed = app.sign_in("bob@example.com", PASSWORD).await;
    wrong.assert_error(Status::Unauthorized, "invalid_credentials");
    for other in [&unknown, &malformed, &unconfirmed] {
        assert_eq!((other.status, &other.body), (wrong.status, &wrong.body));
        assert_eq!(other.content_type, wrong.content_type);
    }
    assert!(wrong.set_cookie(COOKIE).is_none());
    let missing = app.post_json("/auth/login", &json!({})).await;
    missing.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        missing.json()["fields"],
        json!({ "email": "required", "password": "required" })
    );
    assert_eq!(app.count("sessions").await, 0);
    unauthenticated(&me(&app).await);
    // Addresses compare case-insensitively.
    let reply = app.sign_in("ADA@Example.COM", PASSWORD).await;
    assert_eq!(reply.json()["email"], ADA);
}

#[rocket::async_test]
async fn a_wrong_password_takes_as_long_as_an_unknown_address() {
    let params = argon2::Params::new(64 * 1024, 4, 1, None).unwrap();
    let slow = PasswordHasher::with_params(1, 64, params);
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let app = TestApp::on(dir, url, |_| {}, |app| app.hasher(slow)).await;
    app.confirmed_account(ADA, PASSWORD).await;

    let timed = async |email: &str| {
        let started = Instant::now();
        let reply = app.sign_in(email, "not the password at all").await;
        reply.assert_error(Status::Unauthorized, "invalid_credentials");
        started.elapsed()
    };
    let (mut wrong, mut unknown) = (Duration::MAX, Duration::MAX);
    for i in 0..5 {
        wrong = wrong.min(timed(ADA).await);
        unknown = unknown.min(timed(&format!("nobody{i}@example.com")).await);
    }
    // Skipping the hash for an unknown address would make it some hundred times faster (a
    // 64 MiB argon2id against a lookup); the wide band keeps a loaded machine from failing it.
    let ratio = wrong.as_secs_f64() / unknown.as_secs_f64();
    assert!(
        (0.2..5.0).contains(&ratio),
        "fastest wrong password {wrong:?} vs unknown address {unknown:?}"
    );
}

/// Asks for a reset link for Ada and returns its token.
async fn reset_link(app: &TestApp) -> String {
    let reply = app
        .post_json("/auth/pwreset", &json!({ "email": ADA }))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    app.mails().pop().unwrap().token().unwrap()
}

async fn new_password(app: &TestApp, token: &str) -> Reply {
    let body = json!({ "token": token, "password": NEW });
    app.post_json("/auth/pwreset/confirm", &body).await
}

#[rocket::async_test]
async fn a_password_reset_ends_every_session_and_every_other_reset_link() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    app.confirmed_account(ADA, PASSWORD).await;
    let phone = app.session(ADA, PASSWORD).await;
    let laptop = app.session(ADA, PASSWORD).await;
    assert_eq!(app.count("sessions").await, 2);
    for cookie in [&phone, &laptop] {
        let me = app.get_json_with("/auth/me", cookie).await;
        assert_eq!(me.status, Status::Ok, "{}", me.body);
    }
    let earlier = reset_link(&app).await;
    let later = reset_link(&app).await;
    assert_eq!(new_password(&app, &later).await.status, Status::Ok);

    assert_eq!(app.count("sessions").await, 0);
    for cookie in [&phone, &laptop] {
        unauthenticated(&app.get_json_with("/auth/me", cookie).await);
    }
    let link = app
        .get_json(&format!("/auth/pwreset?confirm={earlier}"))
        .await;
    link.assert_error(Status::BadRequest, "token_invalid");
    let used = new_password(&app, &earlier).await;
    used.assert_error(Status::BadRequest, "token_invalid");
    assert!(app.signs_in(ADA, NEW).await);
}

#[rocket::async_test]
async fn forward_auth_names_the_account_of_a_live_session_only() {
    let app = app_with_ada().await;
    let cookie = app.session(ADA, PASSWORD).await;
    let reply = app.get_json_with("/auth/verify", &cookie).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.header("X-Doorstep-Email"), Some(ADA));
    let id = reply.json()["account"].as_i64().unwrap();
    assert_eq!(
        reply.header("X-Doorstep-Account"),
        Some(id.to_string().as_str())
    );
    assert_eq!(reply.header("Cache-Control"), Some("no-store"));

    // Signed out (this client holds the cookie): 401, and no account in the headers; the
    // ended session's cookie replayed: 401 too.
    app.post_json("/auth/logout", &json!({})).await;
    let anonymous = app.get_json("/auth/verify").await;
    anonymous.assert_error(Status::Unauthorized, "unauthenticated");
    assert_eq!(anonymous.header("X-Doorstep-Account"), None);
    let ended = app.get_json_with("/auth/verify", &cookie).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
}
