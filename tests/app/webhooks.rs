//! Webhooks: every account event reaches the configured endpoint signed the Standard Webhooks
//! way (checked here with HMAC computed independently), a receiver that is down gets the event
//! later with the same `webhook-id` and a fresh timestamp, a 2xx ends it, a refused change
//! posts nothing, and the secret is never printed.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::clock::Clock as _;
use doorstep::config::{ApprovalMode, Settings};
use doorstep::entities::account::{self, Role};
use doorstep::entities::outbox;
use doorstep::webhooks::deliver::Round;
use hmac::{Hmac, Mac};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::receiver::{Received, Receiver};
use crate::support::{TestApp, signup_body};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// A fresh secret of the test's own, so that no other test's logs can contain it.
fn new_secret() -> String {
    format!("whsec_{}", STANDARD.encode(doorstep::random::bytes::<32>()))
}

fn posting_to(url: &str, secret: &str) -> impl FnOnce(&mut Settings) {
    let (url, secret) = (url.to_owned(), secret.to_owned());
    move |s| {
        s.webhooks.urls = vec![url.parse().unwrap()];
        s.webhooks.secret = Some(secret.into());
        s.reset.enabled = true;
    }
}

/// Checks a received post as a receiver would, with its own HMAC: the signature over
/// `id.timestamp.body` under the decoded secret.
#[track_caller]
fn assert_signed(received: &Received, secret: &str) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let signed = format!(
        "{}.{}.{}",
        received.header("webhook-id"),
        received.header("webhook-timestamp"),
        received.body
    );
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(received.header("webhook-signature"), expected);
    assert_eq!(received.header("content-type"), "application/json");
    assert!(received.header("webhook-id").starts_with("msg_"));
}

fn types(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn account(app: &TestApp, email: &str) -> account::Model {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
        .expect("an account")
}

async fn queued(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(outbox::WEBHOOK))
        .all(&app.state().accounts.db)
        .await
        .unwrap()
}

/// Signs `email` up and confirms it with the link.
async fn confirmed(app: &TestApp, email: &str) {
    app.confirmed_account(email, PASSWORD).await;
}

#[rocket::async_test]
async fn a_confirmation_posts_account_created_signed_with_the_account() {
    let receiver = Receiver::start().await;
    let secret = new_secret();
    let app = TestApp::with(posting_to(&receiver.url, &secret)).await;
    confirmed(&app, ADA).await;
    // Queued with the change, posted by the worker: nothing has gone yet.
    assert!(receiver.received().is_empty());
    assert_eq!(
        app.deliver_webhooks().await,
        Round {
            delivered: 1,
            failed: 0
        }
    );

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_signed(&received[0], &secret);
    let now = app.clock.now();
    assert_eq!(
        received[0].header("webhook-timestamp"),
        now.timestamp().to_string()
    );
    let ada = account(&app, ADA).await;
    assert_eq!(
        received[0].json(),
        json!({
            "type": "account.created",
            "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": {"account": {
                "id": ada.id,
                "email": ADA,
                "username": null,
                "firstname": "Ada",
                "lastname": "Lovelace",
                "state": "active",
                "role": "member",
            }},
        })
    );
    // Delivered is done: no second post, and the body (the person's details) is blanked.
    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(app.deliver_webhooks().await, Round::default());
    assert_eq!(receiver.received().len(), 1);
    let rows = queued(&app).await;
    assert!(rows[0].sent_at.is_some());
    assert_eq!(rows[0].text_body, "");
}

