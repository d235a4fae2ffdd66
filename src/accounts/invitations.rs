//! Invitations: an inviter (or admin, or the operator at the command line) mails a link to one
//! address; completing the sign-up form from that link creates an active account at once.
//!
//! The link proved the mailbox, so there is no confirmation mail and no approval, and the
//! address is the invited one whatever the form sends. Redeeming is one conditional update of
//! the invitation's row inside the transaction that creates the account: of two racing
//! completions one makes the account, the other is refused.
//!
//! Inviting an address that already has an account does the same work and gives the same
//! reply as any other (the inviter's list shows it like any other, until it expires unused);
//! the owner gets a notice that they already have an account instead of a link. An inviter
//! thus learns no more than that the invitation was not taken up.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Deserialize;

use super::audit::{self, Actor, Event};
use super::confirm::{Confirmed, is_unique_violation, lock_address};
use super::email::Address;
use super::password::check_password;
use super::policy::check_name;
use super::signup;

use super::username::{self, Username};
use super::{Context, SignUpForm};
use crate::entities::account::{self, Role, State};
use crate::entities::invitation;
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};
use crate::mail::{Recipient, outbox};
use crate::random::{digest, is_url_token, url_token};
use crate::webhooks;

/// `POST /auth/invitations`, form or JSON: whom to invite.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct InvitationForm {
    /// The address the invitation is for; the account will have it.
    #[schema(required = true, format = IdnEmail, example = "grace@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// Offered on the invitee's form (they may change it).
    #[schema(example = "Grace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub firstname: String,
    #[schema(example = "Hopper")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub lastname: String,
}

/// How an invitation stands, as its inviter sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Pending,
    Redeemed,
    Withdrawn,
    Expired,
}

impl Standing {
    pub fn of(row: &invitation::Model, now: DateTime<Utc>) -> Standing {
        if row.redeemed_at.is_some() {
            Standing::Redeemed
        } else if row.withdrawn_at.is_some() {
            Standing::Withdrawn
        } else if row.expires_at <= now {
            Standing::Expired
        } else {
            Standing::Pending
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Standing::Pending => "pending",
            Standing::Redeemed => "redeemed",
            Standing::Withdrawn => "withdrawn",
            Standing::Expired => "expired",
        }
    }
}

