//! `doorstep users …`: list, show and change accounts, as an admin would.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{json, reason, table, usage};
use crate::accounts::Context;
use crate::accounts::admin::{
    self, AccountFilter, MAX_PAGE, parse_role, parse_state, role_name, state_name,
};
use crate::accounts::audit::Actor;
use crate::entities::account::{self, Role};
use crate::entities::audit_log;

/// One `users` subcommand.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    List { filter: Filter, json: bool },
    Show { email: String, json: bool },
    Change { email: String, change: Change },
    Create { email: String, role: Role },
}

/// What `users list` keeps.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct Filter {
    state: Option<account::State>,
    role: Option<Role>,
    /// A prefix of the address, username or name.
    search: Option<String>,
}

/// A change to one account.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Change {
    Approve,
    Reject,
    Disable,
    Enable,
    Delete,
    SetRole(Role),
}

pub(super) fn parse(words: &[String]) -> Result<Command, String> {
    let Some((verb, rest)) = words.split_first() else {
        return Err(usage("users: which command?"));
    };
    let mut flags = Flags::read(rest)?;
    let command = match verb.as_str() {
        "list" => {
            let state = flags.value("--state")?;
            let role = flags.value("--role")?;
            let search = flags.value("--search")?;
            Command::List {
                filter: Filter {
                    state: state.map(|name| state_named(&name)).transpose()?,
                    role: role.map(|name| role_named(&name)).transpose()?,
                    search,
                },
                json: flags.switch("--json"),
            }
        }
        "show" => Command::Show {
            email: flags.one_word("show <email|username>")?,
            json: flags.switch("--json"),
        },
        "create" => {
            let role = flags.value("--role")?;
            Command::Create {
                email: flags.one_word("create <email>")?,
                role: role.map_or(Ok(Role::Member), |name| role_named(&name))?,
            }
        }
        "set-role" => {
            let [email, role] = flags.words::<2>("set-role <email|username> <role>")?;
            Command::Change {
                email,
                change: Change::SetRole(role_named(&role)?),
            }
        }
        verb => {
            let change = match verb {
                "approve" => Change::Approve,
                "reject" => Change::Reject,
                "disable" => Change::Disable,
                "enable" => Change::Enable,
                "delete" => Change::Delete,
                other => return Err(usage(&format!("users: unknown command {other:?}"))),
            };
            Command::Change {
                email: flags.one_word(&format!("{verb} <email|username>"))?,
                change,
            }
        }
    };
    flags.finish()?;
    Ok(command)
}

pub(super) async fn run(
    ctx: &Context,
    command: Command,
    now: DateTime<Utc>,
) -> Result<String, String> {
    match command {
        Command::List { filter, json } => list(ctx, filter, json).await,
        Command::Show { email, json } => show(ctx, &email, json, now).await,
        Command::Change { email, change } => {
            let found = admin::find(&ctx.db, &email)
                .await
                .map_err(|error| reason(&email, &error))?;
            let actor = Actor::cli();
            let id = found.id;
            let done = match change {
                Change::Approve => admin::approve(ctx, &actor, id, now).await,
                Change::Reject => admin::reject(ctx, &actor, id, now).await,
                Change::Disable => admin::disable(ctx, &actor, id, now).await,
                Change::Enable => admin::enable(ctx, &actor, id, now).await,
                Change::Delete => admin::delete(ctx, &actor, id, now).await,
                Change::SetRole(role) => admin::set_role(ctx, &actor, id, role, now).await,
            };
            let account = done.map_err(|error| reason(&email, &error))?;
            Ok(match change {
                Change::Approve => format!("{}: approved; its owner is mailed\n", account.email),
                Change::Reject => format!(
                    "{}: rejected and deleted; its owner is mailed\n",
                    account.email
                ),
                Change::Delete => format!("{}: deleted\n", account.email),
                Change::Disable | Change::Enable => {
                    format!("{}: {}\n", account.email, state_name(account.state))
                }
                Change::SetRole(_) => format!("{}: {}\n", account.email, role_name(account.role)),
            })
        }
        Command::Create { email, role } => {
            let created = admin::create(ctx, &Actor::cli(), &email, role, now)
                .await
                .map_err(|error| reason(&email, &error))?;
            Ok(format!(
                "{}: created as {}; its owner sets a password here (once, within {}):\n{}\n",
                created.account.email,
                role_name(created.account.role),
                humane(ctx.settings.signup.confirm_ttl),
                created.set_password_link
            ))
        }
    }
}

/// An account as scripts read it.
#[derive(Serialize)]
struct AccountRow {
    id: i64,
    email: String,
    /// Only for an account that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    firstname: String,
    lastname: String,
    role: &'static str,
    state: &'static str,
    created_at: String,
}

impl AccountRow {
    fn of(account: &account::Model) -> AccountRow {
        AccountRow {
            id: account.id,
            email: account.email.clone(),
            username: account.username.clone(),
            firstname: account.first_name.clone(),
            lastname: account.last_name.clone(),
            role: role_name(account.role),
            state: state_name(account.state),
            created_at: timestamp(account.created_at),
        }
    }

    fn cells(&self) -> Vec<String> {
        let name = format!("{} {}", self.firstname, self.lastname);
        vec![
            self.id.to_string(),
            self.email.clone(),
            self.username.clone().unwrap_or_default(),
            name.trim().to_owned(),
            self.role.to_owned(),
            self.state.to_owned(),
            self.created_at.clone(),
        ]
    }
}

