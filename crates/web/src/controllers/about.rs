//! `/about/ranking`: how the top stories are chosen, in plain words.

use crate::{AppState, WebError};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use tidings_rank::{
    COMMENT_WEIGHT, ENGAGEMENT_MAX, FRESHNESS_MAX, REPUBLICATION_WEIGHT, SAME_OUTLET_FACTOR,
    SAME_SECTION_FACTOR,
};

#[derive(Template)]
#[template(path = "about_ranking.html")]
struct RankingPage<'a> {
    site_name: &'a str,
    page_title: String,
    republication_weight: f64,
    comment_weight: f64,
    engagement_max: f64,
    freshness_max: f64,
    same_outlet: f64,
    same_section: f64,
}

pub async fn ranking(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let page = RankingPage {
        site_name: &state.site.site_name,
        page_title: "How top stories are ranked".into(),
        republication_weight: REPUBLICATION_WEIGHT,
        comment_weight: COMMENT_WEIGHT,
        engagement_max: ENGAGEMENT_MAX,
        freshness_max: FRESHNESS_MAX,
        same_outlet: SAME_OUTLET_FACTOR,
        same_section: SAME_SECTION_FACTOR,
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}
