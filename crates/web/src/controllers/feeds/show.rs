//! `/feeds/top.atom|rss|json`, `/feeds/{outlets|sections|tags|entities}/{slug}.{ext}` and
//! `/feeds/search.{ext}?q=`, with ETags so readers polling them get 304 when nothing changed.

use super::render::{FeedMeta, Format, render};
use crate::controllers::weeks::show::current_ranking;
use crate::{AppState, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tidings_model::ArticleCard;
use tidings_store::{Listing, SearchQuery};

const FEED_ITEMS: usize = 30;

fn parse_file(file: &str) -> Result<(&str, Format), WebError> {
    Format::from_file(file).ok_or_else(|| {
        WebError::NotFound(format!(
            "There is no feed {file:?}; feeds end in .atom, .rss or .json."
        ))
    })
}

/// The feed document, or 304 when the reader already has this version.
fn respond(format: Format, body: String, request: &HeaderMap) -> Response {
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..16])
    );
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let etag_header = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header)]).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::ETAG, etag_header),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

fn meta(state: &AppState, title: String, page_path: &str, feed_path: &str) -> FeedMeta {
    let site = state.site.public_url.trim_end_matches('/').to_owned();
    FeedMeta {
        title,
        page_url: format!("{site}{page_path}"),
        feed_url: format!("{site}{feed_path}"),
        site_url: site,
    }
}

pub async fn top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (stem, format) = parse_file(&file)?;
    if stem != "top" {
        return Err(WebError::NotFound(format!("There is no feed {file:?}.")));
    }
    let (ranking, _) = current_ranking(&state).await?;
    let items: Vec<ArticleCard> = ranking
        .stories
        .iter()
        .take(FEED_ITEMS)
        .map(|s| s.lead.clone())
        .collect();
    let title = format!(
        "{} — top stories, week {} of {}",
        state.site.site_name,
        ranking.week.week(),
        ranking.week.year()
    );
    let m = meta(&state, title, "/", &format!("/feeds/{file}"));
    Ok(respond(format, render(format, &m, &items), &headers))
}

pub async fn listing(
    State(state): State<AppState>,
    Path((kind, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (slug, format) = parse_file(&file)?;
    let slug = slug.to_owned();
    let listing = match kind.as_str() {
        "outlets" => Listing::Outlet(slug.clone()),
        "sections" => Listing::Section(slug.clone()),
        "tags" => Listing::Tag(slug.clone()),
        "entities" => Listing::Entity(slug.clone()),
        _ => return Err(WebError::NotFound(format!("There are no {kind} feeds."))),
    };
    let (label, page) = state
        .db(move |s| {
            let label = s.label_of(&listing)?;
            Ok((label, s.list(&listing, None, FEED_ITEMS)?))
        })
        .await?;
    let label = label.ok_or_else(|| WebError::NotFound(format!("There is no {kind} {slug:?}.")))?;
    let title = format!("{} — {label}", state.site.site_name);
    let m = meta(
        &state,
        title,
        &format!("/{kind}/{slug}"),
        &format!("/feeds/{kind}/{file}"),
    );
    Ok(respond(
        format,
        render(format, &m, &page.articles),
        &headers,
    ))
}

#[derive(serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

pub async fn search(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<SearchParams>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (stem, format) = parse_file(&file)?;
    if stem != "search" {
        return Err(WebError::NotFound(format!("There is no feed {file:?}.")));
    }
    let text: String = params.q.chars().take(1_000).collect();
    let query = SearchQuery {
        text: text.clone(),
        limit: FEED_ITEMS,
        ..SearchQuery::default()
    };
    let hits = state.db(move |s| s.search(&query)).await?;
    let items: Vec<ArticleCard> = hits.into_iter().map(|h| h.article).collect();
    let title = format!("{} — search: {text}", state.site.site_name);
    let m = meta(&state, title, "/search", &format!("/feeds/{file}"));
    Ok(respond(format, render(format, &m, &items), &headers))
}
