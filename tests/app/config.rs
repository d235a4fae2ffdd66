//! Configuration from the operator's side: the binary's `check-config`, and start-ups that
//! must stop rather than serve.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use doorstep::App;
use rocket::error::ErrorKind;
use rocket::local::asynchronous::Client;

use crate::support::{doorstep, figment, settings};

const VALID: &str = "\
# a minimal working configuration
doorstep.auth.signup=on
doorstep.auth.email.from=doorstep <signup@example.org>
";

/// `doorstep check-config --config <file>`, where `file` holds `text`.
fn check(text: &str, env: &[(&str, &str)]) -> (Output, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.properties");
    std::fs::write(&file, text).unwrap();
    let path = file.to_string_lossy().into_owned();
    let output = doorstep(dir.path(), &["check-config", "--config", &path], env)
        .output()
        .unwrap();
    (output, path)
}

fn refused(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "accepted; stderr: {stderr}");
    stderr
}

fn accepted(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "refused: {stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("OK"));
}

#[test]
fn check_config_accepts_a_valid_file() {
    accepted(&check(VALID, &[]).0);
}

#[test]
fn a_bad_value_is_named_by_file_line_and_key() {
    let text = "doorstep.auth.signup=on\n\
                doorstep.auth.email.from=signup@example.org\n\
                doorstep.auth.signup.confirm.ttl=24x\n";
    let (output, path) = check(text, &[]);
    let stderr = refused(&output);
    let expected = format!("{path}:3: doorstep.auth.signup.confirm.ttl");
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("24x"), "{stderr}");
}

#[test]
fn a_misspelt_key_gets_a_suggestion() {
    let stderr = refused(&check(&format!("{VALID}doorstep.auth.sigup.confirm.ttl=1h\n"), &[]).0);
    assert!(stderr.contains(":4:"), "{stderr}");
    assert!(
        stderr.contains("did you mean doorstep.auth.signup.confirm.ttl"),
        "{stderr}"
    );
}

#[test]
fn entrystore_keys_are_accepted() {
    let text = "entrystore.auth.signup=on\nentrystore.auth.email.from=signup@example.org\n";
    accepted(&check(text, &[]).0);
}

#[test]
fn sign_up_without_a_sender_is_refused() {
    let stderr = refused(&check("doorstep.auth.signup=on\n", &[]).0);
    assert!(stderr.contains("doorstep.auth.email.from"), "{stderr}");
}

#[test]
fn a_bad_environment_override_names_the_variable() {
    let env = [("DOORSTEP_AUTH_SIGNUP_CONFIRM_TTL", "bad")];
    let stderr = refused(&check(VALID, &env).0);
    assert!(
        stderr.contains("DOORSTEP_AUTH_SIGNUP_CONFIRM_TTL"),
        "{stderr}"
    );
    // And a good one is taken: sign-up switched off needs no sender.
    let env = [("DOORSTEP_AUTH_SIGNUP", "off")];
    accepted(&check("doorstep.auth.signup=on\n", &env).0);
}

#[test]
fn an_unknown_environment_variable_is_refused_with_a_suggestion() {
    let env = [("DOORSTEP_AUTH_SIGNUPP", "off")];
    let stderr = refused(&check(VALID, &env).0);
    assert!(
        stderr.contains(
            "DOORSTEP_AUTH_SIGNUPP: unknown variable; did you mean DOORSTEP_AUTH_SIGNUP?"
        ),
        "{stderr}"
    );
    let env = [("DOORSTEP_NOTHING_LIKE_IT", "1")];
    assert!(refused(&check(VALID, &env).0).contains("DOORSTEP_NOTHING_LIKE_IT"));
    // The process's own variables and the tests' are not settings.
    let env = [("DOORSTEP_LOG", "warn"), ("DOORSTEP_TEST_ANYTHING", "x")];
    accepted(&check(VALID, &env).0);
}

