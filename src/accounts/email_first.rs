//! Email-first sign-up (`doorstep.auth.signup.flow=email-first`): the sign-up takes only the
//! address; once its link (or code) proves the mailbox, the person chooses their name,
//! password and username, and the account is made by the same confirmation as any other.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::Context;
use super::code;
use super::confirm::{self, Confirmed, Details, Proof, awaits_details};
use super::email::Address;
use super::link::LinkFailed;
use super::password::{check_password, weak_password_too};
use super::policy::{check_name, stored_url};
use super::token::{self, Lookup, Purpose};
use super::username::{self, Username};
use crate::config::Settings;
use crate::entities::{account, pending_signup};
use crate::error::{Error, FieldErrors};

/// `POST /auth/signup/complete`: the proof (the link's `token`, or `email` and `code`) and the
/// details, form or JSON alike.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CompleteForm {
    /// The mailed link's `confirm` value; or leave it out and send `email` and `code`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub token: String,
    /// With `code`, instead of `token`: the address signed up with.
    #[schema(format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// With `email`, instead of `token`: the code of the latest sign-up mail.
    #[schema(example = "042917")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub code: String,
    /// Given name (may be empty with `doorstep.auth.signup.names=optional`).
    #[schema(example = "Ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub firstname: String,
    /// Family name.
    #[schema(example = "Lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub lastname: String,
    /// Between `doorstep.auth.password.min-length` and `.max-length` characters. Leave every
    /// detail out to only check the proof: the reply then says which details are wanted.
    #[schema(example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// When `doorstep.auth.username` is `optional` or `required` (ignored when `off`).
    #[schema(
        example = "ada",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$",
        min_length = 3,
        max_length = 32
    )]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    /// Sign in once the account exists (always so with
    /// `doorstep.auth.signup.login-on-confirm`): only for the client that started the sign-up,
    /// which sends its `registration` (browsers hold it in the `doorstep_signup` cookie).
    #[serde(default, deserialize_with = "crate::fields::flag")]
    pub login: bool,
    /// The `registration` of the sign-up's reply, with `login`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub registration: String,
}

impl CompleteForm {
    /// The link's token, or the address and its code when no token was sent.
    pub fn proof(&self) -> Proof<'_> {
        if self.token.is_empty() && !(self.email.is_empty() && self.code.is_empty()) {
            Proof::Code {
                email: &self.email,
                code: &self.code,
            }
        } else {
            Proof::Link(&self.token)
        }
    }

    /// Whether any detail was sent. A valid completion always carries a password, so a form
    /// without any is the code form's first step: check the proof and ask for the details.
    pub fn has_details(&self) -> bool {
        [
            &self.firstname,
            &self.lastname,
            &self.password,
            &self.username,
        ]
        .iter()
        .any(|field| !field.trim().is_empty())
    }
}

/// A sign-up whose address is proven by what was shown, waiting for its details.
#[derive(Debug)]
pub struct Awaiting {
    pub email: String,
}

/// What a completion did: asked for the details (none were sent), or made the account.
#[derive(Debug)]
pub enum Completed {
    DetailsRequired(Awaiting),
    Confirmed(Confirmed),
}

/// The sign-up an opened link waits with: `Some` while the link works and its sign-up has no
/// details yet. Nothing is used: mail scanners open links too. A link used before, expired or
/// unknown, or one of a sign-up that has its details, is `None`, and opening it goes through
/// confirmation as any link does (the same success for a second click, the same refusals).
pub async fn awaiting_by_link(
    ctx: &Context,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<Awaiting>, Error> {
    let Lookup::Usable(token) = token::inspect(&ctx.db, secret, Purpose::Signup, now).await? else {
        return Ok(None);
    };
    let pending = pending_signup::Entity::find_by_id(token.subject_id)
        .one(&ctx.db)
        .await?;
    Ok(pending.filter(awaits_details).map(|pending| Awaiting {
        email: pending.email,
    }))
}

/// Completes an email-first sign-up: checks the details exactly as a details-first sign-up
/// checks them, hashes the password off the runtime, then confirms by the link or the code,
/// filling the details in within the confirmation's transaction.
///
/// The details are checked before the proof is touched, so bad details use nothing up: the
/// link and the code work as before, and no try of the code is taken. Only then is the proof
/// checked, so that a wrong link or code costs no hashing (a right code's try is given back,
/// and taken again when the account is made). Without any details the request only checks the
/// proof (see [`CompleteForm::has_details`]).
pub async fn complete_signup(
    ctx: &Context,
    form: &CompleteForm,
    sign_in_as: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Completed, LinkFailed> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled.into());
    }
    let proof = form.proof();
    if !form.has_details() {
        return ask_for_details(ctx, proof, sign_in_as, now).await;
    }
    let address = proven_address(ctx, proof, now).await?;
    let checked = check_details(&ctx.settings, form, &address)?;
    if let Some(wanted) = &checked.username
        && !username::is_available(&ctx.db, wanted).await?
    {
        return Err(Error::UsernameTaken.into());
    }
    // A wrong code costs no hashing: it is tried (and counted) first, as a reset's is.
    if let Proof::Code { email, code } = proof {
        right_code(ctx, email, code, now).await?;
    }
    let details = Details {
        first_name: checked.first_name,
        last_name: checked.last_name,
        password_hash: ctx.hasher.hash(form.password.clone()).await?,
    };
    let confirmed = confirm::settle(
        ctx,
        proof,
        checked.username,
        Some(&details),
        sign_in_as,
        now,
    )
    .await?;
    Ok(Completed::Confirmed(confirmed))
}

