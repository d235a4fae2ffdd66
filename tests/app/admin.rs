//! The admin area: only admins' sessions get in; every action works by form (with its CSRF
//! token) and by JSON, is audited with the admin as actor, and keeps the last admin; the
//! search finds accounts by a prefix of address, username or name, page by page.

use doorstep::accounts::admin;
use doorstep::accounts::audit::{self, Actor, Event};
use doorstep::clock::Clock as _;
use doorstep::config::ApprovalMode;
use doorstep::entities::account::{self, Role, State};
use doorstep::entities::{audit_log, outbox};
use rocket::http::{Header, Status};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp, hidden_field, signup_body};

const ROOT: &str = "root@example.net";
const PASSWORD: &str = "correct horse battery staple";

/// An app with an admin signed in (the client keeps the session cookie).
async fn admin_app(configure: impl FnOnce(&mut doorstep::config::Settings)) -> (TestApp, i64) {
    let app = TestApp::with(|s| {
        s.reset.enabled = true;
        configure(s);
    })
    .await;
    let root = json!({"firstname": "Root", "lastname": "Operator", "email": ROOT,
        "password": PASSWORD});
    app.confirmed_account_from(&root).await;
    let root = find(&app, ROOT).await;
    let ctx = &app.state().accounts;
    let now = app.clock.now();
    let root = match root.state {
        State::PendingApproval => admin::approve(ctx, &Actor::cli(), root.id, now)
            .await
            .unwrap(),
        _ => root,
    };
    admin::set_role(ctx, &Actor::cli(), root.id, Role::Admin, now)
        .await
        .unwrap();
    assert_eq!(app.sign_in(ROOT, PASSWORD).await.status, Status::Ok);
    (app, root.id)
}

async fn find(app: &TestApp, email: &str) -> account::Model {
    try_find(app, email).await.expect("an account")
}

async fn try_find(app: &TestApp, email: &str) -> Option<account::Model> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.state().accounts.db)
        .await
        .unwrap()
}

/// An account put straight into the table (no sign-up), as the bench seeds them.
async fn insert(
    app: &TestApp,
    email: &str,
    first: &str,
    last: &str,
    username: Option<&str>,
) -> i64 {
    account::ActiveModel {
        email: Set(email.to_owned()),
        email_key: Set(email.to_lowercase()),
        first_name: Set(first.to_owned()),
        last_name: Set(last.to_owned()),
        password_hash: Set(String::new()),
        created_at: Set(app.clock.now()),
        username: Set(username.map(str::to_owned)),
        username_key: Set(username.map(str::to_lowercase)),
        role: Set(Role::Member),
        state: Set(State::Active),
        ..Default::default()
    }
    .insert(&app.state().accounts.db)
    .await
    .unwrap()
    .id
}

async fn events(app: &TestApp) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state().accounts.db)
        .await
        .unwrap()
}

/// The emails of a JSON listing, and its `next`.
fn emails(reply: &Reply) -> (Vec<String>, Option<String>) {
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let body = reply.json();
    let emails = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap().to_owned())
        .collect();
    (emails, body["next"].as_str().map(str::to_owned))
}

fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

const PAGES: [&str; 4] = ["/admin", "/admin/users", "/admin/users/1", "/admin/audit"];

