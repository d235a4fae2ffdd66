//! Mail on its way out: a real SMTP conversation, outages, restarts, and what the letters say.

use std::sync::Arc;
use std::time::{Duration, Instant};

use doorstep::clock::SystemClock;
use doorstep::config::Settings;
use doorstep::entities::outbox;
use doorstep::mail::outbox::Round;
use rocket::http::Status;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;

use crate::support::smtp::{SmtpServer, smtp_settings, smtp_transport};
use crate::support::{Mail, Reply, TestApp, database_url, sent_reply, signup_body};

const SENT_ONE: Round = Round { sent: 1, failed: 0 };
const NOTHING: Round = Round { sent: 0, failed: 0 };

/// A TestApp whose mail goes over SMTP to loopback `port`.
async fn smtp_app(port: u16, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let configure = |settings: &mut Settings| {
        settings.mail = smtp_settings(port);
        configure(settings);
    };
    TestApp::on(dir, url, configure, |app| {
        app.transport(smtp_transport(port))
    })
    .await
}

async fn outbox(app: &TestApp) -> Vec<outbox::Model> {
    let query = outbox::Entity::find().order_by_asc(outbox::Column::Id);
    query.all(&app.state().accounts.db).await.unwrap()
}

async fn sign_up_named(app: &TestApp, first_name: &str, email: &str) -> Reply {
    let mut body = signup_body(email);
    body["firstname"] = json!(first_name);
    let reply = app.post_json("/auth/signup", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply
}

async fn confirm(app: &TestApp, token: &str) {
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
}

/// The decoded body of the MIME part of type `media` (`text/plain`, `text/html`).
fn part(mail: &Mail, media: &str) -> String {
    let text = &mail.decoded;
    let start = text.find("boundary=\"").expect("a multipart mail") + 10;
    let boundary = format!(
        "--{}",
        &text[start..start + text[start..].find('"').unwrap()]
    );
    let header = format!("content-type: {media}");
    let found = text
        .split(&boundary)
        .find(|p| p.to_ascii_lowercase().contains(&header));
    let body = found.and_then(|p| p.split_once("\r\n\r\n"));
    body.unwrap_or_else(|| panic!("no {media} part: {}", mail.raw))
        .1
        .trim_end()
        .to_owned()
}

/// Waits up to 30 s for `check` to hold; fails only if it never does.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        rocket::tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[rocket::async_test]
async fn confirmation_goes_over_smtp_to_the_address_and_the_bcc() {
    let server = SmtpServer::start().await;
    let app = smtp_app(server.port, |s| {
        s.email.bcc = vec![
            "audit@example.org".parse().unwrap(),
            "Archive <archive@example.net>".parse().unwrap(),
        ];
    })
    .await;
    sign_up_named(&app, "Ada", "ada@example.com").await;
    assert_eq!(app.deliver().await, SENT_ONE);

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "signup@doorstep.test");
    let mut to = received[0].to.clone();
    to.sort();
    assert_eq!(
        to,
        [
            "ada@example.com",
            "archive@example.net",
            "audit@example.org"
        ]
    );
    let mail = received[0].mail();
    assert!(mail.raw.contains("multipart/alternative"), "{}", mail.raw);
    assert!(
        !mail.raw.to_ascii_lowercase().contains("\nbcc:"),
        "BCC header visible"
    );
    assert!(part(&mail, "text/plain").contains("http://127.0.0.1:8000/auth/signup?confirm="));
    assert!(part(&mail, "text/html").contains("<a href="));
    confirm(&app, &mail.token().expect("a confirmation link")).await;
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn an_smtp_outage_delays_mail_and_loses_none() {
    let port = SmtpServer::unused_port();
    let app = smtp_app(port, |_| {}).await;
    sign_up_named(&app, "Ada", "ada@example.com").await;
    sign_up_named(&app, "Bob", "bob@example.com").await;
    assert_eq!(app.deliver().await, Round { sent: 0, failed: 2 });
    let now = app.state().clock.now();
    for row in outbox(&app).await {
        assert_eq!((row.sent_at, row.gave_up_at, row.attempts), (None, None, 1));
        assert!(row.last_error.is_some());
        let wait = (row.next_attempt_at - now).num_seconds();
        assert!((1..=10).contains(&wait), "first retry in {wait} s");
    }

    let server = SmtpServer::start_on(port).await;
    assert_eq!(app.deliver().await, NOTHING, "retried before it was due");
    app.clock.advance(Duration::from_secs(5));
    assert_eq!(app.deliver().await, Round { sent: 2, failed: 0 });
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(app.deliver().await, NOTHING);

    let received = server.received();
    let mut to: Vec<_> = received.iter().flat_map(|r| r.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        ["ada@example.com", "bob@example.com"],
        "each exactly once"
    );
    let ada = received
        .iter()
        .find(|r| r.to == ["ada@example.com"])
        .unwrap();
    confirm(&app, &ada.mail().token().unwrap()).await;
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn the_background_worker_retries_until_the_relay_is_back() {
    let port = SmtpServer::unused_port();
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let configure = |s: &mut Settings| s.mail = smtp_settings(port);
    let app = TestApp::on(dir, url, configure, |app| {
        let app = app.transport(smtp_transport(port)).worker(true);
        app.clock(Arc::new(SystemClock))
    })
    .await;
    sign_up_named(&app, "Ada", "ada@example.com").await;
    eventually("a first, failed attempt", async || {
        outbox(&app).await.iter().any(|row| row.attempts >= 1)
    })
    .await;

    let server = SmtpServer::start_on(port).await;
    eventually("delivery", async || !server.received().is_empty()).await;
    eventually("sent_at recorded", async || {
        outbox(&app).await.iter().all(|row| row.sent_at.is_some())
    })
    .await;
    // A few more worker rounds (it polls every second) must not send it again.
    rocket::tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(server.received().len(), 1, "delivered more than once");
    assert_eq!(server.received()[0].to, ["ada@example.com"]);
}

#[rocket::async_test]
async fn a_sign_up_survives_the_process_dying_before_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let first = TestApp::on(dir, url.clone(), |_| {}, |app| app).await;
    sign_up_named(&first, "Ada", "ada@example.com").await;
    assert!(first.mails().is_empty());
    let dir = first.stop();

    let second = TestApp::on(dir, url, |_| {}, |app| app).await;
    assert_eq!(second.deliver().await, SENT_ONE);
    let mails = second.mails();
    assert_eq!(mails[0].to, ["ada@example.com"]);
    confirm(&second, &mails[0].token().unwrap()).await;
    assert_eq!(second.count("accounts").await, 1);
}

#[rocket::async_test]
async fn a_permanent_rejection_is_given_up_not_retried_forever() {
    let server = SmtpServer::start_rejecting().await;
    let app = smtp_app(server.port, |_| {}).await;
    sign_up_named(&app, "Ada", "ada@example.com").await;
    assert_eq!(app.deliver().await, Round { sent: 0, failed: 1 });
    let row = &outbox(&app).await[0];
    assert!(row.gave_up_at.is_some() && row.sent_at.is_none(), "{row:?}");
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("550")
    );
    app.clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(app.deliver().await, NOTHING);
    assert!(server.received().is_empty());
}

