//! Roles and states: a disabled account is out at its next request, roles show where
//! applications read them, the last admin stays, admin routes refuse others, and every
//! change and sign-in leaves an audit row.

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::clock::Clock as _;
use doorstep::clock::ManualClock;
use doorstep::entities::account::{self, Role, State};
use doorstep::entities::audit_log;
use doorstep::mail::{MemoryMailbox, Transport};
use rocket::http::{Accept, ContentType, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::support::{self, TestApp};

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

async fn account(app: &TestApp, email: &str) -> account::Model {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
        .expect("an account")
}

async fn events(app: &TestApp) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state().accounts.db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn a_disabled_account_is_out_at_its_next_request() {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let session = app.session(ADA, PASSWORD).await;
    assert_eq!(
        app.get_json_with("/auth/me", &session).await.status,
        Status::Ok
    );

    let ada = account(&app, ADA).await;
    let ctx = &app.state().accounts;
    admin::disable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();
    app.get_json_with("/auth/me", &session)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    app.get_json_with("/auth/verify", &session)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    app.sign_in(ADA, PASSWORD)
        .await
        .assert_error(Status::Forbidden, "account_disabled");
    app.sign_in(ADA, "not the password at all")
        .await
        .assert_error(Status::Unauthorized, "invalid_credentials");

    // Enabled again, the password works again (the old session was ended).
    admin::enable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();
    app.get_json_with("/auth/me", &session)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    assert_eq!(app.sign_in(ADA, PASSWORD).await.status, Status::Ok);
}

#[rocket::async_test]
async fn a_disabled_account_gets_no_reset_mail_and_the_same_reply() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    app.confirmed_account(ADA, PASSWORD).await;
    let request = |email: &str| json!({ "email": email });
    let unknown = app
        .post_json("/auth/pwreset", &request("nobody@example.com"))
        .await;

    let ada = account(&app, ADA).await;
    let ctx = &app.state().accounts;
    let seen = app.mails().len();
    admin::disable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();
    let disabled = app.post_json("/auth/pwreset", &request(ADA)).await;
    assert_eq!(disabled.status, unknown.status);
    assert_eq!(disabled.body, unknown.body);
    app.deliver().await;
    assert!(app.mails_since(seen).is_empty());

    // A link mailed before the account was disabled no longer works either.
    admin::enable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();
    app.post_json("/auth/pwreset", &request(ADA)).await;
    app.deliver().await;
    let token = app.mails_since(seen)[0].token().unwrap();
    admin::disable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();
    let body = json!({ "token": token, "password": "a brand new passphrase" });
    app.post_json("/auth/pwreset/confirm", &body)
        .await
        .assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn applications_read_the_role_from_me_and_forward_auth() {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    let session = app.session(ADA, PASSWORD).await;
    let me = app.get_json_with("/auth/me", &session).await.json();
    assert_eq!(me["role"], "member");

    let ada = account(&app, ADA).await;
    let ctx = &app.state().accounts;
    admin::set_role(ctx, &Actor::cli(), ada.id, Role::Inviter, app.clock.now())
        .await
        .unwrap();
    // The same session sees the new role at once.
    let verified = app.get_json_with("/auth/verify", &session).await;
    assert_eq!(verified.header("X-Doorstep-Role"), Some("inviter"));
    assert_eq!(verified.json()["role"], "inviter");
    assert_eq!(
        app.get_json_with("/auth/me", &session).await.json()["role"],
        "inviter"
    );
}

#[rocket::async_test]
async fn the_last_active_admin_stays() {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    let ada = account(&app, ADA).await;
    let grace = account(&app, "grace@example.com").await;
    let ctx = &app.state().accounts;
    let (cli, now) = (Actor::cli(), app.clock.now());
    admin::set_role(ctx, &cli, ada.id, Role::Admin, now)
        .await
        .unwrap();
    let rows = events(&app).await.len();

    for refused in [
        admin::set_role(ctx, &cli, ada.id, Role::Member, now).await,
        admin::disable(ctx, &cli, ada.id, now).await,
        admin::delete(ctx, &cli, ada.id, now).await,
    ] {
        let error = refused.unwrap_err();
        assert_eq!(error.code(), "invalid_request");
        assert_eq!(error.fields().get("account"), Some(&"last_admin"));
    }
    let still = account(&app, ADA).await;
    assert_eq!((still.role, still.state), (Role::Admin, State::Active));
    assert_eq!(
        events(&app).await.len(),
        rows,
        "refusals are not recorded as changes"
    );

    // With a second admin, the first may go.
    admin::set_role(ctx, &cli, grace.id, Role::Admin, now)
        .await
        .unwrap();
    admin::set_role(ctx, &cli, ada.id, Role::Member, now)
        .await
        .unwrap();
    let error = admin::delete(ctx, &cli, grace.id, now).await.unwrap_err();
    assert_eq!(error.fields().get("account"), Some(&"last_admin"));
    admin::delete(ctx, &cli, ada.id, now).await.unwrap();
    assert_eq!(app.count("accounts").await, 1);
}

/// An audit row's event, account, actor, source and detail.
type Summary<'a> = (&'a str, Option<i64>, Option<i64>, &'a str, &'a str);

