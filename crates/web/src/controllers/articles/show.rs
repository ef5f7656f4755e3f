//! `/articles/{id}`: one article laid out like the seed page — week label, tags, section,
//! headline, outlet, counters, byline, body as the outlet's republication policy allows, and
//! where it first appeared. A GET by a person counts a view.

use crate::controllers::comments::view::Discussion;
use crate::error::ApiError;
use crate::visitor::{is_obvious_bot, visitor_id};
use crate::{AppState, WebError, csrf, format, session};
use askama::Template;
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{Extensions, HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use std::net::SocketAddr;
use tidings_model::{Article, IsoWeek, RepublicationPolicy, slugify};
use tidings_store::{CommentTarget, StoredArticle, ViewOutcome};

/// Paragraph budget of an excerpt, in words.
const EXCERPT_WORDS: usize = 120;

fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("There is no article {raw:?}.")))
}

async fn load(state: &AppState, id: i64) -> Result<StoredArticle, WebError> {
    state
        .db(move |s| s.article(id))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no article {id}.")))
}

/// Counts the view unless it comes from a bot; a failure to count never fails the page.
/// Returns whether this request added a view.
async fn count_view(
    state: &AppState,
    id: i64,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> bool {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if is_obvious_bot(ua) {
        return false;
    }
    let day = state.today();
    let ip = peer.map(|p| p.ip().to_string()).unwrap_or_default();
    let visitor = visitor_id(&state.site.view_salt, &ip, ua, day);
    match state.db(move |s| s.record_view(id, day, &visitor)).await {
        Ok(outcome) => outcome == ViewOutcome::Counted,
        Err(e) => {
            tracing::warn!(article = id, error = %e, "could not count a view");
            false
        }
    }
}

/// Where the reader goes for the whole article.
fn original_href(a: &Article, outlet_domain: Option<&str>) -> Option<String> {
    a.url
        .clone()
        .or_else(|| a.provenance.original_url.clone())
        .or_else(|| outlet_domain.map(|d| format!("https://{d}/")))
}

/// (href, outlet) of stored articles, for the provenance lines.
fn links(articles: &[tidings_store::Republication]) -> Vec<(String, String)> {
    articles
        .iter()
        .map(|c| (format!("/articles/{}", c.id), c.outlet.clone()))
        .collect()
}

/// The provenance line: a note's "Originally published by …", else a detected republication's
/// "Republished from …, detected: …" (worded so a guess is never passed off as a statement).
fn provenance_line(stored: &StoredArticle) -> Option<String> {
    let a = &stored.article;
    let p = &a.provenance;
    if p.original_outlet.is_none()
        && p.original_url.is_none()
        && let Some(d) = &stored.detected_original
    {
        return Some(format!(
            "Republished from {}, detected: {} % of the text matches",
            d.outlet,
            (d.similarity * 100.0).round() as i64
        ));
    }
    let by = p.original_outlet.as_deref().or(p.original_url.as_deref())?;
    Some(match p.original_published_at {
        Some(t) => format!("Originally published by {by} on {}", format::date_of(t)),
        None => format!("Originally published by {by}"),
    })
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    site_name: &'a str,
    page_title: String,
    title: String,
    date: Option<String>,
    week_href: Option<String>,
    week_label: Option<String>,
    tags: Vec<(String, String)>,
    section: Option<(String, String)>,
    outlet: String,
    outlet_href: String,
    views: String,
    comments: String,
    byline: Option<String>,
    full_html: Option<String>,
    excerpt: Vec<String>,
    policy: &'static str,
    read_more_href: Option<String>,
    provenance: Option<String>,
    provenance_href: Option<String>,
    /// (href, outlet) of the original's own originals, nearest first.
    chain: Vec<(String, String)>,
    /// (href, outlet) of the copies that name this article as their original.
    copies: Vec<(String, String)>,
    /// Copies beyond those listed.
    more_copies: i64,
    description: String,
    api_href: String,
    /// (href, name, kind) of the people, organisations and places the article names.
    entities: Vec<(String, String, &'static str)>,
    quotes: Vec<QuoteLine>,
    discussion: Discussion,
}

struct QuoteLine {
    text: String,
    speaker: Option<(Option<String>, String)>,
    verb: String,
}

fn quote_lines(a: &Article, policy: RepublicationPolicy) -> Vec<QuoteLine> {
    // Quoting an outlet we may only link to would republish it.
    if policy == RepublicationPolicy::Link {
        return Vec::new();
    }
    a.quotes
        .iter()
        .map(|q| QuoteLine {
            text: q.text.clone(),
            speaker: q.speaker.as_ref().map(|name| {
                let href = a
                    .entities
                    .iter()
                    .any(|e| &e.name == name)
                    .then(|| format!("/entities/{}", slugify(name)));
                (href, name.clone())
            }),
            verb: q.verb.clone().unwrap_or_else(|| "said".into()),
        })
        .collect()
}

fn page_of<'a>(
    state: &'a AppState,
    stored: &StoredArticle,
    discussion: Discussion,
) -> ArticlePage<'a> {
    let a = &stored.article;
    let week = a.published_at.map(IsoWeek::of);
    let policy = stored.outlet.policy;
    let excerpt: Vec<String> = match policy {
        RepublicationPolicy::Excerpt => a
            .excerpt(EXCERPT_WORDS)
            .into_iter()
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    ArticlePage {
        site_name: &state.site.site_name,
        page_title: a.title.clone(),
        title: a.title.clone(),
        date: a.published_at.map(format::date_of),
        week_href: week.map(|w| format!("/week/{w}")),
        week_label: week.map(|w| format!("Top stories week {}", w.week())),
        tags: a
            .tags
            .iter()
            .map(|t| (format!("/tags/{}", slugify(t)), t.clone()))
            .collect(),
        section: a
            .section
            .as_ref()
            .map(|s| (format!("/sections/{}", slugify(s)), s.clone())),
        outlet: stored.outlet.name.clone(),
        outlet_href: format!("/outlets/{}", stored.outlet.slug),
        views: format::count(a.engagement.views, "view", "views"),
        comments: format::count(a.engagement.comments, "comment", "comments"),
        byline: format::byline(&a.authors),
        full_html: (policy == RepublicationPolicy::Full).then(|| a.html.clone()),
        excerpt,
        policy: policy.as_str(),
        read_more_href: original_href(a, stored.outlet.domain.as_deref()),
        provenance: provenance_line(stored),
        provenance_href: stored
            .original_article_id
            .map(|id| format!("/articles/{id}"))
            .or_else(|| a.provenance.original_url.clone()),
        chain: links(&stored.chain),
        copies: links(&stored.copies),
        more_copies: stored.copy_count - stored.copies.len() as i64,
        description: format::clip(a.summary.as_deref().unwrap_or(&a.text), 40),
        api_href: format!("/api/v1/articles/{}", a.id.unwrap_or_default()),
        entities: a
            .entities
            .iter()
            .map(|e| {
                (
                    format!("/entities/{}", slugify(&e.name)),
                    e.name.clone(),
                    e.kind.as_str(),
                )
            })
            .collect(),
        quotes: quote_lines(a, policy),
        discussion,
    }
}

pub async fn page(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    method: Method,
    headers: HeaderMap,
    extensions: Extensions,
) -> Result<Response, WebError> {
    // The peer address is absent when the router runs without a socket (tests).
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let id = parse_id(&raw)?;
    // Looked up before counting, so unknown ids cost no write.
    let mut stored = load(&state, id).await?;
    if method == Method::GET && count_view(&state, id, &headers, peer).await {
        stored.article.engagement.views += 1;
    }
    let viewer = session::current_user(&state, &headers).await;
    let moderator = viewer.as_ref().is_some_and(|v| v.role.can_moderate());
    let comments = state
        .db(move |s| s.comments_on(CommentTarget::Article(id), moderator))
        .await?;
    Ok(csrf::page(&state, &headers, StatusCode::OK, |token| {
        let discussion = Discussion::new(
            CommentTarget::Article(id),
            comments,
            viewer.as_ref(),
            token.to_owned(),
        );
        page_of(&state, &stored, discussion).render()
    }))
}

/// Article JSON with the outlet's policy applied: what the site may show, the API may give.
#[derive(Serialize)]
pub struct ArticleJson {
    #[serde(flatten)]
    article: Article,
    republication_policy: RepublicationPolicy,
}

/// One article as Article JSON, with the text its outlet's republication policy allows.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = i64, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article", body = crate::api_doc::Object),
        (status = 404, description = "Not found", body = crate::api_doc::ErrorBody),
        (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
    ))]
pub async fn json(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<ArticleJson>, ApiError> {
    let id = parse_id(&raw)?;
    let stored = load(&state, id).await?;
    let policy = stored.outlet.policy;
    let mut article = stored.article;
    match policy {
        RepublicationPolicy::Full => {}
        RepublicationPolicy::Excerpt => {
            article.text = article.excerpt(EXCERPT_WORDS).join("\n\n");
            article.html = String::new();
        }
        RepublicationPolicy::Link => {
            article.text = String::new();
            article.html = String::new();
        }
    }
    Ok(Json(ArticleJson {
        article,
        republication_policy: policy,
    }))
}