#[rocket::async_test]
async fn only_admins_sessions_get_in() {
    let (app, root) = admin_app(|_| {}).await;
    for path in PAGES {
        let path = path.replace("/1", &format!("/{root}"));
        assert_eq!(app.get_json(&path).await.status, Status::Ok, "{path}");
        let page = app.get_html(&path).await;
        assert_eq!(page.status, Status::Ok, "{path}: {}", page.body);
        assert!(
            page.body.contains("admin/registration-tokens"),
            "{path}: {}",
            page.body
        );
    }

    // Signed out: 401, and the page says to sign in.
    app.client.post("/auth/logout").dispatch().await;
    for path in PAGES {
        app.get_json(path)
            .await
            .assert_error(Status::Unauthorized, "unauthenticated");
        let page = app.get_html(path).await;
        assert_eq!(page.status, Status::Unauthorized);
        assert!(page.body.contains("auth&#x2F;login"), "{}", page.body);
    }
    let reply = app
        .post_json(&format!("/admin/users/{root}/disable"), &json!({}))
        .await;
    reply.assert_error(Status::Unauthorized, "unauthenticated");

    // A member: 403.
    app.confirmed_account("ada@example.com", PASSWORD).await;
    app.sign_in("ada@example.com", PASSWORD).await;
    for path in PAGES {
        app.get_json(path)
            .await
            .assert_error(Status::Forbidden, "forbidden");
    }
    let reply = app
        .post_json(&format!("/admin/users/{root}/disable"), &json!({}))
        .await;
    reply.assert_error(Status::Forbidden, "forbidden");
    assert_eq!(find(&app, ROOT).await.state, State::Active);

    // The admin's Bearer token works for programs (over the member's cookie: a header sent
    // decides), and no CORS header is ever sent.
    let token = app.sign_in(ROOT, PASSWORD).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(app.get_json("/admin").await.status, Status::Forbidden);
    let request = app
        .client
        .get("/admin/users")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .header(Header::new("Origin", "https://app.example.com"));
    let reply = app.send(request).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert!(reply.header("Access-Control-Allow-Origin").is_none());
}

#[rocket::async_test]
async fn forms_approve_with_their_csrf_token_and_go_back_with_a_notice() {
    let (app, root) = admin_app(|s| s.approval.mode = ApprovalMode::All).await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    let ada = find(&app, "ada@example.com").await;
    assert_eq!(ada.state, State::PendingApproval);

    // The overview lists her with buttons carrying the token.
    let page = app.get_html("/admin").await;
    assert!(page.body.contains("ada@example.com"), "{}", page.body);
    assert!(page.body.contains(&format!("/users/{}/approve", ada.id)));
    let csrf = hidden_field(&page.body, "csrf_token").unwrap();

    // Without the token: refused, nothing changes.
    let path = format!("/admin/users/{}/approve", ada.id);
    let before = events(&app).await.len();
    let reply = app.post_form_raw(&path, &[("back", "overview")]).await;
    assert_eq!(reply.status, Status::Forbidden);
    assert!(reply.body.contains("csrf_invalid"), "{}", reply.body);
    assert_eq!(
        find(&app, "ada@example.com").await.state,
        State::PendingApproval
    );
    assert_eq!(events(&app).await.len(), before);

    let reply = app
        .post_form_raw(&path, &[("csrf_token", &csrf), ("back", "overview")])
        .await;
    assert_eq!(
        reply.redirect(),
        (Status::SeeOther, Some("/admin?notice=approved"))
    );
    assert_eq!(find(&app, "ada@example.com").await.state, State::Active);
    let row = events(&app).await.pop().unwrap();
    assert_eq!(row.event, "account_approved");
    assert_eq!(row.account_id, Some(ada.id));
    assert_eq!(row.actor_id, Some(root));
    assert_eq!(row.source, "web");
    let page = app.get_html("/admin?notice=approved").await;
    assert!(page.body.contains("Approved"), "{}", page.body);
    // Her approval mail is queued.
    app.deliver().await;
    assert!(app.mails().iter().any(|m| m.to == ["ada@example.com"]));

    // From the account's page: disable, back to it with a notice.
    let reply = app
        .post_form(&format!("/admin/users/{}/disable", ada.id), &[])
        .await;
    let back = format!("/admin/users/{}?notice=disabled", ada.id);
    assert_eq!(reply.redirect(), (Status::SeeOther, Some(back.as_str())));
    let page = app.get_html(&back).await;
    assert!(page.body.contains("Disabled"), "{}", page.body);
    assert!(page.body.contains("account disabled"), "{}", page.body);
    let reply = app
        .post_form(
            &format!("/admin/users/{}/role", ada.id),
            &[("role", "inviter")],
        )
        .await;
    assert_eq!(reply.status, Status::SeeOther);
    assert_eq!(find(&app, "ada@example.com").await.role, Role::Inviter);
    let reply = app
        .post_form(&format!("/admin/users/{}/delete", ada.id), &[])
        .await;
    assert_eq!(
        reply.redirect(),
        (Status::SeeOther, Some("/admin/users?notice=deleted"))
    );
    assert!(try_find(&app, "ada@example.com").await.is_none());
}

