//! Nextcloud's registration APIs: the draft (verify → create → status → Basic with the app
//! password) and the OCS API the registration app shipped, in their own shapes; off by
//! default; the same rules as sign-up (no enumeration, captcha, limits, whitelist).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::config::{Settings, UsernameMode};
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

const API: &str = "/apps/registration/api/1.0";
const OCS: &str = "/ocs/v2.php/registration/v1";
const PASSWORD: &str = "correct horse battery staple";

async fn app() -> TestApp {
    app_with(|_| {}).await
}

async fn app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    TestApp::with(|s| {
        s.nextcloud.enabled = true;
        s.usernames.mode = UsernameMode::Optional;
        configure(s);
    })
    .await
}

fn details(username: &str, email: &str) -> Value {
    json!({"username": username, "displayname": "Ada Lovelace", "email": email})
}

fn account(username: &str, email: &str) -> Value {
    let mut body = details(username, email);
    body["password"] = json!(PASSWORD);
    body
}

/// A JSON OCS request as Nextcloud clients send it.
async fn ocs(app: &TestApp, path: &str, body: &Value) -> Reply {
    let request = app
        .client
        .post(format!("{OCS}{path}"))
        .header(ContentType::JSON)
        .header(Header::new("Accept", "application/json"))
        .header(Header::new("OCS-APIRequest", "true"))
        .body(body.to_string());
    app.send(request).await
}

/// An OCS request with a form body, as the registration app's clients could send it.
async fn ocs_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Reply {
    let request = app
        .client
        .post(format!("{OCS}{path}?format=json"))
        .header(ContentType::Form)
        .header(Header::new("OCS-APIRequest", "true"))
        .body(serde_urlencoded::to_string(fields).unwrap());
    app.send(request).await
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

async fn me_as(app: &TestApp, user: &str, password: &str) -> Reply {
    let request = app
        .client
        .get("/auth/me")
        .header(Header::new("Accept", "application/json"))
        .header(Header::new("Authorization", basic(user, password)));
    app.send(request).await
}

/// Delivers the mail and opens the last confirmation link as a JSON client.
async fn confirm_last_mail(app: &TestApp) {
    confirm_last_mail_under(app, "").await;
}

async fn confirm_last_mail_under(app: &TestApp, base_path: &str) {
    app.deliver().await;
    let token = app
        .mails()
        .pop()
        .unwrap()
        .token()
        .expect("a confirmation link");
    let confirmed = app
        .get_json(&format!("{base_path}/auth/signup?confirm={token}"))
        .await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
}

/// Asserts a draft refusal: the status, the message and doorstep's code.
#[track_caller]
fn assert_refused(reply: &Reply, status: Status, message: &str, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({"message": message, "error": code}),
        "{}",
        reply.body
    );
}

/// Asserts an OCS failure: the status, repeated in `meta`, and doorstep's code.
#[track_caller]
fn assert_ocs_failure(reply: &Reply, status: Status, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let json = reply.json();
    assert_eq!(json["ocs"]["meta"]["status"], "failure", "{json}");
    assert_eq!(json["ocs"]["meta"]["statuscode"], status.code, "{json}");
    assert!(json["ocs"]["meta"]["message"].is_string(), "{json}");
    assert_eq!(json["ocs"]["data"], json!({"error": code}), "{json}");
}

