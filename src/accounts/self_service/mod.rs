//! What a signed-in person does to their own account: a new password, a new address, deleting
//! it, and taking a copy of everything stored about it.
//!
//! Each change proves the account's password first, and a wrong one counts exactly like a
//! failed sign-in (the same limits, audit row and metrics): a stolen session must not become a
//! way to guess the password, nor to lock its owner out. Each verb's change, audit row and
//! mail commit in one transaction, in one function, so whatever else reports the change (a
//! webhook) is added there once.

pub mod deletion;
pub mod email_change;
pub mod export;
pub mod password;

use chrono::{DateTime, Utc};

use super::Context;
use super::audit::{self, Actor, Event};
use crate::entities::account;
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::metrics::{self, SignIn};

/// Checks `password` (sent as `field`) against the account's own; a wrong one is 400
/// `invalid_request` with `field` `incorrect`, counted like a failed sign-in.
pub(crate) async fn prove_password(
    ctx: &Context,
    account: &account::Model,
    field: &'static str,
    password: &str,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if password.is_empty() {
        return Err(Error::invalid(field, "required"));
    }
    let key = &account.email_key;
    if let Err(error) = limits::allow_sign_in(&ctx.db, &ctx.settings.limits, client, key, now).await
    {
        if matches!(error, Error::RateLimited { .. }) {
            metrics::SIGNINS.inc(SignIn::RateLimited);
        }
        return Err(error);
    }
    let proven = if account.password_hash.is_empty() {
        // An account an operator created has no password yet: nothing proves it, and the
        // refusal takes as long as any other.
        ctx.hasher.verify_nobody(password.to_owned()).await?
    } else {
        let hash = account.password_hash.clone();
        ctx.hasher.verify(password.to_owned(), hash).await?
    };
    if proven {
        return Ok(());
    }
    limits::sign_in_failed(&ctx.db, client, key, now).await?;
    // The session's holder typed it; who they are is not known, only whose account it was.
    let nobody = Actor::web(None, client);
    audit::record(
        &ctx.db,
        Event::SignInFailed,
        Some(account.id),
        &nobody,
        key,
        now,
    )
    .await?;
    metrics::SIGNINS.inc(SignIn::InvalidCredentials);
    Err(Error::invalid(field, "incorrect"))
}
