//! A new address for an account: asked for with the password, proven by a link or code mailed
//! to the new address, and only then switched to; the old address is told.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Deserialize;

use super::password::end_other_sessions;
use super::prove_password;
use crate::accounts::audit::{self, Actor, Event, Source};
use crate::accounts::code;
use crate::accounts::confirm::is_unique_violation;
use crate::accounts::email::Address;
use crate::accounts::password_reset::withdraw_reset_links;
use crate::accounts::policy::is_email_domain_allowed;
use crate::accounts::session::find_account;
use crate::accounts::signup;
use crate::accounts::token::{self, Lookup, Purpose, Redeemed};
use crate::accounts::{Context, LinkFailed};
use crate::entities::{account, email_change};
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};
use crate::mail::{Recipient, outbox};
use crate::webhooks;

/// `POST /auth/me/email`, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EmailChangeForm {
    /// The new address; it receives a confirmation link and code.
    #[schema(required = true, format = IdnEmail, example = "ada@newmail.example")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// The account's password.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

/// `POST /auth/me/email/confirm`: the link's `token` (whoever holds the link), or the mailed
/// `code` (the signed-in account).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EmailConfirmForm {
    /// The `confirm` value of the link mailed to the new address.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    /// Instead of `token`, from a signed-in session: the code mailed beside the link.
    #[schema(example = "042917")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub code: String,
}

/// How a new address is proven.
pub enum Proof<'a> {
    /// The mailed link's token: it names the account.
    Link(&'a str),
    /// The mailed code, typed by the account's signed-in owner.
    Code(&'a account::Model, &'a str),
}

/// An account that moved: its new address and the one it left.
#[derive(Debug)]
pub struct EmailChanged {
    pub email: String,
    pub old_email: String,
}

