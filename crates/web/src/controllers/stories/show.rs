//! `/stories/{id}` and `/api/v1/stories/{id}`: a story's headline, first outlet and time,
//! counts, a timeline of its coverage, the entities involved, and every article with its
//! outlet, time, republication mark and the reason the clustering put it in the story.

use crate::controllers::comments::view::Discussion;
use crate::error::ApiError;
use crate::{AppState, WebError, chart, csrf, format, session};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeZone, Utc};
use tidings_store::{CommentTarget, StoryDetail, StoryLink};

/// Most bars the timeline draws; longer stories get wider buckets (labels must stay legible).
const MAX_BARS: i64 = 24;

fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("There is no story {raw:?}.")))
}

/// A story, or the story a merged one went into.
enum Outcome {
    Found(Box<StoryDetail>),
    Moved(i64),
}

/// `?page=N` (1-based) of a story's coverage.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StoryParams {
    pub page: Option<String>,
}

impl StoryParams {
    fn page(&self) -> Result<usize, WebError> {
        match self.page.as_deref().filter(|p| !p.is_empty()) {
            None => Ok(1),
            Some(p) => p.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                WebError::BadRequest(format!("{p:?} is not a page number (1, 2, …)."))
            }),
        }
    }
}

async fn load(state: &AppState, raw: &str, page: usize) -> Result<Outcome, WebError> {
    let id = parse_id(raw)?;
    let found = state
        .db(move |s| match s.story(id, page)? {
            Some(story) => Ok(Some(Outcome::Found(Box::new(story)))),
            None => Ok(s.story_redirect(id)?.map(Outcome::Moved)),
        })
        .await?;
    found.ok_or_else(|| WebError::NotFound(format!("There is no story {id}.")))
}

