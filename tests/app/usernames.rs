//! Usernames: checked at sign-up, claimed at confirmation (one account per name, even when
//! confirmations race), public, and good for signing in.

use doorstep::config::{Settings, UsernameMode};
use rocket::http::Status;
use serde_json::{Value, json};

use crate::support::{Mail, TestApp, hidden_field, signup_body};

const PASSWORD: &str = "correct horse battery staple";

async fn app(mode: UsernameMode) -> TestApp {
    app_with(mode, |_| {}).await
}

async fn app_with(mode: UsernameMode, configure: impl FnOnce(&mut Settings)) -> TestApp {
    TestApp::with(|s| {
        s.usernames.mode = mode;
        configure(s);
    })
    .await
}

fn body(email: &str, username: &str) -> Value {
    let mut body = signup_body(email);
    body["username"] = json!(username);
    body
}

/// Signs up with `username` and returns the link token from the mail.
async fn sign_up(app: &TestApp, email: &str, username: &str) -> String {
    let before = app.mails().len();
    let reply = app.post_json("/auth/signup", &body(email, username)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.deliver().await;
    let mails = app.mails_since(before);
    mails
        .iter()
        .find_map(Mail::token)
        .expect("a confirmation link")
}

fn link(token: &str) -> String {
    format!("/auth/signup?confirm={token}")
}

async fn confirm_as(app: &TestApp, token: &str, username: &str) -> crate::support::Reply {
    let form = json!({ "token": token, "username": username });
    app.post_json("/auth/signup/confirm", &form).await
}

async fn usernames_of_accounts(app: &TestApp) -> Vec<Option<String>> {
    use sea_orm::{EntityTrait, QueryOrder};
    let db = &app.state().accounts.db;
    doorstep::entities::account::Entity::find()
        .order_by_asc(doorstep::entities::account::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|account| account.username)
        .collect()
}

#[rocket::async_test]
async fn a_username_is_kept_as_typed_and_signs_in_whatever_its_case() {
    let app = app(UsernameMode::Optional).await;
    let token = sign_up(&app, "ada@example.com", "Ada.Lovelace").await;
    assert_eq!(
        app.count("accounts").await,
        0,
        "claimed only when confirmed"
    );
    let reply = app.get_json(&link(&token)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(
        usernames_of_accounts(&app).await,
        [Some("Ada.Lovelace".into())]
    );

    for login in ["ada.lovelace", "ADA.LOVELACE", "ada@example.com"] {
        let body = json!({ "login": login, "password": PASSWORD });
        let reply = app.post_json("/auth/login", &body).await;
        assert_eq!(reply.status, Status::Ok, "{login}: {}", reply.body);
        let body = reply.json();
        assert_eq!(
            (&body["status"], &body["email"], &body["username"]),
            (
                &json!("ok"),
                &json!("ada@example.com"),
                &json!("Ada.Lovelace")
            )
        );
        assert!(body["token"].is_string(), "{body}");
    }
    // `email` still works, and a wrong password by username is the usual 401.
    assert!(app.signs_in("ada@example.com", PASSWORD).await);
    let wrong = json!({ "login": "ada.lovelace", "password": "not the password at all" });
    let wrong = app.post_json("/auth/login", &wrong).await;
    wrong.assert_error(Status::Unauthorized, "invalid_credentials");
    let unknown = json!({ "login": "grace", "password": "not the password at all" });
    let unknown = app.post_json("/auth/login", &unknown).await;
    assert_eq!((unknown.status, &unknown.body), (wrong.status, &wrong.body));
    let missing = app.post_json("/auth/login", &json!({})).await;
    missing.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        missing.json()["fields"],
        json!({ "login": "required", "password": "required" })
    );

    let session = app.session("ada@example.com", PASSWORD).await;
    let me = app.get_json_with("/auth/me", &session).await;
    assert_eq!(
        me.json(),
        json!({"email": "ada@example.com", "username": "Ada.Lovelace",
               "firstname": "Ada", "lastname": "Lovelace", "role": "member"})
    );
    let verified = app.get_json_with("/auth/verify", &session).await;
    assert_eq!(verified.status, Status::Ok);
    assert_eq!(verified.header("X-Doorstep-Username"), Some("Ada.Lovelace"));
    assert_eq!(verified.json()["username"], "Ada.Lovelace");
    let page = app
        .send(
            app.client
                .get("/auth/me")
                .header(rocket::http::Accept::HTML)
                .cookie(session.clone()),
        )
        .await;
    assert!(
        page.body
            .contains("Username: <strong>Ada.Lovelace</strong>"),
        "{}",
        page.body
    );
}

#[rocket::async_test]
async fn an_account_without_a_username_looks_as_before() {
    let app = app(UsernameMode::Optional).await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    assert_eq!(usernames_of_accounts(&app).await, [None]);
    app.confirmed_account("ada@example.com", PASSWORD).await;
    assert_eq!(
        usernames_of_accounts(&app).await,
        [None, None],
        "NULLs are not a clash"
    );
    let session = app.session("grace@example.com", PASSWORD).await;
    let verified = app.get_json_with("/auth/verify", &session).await;
    assert_eq!(verified.header("X-Doorstep-Username"), None);
    assert!(verified.json().get("username").is_none());
    let me = app.get_json_with("/auth/me", &session).await.json();
    assert!(me.get("username").is_none(), "{me}");
}

#[rocket::async_test]
async fn bad_usernames_are_refused_and_leave_nothing_behind() {
    let app = app(UsernameMode::Required).await;
    let before = app.footprint().await;
    for (username, reason) in [
        ("", "required"),
        ("  ", "required"),
        ("ab", "invalid"),
        (".ada", "invalid"),
        ("ada lovelace", "invalid"),
        ("ada@example", "invalid"),
        ("åsa", "invalid"),
        (&"x".repeat(33), "invalid"),
        ("admin", "reserved"),
        ("PostMaster", "reserved"),
    ] {
        let reply = app
            .post_json("/auth/signup", &body("ada@example.com", username))
            .await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(
            reply.json()["fields"],
            json!({ "username": reason }),
            "{username:?}"
        );
    }
    let reply = app
        .post_json("/auth/signup", &signup_body("ada@example.com"))
        .await;
    assert_eq!(reply.json()["fields"], json!({ "username": "required" }));
    assert_eq!(app.footprint().await, before);
    // The operator's own list replaces the default one.
    let staff = app_with(UsernameMode::Optional, |s| {
        s.usernames.reserved = vec!["staff".into()];
    })
    .await;
    let reply = staff
        .post_json("/auth/signup", &body("a@example.com", "Staff"))
        .await;
    assert_eq!(reply.json()["fields"], json!({ "username": "reserved" }));
    let reply = staff
        .post_json("/auth/signup", &body("a@example.com", "admin"))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
}

#[rocket::async_test]
async fn while_usernames_are_off_the_field_is_ignored() {
    let app = app(UsernameMode::Off).await;
    let token = sign_up(&app, "ada@example.com", "!! not a name").await;
    assert_eq!(app.get_json(&link(&token)).await.status, Status::Ok);
    assert_eq!(usernames_of_accounts(&app).await, [None]);
    let by_name = json!({ "login": "ada", "password": PASSWORD });
    let reply = app.post_json("/auth/login", &by_name).await;
    reply.assert_error(Status::Unauthorized, "invalid_credentials");
    let reply = app.get_json("/auth/signup/username?username=ada").await;
    reply.assert_error(Status::NotFound, "not_found");
    let missing = app.post_json("/auth/login", &json!({})).await;
    assert_eq!(
        missing.json()["fields"],
        json!({ "email": "required", "password": "required" })
    );
}

#[rocket::async_test]
async fn a_username_an_account_holds_is_refused_at_sign_up_without_telling_the_address() {
    let app = app(UsernameMode::Optional).await;
    let token = sign_up(&app, "ada@example.com", "ada").await;
    app.get_json(&link(&token)).await;
    let before = app.footprint().await;
    // A stranger's address and the holder's own address get the same answer.
    let stranger = app
        .post_json("/auth/signup", &body("grace@example.com", "ADA"))
        .await;
    stranger.assert_error(Status::Conflict, "username_taken");
    assert_eq!(stranger.json()["fields"], json!({ "username": "taken" }));
    let owner = app
        .post_json("/auth/signup", &body("ada@example.com", "ADA"))
        .await;
    assert_eq!(
        (owner.status, &owner.body),
        (stranger.status, &stranger.body)
    );
    assert_eq!(
        app.footprint().await,
        before,
        "nothing stored, nothing mailed"
    );
    // A browser sees the form again with the message beside the field.
    let page = app
        .post_form(
            "/auth/signup",
            &[
                ("firstname", "Grace"),
                ("lastname", "Hopper"),
                ("username", "ada"),
                ("email", "grace@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, Status::Conflict);
    assert!(
        page.body.contains("This username is taken."),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"grace@example.com\""));
}

/// Two sign-ups want one name; both are pending (neither name was held at sign-up time).
async fn two_sign_ups_for_one_name(app: &TestApp) -> (String, String) {
    let ada = sign_up(app, "ada@example.com", "lovelace").await;
    let grace = sign_up(app, "grace@example.com", "Lovelace").await;
    (ada, grace)
}

#[rocket::async_test]
async fn racing_confirmations_for_one_username_make_one_account_and_one_conflict() {
    let app = app(UsernameMode::Required).await;
    let (ada, grace) = two_sign_ups_for_one_name(&app).await;
    let (first, second) = (link(&ada), link(&grace));
    let (a, b) = rocket::tokio::join!(app.get_json(&first), app.get_json(&second));
    let mut statuses = [a.status.code, b.status.code];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    let (loser, lost) = if a.status == Status::Conflict {
        (&a, ada)
    } else {
        (&b, grace)
    };
    loser.assert_error(Status::Conflict, "username_taken");
    assert_eq!(app.count("accounts").await, 1);
    assert_eq!(
        app.count("pending_signups").await,
        2,
        "the loser stays pending"
    );
    // Its link still works, with another name.
    let reply = confirm_as(&app, &lost, "lovelace2").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(app.count("accounts").await, 2);
    let mut names = usernames_of_accounts(&app).await;
    names.sort();
    assert!(names.contains(&Some("lovelace2".into())), "{names:?}");
}

#[rocket::async_test]
async fn a_confirmation_that_lost_its_username_stays_pending_until_it_picks_another() {
    let app = app(UsernameMode::Optional).await;
    let registration = {
        let reply = app
            .post_json("/auth/signup", &body("grace@example.com", "lovelace"))
            .await;
        reply.json()["registration"].as_str().unwrap().to_owned()
    };
    app.deliver().await;
    let grace = app.mails()[0].token().unwrap();
    let ada = sign_up(&app, "ada@example.com", "Lovelace").await;
    assert_eq!(app.get_json(&link(&ada)).await.status, Status::Ok);

    let before = app.footprint().await;
    for _ in 0..2 {
        let lost = app.get_json(&link(&grace)).await;
        lost.assert_error(Status::Conflict, "username_taken");
        assert!(lost.json().get("redirect").is_none());
    }
    assert_eq!(app.footprint().await, before);
    let status = app
        .get_json(&format!("/auth/signup/status/{registration}"))
        .await;
    assert_eq!(status.json()["status"], "pending_confirmation");

    // Another taken, malformed or reserved name changes nothing either.
    confirm_as(&app, &grace, "LOVELACE")
        .await
        .assert_error(Status::Conflict, "username_taken");
    let bad = confirm_as(&app, &grace, "x").await;
    bad.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(bad.json()["fields"], json!({ "username": "invalid" }));
    let reserved = confirm_as(&app, &grace, "root").await;
    assert_eq!(reserved.json()["fields"], json!({ "username": "reserved" }));
    assert_eq!(app.footprint().await, before);

    let reply = confirm_as(&app, &grace, "grace.hopper").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "status": "confirmed" }));
    assert_eq!(
        usernames_of_accounts(&app).await,
        [Some("Lovelace".into()), Some("grace.hopper".into())]
    );
    let status = app
        .get_json(&format!("/auth/signup/status/{registration}"))
        .await;
    assert_eq!(status.json()["status"], "finished");
    // Used now: the link shows the same success again.
    assert_eq!(app.get_json(&link(&grace)).await.status, Status::Ok);
}

