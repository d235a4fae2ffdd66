//! DSpace 7's eperson registrations API: register and forgot as the DSpace UI does them, the
//! statuses DSpace names, Spring's error body, single-use and expiring tokens, and nothing
//! served while it is off.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use doorstep::config::{LinkTemplate, Origin, RedirectRule, Settings};
use rocket::http::{ContentType, Header, Method, Status};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Mail, Reply, TestApp};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "a much better horse battery";
const REGISTRATIONS: &str = "/api/eperson/registrations";
const EPERSONS: &str = "/api/eperson/epersons";

/// DSpace's API on, its UI at `https://repo.example`, password reset on.
fn dspace(settings: &mut Settings) {
    let ui = RedirectRule::parse("https://repo.example").unwrap();
    let page = |route: &str| {
        let template = format!("https://repo.example/{route}/{{token}}");
        Some(LinkTemplate::parse(&template, std::slice::from_ref(&ui)).unwrap())
    };
    settings.dspace.enabled = true;
    settings.dspace.ui_url = Some("https://repo.example/".parse().unwrap());
    settings.dspace.register = page("register");
    settings.dspace.forgot = page("forgot");
    settings.permitted_redirects.push(ui);
    settings.reset.enabled = true;
}

async fn app() -> TestApp {
    TestApp::with(dspace).await
}

/// `POST /api/eperson/registrations?accountRequestType=<kind>` as the DSpace UI sends it.
async fn request(app: &TestApp, kind: &str, email: &str) -> Reply {
    let body = json!({"email": email, "type": "registration"});
    app.post_json(&format!("{REGISTRATIONS}?accountRequestType={kind}"), &body)
        .await
}

/// Requests, delivers, and returns the token of the UI page `route` the new mail links to.
async fn token_by_mail(app: &TestApp, kind: &str, email: &str, route: &str) -> String {
    app.deliver().await; // earlier notices first
    let seen = app.mails().len();
    let reply = request(app, kind, email).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    app.deliver().await;
    let mails = app.mails_since(seen);
    let [mail] = mails.as_slice() else {
        panic!("one mail expected: {mails:?}");
    };
    assert_eq!(mail.to, vec![email.to_owned()]);
    ui_token(mail, route).unwrap_or_else(|| panic!("no /{route}/ link: {}", mail.decoded))
}

/// The token in a mail's link to the DSpace UI's `/<route>/<token>` page.
fn ui_token(mail: &Mail, route: &str) -> Option<String> {
    let marker = format!("https://repo.example/{route}/");
    let start = mail.decoded.find(&marker)? + marker.len();
    let token: String = mail.decoded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(token)
}

async fn find_by_token(app: &TestApp, token: &str) -> Reply {
    let path = format!("{REGISTRATIONS}/search/findByToken?token={token}");
    app.get_json(&path).await
}

/// The eperson the DSpace UI's create-profile page posts.
fn profile(email: &str, password: &str) -> Value {
    json!({
        "metadata": {
            "eperson.firstname": [{"value": "Ada"}],
            "eperson.lastname": [{"value": "Lovelace"}],
            "eperson.phone": [{"value": ""}],
            "eperson.language": [{"value": "en"}]
        },
        "email": email,
        "password": password,
        "canLogIn": true,
        "requireCertificate": false
    })
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.post_json(&format!("{EPERSONS}?token={token}"), body)
        .await
}

/// The DSpace UI's patch of a forgotten password, as `application/json-patch+json`.
async fn set_password(app: &TestApp, uuid: &str, token: &str, password: &str) -> Reply {
    let patch = json!([{"op": "add", "path": "/password", "value": {"new_password": password}}]);
    let request = app
        .client
        .patch(format!("{EPERSONS}/{uuid}?token={token}"))
        .header(ContentType::new("application", "json-patch+json"))
        .header(Header::new("Accept", "application/json"))
        .body(patch.to_string());
    app.send(request).await
}

