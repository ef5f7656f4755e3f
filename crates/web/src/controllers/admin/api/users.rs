//! Users as JSON: list, and set a role — what `tidings user list|role` and `/admin/users` do.

use super::{Done, Listed, PageQuery, done, page, parse_id};
use crate::api_auth::{ApiAdmin, ApiJson};
use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use tidings_store::Role;
use utoipa::ToSchema;

/// Accounts, a page at a time.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accounts by id: address, name, role", body = Listed),
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
    let users = state.db(move |s| s.users_after(after, limit + 1)).await?;
    Ok(Json(page(users, limit, |u| u.id)?))
}

/// The role to give.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleChange {
    /// reader, moderator or admin.
    pub role: String,
}

/// Sets an account's role.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/role", tag = "admin",
    params(("id" = i64, Path, description = "User id")),
    request_body = RoleChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user with the new role", body = Done),
        (status = 400, description = "An unknown role, or an administrator demoting themselves", body = crate::api_doc::ErrorBody),
        (status = 401, description = "No, unknown or revoked token", body = crate::api_doc::ErrorBody),
        (status = 403, description = "The token's owner is not an administrator", body = crate::api_doc::ErrorBody),
        (status = 404, description = "No such user", body = crate::api_doc::ErrorBody)
    ))]
pub async fn set_role(
    State(state): State<AppState>,
    ApiAdmin(me): ApiAdmin,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<Json<Done>, ApiError> {
    let id = parse_id(&raw, "user")?;
    let role: Role = body.role.parse().map_err(WebError::Store)?;
    // As on the web page: the site must not lose its own administrator by accident.
    if id == me.id && role != Role::Admin {
        return Err(
            WebError::BadRequest("You cannot take away your own admin role.".into()).into(),
        );
    }
    let user = state
        .db(move |s| {
            let user = s
                .user(id)?
                .ok_or_else(|| tidings_store::StoreError::NotFound(format!("user {id}")))?;
            s.set_role(&user.email, role)
        })
        .await?;
    done(format!("{} is now {}", user.email, user.role), &user)
}