#[rocket::async_test]
async fn a_browser_that_lost_its_username_chooses_another_on_the_confirm_page() {
    let app = app(UsernameMode::Optional).await;
    let grace = sign_up(&app, "grace@example.com", "lovelace").await;
    let ada = sign_up(&app, "ada@example.com", "lovelace").await;
    assert_eq!(app.get_json(&link(&ada)).await.status, Status::Ok);

    let page = app
        .post_form("/auth/signup/confirm", &[("token", &grace)])
        .await;
    assert_eq!(page.status, Status::Conflict);
    assert!(
        page.body
            .contains("This username is taken. Please choose another one."),
        "{}",
        page.body
    );
    assert!(page.body.contains("name=\"username\""));
    assert_eq!(
        hidden_field(&page.body, "token").as_deref(),
        Some(grace.as_str())
    );
    let page = app
        .post_form(
            "/auth/signup/confirm",
            &[("token", &grace), ("username", "grace")],
        )
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert_eq!(app.count("accounts").await, 2);
}

#[rocket::async_test]
async fn a_sign_up_from_before_usernames_were_required_chooses_one_at_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::database_url(dir.path()).await;
    let before = TestApp::on(dir, url.clone(), |_| {}, |app| app).await;
    let token = before.sign_up("ada@example.com").await;
    let dir = before.stop();
    let after = TestApp::on(
        dir,
        url,
        |s| s.usernames.mode = UsernameMode::Required,
        |app| app,
    )
    .await;
    let reply = after.get_json(&link(&token)).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"], json!({ "username": "required" }));
    let reply = confirm_as(&after, &token, "ada").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(usernames_of_accounts(&after).await, [Some("ada".into())]);
}

