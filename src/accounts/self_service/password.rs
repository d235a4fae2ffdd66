//! A new password chosen by a signed-in person who proves the current one.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::Deserialize;

use super::prove_password;
use crate::accounts::Context;
use crate::accounts::audit::{self, Actor, Event};
use crate::accounts::password::check_password;
use crate::accounts::password_reset::withdraw_reset_links;
use crate::entities::{account, session};
use crate::error::{Error, FieldErrors};
use crate::limits::ClientAddress;
use crate::mail::{Recipient, outbox};
use crate::webhooks;

/// `POST /auth/me/password`, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordChangeForm {
    /// The account's password now.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub current_password: String,
    /// The new password: the same rules as at sign-up.
    #[schema(required = true, example = "a new and longer passphrase")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

/// Sets a new password for the account of the session `keep`.
///
/// The new password meets the sign-up rules before anything else is done; then the current
/// one is proven. Every other session ends (whoever may have had the old password is signed
/// out) while this one stays. App passwords stay: each was given to one program by the owner,
/// who revokes them one by one; a reset, by contrast, revokes them all. Outstanding reset
/// links are withdrawn, and the owner is told by mail.
pub async fn change_password(
    ctx: &Context,
    account: &account::Model,
    keep: i64,
    form: PasswordChangeForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let mut fields = FieldErrors::new();
    if form.current_password.is_empty() {
        fields.insert("current_password", "required");
    }
    if form.password.trim().is_empty() {
        fields.insert("password", "required");
    }
    if !fields.is_empty() {
        return Err(Error::InvalidRequest(fields));
    }
    check_password(&ctx.settings.password, &form.password, &personal(account))?;
    ctx.hasher.has_room()?;
    prove_password(
        ctx,
        account,
        "current_password",
        &form.current_password,
        client,
        now,
    )
    .await?;
    let password_hash = ctx.hasher.hash(form.password).await?;

    let txn = ctx.db.begin().await?;
    let locked = account::Entity::find_by_id(account.id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let mut changed: account::ActiveModel = locked.clone().into();
    changed.password_hash = Set(password_hash);
    changed.update(&txn).await?;
    end_other_sessions(&txn, account.id, Some(keep)).await?;
    withdraw_reset_links(&txn, account.id).await?;
    let owner = Actor::web(Some(account.id), client);
    audit::record(
        &txn,
        Event::PasswordChanged,
        Some(account.id),
        &owner,
        "",
        now,
    )
    .await?;
    let hook = webhooks::Event::PasswordChanged;
    webhooks::queue(&txn, &ctx.settings.webhooks, hook, &locked, now).await?;
    let letter = ctx
        .mail
        .composer
        .password_changed(&Recipient::account(&locked), now)?;
    outbox::enqueue(&txn, &letter, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(())
}

/// What a password must not contain: the address's local part, the names, the username.
fn personal(account: &account::Model) -> [&str; 4] {
    let local = account
        .email
        .rsplit_once('@')
        .map_or("", |(local, _)| local);
    [
        local,
        account.first_name.as_str(),
        account.last_name.as_str(),
        account.username.as_deref().unwrap_or_default(),
    ]
}

/// Ends every session of the account but `keep` (the one that made the change).
pub(crate) async fn end_other_sessions(
    conn: &impl sea_orm::ConnectionTrait,
    account_id: i64,
    keep: Option<i64>,
) -> Result<(), sea_orm::DbErr> {
    let mut others =
        session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        others = others.filter(session::Column::Id.ne(keep));
    }
    others.exec(conn).await?;
    Ok(())
}
