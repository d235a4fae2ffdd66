//! Cadmium's in-band registration (CPE#3) at `POST /cadmium`: the envelope in and out, the
//! same sign-up rules, confirmation by handle and code, and signing in the client that asked.

use doorstep::config::{Rate, Settings, UsernameMode};
use rocket::http::{Header, Status};
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp};

const JULIET: &str = "juliet@capulett.com";
const PASSWORD: &str = "correct horse battery staple";
const REGISTER: &str = "urn:cadmium:profile:register";
const CONFIRM: &str = "urn:cadmium:profile:register:confirm";

/// Cadmium on, usernames optional, on a server whose host is `chat.example`.
fn cadmium(settings: &mut Settings) {
    settings.cadmium = true;
    settings.usernames.mode = UsernameMode::Optional;
    settings.base_url = "https://chat.example/".parse().unwrap();
}

async fn app() -> TestApp {
    TestApp::with(cadmium).await
}

fn registration(username: Option<&str>, email: &str, login: bool) -> Value {
    let mut payload = json!({
        "thirdPIDs": [
            {"type": "email", "value": email},
            {"type": "msisdn", "value": "+1234567890"},
        ],
        "password": PASSWORD,
        "loginOnSuccess": login,
    });
    if let Some(name) = username {
        payload["username"] = json!(name);
    }
    envelope("abcd", REGISTER, payload)
}

fn envelope(id: &str, kind: &str, payload: Value) -> Value {
    json!({"id": id, "type": kind, "to": ["chat.example"], "payload": payload})
}

fn confirmation(handle: &str, code: &str) -> Value {
    envelope(
        "efgh",
        CONFIRM,
        json!({"registration": handle, "code": code}),
    )
}

