//! `POST /articles/{id}/comments`: a new comment or a reply, limited per user and per address
//! (counted in the database, so the limits hold across nodes).

use super::{author, body_problem, parse_id};
use crate::{AppState, WebError, session};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_store::{CommentTarget, NewComment};

#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

/// `POST /articles/{id}/comments`.
pub async fn on_article(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Path(raw): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    match parse_id(&raw, "article") {
        Ok(id) => submit(state, headers, extensions, CommentTarget::Article(id), f).await,
        Err(e) => e.into_response(),
    }
}

/// `POST /stories/{id}/comments`.
pub async fn on_story(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Path(raw): Path<String>,
    Form(f): Form<CommentForm>,
) -> Response {
    match parse_id(&raw, "story") {
        Ok(id) => submit(state, headers, extensions, CommentTarget::Story(id), f).await,
        Err(e) => e.into_response(),
    }
}

async fn submit(
    state: AppState,
    headers: HeaderMap,
    extensions: Extensions,
    target: CommentTarget,
    f: CommentForm,
) -> Response {
    let back = target.path();
    let user = match author(&state, &headers, &f.csrf, &f.website, &back).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Some(p) = body_problem(&f.body) {
        return WebError::BadRequest(p).into_response();
    }
    let parent_id = match f.parent.trim() {
        "" => None,
        p => match p.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return WebError::BadRequest("bad reply target".into()).into_response(),
        },
    };
    let ip_hash = session::ip_hash(&state, session::client_ip(&extensions));
    let html = crate::markdown::render(f.body.trim());
    let body = f.body.trim().to_owned();
    let now = chrono::Utc::now().timestamp();
    let per_minute = i64::from(state.site.comments_per_minute);
    let per_address = i64::from(state.site.comments_per_address_minute);
    let stored = state
        .db(move |s| {
            let (minute, address) = s.recent_comments(user.id, &ip_hash, now - 60)?;
            let (hour, _) = s.recent_comments(user.id, &ip_hash, now - 3600)?;
            if minute >= per_minute || hour >= 10 * per_minute || address >= per_address {
                return Ok(None);
            }
            s.add_comment(&NewComment {
                target,
                user_id: user.id,
                parent_id,
                body_md: &body,
                body_html: &html,
                ip_hash: &ip_hash,
            })
            .map(Some)
        })
        .await;
    match stored {
        Ok(Some(c)) => Redirect::to(&format!("{back}#comment-{}", c.id)).into_response(),
        Ok(None) => {
            WebError::RateLimited("You are commenting too fast; please wait a minute.".into())
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}