#[rocket::async_test]
async fn subject_is_built_in_or_the_configured_one() {
    let app = TestApp::start().await;
    app.sign_up("ada@example.com").await;
    assert_eq!(
        app.mails()[0].subject(),
        "Confirm your email address for doorstep",
        "the product's name, never the host's"
    );

    let app = TestApp::with(|s| s.signup.subject = Some("Welcome aboard, confirm".into())).await;
    app.sign_up("ada@example.com").await;
    assert_eq!(app.mails()[0].subject(), "Welcome aboard, confirm");
}

const TEMPLATE: &str = "<p>Hi __NAME__ at __EMAIL__: <a href=\"__CONFIRMATION_LINK__\">go</a> \
                        © __YEAR__ __DOMAIN__</p>";

#[rocket::async_test]
async fn the_operator_template_gets_every_placeholder() {
    let app = TestApp::with(|s| s.signup.template = Some(TEMPLATE.into())).await;
    let token = app.sign_up("ada@example.com").await;
    let html = part(&app.mails()[0], "text/html");
    let link = format!("http://127.0.0.1:8000/auth/signup?confirm={token}");
    // Values are HTML-escaped; '/' may come as an entity, which browsers read as '/'.
    assert_eq!(
        html.replace("&#x2F;", "/").replace("&#47;", "/"),
        format!(
            "<p>Hi Ada Lovelace at ada@example.com: <a href=\"{link}\">go</a> © 2026 127.0.0.1</p>"
        )
    );
}

