//! A password reset request; its link's token points here.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email_key: String,
    /// `None` when nobody has that address: recorded anyway, so the reply takes the same work.
    pub account_id: Option<i64>,
    /// Two-step variant only: the new password, hashed, applied when the link is confirmed.
    pub password_hash: Option<String>,
    pub url_success: Option<String>,
    pub url_failure: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