#[rocket::async_test]
async fn a_draft_client_verifies_creates_polls_and_signs_in_with_the_app_password() {
    let app = app().await;
    let verified = app
        .post_json(
            &format!("{API}/register/verify"),
            &details("ada", "ada@example.com"),
        )
        .await;
    assert_eq!(verified.status, Status::Ok, "{}", verified.body);
    assert_eq!(verified.json(), json!({}));
    assert_eq!(app.footprint().await, [0, 0, 0, 0], "verify stores nothing");

    let created = app
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    assert_eq!(created.status, Status::Ok, "{}", created.body);
    let created = created.json();
    assert_eq!(
        created["statusMessage"],
        "Please confirm your email address"
    );
    let token = created["registrationToken"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);
    let status = format!("{API}/register/status/{token}");

    let waiting = app.get_json(&status).await;
    assert_eq!(waiting.status, Status::Forbidden);
    assert_eq!(
        waiting.json(),
        json!({"message": "Please confirm your email address"})
    );

    confirm_last_mail(&app).await;
    let finished = app.get_json(&status).await;
    assert_eq!(finished.status, Status::Ok, "{}", finished.body);
    let finished = finished.json();
    assert_eq!(finished["status"], "FINISHED");
    let app_password = finished["appPassword"].as_str().unwrap().to_owned();
    assert!(app_password.starts_with("dsap_"), "{app_password}");
    // Once only: later reads say FINISHED without it.
    let again = app.get_json(&status).await;
    assert_eq!(again.status, Status::Ok);
    assert_eq!(again.json(), json!({"status": "FINISHED"}));
    assert_eq!(app.count("app_passwords").await, 1);

    let me = me_as(&app, "ada", &app_password).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    let me = me.json();
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["username"], "ada");
    assert_eq!(
        me["firstname"], "Ada Lovelace",
        "the display name is the first name"
    );
    assert_eq!(me["lastname"], "");
    let by_address = me_as(&app, "ada@example.com", &app_password).await;
    assert_eq!(by_address.status, Status::Ok);
    // Basic never takes the account's own password.
    assert_eq!(
        me_as(&app, "ada", PASSWORD).await.status,
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn an_ocs_client_validates_registers_polls_once_and_signs_in() {
    let app = app_with(|s| {
        s.nextcloud.cloud_url = Some("https://cloud.example.com/".parse().unwrap());
    })
    .await;
    let fields = [
        ("username", "grace"),
        ("displayname", "Grace Hopper"),
        ("email", "grace@example.com"),
    ];
    let validated = ocs_form(&app, "/validate", &fields).await;
    assert_eq!(validated.status, Status::Ok, "{}", validated.body);
    assert_eq!(
        validated.json(),
        json!({"ocs": {
            "meta": {"status": "ok", "statuscode": 200, "message": "OK"},
            "data": {"username": "grace", "displayname": "Grace Hopper",
                "email": "grace@example.com"},
        }})
    );

    let mut body = account("grace", "grace@example.com");
    body["displayname"] = json!("Grace Hopper");
    let registered = ocs(&app, "/register", &body).await;
    assert_eq!(registered.status, Status::Ok, "{}", registered.body);
    let data = registered.json()["ocs"]["data"].clone();
    assert_eq!(data["registrationStatus"], 1);
    assert_eq!(
        data["message"],
        "Your registration is pending. Please confirm your email address."
    );
    let secret = data["secret"].as_str().unwrap().to_owned();

    let pending = ocs_form(&app, "/status", &[("clientSecret", &secret)]).await;
    assert_eq!(pending.status, Status::Ok, "{}", pending.body);
    assert_eq!(
        pending.json()["ocs"]["data"],
        json!({"registrationStatus": 1,
            "message": "Your registration is pending. Please confirm your email address."})
    );

    confirm_last_mail(&app).await;
    let complete = ocs(&app, "/status", &json!({"clientSecret": secret})).await;
    assert_eq!(complete.status, Status::Ok, "{}", complete.body);
    let data = complete.json()["ocs"]["data"].clone();
    assert_eq!(data["registrationStatus"], 0);
    assert_eq!(data["cloudUrl"], "https://cloud.example.com");
    let app_password = data["appPassword"].as_str().unwrap().to_owned();
    // The secret is spent, as the registration app deleted it.
    let spent = ocs(&app, "/status", &json!({"clientSecret": secret})).await;
    assert_ocs_failure(&spent, Status::NotFound, "not_found");
    assert_eq!(
        spent.json()["ocs"]["meta"]["message"],
        "No pending registration."
    );

    let me = me_as(&app, "grace", &app_password).await;
    assert_eq!(me.status, Status::Ok, "{}", me.body);
    assert_eq!(me.json()["firstname"], "Grace Hopper");
}

#[rocket::async_test]
async fn the_cloud_url_is_base_url_unless_configured() {
    let app = app().await;
    let registered = ocs(&app, "/register", &account("ada", "ada@example.com")).await;
    let secret = registered.json()["ocs"]["data"]["secret"].clone();
    confirm_last_mail(&app).await;
    let complete = ocs(&app, "/status", &json!({"clientSecret": secret})).await;
    assert_eq!(
        complete.json()["ocs"]["data"]["cloudUrl"],
        "http://127.0.0.1:8000"
    );
}

#[rocket::async_test]
async fn an_address_with_an_account_gets_the_same_replies_and_its_owner_a_mail() {
    let app = app().await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    let before = app.mails().len();

    for email in ["ada@example.com", "new@example.com"] {
        let verified = app
            .post_json(
                &format!("{API}/register/verify"),
                &details("someone", email),
            )
            .await;
        assert_eq!((verified.status, verified.json()), (Status::Ok, json!({})));
    }
    let mut tokens = Vec::new();
    for (username, email) in [("known", "ada@example.com"), ("fresh", "new@example.com")] {
        let created = app
            .post_json(&format!("{API}/register/create"), &account(username, email))
            .await;
        assert_eq!(created.status, Status::Ok, "{}", created.body);
        let mut created = created.json();
        let token = created["registrationToken"].take();
        assert_eq!(token.as_str().map(str::len), Some(43));
        assert_eq!(
            created,
            json!({"statusMessage": "Please confirm your email address", "registrationToken": null})
        );
        tokens.push(token.as_str().unwrap().to_owned());
    }
    let mut ocs_data = Vec::new();
    for (username, email) in [
        ("known2", "ada@example.com"),
        ("fresh2", "new2@example.com"),
    ] {
        let registered = ocs(&app, "/register", &account(username, email)).await;
        assert_eq!(registered.status, Status::Ok, "{}", registered.body);
        let mut json = registered.json();
        assert!(json["ocs"]["data"]["secret"].take().is_string());
        ocs_data.push(json);
    }
    assert_eq!(ocs_data[0], ocs_data[1]);
    // Both polls say the same while nothing is confirmed.
    for token in &tokens {
        let waiting = app
            .get_json(&format!("{API}/register/status/{token}"))
            .await;
        assert_eq!(waiting.status, Status::Forbidden);
    }
    app.deliver().await;
    let mails = app.mails_since(before);
    assert_eq!(mails.len(), 4);
    let to_owner: Vec<_> = mails
        .iter()
        .filter(|mail| mail.to == ["ada@example.com"])
        .collect();
    assert_eq!(to_owner.len(), 2);
    assert!(to_owner.iter().all(|mail| mail.token().is_none()));
    assert!(to_owner[0].subject().contains("already have an account"));
}

#[rocket::async_test]
async fn every_refusal_of_the_draft_has_its_status_and_message_and_changes_nothing() {
    let app = app_with(|s| {
        s.signup.whitelist = vec!["example.com".into()];
        s.usernames.reserved = vec!["admin".into()];
    })
    .await;
    app.confirmed_account_from(&json!({"firstname": "Ada", "lastname": "Lovelace",
        "username": "taken", "email": "ada@example.com", "password": PASSWORD}))
        .await;
    let footprint = app.footprint().await;
    let verify = format!("{API}/register/verify");
    let create = format!("{API}/register/create");
    let cases = [
        (
            details("grace", "not an address"),
            Status::BadRequest,
            "The email address you entered is not valid",
            "invalid_request",
        ),
        (
            details("g", "grace@example.com"),
            Status::BadRequest,
            "Please provide a valid user name.",
            "invalid_request",
        ),
        (
            details("", "grace@example.com"),
            Status::BadRequest,
            "Please provide a valid user name.",
            "invalid_request",
        ),
        (
            details("Admin", "grace@example.com"),
            Status::BadRequest,
            "Please provide a valid user name.",
            "invalid_request",
        ),
        (
            details("Taken", "grace@example.com"),
            Status::BadRequest,
            "The username you have chosen already exists.",
            "username_taken",
        ),
        (
            json!({"username": "grace", "displayname": "", "email": "grace@example.com"}),
            Status::BadRequest,
            "Please provide a valid display name.",
            "invalid_request",
        ),
        (
            details("grace", "grace@example.org"),
            Status::Forbidden,
            "Your email is not authorized",
            "domain_not_allowed",
        ),
    ];
    for (body, status, message, code) in cases {
        let verified = app.post_json(&verify, &body).await;
        assert_refused(&verified, status, message, code);
        let mut body = body;
        body["password"] = json!(PASSWORD);
        let created = app.post_json(&create, &body).await;
        assert_refused(&created, status, message, code);
    }
    let mut weak = account("grace", "grace@example.com");
    weak["password"] = json!("short");
    let refused = app.post_json(&create, &weak).await;
    assert_eq!(refused.status, Status::BadRequest, "{}", refused.body);
    assert_eq!(refused.json()["error"], "weak_password");
    let no_password = app
        .post_json(&create, &details("grace", "grace@example.com"))
        .await;
    assert_refused(
        &no_password,
        Status::BadRequest,
        "Please provide a password.",
        "invalid_request",
    );

    // Only JSON: a form post has no CSRF token to carry.
    let form = app
        .post_form_raw(
            &create,
            &[("username", "grace"), ("email", "grace@example.com")],
        )
        .await;
    assert_eq!(form.status, Status::UnsupportedMediaType);
    assert_eq!(form.json()["error"], "unsupported_media_type");
    let broken = app
        .send(
            app.client
                .post(create.clone())
                .header(ContentType::JSON)
                .body("{\"username\":"),
        )
        .await;
    assert_eq!(broken.status, Status::BadRequest);
    assert_eq!(broken.json()["error"], "invalid_request");
    assert_eq!(app.footprint().await, footprint);

    for token in ["unknown", "A".repeat(43).as_str()] {
        let unknown = app
            .get_json(&format!("{API}/register/status/{token}"))
            .await;
        assert_refused(
            &unknown,
            Status::NotFound,
            "No pending registration.",
            "not_found",
        );
    }
}

#[rocket::async_test]
async fn a_lapsed_registration_is_gone_for_both_apis() {
    let app = app().await;
    let created = app
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    let token = created.json()["registrationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock
        .advance(std::time::Duration::from_secs(25 * 60 * 60));
    let lapsed = app
        .get_json(&format!("{API}/register/status/{token}"))
        .await;
    assert_eq!(lapsed.status, Status::NotFound, "{}", lapsed.body);
    assert_eq!(
        lapsed.json(),
        json!({"message": "This registration has expired. Please register again."})
    );
    let ocs_lapsed = ocs(&app, "/status", &json!({"clientSecret": token})).await;
    assert_ocs_failure(&ocs_lapsed, Status::NotFound, "not_found");
}

#[rocket::async_test]
async fn closed_sign_up_limits_and_captchas_apply_as_on_sign_up() {
    let closed = app_with(|s| s.signup.enabled = false).await;
    let refused = closed
        .post_json(
            &format!("{API}/register/verify"),
            &details("ada", "ada@example.com"),
        )
        .await;
    assert_refused(
        &refused,
        Status::Forbidden,
        "Sign-up is switched off on this server.",
        "signup_disabled",
    );
    let refused = ocs(&closed, "/register", &account("ada", "ada@example.com")).await;
    assert_ocs_failure(&refused, Status::Forbidden, "signup_disabled");

    let pictures = app_with(|s| s.captcha.image = true).await;
    let created = pictures
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    assert_eq!(created.status, Status::BadRequest, "{}", created.body);
    assert_eq!(created.json()["error"], "captcha_required");
    let registered = ocs(&pictures, "/register", &account("ada", "ada@example.com")).await;
    assert_ocs_failure(&registered, Status::BadRequest, "captcha_required");
    assert_eq!(pictures.footprint().await, [0, 0, 0, 0]);

    let limited = app_with(|s| s.limits.ip = doorstep::config::Rate::parse("1/10m").unwrap()).await;
    let create = format!("{API}/register/create");
    let first = limited
        .post_json(&create, &account("ada", "ada@example.com"))
        .await;
    assert_eq!(first.status, Status::Ok, "{}", first.body);
    let second = limited
        .post_json(&create, &account("bob", "bob@example.com"))
        .await;
    assert_eq!(second.status, Status::TooManyRequests, "{}", second.body);
    assert_eq!(second.json()["error"], "rate_limited");
    assert!(second.retry_after.is_some());
    let third = ocs(&limited, "/register", &account("cyd", "cyd@example.com")).await;
    assert_ocs_failure(&third, Status::TooManyRequests, "rate_limited");
}

#[rocket::async_test]
async fn status_polls_and_username_checks_count_against_their_limits() {
    let app = app().await;
    let status = format!("{API}/register/status/{}", "A".repeat(43));
    for _ in 0..60 {
        assert_eq!(app.get_json(&status).await.status, Status::NotFound);
    }
    let limited = app.get_json(&status).await;
    assert_eq!(limited.status, Status::TooManyRequests);
    assert_eq!(limited.json()["error"], "rate_limited");
    let polled = ocs(&app, "/status", &json!({"clientSecret": "x"})).await;
    assert_ocs_failure(&polled, Status::TooManyRequests, "rate_limited");

    let verify = format!("{API}/register/verify");
    for n in 0..60 {
        let name = format!("name{n}");
        let checked = app
            .post_json(&verify, &details(&name, "a@example.com"))
            .await;
        assert_eq!(checked.status, Status::Ok, "{}", checked.body);
    }
    let limited = app
        .post_json(&verify, &details("one-more", "a@example.com"))
        .await;
    assert_eq!(limited.status, Status::TooManyRequests);
    assert!(limited.retry_after.is_some());
}

#[rocket::async_test]
async fn ocs_needs_its_header_and_answers_json_only() {
    let app = app().await;
    let body = account("ada", "ada@example.com").to_string();
    let without_header = app
        .send(
            app.client
                .post(format!("{OCS}/register"))
                .header(ContentType::JSON)
                .header(Header::new("Accept", "application/json"))
                .body(body.clone()),
        )
        .await;
    assert_ocs_failure(&without_header, Status::Unauthorized, "ocs_header_missing");
    // A form elsewhere cannot add the header; without a CSRF token, forms still need it.
    let form = app
        .post_form_raw(
            &format!("{OCS}/register?format=json"),
            &[
                ("username", "ada"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_ocs_failure(&form, Status::Unauthorized, "ocs_header_missing");
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);

    let post = |path: String, accept: Option<&'static str>| {
        let mut request = app
            .client
            .post(path)
            .header(ContentType::JSON)
            .header(Header::new("OCS-APIRequest", "true"))
            .body(details("ada", "ada@example.com").to_string());
        if let Some(accept) = accept {
            request = request.header(Header::new("Accept", accept));
        }
        request
    };
    for (path, accept) in [
        (format!("{OCS}/validate"), Some("application/xml")),
        (format!("{OCS}/validate?format=xml"), None),
        (
            format!("{OCS}/validate?format=xml"),
            Some("application/json"),
        ),
        (format!("{OCS}/validate"), Some("text/html")),
    ] {
        let refused = app.send(post(path.clone(), accept)).await;
        assert_ocs_failure(&refused, Status::NotAcceptable, "not_acceptable");
        assert!(
            refused
                .content_type
                .unwrap()
                .starts_with("application/json")
        );
    }
    for (path, accept) in [
        (
            format!("{OCS}/validate?format=json"),
            Some("application/xml"),
        ),
        (format!("{OCS}/validate"), None),
        (format!("{OCS}/validate"), Some("*/*")),
        (
            format!("{OCS}/validate"),
            Some("application/xml, application/json;q=0.5"),
        ),
    ] {
        let answered = app.send(post(path.clone(), accept)).await;
        assert_eq!(
            answered.status,
            Status::Ok,
            "{path} {accept:?}: {}",
            answered.body
        );
        assert_eq!(answered.json()["ocs"]["meta"]["status"], "ok");
    }
    let refused = app
        .send(
            app.client
                .post(format!("{OCS}/validate"))
                .header(ContentType::Plain)
                .header(Header::new("OCS-APIRequest", "true"))
                .body("username=ada"),
        )
        .await;
    assert_ocs_failure(
        &refused,
        Status::UnsupportedMediaType,
        "unsupported_media_type",
    );
    let taken = ocs(&app, "/validate", &details("", "ada@example.com")).await;
    assert_ocs_failure(&taken, Status::BadRequest, "invalid_request");
    assert_eq!(
        taken.json()["ocs"]["meta"]["message"],
        "Please provide a valid user name."
    );
}

#[rocket::async_test]
async fn a_listed_front_end_may_send_the_ocs_header_and_others_are_refused() {
    let app = app_with(|s| {
        s.cors_origins = vec![doorstep::config::Origin::parse("https://app.example").unwrap()];
    })
    .await;
    let preflight = app
        .send(
            app.client
                .req(Method::Options, format!("{OCS}/register"))
                .header(Header::new("Origin", "https://app.example"))
                .header(Header::new("Access-Control-Request-Method", "POST"))
                .header(Header::new(
                    "Access-Control-Request-Headers",
                    "content-type, ocs-apirequest",
                )),
        )
        .await;
    assert_eq!(preflight.status, Status::NoContent, "{}", preflight.body);
    let allowed = preflight.header("Access-Control-Allow-Headers").unwrap();
    assert!(allowed.contains("OCS-APIRequest"), "{allowed}");
    let from = |origin: &'static str| {
        app.client
            .post(format!("{OCS}/register"))
            .header(ContentType::JSON)
            .header(Header::new("Accept", "application/json"))
            .header(Header::new("OCS-APIRequest", "true"))
            .header(Header::new("Origin", origin))
            .body(account("ada", "ada@example.com").to_string())
    };
    let listed = app.send(from("https://app.example")).await;
    assert_eq!(listed.status, Status::Ok, "{}", listed.body);
    assert_eq!(
        listed.header("Access-Control-Allow-Origin"),
        Some("https://app.example")
    );
    let footprint = app.footprint().await;
    let elsewhere = app.send(from("https://evil.example")).await;
    assert_ocs_failure(&elsewhere, Status::Forbidden, "origin_not_allowed");
    assert_eq!(app.footprint().await, footprint);
}

#[rocket::async_test]
async fn discovery_and_the_one_step_proposal_work_at_the_root_too() {
    let app = app_with(|s| {
        s.base_path = "/store".into();
        s.signup.whitelist = vec!["example.com".into()];
    })
    .await;
    for path in [
        "/store/.well-known/nextcloud/registration",
        "/.well-known/nextcloud/registration",
    ] {
        let found = app.get_json(path).await;
        assert_eq!(found.status, Status::Ok, "{path}: {}", found.body);
        assert_eq!(
            found.json(),
            json!({"api": "http://127.0.0.1:8000/store/apps/registration/api/1.0"})
        );
    }
    let one_step = json!({"name": "Ada Lovelace", "email": "ada@example.com",
        "username": "ada", "password": PASSWORD});
    let sent = app
        .post_json("/.well-known/nextcloud/registration", &one_step)
        .await;
    assert_eq!(sent.status, Status::Ok, "{}", sent.body);
    assert_eq!(sent.json(), json!({"status": "Waiting email confirmation"}));
    confirm_last_mail_under(&app, "/store").await;
    assert_eq!(app.count("accounts").await, 1);
    // Nobody could collect an app password, so none was asked for.
    assert_eq!(app.count("app_passwords").await, 0);

    let mut elsewhere = one_step.clone();
    elsewhere["email"] = json!("ada@example.org");
    elsewhere["username"] = json!("ada2");
    let refused = app
        .post_json("/store/.well-known/nextcloud/registration", &elsewhere)
        .await;
    assert_refused(
        &refused,
        Status::Forbidden,
        "Your email is not authorized",
        "domain_not_allowed",
    );

    let discovery = app.get_json("/store/.well-known/doorstep").await.json();
    assert_eq!(
        discovery["seed_apis"],
        json!([
            {"name": "nextcloud", "url": "http://127.0.0.1:8000/store/apps/registration/api/1.0"},
            {"name": "nextcloud-ocs", "url": "http://127.0.0.1:8000/store/ocs/v2.php/registration/v1"},
        ])
    );
}

#[rocket::async_test]
async fn switched_off_every_route_is_doorsteps_404() {
    let app = TestApp::with(|s| s.usernames.mode = UsernameMode::Optional).await;
    let body = account("ada", "ada@example.com");
    for path in [
        format!("{API}/register/verify"),
        format!("{API}/register/create"),
        "/.well-known/nextcloud/registration".to_owned(),
    ] {
        app.post_json(&path, &body)
            .await
            .assert_error(Status::NotFound, "not_found");
    }
    for path in ["/validate", "/register", "/status"] {
        ocs(&app, path, &body)
            .await
            .assert_error(Status::NotFound, "not_found");
    }
    for path in [
        format!("{API}/register/status/{}", "A".repeat(43)),
        "/.well-known/nextcloud/registration".to_owned(),
    ] {
        app.get_json(&path)
            .await
            .assert_error(Status::NotFound, "not_found");
    }
    assert_eq!(app.footprint().await, [0, 0, 0, 0]);
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["seed_apis"], json!([]));
    let doc = app.get_json("/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.keys().all(|path| !is_nextcloud(path)), "{paths:?}");
    assert!(
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|tag| tag["name"] != "nextcloud")
    );
}

#[rocket::async_test]
async fn registration_tokens_in_paths_never_reach_the_log() {
    let app = app().await;
    let created = app
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    let token = created.json()["registrationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let waiting = app
        .get_json(&format!("{API}/register/status/{token}"))
        .await;
    assert_eq!(waiting.status, Status::Forbidden);
    let unknown = format!("{}x", &token[..42]);
    let _ = app
        .get_json(&format!("{API}/register/status/{unknown}"))
        .await;
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    let leaks: Vec<_> = lines
        .iter()
        .filter(|line| line.contains(&token) || line.contains(&unknown))
        .collect();
    assert!(leaks.is_empty(), "{leaks:?}");
    assert!(
        lines
            .iter()
            .any(|line| line.contains("/register/status/[redacted]")),
        "Rocket's request lines are kept, scrubbed"
    );
}

fn is_nextcloud(path: &str) -> bool {
    path.starts_with(API) || path.starts_with(OCS) || path.contains("nextcloud")
}

/// `reply`'s members are the schema's properties, and every required one is there.
fn assert_fits(reply: &Value, schema: &Value) {
    let properties = schema["properties"].as_object().unwrap();
    for key in reply.as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "{schema} lacks {key}");
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        assert!(
            reply.get(required.as_str().unwrap()).is_some(),
            "{required}: {reply}"
        );
    }
}

