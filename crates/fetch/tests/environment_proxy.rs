//! The environment's proxy variables are never used. This binary holds a single test because it
//! changes the process environment, which must not race with anything else reading it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use tidings_fetch::{AddressPolicy, Conditional, FetchConfig, Fetcher};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server answering every connection with `body`, counting connections.
fn server(listener: std::net::TcpListener, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let listener = TcpListener::from_std(listener).unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            c.fetch_add(1, SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

#[test]
fn proxy_variables_in_the_environment_are_ignored() {
    // Point every proxy variable at a counting server before any runtime or thread exists.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY: this is the only test in this binary and no other thread has started yet.
        unsafe { std::env::set_var(var, &proxy_url) };
    }
    for var in ["NO_PROXY", "no_proxy"] {
        // SAFETY: as above.
        unsafe { std::env::remove_var(var) };
    }

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let (_, proxy_hits) = server(proxy, "via the environment's proxy");
            let origin = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let (origin, origin_hits) = server(origin, "direct");
            let fetcher = Fetcher::new(FetchConfig {
                policy: AddressPolicy {
                    allow_ranges: vec!["127.0.0.0/8".parse().unwrap()],
                    allow_hosts: vec![],
                },
                total_timeout: Duration::from_secs(5),
                ..FetchConfig::default()
            })
            .unwrap();
            let got = tokio::time::timeout(
                Duration::from_secs(10),
                fetcher.get(&format!("{origin}/feed.xml"), &Conditional::default()),
            )
            .await
            .unwrap()
            .unwrap();
            assert_eq!(got.body, b"direct");
            assert_eq!(origin_hits.load(SeqCst), 1);
            assert_eq!(
                proxy_hits.load(SeqCst),
                0,
                "the environment's proxy was used"
            );
        });
}
