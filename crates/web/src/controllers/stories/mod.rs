//! Story pages: every outlet's coverage of one event, with why each article is in it.

pub mod show;