#[rocket::async_test]
async fn switched_on_every_route_is_described_in_its_own_shapes() {
    let app = app().await;
    let doc = app.get_json("/openapi.json").await.json();
    let mut described = 0;
    for route in app.client.rocket().routes() {
        let path = route.uri.path().to_string();
        if !is_nextcloud(&path) {
            continue;
        }
        let path = path.replace("<token>", "{token}");
        let method = route.method.as_str().to_ascii_lowercase();
        let operation = &doc["paths"][&path][&method];
        assert_eq!(operation["tags"], json!(["nextcloud"]), "{method} {path}");
        let responses = operation["responses"].as_object().unwrap();
        for status in ["200", "500", "503"] {
            assert!(responses.contains_key(status), "{method} {path} {status}");
        }
        for (status, response) in responses {
            let content = response["content"].as_object().unwrap();
            assert!(
                !content.contains_key("text/html"),
                "{method} {path} {status}"
            );
            let schema = content["application/json"]["schema"].to_string();
            assert!(!schema.contains("ErrorBody"), "{method} {path} {status}");
        }
        described += 1;
    }
    assert_eq!(described, 8);
    let schemas = &doc["components"]["schemas"];
    let created = app
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    assert_fits(&created.json(), &schemas["NextcloudCreated"]);
    let refused = app
        .post_json(&format!("{API}/register/create"), &account("ada", "nope"))
        .await;
    assert_fits(&refused.json(), &schemas["NextcloudMessage"]);
    let codes = &schemas["ErrorBody"]["properties"]["error"]["enum"];
    for code in ["ocs_header_missing", "not_acceptable"] {
        assert!(codes.as_array().unwrap().contains(&json!(code)), "{code}");
    }
}

