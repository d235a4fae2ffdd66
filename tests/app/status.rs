//! Registration handles: a client polls how its sign-up stands, and learns nothing more.

use std::time::Duration;

use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::{TestApp, signup_body};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn start(app: &TestApp, email: &str) -> String {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    assert_eq!(handle.len(), 43, "32 random bytes, base64url");
    handle
}

async fn status(app: &TestApp, handle: &str) -> String {
    let reply = app.get_json(&format!("/auth/signup/status/{handle}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()["status"].as_str().unwrap().to_owned()
}

#[rocket::async_test]
async fn a_handle_follows_its_sign_up_to_the_account() {
    let app = TestApp::start().await;
    let handle = start(&app, "ada@example.com").await;
    assert_eq!(status(&app, &handle).await, "pending_confirmation");
    app.deliver().await;
    let token = app.mails()[0].token().unwrap();
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(status(&app, &handle).await, "finished");
    // Stored only as a digest.
    let rows = format!(
        "{:?}",
        doorstep::entities::registration::Entity::find()
            .all(&app.state().accounts.db)
            .await
            .unwrap()
    );
    assert!(!rows.contains(&handle));
}

#[rocket::async_test]
async fn an_unconfirmed_sign_up_expires_with_its_link() {
    let app = TestApp::start().await;
    let handle = start(&app, "ada@example.com").await;
    app.clock.advance(DAY - Duration::from_secs(1));
    assert_eq!(status(&app, &handle).await, "pending_confirmation");
    app.clock.advance(Duration::from_secs(2));
    assert_eq!(status(&app, &handle).await, "expired");
}

#[rocket::async_test]
async fn a_known_address_gets_a_handle_that_never_finishes() {
    let app = TestApp::start().await;
    app.confirmed_account("ada@example.com", "correct horse battery staple")
        .await;
    let handle = start(&app, "ada@example.com").await;
    assert_eq!(status(&app, &handle).await, "pending_confirmation");
    app.clock.advance(DAY + Duration::from_secs(1));
    assert_eq!(status(&app, &handle).await, "expired");
}

#[rocket::async_test]
async fn unknown_and_malformed_handles_are_not_found_and_polls_are_limited() {
    let app = TestApp::start().await;
    let unknown = doorstep::random::url_token();
    for handle in [unknown.as_str(), "short", "%00"] {
        let reply = app.get_json(&format!("/auth/signup/status/{handle}")).await;
        reply.assert_error(Status::NotFound, "not_found");
    }
    for _ in 0..57 {
        app.get_json(&format!("/auth/signup/status/{unknown}"))
            .await;
    }
    let refused = app
        .get_json(&format!("/auth/signup/status/{unknown}"))
        .await;
    refused.assert_error(Status::TooManyRequests, "rate_limited");
    assert!(refused.retry_after.is_some());
}

#[rocket::async_test]
async fn a_resent_mail_keeps_the_handle_alive() {
    let app = TestApp::start().await;
    let handle = start(&app, "ada@example.com").await;
    app.clock.advance(DAY - Duration::from_secs(60));
    let resent = app
        .post_json("/auth/signup/resend", &json!({"email": "ada@example.com"}))
        .await;
    assert_eq!(resent.json(), json!({"status": "confirmation_sent"}));
    app.clock.advance(Duration::from_secs(120));
    assert_eq!(status(&app, &handle).await, "pending_confirmation");
}
