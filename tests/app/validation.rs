//! Bad input is refused with a stable code and changes nothing: no rows, no mail.

use std::future::Future;

use doorstep::config::Settings;
use rocket::http::{ContentType, Header, Status};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, rule, signup_body};

/// An app that already holds one sign-up, so "nothing changed" is checked against real rows.
async fn seeded(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let app = TestApp::with(configure).await;
    app.sign_up("seed@example.com").await;
    assert_eq!(app.footprint().await, [0, 1, 1, 1]);
    app
}

/// The status of each refusal code, from DESIGN.md section 3.
fn status_of(code: &str) -> Status {
    match code {
        "domain_not_allowed" => Status::Forbidden,
        "body_too_large" => Status::PayloadTooLarge,
        "unsupported_media_type" => Status::UnsupportedMediaType,
        _ => Status::BadRequest,
    }
}

/// Sends `request`, checks it was refused with `code` and left no trace; returns `fields`.
async fn refused(app: &TestApp, request: impl Future<Output = Reply>, code: &str) -> Value {
    let before = app.footprint().await;
    let reply = request.await;
    assert_eq!(reply.status, status_of(code), "{}", reply.body);
    assert_eq!(reply.retry_after, None, "retrying cannot help");
    let body = reply.json();
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert_eq!(app.footprint().await, before, "{body} but rows changed");
    assert_eq!(app.deliver().await.sent, 0, "{body} but mail was sent");
    body["fields"].clone()
}

async fn refused_json(app: &TestApp, body: &Value, code: &str) -> Value {
    refused(app, app.post_json("/auth/signup", body), code).await
}

async fn accepted_json(app: &TestApp, body: &Value) {
    let reply = app.post_json("/auth/signup", body).await;
    assert_eq!(reply.status, Status::Ok, "{body}: {}", reply.body);
    assert_eq!(app.deliver().await.sent, 1, "{body}: one mail");
}

fn with(field: &str, value: &str) -> Value {
    let mut body = signup_body("ada@example.com");
    body[field] = json!(value);
    body
}

#[rocket::async_test]
async fn missing_or_blank_fields_are_each_named() {
    let app = seeded(|_| {}).await;
    let all_required = json!({
        "firstname": "required", "lastname": "required", "email": "required", "password": "required",
    });
    let fields = refused_json(&app, &json!({}), "invalid_request").await;
    assert_eq!(fields, all_required);
    let blank = json!({ "firstname": "  ", "lastname": "\t", "email": " ", "password": "" });
    let fields = refused_json(&app, &blank, "invalid_request").await;
    assert_eq!(fields, all_required);
    for field in ["firstname", "lastname", "email", "password"] {
        let fields = refused_json(&app, &with(field, ""), "invalid_request").await;
        assert_eq!(fields, json!({ field: "required" }));
    }
}

#[rocket::async_test]

async fn a_password_of_only_spaces_is_required() {
    let app = seeded(|_| {}).await;
    let fields = refused_json(&app, &with("password", "            "), "invalid_request").await;
    assert_eq!(fields, json!({ "password": "required" }));
}

#[rocket::async_test]

async fn null_for_an_optional_field_means_absent() {
    let app = seeded(|_| {}).await;
    let mut body = signup_body("ada@example.com");
    body["urlsuccess"] = Value::Null;
    body["urlfailure"] = Value::Null;
    accepted_json(&app, &body).await;
}

#[rocket::async_test]
async fn malformed_addresses_are_invalid() {
    let app = seeded(|_| {}).await;
    let long = format!("{}@example.com", "a".repeat(250));
    for email in [
        "plain",
        "a@b",
        "a b@example.com",
        "a@[127.0.0.1]",
        "@example.com",
        "a..b@example.com",
        "ada@example.com\r\nBcc: x@evil.example",
    ] {
        let fields = refused_json(&app, &with("email", email), "invalid_request").await;
        assert_eq!(fields, json!({ "email": "invalid" }), "{email:?}");
    }
    let fields = refused_json(&app, &with("email", &long), "invalid_request").await;
    assert_eq!(fields, json!({ "email": "too_long" }));
}

#[rocket::async_test]
async fn names_with_line_breaks_are_refused() {
    let app = seeded(|_| {}).await;
    for (field, value) in [
        ("firstname", "Ada\r\nBcc: x@evil.example"),
        ("firstname", "Ada\nBcc: x@evil.example"),
        ("lastname", "Lovelace\rX-Injected: yes"),
    ] {
        let fields = refused_json(&app, &with(field, value), "invalid_request").await;
        assert_eq!(fields, json!({ field: "invalid_characters" }), "{value:?}");
    }
}

