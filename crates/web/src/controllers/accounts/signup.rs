//! `GET/POST /signup`: a reader account (name, address, password), signed in at once.

use super::{AccountPage, Field, Form, message_page, rejects, render, sign_in};
use crate::{AppState, session};
use axum::Form as FormBody;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_store::{Role, StoreError};

#[derive(Debug, Default, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
    f: &SignupForm,
) -> Response {
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: "Create an account".into(),
        heading: "Create an account".into(),
        message: message.map(str::to_owned),
        about: vec![
            "With an account you can comment on articles and report comments that break the rules."
                .into(),
        ],
        forms: vec![Form {
            action: "/signup".into(),
            legend: None,
            fields: vec![
                Field::new("display_name", "Name shown with your comments", "text")
                    .with_value(&f.display_name),
                Field::new("email", "E-mail address", "email").with_value(&f.email),
                Field::new("password", "Password (at least 10 characters)", "password"),
            ],
            submit: "Create account",
        }],
        links: vec![("/login".into(), "Already have an account? Sign in".into())],
        csrf: String::new(),
    })
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    page(
        &state,
        &headers,
        StatusCode::OK,
        None,
        &SignupForm::default(),
    )
}

/// A display name: 1–60 characters, no control characters.
fn name_problem(name: &str) -> Option<&'static str> {
    let n = name.trim().chars().count();
    if n == 0 || n > 60 {
        Some("Choose a name of 1 to 60 characters.")
    } else if name.chars().any(char::is_control) {
        Some("Your name cannot contain control characters.")
    } else {
        None
    }
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    FormBody(f): FormBody<SignupForm>,
) -> Response {
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return page(&state, &headers, StatusCode::FORBIDDEN, Some(why), &f);
    }
    if !state.account_limit.allow(&session::client_ip(&extensions)) {
        return message_page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            "Create an account",
            "Too many attempts from your address; please try again later.",
            Vec::new(),
        );
    }
    let problem = name_problem(&f.display_name)
        .map(str::to_owned)
        .or_else(|| {
            (!crate::mail::valid_address(f.email.trim()))
                .then(|| "That does not look like an e-mail address.".to_owned())
        })
        .or_else(|| crate::password::policy_problem(&f.password));
    if let Some(p) = problem {
        return page(&state, &headers, StatusCode::BAD_REQUEST, Some(&p), &f);
    }
    let hash = match super::hash_password(f.password.clone()).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let (email, name) = (f.email.clone(), f.display_name.clone());
    match state
        .db(move |s| s.create_user(&email, &name, &hash, Role::Reader))
        .await
    {
        Ok(user) => sign_in(&state, user.id, None)
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Err(crate::WebError::Store(StoreError::Conflict(_))) => page(
            &state,
            &headers,
            StatusCode::CONFLICT,
            Some(
                "An account with this address exists. Sign in, or reset your password if you forgot it.",
            ),
            &f,
        ),
        Err(e) => e.into_response(),
    }
}
