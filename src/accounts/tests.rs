//! The rules run without a web server: a context is a database, settings and a few parts.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::EntityTrait;

use super::Context;
use super::password::PasswordHasher;
use crate::assets::Templates;
use crate::captcha::Captchas;
use crate::config::Settings;
use crate::entities::{account, outbox};
use crate::limits::ClientAddress;
use crate::mail::{Composer, Mailer};

async fn context(dir: &tempfile::TempDir) -> Context {
    let mut settings = Settings::defaults();
    settings.database_url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
    settings.signup.enabled = true;
    let templates = Arc::new(Templates::shipped());
    let composer = Composer::new(&settings, templates);
    let captcha = Captchas::from_settings(&settings.captcha, b"key").unwrap();
    let db = crate::database::connect(&settings.database_url)
        .await
        .unwrap();
    Context::new(
        db,
        Arc::new(settings),
        PasswordHasher::new(1, 4),
        Mailer::new(composer),
        captcha,
    )
}

#[tokio::test]
async fn a_sign_up_queues_its_link_and_the_link_creates_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(&dir).await;
    let now = Utc::now();
    let form = super::SignUpForm {
        firstname: "Ada".into(),
        lastname: "Lovelace".into(),
        email: "Ada@Example.com".into(),
        password: "correct horse battery staple".into(),
        ..Default::default()
    };
    let client = ClientAddress(Some([127, 0, 0, 1].into()));
    let signed_up = super::sign_up(&ctx, form, &client, now).await.unwrap();
    assert_eq!(signed_up.email, "Ada@example.com");
    assert!(
        account::Entity::find()
            .all(&ctx.db)
            .await
            .unwrap()
            .is_empty()
    );

    let letters = outbox::Entity::find().all(&ctx.db).await.unwrap();
    let [letter] = letters.as_slice() else {
        panic!("one letter expected: {letters:?}");
    };
    let link = letter.action_url.clone().unwrap();
    let secret = link.rsplit_once("confirm=").unwrap().1;
    assert!(link.starts_with("http://127.0.0.1:8000/auth/signup?confirm="));

    let confirmed = super::confirm_email(&ctx, secret, None, now).await.unwrap();
    assert_eq!(confirmed.email, "Ada@example.com");
    let accounts = account::Entity::find().all(&ctx.db).await.unwrap();
    assert_eq!(accounts.len(), 1);
    // The same link again shows the same success and creates nothing.
    super::confirm_email(&ctx, secret, None, now).await.unwrap();
    assert_eq!(account::Entity::find().all(&ctx.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_pictured_sign_up_shows_its_code_at_its_handle_only_and_confirms_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = context(&dir).await;
    let mut settings = (*ctx.settings).clone();
    settings.codes.enabled = false;
    ctx.settings = Arc::new(settings);
    let now = Utc::now();
    let client = ClientAddress(Some([127, 0, 0, 1].into()));
    let form = |again: &str| super::SignUpForm {
        email: "ada@example.com".into(),
        password: "correct horse battery staple".into(),
        password_again: Some(again.into()),
        ..Default::default()
    };
    let terms = super::Terms {
        nameless: true,
        pictured: Some(super::Pictured::default()),
        ..super::Terms::default()
    };
    let mismatch = super::sign_up_on(&ctx, form("another"), terms, &client, now).await;
    let Err(crate::error::Error::InvalidRequest(fields)) = mismatch else {
        panic!("a password typed twice differently must be refused");
    };
    assert_eq!(fields.get("password_again"), Some(&"mismatch"));
    assert!(
        outbox::Entity::find()
            .all(&ctx.db)
            .await
            .unwrap()
            .is_empty()
    );

    let same = form("correct horse battery staple");
    let signed_up = super::sign_up_on(&ctx, same, terms, &client, now).await;
    let handle = signed_up.unwrap().registration.unwrap();
    let letters = outbox::Entity::find().all(&ctx.db).await.unwrap();
    let [letter] = letters.as_slice() else {
        panic!("one letter expected: {letters:?}");
    };
    let code = super::pictured::code_of(&handle, ctx.settings.codes.length);
    assert!(
        letter.text_body.contains(&handle),
        "the mail carries the session"
    );
    assert!(
        !letter.text_body.contains(&code),
        "codes off: only the picture shows it"
    );
    assert!(!letter.text_body.contains("correct horse"));
    let shown = super::pictured::code_to_show(&ctx, &handle, now).await;
    assert_eq!(shown.unwrap(), code);

    // doorstep's own sign-up: its handle names a random code, which no picture shows.
    let own = super::SignUpForm {
        firstname: "Grace".into(),
        lastname: "Hopper".into(),
        email: "grace@example.com".into(),
        password: "correct horse battery staple".into(),
        ..Default::default()
    };
    let own = super::sign_up(&ctx, own, &client, now).await.unwrap();
    let shown = super::pictured::code_to_show(&ctx, &own.registration.unwrap(), now).await;
    assert!(matches!(shown, Err(crate::error::Error::NotFound)));

    let confirmed = super::pictured::confirm(&ctx, &handle, &code, "", now).await;
    assert_eq!(confirmed.unwrap().email, "ada@example.com");
    assert_eq!(account::Entity::find().all(&ctx.db).await.unwrap().len(), 1);
    let spent = super::pictured::code_to_show(&ctx, &handle, now).await;
    assert!(matches!(spent, Err(crate::error::Error::NotFound)));
}

/// The link of the latest queued letter.
async fn latest_link(ctx: &Context) -> String {
    let letters = outbox::Entity::find().all(&ctx.db).await.unwrap();
    letters.last().unwrap().action_url.clone().unwrap()
}

#[tokio::test]
async fn a_token_addressed_wire_signs_up_by_address_and_resets_by_public_id() {
    use super::email_first::{CompleteForm, complete_by_link};
    use super::link::{LinkFor, lookup};
    use super::password_reset::{
        NewPasswordForm, ResetRequestForm, request_reset_link, reset_password_of,
    };
    use crate::error::Error;
    use crate::links::LinkPages;

    let dir = tempfile::tempdir().unwrap();
    let mut ctx = context(&dir).await;
    let mut settings = (*ctx.settings).clone();
    settings.reset.enabled = true;
    // Two-step resets: a wire without a password in its request still gets a one-step link.
    settings.reset.two_step = true;
    ctx.settings = Arc::new(settings);
    let (now, client) = (Utc::now(), ClientAddress(None));

    // The address alone, though doorstep's own form is details-first.
    let form = super::SignUpForm {
        email: "ada@example.com".into(),
        ..Default::default()
    };
    super::signup::sign_up_by_address(&ctx, form, LinkPages::DSpace, &client, now)
        .await
        .unwrap();
    let link = latest_link(&ctx).await;
    let secret = link.rsplit_once("confirm=").unwrap().1.to_owned();
    let found = lookup(&ctx, &secret, now).await.unwrap();
    assert!(matches!(found, Some(LinkFor::Signup { ref email }) if email == "ada@example.com"));

    let complete = CompleteForm {
        token: secret.clone(),
        firstname: "Ada".into(),
        lastname: "Lovelace".into(),
        password: "correct horse battery staple".into(),
        ..Default::default()
    };
    let other = complete_by_link(&ctx, &complete, Some("eve@example.com"), now).await;
    assert_eq!(
        other.unwrap_err().error.fields().get("email"),
        Some(&"mismatch")
    );
    let made = complete_by_link(&ctx, &complete, Some("ADA@example.com"), now)
        .await
        .unwrap();
    assert_eq!(made.first_name, "Ada");
    assert!(lookup(&ctx, &secret, now).await.unwrap().is_none(), "used");
    let again = complete_by_link(&ctx, &complete, None, now).await;
    assert!(matches!(again.unwrap_err().error, Error::TokenInvalid));

    // One public id, made once.
    let id = super::public_id::of(&ctx.db, made.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        super::public_id::of(&ctx.db, made.id).await.unwrap(),
        Some(id.clone())
    );

    let form = ResetRequestForm {
        email: "ada@example.com".into(),
        ..Default::default()
    };
    request_reset_link(&ctx, form, LinkPages::Own, &client, now)
        .await
        .unwrap();
    let link = latest_link(&ctx).await;
    let secret = link.rsplit_once("confirm=").unwrap().1.to_owned();
    let Some(LinkFor::Reset { account_id, email }) = lookup(&ctx, &secret, now).await.unwrap()
    else {
        panic!("a reset link");
    };
    assert_eq!((account_id, email.as_str()), (made.id, "ada@example.com"));
    let reset = |public_id: String| {
        let form = NewPasswordForm {
            token: secret.clone(),
            password: "a much better horse battery".into(),
            ..Default::default()
        };
        let ctx = &ctx;
        async move { reset_password_of(ctx, &public_id, form, now).await }
    };
    let stranger = reset(crate::random::uuid()).await.unwrap_err();
    assert!(matches!(stranger.error, Error::TokenInvalid));
    let changed = reset(id.to_uppercase()).await.unwrap();
    assert_ne!(changed.password_hash, made.password_hash);
    assert!(matches!(
        reset(id).await.unwrap_err().error,
        Error::TokenInvalid
    ));
}
