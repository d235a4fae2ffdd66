//! Races, locks and hostile bytes: refused cleanly, never a 500, nothing half-stored.

use rocket::http::Status;
use serde_json::json;

use crate::support::TestApp;

async fn confirm(app: &TestApp, token: &str) -> crate::support::Reply {
    app.post_json("/auth/signup/confirm", &json!({ "token": token }))
        .await
}

#[rocket::async_test]
async fn racing_sibling_links_make_one_account_and_the_loser_is_token_invalid() {
    let app = TestApp::start().await;
    for round in 0..5 {
        let email = format!("ada{round}@example.com");
        let first = app.sign_up(&email).await;
        let second = app.sign_up(&email).await;
        let (a, b) = rocket::tokio::join!(confirm(&app, &first), confirm(&app, &second));
        let (won, lost) = if a.status == Status::Ok {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(won.status, Status::Ok, "{}", won.body);
        lost.assert_error(Status::BadRequest, "token_invalid");
    }
    assert_eq!(app.count("accounts").await, 5);
    assert_eq!(app.count("pending_signups").await, 5);
}

#[rocket::async_test]
async fn racing_sibling_reset_links_change_the_password_once() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    app.confirmed_account("ada@example.com", "correct horse battery staple")
        .await;
    for round in 0..5 {
        let mut links = Vec::new();
        for _ in 0..2 {
            let sent = app.mails().len();
            let reply = app
                .post_json("/auth/pwreset", &json!({ "email": "ada@example.com" }))
                .await;
            assert_eq!(reply.status, Status::Ok, "{}", reply.body);
            app.deliver().await;
            let link = app.mails_since(sent).iter().find_map(|mail| mail.token());
            links.push(link.expect("a reset link"));
        }
        let app = &app;
        let choose = |token: &str, password: String| {
            let body = json!({ "token": token, "password": password });
            async move { app.post_json("/auth/pwreset/confirm", &body).await }
        };
        let (a, b) = rocket::tokio::join!(
            choose(&links[0], format!("first passphrase number {round}")),
            choose(&links[1], format!("second passphrase number {round}")),
        );
        let (won, lost) = if a.status == Status::Ok {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(won.status, Status::Ok, "{}", won.body);
        lost.assert_error(Status::BadRequest, "token_invalid");
    }
}
