//! One-time codes: a few digits mailed beside a confirmation or reset link, for people who read
//! the mail away from the app that asked for it.
//!
//! One code lives per flow and address (`purpose`, `email_key`): mailing a new one replaces the
//! last, with its spent tries, while links keep working. A try takes one of the code's attempts
//! in one conditional UPDATE *before* the digests are compared, so racing guesses never get
//! more than `attempts` tries between them. An address with nothing pending gets a decoy row
//! that no code matches, so its countdown reads exactly like a real one; and every wrong code
//! counts against the address's daily failures, which no new code resets.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, Statement,
};
use subtle::ConstantTimeEq as _;

use super::email::Address;
use super::token::Purpose;
use crate::config::Codes;
use crate::entities::code::{self, Column, Entity as CodeRows};
use crate::error::{Error, FieldErrors};
use crate::limits;
use crate::metrics::{self, CodeOutcome};
use crate::random::{digest, digits, url_token};

/// A code that matched: its row and the flow it is bound to. The flow's verb uses it up with
/// [`consume`] in its own transaction, or calls [`Matched::refuse`] when the flow cannot go on.
#[derive(Debug)]
pub struct Matched {
    pub id: i64,
    pub subject_id: i64,
    email_key: String,
    attempts_left: u32,
}

impl Matched {
    /// The flow behind a right code cannot go on (a reset for an address without an account,
    /// a sign-up withdrawn a moment ago): answered and counted like a wrong code.
    pub async fn refuse(self, db: &DatabaseConnection, codes: &Codes, now: DateTime<Utc>) -> Error {
        refuse(db, codes, &self.email_key, self.attempts_left, now).await
    }

    /// Gives the try back: the code was right, but the request failed for another reason (a
    /// weak new password), and the person should not lose a try to it.
    pub async fn give_back(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let sql = "UPDATE codes SET attempts_used = attempts_used - 1 \
                   WHERE id = $1 AND attempts_used > 0";
        db.execute_raw(statement(
            db.get_database_backend(),
            sql,
            vec![self.id.into()],
        ))
        .await?;
        Ok(())
    }
}

/// The address a code is typed with, once both are there; `invalid_request` otherwise (and
/// when codes are off: then only links confirm).
pub fn typed_address(codes: &Codes, email: &str, typed: &str) -> Result<Address, Error> {
    if !codes.enabled {
        return Err(Error::invalid("code", "not_offered"));
    }
    address_typed(email, typed)
}

/// The address a code is typed with, whether or not `doorstep.auth.code` offers codes: for a
/// code shown elsewhere than the mail (a pictured registration's).
pub fn address_typed(email: &str, typed: &str) -> Result<Address, Error> {
    let mut fields = FieldErrors::new();
    let address = Address::parse(email).map_err(|reason| fields.insert("email", reason));
    if typed.trim().is_empty() {
        fields.insert("code", "required");
    }
    match address {
        Ok(address) if fields.is_empty() => Ok(address),
        _ => Err(Error::InvalidRequest(fields)),
    }
}

/// Makes the code for a flow's mail, replacing the address's previous code for that purpose;
/// `None` when codes are off. It works for `doorstep.auth.code.ttl`, and never past its flow.
pub async fn issue(
    conn: &impl ConnectionTrait,
    codes: &Codes,
    purpose: Purpose,
    email_key: &str,
    subject_id: i64,
    flow_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    if !codes.enabled {
        return Ok(None);
    }
    let secret = digits(codes.length);
    let expires_at = Ord::min(now + codes.ttl, flow_expires_at);
    let row = new_row(
        purpose,
        email_key,
        Some(subject_id),
        &secret,
        now,
        expires_at,
    );
    put(conn, row, None).await?;
    Ok(Some(secret))
}

/// Puts `secret` in place as the code of a flow whose code is shown rather than only mailed
/// (see `accounts::pictured`): made by the caller, kept as a digest like any code, working
/// until `expires_at` whatever `doorstep.auth.code` says, and replaced by a later mail's code
/// as any code is.
pub async fn issue_shown(
    conn: &impl ConnectionTrait,
    purpose: Purpose,
    email_key: &str,
    subject_id: i64,
    secret: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = new_row(
        purpose,
        email_key,
        Some(subject_id),
        secret,
        now,
        expires_at,
    );
    put(conn, row, None).await
}

/// The live code of an address for `purpose`, while it still takes tries: its digest, to
/// compare with a code shown elsewhere.
pub async fn live_digest(
    conn: &impl ConnectionTrait,
    codes: &Codes,
    purpose: Purpose,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let row = CodeRows::find()
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::EmailKey.eq(email_key))
        .filter(Column::ExpiresAt.gt(now))
        .filter(Column::AttemptsUsed.lt(i64::from(codes.attempts)))
        .one(conn)
        .await?;
    Ok(row.map(|row| row.code_digest))
}

