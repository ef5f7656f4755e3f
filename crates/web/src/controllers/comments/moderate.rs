//! `POST /comments/{id}/moderate` (hide, restore or delete, with a note) and
//! `GET /admin/moderation` (reported comments and the moderation log), for moderators.

use super::{author, parse_id};
use crate::{AppState, WebError, csrf, format, session};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_store::Moderation;

#[derive(Debug, Default, Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Form(f): Form<ModerateForm>,
) -> Response {
    let id = match parse_id(&raw, "comment") {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let user = match author(&state, &headers, &f.csrf, "", "/admin/moderation").await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(action) = Moderation::parse(&f.action) else {
        return WebError::BadRequest("action must be hide, restore or delete".into())
            .into_response();
    };
    let note: String = f.note.trim().chars().take(500).collect();
    let result = state
        .db(move |s| {
            s.moderate_comment(
                id,
                user.id,
                user.role,
                action,
                (!note.is_empty()).then_some(note.as_str()),
            )
        })
        .await;
    match result {
        Ok(c) => {
            let back = match f.back.as_str() {
                "queue" => "/admin/moderation".to_owned(),
                _ => format!("{}#comment-{}", c.target.path(), c.id),
            };
            Redirect::to(&back).into_response()
        }
        Err(e) => e.into_response(),
    }
}

struct QueueRow {
    id: i64,
    article_href: String,
    author: String,
    date: String,
    body_html: String,
    reports: i64,
}

struct LogRow {
    date: String,
    moderator: String,
    action: String,
    comment: String,
    note: String,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage<'a> {
    site_name: &'a str,
    page_title: String,
    csrf: String,
    rows: Vec<QueueRow>,
    log: Vec<LogRow>,
}

fn date_of(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(String::new, format::date_of)
}

pub async fn queue(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(user) = session::current_user(&state, &headers).await else {
        return Redirect::to("/login?next=/admin/moderation").into_response();
    };
    if !user.role.can_moderate() {
        return WebError::Forbidden("Only moderators can see this page.".into()).into_response();
    }
    let loaded = state
        .db(|s| Ok((s.reported_comments(100)?, s.moderation_log(50)?)))
        .await;
    let (reported, log) = match loaded {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let page = QueuePage {
        site_name: &state.site.site_name,
        page_title: "Moderation".into(),
        csrf: String::new(),
        rows: reported
            .into_iter()
            .map(|c| QueueRow {
                id: c.id,
                article_href: format!("{}#comment-{}", c.target.path(), c.id),
                author: c.author,
                date: date_of(c.created_at),
                body_html: c.body_html,
                reports: c.reports,
            })
            .collect(),
        log: log
            .into_iter()
            .map(|l| LogRow {
                date: date_of(l.created_at),
                moderator: l.moderator.unwrap_or_else(|| "(removed)".into()),
                action: l.action,
                comment: l
                    .comment_id
                    .map_or_else(|| "(removed)".into(), |id| format!("#{id}")),
                note: l.note.unwrap_or_default(),
            })
            .collect(),
    };
    csrf::page(&state, &headers, StatusCode::OK, |token| {
        QueuePage {
            csrf: token.to_owned(),
            ..page
        }
        .render()
    })
}
