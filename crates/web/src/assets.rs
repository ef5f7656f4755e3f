//! The stylesheet, compiled into the binary so one file is the whole site.

use axum::http::header;
use axum::response::IntoResponse;

const SITE_CSS: &str = include_str!("../static/site.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SITE_CSS,
    )
}
