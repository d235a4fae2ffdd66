//! Everything stored about an account, for its owner to take away.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::email_change;
use crate::accounts::{app_password, session};
use crate::entities::{account, audit_log, email_change as change, session as session_row};
use crate::error::Error;

/// What is stored about one account: the rows as they are. The view that delivers them leaves
/// out every digest and hash.
#[derive(Debug)]
pub struct AccountData {
    pub account: account::Model,
    pub sessions: Vec<session_row::Model>,
    pub app_passwords: Vec<crate::entities::app_password::Model>,
    pub events: Vec<audit_log::Model>,
    pub email_change: Option<change::Model>,
}

/// Gathers the account's rows: its live sessions, app passwords, every audit row about it and
/// a pending address change.
pub async fn export(
    db: &DatabaseConnection,
    account: account::Model,
    now: DateTime<Utc>,
) -> Result<AccountData, Error> {
    let sessions = session::list(db, account.id, now).await?;
    let app_passwords = app_password::list(db, account.id).await?;
    let events = audit_log::Entity::find()
        .filter(audit_log::Column::AccountId.eq(account.id))
        .order_by_asc(audit_log::Column::At)
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    let email_change = email_change::pending(db, account.id, now).await?;
    Ok(AccountData {
        account,
        sessions,
        app_passwords,
        events,
        email_change,
    })
}
