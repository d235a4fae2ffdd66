//! ALD's registration API: a session whose id only the mail carries, its code shown as a
//! picture there, verified with that code; invitations by inviters; the same rules as sign-up.

use std::time::Duration;

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::accounts::pictured::code_of;
use doorstep::clock::Clock as _;
use doorstep::config::{ApprovalMode, Settings, UsernameMode};
use doorstep::entities::account::{self, Role};
use rocket::http::{Accept, ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp};

const ADA: &str = "ada@example.com";
const GRACE: &str = "grace@example.com";
const PASSWORD: &str = "correct horse battery staple";
const INVITEE_PASSWORD: &str = "analytical engine punch cards";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// ALD on, usernames optional (ALD's `name` is the username).
fn ald(settings: &mut Settings) {
    settings.ald = true;
    settings.usernames.mode = UsernameMode::Optional;
}

async fn app() -> TestApp {
    TestApp::with(ald).await
}

fn registration(name: &str, mail: &str) -> Value {
    json!({"name": name, "mail": mail, "password": PASSWORD, "password-alt": PASSWORD})
}

/// Posts a JSON body, with an `Authorization` header when given.
async fn post(app: &TestApp, path: &str, body: &Value, authorization: Option<&str>) -> Reply {
    let mut request = app
        .client
        .post(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body(body.to_string());
    if let Some(value) = authorization {
        request = request.header(Header::new("Authorization", value.to_owned()));
    }
    app.send(request).await
}

/// The one mail delivered since `seen`.
async fn next_mail(app: &TestApp, seen: usize) -> Mail {
    app.deliver().await;
    let mut mails = app.mails_since(seen);
    assert_eq!(mails.len(), 1, "{mails:?}");
    mails.remove(0)
}

/// The session id a registration mail carries: the path segment after `/token/`.
fn session_of(mail: &Mail) -> String {
    let text = mail.part("text/plain");
    let start = text.find("/users/register/token/").expect("a picture link") + 22;
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The code the mail shows beside the picture (while `doorstep.auth.code` is on).
fn code_in(mail: &Mail) -> Option<String> {
    let text = mail.part("text/plain");
    let start = text.find("The code in the picture is ")? + 27;
    Some(
        text[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect(),
    )
}

async fn register(app: &TestApp, body: &Value) -> Mail {
    let seen = app.mails().len();
    let reply = post(app, "/users/register", body, None).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "verification_sent"}));
    next_mail(app, seen).await
}

async fn picture(app: &TestApp, session: &str) -> Reply {
    app.get(
        &format!("/users/register/token/{session}"),
        "application/json",
    )
    .await
}

async fn verify(app: &TestApp, session: &str, body: &Value) -> Reply {
    let path = format!("/users/register/verify/{session}");
    post(app, &path, body, None).await
}

async fn account(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
}

/// An account of `email` with `role`, and a Bearer token of its session.
async fn signed_in(app: &TestApp, email: &str, role: Role) -> String {
    app.confirmed_account(email, PASSWORD).await;
    let id = account(app, email).await.unwrap().id;
    let ctx = &app.state().accounts;
    admin::set_role(ctx, &Actor::cli(), id, role, app.clock.now())
        .await
        .unwrap();
    let token = app.sign_in(email, PASSWORD).await.json()["token"].clone();
    format!("Bearer {}", token.as_str().expect("a session token"))
}

/// The session's picture: a PNG that no cache keeps, in a challenge's size.
async fn assert_png(app: &TestApp, session: &str) {
    let path = format!("/users/register/token/{session}");
    let reply = app.client.get(path).dispatch().await;
    assert_eq!(reply.status(), Status::Ok);
    assert_eq!(reply.content_type(), Some(ContentType::PNG));
    let cache = reply.headers().get_one("Cache-Control").map(str::to_owned);
    assert_eq!(cache.as_deref(), Some("no-store"));
    let png = reply.into_bytes().await.unwrap();
    assert!(png.starts_with(PNG_SIGNATURE));
    // IHDR: the width and height after the signature and the chunk header.
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert!(
        size(16) >= 220 && size(20) == 70,
        "{}x{}",
        size(16),
        size(20)
    );
}

