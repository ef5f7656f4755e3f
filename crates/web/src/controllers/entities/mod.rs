//! Entity pages: a person, organisation or place with its aliases, weekly mentions, quotes
//! and articles.

pub mod show;
