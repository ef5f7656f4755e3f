//! `POST /comments/{id}/edit`, `/delete` (by the author, within the edit window) and
//! `/report` (by any signed-in reader).

use super::{EDIT_WINDOW_SECS, author, body_problem, parse_id};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

enum Change {
    Edit,
    Delete,
    Report,
}

async fn apply(
    state: AppState,
    headers: HeaderMap,
    raw: String,
    f: ChangeForm,
    change: Change,
) -> Response {
    let id = match parse_id(&raw, "comment") {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let comment = match state.db(move |s| s.comment(id)).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let back = comment.target.path();
    let user = match author(&state, &headers, &f.csrf, &f.website, &back).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if matches!(change, Change::Edit)
        && let Some(p) = body_problem(&f.body)
    {
        return WebError::BadRequest(p).into_response();
    }
    let reason: String = f.reason.trim().chars().take(500).collect();
    let body = f.body.trim().to_owned();
    let result = state
        .db(move |s| match change {
            Change::Edit => s
                .edit_comment(
                    id,
                    user.id,
                    &body,
                    &crate::markdown::render(&body),
                    EDIT_WINDOW_SECS,
                )
                .map(|_| ()),
            Change::Delete => s
                .delete_own_comment(id, user.id, EDIT_WINDOW_SECS)
                .map(|_| ()),
            Change::Report => s.report_comment(
                id,
                user.id,
                if reason.is_empty() {
                    "no reason given"
                } else {
                    &reason
                },
            ),
        })
        .await;
    match result {
        Ok(()) => Redirect::to(&format!("{back}#comment-{id}")).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    apply(state, headers, raw, f, Change::Edit).await
}

pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    apply(state, headers, raw, f, Change::Delete).await
}

pub async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<ChangeForm>,
) -> Response {
    apply(state, headers, raw, f, Change::Report).await
}
