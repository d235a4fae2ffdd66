//! A new password by the address and the code mailed beside the reset link.

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, QuerySelect, TransactionTrait};

use super::{NewPasswordForm, PasswordChanged, apply_new_password, new_password_hash};
use crate::accounts::Context;
use crate::accounts::code;
use crate::accounts::policy::stored_url;
use crate::accounts::token::Purpose;
use crate::entities::{account, password_reset};
use crate::error::Error;
use crate::metrics;

/// The code path: the try is counted first (see `code::check`); a right code for an address
/// without an account (whose mail nobody got) is answered like a wrong one; a weak password
/// gives the try back.
pub(super) async fn reset_password(
    ctx: &Context,
    form: NewPasswordForm,
    now: DateTime<Utc>,
) -> Result<PasswordChanged, Error> {
    let codes = &ctx.settings.codes;
    let address = code::typed_address(codes, &form.email, &form.code)?;
    let matched = code::check(
        &ctx.db,
        codes,
        Purpose::PasswordReset,
        &address,
        &form.code,
        now,
    )
    .await?;
    let request = password_reset::Entity::find_by_id(matched.subject_id)
        .one(&ctx.db)
        .await?
        .filter(|request| request.expires_at > now);
    let account = match request.as_ref().and_then(|request| request.account_id) {
        Some(id) => account::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let (Some(request), Some(account)) = (request, account) else {
        return Err(matched.refuse(&ctx.db, codes, now).await);
    };
    let password_hash = match new_password_hash(ctx, &request, &account, form.password).await {
        Ok(hash) => hash,
        Err(error) => {
            matched.give_back(&ctx.db).await?;
            return Err(error);
        }
    };

    let txn = ctx.db.begin().await?;
    // The same turn-taking as the link path: the account row first.
    account::Entity::find_by_id(account.id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    if !code::consume(&txn, matched.id).await? {
        return Err(Error::CodeInvalid { attempts_left: 0 }); // a racing request used it first
    }
    apply_new_password(&txn, ctx, &account, password_hash, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    metrics::RESETS.inc();
    Ok(PasswordChanged {
        email: account.email,
        url_success: stored_url(request.url_success),
    })
}
