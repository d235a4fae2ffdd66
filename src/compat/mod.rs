//! Other systems' registration APIs, each a thin adapter over `accounts`: its own wire format
//! in, the same verbs and rules, its own wire format out. No Rocket types here.

pub mod cadmium;