#[rocket::async_test]
async fn availability_is_public_and_limited_per_client() {
    let app = app(UsernameMode::Optional).await;
    let token = sign_up(&app, "ada@example.com", "ada").await;
    let check = async |name: &str| {
        let path = format!("/auth/signup/username?username={name}");
        app.get_json(&path).await
    };
    assert_eq!(
        check("ADA").await.json(),
        json!({"username": "ADA", "available": true}),
        "a pending sign-up holds no name"
    );
    app.get_json(&link(&token)).await;
    assert_eq!(
        check("ADA").await.json(),
        json!({"username": "ADA", "available": false})
    );
    assert_eq!(
        check("grace").await.json(),
        json!({"username": "grace", "available": true})
    );
    assert_eq!(
        check("Admin").await.json(),
        json!({"username": "Admin", "available": false})
    );
    let malformed = check("a%20b").await;
    malformed.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(malformed.json()["fields"], json!({ "username": "invalid" }));
    let missing = app.get_json("/auth/signup/username").await;
    assert_eq!(missing.json()["fields"], json!({ "username": "required" }));
    for _ in 6..60 {
        assert_eq!(check("grace").await.status, Status::Ok);
    }
    let limited = check("grace").await;
    limited.assert_error(Status::TooManyRequests, "rate_limited");
    assert!(limited.retry_after.is_some());
    app.clock.advance(std::time::Duration::from_secs(60));
    assert_eq!(check("grace").await.status, Status::Ok);
}

