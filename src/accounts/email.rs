//! Email addresses: parsed once, normalized for comparison, sent to as stored.

/// A syntactically valid address with its domain in lower-case ASCII (IDNA applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    local: String,
    domain: String,
}

impl Address {
    /// Parses what a person typed; the error is a field reason code.
    pub fn parse(input: &str) -> Result<Address, &'static str> {
        let input = input.trim();
        if input.is_empty() {
            return Err("required");
        }
        if input.len() > 254 {
            return Err("too_long");
        }
        let (local, domain) = input.rsplit_once('@').ok_or("invalid")?;
        if !is_local_part(local) {
            return Err("invalid");
        }
        let domain = normalize_domain(domain).ok_or("invalid")?;
        // Measured again as stored: IDNA can grow a domain (`ä` is `xn--4ca`), and an address
        // over 254 bytes is refused by relays, and by this check when it is typed again.
        if local.len() + 1 + domain.len() > 254 {
            return Err("too_long");
        }
        // lettre must accept it too, or the mail could never be sent.
        lettre::Address::new(local, &domain).map_err(|_| "invalid")?;
        Ok(Address {
            local: local.to_owned(),
            domain,
        })
    }

    /// The address as mail is sent to it: local part as typed, domain normalized.
    pub fn as_stored(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }

    /// The form two addresses are compared on: one address is one account.
    pub fn key(&self) -> String {
        format!("{}@{}", self.local.to_lowercase(), self.domain)
    }

    pub fn local(&self) -> &str {
        &self.local
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }
}

/// A dot-atom local part (RFC 5322), also allowing non-ASCII letters (RFC 6531).
fn is_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || SPECIALS.contains(c)
                || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
        })
}

/// Lower-case ASCII form of a domain (IDNA), or `None` when it is not a usable mail domain.
pub fn normalize_domain(domain: &str) -> Option<String> {
    let host = url::Host::parse(domain.trim().trim_end_matches('.')).ok()?;
    let url::Host::Domain(ascii) = host else {
        return None; // IP literals are not accepted for sign-up
    };
    let labels: Vec<&str> = ascii.split('.').collect();
    let valid = labels.len() >= 2
        && ascii.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    valid.then_some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_domain_but_keeps_local_part() {
        let address = Address::parse("  Ada.Lovelace@Bücher.Example ").unwrap();
        assert_eq!(address.as_stored(), "Ada.Lovelace@xn--bcher-kva.example");
        assert_eq!(address.key(), "ada.lovelace@xn--bcher-kva.example");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a..b@example.com",
            ".a@example.com",
            "a@[127.0.0.1]",
            "a@example.com\r\nBcc: victim@example.org",
            "a\n@example.com",
            "a@-example.com",
        ] {
            assert!(Address::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_length_limit_applies_to_the_stored_form() {
        let grows = format!("{}@{}.com", "a".repeat(60), vec!["ä"; 27].join("."));
        assert!(grows.len() < 254);
        assert_eq!(Address::parse(&grows), Err("too_long"));
        let fits = format!("{}@{}.com", "a".repeat(60), vec!["ä"; 20].join("."));
        let stored = Address::parse(&fits).unwrap().as_stored();
        assert_eq!(stored.len(), 60 + 1 + 20 * 8 - 1 + 4);
        assert_eq!(Address::parse(&stored).unwrap().as_stored(), stored);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Addresses near the edges: long, mixed-case, non-ASCII, with stray dots and spaces.
        fn address_like() -> impl Strategy<Value = String> {
            let local = "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~äöüßİ\\-]{1,70}";
            let label = "[a-zA-Z0-9äöüßÉİ\\-]{1,24}|xn--[a-z0-9]{1,10}";
            // Short non-ASCII labels grow most under IDNA: `ä` is `xn--4ca`.
            let growing = prop::collection::vec("[äöü]|[a-z]{1,3}", 1..60);
            let domain = prop_oneof![prop::collection::vec(label, 1..12), growing]
                .prop_map(|labels| labels.join("."));
            (local, domain, "[ .]{0,2}", "[ ]{0,2}")
                .prop_map(|(local, domain, end, pad)| format!("{pad}{local}@{domain}{end}"))
        }

        fn assert_stable(address: &Address) -> Result<(), TestCaseError> {
            let stored = address.as_stored();
            prop_assert!(stored.len() <= 254, "{stored:?} is {} bytes", stored.len());
            let again = Address::parse(&stored);
            prop_assert_eq!(
                again.as_ref(),
                Ok(address),
                "{:?} refused once stored",
                stored
            );
            let domain = normalize_domain(address.domain());
            prop_assert_eq!(domain.as_deref(), Some(address.domain()));
            Ok(())
        }

        proptest! {
            #[test]
            fn normalizing_is_idempotent(text in address_like()) {
                if let Ok(address) = Address::parse(&text) {
                    assert_stable(&address)?;
                }
            }

            #[test]
            fn any_text_accepted_is_accepted_again(text in "\\PC{0,80}@?\\PC{0,40}") {
                if let Ok(address) = Address::parse(&text) {
                    assert_stable(&address)?;
                }
            }
        }
    }
}
