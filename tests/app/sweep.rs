//! Housekeeping forgets what can no longer be used, and keeps what still matters.

use std::time::Duration;

use doorstep::clock::Clock as _;
use doorstep::housekeeping::sweep;
use serde_json::json;

use crate::support::TestApp;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

#[rocket::async_test]
async fn expired_records_go_and_accounts_stay() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    let token = app.sign_up("ada@example.com").await;
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    let login = json!({ "email": "ada@example.com", "password": "correct horse battery staple" });
    assert_eq!(app.post_json("/auth/login", &login).await.status.code, 200);
    let reset = json!({ "email": "ada@example.com" });
    assert_eq!(
        app.post_json("/auth/pwreset", &reset).await.status.code,
        200
    );
    app.deliver().await;
    let tables = [
        "sessions",
        "password_resets",
        "one_time_tokens",
        "outbox",
        "pending_signups",
    ];

    // A day on, nothing has expired past its grace yet, but for nothing at all.
    app.clock.advance(DAY);
    let db = &app.state().accounts.db;
    sweep(db, app.clock.now()).await.unwrap();
    for table in tables {
        assert!(app.count(table).await > 0, "{table} swept too early");
    }

    // Past the session lifetime and a week beyond every link's expiry, all of it goes.
    app.clock.advance(15 * DAY);
    sweep(db, app.clock.now()).await.unwrap();
    for table in tables {
        assert_eq!(app.count(table).await, 0, "{table} was not swept");
    }
    assert_eq!(app.count("accounts").await, 1);
}
