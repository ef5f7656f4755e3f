//! Comments: `POST /articles/{id}/comments` and `/stories/{id}/comments` (new or reply), `POST /comments/{id}/edit`,
//! `/delete`, `/report`, `/moderate`, and `GET /admin/moderation`. Every form needs a signed-in
//! user and a CSRF token; bodies are Markdown rendered through a strict sanitizer.

pub mod change;
pub mod create;
pub mod moderate;
pub mod view;

use crate::controllers::accounts::rejects;
use crate::{AppState, WebError, session};
use axum::Router;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tidings_store::User;

/// Authors may edit or delete a comment for this long after writing it.
pub const EDIT_WINDOW_SECS: i64 = 15 * 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/articles/{id}/comments", post(create::on_article))
        .route("/stories/{id}/comments", post(create::on_story))
        .route("/comments/{id}/edit", post(change::edit))
        .route("/comments/{id}/delete", post(change::delete))
        .route("/comments/{id}/report", post(change::report))
        .route("/comments/{id}/moderate", post(moderate::act))
        .route("/admin/moderation", get(moderate::queue))
}

/// The signed-in author of a comment form, after its CSRF check; otherwise the response to
/// send (sign in first, or the form expired).
pub(crate) async fn author(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    honeypot: &str,
    back: &str,
) -> Result<User, Response> {
    let Some(user) = session::current_user(state, headers).await else {
        return Err(Redirect::to(&format!("/login?next={back}")).into_response());
    };
    if let Some(why) = rejects(headers, csrf, honeypot) {
        return Err(WebError::Forbidden(why.into()).into_response());
    }
    Ok(user)
}

/// Parses a numeric id from a path; the 404 for anything else.
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("There is no {what} {raw:?}.")))
}

/// A comment body after trimming, or why it is refused.
pub(crate) fn body_problem(body: &str) -> Option<String> {
    let n = body.trim().chars().count();
    if n == 0 {
        Some("The comment is empty.".into())
    } else if n > crate::markdown::MAX_CHARS {
        Some(format!(
            "Comments are limited to {} characters.",
            crate::markdown::MAX_CHARS
        ))
    } else {
        None
    }
}
