//! A decompression bomb is refused without inflating it in memory: this binary counts every
//! allocation (hence a binary of its own, with a single test) and checks the peak while a
//! 64 MiB gzip bomb is fetched with a 1 MiB cap.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use tidings_fetch::{AddressPolicy, Conditional, FetchConfig, FetchError, Fetcher};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), SeqCst) + layout.size();
            PEAK.fetch_max(now, SeqCst);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now =
                    LIVE.fetch_add(new_size - layout.size(), SeqCst) + new_size - layout.size();
                PEAK.fetch_max(now, SeqCst);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1024 * 1024;

#[tokio::test]
async fn a_gzip_bomb_is_refused_without_being_inflated_in_memory() {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MB];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    drop(zeros);
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 128 * 1024, "{} bytes", bomb.len());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route(
        "/bomb.xml",
        get(move || {
            let bomb = bomb.clone();
            async move { ([(header::CONTENT_ENCODING, "gzip")], bomb) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let fetcher = Fetcher::new(FetchConfig {
        max_body_bytes: MB as u64,
        total_timeout: Duration::from_secs(10),
        policy: AddressPolicy {
            allow_ranges: vec!["127.0.0.0/8".parse().unwrap()],
            allow_hosts: vec![],
        },
        ..FetchConfig::default()
    })
    .unwrap();

    let before = LIVE.load(SeqCst);
    PEAK.store(before, SeqCst);
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        fetcher.get(&format!("http://{addr}/bomb.xml"), &Conditional::default()),
    )
    .await
    .unwrap();
    let grew = PEAK.load(SeqCst) - before;
    assert!(
        matches!(result, Err(FetchError::TooLarge { .. })),
        "{result:?}"
    );
    assert!(
        grew < 16 * MB,
        "memory grew by {} MiB while refusing the bomb",
        grew / MB
    );
}
