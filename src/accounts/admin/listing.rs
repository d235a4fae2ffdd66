//! Finding accounts among a million: the listing and the search the admin pages, their JSON
//! and `doorstep users list` share.
//!
//! Every query is one range of one index, read in that index's order, and pages are keyset
//! pages (a cursor, never `OFFSET`), so page 1 and page 10 000 cost the same:
//! - without a search, accounts in id order (`accounts_state` / `accounts_role` when
//!   filtered, the primary key otherwise);
//! - with a search `q`, accounts whose address, username, first or last name starts with `q`
//!   (lower-cased): one range `q <= key < q || U+10FFFF` on each of the four keys' indexes,
//!   merged in (key, id) order. An account matching in several keys is listed once, under the
//!   smallest of them.

use std::fmt;
use std::str::FromStr;

use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entities::account::{self, Role, State, name_key};
use crate::error::Error;

/// The most accounts one page holds.
pub const MAX_PAGE: u64 = 500;

/// Which accounts a listing shows; `None` is any.
#[derive(Debug, Default, Clone)]
pub struct AccountFilter {
    pub state: Option<State>,
    pub role: Option<Role>,
    /// A prefix of the address, username, first or last name; compared lower-cased.
    pub search: Option<String>,
}

impl AccountFilter {
    /// The search as compared, or `None` when there is nothing to search for.
    fn prefix(&self) -> Option<String> {
        self.search
            .as_deref()
            .map(name_key)
            .filter(|prefix| !prefix.is_empty())
    }
}

/// Where a page starts: after this account (and, in a search, after this key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub id: i64,
    /// The key the account was listed under; empty in a listing without a search.
    pub key: String,
}

/// Written `<id>` or `<id>:<key>`, as the `page` parameter carries it.
impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key.is_empty() {
            true => write!(f, "{}", self.id),
            false => write!(f, "{}:{}", self.id, self.key),
        }
    }
}

impl FromStr for Cursor {
    type Err = Error;

    fn from_str(text: &str) -> Result<Cursor, Error> {
        let (id, key) = text.split_once(':').unwrap_or((text, ""));
        let id = id.parse().map_err(|_| Error::invalid("page", "invalid"))?;
        Ok(Cursor {
            id,
            key: key.to_owned(),
        })
    }
}

/// One page of accounts, and where the next one starts when there is one.
#[derive(Debug)]
pub struct Listing {
    pub accounts: Vec<account::Model>,
    pub next: Option<Cursor>,
}

/// The accounts that match `filter`, `limit` at a time (at most `MAX_PAGE`) from `after`: in
/// id order, or with a search in the order of the key each matched by.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Listing, Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    match filter.prefix() {
        None => in_id_order(db, filter, after, limit).await,
        Some(prefix) => searched(db, filter, &prefix, after, limit).await,
    }
}

fn filtered(filter: &AccountFilter) -> Select<account::Entity> {
    let mut query = account::Entity::find();
    if let Some(state) = filter.state {
        query = query.filter(account::Column::State.eq(state));
    }
    if let Some(role) = filter.role {
        query = query.filter(account::Column::Role.eq(role));
    }
    query
}

async fn in_id_order(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Listing, Error> {
    let mut query = filtered(filter);
    if let Some(after) = after {
        query = query.filter(account::Column::Id.gt(after.id));
    }
    let mut accounts = query
        .order_by_asc(account::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next = (accounts.len() as u64 > limit).then(|| {
        accounts.truncate(limit as usize);
        let last = accounts.last().map_or(0, |account| account.id);
        Cursor {
            id: last,
            key: String::new(),
        }
    });
    Ok(Listing { accounts, next })
}

/// The keys a search looks at, in the order that breaks ties.
const KEYS: [account::Column; 4] = [
    account::Column::EmailKey,
    account::Column::UsernameKey,
    account::Column::FirstNameKey,
    account::Column::LastNameKey,
];

fn key_of(account: &account::Model, column: account::Column) -> Option<&str> {
    match column {
        account::Column::EmailKey => Some(&account.email_key),
        account::Column::UsernameKey => account.username_key.as_deref(),
        account::Column::FirstNameKey => Some(&account.first_name_key),
        _ => Some(&account.last_name_key),
    }
}

/// Which of its keys an account is listed under in a search for `prefix`: the smallest that
/// matches, the first of equals.
fn listed_under(account: &account::Model, prefix: &str) -> Option<usize> {
    KEYS.iter()
        .enumerate()
        .filter_map(|(at, column)| Some((key_of(account, *column)?, at)))
        .filter(|(key, _)| key.starts_with(prefix))
        .min()
        .map(|(_, at)| at)
}

async fn searched(
    db: &impl ConnectionTrait,
    filter: &AccountFilter,
    prefix: &str,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<Listing, Error> {
    // Past every text that starts with `prefix`, byte by byte (the keys compare as bytes).
    let end = format!("{prefix}\u{10FFFF}");
    let mut seen: Vec<(String, i64, usize, account::Model)> = Vec::new();
    // Entries after this one may be missing: some key's range has more than was read.
    let mut bound: Option<(String, i64)> = None;
    for (at, column) in KEYS.iter().enumerate() {
        let from = after.map_or(prefix, |after| after.key.as_str()).max(prefix);
        let mut query = filtered(filter)
            .filter(column.gte(from))
            .filter(column.lt(end.as_str()));
        if let Some(after) = after {
            query = query.filter(
                Condition::any()
                    .add(column.gt(after.key.as_str()))
                    .add(account::Column::Id.gt(after.id)),
            );
        }
        let rows = query
            .order_by_asc(*column)
            .order_by_asc(account::Column::Id)
            .limit(limit + 1)
            .all(db)
            .await?;
        let full = rows.len() as u64 > limit;
        let mut last_here = None;
        for row in rows {
            let key = key_of(&row, *column).unwrap_or_default().to_owned();
            last_here = Some((key.clone(), row.id));
            seen.push((key, row.id, at, row));
        }
        if let (true, Some(here)) = (full, last_here)
            && bound.as_ref().is_none_or(|bound| here < *bound)
        {
            bound = Some(here);
        }
    }
    seen.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    let mut accounts = Vec::new();
    let mut last: Option<(String, i64)> = None;
    let mut more = bound.is_some();
    for (key, id, at, row) in seen {
        if bound.as_ref().is_some_and(|b| (&key, id) > (&b.0, b.1)) {
            break;
        }
        if listed_under(&row, prefix) != Some(at) {
            continue;
        }
        if accounts.len() as u64 == limit {
            more = true;
            break;
        }
        last = Some((key, id));
        accounts.push(row);
    }
    // A page cut short by a bound goes on from the bound: all before it has been seen.
    let next = match (more, accounts.len() as u64 == limit) {
        (false, _) => None,
        (true, true) => last,
        (true, false) => bound,
    };
    Ok(Listing {
        accounts,
        next: next.map(|(key, id)| Cursor { id, key }),
    })
}

/// How many accounts are in each state (for the overview).
pub async fn count_by_state(db: &impl ConnectionTrait) -> Result<Vec<(State, u64)>, Error> {
    let rows: Vec<(State, i64)> = account::Entity::find()
        .select_only()
        .column(account::Column::State)
        .column_as(account::Column::Id.count(), "n")
        .group_by(account::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(state, n)| (state, n.max(0) as u64))
        .collect())
}

/// The newest accounts, newest first (for the overview).
pub async fn newest(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<account::Model>, Error> {
    Ok(account::Entity::find()
        .order_by_desc(account::Column::Id)
        .limit(limit.clamp(1, MAX_PAGE))
        .all(db)
        .await?)
}
