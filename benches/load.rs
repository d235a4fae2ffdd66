//! Load benchmark: the real server on loopback, driven over HTTP.
//!
//! `cargo bench --bench load` starts the `doorstep` binary on a free loopback port with a
//! temporary database, then prints: one argon2id hash, sign-ups/s against the hashing bound
//! (cores ÷ hash time), form GET p50/p99 alone and during a sign-up flood of ten times the
//! bound, captcha images/s, confirmations/s by link and by code (and their ratio), and idle
//! and peak RSS. Figures, not pass/fail.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use support::Server;

const FLOOD_SECONDS: u64 = 4;

fn main() {
    // reqwest is built without a bundled crypto provider (see Cargo.toml).
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap().block_on(run());
}

async fn run() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let hash = time_one_hash().await;
    let bound = cores as f64 / hash.as_secs_f64();
    println!("cores: {cores}");
    println!("argon2id m=19456 t=2 p=1, one hash: {:.1} ms", ms(hash));
    println!("hashing bound (cores / hash time): {bound:.1} sign-ups/s");

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), "").await;
    let client = reqwest::Client::builder().build().unwrap();
    println!("idle RSS: {:.1} MB", server.rss_mb("VmRSS"));

    let alone = form_latencies(&client, &server.url, None).await;
    println!(
        "GET /auth/signup alone: p50 {:.2} ms, p99 {:.2} ms ({} requests)",
        ms(alone.0),
        ms(alone.1),
        alone.2
    );

    // Just what the hashing pool can take, with nothing else going on.
    let offered = (bound * 1.2) as usize * FLOOD_SECONDS as usize;
    let (accepted, busy) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let started = Instant::now();
    flood(
        client.clone(),
        server.url.clone(),
        offered,
        accepted.clone(),
        busy.clone(),
    )
    .await;
    let rate = accepted.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!(
        "sign-ups offered at 1.2x the bound, nothing else running: {rate:.1}/s = {:.0}% of the bound ({} busy)",
        100.0 * rate / bound,
        busy.load(Ordering::Relaxed)
    );

    // Ten times what the hashing pool can take, for a few seconds.
    let offered = (bound * 10.0) as usize * FLOOD_SECONDS as usize;
    let accepted = Arc::new(AtomicUsize::new(0));
    let busy = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let flood = tokio::spawn(flood(
        client.clone(),
        server.url.clone(),
        offered,
        accepted.clone(),
        busy.clone(),
    ));
    let during = form_latencies(&client, &server.url, Some(&flood)).await;
    flood.await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let accepted = accepted.load(Ordering::Relaxed);
    let rate = accepted as f64 / elapsed;
    println!(
        "sign-up flood: {offered} offered in {elapsed:.1} s, {accepted} accepted, {} busy (503)",
        busy.load(Ordering::Relaxed)
    );
    println!(
        "sign-ups: {rate:.1}/s = {:.0}% of the hashing bound",
        100.0 * rate / bound
    );
    println!(
        "GET /auth/signup during the flood: p50 {:.2} ms, p99 {:.2} ms ({} requests)",
        ms(during.0),
        ms(during.1),
        during.2
    );

    println!("peak RSS after the flood: {:.1} MB", server.rss_mb("VmHWM"));
    confirmations(&client, &server.url, &dir.path().join("mail")).await;
    println!("peak RSS: {:.1} MB", server.rss_mb("VmHWM"));
    drop(server);

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), "doorstep.auth.captcha.image=on\n").await;
    captcha_images(&client, &server.url).await;
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

/// Sequential form GETs: 500 of them, or for as long as `while_running` runs.
async fn form_latencies(
    client: &reqwest::Client,
    url: &str,
    while_running: Option<&tokio::task::JoinHandle<()>>,
) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    loop {
        match while_running {
            Some(task) if task.is_finished() => break,
            None if times.len() >= 500 => break,
            _ => {}
        }
        let started = Instant::now();
        let response = client
            .get(format!("{url}/auth/signup"))
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    let last = times.len().saturating_sub(1);
    (times[last / 2], times[last * 99 / 100], times.len())
}

