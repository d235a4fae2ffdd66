//! Property tests of the properties layer: any text is settings or an error, never a panic,
//! and a value escaped the way Java's `Properties.store` escapes it reads back as written.

use proptest::prelude::*;
use proptest::sample::select;

use super::Settings;
use super::properties::Source;

/// `value` as `java.util.Properties.store` writes it: `\` and the separators escaped, a
/// leading space escaped, and everything outside printable ASCII as `\uXXXX` UTF-16 units
/// (so a character beyond the BMP is a surrogate pair).
fn java_escaped(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            ' ' if i == 0 => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            '=' | ':' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
        }
    }
    out
}

/// What the key layer keeps of a value: trimmed, and nothing when that leaves it empty.
fn read_back(line: &str) -> Option<String> {
    let source = Source::read("t.properties", line, &|_| None).unwrap();
    source
        .get("auth.signup.email.subject")
        .map(|value| value.text.clone())
}

/// Lines made of doorstep's own keys, separators, escapes and continuations.
fn properties_like() -> impl Strategy<Value = String> {
    let keys = [
        "doorstep.base-url",
        "doorstep.base-path",
        "doorstep.auth.signup",
        "doorstep.auth.signup.confirm.ttl",
        "doorstep.auth.signup.whitelist",
        "doorstep.auth.signup.whitelist.1",
        "doorstep.auth.signup.whitelist.2",
        "doorstep.auth.signup.whitelist.01",
        "doorstep.auth.permitted.redirects.1",
        "doorstep.auth.password.min-length",
        "doorstep.auth.password.max-length",
        "doorstep.auth.email.from",
        "doorstep.ratelimit.ip",
        "doorstep.trusted-proxies.1",
        "doorstep.smtp.port",
        "doorstep.mail.transport",
        "entrystore.auth.signup",
        "entrystore.other",
        "Doorstep.Auth.Signup",
        "doorstep.unknown",
        "# comment",
        "",
    ];
    let separators = ["=", ":", " ", " = ", "\t:", "=\\\n  "];
    let values = "on|off|\\d{1,20}[smhd]?|\\d+/\\d*[smhd]?|https?://[a-z.]{0,12}(:\\d{1,6})?/?|[a-z@. <>]{0,20}|\\PC{0,12}|\\\\u[0-9a-fA-FxX]{0,5}|.*\\\\";
    let line = (select(keys.to_vec()), select(separators.to_vec()), values)
        .prop_map(|(key, separator, value)| format!("{key}{separator}{value}"));
    prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #[test]
    fn any_text_is_settings_or_an_error(text in "\\PC{0,200}") {
        let _ = Settings::parse("t.properties", &text, &|_| None);
    }

    #[test]
    fn any_mix_of_keys_and_values_is_settings_or_an_error(text in properties_like()) {
        if let Err(error) = Settings::parse("t.properties", &text, &|_| None) {
            prop_assert!(error.to_string().starts_with("t.properties"));
        }
    }

    #[test]
    fn a_java_escaped_value_reads_back_as_written(value in any::<String>()) {
        let line = format!("doorstep.auth.signup.email.subject={}\n", java_escaped(&value));
        let expected = Some(value.trim()).filter(|text| !text.is_empty());
        let read = read_back(&line);
        prop_assert_eq!(read.as_deref(), expected, "{}", line);
    }
}

#[test]
fn characters_beyond_the_bmp_read_back_from_surrogate_escapes() {
    let line = "doorstep.auth.signup.email.subject=Welcome \\uD83D\\uDC4B!\n";
    assert_eq!(read_back(line).as_deref(), Some("Welcome 👋!"));
    assert_eq!(java_escaped("👋"), "\\uD83D\\uDC4B");
}