#[rocket::async_test]
async fn sign_ins_confirmations_resets_and_admin_changes_are_audited() {
    let app = TestApp::with(|s| s.reset.enabled = true).await;
    app.confirmed_account(ADA, PASSWORD).await;
    let from_afar = app
        .client
        .post("/auth/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .remote("192.0.2.7:40000".parse().unwrap())
        .body(json!({ "email": ADA, "password": PASSWORD }).to_string());
    assert_eq!(app.send(from_afar).await.status, Status::Ok);
    app.sign_in(ADA, "not the password at all").await;
    app.sign_in("nobody@example.com", "not the password at all")
        .await;
    app.post_json("/auth/pwreset", &json!({ "email": ADA }))
        .await;
    app.deliver().await;
    let token = app.mails().last().unwrap().token().unwrap();
    let body = json!({ "token": token, "password": "a brand new passphrase" });
    assert_eq!(
        app.post_json("/auth/pwreset/confirm", &body).await.status,
        Status::Ok
    );
    let ada = account(&app, ADA).await;
    let ctx = &app.state().accounts;
    admin::disable(ctx, &Actor::cli(), ada.id, app.clock.now())
        .await
        .unwrap();

    let rows = events(&app).await;
    let summary: Vec<Summary> = rows
        .iter()
        .map(|row| {
            (
                row.event.as_str(),
                row.account_id,
                row.actor_id,
                row.source.as_str(),
                row.detail.as_str(),
            )
        })
        .collect();
    let id = Some(ada.id);
    assert_eq!(
        summary,
        vec![
            ("signup_confirmed", id, id, "web", ""),
            ("sign_in", id, id, "web", ""),
            ("sign_in_failed", id, None, "web", ADA),
            // An address without an account is not kept.
            ("sign_in_failed", None, None, "web", ""),
            ("password_reset", id, id, "web", ""),
            ("account_disabled", id, None, "cli", ""),
        ]
    );
    assert_eq!(rows[1].client.as_deref(), Some("192.0.2.7"));
    let everything = format!("{rows:?}");
    for secret in [
        PASSWORD,
        "a brand new passphrase",
        &token,
        "nobody@example.com",
    ] {
        assert!(!everything.contains(secret), "{secret} in the audit log");
    }
}

#[rocket::get("/admin-only")]
fn admin_only(admin: doorstep::web::guards::Admin) -> String {
    admin.0.email
}

#[rocket::async_test]
async fn the_admin_guard_lets_only_admins_through() {
    let dir = tempfile::tempdir().unwrap();
    let url = support::database_url(dir.path()).await;
    let mut settings = support::settings();
    settings.database_url = url.clone();
    let clock = std::sync::Arc::new(ManualClock::new(chrono::Utc::now()));
    let rocket = doorstep::App::new(settings)
        .figment(support::figment())
        .clock(clock.clone())
        .transport(Transport::Memory(MemoryMailbox::default()))
        .worker(false)
        .rocket()
        .mount("/", rocket::routes![admin_only]);
    let client = Client::tracked(rocket).await.unwrap();
    support::start_using(&url);
    let app: &doorstep::Doorstep = client.rocket().state().unwrap();
    let hash = app.accounts.hasher.hash(PASSWORD.into()).await.unwrap();
    let ada = account::ActiveModel {
        email: sea_orm::Set(ADA.into()),
        email_key: sea_orm::Set(ADA.into()),
        first_name: sea_orm::Set("Ada".into()),
        last_name: sea_orm::Set("Lovelace".into()),
        password_hash: sea_orm::Set(hash),
        created_at: sea_orm::Set(clock.now()),
        role: sea_orm::Set(Role::Member),
        state: sea_orm::Set(State::Active),
        ..Default::default()
    };
    let ada = sea_orm::ActiveModelTrait::insert(ada, &app.accounts.db)
        .await
        .unwrap();
    let get = || client.get("/admin-only").header(Accept::JSON).dispatch();

    assert_eq!(get().await.status(), Status::Unauthorized);
    let body = json!({ "email": ADA, "password": PASSWORD }).to_string();
    let signed_in = client
        .post("/auth/login")
        .header(ContentType::JSON)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(signed_in.status(), Status::Ok);
    let refused = get().await;
    assert_eq!(refused.status(), Status::Forbidden);
    let refused: serde_json::Value = refused.into_json().await.unwrap();
    assert_eq!(refused["error"], "forbidden");

    admin::set_role(
        &app.accounts,
        &Actor::cli(),
        ada.id,
        Role::Admin,
        clock.now(),
    )
    .await
    .unwrap();
    let allowed = get().await;
    assert_eq!(allowed.status(), Status::Ok);
    assert_eq!(allowed.into_string().await.unwrap(), ADA);
    support::stop_using(&url);
}

#[rocket::async_test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    let app = TestApp::start().await;
    app.confirmed_account(ADA, PASSWORD).await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    let ada = account(&app, ADA).await;
    let grace = account(&app, "grace@example.com").await;
    let ctx = &app.state().accounts;
    let (cli, now) = (Actor::cli(), app.clock.now());
    for id in [ada.id, grace.id] {
        admin::set_role(ctx, &cli, id, Role::Admin, now)
            .await
            .unwrap();
    }
    let (one, two) = tokio::join!(
        admin::set_role(ctx, &cli, ada.id, Role::Member, now),
        admin::disable(ctx, &cli, grace.id, now),
    );
    let codes = [one.err().map(|e| e.code()), two.err().map(|e| e.code())];
    assert!(
        codes.contains(&None) && codes.contains(&Some("invalid_request")),
        "{codes:?}"
    );
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin))
        .filter(account::Column::State.eq(State::Active))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1);
}

