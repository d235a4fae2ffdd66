//! Browsers on other origins: CORS for listed front-ends, the origin rule for everyone else,
//! and the discovery document front-ends read first.

use doorstep::config::{MailTransport, Origin, Provider, RemoteCaptcha, Smtp, SmtpSecurity};
use rocket::http::{Accept, ContentType, Header, Method, Status};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, hidden_field, signup_body};

const FRONT_END: &str = "https://app.example";
const STRANGER: &str = "https://evil.example";
/// `base-url`'s origin in the test settings.
const OWN: &str = "http://127.0.0.1:8000";

async fn app() -> TestApp {
    TestApp::with(|s| {
        s.cors_origins = vec![Origin::parse(FRONT_END).unwrap()];
        s.reset.enabled = true;
    })
    .await
}

/// Every `Access-Control-*` header of a reply.
fn cors_headers(reply: &Reply) -> Vec<&(String, String)> {
    let cors = |(name, _): &&(String, String)| name.starts_with("Access-Control-");
    reply.headers.iter().filter(cors).collect()
}

fn varies_by_origin(reply: &Reply) -> bool {
    reply
        .headers
        .iter()
        .any(|(name, value)| name == "Vary" && value.split(',').any(|v| v.trim() == "Origin"))
}

async fn preflight(app: &TestApp, path: &str, origin: &str) -> Reply {
    let request = app
        .client
        .req(Method::Options, path.to_owned())
        .header(Header::new("Origin", origin.to_owned()))
        .header(Header::new("Access-Control-Request-Method", "POST"))
        .header(Header::new(
            "Access-Control-Request-Headers",
            "content-type",
        ));
    app.send(request).await
}

/// A JSON POST as a page on `origin` sends it (`None`: no page, as curl sends it).
async fn post_json_from(app: &TestApp, path: &str, origin: Option<&str>, body: &Value) -> Reply {
    let mut request = app
        .client
        .post(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body(body.to_string());
    if let Some(origin) = origin {
        request = request.header(Header::new("Origin", origin.to_owned()));
    }
    app.send(request).await
}

#[rocket::async_test]
async fn a_listed_origin_gets_its_preflight_answered() {
    let app = app().await;
    for path in ["/auth/signup", "/auth/me", "/auth/pwreset/confirm"] {
        let reply = preflight(&app, path, FRONT_END).await;
        assert_eq!(reply.status, Status::NoContent, "{path}: {}", reply.body);
        assert!(reply.body.is_empty());
        assert_eq!(reply.content_type, None);
        assert_eq!(reply.header("Set-Cookie"), None, "{path}");
        for (name, value) in [
            ("Access-Control-Allow-Origin", FRONT_END),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "POST, GET, DELETE, PATCH"),
            (
                "Access-Control-Allow-Headers",
                "Content-Type, Authorization, OCS-APIRequest, X-Captcha-Payload, \
                 X-Recaptcha-Token, X-XSRF-TOKEN, X-Correlation-ID, X-Referrer",
            ),
            ("Access-Control-Max-Age", "600"),
        ] {
            assert_eq!(reply.header(name), Some(value), "{path}: {name}");
        }
        assert!(varies_by_origin(&reply), "{path}");
    }
    let refused = preflight(&app, "/auth/signup", STRANGER).await;
    assert_eq!(refused.status, Status::NotFound);
    assert!(cors_headers(&refused).is_empty(), "{:?}", refused.headers);
}

#[rocket::async_test]
async fn replies_to_a_listed_origin_can_be_read_errors_included() {
    let app = app().await;
    let before = app.footprint().await;
    let body = signup_body("ada@example.com");
    let sent = post_json_from(&app, "/auth/signup", Some(FRONT_END), &body).await;
    assert_eq!(sent.status, Status::Ok, "{}", sent.body);
    assert_ne!(app.footprint().await, before, "a listed origin may sign up");
    let refused = post_json_from(&app, "/auth/signup", Some(FRONT_END), &json!({})).await;
    refused.assert_error(Status::BadRequest, "invalid_request");
    let unauthenticated = app
        .send(
            app.client
                .get("/auth/me")
                .header(Accept::JSON)
                .header(Header::new("Origin", FRONT_END)),
        )
        .await;
    unauthenticated.assert_error(Status::Unauthorized, "unauthenticated");
    for reply in [&sent, &refused, &unauthenticated] {
        assert_eq!(reply.header("Access-Control-Allow-Origin"), Some(FRONT_END));
        assert_eq!(
            reply.header("Access-Control-Allow-Credentials"),
            Some("true")
        );
        assert_eq!(
            reply.header("Access-Control-Expose-Headers"),
            Some("Retry-After, X-Request-Id")
        );
        assert!(varies_by_origin(reply));
        assert!(reply.header("X-Request-Id").is_some());
    }
}

