//! Who calls the admin API: `Authorization: Bearer <token>` with an API token, acting with its
//! owner's current role. Only this header counts — never the session cookie — so a browser
//! cannot be made to call the admin API from another site, and these routes need no CSRF
//! token. Tokens are never logged: the request span (`crate::request_span`) records method and
//! path only.

use crate::error::ApiError;
use crate::{AppState, WebError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use tidings_store::{Role, User};

/// The token of an `Authorization: Bearer` header, if there is one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The owner of the request's live API token; 401 without one.
pub(crate) async fn token_user(state: &AppState, headers: &HeaderMap) -> Result<User, WebError> {
    let Some(token) = bearer(headers).map(str::to_owned) else {
        return Err(WebError::Unauthorized(
            "This needs an API token: send Authorization: Bearer <token>.".into(),
        ));
    };
    state
        .db(move |s| s.api_token_user(&token))
        .await?
        .ok_or_else(|| WebError::Unauthorized("This API token is unknown or revoked.".into()))
}

async fn with_role(parts: &Parts, state: &AppState, least: Role) -> Result<User, ApiError> {
    let user = token_user(state, &parts.headers).await?;
    if user.role < least {
        return Err(WebError::Forbidden(format!(
            "This needs the {least} role; the token's owner is a {}.",
            user.role
        ))
        .into());
    }
    Ok(user)
}

/// An administrator's token.
pub struct ApiAdmin(pub User);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        with_role(parts, state, Role::Admin).await.map(ApiAdmin)
    }
}

/// A moderator's (or administrator's) token.
pub struct ApiModerator(pub User);

impl FromRequestParts<AppState> for ApiModerator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        with_role(parts, state, Role::Moderator)
            .await
            .map(ApiModerator)
    }
}

/// A JSON request body whose rejections (no JSON, wrong fields) answer with the API's error
/// body rather than axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(WebError::BadRequest(e.body_text()).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_bearer_credentials_are_read() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer tdg_abc"),
        );
        assert_eq!(bearer(&h), Some("tdg_abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  tdg_abc "),
        );
        assert_eq!(bearer(&h), Some("tdg_abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YTpi"),
        );
        assert_eq!(bearer(&h), None);
    }
}
