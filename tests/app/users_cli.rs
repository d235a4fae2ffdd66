//! `doorstep users …` and `doorstep audit` through the built binary, on the database a
//! running doorstep uses (SQLite, or PostgreSQL when `DOORSTEP_TEST_DATABASE_URL` is set).

use std::path::Path;
use std::time::Duration;

use doorstep::clock::Clock as _;
use doorstep::entities::account::State;
use doorstep::entities::outbox;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::support::{TestApp, database_url, doorstep, signup_body};

const PASSWORD: &str = "correct horse battery staple";

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

/// Runs and expects exit 0.
#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    let ran = run(dir, args);
    assert_eq!(ran.code, 0, "{args:?}: {}{}", ran.stdout, ran.stderr);
    ran.stdout
}

/// Runs and expects a refusal: exit 1 and one line on stderr.
#[track_caller]
fn refused(dir: &Path, args: &[&str]) -> String {
    let ran = run(dir, args);
    assert_eq!(ran.code, 1, "{args:?}: {}{}", ran.stdout, ran.stderr);
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    ran.stderr
}

/// A doorstep with approval for everyone, and the properties file the binary reads, on the
/// same database.
async fn started() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    std::fs::write(
        dir.path().join("site.properties"),
        format!(
            "doorstep.database.url={url}\n\
             doorstep.auth.signup=on\n\
             doorstep.auth.signup.approval=all\n\
             doorstep.auth.password-reset=on\n\
             doorstep.auth.email.from=doorstep <signup@doorstep.test>\n"
        ),
    )
    .unwrap();
    let app = TestApp::on(
        dir,
        url,
        |s| {
            s.approval.mode = doorstep::config::ApprovalMode::All;
            s.reset.enabled = true;
        },
        |app| app,
    )
    .await;
    // The binary reads the real clock: the app's must not lag behind it.
    let behind = chrono::Utc::now() - app.clock.now();
    if let Ok(behind) = behind.to_std() {
        app.clock.advance(behind + Duration::from_secs(1));
    }
    app
}

/// Signs up and confirms: the account then waits for approval.
async fn waiting(app: &TestApp, email: &str) -> String {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    let before = app.mails().len();
    app.deliver().await;
    let token = app.mails_since(before)[0].token().unwrap();
    let reply = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(reply.json()["status"], "pending_approval", "{}", reply.body);
    handle
}

/// The kinds of letters queued for `to`.
async fn letters_to(app: &TestApp, to: &str) -> Vec<String> {
    outbox::Entity::find()
        .filter(outbox::Column::Recipient.contains(to))
        .order_by_asc(outbox::Column::Id)
        .all(&app.state().accounts.db)
        .await
        .unwrap()
        .into_iter()
        .map(|letter| letter.kind)
        .collect()
}

