//! Sending a confirmation mail again, for a sign-up that is still waiting.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde::Deserialize;

use super::Context;
use super::code;
use super::email::Address;
use super::registration;
use super::signup::SignedUp;
use super::token::{self, Purpose};
use crate::entities::{account, pending_signup};
use crate::error::Error;
use crate::limits::{self, ClientAddress};
use crate::mail::{Recipient, outbox};

/// The address whose confirmation mail should come again.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ResendForm {
    /// The address a sign-up was started with.
    #[schema(required = true)]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
}

/// Mails a fresh link (and code) for the address's newest waiting sign-up.
///
/// The reply is the same for every address, with or without a waiting sign-up or an account,
/// and the limits are spent alike, so it tells a stranger nothing. Earlier links keep working
/// (as for a repeated sign-up); the waiting sign-up lives a full `confirm.ttl` from now.
pub async fn resend_confirmation(
    ctx: &Context,
    form: ResendForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<SignedUp, Error> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let address = Address::parse(&form.email).map_err(|reason| Error::invalid("email", reason))?;
    limits::allow_client(&ctx.db, &ctx.settings.limits, client, now).await?;
    let key = address.key();
    limits::allow_mail_to(&ctx.db, &ctx.settings.limits, &key, now).await?;

    let txn = ctx.db.begin().await?;
    let has_account = account::Entity::find()
        .filter(account::Column::EmailKey.eq(key.as_str()))
        .one(&txn)
        .await?
        .is_some();
    let waiting = pending_signup::Entity::find()
        .filter(pending_signup::Column::EmailKey.eq(key.as_str()))
        .filter(pending_signup::Column::AccountId.is_null())
        .filter(pending_signup::Column::ExpiresAt.gt(now))
        .order_by_desc(pending_signup::Column::Id)
        .one(&txn)
        .await?;
    if let (false, Some(pending)) = (has_account, waiting) {
        let expires_at = now + ctx.settings.signup.confirm_ttl;
        let to = Recipient::new(&pending.email, &pending.first_name, &pending.last_name)
            .reading(pending.language.as_deref());
        let issued = token::issue(Purpose::Signup, pending.id, now, expires_at);
        issued.row.insert(&txn).await?;
        let mut pending = pending.into_active_model();
        pending.expires_at = Set(expires_at);
        let pending = pending.update(&txn).await?;
        registration::extend(&txn, pending.id, expires_at).await?;
        // The earlier code goes: only the newest mail's code works (its links all do).
        let code = code::issue(
            &txn,
            &ctx.settings.codes,
            Purpose::Signup,
            &key,
            pending.id,
            expires_at,
            now,
        )
        .await?;
        let link = ctx.links.signup_confirmation(&issued.secret);
        let letter = ctx
            .mail
            .composer
            .signup_confirmation(&to, &link, code.as_deref(), now)?;
        outbox::enqueue(&txn, &letter, now).await?;
    }
    txn.commit().await?;
    ctx.mail.wake();
    Ok(SignedUp {
        email: address.as_stored(),
        registration: None,
    })
}