/// Completes by the link alone, for a wire that names the sign-up by its token and may repeat
/// its address (DSpace's): only a link still waiting for its details (one used, expired or
/// unknown is `token_invalid`), only with the link's own address when one is sent
/// (`fields.email: mismatch` otherwise), and with every detail a completion needs. Returns
/// the account made.
pub async fn complete_by_link(
    ctx: &Context,
    form: &CompleteForm,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<account::Model, LinkFailed> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled.into());
    }
    let awaiting = awaiting_by_link(ctx, &form.token, now)
        .await?
        .ok_or(Error::TokenInvalid)?;
    if let Some(sent) = email.filter(|sent| !sent.trim().is_empty())
        && !same_address(sent, &awaiting.email)
    {
        return Err(Error::invalid("email", "mismatch").into());
    }
    if !form.has_details() {
        // Without details a completion only shows its proof; this wire has nothing to show.
        return Err(Error::invalid("password", "required").into());
    }
    let Completed::Confirmed(confirmed) = complete_signup(ctx, form, None, now).await? else {
        return Err(Error::invalid("password", "required").into());
    };
    let key = Address::parse(&confirmed.email)
        .map_err(|_| Error::Internal)?
        .key();
    let made = account::Entity::find()
        .filter(account::Column::EmailKey.eq(key))
        .one(&ctx.db)
        .await?;
    Ok(made.ok_or(Error::Internal)?)
}

/// Whether two addresses are the same mailbox as doorstep compares them; one that does not
/// parse is no match.
fn same_address(one: &str, other: &str) -> bool {
    match (Address::parse(one), Address::parse(other)) {
        (Ok(one), Ok(other)) => one.key() == other.key(),
        _ => false,
    }
}

