//! One error type for the whole service: a stable code, a status, a message for humans.
//!
//! The web layer renders it as JSON or HTML (see `web::negotiate`); everything below the web
//! layer returns it without knowing how it will be shown.

use std::collections::BTreeMap;
use std::time::Duration;

/// Field name → reason code, e.g. `"email" → "invalid"`.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

/// Every way a request can fail, each with a stable `code()` that clients may rely on.
///
/// `Error::iter()` yields one of each kind, so the API description lists every code.
#[derive(Debug, thiserror::Error, strum::EnumIter)]
pub enum Error {
    #[error("Some fields are missing or invalid.")]
    InvalidRequest(FieldErrors),
    #[error("The password does not meet the password rules.")]
    WeakPassword(&'static str),
    #[error("Please solve the captcha.")]
    CaptchaRequired,
    #[error("The captcha answer was not accepted. Please try a new one.")]
    CaptchaInvalid,
    #[error("That redirect target is not permitted.")]
    RedirectNotAllowed(&'static str),
    #[error("This link is not valid. It may have been mistyped or replaced by a newer one.")]
    TokenInvalid,
    /// A wrong one-time code, or one that no longer works (used up, expired, or the address's
    /// wrong tries for the day are spent); the same for every address, pending or not.
    #[error("This code is not right, or no longer works. Check the latest mail, or use its link.")]
    CodeInvalid { attempts_left: u32 },
    /// An email-first sign-up confirmed without its details: they come with
    /// `POST /auth/signup/complete`, and nothing was used up.
    #[error("Choose your name and password to finish signing up.")]
    DetailsRequired,
    #[error("The email address or the password is wrong.")]
    InvalidCredentials,
    #[error("Please sign in first.")]
    Unauthenticated,
    /// A route for programs that takes `Authorization: Bearer <token>` (`/metrics`); the same
    /// code as `Unauthenticated`, with a challenge that says which scheme.
    #[error("Send the configured token as Authorization: Bearer <token>.")]
    BearerRequired,
    /// An app password where changing credentials (password, address, app passwords, sessions)
    /// needs a session: a program's credential must not be able to lock its owner out.
    #[error("This needs a signed-in session; an app password only reads the account.")]
    SessionRequired,
    #[error("Sign-up is switched off on this server.")]
    SignupDisabled,
    #[error("Password reset is switched off on this server.")]
    PasswordResetDisabled,
    #[error("Sign-up is not open to addresses in this domain.")]
    DomainNotAllowed,
    #[error("The form has expired. Reload the page and try again.")]
    CsrfInvalid,
    /// A state-changing request, not a form, from a page whose origin is neither doorstep's
    /// own nor listed in `doorstep.cors.origins`.
    #[error("Requests from this page's origin are not accepted.")]
    OriginNotAllowed,
    /// The right password, into an account that waits for an admin's approval.
    #[error("This account is waiting for an administrator's approval.")]
    ApprovalPending,
    /// The right password, into an account an admin disabled.
    #[error("This account is disabled.")]
    AccountDisabled,
    /// Sign-up is invite-only and the request carries no invitation or registration token, or
    /// a token that does not work (`reason`, in `fields.registration_token`: `invalid`,
    /// `expired`, `used_up`). Tokens are 32 random bytes, so saying which tells a guesser
    /// nothing.
    #[error("Sign-up on this server is by invitation only.")]
    InvitationRequired { reason: Option<&'static str> },
    /// Signed in, but without the role the route needs.
    #[error("Your account may not do this.")]
    Forbidden,
    /// An OCS request without `OCS-APIRequest: true`: Nextcloud's guard against pages
    /// elsewhere, which cannot add that header without a preflight.
    #[error("OCS requests must carry the header OCS-APIRequest: true.")]
    OcsHeaderMissing,
    #[error("There is nothing here.")]
    NotFound,
    /// A reply format this route does not offer (Nextcloud's OCS XML).
    #[error("This API answers in JSON only: send Accept: application/json or ?format=json.")]
    NotAcceptable,
    #[error("This link has expired. Please ask for a new one.")]
    TokenExpired,
    /// Usernames are public, so saying one is taken reveals no address.
    #[error("This username is taken. Please choose another.")]
    UsernameTaken,
    #[error("The request body is too large.")]
    BodyTooLarge,
    #[error("Send the body as application/x-www-form-urlencoded or application/json.")]
    UnsupportedMediaType,
    #[error("The address (URL) of the request is too long.")]
    UriTooLong,
    #[error("The request's headers are too large.")]
    HeadersTooLarge,
    #[error("Too many requests. Please wait a little and try again.")]
    RateLimited { retry_after: Duration },
    #[error("The server is busy. Please try again shortly.")]
    Busy { retry_after: Duration },
    #[error("A service this request needs is unavailable. Please try again later.")]
    Unavailable,
    /// The cause is logged where it is converted, never shown to the client.
    #[error("Something went wrong on our side.")]
    Internal,
}

impl Error {
    /// The stable code of DESIGN.md section 3.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidRequest(_) => "invalid_request",
            Error::WeakPassword(_) => "weak_password",
            Error::CaptchaRequired => "captcha_required",
            Error::CaptchaInvalid => "captcha_invalid",
            Error::RedirectNotAllowed(_) => "redirect_not_allowed",
            Error::TokenInvalid => "token_invalid",
            Error::CodeInvalid { .. } => "code_invalid",
            Error::DetailsRequired => "details_required",
            Error::InvalidCredentials => "invalid_credentials",
            Error::Unauthenticated | Error::BearerRequired => "unauthenticated",
            Error::SessionRequired => "forbidden",
            Error::SignupDisabled => "signup_disabled",
            Error::PasswordResetDisabled => "password_reset_disabled",
            Error::DomainNotAllowed => "domain_not_allowed",
            Error::CsrfInvalid => "csrf_invalid",
            Error::OriginNotAllowed => "origin_not_allowed",
            Error::ApprovalPending => "approval_pending",
            Error::AccountDisabled => "account_disabled",
            Error::Forbidden => "forbidden",
            Error::InvitationRequired { .. } => "invitation_required",
            Error::OcsHeaderMissing => "ocs_header_missing",
            Error::NotFound => "not_found",
            Error::NotAcceptable => "not_acceptable",
            Error::TokenExpired => "token_expired",
            Error::UsernameTaken => "username_taken",
            Error::BodyTooLarge => "body_too_large",
            Error::UnsupportedMediaType => "unsupported_media_type",
            Error::UriTooLong => "uri_too_long",
            Error::HeadersTooLarge => "headers_too_large",
            Error::RateLimited { .. } => "rate_limited",
            Error::Busy { .. } => "busy",
            Error::Unavailable => "unavailable",
            Error::Internal => "internal",
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Error::InvalidRequest(_)
            | Error::WeakPassword(_)
            | Error::RedirectNotAllowed(_)
            | Error::CaptchaRequired
            | Error::CaptchaInvalid
            | Error::TokenInvalid
            | Error::CodeInvalid { .. }
            | Error::DetailsRequired => 400,
            Error::InvalidCredentials
            | Error::Unauthenticated
            | Error::BearerRequired
            | Error::OcsHeaderMissing => 401,
            Error::SessionRequired
            | Error::SignupDisabled
            | Error::PasswordResetDisabled
            | Error::DomainNotAllowed
            | Error::CsrfInvalid
            | Error::OriginNotAllowed
            | Error::ApprovalPending
            | Error::AccountDisabled
            | Error::InvitationRequired { .. }
            | Error::Forbidden => 403,
            Error::NotFound => 404,
            Error::NotAcceptable => 406,
            Error::UsernameTaken => 409,
            Error::TokenExpired => 410,
            Error::RateLimited { .. } => 429,
            Error::BodyTooLarge => 413,
            Error::UriTooLong => 414,
            Error::UnsupportedMediaType => 415,
            Error::HeadersTooLarge => 431,
            Error::Busy { .. } | Error::Unavailable => 503,
            Error::Internal => 500,
        }
    }

    /// The fields at fault, for the `fields` member of the JSON error.
    pub fn fields(&self) -> FieldErrors {
        match self {
            Error::InvalidRequest(fields) => fields.clone(),
            Error::WeakPassword(reason) => FieldErrors::from([("password", *reason)]),
            Error::RedirectNotAllowed(field) => FieldErrors::from([(*field, "not_allowed")]),
            Error::DomainNotAllowed => FieldErrors::from([("email", "domain_not_allowed")]),
            Error::UsernameTaken => FieldErrors::from([("username", "taken")]),
            Error::InvitationRequired {
                reason: Some(reason),
            } => FieldErrors::from([("registration_token", *reason)]),
            _ => FieldErrors::new(),
        }
    }

    /// How many more tries a one-time code takes, for `attempts_left`.
    pub fn attempts_left(&self) -> Option<u32> {
        match self {
            Error::CodeInvalid { attempts_left } => Some(*attempts_left),
            _ => None,
        }
    }

    /// How long a client should wait before retrying, for `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Busy { retry_after } | Error::RateLimited { retry_after } => Some(*retry_after),
            // A database lock or an outage of a service we ask: worth trying again shortly.
            Error::Unavailable => Some(Duration::from_secs(5)),
            _ => None,
        }
    }

    /// The `WWW-Authenticate` challenge of a 401 that names an HTTP authentication scheme.
    pub fn challenge(&self) -> Option<&'static str> {
        match self {
            Error::BearerRequired => Some("Bearer"),
            _ => None,
        }
    }

    /// A single-field `invalid_request`.
    pub fn invalid(field: &'static str, reason: &'static str) -> Error {
        Error::InvalidRequest(FieldErrors::from([(field, reason)]))
    }

    /// Logs an unexpected failure and hides it behind `internal`.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Error {
        log::error!("{context}: {cause}");
        Error::Internal
    }
}

