//! Mailed links: one that was refused, and where its owner asked to be sent when that
//! happens; and what a link is for.

use chrono::{DateTime, Utc};
use sea_orm::DbErr;
use url::Url;

use super::Context;
use super::email_first::awaiting_by_link;
use super::password_reset::account_by_link;
use crate::error::Error;

/// A refused confirmation or reset link, with the caller's `urlfailure` when the link was known.
#[derive(Debug)]
pub struct LinkFailed {
    pub error: Error,
    pub url_failure: Option<Url>,
}

impl From<Error> for LinkFailed {
    fn from(error: Error) -> Self {
        LinkFailed {
            error,
            url_failure: None,
        }
    }
}

impl From<DbErr> for LinkFailed {
    fn from(err: DbErr) -> Self {
        Error::from(err).into()
    }
}

/// What a mailed link is for, looked at without using it.
#[derive(Debug)]
pub enum LinkFor {
    /// An email-first sign-up waiting for its details, at this address.
    Signup { email: String },
    /// A reset of the password of this account, at its address.
    Reset { account_id: i64, email: String },
}

/// Which flow a link belongs to while it works: a sign-up link waiting for its details, or a
/// reset link; `None` for one used, expired or unknown, of a sign-up that has its details, or
/// of a flow that is switched off. Nothing is used: looking is free, as opening a link is.
pub async fn lookup(
    ctx: &Context,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<LinkFor>, Error> {
    if ctx.settings.signup.enabled
        && let Some(awaiting) = awaiting_by_link(ctx, secret, now).await?
    {
        return Ok(Some(LinkFor::Signup {
            email: awaiting.email,
        }));
    }
    if !ctx.settings.reset.enabled {
        return Ok(None);
    }
    match account_by_link(ctx, secret, now).await {
        Ok(account) => Ok(Some(LinkFor::Reset {
            account_id: account.id,
            email: account.email,
        })),
        Err(failed) if matches!(failed.error, Error::TokenInvalid | Error::TokenExpired) => {
            Ok(None)
        }
        Err(failed) => Err(failed.error),
    }
}
