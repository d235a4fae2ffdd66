//! Sessions as Bearer tokens: the login reply's `token`, signing out by token, the list of
//! sessions and ending one, and what every credential loses when its account goes.

use std::time::Duration;

use doorstep::entities::{account, session};
use rocket::http::{Accept, ContentType, Header, Status};
use sea_orm::{EntityTrait, ModelTrait};
use serde_json::json;

use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";
const ADA: &str = "ada@example.com";
const BOB: &str = "bob@example.com";

async fn app_with_ada() -> TestApp {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    app
}

/// Signs in and returns the reply's Bearer token.
async fn token(app: &TestApp, email: &str) -> String {
    let reply = app.sign_in(email, PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()["token"].as_str().unwrap().to_owned()
}

/// Two sessions of `email`; the client keeps no cookie, so only the tokens speak.
async fn tokens_without_cookie(app: &TestApp, email: &str) -> (String, String) {
    let first = token(app, email).await;
    let second = token(app, email).await;
    let third = token(app, email).await;
    // Signing out ends the cookie's session (the third) and takes the cookie away.
    app.post_json("/auth/logout", &json!({})).await;
    assert_eq!(app.get_json("/auth/me").await.status, Status::Unauthorized);
    assert_ne!(first, third);
    (first, second)
}

pub async fn get_as(app: &TestApp, path: &str, authorization: &str) -> Reply {
    let request = app
        .client
        .get(path.to_owned())
        .header(Accept::JSON)
        .header(Header::new("Authorization", authorization.to_owned()));
    app.send(request).await
}

pub async fn delete_as(app: &TestApp, path: &str, authorization: &str) -> Reply {
    let request = app
        .client
        .delete(path.to_owned())
        .header(Accept::JSON)
        .header(Header::new("Authorization", authorization.to_owned()));
    app.send(request).await
}

async fn post_as(app: &TestApp, path: &str, authorization: &str) -> Reply {
    let request = app
        .client
        .post(path.to_owned())
        .header(Accept::JSON)
        .header(ContentType::JSON)
        .header(Header::new("Authorization", authorization.to_owned()))
        .body("{}");
    app.send(request).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[rocket::async_test]
async fn the_login_reply_carries_a_bearer_token_that_works_like_the_cookie() {
    let app = app_with_ada().await;
    let reply = app.sign_in(ADA, PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["email"], ADA);
    // The test clock stands at 2026-11-22 12:00 UTC; sessions last 14 days.
    assert_eq!(body["expires_at"], "2026-12-06T12:00:00Z");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    // The token is the session of the cookie: one row, stored as its digest only.
    let cookie = reply.set_cookie("doorstep_session").unwrap();
    assert_eq!(app.count("sessions").await, 1);
    let rows = session::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap();
    assert_eq!(rows[0].token_hash, doorstep::random::digest(&token));
    assert!(!format!("{rows:?}").contains(&token));

    app.post_json("/auth/logout", &json!({})).await;
    let (token, _) = tokens_without_cookie(&app, ADA).await;
    let me = get_as(&app, "/auth/me", &bearer(&token)).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    assert_eq!(me.json()["email"], ADA);
    let verified = get_as(&app, "/auth/verify", &bearer(&token)).await;
    assert_eq!(verified.status, Status::Ok, "{}", verified.body);
    assert_eq!(verified.header("X-Doorstep-Email"), Some(ADA));
    // The ended cookie's session is no token either.
    let ended = get_as(&app, "/auth/me", &bearer(cookie.value())).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
}

#[rocket::async_test]
async fn an_authorization_header_decides_and_a_bad_one_is_401_whatever_the_cookie() {
    let app = app_with_ada().await;
    token(&app, ADA).await;
    assert_eq!(app.get_json("/auth/me").await.status, Status::Ok);
    let unknown = doorstep::random::url_token();
    for header in [
        bearer(&unknown),
        "Bearer".to_owned(),
        "Digest abc".to_owned(),
        "Basic !!!".to_owned(),
    ] {
        let reply = get_as(&app, "/auth/me", &header).await;
        reply.assert_error(Status::Unauthorized, "unauthenticated");
        let reply = get_as(&app, "/auth/verify", &header).await;
        reply.assert_error(Status::Unauthorized, "unauthenticated");
        assert_eq!(reply.header("X-Doorstep-Account"), None);
    }
}

#[rocket::async_test]
async fn signing_out_with_a_token_ends_that_session_only() {
    let app = app_with_ada().await;
    let (first, second) = tokens_without_cookie(&app, ADA).await;
    let reply = post_as(&app, "/auth/logout", &bearer(&first)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "signed_out"}));
    let ended = get_as(&app, "/auth/me", &bearer(&first)).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
    let kept = get_as(&app, "/auth/me", &bearer(&second)).await;
    assert_eq!(kept.status, Status::Ok, "{}", kept.body);
}

