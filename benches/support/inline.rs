//! The shipped page templates with their English words written in: every `t(key=…, lang=…)`
//! call replaced by the string `en.ftl` gives it, as a Tera string (joined with `~` to the
//! call's arguments where the string has placeables). Served through `doorstep.templates.dir`,
//! it is the same page in the same markup as the shipped one, without a single lookup.

use std::path::Path;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

/// The templates the sign-up form GET renders.
pub const SIGNUP_PAGE: [&str; 5] = [
    "base.html.tera",
    "signup.html.tera",
    "macros.html.tera",
    "errors.html.tera",
    "captcha.html.tera",
];

/// Where placeables begin and end in a string formatted for splitting (private-use code
/// points: no `.ftl` file holds them).
const OPEN: char = '\u{e000}';
const CLOSE: char = '\u{e001}';

/// Writes `names` from `templates/` into `dir`, each call of `t()` replaced by its English
/// words. Returns how many calls were replaced.
pub fn write_inlined(dir: &Path, names: &[&str]) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let english = std::fs::read_to_string(root.join("src/i18n/en.ftl")).unwrap();
    let resource = FluentResource::try_new(english).unwrap_or_else(|(_, e)| panic!("{e:?}"));
    let mut bundle = FluentBundle::new(vec!["en".parse().unwrap()]);
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).unwrap();
    let mut replaced = 0;
    for name in names {
        let text = std::fs::read_to_string(root.join("templates").join(name)).unwrap();
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("t(key=\"") {
            out.push_str(&rest[..start]);
            let call = &rest[start + 2..];
            let end = call.find(')').unwrap();
            out.push_str(&words(&bundle, &call[..end]));
            rest = &call[end + 1..];
            replaced += 1;
        }
        out.push_str(rest);
        std::fs::write(dir.join(name), out).unwrap();
    }
    replaced
}

/// The Tera expression for one call's arguments (`key="…", lang=lang, min=rule`).
fn words(bundle: &FluentBundle<FluentResource>, arguments: &str) -> String {
    let mut key = "";
    let mut args = FluentArgs::new();
    let mut expressions = Vec::new();
    for argument in arguments.split(", ") {
        let (name, value) = argument.split_once('=').unwrap();
        match name.trim() {
            "key" => key = value.trim_matches('"'),
            "lang" => {}
            name => {
                args.set(
                    name.to_owned(),
                    format!("{OPEN}{}{CLOSE}", expressions.len()),
                );
                expressions.push(value.to_owned());
            }
        }
    }
    let pattern = bundle.get_message(key).unwrap().value().unwrap();
    let mut errors = Vec::new();
    let formatted = bundle.format_pattern(pattern, Some(&args), &mut errors);
    assert!(errors.is_empty(), "{key}: {errors:?}");
    let mut parts = Vec::new();
    for (n, piece) in formatted.split(OPEN).enumerate() {
        let text = if n == 0 {
            piece
        } else {
            let (index, text) = piece.split_once(CLOSE).unwrap();
            parts.push(expressions[index.parse::<usize>().unwrap()].clone());
            text
        };
        if !text.is_empty() {
            parts.push(literal(text));
        }
    }
    parts.join(" ~ ")
}

/// `text` as a Tera string, in the first quote it does not contain.
fn literal(text: &str) -> String {
    let quote = ['"', '\'', '`']
        .into_iter()
        .find(|quote| !text.contains(*quote))
        .unwrap();
    format!("{quote}{text}{quote}")
}
