//! Forgotten passwords: a mailed one-time link leads to a new password.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::Deserialize;
use url::Url;

use super::confirm::ConfirmFailed;
use super::email::Address;
use super::password::check_password;
use super::policy::{permitted_redirect, stored_url};
use super::session::{end_all_sessions, find_account};
use super::token::{self, Purpose, Redeemed};
use crate::Doorstep;
use crate::captcha::CaptchaFields;
use crate::entities::{account, password_reset};
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::mail::{Recipient, outbox};

/// The reset request, form or JSON alike (`password` only in the two-step variant).
#[derive(Debug, Default, Deserialize)]
pub struct ResetRequestForm {
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlsuccess: String,
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlfailure: String,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
}

/// The new-password form: the link's token, and the password (unless two-step).
#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

/// A changed password, and where to send its owner next.
#[derive(Debug)]
pub struct PasswordChanged {
    pub email: String,
    pub url_success: Option<Url>,
}

/// Asks for a reset link.
///
/// The reply, and the work done before it, are the same whether or not the address has an
/// account: the request is recorded either way, mail is only queued (never sent inline), and
/// in the two-step variant the password is hashed either way. Only a real account's owner
/// gets a mail.
pub async fn request_reset(
    app: &Doorstep,
    form: ResetRequestForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let settings = &app.settings;
    if !settings.reset.enabled {
        return Err(Error::PasswordResetDisabled);
    }
    let address = Address::parse(&form.email).map_err(|reason| Error::invalid("email", reason))?;
    let rules = &settings.permitted_redirects;
    let url_success = permitted_redirect(rules, "urlsuccess", &form.urlsuccess)?;
    let url_failure = permitted_redirect(rules, "urlfailure", &form.urlfailure)?;
    let staged = if settings.reset.two_step {
        if form.password.trim().is_empty() {
            return Err(Error::invalid("password", "required"));
        }
        // Only what the request itself says: names would tell whether the account exists.
        check_password(&settings.password, &form.password, &[address.local()])?;
        Some(form.password.clone())
    } else {
        None
    };
    limits::allow_client(&app.db, &settings.limits, client, now).await?;
    app.captcha
        .check(&app.db, &form.captcha, client.0, now)
        .await?;
    let staged = match staged {
        Some(password) => Some(app.hasher.hash(password).await?),
        None => None,
    };
    // Counted per address typed, known or not, so a refusal says nothing about accounts.
    limits::allow_mail_to(&app.db, &settings.limits, &address.key(), now).await?;

    let txn = app.db.begin().await?;
    let account = find_account(&txn, &address).await?;
    let expires_at = now + settings.reset.ttl;
    let request = password_reset::ActiveModel {
        email_key: Set(address.key()),
        account_id: Set(account.as_ref().map(|account| account.id)),
        password_hash: Set(staged),
        url_success: Set(url_success.as_ref().map(Url::to_string)),
        url_failure: Set(url_failure.as_ref().map(Url::to_string)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // The same work either way, but for the one insert that queues the mail: the reply's
    // timing must not tell whether the address has an account. A token for a request without
    // an account never resets anything.
    let issued = token::issue(Purpose::PasswordReset, request.id, now, expires_at);
    issued.row.insert(&txn).await?;
    let to = match &account {
        Some(account) => Recipient::new(&account.email, &account.first_name, &account.last_name),
        None => Recipient::new(&address.as_stored(), "", ""),
    };
    let link = app.links().password_reset(&issued.secret);
    let letter = app.mail.composer.password_reset(&to, &link, now)?;
    if account.is_some() {
        outbox::enqueue(&txn, &letter, now).await?;
    }
    txn.commit().await?;
    app.mail.wake();
    Ok(())
}

/// What the link of a reset mail leads to, checked without using it (mail scanners open
/// links, and opening one must change nothing).
pub async fn check_reset_link(
    app: &Doorstep,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), ConfirmFailed> {
    if !app.settings.reset.enabled {
        return Err(Error::PasswordResetDisabled.into());
    }
    usable_request(
        app,
        token::inspect(&app.db, secret, Purpose::PasswordReset, now).await?,
    )
    .await
    .map(drop)
}

/// Sets the new password: ends every session of the account, withdraws its other reset links
/// and tells its owner by mail.
pub async fn reset_password(
    app: &Doorstep,
    form: NewPasswordForm,
    now: DateTime<Utc>,
) -> Result<PasswordChanged, ConfirmFailed> {
    let settings = &app.settings;
    if !settings.reset.enabled {
        return Err(Error::PasswordResetDisabled.into());
    }
    let inspected = token::inspect(&app.db, &form.token, Purpose::PasswordReset, now).await?;
    let (request, account) = usable_request(app, inspected).await?;
    // A weak password must not use up the link: check and hash before redeeming.
    let password_hash = match request.password_hash.clone() {
        Some(staged) if settings.reset.two_step => staged,
        _ => {
            if form.password.trim().is_empty() {
                return Err(Error::invalid("password", "required").into());
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
            check_password(&settings.password, &form.password, &personal)?;
            app.hasher.hash(form.password).await?
        }
    };

    let txn = app.db.begin().await?;
    let Redeemed::Fresh(_) = token::redeem(&txn, &form.token, Purpose::PasswordReset, now).await?
    else {
        return Err(Error::TokenInvalid.into()); // another request used it a moment ago
    };
    let mut changed: account::ActiveModel = account.clone().into();
    changed.password_hash = Set(password_hash);
    changed.update(&txn).await?;
    end_all_sessions(&txn, account.id).await?;
    let requests: Vec<i64> = password_reset::Entity::find()
        .select_only()
        .column(password_reset::Column::Id)
        .filter(password_reset::Column::AccountId.eq(account.id))
        .into_tuple()
        .all(&txn)
        .await?;
    token::revoke(&txn, Purpose::PasswordReset, requests.clone()).await?;
    // Staged passwords of other requests must not linger.
    password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .filter(password_reset::Column::Id.is_in(requests))
        .exec(&txn)
        .await?;
    let to = Recipient::new(&account.email, &account.first_name, &account.last_name);
    let letter = app.mail.composer.password_changed(&to, now)?;
    outbox::enqueue(&txn, &letter, now).await?;
    txn.commit().await?;
    app.mail.wake();
    Ok(PasswordChanged {
        email: account.email,
        url_success: stored_url(request.url_success),
    })
}

/// The request and account behind a token that works now, or why it does not.
async fn usable_request(
    app: &Doorstep,
    inspected: Redeemed,
) -> Result<(password_reset::Model, account::Model), ConfirmFailed> {
    let token = match inspected {
        Redeemed::Fresh(token) => token,
        Redeemed::Expired(token) => {
            let request = password_reset::Entity::find_by_id(token.subject_id)
                .one(&app.db)
                .await?;
            return Err(ConfirmFailed {
                error: Error::TokenExpired,
                url_failure: stored_url(request.and_then(|request| request.url_failure)),
            });
        }
        Redeemed::AlreadyUsed(_) | Redeemed::Unknown => return Err(Error::TokenInvalid.into()),
    };
    let request = password_reset::Entity::find_by_id(token.subject_id)
        .one(&app.db)
        .await?
        .ok_or(Error::TokenInvalid)?;
    let account_id = request.account_id.ok_or(Error::TokenInvalid)?;
    let account = account::Entity::find_by_id(account_id)
        .one(&app.db)
        .await?
        .ok_or(Error::TokenInvalid)?;
    Ok((request, account))
}