/// Invites `form.email` on behalf of `inviter` (none: the operator at the command line).
///
/// The reply is the stored invitation, the same whether or not the address has an account.
pub async fn invite(
    ctx: &Context,
    inviter: Option<&account::Model>,
    actor: &Actor,
    form: &InvitationForm,
    client: Option<&ClientAddress>,
    now: DateTime<Utc>,
) -> Result<invitation::Model, Error> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let mut fields = FieldErrors::new();
    let address = Address::parse(&form.email).map_err(|e| fields.insert("email", e));
    let first_name = check_name(&form.firstname, false).map_err(|e| fields.insert("firstname", e));
    let last_name = check_name(&form.lastname, false).map_err(|e| fields.insert("lastname", e));
    let (Ok(address), Ok(first_name), Ok(last_name)) = (address, first_name, last_name) else {
        return Err(Error::InvalidRequest(fields));
    };
    if let Some(client) = client {
        limits::allow_client(&ctx.db, &ctx.settings.limits, client, now).await?;
    }
    let key = address.key();
    limits::allow_mail_to(&ctx.db, &ctx.settings.limits, &key, now).await?;
    let inviter_name = inviter.map(display_name).unwrap_or_default();
    let expires_at = now + ctx.settings.signup.invitation_ttl;
    let secret = url_token();

    let txn = ctx.db.begin().await?;
    let existing = account::Entity::find()
        .filter(account::Column::EmailKey.eq(&key))
        .one(&txn)
        .await?;
    let row = invitation::ActiveModel {
        token_hash: Set(digest(&secret)),
        email: Set(address.as_stored()),
        email_key: Set(key),
        first_name: Set(first_name.clone()),
        last_name: Set(last_name.clone()),
        inviter_id: Set(inviter.map(|account| account.id)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        redeemed_at: Set(None),
        account_id: Set(None),
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let composer = &ctx.mail.composer;
    let letter = match existing {
        // The secret goes nowhere: this invitation can never be redeemed, and expires unused.
        Some(owner) => {
            composer.invitation_known(&Recipient::account(&owner), &inviter_name, now)?
        }
        None => {
            // Nobody stored a language for this address yet: the inviter's is the best guess.
            let to = Recipient::new(&row.email, &first_name, &last_name)
                .reading(inviter.and_then(|account| account.language.as_deref()));
            let link = ctx.links.invitation(&secret);
            composer.invitation(&to, &inviter_name, &link, expires_at, now)?
        }
    };
    outbox::enqueue(&txn, &letter, now).await?;
    let detail = format!("invitation {} to {}", row.id, row.email);
    audit::record(&txn, Event::InvitationSent, None, actor, &detail, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    Ok(row)
}

/// The invitations `viewer` may see, newest first: their own, or every one for an admin.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &account::Model,
) -> Result<Vec<invitation::Model>, Error> {
    let mut query = invitation::Entity::find();
    if viewer.role != Role::Admin {
        query = query.filter(invitation::Column::InviterId.eq(viewer.id));
    }
    Ok(query
        .order_by_desc(invitation::Column::CreatedAt)
        .order_by_desc(invitation::Column::Id)
        .limit(500)
        .all(db)
        .await?)
}

/// Withdraws an invitation `viewer` may see: its link stops working. Withdrawing one twice
/// changes nothing; a redeemed one cannot be withdrawn (`invitation: redeemed`).
pub async fn withdraw(
    db: &DatabaseConnection,
    viewer: &account::Model,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<invitation::Model, Error> {
    let txn = db.begin().await?;
    let row = invitation::Entity::find_by_id(id)
        .one(&txn)
        .await?
        // Someone else's invitation is not there, as far as this inviter can tell.
        .filter(|row| viewer.role == Role::Admin || row.inviter_id == Some(viewer.id))
        .ok_or(Error::NotFound)?;
    if row.withdrawn_at.is_some() {
        return Ok(row);
    }
    // Conditional, so a redemption racing this one either wins or finds it withdrawn.
    let done = invitation::Entity::update_many()
        .col_expr(invitation::Column::WithdrawnAt, Expr::value(Some(now)))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::RedeemedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::invalid("invitation", "redeemed"));
    }
    let detail = format!("invitation {id} to {}", row.email);
    audit::record(&txn, Event::InvitationWithdrawn, None, actor, &detail, now).await?;
    txn.commit().await?;
    Ok(invitation::Model {
        withdrawn_at: Some(now),
        ..row
    })
}

/// The invitation of a link, if it works now: `token_expired` past its time, `token_invalid`
/// when unknown, withdrawn or used.
pub async fn open(
    conn: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, Error> {
    if !is_url_token(secret) {
        return Err(Error::TokenInvalid);
    }
    let row = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(digest(secret)))
        .one(conn)
        .await?
        .ok_or(Error::TokenInvalid)?;
    match Standing::of(&row, now) {
        Standing::Pending => Ok(row),
        Standing::Expired => Err(Error::TokenExpired),
        Standing::Redeemed | Standing::Withdrawn => Err(Error::TokenInvalid),
    }
}

/// Completes the sign-up form opened from an invitation link: an active account for the
/// invited address, with the names, username and password of the form. Nothing is mailed and
/// nobody approves: the link proved the mailbox, and an inviter vouched for the person.
///
/// Every check (the link, the fields, the password rules, a username held already) comes
/// before anything is written; a username taken meanwhile rolls back and leaves the link
/// working.
pub async fn redeem(
    ctx: &Context,
    secret: &str,
    form: SignUpForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<Confirmed, Error> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let invited = open(&ctx.db, secret, now).await?;
    let details = check_details(ctx, &invited, &form)?;
    ctx.hasher.has_room()?;
    if let Some(wanted) = &details.username
        && !username::is_available(&ctx.db, wanted).await?
    {
        return Err(Error::UsernameTaken);
    }
    let password_hash = ctx.hasher.hash(form.password).await?;

    let txn = ctx.db.begin().await?;
    // The address's pending sign-ups first, as a confirmation locks them, so that the two
    // never wait on each other in opposite orders.
    lock_address(&txn, &invited.email_key).await?;
    let taken = invitation::Entity::update_many()
        .col_expr(invitation::Column::RedeemedAt, Expr::value(Some(now)))
        .filter(invitation::Column::Id.eq(invited.id))
        .filter(invitation::Column::RedeemedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        // A racing completion (or a withdrawal) came first.
        return Err(Error::TokenInvalid);
    }
    let account =
        create_account(&txn, &invited, details, password_hash, form.language, now).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AccountId, Expr::value(Some(account.id)))
        .filter(invitation::Column::Id.eq(invited.id))
        .exec(&txn)
        .await?;
    signup::withdraw_unconfirmed(&txn, &invited.email_key).await?;
    let actor = Actor::web(Some(account.id), client);
    let detail = format!("invitation {}", invited.id);
    audit::record(
        &txn,
        Event::InvitationRedeemed,
        Some(account.id),
        &actor,
        &detail,
        now,
    )
    .await?;
    let hook = webhooks::Event::AccountCreated;
    webhooks::queue(&txn, &ctx.settings.webhooks, hook, &account, now).await?;
    txn.commit().await?;
    crate::metrics::CONFIRMATIONS.inc();
    Ok(Confirmed {
        email: account.email,
        first_name: account.first_name,
        url_success: None,
        session: None,
        awaiting_approval: false,
    })
}

