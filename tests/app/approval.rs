//! Approval: confirmed sign-ups that wait for an admin, who is mailed; approving lets them in,
//! rejecting removes them; the status handle and the confirm reply say which.

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::clock::Clock as _;
use doorstep::config::{ApprovalMode, Settings};
use doorstep::entities::account::{self, Role, State};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Mail, TestApp, signup_body};

const PASSWORD: &str = "correct horse battery staple";

/// Sign-up on, approval for everyone, password reset on (for accounts made by operators).
fn approving(mode: ApprovalMode) -> impl FnOnce(&mut Settings) {
    move |s| {
        s.approval.mode = mode;
        s.reset.enabled = true;
    }
}

/// Signs `email` up and returns the registration handle and the confirmation token.
async fn sign_up(app: &TestApp, email: &str) -> (String, String) {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    let before = app.mails().len();
    app.deliver().await;
    let token = app.mails_since(before)[0].token().unwrap();
    (handle, token)
}

async fn status(app: &TestApp, handle: &str) -> Value {
    let reply = app.get_json(&format!("/auth/signup/status/{handle}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()["status"].clone()
}

async fn account(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
}

/// An active admin made the way an operator makes one.
async fn admin_account(app: &TestApp, email: &str) -> account::Model {
    let ctx = &app.state().accounts;
    let now = app.clock.now();
    admin::create(ctx, &Actor::cli(), email, Role::Admin, now)
        .await
        .unwrap()
        .account
}

async fn delivered_to(app: &TestApp, seen: usize, to: &str) -> Vec<Mail> {
    app.deliver().await;
    app.mails_since(seen)
        .into_iter()
        .filter(|mail| mail.to.iter().any(|address| address == to))
        .collect()
}

#[rocket::async_test]
async fn a_waiting_account_signs_in_only_once_approved() {
    let app = TestApp::with(approving(ApprovalMode::All)).await;
    admin_account(&app, "root@example.net").await;
    let (handle, token) = sign_up(&app, "ada@example.com").await;
    let seen = app.mails().len();

    let body = json!({ "token": token });
    let reply = app.post_json("/auth/signup/confirm", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "pending_approval" }));
    assert_eq!(status(&app, &handle).await, "pending_approval");
    // A second click says the same.
    assert_eq!(
        app.post_json("/auth/signup/confirm", &body).await.json(),
        json!({ "status": "pending_approval" })
    );
    let waiting = account(&app, "ada@example.com").await.unwrap();
    assert_eq!(waiting.state, State::PendingApproval);
    assert_eq!(waiting.role, Role::Member);

    // The admin is told, by name and address, and how to act.
    let told = delivered_to(&app, seen, "root@example.net").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].subject().contains("ada@example.com"),
        "{}",
        told[0].raw
    );
    assert!(
        told[0]
            .part("text/plain")
            .contains("doorstep users approve ada@example.com")
    );
    assert!(told[0].part("text/html").contains("Ada Lovelace"));

    // The right password says why; a wrong one says nothing about the account.
    app.sign_in("ada@example.com", PASSWORD)
        .await
        .assert_error(Status::Forbidden, "approval_pending");
    app.sign_in("ada@example.com", "not the password at all")
        .await
        .assert_error(Status::Unauthorized, "invalid_credentials");

    let seen = app.mails().len();
    let ctx = &app.state().accounts;
    admin::approve(ctx, &Actor::cli(), waiting.id, app.clock.now())
        .await
        .unwrap();
    let mailed = delivered_to(&app, seen, "ada@example.com").await;
    assert_eq!(mailed.len(), 1);
    assert!(
        mailed[0].subject().contains("approved"),
        "{}",
        mailed[0].raw
    );
    assert!(
        mailed[0]
            .decoded
            .contains("http://127.0.0.1:8000/auth/login")
    );
    assert_eq!(status(&app, &handle).await, "finished");
    assert_eq!(
        app.sign_in("ada@example.com", PASSWORD).await.status,
        Status::Ok
    );

    // Approving twice is refused and changes nothing.
    let again = admin::approve(ctx, &Actor::cli(), waiting.id, app.clock.now()).await;
    assert_eq!(again.unwrap_err().code(), "invalid_request");
}