#[rocket::async_test]
async fn weak_passwords_are_refused_with_the_reason() {
    let app = seeded(|_| {}).await;
    let fields = refused_json(&app, &with("password", "zq9!xw7#k"), "weak_password").await;
    assert_eq!(fields, json!({ "password": "too_short" }));
    let long = "x".repeat(1025);
    let fields = refused_json(&app, &with("password", &long), "weak_password").await;
    assert_eq!(fields, json!({ "password": "too_long" }));
    let mut mine = signup_body("countess@example.com");
    mine["password"] = json!("the-COUNTESS-of-numbers");
    let fields = refused_json(&app, &mine, "weak_password").await;
    assert!(fields["password"].is_string(), "{fields}");
    for named in ["i am ada forever", "lovelace-and-babbage"] {
        refused_json(&app, &with("password", named), "weak_password").await;
    }
    // The first guesses of every attacker, in any case.
    for common in ["password1234", "qwertyuiop", "QwertyUiop", "iloveyou123"] {
        let fields = refused_json(&app, &with("password", common), "weak_password").await;
        assert_eq!(fields, json!({ "password": "too_common" }), "{common}");
    }
    // The limits are inclusive.
    accepted_json(&app, &with("password", "zq9!xw7#kp")).await;
    accepted_json(&app, &with("password", &"x".repeat(1024))).await;
}

#[rocket::async_test]
async fn only_whitelisted_domains_may_sign_up() {
    let app = seeded(|s| s.signup.whitelist = vec!["example.com".into()]).await;
    for email in [
        "a@evil-example.com",
        "a@mail.example.com",
        "a@example.com.evil.org",
    ] {
        let body = signup_body(email);
        let fields = refused_json(&app, &body, "domain_not_allowed").await;
        assert_eq!(fields, json!({ "email": "domain_not_allowed" }));
    }
    accepted_json(&app, &signup_body("grace@EXAMPLE.com")).await;
}

#[rocket::async_test]
async fn subdomains_match_only_at_a_label_boundary_when_switched_on() {
    let app = seeded(|s| {
        s.signup.whitelist = vec!["example.com".into()];
        s.signup.whitelist_subdomains = true;
    })
    .await;
    accepted_json(&app, &signup_body("a@mail.example.com")).await;
    for email in [
        "a@evil-example.com",
        "a@mailexample.com",
        "a@example.com.evil.org",
    ] {
        refused_json(&app, &signup_body(email), "domain_not_allowed").await;
    }
}

#[rocket::async_test]
async fn redirect_targets_outside_the_permitted_list_are_refused() {
    let app = seeded(|_| {}).await;
    for target in [
        "javascript:alert(1)",
        "//evil.example/welcome",
        "https://app.example@evil.example/welcome",
        "https://user@app.example/welcome",
        "https://app.example:8443/welcome",
        "http://app.example/welcome",
        "https://app.example.evil/welcome",
        "https://app.example/welcomeevil",
        "https://app.example/other",
        "https://app.example/welcome/../other",
        "/welcome",
        "https://app.example/wel\tcome",
        "https://app.example/welcome\n/x",
    ] {
        for field in ["urlsuccess", "urlfailure"] {
            let body = with(field, target);
            let fields = refused_json(&app, &body, "redirect_not_allowed").await;
            assert_eq!(fields, json!({ field: "not_allowed" }), "{target:?}");
        }
    }
    for target in [
        "https://app.example/welcome",
        "https://app.example/welcome/x?y=1",
        "https://APP.example/welcome",
    ] {
        for field in ["urlsuccess", "urlfailure"] {
            accepted_json(&app, &with(field, target)).await;
        }
    }
}

#[rocket::async_test]
async fn only_the_configured_redirect_rules_count() {
    let app = seeded(|s| s.permitted_redirects.clear()).await;
    for field in ["urlsuccess", "urlfailure"] {
        let body = with(field, "https://app.example/welcome");
        refused_json(&app, &body, "redirect_not_allowed").await;
    }
    let app = seeded(|s| s.permitted_redirects = vec![rule("https://app.example:8443")]).await;
    accepted_json(
        &app,
        &with("urlsuccess", "https://app.example:8443/any/path"),
    )
    .await;
    let body = with("urlsuccess", "https://app.example/any/path");
    refused_json(&app, &body, "redirect_not_allowed").await;
}

