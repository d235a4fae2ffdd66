//! Mail: rendering letters, the durable outbox, and the transports that deliver it.

pub mod compose;
pub mod lease;
pub mod outbox;
mod readable;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use lettre::message::Mailbox;
use tokio::sync::Notify;

pub use compose::{Composer, SessionLetter};
pub use transport::{MemoryMailbox, SentMail, Transport};

/// Someone a letter is addressed to, and the language they read.
pub struct Recipient {
    pub email: String,
    pub name: String,
    pub first_name: String,
    pub language: &'static str,
}

impl Recipient {
    pub fn new(email: &str, first_name: &str, last_name: &str) -> Self {
        Recipient {
            email: email.to_owned(),
            name: format!("{first_name} {last_name}").trim().to_owned(),
            first_name: first_name.to_owned(),
            language: crate::i18n::DEFAULT,
        }
    }

    /// An account's owner, in the language stored with the account.
    pub fn account(account: &crate::entities::account::Model) -> Self {
        Recipient::new(&account.email, &account.first_name, &account.last_name)
            .reading(account.language.as_deref())
    }

    /// The letter in the language stored for this person (the default when none is, or when it
    /// is not one doorstep speaks).
    pub fn reading(mut self, language: Option<&str>) -> Self {
        self.language = language
            .and_then(crate::i18n::known)
            .unwrap_or(crate::i18n::DEFAULT);
        self
    }

    fn mailbox(&self) -> Result<Mailbox, lettre::address::AddressError> {
        let name = (!self.name.is_empty()).then(|| self.name.clone());
        Ok(Mailbox::new(name, self.email.parse()?))
    }
}

/// A rendered mail, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Letter {
    pub kind: &'static str,
    pub to: Mailbox,
    pub bcc: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The link the mail is about; logged by the `file` and `log` transports for development.
    pub action_url: Option<String>,
}

/// What the request side needs of mail: rendering, and waking the delivery worker.
#[derive(Clone)]
pub struct Mailer {
    pub composer: Arc<Composer>,
    wake: Arc<Notify>,
}

impl Mailer {
    pub fn new(composer: Composer) -> Self {
        Mailer {
            composer: Arc::new(composer),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the worker that a letter was just queued, so it need not wait for its next round.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn woken(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}
