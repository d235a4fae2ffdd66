//! Link templates (`doorstep.auth.links.*`): mailed links that lead to the front-end's own
//! pages, whose scripts post the token back to the confirm routes.

use doorstep::config::{LinkTemplate, Origin, Settings};
use doorstep::links::Links;
use rocket::http::{Accept, ContentType, Header, Status};
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp, doorstep, signup_body};

const FRONT_END: &str = "https://app.example";
const VERIFY: &str = "https://app.example/welcome/verify?t={token}";
const RESET: &str = "https://app.example/welcome/reset/{token}";
const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "a brand new passphrase";

/// The test settings with the front-end's origin listed and these templates set.
async fn app_with(signup: Option<&str>, reset: Option<&str>) -> TestApp {
    TestApp::with(|s| {
        s.reset.enabled = true;
        s.cors_origins = vec![Origin::parse(FRONT_END).unwrap()];
        let template = |text: &str| LinkTemplate::parse(text, &s.permitted_redirects).unwrap();
        s.links.signup = signup.map(template);
        s.links.password_reset = reset.map(template);
    })
    .await
}

/// The token in the one link of `mail` that starts with `page` (the template before
/// `{token}`), checked to be in both the text and the HTML part.
fn token_after(mail: &Mail, page: &str) -> String {
    let text = mail.part("text/plain");
    let start = text
        .find(page)
        .unwrap_or_else(|| panic!("no {page} in {text}"))
        + page.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    assert_eq!(token.len(), 43, "{text}");
    let link = format!("href=\"{page}{token}\"");
    // Tera's HTML escaping writes `/` as `&#x2F;`, which the mail reader turns back.
    let html = mail.part("text/html").replace("&#x2F;", "/");
    assert!(html.contains(&link), "{}", mail.raw);
    token
}

/// A JSON post as the front-end's script sends it: from its own origin.
async fn post_from_front_end(app: &TestApp, path: &str, body: &Value) -> Reply {
    let request = app
        .client
        .post(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("Origin", FRONT_END))
        .body(body.to_string());
    app.send(request).await
}

