//! A registration token: lets N sign-ups through in invite-only mode; only its SHA-256 and its
//! first 8 characters are stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registration_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The token's first 8 characters, to name it in lists and to revoke it by.
    pub label: String,
    /// How many sign-ups it was made for.
    pub uses: i64,
    /// Taken one at a time by a conditional update, never below zero.
    pub uses_left: i64,
    /// The admin who made it; none from the command line.
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
