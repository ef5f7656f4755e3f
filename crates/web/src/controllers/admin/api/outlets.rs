//! Outlets as JSON: list, and set the republication policy and extraction mode — what
//! `tidings outlet policy|mode` and `/admin/outlets` do.

use super::{Done, Listed, PageQuery, done, page_loaded};
use crate::api_auth::{ApiAdmin, ApiJson};
use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tidings_model::{ExtractionMode, RepublicationPolicy};
use utoipa::ToSchema;

/// Outlets, a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/outlets", tag = "admin",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Outlets by id, with policy, extraction mode and article count", body = Listed),
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
    let outlets = state.db(|s| s.outlets()).await?;
    Ok(Json(page_loaded(outlets, after, limit, |o| o.id)?))
}

/// Settings to change; absent ones stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutletChange {
    /// full, excerpt or link.
    #[serde(default)]
    pub policy: Option<String>,
    /// When article pages are fetched: always, when-summary or never.
    #[serde(default)]
    pub extraction_mode: Option<String>,
}

/// Sets an outlet's republication policy and/or extraction mode.
#[utoipa::path(patch, path = "/api/v1/admin/outlets/{slug}", tag = "admin",
    params(("slug" = String, Path, description = "Outlet slug")),
    request_body = OutletChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The outlet as it is now", body = Done),
        (status = 400, description = "An unknown policy or mode, or nothing to change", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such outlet", body = crate::api_doc::ErrorBody)
    ))]
pub async fn set(
    State(state): State<AppState>,
    _admin: ApiAdmin,
    Path(slug): Path<String>,
    ApiJson(change): ApiJson<OutletChange>,
) -> Result<Json<Done>, ApiError> {
    let policy = change
        .policy
        .as_deref()
        .map(str::parse::<RepublicationPolicy>)
        .transpose()
        .map_err(WebError::BadRequest)?;
    let mode = change
        .extraction_mode
        .as_deref()
        .map(str::parse::<ExtractionMode>)
        .transpose()
        .map_err(WebError::BadRequest)?;
    if policy.is_none() && mode.is_none() {
        return Err(
            WebError::BadRequest("Give a policy, an extraction_mode or both.".into()).into(),
        );
    }
    let outlet = state
        .db(move |s| {
            let mut outlet = None;
            if let Some(p) = policy {
                outlet = Some(s.set_outlet_policy(&slug, p)?);
            }
            if let Some(m) = mode {
                outlet = Some(s.set_outlet_extraction_mode(&slug, m)?);
            }
            Ok(outlet)
        })
        .await?
        .ok_or_else(|| WebError::Internal("no change made".into()))?;
    done(
        format!(
            "{}: policy {}, article pages fetched {}",
            outlet.name,
            outlet.policy,
            outlet.extraction_mode.as_str()
        ),
        &outlet,
    )
}