/// Posts an envelope; every well-formed one is answered 200.
async fn send(app: &TestApp, body: &Value) -> Value {
    let reply = app.post_json("/cadmium", body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()
}

/// Asserts a refusal envelope with `errID` ending in `code`.
#[track_caller]
fn assert_refused(reply: &Value, code: &str) {
    assert_eq!(reply["ok"], false, "{reply}");
    let id = format!("urn:cadmium:profile:register:{code}");
    assert_eq!(reply["payload"]["errID"], id, "{reply}");
    assert!(
        reply["payload"]["errText"]
            .as_str()
            .is_some_and(|text| !text.is_empty())
    );
}

/// The code a mail carries: the line of digits alone in its text part.
fn code_of(mail: &Mail) -> String {
    let text = mail.part("text/plain");
    let line = text.lines().map(str::trim).find(|line| {
        !line.is_empty() && line.len() >= 4 && line.bytes().all(|b| b.is_ascii_digit())
    });
    line.unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

fn wrong(code: &str) -> String {
    let last = code.as_bytes()[code.len() - 1];
    let other = char::from(b'0' + (last - b'0' + 1) % 10);
    format!("{}{other}", &code[..code.len() - 1])
}

/// Registers and returns the reply and the code of the mail it sent.
async fn register(app: &TestApp, body: &Value) -> (Value, String) {
    let reply = send(app, body).await;
    assert_eq!(reply["ok"], true, "{reply}");
    app.deliver().await;
    let mail = app.mails().pop().expect("a mail");
    (reply, code_of(&mail))
}

fn handle(reply: &Value) -> String {
    reply["payload"]["registration"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn me_with(app: &TestApp, token: &str) -> Reply {
    let request = app
        .client
        .get("/auth/me")
        .header(Header::new("Accept", "application/json"))
        .header(Header::new("Authorization", format!("Bearer {token}")));
    app.send(request).await
}

#[rocket::async_test]
async fn register_confirm_by_code_and_the_token_reads_the_account() {
    let app = app().await;
    let (reply, code) = register(&app, &registration(Some("juliet"), JULIET, true)).await;
    let handle = handle(&reply);
    assert_eq!(
        reply,
        json!({
            "id": "abcd",
            "type": REGISTER,
            "from": "chat.example",
            "ok": true,
            "payload": {
                "userID": "@juliet@chat.example",
                "pending": "email_confirmation",
                "registration": handle,
            }
        })
    );
    assert_eq!(app.mails()[0].to, [JULIET]);
    assert_eq!(
        app.count("accounts").await,
        0,
        "not before the address is proven"
    );

    let confirmed = send(&app, &confirmation(&handle, &code)).await;
    assert_eq!(confirmed["id"], "efgh");
    assert_eq!(confirmed["type"], CONFIRM);
    assert_eq!(confirmed["from"], "chat.example");
    assert_eq!(confirmed["ok"], true, "{confirmed}");
    assert_eq!(confirmed["payload"]["userID"], "@juliet@chat.example");
    let login = &confirmed["payload"]["loginPayload"];
    assert!(login["expiresAt"].as_str().unwrap().ends_with('Z'));
    let token = login["token"].as_str().unwrap();

    let me = me_with(&app, token).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    assert_eq!(me.json()["email"], JULIET);
    assert_eq!(me.json()["username"], "juliet");
    assert_eq!(me.json()["firstname"], "", "Cadmium's wire has no names");
    assert_eq!(
        me_with(&app, "not-a-token").await.status,
        Status::Unauthorized
    );

    // Confirmed once: the code is spent, and nothing else opens a session.
    let again = send(&app, &confirmation(&handle, &code)).await;
    assert_refused(&again, "code_invalid");
    assert_eq!(app.count("sessions").await, 1);
    assert!(app.signs_in("juliet", PASSWORD).await);

    // The bodies carry the secrets; no log line does.
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    for secret in [handle.as_str(), token, PASSWORD] {
        assert!(
            !lines.iter().any(|line| line.contains(secret)),
            "{secret} logged"
        );
    }
}

#[rocket::async_test]
async fn a_username_taken_before_confirmation_is_id_exists_until_another_is_chosen() {
    let app = app().await;
    let (first, first_code) = register(&app, &registration(Some("juliet"), JULIET, false)).await;
    let other = "juliet@verona.example";
    let (second, second_code) = register(&app, &registration(Some("juliet"), other, true)).await;
    let done = send(&app, &confirmation(&handle(&first), &first_code)).await;
    assert_eq!(done["ok"], true, "{done}");

    let lost = send(&app, &confirmation(&handle(&second), &second_code)).await;
    assert_refused(&lost, "id_exists");
    assert_eq!(app.count("accounts").await, 1, "still pending");
    let mut again = confirmation(&handle(&second), &second_code);
    again["payload"]["username"] = json!("julia");
    let chosen = send(&app, &again).await;
    assert_eq!(
        chosen["payload"]["userID"], "@julia@chat.example",
        "{chosen}"
    );
    assert!(chosen["payload"]["loginPayload"]["token"].is_string());
}

#[rocket::async_test]
async fn without_login_on_success_nobody_is_signed_in() {
    let app = app().await;
    let (reply, code) = register(&app, &registration(Some("juliet"), JULIET, false)).await;
    let confirmed = send(&app, &confirmation(&handle(&reply), &code)).await;
    assert_eq!(
        confirmed["payload"],
        json!({"userID": "@juliet@chat.example"}),
        "{confirmed}"
    );
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn no_username_names_the_account_by_its_address_even_where_names_are_required() {
    let app = app().await;
    assert!(app.state().settings().signup.names_required);
    let (reply, code) = register(&app, &registration(None, JULIET, true)).await;
    assert_eq!(reply["payload"]["userID"], JULIET);
    let confirmed = send(&app, &confirmation(&handle(&reply), &code)).await;
    assert_eq!(confirmed["payload"]["userID"], JULIET, "{confirmed}");
    let token = confirmed["payload"]["loginPayload"]["token"]
        .as_str()
        .unwrap();
    let me = me_with(&app, token).await.json();
    assert_eq!(
        (&me["firstname"], &me["lastname"]),
        (&json!(""), &json!(""))
    );
}

#[rocket::async_test]
async fn a_taken_username_is_id_exists_and_changes_nothing() {
    let app = app().await;
    let mut body = crate::support::signup_body("romeo@montague.com");
    body["username"] = json!("juliet");
    app.confirmed_account_from(&body).await;
    let footprint = app.footprint().await;
    let reply = send(&app, &registration(Some("Juliet"), JULIET, false)).await;
    assert_refused(&reply, "id_exists");
    assert_eq!(reply["id"], "abcd");
    assert_eq!(reply["payload"]["fields"], json!({"username": "taken"}));
    assert_eq!(app.footprint().await, footprint);
}

#[rocket::async_test]
async fn a_known_address_gets_the_same_reply_and_the_same_countdown() {
    let app = app().await;
    app.confirmed_account(JULIET, PASSWORD).await;
    let before = app.mails().len();
    let known = send(&app, &registration(Some("jules"), JULIET, true)).await;
    let fresh = send(
        &app,
        &registration(Some("rosa"), "rosaline@capulett.com", true),
    )
    .await;
    let strip = |mut reply: Value| {
        let handle = reply["payload"]
            .as_object_mut()
            .unwrap()
            .remove("registration");
        assert_eq!(handle.unwrap().as_str().unwrap().len(), 43);
        reply["payload"]["userID"] = json!("…");
        reply
    };
    assert_eq!(strip(known.clone()), strip(fresh.clone()));
    app.deliver().await;
    let mails = app.mails_since(before);
    assert_eq!(mails.len(), 2);
    assert!(
        mails[0].subject().contains("already have an account"),
        "{}",
        mails[0].raw
    );

    // Codes typed against either handle count down alike; the known address opens nothing.
    let code = code_of(&mails[1]);
    for left in [4, 3, 2, 1, 0] {
        for reply in [&known, &fresh] {
            let refused = send(&app, &confirmation(&handle(reply), &wrong(&code))).await;
            assert_refused(&refused, "code_invalid");
            assert_eq!(refused["payload"]["attemptsLeft"], left, "{refused}");
        }
    }
    assert_eq!(app.count("sessions").await, 0);
}

#[rocket::async_test]
async fn wrong_codes_count_down_and_use_the_code_up() {
    let app = app().await;
    let (reply, code) = register(&app, &registration(Some("juliet"), JULIET, true)).await;
    let handle = handle(&reply);
    for left in [4, 3, 2, 1, 0] {
        let refused = send(&app, &confirmation(&handle, &wrong(&code))).await;
        assert_refused(&refused, "code_invalid");
        assert_eq!(refused["payload"]["attemptsLeft"], left);
    }
    let late = send(&app, &confirmation(&handle, &code)).await;
    assert_refused(&late, "code_invalid");
    assert_eq!(late["payload"]["attemptsLeft"], 0);
    assert_eq!(app.count("accounts").await, 0);

    // The same tries as doorstep's own confirm route: they are one countdown.
    let own = json!({"email": JULIET, "code": code});
    let reply = app.post_json("/auth/signup/confirm", &own).await;
    reply.assert_error(Status::BadRequest, "code_invalid");

    let unknown = send(&app, &confirmation(&"x".repeat(43), &code)).await;
    assert_refused(&unknown, "not_found");
    let missing = send(
        &app,
        &envelope("i", CONFIRM, json!({"registration": handle})),
    )
    .await;
    assert_refused(&missing, "invalid_request");
    assert_eq!(missing["payload"]["fields"], json!({"code": "required"}));
}

#[rocket::async_test]
async fn sign_up_switched_off_is_reg_disabled() {
    let app = TestApp::with(|s| {
        cadmium(s);
        s.signup.enabled = false;
    })
    .await;
    let reply = send(&app, &registration(Some("juliet"), JULIET, false)).await;
    assert_refused(&reply, "reg_disabled");
    let confirm = send(&app, &confirmation(&"x".repeat(43), "123456")).await;
    assert_refused(&confirm, "reg_disabled");
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
}

#[rocket::async_test]
async fn refusals_carry_doorstep_codes_and_change_nothing() {
    let app = TestApp::with(|s| {
        cadmium(s);
        s.signup.whitelist = vec!["capulett.com".into()];
    })
    .await;
    let only_phone = envelope(
        "1",
        REGISTER,
        json!({"thirdPIDs": [{"type": "msisdn", "value": "+1234567890"}], "password": PASSWORD}),
    );
    let reply = send(&app, &only_phone).await;
    assert_refused(&reply, "invalid_request");
    assert_eq!(reply["payload"]["fields"], json!({"thirdPIDs": "required"}));

    let mut weak = registration(Some("juliet"), JULIET, false);
    weak["payload"]["password"] = json!("romeo1");
    assert_refused(&send(&app, &weak).await, "weak_password");

    let elsewhere = registration(None, "juliet@montague.com", false);
    assert_refused(&send(&app, &elsewhere).await, "domain_not_allowed");

    let mut typed_wrong = registration(None, JULIET, false);
    typed_wrong["payload"]["password"] = json!(12345);
    let reply = send(&app, &typed_wrong).await;
    assert_refused(&reply, "invalid_request");
    assert_eq!(reply["payload"]["fields"], json!({"payload": "malformed"}));

    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
}

#[rocket::async_test]
async fn the_captcha_goes_inside_the_payload() {
    let app = TestApp::with(|s| {
        cadmium(s);
        s.captcha.image = true;
    })
    .await;
    let reply = send(&app, &registration(None, JULIET, false)).await;
    assert_refused(&reply, "captcha_required");
    let challenge = app.get_json("/auth/captcha").await.json();
    let mut body = registration(None, JULIET, false);
    body["payload"]["captcha_id"] = challenge["id"].clone();
    body["payload"]["captcha_answer"] = json!("00000");
    assert_refused(&send(&app, &body).await, "captcha_invalid");
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
}

#[rocket::async_test]
async fn registrations_count_against_the_sign_up_limits() {
    let app = TestApp::with(|s| {
        cadmium(s);
        s.limits.ip = Rate::parse("2/10m").unwrap();
    })
    .await;
    for email in ["a@capulett.com", "b@capulett.com"] {
        assert_eq!(
            send(&app, &registration(None, email, false)).await["ok"],
            true
        );
    }
    let third = send(&app, &registration(None, "c@capulett.com", false)).await;
    assert_refused(&third, "rate_limited");
    assert_eq!(app.count("pending_signups").await, 2);
}

#[rocket::async_test]
async fn a_malformed_envelope_is_400_in_doorstep_shape() {
    let app = app().await;
    for body in [
        json!([1, 2]),
        json!({"type": REGISTER, "payload": {}}),
        json!({"id": "a", "payload": {}}),
        json!({"id": "a", "type": REGISTER}),
        json!({"id": "a", "type": REGISTER, "payload": "juliet"}),
        json!({"id": 7, "type": REGISTER, "payload": {}}),
    ] {
        let reply = app.post_json("/cadmium", &body).await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(
            reply.json()["fields"],
            json!({"body": "malformed"}),
            "{body}"
        );
    }
    let unknown = envelope("a", "urn:cadmium:profile:login", json!({}));
    let reply = app.post_json("/cadmium", &unknown).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"], json!({"type": "unsupported"}));
    let request = app.client.post("/cadmium").body("not json at all");
    let request = request.header(rocket::http::ContentType::JSON);
    app.send(request)
        .await
        .assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
}

#[rocket::async_test]
async fn switched_off_the_route_is_not_there() {
    let app = TestApp::start().await;
    let reply = app
        .post_json("/cadmium", &registration(None, JULIET, false))
        .await;
    reply.assert_error(Status::NotFound, "not_found");
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["cadmium"], Value::Null);
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
}

#[rocket::async_test]
async fn discovery_and_the_api_description_name_it() {
    let app = TestApp::with(|s| {
        cadmium(s);
        s.base_path = "/store".into();
    })
    .await;
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(
        discovery["cadmium"],
        json!({"endpoint": "https://chat.example/store/cadmium", "server": "chat.example"})
    );
    let doc = app.get_json("/store/openapi.json").await.json();
    let operation = &doc["paths"]["/cadmium"]["post"];
    assert_eq!(operation["tags"], json!(["cadmium"]));
    let schemas = &doc["components"]["schemas"];
    let ids = schemas["CadmiumRefusal"]["properties"]["errID"]["enum"]
        .as_array()
        .unwrap();
    for id in ["id_exists", "reg_disabled", "weak_password", "code_invalid"] {
        let id = json!(format!("urn:cadmium:profile:register:{id}"));
        assert!(ids.contains(&id), "{id}");
    }
    for name in ["CadmiumRegister", "CadmiumConfirm", "CadmiumMessage"] {
        assert!(schemas[name].is_object(), "{name}");
    }
    // The reply's members are the ones described.
    let reply = app
        .post_json("/store/cadmium", &registration(None, JULIET, false))
        .await;
    let reply = reply.json();
    let message = schemas["CadmiumMessage"]["properties"].as_object().unwrap();
    for member in reply.as_object().unwrap().keys() {
        assert!(
            message.contains_key(member),
            "CadmiumMessage lacks {member}"
        );
    }
    let registered = schemas["CadmiumRegistered"]["properties"]
        .as_object()
        .unwrap();
    for member in reply["payload"].as_object().unwrap().keys() {
        assert!(
            registered.contains_key(member),
            "CadmiumRegistered lacks {member}"
        );
    }
}

#[test]
fn the_switch_is_read_from_the_file_and_the_environment() {
    let none = |_: &str| None;
    let parse = |text: &str| Settings::parse("test.properties", text, &none);
    assert!(!parse("").unwrap().cadmium);
    assert!(parse("doorstep.compat.cadmium=on").unwrap().cadmium);
    let refused = parse("doorstep.compat.cadmium=maybe").unwrap_err();
    assert_eq!(refused.key.as_deref(), Some("doorstep.compat.cadmium"));
    let env = |name: &str| (name == "DOORSTEP_COMPAT_CADMIUM").then(|| "on".to_owned());
    assert!(
        Settings::parse("test.properties", "", &env)
            .unwrap()
            .cadmium
    );
}
