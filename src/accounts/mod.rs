//! The rules of registration, in plain Rust: no Rocket types, `now` passed in, and a
//! [`Context`] holding only what the rules touch.

pub mod admin;
pub mod app_password;
pub mod approval;
mod argon2id;
pub mod audit;
pub mod code;
pub mod common_passwords;
pub mod confirm;
mod context;
pub mod credential;
pub mod email;
pub mod email_first;
pub mod invitations;
pub mod link;
pub mod password;
pub mod password_reset;
pub mod pictured;
pub mod policy;
pub mod public_id;
pub mod registration;
pub mod registration_tokens;
pub mod resend;
pub mod self_service;
pub mod session;
pub mod signup;
pub mod sweep;
pub mod token;
pub mod username;

#[cfg(test)]
mod tests;

pub use confirm::{Confirmed, Proof, confirm, confirm_email};
pub use context::Context;
pub use link::LinkFailed;
pub use signup::{Pictured, SignUpForm, SignedUp, Terms, sign_up, sign_up_on};
