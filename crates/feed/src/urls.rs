//! Relative URL resolution the way feed readers do it (RFC 3986 merging as Python's `urljoin`
//! implements it). The `url` crate normalises absolute URLs (`http://x.example` gains a `/`,
//! hosts are punycoded, …), which would change links the feed wrote out in full; here an
//! absolute reference is returned untouched and only relative ones are merged.

const USES_RELATIVE: &[&str] = &[
    "", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms",
    "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss",
];
const USES_NETLOC: &[&str] = &[
    "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
    "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git",
    "git+ssh", "ws", "wss",
];

/// Schemes a resolved base URI may have; anything else (`javascript:`, `data:`) is refused.
const SAFE_SCHEMES: &[&str] = &[
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews",
    "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk",
    "irc", "ircs", "irc6", "itms", "msnim", "skype", "ssh", "smb", "ymsg",
];

struct Parts<'a> {
    scheme: String,
    netloc: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split<'a>(url: &'a str, default_scheme: &str) -> Parts<'a> {
    let mut rest = url;
    let mut scheme = default_scheme.to_string();
    if let Some(i) = url.find(':')
        && i > 0
        && url.as_bytes()[0].is_ascii_alphabetic()
        && url[..i]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        scheme = url[..i].to_ascii_lowercase();
        rest = &url[i + 1..];
    }
    let mut netloc = None;
    if let Some(r) = rest.strip_prefix("//") {
        let end = r.find(['/', '?', '#']).unwrap_or(r.len());
        netloc = Some(&r[..end]);
        rest = &r[end..];
    }
    let mut fragment = None;
    if let Some(i) = rest.find('#') {
        fragment = Some(&rest[i + 1..]);
        rest = &rest[..i];
    }
    let mut query = None;
    if let Some(i) = rest.find('?') {
        query = Some(&rest[i + 1..]);
        rest = &rest[..i];
    }
    Parts {
        scheme,
        netloc,
        path: rest,
        query,
        fragment,
    }
}

fn unsplit(
    scheme: &str,
    netloc: Option<&str>,
    path: &str,
    query: Option<&str>,
    fragment: Option<&str>,
) -> String {
    let mut url = path.to_string();
    let has_netloc = netloc.is_some_and(|n| !n.is_empty());
    if has_netloc || (!scheme.is_empty() && USES_NETLOC.contains(&scheme) && !url.starts_with("//"))
    {
        if !url.is_empty() && !url.starts_with('/') {
            url.insert(0, '/');
        }
        url = format!("//{}{}", netloc.unwrap_or(""), url);
    }
    if !scheme.is_empty() {
        url = format!("{scheme}:{url}");
    }
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(q);
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        url.push('#');
        url.push_str(f);
    }
    url
}

/// Python's `urllib.parse.urljoin`.
pub fn urljoin(base: &str, url: &str) -> String {
    if base.is_empty() {
        return url.to_string();
    }
    if url.is_empty() {
        return base.to_string();
    }
    let b = split(base, "");
    let u = split(url, &b.scheme);
    if u.scheme != b.scheme || !USES_RELATIVE.contains(&u.scheme.as_str()) {
        return url.to_string();
    }
    let mut netloc = u.netloc;
    if USES_NETLOC.contains(&u.scheme.as_str()) {
        if u.netloc.is_some_and(|n| !n.is_empty()) {
            return unsplit(&u.scheme, u.netloc, u.path, u.query, u.fragment);
        }
        netloc = b.netloc;
    }
    if u.path.is_empty() {
        let query = if u.query.is_some() { u.query } else { b.query };
        return unsplit(&u.scheme, netloc, b.path, query, u.fragment);
    }
    let mut base_parts: Vec<&str> = b.path.split('/').collect();
    if base_parts.last().is_some_and(|l| !l.is_empty()) {
        base_parts.pop();
    }
    let segments: Vec<&str> = if u.path.starts_with('/') {
        u.path.split('/').collect()
    } else {
        let mut s: Vec<&str> = base_parts;
        s.extend(u.path.split('/'));
        let n = s.len();
        if n > 2 {
            let middle: Vec<&str> = s[1..n - 1]
                .iter()
                .copied()
                .filter(|x| !x.is_empty())
                .collect();
            let mut v = vec![s[0]];
            v.extend(middle);
            v.push(s[n - 1]);
            v
        } else {
            s
        }
    };
    let mut resolved: Vec<&str> = Vec::new();
    for seg in &segments {
        match *seg {
            ".." => {
                resolved.pop();
            }
            "." => {}
            s => resolved.push(s),
        }
    }
    if matches!(segments.last(), Some(&".") | Some(&"..")) {
        resolved.push("");
    }
    let mut path = resolved.join("/");
    if path.is_empty() {
        path = "/".into();
    }
    unsplit(&u.scheme, netloc, &path, u.query, u.fragment)
}

