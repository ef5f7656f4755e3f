//! `/weeks`: every week that has stories.

use crate::format;
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

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
}

pub async fn page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let weeks = state.db(|s| s.weeks()).await?;
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
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}
