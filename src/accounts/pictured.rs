//! Pictured sign-ups (ALD's registration sessions): the mail carries the sign-up's registration
//! handle, the code is shown as a picture at that handle, and the code read from the picture
//! confirms the address.
//!
//! The code is never stored in clear, and needs no key of the server's: it is derived from the
//! handle (HMAC-SHA256 keyed with the handle), and the handle is stored only as its digest. So
//! whoever holds the handle (the mail's reader) can be shown the code, and nobody else, not
//! even a reader of the database, can make it. The code's digest is put in the `codes` table as
//! any code is, so it is tried, counted and used up exactly as a mailed code (`code::check`),
//! and the picture is shown only while that digest is still the address's live code: a later
//! mail's code replaces it, as it replaces any code.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac as _};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use super::Context;
use super::code;
use super::confirm::{self, Confirmed, Details, awaits_details};
use super::email::Address;
use super::password::check_password;
use super::signup::Pictured;
use super::token::Purpose;
use crate::entities::{pending_signup, registration};
use crate::error::Error;
use crate::mail::{Letter, Recipient, SessionLetter};
use crate::random::{digest, is_url_token};

/// What a pictured sign-up is opened with, inside the sign-up's transaction.
pub struct Session<'a> {
    /// The registration handle the mail carries (ALD's registration session id).
    pub handle: &'a str,
    /// The pending sign-up's id.
    pub pending: i64,
    pub email_key: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// The code shown for `handle`: `length` digits from 1 to 9 (the picture's font has no zero),
/// a pseudo-random function of the handle alone.
pub fn code_of(handle: &str, length: usize) -> String {
    let mut code = String::with_capacity(length);
    let mut block: u32 = 0;
    while code.len() < length {
        let mut mac = Hmac::<Sha256>::new_from_slice(handle.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"doorstep pictured code");
        mac.update(&block.to_be_bytes());
        for byte in mac.finalize().into_bytes() {
            // 252 is the largest multiple of 9 below 256: the bytes above it would favour 1 to 4.
            if byte < 252 && code.len() < length {
                code.push(char::from(b'1' + byte % 9));
            }
        }
        block += 1;
    }
    code
}

/// Puts the session's code in place (working as long as the sign-up, whatever
/// `doorstep.auth.code` says) and writes its mail: the handle, the picture's and the
/// verification's addresses, the code itself only while codes are mailed, and the inviter's
/// name and note for an invited sign-up.
pub(super) async fn open(
    txn: &DatabaseTransaction,
    ctx: &Context,
    to: &Recipient,
    session: Session<'_>,
    pictured: Pictured<'_>,
    now: DateTime<Utc>,
) -> Result<Letter, Error> {
    let code = code_of(session.handle, ctx.settings.codes.length);
    code::issue_shown(
        txn,
        Purpose::Signup,
        session.email_key,
        session.pending,
        &code,
        session.expires_at,
        now,
    )
    .await?;
    let note = pictured.note.map(|note| note(session.handle));
    let letter = SessionLetter {
        session: session.handle,
        picture: ctx.links.ald_token(session.handle),
        verify: ctx.links.ald_verify(session.handle),
        code: ctx.settings.codes.enabled.then_some(code.as_str()),
        inviter: pictured.inviter,
        note: note.as_deref(),
    };
    ctx.mail.composer.pictured_signup(to, &letter, now)
}

/// The code to draw for `handle`, while its sign-up can still be confirmed with it;
/// `not_found` for an unknown or malformed handle, an expired session, a code used up or
/// replaced by a later mail's, or a handle whose sign-up was not pictured (its code, if any,
/// is another).
pub async fn code_to_show(
    ctx: &Context,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let session = live_session(&ctx.db, handle, now)
        .await?
        .ok_or(Error::NotFound)?;
    let key = session_address(&session)?.key();
    let code = code_of(handle, ctx.settings.codes.length);
    let live = code::live_digest(&ctx.db, &ctx.settings.codes, Purpose::Signup, &key, now)
        .await?
        .ok_or(Error::NotFound)?;
    if bool::from(digest(&code).as_bytes().ct_eq(live.as_bytes())) {
        Ok(code)
    } else {
        Err(Error::NotFound)
    }
}

