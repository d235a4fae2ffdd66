//! An account deleted by its owner, who proves the password.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::prove_password;
use crate::accounts::Context;
use crate::accounts::admin::{Farewell, deleting};
use crate::accounts::audit::Actor;
use crate::entities::account;
use crate::error::Error;
use crate::limits::ClientAddress;

/// `POST /auth/me/delete`, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DeleteAccountForm {
    /// The account's password.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
}

/// Deletes the account with its sessions, app passwords and pending links, by the rule an
/// operator's deletion follows (the last active admin stays), and tells the address it had.
/// The audit row names the account itself as the actor.
pub async fn delete_account(
    ctx: &Context,
    account: &account::Model,
    form: DeleteAccountForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    prove_password(ctx, account, "password", &form.password, client, now).await?;
    let owner = Actor::web(Some(account.id), client);
    deleting(ctx, &owner, account.id, Farewell::Notice, now).await
}
