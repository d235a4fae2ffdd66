//! Rate limits: per client address, per target address, the server's mail budget, failed
//! sign-ins, all counted in the database so that every instance sees the same count.

use std::time::Duration;

use doorstep::config::{Cidr, Rate, Settings};
use rocket::http::{Accept, ContentType, Header, Status};
use serde_json::json;

use crate::support::peers::peer;
use crate::support::{Reply, TestApp, signup_body};

const PASSWORD: &str = "correct horse battery staple";

fn rate(text: &str) -> Rate {
    Rate::parse(text).unwrap()
}

fn two_per_ip(settings: &mut Settings) {
    settings.limits.ip = rate("2/10m");
}

/// A sign-up for `email` from the peer address `ip`.
async fn sign_up_from(app: &TestApp, ip: &str, email: &str) -> Reply {
    app.post_json_from(ip, "/auth/signup", &signup_body(email))
        .await
}

#[track_caller]
fn assert_ok(reply: &Reply) {
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

/// Expects `reply` to be a refusal, then that it left nothing behind since `before`.
async fn assert_limited(app: &TestApp, reply: &Reply, before: [i64; 4], max_wait: u64) {
    reply.assert_rate_limited(max_wait);
    assert_eq!(app.footprint().await, before, "nothing stored");
}

#[rocket::async_test]
async fn a_client_address_gets_its_count_of_sign_ups() {
    let app = TestApp::with(two_per_ip).await;
    assert_ok(&sign_up_from(&app, "203.0.113.5", "a@example.com").await);
    assert_ok(&sign_up_from(&app, "203.0.113.5", "b@example.com").await);
    let before = app.footprint().await;
    let third = sign_up_from(&app, "203.0.113.5", "c@example.com").await;
    assert_limited(&app, &third, before, 600).await;
    app.deliver().await;
    assert_eq!(app.mails().len(), 2);
    assert_ok(&sign_up_from(&app, "203.0.113.6", "c@example.com").await);
}

#[rocket::async_test]
async fn ipv6_clients_share_a_bucket_per_64() {
    let app = TestApp::with(two_per_ip).await;
    assert_ok(&sign_up_from(&app, "2001:db8:1:2::1", "a@example.com").await);
    assert_ok(&sign_up_from(&app, "2001:db8:1:2:ffff::9", "b@example.com").await);
    let before = app.footprint().await;
    let same_net = sign_up_from(&app, "2001:db8:1:2:abcd::7", "c@example.com").await;
    assert_limited(&app, &same_net, before, 600).await;
    assert_ok(&sign_up_from(&app, "2001:db8:1:3::1", "c@example.com").await);
}

#[rocket::async_test]
async fn forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = TestApp::with(two_per_ip).await;
    let via = async |forwarded: &str, email: &str| {
        let body = signup_body(email);
        app.post_json_via("203.0.113.5", forwarded, "/auth/signup", &body)
            .await
    };
    assert_ok(&via("198.51.100.1", "a@example.com").await);
    assert_ok(&via("198.51.100.2", "b@example.com").await);
    let before = app.footprint().await;
    let third = via("198.51.100.3", "c@example.com").await;
    assert_limited(&app, &third, before, 600).await;
}

#[rocket::async_test]
async fn a_trusted_proxy_forwards_its_clients_address() {
    let app = TestApp::with(|s| {
        two_per_ip(s);
        s.trusted_proxies = vec![Cidr::parse("10.0.0.0/8").unwrap()];
    })
    .await;
    let via = async |forwarded: &str, email: &str| {
        let body = signup_body(email);
        app.post_json_via("10.0.0.2", forwarded, "/auth/signup", &body)
            .await
    };
    assert_ok(&via("198.51.100.7", "a@example.com").await);
    assert_ok(&via("198.51.100.7", "b@example.com").await);
    let before = app.footprint().await;
    let third = via("198.51.100.7", "c@example.com").await;
    assert_limited(&app, &third, before, 600).await;
    // A forged left-most entry is the client's own invention: the proxy's entry counts.
    let forged = via("1.2.3.4, 198.51.100.7", "d@example.com").await;
    assert_limited(&app, &forged, before, 600).await;
    // Another client behind the same proxy has a bucket of its own.
    assert_ok(&via("198.51.100.8", "c@example.com").await);
    assert_ok(&via("1.2.3.4, 198.51.100.8", "d@example.com").await);
}

