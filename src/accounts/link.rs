//! A mailed link that was refused, and where its owner asked to be sent when that happens.

use sea_orm::DbErr;
use url::Url;

use crate::error::Error;

/// A refused confirmation or reset link, with the caller's `urlfailure` when the link was known.
#[derive(Debug)]
pub struct LinkFailed {
    pub error: Error,
    pub url_failure: Option<Url>,
}

impl From<Error> for LinkFailed {
    fn from(error: Error) -> Self {
        LinkFailed {
            error,
            url_failure: None,
        }
    }
}

impl From<DbErr> for LinkFailed {
    fn from(err: DbErr) -> Self {
        Error::from(err).into()
    }
}
