//! `/` and `/week/{week}`: the ranked top stories of an ISO week, and their JSON twins.

use crate::error::ApiError;
use crate::format;
use crate::ranking::shared_week_ranking;
use crate::state::{CACHED_WEEKS, CURRENT_WEEK_TTL, CachedWeek, FINISHED_WEEK_TTL};
use crate::{AppState, WebError};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use serde::Serialize;
use tidings_model::{IsoWeek, slugify};
use tidings_rank::RankedStory;
use tidings_store::EntityTrend;

/// Entities listed as trending on a week page.
const TRENDING: usize = 8;

/// A week's ranking with its neighbours, shared by the page and the API.
#[derive(Clone, Serialize)]
pub struct WeekRanking {
    pub week: IsoWeek,
    /// Entities mentioned most this week, rising ones first.
    pub trending: Vec<EntityTrend>,
    pub start: String,
    pub end: String,
    pub previous: Option<IsoWeek>,
    pub next: Option<IsoWeek>,
    pub stories: Vec<RankedStory>,
}

/// Week page data from the page cache, computed when missing or stale.
async fn load(state: &AppState, week: IsoWeek) -> Result<WeekRanking, WebError> {
    let ttl = if week >= IsoWeek::of_date(state.today()) {
        CURRENT_WEEK_TTL
    } else {
        FINISHED_WEEK_TTL
    };
    let cached = || {
        let cache = state.weeks.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(&week)
            .filter(|c| c.at.elapsed() < ttl)
            .map(|c| (*c.ranking).clone())
    };
    if let Some(ranking) = cached() {
        return Ok(ranking);
    }
    let _computing = state.week_compute.lock().await;
    // Another request may have computed it while this one waited.
    if let Some(ranking) = cached() {
        return Ok(ranking);
    }
    let ranking = compute(state, week).await?;
    let mut cache = state.weeks.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHED_WEEKS {
        cache.retain(|_, c| c.at.elapsed() < CURRENT_WEEK_TTL);
    }
    cache.insert(
        week,
        CachedWeek {
            at: std::time::Instant::now(),
            ranking: std::sync::Arc::new(ranking.clone()),
        },
    );
    Ok(ranking)
}

async fn compute(state: &AppState, week: IsoWeek) -> Result<WeekRanking, WebError> {
    let limit = state.site.top_stories;
    let today = state.today();
    let (stories, (previous, next), trending) = state
        .db(move |s| {
            Ok((
                shared_week_ranking(s, week, today, limit, CURRENT_WEEK_TTL)?,
                s.neighbour_weeks(week)?,
                s.week_entities(week, TRENDING)?,
            ))
        })
        .await?;
    Ok(WeekRanking {
        week,
        trending,
        start: week.monday().to_string(),
        end: week.sunday().to_string(),
        previous,
        next,
        stories,
    })
}

fn parse_week(raw: &str) -> Result<IsoWeek, WebError> {
    raw.parse()
        .map_err(|e: tidings_model::week::WeekError| WebError::BadRequest(e.to_string()))
}

/// A week the reader asked for by name: the current week may be empty; any other week without
/// stories does not exist on this site.
async fn load_named(state: &AppState, week: IsoWeek) -> Result<WeekRanking, WebError> {
    let ranking = load(state, week).await?;
    let current = IsoWeek::of_date(state.today());
    if ranking.stories.is_empty() && week != current {
        return Err(WebError::NotFound(format!(
            "There are no stories for week {week}."
        )));
    }
    Ok(ranking)
}

/// The current week, or — while it has no stories yet — the latest week that has.
pub(crate) async fn current_ranking(state: &AppState) -> Result<(WeekRanking, bool), WebError> {
    let current = IsoWeek::of_date(state.today());
    let ranking = load(state, current).await?;
    if !ranking.stories.is_empty() {
        return Ok((ranking, false));
    }
    match state.db(|s| s.latest_week()).await? {
        Some(latest) if latest < current => Ok((load(state, latest).await?, true)),
        _ => Ok((ranking, false)),
    }
}

struct StoryCard {
    rank: usize,
    href: String,
    headline: String,
    section: Option<(String, String)>,
    outlet: String,
    outlet_href: String,
    date: String,
    summary: Option<String>,
    views: String,
    comments: String,
    coverage: Option<String>,
    /// The story page, for stories of more than one article.
    story_href: Option<String>,
    also: Vec<(String, String)>,
}