#[rocket::async_test]
async fn any_other_origin_gets_no_cors_headers() {
    let app = app().await;
    for origin in [
        STRANGER,
        "null",
        OWN,
        "https://app.example:8443",
        "http://app.example",
    ] {
        let request = app
            .client
            .get("/auth/signup")
            .header(Accept::JSON)
            .header(Header::new("Origin", origin));
        let reply = app.send(request).await;
        assert_eq!(reply.status, Status::Ok);
        assert!(
            cors_headers(&reply).is_empty(),
            "{origin}: {:?}",
            reply.headers
        );
        assert!(varies_by_origin(&reply), "{origin}");
    }
}

#[rocket::async_test]
async fn admin_paths_never_get_cors_headers() {
    let app = TestApp::with(|s| {
        s.cors_origins = vec![Origin::parse(FRONT_END).unwrap()];
        s.base_path = "/store".into();
    })
    .await;
    assert_eq!(
        preflight(&app, "/store/auth/signup", FRONT_END)
            .await
            .status,
        Status::NoContent
    );
    for (path, status, code) in [
        ("/store/admin", Status::Unauthorized, "unauthenticated"),
        ("/store/admin/accounts", Status::NotFound, "not_found"),
    ] {
        let refused = preflight(&app, path, FRONT_END).await;
        assert_eq!(refused.status, Status::NotFound, "{path}");
        assert!(
            cors_headers(&refused).is_empty(),
            "{path}: {:?}",
            refused.headers
        );
        let request = app
            .client
            .get(path)
            .header(Accept::JSON)
            .header(Header::new("Origin", FRONT_END));
        let reply = app.send(request).await;
        reply.assert_error(status, code);
        assert!(
            cors_headers(&reply).is_empty(),
            "{path}: {:?}",
            reply.headers
        );
    }
}

#[rocket::async_test]
async fn foreign_origins_may_not_change_state_and_store_nothing() {
    let app = app().await;
    app.confirmed_account("ada@example.com", "correct horse battery staple")
        .await;
    let session = app
        .session("ada@example.com", "correct horse battery staple")
        .await;
    let before = (app.footprint().await, app.count("sessions").await);
    let sign_up = signup_body("grace@example.com");
    let sign_in = json!({"email": "ada@example.com", "password": "correct horse battery staple"});
    for origin in [
        "null",
        STRANGER,
        "https://app.example:8443",
        "http://app.example",
    ] {
        for (path, body) in [
            ("/auth/signup", &sign_up),
            ("/auth/pwreset", &json!({"email": "ada@example.com"})),
            ("/auth/login", &sign_in),
            ("/auth/logout", &json!({})),
        ] {
            let reply = post_json_from(&app, path, Some(origin), body).await;
            reply.assert_error(Status::Forbidden, "origin_not_allowed");
            assert!(reply.set_cookie("doorstep_session").is_none(), "{path}");
        }
        // Bodies browsers send without a preflight, and a bodiless sign-out.
        for (path, content_type) in [
            ("/auth/signup", Some(ContentType::Plain)),
            ("/auth/logout", None),
        ] {
            let mut request = app
                .client
                .post(path)
                .header(Accept::JSON)
                .header(Header::new("Origin", origin));
            if let Some(content_type) = content_type {
                request = request.header(content_type).body(sign_up.to_string());
            }
            app.send(request)
                .await
                .assert_error(Status::Forbidden, "origin_not_allowed");
        }
    }
    // A second `Origin` line cannot hide a foreign page behind a listed one.
    let request = app
        .client
        .post("/auth/signup")
        .header(ContentType::JSON)
        .header(Header::new("Origin", FRONT_END))
        .header(Header::new("Origin", STRANGER))
        .body(sign_up.to_string());
    app.send(request)
        .await
        .assert_error(Status::Forbidden, "origin_not_allowed");
    assert_eq!((app.footprint().await, app.count("sessions").await), before);
    assert_eq!(
        app.get_json_with("/auth/me", &session).await.status,
        Status::Ok
    );
    // The origin rule guards state changes, not reading.
    let request = app
        .client
        .get("/auth/signup/whitelist")
        .header(Header::new("Origin", STRANGER));
    assert_eq!(app.send(request).await.status, Status::Ok);
}

#[rocket::async_test]
async fn doorsteps_own_origin_and_no_origin_pass() {
    let app = app().await;
    for (origin, email) in [(Some(OWN), "ada@example.com"), (None, "grace@example.com")] {
        let before = app.footprint().await;
        let reply = post_json_from(&app, "/auth/signup", origin, &signup_body(email)).await;
        assert_eq!(reply.status, Status::Ok, "{origin:?}: {}", reply.body);
        assert_ne!(app.footprint().await, before, "{origin:?}");
        assert!(cors_headers(&reply).is_empty(), "{origin:?}");
    }
}

