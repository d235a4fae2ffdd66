//! The pages as a person meets them: in every language, errors as sentences beside their
//! fields (linked for screen readers) and all at once, a way onward from every page, the
//! product's name and look, and the operator's templates.

use rocket::http::{Accept, Header, Status};

use crate::support::{TestApp, hidden_field};

const LANGUAGES: [&str; 4] = ["en", "de", "sv", "fr"];
const PASSWORD: &str = "correct horse battery staple";

/// Fails on a string some language lacks, and on codes or raw reasons shown to people.
#[track_caller]
fn reads_well(body: &str) {
    assert!(!body.contains('⟦'), "a missing string: {body}");
    assert!(
        !body.contains("Error code"),
        "an error code on a page: {body}"
    );
}

async fn app() -> TestApp {
    TestApp::with(|s| s.reset.enabled = true).await
}

/// With the picture and the proof of work on every form.
async fn challenged() -> TestApp {
    TestApp::with(|s| {
        s.reset.enabled = true;
        s.captcha.image = true;
        s.captcha.pow = Some(1000);
    })
    .await
}

/// A page with its escaped slashes and ampersands read back, to look for links in it.
fn plain(body: &str) -> String {
    body.replace("&#x2F;", "/").replace("&amp;", "&")
}

#[rocket::async_test]
async fn every_page_renders_in_every_language() {
    let app = app().await;
    let token = app.sign_up("ada@example.com").await;
    for language in LANGUAGES {
        for path in [
            "/auth/signup".to_owned(),
            "/auth/login".to_owned(),
            "/auth/login?signed_out=1".to_owned(),
            "/auth/pwreset".to_owned(),
            format!("/auth/signup?confirm={token}"),
        ] {
            let page = app
                .get_html(&format!(
                    "{path}{}lang={language}",
                    if path.contains('?') { "&" } else { "?" }
                ))
                .await;
            assert_eq!(page.status, Status::Ok, "{path}: {}", page.body);
            assert!(
                page.body.contains(&format!("<html lang=\"{language}\">")),
                "{path}"
            );
            reads_well(&page.body);
        }
        // The error pages, the "check your mail" pages and the pages after a form.
        for (path, status) in [
            ("/nowhere", Status::NotFound),
            ("/auth/signup?confirm=bogus", Status::BadRequest),
            ("/auth/pwreset?confirm=bogus", Status::BadRequest),
            ("/auth/me", Status::Unauthorized),
        ] {
            let page = app
                .get_html(&format!(
                    "{path}{}lang={language}",
                    if path.contains('?') { "&" } else { "?" }
                ))
                .await;
            assert_eq!(page.status, status, "{path}: {}", page.body);
            reads_well(&page.body);
        }
        let sent = app
            .post_form(
                &format!("/auth/signup?lang={language}"),
                &[
                    ("firstname", "Ada"),
                    ("lastname", "L"),
                    ("email", "x@example.com"),
                ],
            )
            .await;
        reads_well(&sent.body);
        let reset = app
            .post_form(
                &format!("/auth/pwreset?lang={language}"),
                &[("email", "x@example.com")],
            )
            .await;
        reads_well(&reset.body);
    }
    // The challenges, in every language.
    let app = challenged().await;
    for language in LANGUAGES {
        for path in ["/auth/signup", "/auth/pwreset"] {
            let page = app.get_html(&format!("{path}?lang={language}")).await;
            assert!(page.body.contains("data-pow") && page.body.contains("captcha_answer"));
            reads_well(&page.body);
        }
    }
}