/// Asserts DSpace's status and Spring's error body, which never carries the query.
#[track_caller]
fn assert_refused(reply: &Reply, status: Status, path: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], status.code, "{body}");
    assert_eq!(body["error"], status.reason().unwrap(), "{body}");
    assert_eq!(body["path"], path, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(!message.is_empty());
    let timestamp = body["timestamp"].as_str().unwrap();
    assert!(
        timestamp.ends_with("+00:00") && timestamp.contains('T'),
        "{timestamp}"
    );
    assert_eq!(body.as_object().unwrap().len(), 5, "{body}");
}

/// `8-4-4-4-12` lower-case hex digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<usize> = text.split('-').map(str::len).collect();
    groups == [8, 4, 4, 4, 12]
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

#[rocket::async_test]
async fn the_register_flow_of_the_dspace_ui_makes_the_account() {
    // doorstep's own form is details-first; DSpace's register is email-first regardless.
    let app = app().await;
    let reply = request(&app, "register", ADA).await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert!(reply.body.is_empty(), "{}", reply.body);
    app.deliver().await;
    let token = ui_token(&app.mails()[0], "register").expect("a /register/ link");
    assert_eq!(app.count("accounts").await, 0);

    let found = find_by_token(&app, &token).await;
    assert_eq!(found.status, Status::Ok, "{}", found.body);
    let registration = found.json();
    assert_eq!(registration["email"], ADA);
    assert_eq!(registration["user"], Value::Null);
    assert_eq!(registration["type"], "registration");
    assert_eq!(registration["registrationType"], "REGISTER");
    assert!(registration["_links"]["self"]["href"].is_string());

    let made = create(&app, &token, &profile(ADA, PASSWORD)).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    let eperson = made.json();
    let id = eperson["id"].as_str().unwrap();
    assert!(is_uuid(id), "{id}");
    assert_eq!(eperson["uuid"], id);
    assert_eq!(eperson["email"], ADA);
    assert_eq!(eperson["canLogIn"], true);
    assert_eq!(eperson["selfRegistered"], true);
    assert_eq!(eperson["type"], "eperson");
    assert_eq!(eperson["metadata"]["eperson.firstname"][0]["value"], "Ada");
    assert_eq!(
        eperson["metadata"]["eperson.lastname"][0]["value"],
        "Lovelace"
    );
    let href = eperson["_links"]["self"]["href"].as_str().unwrap();
    assert!(
        href.ends_with(&format!("/api/eperson/epersons/{id}")),
        "{href}"
    );
    assert!(app.signs_in(ADA, PASSWORD).await);

    // The token worked once.
    let path = "/api/eperson/registrations/search/findByToken";
    assert_refused(&find_by_token(&app, &token).await, Status::NotFound, path);
    let again = create(&app, &token, &profile(ADA, NEW_PASSWORD)).await;
    assert_refused(&again, Status::BadRequest, EPERSONS);
    assert_eq!(app.count("accounts").await, 1);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn the_forgot_flow_of_the_dspace_ui_sets_a_new_password_once() {
    let app = app().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let token = token_by_mail(&app, "forgot", ADA, "forgot").await;

    let found = find_by_token(&app, &token).await;
    assert_eq!(found.status, Status::Ok, "{}", found.body);
    let registration = found.json();
    assert_eq!(registration["email"], ADA);
    assert_eq!(registration["registrationType"], "FORGOT");
    let user = registration["user"].as_str().unwrap().to_owned();
    assert!(is_uuid(&user), "{user}");

    let changed = set_password(&app, &user, &token, NEW_PASSWORD).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);
    assert_eq!(changed.json()["id"], user.as_str());
    assert_eq!(changed.json()["email"], ADA);
    assert!(app.signs_in(ADA, NEW_PASSWORD).await);
    assert!(!app.signs_in(ADA, PASSWORD).await);

    // Once only; and the eperson keeps its id in the next reset.
    let path = format!("{EPERSONS}/{user}");
    let replay = set_password(&app, &user, &token, PASSWORD).await;
    assert_refused(&replay, Status::Unauthorized, &path);
    assert!(app.signs_in(ADA, NEW_PASSWORD).await);
    let next = token_by_mail(&app, "forgot", ADA, "forgot").await;
    assert_eq!(
        find_by_token(&app, &next).await.json()["user"],
        user.as_str()
    );

    // Plain JSON is taken as well as JSON Patch's media type.
    let patch = json!([{"op": "add", "path": "/password", "value": {"new_password": PASSWORD}}]);
    let reply = app
        .send(
            app.client
                .patch(format!("{path}?token={next}"))
                .header(ContentType::JSON)
                .body(patch.to_string()),
        )
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert!(app.signs_in(ADA, PASSWORD).await);
}

