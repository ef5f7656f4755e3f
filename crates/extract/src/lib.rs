//! Extraction stage: turns the bytes of a page into an [`Article`]. Pure — no I/O; the caller
//! names the source for error messages.

use tidings_model::{Article, Classify, ErrorClass};

/// Why a page could not be turned into an article. The message says what is wrong; the caller
/// adds where (file or URL).
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("not an article page: {0}")]
    NotAnArticle(String),
    #[error("cannot decode text: {0}")]
    Encoding(String),
}

impl Classify for ExtractError {
    fn class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}

/// Extracts an article from a plain-text aggregator page (the form of `shared/seed/page.txt`).
pub fn extract_text_page(_bytes: &[u8]) -> Result<Article, ExtractError> {
    Err(ExtractError::NotAnArticle("not implemented yet".into()))
}

/// Extracts an article from an HTML page; `url` is where the page came from, used to resolve
/// relative links and to recognise the outlet.
pub fn extract_html_page(_bytes: &[u8], _url: Option<&str>) -> Result<Article, ExtractError> {
    Err(ExtractError::NotAnArticle("not implemented yet".into()))
}
