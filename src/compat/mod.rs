//! Other systems' registration APIs, each a thin adapter over `accounts`: its own wire format
//! in, the same verbs and rules, its own wire format out. Off unless the operator switches one
//! on (`doorstep.compat.<name>`).

pub mod ald;
pub mod cadmium;
pub mod dspace;
pub mod nextcloud;
