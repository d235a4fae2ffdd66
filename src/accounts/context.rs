//! What the rules of registration work with, and nothing else: the database, the settings,
//! the password hasher, the mail they queue, the captchas they check and the links they mail.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::password::PasswordHasher;
use crate::captcha::Captchas;
use crate::config::Settings;
use crate::links::Links;
use crate::mail::Mailer;

/// The domain's view of a running doorstep: built once at start-up, shared by every request,
/// and built in a few lines by a test that needs no web server.
pub struct Context {
    pub db: DatabaseConnection,
    /// Where credential lookups read: read-only connections beside the one that writes (on
    /// SQLite, whose writer is a single connection), else the same pool as `db`.
    pub readers: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub hasher: PasswordHasher,
    /// Renders letters and wakes the delivery worker once they are queued.
    pub mail: Mailer,
    pub captcha: Captchas,
    pub links: Links,
}

impl Context {
    /// Assembles a context; the links follow from the settings.
    pub fn new(
        db: DatabaseConnection,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
        mail: Mailer,
        captcha: Captchas,
    ) -> Context {
        let links = Links::new(&settings);
        Context {
            readers: db.clone(),
            db,
            settings,
            hasher,
            mail,
            captcha,
            links,
        }
    }

    /// Credential lookups read through `readers` (see `database::readers`) rather than the
    /// connection that writes.
    pub fn with_readers(mut self, readers: DatabaseConnection) -> Context {
        self.readers = readers;
        self
    }
}
