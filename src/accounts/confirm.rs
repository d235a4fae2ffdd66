//! Confirmation: the link (or the code mailed beside it) proves the address, and only then does
//! the account exist.

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
use super::code;
use super::link::LinkFailed;
use super::policy::stored_url;
use super::registration;
use super::session;
use super::token::{self, Lookup, Purpose, Redeemed};
use super::username::Username;
use crate::config::{UsernameMode, Usernames};
use crate::entities::account::{self, State};
use crate::entities::pending_signup;
use crate::error::Error;
use crate::metrics;
use crate::webhooks;

/// What proves the address: the mailed link's secret, or the address and the mailed code.
#[derive(Debug, Clone, Copy)]
pub enum Proof<'a> {
    Link(&'a str),
    Code { email: &'a str, code: &'a str },
}

/// A confirmed address, and where to send its owner next.
#[derive(Debug)]
pub struct Confirmed {
    pub email: String,
    pub first_name: String,
    pub url_success: Option<Url>,
    /// The session opened for the client that started the sign-up, when it asked for one (never
    /// while the account waits for approval).
    pub session: Option<NewSession>,
    /// The account exists but may not sign in until an admin approves it.
    pub awaiting_approval: bool,
}

/// A session opened on confirmation: the secret (cookie or Bearer token) and when it ends.
#[derive(Debug)]
pub struct NewSession {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Confirms a sign-up by its link secret and creates the account.
///
/// `username`, when given, replaces the one the sign-up asked for (after that one was taken).
pub async fn confirm_email(
    ctx: &Context,
    secret: &str,
    username: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Confirmed, LinkFailed> {
    confirm(ctx, Proof::Link(secret), username, None, now).await
}

/// Whether a confirmation link would work, without using it: the page behind a link says a
/// dead link is dead when it opens, not only once its button is pressed. Mail scanners open
/// links too, so nothing is written. A link used before passes: pressing it shows the same
/// success as the first time, or the refusal the confirmation itself gives.
pub async fn check_link(ctx: &Context, secret: &str, now: DateTime<Utc>) -> Result<(), LinkFailed> {
    match token::inspect(&ctx.db, secret, Purpose::Signup, now).await? {
        Lookup::Usable(_) | Lookup::Used(_) => Ok(()),
        Lookup::Expired(token) => Err(LinkFailed {
            error: Error::TokenExpired,
            url_failure: pending(&ctx.db, token.subject_id)
                .await?
                .and_then(|pending| stored_url(pending.url_failure)),
        }),
        Lookup::Unknown => Err(Error::TokenInvalid.into()),
    }
}

/// Confirms a sign-up by its link or its code and creates the account; with `sign_in_as` (the
/// registration handle of a client that asked to be signed in), opens a session for it.
///
/// Only the client that started this very sign-up is signed in: the handle must name it. A
/// guessed code or a forwarded link confirms the address and opens nothing. Redeeming is one
/// atomic update, so of several racing confirmations one creates the account (and signs in);
/// the others, and any later click on the same link, see the same success.
pub async fn confirm(
    ctx: &Context,
    proof: Proof<'_>,
    username: Option<&str>,
    sign_in_as: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Confirmed, LinkFailed> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled.into());
    }
    let chosen = chosen_username(&ctx.settings.usernames, username)?;
    settle(ctx, proof, chosen, None, sign_in_as, now).await
}

/// The details an email-first sign-up is completed with, checked and hashed by the caller.
#[derive(Debug)]
pub struct Details {
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
}

/// Confirms by link or code, filling in `details` first when given: the one path every
/// confirmation takes, so the account, the username claim, the sign-in and the status handle
/// behave alike whichever flow the sign-up started in.
pub(super) async fn settle(
    ctx: &Context,
    proof: Proof<'_>,
    chosen: Option<Username>,
    details: Option<&Details>,
    sign_in_as: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Confirmed, LinkFailed> {
    let finish = Finish {
        chosen,
        details,
        sign_in_as,
        shown: false,
    };
    let (first_use, confirmed) = match proof {
        Proof::Link(secret) => by_link(ctx, secret, finish, now).await?,
        Proof::Code { email, code } => by_code(ctx, email, code, finish, now).await?,
    };
    if first_use {
        metrics::CONFIRMATIONS.inc();
    }
    Ok(confirmed)
}

/// Confirms by the code a pictured registration shows (see `pictured`), filling in `details`
/// first when given: tried, counted and settled exactly as a mailed code is, but offered
/// whatever `doorstep.auth.code` says, since the picture, not the mail, carries it.
pub(super) async fn settle_shown(
    ctx: &Context,
    email: &str,
    typed: &str,
    details: Option<&Details>,
    now: DateTime<Utc>,
) -> Result<Confirmed, LinkFailed> {
    let finish = Finish {
        chosen: None,
        details,
        sign_in_as: None,
        shown: true,
    };
    let (first_use, confirmed) = by_code(ctx, email, typed, finish, now).await?;
    if first_use {
        metrics::CONFIRMATIONS.inc();
    }
    Ok(confirmed)
}

/// What the confirmation brings beside its proof.
struct Finish<'a> {
    /// A username chosen now, replacing the one the sign-up asked for.
    chosen: Option<Username>,
    /// An email-first sign-up's details.
    details: Option<&'a Details>,
    /// The registration handle of a client that asked to be signed in.
    sign_in_as: Option<&'a str>,
    /// The code was shown by a picture, not (only) mailed: taken while codes are off too.
    shown: bool,
}