#[rocket::async_test]
async fn programs_act_with_json_and_get_the_account() {
    let (app, root) = admin_app(|s| s.approval.mode = ApprovalMode::All).await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    app.confirmed_account("grace@example.com", PASSWORD).await;
    let ada = find(&app, "ada@example.com").await.id;
    let grace = find(&app, "grace@example.com").await.id;
    let act = |id: i64, verb: &str| format!("/admin/users/{id}/{verb}");

    let reply = app.post_json(&act(ada, "approve"), &json!({})).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.json()["state"], "active");
    assert_eq!(reply.json()["email"], "ada@example.com");
    // Approving twice is refused and changes nothing.
    let reply = app.post_json(&act(ada, "approve"), &json!({})).await;
    reply.assert_error(Status::BadRequest, "invalid_request");
    assert_eq!(reply.json()["fields"]["account"], "not_pending");

    let reply = app.post_json(&act(grace, "reject"), &json!({})).await;
    assert_eq!(reply.json()["email"], "grace@example.com");
    assert!(try_find(&app, "grace@example.com").await.is_none());

    let reply = app.post_json(&act(ada, "disable"), &json!({})).await;
    assert_eq!(reply.json()["state"], "disabled");
    let reply = app.post_json(&act(ada, "enable"), &json!({})).await;
    assert_eq!(reply.json()["state"], "active");
    let reply = app
        .post_json(&act(ada, "role"), &json!({ "role": "admin" }))
        .await;
    assert_eq!(reply.json()["role"], "admin");
    app.post_json(&act(ada, "role"), &json!({ "role": "king" }))
        .await
        .assert_error(Status::BadRequest, "invalid_request");
    let reply = app.post_json(&act(ada, "delete"), &json!({})).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    app.post_json(&act(ada, "delete"), &json!({}))
        .await
        .assert_error(Status::NotFound, "not_found");
    app.post_json(&act(root, "frobnicate"), &json!({}))
        .await
        .assert_error(Status::NotFound, "not_found");

    // Every change has its row with the admin as actor.
    let seen: Vec<(String, Option<i64>, Option<i64>)> = events(&app)
        .await
        .into_iter()
        .filter(|e| e.actor_id == Some(root) && e.account_id != Some(root))
        .map(|e| (e.event, e.account_id, e.actor_id))
        .collect();
    let expected = [
        ("account_approved", ada),
        ("account_rejected", grace),
        ("account_disabled", ada),
        ("account_enabled", ada),
        ("role_changed", ada),
        ("account_deleted", ada),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(e, id)| (e.to_string(), Some(*id), Some(root)))
        .collect();
    assert_eq!(seen, expected);
}

#[rocket::async_test]
async fn the_last_admin_cannot_demote_disable_or_delete_themselves() {
    let (app, root) = admin_app(|_| {}).await;
    let before = events(&app).await.len();
    for (verb, body) in [
        ("role", json!({ "role": "member" })),
        ("disable", json!({})),
        ("delete", json!({})),
    ] {
        let reply = app
            .post_json(&format!("/admin/users/{root}/{verb}"), &body)
            .await;
        reply.assert_error(Status::BadRequest, "invalid_request");
        assert_eq!(reply.json()["fields"]["account"], "last_admin", "{verb}");
    }
    // The form says so on a page.
    let reply = app
        .post_form(&format!("/admin/users/{root}/disable"), &[])
        .await;
    assert_eq!(reply.status, Status::BadRequest);
    let root_now = find(&app, ROOT).await;
    assert_eq!(
        (root_now.role, root_now.state),
        (Role::Admin, State::Active)
    );
    assert_eq!(events(&app).await.len(), before);
}