const HEADER: [&str; 7] = [
    "ID", "EMAIL", "USERNAME", "NAME", "ROLE", "STATE", "CREATED",
];

async fn list(ctx: &Context, filter: Filter, as_json: bool) -> Result<String, String> {
    let filter = AccountFilter {
        state: filter.state,
        role: filter.role,
        search: filter.search,
    };
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let listing = admin::list(&ctx.db, &filter, after.as_ref(), MAX_PAGE)
            .await
            .map_err(|error| reason("users list", &error))?;
        rows.extend(listing.accounts.iter().map(AccountRow::of));
        match listing.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if as_json {
        return json(&rows);
    }
    let cells: Vec<Vec<String>> = rows.iter().map(AccountRow::cells).collect();
    Ok(table(&HEADER, &cells))
}

/// One account with its latest events.
#[derive(Serialize)]
struct Shown {
    #[serde(flatten)]
    account: AccountRow,
    events: Vec<EventRow>,
}

#[derive(Serialize)]
struct EventRow {
    at: String,
    event: String,
    source: String,
    client: Option<String>,
    detail: String,
}

async fn show(
    ctx: &Context,
    email: &str,
    as_json: bool,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let found = admin::find(&ctx.db, email)
        .await
        .map_err(|error| reason(email, &error))?;
    let details = admin::show(&ctx.db, found.id, now)
        .await
        .map_err(|error| reason(email, &error))?;
    let shown = Shown {
        account: AccountRow::of(&details.account),
        events: details.events.iter().map(event_row).collect(),
    };
    if as_json {
        return json(&shown);
    }
    let mut out = table(&HEADER, &[shown.account.cells()]);
    if !shown.events.is_empty() {
        out.push_str("\nlatest events:\n");
        let rows: Vec<Vec<String>> = shown
            .events
            .iter()
            .map(|event| {
                vec![
                    event.at.clone(),
                    event.event.clone(),
                    event.source.clone(),
                    event.client.clone().unwrap_or_default(),
                    event.detail.clone(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["TIME", "EVENT", "FROM", "CLIENT", "DETAIL"],
            &rows,
        ));
    }
    Ok(out)
}

fn event_row(event: &audit_log::Model) -> EventRow {
    EventRow {
        at: timestamp(event.at),
        event: event.event.clone(),
        source: event.source.clone(),
        client: event.client.clone(),
        detail: event.detail.clone(),
    }
}

/// A time as scripts and people both read it: RFC 3339, UTC, whole seconds.
pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn humane(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        // A day or two reads better in hours.
        s if s % 86_400 == 0 && s > 2 * 86_400 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn role_named(name: &str) -> Result<Role, String> {
    parse_role(name)
        .ok_or_else(|| usage(&format!("{name:?} is not a role (member, inviter, admin)")))
}

fn state_named(name: &str) -> Result<account::State, String> {
    parse_state(name).ok_or_else(|| {
        usage(&format!(
            "{name:?} is not a state (active, pending_approval, disabled)"
        ))
    })
}

/// The words and `--flags` of a command line, taken one by one; whatever is left over is a
/// usage error.
pub(super) struct Flags {
    words: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

/// Flags that take a value.
const VALUED: &[&str] = &[
    "--state",
    "--role",
    "--search",
    "--since",
    "--firstname",
    "--lastname",
    "--uses",
    "--expires",
];

impl Flags {
    pub(super) fn read(args: &[String]) -> Result<Flags, String> {
        let mut words = Vec::new();
        let mut flags = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if !arg.starts_with("--") {
                words.push(arg.clone());
            } else if VALUED.contains(&arg.as_str()) {
                let value = args
                    .next()
                    .ok_or_else(|| usage(&format!("{arg} needs a value")))?;
                flags.push((arg.clone(), Some(value.clone())));
            } else {
                flags.push((arg.clone(), None));
            }
        }
        Ok(Flags { words, flags })
    }

    pub(super) fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let found = self.flags.iter().position(|(flag, _)| flag == name);
        let value = found.and_then(|at| self.flags.remove(at).1);
        if self.flags.iter().any(|(flag, _)| flag == name) {
            return Err(usage(&format!("{name} given twice")));
        }
        Ok(value)
    }

    pub(super) fn switch(&mut self, name: &str) -> bool {
        let before = self.flags.len();
        self.flags.retain(|(flag, _)| flag != name);
        self.flags.len() != before
    }

    /// The words that are not flags, taken.
    pub(super) fn take_words(&mut self) -> Vec<String> {
        std::mem::take(&mut self.words)
    }

    fn one_word(&mut self, shape: &str) -> Result<String, String> {
        let [word] = self.words::<1>(shape)?;
        Ok(word)
    }

    fn words<const N: usize>(&mut self, shape: &str) -> Result<[String; N], String> {
        let words = std::mem::take(&mut self.words);
        words
            .try_into()
            .map_err(|_| usage(&format!("expected: doorstep users {shape}")))
    }

    pub(super) fn finish(self) -> Result<(), String> {
        if let Some(word) = self.words.first() {
            return Err(usage(&format!("unexpected {word:?}")));
        }
        if let Some((flag, _)) = self.flags.first() {
            return Err(usage(&format!("unknown option {flag}")));
        }
        Ok(())
    }
}
