//! Sign-up: check everything, then store a pending sign-up and queue its mail in one step.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait,
};
use serde::Deserialize;
use url::Url;

use super::Context;
use super::code;
use super::email::Address;
use super::password::{check_password, weak_password_too};
use super::pictured::{self, Session};
use super::policy::{check_name, is_email_domain_allowed, permitted_redirect};
use super::registration;
use super::registration_tokens;
use super::token::{self, Purpose};
use super::username::{self, Username};
use crate::captcha::CaptchaFields;
use crate::config::{ApprovalMode, Settings};
use crate::entities::{account, pending_signup};
use crate::error::{Error, FieldErrors};
use crate::limits::{self, ClientAddress};
use crate::links::LinkPages;
use crate::mail::{Recipient, outbox};
use crate::metrics;
use crate::random::url_token;

/// The sign-up fields as sent, form or JSON alike; checked by `Application::check`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SignUpForm {
    /// Given name, as the mail greets the person.
    #[schema(required = true, example = "Ada")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub firstname: String,
    /// Family name.
    #[schema(required = true, example = "Lovelace")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub lastname: String,
    /// The public name to sign in with beside the address, when `doorstep.auth.username` is
    /// `optional` or `required` (ignored when `off`): 3 to 32 characters of letters, digits,
    /// `.`, `_` and `-`, starting with a letter or digit; compared lower-cased.
    #[schema(
        example = "ada",
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$",
        min_length = 3,
        max_length = 32
    )]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub username: String,
    /// The address to confirm; it becomes the account's sign-in name.
    #[schema(required = true, format = IdnEmail, example = "ada@example.com")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub email: String,
    /// Between `doorstep.auth.password.min-length` and `.max-length` characters.
    #[schema(required = true, example = "correct horse battery staple")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub password: String,
    /// Where browsers go once the link is used: must match `doorstep.auth.permitted.redirects`.
    #[schema(example = "https://app.example.com/welcome")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlsuccess: String,
    /// Where browsers go when the link fails, with `?error=<code>` added: must match `doorstep.auth.permitted.redirects`.
    #[schema(example = "https://app.example.com/welcome/failed")]
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub urlfailure: String,
    /// Ask for an app password, handed out (once) by the first status read that says
    /// `finished`; needs `doorstep.auth.app-passwords`.
    #[serde(default, deserialize_with = "crate::fields::flag")]
    pub app_password: bool,
    /// In invite-only mode (`doorstep.auth.signup=invite-only`): a registration token an admin
    /// handed out; an accepted sign-up takes one of its uses. Ignored while sign-up is `on`.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub registration_token: String,
    /// The `invitation` of an invitation link: the sign-up completes that invitation (the
    /// address is the invited one) and the account is active at once.
    #[serde(default, deserialize_with = "crate::fields::text")]
    pub invitation: String,
    #[serde(flatten)]
    pub captcha: CaptchaFields,
    /// The language the request was made in (`?lang=`, the `doorstep_lang` cookie or
    /// `Accept-Language`), set by the web layer: the person's mails are written in it.
    #[serde(skip)]
    pub language: Option<&'static str>,
    /// The client's wire format has one name (Nextcloud's display name): it becomes the first
    /// name, and no last name is asked for. Set by adapters, never read from a body.
    #[serde(skip)]
    pub single_name: bool,
    /// The password typed a second time, where the client's wire asks for it twice (ALD's
    /// `password-alt`): it must equal `password` (`password_again: "mismatch"`). Set by
    /// adapters, never read from a body.
    #[serde(skip)]
    pub password_again: Option<String>,
}

/// What the person is told: the same whether or not the address already has an account.
#[derive(Debug)]
pub struct SignedUp {
    pub email: String,
    /// The handle the client polls for the outcome (none for a resent mail).
    pub registration: Option<String>,
}

/// What the wire a sign-up came by decides besides its fields; doorstep's own routes take the
/// defaults.
#[derive(Default, Clone, Copy)]
pub struct Terms<'a> {
    /// The wire has no names (Cadmium's): the account has none, whatever
    /// `doorstep.auth.signup.names` asks of doorstep's own form.
    pub nameless: bool,
    /// The client asked now to be signed in when it confirms with the sign-up's handle
    /// (Cadmium's `loginOnSuccess`); kept with the handle.
    pub login_on_confirm: bool,
    /// The wire confirms with a code shown as a picture at the registration handle, which only
    /// the mail carries (ALD's registration session; see `accounts::pictured`).
    pub pictured: Option<Pictured<'a>>,
}