/// A proxy such as HAProxy (`option forwardfor`) appends its own `X-Forwarded-For` line after
/// any the client sent; the lines together are one list (RFC 9110, 5.3).
#[rocket::async_test]
async fn a_forwarded_for_line_appended_by_the_proxy_counts() {
    let app = TestApp::with(|s| {
        two_per_ip(s);
        s.trusted_proxies = vec![Cidr::parse("10.0.0.0/8").unwrap()];
    })
    .await;
    let mut replies = Vec::new();
    for n in 1..=3 {
        let request = app.client.post("/auth/signup").remote(peer("10.0.0.2"));
        let request = request
            .header(Header::new("X-Forwarded-For", format!("198.51.100.{n}")))
            .header(Header::new("X-Forwarded-For", "203.0.113.7"))
            .header(ContentType::JSON)
            .header(Accept::JSON);
        let body = signup_body(&format!("user{n}@example.com")).to_string();
        replies.push(app.send(request.body(body)).await);
    }
    assert_ok(&replies[0]);
    assert_ok(&replies[1]);
    replies[2].assert_rate_limited(600);
}

#[rocket::async_test]
async fn an_address_gets_its_count_of_mails_an_hour() {
    let app = TestApp::with(|s| s.limits.email = rate("3/h")).await;
    for n in 1..=3 {
        let reply = sign_up_from(&app, &format!("203.0.113.{n}"), "ada@example.com").await;
        assert_ok(&reply);
    }
    let before = app.footprint().await;
    let fourth = sign_up_from(&app, "203.0.113.4", "ADA@example.com").await;
    assert_limited(&app, &fourth, before, 3600).await;
    assert_ok(&sign_up_from(&app, "203.0.113.4", "bob@example.com").await);
    app.clock.advance(Duration::from_secs(3600));
    assert_ok(&sign_up_from(&app, "203.0.113.5", "ada@example.com").await);
}

#[rocket::async_test]
async fn reset_shares_the_address_count_and_tells_nothing() {
    let app = TestApp::with(|s| {
        s.limits.email = rate("3/h");
        s.reset.enabled = true;
    })
    .await;
    // One sign-up each: ada confirms (a known address), bob never does (unknown).
    app.confirmed_account("ada@example.com", PASSWORD).await;
    assert_ok(&sign_up_from(&app, "203.0.113.9", "bob@example.com").await);
    let mut refusals = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        let body = json!({ "email": email });
        for n in 2..=3 {
            let reply = app
                .post_json_from("203.0.113.5", "/auth/pwreset", &body)
                .await;
            assert_ok(&reply);
            assert_eq!(reply.json(), json!({ "status": "reset_requested" }), "{n}");
        }
        let before = app.footprint().await;
        let resets = app.count("password_resets").await;
        let fourth = app
            .post_json_from("203.0.113.5", "/auth/pwreset", &body)
            .await;
        assert_limited(&app, &fourth, before, 3600).await;
        assert_eq!(app.count("password_resets").await, resets);
        refusals.push((fourth.status, fourth.retry_after, fourth.body));
    }
    assert_eq!(refusals[0], refusals[1], "known and unknown look the same");
    let before = app.footprint().await;
    let sign_up = sign_up_from(&app, "203.0.113.6", "bob@example.com").await;
    assert_limited(&app, &sign_up, before, 3600).await;
}

#[rocket::async_test]
async fn the_server_has_a_mail_budget() {
    let app = TestApp::with(|s| {
        s.limits.mail = rate("2/h");
        s.reset.enabled = true;
    })
    .await;
    assert_ok(&sign_up_from(&app, "203.0.113.1", "a@example.com").await);
    assert_ok(&sign_up_from(&app, "203.0.113.2", "b@example.com").await);
    let before = app.footprint().await;
    let third = sign_up_from(&app, "203.0.113.3", "c@example.com").await;
    assert_limited(&app, &third, before, 3600).await;
    let body = json!({ "email": "a@example.com" });
    let reset = app
        .post_json_from("203.0.113.4", "/auth/pwreset", &body)
        .await;
    assert_limited(&app, &reset, before, 3600).await;
    app.deliver().await;
    assert_eq!(app.mails().len(), 2);
}

