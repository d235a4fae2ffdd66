//! Each person's mails in the language they signed up in, stored with the sign-up and the
//! account, whoever causes a later mail and whatever language that request is in.

use std::path::Path;

use rocket::http::{Header, Status};
use serde_json::{Value, json};

use crate::support::{TestApp, signup_body};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// German mails for sign-up, an address already registered, and reset: the operator's own
/// files, as `doorstep.templates.dir` adds them beside the shipped English ones.
fn german(dir: &Path) {
    for (message, subject) in [
        ("signup_confirmation", "Bitte die Adresse bestaetigen"),
        ("already_registered", "Schon registriert"),
        ("password_reset", "Neues Passwort"),
    ] {
        let folder = dir.join("email/de").join(message);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("subject.txt.tera"), subject).unwrap();
        let body = "Hallo {{ name }}: {{ link }} {{ code }}";
        std::fs::write(folder.join("text.txt.tera"), body).unwrap();
        std::fs::write(folder.join("html.html.tera"), format!("<p>{body}</p>")).unwrap();
    }
}

async fn app() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    german(dir.path());
    let templates = dir.path().to_owned();
    let app = TestApp::with(move |s| {
        s.templates_dir = Some(templates);
        s.reset.enabled = true;
    })
    .await;
    (app, dir)
}

/// Posts JSON with an `Accept-Language`, and returns the subjects of the mails it caused.
async fn subjects_after(app: &TestApp, path: &str, body: &Value, language: &str) -> Vec<String> {
    let seen = app.mails().len();
    let request = app
        .client
        .post(path.to_owned())
        .header(rocket::http::ContentType::JSON)
        .header(rocket::http::Accept::JSON)
        .header(Header::new("Accept-Language", language.to_owned()))
        .body(body.to_string());
    let reply = app.send(request).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    app.mails_since(seen)
        .iter()
        .map(|mail| mail.subject())
        .collect()
}

#[rocket::async_test]
async fn mails_follow_the_language_the_person_signed_up_in() {
    let (app, _dir) = app().await;
    let mut body = signup_body(ADA);
    body["password"] = json!(PASSWORD);
    let subjects = subjects_after(&app, "/auth/signup", &body, "de-CH, en;q=0.5").await;
    assert_eq!(subjects, ["Bitte die Adresse bestaetigen"]);
    let token = app.mails().pop().unwrap().token().unwrap();
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);

    // A stranger signing up with her address in French: Ada is told, in German.
    let subjects = subjects_after(&app, "/auth/signup", &signup_body(ADA), "fr").await;
    assert_eq!(subjects, ["Schon registriert"]);
    // A reset asked for in English: the account reads German.
    let reset = json!({ "email": ADA });
    let subjects = subjects_after(&app, "/auth/pwreset", &reset, "en").await;
    assert_eq!(subjects, ["Neues Passwort"]);
}

#[rocket::async_test]
async fn the_query_and_the_cookie_choose_too_and_a_language_without_mails_falls_back() {
    let (app, _dir) = app().await;
    // `?lang=` wins over the header.
    let request = app
        .client
        .post("/auth/signup?lang=de")
        .header(rocket::http::ContentType::JSON)
        .header(Header::new("Accept-Language", "fr"))
        .body(signup_body("grace@example.com").to_string());
    assert_eq!(app.send(request).await.status, Status::Ok);
    // The language switch's cookie wins over the header.
    let request = app
        .client
        .post("/auth/signup")
        .header(rocket::http::ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .cookie(rocket::http::Cookie::new("doorstep_lang", "de"))
        .body(signup_body("edsger@example.com").to_string());
    assert_eq!(app.send(request).await.status, Status::Ok);
    app.deliver().await;
    // Swedish is a language doorstep knows, but this server has no Swedish mail: English.
    let subjects = subjects_after(&app, "/auth/signup", &signup_body(ADA), "sv").await;
    let mails = app.mails();
    let subject_to = |to: &str| {
        mails
            .iter()
            .find(|mail| mail.to.iter().any(|address| address == to))
            .unwrap()
            .subject()
    };
    assert_eq!(
        subject_to("grace@example.com"),
        "Bitte die Adresse bestaetigen"
    );
    assert_eq!(
        subject_to("edsger@example.com"),
        "Bitte die Adresse bestaetigen"
    );
    assert!(
        subjects[0].starts_with("Confirm your email address"),
        "{subjects:?}"
    );
}