#[rocket::async_test]
async fn operators_approve_reject_and_list_waiting_accounts() {
    let app = started().await;
    let dir = app.dir.path();
    let ada = waiting(&app, "ada@example.com").await;
    let grace = waiting(&app, "grace@example.com").await;

    let table = ok(dir, &["users", "list"]);
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "ID", "EMAIL", "USERNAME", "NAME", "ROLE", "STATE", "CREATED"
        ]
    );
    let first = lines.next().unwrap();
    assert!(first.contains("ada@example.com"), "{table}");
    assert!(
        first.contains("Ada Lovelace  member  pending_approval"),
        "{table}"
    );
    assert_eq!(lines.count(), 1, "{table}");

    let listed: Value = serde_json::from_str(&ok(
        dir,
        &["users", "list", "--state", "pending_approval", "--json"],
    ))
    .unwrap();
    let emails: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ada@example.com", "grace@example.com"]);
    assert_eq!(listed[0]["role"], "member");
    assert_eq!(listed[0]["firstname"], "Ada");

    let said = ok(dir, &["users", "approve", "ada@example.com"]);
    assert_eq!(said, "ada@example.com: approved; its owner is mailed\n");
    assert_eq!(
        letters_to(&app, "ada@example.com").await.last().unwrap(),
        "account_approved"
    );
    assert_eq!(
        app.sign_in("ada@example.com", PASSWORD).await.status,
        Status::Ok
    );
    let status = app.get_json(&format!("/auth/signup/status/{ada}")).await;
    assert_eq!(status.json(), json!({ "status": "finished" }));
    let again = refused(dir, &["users", "approve", "ada@example.com"]);
    assert_eq!(
        again,
        "ada@example.com: the account is not waiting for approval\n"
    );

    let said = ok(dir, &["users", "reject", "Grace@EXAMPLE.com"]);
    assert_eq!(
        said,
        "grace@example.com: rejected and deleted; its owner is mailed\n"
    );
    assert_eq!(
        letters_to(&app, "grace@example.com").await.last().unwrap(),
        "account_rejected"
    );
    let status = app.get_json(&format!("/auth/signup/status/{grace}")).await;
    assert_eq!(status.json(), json!({ "status": "rejected" }));
    let gone = refused(dir, &["users", "show", "grace@example.com"]);
    assert_eq!(gone, "grace@example.com: no such account\n");
    assert!(
        ok(dir, &["users", "list", "--state", "pending_approval"])
            .lines()
            .count()
            == 1
    );
}

#[rocket::async_test]
async fn operators_manage_roles_states_and_new_accounts() {
    let app = started().await;
    let dir = app.dir.path();
    waiting(&app, "ada@example.com").await;
    ok(dir, &["users", "approve", "ada@example.com"]);

    assert_eq!(
        ok(dir, &["users", "set-role", "ada@example.com", "admin"]),
        "ada@example.com: admin\n"
    );
    let last = refused(dir, &["users", "disable", "ada@example.com"]);
    assert!(last.contains("last active admin"), "{last}");
    refused(dir, &["users", "set-role", "ada@example.com", "member"]);
    refused(dir, &["users", "delete", "ada@example.com"]);

    // A new account: the printed link sets its password through the reset page.
    let said = ok(
        dir,
        &["users", "create", "bob@example.com", "--role", "inviter"],
    );
    let mut lines = said.lines();
    assert_eq!(
        lines.next().unwrap(),
        "bob@example.com: created as inviter; its owner sets a password here (once, within 24h):"
    );
    let link = lines.next().unwrap();
    let token = link
        .strip_prefix("http://127.0.0.1:8000/auth/pwreset?confirm=")
        .unwrap_or_else(|| panic!("{said}"));
    app.sign_in("bob@example.com", "")
        .await
        .assert_error(Status::BadRequest, "invalid_request");
    app.sign_in("bob@example.com", "anything at all here")
        .await
        .assert_error(Status::Unauthorized, "invalid_credentials");
    let body = json!({ "token": token, "password": "a quite secret passphrase" });
    let set = app.post_json("/auth/pwreset/confirm", &body).await;
    assert_eq!(set.status, Status::Ok, "{}", set.body);
    assert_eq!(
        app.sign_in("bob@example.com", "a quite secret passphrase")
            .await
            .status,
        Status::Ok
    );
    let taken = refused(dir, &["users", "create", "Bob@example.com"]);
    assert_eq!(
        taken,
        "Bob@example.com: the address already has an account\n"
    );

    assert_eq!(
        ok(dir, &["users", "disable", "bob@example.com"]),
        "bob@example.com: disabled\n"
    );
    app.sign_in("bob@example.com", "a quite secret passphrase")
        .await
        .assert_error(Status::Forbidden, "account_disabled");
    let shown: Value =
        serde_json::from_str(&ok(dir, &["users", "show", "bob@example.com", "--json"])).unwrap();
    assert_eq!(shown["state"], "disabled");
    assert_eq!(shown["role"], "inviter");
    let events: Vec<&str> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["event"].as_str().unwrap())
        .collect();
    // The app's clock and the binary's are not the same one: compare sets, not order.
    for event in [
        "account_created",
        "sign_in",
        "sign_in_refused",
        "account_disabled",
    ] {
        assert!(events.contains(&event), "{event} not in {events:?}");
    }
    assert_eq!(
        ok(dir, &["users", "enable", "bob@example.com"]),
        "bob@example.com: active\n"
    );
    assert_eq!(
        ok(dir, &["users", "delete", "bob@example.com"]),
        "bob@example.com: deleted\n"
    );
    let account = doorstep::entities::account::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap();
    assert_eq!(account.len(), 1);
    assert_eq!(account[0].state, State::Active);

    // The audit log: the command line's changes, and the web's sign-ins.
    let log: Value =
        serde_json::from_str(&ok(dir, &["audit", "--since", "3650d", "--json"])).unwrap();
    let seen: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["event"].as_str().unwrap().to_owned(),
                row["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("signup_confirmed", "web"),
        ("account_approved", "cli"),
        ("role_changed", "cli"),
        ("account_created", "cli"),
        ("password_reset", "web"),
        ("sign_in", "web"),
        ("account_disabled", "cli"),
        ("account_deleted", "cli"),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert!(seen.contains(&expected), "{expected:?} not in {seen:?}");
    }
    let table = ok(dir, &["audit", "--since", "3650d"]);
    assert!(table.starts_with("TIME"), "{table}");
    assert!(table.contains("role_changed"), "{table}");
    assert!(table.contains("(command line)"), "{table}");
    assert!(!table.contains(token), "{table}");
}

