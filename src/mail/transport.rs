//! Where letters go: an SMTP relay, `.eml` files, the log, or memory (tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::readable::readable;
use crate::config::{MailTransport, Smtp, SmtpSecurity};

/// Why a delivery failed, and whether trying again could help.
#[derive(Debug)]
pub struct DeliveryError {
    pub message: String,
    /// A relay's 5xx answer: the same message will never be accepted.
    pub permanent: bool,
}

impl DeliveryError {
    fn transient(message: impl std::fmt::Display) -> Self {
        DeliveryError {
            message: message.to_string(),
            permanent: false,
        }
    }
}

/// A delivered letter, as the memory transport keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: Vec<String>,
    pub raw: String,
}

/// Letters kept in memory, for tests and embedding.
#[derive(Clone, Default)]
pub struct MemoryMailbox(Arc<Mutex<Vec<SentMail>>>);

impl MemoryMailbox {
    /// Everything delivered so far.
    pub fn sent(&self) -> Vec<SentMail> {
        self.0.lock().map(|sent| sent.clone()).unwrap_or_default()
    }
}

/// A configured way of delivering mail.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
    Log,
    Memory(MemoryMailbox),
}

impl Transport {
    /// The transport the settings ask for.
    pub fn from_settings(mail: &MailTransport) -> Result<Transport, String> {
        Ok(match mail {
            MailTransport::Smtp(smtp) => Transport::Smtp(smtp_relay(smtp)?),
            MailTransport::File(dir) => Transport::File(dir.clone()),
            MailTransport::Log => Transport::Log,
        })
    }

    /// Delivers one message; `action_url` is shown by the development transports.
    pub async fn deliver(
        &self,
        message: Message,
        action_url: Option<&str>,
        name: &str,
    ) -> Result<(), DeliveryError> {
        let to = message
            .envelope()
            .to()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>();
        match self {
            Transport::Smtp(relay) => {
                relay
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|err| DeliveryError {
                        permanent: err.is_permanent(),
                        message: err.to_string(),
                    })
            }
            Transport::File(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(DeliveryError::transient)?;
                let path = dir.join(format!("{name}.eml"));
                tokio::fs::write(&path, readable(&message.formatted()))
                    .await
                    .map_err(DeliveryError::transient)?;
                log::info!(
                    target: "doorstep::mail",
                    "mail to {} written to {}{}",
                    to.join(", "),
                    path.display(),
                    shown_link(action_url)
                );
                Ok(())
            }
            Transport::Log => {
                log::info!(
                    target: "doorstep::mail",
                    "mail to {}{}\n{}",
                    to.join(", "),
                    shown_link(action_url),
                    String::from_utf8_lossy(&readable(&message.formatted()))
                );
                Ok(())
            }
            Transport::Memory(mailbox) => {
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                let mut sent = mailbox.0.lock().map_err(DeliveryError::transient)?;
                sent.push(SentMail { to, raw });
                Ok(())
            }
        }
    }
}

fn shown_link(action_url: Option<&str>) -> String {
    action_url
        .map(|url| format!("; link: {url}"))
        .unwrap_or_default()
}

fn smtp_relay(smtp: &Smtp) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let builder = match smtp.security {
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host),
        SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &smtp.host,
        )),
    }
    .map_err(|err| format!("SMTP relay {}: {err}", smtp.host))?;
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some((username, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    Ok(builder.build())
}
