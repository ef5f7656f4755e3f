//! Sources as JSON: list, follow (with discovery, through the injected [`crate::SourceAdder`]),
//! pause, resume, fetch now, remove — what `tidings source …` and `/admin/sources` do.

use super::{Done, Listed, PageQuery, done, page_loaded, parse_id};
use crate::api_auth::{ApiAdmin, ApiJson};
use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// Followed sources (feeds), a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/sources", tag = "admin",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Followed feeds by id, with last error and article count", body = Listed),
        (status = 400, description = "Bad cursor", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody)
    ))]
pub async fn list(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Query(q): Query<PageQuery>,
) -> Result<Json<Listed>, ApiError> {
    let (after, limit) = q.bounds()?;
    let feeds = state.db(|s| s.feeds()).await?;
    Ok(Json(page_loaded(feeds, after, limit, |f| f.id)?))
}

/// A source to follow.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSource {
    /// A feed URL, or a page whose feed is discovered.
    pub url: String,
    /// Section its articles are filed under.
    #[serde(default)]
    pub section: Option<String>,
}

/// Follows a feed, or the feed a page announces.
#[utoipa::path(post, path = "/api/v1/admin/sources", tag = "admin",
    request_body = NewSource,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Followed; its current articles are stored", body = Done),
        (status = 400, description = "No feed found there, or a bad URL", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody)
    ))]
pub async fn add(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    ApiJson(body): ApiJson<NewSource>,
) -> Result<(StatusCode, Json<Done>), ApiError> {
    let Some(adder) = state.sources.clone() else {
        return Err(WebError::BadRequest(
            "This node does not fetch; add sources where fetching runs.".into(),
        )
        .into());
    };
    let url = body.url.trim().to_owned();
    if url.is_empty() || url.len() > 2000 {
        return Err(WebError::BadRequest("Give the URL of a feed or a site.".into()).into());
    }
    let section = body
        .section
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let before: Vec<i64> = state
        .db(|s| s.feeds())
        .await?
        .iter()
        .map(|f| f.id)
        .collect();
    let message = adder
        .add(url, section)
        .await
        .map_err(|why| WebError::BadRequest(format!("Not added: {why}")))?;
    // The adder reports in words; the feed is the one that was not there before (none when
    // the URL was followed already).
    let feed = state
        .db(|s| s.feeds())
        .await?
        .into_iter()
        .filter(|f| !before.contains(&f.id))
        .max_by_key(|f| f.id);
    Ok((StatusCode::CREATED, done(message, &feed)?))
}

/// Stops following a source; its articles stay.
#[utoipa::path(delete, path = "/api/v1/admin/sources/{id}", tag = "admin",
    params(("id" = i64, Path, description = "Source id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "No longer followed; its articles stay", body = Done),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such source", body = crate::api_doc::ErrorBody)
    ))]
pub async fn remove(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Path(raw): Path<String>,
) -> Result<Json<Done>, ApiError> {
    let id = parse_id(&raw, "source")?;
    let feed = state.db(move |s| s.remove_feed(id)).await?;
    done(
        format!("No longer following {}; its articles stay.", feed.url),
        &feed,
    )
}

/// Pauses, resumes or fetches a source now.
#[utoipa::path(post, path = "/api/v1/admin/sources/{id}/{action}", tag = "admin",
    params(
        ("id" = i64, Path, description = "Source id"),
        ("action" = String, Path, description = "pause, resume or fetch (fetch now)")
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Done; the source as it is now", body = Done),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such source or action", body = crate::api_doc::ErrorBody)
    ))]
pub async fn act(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Path((raw, action)): Path<(String, String)>,
) -> Result<Json<Done>, ApiError> {
    let id = parse_id(&raw, "source")?;
    let message = match action.as_str() {
        "pause" => {
            state.db(move |s| s.set_feed_enabled(id, false)).await?;
            format!("Source {id} paused.")
        }
        "resume" => {
            state.db(move |s| s.set_feed_enabled(id, true)).await?;
            format!("Source {id} resumed.")
        }
        "fetch" => {
            state.db(move |s| s.fetch_feed_now(id)).await?;
            format!("Source {id} will be fetched within seconds.")
        }
        other => {
            return Err(WebError::NotFound(format!("There is no action {other:?}.")).into());
        }
    };
    let feed = state
        .db(move |s| s.feed(id))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no source {id}.")))?;
    done(message, &feed)
}
