//! App passwords: made with the current password, shown once, used as Bearer or Basic to read
//! the account and never to change credentials, revoked one by one or all by a reset, and the
//! one a sign-up asked for handed out once by its status handle.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::entities::app_password;
use rocket::http::{Accept, ContentType, Header, Status};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, signup_body};
use crate::tokens::{delete_as, get_as};

const PASSWORD: &str = "correct horse battery staple";
const ADA: &str = "ada@example.com";
const BOB: &str = "bob@example.com";

async fn signed_in_ada(configure: impl FnOnce(&mut doorstep::config::Settings)) -> TestApp {
    let app = TestApp::with(configure).await;
    app.confirmed_account(ADA, PASSWORD).await;
    app.session(ADA, PASSWORD).await;
    app
}

async fn create(app: &TestApp, name: &str, current_password: &str) -> Reply {
    let body = json!({"name": name, "current_password": current_password});
    app.post_json("/auth/me/app-passwords", &body).await
}

/// Makes an app password for the signed-in account and returns the reply's body.
async fn made(app: &TestApp, name: &str) -> Value {
    let reply = create(app, name, PASSWORD).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    reply.json()
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

#[rocket::async_test]
async fn an_app_password_is_made_with_the_current_password_and_shown_once() {
    let app = signed_in_ada(|_| {}).await;
    let wrong = create(&app, "phone", "not my password at all").await;
    wrong.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        wrong.json()["fields"],
        json!({"current_password": "incorrect"})
    );
    let missing = app.post_json("/auth/me/app-passwords", &json!({})).await;
    missing.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        missing.json()["fields"],
        json!({"name": "required", "current_password": "required"})
    );
    let long = create(&app, &"x".repeat(101), PASSWORD).await;
    assert_eq!(long.json()["fields"], json!({"name": "too_long"}));
    assert_eq!(app.count("app_passwords").await, 0);

    let body = made(&app, "phone").await;
    assert_eq!(body["name"], "phone");
    let secret = body["app_password"].as_str().unwrap();
    assert!(
        secret.starts_with("dsap_") && secret.len() == 48,
        "{secret}"
    );
    let rows = app_password::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].secret_digest, doorstep::random::digest(secret));
    assert!(!format!("{rows:?}").contains(&secret[5..]));

    let list = app.get_json("/auth/me/app-passwords").await;
    assert_eq!(list.status, Status::Ok, "{}", list.body);
    assert_eq!(
        list.json(),
        json!({"app_passwords": [{"id": body["id"], "name": "phone",
            "created_at": "2026-11-22T12:00:00Z", "last_used_at": null}]})
    );
    assert!(!list.body.contains(secret));
}

