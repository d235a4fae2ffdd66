//! Email normalization: an accepted address is accepted again as stored, unchanged, and
//! fits the length a mail system takes.
#![no_main]

use doorstep::accounts::email::{Address, normalize_domain};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(domain) = normalize_domain(text) {
        assert_eq!(normalize_domain(&domain).as_deref(), Some(domain.as_str()));
    }
    let Ok(address) = Address::parse(text) else {
        return;
    };
    let stored = address.as_stored();
    assert!(stored.len() <= 254, "{stored:?} is longer than 254 bytes");
    let again = Address::parse(&stored).expect("the stored form is accepted again");
    assert_eq!(again, address);
    assert_eq!(again.key(), address.key());
});
