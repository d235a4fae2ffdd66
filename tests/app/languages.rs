//! Each person's mails in the language they signed up in, stored with the sign-up and the
//! account, whoever causes a later mail and whatever language that request is in; pages and
//! JSON messages in the request's language.

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::clock::Clock as _;
use doorstep::entities::account::Role;
use rocket::http::{Header, Status};
use serde_json::{Value, json};

use crate::support::{Mail, TestApp, signup_body};

const ADA: &str = "ada@example.com";
const GRACE: &str = "grace@example.com";
const PASSWORD: &str = "correct horse battery staple";

async fn app() -> TestApp {
    TestApp::with(|s| s.reset.enabled = true).await
}

async fn app_fresh() -> TestApp {
    app().await
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
    let app = app().await;
    let mut body = signup_body(ADA);
    body["password"] = json!(PASSWORD);
    let subjects = subjects_after(&app, "/auth/signup", &body, "de-CH, en;q=0.5").await;
    assert_eq!(
        subjects,
        ["Bestätigen Sie Ihre E-Mail-Adresse für doorstep"]
    );
    let token = app.mails().pop().unwrap().token().unwrap();
    let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);

    // A stranger signing up with her address in French: Ada is told, in German.
    let subjects = subjects_after(&app, "/auth/signup", &signup_body(ADA), "fr").await;
    assert_eq!(subjects, ["Sie haben bereits ein Konto bei doorstep"]);
    // A reset asked for in English: the account reads German.
    let reset = json!({ "email": ADA });
    let subjects = subjects_after(&app, "/auth/pwreset", &reset, "en").await;
    assert_eq!(subjects, ["Setzen Sie Ihr Passwort für doorstep zurück"]);
}

#[rocket::async_test]
async fn the_query_and_the_cookie_choose_too_and_an_unknown_language_falls_back() {
    let app = app().await;
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
    // Dutch is not a language doorstep speaks: the default, English.
    let subjects = subjects_after(&app, "/auth/signup", &signup_body(ADA), "nl").await;
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
        "Bestätigen Sie Ihre E-Mail-Adresse für doorstep"
    );
    assert_eq!(
        subject_to("edsger@example.com"),
        "Bestätigen Sie Ihre E-Mail-Adresse für doorstep"
    );
    assert_eq!(subjects, ["Confirm your email address for doorstep"]);
}

/// The `<html lang>` of a page.
fn page_language(body: &str) -> &str {
    let start = body.find("<html lang=\"").expect("<html lang>") + 12;
    &body[start..start + 2]
}

async fn page_in(app: &TestApp, path: &str, header: Option<&str>, cookie: Option<&str>) -> String {
    let mut request = app
        .client
        .get(path.to_owned())
        .header(rocket::http::Accept::HTML);
    if let Some(header) = header {
        request = request.header(Header::new("Accept-Language", header.to_owned()));
    }
    if let Some(cookie) = cookie {
        request = request.cookie(rocket::http::Cookie::new(
            "doorstep_lang",
            cookie.to_owned(),
        ));
    }
    let reply = app.send(request).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    reply.body
}