/// With approval on, a confirmed account waits: both APIs say so, then finish once an admin
/// approves, handing out the app password then and only then.
#[rocket::async_test]
async fn a_registration_waiting_for_approval_says_so_in_both_apis() {
    use doorstep::accounts::admin;
    use doorstep::accounts::audit::Actor;
    use doorstep::clock::Clock as _;
    use doorstep::config::ApprovalMode;
    let app = app_with(|s| s.approval.mode = ApprovalMode::All).await;
    let created = app
        .post_json(
            &format!("{API}/register/create"),
            &account("ada", "ada@example.com"),
        )
        .await;
    let token = created.json()["registrationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let registered = ocs(&app, "/register", &account("grace", "grace@example.com")).await;
    let secret = registered.json()["ocs"]["data"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    confirm_last_mail(&app).await;
    app.deliver().await;
    let ada_link = app
        .mails()
        .iter()
        .find(|mail| mail.to.iter().any(|to| to == "ada@example.com"))
        .and_then(|mail| mail.token())
        .unwrap();
    app.get_json(&format!("/auth/signup?confirm={ada_link}"))
        .await;

    let draft = app
        .get_json(&format!("{API}/register/status/{token}"))
        .await;
    assert_eq!(draft.status, Status::Forbidden, "{}", draft.body);
    assert_eq!(draft.json()["message"], "Waiting for admin approval");
    let polled = ocs(&app, "/status", &json!({"clientSecret": secret})).await;
    assert_eq!(polled.status, Status::Ok, "{}", polled.body);
    let data = &polled.json()["ocs"]["data"];
    assert_eq!(data["registrationStatus"], 1);
    assert_eq!(data["message"], "Waiting for admin approval");
    assert!(data.get("appPassword").is_none());

    let ctx = &app.state().accounts;
    for email in ["ada@example.com", "grace@example.com"] {
        let waiting = admin::find_by_address(&ctx.db, email).await.unwrap();
        admin::approve(ctx, &Actor::cli(), waiting.id, app.clock.now())
            .await
            .unwrap();
    }
    let draft = app
        .get_json(&format!("{API}/register/status/{token}"))
        .await;
    assert_eq!(draft.status, Status::Ok, "{}", draft.body);
    assert!(draft.json()["appPassword"].is_string());
    let polled = ocs(&app, "/status", &json!({"clientSecret": secret})).await;
    assert_eq!(
        polled.json()["ocs"]["data"]["registrationStatus"],
        0,
        "{}",
        polled.body
    );
}
