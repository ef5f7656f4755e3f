//! Web stage: the public site, server-rendered so that it works without JavaScript, with JSON
//! twins under `/api/v1`. Controllers live in `controllers/<domain>/<action>.rs`; templates in
//! `templates/`; every store call runs on a blocking thread.

mod api_auth;
mod api_doc;
mod assets;
mod chart;
pub mod controllers;
mod cookies;
mod csrf;
pub mod digest;
mod error;
mod format;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod password;
pub mod ranking;
mod ratelimit;
mod session;
mod state;
mod visitor;

pub use error::WebError;
pub use state::{AppState, SiteConfig, SourceAdder};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    use controllers::listings::show::Kind;
    use controllers::*;
    let router = Router::new()
        .route("/", get(weeks::show::current))
        .route("/week/{week}", get(weeks::show::page))
        .route("/weeks", get(weeks::index::page))
        .route("/articles/{id}", get(articles::show::page))
        .route("/search", get(search::index::page))
        .route("/feeds/{file}", get(feed_file))
        .route("/feeds/{kind}/{file}", get(feeds::show::listing))
        .route("/digest", get(digest::subscribe::form))
        .route(
            "/digest/subscribe",
            axum::routing::post(digest::subscribe::submit),
        )
        .route("/digest/confirm", get(digest::subscribe::confirm))
        .route("/digest/unsubscribe", get(digest::subscribe::unsubscribe))
        .route("/about/ranking", get(about::ranking))
        .route("/healthz", get(health::check))
        .route("/metrics", get(metrics::render))
        .route("/static/site.css", get(assets::stylesheet))
        .route("/api/v1/weeks/current", get(weeks::show::current_json))
        .route("/api/v1/weeks/{week}", get(weeks::show::json))
        .route("/api/v1/articles/{id}", get(articles::show::json))
        .route("/api/v1/search", get(search::index::json))
        .route("/entities/{slug}", get(entities::show::page))
        .route("/api/v1/entities/{slug}", get(entities::show::json))
        .route("/stories/{id}", get(stories::show::page))
        .route("/api/v1/stories/{id}", get(stories::show::json))
        .route("/api/v1/outlets/{slug}", get(listings::show::outlet_json))
        .route("/api/v1/sections/{slug}", get(listings::show::section_json))
        .route("/api/v1/tags/{slug}", get(listings::show::tag_json))
        .route("/api/v1/openapi.json", get(crate::api_doc::document))
        .route("/api/v1/docs", get(crate::api_doc::reference))
        .merge(accounts::routes())
        .merge(comments::routes())
        .merge(admin::routes())
        .fallback(error::not_found)
        .with_state(state.clone());
    // Outlet, section and tag listings share one controller.
    let router = [Kind::Outlet, Kind::Section, Kind::Tag]
        .into_iter()
        .fold(router, |r, kind| {
            let listing = Router::new()
                .route(
                    &format!("/{}/{{slug}}", kind.path()),
                    get(move |s, p, q| listings::show::page(s, kind, p, q)),
                )
                .with_state(state.clone());
            r.merge(listing)
        });
    let router = SECURITY_HEADERS
        .into_iter()
        .fold(router, |r, (name, value)| {
            r.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        });
    router
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// The log span of a request: its id (from `x-request-id`, made here when absent), method and
/// path — with tokens in paths (password-reset and sign-up links) masked, and no query string,
/// cookies or other headers (`Authorization` with API tokens included), so no secret or session
/// reaches the logs.
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let path = req.uri().path();
    let path = if path.starts_with("/password/reset/") {
        "/password/reset/{token}"
    } else if path.starts_with("/signup/confirm/") {
        "/signup/confirm/{token}"
    } else {
        path
    };
    tracing::info_span!("request", id, method = %req.method(), path)
}

/// Headers every response carries unless its handler set them: no scripts at all, no framing,
/// no MIME sniffing, no full referrers to other sites.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'none'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// `/feeds/top.*` and `/feeds/search.*` share one path pattern.
async fn feed_file(
    state: axum::extract::State<AppState>,
    path: axum::extract::Path<String>,
    query: axum::extract::Query<controllers::feeds::show::SearchParams>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, WebError> {
    if path.0.starts_with("search.") {
        controllers::feeds::show::search(state, path, query, headers).await
    } else {
        controllers::feeds::show::top(state, path, headers).await
    }
}

/// The routes of a worker node (`serve --role worker`): no pages, only what an orchestrator
/// asks of every node — `/healthz` (can it reach the database) and `/metrics` (fetching).
pub fn worker_router(state: AppState) -> Router {
    use controllers::health;
    Router::new()
        .route("/healthz", get(health::check))
        .route("/metrics", get(metrics::render))
        .fallback(error::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
}

/// Serves the site on `listener` until `shutdown` resolves, then finishes open requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(state), shutdown).await
}

/// Serves `router` (the site's or a worker's) on `listener` until `shutdown` resolves.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
