//! `doorstep audit [--since 24h] [--json]`: what happened to accounts, oldest first.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::users::{Flags, timestamp};
use super::{json, reason, table, usage};
use crate::accounts::Context;
use crate::accounts::audit;
use crate::entities::account;

/// The most events one listing shows.
const MAX_EVENTS: u64 = 10_000;

#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    since: Duration,
    json: bool,
}

pub(super) fn parse(words: &[String]) -> Result<Command, String> {
    let mut flags = Flags::read(words)?;
    let since = match flags.value("--since")? {
        Some(text) => duration(&text).ok_or_else(|| {
            usage(&format!(
                "--since {text:?} is not a duration (use e.g. 90s, 15m, 24h or 7d)"
            ))
        })?,
        None => Duration::hours(24),
    };
    let json = flags.switch("--json");
    flags.finish()?;
    Ok(Command { since, json })
}

/// `90s`, `15m`, `24h`, `7d`: at most ten years.
fn duration(text: &str) -> Option<Duration> {
    crate::clock::span(text, Duration::days(10 * 366))
}

/// An event as scripts read it; `account` and `actor` are the addresses of accounts that
/// still exist.
#[derive(Serialize)]
struct Row {
    at: String,
    event: String,
    account_id: Option<i64>,
    account: Option<String>,
    actor_id: Option<i64>,
    actor: Option<String>,
    source: String,
    client: Option<String>,
    detail: String,
}

pub(super) async fn run(
    ctx: &Context,
    command: Command,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let failed = |error: crate::error::Error| reason("audit", &error);
    let events = audit::since(&ctx.db, now - command.since, MAX_EVENTS)
        .await
        .map_err(|err| failed(err.into()))?;
    let ids: Vec<i64> = events
        .iter()
        .flat_map(|event| [event.account_id, event.actor_id])
        .flatten()
        .collect();
    let addresses: HashMap<i64, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(&ctx.db)
        .await
        .map_err(|err| failed(err.into()))?
        .into_iter()
        .map(|account| (account.id, account.email))
        .collect();
    let rows: Vec<Row> = events
        .into_iter()
        .map(|event| Row {
            at: timestamp(event.at),
            account: event.account_id.and_then(|id| addresses.get(&id).cloned()),
            actor: event.actor_id.and_then(|id| addresses.get(&id).cloned()),
            event: event.event,
            account_id: event.account_id,
            actor_id: event.actor_id,
            source: event.source,
            client: event.client,
            detail: event.detail,
        })
        .collect();
    if command.json {
        return json(&rows);
    }
    let name = |address: &Option<String>, id: Option<i64>| match (address, id) {
        (Some(address), _) => address.clone(),
        (None, Some(id)) => format!("#{id}"),
        (None, None) => String::new(),
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let actor = match (row.actor_id, row.source.as_str()) {
                (None, "cli") => "(command line)".to_owned(),
                _ => name(&row.actor, row.actor_id),
            };
            vec![
                row.at.clone(),
                row.event.clone(),
                name(&row.account, row.account_id),
                actor,
                row.client.clone().unwrap_or_default(),
                row.detail.clone(),
            ]
        })
        .collect();
    Ok(table(
        &["TIME", "EVENT", "ACCOUNT", "BY", "CLIENT", "DETAIL"],
        &cells,
    ))
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_like_the_configurations() {
        assert_eq!(duration("90s"), Some(chrono::Duration::seconds(90)));
        assert_eq!(duration("24h"), Some(chrono::Duration::hours(24)));
        assert_eq!(duration("7d"), Some(chrono::Duration::days(7)));
        for wrong in ["", "h", "0h", "24", "24x", "-1h", "99999999999d"] {
            assert_eq!(duration(wrong), None, "{wrong:?}");
        }
    }
}
