//! What admins do to accounts: approve, reject, disable, enable, delete, set a role, create,
//! and find accounts (`listing`). The command line and the admin pages call these: the rules
//! live here once.
//!
//! Each change locks the account's row, checks, changes, writes its audit row and queues its
//! mail in one transaction: a refusal changes nothing. The last active admin cannot be
//! demoted, disabled or deleted, so the service never loses its last operator account.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

mod listing;

pub use listing::{AccountFilter, Cursor, Listing, MAX_PAGE, count_by_state, list, newest};

use super::Context;
use super::audit::{self, Actor, Event};
use super::email::Address;
use super::password_reset::set_password_link;
use super::self_service::email_change;
use super::session::{end_all_sessions, find_account};
use super::token::{self, Purpose};
use super::username::{self, Username};
use super::{app_password, code};
use crate::entities::account::{self, Role, State};
use crate::entities::{self, audit_log, password_reset, pending_signup, session};
use crate::error::Error;
use crate::mail::{Recipient, outbox};
use crate::webhooks::{self, Event as Hook};

/// An account with its latest events, newest first, and how many credentials it holds.
#[derive(Debug)]
pub struct AccountDetails {
    pub account: account::Model,
    pub events: Vec<audit_log::Model>,
    /// Its live sessions.
    pub sessions: u64,
    pub app_passwords: u64,
}

/// An account an operator created, and the one-time link on which its owner sets a password.
#[derive(Debug)]
pub struct Created {
    pub account: account::Model,
    pub set_password_link: String,
}

/// The account an operator names: by its address, or (without an `@`) by its username,
/// compared as sign-in compares them; `not_found` when none.
pub async fn find(db: &DatabaseConnection, who: &str) -> Result<account::Model, Error> {
    if who.contains('@') {
        return find_by_address(db, who).await;
    }
    // Reserved names are held by no account; any well-formed name is looked up.
    let name = Username::parse(who, &[]).map_err(|_| Error::invalid("account", "unnamed"))?;
    username::holder(db, &name).await?.ok_or(Error::NotFound)
}

/// The account of an address, compared as sign-in compares it; `not_found` when none.
pub async fn find_by_address(
    db: &DatabaseConnection,
    email: &str,
) -> Result<account::Model, Error> {
    let address = Address::parse(email).map_err(|reason| Error::invalid("email", reason))?;
    find_account(db, &address).await?.ok_or(Error::NotFound)
}

