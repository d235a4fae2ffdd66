//! The built binary as a process of its own: started on a directory and a port, killed with
//! SIGKILL, started again on the same directory and database.

use std::fs::OpenOptions;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::http;
use crate::support::doorstep;

/// How long a start may take on a loaded machine (migrations included).
const START: Duration = Duration::from_secs(60);

/// One site's configuration: where it listens, its database, its relay and its sender.
pub struct Site {
    pub dir: PathBuf,
    pub port: u16,
    pub database_url: String,
}

impl Site {
    /// A site in `dir` on a free port, with `database_url` (or a SQLite file in `dir`).
    pub fn new(dir: &Path, database_url: Option<&str>) -> Site {
        let sqlite = format!("sqlite://{}/doorstep.db?mode=rwc", dir.display());
        Site {
            dir: dir.to_owned(),
            port: free_port(),
            database_url: database_url.map_or(sqlite, str::to_owned),
        }
    }

    /// Writes `doorstep.properties`: sign-up on, mail by plain SMTP to the relay on loopback
    /// `relay`, sent from `sender`, and rate limits out of the way of a flood.
    pub fn configure(&self, relay: u16, sender: &str) {
        let properties = format!(
            "doorstep.base-url=http://127.0.0.1:{port}\n\
             doorstep.database.url={database}\n\
             doorstep.auth.signup=on\n\
             doorstep.auth.email.from=doorstep <{sender}>\n\
             doorstep.mail.transport=smtp\n\
             doorstep.smtp.host=127.0.0.1\n\
             doorstep.smtp.port={relay}\n\
             doorstep.smtp.security=none\n\
             doorstep.ratelimit.ip=100000/1m\n\
             doorstep.ratelimit.email=100000/1m\n\
             doorstep.ratelimit.mail=100000/1m\n",
            port = self.port,
            database = self.database_url,
        );
        std::fs::write(self.dir.join("doorstep.properties"), properties).unwrap();
    }
}

/// A running doorstep process; killed when dropped, passed or failed.
pub struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts the binary in the site's directory and waits until `/healthz` answers 200.
    /// Its log is appended to `server.log` there, so a restart keeps the earlier one.
    pub fn start(site: &Site) -> Server {
        let log = site.dir.join("server.log");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let port = site.port.to_string();
        let env = [
            ("ROCKET_ADDRESS", "127.0.0.1"),
            ("ROCKET_PORT", port.as_str()),
        ];
        let child = doorstep(&site.dir, &[], &env)
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut server = Server { child, log };
        let deadline = Instant::now() + START;
        while http::get(site.port, "/healthz").is_none_or(|answer| answer.status != 200) {
            let exited = server.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "doorstep did not become healthy ({exited:?}):\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// SIGKILL: no shutdown, no grace, nothing flushed but what the database had committed.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// What the process has logged so far (with its earlier runs on the same site).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