/// feedparser's `_urljoin`: collapses extra slashes after `scheme://`, then joins.
pub fn join(base: &str, uri: &str) -> String {
    let uri = uri.trim();
    if is_plain_absolute(uri) {
        // What merging would rebuild it into, whatever the base: skip the splitting.
        return uri.to_string();
    }
    let fixed = fix_slashes(uri);
    urljoin(base, &fixed)
}

/// An `http(s)://host…` reference that [`urljoin`] returns unchanged against any base: scheme
/// in lower case, one `//` and a host, and no empty query or fragment (which re-assembly would
/// drop).
fn is_plain_absolute(uri: &str) -> bool {
    let Some(rest) = uri
        .strip_prefix("http://")
        .or_else(|| uri.strip_prefix("https://"))
    else {
        return false;
    };
    rest.bytes()
        .next()
        .is_some_and(|c| !matches!(c, b'/' | b'?' | b'#'))
        && !uri.ends_with(['?', '#'])
        && !uri.contains("?#")
}

fn fix_slashes(uri: &str) -> String {
    if let Some(i) = uri.find("://") {
        let scheme = &uri[..i];
        if !scheme.is_empty()
            && scheme.as_bytes()[0].is_ascii_alphabetic()
            && scheme
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        {
            let rest = uri[i + 3..].trim_start_matches('/');
            return format!("{}://{}", scheme, rest);
        }
    }
    uri.to_string()
}

fn scheme_of(uri: &str) -> String {
    split(uri, "").scheme
}

/// Joins `rel` to `base` and refuses results whose scheme is not on the safe list.
pub fn make_safe_absolute_uri(base: &str, rel: &str) -> String {
    if base.is_empty() {
        return rel.to_string();
    }
    if rel.is_empty() {
        let s = scheme_of(base);
        return if s.is_empty() || SAFE_SCHEMES.contains(&s.as_str()) {
            base.to_string()
        } else {
            String::new()
        };
    }
    let uri = join(base, rel);
    let scheme = uri.trim().split(':').next().unwrap_or("");
    if SAFE_SCHEMES.contains(&scheme) {
        uri
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_like_python() {
        assert_eq!(urljoin("http://a/b/c/d;p?q", "g"), "http://a/b/c/g");
        assert_eq!(urljoin("http://a/b/c/d;p?q", "../g"), "http://a/b/g");
        assert_eq!(urljoin("http://a/b/c/d;p?q", "/g"), "http://a/g");
        assert_eq!(urljoin("http://a/b/c/d;p?q", "//g"), "http://g");
        assert_eq!(urljoin("http://a/b/c/d;p?q", "?y"), "http://a/b/c/d;p?y");
        assert_eq!(urljoin("http://a/b/c/d;p?q", "#s"), "http://a/b/c/d;p?q#s");
        assert_eq!(
            urljoin("http://a/b/", "http://example.com"),
            "http://example.com"
        );
        assert_eq!(urljoin("", "rel"), "rel");
        for absolute in [
            "http://x.example",
            "https://x.example/a/../b?q=1#f",
            "http://x.example/a?b#c?d",
            "https://x.example:8080/./a//b",
        ] {
            assert!(is_plain_absolute(absolute));
            for base in ["", "http://a/b/c", "https://a/", "ftp://a/b", "rel/base"] {
                assert_eq!(
                    join(base, absolute),
                    urljoin(base, &fix_slashes(absolute)),
                    "{base} + {absolute}"
                );
            }
        }
        for not_plain in [
            "HTTP://x",
            "http:///x",
            "http://x/?",
            "http://x/#",
            "http://x?#f",
        ] {
            assert!(!is_plain_absolute(not_plain), "{not_plain}");
        }
        assert_eq!(
            join("http://a/", "http:///x.example/y"),
            "http://x.example/y"
        );
        assert_eq!(
            make_safe_absolute_uri("http://a/", "javascript:alert(1)"),
            ""
        );
    }
}