#[rocket::async_test]
async fn instances_on_one_database_share_their_counts() {
    let first = TestApp::with(two_per_ip).await;
    let dir = tempfile::tempdir().unwrap();
    let url = first.database_url.clone();
    let second = TestApp::on(dir, url, two_per_ip, |app| app).await;
    assert_ok(&sign_up_from(&first, "203.0.113.5", "a@example.com").await);
    assert_ok(&sign_up_from(&second, "203.0.113.5", "b@example.com").await);
    for app in [&first, &second] {
        let before = app.footprint().await;
        let third = sign_up_from(app, "203.0.113.5", "c@example.com").await;
        assert_limited(app, &third, before, 600).await;
    }
}

#[rocket::async_test]
async fn failed_sign_ins_pause_the_address_known_or_not() {
    let app = TestApp::start().await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    let mut refusals = Vec::new();
    for email in ["ada@example.com", "nobody@example.com"] {
        for n in 1..=10 {
            let reply = app.sign_in(email, "wrong password, sorry").await;
            assert_eq!(
                reply.status,
                Status::Unauthorized,
                "{email} {n}: {}",
                reply.body
            );
        }
        let sessions = app.count("sessions").await;
        let paused = app.sign_in(email, PASSWORD).await;
        paused.assert_rate_limited(15 * 60);
        assert!(paused.set_cookie("doorstep_session").is_none());
        assert_eq!(app.count("sessions").await, sessions, "no session");
        refusals.push((paused.status, paused.retry_after, paused.body));
    }
    assert_eq!(refusals[0], refusals[1], "known and unknown look the same");
    // Other addresses are not paused.
    assert_eq!(
        app.sign_in("carol@example.com", PASSWORD).await.status,
        Status::Unauthorized
    );
    app.clock.advance(Duration::from_secs(15 * 60));
    assert_eq!(
        app.sign_in("ada@example.com", PASSWORD).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn sign_ins_count_against_the_client_address() {
    let app = TestApp::with(two_per_ip).await;
    let body = json!({ "email": "ada@example.com", "password": PASSWORD });
    for _ in 0..2 {
        let reply = app
            .post_json_from("203.0.113.5", "/auth/login", &body)
            .await;
        reply.assert_error(Status::Unauthorized, "invalid_credentials");
    }
    let third = app
        .post_json_from("203.0.113.5", "/auth/login", &body)
        .await;
    third.assert_rate_limited(600);
    // They share the bucket with mail-sending posts.
    let before = app.footprint().await;
    let sign_up = sign_up_from(&app, "203.0.113.5", "bob@example.com").await;
    assert_limited(&app, &sign_up, before, 600).await;
    let other = app
        .post_json_from("203.0.113.6", "/auth/login", &body)
        .await;
    other.assert_error(Status::Unauthorized, "invalid_credentials");
}

/// A stranger's failures pause the stranger, not the owner signing in from elsewhere; only
/// failures from many clients together pause the address for everyone.
#[rocket::async_test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = TestApp::start().await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    let wrong = json!({ "email": "ada@example.com", "password": "wrong password, sorry" });
    for _ in 0..10 {
        let reply = app
            .post_json_from("198.51.100.66", "/auth/login", &wrong)
            .await;
        assert_eq!(reply.status, Status::Unauthorized, "{}", reply.body);
    }
    let stranger = app
        .post_json_from("198.51.100.66", "/auth/login", &wrong)
        .await;
    stranger.assert_rate_limited(15 * 60);
    let right = json!({ "email": "ada@example.com", "password": PASSWORD });
    let owner = app
        .post_json_from("203.0.113.10", "/auth/login", &right)
        .await;
    assert_eq!(owner.status, Status::Ok, "{}", owner.body);

    // Guessing spread over many clients still meets a ceiling for the address.
    for n in 0..100 {
        let from = format!("192.0.2.{}", n % 200 + 1);
        app.post_json_from(&from, "/auth/login", &wrong).await;
    }
    let owner = app
        .post_json_from("203.0.113.10", "/auth/login", &right)
        .await;
    owner.assert_rate_limited(15 * 60);
}