#[rocket::async_test]
async fn an_app_password_reads_the_account_as_bearer_or_basic_but_never_the_real_password() {
    let app = signed_in_ada(|_| {}).await;
    app.confirmed_account(BOB, PASSWORD).await;
    let secret = made(&app, "mail client").await["app_password"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_json("/auth/logout", &json!({})).await;

    for header in [
        bearer(&secret),
        basic(ADA, &secret),
        basic("ADA@Example.COM", &secret),
    ] {
        let me = get_as(&app, "/auth/me", &header).await;
        assert_eq!(me.status, Status::Ok, "{header}: {}", me.body);
        assert_eq!(me.json()["email"], ADA);
        let verified = get_as(&app, "/auth/verify", &header).await;
        assert_eq!(verified.status, Status::Ok, "{}", verified.body);
        assert_eq!(verified.header("X-Doorstep-Email"), Some(ADA));
    }
    for header in [
        basic(ADA, PASSWORD),
        basic(BOB, &secret),
        basic("", &secret),
        bearer(&format!("dsap_{}", doorstep::random::url_token())),
        bearer(PASSWORD),
    ] {
        let me = get_as(&app, "/auth/me", &header).await;
        me.assert_error(Status::Unauthorized, "unauthenticated");
        let verified = get_as(&app, "/auth/verify", &header).await;
        verified.assert_error(Status::Unauthorized, "unauthenticated");
    }
}

#[rocket::async_test]
async fn an_app_password_never_changes_credentials() {
    let app = signed_in_ada(|s| s.reset.enabled = true).await;
    let body = made(&app, "script").await;
    let secret = body["app_password"].as_str().unwrap().to_owned();
    let id = body["id"].as_i64().unwrap();
    let session_id = {
        let list = app.get_json("/auth/me/sessions").await.json();
        list["sessions"][0]["id"].as_i64().unwrap()
    };
    app.post_json("/auth/logout", &json!({})).await;
    // A session the script must not be able to end.
    let other = app.sign_in(ADA, PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Signing in again replaces the cookie; signing out ends that one, not `other`.
    app.sign_in(ADA, PASSWORD).await;
    app.post_json("/auth/logout", &json!({})).await;
    let other_id = {
        let list = get_as(&app, "/auth/me/sessions", &bearer(&other))
            .await
            .json();
        list["sessions"][0]["id"].as_i64().unwrap()
    };
    assert_ne!(session_id, other_id);

    for header in [bearer(&secret), basic(ADA, &secret)] {
        for path in ["/auth/me/app-passwords", "/auth/me/sessions"] {
            get_as(&app, path, &header)
                .await
                .assert_error(Status::Forbidden, "forbidden");
        }
        for path in [
            format!("/auth/me/app-passwords/{id}"),
            format!("/auth/me/sessions/{other_id}"),
        ] {
            delete_as(&app, &path, &header)
                .await
                .assert_error(Status::Forbidden, "forbidden");
        }
        let request = app
            .client
            .post("/auth/me/app-passwords")
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("Authorization", header.clone()))
            .body(json!({"name": "more", "current_password": PASSWORD}).to_string());
        let minted = app.send(request).await;
        minted.assert_error(Status::Forbidden, "forbidden");
    }
    assert_eq!(app.count("app_passwords").await, 1);
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&other)).await.status,
        Status::Ok
    );
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&secret)).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_revoked_app_password_opens_nothing_and_other_accounts_ids_are_not_found() {
    let app = TestApp::start().await;
    app.confirmed_account(BOB, PASSWORD).await;
    app.session(BOB, PASSWORD).await;
    let bobs = made(&app, "bob's").await;
    app.confirmed_account(ADA, PASSWORD).await;
    app.session(ADA, PASSWORD).await;
    let first = made(&app, "first").await;
    let second = made(&app, "second").await;

    let theirs = format!("/auth/me/app-passwords/{}", bobs["id"]);
    let request = app.client.delete(theirs).header(Accept::JSON);
    app.send(request)
        .await
        .assert_error(Status::NotFound, "not_found");
    let bob_secret = bobs["app_password"].as_str().unwrap();
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(bob_secret)).await.status,
        Status::Ok
    );

    let path = format!("/auth/me/app-passwords/{}", first["id"]);
    let reply = app
        .send(app.client.delete(path.clone()).header(Accept::JSON))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "revoked"}));
    let secret = first["app_password"].as_str().unwrap();
    get_as(&app, "/auth/me", &bearer(secret))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    let again = app.send(app.client.delete(path).header(Accept::JSON)).await;
    again.assert_error(Status::NotFound, "not_found");

    // The account page's button, with its CSRF token.
    let path = format!("/auth/me/app-passwords/{}/delete", second["id"]);
    let forged = app.post_form_raw(&path, &[]).await;
    assert_eq!(forged.status, Status::Forbidden, "{}", forged.body);
    let reply = app.post_form(&path, &[]).await;
    assert_eq!(reply.redirect(), (Status::SeeOther, Some("/auth/me")));
    let list = app.get_json("/auth/me/app-passwords").await.json();
    assert_eq!(list, json!({"app_passwords": []}));
}

