//! An account's public id: the UUID other systems' APIs name it by (DSpace's eperson `id`), so
//! the integer id never leaves the server.
//!
//! It is made on first use by one conditional update rather than at creation, so no path that
//! creates accounts has to remember it; of two first uses at once one writes it, and both read
//! the same value back.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::account::{self, Column};
use crate::error::Error;
use crate::random;

/// The account's public id, made now if it has none yet; `None` when the account is gone.
/// Read first, so an account that has one costs no write.
pub async fn of(conn: &impl ConnectionTrait, account_id: i64) -> Result<Option<String>, Error> {
    if let Some(public_id) = stored(conn, account_id).await? {
        return Ok(Some(public_id));
    }
    account::Entity::update_many()
        .col_expr(Column::PublicId, Expr::value(random::uuid()))
        .filter(Column::Id.eq(account_id))
        .filter(Column::PublicId.is_null())
        .exec(conn)
        .await?;
    stored(conn, account_id).await
}

async fn stored(conn: &impl ConnectionTrait, account_id: i64) -> Result<Option<String>, Error> {
    let public_id: Option<Option<String>> = account::Entity::find_by_id(account_id)
        .select_only()
        .column(Column::PublicId)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(public_id.flatten())
}

/// Whether `text` names this account: the same UUID, in any case. Compared with the stored
/// value only, so a text that is no UUID never matches.
pub fn names(public_id: &str, text: &str) -> bool {
    random::is_uuid(text) && public_id.eq_ignore_ascii_case(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_id_matches_itself_in_any_case_and_nothing_else() {
        let id = random::uuid();
        assert!(names(&id, &id));
        assert!(names(&id, &id.to_uppercase()));
        assert!(!names(&id, &random::uuid()));
        assert!(!names("", ""));
        assert!(!names(&id, &format!(" {id}")));
    }
}
