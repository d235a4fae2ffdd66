//! An image captcha: its picture, the salted SHA-256 of its answer, and whether it was used.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "captcha_challenges")]
pub struct Model {
    /// Random and public: the image's URL names it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub answer_hash: String,
    #[sea_orm(column_type = "Blob")]
    pub png: Vec<u8>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
