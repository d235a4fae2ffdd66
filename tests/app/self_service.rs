//! Self-service on one's own account: a new password, a new address (by link or by code), the
//! account deleted, everything stored about it exported; sessions only, the password proven,
//! a wrong one counted like a failed sign-in.

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::clock::Clock;
use doorstep::config::ApprovalMode;
use doorstep::entities::account::{self, Role};
use doorstep::entities::{app_password, audit_log, session};
use rocket::http::{Accept, ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Mail, Reply, TestApp, hidden_field};

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "a quite different passphrase";
const ADA: &str = "ada@example.com";
const BOB: &str = "bob@example.com";
const NEW: &str = "ada@newmail.example";

/// Ada signed up, with a second session elsewhere (returned) and the client's own session.
async fn ada_on_two_devices(app: &TestApp) -> rocket::http::Cookie<'static> {
    app.confirmed_account(ADA, PASSWORD).await;
    let elsewhere = app.session(ADA, PASSWORD).await;
    app.session(ADA, PASSWORD).await;
    elsewhere
}

async fn account_of(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
}

async fn events(app: &TestApp, event: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Event.eq(event))
        .all(&app.state().accounts.db)
        .await
        .unwrap()
}

/// The one-time code of a mail: the line of digits alone in its text part.
fn code_of(mail: &Mail) -> String {
    let text = mail.part("text/plain");
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.len() >= 4 && line.bytes().all(|b| b.is_ascii_digit()));
    line.unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

async fn post_as(app: &TestApp, path: &str, authorization: &str, body: &Value) -> Reply {
    let request = app
        .client
        .post(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("Authorization", authorization.to_owned()))
        .body(body.to_string());
    app.send(request).await
}

/// Asks for `NEW` and returns the mails that followed.
async fn ask_for_new_address(app: &TestApp, email: &str) -> (Reply, Vec<Mail>) {
    let seen = app.mails().len();
    let body = json!({"email": email, "password": PASSWORD});
    let reply = app.post_json("/auth/me/email", &body).await;
    app.deliver().await;
    (reply, app.mails_since(seen))
}

#[rocket::async_test]
async fn a_new_password_ends_the_other_sessions_keeps_this_one_and_tells_the_owner() {
    let app = TestApp::start().await;
    let elsewhere = ada_on_two_devices(&app).await;
    let body = json!({"name": "phone", "current_password": PASSWORD});
    let made = app.post_json("/auth/me/app-passwords", &body).await;
    let secret = made.json()["app_password"].as_str().unwrap().to_owned();

    let weak = json!({"current_password": PASSWORD, "password": "short"});
    let refused = app.post_json("/auth/me/password", &weak).await;
    refused.assert_error(Status::BadRequest, "weak_password");
    let common = json!({"current_password": PASSWORD, "password": "password1234"});
    let refused = app.post_json("/auth/me/password", &common).await;
    refused.assert_error(Status::BadRequest, "weak_password");
    let missing = app.post_json("/auth/me/password", &json!({})).await;
    assert_eq!(
        missing.json()["fields"],
        json!({"current_password": "required", "password": "required"})
    );
    let seen = app.mails().len();
    let body = json!({"current_password": PASSWORD, "password": NEW_PASSWORD});
    let changed = app.post_json("/auth/me/password", &body).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);
    assert_eq!(changed.json(), json!({"status": "password_changed"}));

    assert_eq!(app.get_json("/auth/me").await.status, Status::Ok);
    let other = app.get_json_with("/auth/me", &elsewhere).await;
    other.assert_error(Status::Unauthorized, "unauthenticated");
    assert_eq!(app.count("sessions").await, 1);
    // App passwords stay: each was given to one program, and is revoked one by one.
    let bearer = crate::tokens::get_as(&app, "/auth/me", &format!("Bearer {secret}")).await;
    assert_eq!(bearer.status, Status::Ok, "{}", bearer.body);
    assert!(!app.signs_in(ADA, PASSWORD).await);
    assert!(app.signs_in(ADA, NEW_PASSWORD).await);

    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec![ADA.to_owned()]);
    assert!(
        mails[0].subject().contains("password"),
        "{}",
        mails[0].subject()
    );
    let ada = account_of(&app, ADA).await.unwrap();
    let rows = events(&app, "password_changed").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].account_id, rows[0].actor_id),
        (Some(ada.id), Some(ada.id))
    );
}

