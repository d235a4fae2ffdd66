//! The `confirm` parameter of a link's query, and the token shape check that runs before any
//! lookup.
#![no_main]

use doorstep::random::is_url_token;
use doorstep::web::guards::confirm_parameter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    if is_url_token(query) {
        assert_eq!(query.len(), 43);
    }
    let Ok(Some(token)) = confirm_parameter(query) else {
        return;
    };
    // The value round-trips through a query written by a form encoder.
    let written = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("confirm", &token)
        .finish();
    assert_eq!(confirm_parameter(&written).ok(), Some(Some(token.clone())));
    if is_url_token(&token) {
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
});
