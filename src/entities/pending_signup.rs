//! A sign-up waiting for its address to be proven.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_signups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub email_key: String,
    pub first_name: String,
    pub last_name: String,
    /// Emptied once the account exists, so the hash lives in one place only.
    pub password_hash: String,
    pub url_success: Option<String>,
    pub url_failure: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set when confirmed: a second click on the same link shows the same success.
    pub account_id: Option<i64>,
    /// The username asked for, as typed; claimed only when the account is created.
    pub username: Option<String>,
    /// Set when an admin rejected the account this sign-up created (the account is gone).
    pub rejected_at: Option<DateTimeUtc>,
    /// The language mails to this person are written in (`en`, `de`, `sv`, `fr`); none: the
    /// default.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
