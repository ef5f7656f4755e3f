//! Week pages: the top stories of an ISO week, and the archive of weeks.

pub mod index;
pub mod show;
