//! `/admin/outlets`: every outlet with its republication policy and extraction mode, each
//! changeable (what `tidings outlet policy|mode` do).

use super::{AdminPage, Done, MiniForm, Row, admin, admin_post, back};
use crate::{AppState, WebError};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_model::{ExtractionMode, RepublicationPolicy};

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Done>,
) -> Response {
    if let Err(r) = admin(&state, &headers, "/admin/outlets").await {
        return r;
    }
    let outlets = match state.db(|s| s.outlets()).await {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    let mut page = AdminPage::new(&state, "Outlets");
    page.message = q.done;
    page.columns = vec!["Outlet", "Domain", "Articles", "Policy", "Article pages"];
    page.rows = outlets
        .into_iter()
        .map(|o| {
            let base = format!("/admin/outlets/{}", o.slug);
            Row {
                cells: vec![
                    (o.name.clone(), Some(format!("/outlets/{}", o.slug))),
                    (o.domain.clone().unwrap_or_default(), None),
                    (o.article_count.to_string(), None),
                    (o.policy.to_string(), None),
                    (o.extraction_mode.as_str().to_owned(), None),
                ],
                forms: vec![
                    MiniForm::button(format!("{base}/policy"), "Set policy").with_select(
                        "value",
                        "Republication policy",
                        &["full", "excerpt", "link"],
                        &o.policy.to_string(),
                    ),
                    MiniForm::button(format!("{base}/mode"), "Set").with_select(
                        "value",
                        "Fetch article pages",
                        &["always", "when-summary", "never"],
                        o.extraction_mode.as_str(),
                    ),
                ],
            }
        })
        .collect();
    page.respond(&state, &headers)
}

#[derive(Debug, Default, Deserialize)]
pub struct SetForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf: String,
}

pub async fn set(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, setting)): Path<(String, String)>,
    Form(f): Form<SetForm>,
) -> Response {
    if let Err(r) = admin_post(&state, &headers, &f.csrf, "/admin/outlets").await {
        return r;
    }
    let result = match setting.as_str() {
        "policy" => match f.value.parse::<RepublicationPolicy>() {
            Ok(p) => state
                .db(move |s| s.set_outlet_policy(&slug, p))
                .await
                .map(|o| format!("{}: policy {}", o.name, o.policy)),
            Err(e) => Err(WebError::BadRequest(e)),
        },
        "mode" => match f.value.parse::<ExtractionMode>() {
            Ok(m) => state
                .db(move |s| s.set_outlet_extraction_mode(&slug, m))
                .await
                .map(|o| {
                    format!(
                        "{}: article pages fetched {}",
                        o.name,
                        o.extraction_mode.as_str()
                    )
                }),
            Err(e) => Err(WebError::BadRequest(e)),
        },
        other => Err(WebError::NotFound(format!(
            "There is no setting {other:?}."
        ))),
    };
    match result {
        Ok(done) => back("/admin/outlets", &done),
        Err(e) => e.into_response(),
    }
}