async fn flood(
    client: reqwest::Client,
    url: String,
    offered: usize,
    accepted: Arc<AtomicUsize>,
    busy: Arc<AtomicUsize>,
) {
    let in_flight = Arc::new(Semaphore::new(256));
    let interval = Duration::from_secs(FLOOD_SECONDS).as_secs_f64() / offered.max(1) as f64;
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(offered);
    for n in 0..offered {
        let due = started + Duration::from_secs_f64(interval * n as f64);
        tokio::time::sleep_until(due.into()).await;
        let permit = in_flight.clone().acquire_owned().await.unwrap();
        let (client, url, accepted, busy) =
            (client.clone(), url.clone(), accepted.clone(), busy.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({
                "firstname": "Bench", "lastname": "Mark",
                "email": format!("user{n}-{}@example.com", crate::random_suffix()),
                "password": "correct horse battery staple",
            });
            let status = client
                .post(format!("{url}/auth/signup"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status();
            match status.as_u16() {
                200 => accepted.fetch_add(1, Ordering::Relaxed),
                503 => busy.fetch_add(1, Ordering::Relaxed),
                other => panic!("sign-up answered {other}"),
            };
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

async fn captcha_images(client: &reqwest::Client, url: &str) {
    let count = 200;
    let started = Instant::now();
    let mut bytes = 0;
    for n in 0..count {
        let forwarded = format!("198.51.100.{}", n % 250);
        let challenge: serde_json::Value = client
            .get(format!("{url}/auth/captcha"))
            .header("X-Forwarded-For", &forwarded)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let image = challenge["image"].as_str().unwrap().to_owned();
        let png = client
            .get(image)
            .header("X-Forwarded-For", &forwarded)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        bytes += png.len();
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    println!(
        "captcha images: {rate:.0}/s (one client at a time), {} bytes each on average",
        bytes / count
    );
}

/// Confirms the flood's sign-ups, half by their links and half by address and code, and
/// prints both rates and their ratio: a code costs a few more statements than a link (the
/// day's failures, a decoy upsert, the try taken) before the same confirmation.
async fn confirmations(client: &reqwest::Client, url: &str, mail: &Path) {
    // The worker writes mails in the background; give it a moment to catch up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut mails: Vec<Mailed> = std::fs::read_dir(mail)
        .map(|dir| {
            dir.filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
                .filter_map(|raw| Mailed::read(&raw))
                .collect()
        })
        .unwrap_or_default();
    let by_code = mails.split_off(mails.len() / 2);
    let links = mails.iter().map(|mailed| {
        client
            .get(format!("{url}/auth/signup?confirm={}", mailed.token))
            .header("Accept", "application/json")
    });
    let (confirmed, seconds) = confirm_all(links).await;
    let link_rate = confirmed as f64 / seconds;
    println!("confirmations by link: {confirmed} in {seconds:.2} s = {link_rate:.0}/s");
    let codes = by_code.iter().map(|mailed| {
        let body = serde_json::json!({ "email": mailed.email, "code": mailed.code });
        client
            .post(format!("{url}/auth/signup/confirm"))
            .json(&body)
    });
    let (confirmed, seconds) = confirm_all(codes).await;
    let code_rate = confirmed as f64 / seconds;
    println!("confirmations by code: {confirmed} in {seconds:.2} s = {code_rate:.0}/s");
    println!(
        "code / link confirmation rate: {:.2}",
        code_rate / link_rate.max(f64::MIN_POSITIVE)
    );
}

/// Sends every request at once; how many succeeded, and in how many seconds.
async fn confirm_all(requests: impl Iterator<Item = reqwest::RequestBuilder>) -> (usize, f64) {
    let started = Instant::now();
    let tasks: Vec<_> = requests
        .map(|request| {
            let request = request.send();
            tokio::spawn(async move {
                request
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            })
        })
        .collect();
    let mut confirmed = 0;
    for task in tasks {
        confirmed += usize::from(task.await.unwrap());
    }
    (confirmed, started.elapsed().as_secs_f64())
}

/// What a confirmation mail gives: its link's token, its address and its code.
struct Mailed {
    token: String,
    email: String,
    code: String,
}

impl Mailed {
    fn read(raw: &str) -> Option<Mailed> {
        let joined = raw.replace("=\r\n", "").replace("=\n", "");
        let to = joined.lines().find_map(|line| line.strip_prefix("To: "))?;
        let email = match to.split_once('<') {
            Some((_, rest)) => rest.trim_end_matches('>').to_owned(),
            None => to.trim().to_owned(),
        };
        let code = joined
            .lines()
            .map(str::trim)
            .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))?
            .to_owned();
        Some(Mailed {
            token: token(raw)?,
            email,
            code,
        })
    }
}

/// The confirmation token of a quoted-printable mail.
fn token(raw: &str) -> Option<String> {
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

/// Keeps addresses distinct between the two floods.
fn random_suffix() -> u32 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed) as u32
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
