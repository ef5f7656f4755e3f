//! `/weeks`: every week that has articles, newest first, a year's worth per page.

use crate::format;
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use tidings_model::IsoWeek;

/// Weeks per page: a year, so a page is one glance at a year's coverage.
const PAGE_SIZE: usize = 53;

#[derive(Debug, Default, Deserialize)]
pub struct WeeksParams {
    /// Show weeks before this one (`2026-W01`).
    pub before: Option<String>,
}

struct WeekRow {
    href: String,
    label: String,
    range: String,
    articles: i64,
}

#[derive(Template)]
#[template(path = "weeks.html")]
struct WeeksPage<'a> {
    site_name: &'a str,
    page_title: String,
    weeks: Vec<WeekRow>,
    /// The page of older weeks, when there are more.
    next_href: Option<String>,
    /// Back to the newest weeks, on every page but the first.
    first_href: Option<&'static str>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(params): Query<WeeksParams>,
) -> Result<Html<String>, WebError> {
    let before =
        match params.before.as_deref().filter(|b| !b.is_empty()) {
            Some(b) => Some(b.parse::<IsoWeek>().map_err(|_| {
                WebError::BadRequest(format!("{b:?} is not a week such as 2026-W12."))
            })?),
            None => None,
        };
    let mut weeks = state.db(move |s| s.weeks(before, PAGE_SIZE + 1)).await?;
    let more = weeks.len() > PAGE_SIZE;
    weeks.truncate(PAGE_SIZE);
    let next_href = weeks
        .last()
        .filter(|_| more)
        .map(|(w, _)| format!("/weeks?before={w}"));
    let page = WeeksPage {
        site_name: &state.site.site_name,
        page_title: "All weeks".into(),
        weeks: weeks
            .into_iter()
            .map(|(w, n)| WeekRow {
                href: format!("/week/{w}"),
                label: format!("Week {}, {}", w.week(), w.year()),
                range: format::week_range(w),
                articles: n,
            })
            .collect(),
        next_href,
        first_href: before.map(|_| "/weeks"),
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}