/// Tries `typed` as the code of `address` for `purpose`.
///
/// The same statements run whatever the address: the daily failures are read, a decoy is put
/// in place where no live code is, and one conditional UPDATE takes a try. Only then are the
/// digests compared, in constant time. Every refusal is `code_invalid` with the tries left.
pub async fn check(
    db: &DatabaseConnection,
    codes: &Codes,
    purpose: Purpose,
    address: &Address,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Matched, Error> {
    let key = address.key();
    if !limits::may_try_code(db, &key, codes.daily_failures, now).await? {
        return Err(refuse(db, codes, &key, 0, now).await);
    }
    let decoy = new_row(purpose, &key, None, &url_token(), now, now + codes.ttl);
    put(db, decoy, Some(now)).await?;
    let Some(taken) = take_try(db, purpose, &key, codes.attempts, now).await? else {
        return Err(refuse(db, codes, &key, 0, now).await); // used up
    };
    let used = u32::try_from(taken.attempts_used).unwrap_or(u32::MAX);
    let attempts_left = codes.attempts.saturating_sub(used);
    // People copy codes with spaces ("123 456"); the digest of anything else matches nothing.
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let right = bool::from(
        digest(&typed)
            .as_bytes()
            .ct_eq(taken.code_digest.as_bytes()),
    );
    match (right, taken.subject_id) {
        (true, Some(subject_id)) => Ok(Matched {
            id: taken.id,
            subject_id,
            email_key: key,
            attempts_left,
        }),
        _ => Err(refuse(db, codes, &key, attempts_left, now).await),
    }
}

/// Uses a matched code up, inside the flow's transaction; `false` when a racing request with
/// the same code used it first.
pub async fn consume(conn: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let deleted = CodeRows::delete_by_id(id).exec(conn).await?;
    let consumed = deleted.rows_affected == 1;
    if consumed {
        metrics::CODES.inc(CodeOutcome::Accepted);
    }
    Ok(consumed)
}

/// The flow of this address ended (confirmed, reset, withdrawn): its code goes with it.
pub async fn forget(
    conn: &impl ConnectionTrait,
    purpose: Purpose,
    email_key: &str,
) -> Result<(), DbErr> {
    CodeRows::delete_many()
        .filter(Column::Purpose.eq(purpose.as_str()))
        .filter(Column::EmailKey.eq(email_key))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes codes (and decoys) whose time is up: nothing is kept to show about them later.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = CodeRows::delete_many()
        .filter(Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Counts a wrong code against the address's day and answers `code_invalid`.
async fn refuse(
    db: &DatabaseConnection,
    codes: &Codes,
    email_key: &str,
    attempts_left: u32,
    now: DateTime<Utc>,
) -> Error {
    if let Err(err) = limits::code_failed(db, email_key, codes.daily_failures, now).await {
        return err;
    }
    metrics::CODES.inc(CodeOutcome::Refused);
    Error::CodeInvalid { attempts_left }
}

fn new_row(
    purpose: Purpose,
    email_key: &str,
    subject_id: Option<i64>,
    secret: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> code::ActiveModel {
    code::ActiveModel {
        purpose: Set(purpose.as_str().to_owned()),
        email_key: Set(email_key.to_owned()),
        subject_id: Set(subject_id),
        code_digest: Set(digest(secret)),
        attempts_used: Set(0),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
}

/// Puts `row` in place of the address's code for its purpose, in one upsert (racing sign-ups
/// never trip over the unique index); with `over_expired_at`, only where that code is expired
/// or missing, which is how a decoy never displaces a live code.
async fn put(
    conn: &impl ConnectionTrait,
    row: code::ActiveModel,
    over_expired_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut on_conflict = OnConflict::columns([Column::Purpose, Column::EmailKey]);
    on_conflict.update_columns([
        Column::SubjectId,
        Column::CodeDigest,
        Column::AttemptsUsed,
        Column::CreatedAt,
        Column::ExpiresAt,
    ]);
    if let Some(now) = over_expired_at {
        on_conflict.action_and_where(Expr::col((CodeRows, Column::ExpiresAt)).lte(now));
    }
    CodeRows::insert(row)
        .on_conflict(on_conflict.to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A try taken on a live code: what the comparison needs.
struct Taken {
    id: i64,
    subject_id: Option<i64>,
    code_digest: String,
    attempts_used: i64,
}

/// Takes one try of the address's live code in one conditional UPDATE: of N racing requests,
/// at most the tries left succeed. `None` when the code is used up.
async fn take_try(
    db: &DatabaseConnection,
    purpose: Purpose,
    email_key: &str,
    attempts: u32,
    now: DateTime<Utc>,
) -> Result<Option<Taken>, DbErr> {
    let sql = "UPDATE codes SET attempts_used = attempts_used + 1 \
               WHERE purpose = $1 AND email_key = $2 AND attempts_used < $3 AND expires_at > $4 \
               RETURNING id, subject_id, code_digest, attempts_used";
    let values = vec![
        purpose.as_str().into(),
        email_key.into(),
        i64::from(attempts).into(),
        now.into(),
    ];
    let Some(row) = db
        .query_one_raw(statement(db.get_database_backend(), sql, values))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Taken {
        id: row.try_get("", "id")?,
        subject_id: row.try_get("", "subject_id")?,
        code_digest: row.try_get("", "code_digest")?,
        attempts_used: row.try_get("", "attempts_used")?,
    }))
}

/// `sql` written with PostgreSQL's `$n` placeholders, for `backend`.
fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => (1..=values.len())
            .rev()
            .fold(sql.to_owned(), |sql, n| sql.replace(&format!("${n}"), "?")),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let values = || (1..=11).map(sea_orm::Value::from).collect::<Vec<_>>();
        let sql = "a = $1 AND b = $10 AND c = $11";
        assert_eq!(statement(DbBackend::Postgres, sql, values()).sql, sql);
        assert_eq!(
            statement(DbBackend::Sqlite, sql, values()).sql,
            "a = ? AND b = ? AND c = ?"
        );
    }
}