#[rocket::async_test]
async fn a_wrong_password_is_counted_like_a_failed_sign_in_and_limited() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let hash = app.password_hash(ADA).await;
    let wrong = json!({"current_password": "not my password at all", "password": NEW_PASSWORD});
    let refused = app.post_json("/auth/me/password", &wrong).await;
    refused.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(
        refused.json()["fields"],
        json!({"current_password": "incorrect"})
    );
    let ada = account_of(&app, ADA).await.unwrap();
    let failed = events(&app, "sign_in_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].account_id, Some(ada.id));
    assert_eq!(failed[0].detail, ADA);
    for route in ["/auth/me/email", "/auth/me/delete"] {
        let body = json!({"email": NEW, "password": "not my password at all"});
        let refused = app.post_json(route, &body).await;
        assert_eq!(
            refused.json()["fields"],
            json!({"password": "incorrect"}),
            "{route}"
        );
    }
    // Ten failures in all (sign-in's own limit): the next try is refused before any check.
    for _ in 0..7 {
        let refused = app.post_json("/auth/me/password", &wrong).await;
        refused.assert_error(Status::BadRequest, "invalid_request");
    }
    let right = json!({"current_password": PASSWORD, "password": NEW_PASSWORD});
    let limited = app.post_json("/auth/me/password", &right).await;
    limited.assert_error(Status::TooManyRequests, "rate_limited");
    assert!(limited.retry_after.is_some());
    app.sign_in(ADA, PASSWORD)
        .await
        .assert_error(Status::TooManyRequests, "rate_limited");
    assert_eq!(app.password_hash(ADA).await, hash);
    assert_eq!(app.count("outbox").await, 1); // the sign-up's mail only
    assert_eq!(app.count("email_changes").await, 0);
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn an_app_password_changes_nothing_here() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let hash = app.password_hash(ADA).await;
    let body = json!({"name": "script", "current_password": PASSWORD});
    let made = app.post_json("/auth/me/app-passwords", &body).await;
    let bearer = format!("Bearer {}", made.json()["app_password"].as_str().unwrap());
    let body = json!({"current_password": PASSWORD, "password": NEW_PASSWORD,
        "email": NEW, "code": "123456"});
    for route in [
        "/auth/me/password",
        "/auth/me/email",
        "/auth/me/email/confirm",
        "/auth/me/delete",
    ] {
        let refused = post_as(&app, route, &bearer, &body).await;
        refused.assert_error(Status::Forbidden, "forbidden");
    }
    let export = crate::tokens::get_as(&app, "/auth/me/export", &bearer).await;
    export.assert_error(Status::Forbidden, "forbidden");
    app.post_json("/auth/logout", &json!({})).await;
    let anonymous = app.post_json("/auth/me/password", &body).await;
    anonymous.assert_error(Status::Unauthorized, "unauthenticated");
    assert_eq!(app.password_hash(ADA).await, hash);
    assert!(app.signs_in(ADA, PASSWORD).await);
    assert_eq!(app.count("email_changes").await, 0);
}

