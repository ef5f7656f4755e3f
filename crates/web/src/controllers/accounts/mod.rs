//! Accounts: `/signup`, `/login`, `/logout`, `/account` (and its password change),
//! `/password/reset`. Every form carries a CSRF token (double submit) and a honeypot; answers
//! never say whether an address has an account (sign-up confirms by mail for that reason).

pub mod login;
pub mod reset;
pub mod show;
pub mod signup;
pub mod tokens;

use crate::{AppState, WebError, csrf, session};
use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup::form).post(signup::submit))
        .route(
            "/signup/confirm/{token}",
            get(signup::confirm_form).post(signup::confirm),
        )
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account", get(show::page))
        .route("/account/password", post(show::change_password))
        .route("/account/tokens", get(tokens::list).post(tokens::create))
        .route("/account/tokens/{id}/revoke", post(tokens::revoke))
        .route(
            "/password/reset",
            get(reset::request_form).post(reset::request),
        )
        .route(
            "/password/reset/{token}",
            get(reset::choose_form).post(reset::choose),
        )
}

pub(crate) struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub max: usize,
    pub autocomplete: &'static str,
    pub value: String,
}

impl Field {
    pub fn new(name: &'static str, label: &'static str, kind: &'static str) -> Self {
        let (max, autocomplete) = match name {
            "email" => (254, "email"),
            "display_name" => (60, "nickname"),
            "current_password" => (1024, "current-password"),
            "password" if kind == "password" => (1024, "new-password"),
            _ => (1024, "off"),
        };
        Field {
            name,
            label,
            kind,
            max,
            autocomplete,
            value: String::new(),
        }
    }

    pub fn with_value(mut self, v: &str) -> Self {
        self.value = v.chars().take(self.max).collect();
        self
    }
}

pub(crate) struct Form {
    pub action: String,
    pub legend: Option<&'static str>,
    pub fields: Vec<Field>,
    pub submit: &'static str,
}

#[derive(Template)]
#[template(path = "account_form.html")]
pub(crate) struct AccountPage<'a> {
    pub site_name: &'a str,
    pub page_title: String,
    pub heading: String,
    pub message: Option<String>,
    pub about: Vec<String>,
    pub forms: Vec<Form>,
    pub links: Vec<(String, String)>,
    pub csrf: String,
}

/// Renders an account page with `status`, (re)setting the CSRF cookie its forms need.
pub(crate) fn render(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    build: impl FnOnce(&str) -> AccountPage<'_>,
) -> Response {
    csrf::page(state, headers, status, |token| {
        AccountPage {
            csrf: token.to_owned(),
            ..build(&state.site.site_name)
        }
        .render()
    })
}

/// A page with one message and links, no form.
pub(crate) fn message_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    heading: &str,
    message: &str,
    links: Vec<(String, String)>,
) -> Response {
    render(state, headers, status, |site_name| AccountPage {
        site_name,
        page_title: heading.to_owned(),
        heading: heading.to_owned(),
        message: Some(message.to_owned()),
        about: Vec::new(),
        forms: Vec::new(),
        links,
        csrf: String::new(),
    })
}

/// Signs `user_id` in: a new session and its cookie, then on to `next` (a local path only).
pub(crate) async fn sign_in(
    state: &AppState,
    user_id: i64,
    next: Option<&str>,
) -> Result<Response, WebError> {
    let token = session::new_token();
    let t = token.clone();
    state
        .db(move |s| s.start_session(user_id, &t, session::TTL_SECS))
        .await?;
    let mut res = Redirect::to(local_path(next)).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session::cookie(&token, state.secure()));
    Ok(res)
}

/// Only paths on this site are followed after signing in (no open redirect).
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/account",
    }
}

/// A forged or expired form (CSRF double submit), or a bot that filled the honeypot.
pub(crate) fn rejects(
    headers: &HeaderMap,
    csrf_field: &str,
    honeypot: &str,
) -> Option<&'static str> {
    if !csrf::verify(headers, csrf_field) {
        Some("This form has expired. Please try again.")
    } else if !honeypot.is_empty() {
        Some("This form could not be sent.")
    } else {
        None
    }
}

/// Runs the (deliberately slow) password hashing off the async runtime.
pub(crate) async fn hash_password(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || crate::password::hash(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(WebError::Internal)
}

pub(crate) async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || crate::password::verify(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}