/// Asks to move the account to `form.email`; returns the address as it will be stored.
///
/// An address that already has an account gets the same reply after the same work (the
/// change is recorded, with a link and a code that can never switch), and that account's
/// owner a notice instead of the link: the reply tells nobody whose address it is. The domain
/// rule of sign-up applies to the new address; with `approval = outside-whitelist`, a domain
/// outside the whitelist is refused (`domain_not_allowed`) rather than moved to: approval was
/// given to the account as it was, and an active account never falls back to waiting.
pub async fn request_email_change(
    ctx: &Context,
    account: &account::Model,
    form: EmailChangeForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let mut fields = FieldErrors::new();
    let address = Address::parse(&form.email).map_err(|reason| fields.insert("email", reason));
    if form.password.is_empty() {
        fields.insert("password", "required");
    }
    let (Ok(address), true) = (address, fields.is_empty()) else {
        return Err(Error::InvalidRequest(fields));
    };
    if address.key() == account.email_key {
        return Err(Error::invalid("email", "unchanged"));
    }
    admit_domain(ctx, &address)?;
    prove_password(ctx, account, "password", &form.password, client, now).await?;
    limits::allow_mail_to(&ctx.db, &ctx.settings.limits, &address.key(), now).await?;

    let txn = ctx.db.begin().await?;
    let locked = lock_account(&txn, account.id).await?;
    withdraw(&txn, &locked).await?;
    let expires_at = now + ctx.settings.signup.confirm_ttl;
    let change = email_change::ActiveModel {
        account_id: Set(locked.id),
        email: Set(address.as_stored()),
        email_key: Set(address.key()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let issued = token::issue(Purpose::EmailChange, change.id, now, expires_at);
    issued.row.insert(&txn).await?;
    // Keyed by the account's own address: only its signed-in owner types this code.
    let codes = &ctx.settings.codes;
    let key = &locked.email_key;
    let purpose = Purpose::EmailChange;
    let code = code::issue(&txn, codes, purpose, key, change.id, expires_at, now).await?;
    let letter = match find_account(&txn, &address).await? {
        Some(holder) => {
            let to = Recipient::account(&holder);
            ctx.mail.composer.address_in_use(&to, now)?
        }
        None => {
            let to = Recipient::new(&change.email, &locked.first_name, &locked.last_name)
                .reading(locked.language.as_deref());
            let link = ctx.links.email_change(&issued.secret);
            let composer = &ctx.mail.composer;
            composer.email_change(&to, &link, code.as_deref(), now)?
        }
    };
    outbox::enqueue(&txn, &letter, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(change.email)
}

/// The new address a link would move its account to, checked without using it (mail scanners
/// open links, and opening one must change nothing).
pub async fn check_link(ctx: &Context, secret: &str, now: DateTime<Utc>) -> Result<String, Error> {
    let lookup = token::inspect(&ctx.db, secret, Purpose::EmailChange, now).await?;
    Ok(pending_of(&ctx.db, lookup).await?.email)
}

/// Moves the account to its proven new address: other sessions end (`keep`, the session that
/// confirmed, stays when it is the account's), reset links are withdrawn, the old address is
/// told.
pub async fn confirm_email_change(
    ctx: &Context,
    proof: Proof<'_>,
    keep: Option<i64>,
    now: DateTime<Utc>,
) -> Result<EmailChanged, LinkFailed> {
    match proof {
        Proof::Link(secret) => {
            let lookup = token::inspect(&ctx.db, secret, Purpose::EmailChange, now).await?;
            let change = pending_of(&ctx.db, lookup).await?;
            let txn = ctx.db.begin().await?;
            // The account's row first, then the token: the lock order of every flow.
            let account = lock_account(&txn, change.account_id).await?;
            let Redeemed::JustNow(_) =
                token::redeem(&txn, secret, Purpose::EmailChange, now).await?
            else {
                return Err(Error::TokenInvalid.into()); // used a moment ago
            };
            Ok(switch(ctx, txn, account, change, keep, now).await?)
        }
        Proof::Code(account, typed) => {
            if typed.trim().is_empty() {
                return Err(Error::invalid("code", "required").into());
            }
            let codes = &ctx.settings.codes;
            if !codes.enabled {
                return Err(Error::invalid("code", "not_offered").into());
            }
            let own = Address::parse(&account.email).map_err(|_| Error::TokenInvalid)?;
            let purpose = Purpose::EmailChange;
            let matched = code::check(&ctx.db, codes, purpose, &own, typed, now).await?;
            let change = email_change::Entity::find_by_id(matched.subject_id)
                .filter(email_change::Column::AccountId.eq(account.id))
                .filter(email_change::Column::ExpiresAt.gt(now))
                .one(&ctx.db)
                .await?;
            let Some(change) = change else {
                return Err(matched.refuse(&ctx.db, codes, now).await.into());
            };
            let txn = ctx.db.begin().await?;
            let account = lock_account(&txn, account.id).await?;
            if !code::consume(&txn, matched.id).await? {
                return Err(Error::CodeInvalid { attempts_left: 0 }.into());
            }
            token::use_all(&txn, purpose, change.id, now).await?;
            Ok(switch(ctx, txn, account, change, keep, now).await?)
        }
    }
}

/// The switch itself, inside the transaction that used the proof: a refusal here (the address
/// was taken meanwhile, its domain closed) rolls the proof back with everything else.
async fn switch(
    ctx: &Context,
    txn: DatabaseTransaction,
    account: account::Model,
    change: email_change::Model,
    keep: Option<i64>,
    now: DateTime<Utc>,
) -> Result<EmailChanged, Error> {
    let address = Address::parse(&change.email).map_err(|_| Error::TokenInvalid)?;
    admit_domain(ctx, &address)?;
    if find_account(&txn, &address).await?.is_some() {
        return Err(Error::invalid("email", "taken"));
    }
    let old_email = account.email.clone();
    let mut moved: account::ActiveModel = account.clone().into();
    moved.email = Set(change.email.clone());
    moved.email_key = Set(change.email_key.clone());
    let moved = moved.update(&txn).await.map_err(|err| {
        // Another account took the address between the look and the write.
        if is_unique_violation(&err) {
            Error::invalid("email", "taken")
        } else {
            err.into()
        }
    })?;
    withdraw(&txn, &account).await?;
    end_other_sessions(&txn, account.id, keep).await?;
    // A reset link went to the old address, which no longer speaks for the account.
    withdraw_reset_links(&txn, account.id).await?;
    signup::withdraw_unconfirmed(&txn, &change.email_key).await?;
    let owner = Actor {
        account: Some(account.id),
        source: Source::Web,
        client: None,
    };
    let event = Event::EmailChanged;
    audit::record(&txn, event, Some(account.id), &owner, &old_email, now).await?;
    let hook = webhooks::Event::EmailChanged;
    webhooks::queue(&txn, &ctx.settings.webhooks, hook, &moved, now).await?;
    let old = Recipient::account(&account);
    let letter = ctx.mail.composer.email_changed(&old, &moved.email, now)?;
    outbox::enqueue(&txn, &letter, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(EmailChanged {
        email: moved.email,
        old_email,
    })
}

/// The account's pending change, if one still works.
pub async fn pending(
    conn: &impl ConnectionTrait,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<email_change::Model>, DbErr> {
    email_change::Entity::find()
        .filter(email_change::Column::AccountId.eq(account_id))
        .filter(email_change::Column::ExpiresAt.gt(now))
        .one(conn)
        .await
}

/// Drops the account's pending change, its link and its code (a newer request replaces it;
/// a switch or a deletion ends it).
pub(crate) async fn withdraw(
    conn: &impl ConnectionTrait,
    account: &account::Model,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = email_change::Entity::find()
        .select_only()
        .column(email_change::Column::Id)
        .filter(email_change::Column::AccountId.eq(account.id))
        .into_tuple()
        .all(conn)
        .await?;
    token::revoke(conn, Purpose::EmailChange, ids.clone()).await?;
    email_change::Entity::delete_many()
        .filter(email_change::Column::Id.is_in(ids))
        .exec(conn)
        .await?;
    code::forget(conn, Purpose::EmailChange, &account.email_key).await
}

/// Forgets changes that expired: their links no longer work.
pub async fn sweep(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = email_change::Entity::delete_many()
        .filter(email_change::Column::ExpiresAt.lte(now))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}

/// The new address may be moved to by the rule sign-ups follow, without its exception for
/// approval outside the whitelist (see `request_email_change`).
fn admit_domain(ctx: &Context, address: &Address) -> Result<(), Error> {
    if is_email_domain_allowed(&ctx.settings.signup, address.domain()) {
        Ok(())
    } else {
        Err(Error::DomainNotAllowed)
    }
}

async fn lock_account(txn: &DatabaseTransaction, id: i64) -> Result<account::Model, Error> {
    account::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(Error::TokenInvalid)
}

/// The change behind a link that works now, or why it does not.
async fn pending_of(
    conn: &impl ConnectionTrait,
    lookup: Lookup,
) -> Result<email_change::Model, Error> {
    let token = match lookup {
        Lookup::Usable(token) => token,
        Lookup::Expired(_) => return Err(Error::TokenExpired),
        Lookup::Used(_) | Lookup::Unknown => return Err(Error::TokenInvalid),
    };
    email_change::Entity::find_by_id(token.subject_id)
        .one(conn)
        .await?
        .ok_or(Error::TokenInvalid)
}
