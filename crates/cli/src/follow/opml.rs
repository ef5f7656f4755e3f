//! OPML 2.0 subscription lists in and out. Categories (enclosing outlines, else an outline's
//! `category` attribute) become sections.
//! The reader never expands entities beyond XML's five (quick-xml does not read DTDs).

use quick_xml::Reader;
use quick_xml::events::Event;

/// One subscription of an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub xml_url: String,
    pub title: Option<String>,
    pub html_url: Option<String>,
    /// The enclosing outline's text: the category.
    pub section: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("not OPML: {0}")]
    NotOpml(String),
    #[error("malformed OPML at byte {position}: {message}")]
    Malformed { position: u64, message: String },
}

impl tidings_model::Classify for OpmlError {
    fn class(&self) -> tidings_model::ErrorClass {
        tidings_model::ErrorClass::InvalidInput
    }
}

/// Reads every outline with an `xmlUrl`, remembering its category.
pub fn parse(bytes: &[u8]) -> Result<Vec<Subscription>, OpmlError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut categories: Vec<Option<String>> = Vec::new();
    let mut seen_opml = false;
    let mut subs = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| OpmlError::Malformed {
                position: reader.buffer_position(),
                message: e.to_string(),
            })?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"opml" => {
                seen_opml = true
            }
            Event::Start(ref e) if e.local_name().as_ref() == b"outline" => {
                let attrs = attributes(e, reader.decoder());
                match outline(&attrs, &categories) {
                    Some(sub) => {
                        subs.push(sub);
                        categories.push(None);
                    }
                    None => categories.push(attr(&attrs, "text").or_else(|| attr(&attrs, "title"))),
                }
            }
            Event::Empty(ref e) if e.local_name().as_ref() == b"outline" => {
                if let Some(sub) = outline(&attributes(e, reader.decoder()), &categories) {
                    subs.push(sub);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"outline" => {
                categories.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !seen_opml {
        return Err(OpmlError::NotOpml("no <opml> element".into()));
    }
    Ok(subs)
}

type Attrs = Vec<(String, String)>;

fn attributes(
    e: &quick_xml::events::BytesStart<'_>,
    decoder: quick_xml::encoding::Decoder,
) -> Attrs {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .decoded_and_normalized_value(quick_xml::XmlVersion::default(), decoder)
                .ok()?
                .trim()
                .to_owned();
            Some((key, value))
        })
        .collect()
}

fn attr(attrs: &Attrs, name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty())
}

fn outline(attrs: &Attrs, categories: &[Option<String>]) -> Option<Subscription> {
    let xml_url = attr(attrs, "xmlUrl")?;
    Some(Subscription {
        xml_url,
        title: attr(attrs, "title").or_else(|| attr(attrs, "text")),
        html_url: attr(attrs, "htmlUrl"),
        section: categories
            .iter()
            .rev()
            .flatten()
            .next()
            .cloned()
            .or_else(|| attr(attrs, "category").and_then(|c| category_section(&c))),
    })
}

/// OPML 2.0's `category` attribute ("/News/World,/Europe": comma-separated, slash-delimited
/// paths): the last part of the first path. An enclosing outline wins over it.
fn category_section(value: &str) -> Option<String> {
    value
        .split(',')
        .next()?
        .split('/')
        .map(str::trim)
        .rfind(|part| !part.is_empty())
        .map(str::to_owned)
}

/// Writes OPML 2.0: one outline per section holding its feeds, feeds without a section at the
/// top level.
pub fn write(title: &str, subs: &[Subscription]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>{}</title>\n    <dateCreated>{}</dateCreated>\n  </head>\n  <body>\n",
        escape(title),
        chrono::Utc::now().to_rfc2822()
    ));
    let mut sections: Vec<Option<&str>> = subs.iter().map(|s| s.section.as_deref()).collect();
    sections.sort();
    sections.dedup();
    for section in sections {
        let indent = if section.is_some() { "      " } else { "    " };
        if let Some(name) = section {
            out.push_str(&format!(
                "    <outline text=\"{0}\" title=\"{0}\">\n",
                escape(name)
            ));
        }
        for s in subs.iter().filter(|s| s.section.as_deref() == section) {
            let title = escape(s.title.as_deref().unwrap_or(&s.xml_url));
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"{} />\n",
                escape(&s.xml_url),
                s.html_url
                    .as_deref()
                    .map(|h| format!(" htmlUrl=\"{}\"", escape(h)))
                    .unwrap_or_default()
            ));
        }
        if section.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Politics">
    <outline type="rss" text="Ledger &amp; Co" xmlUrl="https://ledger.example/feed.xml" htmlUrl="https://ledger.example/"/>
    <outline text="Nested"><outline type="rss" text="Deep" xmlUrl="https://deep.example/rss"/></outline>
  </outline>
  <outline type="rss" text="Loose" xmlUrl="https://loose.example/atom"/>
</body></opml>"#;

    #[test]
    fn categories_become_sections_and_it_round_trips() {
        let subs = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(subs.len(), 3);
        assert_eq!(subs[0].title.as_deref(), Some("Ledger & Co"));
        assert_eq!(subs[0].section.as_deref(), Some("Politics"));
        assert_eq!(subs[1].section.as_deref(), Some("Nested"));
        assert_eq!(subs[2].section, None);
        let again = parse(write("Mine", &subs).as_bytes()).unwrap();
        let key = |v: &[Subscription]| {
            let mut k: Vec<_> = v
                .iter()
                .map(|s| {
                    (
                        s.xml_url.clone(),
                        s.title.clone(),
                        s.section.clone(),
                        s.html_url.clone(),
                    )
                })
                .collect();
            k.sort();
            k
        };
        assert_eq!(key(&again), key(&subs));
    }

    #[test]
    fn the_category_attribute_names_a_section_when_no_outline_encloses_the_feed() {
        let opml = r#"<opml version="2.0"><body>
            <outline text="Ledger" xmlUrl="https://ledger.example/rss" category="/News/World,/Europe"/>
            <outline text="Culture"><outline text="Wire" xmlUrl="https://wire.example/rss" category="/Arts"/></outline>
            <outline text="Plain" xmlUrl="https://plain.example/rss" category=" , "/>
        </body></opml>"#;
        let sections: Vec<Option<String>> = parse(opml.as_bytes())
            .unwrap()
            .into_iter()
            .map(|s| s.section)
            .collect();
        assert_eq!(
            sections,
            vec![Some("World".into()), Some("Culture".into()), None]
        );
    }

    #[test]
    fn refusals() {
        assert!(matches!(parse(b"<rss/>"), Err(OpmlError::NotOpml(_))));
        assert!(matches!(
            parse(b"<opml><body><outline"),
            Err(OpmlError::Malformed { .. }) | Ok(_)
        ));
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<opml><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>"#;
        if let Ok(subs) = parse(bomb) {
            assert!(
                subs.iter()
                    .all(|s| !s.title.as_deref().unwrap_or("").contains("aaaa"))
            );
        }
    }
}
