//! The domain of tidings, shared by every pipeline stage: what an article, an outlet, a story and
//! an ISO week are, the Article JSON contract of SPEC.md, and the error classes that map to HTTP
//! statuses and CLI exit codes in one place.

pub mod article;
pub mod bounded;
pub mod error_class;
pub mod outlet;
pub mod slug;
pub mod url;
pub mod week;

pub use article::{Article, Engagement, EntityKind, EntityMention, OutletRef, Provenance, Quote};
pub use error_class::{Classify, ErrorClass};
pub use outlet::{ExtractionMode, RepublicationPolicy};
pub use slug::slugify;
pub use week::IsoWeek;
pub mod card;
pub use card::ArticleCard;