#[rocket::async_test]
async fn a_rejected_account_is_gone_and_its_handle_says_so() {
    let app = TestApp::with(approving(ApprovalMode::All)).await;
    let (handle, token) = sign_up(&app, "ada@example.com").await;
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    let waiting = account(&app, "ada@example.com").await.unwrap();

    let seen = app.mails().len();
    let ctx = &app.state().accounts;
    admin::reject(ctx, &Actor::cli(), waiting.id, app.clock.now())
        .await
        .unwrap();
    assert!(account(&app, "ada@example.com").await.is_none());
    assert_eq!(status(&app, &handle).await, "rejected");
    let mailed = delivered_to(&app, seen, "ada@example.com").await;
    assert_eq!(mailed.len(), 1);
    assert!(
        mailed[0].subject().contains("not approved"),
        "{}",
        mailed[0].raw
    );
    app.sign_in("ada@example.com", PASSWORD)
        .await
        .assert_error(Status::Unauthorized, "invalid_credentials");
    // The old link does not bring the account back.
    app.get_json(&format!("/auth/signup?confirm={token}"))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    assert_eq!(app.count("accounts").await, 0);
    // Only a waiting account can be rejected.
    let gone = admin::reject(ctx, &Actor::cli(), waiting.id, app.clock.now()).await;
    assert_eq!(gone.unwrap_err().code(), "not_found");
}

#[rocket::async_test]
async fn outside_the_whitelist_other_domains_may_sign_up_and_wait() {
    let app = TestApp::with(|s| {
        approving(ApprovalMode::OutsideWhitelist)(s);
        s.signup.whitelist = vec!["example.org".into()];
    })
    .await;
    let (inside, token) = sign_up(&app, "ada@example.org").await;
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.json()["status"], "confirmed", "{}", reply.body);
    assert_eq!(status(&app, &inside).await, "finished");

    let (outside, token) = sign_up(&app, "grace@elsewhere.net").await;
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.json()["status"], "pending_approval", "{}", reply.body);
    assert_eq!(status(&app, &outside).await, "pending_approval");
    let waiting = account(&app, "grace@elsewhere.net").await.unwrap();
    assert_eq!(waiting.state, State::PendingApproval);
    // Lookalikes of a whitelisted domain are outside it.
    let (_, token) = sign_up(&app, "eve@evil-example.org").await;
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.json()["status"], "pending_approval", "{}", reply.body);
}

#[rocket::async_test]
async fn without_approval_the_whitelist_still_refuses_other_domains() {
    let app = TestApp::with(|s| s.signup.whitelist = vec!["example.org".into()]).await;
    let before = app.footprint().await;
    app.post_json("/auth/signup", &signup_body("grace@elsewhere.net"))
        .await
        .assert_error(Status::Forbidden, "domain_not_allowed");
    assert_eq!(app.footprint().await, before);
}

#[rocket::async_test]
async fn the_notify_list_is_told_instead_of_the_admins() {
    let app = TestApp::with(|s| {
        approving(ApprovalMode::All)(s);
        s.approval.notify = vec!["Ops <ops@example.net>".parse().unwrap()];
    })
    .await;
    admin_account(&app, "root@example.net").await;
    let (_, token) = sign_up(&app, "ada@example.com").await;
    let seen = app.mails().len();
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["ops@example.net".to_owned()]);
    assert!(
        mails[0].decoded.contains("Hello Ops"),
        "{}",
        mails[0].decoded
    );
}

#[rocket::async_test]
async fn a_browser_sees_that_its_account_waits_instead_of_being_sent_on() {
    let app = TestApp::with(approving(ApprovalMode::All)).await;
    let mut body = signup_body("ada@example.com");
    body["urlsuccess"] = Value::from("https://app.example/welcome");
    app.post_json("/auth/signup", &body).await;
    app.deliver().await;
    let token = app.mails()[0].token().unwrap();
    let page = app
        .post_form("/auth/signup/confirm", &[("token", &token)])
        .await;
    assert_eq!(page.status, Status::Ok, "{:?}", page.location);
    assert!(page.body.contains("waits for approval"), "{}", page.body);
    let json = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(json.json(), json!({ "status": "pending_approval" }));
}

#[rocket::async_test]
async fn discovery_names_the_approval_mode() {
    let app = TestApp::with(approving(ApprovalMode::All)).await;
    let doc = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(doc["signup"]["approval"], "all");
    let app = TestApp::start().await;
    let doc = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(doc["signup"]["approval"], "off");
}

