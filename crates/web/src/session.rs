//! Who is signed in: the session cookie (a random token; the store keeps only its hash), the
//! signed-in user of a request, and the client address as comments and limits see it.

use crate::{AppState, cookies};
use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tidings_store::User;

pub const COOKIE: &str = "tidings_session";
/// Sessions last 30 days.
pub const TTL_SECS: i64 = 30 * 86_400;

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("OS random source failed: {e}"));
    hex::encode(bytes)
}

/// The session token in the request's cookie, if well formed.
pub fn token(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, COOKIE).filter(|v| cookies::is_hex_token(v, 64))
}

pub fn cookie(token: &str, secure: bool) -> HeaderValue {
    cookies::set(COOKIE, token, TTL_SECS, secure)
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    cookies::set(COOKIE, "", 0, secure)
}

/// The signed-in user, if the request carries a live session. A store failure reads as
/// "not signed in" for pages; writes check again and fail properly.
pub async fn current_user(state: &AppState, headers: &HeaderMap) -> Option<User> {
    let token = token(headers)?;
    state
        .db(move |s| s.session_user(&token))
        .await
        .ok()
        .flatten()
}

/// The peer address (absent when the router runs without a socket, as in tests).
pub fn client_ip(extensions: &Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// A salted hash of the client address: enough to rate-limit, useless to trace.
pub fn ip_hash(state: &AppState, ip: IpAddr) -> String {
    let mut h = Sha256::new();
    h.update(state.site.view_salt.as_bytes());
    h.update(ip.to_string().as_bytes());
    hex::encode(&h.finalize()[..16])
}