#[rocket::async_test]
async fn a_new_address_is_switched_to_by_its_link_and_the_old_one_is_told() {
    let app = TestApp::start().await;
    let elsewhere = ada_on_two_devices(&app).await;
    let (reply, mails) = ask_for_new_address(&app, NEW).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({"status": "confirmation_sent", "email": NEW})
    );
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec![NEW.to_owned()]);
    assert!(mails[0].decoded.contains("/auth/me/email?confirm="));
    let token = mails[0].token().unwrap();
    // Stored only as digests.
    assert_eq!(app.count("email_changes").await, 1);
    let db = &app.state().accounts.db;
    let stored = format!(
        "{:?}",
        doorstep::entities::one_time_token::Entity::find()
            .all(db)
            .await
            .unwrap()
    );
    assert!(!stored.contains(&token));

    // Opening the link changes nothing, for browsers and programs alike.
    let page = app
        .get_html(&format!("/auth/me/email?confirm={token}"))
        .await;
    assert_eq!(page.status, Status::Ok);
    assert_eq!(hidden_field(&page.body, "token"), Some(token.clone()));
    let read = app
        .get_json(&format!("/auth/me/email?confirm={token}"))
        .await;
    assert_eq!(
        read.json(),
        json!({"status": "confirmation_required", "email": NEW})
    );
    assert!(account_of(&app, ADA).await.is_some());

    let seen = app.mails().len();
    let confirmed = app
        .post_json("/auth/me/email/confirm", &json!({"token": token}))
        .await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    assert_eq!(
        confirmed.json(),
        json!({"status": "email_changed", "email": NEW})
    );
    assert!(account_of(&app, ADA).await.is_none());
    let ada = account_of(&app, NEW).await.expect("moved");
    assert_eq!(app.get_json("/auth/me").await.json()["email"], NEW);
    let other = app.get_json_with("/auth/me", &elsewhere).await;
    other.assert_error(Status::Unauthorized, "unauthenticated");
    assert!(app.signs_in(NEW, PASSWORD).await);
    assert!(!app.signs_in(ADA, PASSWORD).await);

    app.deliver().await;
    let told = app.mails_since(seen);
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].to, vec![ADA.to_owned()]);
    assert!(told[0].part("text/plain").contains(NEW));
    let rows = events(&app, "email_changed").await;
    assert_eq!(
        (rows[0].account_id, rows[0].detail.as_str()),
        (Some(ada.id), ADA)
    );
    assert_eq!(app.count("email_changes").await, 0);

    let again = app
        .post_json("/auth/me/email/confirm", &json!({"token": token}))
        .await;
    again.assert_error(Status::BadRequest, "token_invalid");
    let unknown = app.get_json("/auth/me/email?confirm=nonsense").await;
    unknown.assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn a_new_address_is_switched_to_by_its_code_from_the_session() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let (_, mails) = ask_for_new_address(&app, NEW).await;
    let code = code_of(&mails[0]);
    let wrong = if code.ends_with('0') { "1" } else { "0" };
    let wrong = format!("{}{wrong}", &code[..code.len() - 1]);
    let refused = app
        .post_json("/auth/me/email/confirm", &json!({"code": wrong}))
        .await;
    refused.assert_error(Status::BadRequest, "code_invalid");
    assert!(refused.json()["attempts_left"].as_u64().is_some());
    let missing = app.post_json("/auth/me/email/confirm", &json!({})).await;
    assert_eq!(missing.json()["fields"], json!({"code": "required"}));
    assert!(account_of(&app, ADA).await.is_some());

    let confirmed = app
        .post_json("/auth/me/email/confirm", &json!({"code": code}))
        .await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    assert_eq!(confirmed.json()["email"], NEW);
    assert_eq!(app.get_json("/auth/me").await.json()["email"], NEW);
    // The link of the same mail is spent with it.
    let token = mails[0].token().unwrap();
    let link = app
        .post_json("/auth/me/email/confirm", &json!({"token": token}))
        .await;
    link.assert_error(Status::BadRequest, "token_invalid");

    // A code needs the session: without one, nothing is tried.
    app.post_json("/auth/logout", &json!({})).await;
    let anonymous = app
        .post_json("/auth/me/email/confirm", &json!({"code": code}))
        .await;
    anonymous.assert_error(Status::Unauthorized, "unauthenticated");
}

