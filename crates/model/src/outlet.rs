//! Per-outlet editorial settings: what we may republish, and when to fetch the article page.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What tidings may show of an outlet's articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepublicationPolicy {
    /// We have permission to republish articles in full.
    Full,
    /// An excerpt and a prominent link to the original (the default).
    #[default]
    Excerpt,
    /// Headline and link only.
    Link,
}

impl RepublicationPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Excerpt => "excerpt",
            Self::Link => "link",
        }
    }
}

impl fmt::Display for RepublicationPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RepublicationPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(Self::Full),
            "excerpt" => Ok(Self::Excerpt),
            "link" => Ok(Self::Link),
            other => Err(format!(
                "unknown republication policy {other:?} (expected full, excerpt or link)"
            )),
        }
    }
}

/// When the pipeline fetches and extracts the article page behind a feed entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractionMode {
    Always,
    #[default]
    WhenSummary,
    Never,
}

impl ExtractionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::WhenSummary => "when-summary",
            Self::Never => "never",
        }
    }
}

impl FromStr for ExtractionMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "always" => Ok(Self::Always),
            "when-summary" => Ok(Self::WhenSummary),
            "never" => Ok(Self::Never),
            other => Err(format!(
                "unknown extraction mode {other:?} (expected always, when-summary or never)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_round_trips_and_defaults_to_excerpt() {
        for p in [
            RepublicationPolicy::Full,
            RepublicationPolicy::Excerpt,
            RepublicationPolicy::Link,
        ] {
            assert_eq!(p.as_str().parse::<RepublicationPolicy>(), Ok(p));
        }
        assert_eq!(RepublicationPolicy::default(), RepublicationPolicy::Excerpt);
        assert!("everything".parse::<RepublicationPolicy>().is_err());
    }
}