/// Confirms the sign-up of `handle` with the code read from its picture; an invited sign-up
/// takes the invitee's `password` now (any other ignores it). `not_found` for an unknown
/// handle, `token_expired` once the session ran out, `code_invalid` (with the tries left) for
/// a wrong code, counted as any code's tries are.
///
/// Everything the request can be refused for without the code (a missing or weak password)
/// is checked first and uses no try; a wrong code is tried before any password is hashed.
pub async fn confirm(
    ctx: &Context,
    handle: &str,
    typed: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Confirmed, Error> {
    if !ctx.settings.signup.enabled {
        return Err(Error::SignupDisabled);
    }
    let session = find_session(&ctx.db, handle)
        .await?
        .ok_or(Error::NotFound)?;
    if session.expires_at <= now {
        return Err(Error::TokenExpired);
    }
    let address = session_address(&session)?;
    let email = address.as_stored();
    code::address_typed(&email, typed)?;
    let pending = match session.pending_signup_id {
        Some(id) => pending_signup::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let invited = pending.filter(awaits_details);
    let details = match invited {
        Some(invited) => Some(details(ctx, &address, invited, typed, password, now).await?),
        None => None,
    };
    confirm::settle_shown(ctx, &email, typed, details.as_ref(), now)
        .await
        .map_err(|failed| failed.error)
}

/// An invitee's password, checked, then (once the code is known to be right) hashed.
async fn details(
    ctx: &Context,
    address: &Address,
    invited: pending_signup::Model,
    typed: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Details, Error> {
    if password.trim().is_empty() {
        return Err(Error::invalid("password", "required"));
    }
    let username = invited.username.as_deref().unwrap_or_default();
    check_password(
        &ctx.settings.password,
        password,
        &[address.local(), username],
    )?;
    // A wrong code costs no hashing: it is tried (and counted) first; a right one's try is
    // given back, and taken again when the account is made.
    let codes = &ctx.settings.codes;
    let matched = code::check(&ctx.db, codes, Purpose::Signup, address, typed, now).await?;
    if matched.subject_id != invited.id {
        return Err(matched.refuse(&ctx.db, codes, now).await);
    }
    matched.give_back(&ctx.db).await?;
    Ok(Details {
        first_name: invited.first_name,
        last_name: invited.last_name,
        password_hash: ctx.hasher.hash(password.to_owned()).await?,
    })
}

async fn find_session(
    conn: &impl ConnectionTrait,
    handle: &str,
) -> Result<Option<registration::Model>, Error> {
    if !is_url_token(handle) {
        return Ok(None);
    }
    let found = registration::Entity::find()
        .filter(registration::Column::HandleDigest.eq(digest(handle)))
        .one(conn)
        .await?;
    // Handles made before they kept their address name nothing to confirm.
    Ok(found.filter(|found| found.email.is_some()))
}

async fn live_session(
    conn: &impl ConnectionTrait,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<Option<registration::Model>, Error> {
    let found = find_session(conn, handle).await?;
    Ok(found.filter(|found| found.expires_at > now))
}

/// The address a session was opened for, as stored (it parsed then, so it parses now).
fn session_address(session: &registration::Model) -> Result<Address, Error> {
    let email = session.email.as_deref().unwrap_or_default();
    Address::parse(email).map_err(|_| Error::internal("stored address", email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_a_function_of_the_handle_and_has_no_zero() {
        let handle = crate::random::url_token();
        let code = code_of(&handle, 6);
        assert_eq!(code.len(), 6);
        assert_eq!(
            code,
            code_of(&handle, 6),
            "the same handle shows the same code"
        );
        assert!(code.chars().all(|c| ('1'..='9').contains(&c)), "{code}");
        let long = code_of(&handle, 40);
        assert_eq!(long.len(), 40, "more digits than one block gives");
        assert!(long.starts_with(&code));
        let others: Vec<String> = (0..20)
            .map(|_| code_of(&crate::random::url_token(), 6))
            .collect();
        assert!(others.iter().any(|other| *other != code));
        assert_ne!(
            code_of("a", 12),
            code_of("b", 12),
            "keyed with the handle itself"
        );
    }
}