async fn sign_up(app: &TestApp, email: &str) -> Mail {
    let reply = app.post_json("/auth/signup", &signup_body(email)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    app.mails().pop().unwrap()
}

#[rocket::async_test]
async fn the_sign_up_mail_leads_to_the_front_end_whose_page_confirms_with_the_token() {
    let app = app_with(Some(VERIFY), None).await;
    let mail = sign_up(&app, ADA).await;
    let token = token_after(&mail, "https://app.example/welcome/verify?t=");
    assert!(
        !mail.decoded.contains("/auth/signup?confirm="),
        "{}",
        mail.raw
    );

    let body = json!({ "token": token });
    let confirmed = post_from_front_end(&app, "/auth/signup/confirm", &body).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    assert_eq!(confirmed.json()["status"], "confirmed");
    assert_eq!(
        confirmed.header("Access-Control-Allow-Origin"),
        Some(FRONT_END)
    );
    assert_eq!(app.count("accounts").await, 1);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn a_resent_mail_leads_to_the_front_end_too() {
    let app = app_with(Some(VERIFY), None).await;
    let first = token_after(
        &sign_up(&app, ADA).await,
        "https://app.example/welcome/verify?t=",
    );
    let reply = app
        .post_json("/auth/signup/resend", &json!({ "email": ADA }))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    let second = token_after(&mail, "https://app.example/welcome/verify?t=");
    assert_ne!(first, second);
    let confirmed = app
        .post_json("/auth/signup/confirm", &json!({ "token": second }))
        .await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
}

#[rocket::async_test]
async fn the_reset_mail_leads_to_the_front_end_whose_page_sets_the_password() {
    // Sign-up keeps doorstep's own page here: one template does not move the other link.
    let app = app_with(None, Some(RESET)).await;
    app.confirmed_account(ADA, PASSWORD).await;

    let reply = post_from_front_end(&app, "/auth/pwreset", &json!({ "email": ADA })).await;
    assert_eq!(reply.json(), json!({ "status": "reset_requested" }));
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    let token = token_after(&mail, "https://app.example/welcome/reset/");
    assert!(
        !mail.decoded.contains("/auth/pwreset?confirm="),
        "{}",
        mail.raw
    );

    let body = json!({ "token": token, "password": NEW_PASSWORD });
    let changed = post_from_front_end(&app, "/auth/pwreset/confirm", &body).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);
    assert_eq!(changed.json()["status"], "password_changed");
    assert!(app.signs_in(ADA, NEW_PASSWORD).await);
    assert!(!app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn unset_templates_keep_doorstep_own_pages() {
    let app = app_with(None, None).await;
    let mail = sign_up(&app, ADA).await;
    let token = token_after(&mail, "http://127.0.0.1:8000/auth/signup?confirm=");
    assert!(!mail.decoded.contains(FRONT_END), "{}", mail.raw);
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);

    app.post_json("/auth/pwreset", &json!({ "email": ADA }))
        .await;
    app.deliver().await;
    let mail = app.mails().pop().unwrap();
    token_after(&mail, "http://127.0.0.1:8000/auth/pwreset?confirm=");

    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(
        discovery["mail_links"],
        json!({ "signup": null, "password_reset": null, "email_change": null, "invitation": null })
    );
}

#[rocket::async_test]
async fn discovery_says_which_links_go_to_the_front_end() {
    let app = app_with(Some(VERIFY), Some(RESET)).await;
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(
        discovery["mail_links"],
        json!({
            "signup": VERIFY,
            "password_reset": RESET,
            "email_change": null,
            "invitation": null,
        })
    );
}

fn parse(text: &str, env: &[(&str, &str)]) -> Result<Settings, String> {
    let text = format!("doorstep.auth.permitted.redirects.1=https://app.example/welcome\n{text}");
    Settings::parse("doorstep.properties", &text, &|name| {
        env.iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| (*value).to_owned())
    })
    .map_err(|err| err.to_string())
}

#[test]
fn every_key_is_read_and_the_future_flows_get_their_links() {
    let settings = parse(
        "doorstep.auth.links.signup=https://app.example/welcome/verify?t={token}\n\
         entrystore.auth.links.email-change=https://app.example/welcome/email/{token}\n\
         doorstep.auth.links.invitation=https://app.example/welcome/join#{token}\n",
        &[(
            "DOORSTEP_AUTH_LINKS_PASSWORD_RESET",
            "https://app.example/welcome/reset?t={token}",
        )],
    )
    .unwrap();
    let links = Links::new(&settings);
    assert_eq!(
        links.signup_confirmation("S"),
        "https://app.example/welcome/verify?t=S"
    );
    assert_eq!(
        links.password_reset("R"),
        "https://app.example/welcome/reset?t=R"
    );
    assert_eq!(
        links.email_change("E"),
        "https://app.example/welcome/email/E"
    );
    assert_eq!(links.invitation("I"), "https://app.example/welcome/join#I");

    let own = Links::new(&parse("", &[]).unwrap());
    assert_eq!(
        own.email_change("E"),
        "http://127.0.0.1:8000/auth/me/email?confirm=E"
    );
    assert_eq!(
        own.invitation("I"),
        "http://127.0.0.1:8000/auth/signup?invitation=I"
    );
}

#[test]
fn templates_that_cannot_receive_a_token_safely_are_refused() {
    for (line, wrong) in [
        (
            "doorstep.auth.links.signup=https://app.example/welcome/verify",
            "must contain {token} exactly once",
        ),
        (
            "doorstep.auth.links.password-reset=https://app.example/welcome/{token}/{token}",
            "must contain {token} exactly once",
        ),
        (
            "doorstep.auth.links.email-change=ftp://app.example/welcome/{token}",
            "only http and https",
        ),
        (
            "doorstep.auth.links.invitation=https://{token}.app.example/welcome",
            "must stand in the path, query or fragment",
        ),
        (
            "doorstep.auth.links.signup=https://evil.example/welcome?t={token}",
            "is not a permitted redirect target",
        ),
        (
            "doorstep.auth.links.signup=https://app.example/welcomeevil?t={token}",
            "is not a permitted redirect target",
        ),
    ] {
        let error = parse(line, &[]).unwrap_err();
        let key = line.split('=').next().unwrap();
        assert!(
            error.starts_with(&format!("doorstep.properties:2: {key}: ")),
            "{error}"
        );
        assert!(error.contains(wrong), "{line}: {error}");
    }
    let from_env = parse(
        "",
        &[(
            "DOORSTEP_AUTH_LINKS_INVITATION",
            "https://app.example/welcome",
        )],
    );
    assert!(from_env.unwrap_err().starts_with(
        "environment DOORSTEP_AUTH_LINKS_INVITATION: doorstep.auth.links.invitation:"
    ));
}

#[test]
fn check_config_stops_on_a_template_outside_the_permitted_targets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.properties");
    std::fs::write(
        &file,
        "doorstep.auth.signup=on\n\
         doorstep.auth.email.from=signup@example.org\n\
         doorstep.auth.links.signup=https://app.example/verify?t={token}\n",
    )
    .unwrap();
    let path = file.to_string_lossy().into_owned();
    let output = doorstep(dir.path(), &["check-config", "--config", &path], &[])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "accepted: {stderr}");
    assert!(
        stderr.contains(&format!("{path}:3: doorstep.auth.links.signup:")),
        "{stderr}"
    );
    assert!(
        stderr.contains("doorstep.auth.permitted.redirects"),
        "{stderr}"
    );
}
