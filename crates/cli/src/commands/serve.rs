//! `tidings serve`: the web site and its API, the background fetch loop, or both (`--role`),
//! until Ctrl-C or SIGTERM. A worker answers only `/healthz` and `/metrics` on its address.

use crate::cli::{Role, ServeArgs};
use crate::config::Config;
use crate::follow::{Follower, cycle};
use anyhow::{Context, Result};
use std::process::ExitCode;
use tidings_web::{AppState, SiteConfig};

pub fn run(config: &Config, args: ServeArgs) -> Result<ExitCode> {
    let store = super::open_store_waiting(
        config,
        std::time::Duration::from_secs(config.database_wait_secs),
    )?;
    if args.demo {
        if store.article_count()? == 0 {
            let report = crate::demo::load(&store).context("loading the demo corpus")?;
            tracing::info!(
                outlets = report.outlets,
                articles = report.articles,
                "demo corpus loaded"
            );
        } else {
            tracing::info!("database is not empty; --demo leaves it as it is");
        }
    }
    let role = args.effective_role();
    let follower = (role != Role::Web)
        .then(|| Follower::new(store.clone(), &config.fetch))
        .transpose()?;
    if let Some(f) = &follower {
        tracing::info!(node = %f.claim.owner, ?role, "fetching feeds as this node");
    }
    let addr = args.addr.unwrap_or_else(|| config.server.addr.clone());
    let site = SiteConfig {
        site_name: config.server.site_name.clone(),
        public_url: if config.server.public_url.is_empty() {
            format!("http://{addr}")
        } else {
            config.server.public_url.clone()
        },
        mail: config.mail.mail_config(),
        view_salt: salt(&config.server.view_salt),
        today: None,
        top_stories: config.server.top_stories,
        comments_per_minute: config.server.comments_per_minute,
        comments_per_address_minute: config.server.comments_per_address_minute,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        match role {
            Role::Worker => eprintln!("tidings worker: health and metrics on http://{local}/"),
            _ => eprintln!("tidings is serving on http://{local}/"),
        }
        // One signal stops both the server (gracefully) and the background fetching.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut app = AppState::new(store.clone(), site.clone());
        if let Some(f) = &follower {
            app = app.with_source_adder(std::sync::Arc::new(crate::follow::sources::AdminSources(
                f.clone(),
            )));
        }
        let fetching = follower.map(|f| {
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let until = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                if let Err(e) = cycle::run_until(&f, until).await {
                    tracing::error!(error = %format!("{e:#}"), "background fetching stopped");
                }
            })
        });
        // Weekly chores run on nodes that serve the site (digests link to it).
        let chores = (role != Role::Worker).then(|| {
            tokio::spawn(weekly_chores(
                store.clone(),
                site.clone(),
                config.mail.digest_hour_utc,
                stopped.clone(),
            ))
        });
        let router = match role {
            Role::Worker => tidings_web::worker_router(app),
            Role::Web | Role::All => tidings_web::router(app),
        };
        let served = tidings_web::serve_router(listener, router, async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        })
        .await
        .context("server failed");
        if let Some(task) = fetching {
            let _ = task.await;
        }
        if let Some(task) = chores {
            let _ = task.await;
        }
        served
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Every quarter of an hour: last week's ranking is kept once the week is over (whichever node
/// gets there first), and, with mail configured, on Mondays from `hour` UTC last week's digest
/// goes out — once, as the store's claim decides.
async fn weekly_chores(
    store: tidings_store::Store,
    site: SiteConfig,
    hour: u32,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    use chrono::{Datelike, Timelike};
    loop {
        let now = chrono::Utc::now();
        let kept = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || {
                tidings_web::ranking::keep_last_week(&store, now.date_naive())
            })
            .await
        };
        match kept {
            Ok(Ok(true)) => {
                tracing::info!(week = %tidings_model::IsoWeek::of(now).previous(), "finished week's ranking kept")
            }
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "could not keep last week's ranking"),
            Err(e) => tracing::error!(error = %e, "keeping last week's ranking failed"),
        }
        if site.mail.is_enabled() && now.weekday() == chrono::Weekday::Mon && now.hour() >= hour {
            let week = tidings_model::IsoWeek::of(now).previous();
            let (store, site) = (store.clone(), site.clone());
            let sent = tokio::task::spawn_blocking(move || {
                tidings_web::digest::send_week(
                    &store,
                    &site.mail,
                    week,
                    now.date_naive(),
                    &site.site_name,
                    &site.public_url,
                    false,
                )
                .map_err(|e| e.to_string())
            })
            .await;
            match sent {
                Ok(Ok(r)) if r.claimed => {
                    tracing::info!(%week, sent = r.sent, failed = r.failed, "weekly digest sent")
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(%week, error = %e, "weekly digest failed"),
                Err(e) => tracing::error!(%week, error = %e, "weekly digest task failed"),
            }
        }
        tokio::select! {
            _ = stopped.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(std::time::Duration::from_secs(900)) => {}
        }
    }
}

/// The configured salt, or a fresh one for this process.
fn salt(configured: &str) -> String {
    if !configured.is_empty() {
        return configured.to_owned();
    }
    use sha2::{Digest, Sha256};
    use std::hash::{BuildHasher, RandomState};
    // RandomState is seeded from the OS; two of them plus the clock make an unguessable salt.
    let seed = RandomState::new().hash_one(std::process::id())
        ^ RandomState::new().hash_one(chrono::Utc::now().timestamp_nanos_opt());
    hex::encode(Sha256::digest(seed.to_le_bytes()))
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