/// Accounts for the search: names and usernames of several kinds.
async fn people(app: &TestApp) {
    for (email, first, last, username) in [
        ("ada@example.com", "Ada", "Lovelace", Some("countess")),
        (
            "grace@example.com",
            "Grace",
            "Hopper",
            Some("amazing_grace"),
        ),
        ("alan@example.org", "Alan", "Turing", None),
        ("adele@example.org", "Adèle", "Åström", Some("Adi")),
        ("lovelace.fan@example.net", "Charles", "Babbage", None),
        ("Zed@Example.com", "Zed", "Adams", None),
    ] {
        insert(app, email, first, last, username).await;
    }
}

async fn search(app: &TestApp, pairs: &[(&str, &str)]) -> Vec<String> {
    emails(
        &app.get_json(&format!("/admin/users?{}", query(pairs)))
            .await,
    )
    .0
}

#[rocket::async_test]
async fn search_finds_a_prefix_of_address_username_or_name() {
    let (app, _) = admin_app(|_| {}).await;
    people(&app).await;
    // Address prefixes, in the order of what matched; case does not matter.
    // Address prefixes and a last name, in the order of the key that matched ("ada@…" <
    // "adams" < "adele@…"); adele's username "Adi" matches too, yet she is listed once.
    assert_eq!(
        search(&app, &[("q", "AD")]).await,
        ["ada@example.com", "Zed@Example.com", "adele@example.org"]
    );
    assert_eq!(search(&app, &[("q", "count")]).await, ["ada@example.com"]);
    assert_eq!(search(&app, &[("q", "grac")]).await, ["grace@example.com"]);
    assert_eq!(
        search(&app, &[("q", "amazing")]).await,
        ["grace@example.com"]
    );
    assert_eq!(search(&app, &[("q", "TUR")]).await, ["alan@example.org"]);
    assert_eq!(search(&app, &[("q", "ÅSTR")]).await, ["adele@example.org"]);
    assert_eq!(search(&app, &[("q", "adè")]).await, ["adele@example.org"]);
    // "love" starts a last name and an address.
    assert_eq!(
        search(&app, &[("q", "love")]).await,
        ["ada@example.com", "lovelace.fan@example.net"]
    );
    // Infixes do not match.
    assert!(search(&app, &[("q", "velace")]).await.is_empty());
    assert!(search(&app, &[("q", "example")]).await.is_empty());

    // Filters, alone and with a search.
    let db = &app.state().accounts.db;
    let mut alan = find(&app, "alan@example.org").await.into_active_model();
    alan.state = Set(State::Disabled);
    alan.update(db).await.unwrap();
    assert_eq!(
        search(&app, &[("state", "disabled")]).await,
        ["alan@example.org"]
    );
    assert!(
        search(&app, &[("q", "ada"), ("state", "disabled")])
            .await
            .is_empty()
    );
    assert_eq!(search(&app, &[("role", "admin")]).await, [ROOT]);
    app.get_json("/admin/users?state=asleep")
        .await
        .assert_error(Status::BadRequest, "invalid_request");
    app.get_json("/admin/users?page=zz")
        .await
        .assert_error(Status::BadRequest, "invalid_request");

    // A renamed account is found by its new name.
    let mut zed = find(&app, "Zed@Example.com").await.into_active_model();
    zed.last_name = Set("Quinn".to_owned());
    zed.update(db).await.unwrap();
    assert!(search(&app, &[("q", "adams")]).await.is_empty());
    assert_eq!(search(&app, &[("q", "quinn")]).await, ["Zed@Example.com"]);

    // The page shows what was searched, escaped.
    let page = app.get_html("/admin/users?q=%3Cb%3Eada").await;
    assert!(page.body.contains("&lt;b&gt;ada"), "{}", page.body);
    assert!(!page.body.contains("<b>ada"));
}

