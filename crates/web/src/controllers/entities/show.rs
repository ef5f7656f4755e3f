//! `/entities/{slug}` and `/api/v1/entities/{slug}`: the entity, its aliases, an SVG chart of
//! its weekly mentions, what it said, and its articles newest first (paged by `?after=`).
//! Slugs of merged or renamed entities redirect to where the entity lives now.

use crate::controllers::listings::show::{PageParams, Row};
use crate::error::ApiError;
use crate::{AppState, WebError, chart, format};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use tidings_model::{ArticleCard, IsoWeek};
use tidings_store::{Cursor, Entity, EntityLookup, EntityQuote, EntityStory, Listing};

const PAGE_SIZE: usize = 25;
const CHART_WEEKS: usize = 12;
const QUOTES: usize = 10;
const STORIES: usize = 10;

#[derive(Serialize)]
struct Loaded {
    entity: Entity,
    weekly_mentions: Vec<(String, i64)>,
    quotes: Vec<EntityQuote>,
    stories: Vec<EntityStory>,
    articles: Vec<ArticleCard>,
    next: Option<String>,
}

enum Outcome {
    Found(Box<Loaded>),
    Moved(String),
}

async fn load(state: &AppState, slug: String, after: Option<String>) -> Result<Outcome, WebError> {
    let cursor = match after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(
            a.parse::<Cursor>()
                .map_err(|e| WebError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let this_week = IsoWeek::of_date(state.today());
    state
        .db(move |s| {
            let entity = match s.entity_by_slug(&slug)? {
                EntityLookup::Found(e) => e,
                EntityLookup::MovedTo(target) => return Ok(Some(Outcome::Moved(target))),
                EntityLookup::Missing => return Ok(None),
            };
            // The chart ends at the entity's latest week, so an archive stays readable.
            let last = s.latest_week()?.map_or(this_week, |w| w.min(this_week));
            let weekly_mentions = s
                .entity_weekly_mentions(entity.id, last, CHART_WEEKS)?
                .into_iter()
                .map(|(w, n)| (w.to_string(), n))
                .collect();
            let quotes = s.entity_quotes(entity.id, QUOTES)?;
            let stories = s.entity_stories(entity.id, STORIES)?;
            let page = s.list(&Listing::Entity(entity.slug.clone()), cursor, PAGE_SIZE)?;
            Ok(Some(Outcome::Found(Box::new(Loaded {
                entity,
                weekly_mentions,
                quotes,
                stories,
                articles: page.articles,
                next: page.next.map(|c| c.to_string()),
            }))))
        })
        .await?
        .ok_or_else(|| WebError::NotFound("There is no such entity.".into()))
}

struct QuoteRow {
    text: String,
    href: String,
    title: String,
    outlet: String,
    date: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage<'a> {
    site_name: &'a str,
    page_title: String,
    kind: &'static str,
    name: String,
    aliases: String,
    articles: String,
    chart_svg: String,
    quotes: Vec<QuoteRow>,
    /// (href, headline, "3 articles · 2 outlets · 19 November 2026")
    stories: Vec<(String, String, String)>,
    rows: Vec<Row>,
    next_href: Option<String>,
    feed_href: String,
}

fn kind_label(e: &Entity) -> &'static str {
    match e.kind {
        tidings_model::EntityKind::Person => "Person",
        tidings_model::EntityKind::Organization => "Organisation",
        tidings_model::EntityKind::Place => "Place",
    }
}

pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Response, WebError> {
    let loaded = match load(&state, slug, params.after).await? {
        Outcome::Moved(target) => {
            return Ok(Redirect::permanent(&format!("/entities/{target}")).into_response());
        }
        Outcome::Found(l) => l,
    };
    let e = &loaded.entity;
    let labels: Vec<String> = loaded
        .weekly_mentions
        .iter()
        .map(|(w, _)| w.rsplit('W').next().map_or(w.clone(), |n| format!("W{n}")))
        .collect();
    let values: Vec<i64> = loaded.weekly_mentions.iter().map(|(_, n)| *n).collect();
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let page = EntityPage {
        site_name: &state.site.site_name,
        page_title: e.name.clone(),
        kind: kind_label(e),
        name: e.name.clone(),
        aliases: e.aliases.join(", "),
        articles: format::count(e.articles, "article", "articles"),
        chart_svg: chart::svg_bars(
            &format!("Mentions of {} per week", e.name),
            &label_refs,
            &values,
        ),
        quotes: loaded
            .quotes
            .iter()
            .map(|q| QuoteRow {
                text: q.text.clone(),
                href: format!("/articles/{}", q.article_id),
                title: q.article_title.clone(),
                outlet: q.outlet_name.clone(),
                date: format::date_of(q.published_at),
            })
            .collect(),
        stories: loaded
            .stories
            .iter()
            .map(|st| {
                (
                    format!("/stories/{}", st.id),
                    st.headline.clone(),
                    format!(
                        "{} · {} · {}",
                        format::count(st.articles, "article", "articles"),
                        format::count(st.outlets, "outlet", "outlets"),
                        format::date_of(st.updated_at)
                    ),
                )
            })
            .collect(),
        rows: loaded.articles.iter().map(Row::of).collect(),
        next_href: loaded
            .next
            .as_ref()
            .map(|c| format!("/entities/{}?after={c}", e.slug)),
        feed_href: format!("/feeds/entities/{}.atom", e.slug),
    };
    page.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// A person, organisation or place: aliases, weekly mentions, quotes, stories, articles.
#[utoipa::path(get, path = "/api/v1/entities/{slug}", tag = "entities",
    params(
        ("slug" = String, Path, description = "Entity slug"),
        ("after" = Option<String>, Query, description = "Cursor of the next page of articles")
    ),
    responses(
        (status = 200, description = "The entity", body = crate::api_doc::Object),
        (status = 308, description = "The entity was merged or renamed; follow Location"),
        (status = 404, description = "Not found", body = crate::api_doc::ErrorBody),
        (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
    ))]
pub async fn json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Response, ApiError> {
    match load(&state, slug, params.after).await? {
        Outcome::Moved(target) => {
            Ok(Redirect::permanent(&format!("/api/v1/entities/{target}")).into_response())
        }
        Outcome::Found(l) => Ok(Json(l).into_response()),
    }
}
