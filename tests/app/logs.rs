//! Request ids and logs: every reply names its request, every request has one access line,
//! what a handler logs carries the id, JSON lines are JSON, and bad log settings stop start-up.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::config::{Provider, RemoteCaptcha};
use rocket::http::{Accept, ContentType, Header, Status};
use serde_json::Value;

use crate::support::{Reply, TestApp, signup_body};

/// A marker of this test's own: every test writes to the same captured log.
fn probe(prefix: &str) -> String {
    let bytes = doorstep::random::bytes::<6>();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

async fn get_with_id(app: &TestApp, path: &str, id: &str) -> Reply {
    let request = app
        .client
        .get(path.to_owned())
        .header(Accept::JSON)
        .header(Header::new("X-Request-Id", id.to_owned()));
    app.send(request).await
}

fn is_ours(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn captured_with(id: &str) -> Vec<String> {
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    let marker = format!("request_id={id}");
    lines
        .into_iter()
        .filter(|line| line.ends_with(&marker))
        .collect()
}

#[rocket::async_test]
async fn a_plain_request_id_is_sent_back_and_any_other_replaced() {
    let app = TestApp::start().await;
    let long = "x".repeat(64);
    for id in ["abc-123.X_y", long.as_str()] {
        let reply = get_with_id(&app, "/healthz", id).await;
        assert_eq!(reply.header("X-Request-Id"), Some(id));
    }
    let too_long = "x".repeat(65);
    for id in ["two words", "quote\"d", "<b>", "ünï", too_long.as_str()] {
        let reply = get_with_id(&app, "/healthz", id).await;
        let sent = reply.header("X-Request-Id").unwrap();
        assert!(is_ours(sent), "{id:?} became {sent:?}");
    }
    let first = app.get_json("/healthz").await;
    let second = app.get_json("/healthz").await;
    let (first, second) = (first.header("X-Request-Id"), second.header("X-Request-Id"));
    assert!(first.is_some_and(is_ours) && second.is_some_and(is_ours));
    assert_ne!(first, second);
}

#[rocket::async_test]
async fn error_replies_carry_the_request_id_too() {
    let app = TestApp::with(|settings| settings.reset.enabled = false).await;
    let id = probe("errors");
    let nowhere = get_with_id(&app, "/nowhere", &id).await;
    nowhere.assert_error(Status::NotFound, "not_found");
    assert_eq!(nowhere.header("X-Request-Id"), Some(id.as_str()));
    let closed = app.send(
        app.client
            .post("/auth/pwreset")
            .header(ContentType::JSON)
            .header(Header::new("X-Request-Id", id.clone()))
            .body("{}"),
    );
    let closed = closed.await;
    closed.assert_error(Status::Forbidden, "password_reset_disabled");
    assert_eq!(closed.header("X-Request-Id"), Some(id.as_str()));
    let unsupported = app.send(
        app.client
            .post("/auth/signup")
            .header(ContentType::Plain)
            .header(Accept::JSON)
            .header(Header::new("X-Request-Id", id.clone()))
            .body("hello"),
    );
    let unsupported = unsupported.await;
    unsupported.assert_error(Status::UnsupportedMediaType, "unsupported_media_type");
    assert_eq!(unsupported.header("X-Request-Id"), Some(id.as_str()));
}

#[rocket::async_test]
async fn each_request_has_one_access_line_with_its_route_pattern_and_id() {
    let app = TestApp::start().await;
    let form = probe("form");
    assert_eq!(
        get_with_id(&app, "/auth/signup", &form).await.status,
        Status::Ok
    );
    let lost = probe("lost");
    let secret = probe("secret");
    let path = format!("/nowhere/{secret}?confirm={secret}");
    assert_eq!(
        get_with_id(&app, &path, &lost).await.status,
        Status::NotFound
    );

    let lines = captured_with(&form);
    let access: Vec<_> = lines
        .iter()
        .filter(|line| line.starts_with("INFO  doorstep::access: "))
        .collect();
    assert_eq!(access.len(), 1, "{lines:?}");
    assert!(
        access[0].starts_with("INFO  doorstep::access: GET /auth/signup 200 "),
        "{}",
        access[0]
    );
    assert!(access[0].contains(" ms request_id="), "{}", access[0]);

    let lines = captured_with(&lost);
    let access: Vec<_> = lines
        .iter()
        .filter(|line| line.contains("doorstep::access"))
        .collect();
    assert_eq!(access.len(), 1, "{lines:?}");
    assert!(
        access[0].starts_with("INFO  doorstep::access: GET unmatched 404 "),
        "{}",
        access[0]
    );
    let all = doorstep::logging::capture().lock().unwrap().clone();
    let leaks: Vec<_> = all.iter().filter(|line| line.contains(&secret)).collect();
    assert!(
        leaks.iter().all(|line| !line.contains("doorstep::access")),
        "{leaks:?}"
    );
}

#[rocket::async_test]
async fn what_a_handler_logs_carries_its_request_id() {
    let app = TestApp::with(|settings| {
        settings.captcha.remote = Some(RemoteCaptcha {
            provider: Provider::Recaptcha,
            public_key: "site-key".into(),
            private_key: "secret".into(),
            // Nothing listens there: the verifier logs why it got no answer.
            verify_url: "http://127.0.0.1:1/siteverify".parse().unwrap(),
            min_score: 0.5,
        });
    })
    .await;
    let id = probe("handler");
    let mut body = signup_body("ada@example.com");
    body["grecaptcharesponse"] = Value::from("widget-token");
    let reply = app
        .send(
            app.client
                .post("/auth/signup")
                .header(ContentType::JSON)
                .header(Header::new("X-Request-Id", id.clone()))
                .body(body.to_string()),
        )
        .await;
    reply.assert_error(Status::ServiceUnavailable, "unavailable");
    let lines = captured_with(&id);
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("WARN  doorstep::captcha::remote: captcha verify at")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("doorstep::access: POST /auth/signup 503")),
        "{lines:?}"
    );
}

