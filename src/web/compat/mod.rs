//! The routes of other systems' registration APIs (the adapters are in `crate::compat`).

pub mod cadmium;
