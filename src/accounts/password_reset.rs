//! Forgotten passwords: a mailed one-time link (or the code beside it) leads to a new password.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Deserialize;
use url::Url;

mod by_code;

use super::Context;
use super::audit::{self, Actor, Event, Source};
use super::email::Address;
use super::link::LinkFailed;
use super::password::check_password;
use super::policy::{permitted_redirect, stored_url};
use super::session::{end_all_sessions, find_account};
use super::token::{self, Lookup, Purpose, Redeemed};
use super::{app_password, code};
use crate::captcha::CaptchaFields;
use crate::config::Settings;
use crate::entities::account::{self, State};
use crate::entities::password_reset;
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::links::LinkPages;
use crate::mail::{Recipient, outbox};
use crate::metrics;
use crate::webhooks;

/// The reset request, form or JSON alike (`password` only in the two-step variant).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ResetRequestForm {
    /// The account's address; the reply is the same whether or not it has one.
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// The new password, in the two-step variant only (`doorstep.auth.password-reset.two-step`).
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// Where browsers go once the link is used: must match `doorstep.auth.permitted.redirects`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlsuccess: String,
    /// Where browsers go when the link fails, with `?error=<code>` added: must match `doorstep.auth.permitted.redirects`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlfailure: String,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// The new-password form: the link's token (or the address and the mailed code), and the
/// password (unless two-step).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewPasswordForm {
    /// The reset link's `confirm` value; or leave it out and send `email` and `code`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    /// With `code`, instead of `token`: the address the reset was asked for.
    #[schema(format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// With `email`, instead of `token`: the code of the latest reset mail
    /// (`doorstep.auth.code.length` digits).
    #[schema(example = "042917")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub code: String,
    /// The new password (not in the two-step variant, where it came with the request).
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

impl NewPasswordForm {
    /// Whether the form proves the reset by address and code rather than by the link.
    pub fn uses_code(&self) -> bool {
        self.token.is_empty() && !(self.email.is_empty() && self.code.is_empty())
    }
}

/// A changed password, and where to send its owner next.
#[derive(Debug)]
pub struct PasswordChanged {
    pub email: String,
    pub url_success: Option<Url>,
}

/// A reset request that passed every check of its own fields.
pub struct ResetRequest {
    address: Address,
    url_success: Option<Url>,
    url_failure: Option<Url>,
    /// The two-step variant's new password, in clear until it is hashed.
    staged_password: Option<String>,
}

impl ResetRequest {
    /// The checks of the request's own fields, before anything is looked up or stored.
    pub fn check(settings: &Settings, form: &ResetRequestForm) -> Result<ResetRequest, Error> {
        Self::check_staged(settings, form, settings.reset.two_step)
    }

    /// The same checks, `two_step` saying whether the request carries the new password.
    fn check_staged(
        settings: &Settings,
        form: &ResetRequestForm,
        two_step: bool,
    ) -> Result<ResetRequest, Error> {
        let address =
            Address::parse(&form.email).map_err(|reason| Error::invalid("email", reason))?;
        let rules = &settings.permitted_redirects;
        let url_success = permitted_redirect(rules, "urlsuccess", &form.urlsuccess)?;
        let url_failure = permitted_redirect(rules, "urlfailure", &form.urlfailure)?;
        let staged_password = if two_step {
            if form.password.trim().is_empty() {
                return Err(Error::invalid("password", "required"));
            }
            // Only what the request itself says: names would tell whether the account exists.
            check_password(&settings.password, &form.password, &[address.local()])?;
            Some(form.password.clone())
        } else {
            None
        };
        Ok(ResetRequest {
            address,
            url_success,
            url_failure,
            staged_password,
        })
    }
}

/// Asks for a reset link.
///
/// The reply, and the work done before it, are the same whether or not the address has an
/// account: the request is recorded either way, mail is only queued (never sent inline), and
/// in the two-step variant the password is hashed either way. Only a real account's owner
/// gets a mail.
pub async fn request_reset(
    ctx: &Context,
    form: ResetRequestForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let two_step = ctx.settings.reset.two_step;
    requesting(ctx, form, two_step, LinkPages::Own, client, now).await
}

/// Asks for a reset link for a wire whose request carries no password (DSpace's, which sends
/// it with the link's token), so one-step whatever `doorstep.auth.password-reset.two-step`
/// says; the mail links to `pages`. Every rule of [`request_reset`].
pub async fn request_reset_link(
    ctx: &Context,
    form: ResetRequestForm,
    pages: LinkPages,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    requesting(ctx, form, false, pages, client, now).await
}

