//! `/digest` (the sign-up form), `POST /digest/subscribe`, `/digest/confirm?token=`,
//! `/digest/unsubscribe?token=`. The answer to a sign-up is the same whether or not the
//! address was known, so the form cannot be used to find out who subscribes.

use crate::mail::{Outgoing, valid_address};
use crate::{AppState, WebError, csrf};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, http::HeaderValue};
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tidings_store::Subscription;

#[derive(Template)]
#[template(path = "digest_page.html")]
struct DigestPage<'a> {
    site_name: &'a str,
    page_title: String,
    message: Option<String>,
    form: Option<String>,
}

fn page(
    state: &AppState,
    status: StatusCode,
    message: Option<String>,
    csrf_token: Option<String>,
) -> Response {
    let p = DigestPage {
        site_name: &state.site.site_name,
        page_title: "The weekly digest".into(),
        message,
        form: csrf_token.clone(),
    };
    match p.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            if let Some(t) = csrf_token {
                let secure = state.site.public_url.starts_with("https://");
                res.headers_mut()
                    .insert(header::SET_COOKIE, csrf::cookie(&t, secure));
            }
            res
        }
        Err(e) => WebError::Internal(e.to_string()).into_response(),
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = csrf::from_cookie(&headers).unwrap_or_else(csrf::new_token);
    page(&state, StatusCode::OK, None, Some(token))
}

#[derive(Debug, Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
    /// Left empty by people; bots fill every field.
    #[serde(default)]
    website: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(f): Form<SubscribeForm>,
) -> Response {
    let again = || Some(csrf::from_cookie(&headers).unwrap_or_else(csrf::new_token));
    if !csrf::verify(&headers, &f.csrf) {
        return page(
            &state,
            StatusCode::FORBIDDEN,
            Some("This form has expired. Please try again.".into()),
            Some(csrf::new_token()),
        );
    }
    let ip = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if !state.subscribe_limit.allow(&ip) {
        return page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many sign-ups from your address; please try again later.".into()),
            again(),
        );
    }
    let check_inbox = "Thank you. If the address can receive the digest, a message asking you to confirm is on its way.";
    if !f.website.is_empty() {
        return page(&state, StatusCode::OK, Some(check_inbox.into()), None);
    }
    let email = f.email.trim().to_owned();
    if !valid_address(&email) {
        return page(
            &state,
            StatusCode::BAD_REQUEST,
            Some("That does not look like an e-mail address.".into()),
            again(),
        );
    }
    if !state.site.mail.is_enabled() {
        return page(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("This site does not send e-mail yet.".into()),
            None,
        );
    }
    let token = csrf::new_token();
    let stored = state.db(move |s| s.subscribe_digest(&email, &token)).await;
    match stored {
        Ok(Subscription::Pending { token }) => {
            let mail = state.site.mail.clone();
            let site = state.site.site_name.clone();
            let link = format!(
                "{}/digest/confirm?token={token}",
                state.site.public_url.trim_end_matches('/')
            );
            let to = f.email.trim().to_owned();
            let sent = tokio::task::spawn_blocking(move || {
                mail.send(&Outgoing {
                    to: &to,
                    subject: &format!("Confirm your {site} weekly digest"),
                    text: format!("Someone — hopefully you — asked to receive the weekly digest of {site} at this address.\n\nTo confirm, open:\n{link}\n\nIf it was not you, ignore this message; nothing will be sent.\n"),
                    html: None,
                    unsubscribe: None,
                })
            })
            .await;
            if let Ok(Err(e)) | Err(e) =
                sent.map_err(|e| crate::mail::MailError::Send(e.to_string()))
            {
                tracing::error!(error = %e, "could not send a digest confirmation");
            }
        }
        Ok(Subscription::AlreadyConfirmed) => {}
        Err(e) => return e.into_response(),
    }
    page(&state, StatusCode::OK, Some(check_inbox.into()), None)
}

#[derive(Debug, Deserialize)]
pub struct TokenParams {
    #[serde(default)]
    token: String,
}

fn plausible(token: &str) -> bool {
    token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit())
}

pub async fn confirm(State(state): State<AppState>, Query(q): Query<TokenParams>) -> Response {
    let token = q.token;
    let ok =
        plausible(&token) && matches!(state.db(move |s| s.confirm_digest(&token)).await, Ok(true));
    if ok {
        page(
            &state,
            StatusCode::OK,
            Some("You will receive the digest every Monday.".into()),
            None,
        )
    } else {
        page(
            &state,
            StatusCode::NOT_FOUND,
            Some("This confirmation link is not valid any more.".into()),
            None,
        )
    }
}

pub async fn unsubscribe(State(state): State<AppState>, Query(q): Query<TokenParams>) -> Response {
    let token = q.token;
    let ok = plausible(&token)
        && matches!(
            state.db(move |s| s.unsubscribe_digest(&token)).await,
            Ok(true)
        );
    let mut res = if ok {
        page(
            &state,
            StatusCode::OK,
            Some("You will not receive the digest any more.".into()),
            None,
        )
    } else {
        page(
            &state,
            StatusCode::NOT_FOUND,
            Some("This link is not valid any more; you may already be unsubscribed.".into()),
            None,
        )
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
