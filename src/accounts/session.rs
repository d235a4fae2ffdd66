//! Signing in and out: sessions are rows, so a reset or a sign-out really ends them, and
//! several instances agree on who is signed in.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Deserialize;
use url::Url;

use super::Context;
use super::app_password::{is_due, stale};
use super::audit::{self, Actor, Event};
use super::email::Address;
use super::policy::permitted_redirect;
use super::username::{self, Username};
use crate::config::Usernames;
use crate::entities::account::{self, State};
use crate::entities::session;
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};
use crate::metrics::{self, SignIn};
use crate::random::digest;

/// The sign-in fields, form or JSON alike: `login` or `email` names the account.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInForm {
    /// The account's address, or its username when `doorstep.auth.username` is on; when
    /// given, it is used instead of `email`.
    #[schema(example = "ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub login: String,
    /// The account's address (or send `login`).
    #[schema(format = IdnEmail, example = "ada@example.com")]
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

impl SignInForm {
    /// What names the account: `login` when given, else `email`.
    pub fn identifier(&self) -> &str {
        match self.login.trim() {
            "" => self.email.trim(),
            login => login,
        }
    }
}

/// A new session: the secret for the cookie (or Bearer token), until when it works, whose
/// account, and where to go next.
pub struct NewSession {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
    pub account: account::Model,
    pub url_success: Option<Url>,
}

/// The longest `User-Agent` kept with a session: enough to recognise a browser.
const USER_AGENT_LIMIT: usize = 200;

/// Checks the password and opens a session.
///
/// A wrong password and an unknown address get the same `invalid_credentials`, after the same
/// work: an unknown address is verified against a dummy hash. Only someone who knows the
/// password learns that the account waits for approval or is disabled.
pub async fn sign_in(
    ctx: &Context,
    form: SignInForm,
    client: &ClientAddress,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewSession, Error> {
    let result = open_session(ctx, form, client, user_agent, now).await;
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
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NewSession, Error> {
    let usernames = &ctx.settings.usernames;
    let mut missing = FieldErrors::new();
    if form.identifier().is_empty() {
        missing.insert(
            if usernames.mode.is_on() {
                "login"
            } else {
                "email"
            },
            "required",
        );
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
    // Failures count per name typed, not per account: a shared count would let a stranger
    // tell which address goes with a (public) username.
    let typed = match Address::parse(form.identifier()) {
        Ok(address) => address.key(),
        Err(_) => form.identifier().to_lowercase(),
    };
    limits::allow_sign_in(&ctx.db, &ctx.settings.limits, client, &typed, now).await?;
    let account = find_by_login(&ctx.db, usernames, form.identifier()).await?;
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
    let txn = ctx.db.begin().await?;
    let (secret, session) =
        start(&txn, account.id, ctx.settings.session_ttl, user_agent, now).await?;
    audit::record(&txn, Event::SignIn, Some(account.id), &actor, "", now).await?;
    txn.commit().await?;
    Ok(NewSession {
        secret,
        expires_at: session.expires_at,
        account,
        url_success,
    })
}

/// Opens a session for the account; returns its secret (for the cookie or as a Bearer token),
/// which only the client sees, and its row.
pub async fn start(
    conn: &impl ConnectionTrait,
    account_id: i64,
    ttl: Duration,
    user_agent: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(String, session::Model), DbErr> {
    let secret = crate::random::url_token();
    let user_agent = user_agent
        .map(|agent| agent.chars().take(USER_AGENT_LIMIT).collect::<String>())
        .filter(|agent| !agent.trim().is_empty());
    let row = session::ActiveModel {
        token_hash: Set(digest(&secret)),
        account_id: Set(account_id),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        last_used_at: Set(Some(now)),
        user_agent: Set(user_agent),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok((secret, row))
}

/// The live session a secret (cookie or Bearer token) opens, and its account while it is
/// active (a disabled or waiting account's sessions stop working on their next request);
/// records the use.
pub async fn holder(
    readers: &DatabaseConnection,
    db: &DatabaseConnection,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, account::Model)>, Error> {
    // One joined query: an account that is gone, or not active, takes its sessions with it.
    let found = session::Entity::find()
        .filter(session::Column::TokenHash.eq(digest(secret)))
        .filter(session::Column::ExpiresAt.gt(now))
        .find_also_related(account::Entity)
        .filter(account::Column::State.eq(State::Active))
        .one(readers)
        .await?;
    let Some((session, Some(account))) = found else {
        return Ok(None);
    };
    if is_due(session.last_used_at, now) {
        session::Entity::update_many()
            .col_expr(session::Column::LastUsedAt, Expr::value(now))
            .filter(session::Column::Id.eq(session.id))
            .filter(stale(session::Column::LastUsedAt, now))
            .exec(db)
            .await?;
    }
    Ok(Some((session, account)))
}

/// The account's live sessions, newest first.
pub async fn list(
    db: &DatabaseConnection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, Error> {
    Ok(session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?)
}

/// Ends one of the account's sessions; another account's id is `not_found`.
pub async fn end(db: &DatabaseConnection, account_id: i64, id: i64) -> Result<(), Error> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
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

/// The account an identifier names: an address, or a username while usernames are on. A
/// username cannot contain `@`, so the two never collide.
pub async fn find_by_login(
    conn: &impl ConnectionTrait,
    usernames: &Usernames,
    login: &str,
) -> Result<Option<account::Model>, DbErr> {
    if login.contains('@') {
        return match Address::parse(login) {
            Ok(address) => find_account(conn, &address).await,
            Err(_) => Ok(None),
        };
    }
    if !usernames.mode.is_on() {
        return Ok(None);
    }
    // Reserved names are held by no account; compare any well-formed name.
    match Username::parse(login, &[]) {
        Ok(username) => username::holder(conn, &username).await,
        Err(_) => Ok(None),
    }
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
