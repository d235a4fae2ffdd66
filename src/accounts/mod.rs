//! The rules of registration, in plain Rust: no Rocket types, `now` passed in.

mod argon2id;
pub mod confirm;
pub mod email;
pub mod password;
pub mod password_reset;
pub mod policy;
pub mod session;
pub mod signup;
pub mod sweep;
pub mod token;

pub use confirm::{ConfirmFailed, Confirmed, confirm_email};
pub use signup::{SignUpForm, SignedUp, sign_up};
