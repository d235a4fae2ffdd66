//! A one-time code of one flow and address; only its SHA-256 is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `signup` or `password_reset`, as for one-time tokens.
    pub purpose: String,
    /// The normalized address the code is typed with; one code per purpose and address.
    pub email_key: String,
    /// The pending sign-up or reset request; None for a decoy that only counts wrong tries.
    pub subject_id: Option<i64>,
    pub code_digest: String,
    pub attempts_used: i64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