#[rocket::async_test]
async fn an_address_with_an_account_gets_the_same_reply_and_its_owner_a_notice() {
    let app = TestApp::start().await;
    app.confirmed_account(BOB, PASSWORD).await;
    ada_on_two_devices(&app).await;
    let (free, _) = ask_for_new_address(&app, NEW).await;
    let (taken, mails) = ask_for_new_address(&app, BOB).await;
    assert_eq!(taken.status, free.status);
    assert_eq!(
        taken.json(),
        json!({"status": "confirmation_sent", "email": BOB})
    );
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec![BOB.to_owned()]);
    assert!(mails[0].token().is_none(), "no link for the taken address");
    assert!(mails[0].part("text/plain").contains("nothing was changed"));
    // The export says the same of both: a change waits.
    let export = app.get_json("/auth/me/export").await.json();
    assert_eq!(export["email_change"]["email"], BOB);
    // Bob's address is not Ada's to take, whatever she types.
    let guessed = app
        .post_json("/auth/me/email/confirm", &json!({"code": "000000"}))
        .await;
    guessed.assert_error(Status::BadRequest, "code_invalid");
    assert!(account_of(&app, ADA).await.is_some());
    assert_eq!(account_of(&app, BOB).await.unwrap().first_name, "Ada");
    assert_eq!(app.count("accounts").await, 2);

    let unchanged = app
        .post_json(
            "/auth/me/email",
            &json!({"email": "ADA@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(unchanged.json()["fields"], json!({"email": "unchanged"}));
}

#[rocket::async_test]
async fn the_new_address_follows_the_sign_up_domain_rule() {
    for mode in [ApprovalMode::Off, ApprovalMode::OutsideWhitelist] {
        let app = TestApp::with(|settings| {
            settings.signup.whitelist = vec!["example.com".into()];
            settings.approval.mode = mode;
        })
        .await;
        ada_on_two_devices(&app).await;
        let footprint = (
            app.count("outbox").await,
            app.count("one_time_tokens").await,
        );
        let (outside, mails) = ask_for_new_address(&app, NEW).await;
        outside.assert_error(Status::Forbidden, "domain_not_allowed");
        assert!(mails.is_empty());
        assert_eq!(
            (
                app.count("outbox").await,
                app.count("one_time_tokens").await
            ),
            footprint
        );
        assert_eq!(app.count("email_changes").await, 0);
        let (inside, _) = ask_for_new_address(&app, "lovelace@example.com").await;
        assert_eq!(inside.status, Status::Ok, "{mode:?}: {}", inside.body);
    }
}

#[rocket::async_test]
async fn deleting_the_account_removes_everything_and_tells_the_address() {
    let app = TestApp::start().await;
    app.confirmed_account(BOB, PASSWORD).await;
    ada_on_two_devices(&app).await;
    let body = json!({"name": "phone", "current_password": PASSWORD});
    app.post_json("/auth/me/app-passwords", &body).await;
    ask_for_new_address(&app, NEW).await;
    let ada = account_of(&app, ADA).await.unwrap();
    let seen = app.mails().len();

    let deleted = app
        .post_json("/auth/me/delete", &json!({"password": PASSWORD}))
        .await;
    assert_eq!(deleted.status, Status::Ok, "{}", deleted.body);
    assert_eq!(
        deleted.json(),
        json!({"status": "account_deleted", "email": ADA})
    );
    let cookie = deleted.set_cookie("doorstep_session").expect("cleared");
    assert_eq!(cookie.value(), "");
    assert!(account_of(&app, ADA).await.is_none());
    let db = &app.state().accounts.db;
    let sessions = session::Entity::find()
        .filter(session::Column::AccountId.eq(ada.id))
        .all(db)
        .await
        .unwrap();
    assert!(sessions.is_empty());
    let app_passwords = app_password::Entity::find().all(db).await.unwrap();
    assert!(app_passwords.is_empty());
    assert_eq!(app.count("email_changes").await, 0);
    assert_eq!(app.count("accounts").await, 1); // Bob's
    app.get_json("/auth/me")
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");

    app.deliver().await;
    let mails = app.mails_since(seen);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec![ADA.to_owned()]);
    assert!(
        mails[0].subject().contains("deleted"),
        "{}",
        mails[0].subject()
    );
    let rows = events(&app, "account_deleted").await;
    assert_eq!(
        (rows[0].account_id, rows[0].actor_id),
        (Some(ada.id), Some(ada.id))
    );
}

#[rocket::async_test]
async fn the_last_admin_cannot_delete_themselves() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let ada = account_of(&app, ADA).await.unwrap();
    let ctx = &app.state().accounts;
    admin::set_role(ctx, &Actor::cli(), ada.id, Role::Admin, app.clock.now())
        .await
        .unwrap();
    let refused = app
        .post_json("/auth/me/delete", &json!({"password": PASSWORD}))
        .await;
    refused.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(refused.json()["fields"], json!({"account": "last_admin"}));
    assert!(account_of(&app, ADA).await.is_some());
    assert_eq!(app.count("sessions").await, 2);
}