#[rocket::async_test]
async fn every_account_event_is_posted() {
    let receiver = Receiver::start().await;
    let secret = new_secret();
    let configure = posting_to(&receiver.url, &secret);
    let app = TestApp::with(|s| {
        configure(s);
        s.approval.mode = ApprovalMode::All;
    })
    .await;
    let ctx = &app.state().accounts;
    let cli = Actor::cli();
    let now = app.clock.now();

    confirmed(&app, ADA).await;
    let ada = account(&app, ADA).await;
    admin::approve(ctx, &cli, ada.id, now).await.unwrap();
    admin::disable(ctx, &cli, ada.id, now).await.unwrap();
    admin::delete(ctx, &cli, ada.id, now).await.unwrap();
    confirmed(&app, "bob@example.com").await;
    let bob = account(&app, "bob@example.com").await;
    admin::reject(ctx, &cli, bob.id, now).await.unwrap();
    // An operator's account, whose owner then sets a password on the one-time link.
    let created = admin::create(ctx, &cli, "grace@example.com", Role::Admin, now)
        .await
        .unwrap();
    let link = url::Url::parse(&created.set_password_link).unwrap();
    let token = link.query_pairs().find(|(k, _)| k == "confirm").unwrap().1;
    let body = json!({"token": token, "password": PASSWORD});
    let chosen = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(chosen.status, Status::Ok, "{}", chosen.body);

    while app.deliver_webhooks().await.delivered > 0 {}
    let received = receiver.received();
    for post in &received {
        assert_signed(post, &secret);
    }
    assert_eq!(
        types(&received),
        [
            "account.created",
            "account.approved",
            "account.disabled",
            "account.deleted",
            "account.created",
            "account.rejected",
            "account.created",
            "password.changed",
        ]
    );
    let states: Vec<Value> = received
        .iter()
        .map(|r| r.json()["data"]["account"]["state"].clone())
        .collect();
    // Each event shows the account as the change left it (as it was, once it is gone).
    assert_eq!(
        states,
        [
            "pending_approval",
            "active",
            "disabled",
            "disabled",
            "pending_approval",
            "pending_approval",
            "active",
            "active"
        ]
    );
    let grace = &received[7].json()["data"]["account"];
    assert_eq!(grace["email"], "grace@example.com");
    assert_eq!(grace["role"], "admin");
    // One id per event.
    let mut ids: Vec<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
}

#[rocket::async_test]
async fn a_receiver_that_was_down_gets_the_event_later_with_the_same_id() {
    let (url, port) = Receiver::nowhere().await;
    let secret = new_secret();
    let app = TestApp::with(posting_to(&url, &secret)).await;
    confirmed(&app, ADA).await;

    // Connection refused: tried again 5 s later, not before.
    let refused = app.deliver_webhooks().await;
    assert_eq!(refused.failed, 1);
    let row = &queued(&app).await[0];
    assert_eq!(row.attempts, 1);
    assert_eq!(
        row.next_attempt_at,
        app.clock.now() + chrono::Duration::seconds(5)
    );
    assert!(row.last_error.is_some());
    assert_eq!(app.deliver_webhooks().await, Round::default());

    // Up, but failing: 500 is no delivery; the wait doubles.
    let receiver = Receiver::start_on(port).await;
    receiver.answer(500);
    app.clock.advance(Duration::from_secs(5));
    assert_eq!(app.deliver_webhooks().await.failed, 1);
    let first_try = app.clock.now();
    app.clock.advance(Duration::from_secs(9));
    assert_eq!(app.deliver_webhooks().await, Round::default());

    receiver.answer(200);
    app.clock.advance(Duration::from_secs(1));
    assert_eq!(app.deliver_webhooks().await.delivered, 1);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    assert_eq!(received[0].body, received[1].body);
    // Each attempt is signed with its own time, so freshness checks pass after an outage.
    assert_eq!(
        received[0].header("webhook-timestamp"),
        first_try.timestamp().to_string()
    );
    assert_eq!(
        received[1].header("webhook-timestamp"),
        app.clock.now().timestamp().to_string()
    );
    for post in &received {
        assert_signed(post, &secret);
    }

    // A 2xx ended it.
    app.clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(app.deliver_webhooks().await, Round::default());
    assert_eq!(receiver.received().len(), 2);
}

