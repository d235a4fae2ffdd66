//! Invite-only sign-up and invitations: a sign-up without an invitation or token is refused
//! before anything is written (by every wire), and an invitation link's form makes an active
//! account at once, once.

use doorstep::accounts::admin;
use doorstep::accounts::audit::Actor;
use doorstep::accounts::invitations;
use doorstep::accounts::{SignUpForm, sign_up};
use doorstep::clock::Clock as _;
use doorstep::config::ApprovalMode;
use doorstep::entities::account::{self, Role, State};
use doorstep::entities::{audit_log, invitation};
use doorstep::error::Error;
use doorstep::limits::ClientAddress;
use rocket::http::{Accept, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::time::Duration;

use crate::support::{Mail, TestApp, hidden_field, signup_body};

const PASSWORD: &str = "correct horse battery staple";
const INVITER: &str = "ada@example.com";
const GRACE: &str = "grace@example.com";

/// Makes an account with `role` and signs the client in as it.
pub async fn signed_in_as(app: &TestApp, email: &str, role: Role) {
    app.confirmed_account(email, PASSWORD).await;
    let found = admin::find_by_address(&app.state().accounts.db, email)
        .await
        .unwrap();
    let ctx = &app.state().accounts;
    admin::set_role(ctx, &Actor::cli(), found.id, role, app.clock.now())
        .await
        .unwrap();
    app.session(email, PASSWORD).await;
}

/// The token of the invitation link in a mail.
pub fn invitation_token(mail: &Mail) -> Option<String> {
    let start = mail.decoded.find("invitation=")? + "invitation=".len();
    let token: String = mail.decoded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

/// Invites `email` as the signed-in client and returns the link's token from the mail.
async fn invited(app: &TestApp, email: &str) -> String {
    let before = app.mails().len();
    let reply = app
        .post_json(
            "/auth/invitations",
            &json!({"email": email, "firstname": "Grace", "lastname": "Hopper"}),
        )
        .await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    app.deliver().await;
    let mails: Vec<Mail> = app
        .mails_since(before)
        .into_iter()
        .filter(|mail| mail.to == [email])
        .collect();
    assert_eq!(mails.len(), 1);
    invitation_token(&mails[0]).expect("an invitation link")
}

async fn account_of(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
}

async fn events(app: &TestApp) -> Vec<String> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state().accounts.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.event)
        .collect()
}

fn completion(token: &str) -> Value {
    json!({
        "invitation": token,
        "firstname": "Grace",
        "lastname": "Hopper",
        "email": "someone.else@example.com",
        "password": PASSWORD,
    })
}

