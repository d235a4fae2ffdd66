//! Registration tokens: N uses of invite-only sign-up, taken atomically as sign-ups are
//! accepted, made and revoked by admins over HTTP.

use chrono::Duration;
use doorstep::accounts::audit::Actor;
use doorstep::accounts::registration_tokens;
use doorstep::accounts::{SignUpForm, sign_up};
use doorstep::clock::Clock as _;
use doorstep::entities::account::Role;
use doorstep::entities::registration_token;
use doorstep::error::Error;
use doorstep::limits::ClientAddress;
use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::{TestApp, sent_reply, signup_body};

const PASSWORD: &str = "correct horse battery staple";

async fn invite_only() -> TestApp {
    TestApp::with(|s| s.signup.invite_only = true).await
}

/// Makes a token for `uses` sign-ups, working a week.
async fn token(app: &TestApp, uses: i64) -> String {
    let ctx = &app.state().accounts;
    let made = registration_tokens::create(
        &ctx.db,
        &Actor::cli(),
        uses,
        Duration::days(7),
        app.clock.now(),
    )
    .await
    .unwrap();
    made.token
}

async fn uses_left(app: &TestApp) -> Vec<i64> {
    registration_token::Entity::find()
        .all(&app.state().accounts.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.uses_left)
        .collect()
}

fn with_token(email: &str, token: &str) -> serde_json::Value {
    let mut body = signup_body(email);
    body["registration_token"] = json!(token);
    body
}

#[rocket::async_test]
async fn a_token_of_n_uses_lets_exactly_n_of_n_plus_3_racing_sign_ups_through() {
    let app = invite_only().await;
    let token = token(&app, 3).await;
    let ctx = &app.state().accounts;
    let now = app.clock.now();
    let client = ClientAddress(None);
    let form = |i: usize| SignUpForm {
        firstname: "Ada".into(),
        lastname: "Lovelace".into(),
        email: format!("racer{i}@example.com"),
        password: PASSWORD.into(),
        registration_token: token.clone(),
        ..SignUpForm::default()
    };
    let outcomes =
        rocket::futures::future::join_all((0..6).map(|i| sign_up(ctx, form(i), &client, now)))
            .await;
    let accepted = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(accepted, 3, "{outcomes:?}");
    for refused in outcomes.iter().filter_map(|outcome| outcome.as_ref().err()) {
        assert!(
            matches!(
                refused,
                Error::InvitationRequired {
                    reason: Some("used_up")
                }
            ),
            "{refused:?}"
        );
    }
    assert_eq!(uses_left(&app).await, [0]);
    assert_eq!(app.count("pending_signups").await, 3);
    assert_eq!(app.count("outbox").await, 3);
}

#[rocket::async_test]
async fn a_sign_up_for_a_known_address_takes_a_use_like_any_other() {
    let app = TestApp::start().await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    // Switched to invite-only on the same database, as an operator would.
    let dir = app.stop();
    let url = crate::support::database_url(dir.path()).await;
    let app = TestApp::on(dir, url, |s| s.signup.invite_only = true, |a| a).await;
    let token = token(&app, 2).await;
    let known = app
        .post_json("/auth/signup", &with_token("ada@example.com", &token))
        .await;
    let unknown = app
        .post_json("/auth/signup", &with_token("grace@example.com", &token))
        .await;
    assert_eq!(known.status, Status::Ok, "{}", known.body);
    assert_eq!(sent_reply(&known), sent_reply(&unknown));
    assert_eq!(uses_left(&app).await, [0]);
    app.post_json("/auth/signup", &with_token("hedy@example.com", &token))
        .await
        .assert_error(Status::Forbidden, "invitation_required");
}

#[rocket::async_test]
async fn a_token_that_does_not_work_is_refused_with_its_reason_and_changes_nothing() {
    let app = invite_only().await;
    let token = token(&app, 1).await;
    let before = app.footprint().await;
    let refused = |reply: crate::support::Reply, reason: &str| {
        reply.assert_error(Status::Forbidden, "invitation_required");
        assert_eq!(
            reply.json()["fields"],
            json!({"registration_token": reason}),
            "{}",
            reply.body
        );
    };
    refused(
        app.post_json("/auth/signup", &with_token("a@example.com", "nope"))
            .await,
        "invalid",
    );
    let unknown = "A".repeat(43);
    refused(
        app.post_json("/auth/signup", &with_token("a@example.com", &unknown))
            .await,
        "invalid",
    );
    // The other checks still refuse before a use is taken.
    let mut weak = with_token("a@example.com", &token);
    weak["password"] = json!("short");
    app.post_json("/auth/signup", &weak)
        .await
        .assert_error(Status::BadRequest, "weak_password");
    assert_eq!(uses_left(&app).await, [1]);
    assert_eq!(app.footprint().await, before);

    let reply = app
        .post_json("/auth/signup", &with_token("a@example.com", &token))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    refused(
        app.post_json("/auth/signup", &with_token("b@example.com", &token))
            .await,
        "used_up",
    );
    // A use is not given back when the sign-up expires unconfirmed.
    app.clock
        .advance(std::time::Duration::from_secs(2 * 24 * 3600));
    assert_eq!(uses_left(&app).await, [0]);
    let later = self::token(&app, 5).await;
    app.clock
        .advance(std::time::Duration::from_secs(8 * 24 * 3600));
    refused(
        app.post_json("/auth/signup", &with_token("c@example.com", &later))
            .await,
        "expired",
    );
    // A week past their expiry the sweep forgets them.
    let ctx = &app.state().accounts;
    doorstep::accounts::sweep::forget_expired(&ctx.db, app.clock.now())
        .await
        .unwrap();
    assert_eq!(app.count("registration_tokens").await, 2);
    app.clock
        .advance(std::time::Duration::from_secs(8 * 24 * 3600));
    doorstep::accounts::sweep::forget_expired(&ctx.db, app.clock.now())
        .await
        .unwrap();
    assert_eq!(app.count("registration_tokens").await, 0);
}

