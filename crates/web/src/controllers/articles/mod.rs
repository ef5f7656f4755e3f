//! Article pages.

pub mod show;
