//! The sign-up flows end to end: JSON and browser, confirmation, redirects, switches.

use std::time::Duration;

use doorstep::entities::{account, one_time_token, outbox, pending_signup};
use rocket::http::{ContentType, Header, Status};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp, hidden_field, sent_reply, signup_body};

const PASSWORD: &str = "correct horse battery staple";
const ADA: [(&str, &str); 4] = [
    ("firstname", "Ada"),
    ("lastname", "Lovelace"),
    ("email", "ada@example.com"),
    ("password", PASSWORD),
];
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

fn link(token: &str) -> String {
    format!("/auth/signup?confirm={token}")
}

/// Every row of every table, so a secret can be searched for in all of them.
async fn all_rows(app: &TestApp) -> String {
    let db = &app.state().accounts.db;
    let accounts = account::Entity::find().all(db).await.unwrap();
    let pending = pending_signup::Entity::find().all(db).await.unwrap();
    let tokens = one_time_token::Entity::find().all(db).await.unwrap();
    let outbox = outbox::Entity::find().all(db).await.unwrap();
    format!("{accounts:?}{pending:?}{tokens:?}{outbox:?}")
}

#[track_caller]
fn assert_has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "{wanted:?} not in: {text}");
}

#[track_caller]
fn assert_status(reply: &Reply, status: Status) {
    assert_eq!(reply.status, status, "{}", reply.body);
}

#[track_caller]
fn assert_error(reply: &Reply, status: Status, code: &str) {
    assert_status(reply, status);
    assert_eq!(reply.json()["error"], code, "{}", reply.body);
}

fn is_html(reply: &Reply) -> bool {
    matches!(reply.content_type.as_deref(), Some(ct) if ct.starts_with("text/html"))
}

/// A sign-up post with these headers, for the content negotiation cases.
async fn post_raw(app: &TestApp, kind: ContentType, accept: Option<&str>, body: String) -> Reply {
    let mut request = app.client.post("/auth/signup").header(kind).body(body);
    if let Some(accept) = accept {
        request = request.header(Header::new("Accept", accept.to_owned()));
    }
    app.send(request).await
}

async fn post_confirm(app: &TestApp, token: &str) -> Reply {
    app.post_json("/auth/signup/confirm", &json!({ "token": token }))
        .await
}

async fn post_signup(app: &TestApp, body: &Value) -> Reply {
    app.post_json("/auth/signup", body).await
}

/// Signs `email` up with one extra field and returns the token from the mail.
async fn sign_up_with(app: &TestApp, email: &str, field: &str, value: &str) -> String {
    let mut body = signup_body(email);
    body[field] = json!(value);
    assert_status(&post_signup(app, &body).await, Status::Ok);
    app.deliver().await;
    app.mails().last().unwrap().token().unwrap()
}

fn only_mail(app: &TestApp) -> Mail {
    let mails = app.mails();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    mails.into_iter().next().unwrap()
}

#[rocket::async_test]
async fn json_sign_up_mails_a_link_and_confirming_creates_the_account() {
    let app = TestApp::start().await;
    let reply = post_signup(&app, &signup_body("ada@example.com")).await;
    assert_status(&reply, Status::Ok);
    assert_eq!(sent_reply(&reply), json!({ "status": "confirmation_sent" }));
    assert_eq!(app.count("accounts").await, 0);
    let queued = all_rows(&app).await;
    assert!(queued.contains("ada@example.com") && !queued.contains(PASSWORD));

    app.deliver().await;
    let mail = only_mail(&app);
    assert_eq!(mail.to, ["ada@example.com"]);
    let token = mail.token().unwrap();
    let url = format!("http://127.0.0.1:8000/auth/signup?confirm={token}");
    assert_has(&mail.decoded, &url);
    assert!(!mail.raw.contains(PASSWORD) && !mail.decoded.contains(PASSWORD));

    let reply = app.get_json(&link(&token)).await;
    assert_status(&reply, Status::Ok);
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    let db = &app.state().accounts.db;
    let accounts = account::Entity::find().all(db).await.unwrap();
    assert_eq!(accounts.len(), 1);
    let hash = accounts[0].password_hash.clone();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    let verify = |password: &str| {
        app.state()
            .accounts
            .hasher
            .verify(password.into(), hash.clone())
    };
    assert!(verify(PASSWORD).await.unwrap());
    assert!(!verify("correct horse battery stapler").await.unwrap());
    let pending = pending_signup::Entity::find().all(db).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].password_hash, "");
    assert_eq!(pending[0].account_id, Some(accounts[0].id));
    assert!(!all_rows(&app).await.contains(PASSWORD));
}

