//! `GET/POST /signup`: a reader account (name, address, password), made once the address is
//! confirmed through a mailed link (`/signup/confirm/{token}`). The answer to the form is the
//! same whether or not the address has an account (an existing owner is mailed a notice
//! instead), so sign-up tells nobody who is registered.

use super::{AccountPage, Field, Form, message_page, rejects, render, sign_in};
use crate::mail::Outgoing;
use crate::{AppState, session};
use axum::Form as FormBody;
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_store::StoreError;

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
        page_title: HEADING.into(),
        heading: HEADING.into(),
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
            HEADING,
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
    if !state.site.mail.is_enabled() {
        return message_page(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            HEADING,
            "This site does not send e-mail, so it cannot confirm new accounts; ask its administrator for one.",
            Vec::new(),
        );
    }
    // The password is hashed whether or not the address has an account, so the answer takes
    // as long either way.
    let hash = match super::hash_password(f.password.clone()).await {
        Ok(h) => h,
        Err(e) => return e.into_response(),
    };
    let token = session::new_token();
    let (email, name, t) = (f.email.clone(), f.display_name.clone(), token.clone());
    let existing = state
        .db(move |s| {
            let existing = s.user_by_email(&email)?;
            if existing.is_none() {
                s.create_pending_signup(&email, &name, &hash, &t, LINK_TTL_SECS)?;
            }
            Ok(existing)
        })
        .await;
    let mail = match existing {
        Ok(Some(user)) => already_registered_mail(&state, &user.display_name),
        Ok(None) => confirmation_mail(&state, f.display_name.trim(), &token),
        Err(e) => return e.into_response(),
    };
    send_in_background(&state, tidings_store::normalize_email(&f.email), mail);
    message_page(
        &state,
        &headers,
        StatusCode::OK,
        "Check your mail",
        "To finish, open the link we sent to this address. If it already has an account, the message says so instead.",
        vec![("/login".into(), "Sign in".into())],
    )
}

const HEADING: &str = "Create an account";
/// A sign-up link works for a day.
const LINK_TTL_SECS: i64 = 86_400;

/// Subject and text of a mail.
type Mail = (String, String);

fn confirmation_mail(state: &AppState, name: &str, token: &str) -> Mail {
    let link = format!(
        "{}/signup/confirm/{token}",
        state.site.public_url.trim_end_matches('/')
    );
    (
        format!("Finish creating your {} account", state.site.site_name),
        format!(
            "Hello {name},\n\nTo finish creating your account, open this link within a day:\n\n{link}\n\nIf you did not ask for an account, ignore this message; none is made.\n"
        ),
    )
}

fn already_registered_mail(state: &AppState, name: &str) -> Mail {
    let base = state.site.public_url.trim_end_matches('/');
    (
        format!("Your {} account", state.site.site_name),
        format!(
            "Hello {name},\n\nSomeone (perhaps you) tried to create an account with this address, which already has one. Nothing was changed.\n\nSign in: {base}/login\nForgot your password? {base}/password/reset\n"
        ),
    )
}

/// Sent off the request, so that sending takes no part in how long the answer takes.
fn send_in_background(state: &AppState, to: String, (subject, text): Mail) {
    let config = state.site.mail.clone();
    tokio::task::spawn_blocking(move || {
        let mail = Outgoing {
            to: &to,
            subject: &subject,
            text,
            html: None,
            unsubscribe: None,
        };
        if let Err(e) = config.send(&mail) {
            tracing::warn!(error = %e, "sign-up mail not sent");
        }
    });
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn invalid_link(state: &AppState, headers: &HeaderMap) -> Response {
    message_page(
        state,
        headers,
        StatusCode::NOT_FOUND,
        HEADING,
        "This link is not valid, was used already or has expired. Sign up again, or sign in.",
        vec![
            ("/signup".into(), "Sign up".into()),
            ("/login".into(), "Sign in".into()),
        ],
    )
}

/// `GET /signup/confirm/{token}`: a button, not the confirmation itself — mail scanners open
/// links, and would otherwise confirm (and be signed in) in the reader's place.
pub async fn confirm_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    if !well_formed(&token) {
        return invalid_link(&state, &headers);
    }
    render(&state, &headers, StatusCode::OK, |site_name| AccountPage {
        site_name,
        page_title: HEADING.into(),
        heading: HEADING.into(),
        message: None,
        about: vec!["One step left: confirm, and you are signed in.".into()],
        forms: vec![Form {
            action: format!("/signup/confirm/{token}"),
            legend: None,
            fields: Vec::new(),
            submit: "Finish creating my account",
        }],
        links: Vec::new(),
        csrf: String::new(),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
}

/// `POST /signup/confirm/{token}`: makes the account and signs it in.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    FormBody(f): FormBody<ConfirmForm>,
) -> Response {
    if !well_formed(&token) {
        return invalid_link(&state, &headers);
    }
    if let Some(why) = rejects(&headers, &f.csrf, &f.website) {
        return message_page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            HEADING,
            why,
            Vec::new(),
        );
    }
    match state.db(move |s| s.confirm_signup(&token)).await {
        Ok(user) => sign_in(&state, user.id, None)
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Err(crate::WebError::Store(StoreError::NotFound(_) | StoreError::Conflict(_))) => {
            invalid_link(&state, &headers)
        }
        Err(e) => e.into_response(),
    }
}
