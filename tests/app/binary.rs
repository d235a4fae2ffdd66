//! The built binary on its own: started in an empty directory, it serves its pages and
//! stylesheet and sends mail, with nothing from the checkout beside it.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::doorstep;

/// Stops the server when the test ends, passed or failed.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange on a fresh connection: the status and the whole reply as text.
fn exchange(port: u16, request: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request.as_bytes())?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok((status, reply))
}

fn get(port: u16, path: &str, accept: &str) -> (u16, String) {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    );
    exchange(port, &request).unwrap()
}

fn post_json(port: u16, path: &str, body: &str) -> (u16, String) {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(port, &request).unwrap()
}

/// Waits until `/healthz` answers 200, failing with the server's log if it never does.
fn wait_until_healthy(port: u16, server: &mut Running, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if matches!(exchange(port, request), Ok((200, _))) {
            return;
        }
        let exited = server.0.try_wait().unwrap();
        if exited.is_some() || Instant::now() > deadline {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("doorstep did not become healthy ({exited:?}):\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `.eml` files written so far, as they are on disk: a link in them works as copied.
fn mails(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect()
}

#[test]
fn the_binary_serves_pages_styles_and_mail_from_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(
        dir.path().join("site.properties"),
        format!(
            "doorstep.base-url=http://127.0.0.1:{port}\n\
             doorstep.auth.signup=on\n\
             doorstep.auth.email.from=doorstep <signup@example.org>\n\
             doorstep.mail.transport=file\n"
        ),
    )
    .unwrap();
    let (_server, log) = start(dir.path(), port, &[("DOORSTEP_CONFIG", "site.properties")]);

    let (status, page) = get(port, "/auth/signup", "text/html");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<form method=\"post\""), "{page}");
    assert!(page.contains("name=\"email\""), "{page}");

    let (status, css) = get(port, "/static/doorstep.css", "text/css");
    assert_eq!(status, 200, "{css}");
    assert!(
        css.to_ascii_lowercase().contains("content-type: text/css"),
        "{css}"
    );
    assert!(css.contains(":root {"), "{css}");

    let body = r#"{"firstname":"Ada","lastname":"Lovelace","email":"ada@example.com",
                   "password":"correct horse battery staple"}"#;
    let (status, reply) = post_json(port, "/auth/signup", body);
    assert_eq!(status, 200, "{reply}");
    assert!(reply.contains("confirmation_sent"), "{reply}");

    // The default mail directory, var/mail, is below the working directory. A file is
    // written in pieces, so it is read until it holds the link.
    let mail_dir = dir.path().join("var/mail");
    let link = format!("http://127.0.0.1:{port}/auth/signup?confirm=");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !mails(&mail_dir).iter().any(|mail| mail.contains(&link)) {
        assert!(
            Instant::now() < deadline,
            "no mail with {link} in {mail_dir:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(mails(&mail_dir)[0].contains("To: \"Ada Lovelace\" <ada@example.com>"));
    assert!(dir.path().join("var/secret.key").exists());
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(!said.contains("links in mails lead to"), "{said}");
}

#[test]
fn a_port_changed_without_base_url_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(dir.path().join("doorstep.properties"), "").unwrap();
    let (_server, log) = start(dir.path(), port, &[]);
    let warning = format!(
        "doorstep.base-url is http://127.0.0.1:8000/ but the server listens on port {port}: \
         links in mails lead to port 8000."
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let said = std::fs::read_to_string(&log).unwrap();
        if said.contains(&warning) {
            break;
        }
        assert!(Instant::now() < deadline, "no warning in:\n{said}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The binary serving from `dir` on `port`, healthy, its log going to `dir/server.log`.
fn start(dir: &Path, port: u16, env: &[(&str, &str)]) -> (Running, PathBuf) {
    let log = dir.join("server.log");
    let port = port.to_string();
    let mut env = env.to_vec();
    env.extend([
        ("ROCKET_ADDRESS", "127.0.0.1"),
        ("ROCKET_PORT", port.as_str()),
    ]);
    let child = doorstep(dir, &[], &env)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut server = Running(child);
    let port = port.parse().unwrap();
    wait_until_healthy(port, &mut server, &log);
    (server, log)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