#[rocket::async_test]
async fn listings_filter_and_page() {
    let app = TestApp::start().await;
    for name in ["ada", "grace", "hedy"] {
        app.confirmed_account(&format!("{name}@example.com"), PASSWORD)
            .await;
    }
    let ctx = &app.state().accounts;
    let grace = admin::find_by_address(&ctx.db, " Grace@EXAMPLE.com")
        .await
        .unwrap();
    admin::set_role(ctx, &Actor::cli(), grace.id, Role::Inviter, app.clock.now())
        .await
        .unwrap();
    let emails = |listing: admin::Listing| {
        let emails: Vec<String> = listing.accounts.into_iter().map(|a| a.email).collect();
        (emails, listing.next.map(|next| next.to_string()))
    };
    let any = admin::AccountFilter::default();
    let first = admin::list(&ctx.db, &any, None, 2).await.unwrap();
    let (listed, next) = emails(first);
    assert_eq!(listed, ["ada@example.com", "grace@example.com"]);
    let after: admin::Cursor = next.unwrap().parse().unwrap();
    let second = admin::list(&ctx.db, &any, Some(&after), 2).await.unwrap();
    assert_eq!(emails(second), (vec!["hedy@example.com".into()], None));
    let inviters = admin::AccountFilter {
        role: Some(Role::Inviter),
        ..Default::default()
    };
    let listed = admin::list(&ctx.db, &inviters, None, 10).await.unwrap();
    assert_eq!(emails(listed), (vec!["grace@example.com".into()], None));
    let starting = admin::AccountFilter {
        search: Some(" HED".into()),
        ..Default::default()
    };
    let listed = admin::list(&ctx.db, &starting, None, 10).await.unwrap();
    assert_eq!(emails(listed), (vec!["hedy@example.com".into()], None));
    let waiting = admin::AccountFilter {
        state: Some(State::PendingApproval),
        ..Default::default()
    };
    let listed = admin::list(&ctx.db, &waiting, None, 10).await.unwrap();
    assert_eq!(emails(listed), (vec![], None));
    let missing = admin::find_by_address(&ctx.db, "nobody@example.com").await;
    assert_eq!(missing.unwrap_err().code(), "not_found");
    let shown = admin::show(&ctx.db, grace.id, app.clock.now())
        .await
        .unwrap();
    assert_eq!(shown.events[0].event, "role_changed");
    assert_eq!(shown.events[0].detail, "member -> inviter");
}
