//! One event in the life of an account: who did what, when, from where. Never a password,
//! token or code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub event: String,
    /// The account the event is about; kept after the account is deleted.
    pub account_id: Option<i64>,
    /// The account that acted, when one did (the command line acts as nobody's account).
    pub actor_id: Option<i64>,
    /// `web` or `cli`.
    pub source: String,
    /// The client's address, for events that came over HTTP.
    pub client: Option<String>,
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