#[rocket::async_test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let (app, _) = admin_app(|_| {}).await;
    let mut all = vec![ROOT.to_owned()];
    for n in 0..11 {
        // Every one matches "a" twice (address and first name): listed once all the same.
        let email = format!("a{n:02}@example.com");
        insert(
            &app,
            &email,
            "Anna",
            &format!("Abel{n}"),
            Some(&format!("ann{n}")),
        )
        .await;
        all.push(email);
    }
    insert(&app, "bob@example.com", "Bob", "Brown", None).await;
    all.push("bob@example.com".to_owned());

    for (pairs, expected) in [
        (vec![], all.clone()),
        (
            vec![("q", "a")],
            all.iter().filter(|e| e.starts_with('a')).cloned().collect(),
        ),
    ] {
        let mut seen = Vec::new();
        let mut page: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut pairs = pairs.clone();
            pairs.push(("limit", "4"));
            if let Some(page) = &page {
                pairs.push(("page", page));
            }
            let (emails, next) = emails(
                &app.get_json(&format!("/admin/users?{}", query(&pairs)))
                    .await,
            );
            assert!(emails.len() <= 4);
            seen.extend(emails);
            pages += 1;
            match next {
                Some(next) => page = Some(next),
                None => break,
            }
        }
        assert!(pages >= 3, "{pages}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), seen.len(), "no repeats: {seen:?}");
        let mut expected = expected;
        expected.sort();
        assert_eq!(sorted, expected);
    }

    // The page links to the next one.
    let page = app.get_html("/admin/users?q=a&limit=4").await;
    assert!(page.body.contains("rel=\"next\""), "{}", page.body);
}