#[rocket::async_test]
async fn the_address_is_still_confirmed_by_mail() {
    let app = invite_only().await;
    let token = token(&app, 1).await;
    let reply = app
        .post_json("/auth/signup", &with_token("ada@example.com", &token))
        .await;
    assert_eq!(reply.json()["status"], "confirmation_sent");
    assert_eq!(app.count("accounts").await, 0);
    app.deliver().await;
    let link = app.mails()[0].token().expect("a confirmation link");
    let confirmed = app.get_json(&format!("/auth/signup?confirm={link}")).await;
    assert_eq!(confirmed.status, Status::Ok, "{}", confirmed.body);
    assert_eq!(app.count("accounts").await, 1);
}

#[rocket::async_test]
async fn while_sign_up_is_on_the_token_is_not_needed_nor_used() {
    let app = TestApp::start().await;
    let token = token(&app, 1).await;
    let reply = app
        .post_json("/auth/signup", &with_token("ada@example.com", &token))
        .await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(uses_left(&app).await, [1]);
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["signup"]["mode"], "on");
}

#[rocket::async_test]
async fn admins_make_list_and_revoke_tokens_over_http() {
    let app = invite_only().await;
    app.post_json("/admin/registration-tokens", &json!({"uses": "2"}))
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    // Accounts exist from before invite-only: made with a token here.
    let first = token(&app, 3).await;
    for email in ["member@example.com", "root@example.com"] {
        let reply = app
            .post_json("/auth/signup", &with_token(email, &first))
            .await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    }
    app.deliver().await;
    for mail in app.mails() {
        let link = mail.token().unwrap();
        app.get_json(&format!("/auth/signup?confirm={link}")).await;
    }
    app.session("member@example.com", PASSWORD).await;
    app.post_json("/admin/registration-tokens", &json!({"uses": "2"}))
        .await
        .assert_error(Status::Forbidden, "forbidden");
    app.get_json("/admin/registration-tokens")
        .await
        .assert_error(Status::Forbidden, "forbidden");
    let ctx = &app.state().accounts;
    let root = doorstep::accounts::admin::find(&ctx.db, "root@example.com")
        .await
        .unwrap();
    doorstep::accounts::admin::set_role(ctx, &Actor::cli(), root.id, Role::Admin, app.clock.now())
        .await
        .unwrap();
    app.session("root@example.com", PASSWORD).await;

    for (body, field, reason) in [
        (json!({"uses": "many"}), "uses", "not_a_number"),
        (json!({"uses": "0"}), "uses", "out_of_range"),
        (json!({"expires": "7y"}), "expires", "invalid"),
        (json!({"expires": "400d"}), "expires", "invalid"),
    ] {
        let reply = app.post_json("/admin/registration-tokens", &body).await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(reply.json()["fields"][field], reason, "{}", reply.body);
    }
    let made = app
        .post_json(
            "/admin/registration-tokens",
            &json!({"uses": "2", "expires": "24h"}),
        )
        .await;
    assert_eq!(made.status, Status::Created, "{}", made.body);
    let made = made.json();
    let secret = made["token"].as_str().unwrap().to_owned();
    assert_eq!(made["uses"], 2);
    assert_eq!(made["label"], &secret[..8]);
    let listed = app.get_json("/admin/registration-tokens").await.json();
    let rows = listed["registration_tokens"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["label"], &secret[..8]);
    assert_eq!(rows[0]["uses_left"], 2);
    assert!(
        !listed.to_string().contains(&secret),
        "the list shows no token"
    );
    let page = app.get_html("/admin/registration-tokens").await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.body.contains(&secret[..8]), "{}", page.body);
    assert!(!page.body.contains(&secret), "{}", page.body);

    // The form: made (the token shown once), then revoked by the button.
    let shown = app
        .post_form(
            "/admin/registration-tokens",
            &[("uses", "1"), ("expires", "1d")],
        )
        .await;
    assert_eq!(shown.status, Status::Created, "{}", shown.body);
    assert!(shown.body.contains("not shown again"), "{}", shown.body);
    let revoked = app
        .post_form(
            &format!("/admin/registration-tokens/{}/revoke", &secret[..8]),
            &[],
        )
        .await;
    assert_eq!(revoked.status, Status::SeeOther, "{}", revoked.body);
    app.post_json("/auth/signup", &with_token("grace@example.com", &secret))
        .await
        .assert_error(Status::Forbidden, "invitation_required");
    let again = app
        .post_json(
            &format!("/admin/registration-tokens/{}/revoke", &secret[..8]),
            &json!({}),
        )
        .await;
    again.assert_error(Status::NotFound, "not_found");
}
