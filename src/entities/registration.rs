//! A registration handle: the sign-up it follows, stored only as its digest.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub handle_digest: String,
    /// None when the address already had an account: such a handle never finishes.
    pub pending_signup_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// The sign-up asked for an app password, handed out by the first `finished` status read.
    pub app_password: bool,
    /// When that read happened: set once, by one conditional update, so it is handed out once.
    pub app_password_issued_at: Option<DateTimeUtc>,
    /// The address the sign-up was for, as stored (None for handles older than this column):
    /// a client holding the handle confirms with the code alone.
    pub email: Option<String>,
    /// The client asked, when it signed up, to be signed in when it confirms with the handle.
    pub login_on_confirm: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
