//! Signing in and out: sessions are rows, so a reset or a sign-out really ends them, and
//! several instances agree on who is signed in.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Deserialize;
use url::Url;

use super::Context;
use super::audit::{self, Actor, Event};
use super::email::Address;
use super::policy::permitted_redirect;
use crate::entities::account::{self, State};
use crate::entities::session;
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};
use crate::metrics::{self, SignIn};
use crate::random::digest;

/// The sign-in fields, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInForm {
    /// The account's address.
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// The account's password.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// Where browsers go once signed in: must match `doorstep.auth.permitted.redirects`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlsuccess: String,
}

/// A new session: the secret for the cookie, whose account, and where to go next.
pub struct NewSession {
    pub secret: String,
    pub account: account::Model,
    pub url_success: Option<Url>,
}

/// Checks the password and opens a session.
///
/// A wrong password and an unknown address get the same `invalid_credentials`, after the same
/// work: an unknown address is verified against a dummy hash. Only someone who knows the
/// password learns that the account waits for approval or is disabled.
pub async fn sign_in(
    ctx: &Context,
    form: SignInForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<NewSession, Error> {
    let result = open_session(ctx, form, client, now).await;
    metrics::SIGNINS.inc(match &result {
        Ok(_) => SignIn::Ok,
        Err(Error::InvalidCredentials) => SignIn::InvalidCredentials,
        Err(Error::ApprovalPending | Error::AccountDisabled) => SignIn::Refused,
        Err(Error::RateLimited { .. }) => SignIn::RateLimited,
        Err(Error::Busy { .. }) => SignIn::Busy,
        Err(Error::InvalidRequest(_) | Error::RedirectNotAllowed(_)) => SignIn::InvalidRequest,
        Err(_) => SignIn::Error,
    });
    result
}

async fn open_session(
    ctx: &Context,
    form: SignInForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<NewSession, Error> {
    let mut missing = FieldErrors::new();
    if form.email.trim().is_empty() {
        missing.insert("email", "required");
    }
    if form.password.is_empty() {
        missing.insert("password", "required");
    }
    if !missing.is_empty() {
        return Err(Error::InvalidRequest(missing));
    }
    let url_success = permitted_redirect(
        &ctx.settings.permitted_redirects,
        "urlsuccess",
        &form.urlsuccess,
    )?;
    let address = Address::parse(&form.email);
    let typed = match &address {
        Ok(address) => address.key(),
        Err(_) => form.email.trim().to_lowercase(),
    };
    limits::allow_sign_in(&ctx.db, &ctx.settings.limits, client, &typed, now).await?;
    let account = match &address {
        Ok(address) => find_account(&ctx.db, address).await?,
        Err(_) => None,
    };
    let verified = match &account {
        // An account an operator created has no password until its owner sets one: checked
        // against the dummy hash, so that it takes as long as any other.
        Some(account) if !account.password_hash.is_empty() => {
            ctx.hasher
                .verify(form.password, account.password_hash.clone())
                .await?
        }
        _ => {
            ctx.hasher.verify_nobody(form.password).await?;
            false
        }
    };
    let named = account.as_ref().map(|account| account.id);
    let (true, Some(account)) = (verified, account) else {
        limits::sign_in_failed(&ctx.db, client, &typed, now).await?;
        // Whoever typed a wrong password is nobody we know. The address typed is kept only
        // when it names an account: a stranger's typos are not an account's history.
        let detail = named.map(|_| typed.as_str()).unwrap_or_default();
        let nobody = Actor::web(None, client);
        audit::record(&ctx.db, Event::SignInFailed, named, &nobody, detail, now).await?;
        return Err(Error::InvalidCredentials);
    };
    // The right password: the owner acts.
    let actor = Actor::web(Some(account.id), client);
    let refused = match account.state {
        State::Active => None,
        State::PendingApproval => Some(Error::ApprovalPending),
        State::Disabled => Some(Error::AccountDisabled),
    };
    if let Some(error) = refused {
        let detail = error.code();
        audit::record(
            &ctx.db,
            Event::SignInRefused,
            Some(account.id),
            &actor,
            detail,
            now,
        )
        .await?;
        return Err(error);
    }
    let secret = crate::random::url_token();
    let txn = ctx.db.begin().await?;
    session::ActiveModel {
        token_hash: Set(digest(&secret)),
        account_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(now + ctx.settings.session_ttl),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, Event::SignIn, Some(account.id), &actor, "", now).await?;
    txn.commit().await?;
    Ok(NewSession {
        secret,
        account,
        url_success,
    })
}

/// The account a session cookie's secret belongs to, while the session lasts and the account
/// is active: a disabled account's sessions stop working on their next request.
pub async fn signed_in_account(
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<account::Model>, Error> {
    let session = session::Entity::find()
        .filter(session::Column::TokenHash.eq(digest(secret)))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    match session {
        Some(session) => Ok(account::Entity::find_by_id(session.account_id)
            .filter(account::Column::State.eq(State::Active))
            .one(db)
            .await?),
        None => Ok(None),
    }
}

/// Ends one session.
pub async fn sign_out(db: &DatabaseConnection, secret: &str) -> Result<(), Error> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(digest(secret)))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (after its password changed).
pub async fn end_all_sessions(conn: &impl ConnectionTrait, account_id: i64) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

pub(crate) async fn find_account(
    conn: &impl ConnectionTrait,
    address: &Address,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::EmailKey.eq(address.key()))
        .one(conn)
        .await
}