#[test]
fn check_config_opens_the_database_as_serve_would() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doorstep.properties"), VALID).unwrap();
    let output = doorstep(dir.path(), &["check-config"], &[])
        .output()
        .unwrap();
    accepted(&output);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("the database answers"), "{said}");
    assert!(
        dir.path().join("var").is_dir(),
        "the SQLite directory is made"
    );
    // A file where the database's directory should be.
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    let env = [("DOORSTEP_DATABASE_URL", "sqlite://blocker/x.db?mode=rwc")];
    let output = doorstep(dir.path(), &["check-config"], &env)
        .output()
        .unwrap();
    assert!(refused(&output).contains("creating blocker"));
}

#[test]
fn a_missing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.properties");
    let path = path.to_string_lossy();
    let output = doorstep(dir.path(), &["check-config", "--config", &path], &[]).output();
    let stderr = refused(&output.unwrap());
    assert!(stderr.contains("absent.properties"), "{stderr}");
}

#[test]
fn check_config_checks_the_templates_directory() {
    let templates = tempfile::tempdir().unwrap();
    let dir = templates.path().display().to_string();
    let with_dir = |dir: &str| format!("{VALID}doorstep.templates.dir={dir}\n");
    accepted(&check(&with_dir(&dir), &[]).0);

    let broken = templates.path().join("login.html.tera");
    std::fs::write(&broken, "{% block %}").unwrap();
    let stderr = refused(&check(&with_dir(&dir), &[]).0);
    assert!(stderr.contains(&broken.display().to_string()), "{stderr}");

    let missing = format!("{dir}/absent");
    let stderr = refused(&check(&with_dir(&missing), &[]).0);
    assert!(
        stderr.contains(":4: doorstep.templates.dir: cannot open the directory"),
        "{stderr}"
    );
}

#[test]
fn check_config_checks_the_strings_directory() {
    let strings = tempfile::tempdir().unwrap();
    let dir = strings.path().display().to_string();
    let with_dir = format!("{VALID}doorstep.i18n.dir={dir}\n");
    std::fs::write(strings.path().join("de.ftl"), "signup-title = Mitmachen\n").unwrap();
    accepted(&check(&with_dir, &[]).0);

    let broken = strings.path().join("sv.ftl");
    std::fs::write(&broken, "signup-title = Gå med\n= no key\n").unwrap();
    let stderr = refused(&check(&with_dir, &[]).0);
    assert!(stderr.contains(&broken.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
}

#[test]
fn the_shipped_configuration_passes() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("doorstep.properties");
    let dir = tempfile::tempdir().unwrap();
    let output = doorstep(dir.path(), &["check-config", "--config"], &[])
        .arg(&shipped)
        .output()
        .unwrap();
    accepted(&output);
}

#[test]
fn serve_with_a_bad_configuration_exits_instead_of_serving() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doorstep.properties"),
        "doorstep.auth.signup=on\n",
    )
    .unwrap();
    let mut child = doorstep(dir.path(), &[], &[("ROCKET_PORT", "0")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("doorstep served with a configuration missing email.from");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    assert!(
        !dir.path().join("var").exists(),
        "it started setting up before failing"
    );
}

/// Builds the app with `database_url`, and expects ignition to fail.
async fn start_up_fails(database_url: String) {
    // Rocket installs its own logger if none is set; the tests' capturing one must come first.
    doorstep::logging::capture();
    let mut settings = settings();
    settings.database_url = database_url;
    let app = App::new(settings).figment(figment()).worker(false);
    match Client::tracked(app.rocket()).await {
        Ok(_) => panic!("started up"),
        Err(err) => assert!(matches!(err.kind(), ErrorKind::FailedFairings(_)), "{err}"),
    }
}

#[rocket::async_test]
async fn an_unusable_database_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the database's directory should be: not even root can create it.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "").unwrap();
    start_up_fails(format!("sqlite://{}/x/y.db?mode=rwc", blocker.display())).await;
    // A file that is not a database: the migrations cannot run.
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, [0x5a; 8192]).unwrap();
    start_up_fails(format!("sqlite://{}?mode=rwc", garbage.display())).await;
    // Nobody listens on port 1.
    start_up_fails("postgres://postgres@127.0.0.1:1/doorstep".into()).await;
}
