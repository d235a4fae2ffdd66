//! How pages and mail present the product (`doorstep.ui.*`), and which language they default
//! to, with the operator's own strings (`doorstep.i18n.*`).

use std::path::PathBuf;

use super::ConfigError;
use super::properties::{Source, Value};
use super::values::{directory, one_line};

/// Branding without forking: the name, a logo and an extra stylesheet.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The product's name in page titles, headers and mail (`doorstep.ui.name`).
    pub name: String,
    /// A logo's URL or path, shown above every page (`doorstep.ui.logo`).
    pub logo: Option<String>,
    /// A stylesheet's URL or path, loaded after doorstep's own (`doorstep.ui.css`).
    pub css: Option<String>,
}

/// The language of a request that names none doorstep speaks, and the operator's strings.
#[derive(Debug, Clone)]
pub struct Languages {
    /// `doorstep.i18n.default` (`en`).
    pub default: &'static str,
    /// `doorstep.i18n.dir`: `<language>.ftl` files that add strings or replace them by key.
    pub dir: Option<PathBuf>,
}

impl Default for Languages {
    fn default() -> Self {
        Languages {
            default: crate::i18n::DEFAULT,
            dir: None,
        }
    }
}

pub(super) fn ui(source: &Source, defaults: &Ui) -> Result<Ui, ConfigError> {
    Ok(Ui {
        name: source
            .parsed("ui.name", name)?
            .unwrap_or_else(|| defaults.name.clone()),
        logo: source.parsed("ui.logo", address)?,
        css: source.parsed("ui.css", address)?,
    })
}

pub(super) fn languages(source: &Source) -> Result<Languages, ConfigError> {
    Ok(Languages {
        default: source
            .parsed("i18n.default", language)?
            .unwrap_or(crate::i18n::DEFAULT),
        dir: source.parsed("i18n.dir", directory)?,
    })
}

/// The name goes into mail subjects: one line, and not empty.
fn name(value: &Value) -> Result<String, ConfigError> {
    let name = one_line(value)?;
    if name.is_empty() {
        return Err(value.error("must not be empty (leave the key out for \"doorstep\")"));
    }
    Ok(name)
}

/// An absolute `http(s)` URL or a path on this site: never `javascript:` or `data:`, which a
/// page would otherwise load into its own origin.
fn address(value: &Value) -> Result<String, ConfigError> {
    let text = value.text.clone();
    let is_path = text.starts_with('/') && !text.starts_with("//");
    let is_web = url::Url::parse(&text).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
    if is_path || is_web {
        Ok(text)
    } else {
        Err(value.error(format!(
            "{text:?} is neither a path like /static/logo.svg nor an http(s) URL"
        )))
    }
}

fn language(value: &Value) -> Result<&'static str, ConfigError> {
    crate::i18n::known(&value.text).ok_or_else(|| {
        value.error(format!(
            "{:?} is not a language doorstep speaks ({})",
            value.text,
            crate::i18n::LANGUAGES.join(", ")
        ))
    })
}
