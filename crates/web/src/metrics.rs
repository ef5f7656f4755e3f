//! `/metrics` in the Prometheus text format: HTTP requests and their latency by route (the
//! matched route pattern, so the label set stays small), feed fetches and their errors by kind,
//! articles ingested, database retries, and — read at scrape time — articles, stories, database
//! pool use and whether the database answers.
//! One registry per process; every node exposes its own.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// Feed fetches by outcome ("fetched", "not-modified", "error").
    pub fetches: Family<KindLabels, Counter>,
    /// Fetch errors by kind ("http", "timeout", "too-large", "forbidden-address", "parse", …).
    pub fetch_errors: Family<KindLabels, Counter>,
    /// Articles stored for the first time, from any source.
    pub articles_ingested: Counter,
    /// Pauses taken because the database did not answer, by what was waiting ("startup",
    /// "claim", "record", "release", "digest").
    pub db_retries: Family<KindLabels, Counter>,
    /// 1 while this node's last database statement succeeded, 0 from the first one that found
    /// the database unreachable.
    database_up: Gauge,
    articles: Gauge,
    stories: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("tidings");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
        });
        let fetches = Family::<KindLabels, Counter>::default();
        let fetch_errors = Family::<KindLabels, Counter>::default();
        let articles_ingested = Counter::default();
        let db_retries = Family::<KindLabels, Counter>::default();
        let database_up = Gauge::default();
        let (articles, stories) = (Gauge::default(), Gauge::default());
        let (pool_connections, pool_idle) = (Gauge::default(), Gauge::default());
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register("feed_fetches", "Feed fetches by outcome", fetches.clone());
        registry.register(
            "feed_fetch_errors",
            "Feed fetch errors by kind",
            fetch_errors.clone(),
        );
        registry.register(
            "articles_ingested",
            "Articles stored for the first time",
            articles_ingested.clone(),
        );
        registry.register(
            "db_retries",
            "Pauses taken because the database did not answer, by what waited",
            db_retries.clone(),
        );
        registry.register(
            "database_up",
            "1 while the database answers this node, 0 while it is unreachable",
            database_up.clone(),
        );
        registry.register("articles", "Articles in the database", articles.clone());
        registry.register("stories", "Stories in the database", stories.clone());
        registry.register(
            "db_pool_connections",
            "Database connections held by this node's pool",
            pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections in this node's pool",
            pool_idle.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            fetches,
            fetch_errors,
            articles_ingested,
            db_retries,
            database_up,
            articles,
            stories,
            pool_connections,
            pool_idle,
        }
    }

    pub fn count_fetch(&self, outcome: &str) {
        self.fetches
            .get_or_create(&KindLabels {
                kind: outcome.to_owned(),
            })
            .inc();
    }

    pub fn count_db_retry(&self, waiting: &str) {
        self.db_retries
            .get_or_create(&KindLabels {
                kind: waiting.to_owned(),
            })
            .inc();
    }

    pub fn count_fetch_error(&self, kind: &str) {
        self.fetch_errors
            .get_or_create(&KindLabels {
                kind: kind.to_owned(),
            })
            .inc();
    }
}

/// Middleware: counts every request and times it under its route pattern.
pub async fn track(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let res = next.run(req).await;
    let m = &*METRICS;
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: res.status().as_u16(),
        })
        .inc();
    m.latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`.
pub async fn render(State(state): State<AppState>) -> Response {
    let m = &*METRICS;
    let (connections, idle) = state.store.pool_state();
    m.pool_connections.set(i64::from(connections));
    m.pool_idle.set(i64::from(idle));
    if let Ok((articles, stories)) = state.db(|s| s.totals()).await {
        m.articles.set(articles);
        m.stories.set(stories);
    }
    // Read after the query above, which is itself a probe of the database.
    m.database_up.set(i64::from(state.store.database_up()));
    let mut body = String::new();
    if encode(&mut body, &m.registry).is_err() {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}
