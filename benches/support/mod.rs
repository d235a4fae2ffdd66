//! The release binary as the benchmarks run it: on a free loopback port, with a temporary
//! database, stopped when dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// Sign-up on, mail to files, limits out of the way; `extra` properties lines are added
    /// last, so they override these.
    pub async fn start(dir: &Path, extra: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.join("doorstep.properties");
        std::fs::write(
            &config,
            format!(
                "doorstep.base-url=http://127.0.0.1:{port}\n\
                 doorstep.database.url=sqlite://{db}?mode=rwc\n\
                 doorstep.auth.signup=on\n\
                 doorstep.auth.email.from=bench@doorstep.test\n\
                 doorstep.auth.captcha.image=off\n\
                 doorstep.mail.transport=file\n\
                 doorstep.mail.dir={mail}\n\
                 doorstep.ratelimit.ip=1000000/1m\n\
                 doorstep.ratelimit.email=1000000/1m\n\
                 doorstep.ratelimit.mail=1000000/1m\n\
                 # Images are limited per client: the benchmark speaks for many clients.\n\
                 doorstep.trusted-proxies=127.0.0.1\n\
                 {extra}",
                db = dir.join("bench.db").display(),
                mail = dir.join("mail").display(),
            ),
        )
        .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_doorstep"))
            .arg("--config")
            .arg(&config)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("ROCKET_PORT", port.to_string())
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .env(
                "ROCKET_SECRET_KEY",
                "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk=",
            )
            .env("DOORSTEP_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while reqwest::get(format!("{url}/healthz")).await.is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server { child, url }
    }

    /// A memory figure of the server process from `/proc` (`VmRSS`, `VmHWM`), in MB.
    pub fn rss_mb(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kb: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        kb / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