#[rocket::async_test]
async fn the_seeds_flow_in_json_picture_then_code() {
    let app = app().await;
    let mail = register(&app, &registration("ada", ADA)).await;
    assert_eq!(mail.to, vec![ADA.to_owned()]);
    let session = session_of(&mail);
    assert_eq!(session.len(), 43, "a registration handle");
    assert!(mail.part("text/plain").contains(&session));
    assert!(mail.part("text/html").contains(&session));
    // The picture shows the code the mail shows: one code, derived from the session.
    let code = code_in(&mail).expect("the code while doorstep.auth.code is on");
    assert_eq!(code, code_of(&session, 6));
    assert_png(&app, &session).await;
    assert_eq!(account(&app, ADA).await, None, "no account before the code");

    let reply = verify(&app, &session, &json!({"token": code})).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "registered"}));
    let ada = account(&app, ADA).await.expect("the account");
    assert_eq!(ada.username.as_deref(), Some("ada"));
    assert!(app.signs_in(ADA, PASSWORD).await);
    // The session is spent: its picture is gone, and the code does not work twice.
    picture(&app, &session)
        .await
        .assert_error(Status::NotFound, "not_found");
    verify(&app, &session, &json!({"token": code}))
        .await
        .assert_error(Status::BadRequest, "captcha_invalid");
}

#[rocket::async_test]
async fn the_seeds_flow_in_forms_without_a_csrf_token() {
    let app = app().await;
    let seen = app.mails().len();
    let fields = [
        ("name", "grace"),
        ("mail", GRACE),
        ("password", PASSWORD),
        ("password-alt", PASSWORD),
    ];
    let reply = app.post_form_raw("/users/register", &fields).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "verification_sent"}));
    let mail = next_mail(&app, seen).await;
    let session = session_of(&mail);
    let code = code_in(&mail).unwrap();
    let path = format!("/users/register/verify/{session}");
    let reply = app.post_form_raw(&path, &[("token", &code)]).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "registered"}));
    assert!(app.signs_in(GRACE, PASSWORD).await);
}

