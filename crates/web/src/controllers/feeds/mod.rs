//! Output feeds: the top stories, every outlet, section, tag and entity, and any search, as
//! Atom 1.0, RSS 2.0 and JSON Feed 1.1.

pub mod render;
pub mod show;
