//! Every reply body, as a type: programs get it as JSON, and browsers see its template filled
//! with the same values plus what only a page shows. The JSON contract is written down here.

mod password_reset;
mod session;
mod signup;

use serde::Serialize;
use serde_json::{Map, Value, json};

pub use password_reset::{ChoosePassword, PasswordChanged, ResetRequestPage, ResetRequested};
pub use session::{AccountView, SignInPage, SignedIn, SignedOut};
pub use signup::{AccountCreated, ConfirmPage, ConfirmationSent, SignUpPage};

/// A reply body with the template that shows it to people.
pub trait View: Serialize {
    /// The page's shipped file name below `templates/` (and the name an override takes).
    const TEMPLATE: &'static str;

    /// Adds what only the page shows, never sent to programs (an address just used, a link's
    /// token, the values of a form shown again).
    fn page_only(&self, _page: &mut Map<String, Value>) {}
}

/// `GET /healthz`.
#[derive(Serialize)]
pub struct Health {
    status: &'static str,
}

impl Health {
    pub fn ok() -> Health {
        Health { status: "ok" }
    }
}

/// `GET /auth/captcha`: a picture challenge and where its PNG is.
#[derive(Serialize)]
pub struct PictureChallenge {
    pub id: String,
    pub image: String,
}

/// Puts `value` into a page's values under `key`.
fn insert(page: &mut Map<String, Value>, key: &str, value: &impl Serialize) {
    page.insert(key.to_owned(), json!(value));
}