#[rocket::async_test]
async fn an_event_undelivered_for_three_days_is_given_up() {
    let (url, _) = Receiver::nowhere().await;
    let app = TestApp::with(posting_to(&url, &new_secret())).await;
    confirmed(&app, ADA).await;
    let mut attempts = 0;
    for _ in 0..200 {
        let row = queued(&app).await.remove(0);
        if row.gave_up_at.is_some() {
            break;
        }
        app.clock.advance(
            (row.next_attempt_at - app.clock.now())
                .to_std()
                .unwrap_or_default(),
        );
        attempts += app.deliver_webhooks().await.failed;
    }
    let row = queued(&app).await.remove(0);
    let gave_up = row.gave_up_at.expect("given up");
    assert!(gave_up - row.created_at > chrono::Duration::days(3));
    assert!(gave_up - row.created_at < chrono::Duration::days(3) + chrono::Duration::hours(1));
    // 5 s doubling to an hour: a dozen tries in the first hour, then hourly.
    assert!((75..=85).contains(&attempts), "{attempts} attempts");
    assert_eq!(row.text_body, "");
    app.clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(app.deliver_webhooks().await, Round::default());
}

#[rocket::async_test]
async fn without_a_url_nothing_is_queued() {
    let app = TestApp::start().await;
    confirmed(&app, ADA).await;
    assert!(queued(&app).await.is_empty());
    // Letters still go as before.
    assert_eq!(app.count("outbox").await, 1);
}

#[rocket::async_test]
async fn a_refused_change_queues_nothing() {
    let receiver = Receiver::start().await;
    let app = TestApp::with(posting_to(&receiver.url, &new_secret())).await;
    confirmed(&app, ADA).await;
    assert_eq!(queued(&app).await.len(), 1);
    let ada = account(&app, ADA).await;
    let ctx = &app.state().accounts;
    // Active already: nothing to approve, nothing to reject.
    let now = app.clock.now();
    assert!(
        admin::approve(ctx, &Actor::cli(), ada.id, now)
            .await
            .is_err()
    );
    assert!(
        admin::reject(ctx, &Actor::cli(), ada.id, now)
            .await
            .is_err()
    );
    // A sign-up that is refused makes no account and no event.
    let mut weak = signup_body("bob@example.com");
    weak["password"] = json!("short");
    assert_eq!(
        app.post_json("/auth/signup", &weak).await.status,
        Status::BadRequest
    );
    assert_eq!(queued(&app).await.len(), 1);
}

#[rocket::async_test]
async fn each_url_gets_its_own_delivery() {
    let up = Receiver::start().await;
    let (down, _) = Receiver::nowhere().await;
    let secret = new_secret();
    let app = TestApp::with(|s| {
        s.webhooks.urls = vec![up.url.parse().unwrap(), down.parse().unwrap()];
        s.webhooks.secret = Some(secret.clone().into());
    })
    .await;
    confirmed(&app, ADA).await;
    assert_eq!(
        app.deliver_webhooks().await,
        Round {
            delivered: 1,
            failed: 1
        }
    );
    assert_eq!(up.received().len(), 1);
    let rows = queued(&app).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].webhook_id, rows[1].webhook_id);
}

#[rocket::async_test]
async fn the_secret_is_never_printed() {
    let (url, port) = Receiver::nowhere().await;
    let secret = new_secret();
    let app = TestApp::with(posting_to(&url, &secret)).await;
    confirmed(&app, ADA).await;
    app.deliver_webhooks().await;
    let receiver = Receiver::start_on(port).await;
    app.clock.advance(Duration::from_secs(5));
    app.deliver_webhooks().await;
    assert_eq!(receiver.received().len(), 1);
    let settings = format!("{:?}", app.state().settings());
    let encoded = secret.strip_prefix("whsec_").unwrap();
    assert!(!settings.contains(encoded), "{settings}");
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("account.created event"))
    );
    assert!(lines.iter().all(|line| !line.contains(encoded)));
}

#[rocket::async_test]
async fn the_backlog_and_the_outcomes_are_in_the_metrics() {
    let receiver = Receiver::start().await;
    let app = TestApp::with(posting_to(&receiver.url, &new_secret())).await;
    confirmed(&app, ADA).await;
    let scrape = |body: String| body;
    let before = scrape(app.get("/metrics", "text/plain").await.body);
    assert!(before.contains("\ndoorstep_webhook_depth 1\n"), "{before}");
    assert!(before.contains("# TYPE doorstep_webhook_deliveries_total counter"));
    app.deliver_webhooks().await;
    let after = scrape(app.get("/metrics", "text/plain").await.body);
    assert!(after.contains("\ndoorstep_webhook_depth 0\n"), "{after}");
    let sent = after
        .lines()
        .find_map(|l| l.strip_prefix("doorstep_webhook_deliveries_total{outcome=\"sent\"} "))
        .unwrap();
    assert!(sent.parse::<f64>().unwrap() >= 1.0);
}