#[rocket::async_test]
async fn invite_only_sign_up_without_a_token_is_refused_and_changes_nothing() {
    let app = TestApp::with(|s| {
        s.signup.invite_only = true;
        s.cadmium = true;
    })
    .await;
    let before = app.footprint().await;
    let reply = app.post_json("/auth/signup", &signup_body(GRACE)).await;
    reply.assert_error(Status::Forbidden, "invitation_required");
    assert!(reply.json().get("fields").is_none(), "{}", reply.body);
    // A malformed body in invite-only mode is refused for the invitation first.
    let reply = app.post_json("/auth/signup", &json!({})).await;
    reply.assert_error(Status::Forbidden, "invitation_required");
    // The seed APIs go through the same sign-up and are refused alike.
    let envelope = json!({
        "id": "abcd", "type": "urn:cadmium:profile:register", "to": ["127.0.0.1"],
        "payload": {"thirdPIDs": [{"type": "email", "value": GRACE}], "password": PASSWORD},
    });
    let reply = app.post_json("/cadmium", &envelope).await;
    assert_eq!(
        reply.json()["payload"]["errID"],
        "urn:cadmium:profile:register:invitation_required",
        "{}",
        reply.body
    );
    // A browser sees the form again, which asks for a token.
    let page = app
        .post_form("/auth/signup", &[("email", GRACE), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, Status::Forbidden);
    assert!(
        page.body.contains("name=\"registration_token\""),
        "{}",
        page.body
    );
    assert_eq!(app.footprint().await, before);
    assert_eq!(app.count("rate_limits").await, 0);
    app.deliver().await;
    assert!(app.mails().is_empty());

    let form = app.get_json("/auth/signup").await.json();
    assert!(
        form["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("registration_token")),
        "{form}"
    );
    let doc = app.get_json("/openapi.json").await.json();
    let body = &doc["components"]["schemas"]["SignUpForm"]["allOf"][1];
    assert!(
        body["required"]
            .as_array()
            .unwrap()
            .contains(&json!("registration_token")),
        "{body}"
    );
    let discovery = app.get_json("/.well-known/doorstep").await.json();
    assert_eq!(discovery["signup"]["mode"], "invite-only");
    assert_eq!(discovery["signup"]["invitations"], true);
}

#[rocket::async_test]
async fn email_first_invite_only_sign_up_is_refused_too() {
    let app = TestApp::with(|s| {
        s.signup.invite_only = true;
        s.signup.flow = doorstep::config::SignupFlow::EmailFirst;
    })
    .await;
    let before = app.footprint().await;
    app.post_json("/auth/signup", &json!({"email": GRACE}))
        .await
        .assert_error(Status::Forbidden, "invitation_required");
    assert_eq!(app.footprint().await, before);
}

#[rocket::async_test]
async fn an_invitation_makes_an_active_account_at_once_even_with_approval_for_all() {
    let app = TestApp::with(|s| {
        s.signup.invite_only = true;
        s.approval.mode = ApprovalMode::All;
    })
    .await;
    // The inviter signed up with a registration token, and was approved by hand.
    let ctx = &app.state().accounts;
    let now = app.clock.now();
    let made = doorstep::accounts::registration_tokens::create(
        &ctx.db,
        &Actor::cli(),
        1,
        chrono::Duration::days(1),
        now,
    )
    .await
    .unwrap();
    let mut body = signup_body(INVITER);
    body["registration_token"] = json!(made.token);
    app.confirmed_account_from(&body).await;
    let ada = account_of(&app, INVITER).await.unwrap();
    assert_eq!(ada.state, State::PendingApproval);
    admin::approve(ctx, &Actor::cli(), ada.id, now)
        .await
        .unwrap();
    admin::set_role(ctx, &Actor::cli(), ada.id, Role::Inviter, now)
        .await
        .unwrap();
    app.session(INVITER, PASSWORD).await;
    let token = invited(&app, GRACE).await;
    let mails = app.mails();
    let mail = mails.iter().rfind(|mail| mail.to == [GRACE]).unwrap();
    assert!(
        mail.subject().contains("Ada Lovelace invites you"),
        "{}",
        mail.raw
    );
    assert!(
        mail.decoded.contains("/auth/signup?invitation="),
        "{}",
        mail.decoded
    );

    // The link's form: the address filled in and fixed, the names offered, the token hidden.
    let page = app
        .get_html(&format!("/auth/signup?invitation={token}"))
        .await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "readonly aria-readonly=\"true\" value=\"{GRACE}\""
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"Hopper\""), "{}", page.body);
    assert_eq!(hidden_field(&page.body, "invitation"), Some(token.clone()));
    assert!(!page.body.contains("name=\"registration_token\""));
    let described = app
        .get_json(&format!("/auth/signup?invitation={token}"))
        .await
        .json();
    assert_eq!(described["invitation"]["email"], GRACE);
    assert!(
        described["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("invitation"))
    );

    // Completed in a browser (signed out): the account exists, active, with the invited
    // address whatever the form said, and nothing is mailed.
    app.client.cookies().remove("doorstep_session");
    let mails = app.mails().len();
    let done = app
        .post_form(
            "/auth/signup",
            &[
                ("invitation", &token),
                ("firstname", "Grace"),
                ("lastname", "Hopper"),
                ("email", "someone.else@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    let grace = account_of(&app, GRACE).await.expect("the invited account");
    assert_eq!(grace.state, State::Active);
    assert_eq!(grace.role, Role::Member);
    assert!(account_of(&app, "someone.else@example.com").await.is_none());
    app.deliver().await;
    assert_eq!(
        app.mails().len(),
        mails,
        "no confirmation, no approval mail"
    );
    assert!(app.signs_in(GRACE, PASSWORD).await);

    // The link is spent.
    app.post_json("/auth/signup", &completion(&token))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    app.get_json(&format!("/auth/signup?invitation={token}"))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    let events = events(&app).await;
    assert!(events.contains(&"invitation_sent".to_owned()), "{events:?}");
    assert!(
        events.contains(&"invitation_redeemed".to_owned()),
        "{events:?}"
    );

    app.session(INVITER, PASSWORD).await;
    let listed = app.get_json("/auth/invitations").await.json();
    assert_eq!(listed["invitations"][0]["email"], GRACE);
    assert_eq!(listed["invitations"][0]["status"], "redeemed");
}

#[rocket::async_test]
async fn a_refused_completion_changes_nothing_and_keeps_the_link() {
    let app = TestApp::start().await;
    signed_in_as(&app, INVITER, Role::Admin).await;
    let token = invited(&app, GRACE).await;
    let before = app.footprint().await;
    let mut weak = completion(&token);
    weak["password"] = json!("short");
    app.post_json("/auth/signup", &weak)
        .await
        .assert_error(Status::BadRequest, "weak_password");
    app.post_json("/auth/signup", &completion("not-a-token"))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    assert_eq!(app.footprint().await, before);
    let reply = app.post_json("/auth/signup", &completion(&token)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json()["status"], "confirmed");
}

#[rocket::async_test]
async fn withdrawn_and_expired_invitations_do_not_open() {
    let app = TestApp::start().await;
    signed_in_as(&app, INVITER, Role::Inviter).await;
    let token = invited(&app, GRACE).await;
    let listed = app.get_json("/auth/invitations").await.json();
    let id = listed["invitations"][0]["id"].as_i64().unwrap();
    assert_eq!(listed["invitations"][0]["status"], "pending");

    // Another inviter cannot see or withdraw it; an admin sees everyone's.
    signed_in_as(&app, "bob@example.com", Role::Inviter).await;
    let theirs = app.get_json("/auth/invitations").await.json();
    assert_eq!(theirs["invitations"], json!([]));
    let other = app
        .send(
            app.client
                .delete(format!("/auth/invitations/{id}"))
                .header(Accept::JSON),
        )
        .await;
    other.assert_error(Status::NotFound, "not_found");
    signed_in_as(&app, "root@example.com", Role::Admin).await;
    let all = app.get_json("/auth/invitations").await.json();
    assert_eq!(all["invitations"][0]["id"], id);

    app.session(INVITER, PASSWORD).await;
    let withdrawn = app
        .send(
            app.client
                .delete(format!("/auth/invitations/{id}"))
                .header(Accept::JSON),
        )
        .await;
    assert_eq!(withdrawn.status, Status::Ok, "{}", withdrawn.body);
    assert_eq!(withdrawn.json()["invitation"]["status"], "withdrawn");
    app.get_json(&format!("/auth/signup?invitation={token}"))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    app.post_json("/auth/signup", &completion(&token))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
    assert!(account_of(&app, GRACE).await.is_none());
    assert!(
        events(&app)
            .await
            .contains(&"invitation_withdrawn".to_owned())
    );

    // Past `doorstep.auth.invitation.ttl` (7 days) a link has expired.
    let token = invited(&app, "hedy@example.com").await;
    app.clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    app.get_json(&format!("/auth/signup?invitation={token}"))
        .await
        .assert_error(Status::Gone, "token_expired");
    app.post_json("/auth/signup", &completion(&token))
        .await
        .assert_error(Status::Gone, "token_expired");
    let listed = app.get_json("/auth/invitations").await.json();
    assert_eq!(listed["invitations"][0]["status"], "expired");

    // The account page's button withdraws too, and goes back to the page.
    let token = invited(&app, "joan@example.com").await;
    let page = app.get_html("/auth/me").await;
    assert!(page.body.contains("joan@example.com"), "{}", page.body);
    let id = app.get_json("/auth/invitations").await.json()["invitations"][0]["id"]
        .as_i64()
        .unwrap();
    let button = app
        .post_form(&format!("/auth/invitations/{id}/delete"), &[])
        .await;
    assert_eq!(button.status, Status::SeeOther, "{}", button.body);
    app.get_json(&format!("/auth/signup?invitation={token}"))
        .await
        .assert_error(Status::BadRequest, "token_invalid");
}

#[rocket::async_test]
async fn members_may_not_invite_and_strangers_must_sign_in() {
    let app = TestApp::start().await;
    let body = json!({"email": GRACE});
    app.post_json("/auth/invitations", &body)
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    app.get_json("/auth/invitations")
        .await
        .assert_error(Status::Unauthorized, "unauthenticated");
    app.confirmed_account(INVITER, PASSWORD).await;
    app.session(INVITER, PASSWORD).await;
    let before = app.footprint().await;
    app.post_json("/auth/invitations", &body)
        .await
        .assert_error(Status::Forbidden, "forbidden");
    app.get_json("/auth/invitations")
        .await
        .assert_error(Status::Forbidden, "forbidden");
    assert_eq!(app.footprint().await, before);
    assert_eq!(app.count("invitations").await, 0);
    // The member's account page offers no invitations.
    let page = app.get_html("/auth/me").await;
    assert!(!page.body.contains("Invite someone"), "{}", page.body);
}

#[rocket::async_test]
async fn inviting_a_known_address_replies_the_same_and_tells_its_owner() {
    let app = TestApp::start().await;
    app.confirmed_account(GRACE, PASSWORD).await;
    signed_in_as(&app, INVITER, Role::Inviter).await;
    let shape = |reply: &crate::support::Reply| {
        let mut json = reply.json();
        let invitation = json["invitation"].as_object_mut().unwrap();
        invitation.remove("id");
        invitation.remove("email");
        json
    };
    let known = app
        .post_json("/auth/invitations", &json!({"email": GRACE}))
        .await;
    let unknown = app
        .post_json("/auth/invitations", &json!({"email": "hedy@example.com"}))
        .await;
    assert_eq!(known.status, Status::Created);
    assert_eq!(unknown.status, Status::Created);
    assert_eq!(shape(&known), shape(&unknown));
    let before = app.mails().len();
    app.deliver().await;
    let mails = app.mails_since(before);
    let to_grace = mails.iter().find(|mail| mail.to == [GRACE]).unwrap();
    assert!(invitation_token(to_grace).is_none(), "{}", to_grace.decoded);
    assert!(to_grace.subject().contains("already have an account"));
    let to_hedy = mails.iter().find(|mail| mail.to == ["hedy@example.com"]);
    assert!(to_hedy.and_then(invitation_token).is_some());
    // The inviter's list shows both alike.
    let listed = app.get_json("/auth/invitations").await.json();
    let statuses: Vec<&Value> = listed["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["status"])
        .collect();
    assert_eq!(statuses, [&json!("pending"), &json!("pending")]);
}

#[rocket::async_test]
async fn the_account_page_invites_and_shows_refusals_beside_the_field() {
    let app = TestApp::start().await;
    signed_in_as(&app, INVITER, Role::Inviter).await;
    let page = app.get_html("/auth/me").await;
    assert!(page.body.contains("Invite someone"), "{}", page.body);
    let refused = app
        .post_form("/auth/invitations", &[("email", "not an address")])
        .await;
    assert_eq!(refused.status, Status::BadRequest);
    assert!(
        refused.body.contains("invite-email-error"),
        "{}",
        refused.body
    );
    let sent = app
        .post_form(
            "/auth/invitations",
            &[("email", GRACE), ("firstname", "<b>Grace</b>")],
        )
        .await;
    assert_eq!(sent.status, Status::SeeOther, "{}", sent.body);
    let page = app.get_html("/auth/me").await;
    assert!(page.body.contains(GRACE), "{}", page.body);
    assert!(page.body.contains("&lt;b&gt;Grace"), "{}", page.body);
}

#[rocket::async_test]
async fn racing_completions_make_one_account() {
    let app = TestApp::start().await;
    signed_in_as(&app, INVITER, Role::Inviter).await;
    let token = invited(&app, GRACE).await;
    let ctx = &app.state().accounts;
    let now = app.clock.now();
    let client = ClientAddress(None);
    let form = |name: &str| SignUpForm {
        firstname: "Grace".into(),
        lastname: "Hopper".into(),
        username: name.into(),
        password: PASSWORD.into(),
        ..SignUpForm::default()
    };
    let outcomes = rocket::futures::future::join_all(
        ["one", "two", "three", "four"]
            .map(|name| invitations::redeem(ctx, &token, form(name), &client, now)),
    )
    .await;
    let made = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(made, 1, "{outcomes:?}");
    for outcome in outcomes.iter().filter(|outcome| outcome.is_err()) {
        assert!(matches!(outcome, Err(Error::TokenInvalid)), "{outcome:?}");
    }
    assert_eq!(app.count("accounts").await, 2);
    let row = invitation::Entity::find()
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.account_id, account_of(&app, GRACE).await.map(|a| a.id));
}

#[rocket::async_test]
async fn while_sign_up_is_off_nobody_invites_and_no_link_works() {
    let app = TestApp::with(|s| s.signup.enabled = false).await;
    let ctx = &app.state().accounts;
    let form = invitations::InvitationForm {
        email: GRACE.into(),
        ..Default::default()
    };
    let now = app.clock.now();
    let refused = invitations::invite(ctx, None, &Actor::cli(), &form, None, now).await;
    assert!(matches!(refused, Err(Error::SignupDisabled)), "{refused:?}");
    let client = ClientAddress(None);
    let refused = invitations::redeem(ctx, "x", SignUpForm::default(), &client, now).await;
    assert!(matches!(refused, Err(Error::SignupDisabled)), "{refused:?}");
    let plain = sign_up(ctx, SignUpForm::default(), &client, now).await;
    assert!(matches!(plain, Err(Error::SignupDisabled)));
    app.get_json("/auth/signup?invitation=x")
        .await
        .assert_error(Status::Forbidden, "signup_disabled");
    assert_eq!(app.count("invitations").await, 0);
}
