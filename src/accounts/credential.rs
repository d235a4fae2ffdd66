//! Who a request speaks for: a session (cookie or Bearer token) or an app password (Bearer or
//! HTTP Basic). Every lookup joins the account, so an account that is gone (or, later,
//! disabled) loses every credential on its next request.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::app_password::{self, is_app_password};
use super::email::Address;
use super::session;
use crate::entities::account;
use crate::error::Error;

/// A credential as the request carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// The session cookie's secret.
    Cookie(&'a str),
    /// `Authorization: Bearer`: a session's secret, or an app password (by its prefix).
    Bearer(&'a str),
    /// `Authorization: Basic`: the account's address and one of its app passwords (never the
    /// account's password: Basic credentials travel with every request and are easily cached).
    Basic { user: &'a str, password: &'a str },
}

/// What proved the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// A session, by its row id: may change credentials.
    Session(i64),
    /// An app password, by its row id: may read the account, never change credentials.
    AppPassword(i64),
}

/// The account a request speaks for, and how it proved it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account: account::Model,
    pub proof: Proof,
}

/// The account behind `credential`, if it proves one. `app_passwords` is
/// `doorstep.auth.app-passwords`: switched off, existing app passwords open nothing. The
/// lookup goes to `readers` (see `database::readers`), the occasional note of a use to `db`.
pub async fn authenticate(
    readers: &DatabaseConnection,
    db: &DatabaseConnection,
    credential: Credential<'_>,
    app_passwords: bool,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>, Error> {
    let secret = match credential {
        Credential::Cookie(secret) => secret,
        Credential::Bearer(secret) if !is_app_password(secret) => secret,
        Credential::Bearer(secret) => {
            return by_app_password(readers, db, secret, None, app_passwords, now).await;
        }
        Credential::Basic { user, password } => {
            return by_app_password(readers, db, password, Some(user), app_passwords, now).await;
        }
    };
    Ok(session::holder(readers, db, secret, now)
        .await?
        .map(|(session, account)| Authenticated {
            account,
            proof: Proof::Session(session.id),
        }))
}

/// Whether Basic's user names `account`: its address, or its username (compared lower-cased).
fn names(user: &str, account: &account::Model) -> bool {
    if user.contains('@') {
        return Address::parse(user).is_ok_and(|address| address.key() == account.email_key);
    }
    account
        .username_key
        .as_deref()
        .is_some_and(|key| key == user.trim().to_lowercase())
}

async fn by_app_password(
    readers: &DatabaseConnection,
    db: &DatabaseConnection,
    secret: &str,
    user: Option<&str>,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<Option<Authenticated>, Error> {
    if !enabled {
        return Ok(None);
    }
    let Some((row, account)) = app_password::holder(readers, db, secret, now).await? else {
        return Ok(None);
    };
    // Basic names the account too: an app password of another account is no match.
    if user.is_some_and(|user| !names(user, &account)) {
        return Ok(None);
    }
    Ok(Some(Authenticated {
        account,
        proof: Proof::AppPassword(row.id),
    }))
}