#[rocket::async_test]
async fn the_forms_say_what_usernames_are_for() {
    let optional = app(UsernameMode::Optional).await;
    let form = optional.get_html("/auth/signup").await.body;
    assert!(form.contains("name=\"username\""), "{form}");
    assert!(form.contains("Username <span class=\"optional\">(optional)</span>"));
    assert!(
        form.contains("data-check=\"&#x2F;auth&#x2F;signup&#x2F;username\""),
        "{form}"
    );
    assert!(form.contains("<script src=\"&#x2F;static&#x2F;username.js\" defer>"));
    let login = optional.get_html("/auth/login").await.body;
    assert!(login.contains("Email address or username"), "{login}");
    assert!(login.contains("name=\"login\""));
    let refused = optional
        .post_form("/auth/login", &[("login", "Ada.L"), ("password", "nope")])
        .await;
    assert_eq!(refused.status, Status::Unauthorized);
    assert!(refused.body.contains("value=\"Ada.L\""), "{}", refused.body);
    assert!(refused.body.contains("Email address or username"));
    assert_eq!(
        optional.get_json("/auth/login").await.json()["fields"],
        json!(["login", "password", "urlsuccess"])
    );
    let script = optional.get("/static/username.js", "*/*").await;
    assert_eq!(script.status, Status::Ok);
    assert!(script.content_type.unwrap().contains("javascript"));
    assert!(script.body.contains("textContent"));
    assert!(!script.body.contains("innerHTML"));

    let required = app(UsernameMode::Required).await;
    let form = required.get_html("/auth/signup").await.body;
    assert!(form.contains("autocomplete=\"username\""));
    assert!(
        form.contains("<label for=\"username\">Username</label>"),
        "{form}"
    );
    assert!(
        form.contains("minlength=\"3\" maxlength=\"32\" required"),
        "{form}"
    );

    let off = app(UsernameMode::Off).await;
    let form = off.get_html("/auth/signup").await.body;
    assert!(!form.contains("name=\"username\""));
    assert!(!form.contains("username.js"));
    let login = off.get_html("/auth/login").await.body;
    assert!(!login.contains("Email address or username"));
    assert!(login.contains("name=\"email\""));
}