/// A username sent with the confirmation: checked before anything is touched, so a malformed
/// or reserved one refuses the request and leaves the link as it was.
fn chosen_username(
    settings: &Usernames,
    username: Option<&str>,
) -> Result<Option<Username>, Error> {
    match username {
        Some(text) if settings.mode.is_on() && !text.trim().is_empty() => {
            Username::parse(text, &settings.reserved)
                .map(Some)
                .map_err(|reason| Error::invalid("username", reason))
        }
        _ => Ok(None),
    }
}

/// Only a confirmation is committed: a refusal (a username taken meanwhile, a fault of ours)
/// rolls back, so the sign-up stays pending and its link works again.
async fn by_link(
    ctx: &Context,
    secret: &str,
    finish: Finish<'_>,
    now: DateTime<Utc>,
) -> Result<(bool, Confirmed), LinkFailed> {
    let txn = ctx.db.begin().await?;
    take_turn(&txn, secret, now).await?;
    let redeemed = token::redeem(&txn, secret, Purpose::Signup, now).await?;
    let first_use = matches!(redeemed, Redeemed::JustNow(_));
    let outcome = match redeemed {
        Redeemed::JustNow(token) => match pending(&txn, token.subject_id).await? {
            Some(pending) => create_account(&txn, ctx, pending, finish, now)
                .await
                .map_err(Into::into),
            None => Err(Error::TokenInvalid.into()),
        },
        Redeemed::Earlier(token) => match pending(&txn, token.subject_id).await? {
            Some(pending) if pending.rejected_at.is_some() => Err(Error::TokenInvalid.into()),
            Some(pending) if pending.account_id.is_some() => Ok(earlier(&txn, pending).await?),
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
    // On a refusal the transaction is dropped, which rolls it back.
    let confirmed = outcome?;
    txn.commit().await?;
    Ok((first_use, confirmed))
}

/// The code path: the try is counted first (see `code::check`), then the sign-up it names is
/// confirmed exactly as its link would, and its links show the same success afterwards.
async fn by_code(
    ctx: &Context,
    email: &str,
    typed: &str,
    finish: Finish<'_>,
    now: DateTime<Utc>,
) -> Result<(bool, Confirmed), LinkFailed> {
    let codes = &ctx.settings.codes;
    let address = if finish.shown {
        code::address_typed(email, typed)?
    } else {
        code::typed_address(codes, email, typed)?
    };
    let matched = code::check(&ctx.db, codes, Purpose::Signup, &address, typed, now).await?;
    let txn = ctx.db.begin().await?;
    lock_address(&txn, &address.key()).await?;
    let outcome = match pending(&txn, matched.subject_id).await? {
        // A racing request with the same code confirmed it a moment ago: the same success.
        Some(pending) if pending.account_id.is_some() && pending.rejected_at.is_none() => {
            Some((false, earlier(&txn, pending).await?))
        }
        Some(pending) if pending.expires_at > now && code::consume(&txn, matched.id).await? => {
            token::use_all(&txn, Purpose::Signup, pending.id, now).await?;
            // A refusal here (the username taken meanwhile) drops the transaction: the code
            // and the links stay as they were.
            let confirmed = create_account(&txn, ctx, pending, finish, now).await?;
            Some((true, confirmed))
        }
        _ => None,
    };
    let Some(outcome) = outcome else {
        drop(txn);
        return Err(matched.refuse(&ctx.db, codes, now).await.into());
    };
    txn.commit().await?;
    Ok(outcome)
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
    lock_address(txn, &pending.email_key).await
}

/// Locks every pending sign-up of the address, in id order.
pub(super) async fn lock_address(txn: &DatabaseTransaction, email_key: &str) -> Result<(), DbErr> {
    pending_signup::Entity::find()
        .filter(pending_signup::Column::EmailKey.eq(email_key))
        .order_by_asc(pending_signup::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    Ok(())
}

/// A sign-up confirmed before (a second click, a racing request): the same success, saying
/// whether its account still waits for approval.
async fn earlier(
    conn: &impl ConnectionTrait,
    pending: pending_signup::Model,
) -> Result<Confirmed, DbErr> {
    let waiting = match pending.account_id {
        Some(id) => account::Entity::find_by_id(id)
            .one(conn)
            .await?
            .is_some_and(|account| account.state == State::PendingApproval),
        None => false,
    };
    Ok(confirmed(pending, None, waiting))
}

async fn pending(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<pending_signup::Model>, DbErr> {
    pending_signup::Entity::find_by_id(id).one(conn).await
}

/// Creates the account from a pending sign-up and marks the sign-up done; signs in the client
/// whose registration handle names this sign-up, when one asked. An account that needs
/// approval is created waiting, the approvers are told in the same step, and nobody is signed
/// in.
///
/// The username is claimed here, by the unique index on `username_key`: of two confirmations
/// that want one name, the second fails on the index (on PostgreSQL after waiting for the first
/// to commit) and is told `username_taken`.
async fn create_account(
    txn: &DatabaseTransaction,
    ctx: &Context,
    pending: pending_signup::Model,
    finish: Finish<'_>,
    now: DateTime<Utc>,
) -> Result<Confirmed, Error> {
    let pending = match finish.details {
        Some(details) => fill_in(txn, pending, details).await?,
        // An email-first sign-up has no password yet: it is finished with its details only.
        None if awaits_details(&pending) => return Err(Error::DetailsRequired),
        None => pending,
    };
    let usernames = &ctx.settings.usernames;
    let username = match (finish.chosen, &pending.username) {
        _ if !usernames.mode.is_on() => None,
        (Some(chosen), _) => Some(chosen),
        // Checked when it was stored; the operator may have reserved it since.
        (None, Some(asked)) => Some(
            Username::parse(asked, &usernames.reserved)
                .map_err(|reason| Error::invalid("username", reason))?,
        ),
        // Usernames became required after this sign-up: it chooses one now.
        (None, None) if usernames.mode == UsernameMode::Required => {
            return Err(Error::invalid("username", "required"));
        }
        (None, None) => None,
    };
    let waiting = needs_approval(&ctx.settings, &pending.email_key);
    let new_account = account::ActiveModel {
        email: Set(pending.email.clone()),
        email_key: Set(pending.email_key.clone()),
        first_name: Set(pending.first_name.clone()),
        last_name: Set(pending.last_name.clone()),
        // Set here, as an insert by `exec_without_returning` skips `before_save`.
        first_name_key: Set(account::name_key(&pending.first_name)),
        last_name_key: Set(account::name_key(&pending.last_name)),
        password_hash: Set(pending.password_hash.clone()),
        created_at: Set(now),
        username: Set(username.as_ref().map(|name| name.as_typed().to_owned())),
        username_key: Set(username.as_ref().map(|name| name.key().to_owned())),
        language: Set(pending.language.clone()),
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
        .await
        .map_err(|err| {
            // The address's own conflict is taken care of above: this one is the username's.
            if is_unique_violation(&err) {
                Error::UsernameTaken
            } else {
                err.into()
            }
        })?;
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
        let hooks = &ctx.settings.webhooks;
        webhooks::queue(txn, hooks, webhooks::Event::AccountCreated, &account, now).await?;
        if waiting {
            notify_approvers(txn, ctx, &account, now).await?;
        }
    }
    let waiting = account.state == State::PendingApproval;

    withdraw_siblings(txn, &pending).await?;
    code::forget(txn, Purpose::Signup, &pending.email_key).await?;
    let session = match finish.sign_in_as {
        Some(handle) if !waiting && registration::names(txn, handle, pending.id).await? => {
            let (secret, session) =
                session::start(txn, account.id, ctx.settings.session_ttl, None, now).await?;
            Some(NewSession {
                secret,
                expires_at: session.expires_at,
            })
        }
        _ => None,
    };
    let mut done = pending.into_active_model();
    done.account_id = Set(Some(account.id));
    done.password_hash = Set(String::new());
    Ok(confirmed(done.update(txn).await?, session, waiting))
}

/// Whether a pending sign-up still lacks its details (an email-first sign-up before it is
/// completed): no password was ever stored, and no account made.
pub fn awaits_details(pending: &pending_signup::Model) -> bool {
    pending.account_id.is_none() && pending.password_hash.is_empty()
}

/// Writes an email-first sign-up's details into its row, inside the confirmation's
/// transaction: a refusal later on rolls them back with everything else.
async fn fill_in(
    txn: &DatabaseTransaction,
    pending: pending_signup::Model,
    details: &Details,
) -> Result<pending_signup::Model, DbErr> {
    let mut filled = pending.into_active_model();
    filled.first_name = Set(details.first_name.clone());
    filled.last_name = Set(details.last_name.clone());
    filled.password_hash = Set(details.password_hash.clone());
    filled.update(txn).await
}

pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    crate::error::sqlx_cause(err)
        .and_then(|sqlx| sqlx.as_database_error())
        .is_some_and(|db| db.is_unique_violation())
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

fn confirmed(
    pending: pending_signup::Model,
    session: Option<NewSession>,
    awaiting_approval: bool,
) -> Confirmed {
    Confirmed {
        email: pending.email,
        first_name: pending.first_name,
        url_success: stored_url(pending.url_success),
        session,
        awaiting_approval,
    }
}
