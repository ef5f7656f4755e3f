//! `GET/POST /password/reset` (ask for a link by e-mail) and `GET/POST
//! /password/reset/{token}` (choose a new password). The answer to a request is the same
//! whether or not the address has an account; a link works once, for an hour.

use super::{AccountPage, Field, Form, message_page, rejects, render};
use crate::mail::Outgoing;
use crate::{AppState, session};
use axum::Form as FormBody;
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

const LINK_TTL_SECS: i64 = 3600;
const HEADING: &str = "Reset your password";

fn request_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
) -> Response {
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: HEADING.into(),
        heading: HEADING.into(),
        message: message.map(str::to_owned),
        about: vec!["We will e-mail you a link to choose a new password.".into()],
        forms: vec![Form {
            action: "/password/reset".into(),
            legend: None,
            fields: vec![Field::new("email", "E-mail address", "email")],
            submit: "Send the link",
        }],
        links: vec![("/login".into(), "Back to sign in".into())],
        csrf: String::new(),
    })
}

pub async fn request_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    request_page(&state, &headers, StatusCode::OK, None)
}

#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

pub async fn request(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    FormBody(f): FormBody<RequestForm>,
) -> Response {
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return request_page(&state, &headers, StatusCode::FORBIDDEN, Some(why));
    }
    if !state.account_limit.allow(&session::client_ip(&extensions)) {
        return request_page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts from your address; please try again later."),
        );
    }
    if !state.site.mail.is_enabled() {
        return request_page(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("This site does not send e-mail; ask its administrator to reset your password."),
        );
    }
    let email = f.email.clone();
    let token = session::new_token();
    let t = token.clone();
    let user = state
        .db(move |s| {
            let user = s.user_by_email(&email)?;
            if let Some(u) = &user {
                s.create_password_reset(u.id, &t, LINK_TTL_SECS)?;
            }
            Ok(user)
        })
        .await;
    match user {
        Ok(Some(user)) => {
            let link = format!(
                "{}/password/reset/{token}",
                state.site.public_url.trim_end_matches('/')
            );
            let subject = format!("Reset your {} password", state.site.site_name);
            let text = format!(
                "Hello {},\n\nTo choose a new password, open this link within an hour:\n\n{link}\n\nIf you did not ask for this, ignore this message; your password stays as it is.\n",
                user.display_name
            );
            let config = state.site.mail.clone();
            // Sent in the background, so the answer takes as long for unknown addresses.
            tokio::task::spawn_blocking(move || {
                let mail = Outgoing {
                    to: &user.email,
                    subject: &subject,
                    text,
                    html: None,
                    unsubscribe: None,
                };
                if let Err(e) = config.send(&mail) {
                    tracing::warn!(error = %e, "password reset mail not sent");
                }
            });
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    message_page(
        &state,
        &headers,
        StatusCode::OK,
        HEADING,
        "If an account uses this address, a link to choose a new password is on its way.",
        vec![("/login".into(), "Back to sign in".into())],
    )
}

fn choose_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
    token: &str,
) -> Response {
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: HEADING.into(),
        heading: HEADING.into(),
        message: message.map(str::to_owned),
        about: Vec::new(),
        forms: vec![Form {
            action: format!("/password/reset/{token}"),
            legend: None,
            fields: vec![Field::new(
                "password",
                "New password (at least 10 characters)",
                "password",
            )],
            submit: "Set the new password",
        }],
        links: Vec::new(),
        csrf: String::new(),
    })
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit())
}

pub async fn choose_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    if !well_formed(&token) {
        return message_page(
            &state,
            &headers,
            StatusCode::NOT_FOUND,
            HEADING,
            "This link is not valid.",
            vec![("/password/reset".into(), "Ask for a new link".into())],
        );
    }
    choose_page(&state, &headers, StatusCode::OK, None, &token)
}

#[derive(Debug, Default, Deserialize)]
pub struct ChooseForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

pub async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    FormBody(f): FormBody<ChooseForm>,
) -> Response {
    if !well_formed(&token) {
        return message_page(
            &state,
            &headers,
            StatusCode::NOT_FOUND,
            HEADING,
            "This link is not valid.",
            Vec::new(),
        );
    }
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return choose_page(&state, &headers, StatusCode::FORBIDDEN, Some(why), &token);
    }
    if let Some(p) = crate::password::policy_problem(&f.password) {
        return choose_page(&state, &headers, StatusCode::BAD_REQUEST, Some(&p), &token);
    }
    let hash = match super::hash_password(f.password.clone()).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    match state.db(move |s| s.reset_password(&token, &hash)).await {
        Ok(_) => message_page(
            &state,
            &headers,
            StatusCode::OK,
            HEADING,
            "Your password is set. Every device was signed out; sign in again.",
            vec![("/login".into(), "Sign in".into())],
        ),
        Err(crate::WebError::Store(tidings_store::StoreError::NotFound(_))) => message_page(
            &state,
            &headers,
            StatusCode::NOT_FOUND,
            HEADING,
            "This link has expired or was used already.",
            vec![("/password/reset".into(), "Ask for a new link".into())],
        ),
        Err(e) => e.into_response(),
    }
}