#[rocket::async_test]
async fn bodies_that_are_not_a_sign_up_are_refused() {
    let app = seeded(|_| {}).await;
    let json_accept = || Header::new("Accept", "application/json");
    let text = signup_body("ada@example.com").to_string();
    let plain = app.client.post("/auth/signup").header(ContentType::Plain);
    let plain = plain.header(json_accept()).body(text.clone());
    refused(&app, app.send(plain), "unsupported_media_type").await;
    let bare = app.client.post("/auth/signup").header(json_accept());
    refused(&app, app.send(bare.body(text)), "unsupported_media_type").await;

    // Unknown fields are ignored, so padding makes a valid body of an exact size.
    let padded = |size: usize| {
        let mut body = signup_body("ada@example.com");
        body["padding"] = json!("");
        let room = size - body.to_string().len();
        body["padding"] = json!("x".repeat(room));
        body
    };
    refused_json(&app, &padded(32 * 1024 + 1), "body_too_large").await;
    accepted_json(&app, &padded(32 * 1024)).await;

    let broken = app.client.post("/auth/signup").header(ContentType::JSON);
    let broken = broken
        .header(json_accept())
        .body(r#"{"firstname": "Ada", "#);
    refused(&app, app.send(broken), "invalid_request").await;
    let mut number = signup_body("ada@example.com");
    number["firstname"] = json!(5);
    refused_json(&app, &number, "invalid_request").await;
}

const SECRET: &str = "Sekrit-Pa55word-xyz";

fn form<'a>(firstname: &'a str, lastname: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    let fields = [
        ("firstname", firstname),
        ("lastname", lastname),
        ("email", email),
    ];
    [&fields[..], &[("password", SECRET)]].concat()
}

/// Posts the browser form and checks it came back as the form, filled in, without the password.
async fn refused_form(app: &TestApp, fields: &[(&str, &str)], code: &str) -> String {
    let before = app.footprint().await;
    let page = app.post_form("/auth/signup", fields).await;
    assert_eq!(page.status, status_of(code), "{}", page.body);
    let html = page.content_type.as_deref().unwrap_or_default();
    assert!(html.starts_with("text/html"), "{html}");
    let body = page.body;
    assert!(body.contains("<form") && !body.contains(SECRET), "{body}");
    assert_eq!(app.footprint().await, before);
    assert_eq!(app.deliver().await.sent, 0);
    body
}

#[rocket::async_test]
async fn a_failed_form_comes_back_filled_in_without_the_password() {
    let app = seeded(|_| {}).await;
    let fields = form("", "Lovelace", "ada@example.com");
    let page = refused_form(&app, &fields, "invalid_request").await;
    assert!(page.contains(r#"value="Lovelace""#), "{page}");
    assert!(page.contains(r#"value="ada@example.com""#), "{page}");
    assert!(
        page.contains(
            r#"<p class="field-error" id="firstname-error">Please enter your first name.</p>"#
        ),
        "{page}"
    );

    let mut weak = form("Ada", "Lovelace", "ada@example.com");
    weak[3].1 = "Sekrit-Pa";
    let page = refused_form(&app, &weak, "weak_password").await;
    assert!(page.contains(r#"value="Ada""#), "{page}");
    assert!(!page.contains("Sekrit-Pa"), "{page}");
    assert!(page.contains("This password is too short"), "{page}");
}

#[rocket::async_test]
async fn a_failed_form_escapes_what_it_shows_again() {
    let app = seeded(|_| {}).await;
    let fields = form("", "\"><script>alert(1)</script>", "ada@example.com");
    let page = refused_form(&app, &fields, "invalid_request").await;
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(page.contains("&lt;script&gt;"), "{page}");
}

#[rocket::async_test]
async fn a_form_refused_for_its_domain_or_redirect_queues_no_mail() {
    let app = seeded(|s| s.signup.whitelist = vec!["example.com".into()]).await;
    let evil = form("Ada", "Lovelace", "ada@evil.example");
    let page = refused_form(&app, &evil, "domain_not_allowed").await;
    assert!(
        page.contains("not open to addresses in this domain"),
        "{page}"
    );
    let mut redirect = form("Ada", "Lovelace", "ada@example.com");
    redirect.push(("urlsuccess", "https://evil.example/"));
    let page = refused_form(&app, &redirect, "redirect_not_allowed").await;
    assert!(
        page.contains("This page may not send you on to that address."),
        "{page}"
    );
}
