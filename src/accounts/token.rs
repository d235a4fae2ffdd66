//! One-time tokens: 32 random bytes in the link, only their SHA-256 in the database.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::one_time_token::{self, Column, Entity as Tokens};
use crate::random::digest;

/// What a token may be used for; a token of one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms a pending sign-up; its subject is a `pending_signups` row.
    Signup,
    /// Sets a new password; its subject is a `password_resets` row.
    PasswordReset,
    /// Proves the new address of an account; its subject is an `email_changes` row.
    EmailChange,
}

impl Purpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Purpose::Signup => "signup",
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

/// A freshly made token: the secret for the link and the row to store.
pub struct Issued {
    pub secret: String,
    pub row: one_time_token::ActiveModel,
}

/// Makes a token for `subject`, valid until `expires_at`.
pub fn issue(
    purpose: Purpose,
    subject_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Issued {
    let secret = crate::random::url_token();
    let row = one_time_token::ActiveModel {
        token_hash: Set(digest(&secret)),
        purpose: Set(purpose.as_str().to_owned()),
        subject_id: Set(subject_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    };
    Issued { secret, row }
}

/// What a token is now, looked at without using it.
#[derive(Debug)]
pub enum Lookup {
    /// It would work now.
    Usable(one_time_token::Model),
    /// It was used before (a double click, or a mail scanner).
    Used(one_time_token::Model),
    Expired(one_time_token::Model),
    Unknown,
}

/// Looks a token up without using it.
pub async fn inspect(
    conn: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Lookup, DbErr> {
    if !crate::random::is_url_token(secret) {
        return Ok(Lookup::Unknown);
    }
    let token = find(conn, &digest(secret), purpose).await?;
    Ok(match token {
        None => Lookup::Unknown,
        Some(token) if token.used_at.is_some() => Lookup::Used(token),
        Some(token) if token.expires_at <= now => Lookup::Expired(token),
        Some(token) => Lookup::Usable(token),
    })
}

/// What became of an attempt to use a token.
#[derive(Debug)]
pub enum Redeemed {
    /// This call used it: act on it.
    JustNow(one_time_token::Model),
    /// It was used before (a double click, or a mail scanner).
    Earlier(one_time_token::Model),
    Expired(one_time_token::Model),
    Unknown,
}

async fn find(
    conn: &impl ConnectionTrait,
    hash: &str,
    purpose: Purpose,
) -> Result<Option<one_time_token::Model>, DbErr> {
    Tokens::find()
        .filter(Column::TokenHash.eq(hash))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .one(conn)
        .await
}

/// Uses a token in one atomic update, so that of several racing calls exactly one gets
/// `JustNow`.
pub async fn redeem(
    conn: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Redeemed, DbErr> {
    if !crate::random::is_url_token(secret) {
        return Ok(Redeemed::Unknown);
    }
    let hash = digest(secret);
    let claimed = Tokens::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::TokenHash.eq(&hash))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    let token = find(conn, &hash, purpose).await?;
    Ok(match token {
        None => Redeemed::Unknown,
        Some(token) if claimed.rows_affected == 1 => Redeemed::JustNow(token),
        Some(token) if token.used_at.is_some() => Redeemed::Earlier(token),
        Some(token) => Redeemed::Expired(token),
    })
}

/// Marks every unused token of `purpose` for this subject used: its flow finished another way
/// (a code), so a later click on its link shows the same outcome as a second click.
pub async fn use_all(
    conn: &impl ConnectionTrait,
    purpose: Purpose,
    subject_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Tokens::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::SubjectId.eq(subject_id))
        .filter(Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Withdraws every unused token of `purpose` for these subjects (a newer one replaces them).
pub async fn revoke(
    conn: &impl ConnectionTrait,
    purpose: Purpose,
    subject_ids: Vec<i64>,
) -> Result<(), DbErr> {
    if subject_ids.is_empty() {
        return Ok(());
    }
    Tokens::delete_many()
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::SubjectId.is_in(subject_ids))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_only_digests_are_stored() {
        let now = Utc::now();
        let one = issue(Purpose::Signup, 1, now, now);
        let two = issue(Purpose::Signup, 1, now, now);
        assert_eq!(one.secret.len(), 43);
        assert_ne!(one.secret, two.secret);
        let stored = one.row.token_hash.clone().unwrap();
        assert_eq!(stored.len(), 64);
        assert_eq!(stored, digest(&one.secret));
        assert!(!stored.contains(&one.secret));
    }
}
