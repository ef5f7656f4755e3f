//! `/admin/entities`: find entities, rename one or merge it into another (what `tidings
//! entity rename|merge` do; links, quotes and aliases are kept, old pages redirect).

use super::{AdminPage, Done, MiniForm, Row, admin, admin_post, back};
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
    if let Err(r) = admin(&state, &headers, "/admin/entities").await {
        return r;
    }
    let search: Option<String> =
        q.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(100).collect());
    let entities = match state
        .db(move |s| s.entities(None, search.as_deref(), 100))
        .await
    {
        Ok(e) => e,
        Err(e) => return e.into_response(),
    };
    let mut page = AdminPage::new(&state, "Entities");
    page.message = q.done;
    page.columns = vec!["Entity", "Kind", "Articles", "Aliases"];
    page.rows = entities
        .into_iter()
        .map(|e| {
            let base = format!("/admin/entities/{}", e.slug);
            Row {
                cells: vec![
                    (e.name.clone(), Some(format!("/entities/{}", e.slug))),
                    (e.kind.as_str().to_owned(), None),
                    (e.articles.to_string(), None),
                    (e.aliases.join(", "), None),
                ],
                forms: vec![
                    MiniForm::button(format!("{base}/rename"), "Rename")
                        .with_input("value", "New name"),
                    MiniForm::button(format!("{base}/merge"), "Merge into")
                        .with_input("value", "Slug of the entity to keep"),
                ],
            }
        })
        .collect();
    page.respond(&state, &headers)
}

#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf: String,
}

pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, action)): Path<(String, String)>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Err(r) = admin_post(&state, &headers, &f.csrf, "/admin/entities").await {
        return r;
    }
    let value = f.value.trim().to_owned();
    if value.is_empty() || value.chars().count() > 200 {
        return WebError::BadRequest("Give a name or slug of 1 to 200 characters.".into())
            .into_response();
    }
    let result = match action.as_str() {
        "rename" => state
            .db(move |s| s.rename_entity(&slug, &value))
            .await
            .map(|e| format!("Renamed: {} (/entities/{})", e.name, e.slug)),
        "merge" => state
            .db(move |s| s.merge_entities(&slug, &value))
            .await
            .map(|e| format!("Merged into {} ({} articles)", e.name, e.articles)),
        other => Err(WebError::NotFound(format!("There is no action {other:?}."))),
    };
    match result {
        Ok(done) => back("/admin/entities", &done),
        Err(e) => e.into_response(),
    }
}
