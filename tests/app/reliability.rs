//! Races, locks and hostile bytes: refused cleanly, never a 500, nothing half-stored.

use rocket::http::Status;
use serde_json::json;

use crate::support::{Reply, TestApp, signup_body};

async fn confirm(app: &TestApp, token: &str) -> Reply {
    app.post_json("/auth/signup/confirm", &json!({ "token": token }))
        .await
}

/// Of two racing links one wins; the other finds itself withdrawn.
#[track_caller]
fn one_won_one_lost(a: Reply, b: Reply) {
    let (won, lost) = if a.status == Status::Ok {
        (a, b)
    } else {
        (b, a)
    };
    assert_eq!(won.status, Status::Ok, "{}", won.body);
    lost.assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn racing_sibling_links_make_one_account_and_the_loser_is_token_invalid() {
    let app = TestApp::start().await;
    for round in 0..5 {
        let email = format!("ada{round}@example.com");
        let first = app.sign_up(&email).await;
        let second = app.sign_up(&email).await;
        let (a, b) = rocket::tokio::join!(confirm(&app, &first), confirm(&app, &second));
        one_won_one_lost(a, b);
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
        one_won_one_lost(a, b);
    }
}

/// Another session holds the write lock (SQLite) or locks the sign-up table (PostgreSQL) for
/// longer than doorstep waits: the sign-up is 503 `unavailable` with `Retry-After`, stores
/// nothing and queues nothing, and goes through once the lock is gone.
#[rocket::async_test]
async fn a_locked_database_is_unavailable_and_keeps_nothing() {
    use sea_orm::{ConnectionTrait, Database, DbBackend, TransactionTrait};

    let app = TestApp::start().await;
    let before = app.footprint().await;
    let other = Database::connect(&app.database_url).await.unwrap();
    let holder = other.begin().await.unwrap();
    let lock = match holder.get_database_backend() {
        DbBackend::Postgres => "LOCK TABLE pending_signups IN ACCESS EXCLUSIVE MODE",
        _ => "DELETE FROM rate_limits",
    };
    holder.execute_unprepared(lock).await.unwrap();

    let reply = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    reply.assert_error(Status::ServiceUnavailable, "unavailable");
    assert!(reply.retry_after.is_some(), "{reply:?}");
    if holder.get_database_backend() == DbBackend::Sqlite {
        // The file is there but takes no writes: not healthy. (On PostgreSQL one table is
        // locked, and the rest of the database still serves.)
        let health = app.get_json("/healthz").await;
        health.assert_error(Status::ServiceUnavailable, "unavailable");
    }
    holder.rollback().await.unwrap();
    assert_eq!(app.footprint().await, before);
    app.deliver().await;
    assert!(app.mails().is_empty());

    let again = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    assert_eq!(again.status, Status::Ok, "{}", again.body);
    assert_eq!(app.get_json("/healthz").await.status, Status::Ok);
}

/// PostgreSQL refuses NUL in text; doorstep refuses it first, in every field, form or JSON.
#[rocket::async_test]
async fn nul_in_any_text_field_is_refused_before_the_database() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    let before = app.footprint().await;
    for field in ["firstname", "lastname", "email", "password", "urlsuccess"] {
        let mut body = signup_body("ada@example.com");
        body[field] = json!("ada\u{0}@example.com");
        let reply = app.post_json("/auth/signup", &body).await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(reply.json()["fields"]["body"], "nul_character", "{field}");
    }
    let login = json!({ "email": "ada\u{0}@example.com", "password": "x" });
    let reply = app.post_json("/auth/login", &login).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    let reset = json!({ "email": "ada\u{0}@example.com" });
    let reply = app.post_json("/auth/pwreset", &reset).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    let form = [("email", "ada\u{0}@example.com"), ("password", "x")];
    let reply = app.post_form("/auth/login", &form).await;
    assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
    assert_eq!(app.footprint().await, before);
}

/// A link with its token twice, or `CONFIRM=`, is refused rather than shown as the plain form.
#[rocket::async_test]
async fn a_repeated_or_misspelled_confirm_parameter_is_refused() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    let token = app.sign_up("ada@example.com").await;
    for route in ["/auth/signup", "/auth/pwreset"] {
        let twice = app
            .get_json(&format!("{route}?confirm={token}&confirm=other"))
            .await;
        twice.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(twice.json()["fields"]["confirm"], "repeated");
        let shouted = app.get_html(&format!("{route}?CONFIRM={token}")).await;
        assert_eq!(shouted.status, Status::BadRequest, "{}", shouted.body);
    }
    assert_eq!(app.count("accounts").await, 0);
    // One parameter, among others, still works.
    let reply = app
        .get_json(&format!("/auth/signup?lang=en&confirm={token}"))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

/// Runs `sql` on the test server's maintenance database.
async fn on_server(sql: &str) {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let server = std::env::var("DOORSTEP_TEST_DATABASE_URL").unwrap();
    let admin = Database::connect(&server).await.unwrap();
    admin
        .execute_raw(Statement::from_string(DbBackend::Postgres, sql.to_owned()))
        .await
        .unwrap();
    admin.close().await.unwrap();
}

#[rocket::async_test]
async fn a_postgresql_database_that_goes_away_answers_unavailable_and_keeps_what_was_answered() {
    if std::env::var("DOORSTEP_TEST_DATABASE_URL").is_err() {
        return; // a SQLite file cannot go away from under its process this way
    }
    let app = TestApp::start().await;
    let before = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    assert_eq!(before.status, Status::Ok, "{}", before.body);
    let name = url::Url::parse(&app.database_url).unwrap().path()[1..].to_owned();

    // The server refuses new connections to the database and ends the open ones.
    on_server(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    on_server(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;
    let refused = app
        .post_json("/auth/signup", &signup_body("grace@example.com"))
        .await;
    refused.assert_error(Status::ServiceUnavailable, "unavailable");
    assert_eq!(refused.retry_after.as_deref(), Some("5"));
    let health = app.get_json("/healthz").await;
    health.assert_error(Status::ServiceUnavailable, "unavailable");

    on_server(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    let after = app
        .post_json("/auth/signup", &signup_body("alan@example.com"))
        .await;
    assert_eq!(after.status, Status::Ok, "{}", after.body);
    assert_eq!(
        app.deliver().await.sent,
        2,
        "what was answered 200 is mailed"
    );
    assert_eq!(
        app.count("pending_signups").await,
        2,
        "nothing of the refused one"
    );
}
