//! Mail after a crash, a race or a shutdown: a dead worker's letter comes free within its
//! lease, two instances never send one letter twice, and SIGTERM lets the letter in hand go.

use std::time::Duration;

use doorstep::clock::Clock;
use doorstep::entities::outbox;
use doorstep::mail::lease::{Claim, LEASE};
use doorstep::mail::outbox::Round;
use rocket::http::Status;
use sea_orm::{Database, EntityTrait};
use tokio::io::AsyncWriteExt;
use tokio::time::{Instant, sleep};

use crate::support::served::{Served, read_reply};
use crate::support::smtp::{SmtpServer, smtp_settings, smtp_transport};
use crate::support::{TestApp, database_url, signup_body};

const SENT_ONE: Round = Round { sent: 1, failed: 0 };
const NOTHING: Round = Round { sent: 0, failed: 0 };
const SECOND: Duration = Duration::from_secs(1);

async fn sign_up(app: &TestApp, email: &str) {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

async fn letters(db_url: &str) -> Vec<outbox::Model> {
    let db = Database::connect(db_url).await.unwrap();
    let rows = outbox::Entity::find().all(&db).await.unwrap();
    db.close().await.unwrap();
    rows
}

/// Two apps on one database, each with its own clock at the same time.
async fn two_instances(
    transport: impl Fn() -> doorstep::mail::Transport,
    port: u16,
) -> (TestApp, TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let configure = |s: &mut doorstep::config::Settings| s.mail = smtp_settings(port);
    let first = TestApp::on(dir, url.clone(), configure, |app| {
        app.transport(transport())
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let second = TestApp::on(dir, url, configure, |app| app.transport(transport())).await;
    (first, second)
}

#[rocket::async_test]
async fn a_letter_claimed_by_a_dead_worker_is_sent_after_its_lease_and_not_before() {
    assert_eq!(LEASE.num_seconds(), 10, "the README promises 10 s");
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let first = TestApp::on(dir, url.clone(), |_| {}, |app| app).await;
    sign_up(&first, "ada@example.com").await;
    let id = letters(&url).await[0].id;
    // The first process claims the letter, then dies before sending it.
    let claimed = Claim::take(&first.state().accounts.db, id, first.clock.now()).await;
    assert!(claimed.unwrap().is_some());
    let dir = first.stop();

    // Restarted on the same database (or another instance): the claim is respected…
    let second = TestApp::on(dir, url, |_| {}, |app| app).await;
    assert_eq!(second.deliver().await, NOTHING);
    second.clock.advance(9 * SECOND);
    assert_eq!(
        second.deliver().await,
        NOTHING,
        "taken before the lease ran out"
    );
    // …until its lease runs out; the worker looks every second.
    second.clock.advance(SECOND);
    assert_eq!(second.deliver().await, SENT_ONE);
    assert_eq!(second.mails()[0].to, ["ada@example.com"]);
    second.clock.advance(3600 * SECOND);
    assert_eq!(second.deliver().await, NOTHING);
}

#[rocket::async_test]
async fn two_instances_delivering_at_once_send_each_letter_exactly_once() {
    let relay = SmtpServer::start().await;
    let port = relay.port;
    let (first, second) = two_instances(|| smtp_transport(port), port).await;
    let addresses: Vec<String> = (0..12).map(|n| format!("user{n}@example.com")).collect();
    for (n, address) in addresses.iter().enumerate() {
        let app = if n % 2 == 0 { &first } else { &second };
        sign_up(app, address).await;
    }
    let mut sent = 0;
    for _ in 0..5 {
        let (a, b) = rocket::tokio::join!(first.deliver(), second.deliver());
        assert_eq!(a.failed + b.failed, 0);
        sent += a.sent + b.sent;
    }
    assert_eq!(sent, 12);
    let mut received: Vec<String> = relay.received().iter().flat_map(|r| r.to.clone()).collect();
    received.sort();
    let mut expected = addresses.clone();
    expected.sort();
    assert_eq!(received, expected, "each letter exactly once");
}

#[rocket::async_test]
async fn a_slow_delivery_keeps_its_letter_from_another_instance() {
    let relay = SmtpServer::start_holding().await;
    let port = relay.port;
    let (first, second) = two_instances(|| smtp_transport(port), port).await;
    sign_up(&first, "ada@example.com").await;
    let url = first.database_url.clone();

    let meanwhile = async {
        let until = Instant::now() + 10 * SECOND;
        while relay.received().is_empty() {
            assert!(Instant::now() < until, "the first instance never sent");
            sleep(Duration::from_millis(20)).await;
        }
        // Far past the first lease, as seen by both instances; the sender renews its lease
        // while the relay holds the letter, so the other keeps off.
        for _ in 0..2 {
            let before = letters(&url).await[0].next_attempt_at;
            first.clock.advance(8 * SECOND);
            second.clock.advance(8 * SECOND);
            while letters(&url).await[0].next_attempt_at == before {
                assert!(Instant::now() < until, "the lease was never renewed");
                sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(second.deliver().await, NOTHING, "taken from a live sender");
        }
        relay.release();
    };
    let (round, ()) = rocket::tokio::join!(first.deliver(), meanwhile);
    assert_eq!(round, SENT_ONE);
    let row = &letters(&url).await[0];
    assert!(row.sent_at.is_some() && row.claimed_by.is_none(), "{row:?}");
    second.clock.advance(3600 * SECOND);
    assert_eq!(second.deliver().await, NOTHING);
    assert_eq!(relay.received().len(), 1);
}

#[rocket::async_test]
async fn a_shutdown_during_a_slow_send_lets_it_finish_and_records_it() {
    let relay = SmtpServer::start_holding().await;
    let port = relay.port;
    let mut server = Served::start(
        doorstep::gate::Limits::from_settings(&crate::support::settings()),
        |s| s.mail = smtp_settings(port),
        |app| app.transport(smtp_transport(port)).worker(true),
    )
    .await;
    let body = signup_body("ada@example.com").to_string();
    let request = format!(
        "POST /auth/signup HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, reply) = server.exchange(&request).await;
    assert_eq!(status, 200, "{reply}");
    let until = Instant::now() + 10 * SECOND;
    while relay.received().is_empty() {
        assert!(Instant::now() < until, "the worker never sent");
        sleep(Duration::from_millis(20)).await;
    }

    // SIGTERM while the relay still holds the letter; it answers a second later. The server
    // must not be done before that, and once it is, the letter is recorded as sent.
    let url = server.database_url.clone();
    let stopping = async {
        let stopped = server.stop().await;
        (stopped, Instant::now(), letters(&url).await)
    };
    let release = async {
        sleep(SECOND).await;
        assert!(letters(&url).await[0].sent_at.is_none());
        relay.release();
        Instant::now()
    };
    let ((stopped, done, rows), released) = rocket::tokio::join!(stopping, release);
    assert_eq!(stopped, Ok(()));
    assert!(
        done >= released,
        "the server stopped before the letter in hand was sent"
    );
    assert!(
        rows[0].sent_at.is_some(),
        "the letter in hand was not recorded: {rows:?}"
    );
    assert_eq!(relay.received().len(), 1);

    // And nothing listens any more.
    let mut late = tokio::net::TcpStream::connect(server.addr).await;
    if let Ok(stream) = late.as_mut() {
        let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\n\r\n").await;
        assert!(read_reply(stream).await.is_none());
    }
}
