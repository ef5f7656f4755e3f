//! JSON Feed 1.0 / 1.1 into the same [`Document`] shape as XML feeds.

use crate::urls::join;
use crate::{Dict, Document, dates};
use serde_json::{Value, json};

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|x| !x.is_empty())
}

fn detail(ty: &str, base: &str, lang: Option<&str>, value: &str) -> Value {
    json!({"type": ty, "language": lang, "base": base, "value": value})
}

fn persons(v: &Value, d: &mut Dict) {
    let mut list: Vec<Value> = Vec::new();
    if let Some(a) = v.get("authors").and_then(Value::as_array) {
        list.extend(a.iter().cloned());
    } else if let Some(a) = v.get("author").filter(|a| a.is_object()) {
        list.push(a.clone());
    }
    let authors: Vec<Value> = list
        .iter()
        .map(|a| {
            let mut p = Dict::new();
            if let Some(n) = s(a, "name") {
                p.insert("name".into(), json!(n));
            }
            if let Some(u) = s(a, "url") {
                p.insert("href".into(), json!(u));
            }
            Value::Object(p)
        })
        .collect();
    if let Some(first) = authors.first() {
        if let Some(n) = first.get("name") {
            d.insert("author".into(), n.clone());
        }
        d.insert("author_detail".into(), first.clone());
        d.insert("authors".into(), Value::Array(authors));
    }
}

fn date(d: &mut Dict, key: &str, v: Option<&str>) {
    if let Some(v) = v {
        d.insert(key.into(), json!(v));
        let parsed = dates::parse_date(v)
            .map(|t| json!(dates::time_tuple(&t)))
            .unwrap_or(Value::Null);
        d.insert(format!("{key}_parsed"), parsed);
    }
}

/// Removes the NUL characters JSON may escape (`\u0000`): XML cannot carry them, so feeds of
/// both kinds give the same characters, and PostgreSQL refuses them in text columns (found by
/// the `feed_parse` fuzz target).
fn drop_nul(v: &mut Value) {
    match v {
        Value::String(s) if s.contains('\0') => s.retain(|c| c != '\0'),
        Value::Array(items) => items.iter_mut().for_each(drop_nul),
        Value::Object(map) => map.values_mut().for_each(drop_nul),
        _ => {}
    }
}

/// Parses JSON Feed text into `doc`.
pub fn parse_json(text: &str, base: &str, doc: &mut Document) {
    let v: Value = match serde_json::from_str(text) {
        Ok(mut v) => {
            drop_nul(&mut v);
            v
        }
        Err(e) => {
            doc.bozo = true;
            doc.bozo_exception = Some(("JSONDecodeError".into(), e.to_string()));
            return;
        }
    };
    let version = s(&v, "version").unwrap_or("");
    doc.version = if version.ends_with("/1.1") {
        "json11".into()
    } else if version.contains("jsonfeed.org/version/1") {
        "json1".into()
    } else {
        doc.bozo = true;
        doc.bozo_exception = Some(("JSONFeedError".into(), "not a JSON Feed".into()));
        String::new()
    };
    let lang = s(&v, "language");
    let mut feed = Dict::new();
    if let Some(t) = s(&v, "title") {
        feed.insert("title".into(), json!(t));
        feed.insert("title_detail".into(), detail("text/plain", base, lang, t));
    }
    if let Some(d) = s(&v, "description") {
        feed.insert("subtitle".into(), json!(d));
        feed.insert(
            "subtitle_detail".into(),
            detail("text/plain", base, lang, d),
        );
    }
    let mut links = Vec::new();
    if let Some(h) = s(&v, "home_page_url") {
        let h = join(base, h);
        feed.insert("link".into(), json!(h));
        links.push(json!({"rel": "alternate", "type": "text/html", "href": h}));
    }
    if let Some(f) = s(&v, "feed_url") {
        links.push(json!({"rel": "self", "type": "application/feed+json", "href": join(base, f)}));
    }
    if !links.is_empty() {
        feed.insert("links".into(), Value::Array(links));
    }
    if let Some(i) = s(&v, "icon").or_else(|| s(&v, "favicon")) {
        feed.insert("image".into(), json!({"href": join(base, i)}));
    }
    if let Some(l) = lang {
        feed.insert("language".into(), json!(l));
    }
    persons(&v, &mut feed);
    doc.feed = feed;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in items.iter().take(100_000) {
        let mut e = Dict::new();
        let ilang = s(item, "language").or(lang);
        if let Some(id) = item.get("id").map(|id| match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }) {
            e.insert("id".into(), json!(id));
        }
        let link = s(item, "url").map(|u| join(base, u));
        let mut links = Vec::new();
        if let Some(u) = &link {
            e.insert("link".into(), json!(u));
            links.push(json!({"rel": "alternate", "type": "text/html", "href": u}));
        }
        if let Some(u) = s(item, "external_url") {
            links.push(json!({"rel": "related", "type": "text/html", "href": join(base, u)}));
        }
        if let Some(a) = item.get("attachments").and_then(Value::as_array) {
            for att in a {
                if let Some(u) = s(att, "url") {
                    let mut l = Dict::new();
                    l.insert("rel".into(), json!("enclosure"));
                    l.insert("href".into(), json!(join(base, u)));
                    if let Some(t) = s(att, "mime_type") {
                        l.insert("type".into(), json!(t));
                    }
                    if let Some(n) = att.get("size_in_bytes") {
                        l.insert("length".into(), json!(n.to_string()));
                    }
                    links.push(Value::Object(l));
                }
            }
        }
        if !links.is_empty() {
            e.insert("links".into(), Value::Array(links));
        }
        let ibase = link.as_deref().unwrap_or(base);
        if let Some(t) = s(item, "title") {
            e.insert("title".into(), json!(t));
            e.insert("title_detail".into(), detail("text/plain", ibase, ilang, t));
        }
        let mut content = Vec::new();
        if let Some(h) = s(item, "content_html") {
            let b = Some(ibase).filter(|b| !b.is_empty());
            let clean = crate::clean_html(h, b);
            content.push(detail("text/html", ibase, ilang, &clean));
        }
        if let Some(t) = s(item, "content_text") {
            content.push(detail("text/plain", ibase, ilang, t));
        }
        if let Some(sum) = s(item, "summary") {
            e.insert("summary".into(), json!(sum));
            e.insert(
                "summary_detail".into(),
                detail("text/plain", ibase, ilang, sum),
            );
        } else if let Some(first) = content.first() {
            e.insert("summary".into(), first["value"].clone());
            e.insert("summary_detail".into(), first.clone());
        }
        if !content.is_empty() {
            e.insert("content".into(), Value::Array(content));
        }
        if let Some(i) = s(item, "image").or_else(|| s(item, "banner_image")) {
            e.insert("image".into(), json!({"href": join(base, i)}));
        }
        date(&mut e, "published", s(item, "date_published"));
        date(&mut e, "updated", s(item, "date_modified"));
        persons(item, &mut e);
        if let Some(tags) = item.get("tags").and_then(Value::as_array) {
            let t: Vec<Value> = tags
                .iter()
                .filter_map(Value::as_str)
                .map(|t| json!({"term": t, "scheme": null, "label": null}))
                .collect();
            e.insert("tags".into(), Value::Array(t));
        }
        doc.entries.push(e);
    }
}