#[rocket::async_test]
async fn a_known_address_gets_the_same_reply_and_an_unknown_one_no_reset_mail() {
    let app = app().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let seen = app.mails().len();
    let known = request(&app, "register", ADA).await;
    let unknown = request(&app, "register", "grace@example.com").await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, Status::Created);
    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 2);
    let to_ada = mails.iter().find(|mail| mail.to == vec![ADA.to_owned()]);
    let to_ada = to_ada.expect("a mail to the owner");
    assert!(
        ui_token(to_ada, "register").is_none(),
        "no token for a known address"
    );
    assert_eq!(app.count("accounts").await, 1);

    let seen = app.mails().len();
    let known = request(&app, "forgot", ADA).await;
    let unknown = request(&app, "forgot", "nobody@example.com").await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 1, "only the owner of an account is mailed");
    assert_eq!(mails[0].to, vec![ADA.to_owned()]);
}

#[rocket::async_test]
async fn every_refusal_the_seed_names_stores_nothing() {
    let app = TestApp::with(|settings| {
        dspace(settings);
        settings.signup.whitelist = vec!["example.com".into()];
    })
    .await;
    let before = (app.footprint().await, app.count("password_resets").await);
    let body = json!({"email": ADA, "type": "registration"});
    for path in [
        REGISTRATIONS.to_owned(),
        format!("{REGISTRATIONS}?accountRequestType="),
        format!("{REGISTRATIONS}?accountRequestType=delete"),
    ] {
        let reply = app.post_json(&path, &body).await;
        assert_refused(&reply, Status::BadRequest, REGISTRATIONS);
    }
    for (kind, body) in [
        ("register", json!({"type": "registration"})),
        ("register", json!({"email": "not an address"})),
        ("register", json!({"email": "ada@elsewhere.example"})),
        ("forgot", json!({"email": ""})),
        ("register", json!({"email": 42})),
    ] {
        let path = format!("{REGISTRATIONS}?accountRequestType={kind}");
        let reply = app.post_json(&path, &body).await;
        assert_refused(&reply, Status::UnprocessableEntity, REGISTRATIONS);
    }
    let list = app.get_json(REGISTRATIONS).await;
    assert_refused(&list, Status::MethodNotAllowed, REGISTRATIONS);
    assert_eq!(list.header("Allow"), Some("POST"));
    let one = app.get_json(&format!("{REGISTRATIONS}/1")).await;
    assert_refused(
        &one,
        Status::MethodNotAllowed,
        &format!("{REGISTRATIONS}/1"),
    );
    let path = format!("{REGISTRATIONS}/search/findByToken");
    assert_refused(&app.get_json(&path).await, Status::BadRequest, &path);
    let unknown = find_by_token(&app, &"A".repeat(43)).await;
    assert_refused(&unknown, Status::NotFound, &path);
    let after = (app.footprint().await, app.count("password_resets").await);
    assert_eq!(after, before);
    app.deliver().await;
    assert!(app.mails().is_empty());
}

#[rocket::async_test]
async fn switched_off_flows_are_unauthorized() {
    let app = TestApp::with(|settings| {
        dspace(settings);
        settings.signup.enabled = false;
        settings.reset.enabled = false;
    })
    .await;
    for kind in ["register", "forgot"] {
        let reply = request(&app, kind, ADA).await;
        assert_refused(&reply, Status::Unauthorized, REGISTRATIONS);
    }
    assert_eq!(app.count("pending_signups").await, 0);
    assert_eq!(app.count("password_resets").await, 0);
}