#[rocket::async_test]
async fn the_overview_shows_waiting_accounts_counts_and_mail_health() {
    let (app, _) = admin_app(|s| s.approval.mode = ApprovalMode::All).await;
    let mut body = signup_body("ada@example.com");
    body["firstname"] = Value::from("<script>x</script>");
    app.confirmed_account_from(&body).await;
    app.deliver().await;
    // One letter failing, one given up.
    let db = &app.state().accounts.db;
    let letters = outbox::Entity::find().all(db).await.unwrap();
    let mut failing = letters[0].clone().into_active_model();
    failing.sent_at = Set(None);
    failing.attempts = Set(2);
    failing.last_error = Set(Some("relay said 451 try later".to_owned()));
    failing.update(db).await.unwrap();
    let mut given_up = letters[1].clone().into_active_model();
    given_up.sent_at = Set(None);
    given_up.attempts = Set(9);
    given_up.gave_up_at = Set(Some(app.clock.now()));
    given_up.last_error = Set(Some("550 no such mailbox".to_owned()));
    given_up.update(db).await.unwrap();

    let reply = app.get_json("/admin").await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let overview = reply.json();
    assert_eq!(overview["pending"][0]["email"], "ada@example.com");
    assert_eq!(overview["counts"]["pending_approval"], 1);
    assert_eq!(overview["counts"]["active"], 1);
    assert_eq!(overview["outbox"]["depth"], 1);
    assert_eq!(overview["outbox"]["failing"], 1);
    assert_eq!(overview["outbox"]["given_up"], 1);
    assert!(overview["outbox"]["oldest_queued_at"].is_string());
    let errors: Vec<&str> = overview["outbox"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["error"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["550 no such mailbox", "relay said 451 try later"]);
    assert_eq!(overview["recent"][0]["email"], "ada@example.com");

    let page = app.get_html("/admin").await;
    assert!(page.body.contains("550 no such mailbox"));
    assert!(
        page.body.contains("&lt;script&gt;x&lt;&#x2F;script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>x"));
}

#[rocket::async_test]
async fn the_audit_log_pages_newest_first_and_filters() {
    let (app, root) = admin_app(|_| {}).await;
    for _ in 0..3 {
        app.sign_in(ROOT, PASSWORD).await;
    }
    let all = app.get_json("/admin/audit").await.json();
    let events = all["events"].as_array().unwrap();
    let ids: Vec<i64> = events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first);
    assert_eq!(events[0]["event"], "sign_in");

    let sign_ins = app.get_json("/admin/audit?event=sign_in").await.json();
    let sign_ins = sign_ins["events"].as_array().unwrap();
    assert_eq!(sign_ins.len(), 4);
    assert!(sign_ins.iter().all(|e| e["account_id"] == root));
    let of_root = app
        .get_json(&format!("/admin/audit?account={root}"))
        .await
        .json();
    assert!(
        of_root["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "role_changed")
    );

    // Page by page: 50 per page, the next from `next`.
    let db = &app.state().accounts.db;
    for _ in 0..50 {
        let actor = Actor::cli();
        let now = app.clock.now();
        audit::record(db, Event::AccountEnabled, Some(root), &actor, "", now)
            .await
            .unwrap();
    }
    let first = app.get_json("/admin/audit").await.json();
    assert_eq!(first["events"].as_array().unwrap().len(), 50);
    let next = first["next"].as_i64().unwrap();
    let second = app
        .get_json(&format!("/admin/audit?page={next}"))
        .await
        .json();
    let older = second["events"].as_array().unwrap();
    assert!(!older.is_empty());
    assert!(older.iter().all(|e| e["id"].as_i64().unwrap() < next));
    let page = app.get_html(&format!("/admin/audit?page={next}")).await;
    assert!(page.body.contains("Newest"), "{}", page.body);
    app.get_json("/admin/audit?account=x")
        .await
        .assert_error(Status::BadRequest, "invalid_request");
}

#[rocket::async_test]
async fn an_app_password_never_opens_the_admin_area() {
    let (app, _) = admin_app(|s| s.app_passwords = true).await;
    let body = json!({ "name": "script", "current_password": PASSWORD });
    let created = app.post_json("/auth/me/app-passwords", &body).await;
    assert_eq!(created.status, Status::Created, "{}", created.body);
    let created = created.json();
    let secret = created["app_password"].as_str().unwrap().to_owned();
    app.client.post("/auth/logout").dispatch().await;
    let request = app
        .client
        .get("/admin")
        .header(Header::new("Authorization", format!("Bearer {secret}")));
    app.send(request)
        .await
        .assert_error(Status::Forbidden, "forbidden");
}

/// Accounts made the usual ways, by a confirmed sign-up and by an invitation, are found by
/// their names too (their search keys are written with the account, not only by later saves).
#[rocket::async_test]
async fn accounts_from_sign_up_and_invitation_are_found_by_name() {
    let (app, _) = admin_app(|_| {}).await;
    app.confirmed_account("ada@example.com", PASSWORD).await;
    let seen = app.mails().len();
    let invite = json!({"email": "grace@example.com", "firstname": "Grace", "lastname": "Hopper"});
    let sent = app.post_json("/auth/invitations", &invite).await;
    assert_eq!(sent.status, Status::Created, "{}", sent.body);
    app.deliver().await;
    let mail = app.mails_since(seen).remove(0);
    let start = mail.decoded.find("invitation=").expect("a link") + "invitation=".len();
    let token: String = mail.decoded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let completion = json!({"invitation": token, "firstname": "Grace", "lastname": "Hopper",
        "email": "grace@example.com", "password": PASSWORD});
    let done = app.post_json("/auth/signup", &completion).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);

    assert_eq!(search(&app, &[("q", "lovel")]).await, ["ada@example.com"]);
    assert_eq!(search(&app, &[("q", "oper")]).await, [ROOT]);
    assert_eq!(search(&app, &[("q", "hopp")]).await, ["grace@example.com"]);
    assert_eq!(search(&app, &[("q", "Grace")]).await, ["grace@example.com"]);
}