#[rocket::async_test]
async fn with_codes_off_the_picture_is_the_only_place_of_the_code() {
    let app = TestApp::with(|s| {
        ald(s);
        s.codes.enabled = false;
    })
    .await;
    let mail = register(&app, &registration("ada", ADA)).await;
    let session = session_of(&mail);
    assert_eq!(code_in(&mail), None);
    let code = code_of(&session, 6);
    assert!(!mail.decoded.contains(&code), "the mail never shows it");
    assert_png(&app, &session).await;
    let reply = verify(&app, &session, &json!({"token": code})).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn a_password_alt_that_differs_is_refused_with_every_other_fault_and_nothing_is_written() {
    let app = app().await;
    let before = app.footprint().await;
    let mut body = registration("ada", ADA);
    body["password-alt"] = json!("correct horse battery stapler");
    let reply = post(&app, "/users/register", &body, None).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"], json!({"password-alt": "mismatch"}));
    body["mail"] = json!("not an address");
    let reply = post(&app, "/users/register", &body, None).await;
    assert_eq!(
        reply.json()["fields"],
        json!({"password-alt": "mismatch", "mail": "invalid"})
    );
    assert_eq!(app.footprint().await, before);
    app.deliver().await;
    assert!(app.mails().is_empty());
}

#[rocket::async_test]
async fn a_template_needs_an_inviter() {
    let app = app().await;
    let before = app.footprint().await;
    let mut body = registration("ada", ADA);
    body["template"] = json!("Welcome {%NAME%}");
    let reply = post(&app, "/users/register", &body, None).await;
    reply.assert_error(Status::Forbidden, "forbidden");
    assert_eq!(app.footprint().await, before);

    // A member's credentials do not make an inviter; credentials that do not work are 401.
    let member = signed_in(&app, GRACE, Role::Member).await;
    let before = app.footprint().await;
    post(&app, "/users/register", &body, Some(&member))
        .await
        .assert_error(Status::Forbidden, "forbidden");
    post(&app, "/users/register", &body, Some("Bearer nonsense"))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    assert_eq!(app.footprint().await, before);
}

#[rocket::async_test]
async fn an_inviter_starts_it_with_a_note_and_the_invitee_sets_the_password() {
    let app = app().await;
    let inviter = signed_in(&app, GRACE, Role::Inviter).await;
    let seen = app.mails().len();
    // The inviter's password fields are not taken (here they would not even match).
    let body = json!({
        "name": "ada",
        "mail": ADA,
        "password": "inviter's own",
        "password-alt": "something else",
        "template": "Dear {%NAME%} <b>of {%MAIL%}</b>: session {%ID%}, password [{%PASSWORD%}]",
    });
    let reply = post(&app, "/users/register", &body, Some(&inviter)).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "verification_sent"}));
    let mail = next_mail(&app, seen).await;
    let session = session_of(&mail);
    assert!(
        mail.subject().contains("Ada Lovelace invites you"),
        "{}",
        mail.subject()
    );
    let html = mail.part("text/html");
    assert!(
        html.contains("<strong>Ada Lovelace</strong> (grace@example.com)"),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "Dear ada &lt;b&gt;of ada@example.com&lt;&#x2F;b&gt;: session {session}, password []"
        )),
        "the note is escaped: {html}"
    );
    assert!(!html.contains("<b>"));
    let text = mail.part("text/plain");
    assert!(text.contains(&format!(
        "Dear ada <b>of {ADA}</b>: session {session}, password []"
    )));
    assert!(!mail.decoded.contains("inviter's own"));

    let code = code_in(&mail).unwrap();
    // The invitee's password: required, and held to the password rules, before any try.
    let reply = verify(&app, &session, &json!({"token": code})).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"], json!({"password": "required"}));
    let weak = json!({"token": code, "password": "password123"});
    verify(&app, &session, &weak)
        .await
        .assert_error(Status::BadRequest, "weak_password");
    let wrong = json!({"token": "999999999", "password": INVITEE_PASSWORD});
    let reply = verify(&app, &session, &wrong).await;
    assert_eq!(
        reply.json()["attempts_left"],
        4,
        "only the wrong code took a try"
    );

    let right = json!({"token": code, "password": INVITEE_PASSWORD});
    let reply = verify(&app, &session, &right).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "registered"}));
    assert!(app.signs_in(ADA, INVITEE_PASSWORD).await);
    assert!(!app.signs_in(ADA, "inviter's own").await);
    let ada = account(&app, ADA).await.unwrap();
    assert_eq!(ada.username.as_deref(), Some("ada"));
}

#[rocket::async_test]
async fn an_admin_invites_too() {
    let app = app().await;
    let admin = signed_in(&app, GRACE, Role::Admin).await;
    let seen = app.mails().len();
    let body = json!({"name": "ada", "mail": ADA});
    let reply = post(&app, "/users/register", &body, Some(&admin)).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    let mail = next_mail(&app, seen).await;
    assert!(
        mail.part("text/plain")
            .contains("Ada Lovelace (grace@example.com) started")
    );
}

