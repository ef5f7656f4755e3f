//! Web stage: the public site, server-rendered so that it works without JavaScript, with JSON
//! twins under `/api/v1`. Controllers live in `controllers/<domain>/<action>.rs`; templates in
//! `templates/`; every store call runs on a blocking thread.

mod assets;
mod chart;
pub mod controllers;
pub mod digest;
mod error;
mod format;
pub mod ranking;
mod state;
mod visitor;

pub use error::WebError;
pub use state::{AppState, SiteConfig};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    use controllers::listings::show::Kind;
    use controllers::*;
    Router::new()
        .route("/", get(weeks::show::current))
        .route("/week/{week}", get(weeks::show::page))
        .route("/weeks", get(weeks::index::page))
        .route("/articles/{id}", get(articles::show::page))
        .route("/search", get(search::index::page))
        .route(
            "/outlets/{slug}",
            get(|s, p, q| listings::show::page(s, Kind::Outlet, p, q)),
        )
        .route(
            "/sections/{slug}",
            get(|s, p, q| listings::show::page(s, Kind::Section, p, q)),
        )
        .route(
            "/tags/{slug}",
            get(|s, p, q| listings::show::page(s, Kind::Tag, p, q)),
        )
        .route(
            "/api/v1/outlets/{slug}",
            get(|s, p, q| listings::show::json(s, Kind::Outlet, p, q)),
        )
        .route(
            "/api/v1/sections/{slug}",
            get(|s, p, q| listings::show::json(s, Kind::Section, p, q)),
        )
        .route(
            "/api/v1/tags/{slug}",
            get(|s, p, q| listings::show::json(s, Kind::Tag, p, q)),
        )
        .route("/feeds/{file}", get(feed_file))
        .route("/feeds/{kind}/{file}", get(feeds::show::listing))
        .route("/about/ranking", get(about::ranking))
        .route("/healthz", get(health::check))
        .route("/static/site.css", get(assets::stylesheet))
        .route("/api/v1/weeks/current", get(weeks::show::current_json))
        .route("/api/v1/weeks/{week}", get(weeks::show::json))
        .route("/api/v1/articles/{id}", get(articles::show::json))
        .route("/api/v1/search", get(search::index::json))
        .fallback(error::not_found)
        .with_state(state)
        .layer(security_headers())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
}

fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        tower::layer::util::Stack<
            SetResponseHeaderLayer<HeaderValue>,
            SetResponseHeaderLayer<HeaderValue>,
        >,
    >,
> {
    let csp = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
               script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
               form-action 'self'";
    let layer = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    tower::layer::util::Stack::new(
        layer(header::CONTENT_SECURITY_POLICY, csp),
        tower::layer::util::Stack::new(
            layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            tower::layer::util::Stack::new(
                layer(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
                layer(header::X_FRAME_OPTIONS, "DENY"),
            ),
        ),
    )
}

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

/// Serves the site on `listener` until `shutdown` resolves, then finishes open requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