#[rocket::async_test]
async fn pages_choose_the_query_then_the_cookie_then_the_header_then_the_default() {
    let app = app().await;
    for (path, header, cookie, chosen) in [
        ("/auth/signup", Some("de"), Some("fr"), "fr"),
        ("/auth/signup", Some("nl, de;q=0.5"), None, "de"),
        ("/auth/signup?lang=xx", Some("nl"), Some("klingon"), "en"),
        // Last: a chosen language is kept in the client's cookie jar.
        ("/auth/signup?lang=sv", Some("de"), Some("fr"), "sv"),
    ] {
        let page = page_in(&app, path, header, cookie).await;
        assert_eq!(page_language(&page), chosen, "{path} {header:?} {cookie:?}");
    }

    let app = app_fresh().await;
    let swedish = page_in(&app, "/auth/login", Some("sv-SE"), None).await;
    assert!(swedish.contains("Logga in"), "{swedish}");
    assert!(
        swedish.contains(r#"href="&#x2F;auth&#x2F;login?lang=de""#),
        "the switch: {swedish}"
    );

    // The configured default answers those who ask for nothing doorstep speaks.
    let app = TestApp::with(|s| s.languages.default = "fr").await;
    let page = page_in(&app, "/auth/signup", Some("nl"), None).await;
    assert_eq!(page_language(&page), "fr");
    assert!(page.contains("Créer votre compte"), "{page}");
}

#[rocket::async_test]
async fn choosing_with_the_query_keeps_the_language_in_a_cookie() {
    let app = app().await;
    let reply = app.get_html("/auth/pwreset?lang=de").await;
    let cookie = reply
        .set_cookie("doorstep_lang")
        .expect("the language cookie");
    assert_eq!(cookie.value(), "de");
    // The client keeps it: the next page, without ?lang=, is German too.
    let next = app.get_html("/auth/login").await;
    assert_eq!(page_language(&next.body), "de");
    assert!(next.body.contains("Anmelden"), "{}", next.body);
    // A page without ?lang= sets nothing.
    assert!(next.set_cookie("doorstep_lang").is_none());
}

#[rocket::async_test]
async fn json_messages_follow_the_language_and_codes_stay() {
    let app = app().await;
    let mut said = Vec::new();
    for language in ["en", "de", "sv", "fr"] {
        let request = app
            .client
            .get("/auth/me")
            .header(rocket::http::Accept::JSON)
            .header(Header::new("Accept-Language", language));
        let reply = app.send(request).await;
        reply.assert_error(Status::Unauthorized, "unauthenticated");
        said.push(reply.json()["message"].as_str().unwrap().to_owned());
    }
    assert_eq!(said[0], "Please sign in first.");
    assert_eq!(said[1], "Bitte melden Sie sich zuerst an.");
    assert_eq!(said[2], "Logga in först.");
    assert_eq!(said[3], "Veuillez d'abord vous connecter.");

    // Field errors keep their codes whatever the language.
    let request = app
        .client
        .post("/auth/signup?lang=sv")
        .header(rocket::http::ContentType::JSON)
        .header(rocket::http::Accept::JSON)
        .body(json!({ "email": "nope", "password": "x" }).to_string());
    let reply = app.send(request).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"]["email"], "invalid");
    assert!(
        reply.json()["message"]
            .as_str()
            .unwrap()
            .contains("Kontrollera")
    );
}

#[rocket::async_test]
async fn the_operators_strings_replace_the_shipped_ones_in_pages_and_mails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("de.ftl"),
        "signup-title = Bei Example mitmachen\nsignup-mail-subject = Willkommen bei { $product }\n",
    )
    .unwrap();
    let strings = dir.path().to_owned();
    let app = TestApp::with(move |s| {
        s.languages.dir = Some(strings);
        s.ui.name = "Example Cloud".into();
    })
    .await;
    let page = page_in(&app, "/auth/signup?lang=de", None, None).await;
    assert!(page.contains("Bei Example mitmachen"), "{page}");
    assert!(page.contains("E-Mail-Adresse"), "the rest stays: {page}");
    let english = page_in(&app, "/auth/signup?lang=en", None, None).await;
    assert!(english.contains("Create your account"), "{english}");

    // The client keeps the language of the last page it chose one on: German again.
    page_in(&app, "/auth/signup?lang=de", None, None).await;
    let subjects = subjects_after(&app, "/auth/signup", &signup_body(ADA), "en").await;
    assert_eq!(subjects, ["Willkommen bei Example Cloud"]);
}

#[rocket::async_test]
async fn mails_name_the_product_never_the_host() {
    let app = TestApp::with(|s| s.ui.name = "Example Cloud".into()).await;
    for (language, subject) in [
        ("en", "Confirm your email address for Example Cloud"),
        ("sv", "Bekräfta din e-postadress för Example Cloud"),
        ("fr", "Confirmez votre adresse e-mail pour Example Cloud"),
    ] {
        let address = format!("{language}@example.com");
        let subjects = subjects_after(&app, "/auth/signup", &signup_body(&address), language).await;
        let mail = app.mails().pop().unwrap();
        assert_eq!(subjects, [subject]);
        let text = mail.part("text/plain");
        assert!(text.contains("Example Cloud"), "{text}");
        assert!(
            !text.contains("127.0.0.1 ") && !text.contains("for 127.0.0.1"),
            "{text}"
        );
        assert!(!text.contains('⟦'), "a missing string: {text}");
        assert!(
            mail.part("text/html")
                .contains(&format!("lang=\"{language}\""))
        );
    }
}

/// Posts JSON as `language` with the client's session, and returns the mails it caused.
async fn mails_after(app: &TestApp, path: &str, body: &Value, language: &str) -> Vec<Mail> {
    let seen = app.mails().len();
    let request = app
        .client
        .post(path.to_owned())
        .header(rocket::http::ContentType::JSON)
        .header(rocket::http::Accept::JSON)
        .header(Header::new("Accept-Language", language.to_owned()))
        .body(body.to_string());
    let reply = app.send(request).await;
    assert!(reply.status.class().is_success(), "{}", reply.body);
    app.deliver().await;
    app.mails_since(seen)
}

