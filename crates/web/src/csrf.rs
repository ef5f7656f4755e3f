//! CSRF protection for forms without a session: the double-submit pattern. A random token is
//! set in an HttpOnly, SameSite=Lax cookie and repeated in the form; a POST must carry both,
//! equal. Another site can make a browser send the cookie but cannot read it to fill the form.

use crate::{AppState, WebError, cookies};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

pub const COOKIE: &str = "tidings_csrf";

/// A fresh unguessable token (128 bits from the OS).
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    // The OS random source failing is not recoverable in any useful way.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("OS random source failed: {e}"));
    hex::encode(bytes)
}

/// The token in the request's cookie, if it has a well-formed one.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    cookies::read(headers, COOKIE).filter(|v| cookies::is_hex_token(v, 32))
}

/// The `Set-Cookie` value for `token`; `secure` when the site is served over HTTPS.
pub fn cookie(token: &str, secure: bool) -> HeaderValue {
    cookies::set(COOKIE, token, 86_400, secure)
}

/// A page whose forms carry the CSRF token: `render` gets the request's token (or a new one),
/// and the response (re)sets its cookie.
pub fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    render: impl FnOnce(&str) -> Result<String, askama::Error>,
) -> Response {
    let token = from_cookie(headers).unwrap_or_else(new_token);
    match render(&token) {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            res.headers_mut()
                .insert(header::SET_COOKIE, cookie(&token, state.secure()));
            res
        }
        Err(e) => WebError::Internal(e.to_string()).into_response(),
    }
}

/// Whether the form's token matches the cookie's, compared in constant time.
pub fn verify(headers: &HeaderMap, form_token: &str) -> bool {
    let Some(cookie) = from_cookie(headers) else {
        return false;
    };
    cookie.len() == form_token.len()
        && cookie
            .bytes()
            .zip(form_token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_submit() {
        let t = new_token();
        assert_eq!(t.len(), 32);
        assert_ne!(t, new_token());
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={t}")).unwrap(),
        );
        assert_eq!(from_cookie(&h).as_deref(), Some(t.as_str()));
        assert!(verify(&h, &t));
        assert!(!verify(&h, &new_token()));
        assert!(!verify(&HeaderMap::new(), &t));
        assert!(
            cookie(&t, true)
                .to_str()
                .unwrap()
                .contains("HttpOnly; SameSite=Lax")
        );
    }
}
