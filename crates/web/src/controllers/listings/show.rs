//! `/outlets/{slug}`, `/sections/{slug}`, `/tags/{slug}`, `/entities/{slug}`: newest articles first, paged with an
//! `?after=` cursor; the outlet page also states its republication policy.

use crate::error::ApiError;
use crate::{AppState, WebError, format};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use tidings_model::RepublicationPolicy;
use tidings_store::{Cursor, Listing, Outlet, OutletLink, OutletSyndication, Page};

const PAGE_SIZE: usize = 25;

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub after: Option<String>,
}

/// Which listing a path names.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Outlet,
    Section,
    Tag,
    Entity,
}

impl Kind {
    fn listing(self, slug: String) -> Listing {
        match self {
            Kind::Outlet => Listing::Outlet(slug),
            Kind::Section => Listing::Section(slug),
            Kind::Tag => Listing::Tag(slug),
            Kind::Entity => Listing::Entity(slug),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Outlet => "outlet",
            Kind::Section => "section",
            Kind::Tag => "tag",
            Kind::Entity => "entity",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Kind::Outlet => "outlets",
            Kind::Section => "sections",
            Kind::Tag => "tags",
            Kind::Entity => "entities",
        }
    }
}

struct Loaded {
    label: String,
    outlet: Option<Outlet>,
    feeds: Vec<String>,
    /// Whom the outlet republishes and who republishes it (outlet pages only).
    syndication: OutletSyndication,
    page: Page,
}

async fn load(
    state: &AppState,
    kind: Kind,
    slug: String,
    after: Option<String>,
) -> Result<Loaded, WebError> {
    let cursor = match after.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => Some(
            a.parse::<Cursor>()
                .map_err(|e| WebError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let listing = kind.listing(slug.clone());
    let noun = kind.noun();
    state
        .db(move |s| {
            let Some(label) = s.label_of(&listing)? else {
                return Ok(None);
            };
            let (outlet, feeds, syndication) = match kind {
                Kind::Outlet => (
                    s.outlet_by_slug(&slug)?,
                    s.outlet_feeds(&slug)?.into_iter().map(|f| f.url).collect(),
                    s.outlet_syndication(&slug)?,
                ),
                _ => (None, Vec::new(), OutletSyndication::default()),
            };
            Ok(Some(Loaded {
                label,
                outlet,
                feeds,
                syndication,
                page: s.list(&listing, cursor, PAGE_SIZE)?,
            }))
        })
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no such {noun}.")))
}

/// One article in a list of articles (listing and entity pages).
pub(crate) struct Row {
    pub href: String,
    pub title: String,
    pub outlet: String,
    pub outlet_href: String,
    pub section: Option<String>,
    pub date: String,
    pub summary: Option<String>,
}

impl Row {
    pub(crate) fn of(a: &tidings_model::ArticleCard) -> Row {
        Row {
            href: format!("/articles/{}", a.id),
            title: a.title.clone(),
            outlet: a.outlet_name.clone(),
            outlet_href: format!("/outlets/{}", a.outlet_slug),
            section: a.section.clone(),
            date: format::date_of(a.published_at),
            summary: a.summary.as_deref().map(|s| format::clip(s, 35)),
        }
    }
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage<'a> {
    site_name: &'a str,
    page_title: String,
    kicker: &'static str,
    heading: String,
    about: Vec<String>,
    feeds: Vec<String>,
    /// (href, outlet, "3 articles") of the outlets this one republishes.
    republishes: Vec<(String, String, String)>,
    /// (href, outlet, "3 articles") of the outlets republishing this one.
    republished_by: Vec<(String, String, String)>,
    rows: Vec<Row>,
    next_href: Option<String>,
    feed_href: String,
}

fn policy_sentence(p: RepublicationPolicy) -> &'static str {
    match p {
        RepublicationPolicy::Full => {
            "We republish this outlet's articles in full, with its permission."
        }
        RepublicationPolicy::Excerpt => {
            "We show an excerpt of this outlet's articles and link to the original."
        }
        RepublicationPolicy::Link => "We link to this outlet's articles on its own site.",
    }
}

fn outlet_links(links: &[OutletLink]) -> Vec<(String, String, String)> {
    links
        .iter()
        .map(|l| {
            (
                format!("/outlets/{}", l.slug),
                l.name.clone(),
                format::count(l.articles, "article", "articles"),
            )
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    kind: Kind,
    Path(slug): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Html<String>, WebError> {
    let loaded = load(&state, kind, slug.clone(), params.after).await?;
    let mut about = Vec::new();
    if let Some(o) = &loaded.outlet {
        if let Some(d) = &o.description {
            about.push(d.clone());
        }
        if let Some(d) = &o.domain {
            about.push(format!("Website: {d}"));
        }
        about.push(policy_sentence(o.policy).to_owned());
    }
    let page = ListingPage {
        site_name: &state.site.site_name,
        page_title: loaded.label.clone(),
        kicker: match kind {
            Kind::Outlet => "Outlet",
            Kind::Section => "Section",
            Kind::Tag => "Tag",
            Kind::Entity => "In the news",
        },
        heading: loaded.label,
        about,
        feeds: loaded.feeds,
        republishes: outlet_links(&loaded.syndication.republishes),
        republished_by: outlet_links(&loaded.syndication.republished_by),
        rows: loaded.page.articles.iter().map(Row::of).collect(),
        next_href: loaded
            .page
            .next
            .map(|c| format!("/{}/{slug}?after={c}", kind.path())),
        feed_href: format!("/feeds/{}/{slug}.atom", kind.path()),
    };
    page.render()
        .map(Html)
        .map_err(|e| WebError::Internal(e.to_string()))
}

pub async fn json(
    State(state): State<AppState>,
    kind: Kind,
    Path(slug): Path<String>,
    Query(params): Query<PageParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let loaded = load(&state, kind, slug, params.after).await?;
    Ok(Json(serde_json::json!({
        "name": loaded.label,
        "outlet": loaded.outlet,
        "feeds": loaded.feeds,
        "syndication": loaded.syndication,
        "articles": loaded.page.articles,
        "next": loaded.page.next.map(|c| c.to_string()),
    })))
}

/// One documented JSON handler per listing kind: OpenAPI describes each route by its own
/// function, and all of them are [`json`] for their kind.
macro_rules! listing_json {
    ($name:ident, $kind:expr, $path:literal, $slug:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = "listings",
            params(
                ("slug" = String, Path, description = $slug),
                ("after" = Option<String>, Query, description = "Cursor of the next page")
            ),
            responses(
                (status = 200, description = "Articles, newest first", body = crate::api_doc::Object),
                (status = 404, description = "Not found", body = crate::api_doc::ErrorBody),
                (status = 400, description = "Bad request", body = crate::api_doc::ErrorBody)
            ))]
        pub async fn $name(
            state: State<AppState>,
            slug: Path<String>,
            params: Query<PageParams>,
        ) -> Result<Json<serde_json::Value>, ApiError> {
            json(state, $kind, slug, params).await
        }
    };
}

listing_json!(
    outlet_json,
    Kind::Outlet,
    "/api/v1/outlets/{slug}",
    "Outlet slug",
    "An outlet: its policy, feeds and articles, newest first."
);
listing_json!(
    section_json,
    Kind::Section,
    "/api/v1/sections/{slug}",
    "Section slug",
    "A section's articles, newest first."
);
listing_json!(
    tag_json,
    Kind::Tag,
    "/api/v1/tags/{slug}",
    "Tag slug",
    "A tag's articles, newest first."
);