/// An account, its latest 20 events and the number of its live sessions and app passwords.
pub async fn show(
    db: &DatabaseConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<AccountDetails, Error> {
    let account = account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let events = audit::of_account(db, id, 20).await?;
    let sessions = session::Entity::find()
        .filter(session::Column::AccountId.eq(id))
        .filter(session::Column::ExpiresAt.gt(now))
        .count(db)
        .await?;
    let app_passwords = entities::app_password::Entity::find()
        .filter(entities::app_password::Column::AccountId.eq(id))
        .count(db)
        .await?;
    Ok(AccountDetails {
        account,
        events,
        sessions,
        app_passwords,
    })
}

/// Lets a waiting account sign in, and tells its owner.
pub async fn approve(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = locked(&txn, id).await?;
    if account.state != State::PendingApproval {
        return Err(Error::invalid("account", "not_pending"));
    }
    let approved = set_state(&txn, account, State::Active).await?;
    let letter = ctx
        .mail
        .composer
        .account_approved(&Recipient::account(&approved), now)?;
    outbox::enqueue(&txn, &letter, now).await?;
    let change = (Event::AccountApproved, Hook::AccountApproved);
    record(&txn, ctx, actor, change, &approved, "", now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(approved)
}

/// Turns a waiting account away: it is deleted, its owner told, and its sign-up's handle says
/// `rejected`. Returns the account as it was.
pub async fn reject(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = locked(&txn, id).await?;
    if account.state != State::PendingApproval {
        return Err(Error::invalid("account", "not_pending"));
    }
    let letter = ctx
        .mail
        .composer
        .account_rejected(&Recipient::account(&account), now)?;
    outbox::enqueue(&txn, &letter, now).await?;
    pending_signup::Entity::update_many()
        .col_expr(
            pending_signup::Column::RejectedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(pending_signup::Column::AccountId.eq(id))
        .exec(&txn)
        .await?;
    remove(&txn, &account).await?;
    let change = (Event::AccountRejected, Hook::AccountRejected);
    record(&txn, ctx, actor, change, &account, &account.email, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(account)
}

/// Stops an account from signing in; its sessions end at once. Disabling a disabled account
/// changes nothing.
pub async fn disable(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = locked_keeping_an_admin(&txn, id).await?;
    if account.state == State::Disabled {
        return Ok(account);
    }
    end_all_sessions(&txn, id).await?;
    let disabled = set_state(&txn, account, State::Disabled).await?;
    let change = (Event::AccountDisabled, Hook::AccountDisabled);
    record(&txn, ctx, actor, change, &disabled, "", now).await?;
    txn.commit().await?;
    Ok(disabled)
}

/// Lets a disabled account sign in again. Enabling an active account changes nothing; a
/// waiting one is approved instead (which tells its owner).
pub async fn enable(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = locked(&txn, id).await?;
    match account.state {
        State::Active => return Ok(account),
        State::PendingApproval => return Err(Error::invalid("account", "not_disabled")),
        State::Disabled => {}
    }
    let enabled = set_state(&txn, account, State::Active).await?;
    audit::record(&txn, Event::AccountEnabled, Some(id), actor, "", now).await?;
    txn.commit().await?;
    Ok(enabled)
}

/// Deletes an account with its sessions, app passwords and reset links. Returns the account as
/// it was.
pub async fn delete(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    deleting(ctx, actor, id, Farewell::None, now).await
}

/// Whether the owner of a deleted account is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Farewell {
    None,
    /// The `account_deleted` notice, to the address the account had.
    Notice,
}

/// The one way an account is deleted, by an operator or by its owner: the last active admin
/// stays, and the audit row (and the notice) commit with the deletion.
pub(crate) async fn deleting(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    farewell: Farewell,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = locked_keeping_an_admin(&txn, id).await?;
    if farewell == Farewell::Notice {
        let to = Recipient::account(&account);
        let letter = ctx.mail.composer.account_deleted(&to, now)?;
        outbox::enqueue(&txn, &letter, now).await?;
    }
    remove(&txn, &account).await?;
    // The account as it was: read (and locked) before it went.
    let change = (Event::AccountDeleted, Hook::AccountDeleted);
    record(&txn, ctx, actor, change, &account, &account.email, now).await?;
    txn.commit().await?;
    if farewell == Farewell::Notice {
        ctx.mail.wake();
    }
    Ok(account)
}

/// Gives an account another role; it applies from the account's next request.
pub async fn set_role(
    ctx: &Context,
    actor: &Actor,
    id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let txn = ctx.db.begin().await?;
    let account = if role == Role::Admin {
        // Promoting takes no admin away.
        locked(&txn, id).await?
    } else {
        locked_keeping_an_admin(&txn, id).await?
    };
    if account.role == role {
        return Ok(account);
    }
    change_role(txn, actor, account, role, now).await
}

async fn change_role(
    txn: DatabaseTransaction,
    actor: &Actor,
    account: account::Model,
    role: Role,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let id = account.id;
    let detail = format!("{} -> {}", role_name(account.role), role_name(role));
    let mut changed = account.into_active_model();
    changed.role = Set(role);
    let changed = changed.update(&txn).await?;
    audit::record(&txn, Event::RoleChanged, Some(id), actor, &detail, now).await?;
    txn.commit().await?;
    Ok(changed)
}

/// Creates an active account for `email` without a password, and a one-time link on which its
/// owner chooses one (the reset link, valid as long as a confirmation link). The link is given
/// to the operator, not mailed. Needs password reset on, since the link is a reset link.
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    email: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Created, Error> {
    let address = Address::parse(email).map_err(|reason| Error::invalid("email", reason))?;
    if !ctx.settings.reset.enabled {
        return Err(Error::PasswordResetDisabled);
    }
    let txn = ctx.db.begin().await?;
    if find_account(&txn, &address).await?.is_some() {
        return Err(Error::invalid("email", "taken"));
    }
    let account = account::ActiveModel {
        email: Set(address.as_stored()),
        email_key: Set(address.key()),
        first_name: Set(String::new()),
        last_name: Set(String::new()),
        // Matches no password: sign-in checks it against the dummy hash.
        password_hash: Set(String::new()),
        created_at: Set(now),
        role: Set(role),
        state: Set(State::Active),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let link = set_password_link(&txn, ctx, &account, now).await?;
    let change = (Event::AccountCreated, Hook::AccountCreated);
    record(&txn, ctx, actor, change, &account, role_name(role), now).await?;
    txn.commit().await?;
    Ok(Created {
        account,
        set_password_link: link,
    })
}

/// A role's name as stored and shown.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Member => "member",
        Role::Inviter => "inviter",
        Role::Admin => "admin",
    }
}

/// A state's name as stored and shown.
pub fn state_name(state: State) -> &'static str {
    match state {
        State::Active => "active",
        State::PendingApproval => "pending_approval",
        State::Disabled => "disabled",
    }
}

/// A role by its name.
pub fn parse_role(name: &str) -> Option<Role> {
    [Role::Member, Role::Inviter, Role::Admin]
        .into_iter()
        .find(|role| role_name(*role) == name)
}

/// A state by its name.
pub fn parse_state(name: &str) -> Option<State> {
    [State::Active, State::PendingApproval, State::Disabled]
        .into_iter()
        .find(|state| state_name(*state) == name)
}

/// The account's row, locked until the transaction ends: two admins acting on one account
/// take turns.
/// A change's audit row and the event other systems hear of it, both in the change's
/// transaction; `account` is the account as the change left it (as it was, once it is gone).
async fn record(
    txn: &DatabaseTransaction,
    ctx: &Context,
    actor: &Actor,
    (event, hook): (Event, Hook),
    account: &account::Model,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    audit::record(txn, event, Some(account.id), actor, detail, now).await?;
    webhooks::queue(txn, &ctx.settings.webhooks, hook, account, now).await?;
    Ok(())
}

async fn locked(txn: &DatabaseTransaction, id: i64) -> Result<account::Model, Error> {
    account::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(Error::NotFound)
}

/// The account's row, locked, for a change that may take an admin away (demote, disable,
/// delete): refused when it is the last active admin.
///
/// The active admins' rows are locked first, in id order, and the account's own row after
/// them (it is among them when it is an admin): two admins demoting each other at once then
/// queue on the same first row instead of deadlocking, and the second finds itself the last.
async fn locked_keeping_an_admin(
    txn: &DatabaseTransaction,
    id: i64,
) -> Result<account::Model, Error> {
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin))
        .filter(account::Column::State.eq(State::Active))
        .order_by_asc(account::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    let account = locked(txn, id).await?;
    let is_admin = account.role == Role::Admin && account.state == State::Active;
    if is_admin && admins.iter().all(|admin| admin.id == account.id) {
        return Err(Error::invalid("account", "last_admin"));
    }
    Ok(account)
}

async fn set_state(
    txn: &DatabaseTransaction,
    account: account::Model,
    state: State,
) -> Result<account::Model, Error> {
    let mut changed = account.into_active_model();
    changed.state = Set(state);
    Ok(changed.update(txn).await?)
}

/// Deletes the account row and what hangs on it: sessions, app passwords, reset requests, a
/// pending address change, and their links and codes.
async fn remove(txn: &DatabaseTransaction, account: &account::Model) -> Result<(), Error> {
    end_all_sessions(txn, account.id).await?;
    app_password::revoke_all(txn, account.id).await?;
    email_change::withdraw(txn, account).await?;
    code::forget(txn, Purpose::PasswordReset, &account.email_key).await?;
    let resets: Vec<i64> = password_reset::Entity::find()
        .select_only()
        .column(password_reset::Column::Id)
        .filter(password_reset::Column::AccountId.eq(account.id))
        .into_tuple()
        .all(txn)
        .await?;
    token::revoke(txn, Purpose::PasswordReset, resets.clone()).await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::Id.is_in(resets))
        .exec(txn)
        .await?;
    account::Entity::delete_by_id(account.id).exec(txn).await?;
    Ok(())
}