impl StoryCard {
    fn new(s: &RankedStory) -> Self {
        let also = s
            .articles
            .iter()
            .filter(|a| a.id != s.lead.id)
            .map(|a| {
                let label = if a.is_republication {
                    format!("{} (republished)", a.outlet_name)
                } else {
                    a.outlet_name.clone()
                };
                (format!("/articles/{}", a.id), label)
            })
            .collect();
        Self {
            rank: s.rank,
            href: format!("/articles/{}", s.lead.id),
            headline: s.lead.title.clone(),
            section: s
                .lead
                .section
                .as_ref()
                .map(|x| (format!("/sections/{}", slugify(x)), x.clone())),
            outlet: s.lead.outlet_name.clone(),
            outlet_href: format!("/outlets/{}", s.lead.outlet_slug),
            date: format::date_of(s.lead.published_at),
            summary: s.lead.summary.as_deref().map(|t| format::clip(t, 45)),
            views: format::count(s.views, "view", "views"),
            comments: format::count(s.comments, "comment", "comments"),
            coverage: (s.outlet_count > 1).then(|| format!("{} outlets", s.outlet_count)),
            story_href: (s.articles.len() > 1).then(|| format!("/stories/{}", s.story_id)),
            also,
        }
    }
}

#[derive(Template)]
#[template(path = "week.html")]
struct WeekPage<'a> {
    site_name: &'a str,
    page_title: String,
    heading: String,
    range: String,
    notice: Option<String>,
    cards: Vec<StoryCard>,
    previous: Option<(String, String)>,
    next: Option<(String, String)>,
    api_href: String,
    trending: Vec<(String, String, bool)>,
}

fn render(
    state: &AppState,
    ranking: &WeekRanking,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let w = ranking.week;
    let nav = |w: Option<IsoWeek>| {
        w.map(|w| {
            (
                format!("/week/{w}"),
                format!("Week {}, {}", w.week(), w.year()),
            )
        })
    };
    let page = WeekPage {
        site_name: &state.site.site_name,
        page_title: format!("Top stories, week {} of {}", w.week(), w.year()),
        heading: format!("Top stories week {}", w.week()),
        range: format::week_range(w),
        notice,
        cards: ranking.stories.iter().map(StoryCard::new).collect(),
        previous: nav(ranking.previous),
        next: nav(ranking.next),
        api_href: format!("/api/v1/weeks/{w}"),
        trending: ranking
            .trending
            .iter()
            .map(|e| {
                (
                    format!("/entities/{}", e.slug),
                    e.name.clone(),
                    e.mentions > e.previous_mentions,
                )
            })
            .collect(),
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}

pub async fn current(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let (ranking, fell_back) = current_ranking(&state).await?;
    let notice = fell_back.then(|| {
        format!(
            "No stories yet this week; here are the top stories of week {}.",
            ranking.week.week()
        )
    });
    render(&state, &ranking, notice)
}

pub async fn page(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Html<String>, WebError> {
    let week = parse_week(&raw)?;
    let ranking = load_named(&state, week).await?;
    render(&state, &ranking, None)
}

/// The ranked top stories of an ISO week, with each score's parts.
#[utoipa::path(get, path = "/api/v1/weeks/{week}", tag = "weeks",
    params(("week" = String, Path, description = "ISO week, e.g. 2025-W12")),
    responses(
        (status = 200, description = "The week's ranking", body = crate::api_doc::Object),
        (status = 404, description = "Not found", body = crate::api_doc::ErrorBody),
        (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
    ))]
pub async fn json(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<WeekRanking>, ApiError> {
    let week = parse_week(&raw)?;
    Ok(Json(load_named(&state, week).await?))
}

/// The running week's top stories (or the latest week with stories while it is empty).
#[utoipa::path(get, path = "/api/v1/weeks/current", tag = "weeks",
    responses((status = 200, description = "The current ranking", body = crate::api_doc::Object)))]
pub async fn current_json(State(state): State<AppState>) -> Result<Json<WeekRanking>, ApiError> {
    Ok(Json(current_ranking(&state).await?.0))
}
