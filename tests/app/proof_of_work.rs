//! The proof-of-work challenge (ALTCHA's format): issued by doorstep, solved by the browser,
//! good once, for ten minutes, alone or beside the picture.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::clock::Clock as _;
use doorstep::config::Settings;
use doorstep::housekeeping::sweep;
use rocket::http::Status;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{TestApp, hidden_field, signup_body};

const SIGNUP: &str = "/auth/signup";

fn pow(settings: &mut Settings) {
    settings.captcha.pow = Some(1000);
    settings.reset.enabled = true;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Asks for a challenge and solves it as the page's script does.
async fn solved(app: &TestApp) -> String {
    let challenge = app.get_json("/auth/challenge").await;
    assert_eq!(challenge.status, Status::Ok, "{}", challenge.body);
    solve(&challenge.json())
}

fn solve(challenge: &Value) -> String {
    let salt = challenge["salt"].as_str().unwrap();
    let wanted = challenge["challenge"].as_str().unwrap();
    let number = (0..=challenge["maxnumber"].as_u64().unwrap())
        .find(|n| hex(&Sha256::digest(format!("{salt}{n}"))) == wanted)
        .expect("the number is within maxnumber");
    encode(challenge, number)
}

fn encode(challenge: &Value, number: u64) -> String {
    let solution = json!({
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    });
    STANDARD.encode(solution.to_string())
}

fn with_altcha(email: &str, altcha: &str) -> Value {
    let mut body = signup_body(email);
    body["altcha"] = json!(altcha);
    body
}

/// Posts `body`, expects a 400 `code`, and checks that nothing was stored and nothing mailed.
async fn refused(app: &TestApp, path: &str, body: &Value, code: &str) {
    let (before, mails) = (app.footprint().await, app.mails().len());
    app.post_json(path, body)
        .await
        .assert_error(Status::BadRequest, code);
    assert_eq!(app.footprint().await, before, "{code}: nothing stored");
    app.deliver().await;
    assert_eq!(app.mails().len(), mails, "{code}: no mail");
}

#[rocket::async_test]
async fn challenges_follow_altcha_and_expire_in_ten_minutes() {
    let app = TestApp::with(pow).await;
    let reply = app.get_json("/auth/challenge").await;
    assert_eq!(reply.status, Status::Ok);
    let challenge = reply.json();
    assert_eq!(challenge["algorithm"], "SHA-256");
    assert_eq!(challenge["maxnumber"], 1000);
    let expires = app.clock.now().timestamp() + 600;
    let salt = challenge["salt"].as_str().unwrap();
    assert!(salt.ends_with(&format!("?expires={expires}")), "{salt}");
    assert_eq!(challenge["challenge"].as_str().unwrap().len(), 64);
    assert_eq!(challenge["signature"].as_str().unwrap().len(), 64);
    assert_eq!(reply.header("Cache-Control"), Some("no-store"));
    // Issuing stores nothing: only a solution sent with a form is recorded.
    assert_eq!(app.count("captcha_challenges").await, 0);
}

#[rocket::async_test]
async fn a_solved_challenge_lets_one_sign_up_through_once() {
    let app = TestApp::with(pow).await;
    let altcha = solved(&app).await;
    let reply = app
        .post_json(SIGNUP, &with_altcha("ada@example.com", &altcha))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(app.deliver().await.sent, 1);
    // The same solution again, for another address: a replay.
    refused(
        &app,
        SIGNUP,
        &with_altcha("grace@example.com", &altcha),
        "captcha_invalid",
    )
    .await;
    // The hourly sweep keeps the spent record while the challenge could still be sent.
    app.clock.advance(Duration::from_secs(5 * 60));
    sweep(&app.state().accounts.db, app.clock.now())
        .await
        .unwrap();
    refused(
        &app,
        SIGNUP,
        &with_altcha("grace@example.com", &altcha),
        "captcha_invalid",
    )
    .await;
    app.clock.advance(Duration::from_secs(6 * 60));
    sweep(&app.state().accounts.db, app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        app.count("captcha_challenges").await,
        0,
        "forgotten once expired"
    );
}

#[rocket::async_test]
async fn missing_wrong_forged_and_expired_solutions_are_refused() {
    let app = TestApp::with(pow).await;
    refused(
        &app,
        SIGNUP,
        &signup_body("ada@example.com"),
        "captcha_required",
    )
    .await;
    refused(
        &app,
        SIGNUP,
        &with_altcha("ada@example.com", "  "),
        "captcha_required",
    )
    .await;
    let challenge = app.get_json("/auth/challenge").await.json();
    let right = solve(&challenge);
    let number =
        serde_json::from_slice::<Value>(&STANDARD.decode(&right).unwrap()).unwrap()["number"]
            .as_u64()
            .unwrap();
    let wrong = encode(&challenge, (number + 1) % 1001);
    refused(
        &app,
        SIGNUP,
        &with_altcha("ada@example.com", &wrong),
        "captcha_invalid",
    )
    .await;
    let mut forged = challenge.clone();
    forged["salt"] = json!("00?expires=9999999999");
    forged["challenge"] = json!(hex(&Sha256::digest("00?expires=99999999997")));
    let forged = encode(&forged, 7);
    refused(
        &app,
        SIGNUP,
        &with_altcha("ada@example.com", &forged),
        "captcha_invalid",
    )
    .await;
    for junk in ["not base64", "e30=", "bnVsbA=="] {
        refused(
            &app,
            SIGNUP,
            &with_altcha("ada@example.com", junk),
            "captcha_invalid",
        )
        .await;
    }
    // The right solution, sent when its ten minutes are up, is refused; a fresh one passes.
    app.clock.advance(Duration::from_secs(10 * 60));
    refused(
        &app,
        SIGNUP,
        &with_altcha("ada@example.com", &right),
        "captcha_invalid",
    )
    .await;
    let fresh = solved(&app).await;
    let reply = app
        .post_json(SIGNUP, &with_altcha("ada@example.com", &fresh))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

#[rocket::async_test]
async fn beside_the_picture_either_one_passes() {
    let app = TestApp::with(|settings| {
        pow(settings);
        settings.captcha.image = true;
    })
    .await;
    refused(
        &app,
        SIGNUP,
        &signup_body("ada@example.com"),
        "captcha_required",
    )
    .await;
    let altcha = solved(&app).await;
    let reply = app
        .post_json(SIGNUP, &with_altcha("ada@example.com", &altcha))
        .await;
    assert_eq!(
        reply.status,
        Status::Ok,
        "proof of work alone: {}",
        reply.body
    );
    assert_eq!(app.deliver().await.sent, 1);
    // The picture alone passes too: a person without JavaScript types it.
    let picture = app.get_json("/auth/captcha").await.json();
    let id = picture["id"].as_str().unwrap();
    let wrong = json!({"captcha_id": id, "captcha_answer": "WRONG"});
    let mut body = signup_body("grace@example.com");
    body.as_object_mut()
        .unwrap()
        .extend(wrong.as_object().unwrap().clone());
    refused(&app, SIGNUP, &body, "captcha_invalid").await;
    // The page names both; the picture's field is not `required`, the server decides.
    let page = app.get_html(SIGNUP).await.body;
    assert!(page.contains("data-pow"), "{page}");
    assert!(page.contains("name=\"altcha\""));
    assert!(page.contains("pow.js"), "the solver script");
    assert!(hidden_field(&page, "captcha_id").is_some());
    assert!(!page.contains("spellcheck=\"false\" required"), "{page}");
}

#[rocket::async_test]
async fn a_reset_request_takes_it_too_and_forms_carry_it() {
    let app = TestApp::with(pow).await;
    let altcha = solved(&app).await;
    app.confirmed_account_from(&with_altcha("ada@example.com", &altcha))
        .await;
    let body = json!({"email": "ada@example.com"});
    refused(&app, "/auth/pwreset", &body, "captcha_required").await;
    let junk = json!({"email": "ada@example.com", "altcha": "e30="});
    refused(&app, "/auth/pwreset", &junk, "captcha_invalid").await;
    let altcha = solved(&app).await;
    refused(
        &app,
        "/auth/pwreset",
        &json!({"email": "ada@example.com", "altcha": "e30="}),
        "captcha_invalid",
    )
    .await;
    let token = app.csrf_token().await;
    let reply = app
        .post_form(
            "/auth/pwreset",
            &[
                ("email", "ada@example.com"),
                ("altcha", &altcha),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(app.deliver().await.sent, 1);
}

#[rocket::async_test]
async fn off_by_default_and_its_script_is_served() {
    let app = TestApp::start().await;
    app.get_json("/auth/challenge")
        .await
        .assert_error(Status::NotFound, "not_found");
    assert!(!app.get_html(SIGNUP).await.body.contains("data-pow"));
    let script = app.get("/static/pow.js", "*/*").await;
    assert_eq!(script.status, Status::Ok);
    assert!(
        script
            .header("Content-Type")
            .unwrap()
            .contains("javascript")
    );
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["captcha"]["pow"], Value::Null);
    let on = TestApp::with(pow).await;
    let discovery = on.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["captcha"]["pow"]["max_number"], 1000);
    assert!(
        discovery["captcha"]["pow"]["challenge"]
            .as_str()
            .unwrap()
            .ends_with("/auth/challenge")
    );
}
