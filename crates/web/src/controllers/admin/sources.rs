//! `/admin/sources`: every followed feed with its outlet, last and next fetch, articles and last
//! error; add (with discovery), pause, resume, fetch now, remove; `/admin/sources/{id}` shows
//! its fetch history.

use super::{AdminPage, Done, MiniForm, Row, admin, admin_post, back, date_time};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Done>,
) -> Response {
    if let Err(r) = admin(&state, &headers, "/admin/sources").await {
        return r;
    }
    let feeds = match state.db(|s| s.feeds()).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut page = AdminPage::new(&state, "Sources");
    page.message = q.done;
    if state.sources.is_some() {
        page.top_forms.push(
            MiniForm::button("/admin/sources", "Follow")
                .with_input("url", "Feed or site URL")
                .with_hidden("section", ""),
        );
    } else {
        page.message.get_or_insert_with(|| "This node does not fetch (started with --role web); sources are added on a node that fetches (--role all).".into());
    }
    page.columns = vec![
        "Feed",
        "Outlet",
        "Last fetch",
        "Next fetch",
        "Articles",
        "Last error or warning",
    ];
    page.rows = feeds
        .into_iter()
        .map(|f| {
            let base = format!("/admin/sources/{}", f.id);
            let toggle = if f.enabled {
                ("pause", "Pause")
            } else {
                ("resume", "Resume")
            };
            Row {
                cells: vec![
                    (f.url.clone(), Some(base.clone())),
                    (
                        f.outlet_name.clone(),
                        Some(format!("/outlets/{}", f.outlet_slug)),
                    ),
                    (date_time(f.last_fetch_at), None),
                    (
                        if f.enabled && f.next_fetch_at <= chrono::Utc::now().timestamp() {
                            "due now".into()
                        } else if f.enabled {
                            date_time(Some(f.next_fetch_at))
                        } else {
                            "paused".into()
                        },
                        None,
                    ),
                    (f.article_count.to_string(), None),
                    (
                        f.last_error
                            .clone()
                            .or_else(|| f.last_warning.as_ref().map(|w| format!("warning: {w}")))
                            .unwrap_or_default(),
                        None,
                    ),
                ],
                forms: vec![
                    MiniForm::button(format!("{base}/{}", toggle.0), toggle.1),
                    MiniForm::button(format!("{base}/fetch"), "Fetch now"),
                    MiniForm::button(format!("{base}/remove"), "Remove"),
                ],
            }
        })
        .collect();
    page.respond(&state, &headers)
}

pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Err(r) = admin(&state, &headers, "/admin/sources").await {
        return r;
    }
    let loaded = state
        .db(move |s| Ok((s.feed(id)?, s.fetch_log(id, 50)?)))
        .await;
    let (Some(feed), log) = (match loaded {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    }) else {
        return WebError::NotFound(format!("There is no source {id}.")).into_response();
    };
    let mut page = AdminPage::new(&state, &format!("Fetch history of {}", feed.url));
    page.columns = vec!["When", "Outcome", "New articles", "Error"];
    page.rows = log
        .into_iter()
        .map(|e| Row {
            cells: vec![
                (date_time(Some(e.at)), None),
                (e.status.clone(), None),
                (e.new_articles.to_string(), None),
                (e.error.clone().unwrap_or_default(), None),
            ],
            forms: Vec::new(),
        })
        .collect();
    page.respond(&state, &headers)
}

#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    csrf: String,
}

pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<AddForm>,
) -> Response {
    if let Err(r) = admin_post(&state, &headers, &f.csrf, "/admin/sources").await {
        return r;
    }
    let Some(adder) = state.sources.clone() else {
        return WebError::BadRequest(
            "This node does not fetch; add sources where fetching runs.".into(),
        )
        .into_response();
    };
    let url = f.url.trim().to_owned();
    if url.is_empty() || url.len() > 2000 {
        return WebError::BadRequest("Give the URL of a feed or a site.".into()).into_response();
    }
    let section = Some(f.section.trim().to_owned()).filter(|s| !s.is_empty());
    match adder.add(url, section).await {
        Ok(added) => back("/admin/sources", &added),
        Err(why) => back("/admin/sources", &format!("Not added: {why}")),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
}

pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Err(r) = admin_post(&state, &headers, &f.csrf, "/admin/sources").await {
        return r;
    }
    let done = match action.as_str() {
        "pause" => state
            .db(move |s| s.set_feed_enabled(id, false))
            .await
            .map(|()| format!("Source {id} paused.")),
        "resume" => state
            .db(move |s| s.set_feed_enabled(id, true))
            .await
            .map(|()| format!("Source {id} resumed.")),
        "fetch" => state
            .db(move |s| s.fetch_feed_now(id))
            .await
            .map(|()| format!("Source {id} will be fetched within seconds.")),
        "remove" => state
            .db(move |s| s.remove_feed(id))
            .await
            .map(|f| format!("No longer following {}; its articles stay.", f.url)),
        _ => Err(WebError::NotFound(format!(
            "There is no action {action:?}."
        ))),
    };
    match done {
        Ok(message) => back("/admin/sources", &message),
        Err(e) => e.into_response(),
    }
}
