//! `/account/tokens`: moderators and administrators make API tokens for programs (shown once,
//! on the answer to the form, never in a URL) and revoke them; the same store functions as
//! `tidings token add|list|revoke`. Every form carries the CSRF token.

use super::show::signed_in;
use crate::controllers::admin::{AdminPage, MiniForm, Row, back, date_time};
use crate::{AppState, WebError, csrf};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_store::User;

const PATH: &str = "/account/tokens";

/// The signed-in moderator or administrator (a reader's token could do nothing the public API
/// does not already allow).
async fn owner(state: &AppState, headers: &HeaderMap) -> Result<User, Response> {
    let user = signed_in(state, headers).await?;
    if !user.role.can_moderate() {
        return Err(WebError::Forbidden(
            "API tokens are for moderators and administrators.".into(),
        )
        .into_response());
    }
    Ok(user)
}

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    message: Option<String>,
    secret: Option<String>,
) -> Response {
    let id = user.id;
    let tokens = match state.db(move |s| s.api_tokens(Some(id))).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let mut page = AdminPage::new(state, "API tokens");
    page.home = ("/account", "Your account");
    page.nav = Vec::new();
    page.message = message.or_else(|| {
        Some(format!(
            "Programs send a token as Authorization: Bearer <token> to /api/v1/admin; it acts as you, a {}.",
            user.role
        ))
    });
    page.secret = secret;
    page.top_forms
        .push(MiniForm::button(PATH, "Create token").with_input("name", "What the token is for"));
    page.columns = vec!["Name", "Created", "Last used", "Revoked"];
    page.rows = tokens
        .into_iter()
        .map(|t| Row {
            cells: vec![
                (t.name.clone(), None),
                (date_time(Some(t.created_at)), None),
                (date_time(t.last_used_at), None),
                (date_time(t.revoked_at), None),
            ],
            forms: if t.revoked_at.is_none() {
                vec![MiniForm::button(
                    format!("{PATH}/{}/revoke", t.id),
                    "Revoke",
                )]
            } else {
                Vec::new()
            },
        })
        .collect();
    let mut res = page.respond(state, headers);
    // The page may hold a new token: no cache keeps it.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Done>,
) -> Response {
    match owner(&state, &headers).await {
        Ok(user) => page(&state, &headers, &user, q.done, None).await,
        Err(r) => r,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf: String,
}

fn expired() -> Response {
    WebError::Forbidden("This form has expired. Please try again.".into()).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CreateForm>,
) -> Response {
    let user = match owner(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !csrf::verify(&headers, &f.csrf) {
        return expired();
    }
    let (id, name) = (user.id, f.name.clone());
    match state.db(move |s| s.create_api_token(id, &name)).await {
        Ok((made, token)) => {
            let message = format!("Token {:?} created.", made.name);
            page(&state, &headers, &user, Some(message), Some(token)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<RevokeForm>,
) -> Response {
    let user = match owner(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !csrf::verify(&headers, &f.csrf) {
        return expired();
    }
    let Ok(token_id) = raw.parse::<i64>() else {
        return WebError::NotFound(format!("There is no token {raw:?}.")).into_response();
    };
    let owner_id = user.id;
    match state
        .db(move |s| s.revoke_api_token(token_id, Some(owner_id)))
        .await
    {
        Ok(t) => back(PATH, &format!("Token {:?} revoked.", t.name)),
        Err(e) => e.into_response(),
    }
}