#[rocket::async_test]
async fn the_export_holds_everything_stored_and_no_secret() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let body = json!({"name": "phone", "current_password": PASSWORD});
    let made = app.post_json("/auth/me/app-passwords", &body).await.json();
    let secret = made["app_password"].as_str().unwrap().to_owned();
    ask_for_new_address(&app, NEW).await;

    let reply = app.get_json("/auth/me/export").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(
        reply.header("Content-Disposition"),
        Some("attachment; filename=\"doorstep-account.json\"")
    );
    let export = reply.json();
    assert_eq!(export["account"]["email"], ADA);
    assert_eq!(export["account"]["firstname"], "Ada");
    assert_eq!(export["account"]["state"], "active");
    assert_eq!(export["account"]["has_password"], true);
    assert!(
        export["account"]
            .as_object()
            .unwrap()
            .contains_key("language")
    );
    assert_eq!(export["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(export["app_passwords"][0]["name"], "phone");
    assert_eq!(export["email_change"]["email"], NEW);
    let events: Vec<&str> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["signup_confirmed", "sign_in", "sign_in"]);

    let db = &app.state().accounts.db;
    let mut secrets = vec![app.password_hash(ADA).await, secret.clone()];
    secrets.push(doorstep::random::digest(&secret));
    for row in session::Entity::find().all(db).await.unwrap() {
        secrets.push(row.token_hash);
    }
    for row in doorstep::entities::one_time_token::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        secrets.push(row.token_hash);
    }
    for secret in &secrets {
        assert!(
            !reply.body.contains(secret.as_str()),
            "{secret} in {}",
            reply.body
        );
    }
    assert!(!reply.body.contains("argon2"));
}

#[rocket::async_test]
async fn the_account_page_has_the_forms_and_they_need_their_csrf_token() {
    let app = TestApp::start().await;
    ada_on_two_devices(&app).await;
    let page = app.get_html("/auth/me").await;
    let body = page.body.replace("&#x2F;", "/");
    for action in [
        "/auth/me/password",
        "/auth/me/email",
        "/auth/me/delete",
        "/auth/me/export",
    ] {
        assert!(body.contains(action), "{action}");
    }

    let fields = [("current_password", PASSWORD), ("password", NEW_PASSWORD)];
    let forged = app.post_form_raw("/auth/me/password", &fields).await;
    assert_eq!(forged.status, Status::Forbidden);
    assert!(app.signs_in(ADA, PASSWORD).await);
    let wrong = [
        ("current_password", "not my password"),
        ("password", NEW_PASSWORD),
    ];
    let again = app.post_form("/auth/me/password", &wrong).await;
    assert_eq!(again.status, Status::BadRequest);
    assert!(
        again.body.contains("This is not your password."),
        "{}",
        again.body
    );
    let changed = app.post_form("/auth/me/password", &fields).await;
    assert_eq!(changed.redirect(), (Status::SeeOther, Some("/auth/me")));

    let forged = app
        .post_form_raw(
            "/auth/me/email",
            &[("email", NEW), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, Status::Forbidden);
    assert_eq!(app.count("email_changes").await, 0);
    let sent = app
        .post_form(
            "/auth/me/email",
            &[("email", NEW), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(sent.status, Status::Ok, "{}", sent.body);
    assert!(sent.body.contains(NEW));
    app.deliver().await;
    let token = app.mails().last().unwrap().token().unwrap();
    let forged = app
        .post_form_raw("/auth/me/email/confirm", &[("token", &token)])
        .await;
    assert_eq!(forged.status, Status::Forbidden);
    let switched = app
        .post_form("/auth/me/email/confirm", &[("token", &token)])
        .await;
    assert_eq!(switched.status, Status::Ok, "{}", switched.body);
    assert!(switched.body.contains(NEW));

    let forged = app
        .post_form_raw("/auth/me/delete", &[("password", NEW_PASSWORD)])
        .await;
    assert_eq!(forged.status, Status::Forbidden);
    assert!(account_of(&app, NEW).await.is_some());
    let deleted = app
        .post_form("/auth/me/delete", &[("password", NEW_PASSWORD)])
        .await;
    assert_eq!(deleted.status, Status::Ok, "{}", deleted.body);
    assert!(deleted.body.contains("Account deleted"));
    assert!(account_of(&app, NEW).await.is_none());
}

#[rocket::async_test]
async fn discovery_names_the_self_service_routes() {
    let app = TestApp::start().await;
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    let root = discovery["base_url"].as_str().unwrap();
    assert_eq!(
        discovery["self_service"],
        json!({
            "password": format!("{root}/auth/me/password"),
            "email": format!("{root}/auth/me/email"),
            "email_confirm": format!("{root}/auth/me/email/confirm"),
            "delete": format!("{root}/auth/me/delete"),
            "export": format!("{root}/auth/me/export"),
        })
    );
}