#[rocket::async_test]
async fn a_refused_form_says_what_to_do_beside_each_field_all_at_once() {
    let app = app().await;
    let page = app
        .post_form(
            "/auth/signup",
            &[
                ("firstname", ""),
                ("lastname", "Lovelace"),
                ("email", "not-an-address"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, Status::BadRequest);
    let body = &page.body;
    // The summary at the top takes focus and links to each field.
    assert!(
        body.contains(r#"id="error-summary""#) && body.contains("autofocus"),
        "{body}"
    );
    assert!(
        body.contains(
            r##"<a href="#email">Please enter an email address like name@example.com.</a>"##
        ),
        "{body}"
    );
    // Each field: its sentence, linked, flagged.
    for field in ["firstname", "email", "password"] {
        assert!(
            body.contains(&format!(r#"id="{field}-error""#)),
            "{field}: {body}"
        );
        let input = input_tag(body, field);
        assert!(input.contains(r#"aria-invalid="true""#), "{input}");
        assert!(input.contains(&format!("{field}-error")), "{input}");
    }
    assert!(body.contains("Please enter your first name."), "{body}");
    assert!(
        body.contains("This password is too short. Please use at least 10 characters."),
        "{body}"
    );
    // The password rule stays, and what was typed comes back (never the password).
    assert!(body.contains("Use at least 10 characters."), "{body}");
    assert!(input_tag(body, "email").contains(r#"value="not-an-address""#));
    assert!(!input_tag(body, "password").contains("short"));
    assert!(!input_tag(body, "lastname").contains("aria-invalid"));
    reads_well(body);

    // JSON clients get every field at once too.
    let reply = app
        .post_json(
            "/auth/signup",
            &serde_json::json!({ "firstname": "Ada", "lastname": "L", "email": "nope", "password": "short" }),
        )
        .await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"]["email"], "invalid");
    assert_eq!(reply.json()["fields"]["password"], "too_short");
}

/// The `<input …>` tag of the field `id`.
fn input_tag<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!(r#"<input id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id}: {body}"));
    &body[start..start + body[start..].find('>').unwrap()]
}

#[rocket::async_test]
async fn what_people_type_is_escaped_in_every_language() {
    let app = app().await;
    for language in LANGUAGES {
        let page = app
            .post_form(
                &format!("/auth/signup?lang={language}"),
                &[
                    ("firstname", "<script>alert(1)</script>"),
                    ("lastname", "\"><b>x"),
                    ("email", "<i>@x"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        assert!(!page.body.contains("<script>alert"), "{}", page.body);
        assert!(
            !page.body.contains("<b>x") && !page.body.contains("<i>@"),
            "{}",
            page.body
        );
        assert!(page.body.contains("&lt;script&gt;"), "{}", page.body);
    }
    // A page whose sentence carries the address typed.
    let page = app
        .post_form("/auth/pwreset?lang=fr", &[("email", "a<b>@example.com")])
        .await;
    assert!(!page.body.contains("a<b>@"), "{}", page.body);
}

#[rocket::async_test]
async fn every_page_leads_on() {
    let app = app().await;
    let page = |reply: crate::support::Reply| plain(&reply.body);
    // A confirmation link that does not work says so when it opens, and offers sign-up.
    let dead = app.get_html("/auth/signup?confirm=bogus").await;
    assert_eq!(dead.status, Status::BadRequest);
    let dead = page(dead);
    assert!(dead.contains("This link does not work"), "{dead}");
    assert!(
        dead.contains(r#"class="button" href="/auth/signup""#),
        "{dead}"
    );
    assert!(!dead.contains(r#"href="/auth/pwreset""#), "{dead}");
    // A dead reset link offers a new reset link, not sign-up.
    let dead = page(app.get_html("/auth/pwreset?confirm=bogus").await);
    assert!(
        dead.contains(r#"class="button" href="/auth/pwreset""#),
        "{dead}"
    );
    assert!(
        !dead.contains(r#"class="button" href="/auth/signup""#),
        "{dead}"
    );
    // 404 leads home.
    let missing = app.get_html("/auth/nowhere").await;
    assert_eq!(missing.status, Status::NotFound);
    assert!(page(missing).contains(r#"href="/""#));
    // "Your account is ready" leads to signing in.
    let token = app.sign_up("ada@example.com").await;
    let confirm = app.get_html(&format!("/auth/signup?confirm={token}")).await;
    let csrf = hidden_field(&confirm.body, "csrf_token").unwrap();
    let ready = app
        .post_form_raw(
            "/auth/signup/confirm",
            &[("csrf_token", &csrf), ("token", &token)],
        )
        .await;
    let ready = page(ready);
    assert!(ready.contains("Your account is ready"), "{ready}");
    assert!(
        ready.contains(r#"class="button" href="/auth/login""#),
        "{ready}"
    );
    // "Check your mail" offers sending again and another address.
    let sent = app
        .post_form(
            "/auth/signup",
            &[
                ("firstname", "Ada"),
                ("lastname", "L"),
                ("email", "b@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let sent = page(sent);
    assert!(sent.contains(r#"action="/auth/signup/resend""#), "{sent}");
    assert!(sent.contains("Wrong address?"), "{sent}");
    // Signing out says so.
    let out = app
        .client
        .post("/auth/logout")
        .header(Accept::HTML)
        .dispatch()
        .await;
    assert_eq!(out.status(), Status::SeeOther);
    let target = out.headers().get_one("Location").unwrap().to_owned();
    let login = app.get_html(&target).await;
    assert!(login.body.contains("You are signed out."), "{}", login.body);
}

#[rocket::async_test]
async fn a_new_picture_keeps_what_was_typed() {
    let app = TestApp::with(|s| s.captcha.image = true).await;
    let form = app.get_html("/auth/signup").await;
    assert!(
        plain(&form.body).contains(r#"formaction="/auth/signup?new_picture=1""#),
        "{}",
        form.body
    );
    let first_id = hidden_field(&form.body, "captcha_id").unwrap();
    let page = app
        .post_form(
            "/auth/signup?new_picture=1",
            &[
                ("firstname", "Ada"),
                ("lastname", "Lovelace"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("captcha_id", &first_id),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(input_tag(&page.body, "email").contains(r#"value="ada@example.com""#));
    assert!(input_tag(&page.body, "firstname").contains(r#"value="Ada""#));
    assert!(
        !page.body.contains("error-summary"),
        "no error: {}",
        page.body
    );
    assert_ne!(hidden_field(&page.body, "captcha_id").unwrap(), first_id);
    assert_eq!(
        app.count("pending_signups").await,
        0,
        "nothing was signed up"
    );
    // A refused picture is reported beside its input.
    let page = app
        .post_form(
            "/auth/signup",
            &[
                ("firstname", "Ada"),
                ("lastname", "L"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(
        page.body.contains(r#"id="captcha_answer-error""#),
        "{}",
        page.body
    );
    assert!(input_tag(&page.body, "captcha_answer").contains(r#"aria-invalid="true""#));
}

#[rocket::async_test]
async fn branding_names_the_product_and_adds_a_logo_and_a_stylesheet() {
    let app = TestApp::with(|s| {
        s.ui.name = "Example <Cloud>".into();
        s.ui.logo = Some("https://cdn.example/logo.svg".into());
        s.ui.css = Some("/theme.css".into());
    })
    .await;
    let page = app.get_html("/auth/signup").await;
    assert!(
        page.body
            .contains("<title>Create your account · Example &lt;Cloud&gt;</title>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"src="https:&#x2F;&#x2F;cdn.example&#x2F;logo.svg""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"href="&#x2F;theme.css""#),
        "{}",
        page.body
    );
    let policy = page.header("Content-Security-Policy").unwrap();
    assert!(
        policy.contains("img-src 'self' data: https://cdn.example"),
        "{policy}"
    );
}

#[rocket::async_test]
async fn an_operators_template_replaces_the_shipped_one_and_can_use_the_strings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("login.html.tera"),
        r#"{% extends "base.html.tera" %}{% block title %}Door{% endblock title %}{% block content %}<p id="mine">{{ t(key="login-title", lang=lang) }} / {{ product.name }}</p>{% endblock content %}"#,
    )
    .unwrap();
    let templates = dir.path().to_owned();
    let app = TestApp::with(move |s| s.templates_dir = Some(templates)).await;
    let page = app
        .send(
            app.client
                .get("/auth/login")
                .header(Accept::HTML)
                .header(Header::new("Accept-Language", "sv")),
        )
        .await;
    assert!(
        page.body
            .contains(r#"<p id="mine">Logga in / doorstep</p>"#),
        "{}",
        page.body
    );
    // The other pages are the shipped ones.
    let signup = app.get_html("/auth/signup?lang=sv").await;
    assert!(signup.body.contains("Skapa ditt konto"), "{}", signup.body);
}

/// Words each language's account page must show (and the others must not).
const CHANGE_PASSWORD: [(&str, &str); 4] = [
    ("en", "Change your password"),
    ("de", "Passwort ändern"),
    ("sv", "Byt lösenord"),
    ("fr", "Changer votre mot de passe"),
];

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// A session's device as each language says it.
const FIREFOX_NAMED: [(&str, &str); 4] = [
    ("en", "Firefox on Windows"),
    ("de", "Firefox unter Windows"),
    ("sv", "Firefox på Windows"),
    ("fr", "Firefox sous Windows"),
];

/// What a wrong current password reads as, beside its field, in each language.
const NOT_YOUR_PASSWORD: [(&str, &str); 4] = [
    ("en", "This is not your password. Please try again."),
    (
        "de",
        "Das ist nicht Ihr Passwort. Bitte versuchen Sie es noch einmal.",
    ),
    ("sv", "Det är inte ditt lösenord. Försök igen."),
    (
        "fr",
        "Ce n&#x27;est pas votre mot de passe. Veuillez réessayer.",
    ),
];

/// The field `id` carries its sentence, linked and flagged.
#[track_caller]
fn invalid_with(body: &str, id: &str, sentence: &str) {
    let error = format!(r#"<p class="field-error" id="{id}-error">{sentence}</p>"#);
    assert!(body.contains(&error), "{error}: {body}");
    let input = input_tag(body, id);
    assert!(input.contains(r#"aria-invalid="true""#), "{input}");
    assert!(input.contains(&format!("{id}-error")), "{input}");
}

#[rocket::async_test]
async fn the_account_pages_read_well_in_every_language() {
    let app = app().await;
    crate::invitations::signed_in_as(
        &app,
        "ada@example.com",
        doorstep::entities::account::Role::Inviter,
    )
    .await;
    let firefox = app
        .client
        .post("/auth/login")
        .header(rocket::http::ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("User-Agent", FIREFOX))
        .body(serde_json::json!({ "email": "ada@example.com", "password": PASSWORD }).to_string());
    assert_eq!(app.send(firefox).await.status, Status::Ok);
    let made = app
        .post_form(
            "/auth/me/app-passwords?lang=de",
            &[("name", "Kalender"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    assert!(
        made.body.contains("Kopieren Sie das App-Passwort Kalender"),
        "{}",
        made.body
    );
    reads_well(&made.body);
    let invited = app
        .post_form("/auth/invitations", &[("email", "grace@example.com")])
        .await;
    assert_eq!(invited.status, Status::SeeOther, "{}", invited.body);
    for ((language, heading), (_, device)) in CHANGE_PASSWORD.into_iter().zip(FIREFOX_NAMED) {
        let page = app.get_html(&format!("/auth/me?lang={language}")).await;
        assert!(page.body.contains(device), "{language}: {}", page.body);
        assert_eq!(page.status, Status::Ok, "{}", page.body);
        assert!(page.body.contains(&format!("<html lang=\"{language}\">")));
        assert!(page.body.contains(heading), "{language}: {}", page.body);
        for (other, foreign) in CHANGE_PASSWORD {
            if other != language && other != "sv" && language != "sv" {
                assert!(!page.body.contains(foreign), "{language} shows {other}");
            }
        }
        // The app password's and the invitation's rows are in the language too.
        assert!(page.body.contains("Kalender") && page.body.contains("grace@example.com"));
        reads_well(&page.body);
        if language != "en" {
            for english in [
                "Signed in",
                "never used",
                "Waiting;",
                "Revoke",
                "Invite someone",
            ] {
                assert!(!page.body.contains(english), "{language}: {english}");
            }
        }
    }
}

#[rocket::async_test]
async fn a_refused_account_form_says_why_beside_its_own_field_in_every_language() {
    let app = app().await;
    crate::invitations::signed_in_as(
        &app,
        "ada@example.com",
        doorstep::entities::account::Role::Inviter,
    )
    .await;
    for (language, sentence) in NOT_YOUR_PASSWORD {
        let wrong = [
            ("current_password", "not my password"),
            ("password", "a brand new passphrase"),
        ];
        let page = app
            .post_form(&format!("/auth/me/password?lang={language}"), &wrong)
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        invalid_with(&page.body, "pw-current", sentence);
        // Only the form that was sent shows the fault.
        assert!(!input_tag(&page.body, "current_password").contains("aria-invalid"));
        assert!(!input_tag(&page.body, "delete-password").contains("aria-invalid"));
        reads_well(&page.body);

        let page = app
            .post_form(
                &format!("/auth/me/email?lang={language}"),
                &[("email", "not an address"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        assert!(
            page.body.contains(r#"id="new-email-error""#),
            "{}",
            page.body
        );
        assert!(input_tag(&page.body, "new-email").contains(r#"aria-invalid="true""#));
        assert!(
            !page.body.contains("invalid</p>"),
            "a raw reason: {}",
            page.body
        );
        reads_well(&page.body);

        let page = app
            .post_form(
                &format!("/auth/me/delete?lang={language}"),
                &[("password", "not my password")],
            )
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        invalid_with(&page.body, "delete-password", sentence);
        reads_well(&page.body);

        let page = app
            .post_form(
                &format!("/auth/me/app-passwords?lang={language}"),
                &[("name", ""), ("current_password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        assert!(input_tag(&page.body, "name").contains(r#"aria-invalid="true""#));
        assert!(
            !page.body.contains(">required<"),
            "a raw reason: {}",
            page.body
        );
        reads_well(&page.body);

        let page = app
            .post_form(
                &format!("/auth/invitations?lang={language}"),
                &[("email", "not an address")],
            )
            .await;
        assert_eq!(page.status, Status::BadRequest, "{}", page.body);
        assert!(input_tag(&page.body, "invite-email").contains(r#"aria-invalid="true""#));
        reads_well(&page.body);
    }
}

#[rocket::async_test]
async fn the_pages_after_the_account_forms_read_well_in_every_language() {
    let app = app().await;
    for language in LANGUAGES {
        let address = format!("{language}@example.com");
        app.confirmed_account(&address, PASSWORD).await;
        app.session(&address, PASSWORD).await;
        let new = format!("{language}@new.example");
        let sent = app
            .post_form(
                &format!("/auth/me/email?lang={language}"),
                &[("email", &new), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(sent.status, Status::Ok, "{}", sent.body);
        assert!(sent.body.contains(&format!("<html lang=\"{language}\">")));
        assert!(sent.body.contains(&new));
        reads_well(&sent.body);
        app.deliver().await;
        let token = app.mails().pop().unwrap().token().unwrap();
        let link = app
            .get_html(&format!("/auth/me/email?confirm={token}&lang={language}"))
            .await;
        assert_eq!(link.status, Status::Ok, "{}", link.body);
        assert!(link.body.contains(&new));
        reads_well(&link.body);
        let switched = app
            .post_form(
                &format!("/auth/me/email/confirm?lang={language}"),
                &[("token", &token)],
            )
            .await;
        assert_eq!(switched.status, Status::Ok, "{}", switched.body);
        reads_well(&switched.body);
        let deleted = app
            .post_form(
                &format!("/auth/me/delete?lang={language}"),
                &[("password", PASSWORD)],
            )
            .await;
        assert_eq!(deleted.status, Status::Ok, "{}", deleted.body);
        assert!(
            deleted
                .body
                .contains(&format!("<html lang=\"{language}\">"))
        );
        reads_well(&deleted.body);
        if language != "en" {
            for body in [&sent.body, &link.body, &switched.body, &deleted.body] {
                for english in ["Check your", "Confirm your", "changed", "Account deleted"] {
                    assert!(!body.contains(english), "{language}: {english} in {body}");
                }
            }
        }
    }
}