/// The doorstep binary, run from the repository (for its templates) with no log settings
/// inherited from the environment.
fn doorstep(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_doorstep"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("--config")
        .arg(config);
    for var in [
        "DOORSTEP_LOG",
        "DOORSTEP_LOG_FORMAT",
        "ROCKET_LOG_LEVEL",
        "DOORSTEP_CONFIG",
    ] {
        command.env_remove(var);
    }
    command
}

/// A configuration whose database and mail live in `dir`.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("doorstep.properties");
    std::fs::write(
        &path,
        format!(
            "doorstep.database.url=sqlite://{}/doorstep.db?mode=rwc\ndoorstep.mail.dir={}\n",
            dir.display(),
            dir.join("mail").display()
        ),
    )
    .unwrap();
    path
}

/// Waits for `child` to exit, killing it (and failing) after `within`.
fn finish(mut child: Child, within: Duration) -> Output {
    let deadline = Instant::now() + within;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "still running after {within:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_bad_log_setting_stops_start_up_and_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let ok = doorstep(&config).arg("check-config").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for (var, value, message) in [
        (
            "DOORSTEP_LOG",
            "bogus",
            "DOORSTEP_LOG: \"bogus\" is not a log level (use off, error, warn, info, debug or trace)",
        ),
        (
            "DOORSTEP_LOG_FORMAT",
            "xml",
            "DOORSTEP_LOG_FORMAT: \"xml\" is not a log format (use text or json)",
        ),
        (
            "ROCKET_LOG_LEVEL",
            "loud",
            "ROCKET_LOG_LEVEL: \"loud\" is not a log level (use off, critical, normal or debug",
        ),
    ] {
        for command in ["check-config", "serve"] {
            let child = doorstep(&config)
                .arg(command)
                .env(var, value)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let output = finish(child, Duration::from_secs(30));
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{command} {var}={value}");
            assert!(
                stderr.contains(message),
                "{command} {var}={value}: {stderr}"
            );
        }
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// One HTTP/1.1 GET on a fresh connection; the whole reply as text.
fn http_get(port: u16, path: &str, request_id: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: {request_id}\r\n\
         Accept: application/json\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply)
}

#[test]
fn the_server_writes_json_lines_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = doorstep(&config(dir.path()))
        .arg("serve")
        .env("DOORSTEP_LOG_FORMAT", "json")
        .env("DOORSTEP_LOG", "info")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        // Links name the bound port, so there is nothing to warn about.
        .env("DOORSTEP_BASE_URL", format!("http://127.0.0.1:{port}"))
        // A key of its own: Rocket warns about the well-known one of the other tests.
        .env(
            "ROCKET_SECRET_KEY",
            STANDARD.encode(doorstep::random::bytes::<32>()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = probe("json");
    let deadline = Instant::now() + Duration::from_secs(60);
    let reply = loop {
        match http_get(port, "/healthz", &id) {
            Ok(reply) => break reply,
            Err(_) if Instant::now() < deadline && child.try_wait().unwrap().is_none() => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => {
                let _ = child.kill();
                let output = child.wait_with_output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                panic!("the server did not answer ({err}): {stderr}");
            }
        }
    };
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let echoed = format!("x-request-id: {id}\r\n");
    assert!(reply.to_ascii_lowercase().contains(&echoed), "{reply}");

    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"))
        })
        .collect();
    assert!(lines.len() >= 2, "{stderr}");
    for line in &lines {
        for member in ["ts", "level", "target", "message"] {
            assert!(line[member].is_string(), "{member} missing: {line}");
        }
        let ts = line["ts"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(ts).is_ok() && ts.ends_with('Z'),
            "{line}"
        );
    }
    // A clean start and one request: news, nothing a collector should count as a problem.
    let alarming: Vec<&Value> = lines
        .iter()
        .filter(|line| line["level"] != "info")
        .collect();
    assert!(alarming.is_empty(), "{alarming:?}");
    let access: Vec<&Value> = lines
        .iter()
        .filter(|line| line["target"] == "doorstep::access")
        .collect();
    assert_eq!(access.len(), 1, "{stderr}");
    let access = access[0];
    assert_eq!(access["request_id"], id.as_str());
    assert_eq!(access["level"], "info");
    assert_eq!(access["method"], "GET");
    assert_eq!(access["route"], "/healthz");
    assert_eq!(access["status"], 200);
    assert!(access["duration_ms"].as_f64().is_some(), "{access}");
}
