//! The properties parser and every setting's validation: any text is a `Settings` or a
//! `ConfigError`, never a panic.
#![no_main]

use doorstep::config::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = Settings::parse("fuzz.properties", text, &|_| None) {
        // The operator's message is built for every refusal, so building it must not panic.
        let _ = error.to_string();
    }
    // The same text as the environment's value of each key takes the other path in.
    let _ = Settings::parse("fuzz.properties", "", &|_| Some(text.to_owned()));
});