#[rocket::async_test]
async fn usage_mistakes_exit_2_and_unknown_accounts_exit_1() {
    let app = started().await;
    let dir = app.dir.path();
    for wrong in [
        &["users"][..],
        &["users", "approve"],
        &["users", "list", "--state", "asleep"],
        &["users", "set-role", "ada@example.com", "king"],
        &["users", "frobnicate", "ada@example.com"],
        &["audit", "--since", "soon"],
    ] {
        let ran = run(dir, wrong);
        assert_eq!(ran.code, 2, "{wrong:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("usage: doorstep"), "{}", ran.stderr);
    }
    assert_eq!(
        refused(dir, &["users", "approve", "nobody@example.com"]),
        "nobody@example.com: no such account\n"
    );
    assert_eq!(
        refused(dir, &["users", "show", "not an address"]),
        "not an address: neither an email address nor a username\n"
    );
    assert_eq!(
        refused(dir, &["users", "show", "@example.com"]),
        "@example.com: not an email address\n"
    );
    assert_eq!(
        refused(dir, &["users", "disable", "nobody.here"]),
        "nobody.here: no such account\n"
    );
    assert_eq!(ok(dir, &["users", "list", "--json"]), "[]\n");
}

/// Operators name accounts by username as well as by address.
#[rocket::async_test]
async fn operators_name_accounts_by_username_too() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    std::fs::write(
        dir.path().join("site.properties"),
        format!(
            "doorstep.database.url={url}\n\
             doorstep.auth.signup=on\n\
             doorstep.auth.username=optional\n\
             doorstep.auth.email.from=doorstep <signup@doorstep.test>\n"
        ),
    )
    .unwrap();
    let app = TestApp::on(
        dir,
        url,
        |s| s.usernames.mode = doorstep::config::UsernameMode::Optional,
        |app| app,
    )
    .await;
    let mut body = signup_body("ada@example.com");
    body["username"] = serde_json::json!("Countess");
    app.confirmed_account_from(&body).await;
    let dir = app.dir.path();
    assert_eq!(
        ok(dir, &["users", "set-role", "countess", "inviter"]),
        "ada@example.com: inviter\n"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(dir, &["users", "show", "COUNTESS", "--json"])).unwrap();
    assert_eq!(shown["email"], "ada@example.com", "{shown}");
    assert_eq!(shown["username"], "Countess");
    ok(dir, &["users", "disable", "countess"]);
    app.sign_in("ada@example.com", "correct horse battery staple")
        .await
        .assert_error(rocket::http::Status::Forbidden, "account_disabled");
}