#[rocket::async_test]
async fn a_profile_must_match_its_token_and_the_password_rules() {
    let app = app().await;
    let token = token_by_mail(&app, "register", ADA, "register").await;
    let other = create(&app, &token, &profile("eve@example.com", PASSWORD)).await;
    assert_refused(&other, Status::BadRequest, EPERSONS);
    let weak = create(&app, &token, &profile(ADA, "password123")).await;
    assert_refused(&weak, Status::UnprocessableEntity, EPERSONS);
    let mut nameless = profile(ADA, PASSWORD);
    nameless["metadata"]["eperson.firstname"] = json!([]);
    let nameless = create(&app, &token, &nameless).await;
    assert_refused(&nameless, Status::UnprocessableEntity, EPERSONS);
    let unknown = create(&app, &"A".repeat(43), &profile(ADA, PASSWORD)).await;
    assert_refused(&unknown, Status::BadRequest, EPERSONS);
    assert_eq!(app.count("accounts").await, 0);

    // None of that used the token; the address may be left out, or written otherwise.
    let made = create(&app, &token, &profile("ADA@Example.com", PASSWORD)).await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    assert_eq!(made.json()["email"], ADA);
}

#[rocket::async_test]
async fn tokens_expire() {
    let app = app().await;
    let register = token_by_mail(&app, "register", ADA, "register").await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    let forgot = token_by_mail(&app, "forgot", "grace@example.com", "forgot").await;
    let user = find_by_token(&app, &forgot).await.json()["user"]
        .as_str()
        .unwrap()
        .to_owned();
    // Past both lifetimes: the reset's hour and the sign-up's confirmation time.
    let settings = app.state().settings().clone();
    let longest = settings.signup.confirm_ttl.max(settings.reset.ttl);
    app.clock.advance(longest + Duration::from_secs(1));

    let path = format!("{REGISTRATIONS}/search/findByToken");
    for token in [&register, &forgot] {
        assert_refused(&find_by_token(&app, token).await, Status::NotFound, &path);
    }
    let late = create(&app, &register, &profile(ADA, PASSWORD)).await;
    assert_refused(&late, Status::BadRequest, EPERSONS);
    let late = set_password(&app, &user, &forgot, NEW_PASSWORD).await;
    assert_refused(&late, Status::Unauthorized, &format!("{EPERSONS}/{user}"));
    assert!(app.signs_in("grace@example.com", PASSWORD).await);
}

#[rocket::async_test]
async fn a_forgot_token_sets_only_its_own_epersons_password() {
    let app = app().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let token = token_by_mail(&app, "forgot", ADA, "forgot").await;
    let user = find_by_token(&app, &token).await.json()["user"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = "028dcbb8-0da2-4122-a0ea-254be49ca107";
    let path = format!("{EPERSONS}/{stranger}");
    let wrong = set_password(&app, stranger, &token, NEW_PASSWORD).await;
    assert_refused(&wrong, Status::Unauthorized, &path);
    let path = format!("{EPERSONS}/{user}");
    let weak = set_password(&app, &user, &token, "password123").await;
    assert_refused(&weak, Status::UnprocessableEntity, &path);
    let patch = json!([{"op": "replace", "path": "/email", "value": "eve@example.com"}]);
    let request = app
        .client
        .patch(format!("{path}?token={token}"))
        .header(ContentType::JSON)
        .body(patch.to_string());
    assert_refused(&app.send(request).await, Status::BadRequest, &path);
    // The token still works for its own eperson, in upper case too.
    let changed = set_password(&app, &user.to_uppercase(), &token, NEW_PASSWORD).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);
    assert!(app.signs_in(ADA, NEW_PASSWORD).await);
}

/// Asks for a proof-of-work challenge and solves it as ALTCHA's widget does.
async fn solved(app: &TestApp) -> String {
    let challenge = app.get_json("/auth/challenge").await.json();
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let salt = challenge["salt"].as_str().unwrap();
    let number = (0..=challenge["maxnumber"].as_u64().unwrap())
        .find(|n| hex(&Sha256::digest(format!("{salt}{n}"))) == challenge["challenge"])
        .unwrap();
    let solution = json!({
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    });
    STANDARD.encode(solution.to_string())
}

