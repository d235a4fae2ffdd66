//! The words of pages, mails and JSON `message`s: one Fluent file per language, built into the
//! binary (`src/i18n/<language>.ftl`), with the operator's files in `doorstep.i18n.dir`
//! (`<language>.ftl`) adding strings or replacing them by key. Parsed once at start-up, and
//! every string that takes no arguments formatted then too, so a page's lookups are a map's.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use super::{DEFAULT, LANGUAGES};

/// The shipped strings, one Fluent file per language of [`LANGUAGES`], in that order.
const SHIPPED: [(&str, &str); 4] = [
    ("en", include_str!("en.ftl")),
    ("de", include_str!("de.ftl")),
    ("sv", include_str!("sv.ftl")),
    ("fr", include_str!("fr.ftl")),
];

/// What a missing key looks like on a page, so a test (or a person) sees it at once.
pub fn missing(key: &str) -> String {
    format!("⟦{key}⟧")
}

/// Every language's bundle, and the language a missing string is taken from.
pub struct Strings {
    bundles: Vec<(&'static str, FluentBundle<FluentResource>)>,
    fallback: &'static str,
    /// Per language of `bundles` (same order): every string that needs no arguments, already
    /// formatted, with the fallback's filling the language's gaps. Fluent formats the same
    /// pattern to the same text each time, so doing it per request is only cost.
    fixed: Vec<HashMap<String, String>>,
}

impl Strings {
    /// The shipped strings alone, the fallback English.
    pub fn shipped() -> Strings {
        // The shipped files parse: `every_language_has_every_key` proves it.
        Strings::load(None, DEFAULT).unwrap_or_else(|err| unreachable!("{err}"))
    }

    /// The shipped strings with the `<language>.ftl` files in `dir` over them. A file that
    /// does not parse, or names a language doorstep does not speak, is refused with its path.
    pub fn load(dir: Option<&Path>, fallback: &'static str) -> Result<Strings, String> {
        let mut bundles = Vec::new();
        let mut ids: Vec<Vec<String>> = Vec::new();
        for (language, text) in SHIPPED {
            let mut bundle = bundle(language)?;
            let resource = parse(text.to_owned(), &format!("the shipped {language}.ftl"))?;
            ids.push(message_ids(&resource));
            bundle.add_resource_overriding(resource);
            bundles.push((language, bundle));
        }
        if let Some(dir) = dir {
            for (language, path) in operator_files(dir)? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|err| format!("strings {}: {err}", path.display()))?;
                let resource = parse(text, &path.display().to_string())?;
                if let Some(n) = bundles.iter().position(|(l, _)| *l == language) {
                    ids[n].extend(message_ids(&resource));
                    bundles[n].1.add_resource_overriding(resource);
                }
            }
        }
        let mut strings = Strings {
            bundles,
            fallback,
            fixed: Vec::new(),
        };
        strings.fixed = strings.format_fixed(&ids);
        Ok(strings)
    }

    /// The string `key` in `language` with `args`; from the fallback language when that
    /// language lacks it, and [`missing`] when none has it.
    pub fn get(&self, language: &str, key: &str, args: Option<&FluentArgs>) -> String {
        if let Some(text) = self.fixed(language, key) {
            return text.to_owned();
        }
        self.find(language, key, args)
            .or_else(|| self.find(self.fallback, key, args))
            .map_or_else(|| missing(key), Cow::into_owned)
    }

    /// The string `key` in `language` (or the fallback) when it takes no arguments, formatted
    /// at start-up; `None` for a string that takes arguments, or is missing.
    pub fn fixed(&self, language: &str, key: &str) -> Option<&str> {
        let n = self
            .bundles
            .iter()
            .position(|(l, _)| *l == language)
            .or_else(|| self.bundles.iter().position(|(l, _)| *l == self.fallback))?;
        self.fixed.get(n)?.get(key).map(String::as_str)
    }

    /// For each language, every message that formats without arguments and without error (one
    /// that reads a variable reports it missing), else the fallback's when the language has no
    /// such message at all. A message the language has but that needs arguments is left out,
    /// so it is formatted per call in that language, never taken from the fallback.
    fn format_fixed(&self, ids: &[Vec<String>]) -> Vec<HashMap<String, String>> {
        let alone = |language: &str, key: &str| -> Option<String> {
            let bundle = self.bundle(language)?;
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            errors.is_empty().then(|| text.into_owned())
        };
        let every_id: std::collections::BTreeSet<&String> = ids.iter().flatten().collect();
        self.bundles
            .iter()
            .map(|(language, bundle)| {
                every_id
                    .iter()
                    .filter_map(|&key| {
                        let text = if bundle.has_message(key) {
                            alone(language, key)
                        } else {
                            alone(self.fallback, key)
                        }?;
                        Some((key.clone(), text))
                    })
                    .collect()
            })
            .collect()
    }

    /// Whether `language` (or the fallback) has `key`.
    pub fn has(&self, language: &str, key: &str) -> bool {
        [language, self.fallback].iter().any(|language| {
            self.bundle(language)
                .is_some_and(|bundle| bundle.has_message(key))
        })
    }

    fn bundle(&self, language: &str) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, bundle)| bundle)
    }

    fn find<'a>(
        &'a self,
        language: &str,
        key: &str,
        args: Option<&'a FluentArgs>,
    ) -> Option<Cow<'a, str>> {
        let bundle = self.bundle(language)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            log::warn!("string {key} ({language}): {errors:?}");
        }
        Some(text)
    }
}

