//! Confirmation: the link proves the address, and only then does the account exist.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use url::Url;

use super::Context;
use super::approval::{needs_approval, notify_approvers};
use super::audit::{self, Actor, Event, Source};
use super::link::LinkFailed;
use super::policy::stored_url;
use super::token::{self, Lookup, Purpose, Redeemed};
use crate::entities::account::{self, State};
use crate::entities::pending_signup;
use crate::error::Error;
use crate::metrics;

/// A confirmed address, and where to send its owner next.
#[derive(Debug)]
pub struct Confirmed {
    pub email: String,
    pub first_name: String,
    pub url_success: Option<Url>,
    /// The account exists but may not sign in until an admin approves it.
    pub awaiting_approval: bool,
}

/// Confirms a sign-up by its link secret and creates the account.
///
/// Redeeming is one atomic update, so of several racing confirmations one creates the account;
/// the others, and any later click on the same link, see the same success.
pub async fn confirm_email(
    ctx: &Context,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Confirmed, LinkFailed> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled.into());
    }
    let txn = ctx.db.begin().await?;
    take_turn(&txn, secret, now).await?;
    let redeemed = token::redeem(&txn, secret, Purpose::Signup, now).await?;
    let first_use = matches!(redeemed, Redeemed::JustNow(_));
    let outcome = match redeemed {
        Redeemed::JustNow(token) => match pending(&txn, token.subject_id).await? {
            Some(pending) => create_account(&txn, ctx, pending, now)
                .await
                .map_err(Into::into),
            None => Err(Error::TokenInvalid.into()),
        },
        Redeemed::Earlier(token) => match pending(&txn, token.subject_id).await? {
            Some(pending) if pending.rejected_at.is_some() => Err(Error::TokenInvalid.into()),
            Some(pending) if pending.account_id.is_some() => {
                let waiting = match pending.account_id {
                    Some(id) => account::Entity::find_by_id(id)
                        .one(&txn)
                        .await?
                        .is_some_and(|account| account.state == State::PendingApproval),
                    None => false,
                };
                Ok(confirmed(pending, waiting))
            }
            _ => Err(Error::TokenInvalid.into()),
        },
        Redeemed::Expired(token) => Err(LinkFailed {
            error: Error::TokenExpired,
            url_failure: pending(&txn, token.subject_id)
                .await?
                .and_then(|pending| stored_url(pending.url_failure)),
        }),
        Redeemed::Unknown => Err(Error::TokenInvalid.into()),
    };
    // A failure of ours must not use up the link: dropping the transaction rolls back.
    if let Err(LinkFailed {
        error: Error::Internal,
        ..
    }) = outcome
    {
        return outcome;
    }
    txn.commit().await?;
    if first_use && outcome.is_ok() {
        metrics::CONFIRMATIONS.inc();
    }
    outcome
}

/// Confirmations of one address take turns: every pending sign-up of the address is locked, in
/// id order, before any row changes. Otherwise two sibling links confirmed at once deadlock on
/// PostgreSQL (each holds its own token and waits for the other's, which it withdraws); now the
/// second waits, then finds its link withdrawn: `token_invalid`. SQLite has one writer anyway.
async fn take_turn(
    txn: &DatabaseTransaction,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (Lookup::Usable(token) | Lookup::Used(token) | Lookup::Expired(token)) =
        token::inspect(txn, secret, Purpose::Signup, now).await?
    else {
        return Ok(());
    };
    let Some(pending) = pending(txn, token.subject_id).await? else {
        return Ok(());
    };
    pending_signup::Entity::find()
        .filter(pending_signup::Column::EmailKey.eq(&pending.email_key))
        .order_by_asc(pending_signup::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    Ok(())
}

async fn pending(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<pending_signup::Model>, DbErr> {
    pending_signup::Entity::find_by_id(id).one(conn).await
}

/// Creates the account from a pending sign-up and marks the sign-up done. An account that
/// needs approval is created waiting, and the approvers are told in the same step.
async fn create_account(
    txn: &sea_orm::DatabaseTransaction,
    ctx: &Context,
    pending: pending_signup::Model,
    now: DateTime<Utc>,
) -> Result<Confirmed, Error> {
    let waiting = needs_approval(&ctx.settings, &pending.email_key);
    let new_account = account::ActiveModel {
        email: Set(pending.email.clone()),
        email_key: Set(pending.email_key.clone()),
        first_name: Set(pending.first_name.clone()),
        last_name: Set(pending.last_name.clone()),
        password_hash: Set(pending.password_hash.clone()),
        created_at: Set(now),
        role: Set(account::Role::Member),
        state: Set(if waiting {
            State::PendingApproval
        } else {
            State::Active
        }),
        ..Default::default()
    };
    // Two sign-ups for one address confirmed at once: the first makes the account, and the
    // second finds it; the address is proven either way.
    let created = account::Entity::insert(new_account)
        .on_conflict(
            OnConflict::column(account::Column::EmailKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    let account = account::Entity::find()
        .filter(account::Column::EmailKey.eq(&pending.email_key))
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("account just created".into()))?;
    if created == 1 {
        let actor = Actor {
            account: Some(account.id),
            source: Source::Web,
            client: None,
        };
        let detail = if waiting { "pending_approval" } else { "" };
        audit::record(
            txn,
            Event::SignupConfirmed,
            Some(account.id),
            &actor,
            detail,
            now,
        )
        .await?;
        if waiting {
            notify_approvers(txn, ctx, &account, now).await?;
        }
    }
    let waiting = account.state == State::PendingApproval;

    withdraw_siblings(txn, &pending).await?;
    let mut done = pending.into_active_model();
    done.account_id = Set(Some(account.id));
    done.password_hash = Set(String::new());
    Ok(confirmed(done.update(txn).await?, waiting))
}

/// The address is proven: other unconfirmed sign-ups for it (perhaps a stranger's, with a
/// password the owner never chose) and their links go.
async fn withdraw_siblings(
    txn: &sea_orm::DatabaseTransaction,
    pending: &pending_signup::Model,
) -> Result<(), DbErr> {
    let siblings: Vec<i64> = pending_signup::Entity::find()
        .select_only()
        .column(pending_signup::Column::Id)
        .filter(pending_signup::Column::EmailKey.eq(&pending.email_key))
        .filter(pending_signup::Column::AccountId.is_null())
        .filter(pending_signup::Column::Id.ne(pending.id))
        .into_tuple()
        .all(txn)
        .await?;
    token::revoke(txn, Purpose::Signup, siblings.clone()).await?;
    pending_signup::Entity::delete_many()
        .filter(pending_signup::Column::Id.is_in(siblings))
        .exec(txn)
        .await?;
    Ok(())
}

fn confirmed(pending: pending_signup::Model, awaiting_approval: bool) -> Confirmed {
    Confirmed {
        email: pending.email,
        first_name: pending.first_name,
        url_success: stored_url(pending.url_success),
        awaiting_approval,
    }
}
