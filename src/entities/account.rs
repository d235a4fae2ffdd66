//! A confirmed account: created only once its address is proven.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    #[sea_orm(unique)]
    pub email_key: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    /// The username as typed, when the account has one.
    pub username: Option<String>,
    /// The username lower-cased: what is compared, and unique among accounts.
    #[sea_orm(unique)]
    pub username_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
