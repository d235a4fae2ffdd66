//! App passwords: long-lived credentials a person gives one program each, to read the account
//! (Bearer or HTTP Basic) without handing over the real password or a browser session.
//!
//! They are 32 random bytes, so a SHA-256 digest lookup is enough to check one (there is
//! nothing to guess, and argon2 on every API call would cost more than it protects). They can
//! never change credentials: that needs a session (see `credential`).

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;

use super::Context;
use super::policy::check_name;
use super::self_service::prove_password;
use crate::entities::{account, app_password};
use crate::error::{Error, FieldErrors};
use crate::limits::ClientAddress;
use crate::random::{digest, is_url_token, url_token};

/// What every app password starts with, so secret scanners can tell a leaked one.
pub const PREFIX: &str = "dsap_";

/// How stale `last_used_at` may get before a use writes it again.
pub const LAST_USE_PRECISION: TimeDelta = TimeDelta::minutes(1);

/// The name the app password that a sign-up asked for is given.
pub const SIGN_UP_NAME: &str = "sign-up";

/// `POST /auth/me/app-passwords`, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAppPasswordForm {
    /// What the app password is for, so its owner recognises it in the list (1–100 characters).
    #[schema(required = true, example = "phone")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub name: String,
    /// The account's password: whoever holds only a session must not mint lasting credentials.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub current_password: String,
}

/// A new app password; `secret` exists in clear only in this value and the one reply.
pub struct NewAppPassword {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

/// Whether `secret` has the shape of an app password (checked before any lookup).
pub fn is_app_password(secret: &str) -> bool {
    secret.strip_prefix(PREFIX).is_some_and(is_url_token)
}

/// Creates an app password for `account`, once its current password is proven.
///
/// A wrong `current_password` counts like a failed sign-in for the account's address (the
/// proof every self-service change takes), so a stolen session cannot be used to guess the
/// password either.
pub async fn create(
    ctx: &Context,
    account: &account::Model,
    form: NewAppPasswordForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<NewAppPassword, Error> {
    let mut fields = FieldErrors::new();
    let name = check_name(&form.name, true).map_err(|reason| fields.insert("name", reason));
    if form.current_password.is_empty() {
        fields.insert("current_password", "required");
    }
    let (Ok(name), true) = (name, fields.is_empty()) else {
        return Err(Error::InvalidRequest(fields));
    };
    prove_password(
        ctx,
        account,
        "current_password",
        &form.current_password,
        client,
        now,
    )
    .await?;
    Ok(issue(&ctx.db, account.id, &name, now).await?)
}

/// Stores a new app password for the account and returns it, in clear this once.
pub async fn issue(
    conn: &impl ConnectionTrait,
    account_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<NewAppPassword, DbErr> {
    let secret = format!("{PREFIX}{}", url_token());
    let row = app_password::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.to_owned()),
        secret_digest: Set(digest(&secret)),
        created_at: Set(now),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(NewAppPassword {
        id: row.id,
        name: row.name,
        secret,
    })
}

/// The account's app passwords, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    account_id: i64,
) -> Result<Vec<app_password::Model>, Error> {
    Ok(app_password::Entity::find()
        .filter(app_password::Column::AccountId.eq(account_id))
        .order_by_asc(app_password::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the account's app passwords; another account's id is `not_found`, so ids
/// tell nothing about other accounts.
pub async fn revoke(db: &DatabaseConnection, account_id: i64, id: i64) -> Result<(), Error> {
    let deleted = app_password::Entity::delete_many()
        .filter(app_password::Column::Id.eq(id))
        .filter(app_password::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Revokes every app password of an account (after a password reset: someone else may have
/// had the password, and used it to make some).
pub async fn revoke_all(conn: &impl ConnectionTrait, account_id: i64) -> Result<(), DbErr> {
    app_password::Entity::delete_many()
        .filter(app_password::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The app password `secret` and its account, if both exist; records the use.
pub async fn holder(
    readers: &DatabaseConnection,
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(app_password::Model, account::Model)>, Error> {
    if !is_app_password(secret) {
        return Ok(None);
    }
    // One joined query: an account that is gone, or not active, takes its app passwords'
    // access with it.
    let found = app_password::Entity::find()
        .filter(app_password::Column::SecretDigest.eq(digest(secret)))
        .find_also_related(account::Entity)
        .filter(account::Column::State.eq(account::State::Active))
        .one(readers)
        .await?;
    let Some((row, Some(account))) = found else {
        return Ok(None);
    };
    if is_due(row.last_used_at, now) {
        app_password::Entity::update_many()
            .col_expr(app_password::Column::LastUsedAt, Expr::value(now))
            .filter(app_password::Column::Id.eq(row.id))
            .filter(stale(app_password::Column::LastUsedAt, now))
            .exec(db)
            .await?;
    }
    Ok(Some((row, account)))
}

/// Whether a use at `now` should write `last_used_at` (at most once a minute per credential).
pub fn is_due(last_used_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_used_at.is_none_or(|last| now - last >= LAST_USE_PRECISION)
}

/// `column` is unset or at least a minute old: racing requests write it once.
pub fn stale(column: impl ColumnTrait, now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(column.is_null())
        .add(column.lte(now - LAST_USE_PRECISION))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_passwords_carry_their_prefix_and_32_random_bytes() {
        let secret = format!("{PREFIX}{}", url_token());
        assert!(is_app_password(&secret));
        assert!(!is_app_password(&url_token()));
        assert!(!is_app_password("dsap_short"));
        assert!(!is_app_password(&format!("{PREFIX}{}!", &url_token()[1..])));
    }

    #[test]
    fn a_use_is_written_at_most_once_a_minute() {
        let now = Utc::now();
        assert!(is_due(None, now));
        assert!(!is_due(Some(now - TimeDelta::seconds(59)), now));
        assert!(is_due(Some(now - TimeDelta::seconds(60)), now));
    }
}
