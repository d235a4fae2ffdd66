//! A confirmed account: created only once its address is proven.

use sea_orm::ActiveValue;
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
    /// Empty for an account an operator created, until its owner sets a password.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    /// The username as typed, when the account has one.
    pub username: Option<String>,
    /// The username lower-cased: what is compared, and unique among accounts.
    #[sea_orm(unique)]
    pub username_key: Option<String>,
    pub role: Role,
    /// The language mails to this person are written in (`en`, `de`, `sv`, `fr`); none: the
    /// default.
    pub language: Option<String>,
    pub state: State,
    /// A UUID other systems' APIs name the account by (DSpace's eperson id), so the integer id
    /// stays internal; none until one is first needed (`accounts::public_id`).
    #[sea_orm(unique)]
    pub public_id: Option<String>,
    /// The names lower-cased, for the admin search's prefix ranges; kept by `before_save`
    /// from `first_name` and `last_name` (a bulk `update_many` of a name must set them too).
    pub first_name_key: String,
    pub last_name_key: String,
}

/// A name as the admin search compares it: trimmed, lower-cased (Unicode, not only ASCII).
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// What an account may do beyond its own account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Role {
    #[sea_orm(string_value = "member")]
    Member,
    /// May invite people.
    #[sea_orm(string_value = "inviter")]
    Inviter,
    /// May run the service: approve, disable, delete accounts and set roles.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// Whether an account may sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum State {
    #[sea_orm(string_value = "active")]
    Active,
    /// Confirmed, waiting for an admin to approve it.
    #[sea_orm(string_value = "pending_approval")]
    PendingApproval,
    #[sea_orm(string_value = "disabled")]
    Disabled,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    /// Whoever writes a name writes its search key with it.
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let ActiveValue::Set(name) = &self.first_name {
            self.first_name_key = ActiveValue::Set(name_key(name));
        }
        if let ActiveValue::Set(name) = &self.last_name {
            self.last_name_key = ActiveValue::Set(name_key(name));
        }
        Ok(self)
    }
}
