//! The files doorstep carries inside its binary: page and mail templates, and static files.
//!
//! The binary therefore runs from any directory. An operator changes a template by putting a
//! file of the same name in `doorstep.templates.dir`; that directory may also hold templates
//! of its own for the overrides to include.
//!
//! Cargo rebuilds when a file embedded here changes, but not when one is added: after adding a
//! file to `templates/` or `static/`, touch this file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::FluentArgs;

use rust_embed::Embed;
use serde::Serialize;
use tera::Tera;

pub use rust_embed::EmbeddedFile;

use crate::config::Settings;
use crate::i18n::Strings;

/// `templates/`: pages (`login.html.tera`) and mails (`email/<message>/<part>.tera`).
#[derive(Embed)]
#[folder = "templates/"]
struct Shipped;

/// `static/`, served below `<base-path>/static/`.
#[derive(Embed)]
#[folder = "static/"]
struct Static;

/// The static file at `path` below `static/`; its metadata holds the SHA-256 of its content,
/// computed when the binary was built.
pub fn static_file(path: &str) -> Option<EmbeddedFile> {
    Static::get(path)
}

/// Every template doorstep renders, each named by its shipped file name, and the strings their
/// `t(key=…, lang=…)` calls read.
pub struct Templates {
    tera: Tera,
    strings: Arc<Strings>,
}

impl Templates {
    /// The templates and strings `settings` names (`doorstep.templates.dir`, `doorstep.i18n.*`).
    pub fn configured(settings: &Settings) -> Result<Templates, String> {
        let languages = &settings.languages;
        let strings = Strings::load(languages.dir.as_deref(), languages.default)?;
        Templates::load(settings.templates_dir.as_deref(), Arc::new(strings))
    }

    /// The shipped templates and strings alone.
    pub fn shipped() -> Templates {
        // The shipped templates parse: the tests below load them.
        Templates::load(None, Arc::new(Strings::shipped()))
            .unwrap_or_else(|err| unreachable!("{err}"))
    }

    /// The shipped templates, with the `.tera` files below `overrides` replacing them by name
    /// or adding to them, reading `strings`. A file that does not parse is refused with its
    /// path.
    pub fn load(overrides: Option<&Path>, strings: Arc<Strings>) -> Result<Templates, String> {
        let mut sources = BTreeMap::new();
        for name in Shipped::iter() {
            let text = Shipped::get(&name)
                .map(|file| String::from_utf8_lossy(&file.data).into_owned())
                .unwrap_or_default();
            sources.insert(name.into_owned(), text);
        }
        if let Some(dir) = overrides {
            for (name, path) in template_files(dir)? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|err| format!("template {}: {err}", path.display()))?;
                // Parsed on its own first, so that the message names the operator's file.
                tera::Template::new(&name, None, &text).map_err(|err| {
                    format!(
                        "template {} does not parse:\n{}",
                        path.display(),
                        explain(&err)
                    )
                })?;
                sources.insert(name, text);
            }
        }
        let mut tera = Tera::default();
        // Tera escapes only names ending in .html by default; ours end in .html.tera.
        tera.autoescape_on(vec![".html.tera"]);
        // Registered before the templates are added, which checks every function they call.
        tera.register_function("t", Translate(strings.clone()));
        tera.add_raw_templates(sources).map_err(|err| {
            let origin = overrides.map_or("the shipped templates".to_owned(), |dir| {
                format!("the templates with those in {}", dir.display())
            });
            format!("{origin}: {}", explain(&err))
        })?;
        Ok(Templates { tera, strings })
    }

    /// The strings of every language, for what is not rendered from a template (JSON
    /// `message`s).
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// Renders the template `name` with `values` (a struct or a JSON object); the error says
    /// why, causes included, for the log.
    /// Whether a template of this name exists (shipped or the operator's).
    pub fn has(&self, name: &str) -> bool {
        self.tera.templates.contains_key(name)
    }

    pub fn render(&self, name: &str, values: &impl Serialize) -> Result<String, String> {
        let context = tera::Context::from_serialize(values)
            .map_err(|err| format!("values for {name}: {}", explain(&err)))?;
        self.tera
            .render(name, &context)
            .map_err(|err| explain(&err))
    }

    /// The names of every template, shipped and added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tera.get_template_names()
    }
}

