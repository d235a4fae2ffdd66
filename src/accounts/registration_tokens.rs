//! Registration tokens: an admin makes one for N sign-ups; in invite-only mode a sign-up that
//! carries it (`registration_token`) takes one use when it is accepted.
//!
//! The clear token is shown once, when it is made; the table keeps its SHA-256 and its first 8
//! characters as a label to list and revoke it by. A use is taken by one conditional
//! `UPDATE … SET uses_left = uses_left - 1 WHERE uses_left > 0 AND expires_at > now`, inside the
//! sign-up's own transaction: N racing sign-ups take N uses and the next is refused, and a
//! sign-up refused later on (rolled back) gives its use back. A sign-up that is accepted and
//! then expires unconfirmed keeps it used, and so does one for an address that already has an
//! account (it is accepted like any other, so a token tells nothing about who is registered).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::audit::{self, Actor, Event};
use crate::entities::registration_token::{self, Column, Entity as Tokens};
use crate::error::Error;
use crate::random::{digest, is_url_token, url_token};

/// How many characters of a token its label keeps.
pub const LABEL_LENGTH: usize = 8;
/// The most uses one token may have.
pub const MAX_USES: i64 = 100_000;
/// The longest a token may live.
pub const MAX_LIFETIME: Duration = Duration::days(366);

/// A token's lifetime as typed (`90s`, `15m`, `24h`, `7d`), at most [`MAX_LIFETIME`].
pub fn lifetime(text: &str) -> Option<Duration> {
    crate::clock::span(text, MAX_LIFETIME)
}

/// A token just made: the clear value, shown this once, and its row.
#[derive(Debug)]
pub struct Made {
    pub token: String,
    pub row: registration_token::Model,
}

/// Makes a token for `uses` sign-ups, working for `lifetime`.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    uses: i64,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Made, Error> {
    if !(1..=MAX_USES).contains(&uses) {
        return Err(Error::invalid("uses", "out_of_range"));
    }
    if lifetime <= Duration::zero() || lifetime > MAX_LIFETIME {
        return Err(Error::invalid("expires", "out_of_range"));
    }
    let token = url_token();
    let label = token[..LABEL_LENGTH].to_owned();
    let txn = db.begin().await?;
    let row = registration_token::ActiveModel {
        token_hash: Set(digest(&token)),
        label: Set(label.clone()),
        uses: Set(uses),
        uses_left: Set(uses),
        created_by: Set(actor.account),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let detail = format!("{label} ({uses} uses)");
    audit::record(
        &txn,
        Event::RegistrationTokenCreated,
        None,
        actor,
        &detail,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Made { token, row })
}

/// Every token, newest first, spent and expired ones too (until the sweep forgets them).
pub async fn list(db: &DatabaseConnection) -> Result<Vec<registration_token::Model>, Error> {
    Ok(Tokens::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await?)
}

/// Revokes a token named by itself or by its label: it is deleted, so a sign-up that carries
/// it is refused as `invalid`. A label two tokens share names neither (`ambiguous`).
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    token_or_label: &str,
    now: DateTime<Utc>,
) -> Result<registration_token::Model, Error> {
    let typed = token_or_label.trim();
    let txn = db.begin().await?;
    let found = if is_url_token(typed) {
        Tokens::find()
            .filter(Column::TokenHash.eq(digest(typed)))
            .all(&txn)
            .await?
    } else if typed.len() == LABEL_LENGTH {
        Tokens::find()
            .filter(Column::Label.eq(typed))
            .all(&txn)
            .await?
    } else {
        return Err(Error::invalid("token", "invalid"));
    };
    let row = match <[_; 1]>::try_from(found) {
        Ok([row]) => row,
        Err(found) if found.is_empty() => return Err(Error::NotFound),
        Err(_) => return Err(Error::invalid("token", "ambiguous")),
    };
    Tokens::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        Event::RegistrationTokenRevoked,
        None,
        actor,
        &row.label,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Whether `token` would let a sign-up through now, looked at without taking a use: checked
/// with the sign-up's other checks, before anything is written.
pub async fn check(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let refused = |reason| Error::InvitationRequired {
        reason: Some(reason),
    };
    if token.trim().is_empty() {
        return Err(Error::InvitationRequired { reason: None });
    }
    if !is_url_token(token.trim()) {
        return Err(refused("invalid"));
    }
    let row = Tokens::find()
        .filter(Column::TokenHash.eq(digest(token.trim())))
        .one(conn)
        .await?
        .ok_or(refused("invalid"))?;
    if row.expires_at <= now {
        return Err(refused("expired"));
    }
    if row.uses_left <= 0 {
        return Err(refused("used_up"));
    }
    Ok(())
}

/// Takes one use of `token`, inside the sign-up's transaction; `used_up` (or `expired`) when
/// racing sign-ups took the last one first.
pub async fn take_use(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let taken = Tokens::update_many()
        .col_expr(Column::UsesLeft, Expr::col(Column::UsesLeft).sub(1))
        .filter(Column::TokenHash.eq(digest(token.trim())))
        .filter(Column::UsesLeft.gt(0))
        .filter(Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    if taken.rows_affected == 1 {
        Ok(())
    } else {
        // What the look-up says now (expired, used up, revoked meanwhile).
        check(conn, token, now).await?;
        Err(Error::InvitationRequired {
            reason: Some("used_up"),
        })
    }
}
