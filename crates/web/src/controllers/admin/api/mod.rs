//! `/api/v1/admin/...`: the admin and moderation operations as JSON, for programs. Each handler
//! calls the library function its web admin form and CLI command call. Callers authenticate
//! with an API token only (`crate::api_auth`): no cookie is read, so no CSRF token is needed.
//! Every answer is either `{message, item}` (an action), `{items, next}` (a page of a list; pass
//! `next` back as `after`) or the API's error body.

pub mod comments;
pub mod entities;
pub mod outlets;
pub mod sources;
pub mod users;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/admin/sources",
            get(sources::list).post(sources::add),
        )
        .route(
            "/api/v1/admin/sources/{id}",
            axum::routing::delete(sources::remove),
        )
        .route("/api/v1/admin/sources/{id}/{action}", post(sources::act))
        .route("/api/v1/admin/outlets", get(outlets::list))
        .route(
            "/api/v1/admin/outlets/{slug}",
            axum::routing::patch(outlets::set),
        )
        .route(
            "/api/v1/admin/entities/{slug}/rename",
            post(entities::rename),
        )
        .route("/api/v1/admin/entities/{slug}/merge", post(entities::merge))
        .route("/api/v1/admin/users", get(users::list))
        .route("/api/v1/admin/users/{id}/role", post(users::set_role))
        .route("/api/v1/admin/comments/reports", get(comments::reports))
        .route(
            "/api/v1/admin/comments/{id}/{action}",
            post(comments::moderate),
        )
}

/// What an action did, and the thing it did it to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    /// What happened, for people.
    pub message: String,
    #[schema(value_type = crate::api_doc::Object)]
    pub item: serde_json::Value,
}

/// One page of a list, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listed {
    #[schema(value_type = Vec<crate::api_doc::Object>)]
    pub items: Vec<serde_json::Value>,
    /// The cursor of the next page (pass it as `after`); null on the last page.
    pub next: Option<String>,
}

/// `?after=CURSOR&limit=N` of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<usize>,
}

impl PageQuery {
    /// The id after which the page starts, and its size.
    pub fn bounds(&self) -> Result<(i64, usize), crate::WebError> {
        let after = match self.after.as_deref() {
            None | Some("") => 0,
            Some(c) => c
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| crate::WebError::BadRequest(format!("bad cursor {c:?}")))?,
        };
        Ok((after, self.limit.unwrap_or(50).clamp(1, 200)))
    }
}

/// A page of `items` (sorted by id, at most `limit + 1` of them: one more tells whether
/// another page follows).
pub(crate) fn page<T: Serialize>(
    mut items: Vec<T>,
    limit: usize,
    id: impl Fn(&T) -> i64,
) -> Result<Listed, crate::WebError> {
    let more = items.len() > limit;
    items.truncate(limit);
    let next = if more {
        items.last().map(|t| id(t).to_string())
    } else {
        None
    };
    Ok(Listed {
        items: items.iter().map(to_json).collect::<Result<_, _>>()?,
        next,
    })
}

/// One page of a list loaded whole (sources and outlets are few): the items after the cursor
/// `after`, by id.
pub(crate) fn page_loaded<T: Serialize>(
    mut items: Vec<T>,
    after: i64,
    limit: usize,
    id: impl Fn(&T) -> i64,
) -> Result<Listed, crate::WebError> {
    items.retain(|t| id(t) > after);
    items.sort_by_key(&id);
    items.truncate(limit + 1);
    page(items, limit, id)
}

pub(crate) fn to_json<T: Serialize>(item: &T) -> Result<serde_json::Value, crate::WebError> {
    serde_json::to_value(item).map_err(|e| crate::WebError::Internal(e.to_string()))
}

pub(crate) fn done<T: Serialize>(
    message: String,
    item: &T,
) -> Result<axum::Json<Done>, crate::error::ApiError> {
    Ok(axum::Json(Done {
        message,
        item: to_json(item)?,
    }))
}

/// A numeric id from the path (a typed `Path<i64>` would answer in plain text).
pub(crate) fn parse_id(raw: &str, what: &str) -> Result<i64, crate::WebError> {
    raw.parse()
        .map_err(|_| crate::WebError::NotFound(format!("There is no {what} {raw:?}.")))
}