/// A sign-up confirmed at its registration session: the mail carries the handle (never the
/// reply), and the code is shown at it as a picture whether or not `doorstep.auth.code` is on.
#[derive(Default, Clone, Copy)]
pub struct Pictured<'a> {
    /// A signed-in inviter started it for someone else: no password is taken now, the invitee
    /// chooses one when confirming, and the mail names the inviter.
    pub inviter: Option<&'a account::Model>,
    /// The inviter's note for the mail, given the session's handle: plain text, escaped in the
    /// mail (ALD's `template`).
    pub note: Option<&'a (dyn Fn(&str) -> String + Sync)>,
}

impl Terms<'_> {
    /// The invitee chooses the password when confirming: none is taken with the sign-up.
    fn password_later(&self) -> bool {
        self.vouched()
    }

    /// A signed-in inviter started the sign-up for someone else, which lets it through
    /// invite-only sign-up without a registration token (ALD's privileged members).
    fn vouched(&self) -> bool {
        self.pictured
            .is_some_and(|pictured| pictured.inviter.is_some())
    }
}

/// A sign-up that passed every check.
pub struct Application {
    first_name: String,
    last_name: String,
    username: Option<Username>,
    address: Address,
    url_success: Option<Url>,
    url_failure: Option<Url>,
    app_password: bool,
    language: Option<&'static str>,
}

impl Application {
    /// Every check that can refuse a sign-up, all before anything is stored or queued, under
    /// the terms of the wire the sign-up came by.
    pub fn check(
        settings: &Settings,
        form: &SignUpForm,
        terms: Terms<'_>,
    ) -> Result<Application, Error> {
        let mut fields = FieldErrors::new();
        let required = settings.signup.names_required && !terms.nameless;
        let first_name =
            check_name(&form.firstname, required).map_err(|e| fields.insert("firstname", e));
        let last_name = check_name(&form.lastname, required && !form.single_name)
            .map_err(|e| fields.insert("lastname", e));
        let username = username::asked_for(&settings.usernames, &form.username)
            .map_err(|e| fields.insert("username", e));
        let address = Address::parse(&form.email).map_err(|e| fields.insert("email", e));
        let later = terms.password_later();
        if !later && form.password.trim().is_empty() {
            fields.insert("password", "required");
        }
        if !later
            && let Some(again) = &form.password_again
            && *again != form.password
        {
            fields.insert("password_again", "mismatch");
        }
        if form.app_password && !settings.app_passwords {
            fields.insert("app_password", "unavailable");
        }
        // A short or common password is reported with the other faults, so a person fixes
        // everything at once; the rule about names and addresses waits until those are valid.
        if !fields.is_empty() {
            weak_password_too(&settings.password, &form.password, &mut fields);
        }
        let (Ok(first_name), Ok(last_name), Ok(username), Ok(address), true) =
            (first_name, last_name, username, address, fields.is_empty())
        else {
            return Err(Error::InvalidRequest(fields));
        };

        let (url_success, url_failure) = destinations(settings, form)?;
        let name = username.as_ref().map_or("", Username::as_typed);
        if !later {
            check_password(
                &settings.password,
                &form.password,
                &[address.local(), &first_name, &last_name, name],
            )?;
        }
        admit_domain(settings, &address)?;
        Ok(Application {
            first_name,
            last_name,
            username,
            address,
            url_success,
            url_failure,
            app_password: form.app_password,
            language: form.language,
        })
    }

    /// The checks of an email-first sign-up, which takes only the address (and where to go,
    /// and the app password wish): names, password and username come once it is proven, and
    /// anything sent for them now is not read.
    pub fn check_address(settings: &Settings, form: &SignUpForm) -> Result<Application, Error> {
        let mut fields = FieldErrors::new();
        let address = Address::parse(&form.email).map_err(|e| fields.insert("email", e));
        if form.app_password && !settings.app_passwords {
            fields.insert("app_password", "unavailable");
        }
        let (Ok(address), true) = (address, fields.is_empty()) else {
            return Err(Error::InvalidRequest(fields));
        };
        let (url_success, url_failure) = destinations(settings, form)?;
        admit_domain(settings, &address)?;
        Ok(Application {
            first_name: String::new(),
            last_name: String::new(),
            username: None,
            address,
            url_success,
            url_failure,
            app_password: form.app_password,
            language: form.language,
        })
    }
}

/// Where browsers go after the link, each a permitted redirect target.
fn destinations(
    settings: &Settings,
    form: &SignUpForm,
) -> Result<(Option<Url>, Option<Url>), Error> {
    let rules = &settings.permitted_redirects;
    Ok((
        permitted_redirect(rules, "urlsuccess", &form.urlsuccess)?,
        permitted_redirect(rules, "urlfailure", &form.urlfailure)?,
    ))
}