#[rocket::async_test]
async fn names_are_html_escaped_in_the_html_part() {
    for template in [None, Some(TEMPLATE.to_owned())] {
        let app = TestApp::with(|s| s.signup.template = template.clone()).await;
        sign_up_named(&app, "<script>alert(1)</script>", "ada@example.com").await;
        app.deliver().await;
        let html = part(&app.mails()[0], "text/html");
        assert!(
            !html.contains("<script>"),
            "raw markup with {template:?}: {html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    }
}

#[rocket::async_test]
async fn dollar_and_backslash_in_a_name_arrive_as_typed() {
    for (template, greeting) in [(None, "Hello "), (Some(TEMPLATE.to_owned()), "Hi ")] {
        let app = TestApp::with(|s| s.signup.template = template.clone()).await;
        sign_up_named(&app, r"Ada $1 \ $0 ${x}", "ada@example.com").await;
        app.deliver().await;
        let html = part(&app.mails()[0], "text/html");
        let expected = format!(r"{greeting}Ada $1 \ $0 ${{x}} Lovelace");
        assert!(html.contains(&expected), "{template:?}: {html}");
    }
}

#[rocket::async_test]
async fn sent_bodies_are_blanked_in_the_outbox() {
    let app = TestApp::start().await;
    sign_up_named(&app, "Ada", "ada@example.com").await;
    let queued = &outbox(&app).await[0];
    assert!(queued.text_body.contains("confirm=") && !queued.html_body.is_empty());
    app.deliver().await;
    let sent = &outbox(&app).await[0];
    assert!(sent.sent_at.is_some());
    assert_eq!((sent.text_body.as_str(), sent.html_body.as_str()), ("", ""));
    assert_eq!(sent.action_url, None);
}

#[rocket::async_test]
async fn a_known_address_gets_the_same_reply_and_an_already_registered_mail() {
    let app = TestApp::start().await;
    let token = app.sign_up("ada@example.com").await;
    confirm(&app, &token).await;
    let [_, pending, tokens, _] = app.footprint().await;

    let known = sign_up_named(&app, "Ada", "ADA@Example.com").await;
    let fresh = sign_up_named(&app, "Bob", "bob@example.com").await;
    assert_eq!(
        (known.status, sent_reply(&known)),
        (fresh.status, sent_reply(&fresh))
    );
    assert_eq!(known.content_type, fresh.content_type);
    assert_eq!(app.deliver().await, Round { sent: 2, failed: 0 });

    let mails = app.mails();
    let owner = mails.iter().skip(1).find(|m| m.to == ["ada@example.com"]);
    let owner = owner.expect("a mail to the address as stored");
    assert!(
        owner.subject().contains("already have an account"),
        "{}",
        owner.subject()
    );
    assert_eq!(
        owner.token(),
        None,
        "no confirmation link for a known address"
    );
    assert!(!owner.decoded.contains("/auth/signup?confirm"));
    assert_eq!(app.count("accounts").await, 1);
    // Bob's sign-up adds one pending row and one token; Ada's second attempt adds none.
    assert_eq!(app.count("pending_signups").await, pending + 1);
    assert_eq!(app.count("one_time_tokens").await, tokens + 1);
}
