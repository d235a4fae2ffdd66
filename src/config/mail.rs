//! Outgoing mail: the addresses on it (`doorstep.auth.email.*`) and how it leaves doorstep
//! (`doorstep.mail.*`, `doorstep.smtp.*`).

use std::net::Ipv6Addr;
use std::path::PathBuf;

use lettre::message::Mailbox;
use secrecy::SecretString;

use super::ConfigError;
use super::defaults::DEFAULT_MAIL_DIR;
use super::properties::{Source, Value};
use super::values::{mailbox, mailboxes};

/// Addresses on outgoing mail (`doorstep.auth.email.*`).
#[derive(Debug, Clone)]
pub struct Email {
    pub from: Option<Mailbox>,
    pub bcc: Vec<Mailbox>,
}

/// How mail leaves doorstep (`doorstep.mail.transport`).
#[derive(Debug, Clone)]
pub enum MailTransport {
    Smtp(Smtp),
    /// `.eml` files in this directory.
    File(PathBuf),
    Log,
}

/// An SMTP relay (`doorstep.smtp.*`).
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password; the password's `Debug` is redacted.
    pub credentials: Option<(String, SecretString)>,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

pub(super) fn email(source: &Source) -> Result<Email, ConfigError> {
    Ok(Email {
        from: source.parsed("auth.email.from", mailbox)?,
        bcc: mailboxes(source.list("auth.email.bcc"))?,
    })
}

pub(super) fn mail(source: &Source) -> Result<MailTransport, ConfigError> {
    let Some(transport) = source.get("mail.transport") else {
        return Ok(MailTransport::File(mail_dir(source)));
    };
    match transport.text.to_ascii_lowercase().as_str() {
        "smtp" => smtp(source, transport).map(MailTransport::Smtp),
        "file" => Ok(MailTransport::File(mail_dir(source))),
        "log" => Ok(MailTransport::Log),
        _ => Err(transport.error(format!(
            "{:?} is not a mail transport (use smtp, file or log)",
            transport.text
        ))),
    }
}

fn mail_dir(source: &Source) -> PathBuf {
    PathBuf::from(
        source
            .get("mail.dir")
            .map_or(DEFAULT_MAIL_DIR, |v| v.text.as_str()),
    )
}

fn smtp(source: &Source, transport: &Value) -> Result<Smtp, ConfigError> {
    let host = source.get("smtp.host").ok_or_else(|| {
        source.missing(
            "smtp.host",
            format!("required when {} is smtp", transport.key),
        )
    })?;
    let ipv6 = host.text.parse::<Ipv6Addr>().is_ok();
    if host
        .text
        .contains(|c: char| c.is_whitespace() || "/@".contains(c) || (c == ':' && !ipv6))
    {
        return Err(host.error(format!(
            "{:?} is not a host name (the port goes in doorstep.smtp.port)",
            host.text
        )));
    }
    let security = source.parsed("smtp.security", |v| {
        match v.text.to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpSecurity::StartTls),
            "tls" => Ok(SmtpSecurity::Tls),
            "none" => Ok(SmtpSecurity::None),
            _ => Err(v.error(format!(
                "{:?} is not an SMTP security (use starttls, tls or none)",
                v.text
            ))),
        }
    })?;
    let security = security.unwrap_or(SmtpSecurity::StartTls);
    let default_port = match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    };
    let port = source.parsed("smtp.port", |v| match v.text.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(v.error(format!("{:?} is not a port number (1-65535)", v.text))),
    })?;
    let credentials = match (source.get("smtp.username"), source.get("smtp.password")) {
        (Some(user), Some(password)) => Some((user.text.clone(), password.text.as_str().into())),
        (None, None) => None,
        (Some(user), None) => {
            return Err(source.missing(
                "smtp.password",
                format!("required when {} is set", user.key),
            ));
        }
        (None, Some(password)) => {
            return Err(source.missing(
                "smtp.username",
                format!("required when {} is set", password.key),
            ));
        }
    };
    Ok(Smtp {
        host: host.text.clone(),
        port: port.unwrap_or(default_port),
        security,
        credentials,
    })
}
