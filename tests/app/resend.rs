//! Sending the confirmation again: a fresh link for a waiting sign-up, the same reply for
//! every address.

use std::time::Duration;

use rocket::http::Status;
use serde_json::json;

use crate::support::{TestApp, hidden_field};

const HOUR: Duration = Duration::from_secs(60 * 60);

async fn resend(app: &TestApp, email: &str) -> crate::support::Reply {
    app.post_json("/auth/signup/resend", &json!({ "email": email }))
        .await
}

#[rocket::async_test]
async fn a_waiting_sign_up_gets_a_fresh_link_that_outlives_the_first() {
    let app = TestApp::start().await;
    let first = app.sign_up("ada@example.com").await;
    app.clock.advance(20 * HOUR);
    let reply = resend(&app, "ADA@example.com").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "confirmation_sent"}));
    app.deliver().await;
    let mails = app.mails();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].to, ["ada@example.com"]);
    let second = mails[1].token().unwrap();
    assert_ne!(first, second);
    // The sign-up now lives a full day from the resend: the fresh link outlives the first.
    app.clock.advance(5 * HOUR);
    let late = app.get_json(&format!("/auth/signup?confirm={first}")).await;
    late.assert_error(Status::Gone, "token_expired");
    let confirmed = app
        .get_json(&format!("/auth/signup?confirm={second}"))
        .await;
    assert_eq!(
        confirmed.json()["status"],
        "confirmed",
        "{}",
        confirmed.body
    );
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn the_earlier_link_keeps_working_after_a_resend() {
    let app = TestApp::start().await;
    let first = app.sign_up("ada@example.com").await;
    assert_eq!(resend(&app, "ada@example.com").await.status, Status::Ok);
    let confirmed = app.get_json(&format!("/auth/signup?confirm={first}")).await;
    assert_eq!(
        confirmed.json()["status"],
        "confirmed",
        "{}",
        confirmed.body
    );
    // Confirmed: nothing waits any more, so a later resend mails nothing.
    app.deliver().await;
    let sent = app.mails().len();
    assert_eq!(resend(&app, "ada@example.com").await.status, Status::Ok);
    app.deliver().await;
    assert_eq!(app.mails().len(), sent);
}

#[rocket::async_test]
async fn every_address_gets_the_same_reply_and_only_a_waiting_one_gets_mail() {
    let app = TestApp::start().await;
    app.confirmed_account("grace@example.com", "correct horse battery staple")
        .await;
    let sent = app.mails().len();
    let footprint = app.footprint().await;
    for email in ["grace@example.com", "nobody@example.com"] {
        let reply = resend(&app, email).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        assert_eq!(reply.json(), json!({"status": "confirmation_sent"}));
    }
    app.deliver().await;
    assert_eq!(
        app.mails().len(),
        sent,
        "no mail for an account or a stranger"
    );
    assert_eq!(app.footprint().await, footprint);
}

#[rocket::async_test]
async fn a_bad_address_or_a_closed_sign_up_is_refused_and_changes_nothing() {
    let app = TestApp::start().await;
    app.sign_up("ada@example.com").await;
    let footprint = app.footprint().await;
    let reply = resend(&app, "not an address").await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"]["email"], "invalid");
    let reply = resend(&app, "").await;
    assert_eq!(reply.json()["fields"]["email"], "required");
    assert_eq!(app.footprint().await, footprint);

    let closed = TestApp::with(|s| s.signup.enabled = false).await;
    resend(&closed, "ada@example.com")
        .await
        .assert_error(Status::Forbidden, "signup_disabled");
}

#[rocket::async_test]
async fn resending_spends_the_address_mail_limit_like_a_sign_up() {
    let app = TestApp::with(|s| {
        s.limits.email = doorstep::config::Rate::parse("2/h").unwrap();
    })
    .await;
    app.sign_up("ada@example.com").await;
    assert_eq!(resend(&app, "ada@example.com").await.status, Status::Ok);
    let footprint = app.footprint().await;
    let refused = resend(&app, "ada@example.com").await;
    refused.assert_error(Status::TooManyRequests, "rate_limited");
    assert!(refused.retry_after.is_some());
    assert_eq!(app.footprint().await, footprint);
}

#[rocket::async_test]
async fn the_check_your_mail_page_sends_the_mail_again() {
    let app = TestApp::start().await;
    let csrf = app.csrf_token().await;
    let body = [
        ("csrf_token", csrf.as_str()),
        ("firstname", "Ada"),
        ("lastname", "Lovelace"),
        ("email", "ada@example.com"),
        ("password", "correct horse battery staple"),
    ];
    let page = app.post_form_raw("/auth/signup", &body).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert_eq!(
        hidden_field(&page.body, "email").as_deref(),
        Some("ada@example.com")
    );
    let token = hidden_field(&page.body, "csrf_token").unwrap();
    let again = [("csrf_token", token.as_str()), ("email", "ada@example.com")];
    let page = app.post_form_raw("/auth/signup/resend", &again).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(page.body.contains("Check your mail"), "{}", page.body);
    app.deliver().await;
    assert_eq!(app.mails().len(), 2);
}
