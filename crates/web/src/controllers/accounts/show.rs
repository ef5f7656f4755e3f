//! `GET /account` (who you are, sign out, change your password) and
//! `POST /account/password`. Changing the password ends every other session.

use super::{AccountPage, Field, Form, message_page, rejects, render};
use crate::{AppState, session};
use axum::Form as FormBody;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_store::User;

fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
    user: &User,
) -> Response {
    let mut links = Vec::new();
    if user.role.can_moderate() {
        links.push((
            "/admin/moderation".to_owned(),
            "Moderation queue".to_owned(),
        ));
        links.push(("/account/tokens".to_owned(), "API tokens".to_owned()));
    }
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: "Your account".into(),
        heading: "Your account".into(),
        message: message.map(str::to_owned),
        about: vec![
            format!("Signed in as {} ({}).", user.display_name, user.email),
            format!("Role: {}.", user.role),
        ],
        forms: vec![
            Form {
                action: "/account/password".into(),
                legend: Some("Change your password"),
                fields: vec![
                    Field::new("current_password", "Current password", "password"),
                    Field::new(
                        "password",
                        "New password (at least 10 characters)",
                        "password",
                    ),
                ],
                submit: "Change password",
            },
            Form {
                action: "/logout".into(),
                legend: None,
                fields: Vec::new(),
                submit: "Sign out",
            },
        ],
        links,
        csrf: String::new(),
    })
}

/// The signed-in user, or the redirect to the sign-in page.
pub(crate) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<User, Response> {
    session::current_user(state, headers)
        .await
        .ok_or_else(|| Redirect::to("/login?next=/account").into_response())
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(user) => account_page(&state, &headers, StatusCode::OK, None, &user),
        Err(r) => r,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    FormBody(f): FormBody<PasswordForm>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return account_page(&state, &headers, StatusCode::FORBIDDEN, Some(why), &user);
    }
    if let Some(p) = crate::password::policy_problem(&f.password) {
        return account_page(&state, &headers, StatusCode::BAD_REQUEST, Some(&p), &user);
    }
    let email = user.email.clone();
    let stored = match state.db(move |s| s.credentials(&email)).await {
        Ok(c) => c.map(|c| c.password_hash),
        Err(e) => return e.into_response(),
    };
    if !super::verify_password(f.current_password.clone(), stored).await {
        return account_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some("Your current password is not right."),
            &user,
        );
    }
    let hash = match super::hash_password(f.password.clone()).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let keep = session::token(&headers);
    let id = user.id;
    match state
        .db(move |s| s.set_password(id, &hash, keep.as_deref()))
        .await
    {
        Ok(()) => message_page(
            &state,
            &headers,
            StatusCode::OK,
            "Your account",
            "Your password is changed. Other devices were signed out.",
            vec![("/account".into(), "Back to your account".into())],
        ),
        Err(e) => e.into_response(),
    }
}
