//! What a Bearer token costs: `GET /auth/me` with `Authorization: Bearer` beside the
//! unauthenticated form `GET /auth/signup`.
//!
//! `cargo bench --bench bearer` starts the release binary on loopback, signs one account up
//! and in (the confirmation link read from the mail file), then drives both routes from
//! `CLIENTS` keep-alive connections in alternating rounds (so that a noisy neighbour hurts both
//! alike) and prints each route's requests per second and their ratio (the aim: the Bearer
//! read within 80 % of the form). Under a minute; figures, not pass/fail.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use support::Server;

/// Concurrent clients, each with its own connection.
const CLIENTS: usize = 16;
const WARM_UP: Duration = Duration::from_secs(2);
const ROUND: Duration = Duration::from_secs(5);
/// Rounds per route, alternating.
const ROUNDS: usize = 4;
const PASSWORD: &str = "correct horse battery staple";

fn main() {
    // reqwest is built without a bundled crypto provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), "").await;
    let token = signed_in(&server.url, &dir.path().join("mail")).await;
    let clients: Arc<Vec<reqwest::Client>> = Arc::new(
        (0..CLIENTS)
            .map(|_| reqwest::Client::builder().build().unwrap())
            .collect(),
    );
    let form = Route {
        url: format!("{}/auth/signup", server.url),
        accept: "text/html",
        authorization: None,
    };
    let me = Route {
        url: format!("{}/auth/me", server.url),
        accept: "application/json",
        authorization: Some(format!("Bearer {token}")),
    };
    println!(
        "{CLIENTS} clients, {ROUNDS} rounds of {} s per route, alternating",
        ROUND.as_secs()
    );
    for route in [&form, &me] {
        throughput(&clients, route, WARM_UP).await;
    }
    let (mut served_form, mut served_me) = (0.0, 0.0);
    for round in 1..=ROUNDS {
        let rate_form = throughput(&clients, &form, ROUND).await;
        let rate_me = throughput(&clients, &me, ROUND).await;
        println!("round {round}: form {rate_form:.0}/s, Bearer /auth/me {rate_me:.0}/s");
        served_form += rate_form;
        served_me += rate_me;
    }
    let (rate_form, rate_me) = (served_form / ROUNDS as f64, served_me / ROUNDS as f64);
    println!("GET /auth/signup (no credential): {rate_form:.0} requests/s");
    println!("GET /auth/me (Bearer token):      {rate_me:.0} requests/s");
    println!(
        "Bearer / form:                    {:.1} %",
        100.0 * rate_me / rate_form
    );
    println!("server RSS: {:.1} MB", server.rss_mb("VmRSS"));
}

/// Signs an account up, confirms it from the mail file, signs in: the Bearer token.
async fn signed_in(url: &str, mail: &std::path::Path) -> String {
    let client = reqwest::Client::new();
    let email = "bench@example.com";
    let signup = json!({"firstname": "Ada", "lastname": "Lovelace", "email": email,
        "password": PASSWORD});
    let reply = client
        .post(format!("{url}/auth/signup"))
        .json(&signup)
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_success(), "sign-up: {}", reply.status());
    let deadline = Instant::now() + Duration::from_secs(30);
    let link = loop {
        let found = std::fs::read_dir(mail).ok().and_then(|dir| {
            dir.filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
                .find_map(|raw| confirmation_token(&raw))
        });
        if let Some(token) = found {
            break token;
        }
        assert!(Instant::now() < deadline, "no confirmation mail");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let confirmed = client
        .get(format!("{url}/auth/signup?confirm={link}"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(
        confirmed.status().is_success(),
        "confirm: {}",
        confirmed.status()
    );
    let reply: serde_json::Value = client
        .post(format!("{url}/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["token"].as_str().expect("a token").to_owned()
}

/// The confirmation token of a quoted-printable mail.
fn confirmation_token(raw: &str) -> Option<String> {
    let joined = raw
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = joined.find("confirm=")? + "confirm=".len();
    Some(
        joined[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect(),
    )
}

struct Route {
    url: String,
    accept: &'static str,
    authorization: Option<String>,
}

/// Requests per second of `route` from every client at once, for `length`.
async fn throughput(clients: &Arc<Vec<reqwest::Client>>, route: &Route, length: Duration) -> f64 {
    let served = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients.len())
        .map(|n| {
            let (clients, served, stop) = (clients.clone(), served.clone(), stop.clone());
            let (url, accept) = (route.url.clone(), route.accept);
            let authorization = route.authorization.clone();
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let mut request = clients[n].get(&url).header("Accept", accept);
                    if let Some(value) = &authorization {
                        request = request.header("Authorization", value);
                    }
                    let response = request.send().await.unwrap();
                    assert!(response.status().is_success(), "{}", response.status());
                    response.bytes().await.unwrap();
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(length).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.unwrap();
    }
    served.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}