#[rocket::async_test]
async fn discovery_and_the_api_description_follow_the_mode() {
    for (mode, name) in [
        (UsernameMode::Off, "off"),
        (UsernameMode::Optional, "optional"),
        (UsernameMode::Required, "required"),
    ] {
        let app = app(mode).await;
        let found = app.get_json("/.well-known/doorstep").await.json();
        assert_eq!(found["username"]["mode"], name);
        assert_eq!(found["username"]["min_length"], 3);
        assert_eq!(found["username"]["max_length"], 32);
        let fields = found["signup"]["fields"].as_array().unwrap();
        let field = fields.iter().find(|field| field["name"] == "username");
        let page = app.get_json("/auth/signup").await.json();
        assert_eq!(page["username"]["mode"], name);
        let doc = app.get_json("/openapi.json").await.json();
        let form = &doc["components"]["schemas"]["SignUpForm"]["allOf"][1];
        let required = form["required"].as_array().unwrap();
        match mode {
            UsernameMode::Off => {
                assert!(field.is_none());
                assert!(form["properties"].get("username").is_none());
            }
            _ => {
                let must = mode == UsernameMode::Required;
                assert_eq!(field.unwrap()["required"], must);
                assert_eq!(required.contains(&json!("username")), must);
                let property = &form["properties"]["username"];
                assert_eq!(property["pattern"], found["username"]["pattern"]);
            }
        }
        let codes = &doc["components"]["schemas"]["ErrorBody"]["properties"]["error"]["enum"];
        assert!(codes.as_array().unwrap().contains(&json!("username_taken")));
    }
}
