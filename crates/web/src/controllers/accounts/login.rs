//! `GET/POST /login` and `POST /logout`. A wrong address and a wrong password get the same
//! answer in the same time (an unknown address still pays for a hash check); repeated
//! failures lock the account for a while and slow down the address typed, known or not.

use super::{AccountPage, Field, Form, local_path, message_page, rejects, render, sign_in};
use crate::{AppState, session};
use axum::Form as FormBody;
use axum::extract::{Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Failures in a row that lock an account, and for how long.
const LOCK_AFTER: i64 = 5;
const LOCK_SECS: i64 = 15 * 60;

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: Option<&str>,
    email: &str,
    next: &str,
) -> Response {
    let action = format!("/login?next={}", urlencode(local_path(Some(next))));
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: "Sign in".into(),
        heading: "Sign in".into(),
        message: message.map(str::to_owned),
        about: Vec::new(),
        forms: vec![Form {
            action,
            legend: None,
            fields: vec![
                Field::new("email", "E-mail address", "email").with_value(email),
                Field::new("current_password", "Password", "password"),
            ],
            submit: "Sign in",
        }],
        links: vec![
            ("/signup".into(), "No account yet? Create one".into()),
            ("/password/reset".into(), "Forgot your password?".into()),
        ],
        csrf: String::new(),
    })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    page(
        &state,
        &headers,
        StatusCode::OK,
        None,
        "",
        q.next.as_deref().unwrap_or(""),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginFields {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Query(q): Query<Next>,
    FormBody(f): FormBody<LoginFields>,
) -> Response {
    let next = q.next.unwrap_or_default();
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            Some(why),
            &f.email,
            &next,
        );
    }
    let email = tidings_store::normalize_email(&f.email);
    if !state.account_limit.allow(&session::client_ip(&extensions))
        || !state.login_email_limit.allow(&email)
    {
        return page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts; please wait a few minutes, or reset your password."),
            &f.email,
            &next,
        );
    }
    let lookup = email.clone();
    let creds = match state.db(move |s| s.credentials(&lookup)).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let locked = creds
        .as_ref()
        .and_then(|c| c.locked_until)
        .is_some_and(|t| t > chrono::Utc::now().timestamp());
    let ok = super::verify_password(
        f.current_password.clone(),
        creds.as_ref().map(|c| c.password_hash.clone()),
    )
    .await;
    match creds {
        Some(c) if ok && !locked => sign_in(&state, c.user.id, Some(&next))
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Some(_) if locked => page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts; please wait a few minutes, or reset your password."),
            &f.email,
            &next,
        ),
        other => {
            if let Some(c) = other {
                let id = c.user.id;
                let _ = state
                    .db(move |s| s.record_failed_login(id, LOCK_AFTER, LOCK_SECS))
                    .await;
            }
            page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("Wrong e-mail address or password."),
                &f.email,
                &next,
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    FormBody(f): FormBody<LogoutForm>,
) -> Response {
    if let Some(why) = rejects(&headers, &f.csrf, "") {
        return message_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            "Sign out",
            why,
            vec![("/account".into(), "Back to your account".into())],
        );
    }
    if let Some(token) = session::token(&headers)
        && let Err(e) = state.db(move |s| s.end_session(&token)).await
    {
        return e.into_response();
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(state.secure()));
    res
}
