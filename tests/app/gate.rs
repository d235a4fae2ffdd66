//! The gate over real TCP: slow and idle clients are closed on time, the connection cap makes
//! newcomers wait, oversized heads get doorstep's error shape, and Rocket still sees who asks.

use std::time::Duration;

use doorstep::gate::{Limits, MAX_HEADERS, MAX_REQUEST_LINE};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::time::sleep;

use crate::support::served::{KEEP_ALIVE, Served, closed_after, read_reply};

const HEALTHZ: &str = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

/// Limits with one-second deadlines, so tests wait seconds rather than minutes.
fn quick(max_connections: usize) -> Limits {
    Limits {
        max_connections,
        head: Duration::from_secs(1),
        body_stall: Duration::from_secs(1),
    }
}

async fn served(limits: Limits) -> Served {
    Served::start(limits, |_| {}, |app| app).await
}

fn json_body(reply: &str) -> Value {
    let (_, body) = reply.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap_or_else(|err| panic!("not JSON ({err}): {reply}"))
}

#[rocket::async_test]
async fn a_head_not_complete_within_the_deadline_is_closed() {
    let server = served(quick(16)).await;
    let mut slow = server.connect().await;
    slow.write_all(b"GET /healthz HT").await.unwrap();
    let closed = closed_after(&mut slow, Duration::from_secs(5)).await;
    let closed = closed.expect("a half-sent request line is closed");
    assert!(
        closed >= Duration::from_millis(800),
        "closed early: {closed:?}"
    );

    // A head that keeps trickling in is closed too: the deadline is for the whole head.
    let mut trickle = server.connect().await;
    let start = tokio::time::Instant::now();
    for piece in [
        "GET /healthz",
        " HTTP/1.1\r\n",
        "Host: t\r\n",
        "X-A: 1\r\n",
        "X-B: 2\r\n",
    ] {
        if trickle.write_all(piece.as_bytes()).await.is_err() {
            break;
        }
        sleep(Duration::from_millis(300)).await;
    }
    let closed = closed_after(&mut trickle, Duration::from_secs(5)).await;
    assert!(closed.is_some() && start.elapsed() < Duration::from_secs(4));

    let (status, reply) = server.exchange(HEALTHZ).await;
    assert_eq!(status, 200, "{reply}");
}

#[rocket::async_test]
async fn a_stalled_body_is_closed_but_a_slow_steady_one_is_answered() {
    let server = served(quick(16)).await;
    let body = r#"{"email":"ada@example.com","password":"not the password"}"#;
    let head = format!(
        "POST /auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );

    let mut stalled = server.connect().await;
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&body.as_bytes()[..10]).await.unwrap();
    let closed = closed_after(&mut stalled, Duration::from_secs(5)).await;
    let closed = closed.expect("a stalled body is closed");
    assert!(
        closed >= Duration::from_millis(800),
        "closed early: {closed:?}"
    );

    // Each pause is shorter than the deadline; all of them together are longer.
    let mut steady = server.connect().await;
    steady.write_all(head.as_bytes()).await.unwrap();
    for piece in body.as_bytes().chunks(12) {
        sleep(Duration::from_millis(400)).await;
        steady.write_all(piece).await.unwrap();
    }
    let (status, reply) = read_reply(&mut steady).await.expect("an answer");
    assert_eq!(status, 401, "{reply}");
    assert_eq!(json_body(&reply)["error"], "invalid_credentials");
}

#[rocket::async_test]
async fn an_idle_keep_alive_connection_closes_after_keep_alive() {
    let server = served(Limits::from_settings(&crate::support::settings())).await;
    let mut stream = server.connect().await;
    let request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    // A second request within keep-alive reuses the connection.
    let mut answered = tokio::time::Instant::now();
    for _ in 0..2 {
        sleep(Duration::from_millis(300)).await;
        stream.write_all(request.as_bytes()).await.unwrap();
        let (status, reply) = read_reply(&mut stream).await.expect("an answer");
        assert_eq!(status, 200, "{reply}");
        answered = tokio::time::Instant::now();
    }
    let closed = closed_after(&mut stream, Duration::from_secs(KEEP_ALIVE + 4)).await;
    assert!(closed.is_some(), "an idle connection is closed");
    let idle = answered.elapsed();
    assert!(
        idle >= Duration::from_millis(KEEP_ALIVE * 1000 - 200),
        "closed early: {idle:?}"
    );
}

#[rocket::async_test]
async fn beyond_max_connections_a_client_waits_for_a_free_slot() {
    let server = served(Limits {
        head: Duration::from_secs(30),
        ..quick(2)
    })
    .await;
    let first = server.connect().await;
    let _second = server.connect().await;
    sleep(Duration::from_millis(200)).await;

    let mut third = server.connect().await;
    third.write_all(HEALTHZ.as_bytes()).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(700), read_reply(&mut third)).await;
    assert!(waited.is_err(), "answered beyond the cap: {waited:?}");

    drop(first);
    let answered = tokio::time::timeout(Duration::from_secs(3), read_reply(&mut third)).await;
    let (status, reply) = answered.expect("answered once a slot is free").unwrap();
    assert_eq!(status, 200, "{reply}");
}

#[rocket::async_test]
async fn oversized_request_lines_and_heads_get_the_error_shape() {
    let server = served(quick(16)).await;
    let long_path = format!("/auth/signup?x={}", "a".repeat(MAX_REQUEST_LINE));
    let (status, reply) = server
        .exchange(&format!("GET {long_path} HTTP/1.1\r\nHost: t\r\n\r\n"))
        .await;
    assert_eq!(status, 414, "{reply}");
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    assert_eq!(json_body(&reply)["error"], "uri_too_long");

    let big = format!(
        "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "b".repeat(40_000)
    );
    let (status, reply) = server.exchange(&big).await;
    assert_eq!(status, 431, "{reply}");
    assert_eq!(json_body(&reply)["error"], "headers_too_large");
    assert!(json_body(&reply)["message"].is_string());

    let mut many = "GET /healthz HTTP/1.1\r\nHost: t\r\n".to_owned();
    for n in 0..MAX_HEADERS {
        many.push_str(&format!("X-{n}: 1\r\n"));
    }
    let (status, reply) = server.exchange(&(many + "\r\n")).await;
    assert_eq!(status, 431, "{reply}");
    assert_eq!(json_body(&reply)["error"], "headers_too_large");

    // Just under the limits is served as usual.
    let path = format!("/healthz?x={}", "a".repeat(MAX_REQUEST_LINE - 40));
    let (status, reply) = server
        .exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        ))
        .await;
    assert_eq!(status, 200, "{reply}");
}

#[rocket::async_test]
async fn rate_limits_count_the_client_behind_the_gate() {
    let server = Served::start(
        quick(16),
        |s| s.limits.ip = doorstep::config::Rate::parse("1/1m").unwrap(),
        |app| app,
    )
    .await;
    let body = r#"{"email":"ada@example.com","password":"not the password"}"#;
    let login = format!(
        "POST /auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let from = async |ip: &str| {
        let mut stream = server.connect_from(ip).await;
        stream.write_all(login.as_bytes()).await.unwrap();
        read_reply(&mut stream).await.expect("an answer").0
    };
    assert_eq!(from("127.0.0.2").await, 401);
    assert_eq!(
        from("127.0.0.2").await,
        429,
        "the same client, over its limit"
    );
    assert_eq!(
        from("127.0.0.3").await,
        401,
        "another client has its own limit"
    );
}