/// A mail reads German, names the product, and lacks no string.
#[track_caller]
fn reads_german(mail: &Mail, subject: &str) {
    assert_eq!(mail.subject(), subject);
    let text = mail.part("text/plain");
    assert!(text.starts_with("Guten Tag"), "{text}");
    assert!(text.contains("Example Cloud"), "{text}");
    assert!(!text.contains('⟦'), "a missing string: {text}");
    let html = mail.part("text/html");
    assert!(html.contains("lang=\"de\""), "{html}");
    assert!(!html.contains('⟦'), "a missing string: {html}");
}

#[rocket::async_test]
async fn account_mails_come_in_the_stored_language_whatever_the_request_says() {
    let app = TestApp::with(|s| s.ui.name = "Example Cloud".into()).await;
    for address in [ADA, GRACE] {
        let mut body = signup_body(address);
        body["password"] = json!(PASSWORD);
        subjects_after(&app, "/auth/signup", &body, "de").await;
        let token = app.mails().pop().unwrap().token().unwrap();
        let confirmed = app.get_json(&format!("/auth/signup?confirm={token}")).await;
        assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    }
    app.session(ADA, PASSWORD).await;

    // Asking in English to move to Grace's address: Grace is told, in German.
    let taken = json!({ "email": GRACE, "password": PASSWORD });
    let mails = mails_after(&app, "/auth/me/email", &taken, "en").await;
    reads_german(
        &mails[0],
        "Jemand wollte Ihre E-Mail-Adresse bei Example Cloud verwenden",
    );

    // A new address: the link goes there; the switch tells the old address.
    let new = json!({ "email": "ada@new.example", "password": PASSWORD });
    let mails = mails_after(&app, "/auth/me/email", &new, "fr").await;
    reads_german(
        &mails[0],
        "Bestätigen Sie Ihre neue E-Mail-Adresse bei Example Cloud",
    );
    assert!(
        mails[0]
            .part("text/plain")
            .contains("behält Ihr Konto seine bisherige Adresse")
    );
    let token = mails[0].token().unwrap();
    let confirm = json!({ "token": token });
    let mails = mails_after(&app, "/auth/me/email/confirm", &confirm, "en").await;
    reads_german(
        &mails[0],
        "Die E-Mail-Adresse Ihres Kontos bei Example Cloud wurde geändert",
    );
    assert!(
        mails[0]
            .part("text/plain")
            .contains("ada@new.example statt ada@example.com")
    );

    // Deleting, asked in Swedish: the goodbye is German.
    let delete = json!({ "password": PASSWORD });
    let mails = mails_after(&app, "/auth/me/delete", &delete, "sv").await;
    reads_german(&mails[0], "Ihr Konto bei Example Cloud wurde gelöscht");
}

#[rocket::async_test]
async fn invitations_come_in_the_language_of_the_owner_or_else_the_inviter() {
    let app = TestApp::with(|s| s.ui.name = "Example Cloud".into()).await;
    for address in [ADA, GRACE] {
        let mut body = signup_body(address);
        body["password"] = json!(PASSWORD);
        subjects_after(&app, "/auth/signup", &body, "de").await;
        let token = app.mails().pop().unwrap().token().unwrap();
        app.get_json(&format!("/auth/signup?confirm={token}")).await;
    }
    crate::invitations::signed_in_as(&app, "lin@example.com", Role::Inviter).await;
    // Lin reads English; Grace's account reads German.
    let known = json!({ "email": GRACE });
    let mails = mails_after(&app, "/auth/invitations", &known, "en").await;
    reads_german(&mails[0], "Sie haben bereits ein Konto bei Example Cloud");
    assert!(
        mails[0]
            .part("text/plain")
            .contains("Ada Lovelace hat Sie mit grace@example.com zu Example Cloud eingeladen")
    );

    // An address nobody stored a language for reads the inviter's: Ada invites in German.
    app.session(ADA, PASSWORD).await;
    let found = admin::find_by_address(&app.state().accounts.db, ADA)
        .await
        .unwrap();
    let ctx = &app.state().accounts;
    admin::set_role(ctx, &Actor::cli(), found.id, Role::Inviter, app.clock.now())
        .await
        .unwrap();
    let fresh = json!({ "email": "hedy@example.com" });
    let mails = mails_after(&app, "/auth/invitations", &fresh, "fr").await;
    reads_german(&mails[0], "Ada Lovelace lädt Sie zu Example Cloud ein");
    assert!(mails[0].part("text/plain").contains("Der Link gilt bis 20"));
}
