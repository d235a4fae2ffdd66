//! Parsers for single values: each checks one value and says in its error what is wrong.

use std::collections::HashSet;
use std::path::PathBuf;

use lettre::message::{Mailbox, Mailboxes};
use url::Url;

use super::ConfigError;
use super::properties::Value;

/// `parse` applied to every comma-separated item of a list key; its message goes into the error.
pub(super) fn each_item<T>(
    values: &[Value],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, ConfigError> {
    let mut parsed = Vec::new();
    for value in values {
        for item in value.items() {
            parsed.push(parse(item).map_err(|message| value.error(message))?);
        }
    }
    Ok(parsed)
}

pub(super) fn base_url(value: &Value) -> Result<Url, ConfigError> {
    let url = Url::parse(&value.text)
        .map_err(|e| value.error(format!("{:?} is not a URL ({e})", value.text)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(value.error(format!("{:?} is not an http or https URL", value.text)));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(value.error("must not contain a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(value.error("must not contain a user name or password"));
    }
    Ok(url)
}

pub(super) fn base_path(value: &Value) -> Result<String, ConfigError> {
    let path = value.text.trim_end_matches('/');
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Ok(String::new());
    }
    let valid_segment = |segment: &str| {
        !matches!(segment, "" | "." | "..")
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    };
    if !path.split('/').all(valid_segment) {
        return Err(value.error(format!(
            "{:?} is not a path prefix (use e.g. /store: letters, digits, - . _ ~ between single slashes)",
            value.text
        )));
    }
    Ok(format!("/{path}"))
}

pub(super) fn database_url(value: &Value) -> Result<String, ConfigError> {
    if ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| value.text.starts_with(scheme))
    {
        Ok(value.text.clone())
    } else {
        Err(value.error(format!(
            "{:?} is not a database URL (use sqlite://… or postgres://…)",
            value.text
        )))
    }
}

/// Mail header values must not smuggle in further header lines.
pub(super) fn one_line(value: &Value) -> Result<String, ConfigError> {
    if value.text.contains(['\r', '\n']) {
        return Err(value.error("must be a single line"));
    }
    Ok(value.text.clone())
}

pub(super) fn read_template(value: &Value) -> Result<String, ConfigError> {
    std::fs::read_to_string(&value.text)
        .map_err(|e| value.error(format!("cannot read {:?}: {e}", value.text)))
}

/// A directory that exists now (relative paths are taken from the working directory).
pub(super) fn directory(value: &Value) -> Result<PathBuf, ConfigError> {
    let path = PathBuf::from(&value.text);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => Err(value.error(format!("{:?} is not a directory", value.text))),
        Err(e) => Err(value.error(format!("cannot open the directory {:?}: {e}", value.text))),
    }
}

pub(super) fn mailbox(value: &Value) -> Result<Mailbox, ConfigError> {
    value.text.parse().map_err(|_| {
        value.error(format!(
            "{:?} is not an email address (use a@example.org or Name <a@example.org>)",
            value.text
        ))
    })
}

/// Each value may hold several addresses; names may contain quoted commas.
pub(super) fn mailboxes(values: &[Value]) -> Result<Vec<Mailbox>, ConfigError> {
    let mut all = Vec::new();
    for value in values.iter().filter(|value| !value.text.is_empty()) {
        let list: Mailboxes = value.text.parse().map_err(|_| {
            value.error(format!(
                "{:?} is not a comma-separated list of email addresses",
                value.text
            ))
        })?;
        all.extend(list);
    }
    Ok(all)
}

/// The whitelisted domains, normalized, without duplicates.
pub(super) fn whitelist(values: &[Value]) -> Result<Vec<String>, ConfigError> {
    let mut seen = HashSet::new();
    let mut domains = each_item(values, whitelist_domain)?;
    domains.retain(|domain| seen.insert(domain.clone()));
    Ok(domains)
}

/// Normalizes a whitelist entry the way mail domains are compared: lower-case ASCII, IDNA
/// in punycode, no leading dot.
fn whitelist_domain(text: &str) -> Result<String, String> {
    let invalid = || format!("{text:?} is not a domain name (use e.g. example.org)");
    let bare = text.strip_prefix('.').unwrap_or(text);
    let Ok(url::Host::Domain(domain)) = url::Host::parse(bare) else {
        return Err(invalid());
    };
    let valid_label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if domain.len() <= 253 && domain.contains('.') && domain.split('.').all(valid_label) {
        Ok(domain)
    } else {
        Err(invalid())
    }
}
