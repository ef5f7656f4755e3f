//! Request handlers, one folder per domain, one file per action.

pub mod about;
pub mod accounts;
pub mod admin;
pub mod articles;
pub mod comments;
pub mod digest;
pub mod entities;
pub mod feeds;
pub mod health;
pub mod listings;
pub mod search;
pub mod stories;
pub mod weeks;