#[rocket::async_test]
async fn wrong_codes_count_down_and_use_the_code_up() {
    let app = TestApp::with(|s| {
        ald(s);
        s.codes.attempts = 3;
    })
    .await;
    let mail = register(&app, &registration("ada", ADA)).await;
    let session = session_of(&mail);
    let code = code_in(&mail).unwrap();
    for left in [2, 1, 0] {
        let reply = verify(&app, &session, &json!({"token": "111111"})).await;
        reply.assert_error(Status::BadRequest, "captcha_invalid");
        assert_eq!(reply.json()["attempts_left"], left, "{}", reply.body);
    }
    let reply = verify(&app, &session, &json!({"token": code})).await;
    reply.assert_error(Status::BadRequest, "captcha_invalid");
    assert_eq!(reply.json()["attempts_left"], 0);
    picture(&app, &session)
        .await
        .assert_error(Status::NotFound, "not_found");
    assert_eq!(account(&app, ADA).await, None);
    let reply = verify(&app, &session, &json!({})).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"], json!({"token": "required"}));
}

#[rocket::async_test]
async fn an_expired_session_is_410_and_shows_no_picture() {
    let app = app().await;
    let mail = register(&app, &registration("ada", ADA)).await;
    let session = session_of(&mail);
    let code = code_in(&mail).unwrap();
    let ttl = app.state().settings().signup.confirm_ttl;
    app.clock.advance(ttl + Duration::from_secs(1));
    picture(&app, &session)
        .await
        .assert_error(Status::NotFound, "not_found");
    verify(&app, &session, &json!({"token": code}))
        .await
        .assert_error(Status::Gone, "token_expired");
    assert_eq!(account(&app, ADA).await, None);
}

#[rocket::async_test]
async fn an_unknown_session_is_404() {
    let app = app().await;
    let unknown = doorstep::random::url_token();
    for session in [unknown.as_str(), "not-a-handle"] {
        picture(&app, session)
            .await
            .assert_error(Status::NotFound, "not_found");
        verify(&app, session, &json!({"token": "123456"}))
            .await
            .assert_error(Status::NotFound, "not_found");
    }
    // A handle of doorstep's own sign-up shows no picture: its code is another, mailed one.
    let reply = app
        .post_json("/auth/signup", &crate::support::signup_body(GRACE))
        .await;
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    picture(&app, &handle)
        .await
        .assert_error(Status::NotFound, "not_found");
}

#[rocket::async_test]
async fn an_address_with_an_account_gets_the_same_reply_and_its_owner_a_mail() {
    let app = app().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let before = app.count("pending_signups").await;
    let mail = register(&app, &registration("ada2", ADA)).await;
    assert_eq!(mail.to, vec![ADA.to_owned()]);
    assert!(
        !mail.decoded.contains("/users/register/token/"),
        "no session"
    );
    assert_eq!(app.count("pending_signups").await, before);
}

#[rocket::async_test]
async fn no_mail_carries_a_clear_password() {
    let app = app().await;
    let inviter = signed_in(&app, GRACE, Role::Inviter).await;
    let mut body = registration("ada", ADA);
    body["template"] = json!("{%PASSWORD%}{%NAME%}");
    let seen = app.mails().len();
    post(&app, "/users/register", &body, Some(&inviter)).await;
    next_mail(&app, seen).await;
    register(&app, &registration("alan", "alan@example.com")).await;
    app.confirmed_account("alan2@example.com", PASSWORD).await;
    register(&app, &registration("alan2", "alan2@example.com")).await;
    app.deliver().await;
    let mails = app.mails();
    assert!(mails.len() >= 4);
    for mail in mails {
        assert!(!mail.decoded.contains(PASSWORD), "{}", mail.decoded);
    }
}

#[rocket::async_test]
async fn an_account_that_needs_approval_is_reported_as_waiting() {
    let app = TestApp::with(|s| {
        ald(s);
        s.approval.mode = ApprovalMode::All;
    })
    .await;
    let mail = register(&app, &registration("ada", ADA)).await;
    let session = session_of(&mail);
    let reply = verify(&app, &session, &json!({"token": code_in(&mail).unwrap()})).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(reply.json(), json!({"status": "pending_approval"}));
}