#[rocket::async_test]
async fn an_app_passwords_last_use_is_written_at_most_once_a_minute() {
    let app = signed_in_ada(|_| {}).await;
    let secret = made(&app, "phone").await["app_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let last_used = async || {
        app.get_json("/auth/me/app-passwords").await.json()["app_passwords"][0]["last_used_at"]
            .clone()
    };
    get_as(&app, "/auth/me", &bearer(&secret)).await;
    assert_eq!(last_used().await, "2026-11-22T12:00:00Z");
    app.clock.advance(Duration::from_secs(59));
    get_as(&app, "/auth/verify", &basic(ADA, &secret)).await;
    assert_eq!(last_used().await, "2026-11-22T12:00:00Z");
    app.clock.advance(Duration::from_secs(1));
    get_as(&app, "/auth/verify", &basic(ADA, &secret)).await;
    assert_eq!(last_used().await, "2026-11-22T12:01:00Z");
}

#[rocket::async_test]
async fn a_password_reset_revokes_every_app_password_and_ends_every_session() {
    let app = signed_in_ada(|s| s.reset.enabled = true).await;
    let secret = made(&app, "phone").await["app_password"]
        .as_str()
        .unwrap()
        .to_owned();
    made(&app, "laptop").await;
    let reply = app.post_json("/auth/pwreset", &json!({"email": ADA})).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let token = app.mails().pop().unwrap().token().unwrap();
    let body = json!({"token": token, "password": "a brand new passphrase"});
    let reply = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(app.count("app_passwords").await, 0);
    assert_eq!(app.count("sessions").await, 0);
    get_as(&app, "/auth/me", &bearer(&secret))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
}

#[rocket::async_test]
async fn switched_off_app_passwords_are_not_offered_and_open_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::database_url(dir.path()).await;
    let app = TestApp::on(dir, url, |_| {}, |app| app).await;
    app.confirmed_account(ADA, PASSWORD).await;
    app.session(ADA, PASSWORD).await;
    let secret = made(&app, "phone").await["app_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, dir) = (app.database_url.clone(), app.stop());

    let app = TestApp::on(dir, url, |s| s.app_passwords = false, |app| app).await;
    app.session(ADA, PASSWORD).await;
    get_as(&app, "/auth/me", &bearer(&secret))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    app.get_json("/auth/me/app-passwords")
        .await
        .assert_error(Status::NotFound, "not_found");
    create(&app, "more", PASSWORD)
        .await
        .assert_error(Status::NotFound, "not_found");
    let page = app.get_html("/auth/me").await;
    assert!(!page.body.contains("App passwords"), "{}", page.body);
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["app_passwords"], false);
    let mut body = signup_body("grace@example.com");
    body["app_password"] = json!(true);
    let before = app.footprint().await;
    let refused = app.post_json("/auth/signup", &body).await;
    refused.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        refused.json()["fields"],
        json!({"app_password": "unavailable"})
    );
    assert_eq!(app.footprint().await, before);
}

#[rocket::async_test]
async fn the_account_page_makes_lists_and_revokes_app_passwords() {
    let app = signed_in_ada(|_| {}).await;
    let page = app.get_html("/auth/me").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains("name=\"current_password\""),
        "{}",
        page.body
    );

    let wrong = app
        .post_form(
            "/auth/me/app-passwords",
            &[("name", "phone"), ("current_password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest, "{}", wrong.body);
    assert!(
        wrong.body.contains("This is not your password."),
        "{}",
        wrong.body
    );
    assert!(
        !wrong.body.contains("not my password\""),
        "never shown again"
    );

    let fields = [("name", "phone <b>"), ("current_password", PASSWORD)];
    let made = app.post_form("/auth/me/app-passwords", &fields).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    let start = made.body.find("dsap_").expect("the secret on the page");
    let secret: String = made.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&secret)).await.status,
        Status::Ok
    );
    assert!(made.body.contains("phone &lt;b&gt;"), "{}", made.body);

    let page = app.get_html("/auth/me").await;
    assert!(page.body.contains("phone &lt;b&gt;"), "{}", page.body);
    assert!(!page.body.contains(&secret), "shown once only");
    let id = app.get_json("/auth/me/app-passwords").await.json()["app_passwords"][0]["id"]
        .as_i64()
        .unwrap();
    let body = page.body.replace("&#x2F;", "/");
    assert!(
        body.contains(&format!("action=\"/auth/me/app-passwords/{id}/delete\"")),
        "{body}"
    );
}

