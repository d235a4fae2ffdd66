//! doorstep served for real: the gate on a loopback port in front of Rocket, for tests that
//! need TCP (deadlines, connection limits, shutdown).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use doorstep::App;
use doorstep::clock::ManualClock;
use doorstep::config::Settings;
use doorstep::gate::{Gate, Limits};
use rocket::Shutdown;
use rocket::figment::Figment;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;

use super::{database_url, figment, settings, start_using, stop_using};

/// Seconds an answered connection may idle, in served tests (Rocket's default is 5).
pub const KEEP_ALIVE: u64 = 1;

/// A served doorstep; shut down when dropped.
pub struct Served {
    pub addr: SocketAddr,
    pub shutdown: Shutdown,
    pub database_url: String,
    running: Option<JoinHandle<Result<(), String>>>,
    _dir: TempDir,
}

impl Served {
    /// The test settings changed by `configure`, the `App` by `customize` (worker off by
    /// default), behind a gate with `limits`.
    pub async fn start(
        limits: Limits,
        configure: impl FnOnce(&mut Settings),
        customize: impl FnOnce(App) -> App,
    ) -> Served {
        doorstep::logging::capture();
        let dir = tempfile::tempdir().unwrap();
        let database_url = database_url(dir.path()).await;
        let mut settings = settings();
        settings.database_url = database_url.clone();
        configure(&mut settings);
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        ));
        let app = App::new(settings)
            .figment(served_figment())
            .clock(clock)
            .worker(false);
        let gate = Gate::bind(customize(app).rocket(), limits).await.unwrap();
        start_using(&database_url);
        let addr = gate.local_addr().unwrap();
        let shutdown = gate.shutdown();
        let running = Some(tokio::spawn(gate.run()));
        Served {
            addr,
            shutdown,
            database_url,
            running,
            _dir: dir,
        }
    }

    /// Shuts down as SIGTERM would and waits until the server has finished.
    pub async fn stop(&mut self) -> Result<(), String> {
        self.shutdown.clone().notify();
        match self.running.take() {
            Some(running) => running.await.unwrap(),
            None => Ok(()),
        }
    }

    /// A new connection to the server.
    pub async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// A new connection from another loopback address, `127.0.0.x`.
    pub async fn connect_from(&self, ip: &str) -> TcpStream {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(format!("{ip}:0").parse().unwrap()).unwrap();
        socket.connect(self.addr).await.unwrap()
    }

    /// One request on a fresh connection that closes after the answer.
    pub async fn exchange(&self, request: &str) -> (u16, String) {
        let mut stream = self.connect().await;
        stream.write_all(request.as_bytes()).await.unwrap();
        read_reply(&mut stream).await.expect("an answer")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.shutdown.clone().notify();
        if let Some(running) = self.running.take() {
            running.abort();
        }
        stop_using(&self.database_url);
    }
}

/// The test Rocket settings on a free port, with a short keep-alive and no signal handlers
/// (the test process's signals are not the server's).
fn served_figment() -> Figment {
    figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("keep_alive", KEEP_ALIVE))
        .merge(("shutdown.ctrlc", false))
        .merge(("shutdown.signals", Vec::<String>::new()))
        .merge(("shutdown.grace", 5))
        .merge(("shutdown.mercy", 1))
}

/// Reads one HTTP/1.1 answer (head, and a body of `content-length`): its status and text.
/// `None` when the connection closes first.
pub async fn read_reply(stream: &mut TcpStream) -> Option<(u16, String)> {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => reply.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&reply).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.ok()?;
    reply.extend(body);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some((status, text))
}

/// How long until the server closes `stream` (reads end), if it does within `wait`; whatever
/// arrives before is discarded.
pub async fn closed_after(stream: &mut TcpStream, wait: Duration) -> Option<Duration> {
    let start = tokio::time::Instant::now();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(wait, async {
        while matches!(stream.read(&mut buf).await, Ok(1..)) {}
    })
    .await
    .ok()?;
    Some(start.elapsed())
}