#[rocket::async_test]
async fn a_session_lists_the_accounts_sessions_and_ends_one() {
    let app = app_with_ada().await;
    app.confirmed_account(BOB, PASSWORD).await;
    let bob = token(&app, BOB).await;
    let (phone, laptop) = tokens_without_cookie(&app, ADA).await;
    // A browser session with its User-Agent.
    let request = app
        .client
        .post("/auth/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("User-Agent", "Firefox/140 on Linux"))
        .body(json!({"email": ADA, "password": PASSWORD}).to_string());
    assert_eq!(app.send(request).await.status, Status::Ok);

    let list = get_as(&app, "/auth/me/sessions", &bearer(&phone)).await;
    assert_eq!(list.status, Status::Ok, "{}", list.body);
    let sessions = list.json()["sessions"].as_array().unwrap().clone();
    assert_eq!(
        sessions.len(),
        3,
        "Bob's and ended sessions are not listed: {sessions:?}"
    );
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let browser = &sessions[0];
    assert_eq!(browser["user_agent"], "Firefox/140 on Linux");
    assert_eq!(browser["device"], "Firefox on Linux");
    assert_eq!(browser["created_at"], "2026-11-22T12:00:00Z");
    assert_eq!(browser["expires_at"], "2026-12-06T12:00:00Z");
    assert_eq!(browser["last_used_at"], "2026-11-22T12:00:00Z");
    assert!(!list.body.contains(&phone) && !list.body.contains(&laptop));

    // Another account's session is not found, and stays.
    let bob_id = get_as(&app, "/auth/me/sessions", &bearer(&bob))
        .await
        .json()["sessions"][0]["id"]
        .as_i64()
        .unwrap();
    let reply = delete_as(
        &app,
        &format!("/auth/me/sessions/{bob_id}"),
        &bearer(&phone),
    )
    .await;
    reply.assert_error(Status::NotFound, "not_found");
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&bob)).await.status,
        Status::Ok
    );

    let laptop_id = current_id(&app, &laptop).await;
    let reply = delete_as(
        &app,
        &format!("/auth/me/sessions/{laptop_id}"),
        &bearer(&phone),
    )
    .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "session_ended"}));
    let ended = get_as(&app, "/auth/me", &bearer(&laptop)).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
    let again = delete_as(
        &app,
        &format!("/auth/me/sessions/{laptop_id}"),
        &bearer(&phone),
    )
    .await;
    again.assert_error(Status::NotFound, "not_found");
    app.post_json("/auth/logout", &json!({})).await;
    let anonymous = app.get_json("/auth/me/sessions").await;
    anonymous.assert_error(Status::Unauthorized, "unauthenticated");
}

/// The id of the session `token` opens.
async fn current_id(app: &TestApp, token: &str) -> i64 {
    let list = get_as(app, "/auth/me/sessions", &bearer(token))
        .await
        .json();
    let sessions = list["sessions"].as_array().unwrap();
    let current = sessions.iter().find(|s| s["current"] == true).unwrap();
    current["id"].as_i64().unwrap()
}

#[rocket::async_test]
async fn a_browser_ends_a_session_with_the_account_pages_button() {
    let app = app_with_ada().await;
    let (other, _) = tokens_without_cookie(&app, ADA).await;
    let other_id = current_id(&app, &other).await;
    app.session(ADA, PASSWORD).await;
    let page = app.get_html("/auth/me").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let body = page.body.replace("&#x2F;", "/");
    let button = format!("action=\"/auth/me/sessions/{other_id}/delete\"");
    assert!(body.contains(&button), "{body}");
    assert!(body.contains("(this browser)"), "{body}");

    let path = format!("/auth/me/sessions/{other_id}/delete");
    let forged = app.post_form_raw(&path, &[]).await;
    assert_eq!(forged.status, Status::Forbidden, "{}", forged.body);
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&other)).await.status,
        Status::Ok
    );
    let reply = app.post_form(&path, &[]).await;
    assert_eq!(reply.redirect(), (Status::SeeOther, Some("/auth/me")));
    let ended = get_as(&app, "/auth/me", &bearer(&other)).await;
    ended.assert_error(Status::Unauthorized, "unauthenticated");
}

