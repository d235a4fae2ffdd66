//! `doorstep tokens create|list|revoke`: the registration tokens of invite-only sign-up.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::users::{Flags, timestamp};
use super::{json, table, usage};
use crate::accounts::Context;
use crate::accounts::audit::Actor;
use crate::accounts::registration_tokens::{self, MAX_USES};
use crate::entities::registration_token;
use crate::error::Error;

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Create {
        uses: i64,
        lifetime: Duration,
        json: bool,
    },
    List {
        json: bool,
    },
    Revoke {
        token: String,
    },
}

pub(super) fn parse(words: &[String]) -> Result<Command, String> {
    let Some((verb, rest)) = words.split_first() else {
        return Err(usage("tokens: which command?"));
    };
    let mut flags = Flags::read(rest)?;
    let command = match verb.as_str() {
        "create" => {
            let uses = match flags.value("--uses")? {
                Some(text) => text
                    .parse()
                    .ok()
                    .filter(|uses| (1..=MAX_USES).contains(uses))
                    .ok_or_else(|| {
                        usage(&format!(
                            "--uses {text:?} is not a number from 1 to {MAX_USES}"
                        ))
                    })?,
                None => 1,
            };
            let lifetime = match flags.value("--expires")? {
                Some(text) => registration_tokens::lifetime(&text).ok_or_else(|| {
                    usage(&format!(
                        "--expires {text:?} is not a duration up to 366d (use e.g. 24h or 7d)"
                    ))
                })?,
                None => Duration::days(7),
            };
            Command::Create {
                uses,
                lifetime,
                json: flags.switch("--json"),
            }
        }
        "list" => Command::List {
            json: flags.switch("--json"),
        },
        "revoke" => {
            let [token]: [String; 1] = flags
                .take_words()
                .try_into()
                .map_err(|_| usage("expected: doorstep tokens revoke <token|label>"))?;
            Command::Revoke { token }
        }
        other => return Err(usage(&format!("tokens: unknown command {other:?}"))),
    };
    flags.finish()?;
    Ok(command)
}

/// A new token as scripts read it.
#[derive(Serialize)]
struct Made {
    token: String,
    uses: i64,
    expires_at: String,
}

/// A token in the list: its label, never the token.
#[derive(Serialize)]
struct Row {
    label: String,
    uses: i64,
    uses_left: i64,
    expires_at: String,
    created_at: String,
}

impl Row {
    fn of(row: registration_token::Model) -> Row {
        Row {
            label: row.label,
            uses: row.uses,
            uses_left: row.uses_left,
            expires_at: timestamp(row.expires_at),
            created_at: timestamp(row.created_at),
        }
    }
}

pub(super) async fn run(
    ctx: &Context,
    command: Command,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let failed = |subject: &str, error: Error| match error {
        Error::NotFound => format!("{subject}: no such token"),
        error if error.fields().get("token") == Some(&"ambiguous") => {
            format!("{subject}: two tokens have this label; revoke by the whole token")
        }
        error if error.fields().get("token") == Some(&"invalid") => {
            format!("{subject}: neither a token nor a token's 8-character label")
        }
        error => format!("{subject}: {error} ({})", error.code()),
    };
    match command {
        Command::Create {
            uses,
            lifetime,
            json: as_json,
        } => {
            let made = registration_tokens::create(&ctx.db, &Actor::cli(), uses, lifetime, now)
                .await
                .map_err(|error| failed("tokens create", error))?;
            if as_json {
                return json(&Made {
                    token: made.token,
                    uses: made.row.uses,
                    expires_at: timestamp(made.row.expires_at),
                });
            }
            Ok(format!("{}\n", made.token))
        }
        Command::List { json: as_json } => {
            let rows: Vec<Row> = registration_tokens::list(&ctx.db)
                .await
                .map_err(|error| failed("tokens list", error))?
                .into_iter()
                .map(Row::of)
                .collect();
            if as_json {
                return json(&rows);
            }
            let cells: Vec<Vec<String>> = rows
                .into_iter()
                .map(|row| {
                    vec![
                        row.label,
                        format!("{}/{}", row.uses_left, row.uses),
                        row.expires_at,
                        row.created_at,
                    ]
                })
                .collect();
            Ok(table(&["LABEL", "USES LEFT", "EXPIRES", "CREATED"], &cells))
        }
        Command::Revoke { token } => {
            let row = registration_tokens::revoke(&ctx.db, &Actor::cli(), &token, now)
                .await
                .map_err(|error| failed(&token, error))?;
            Ok(format!("{}: revoked\n", row.label))
        }
    }
}