async fn requesting(
    ctx: &Context,
    form: ResetRequestForm,
    two_step: bool,
    pages: LinkPages,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let settings = &ctx.settings;
    if !settings.reset.enabled {
        return Err(Error::PasswordResetDisabled);
    }
    let mut request = ResetRequest::check_staged(settings, &form, two_step)?;
    limits::allow_client(&ctx.db, &settings.limits, client, now).await?;
    ctx.captcha
        .check(&ctx.db, &form.captcha, client.0, now)
        .await?;
    let staged_hash = match request.staged_password.take() {
        Some(password) => Some(ctx.hasher.hash(password).await?),
        None => None,
    };
    // Counted per address typed, known or not, so a refusal says nothing about accounts.
    limits::allow_mail_to(&ctx.db, &settings.limits, &request.address.key(), now).await?;

    let txn = ctx.db.begin().await?;
    store_request(&txn, ctx, &request, staged_hash, pages, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(())
}

/// Records the request and its link, and queues the mail when the address has an account that
/// is not disabled.
///
/// The same work either way, but for the one insert that queues the mail: the reply's timing
/// must not tell whether the address has an account. A token for a request without an account
/// never resets anything; a disabled account counts as none.
async fn store_request(
    txn: &DatabaseTransaction,
    ctx: &Context,
    request: &ResetRequest,
    staged_hash: Option<String>,
    pages: LinkPages,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let account = find_account(txn, &request.address)
        .await?
        .filter(|account| account.state != State::Disabled);
    let expires_at = now + ctx.settings.reset.ttl;
    let row = password_reset::ActiveModel {
        email_key: Set(request.address.key()),
        account_id: Set(account.as_ref().map(|account| account.id)),
        password_hash: Set(staged_hash),
        url_success: Set(request.url_success.as_ref().map(Url::to_string)),
        url_failure: Set(request.url_failure.as_ref().map(Url::to_string)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let issued = token::issue(Purpose::PasswordReset, row.id, now, expires_at);
    issued.row.insert(txn).await?;
    // For an address without an account too: the same work, and the code never resets anything.
    let codes = &ctx.settings.codes;
    let key = request.address.key();
    let code = code::issue(
        txn,
        codes,
        Purpose::PasswordReset,
        &key,
        row.id,
        expires_at,
        now,
    )
    .await?;
    let to = match &account {
        Some(account) => Recipient::account(account),
        None => Recipient::new(&request.address.as_stored(), "", ""),
    };
    let link = ctx.links.password_reset_on(pages, &issued.secret);
    let letter = ctx
        .mail
        .composer
        .password_reset(&to, &link, code.as_deref(), now)?;
    if account.is_some() {
        outbox::enqueue(txn, &letter, now).await?;
    }
    Ok(())
}

/// What the link of a reset mail leads to, checked without using it (mail scanners open
/// links, and opening one must change nothing).
pub async fn check_reset_link(
    ctx: &Context,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), LinkFailed> {
    if !ctx.settings.reset.enabled {
        return Err(Error::PasswordResetDisabled.into());
    }
    let lookup = token::inspect(&ctx.db, secret, Purpose::PasswordReset, now).await?;
    usable_request(&ctx.db, lookup).await.map(drop)
}

/// The account a reset link would reset now, looked at without using the link.
pub async fn account_by_link(
    ctx: &Context,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<account::Model, LinkFailed> {
    if !ctx.settings.reset.enabled {
        return Err(Error::PasswordResetDisabled.into());
    }
    let lookup = token::inspect(&ctx.db, secret, Purpose::PasswordReset, now).await?;
    let (_, account) = usable_request(&ctx.db, lookup).await?;
    Ok(account)
}

/// Sets the new password by the link, for the account the caller names by its public id (a
/// wire that addresses the account, DSpace's eperson): a link of another account is refused
/// as an unknown one, before anything is checked or used. Returns the account as it is now.
pub async fn reset_password_of(
    ctx: &Context,
    public_id: &str,
    form: NewPasswordForm,
    now: DateTime<Utc>,
) -> Result<account::Model, LinkFailed> {
    let account = account_by_link(ctx, &form.token, now).await?;
    let id = super::public_id::of(&ctx.db, account.id).await?;
    if !id.is_some_and(|id| super::public_id::names(&id, public_id)) {
        return Err(Error::TokenInvalid.into());
    }
    reset_password(ctx, form, now).await?;
    let account = account::Entity::find_by_id(account.id).one(&ctx.db).await?;
    Ok(account.ok_or(Error::TokenInvalid)?)
}

/// Sets the new password: ends every session of the account, revokes its app passwords,
/// withdraws its other reset links and tells its owner by mail.
pub async fn reset_password(
    ctx: &Context,
    form: NewPasswordForm,
    now: DateTime<Utc>,
) -> Result<PasswordChanged, LinkFailed> {
    if !ctx.settings.reset.enabled {
        return Err(Error::PasswordResetDisabled.into());
    }
    if form.uses_code() {
        return by_code::reset_password(ctx, form, now)
            .await
            .map_err(Into::into);
    }
    let lookup = token::inspect(&ctx.db, &form.token, Purpose::PasswordReset, now).await?;
    let (request, account) = usable_request(&ctx.db, lookup).await?;
    // A weak password must not use up the link: check and hash before redeeming.
    let password_hash = new_password_hash(ctx, &request, &account, form.password).await?;

    let txn = ctx.db.begin().await?;
    // Resets of one account take turns: its row is locked before any token is used, or two
    // sibling links used at once deadlock on PostgreSQL (each would hold its own token and wait
    // for the other's, which it withdraws). The second then finds its link withdrawn.
    account::Entity::find_by_id(account.id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let Redeemed::JustNow(_) =
        token::redeem(&txn, &form.token, Purpose::PasswordReset, now).await?
    else {
        return Err(Error::TokenInvalid.into()); // another request used it a moment ago
    };
    apply_new_password(&txn, ctx, &account, password_hash, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    metrics::RESETS.inc();
    Ok(PasswordChanged {
        email: account.email,
        url_success: stored_url(request.url_success),
    })
}

/// The hash to store: the two-step variant's staged one, or the checked new password's.
async fn new_password_hash(
    ctx: &Context,
    request: &password_reset::Model,
    account: &account::Model,
    password: String,
) -> Result<String, Error> {
    if let Some(staged) = &request.password_hash
        && ctx.settings.reset.two_step
    {
        return Ok(staged.clone());
    }
    if password.trim().is_empty() {
        return Err(Error::invalid("password", "required"));
    }
    let local = account
        .email
        .rsplit_once('@')
        .map_or("", |(local, _)| local);
    let personal = [
        local,
        account.first_name.as_str(),
        account.last_name.as_str(),
    ];
    check_password(&ctx.settings.password, &password, &personal)?;
    ctx.hasher.hash(password).await
}

/// Stores the new hash, ends every session, revokes every app password, withdraws every reset link of the account (with
/// any staged password) and queues the "password changed" notice.
async fn apply_new_password(
    txn: &DatabaseTransaction,
    ctx: &Context,
    account: &account::Model,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let mut changed: account::ActiveModel = account.clone().into();
    changed.password_hash = Set(password_hash);
    changed.update(txn).await?;
    end_all_sessions(txn, account.id).await?;
    // Whoever had the password could have made app passwords with it.
    app_password::revoke_all(txn, account.id).await?;
    withdraw_reset_links(txn, account.id).await?;
    code::forget(txn, Purpose::PasswordReset, &account.email_key).await?;
    // The owner acted, through the mailed link.
    let owner = Actor {
        account: Some(account.id),
        source: Source::Web,
        client: None,
    };
    audit::record(txn, Event::PasswordReset, Some(account.id), &owner, "", now).await?;
    let hooks = &ctx.settings.webhooks;
    webhooks::queue(txn, hooks, webhooks::Event::PasswordChanged, account, now).await?;
    let to = Recipient::account(account);
    let letter = ctx.mail.composer.password_changed(&to, now)?;
    outbox::enqueue(txn, &letter, now).await?;
    Ok(())
}

/// Every reset link of the account goes, and staged passwords of other requests must not linger.
pub(crate) async fn withdraw_reset_links(
    conn: &impl ConnectionTrait,
    account_id: i64,
) -> Result<(), Error> {
    let requests: Vec<i64> = password_reset::Entity::find()
        .select_only()
        .column(password_reset::Column::Id)
        .filter(password_reset::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(conn)
        .await?;
    token::revoke(conn, Purpose::PasswordReset, requests.clone()).await?;
    password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .filter(password_reset::Column::Id.is_in(requests))
        .exec(conn)
        .await?;
    Ok(())
}

/// The request and account behind a token that works now, or why it does not.
async fn usable_request(
    db: &DatabaseConnection,
    lookup: Lookup,
) -> Result<(password_reset::Model, account::Model), LinkFailed> {
    let token = match lookup {
        Lookup::Usable(token) => token,
        Lookup::Expired(token) => {
            let request = password_reset::Entity::find_by_id(token.subject_id)
                .one(db)
                .await?;
            return Err(LinkFailed {
                error: Error::TokenExpired,
                url_failure: stored_url(request.and_then(|request| request.url_failure)),
            });
        }
        Lookup::Used(_) | Lookup::Unknown => return Err(Error::TokenInvalid.into()),
    };
    let request = password_reset::Entity::find_by_id(token.subject_id)
        .one(db)
        .await?
        .ok_or(Error::TokenInvalid)?;
    let account_id = request.account_id.ok_or(Error::TokenInvalid)?;
    let account = account::Entity::find_by_id(account_id)
        .filter(account::Column::State.ne(State::Disabled))
        .one(db)
        .await?
        .ok_or(Error::TokenInvalid)?;
    Ok((request, account))
}

/// A one-time link on which the owner of an account an operator created chooses a password:
/// a reset request for the account, valid as long as a confirmation link. Stored inside the
/// caller's transaction; the link goes to the operator, not into the outbox.
pub async fn set_password_link(
    conn: &impl ConnectionTrait,
    ctx: &Context,
    account: &account::Model,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let expires_at = now + ctx.settings.signup.confirm_ttl;
    let row = password_reset::ActiveModel {
        email_key: Set(account.email_key.clone()),
        account_id: Set(Some(account.id)),
        password_hash: Set(None),
        url_success: Set(None),
        url_failure: Set(None),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let issued = token::issue(Purpose::PasswordReset, row.id, now, expires_at);
    issued.row.insert(conn).await?;
    Ok(ctx.links.password_reset(&issued.secret))
}