#[rocket::async_test]
async fn deleting_sessions_from_a_foreign_page_is_refused() {
    let app = app_with_ada().await;
    let (phone, laptop) = tokens_without_cookie(&app, ADA).await;
    let laptop_id = current_id(&app, &laptop).await;
    let request = app
        .client
        .delete(format!("/auth/me/sessions/{laptop_id}"))
        .header(Accept::JSON)
        .header(Header::new("Origin", "https://evil.example"))
        .header(Header::new("Authorization", bearer(&phone)));
    let reply = app.send(request).await;
    reply.assert_error(Status::Forbidden, "origin_not_allowed");
    assert_eq!(
        get_as(&app, "/auth/me", &bearer(&laptop)).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_sessions_last_use_is_written_at_most_once_a_minute() {
    let app = app_with_ada().await;
    let (token, _) = tokens_without_cookie(&app, ADA).await;
    let last_used = async || {
        let rows = session::Entity::find()
            .all(&app.state().accounts.db)
            .await
            .unwrap();
        let row = rows
            .into_iter()
            .find(|row| row.token_hash == doorstep::random::digest(&token))
            .unwrap();
        row.last_used_at.unwrap()
    };
    let signed_in = last_used().await;
    app.clock.advance(Duration::from_secs(59));
    get_as(&app, "/auth/me", &bearer(&token)).await;
    assert_eq!(last_used().await, signed_in);
    app.clock.advance(Duration::from_secs(1));
    get_as(&app, "/auth/me", &bearer(&token)).await;
    assert_eq!(
        last_used().await,
        signed_in + chrono::TimeDelta::seconds(60)
    );
}

#[rocket::async_test]
async fn an_account_that_is_gone_loses_its_sessions_on_the_next_request() {
    let app = app_with_ada().await;
    let token = token(&app, ADA).await;
    assert_eq!(app.get_json("/auth/me").await.status, Status::Ok);
    let db = &app.state().accounts.db;
    let ada = account::Entity::find().one(db).await.unwrap().unwrap();
    ada.delete(db).await.unwrap();
    app.get_json("/auth/me")
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    for path in ["/auth/me", "/auth/verify", "/auth/me/sessions"] {
        let reply = get_as(&app, path, &bearer(&token)).await;
        reply.assert_error(Status::Unauthorized, "unauthenticated");
    }
}

/// curl sends `Accept: */*`: a request that carries a credential of a program gets JSON, as one
/// that sent a JSON body does.
#[rocket::async_test]
async fn a_bearer_request_accepting_anything_gets_json() {
    let app = TestApp::start().await;
    app.confirmed_account("ada@example.com", "correct horse battery staple")
        .await;
    let token = app
        .sign_in("ada@example.com", "correct horse battery staple")
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for accept in [None, Some("*/*")] {
        let mut request = app
            .client
            .get("/auth/me")
            .header(Header::new("Authorization", format!("Bearer {token}")));
        if let Some(accept) = accept {
            request = request.header(Header::new("Accept", accept));
        }
        let reply = app.send(request).await;
        assert_eq!(reply.status, Status::Ok);
        assert_eq!(reply.json()["email"], "ada@example.com", "{accept:?}");
        let refused = app
            .client
            .get("/auth/me")
            .header(Header::new("Accept", "*/*"))
            .header(Header::new("Authorization", "Bearer nonsense"));
        let refused = app.send(refused).await;
        refused.assert_error(Status::Unauthorized, "unauthenticated");
    }
    // A browser's navigation, without a credential header, still gets the page.
    let page = app
        .client
        .get("/auth/login")
        .header(Header::new("Accept", "*/*"));
    assert!(app.send(page).await.body.contains("<form"));
}

/// On a SQLite file, credentials are looked up through read-only connections beside the single
/// writer: they cannot write, and they see each commit at once (a session ended is gone on the
/// next request).
#[rocket::async_test]
async fn credential_lookups_read_beside_the_writer_and_see_every_commit() {
    use sea_orm::{ConnectionTrait, DbBackend};
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let token = app.sign_in(ADA, PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let readers = &app.state().accounts.readers;
    if readers.get_database_backend() == DbBackend::Sqlite {
        let write = readers.execute_unprepared("DELETE FROM sessions").await;
        assert!(write.is_err(), "the readers cannot write");
    }
    let bearer = format!("Bearer {token}");
    assert_eq!(get_as(&app, "/auth/me", &bearer).await.status, Status::Ok);
    let request = app
        .client
        .post("/auth/logout")
        .header(Header::new("Authorization", bearer.clone()));
    assert_eq!(app.send(request).await.status, Status::Ok);
    get_as(&app, "/auth/me", &bearer)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
}
