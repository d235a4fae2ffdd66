//! Email-first sign-up: the address alone, then the details once the mailed link or code
//! proves it; the same confirmation, enumeration rules, usernames, sign-in and status handle
//! as details-first.

use std::time::Duration;

use doorstep::config::{Settings, SignupFlow, UsernameMode};
use rocket::http::Status;
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp, hidden_field, sent_reply};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

async fn app() -> TestApp {
    app_with(|_| {}).await
}

async fn app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    TestApp::with(|s| {
        s.signup.flow = SignupFlow::EmailFirst;
        configure(s);
    })
    .await
}

/// Signs `email` up with the address alone: the reply's handle and the mail it caused.
async fn sign_up(app: &TestApp, email: &str) -> (String, Mail) {
    let reply = app
        .post_json("/auth/signup", &json!({ "email": email }))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let seen = app.mails().len();
    app.deliver().await;
    let mail = app.mails_since(seen).pop().expect("a mail");
    assert_eq!(mail.to, [email]);
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    (handle, mail)
}

/// The code a mail carries: the line of digits alone in its text part.
fn code_of(mail: &Mail) -> String {
    let text = mail.part("text/plain");
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.len() >= 4 && line.bytes().all(|b| b.is_ascii_digit()));
    line.unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

fn details() -> Value {
    json!({ "firstname": "Ada", "lastname": "Lovelace", "password": PASSWORD })
}

