//! Moderation as JSON: the queue of reported comments, and hide / restore / delete with a note
//! (logged) — what `/admin/moderation` and its buttons do. Moderators and administrators.

use super::{Done, Listed, PageQuery, done, page, parse_id};
use crate::api_auth::{ApiJson, ApiModerator};
use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tidings_store::Moderation;
use utoipa::ToSchema;

/// Reported comments still shown: the moderation queue, a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/comments/reports", tag = "admin",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Visible reported comments by id, with their report count", body = Listed),
        (status = 400, description = "Bad cursor", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not a moderator", body = crate::api_doc::ErrorBody)
    ))]
pub async fn reports(
    State(state): State<AppState>,
    _moderator: ApiModerator,
    Query(q): Query<PageQuery>,
) -> Result<Json<Listed>, ApiError> {
    let (after, limit) = q.bounds()?;
    let comments = state
        .db(move |s| s.reported_comments_after(after, limit + 1))
        .await?;
    Ok(Json(page(comments, limit, |c| c.id)?))
}

/// Why, for the moderation log.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ModerationNote {
    #[serde(default)]
    pub note: Option<String>,
}

/// Hides, restores or deletes a comment, with a note for the moderation log.
#[utoipa::path(post, path = "/api/v1/admin/comments/{id}/{action}", tag = "admin",
    params(
        ("id" = i64, Path, description = "Comment id"),
        ("action" = String, Path, description = "hide, restore or delete")
    ),
    request_body = ModerationNote,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The comment as it is now; the action is logged", body = Done),
        (status = 400, description = "A bad body", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not a moderator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such comment or action", body = crate::api_doc::ErrorBody)
    ))]
pub async fn moderate(
    State(state): State<AppState>,
    ApiModerator(user): ApiModerator,
    Path((raw, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<ModerationNote>,
) -> Result<Json<Done>, ApiError> {
    let id = parse_id(&raw, "comment")?;
    let action = Moderation::parse(&action)
        .ok_or_else(|| WebError::NotFound(format!("There is no action {action:?}.")))?;
    let note: String = body
        .note
        .unwrap_or_default()
        .trim()
        .chars()
        .take(500)
        .collect();
    let comment = state
        .db(move |s| {
            s.moderate_comment(
                id,
                user.id,
                user.role,
                action,
                (!note.is_empty()).then_some(note.as_str()),
            )
        })
        .await?;
    done(
        format!("Comment {} is now {}.", comment.id, comment.status),
        &comment,
    )
}
