//! One mapping from failures to HTTP responses: an HTML page for the site, a JSON body for the
//! API, the status from the error's class.

use askama::Template;
use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use tidings_model::{Classify, ErrorClass};
use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Internal(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    RateLimited(String),
    /// No credentials, or credentials that open nothing (an unknown or revoked API token).
    #[error("{0}")]
    Unauthorized(String),
}

impl Classify for WebError {
    fn class(&self) -> ErrorClass {
        match self {
            WebError::NotFound(_) => ErrorClass::NotFound,
            WebError::BadRequest(_) => ErrorClass::InvalidInput,
            WebError::Store(e) => e.class(),
            WebError::Internal(_) => ErrorClass::Internal,
            WebError::Forbidden(_) => ErrorClass::Forbidden,
            WebError::RateLimited(_) => ErrorClass::RateLimited,
            // The classes have no "who are you?"; `status` answers 401 for it.
            WebError::Unauthorized(_) => ErrorClass::Forbidden,
        }
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        if let WebError::Unauthorized(_) = self {
            return StatusCode::UNAUTHORIZED;
        }
        StatusCode::from_u16(self.class().http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// What a visitor may read: internal details stay in the log.
    fn public_message(&self) -> String {
        match self.class() {
            ErrorClass::Internal | ErrorClass::Config | ErrorClass::StorageFull => {
                "Something went wrong on our side.".into()
            }
            ErrorClass::Unavailable => "The site is busy; please try again in a moment.".into(),
            _ => self.to_string(),
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }

    /// The same error as a JSON body, for `/api/v1`.
    pub fn into_json(self) -> Response {
        self.log();
        let status = self.status();
        let body = serde_json::json!({
            "error": { "status": status.as_u16(), "message": self.public_message() }
        });
        let mut res = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"tidings\""),
            );
        }
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    site_name: &'a str,
    page_title: String,
    status: u16,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let page = ErrorPage {
            site_name: "tidings",
            page_title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            message: self.public_message(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.public_message()).into_response(),
        }
    }
}

/// Errors of API handlers render as JSON.
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

pub async fn not_found(uri: Uri) -> Response {
    let e = WebError::NotFound(format!("There is no page at {}.", uri.path()));
    if uri.path().starts_with("/api/") {
        e.into_json()
    } else {
        e.into_response()
    }
}
