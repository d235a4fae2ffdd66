//! Sign-up throughput against the hashing bound, and how the cheap routes fare meanwhile.
//!
//! `cargo bench --bench signup` prints figures and ratios; it asserts nothing. Runs the real app
//! in-process (Rocket's local client) on a temporary SQLite database with mail kept in memory.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use doorstep::config::Settings;
use doorstep::mail::{MemoryMailbox, Transport};
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;

const SIGNUPS: usize = 64;
const GETS: usize = 400;

fn main() {
    rocket::execute(run());
}

async fn run() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let hash_time = time_one_hash().await;
    let bound = cores as f64 / hash_time.as_secs_f64();
    println!("cores: {cores}");
    println!(
        "argon2id m=19456 t=2 p=1, one hash: {:.1} ms",
        ms(hash_time)
    );
    println!("hashing bound (cores / hash time): {bound:.1} sign-ups/s");

    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults();
    settings.signup.enabled = true;
    settings.email.from = Some("bench <bench@doorstep.test>".parse().unwrap());
    settings.database_url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let figment = rocket::Config::figment()
        .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="))
        .merge(("log_level", "off"));
    let app = doorstep::App::new(settings)
        .figment(figment)
        .transport(Transport::Memory(MemoryMailbox::default()));
    let client = Arc::new(Client::untracked(app.rocket()).await.unwrap());

    let alone = get_latencies(&client, GETS).await;
    println!(
        "GET /auth/signup alone: p50 {:.2} ms, p99 {:.2} ms",
        ms(alone.0),
        ms(alone.1)
    );

    let started = Instant::now();
    let flood = tokio::spawn(sign_ups(client.clone(), SIGNUPS));
    let mut during = Vec::new();
    while !flood.is_finished() {
        during.push(get_latency(&client).await);
    }
    let (accepted, busy) = flood.await.unwrap();
    let during_count = during.len();
    let during = percentiles(during);
    let elapsed = started.elapsed();
    let rate = accepted as f64 / elapsed.as_secs_f64();
    println!(
        "sign-ups: {accepted} accepted, {busy} busy in {:.2} s = {rate:.1}/s, {:.0}% of the hashing bound",
        elapsed.as_secs_f64(),
        100.0 * rate / bound
    );
    println!(
        "GET /auth/signup during the sign-ups ({} requests): p50 {:.2} ms, p99 {:.2} ms",
        during_count,
        ms(during.0),
        ms(during.1)
    );
}

async fn time_one_hash() -> Duration {
    let hasher = doorstep::accounts::password::PasswordHasher::new(1, 1);
    hasher.hash("warm up".into()).await.unwrap();
    let runs = 10;
    let started = Instant::now();
    for _ in 0..runs {
        hasher
            .hash("correct horse battery staple".into())
            .await
            .unwrap();
    }
    started.elapsed() / runs
}

async fn sign_ups(client: Arc<Client>, count: usize) -> (usize, usize) {
    let tasks: Vec<_> = (0..count)
        .map(|n| {
            let client = client.clone();
            tokio::spawn(async move {
                let body = format!(
                    r#"{{"firstname":"Bench","lastname":"Mark","email":"user{n}@example.com","password":"correct horse battery staple"}}"#
                );
                client
                    .post("/auth/signup")
                    .header(ContentType::JSON)
                    .body(body)
                    .dispatch()
                    .await
                    .status()
            })
        })
        .collect();
    let mut accepted = 0;
    let mut busy = 0;
    for task in tasks {
        match task.await.unwrap() {
            Status::Ok => accepted += 1,
            Status::ServiceUnavailable => busy += 1,
            other => panic!("sign-up answered {other}"),
        }
    }
    (accepted, busy)
}

/// p50 and p99 of sequential GETs of the sign-up form.
async fn get_latencies(client: &Client, count: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        times.push(get_latency(client).await);
    }
    percentiles(times)
}

async fn get_latency(client: &Client) -> Duration {
    let started = Instant::now();
    let response = client
        .get("/auth/signup")
        .header(Header::new("Accept", "text/html"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_string().await;
    started.elapsed()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let last = times.len().saturating_sub(1);
    (times[last / 2], times[last * 99 / 100])
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