/// The proof alone: a link waiting for details, or a right code, answers which details are
/// wanted and uses nothing (a right code's try is given back; a wrong one counts). Any other
/// link goes through confirmation as opening it would.
async fn ask_for_details(
    ctx: &Context,
    proof: Proof<'_>,
    sign_in_as: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Completed, LinkFailed> {
    match proof {
        Proof::Link(secret) => match awaiting_by_link(ctx, secret, now).await? {
            Some(awaiting) => Ok(Completed::DetailsRequired(awaiting)),
            None => {
                let confirmed = confirm::settle(ctx, proof, None, None, sign_in_as, now).await?;
                Ok(Completed::Confirmed(confirmed))
            }
        },
        Proof::Code { email, code } => Ok(Completed::DetailsRequired(
            right_code(ctx, email, code, now).await?,
        )),
    }
}

/// Tries a code without using it: a right one for a sign-up still waiting gives its try back;
/// a wrong one counts, and is refused as any wrong code is.
async fn right_code(
    ctx: &Context,
    email: &str,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Awaiting, Error> {
    let codes = &ctx.settings.codes;
    let address = code::typed_address(codes, email, typed)?;
    let matched = code::check(&ctx.db, codes, Purpose::Signup, &address, typed, now).await?;
    let pending = pending_signup::Entity::find_by_id(matched.subject_id)
        .one(&ctx.db)
        .await?;
    match pending {
        Some(pending) if pending.account_id.is_none() && pending.expires_at > now => {
            matched.give_back(&ctx.db).await?;
            Ok(Awaiting {
                email: pending.email,
            })
        }
        _ => Err(matched.refuse(&ctx.db, codes, now).await),
    }
}

/// The address the proof is for, to check the password against, without using the proof:
/// a link's sign-up (an unknown or expired link is refused here, before any hashing), or the
/// address typed with a code (the code itself is tried once the details pass).
async fn proven_address(
    ctx: &Context,
    proof: Proof<'_>,
    now: DateTime<Utc>,
) -> Result<Address, LinkFailed> {
    let secret = match proof {
        Proof::Code { email, code } => {
            return Ok(code::typed_address(&ctx.settings.codes, email, code)?);
        }
        Proof::Link(secret) => secret,
    };
    let token = match token::inspect(&ctx.db, secret, Purpose::Signup, now).await? {
        Lookup::Usable(token) | Lookup::Used(token) => token,
        Lookup::Expired(token) => {
            let pending = pending_signup::Entity::find_by_id(token.subject_id)
                .one(&ctx.db)
                .await?;
            return Err(LinkFailed {
                error: Error::TokenExpired,
                url_failure: pending.and_then(|pending| stored_url(pending.url_failure)),
            });
        }
        Lookup::Unknown => return Err(Error::TokenInvalid.into()),
    };
    let pending = pending_signup::Entity::find_by_id(token.subject_id)
        .one(&ctx.db)
        .await?
        .ok_or(Error::TokenInvalid)?;
    // Stored after parsing, so it parses again; a failure would be a fault of ours.
    Address::parse(&pending.email).map_err(|_| Error::Internal.into())
}

/// Details that passed every check.
struct Checked {
    first_name: String,
    last_name: String,
    username: Option<Username>,
}

/// The checks of a details-first sign-up, for the details: names, username, password rules.
fn check_details(
    settings: &Settings,
    form: &CompleteForm,
    address: &Address,
) -> Result<Checked, Error> {
    let mut fields = FieldErrors::new();
    let required = settings.signup.names_required;
    let first_name =
        check_name(&form.firstname, required).map_err(|e| fields.insert("firstname", e));
    let last_name = check_name(&form.lastname, required).map_err(|e| fields.insert("lastname", e));
    let username = username::asked_for(&settings.usernames, &form.username)
        .map_err(|e| fields.insert("username", e));
    if form.password.trim().is_empty() {
        fields.insert("password", "required");
    }
    // A short or common password is reported with the other faults, so a person fixes
    // everything at once; the rule about names and addresses waits until those are valid.
    if !fields.is_empty() {
        weak_password_too(&settings.password, &form.password, &mut fields);
    }
    let (Ok(first_name), Ok(last_name), Ok(username), true) =
        (first_name, last_name, username, fields.is_empty())
    else {
        return Err(Error::InvalidRequest(fields));
    };
    let name = username.as_ref().map_or("", Username::as_typed);
    check_password(
        &settings.password,
        &form.password,
        &[address.local(), &first_name, &last_name, name],
    )?;
    Ok(Checked {
        first_name,
        last_name,
        username,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(password: &str) -> CompleteForm {
        CompleteForm {
            token: "t".into(),
            firstname: "Ada".into(),
            lastname: "Lovelace".into(),
            password: password.into(),
            ..CompleteForm::default()
        }
    }

    #[test]
    fn details_are_checked_like_a_details_first_sign_up() {
        let settings = Settings::defaults();
        let address = Address::parse("ada@example.com").unwrap_or_else(|e| panic!("{e}"));
        assert!(check_details(&settings, &form("correct horse battery staple"), &address).is_ok());
        let weak = check_details(&settings, &form("password123"), &address);
        assert!(matches!(weak, Err(Error::WeakPassword("too_common"))));
        let personal = check_details(&settings, &form("ada lovelace forever"), &address);
        assert!(matches!(
            personal,
            Err(Error::WeakPassword("contains_personal_data"))
        ));
        let mut nameless = form("correct horse battery staple");
        nameless.firstname.clear();
        let Err(Error::InvalidRequest(fields)) = check_details(&settings, &nameless, &address)
        else {
            panic!("a missing name must be refused");
        };
        assert_eq!(fields.get("firstname"), Some(&"required"));
    }

    #[test]
    fn addresses_are_the_same_mailbox_as_doorstep_compares_them() {
        assert!(same_address("Ada@Example.COM", "Ada@example.com"));
        assert!(same_address(" ada@example.com ", "ada@example.com"));
        assert!(!same_address("eve@example.com", "ada@example.com"));
        assert!(!same_address("not an address", "not an address"));
    }

    #[test]
    fn a_form_without_details_only_shows_its_proof() {
        assert!(form("x").has_details());
        let bare = CompleteForm {
            email: "ada@example.com".into(),
            code: "123456".into(),
            password: "  ".into(),
            ..CompleteForm::default()
        };
        assert!(!bare.has_details());
        assert!(matches!(bare.proof(), Proof::Code { .. }));
        assert!(matches!(form("x").proof(), Proof::Link("t")));
    }
}
