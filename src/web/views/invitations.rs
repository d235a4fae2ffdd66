//! Invitations and registration tokens, as inviters and admins see them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{View, insert, time};
use crate::accounts::invitations::Standing;
use crate::accounts::registration_tokens::Made;
use crate::entities::{invitation, registration_token};

/// One invitation (never its link).
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    /// For `DELETE /auth/invitations/{id}`.
    id: i64,
    #[schema(example = "grace@example.com")]
    email: String,
    firstname: String,
    lastname: String,
    /// `pending`, `redeemed`, `withdrawn` or `expired`. An invitation to an address that
    /// already had an account stays `pending` until it expires, like one not taken up.
    #[schema(example = "pending")]
    status: &'static str,
    /// The inviting account's id; null when the operator invited from the command line.
    inviter: Option<i64>,
    /// RFC 3339, UTC.
    created_at: String,
    expires_at: String,
}

impl InvitationView {
    pub fn new(row: invitation::Model, now: DateTime<Utc>) -> InvitationView {
        InvitationView {
            status: Standing::of(&row, now).name(),
            id: row.id,
            email: row.email,
            firstname: row.first_name,
            lastname: row.last_name,
            inviter: row.inviter_id,
            created_at: time(row.created_at),
            expires_at: time(row.expires_at),
        }
    }
}

/// `GET /auth/invitations`: yours (an admin's: everyone's), newest first.
#[derive(Serialize, ToSchema)]
pub struct InvitationList {
    invitations: Vec<InvitationView>,
}

impl InvitationList {
    pub fn new(rows: Vec<invitation::Model>, now: DateTime<Utc>) -> InvitationList {
        InvitationList {
            invitations: rows
                .into_iter()
                .map(|row| InvitationView::new(row, now))
                .collect(),
        }
    }
}

/// `POST /auth/invitations`: the invitation is on its way (browsers go back to the account
/// page). The same whether or not the address has an account.
#[derive(Serialize, ToSchema)]
pub struct InvitationSent {
    #[schema(example = "invitation_sent")]
    status: &'static str,
    invitation: InvitationView,
}

impl InvitationSent {
    pub fn new(row: invitation::Model, now: DateTime<Utc>) -> InvitationSent {
        InvitationSent {
            status: "invitation_sent",
            invitation: InvitationView::new(row, now),
        }
    }
}

impl View for InvitationSent {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// `DELETE /auth/invitations/{id}`: its link no longer works (browsers go back to the account
/// page).
#[derive(Serialize, ToSchema)]
pub struct InvitationWithdrawn {
    #[schema(example = "withdrawn")]
    status: &'static str,
    invitation: InvitationView,
}

impl InvitationWithdrawn {
    pub fn new(row: invitation::Model, now: DateTime<Utc>) -> InvitationWithdrawn {
        InvitationWithdrawn {
            status: "withdrawn",
            invitation: InvitationView::new(row, now),
        }
    }
}

impl View for InvitationWithdrawn {
    const TEMPLATE: &'static str = "account.html.tera";
}

/// One registration token, by its label (never the token).
#[derive(Serialize, ToSchema)]
pub struct RegistrationTokenView {
    /// The token's first 8 characters: revoke it by them.
    #[schema(example = "q3JmX0aB")]
    label: String,
    uses: i64,
    uses_left: i64,
    /// RFC 3339, UTC.
    created_at: String,
    expires_at: String,
    /// Whether a sign-up could use it now.
    usable: bool,
}

impl RegistrationTokenView {
    pub fn new(row: registration_token::Model, now: DateTime<Utc>) -> RegistrationTokenView {
        RegistrationTokenView {
            usable: row.uses_left > 0 && row.expires_at > now,
            label: row.label,
            uses: row.uses,
            uses_left: row.uses_left,
            created_at: time(row.created_at),
            expires_at: time(row.expires_at),
        }
    }
}

/// `GET /admin/registration-tokens`: every token, newest first.
#[derive(Serialize, ToSchema)]
pub struct RegistrationTokenList {
    registration_tokens: Vec<RegistrationTokenView>,
}

impl RegistrationTokenList {
    pub fn new(rows: Vec<registration_token::Model>, now: DateTime<Utc>) -> Self {
        RegistrationTokenList {
            registration_tokens: rows
                .into_iter()
                .map(|row| RegistrationTokenView::new(row, now))
                .collect(),
        }
    }
}

impl View for RegistrationTokenList {
    const TEMPLATE: &'static str = "admin/registration_tokens.html.tera";
}

/// `POST /admin/registration-tokens`: the new token, shown this once (the page lists the
/// others below it).
#[derive(Serialize, ToSchema)]
pub struct RegistrationTokenMade {
    /// The token: sign-ups send it as `registration_token`. Stored only hashed; it cannot
    /// be shown again.
    #[schema(example = "q3JmX0aB…")]
    token: String,
    label: String,
    uses: i64,
    /// RFC 3339, UTC.
    expires_at: String,
    #[serde(skip)]
    others: RegistrationTokenList,
}

impl RegistrationTokenMade {
    pub fn new(made: Made, others: RegistrationTokenList) -> RegistrationTokenMade {
        RegistrationTokenMade {
            token: made.token,
            label: made.row.label,
            uses: made.row.uses,
            expires_at: time(made.row.expires_at),
            others,
        }
    }
}

impl View for RegistrationTokenMade {
    const TEMPLATE: &'static str = "admin/registration_tokens.html.tera";

    fn page_only(&self, page: &mut Map<String, Value>) {
        insert(
            page,
            "registration_tokens",
            &self.others.registration_tokens,
        );
        insert(page, "made", &true);
    }
}

/// `POST /admin/registration-tokens/{label}/revoke`: the token no longer works (browsers go
/// back to the list).
#[derive(Serialize, ToSchema)]
pub struct RegistrationTokenRevoked {
    #[schema(example = "revoked")]
    status: &'static str,
    label: String,
}

impl RegistrationTokenRevoked {
    pub fn new(row: registration_token::Model) -> RegistrationTokenRevoked {
        RegistrationTokenRevoked {
            status: "revoked",
            label: row.label,
        }
    }
}

impl View for RegistrationTokenRevoked {
    const TEMPLATE: &'static str = "admin/registration_tokens.html.tera";
}