fn bundle(language: &str) -> Result<FluentBundle<FluentResource>, String> {
    let id = language
        .parse()
        .map_err(|err| format!("language {language}: {err}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The marks that isolate a value's direction would travel into mail subjects and
    // attributes; every language doorstep speaks is left-to-right.
    bundle.set_use_isolating(false);
    Ok(bundle)
}

/// The ids of the messages `resource` defines.
fn message_ids(resource: &FluentResource) -> Vec<String> {
    use fluent_syntax::ast::Entry;
    resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// A Fluent file, or why it does not parse: each error with its line.
fn parse(text: String, origin: &str) -> Result<FluentResource, String> {
    FluentResource::try_new(text).map_err(|(resource, errors)| {
        let source = resource.source();
        let lines: Vec<String> = errors
            .iter()
            .map(|err| {
                let line = source[..err.pos.start.min(source.len())]
                    .matches('\n')
                    .count()
                    + 1;
                format!("line {line}: {err}")
            })
            .collect();
        format!("{origin} does not parse: {}", lines.join("; "))
    })
}

/// The `.ftl` files in `dir`, each with its language; any other `.ftl` name is refused.
fn operator_files(dir: &Path) -> Result<Vec<(&'static str, std::path::PathBuf)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| format!("strings directory {}: {err}", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| format!("reading {}: {err}", dir.display()))?
            .path();
        if path.extension().is_none_or(|ext| ext != "ftl") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let language = LANGUAGES
            .iter()
            .copied()
            .find(|&l| l == stem)
            .ok_or_else(|| {
                format!(
                    "{}: name a file after a language doorstep speaks ({}.ftl)",
                    path.display(),
                    LANGUAGES.join(".ftl, ")
                )
            })?;
        found.push((language, path));
    }
    found.sort();
    Ok(found)
}

/// The message ids of a Fluent file.
#[cfg(test)]
fn keys(text: &str) -> std::collections::BTreeSet<String> {
    let resource =
        FluentResource::try_new(text.to_owned()).unwrap_or_else(|(_, e)| panic!("{e:?}"));
    message_ids(&resource).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let english = keys(SHIPPED[0].1);
        assert!(english.len() > 100, "{}", english.len());
        for (language, text) in &SHIPPED[1..] {
            let own = keys(text);
            let lacking: Vec<_> = english.difference(&own).collect();
            let extra: Vec<_> = own.difference(&english).collect();
            assert!(lacking.is_empty(), "{language}.ftl lacks {lacking:?}");
            assert!(
                extra.is_empty(),
                "{language}.ftl has keys English lacks: {extra:?}"
            );
        }
        assert_eq!(SHIPPED.map(|(l, _)| l), LANGUAGES);
    }

    #[test]
    fn a_missing_string_comes_from_the_fallback_then_shows_its_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("de.ftl"), "only-here = Nur hier\n").unwrap();
        let strings = Strings::load(Some(dir.path()), "en").unwrap();
        assert_eq!(strings.get("de", "only-here", None), "Nur hier");
        assert_eq!(strings.get("en", "only-here", None), missing("only-here"));
        assert_eq!(strings.get("xx", "action-sign-in", None), "Sign in");
    }

    #[test]
    fn the_operators_strings_replace_the_shipped_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sv.ftl"), "action-sign-in = Kom in\n").unwrap();
        let strings = Strings::load(Some(dir.path()), "en").unwrap();
        assert_eq!(strings.get("sv", "action-sign-in", None), "Kom in");
        assert_eq!(strings.get("de", "action-sign-in", None), "Anmelden");
    }

    #[test]
    fn a_broken_or_misnamed_file_is_refused_with_its_path_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fr.ftl"), "ok = Bien\n\n= broken\n").unwrap();
        let err = Strings::load(Some(dir.path()), "en").err().unwrap();
        assert!(err.contains("fr.ftl") && err.contains("line 3"), "{err}");

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("nl.ftl"), "ok = Goed\n").unwrap();
        let err = Strings::load(Some(dir.path()), "en").err().unwrap();
        assert!(err.contains("nl.ftl"), "{err}");
    }

    #[test]
    fn arguments_are_filled_in_without_isolation_marks() {
        let strings = Strings::shipped();
        let mut args = FluentArgs::new();
        args.set("min", 10);
        let text = strings.get("de", "password-rule", Some(&args));
        assert!(text.contains("10"), "{text}");
        assert!(!text.contains('\u{2068}'), "{text:?}");
    }

    #[test]
    fn strings_without_arguments_are_formatted_once_and_read_as_fluent_would_format_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("de.ftl"),
            "action-sign-in = Hallo { $name }\nonly-german = Nur deutsch\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("en.ftl"), "only-english = Only English\n").unwrap();
        let strings = Strings::load(Some(dir.path()), "en").unwrap();
        assert_eq!(strings.fixed("de", "only-german"), Some("Nur deutsch"));
        assert_eq!(strings.fixed("de", "only-english"), Some("Only English"));
        assert_eq!(strings.fixed("xx", "action-sign-in"), Some("Sign in"));
        // The language's own string takes an argument: never the fallback's fixed one.
        assert_eq!(strings.fixed("de", "action-sign-in"), None);
        let mut args = FluentArgs::new();
        args.set("name", "Ada");
        assert_eq!(
            strings.get("de", "action-sign-in", Some(&args)),
            "Hallo Ada"
        );
        assert_eq!(strings.fixed("de", "password-rule"), None);
        assert_eq!(strings.fixed("de", "nowhere"), None);
        assert_eq!(strings.get("de", "nowhere", None), missing("nowhere"));
        for (language, _) in SHIPPED {
            for key in keys(SHIPPED[0].1) {
                if let Some(text) = strings.fixed(language, &key) {
                    let formatted = strings
                        .find(language, &key, None)
                        .or_else(|| strings.find("en", &key, None))
                        .unwrap();
                    assert_eq!(text, formatted, "{language} {key}");
                }
            }
        }
    }
}
