//! An invitation: a link mailed to one address, redeemed once into an active account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 of the link's secret, hex.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub email: String,
    pub email_key: String,
    /// The names the inviter gave, offered on the form (the invitee may change them).
    pub first_name: String,
    pub last_name: String,
    /// The inviting account; none when the operator invited from the command line.
    pub inviter_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    /// The account the invitation became.
    pub account_id: Option<i64>,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
