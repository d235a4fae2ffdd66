//! `doorstep invite` and `doorstep tokens …` through the built binary, on the database a
//! running doorstep uses.

use std::path::Path;
use std::time::Duration;

use doorstep::clock::Clock as _;

use rocket::http::Status;
use serde_json::{Value, json};

use crate::invitations::invitation_token;
use crate::support::{TestApp, database_url, doorstep, signup_body};

/// What one run of the binary said.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Ran {
    let mut all = vec!["--config", "site.properties"];
    all.extend_from_slice(args);
    let output = doorstep(dir, &all, &[]).output().unwrap();
    Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let ran = run(dir, args);
    assert_eq!(ran.code, 0, "{args:?}: {}{}", ran.stdout, ran.stderr);
    ran.stdout
}

#[track_caller]
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let ran = run(dir, args);
    assert_eq!(ran.code, code, "{args:?}: {}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    ran.stderr
}

/// An invite-only doorstep, and the properties file the binary reads, on one database.
async fn started() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    std::fs::write(
        dir.path().join("site.properties"),
        format!(
            "doorstep.database.url={url}\n\
             doorstep.auth.signup=invite-only\n\
             doorstep.auth.email.from=doorstep <signup@doorstep.test>\n"
        ),
    )
    .unwrap();
    let app = TestApp::on(dir, url, |s| s.signup.invite_only = true, |app| app).await;
    // The binary reads the real clock: the app's must not lag behind it.
    let behind = chrono::Utc::now() - app.clock.now();
    if let Ok(behind) = behind.to_std() {
        app.clock.advance(behind + Duration::from_secs(1));
    }
    app
}

#[rocket::async_test]
async fn tokens_are_made_listed_used_and_revoked_from_the_command_line() {
    let app = started().await;
    let dir = app.dir.path();
    let made: Value = serde_json::from_str(&ok(
        dir,
        &[
            "tokens",
            "create",
            "--uses",
            "2",
            "--expires",
            "7d",
            "--json",
        ],
    ))
    .unwrap();
    let token = made["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    assert_eq!(made["uses"], 2);
    assert!(made["expires_at"].as_str().unwrap().ends_with('Z'));
    let plain = ok(dir, &["tokens", "create"]);
    let second = plain.trim().to_owned();
    assert_eq!(second.len(), 43, "{plain}");

    let mut body = signup_body("ada@example.com");
    body["registration_token"] = json!(token);
    let reply = app.post_json("/auth/signup", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);

    let listed: Value = serde_json::from_str(&ok(dir, &["tokens", "list", "--json"])).unwrap();
    let first = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["label"] == token[..8])
        .unwrap();
    assert_eq!(first["uses"], 2);
    assert_eq!(first["uses_left"], 1);
    assert!(!listed.to_string().contains(&token));
    let table = ok(dir, &["tokens", "list"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["LABEL", "USES", "LEFT", "EXPIRES", "CREATED"]);
    assert!(table.contains(&format!("{}  1/2", &token[..8])), "{table}");

    // Revoked by its label, or by the whole token.
    assert_eq!(
        ok(dir, &["tokens", "revoke", &token[..8]]),
        format!("{}: revoked\n", &token[..8])
    );
    assert_eq!(
        ok(dir, &["tokens", "revoke", &second]),
        format!("{}: revoked\n", &second[..8])
    );
    let reply = app.post_json("/auth/signup", &body).await;
    reply.assert_error(Status::Forbidden, "invitation_required");
    assert_eq!(ok(dir, &["tokens", "list", "--json"]), "[]\n");

    let refused = fails(dir, &["tokens", "revoke", &token[..8]], 1);
    assert!(refused.contains("no such token"), "{refused}");
    assert_eq!(refused.lines().count(), 1);
    let refused = fails(dir, &["tokens", "revoke", "short"], 1);
    assert!(refused.contains("label"), "{refused}");
    for usage in [
        &["tokens", "create", "--uses", "0"][..],
        &["tokens", "create", "--expires", "forever"],
        &["tokens", "revoke"],
        &["tokens"],
        &["tokens", "list", "extra"],
    ] {
        let said = fails(dir, usage, 2);
        assert!(said.contains("usage"), "{usage:?}: {said}");
    }
}

#[rocket::async_test]
async fn operators_invite_from_the_command_line() {
    let app = started().await;
    let dir = app.dir.path();
    let said = ok(
        dir,
        &[
            "invite",
            "grace@example.com",
            "--firstname",
            "Grace",
            "--lastname",
            "Hopper",
        ],
    );
    assert!(
        said.starts_with(
            "grace@example.com: invitation 1 queued for mailing; its link works until "
        ),
        "{said}"
    );
    let invited: Value =
        serde_json::from_str(&ok(dir, &["invite", "hedy@example.com", "--json"])).unwrap();
    assert_eq!(invited["email"], "hedy@example.com");
    assert_eq!(invited["status"], "pending");
    assert_eq!(invited["id"], 2);

    app.deliver().await;
    let mail = app
        .mails()
        .into_iter()
        .find(|mail| mail.to == ["grace@example.com"])
        .unwrap();
    assert!(mail.subject().contains("You are invited"), "{}", mail.raw);
    let token = invitation_token(&mail).unwrap();
    let body = json!({
        "invitation": token, "firstname": "Grace", "lastname": "Hopper",
        "password": "correct horse battery staple",
    });
    let reply = app.post_json("/auth/signup", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert!(
        app.signs_in("grace@example.com", "correct horse battery staple")
            .await
    );

    let refused = fails(dir, &["invite", "not-an-address"], 1);
    assert!(refused.contains("not an email address"), "{refused}");
    let said = fails(dir, &["invite"], 2);
    assert!(said.contains("usage"), "{said}");
    let said = fails(dir, &["invite", "a@example.com", "--firstname"], 2);
    assert!(said.contains("--firstname needs a value"), "{said}");
}
