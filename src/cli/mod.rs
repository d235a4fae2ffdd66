//! The operator's commands (`doorstep users …`, `invite …`, `tokens …`, `audit …`): the same configuration,
//! database, migrations and rules as `serve`, without HTTP. One file per command group.
//!
//! Exit codes: 0 done, 1 refused (one line on stderr says why), 2 usage.

mod audit;
mod invite;
mod tokens;
mod users;

use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;

use crate::accounts::password::PasswordHasher;
use crate::accounts::{self};
use crate::assets::Templates;
use crate::config::Settings;
use crate::error::Error;
use crate::mail::{Composer, Mailer};

/// The usage of the operator's commands, for `doorstep --help`.
pub const USAGE: &str = "  users list [--state S] [--role R] [--search PREFIX] [--json]
                 the accounts (S: active, pending_approval, disabled)
  users show <email|username> [--json]
                 one account and its latest events
  users approve|reject|disable|enable|delete <email|username>
  users set-role <email|username> <member|inviter|admin>
  users create <email> [--role R]
                 an active account; prints a one-time link to set its password
  invite <email> [--firstname F] [--lastname L] [--json]
                 mail an invitation link (the owner of an address that has an
                 account gets a notice instead; the reply is the same)
  tokens create [--uses N] [--expires 7d] [--json]
                 a registration token for invite-only sign-up (default: 1 use, 7d);
                 prints the token, shown only this once
  tokens list [--json]
                 each token's label (its first 8 characters), uses left, expiry
  tokens revoke <token|label>
  audit [--since 24h] [--json]
                 the audit log since then (s, m, h or d; default 24h)";

/// A parsed operator command.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Users(users::Command),
    Invite(invite::Command),
    Tokens(tokens::Command),
    Audit(audit::Command),
}

/// Whether `word` starts an operator command.
pub fn is_command(word: &str) -> bool {
    matches!(word, "users" | "invite" | "tokens" | "audit")
}

/// Parses the words after the program name (without `--config FILE`); the error is the usage
/// message to print.
pub fn parse(words: &[String]) -> Result<Command, String> {
    match words.split_first() {
        Some((group, rest)) if group == "users" => users::parse(rest).map(Command::Users),
        Some((group, rest)) if group == "invite" => invite::parse(rest).map(Command::Invite),
        Some((group, rest)) if group == "tokens" => tokens::parse(rest).map(Command::Tokens),
        Some((group, rest)) if group == "audit" => audit::parse(rest).map(Command::Audit),
        _ => Err(usage("")),
    }
}

/// Runs a command on the configured database: what it prints goes to stdout, a refusal to
/// stderr as one line.
pub async fn run(settings: Settings, command: Command) -> ExitCode {
    let ctx = match context(settings).await {
        Ok(ctx) => ctx,
        Err(message) => return refused(&message),
    };
    let now = chrono::Utc::now();
    let done = match command {
        Command::Users(command) => users::run(&ctx, command, now).await,
        Command::Invite(command) => invite::run(&ctx, command, now).await,
        Command::Tokens(command) => tokens::run(&ctx, command, now).await,
        Command::Audit(command) => audit::run(&ctx, command, now).await,
    };
    match done {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => refused(&message),
    }
}

fn refused(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::FAILURE
}

/// A usage error: what was wrong, then the usage.
fn usage(problem: &str) -> String {
    let usage = format!("usage: doorstep [--config FILE] <command>\n\n{USAGE}");
    if problem.is_empty() {
        usage
    } else {
        format!("{problem}\n\n{usage}")
    }
}

/// The rules' context, built as `serve` builds it: templates, mail, database with migrations.
/// Letters are only queued: the running server's worker delivers them.
async fn context(settings: Settings) -> Result<accounts::Context, String> {
    let templates = Arc::new(Templates::configured(&settings)?);
    let composer = Composer::new(&settings, templates);
    let captcha =
        crate::captcha::Captchas::from_settings(&settings.captcha, &crate::random::bytes::<32>())
            .map_err(|e| e.to_string())?;
    let db = crate::database::connect(&settings.database_url).await?;
    Ok(accounts::Context::new(
        db,
        Arc::new(settings),
        PasswordHasher::new(1, 1),
        Mailer::new(composer),
        captcha,
    ))
}

/// `value` as pretty JSON with a final newline.
fn json(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|text| format!("{text}\n"))
        .map_err(|err| err.to_string())
}

/// Rows under a header, columns padded to their widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A refusal of the rules, said in one line about `subject`.
fn reason(subject: &str, error: &Error) -> String {
    let field = |name| error.fields().get(name).copied();
    match (error, field("account"), field("email")) {
        (Error::NotFound, _, _) => format!("{subject}: no such account"),
        (_, Some("unnamed"), _) => format!("{subject}: neither an email address nor a username"),
        (_, Some("not_pending"), _) => {
            format!("{subject}: the account is not waiting for approval")
        }
        (_, Some("not_disabled"), _) => {
            format!("{subject}: the account waits for approval; approve it instead")
        }
        (_, Some("last_admin"), _) => format!(
            "{subject}: the last active admin cannot be demoted, disabled or deleted; make \
             another account admin first"
        ),
        (_, _, Some("taken")) => format!("{subject}: the address already has an account"),
        (_, _, Some(_)) => format!("{subject}: not an email address"),
        (Error::PasswordResetDisabled, _, _) => format!(
            "{subject}: the set-password link is a password reset link; turn on \
             doorstep.auth.password-reset"
        ),
        (error, _, _) => format!("{subject}: {error} ({})", error.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn commands_parse_and_mistakes_are_usage_errors() {
        assert!(parse(&words("users list --state disabled --json")).is_ok());
        assert!(parse(&words("users set-role a@example.com admin")).is_ok());
        assert!(parse(&words("audit --since 7d")).is_ok());
        assert!(parse(&words("invite a@example.com --firstname Ada --json")).is_ok());
        assert!(parse(&words("tokens create --uses 3 --expires 24h --json")).is_ok());
        assert!(parse(&words("tokens revoke q3JmX0aB")).is_ok());
        for wrong in [
            "",
            "users",
            "users list --state sleeping",
            "users approve",
            "users approve a@example.com b@example.com",
            "users set-role a@example.com king",
            "users create a@example.com --role",
            "users frobnicate a@example.com",
            "audit --since 24x",
            "audit --since 0h",
            "audit --json extra",
            "invite",
            "invite a@example.com b@example.com",
            "invite a@example.com --firstname",
            "tokens",
            "tokens create --uses many",
            "tokens create --uses 0",
            "tokens create --expires 7y",
            "tokens list extra",
            "tokens revoke",
            "tokens burn",
        ] {
            assert!(parse(&words(wrong)).is_err(), "{wrong:?} parsed");
        }
    }

    #[test]
    fn tables_pad_columns_to_their_widest_cell() {
        let rows = vec![vec!["1".to_owned(), "ada@example.com".to_owned()]];
        assert_eq!(
            table(&["ID", "EMAIL"], &rows),
            "ID  EMAIL\n1   ada@example.com\n"
        );
    }
}
