//! The whole path once, through the JSON API.

use rocket::http::Status;
use serde_json::json;

use crate::support::TestApp;

#[rocket::async_test]
async fn sign_up_confirm_and_the_account_exists() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    assert_eq!(
        app.count("accounts").await,
        0,
        "no account before confirmation"
    );
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    assert_eq!(app.count("accounts").await, 1);
}
