//! `/admin/users`: accounts and their roles (what `tidings user list|role` do).

use super::{AdminPage, Done, MiniForm, Row, admin, admin_post, back};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_store::Role;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Done>,
) -> Response {
    if let Err(r) = admin(&state, &headers, "/admin/users").await {
        return r;
    }
    let users = match state.db(|s| s.users(1000)).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let mut page = AdminPage::new(&state, "Users");
    page.message = q.done;
    page.columns = vec!["Name", "E-mail", "Role", "Since"];
    page.rows = users
        .into_iter()
        .map(|u| Row {
            cells: vec![
                (u.display_name.clone(), None),
                (u.email.clone(), None),
                (u.role.to_string(), None),
                (super::date_time(Some(u.created_at)), None),
            ],
            forms: vec![
                MiniForm::button("/admin/users", "Set role")
                    .with_hidden("email", &u.email)
                    .with_select(
                        "role",
                        "Role",
                        &["reader", "moderator", "admin"],
                        u.role.as_str(),
                    ),
            ],
        })
        .collect();
    page.respond(&state, &headers)
}

#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    csrf: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<RoleForm>,
) -> Response {
    let me = match admin_post(&state, &headers, &f.csrf, "/admin/users").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let role: Role = match f.role.parse() {
        Ok(r) => r,
        Err(e) => return WebError::Store(e).into_response(),
    };
    // An administrator cannot lock the site out of its own admin by demoting themselves.
    if tidings_store::normalize_email(&f.email) == me.email && role != Role::Admin {
        return back("/admin/users", "You cannot take away your own admin role.");
    }
    let email = f.email.clone();
    match state.db(move |s| s.set_role(&email, role)).await {
        Ok(u) => back("/admin/users", &format!("{} is now {}", u.email, u.role)),
        Err(e) => e.into_response(),
    }
}