/// `t(key="signup-title", lang=lang, min=10)`: the string `key` in `lang`, with every other
/// argument for Fluent to fill in. Its output is escaped in pages like any other value, so a
/// name or an address given as an argument cannot become markup.
struct Translate(Arc<Strings>);

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = args
            .get("key")
            .and_then(tera::Value::as_str)
            .ok_or("t() needs key=\"…\"")?;
        let language = args
            .get("lang")
            .and_then(tera::Value::as_str)
            .unwrap_or(crate::i18n::DEFAULT);
        // Most of a page's strings take no arguments: formatted once, at start-up.
        if let Some(text) = self.0.fixed(language, key) {
            return Ok(tera::Value::String(text.to_owned()));
        }
        let mut values = FluentArgs::new();
        for (name, value) in args {
            match value {
                _ if name == "key" || name == "lang" => {}
                tera::Value::String(text) => values.set(name.as_str(), text.as_str()),
                tera::Value::Number(number) => match number.as_i64() {
                    Some(whole) => values.set(name.as_str(), whole),
                    None => values.set(name.as_str(), number.as_f64().unwrap_or_default()),
                },
                tera::Value::Array(items) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|item| item.as_str().map_or(item.to_string(), str::to_owned))
                        .collect();
                    values.set(name.as_str(), items.join(", "));
                }
                other => values.set(name.as_str(), other.to_string()),
            }
        }
        Ok(tera::Value::String(self.0.get(
            language,
            key,
            Some(&values),
        )))
    }
}

/// Every `.tera` file below `dir` with its template name (its path below `dir`, `/`-separated).
/// Hidden entries are skipped: editors' and Kubernetes' bookkeeping (`..data`) lives there.
fn template_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), dir.to_owned())];
    while let Some((prefix, folder)) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|err| format!("templates directory {}: {err}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|err| format!("reading {}: {err}", folder.display()))?;
            let path = entry.path();
            let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
                return Err(format!("{}: the name is not UTF-8", path.display()));
            };
            if file_name.starts_with('.') {
                continue;
            }
            let name = format!("{prefix}{file_name}");
            // Directories are entered only when real, so a symlink loop cannot trap the walk;
            // a symlinked file is read through its link (a mounted ConfigMap is all links).
            let kind = entry
                .file_type()
                .map_err(|err| format!("{}: {err}", path.display()))?;
            if kind.is_dir() {
                pending.push((format!("{name}/"), path));
            } else if name.ends_with(".tera") {
                found.push((name, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// An error with its causes, one after another: Tera puts what went wrong in the causes.
fn explain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        text.push_str(": ");
        text.push_str(&err.to_string());
        cause = err.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn every_shipped_template_is_there_under_its_file_name() {
        let templates = Templates::shipped();
        let names: Vec<&str> = templates.names().collect();
        for name in [
            "base.html.tera",
            "error.html.tera",
            "login.html.tera",
            "email/password_reset/subject.txt.tera",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        assert!(static_file("doorstep.css").is_some());
        assert!(static_file("../Cargo.toml").is_none());
    }

    #[test]
    fn overrides_replace_by_name_and_may_include_files_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "error.html.tera",
            r#"{% extends "base.html.tera" %}{% block content %}{% include "parts/oops.html.tera" %}{% endblock content %}"#,
        );
        write(dir.path(), "parts/oops.html.tera", "Oops: {{ message }}");
        write(dir.path(), "notes.txt", "{{ not a template");
        write(dir.path(), ".hidden/x.tera", "{{ not a template");
        let templates = Templates::load(Some(dir.path()), Arc::new(Strings::shipped())).unwrap();
        let values = json!({ "message": "<b>", "links": { "stylesheet": "/s.css", "forms_script": "/f.js" },
            "lang": "de", "languages": [], "product": { "name": "Example" } });
        let page = templates.render("error.html.tera", &values).unwrap();
        assert!(page.contains("Oops: &lt;b&gt;"), "{page}");
        assert!(
            page.contains("&#x2F;s.css") && page.contains(r#"<html lang="de">"#),
            "the shipped base is used: {page}"
        );
    }

    #[test]
    fn text_templates_are_not_escaped() {
        let templates = Templates::shipped();
        let values = json!({ "name": "A & B", "first_name": "A & B", "email": "a@example.com",
            "link": "https://x.example/?a=1&b=2", "reset_page": "", "year": 2026, "domain": "x", "lang": "de",
            "product": "Example" });
        let text = templates
            .render("email/signup_confirmation/text.txt.tera", &values)
            .unwrap();
        assert!(text.contains("?a=1&b=2"), "{text}");
        assert!(
            text.contains("Hallo A & B") || text.contains("Guten Tag A & B"),
            "{text}"
        );
        assert!(text.contains("bei Example"), "{text}");
        let html = templates
            .render("email/signup_confirmation/html.html.tera", &values)
            .unwrap();
        assert!(html.contains("a=1&amp;b=2"), "{html}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_named() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "email/x/subject.txt.tera", "{% if %}");
        let err = Templates::load(Some(dir.path()), Arc::new(Strings::shipped()))
            .err()
            .unwrap();
        let path = dir.path().join("email/x/subject.txt.tera");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("1:7"), "the position: {err}");
    }

    #[test]
    fn a_missing_parent_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "login.html.tera", r#"{% extends "nowhere" %}"#);
        let err = Templates::load(Some(dir.path()), Arc::new(Strings::shipped()))
            .err()
            .unwrap();
        assert!(err.contains("nowhere"), "{err}");
    }

    #[test]
    fn a_render_failure_says_why() {
        let templates = Templates::shipped();
        let err = templates.render("login.html.tera", &json!({})).unwrap_err();
        assert!(err.contains("not found in context"), "{err}");
    }
}