/// `details()` with the members of `more` added.
fn with(more: Value) -> Value {
    let mut body = details();
    for (key, value) in more.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn complete(app: &TestApp, body: &Value) -> Reply {
    app.post_json("/auth/signup/complete", body).await
}

/// Whether the page's form posts to `/auth/signup/complete`.
fn posts_to_complete(page: &Reply) -> bool {
    let body = page.body.replace("&#x2F;", "/");
    body.contains("action=\"/auth/signup/complete\"")
}

async fn status(app: &TestApp, handle: &str) -> Value {
    let reply = app.get_json(&format!("/auth/signup/status/{handle}")).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.json()
}

#[rocket::async_test]
async fn the_link_asks_for_the_details_and_completing_makes_the_account() {
    let app = app().await;
    let (_, mail) = sign_up(&app, ADA).await;
    assert_eq!(app.count("accounts").await, 0);
    let token = mail.token().unwrap();
    let link = format!("/auth/signup?confirm={token}");

    // Opening the link (twice: mail scanners) uses nothing and says what is wanted.
    for _ in 0..2 {
        let opened = app.get_json(&link).await;
        assert_eq!(opened.status, Status::Ok, "{}", opened.body);
        assert_eq!(opened.json()["status"], "details_required");
        assert_eq!(opened.json()["email"], ADA);
        assert_eq!(
            opened.json()["fields"],
            json!(["firstname", "lastname", "password"])
        );
    }
    assert_eq!(app.count("accounts").await, 0);

    let done = complete(&app, &with(json!({ "token": token }))).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(done.json(), json!({ "status": "confirmed" }));
    assert_eq!(app.count("accounts").await, 1);
    assert_eq!(app.count("codes").await, 0, "the code went with its flow");
    assert!(app.signs_in(ADA, PASSWORD).await);
    let me = app.get_json("/auth/me").await.json();
    assert_eq!(
        (&me["firstname"], &me["lastname"]),
        (&json!("Ada"), &json!("Lovelace"))
    );

    // The link afterwards, and the form sent twice, show the same success and make nothing.
    let again = app.get_json(&link).await;
    assert_eq!(again.json()["status"], "confirmed", "{}", again.body);
    let twice = complete(&app, &with(json!({ "token": token }))).await;
    assert_eq!(twice.json()["status"], "confirmed", "{}", twice.body);
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn the_code_completes_like_the_link_and_redirects_follow_the_sign_up() {
    let app = app().await;
    let body = json!({ "email": ADA, "urlsuccess": "https://app.example/welcome" });
    let reply = app.post_json("/auth/signup", &body).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let code = code_of(&app.mails()[0]);

    // The code alone is checked and answered with the details wanted; its try is given back.
    let checked = complete(&app, &json!({ "email": ADA, "code": code })).await;
    assert_eq!(
        checked.json()["status"],
        "details_required",
        "{}",
        checked.body
    );
    let done = complete(
        &app,
        &with(json!({ "email": " Ada@Example.com ", "code": code })),
    )
    .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(
        done.json(),
        json!({ "status": "confirmed", "redirect": "https://app.example/welcome" })
    );
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn browsers_open_the_details_form_and_finish_there() {
    let app = app().await;
    let form = app.get_html("/auth/signup").await;
    assert!(form.body.contains("name=\"email\""), "{}", form.body);
    assert!(!form.body.contains("name=\"password\""), "{}", form.body);
    assert!(!form.body.contains("name=\"firstname\""), "{}", form.body);
    let sent = app.post_form("/auth/signup", &[("email", ADA)]).await;
    assert_eq!(sent.status, Status::Ok, "{}", sent.body);
    assert!(sent.body.contains("Check your mail"), "{}", sent.body);
    app.deliver().await;
    let token = app.mails()[0].token().unwrap();

    let page = app.get_html(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(posts_to_complete(&page), "{}", page.body);
    assert_eq!(
        hidden_field(&page.body, "token").as_deref(),
        Some(token.as_str())
    );
    for field in ["firstname", "lastname", "password"] {
        assert!(page.body.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(
        !page.body.contains("Confirm and create"),
        "not the confirm button"
    );
    assert_eq!(app.count("accounts").await, 0);

    // A weak password shows the form again with the names kept; then it goes through.
    let fields = [
        ("token", token.as_str()),
        ("firstname", "Ada"),
        ("lastname", "Lovelace"),
    ];
    let weak = app
        .post_form(
            "/auth/signup/complete",
            &[&fields[..], &[("password", "short")]].concat(),
        )
        .await;
    assert_eq!(weak.status, Status::BadRequest, "{}", weak.body);
    assert!(weak.body.contains("value=\"Lovelace\""), "{}", weak.body);
    assert_eq!(
        hidden_field(&weak.body, "token").as_deref(),
        Some(token.as_str())
    );
    let done = app
        .post_form(
            "/auth/signup/complete",
            &[&fields[..], &[("password", PASSWORD)]].concat(),
        )
        .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert!(done.body.contains("Your account is ready"), "{}", done.body);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn the_check_your_mail_code_form_leads_to_the_details_form() {
    let app = app().await;
    let sent = app.post_form("/auth/signup", &[("email", ADA)]).await;
    assert!(posts_to_complete(&sent), "{}", sent.body);
    app.deliver().await;
    let code = code_of(&app.mails()[0]);

    let wrong = if code.starts_with('9') { "1" } else { "9" }.repeat(code.len());
    let refused = app
        .post_form("/auth/signup/complete", &[("email", ADA), ("code", &wrong)])
        .await;
    assert_eq!(refused.status, Status::BadRequest, "{}", refused.body);
    assert!(
        refused.body.contains("Tries left for this code: 4"),
        "{}",
        refused.body
    );

    let page = app
        .post_form("/auth/signup/complete", &[("email", ADA), ("code", &code)])
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains("Finish creating your account"),
        "{}",
        page.body
    );
    assert_eq!(
        hidden_field(&page.body, "code").as_deref(),
        Some(code.as_str())
    );
    assert_eq!(hidden_field(&page.body, "email").as_deref(), Some(ADA));
    let done = app
        .post_form(
            "/auth/signup/complete",
            &[
                ("email", ADA),
                ("code", &code),
                ("firstname", "Ada"),
                ("lastname", "Lovelace"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert!(done.body.contains("Your account is ready"), "{}", done.body);
}

#[rocket::async_test]
async fn a_known_address_gets_the_same_reply_and_its_owner_a_mail() {
    let app = app().await;
    let (_, mail) = sign_up(&app, ADA).await;
    let token = mail.token().unwrap();
    complete(&app, &with(json!({ "token": token }))).await;
    let seen = app.mails().len();

    let known = app
        .post_json("/auth/signup", &json!({ "email": ADA }))
        .await;
    let unknown = app
        .post_json("/auth/signup", &json!({ "email": "grace@example.com" }))
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(sent_reply(&known), sent_reply(&unknown));
    assert_eq!(sent_reply(&known), json!({ "status": "confirmation_sent" }));
    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 2);
    let to_ada = mails.iter().find(|m| m.to == [ADA]).unwrap();
    assert!(to_ada.token().is_none(), "no link for a known address");
    assert!(
        to_ada.part("text/plain").contains("already"),
        "{}",
        to_ada.raw
    );
    let to_grace = mails
        .iter()
        .find(|m| m.to == ["grace@example.com"])
        .unwrap();
    assert!(to_grace.token().is_some());
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn bad_details_use_nothing_up() {
    let app = app().await;
    let (_, mail) = sign_up(&app, ADA).await;
    let token = mail.token().unwrap();
    let code = code_of(&mail);
    let footprint = app.footprint().await;
    let cases = [
        (
            with(json!({ "token": token, "password": "password123" })),
            "weak_password",
        ),
        (
            with(json!({ "token": token, "firstname": "" })),
            "invalid_request",
        ),
        (
            with(json!({ "token": token, "password": "ada-is-me-always" })),
            "weak_password",
        ),
        (
            with(json!({ "email": ADA, "code": code, "lastname": "" })),
            "invalid_request",
        ),
        (
            with(json!({ "email": ADA, "code": code, "password": "" })),
            "invalid_request",
        ),
    ];
    for (body, error) in cases {
        let reply = complete(&app, &body).await;
        reply.assert_error(Status::BadRequest, error);
        assert!(reply.json()["fields"].is_object(), "{}", reply.body);
    }
    let missing = complete(&app, &with(json!({ "token": token, "firstname": " " }))).await;
    assert_eq!(missing.json()["fields"], json!({ "firstname": "required" }));
    assert_eq!(
        app.footprint().await,
        footprint,
        "nothing stored, sent or used"
    );

    // No try of the code was taken: a wrong one now has four left.
    let wrong = if code.starts_with('9') { "1" } else { "9" }.repeat(code.len());
    let refused = complete(&app, &with(json!({ "email": ADA, "code": wrong }))).await;
    refused.assert_error(Status::BadRequest, "code_invalid");
    assert_eq!(refused.json()["attempts_left"], 4);
    // And the link works.
    let done = complete(&app, &with(json!({ "token": token }))).await;
    assert_eq!(done.json()["status"], "confirmed", "{}", done.body);
}

#[rocket::async_test]
async fn confirming_without_details_is_refused_and_uses_nothing() {
    let app = app().await;
    let (_, mail) = sign_up(&app, ADA).await;
    let token = mail.token().unwrap();
    let refused = app
        .post_json("/auth/signup/confirm", &json!({ "token": token }))
        .await;
    refused.assert_error(Status::BadRequest, "details_required");
    assert_eq!(app.count("accounts").await, 0);
    let done = complete(&app, &with(json!({ "token": token }))).await;
    assert_eq!(done.json()["status"], "confirmed", "{}", done.body);
}

#[rocket::async_test]
async fn unknown_and_expired_links_are_refused_before_anything() {
    let app = app().await;
    let (_, mail) = sign_up(&app, ADA).await;
    let token = mail.token().unwrap();
    let unknown = doorstep::random::url_token();
    complete(&app, &with(json!({ "token": unknown })))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    app.clock.advance(DAY + Duration::from_secs(1));
    complete(&app, &with(json!({ "token": token })))
        .await
        .assert_error(Status::Gone, "token_expired");
    app.get_json(&format!("/auth/signup?confirm={token}"))
        .await
        .assert_error(Status::Gone, "token_expired");
    assert_eq!(app.count("accounts").await, 0);
}

#[rocket::async_test]
async fn racing_completions_for_one_username_make_one_conflict() {
    let app = app_with(|s| s.usernames.mode = UsernameMode::Required).await;
    let (_, ada) = sign_up(&app, ADA).await;
    let (_, grace) = sign_up(&app, "grace@example.com").await;
    let opened = app
        .get_json(&format!("/auth/signup?confirm={}", ada.token().unwrap()))
        .await;
    assert_eq!(
        opened.json()["fields"],
        json!(["firstname", "lastname", "username", "password"])
    );
    let none = complete(&app, &with(json!({ "token": ada.token().unwrap() }))).await;
    none.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(none.json()["fields"], json!({ "username": "required" }));

    let body =
        |mail: &Mail| with(json!({ "token": mail.token().unwrap(), "username": "lovelace" }));
    let (first, second) = (body(&ada), body(&grace));
    let (a, b) = rocket::tokio::join!(complete(&app, &first), complete(&app, &second));
    let mut statuses = [a.status.code, b.status.code];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let (loser, lost) = if a.status == Status::Conflict {
        (&a, &ada)
    } else {
        (&b, &grace)
    };
    loser.assert_error(Status::Conflict, "username_taken");
    assert_eq!(app.count("accounts").await, 1);
    let taken = complete(&app, &body(lost)).await;
    taken.assert_error(Status::Conflict, "username_taken");
    let other = with(json!({ "token": lost.token().unwrap(), "username": "lovelace2" }));
    let done = complete(&app, &other).await;
    assert_eq!(done.json()["status"], "confirmed", "{}", done.body);
    assert_eq!(app.count("accounts").await, 2);
}

#[rocket::async_test]
async fn login_signs_in_only_the_client_with_the_handle() {
    let app = app().await;
    let (handle, mail) = sign_up(&app, ADA).await;
    let token = mail.token().unwrap();
    let stranger = doorstep::random::url_token();
    let refused = complete(
        &app,
        &with(json!({ "token": token, "login": true, "registration": stranger })),
    )
    .await;
    assert_eq!(
        refused.json(),
        json!({ "status": "confirmed" }),
        "confirmed, nobody signed in"
    );

    let (handle_2, mail_2) = sign_up(&app, "grace@example.com").await;
    assert_ne!(handle, handle_2);
    let body = json!({
        "token": mail_2.token().unwrap(), "login": true, "registration": handle_2,
        "firstname": "Grace", "lastname": "Hopper", "password": PASSWORD,
    });
    let signed_in = complete(&app, &body).await;
    assert_eq!(signed_in.status, Status::Ok, "{}", signed_in.body);
    let bearer = signed_in.json()["token"].as_str().unwrap().to_owned();
    assert!(signed_in.json()["expires_at"].is_string());
    assert!(signed_in.set_cookie("doorstep_session").is_some());
    let me = app
        .send(
            app.client
                .get("/auth/me")
                .header(rocket::http::Accept::JSON)
                .header(rocket::http::Header::new(
                    "Authorization",
                    format!("Bearer {bearer}"),
                )),
        )
        .await;
    assert_eq!(me.json()["email"], "grace@example.com", "{}", me.body);
}

#[rocket::async_test]
async fn the_status_handle_follows_the_sign_up_through_its_details() {
    let app = app().await;
    let body = json!({ "email": ADA, "app_password": true });
    let reply = app.post_json("/auth/signup", &body).await;
    let handle = reply.json()["registration"].as_str().unwrap().to_owned();
    app.deliver().await;
    let token = app.mails()[0].token().unwrap();
    assert_eq!(
        status(&app, &handle).await["status"],
        "pending_confirmation"
    );
    app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(
        status(&app, &handle).await["status"],
        "pending_confirmation"
    );
    complete(&app, &with(json!({ "token": token }))).await;
    let finished = status(&app, &handle).await;
    assert_eq!(finished["status"], "finished");
    assert!(
        finished["app_password"]
            .as_str()
            .unwrap()
            .starts_with("dsap_")
    );
    assert_eq!(status(&app, &handle).await, json!({ "status": "finished" }));

    let (other, _) = sign_up(&app, "grace@example.com").await;
    app.clock.advance(DAY + Duration::from_secs(1));
    assert_eq!(status(&app, &other).await["status"], "expired");
}

#[rocket::async_test]
async fn details_first_has_no_complete_route_and_still_wants_the_details() {
    let app = TestApp::start().await;
    let reply = complete(&app, &with(json!({ "token": "x" }))).await;
    reply.assert_error(Status::NotFound, "not_found");
    let address_only = app
        .post_json("/auth/signup", &json!({ "email": ADA }))
        .await;
    address_only.assert_error(Status::BadRequest, "invalid_request");
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["signup"]["flow"], "details-first");
    assert!(discovery["signup"].get("details").is_none());
}

#[rocket::async_test]
async fn discovery_and_the_api_description_follow_the_flow() {
    let app = app().await;
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["signup"]["flow"], "email-first");
    let names: Vec<&str> = discovery["signup"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["email", "urlsuccess", "urlfailure", "app_password"]);
    assert_eq!(
        discovery["signup"]["details"],
        json!([
            { "name": "firstname", "required": true },
            { "name": "lastname", "required": true },
            { "name": "password", "required": true },
        ])
    );
    let page = app.get_json("/auth/signup").await.json();
    assert_eq!(page["flow"], "email-first");
    assert_eq!(
        page["fields"],
        json!(["email", "urlsuccess", "urlfailure", "app_password"])
    );

    let doc = app.get_json("/openapi.json").await.json();
    let form = &doc["components"]["schemas"]["SignUpForm"]["allOf"][1];
    let properties: Vec<&String> = form["properties"].as_object().unwrap().keys().collect();
    assert_eq!(properties, names, "the sign-up body as this mode takes it");
    assert_eq!(form["required"], json!(["email"]));
    let complete = &doc["paths"]["/auth/signup/complete"]["post"];
    assert!(complete["responses"]["404"].is_object());
    let password = &doc["components"]["schemas"]["CompleteForm"]["properties"]["password"];
    assert_eq!(password["minLength"], 10);
}

#[rocket::async_test]
async fn a_resent_mail_and_a_confirming_get_lead_to_the_details_too() {
    let app = app_with(|s| s.signup.confirm_on_get = true).await;
    sign_up(&app, ADA).await;
    let resent = app
        .post_json("/auth/signup/resend", &json!({ "email": ADA }))
        .await;
    assert_eq!(resent.json(), json!({ "status": "confirmation_sent" }));
    app.deliver().await;
    let mails = app.mails();
    assert_eq!(mails.len(), 2);
    let token = mails[1].token().unwrap();
    assert_ne!(Some(token.clone()), mails[0].token());

    // Even where opening a link confirms, a sign-up without details opens the details form.
    let page = app.get_html(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(posts_to_complete(&page), "{}", page.body);
    assert_eq!(app.count("accounts").await, 0);
    let done = complete(&app, &with(json!({ "token": token }))).await;
    assert_eq!(done.json()["status"], "confirmed", "{}", done.body);
    let earlier = mails[0].token().unwrap();
    let withdrawn = complete(&app, &with(json!({ "token": earlier }))).await;
    assert_eq!(
        withdrawn.json()["status"],
        "confirmed",
        "the same sign-up: the same success"
    );
}

/// Email-first follows the same domain rule as a details-first sign-up: off the whitelist is
/// refused, unless approval lets other domains sign up and wait.
#[rocket::async_test]
async fn the_whitelist_and_approval_apply_as_to_any_sign_up() {
    use doorstep::config::ApprovalMode;
    let whitelisted = |s: &mut Settings| s.signup.whitelist = vec!["example.com".into()];
    let app = app_with(whitelisted).await;
    let refused = app
        .post_json("/auth/signup", &json!({ "email": "grace@elsewhere.org" }))
        .await;
    refused.assert_error(Status::Forbidden, "domain_not_allowed");
    assert_eq!(app.count("pending_signups").await, 0);

    let app = app_with(|s| {
        whitelisted(s);
        s.approval.mode = ApprovalMode::OutsideWhitelist;
    })
    .await;
    let (_, mail) = sign_up(&app, "grace@elsewhere.org").await;
    let token = mail.token().unwrap();
    let body = with(json!({ "token": token }));
    let done = app.post_json("/auth/signup/complete", &body).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(done.json()["status"], "pending_approval");
}
