//! Entities as JSON: rename one, or merge it into another — what `tidings entity rename|merge`
//! and `/admin/entities` do (links, quotes and aliases kept; old pages redirect).

use super::{Done, done};
use crate::api_auth::{ApiAdmin, ApiJson};
use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;

/// The new name.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Rename {
    pub name: String,
}

/// The entity to keep.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Merge {
    /// Slug of the entity that stays.
    pub into: String,
}

fn bounded(value: &str) -> Result<String, WebError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(WebError::BadRequest(
            "Give a name or slug of 1 to 200 characters.".into(),
        ));
    }
    Ok(value.to_owned())
}

/// Renames an entity (the old name stays an alias).
#[utoipa::path(post, path = "/api/v1/admin/entities/{slug}/rename", tag = "admin",
    params(("slug" = String, Path, description = "Entity slug")),
    request_body = Rename,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The renamed entity (its slug follows the name)", body = Done),
        (status = 400, description = "A bad name", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such entity", body = crate::api_doc::ErrorBody)
    ))]
pub async fn rename(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Rename>,
) -> Result<Json<Done>, ApiError> {
    let name = bounded(&body.name)?;
    let e = state.db(move |s| s.rename_entity(&slug, &name)).await?;
    done(format!("Renamed: {} (/entities/{})", e.name, e.slug), &e)
}

/// Merges an entity into another (links, quotes, aliases move; the old page redirects).
#[utoipa::path(post, path = "/api/v1/admin/entities/{slug}/merge", tag = "admin",
    params(("slug" = String, Path, description = "Slug of the entity merged away")),
    request_body = Merge,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entity that stays", body = Done),
        (status = 400, description = "A bad slug, or merging an entity into itself", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such entity", body = crate::api_doc::ErrorBody)
    ))]
pub async fn merge(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Merge>,
) -> Result<Json<Done>, ApiError> {
    let into = bounded(&body.into)?;
    let e = state.db(move |s| s.merge_entities(&slug, &into)).await?;
    done(
        format!("Merged into {} ({} articles)", e.name, e.articles),
        &e,
    )
}
