//! `doorstep invite <email> [--firstname F] [--lastname L] [--json]`: mails an invitation, as an
//! inviter would, from the operators (the mail names no inviter).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::users::{Flags, timestamp};
use super::{json, reason, usage};
use crate::accounts::Context;
use crate::accounts::audit::Actor;
use crate::accounts::invitations::{self, InvitationForm, Standing};

#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    email: String,
    firstname: String,
    lastname: String,
    json: bool,
}

pub(super) fn parse(words: &[String]) -> Result<Command, String> {
    let mut flags = Flags::read(words)?;
    let firstname = flags.value("--firstname")?.unwrap_or_default();
    let lastname = flags.value("--lastname")?.unwrap_or_default();
    let json = flags.switch("--json");
    let [email]: [String; 1] = flags
        .take_words()
        .try_into()
        .map_err(|_| usage("expected: doorstep invite <email>"))?;
    flags.finish()?;
    Ok(Command {
        email,
        firstname,
        lastname,
        json,
    })
}

/// The invitation as scripts read it (never its link: that is in the invitee's mail only).
#[derive(Serialize)]
struct Invited {
    id: i64,
    email: String,
    firstname: String,
    lastname: String,
    status: &'static str,
    expires_at: String,
}

pub(super) async fn run(
    ctx: &Context,
    command: Command,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let form = InvitationForm {
        email: command.email.clone(),
        firstname: command.firstname,
        lastname: command.lastname,
    };
    let row = invitations::invite(ctx, None, &Actor::cli(), &form, None, now)
        .await
        .map_err(|error| reason(&command.email, &error))?;
    let invited = Invited {
        id: row.id,
        status: Standing::of(&row, now).name(),
        email: row.email,
        firstname: row.first_name,
        lastname: row.last_name,
        expires_at: timestamp(row.expires_at),
    };
    if command.json {
        return json(&invited);
    }
    Ok(format!(
        "{}: invitation {} queued for mailing; its link works until {}\n",
        invited.email, invited.id, invited.expires_at
    ))
}
