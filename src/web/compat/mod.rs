//! Other systems' registration APIs at their own paths, mounted only while the operator has
//! switched each on (anything else there is doorstep's 404).

pub mod ald;
pub mod cadmium;
pub mod dspace;
pub mod nextcloud;