#[rocket::async_test]
async fn browser_sign_up_confirms_only_with_the_button() {
    let app = TestApp::start().await;
    let form = app.get_html("/auth/signup").await;
    assert_eq!(form.status, Status::Ok);
    assert!(is_html(&form) && hidden_field(&form.body, "csrf_token").is_some());
    assert_has(&form.body, "<form");

    let sent = app.post_form("/auth/signup", &ADA).await;
    assert_status(&sent, Status::Ok);
    assert_has(&sent.body, "Check your mail");
    assert_has(&sent.body, "ada@example.com");
    app.deliver().await;
    let token = only_mail(&app).token().unwrap();

    // What a mail scanner does: open the link. It must prove nothing.
    let page = app.get_html(&link(&token)).await;
    assert_status(&page, Status::Ok);
    assert_has(&page.body, "<button");
    assert_eq!(app.count("accounts").await, 0);

    let button_token = hidden_field(&page.body, "token").unwrap();
    assert_eq!(button_token, token);
    let csrf = hidden_field(&page.body, "csrf_token").unwrap();
    let fields = [("csrf_token", csrf.as_str()), ("token", token.as_str())];
    let done = app.post_form_raw("/auth/signup/confirm", &fields).await;
    assert_status(&done, Status::Ok);
    assert_has(&done.body, "ada@example.com");
    assert_has(&done.body, "Your account is ready");
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn confirm_on_get_confirms_a_plain_browser_get() {
    let app = TestApp::with(|s| s.signup.confirm_on_get = true).await;
    let token = app.sign_up("ada@example.com").await;
    let reply = app.get_html(&link(&token)).await;
    assert_status(&reply, Status::Ok);
    assert_has(&reply.body, "Your account is ready");
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn the_outcome_goes_to_urlsuccess_or_urlfailure_and_links_expire() {
    let app = TestApp::start().await;
    let welcome = "https://app.example/welcome/next";
    let ada = sign_up_with(&app, "ada@example.com", "urlsuccess", welcome).await;
    let failed = "https://app.example/failed?lang=en";
    let grace = sign_up_with(&app, "grace@example.com", "urlfailure", failed).await;
    let alan = app.sign_up("alan@example.com").await;

    app.clock.advance(DAY - Duration::from_secs(1));
    // Programs asked for JSON, so they get JSON naming the target; browsers are sent there.
    let reply = app.get_json(&link(&ada)).await;
    assert_status(&reply, Status::Ok);
    assert_eq!(
        reply.json(),
        json!({"status": "confirmed", "redirect": welcome})
    );
    let reply = app
        .post_form("/auth/signup/confirm", &[("token", &ada)])
        .await;
    assert_eq!(reply.redirect(), (Status::SeeOther, Some(welcome)));
    app.clock.advance(Duration::from_secs(2));
    let expected = "https://app.example/failed?lang=en&error=token_expired";
    let reply = app.get_json(&link(&grace)).await;
    reply.assert_error(Status::Gone, "token_expired");
    assert_eq!(reply.json()["redirect"], expected);
    let reply = app
        .post_form("/auth/signup/confirm", &[("token", &grace)])
        .await;
    assert_eq!(reply.redirect(), (Status::SeeOther, Some(expected)));
    let reply = app.get_json(&link(&alan)).await;
    assert_error(&reply, Status::Gone, "token_expired");
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn unknown_and_malformed_tokens_are_token_invalid() {
    let app = TestApp::start().await;
    app.sign_up("ada@example.com").await;
    let unknown = "A".repeat(43);
    for token in [unknown.as_str(), "x", ""] {
        let got = app.get_json(&link(token)).await;
        let posted = post_confirm(&app, token).await;
        for reply in [got, posted] {
            assert_error(&reply, Status::BadRequest, "token_invalid");
        }
    }
    assert_eq!(app.count("accounts").await, 0);
}

#[rocket::async_test]
async fn confirming_twice_shows_the_same_success_and_one_account() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    let first = app.get_json(&link(&token)).await;
    let second = app.get_json(&link(&token)).await;
    assert_status(&first, Status::Ok);
    assert_eq!((second.status, &second.body), (first.status, &first.body));
    // A late click, after the link's lifetime, still shows what the link did.
    app.clock.advance(2 * DAY);
    let late = app.get_json(&link(&token)).await;
    assert_eq!((late.status, &late.body), (first.status, &first.body));
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn a_link_mailed_before_sign_up_was_switched_off_confirms_nothing() {
    let open = TestApp::start().await;
    let token = open.sign_up("ada@example.com").await;
    let database_url = open.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let closed = TestApp::on(dir, database_url, |s| s.signup.enabled = false, |a| a).await;
    let reply = closed.get_json(&link(&token)).await;
    assert_error(&reply, Status::Forbidden, "signup_disabled");
    assert_eq!(closed.count("accounts").await, 0);
}

#[rocket::async_test]
async fn racing_confirmations_create_one_account() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    let path = link(&token);
    let (a, b, c, d, e, f, g, h) = rocket::tokio::join!(
        app.get_json(&path),
        post_confirm(&app, &token),
        app.get_json(&path),
        post_confirm(&app, &token),
        app.get_json(&path),
        post_confirm(&app, &token),
        app.get_json(&path),
        post_confirm(&app, &token),
    );
    for reply in [a, b, c, d, e, f, g, h] {
        assert_status(&reply, Status::Ok);
        assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    }
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn one_address_is_one_account_whatever_its_case() {
    let app = TestApp::start().await;
    // A later sign-up for the address (perhaps a stranger's) leaves the earlier link working:
    // the first link confirmed wins and withdraws the others.
    let old = app.sign_up("Ada@Example.COM").await;
    let new = app.sign_up("ada@example.com").await;
    assert_status(&app.get_json(&link(&old)).await, Status::Ok);
    let reply = app.get_json(&link(&new)).await;
    assert_error(&reply, Status::BadRequest, "token_invalid");
    assert_eq!(app.count("pending_signups").await, 1);

    let fresh = post_signup(&app, &signup_body("grace@example.com")).await;
    let again = post_signup(&app, &signup_body("ADA@example.com")).await;
    // The same reply, but for the sign-up's own random handle.
    assert_eq!(
        (again.status, sent_reply(&again)),
        (fresh.status, sent_reply(&fresh))
    );
    app.deliver().await;
    // Mail goes to the address as stored, not as typed this time.
    let mails = app.mails();
    let notice = mails
        .iter()
        .find(|m| m.to == ["Ada@example.com"] && m.token().is_none());
    let notice = notice.expect("an 'already have an account' mail");
    assert_has(&notice.decoded, "already has an account");
    assert_eq!(mails.len(), 4, "{mails:#?}");
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn the_whitelist_route_lists_the_domains_or_is_hidden() {
    let app = TestApp::start().await;
    let reply = app.get_json("/auth/signup/whitelist").await;
    assert_eq!((reply.status, reply.json()), (Status::Ok, json!([])));

    let domains = ["example.com".to_owned(), "example.org".to_owned()];
    let app = TestApp::with(|s| s.signup.whitelist = domains.to_vec()).await;
    let reply = app.get_json("/auth/signup/whitelist").await;
    assert_eq!(reply.status, Status::Ok);
    assert_eq!(reply.json(), json!(["example.com", "example.org"]));

    let app = TestApp::with(|s| s.signup.whitelist_public = false).await;
    let reply = app.get_json("/auth/signup/whitelist").await;
    assert_error(&reply, Status::NotFound, "not_found");
}

#[rocket::async_test]
async fn switched_off_sign_up_answers_403_everywhere_and_stores_nothing() {
    let app = TestApp::with(|s| s.signup.enabled = false).await;
    let token = "A".repeat(43);
    let replies = [
        app.get_json("/auth/signup").await,
        post_signup(&app, &signup_body("ada@example.com")).await,
        app.get_json(&link(&token)).await,
        post_confirm(&app, &token).await,
        app.get_json("/auth/signup/whitelist").await,
    ];
    for reply in replies {
        assert_error(&reply, Status::Forbidden, "signup_disabled");
    }
    let html = [
        app.get_html("/auth/signup").await,
        app.get_html(&link(&token)).await,
        app.post_form_raw("/auth/signup", &ADA).await,
    ];
    for page in html {
        assert_status(&page, Status::Forbidden);
        assert!(is_html(&page), "{page:?}");
        assert_has(&page.body, "Sign-up is closed");
    }
    assert_eq!(app.footprint().await, [0; 4]);
    assert_eq!(app.deliver().await.sent, 0);
}

#[rocket::async_test]
async fn base_path_prefixes_every_route_and_the_mailed_link() {
    let app = TestApp::with(|s| s.base_path = "/store".into()).await;
    assert_eq!(app.get_json("/auth/signup").await.status, Status::NotFound);
    let form = app.get_html("/store/auth/signup").await;
    // Tera escapes `/` in attributes; browsers read the entity back as `/`.
    let action = form.body.replace("&#x2F;", "/");
    assert_has(&action, r#"action="/store/auth/signup""#);
    let front = app.get_html("/store/").await;
    assert_eq!(front.location.as_deref(), Some("/store/auth/signup"));
    let body = signup_body("ada@example.com");
    let reply = app.post_json("/store/auth/signup", &body).await;
    assert_status(&reply, Status::Ok);
    app.deliver().await;
    let mail = only_mail(&app);
    let prefix = "http://127.0.0.1:8000/store/auth/signup?confirm=";
    assert_has(&mail.decoded, prefix);
    let token = mail.token().unwrap();
    let reply = app.get_json(&format!("/store{}", link(&token))).await;
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]

async fn outside_the_base_path_errors_keep_their_shape() {
    let app = TestApp::with(|s| s.base_path = "/store".into()).await;
    let reply = app.get_json("/auth/signup").await;
    assert_error(&reply, Status::NotFound, "not_found");
}

#[rocket::async_test]
async fn replies_follow_accept_then_the_body_type() {
    let app = TestApp::start().await;
    let body = || signup_body("ada@example.com").to_string();
    let sent = json!({ "status": "confirmation_sent" });
    for accept in [None, Some("*/*"), Some("application/json")] {
        let reply = post_raw(&app, ContentType::JSON, accept, body()).await;
        assert_status(&reply, Status::Ok);
        assert_eq!(sent_reply(&reply), sent, "{accept:?}");
    }
    let page = post_raw(&app, ContentType::JSON, Some("text/html"), body()).await;
    assert!(is_html(&page), "{page:?}");
    assert_has(&page.body, "Check your mail");

    let csrf = app.csrf_token().await;
    let form = [&[("csrf_token", csrf.as_str())], &ADA[..]].concat();
    let form = serde_urlencoded::to_string(form).unwrap();
    let reply = post_raw(&app, ContentType::Form, Some("application/json"), form).await;
    assert_eq!(sent_reply(&reply), sent);
}

#[rocket::async_test]
async fn unknown_paths_are_404_in_the_clients_format_and_healthz_answers() {
    let app = TestApp::start().await;
    let reply = app.get_json("/nowhere").await;
    assert_error(&reply, Status::NotFound, "not_found");
    assert!(reply.json()["message"].is_string());
    let page = app.get_html("/nowhere").await;
    assert!(is_html(&page), "{page:?}");
    assert_status(&page, Status::NotFound);
    assert_has(&page.body, "Page not found");
    let health = app.get_json("/healthz").await;
    assert_status(&health, Status::Ok);
}

#[rocket::async_test]
async fn names_may_be_left_out_when_the_operator_says_so() {
    let app = TestApp::with(|s| s.signup.names_required = false).await;
    let body = json!({"email": "ada@example.com", "password": PASSWORD});
    let reply = post_signup(&app, &body).await;
    assert_status(&reply, Status::Ok);
    app.deliver().await;
    let mail = &app.mails()[0];
    assert!(mail.raw.contains("To: ada@example.com\r\n"), "{}", mail.raw);
    assert_has(&mail.decoded, "Hello,");
    let token = mail.token().unwrap();
    let confirmed = app.get_html(&link(&token)).await;
    assert_status(&confirmed, Status::Ok);

    // Everything that describes the form says so.
    let page = app.get_html("/auth/signup").await;
    assert_has(&page.body, "(optional)");
    assert!(
        !page
            .body
            .contains("name=\"firstname\" autocomplete=\"given-name\" required")
    );
    let form = app.get_json("/auth/signup").await.json();
    assert_eq!(form["names_required"], false);
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(
        discovery["signup"]["fields"][0],
        json!({"name": "firstname", "required": false})
    );
    let doc = app.get_json("/openapi.json").await.json();
    let form = &doc["components"]["schemas"]["SignUpForm"]["allOf"][1]["required"];
    assert_eq!(form, &json!(["email", "password"]));

    // A name that is given is still checked.
    let long =
        json!({"email": "b@example.com", "password": PASSWORD, "firstname": "x".repeat(101)});
    let refused = post_signup(&app, &long).await;
    assert_eq!(refused.json()["fields"]["firstname"], "too_long");
}
