//! Which sign-up flow the server runs (`doorstep.auth.signup.flow`).

use super::ConfigError;
use super::properties::Value;

/// The order in which sign-up asks for things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupFlow {
    /// The address and the person's details (names, password, username) in one request, then
    /// the mailed link proves the address.
    DetailsFirst,
    /// Only the address first; the details come with `POST /auth/signup/complete`, once the
    /// mailed link (or code) proves the mailbox.
    EmailFirst,
}

impl SignupFlow {
    /// The flow as the configuration and the discovery document spell it.
    pub fn name(self) -> &'static str {
        match self {
            SignupFlow::DetailsFirst => "details-first",
            SignupFlow::EmailFirst => "email-first",
        }
    }

    pub fn is_email_first(self) -> bool {
        self == SignupFlow::EmailFirst
    }
}

pub(super) fn flow(value: &Value) -> Result<SignupFlow, ConfigError> {
    match value.text.to_ascii_lowercase().as_str() {
        "details-first" => Ok(SignupFlow::DetailsFirst),
        "email-first" => Ok(SignupFlow::EmailFirst),
        _ => Err(value.error(format!(
            "{:?} is not a sign-up flow (use details-first or email-first)",
            value.text
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::super::Settings;
    use super::SignupFlow;

    fn parse(text: &str, env: Option<&str>) -> Result<Settings, String> {
        let env = env.map(str::to_owned);
        Settings::parse("doorstep.properties", text, &move |name| {
            (name == "DOORSTEP_AUTH_SIGNUP_FLOW")
                .then(|| env.clone())
                .flatten()
        })
        .map_err(|err| err.to_string())
    }

    #[test]
    fn details_first_unless_the_operator_says_email_first() {
        assert_eq!(
            parse("", None).unwrap().signup.flow,
            SignupFlow::DetailsFirst
        );
        let set = parse("doorstep.auth.signup.flow=Email-First", None).unwrap();
        assert_eq!(set.signup.flow, SignupFlow::EmailFirst);
        let back = parse("doorstep.auth.signup.flow=details-first", None).unwrap();
        assert_eq!(back.signup.flow, SignupFlow::DetailsFirst);
        let from_env = parse("", Some("email-first")).unwrap();
        assert_eq!(from_env.signup.flow, SignupFlow::EmailFirst);
        assert_eq!(SignupFlow::EmailFirst.name(), "email-first");
    }

    #[test]
    fn another_flow_is_refused_with_its_line() {
        assert_eq!(
            parse("\ndoorstep.auth.signup.flow=email", None).unwrap_err(),
            "doorstep.properties:2: doorstep.auth.signup.flow: \"email\" is not a sign-up flow \
             (use details-first or email-first)"
        );
    }
}