#[test]
fn approval_settings_are_read_and_checked() {
    let parse = |text: &str| Settings::parse("t.properties", text, &|_| None);
    let from = "doorstep.auth.email.from=a@example.org\n";
    let settings = parse(&format!(
        "{from}doorstep.auth.signup.whitelist=example.org\n\
         doorstep.auth.signup.approval=outside-whitelist\n\
         doorstep.auth.approval.notify.1=ops@example.org\n\
         doorstep.auth.approval.notify.2=Boss <boss@example.org>\n"
    ))
    .unwrap();
    assert_eq!(settings.approval.mode, ApprovalMode::OutsideWhitelist);
    assert_eq!(settings.approval.notify.len(), 2);
    assert_eq!(
        parse(&format!("{from}doorstep.auth.signup.approval=all"))
            .unwrap()
            .approval
            .mode,
        ApprovalMode::All
    );
    let refused = |text: &str| parse(text).unwrap_err().to_string();
    let message = refused(&format!(
        "{from}doorstep.auth.signup.approval=outside-whitelist"
    ));
    assert!(
        message.contains("needs doorstep.auth.signup.whitelist"),
        "{message}"
    );
    let message = refused(&format!("{from}doorstep.auth.signup.approval=some"));
    assert!(message.contains("is not an approval mode"), "{message}");
    let message = refused("doorstep.auth.signup.approval=all");
    assert!(message.contains("doorstep.auth.email.from"), "{message}");
    let message = refused(&format!(
        "{from}doorstep.auth.approval.notify=not an address"
    ));
    assert!(
        message.contains("doorstep.auth.approval.notify"),
        "{message}"
    );
    let env = |name: &str| (name == "DOORSTEP_AUTH_SIGNUP_APPROVAL").then(|| "all".to_owned());
    let settings = Settings::parse("t.properties", from, &env).unwrap();
    assert_eq!(settings.approval.mode, ApprovalMode::All);
}

#[rocket::async_test]
async fn the_approvers_mail_escapes_what_the_person_typed() {
    let app = TestApp::with(|s| {
        approving(ApprovalMode::All)(s);
        s.approval.notify = vec!["ops@example.net".parse().unwrap()];
    })
    .await;
    let mut body = signup_body("ada@example.com");
    body["firstname"] = Value::from("<b>Ada</b>");
    app.post_json("/auth/signup", &body).await;
    app.deliver().await;
    let token = app.mails()[0].token().unwrap();
    let seen = app.mails().len();
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    let told = delivered_to(&app, seen, "ops@example.net").await;
    let html = told[0].part("text/html");
    assert!(html.contains("&lt;b&gt;Ada&lt;"), "{html}");
    assert!(!html.contains("<b>Ada"), "{html}");
}

#[rocket::async_test]
async fn a_waiting_account_is_signed_in_nowhere_and_gets_its_app_password_once_approved() {
    let app = TestApp::with(approving(ApprovalMode::All)).await;
    admin_account(&app, "root@example.net").await;
    let mut body = signup_body("ada@example.com");
    body["app_password"] = json!(true);
    let reply = app.post_json("/auth/signup", &body).await;
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    app.deliver().await;
    let token = app.mails().pop().unwrap().token().unwrap();

    // Asked to sign in, by the very client that signed up: not while the account waits.
    let confirm = json!({"token": token, "login": true, "registration": handle});
    let reply = app.post_json("/auth/signup/confirm", &confirm).await;
    assert_eq!(
        reply.json(),
        json!({"status": "pending_approval"}),
        "{}",
        reply.body
    );
    assert!(reply.set_cookie("doorstep_session").is_none());
    assert_eq!(app.count("sessions").await, 0);
    let read = app
        .get_json(&format!("/auth/signup/status/{handle}"))
        .await
        .json();
    assert_eq!(
        read,
        json!({"status": "pending_approval"}),
        "no app password yet"
    );

    let waiting = account(&app, "ada@example.com").await.unwrap();
    let ctx = &app.state().accounts;
    admin::approve(ctx, &Actor::cli(), waiting.id, app.clock.now())
        .await
        .unwrap();
    let first = app
        .get_json(&format!("/auth/signup/status/{handle}"))
        .await
        .json();
    assert_eq!(first["status"], "finished");
    let secret = first["app_password"]
        .as_str()
        .expect("handed out now")
        .to_owned();
    let again = app
        .get_json(&format!("/auth/signup/status/{handle}"))
        .await
        .json();
    assert_eq!(again, json!({"status": "finished"}));

    // Disabled, it opens nothing, whatever it holds.
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("ada@example.com:{secret}")
        )
    );
    let me = |header: String| {
        let request = app
            .client
            .get("/auth/me")
            .header(rocket::http::Header::new("Authorization", header))
            .header(rocket::http::Accept::JSON);
        app.send(request)
    };
    assert_eq!(me(basic.clone()).await.status, Status::Ok);
    let bearer = app.sign_in("ada@example.com", PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(me(format!("Bearer {bearer}")).await.status, Status::Ok);
    admin::disable(ctx, &Actor::cli(), waiting.id, app.clock.now())
        .await
        .unwrap();
    me(basic)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    me(format!("Bearer {bearer}"))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
}