#[rocket::async_test]
async fn form_posts_keep_their_csrf_check_whatever_the_origin() {
    let app = app().await;
    let post_form = async |fields: &[(&str, &str)]| {
        let request = app
            .client
            .post("/auth/signup")
            .header(ContentType::Form)
            .header(Accept::JSON)
            .header(Header::new("Origin", STRANGER))
            .body(serde_urlencoded::to_string(fields).unwrap());
        app.send(request).await
    };
    let mut fields = vec![
        ("firstname", "Grace"),
        ("lastname", "Hopper"),
        ("email", "grace@example.com"),
        ("password", "correct horse battery staple"),
    ];
    let before = app.footprint().await;
    post_form(&fields)
        .await
        .assert_error(Status::Forbidden, "csrf_invalid");
    assert_eq!(app.footprint().await, before);
    let page = app.get_html("/auth/signup").await;
    let csrf = hidden_field(&page.body, "csrf_token").unwrap();
    fields.push(("csrf_token", csrf.as_str()));
    let reply = post_form(&fields).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json()["status"], "confirmation_sent");
}

#[rocket::async_test]
async fn discovery_says_what_is_offered_and_no_secret() {
    const SECRETS: [&str; 3] = [
        "captcha-private-key-do-not-show",
        "smtp-password-do-not-show",
        "metrics-token-do-not-show",
    ];
    let app = TestApp::with(|s| {
        s.base_path = "/store".into();
        s.cors_origins = vec![Origin::parse(FRONT_END).unwrap()];
        s.signup.whitelist = vec!["example.com".into()];
        s.captcha.image = true;
        s.captcha.remote = Some(RemoteCaptcha {
            provider: Provider::Turnstile,
            public_key: "site-key".into(),
            private_key: SECRETS[0].into(),
            verify_url: "http://127.0.0.1:9/".parse().unwrap(),
            min_score: 0.5,
        });
        s.mail = MailTransport::Smtp(Smtp {
            host: "smtp.example.com".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            credentials: Some(("doorstep".into(), SECRETS[1].into())),
        });
        s.metrics.token = Some(SECRETS[2].into());
    })
    .await;
    let under_base = app.get_json("/store/.well-known/doorstep").await;
    let at_root = app.get_json("/.well-known/doorstep").await;
    assert_eq!(under_base.status, Status::Ok, "{}", under_base.body);
    assert_eq!(at_root.status, Status::Ok, "{}", at_root.body);
    assert_eq!(under_base.json(), at_root.json());
    let doc = under_base.json();
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["base_url"], "http://127.0.0.1:8000/store");
    assert_eq!(doc["signup"]["enabled"], true);
    assert_eq!(doc["signup"]["flow"], "details-first");
    assert_eq!(doc["signup"]["confirm_on_get"], false);
    assert_eq!(
        doc["signup"]["fields"][0],
        json!({"name": "firstname", "required": true})
    );
    assert_eq!(
        doc["signup"]["fields"][4],
        json!({"name": "urlsuccess", "required": false})
    );
    assert_eq!(
        doc["password_reset"],
        json!({"enabled": false, "two_step": false})
    );
    assert_eq!(
        doc["password"],
        json!({"min_length": 10, "max_length": 1024})
    );
    assert_eq!(doc["whitelist"], json!(["example.com"]));
    assert_eq!(
        doc["captcha"],
        json!({"image": true, "pow": null,
            "remote": {"provider": "turnstile", "site_key": "site-key"}})
    );
    assert_eq!(doc["cors_origins"], json!([FRONT_END]));
    assert_eq!(
        doc["links"],
        json!({
            "openapi": "http://127.0.0.1:8000/store/openapi.json",
            "docs": "http://127.0.0.1:8000/store/docs",
        })
    );
    for secret in SECRETS {
        assert!(!under_base.body.contains(secret), "{secret} shown");
    }
    // The root copy is the same route: a front-end on a listed origin may read it too.
    let request = app
        .client
        .get("/.well-known/doorstep")
        .header(Header::new("Origin", FRONT_END));
    let reply = app.send(request).await;
    assert_eq!(reply.header("Access-Control-Allow-Origin"), Some(FRONT_END));
    assert_eq!(
        app.get_json("/.well-known/unknown").await.status,
        Status::NotFound
    );
}

#[rocket::async_test]
async fn discovery_leaves_out_a_private_whitelist_and_serves_at_the_root_without_base_path() {
    let app = TestApp::with(|s| {
        s.signup.whitelist = vec!["example.com".into()];
        s.signup.whitelist_public = false;
        s.signup.confirm_on_get = true;
    })
    .await;
    let doc = app.get_json("/.well-known/doorstep").await.json();
    assert!(doc.get("whitelist").is_none(), "{doc}");
    assert_eq!(doc["signup"]["confirm_on_get"], true);
    assert_eq!(
        doc["captcha"],
        json!({"image": false, "pow": null, "remote": null})
    );
    assert_eq!(doc["cors_origins"], json!([]));
    assert_eq!(doc["base_url"], "http://127.0.0.1:8000");
}