impl From<sea_orm::DbErr> for Error {
    /// A database that cannot be reached, or that stayed locked by another writer past the
    /// lock wait, is `unavailable` (503, worth a retry); anything else it says is a fault of
    /// ours.
    fn from(err: sea_orm::DbErr) -> Self {
        match err {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                log::error!("database unavailable: {err}");
                Error::Unavailable
            }
            err if is_lock_wait(&err) => {
                log::warn!("database busy: {err}");
                Error::Unavailable
            }
            err => Error::internal("database", err),
        }
    }
}

/// SQLite's `SQLITE_BUSY`/`SQLITE_LOCKED` (any extended code), PostgreSQL's `lock_not_available`,
/// `serialization_failure` and `deadlock_detected`: the same request may well pass a moment later.
fn is_lock_wait(err: &sea_orm::DbErr) -> bool {
    let Some(db) = sqlx_cause(err).and_then(|sqlx| sqlx.as_database_error()) else {
        return false;
    };
    let code = db.code().unwrap_or_default();
    if db
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
    {
        // SQLite's primary result code is the low byte of the extended one.
        code.parse::<u32>()
            .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
    } else {
        matches!(code.as_ref(), "55P03" | "40001" | "40P01")
    }
}

/// The driver's own error behind a database error, when sqlx raised it.
pub fn sqlx_cause(err: &sea_orm::DbErr) -> Option<&sea_orm::sqlx::Error> {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(sqlx))
        | DbErr::Exec(RuntimeErr::SqlxError(sqlx))
        | DbErr::Query(RuntimeErr::SqlxError(sqlx)) => Some(sqlx.as_ref()),
        _ => None,
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(err: sea_orm::TransactionError<Error>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(err) => err,
        }
    }
}
