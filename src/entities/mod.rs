//! Table shapes only; the rules live in `accounts` and `mail`.

pub mod account;
pub mod app_password;
pub mod audit_log;
pub mod captcha_challenge;
pub mod code;
pub mod email_change;
pub mod invitation;
pub mod one_time_token;
pub mod outbox;
pub mod password_reset;
pub mod pending_signup;
pub mod registration;
pub mod registration_token;
pub mod session;
