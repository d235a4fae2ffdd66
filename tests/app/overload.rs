//! Overload: password hashing runs on a bounded pool; when it is full a sign-up is told
//! `busy` at once, and the cheap routes never wait behind it.

use std::collections::BTreeSet;

use doorstep::accounts::password::PasswordHasher;
use doorstep::entities::pending_signup;
use rocket::http::{Accept, Status};
use sea_orm::EntityTrait;

use crate::support::{Reply, TestApp, database_url, signup_body};

/// One hashing worker, one waiting place, and a hash that takes about a second.
fn slow_pool() -> PasswordHasher {
    let params = argon2::Params::new(256 * 1024, 8, 1, None).unwrap();
    PasswordHasher::with_params(1, 1, params)
}

async fn slow_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    TestApp::on(dir, url, |_| {}, |app| app.hasher(slow_pool())).await
}

/// A JSON sign-up for `email` from a client address of its own.
async fn sign_up(app: &TestApp, n: usize) -> (String, Reply) {
    let email = format!("rush{n}@example.com");
    let reply = app
        .post_json_from(
            &format!("203.0.113.{n}"),
            "/auth/signup",
            &signup_body(&email),
        )
        .await;
    (email, reply)
}

async fn html(app: &TestApp, path: &str) -> Reply {
    app.get_html(path).await
}

#[rocket::async_test]
async fn a_full_hashing_pool_says_busy_and_cheap_routes_still_answer() {
    let app = slow_app().await;
    let earlier = app.sign_up("earlier@example.com").await;
    let confirm = format!("/auth/signup?confirm={earlier}");

    let (rush, form, whitelist, health, confirmed) = tokio::join!(
        async {
            let all = tokio::join!(
                sign_up(&app, 1),
                sign_up(&app, 2),
                sign_up(&app, 3),
                sign_up(&app, 4),
                sign_up(&app, 5),
            );
            [all.0, all.1, all.2, all.3, all.4]
        },
        html(&app, "/auth/signup"),
        app.get_json("/auth/signup/whitelist"),
        app.send(app.client.get("/healthz").header(Accept::JSON)),
        app.get_json(&confirm),
    );
    assert_eq!(form.status, Status::Ok, "{}", form.body);
    assert!(form.body.contains("<form"));
    assert_eq!(
        (whitelist.status, whitelist.json()),
        (Status::Ok, serde_json::json!([]))
    );
    assert_eq!(health.status, Status::Ok, "{}", health.body);
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    assert_eq!(confirmed.json()["status"], "confirmed");

    let mut accepted = BTreeSet::new();
    let mut busy = BTreeSet::new();
    for (email, reply) in rush {
        if reply.status == Status::Ok {
            accepted.insert(email);
            continue;
        }
        reply.assert_error(Status::ServiceUnavailable, "busy");
        let wait: u64 = reply.retry_after.as_deref().unwrap().parse().unwrap();
        assert!(wait >= 1, "Retry-After: {wait}");
        busy.insert(email);
    }
    assert!(!busy.is_empty(), "five hashes at once, room for two");
    assert!(!accepted.is_empty(), "the first in line is served");

    // The accepted sign-ups are stored and mailed; the busy ones left nothing behind.
    let pending: BTreeSet<String> = pending_signup::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.email)
        .filter(|email| email.starts_with("rush"))
        .collect();
    assert_eq!(pending, accepted);
    let before = app.mails().len();
    app.deliver().await;
    let mailed: BTreeSet<String> = app
        .mails_since(before)
        .into_iter()
        .flat_map(|mail| mail.to)
        .collect();
    assert_eq!(mailed, accepted);

    // Once the rush is over, there is room again.
    let busy_one = busy.first().unwrap().clone();
    let reply = app.post_json("/auth/signup", &signup_body(&busy_one)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

/// `doorstep.ratelimit.email` counts mails to an address; a busy refusal sends none, and its
/// `Retry-After` invites the retry that the limit then refuses.
#[rocket::async_test]
async fn a_busy_sign_up_uses_up_no_mail_limit() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let one_mail = |s: &mut doorstep::config::Settings| {
        s.limits.email = doorstep::config::Rate::parse("1/h").unwrap();
    };
    let app = TestApp::on(dir, url, one_mail, |app| app.hasher(slow_pool())).await;
    let rush = tokio::join!(
        sign_up(&app, 1),
        sign_up(&app, 2),
        sign_up(&app, 3),
        sign_up(&app, 4),
    );
    let rush = [rush.0, rush.1, rush.2, rush.3];
    let busy: Vec<&String> = rush
        .iter()
        .filter(|(_, reply)| reply.status == Status::ServiceUnavailable)
        .map(|(email, _)| email)
        .collect();
    assert!(!busy.is_empty(), "four hashes at once, room for two");
    for email in busy {
        // The pool is idle now: the retry the reply asked for.
        let reply = app.post_json("/auth/signup", &signup_body(email)).await;
        assert_eq!(reply.status, Status::Ok, "{email}: {}", reply.body);
    }
}