fn time(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// Articles per hour (a story of a day) or per day (longer), at most [`MAX_BARS`] bars.
/// Returns labels, counts and what one bar is.
fn timeline(published: &[i64]) -> (Vec<String>, Vec<i64>, String) {
    let (Some(&first), Some(&last)) = (published.iter().min(), published.iter().max()) else {
        return (Vec::new(), Vec::new(), String::new());
    };
    let hourly = last - first <= 24 * 3600;
    let unit = if hourly { 3600 } else { 86_400 };
    let start = first - first.rem_euclid(unit);
    let units = (last - start) / unit + 1;
    let per_bar = (units + MAX_BARS - 1) / MAX_BARS;
    let width = unit * per_bar;
    let bars = (last - start) / width + 1;
    let mut counts = vec![0i64; usize::try_from(bars).unwrap_or(1)];
    for &p in published {
        if let Some(c) = usize::try_from((p - start) / width)
            .ok()
            .and_then(|i| counts.get_mut(i))
        {
            *c += 1;
        }
    }
    let labels = (0..bars)
        .map(|i| {
            let t = time(start + i * width);
            if hourly {
                t.format("%H").to_string()
            } else {
                t.format("%d").to_string()
            }
        })
        .collect();
    let caption = match (hourly, per_bar) {
        (true, 1) => "Articles per hour (UTC)".to_string(),
        (true, n) => format!("Articles per {n} hours (UTC)"),
        (false, 1) => "Articles per day".to_string(),
        (false, n) => format!("Articles per {n} days"),
    };
    (labels, counts, caption)
}

struct ArticleRow {
    href: String,
    title: String,
    outlet: String,
    outlet_href: String,
    time: String,
    /// (href of the stored original, if any; whom it republishes)
    republication: Option<(Option<String>, String)>,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage<'a> {
    site_name: &'a str,
    page_title: String,
    headline: String,
    first: String,
    first_outlet: Option<(String, String)>,
    counts: String,
    span: String,
    chart_svg: String,
    chart_caption: String,
    rows: Vec<ArticleRow>,
    /// Pages of the coverage: (label, href; None for the page shown).
    pager: Vec<(usize, Option<String>)>,
    /// (href, name, kind)
    entities: Vec<(String, String, &'static str)>,
    /// The story this one split from, and those that split from it: (href, headline).
    split_from: Option<(String, String)>,
    split_into: Vec<(String, String)>,
    api_href: String,
    discussion: Discussion,
}

fn story_link(s: &StoryLink) -> (String, String) {
    (format!("/stories/{}", s.id), s.headline.clone())
}

fn when(secs: i64) -> String {
    time(secs).format("%-d %B %Y, %H:%M UTC").to_string()
}

/// Links to every page of a story's coverage (stories of thousands of articles have tens).
fn pager(id: i64, page: usize, pages: usize) -> Vec<(usize, Option<String>)> {
    if pages <= 1 {
        return Vec::new();
    }
    (1..=pages)
        .map(|n| {
            let href = match n {
                _ if n == page => None,
                1 => Some(format!("/stories/{id}")),
                n => Some(format!("/stories/{id}?page={n}")),
            };
            (n, href)
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Query<StoryParams>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let s = match load(&state, &raw, params.page()?).await? {
        Outcome::Found(s) => s,
        Outcome::Moved(id) => {
            return Ok(Redirect::permanent(&format!("/stories/{id}")).into_response());
        }
    };
    let viewer = session::current_user(&state, &headers).await;
    let moderator = viewer.as_ref().is_some_and(|v| v.role.can_moderate());
    let target = CommentTarget::Story(s.id);
    let comments = state
        .db(move |st| st.comments_on(target, moderator))
        .await?;
    let (labels, values, chart_caption) = timeline(&s.published);
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    Ok(csrf::page(&state, &headers, StatusCode::OK, |token| {
        StoryPage {
            site_name: &state.site.site_name,
            page_title: s.headline.clone(),
            headline: s.headline.clone(),
            first: when(s.first_seen_at),
            first_outlet: s
                .first_outlet
                .clone()
                .zip(s.first_outlet_slug.as_ref())
                .map(|(name, slug)| (format!("/outlets/{slug}"), name)),
            counts: format!(
                "{} from {}",
                format::count(s.article_count, "article", "articles"),
                format::count(s.outlet_count, "outlet", "outlets")
            ),
            span: if s.last_updated_at > s.first_seen_at {
                format!("Last article {}", when(s.last_updated_at))
            } else {
                String::new()
            },
            chart_svg: chart::svg_bars(
                &format!("Coverage of “{}”", s.headline),
                &label_refs,
                &values,
            ),
            chart_caption,
            rows: s
                .articles
                .iter()
                .map(|a| ArticleRow {
                    href: format!("/articles/{}", a.id),
                    title: a.title.clone(),
                    outlet: a.outlet.clone(),
                    outlet_href: format!("/outlets/{}", a.outlet_slug),
                    time: when(a.published_at),
                    republication: match (a.original_article_id, &a.original_outlet) {
                        (Some(id), o) => Some((
                            Some(format!("/articles/{id}")),
                            o.clone().unwrap_or_else(|| "the original".to_owned()),
                        )),
                        (None, Some(o)) => Some((None, o.clone())),
                        (None, None) => None,
                    },
                    reason: a.reason.clone(),
                })
                .collect(),
            pager: pager(s.id, s.page, s.pages),
            entities: s
                .entities
                .iter()
                .map(|e| {
                    (
                        format!("/entities/{}", e.slug),
                        e.name.clone(),
                        e.kind.as_str(),
                    )
                })
                .collect(),
            split_from: s.split_from.as_ref().map(story_link),
            split_into: s.split_into.iter().map(story_link).collect(),
            api_href: format!("/api/v1/stories/{}", s.id),
            discussion: Discussion::new(target, comments, viewer.as_ref(), token.to_owned()),
        }
        .render()
    }))
}

/// A story: every outlet's article, why each is in it, its entities.
#[utoipa::path(get, path = "/api/v1/stories/{id}", tag = "stories",
    params(
        ("id" = i64, Path, description = "Story id"),
        ("page" = Option<usize>, Query, description = "Page of the story's articles (100 a page), from 1")
    ),
    responses(
        (status = 200, description = "The story", body = crate::api_doc::Object),
        (status = 308, description = "The story was merged into another; follow Location"),
        (status = 404, description = "Not found", body = crate::api_doc::ErrorBody),
        (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
    ))]
pub async fn json(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(params): Query<StoryParams>,
) -> Result<Response, ApiError> {
    Ok(match load(&state, &raw, params.page()?).await? {
        Outcome::Found(s) => Json(s).into_response(),
        Outcome::Moved(id) => Redirect::permanent(&format!("/api/v1/stories/{id}")).into_response(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_buckets_by_hour_then_day_and_stays_small() {
        let t0 = 1_700_000_000;
        let (l, v, c) = timeline(&[t0, t0 + 60, t0 + 3 * 3600]);
        assert_eq!(v.iter().sum::<i64>(), 3);
        assert_eq!(v.len(), l.len());
        assert!(c.contains("hour"), "{c}");
        let (_, v, c) = timeline(&[t0, t0 + 3 * 86_400]);
        assert_eq!(v.len(), 4);
        assert!(c.contains("day"), "{c}");
        let (_, v, _) = timeline(&[t0, t0 + 200 * 86_400]);
        assert!(v.len() as i64 <= MAX_BARS);
        assert_eq!(v.iter().sum::<i64>(), 2);
        assert!(timeline(&[]).1.is_empty());
    }

    #[test]
    fn the_pager_links_every_other_page() {
        assert!(pager(7, 1, 1).is_empty());
        assert_eq!(
            pager(7, 2, 3),
            [
                (1, Some("/stories/7".to_owned())),
                (2, None),
                (3, Some("/stories/7?page=3".to_owned()))
            ]
        );
    }
}