#[test]
fn the_configuration_checks_the_secret_and_reads_numbered_urls() {
    let parse = |text: &str| Settings::parse("doorstep.properties", text, &|_| None);
    let secret = new_secret();
    let settings = parse(&format!(
        "doorstep.webhook.url = https://a.example/hooks\n\
         doorstep.webhook.url.1 = https://b.example/hooks\n\
         doorstep.webhook.secret = {secret}\n"
    ))
    .unwrap();
    let urls: Vec<&str> = settings.webhooks.urls.iter().map(|u| u.as_str()).collect();
    assert_eq!(urls, ["https://a.example/hooks", "https://b.example/hooks"]);

    let missing = parse("doorstep.webhook.url = https://a.example/hooks\n").unwrap_err();
    assert!(
        missing.to_string().contains("doorstep.webhook.secret"),
        "{missing}"
    );
    for (bad, says) in [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with whsec_"),
        ("whsec_not*base64*at*all", "base64"),
        ("whsec_c2hvcnQ=", "at least 24 bytes"),
    ] {
        let text = format!("doorstep.webhook.secret = {bad}\n");
        let message = parse(&text).unwrap_err().to_string();
        assert!(
            message.starts_with("doorstep.properties:1: doorstep.webhook.secret: "),
            "{message}"
        );
        assert!(message.contains(says), "{message}");
        assert!(
            !message.contains(bad.trim_start_matches("whsec_")),
            "{message}"
        );
    }
    let not_http = parse("doorstep.webhook.url = ftp://a.example/\n").unwrap_err();
    assert!(not_http.to_string().contains("http"), "{not_http}");
    // The spec's own test secret (24 bytes) is accepted.
    parse("doorstep.webhook.secret = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").unwrap();
}

/// The person's own changes are posted too: a new password, then a new address.
#[rocket::async_test]
async fn a_persons_own_password_and_address_changes_are_posted() {
    let receiver = Receiver::start().await;
    let secret = new_secret();
    let app = TestApp::with(posting_to(&receiver.url, &secret)).await;
    confirmed(&app, ADA).await;
    let signed_in = app.sign_in(ADA, PASSWORD).await;
    assert_eq!(signed_in.status, Status::Ok, "{}", signed_in.body);
    let new_password = "a different horse, stapled";
    let body = json!({"current_password": PASSWORD, "password": new_password});
    let changed = app.post_json("/auth/me/password", &body).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);

    let seen = app.mails().len();
    let body = json!({"email": "ada@example.org", "password": new_password});
    let asked = app.post_json("/auth/me/email", &body).await;
    assert_eq!(asked.status, Status::Ok, "{}", asked.body);
    app.deliver().await;
    let mails = app.mails_since(seen);
    let to_new = |mail: &&crate::support::Mail| mail.to.iter().any(|to| to == "ada@example.org");
    let mail = mails
        .iter()
        .find(to_new)
        .expect("a mail to the new address");
    let text = mail.part("text/plain");
    let code = text
        .lines()
        .map(str::trim)
        .find(|line| line.len() >= 4 && line.bytes().all(|b| b.is_ascii_digit()))
        .expect("a code in the mail");
    let switched = app
        .post_json("/auth/me/email/confirm", &json!({"code": code}))
        .await;
    assert_eq!(switched.status, Status::Ok, "{}", switched.body);

    while app.deliver_webhooks().await.delivered > 0 {}
    let received = receiver.received();
    for post in &received {
        assert_signed(post, &secret);
    }
    assert_eq!(
        types(&received),
        ["account.created", "password.changed", "email.changed"]
    );
    assert_eq!(
        received[2].json()["data"]["account"]["email"],
        "ada@example.org"
    );
}
