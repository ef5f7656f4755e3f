//! Search: `/search?q=` and its JSON twin.

pub mod index;