#[rocket::async_test]
async fn the_sign_up_rules_apply() {
    let app = TestApp::with(|s| {
        ald(s);
        s.signup.enabled = false;
    })
    .await;
    post(&app, "/users/register", &registration("ada", ADA), None)
        .await
        .assert_error(Status::Forbidden, "signup_disabled");
    let app = app_with_usernames_taken().await;
    let mut body = registration("Grace", ADA);
    body["password"] = json!("password123");
    body["password-alt"] = json!("password123");
    post(&app, "/users/register", &body, None)
        .await
        .assert_error(Status::BadRequest, "weak_password");
    post(&app, "/users/register", &registration("grace", ADA), None)
        .await
        .assert_error(Status::Conflict, "username_taken");
}

/// ALD on, with an account named `grace`.
async fn app_with_usernames_taken() -> TestApp {
    let app = app().await;
    let mut body = crate::support::signup_body(GRACE);
    body["username"] = json!("grace");
    app.confirmed_account_from(&body).await;
    app
}

#[rocket::async_test]
async fn off_the_routes_are_404_and_not_described_or_discovered() {
    let off = TestApp::start().await;
    post(&off, "/users/register", &registration("ada", ADA), None)
        .await
        .assert_error(Status::NotFound, "not_found");
    let session = doorstep::random::url_token();
    picture(&off, &session)
        .await
        .assert_error(Status::NotFound, "not_found");
    verify(&off, &session, &json!({"token": "123456"}))
        .await
        .assert_error(Status::NotFound, "not_found");
    let doc = off.get_json("/openapi.json").await.json();
    assert!(doc["paths"]["/users/register"].is_null());
    assert!(!doc["tags"].to_string().contains("\"ald\""));
    let discovery = off.get_json("/.well-known/doorstep").await.json();
    assert!(!discovery["seed_apis"].to_string().contains("ald"));

    let app = app().await;
    let doc = app.get_json("/openapi.json").await.json();
    for path in [
        "/users/register",
        "/users/register/token/{id}",
        "/users/register/verify/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert!(
        discovery["seed_apis"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "ald", "url": "http://127.0.0.1:8000/users/register"})),
        "{discovery}"
    );
}

/// Invite-only: the whole call needs an inviter (ALD's privileged members); anonymous callers
/// are refused before anything is stored, an inviter's call goes through without a token.
#[rocket::async_test]
async fn invite_only_needs_an_inviter() {
    let app = TestApp::with(|s| {
        ald(s);
        s.signup.invite_only = true;
        s.reset.enabled = true;
    })
    .await;
    // The inviter's account comes from the operator, as sign-up is closed to them too.
    let ctx = &app.state().accounts;
    let created = admin::create(ctx, &Actor::cli(), GRACE, Role::Inviter, app.clock.now())
        .await
        .unwrap();
    let link = url::Url::parse(&created.set_password_link).unwrap();
    let token = link.query_pairs().find(|(k, _)| k == "confirm").unwrap().1;
    let chosen = json!({"token": token, "password": PASSWORD});
    let set = app.post_json("/auth/pwreset/confirm", &chosen).await;
    assert_eq!(set.status, Status::Ok, "{}", set.body);
    let token = app.sign_in(GRACE, PASSWORD).await.json()["token"].clone();
    let inviter = format!("Bearer {}", token.as_str().expect("a session token"));
    app.deliver().await;
    let before = app.footprint().await;
    let seen = app.mails().len();
    let anonymous = post(&app, "/users/register", &registration("ada", ADA), None).await;
    anonymous.assert_error(Status::Forbidden, "invitation_required");
    app.deliver().await;
    assert_eq!(app.footprint().await, before);
    assert_eq!(app.mails().len(), seen);

    let body = json!({"name": "ada", "mail": ADA});
    let reply = post(&app, "/users/register", &body, Some(&inviter)).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    let mail = next_mail(&app, seen).await;
    let session = session_of(&mail);
    let code = code_in(&mail).unwrap();
    let right = json!({"token": code, "password": INVITEE_PASSWORD});
    let reply = verify(&app, &session, &right).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert!(account(&app, ADA).await.is_some());
}
