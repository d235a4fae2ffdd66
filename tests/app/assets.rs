//! What the binary carries: static files with caching headers, and templates an operator
//! overrides from `doorstep.templates.dir`.

use std::path::Path;

use doorstep::App;
use rocket::error::ErrorKind;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;
use tempfile::TempDir;

use crate::support::{TestApp, figment, settings};

const STYLESHEET: &str = include_str!("../../static/doorstep.css");

/// A directory holding `files` (name below the directory, text).
fn templates(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

async fn app_with_templates(dir: &Path) -> TestApp {
    let dir = dir.to_owned();
    TestApp::with(move |settings| settings.templates_dir = Some(dir)).await
}

#[rocket::async_test]
async fn the_stylesheet_is_served_with_a_tag_and_revalidated() {
    let app = TestApp::start().await;
    let reply = app.get("/static/doorstep.css", "text/css,*/*;q=0.1").await;
    assert_eq!(reply.status, Status::Ok);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(reply.header("Cache-Control"), Some("public, max-age=3600"));
    assert_eq!(reply.body, STYLESHEET);
    let etag = reply.header("ETag").expect("an ETag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 20,
        "{etag}"
    );

    let again = app.get("/static/doorstep.css", "text/css").await;
    assert_eq!(
        again.header("ETag"),
        Some(etag.as_str()),
        "the same tag each time"
    );

    for current in [etag.clone(), format!("\"other\", W/{etag}"), "*".into()] {
        let request = app
            .client
            .get("/static/doorstep.css")
            .header(Header::new("If-None-Match", current.clone()));
        let reply = app.send(request).await;
        assert_eq!(reply.status, Status::NotModified, "{current}");
        assert_eq!(reply.body, "");
        assert_eq!(reply.header("ETag"), Some(etag.as_str()));
        assert_eq!(reply.header("Cache-Control"), Some("public, max-age=3600"));
    }
    let stale = app
        .client
        .get("/static/doorstep.css")
        .header(Header::new("If-None-Match", "\"an-older-tag\""));
    let reply = app.send(stale).await;
    assert_eq!(reply.status, Status::Ok);
    assert_eq!(reply.body, STYLESHEET);
}

#[rocket::async_test]
async fn unknown_static_files_and_escapes_are_not_found() {
    let app = TestApp::start().await;
    for path in [
        "/static/nothing.css",
        "/static/",
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/.hidden",
        "/static/doorstep.css/x",
    ] {
        let reply = app.get_json(path).await;
        reply.assert_error(Status::NotFound, "not_found");
        assert_eq!(reply.header("Cache-Control"), Some("no-store"), "{path}");
        let page = app.get_html(path).await;
        assert_eq!(page.status, Status::NotFound, "{path}");
        assert!(
            page.body.contains(r#"data-error="not_found""#) && !page.body.contains("<code>"),
            "{}",
            page.body
        );
    }
}

#[rocket::async_test]
async fn static_files_live_under_the_base_path() {
    let app = TestApp::with(|settings| settings.base_path = "/store".into()).await;
    let reply = app.get("/store/static/doorstep.css", "text/css").await;
    assert_eq!(reply.status, Status::Ok);
    assert_eq!(reply.body, STYLESHEET);
    let page = app.get_html("/store/auth/login").await;
    // Tera escapes `/` in HTML as `&#x2F;`.
    let href = "href=\"&#x2F;store&#x2F;static&#x2F;doorstep.css\"";
    assert!(page.body.contains(href), "{}", page.body);
    assert_eq!(
        app.get("/static/doorstep.css", "text/css").await.status,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn an_override_changes_a_page_and_a_mail_subject() {
    let dir = templates(&[
        (
            "login.html.tera",
            r#"{% extends "base.html.tera" %}{% block content %}<h1>Example Corp sign-in</h1>{% include "corp/notice.html.tera" %}{% endblock content %}"#,
        ),
        (
            "corp/notice.html.tera",
            r#"<p class="notice">New here? <a href="{{ links.signup }}">Join</a></p>"#,
        ),
        (
            "email/signup_confirmation/subject.txt.tera",
            "Welcome to Example Corp, {{ first_name }}",
        ),
    ]);
    let app = app_with_templates(dir.path()).await;

    let page = app.get_html("/auth/login").await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains("<h1>Example Corp sign-in</h1>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"New here? <a href="&#x2F;auth&#x2F;signup">Join</a>"#),
        "the override's own include: {}",
        page.body
    );
    // Pages without an override are the shipped ones.
    let signup = app.get_html("/auth/signup").await;
    assert!(
        signup.body.contains("Create your account"),
        "{}",
        signup.body
    );

    app.sign_up("ada@example.com").await;
    let mail = app.mails().pop().unwrap();
    assert_eq!(mail.subject(), "Welcome to Example Corp, Ada");
    // The other parts are still the shipped ones.
    assert!(
        mail.part("text/plain")
            .contains("please confirm your email address")
    );
}

#[rocket::async_test]
async fn overrides_of_html_pages_are_escaped() {
    let dir = templates(&[(
        "login.html.tera",
        r#"{% extends "base.html.tera" %}{% block content %}<p id="v">{{ values.email }}</p>{% endblock content %}"#,
    )]);
    let app = app_with_templates(dir.path()).await;
    let reply = app
        .post_form(
            "/auth/login",
            &[("email", "<b>x@example.com"), ("password", "nope")],
        )
        .await;
    assert!(
        reply
            .body
            .contains("<p id=\"v\">&lt;b&gt;x@example.com</p>"),
        "{}",
        reply.body
    );
}

#[rocket::async_test]
async fn a_page_that_fails_to_render_is_a_500_error_page() {
    let dir = templates(&[(
        "login.html.tera",
        r#"{% extends "base.html.tera" %}{% block content %}{{ no_such_value }}{% endblock content %}"#,
    )]);
    let app = app_with_templates(dir.path()).await;
    let page = app.get_html("/auth/login").await;
    assert_eq!(page.status, Status::InternalServerError);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        page.body.contains(r#"data-error="internal""#),
        "{}",
        page.body
    );
    let lines = doorstep::logging::capture().lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("login.html.tera") && line.contains("no_such_value")),
        "the cause is logged"
    );
    // Programs never see the page, so nothing changes for them.
    let body = crate::support::signup_body("ada@example.com");
    assert_eq!(
        app.post_json("/auth/signup", &body).await.status,
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_broken_error_page_still_answers_500() {
    let dir = templates(&[
        ("error.html.tera", "{{ no_such_value }}"),
        ("login.html.tera", "{{ no_such_value_either }}"),
    ]);
    let app = app_with_templates(dir.path()).await;
    let page = app.get_html("/auth/login").await;
    assert_eq!(page.status, Status::InternalServerError);
    assert!(page.body.contains("<code>internal</code>"), "{}", page.body);
    let missing = app.get_html("/nowhere").await;
    assert_eq!(missing.status, Status::InternalServerError);
}

#[rocket::async_test]
async fn a_template_that_does_not_parse_stops_start_up() {
    let dir = templates(&[("email/password_reset/subject.txt.tera", "Reset {{ name ")]);
    let lines = doorstep::logging::capture();
    let data = tempfile::tempdir().unwrap();
    let mut settings = settings();
    settings.database_url = format!("sqlite://{}/doorstep.db?mode=rwc", data.path().display());
    settings.templates_dir = Some(dir.path().to_owned());
    let app = App::new(settings).figment(figment()).worker(false);
    match Client::tracked(app.rocket()).await {
        Ok(_) => panic!("started up with a broken template"),
        Err(err) => assert!(matches!(err.kind(), ErrorKind::FailedFairings(_)), "{err}"),
    }
    let file = dir.path().join("email/password_reset/subject.txt.tera");
    let file = file.display().to_string();
    let lines = lines.lock().unwrap().clone();
    assert!(
        lines.iter().any(|line| line.contains(&file)),
        "the message names {file}"
    );
    assert!(
        !data.path().join("doorstep.db").exists(),
        "it stopped before opening the database"
    );
}