/// The form's details, checked; the address is the invitation's.
struct Details {
    first_name: String,
    last_name: String,
    username: Option<Username>,
}

fn check_details(
    ctx: &Context,
    invited: &invitation::Model,
    form: &SignUpForm,
) -> Result<Details, Error> {
    let settings = &ctx.settings;
    let required = settings.signup.names_required;
    let mut fields = FieldErrors::new();
    let first_name =
        check_name(&form.firstname, required).map_err(|e| fields.insert("firstname", e));
    let last_name = check_name(&form.lastname, required).map_err(|e| fields.insert("lastname", e));
    let username = username::asked_for(&settings.usernames, &form.username)
        .map_err(|e| fields.insert("username", e));
    if form.password.trim().is_empty() {
        fields.insert("password", "required");
    }
    let (Ok(first_name), Ok(last_name), Ok(username), true) =
        (first_name, last_name, username, fields.is_empty())
    else {
        return Err(Error::InvalidRequest(fields));
    };
    let local = invited
        .email
        .rsplit_once('@')
        .map_or("", |(local, _)| local);
    let name = username.as_ref().map_or("", Username::as_typed);
    check_password(
        &settings.password,
        &form.password,
        &[local, &first_name, &last_name, name],
    )?;
    Ok(Details {
        first_name,
        last_name,
        username,
    })
}

/// Inserts the active account; an address that got an account since the invitation was sent
/// is refused (`email: registered`: whoever holds the link owns the address), a username
/// taken meanwhile is `username_taken`.
async fn create_account(
    txn: &DatabaseTransaction,
    invited: &invitation::Model,
    details: Details,
    password_hash: String,
    language: Option<&'static str>,
    now: DateTime<Utc>,
) -> Result<account::Model, Error> {
    let username = details.username;
    let new_account = account::ActiveModel {
        email: Set(invited.email.clone()),
        email_key: Set(invited.email_key.clone()),
        // Set here, as an insert by `exec_without_returning` skips `before_save`.
        first_name_key: Set(account::name_key(&details.first_name)),
        last_name_key: Set(account::name_key(&details.last_name)),
        first_name: Set(details.first_name),
        last_name: Set(details.last_name),
        password_hash: Set(password_hash),
        created_at: Set(now),
        username: Set(username.as_ref().map(|name| name.as_typed().to_owned())),
        username_key: Set(username.as_ref().map(|name| name.key().to_owned())),
        language: Set(language.map(str::to_owned)),
        role: Set(Role::Member),
        state: Set(State::Active),
        ..Default::default()
    };
    let created = account::Entity::insert(new_account)
        .on_conflict(
            OnConflict::column(account::Column::EmailKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                Error::UsernameTaken
            } else {
                err.into()
            }
        })?;
    if created != 1 {
        return Err(Error::invalid("email", "registered"));
    }
    account::Entity::find()
        .filter(account::Column::EmailKey.eq(&invited.email_key))
        .one(txn)
        .await?
        .ok_or(Error::Internal)
}

/// How an invitation names its inviter: their name, else their address.
fn display_name(account: &account::Model) -> String {
    let name = format!("{} {}", account.first_name, account.last_name);
    match name.trim() {
        "" => account.email.clone(),
        name => name.to_owned(),
    }
}
