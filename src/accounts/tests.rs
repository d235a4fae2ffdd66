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