/// Whether the address's domain may sign up. With approval outside the whitelist, other
/// domains may sign up too: they wait.
fn admit_domain(settings: &Settings, address: &Address) -> Result<(), Error> {
    let others_wait = settings.approval.mode == ApprovalMode::OutsideWhitelist;
    if !others_wait && !is_email_domain_allowed(&settings.signup, address.domain()) {
        return Err(Error::DomainNotAllowed);
    }
    Ok(())
}

/// Signs a person up: stores a pending sign-up and queues the confirmation mail.
///
/// An address that already has an account gets the same reply, after the same work (the
/// password is hashed either way), so the reply tells a stranger nothing; its owner gets a
/// "you already have an account" mail instead. An older unconfirmed sign-up for the address is
/// replaced, so whoever really owns the address is never blocked by someone else's attempt.
pub async fn sign_up(
    ctx: &Context,
    form: SignUpForm,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<SignedUp, Error> {
    let how = How {
        terms: Terms::default(),
        email_first: ctx.settings.signup.flow.is_email_first(),
        pages: LinkPages::Own,
    };
    signing_up(ctx, form, how, client, now).await
}

/// Signs a person up under the terms of the wire the sign-up came by (a seed API's), with
/// every rule of [`sign_up`]. Those wires carry every detail in one request, so their
/// sign-ups are details-first whatever `doorstep.auth.signup.flow` says of doorstep's form.
pub async fn sign_up_on(
    ctx: &Context,
    form: SignUpForm,
    terms: Terms<'_>,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<SignedUp, Error> {
    let how = How {
        terms,
        email_first: false,
        pages: LinkPages::Own,
    };
    signing_up(ctx, form, how, client, now).await
}

/// Signs a person up by the address alone, as an email-first sign-up whatever
/// `doorstep.auth.signup.flow` says of doorstep's form, for a wire that takes the details
/// with the mailed token (DSpace's); the mail links to `pages`. Every rule of [`sign_up`].
pub async fn sign_up_by_address(
    ctx: &Context,
    form: SignUpForm,
    pages: LinkPages,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<SignedUp, Error> {
    let how = How {
        terms: Terms::default(),
        email_first: true,
        pages,
    };
    signing_up(ctx, form, how, client, now).await
}

/// How a sign-up is taken: the wire's terms, whether the details come later, and whose page
/// the mail links to.
struct How<'a> {
    terms: Terms<'a>,
    email_first: bool,
    pages: LinkPages,
}

async fn signing_up(
    ctx: &Context,
    form: SignUpForm,
    how: How<'_>,
    client: &ClientAddress,
    now: DateTime<Utc>,
) -> Result<SignedUp, Error> {
    let How {
        terms,
        email_first,
        pages,
    } = how;
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    // Here, in the one path of every sign-up, so that every wire (doorstep's forms, the seed
    // APIs) needs the token alike. Only looked at now; a use is taken with the sign-up below.
    let invite_only = ctx.settings.signup.invite_only && !terms.vouched();
    if invite_only {
        registration_tokens::check(&ctx.db, &form.registration_token, now).await?;
    }
    let application = if email_first {
        Application::check_address(&ctx.settings, &form)?
    } else {
        Application::check(&ctx.settings, &form, terms)?
    };
    // Every check passes before anything is stored or queued (DESIGN.md 5.5). A full hashing
    // pool refuses first, then the client's limit, so that a flood costs no captcha lookups.
    // Email-first and invited sign-ups store no password until the address is proven.
    let no_password = email_first || terms.password_later();
    if !no_password {
        ctx.hasher.has_room()?;
    }
    limits::allow_client(&ctx.db, &ctx.settings.limits, client, now).await?;
    ctx.captcha
        .check(&ctx.db, &form.captcha, client.0, now)
        .await?;
    // A name an account holds now is refused at once; usernames are public, so this says
    // nothing about the address. One still free is only claimed at confirmation.
    if let Some(wanted) = &application.username
        && !username::is_available(&ctx.db, wanted).await?
    {
        return Err(Error::UsernameTaken);
    }
    // Email-first stores no password until the address is proven: an empty hash marks the
    // sign-up as waiting for its details (`confirm::awaits_details`), and no password is
    // hashed for a known address either, so both cases still do the same work. An invitee
    // likewise chooses the password when confirming.
    let password_hash = if no_password {
        String::new()
    } else {
        ctx.hasher.hash(form.password).await?
    };
    let key = application.address.key();
    limits::allow_mail_to(&ctx.db, &ctx.settings.limits, &key, now).await?;
    let email = application.address.as_stored();

    let txn = ctx.db.begin().await?;
    // Taken for a known address too, so that the token's count reveals nobody (an inviter's
    // sign-up needs none).
    if invite_only {
        registration_tokens::take_use(&txn, &form.registration_token, now).await?;
    }
    let existing = account::Entity::find()
        .filter(account::Column::EmailKey.eq(application.address.key()))
        .one(&txn)
        .await?;
    let expires_at = now + ctx.settings.signup.confirm_ttl;
    // Made first: a pictured sign-up's code is derived from it.
    let handle = url_token();
    let (letter, pending) = match existing {
        Some(account) => {
            // The owner reads the mail in their own language, not the one of whoever signed up.
            let to = Recipient::account(&account);
            (ctx.mail.composer.already_registered(&to, now)?, None)
        }
        None => {
            let (id, secret) =
                store_pending(&txn, &application, password_hash, expires_at, now).await?;
            let to = Recipient::new(&email, &application.first_name, &application.last_name)
                .reading(application.language);
            if let Some(pictured) = terms.pictured {
                let session = Session {
                    handle: &handle,
                    pending: id,
                    email_key: &key,
                    expires_at,
                };
                let letter = pictured::open(&txn, ctx, &to, session, pictured, now).await?;
                (letter, Some(id))
            } else {
                // Replaces the code of an earlier sign-up for the address; its link keeps working.
                let code = code::issue(
                    &txn,
                    &ctx.settings.codes,
                    Purpose::Signup,
                    &key,
                    id,
                    expires_at,
                    now,
                )
                .await?;
                let link = ctx.links.signup_confirmation_on(pages, &secret);
                let letter =
                    ctx.mail
                        .composer
                        .signup_confirmation(&to, &link, code.as_deref(), now)?;
                (letter, Some(id))
            }
        }
    };
    outbox::enqueue(&txn, &letter, now).await?;
    let wishes = registration::Wishes {
        app_password: application.app_password,
        login_on_confirm: terms.login_on_confirm,
    };
    let registration =
        registration::open(&txn, handle, pending, &email, wishes, expires_at, now).await?;
    txn.commit().await?;
    ctx.mail.wake();
    // Counted whether or not the address had an account: the metrics tell no more than the
    // reply does.
    metrics::SIGNUPS.inc();
    Ok(SignedUp {
        email,
        registration: Some(registration),
    })
}

/// Stores the sign-up next to any other unconfirmed one for the address; returns the link
/// id and link secret. Earlier links keep working: a stranger signing up with the address must not
/// invalidate the link its owner is about to click. The first link confirmed wins.
async fn store_pending(
    txn: &sea_orm::DatabaseTransaction,
    application: &Application,
    password_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(i64, String), Error> {
    let key = application.address.key();
    let pending = pending_signup::ActiveModel {
        email: Set(application.address.as_stored()),
        email_key: Set(key),
        first_name: Set(application.first_name.clone()),
        last_name: Set(application.last_name.clone()),
        password_hash: Set(password_hash),
        url_success: Set(application.url_success.as_ref().map(Url::to_string)),
        url_failure: Set(application.url_failure.as_ref().map(Url::to_string)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        account_id: Set(None),
        username: Set(application
            .username
            .as_ref()
            .map(|name| name.as_typed().to_owned())),
        language: Set(application.language.map(str::to_owned)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let issued = token::issue(Purpose::Signup, pending.id, now, expires_at);
    issued.row.insert(txn).await?;
    Ok((pending.id, issued.secret))
}

/// An address is proven for an account (an invitation's, an address change's): the
/// unconfirmed sign-ups for it, perhaps a stranger's, go with their links and code, so none of
/// them can later confirm into the account that holds the address.
pub(crate) async fn withdraw_unconfirmed(
    txn: &DatabaseTransaction,
    email_key: &str,
) -> Result<(), DbErr> {
    let pending: Vec<i64> = pending_signup::Entity::find()
        .select_only()
        .column(pending_signup::Column::Id)
        .filter(pending_signup::Column::EmailKey.eq(email_key))
        .filter(pending_signup::Column::AccountId.is_null())
        .into_tuple()
        .all(txn)
        .await?;
    token::revoke(txn, Purpose::Signup, pending.clone()).await?;
    pending_signup::Entity::delete_many()
        .filter(pending_signup::Column::Id.is_in(pending))
        .exec(txn)
        .await?;
    code::forget(txn, Purpose::Signup, email_key).await
}