#[rocket::async_test]
async fn the_captcha_comes_in_dspaces_header() {
    let app = TestApp::with(|settings| {
        dspace(settings);
        settings.captcha.pow = Some(1000);
    })
    .await;
    for kind in ["register", "forgot"] {
        let reply = request(&app, kind, ADA).await;
        assert_refused(&reply, Status::Forbidden, REGISTRATIONS);
    }
    let body = json!({"email": ADA, "type": "registration"});
    for header in ["X-Captcha-Payload", "X-Recaptcha-Token"] {
        let solution = solved(&app).await;
        let request = app
            .client
            .post(format!("{REGISTRATIONS}?accountRequestType=register"))
            .header(ContentType::JSON)
            .header(Header::new(header, solution))
            .body(body.to_string());
        let reply = app.send(request).await;
        assert_eq!(reply.status, Status::Created, "{header}: {}", reply.body);
    }
}

#[rocket::async_test]
async fn switched_off_it_is_not_there() {
    let off = TestApp::start().await;
    let body = json!({"email": ADA, "type": "registration"});
    let path = format!("{REGISTRATIONS}?accountRequestType=register");
    assert_eq!(off.post_json(&path, &body).await.status, Status::NotFound);
    assert_eq!(off.get_json(REGISTRATIONS).await.status, Status::NotFound);
    let find = format!("{REGISTRATIONS}/search/findByToken?token=x");
    assert_eq!(off.get_json(&find).await.status, Status::NotFound);
    let create = off
        .post_json(&format!("{EPERSONS}?token=x"), &json!({}))
        .await;
    assert_eq!(create.status, Status::NotFound);
    let description = off.get_json("/openapi.json").await.json();
    let paths = description["paths"].as_object().unwrap();
    assert!(!paths.keys().any(|path| path.starts_with("/api/eperson")));
    let tags = description["tags"].to_string();
    assert!(!tags.contains("dspace"), "{tags}");
    let offer = off.get_json("/.well-known/doorstep").await.json();
    assert!(!offer["seed_apis"].to_string().contains("dspace"));

    let on = app().await;
    let description = on.get_json("/openapi.json").await.json();
    let paths = description["paths"].as_object().unwrap();
    for path in [
        "/api/eperson/registrations",
        "/api/eperson/registrations/{id}",
        "/api/eperson/registrations/search/findByToken",
        "/api/eperson/epersons",
        "/api/eperson/epersons/{uuid}",
    ] {
        assert!(paths.contains_key(path), "{path} described");
    }
    let offer = on.get_json("/.well-known/doorstep").await.json();
    let dspace = offer["seed_apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|api| api["name"] == "dspace")
        .cloned()
        .expect("dspace offered");
    assert_eq!(dspace["url"], "http://127.0.0.1:8000/api");
}

#[rocket::async_test]
async fn a_dspace_ui_on_a_listed_origin_may_call_and_others_are_refused() {
    let app = TestApp::with(|settings| {
        dspace(settings);
        settings.cors_origins = vec![Origin::parse("https://repo.example").unwrap()];
    })
    .await;
    let path = format!("{REGISTRATIONS}?accountRequestType=register");
    let preflight = app
        .send(
            app.client
                .req(Method::Options, path.clone())
                .header(Header::new("Origin", "https://repo.example"))
                .header(Header::new("Access-Control-Request-Method", "POST"))
                .header(Header::new(
                    "Access-Control-Request-Headers",
                    "content-type, x-captcha-payload, x-xsrf-token, x-correlation-id, x-referrer",
                )),
        )
        .await;
    assert_eq!(preflight.status, Status::NoContent, "{}", preflight.body);
    let allowed = preflight
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .to_ascii_lowercase();
    for header in [
        "x-captcha-payload",
        "x-xsrf-token",
        "x-correlation-id",
        "x-referrer",
    ] {
        assert!(allowed.contains(header), "{header}: {allowed}");
    }
    let body = json!({"email": ADA, "type": "registration"}).to_string();
    let from = |origin: &'static str| {
        app.client
            .post(path.clone())
            .header(ContentType::JSON)
            .header(Header::new("Origin", origin))
            .body(body.clone())
    };
    let listed = app.send(from("https://repo.example")).await;
    assert_eq!(listed.status, Status::Created, "{}", listed.body);
    let other = app.send(from("https://evil.example")).await;
    assert_refused(&other, Status::Forbidden, REGISTRATIONS);
}