/// Signs Grace up asking for an app password; returns the status handle, once confirmed.
async fn confirmed_sign_up_with_app_password(app: &TestApp) -> String {
    let mut body = signup_body("grace@example.com");
    body["app_password"] = json!(true);
    let reply = app.post_json("/auth/signup", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    let pending = status(app, &handle).await;
    assert_eq!(pending, json!({"status": "pending_confirmation"}));
    app.deliver().await;
    let token = app.mails().pop().unwrap().token().unwrap();
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    handle
}

async fn status(app: &TestApp, handle: &str) -> Value {
    let reply = app.get_json(&format!("/auth/signup/status/{handle}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()
}

#[rocket::async_test]
async fn a_sign_up_that_asked_gets_its_app_password_on_the_first_finished_read_only() {
    let app = TestApp::start().await;
    let handle = confirmed_sign_up_with_app_password(&app).await;
    let first = status(&app, &handle).await;
    assert_eq!(first["status"], "finished");
    let secret = first["app_password"].as_str().expect("the app password");
    assert!(secret.starts_with("dsap_"));
    let me = get_as(&app, "/auth/me", &basic("grace@example.com", secret)).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    assert_eq!(status(&app, &handle).await, json!({"status": "finished"}));
    assert_eq!(app.count("app_passwords").await, 1);
    // The registration row keeps no secret.
    let rows = doorstep::entities::registration::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap();
    assert!(!format!("{rows:?}").contains(&secret[5..]));

    // A sign-up that did not ask gets none.
    app.confirmed_account(ADA, PASSWORD).await;
    let plain = app.post_json("/auth/signup", &signup_body(BOB)).await;
    let handle = plain.json()["registration"].as_str().unwrap().to_owned();
    app.deliver().await;
    let token = app.mails().pop().unwrap().token().unwrap();
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(status(&app, &handle).await, json!({"status": "finished"}));
    assert_eq!(app.count("app_passwords").await, 1);
}

#[rocket::async_test]
async fn two_racing_finished_reads_hand_the_app_password_out_once() {
    for _ in 0..3 {
        let app = TestApp::start().await;
        let handle = confirmed_sign_up_with_app_password(&app).await;
        let (a, b, c) = tokio::join!(
            status(&app, &handle),
            status(&app, &handle),
            status(&app, &handle)
        );
        let handed: Vec<&Value> = [&a, &b, &c]
            .into_iter()
            .filter(|read| read.get("app_password").is_some())
            .collect();
        assert_eq!(handed.len(), 1, "{a} {b} {c}");
        assert!([&a, &b, &c].iter().all(|read| read["status"] == "finished"));
        assert_eq!(app.count("app_passwords").await, 1);
    }
}

#[rocket::async_test]
async fn basic_takes_the_username_too() {
    use doorstep::config::UsernameMode;
    let app = TestApp::with(|s| s.usernames.mode = UsernameMode::Optional).await;
    let mut body = signup_body(ADA);
    body["password"] = json!(PASSWORD);
    body["username"] = json!("Countess");
    app.confirmed_account_from(&body).await;
    app.session(ADA, PASSWORD).await;
    let secret = made(&app, "phone").await["app_password"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_json("/auth/logout", &json!({})).await;
    for user in ["countess", "COUNTESS", ADA] {
        let verified = get_as(&app, "/auth/verify", &basic(user, &secret)).await;
        assert_eq!(verified.status, Status::Ok, "{user}: {}", verified.body);
        assert_eq!(verified.header("X-Doorstep-Username"), Some("Countess"));
    }
    for user in ["countes", "babbage"] {
        let me = get_as(&app, "/auth/me", &basic(user, &secret)).await;
        me.assert_error(Status::Unauthorized, "unauthenticated");
    }
}
