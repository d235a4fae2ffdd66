//! An address change waiting for the new address to be proven; its link's token and its code
//! point here.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// One change per account: a newer request replaces the older one.
    #[sea_orm(unique)]
    pub account_id: i64,
    /// The new address as stored once it is proven.
    pub email: String,
    pub email_key: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
