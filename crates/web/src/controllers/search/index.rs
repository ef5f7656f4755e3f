//! `/search?q=…`: full-text search with filters, results grouped by story, highlighted
//! snippets, pagination. Any input is searched as text; nothing a reader types can error.

use crate::error::ApiError;
use crate::{AppState, WebError, format};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tidings_store::{SearchHit, SearchQuery, StoryGroup, group_by_story, snippet_html};

const PAGE_SIZE: usize = 20;

/// Query-string parameters; everything optional, unparseable values ignored.
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    outlet: Option<String>,
    section: Option<String>,
    entity: Option<String>,
    language: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

impl Params {
    fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|p| (1..=500).contains(p))
            .unwrap_or(1)
    }

    fn query(&self) -> SearchQuery {
        let non_empty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 200)
                .map(str::to_owned)
        };
        let date = |s: &Option<String>| {
            s.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        };
        SearchQuery {
            text: self.q.chars().take(1_000).collect(),
            outlet: non_empty(&self.outlet),
            section: non_empty(&self.section),
            entity: non_empty(&self.entity),
            language: non_empty(&self.language),
            from: date(&self.from),
            to: date(&self.to),
            // One extra tells whether there is a next page.
            limit: PAGE_SIZE + 1,
            offset: (self.page() - 1) * PAGE_SIZE,
        }
    }
}

async fn run(state: &AppState, params: &Params) -> Result<(Vec<StoryGroup>, bool), WebError> {
    let query = params.query();
    let mut hits = state.db(move |s| s.search(&query)).await?;
    let more = hits.len() > PAGE_SIZE;
    hits.truncate(PAGE_SIZE);
    Ok((group_by_story(hits), more))
}

struct HitView {
    href: String,
    title: String,
    outlet: String,
    date: String,
    snippet_html: String,
}

struct GroupView {
    lead: HitView,
    more: Vec<HitView>,
}

fn view(hit: &SearchHit) -> HitView {
    HitView {
        href: format!("/articles/{}", hit.article.id),
        title: hit.article.title.clone(),
        outlet: hit.article.outlet_name.clone(),
        date: format::date_of(hit.article.published_at),
        snippet_html: snippet_html(&hit.snippet),
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    site_name: &'a str,
    page_title: String,
    q: String,
    groups: Vec<GroupView>,
    searched: bool,
    previous_href: Option<String>,
    next_href: Option<String>,
    feed_href: String,
}

fn page_href(params: &Params, page: usize) -> String {
    let mut pairs = vec![("q", params.q.clone())];
    for (k, v) in [
        ("outlet", &params.outlet),
        ("section", &params.section),
        ("entity", &params.entity),
        ("language", &params.language),
        ("from", &params.from),
        ("to", &params.to),
    ] {
        if let Some(v) = v {
            pairs.push((k, v.clone()));
        }
    }
    pairs.push(("page", page.to_string()));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    format!("/search?{}", query.join("&"))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn page(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<Html<String>, WebError> {
    let searched = !params.q.trim().is_empty();
    let (groups, more) = if searched {
        run(&state, &params).await?
    } else {
        (Vec::new(), false)
    };
    let page_no = params.page();
    let page = SearchPage {
        site_name: &state.site.site_name,
        page_title: if searched {
            format!("Search: {}", format::clip(&params.q, 8))
        } else {
            "Search".into()
        },
        q: params.q.chars().take(1_000).collect(),
        groups: groups
            .iter()
            .map(|g| GroupView {
                lead: view(&g.hits[0]),
                more: g.hits[1..].iter().map(view).collect(),
            })
            .collect(),
        searched,
        previous_href: (page_no > 1).then(|| page_href(&params, page_no - 1)),
        next_href: more.then(|| page_href(&params, page_no + 1)),
        feed_href: format!("/feeds/search.atom?q={}", url_encode(&params.q)),
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}

#[derive(Serialize)]
pub struct SearchJson {
    query: String,
    page: usize,
    has_more: bool,
    stories: Vec<StoryGroup>,
}

/// Full-text search: words, "phrases", prefix*; results grouped by story.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(
        ("q" = String, Query, description = "The query"),
        ("outlet" = Option<String>, Query, description = "Outlet slug"),
        ("section" = Option<String>, Query, description = "Section slug"),
        ("entity" = Option<String>, Query, description = "Entity slug"),
        ("language" = Option<String>, Query, description = "Language tag, e.g. en"),
        ("from" = Option<String>, Query, description = "Earliest day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Latest day, YYYY-MM-DD"),
        ("page" = Option<String>, Query, description = "Page number, from 1")
    ),
    responses(
        (status = 200, description = "Matching stories", body = crate::api_doc::Object),
        (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
    ))]
pub async fn json(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<Json<SearchJson>, ApiError> {
    let (stories, has_more) = run(&state, &params).await?;
    Ok(Json(SearchJson {
        query: params.q.chars().take(1_000).collect(),
        page: params.page(),
        has_more,
        stories,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(url_encode("a b&c=\"d\"/é"), "a%20b%26c%3D%22d%22%2F%C3%A9");
    }
}
