//! Browsing pages: an outlet's, a section's or a tag's articles, newest first.

pub mod show;
