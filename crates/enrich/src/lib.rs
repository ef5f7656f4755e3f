//! Enrichment of article text: who and what an article names (`ner`), which of those
//! mentions are one entity (`resolve`), and who said what (`quotes`). Pure functions over
//! text; the recognition model and gazetteers are compiled into the binary, so nothing is
//! downloaded at run time.

pub mod ner;
pub mod quotes;
pub mod resolve;

use tidings_model::{Article, EntityKind, EntityMention, Quote};

/// The entities and quotes of one article.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Enrichment {
    pub entities: Vec<EntityMention>,
    pub quotes: Vec<Quote>,
}

/// Languages the recogniser and quote patterns are built for.
pub fn supports_language(language: Option<&str>) -> bool {
    language.is_some_and(|l| l == "en" || l.starts_with("en-"))
}

/// Recognises, resolves and attributes: the entities of `title` and `text` with their
/// mention counts and aliases, and the direct quotes with their speakers.
pub fn enrich(title: &str, text: &str) -> Enrichment {
    let doc = if title.is_empty() {
        text.to_owned()
    } else {
        format!("{title}\n\n{text}")
    };
    let spans = ner::recognize(&doc);
    let resolution = resolve::resolve(&doc, &spans);
    let quotes = quotes::extract(&doc, &spans)
        .into_iter()
        .filter_map(|q| attribute(&doc, &resolution, q))
        .collect();
    let entities = resolution
        .entities
        .into_iter()
        .map(|e| EntityMention {
            name: e.name,
            kind: e.kind,
            mentions: e.mentions,
            aliases: e.aliases,
        })
        .collect();
    Enrichment { entities, quotes }
}

/// Fills an English article's entities and quotes when it carries none of its own (a feed or
/// page may state them). Other languages get none rather than wrong ones.
pub fn enrich_article(article: &mut Article) {
    if !supports_language(article.language.as_deref())
        || (!article.entities.is_empty() && !article.quotes.is_empty())
    {
        return;
    }
    let found = enrich(&article.title, &article.text);
    if article.entities.is_empty() {
        article.entities = found.entities;
    }
    if article.quotes.is_empty() {
        article.quotes = found.quotes;
    }
}

/// Names the speaker of a quote: the entity its mention resolves to, else the speaker as
/// written ("a spokesperson").
fn attribute(doc: &str, resolution: &resolve::Resolution, q: quotes::QuoteSpan) -> Option<Quote> {
    let text = q
        .content
        .iter()
        .filter_map(|r| doc.get(r.clone()))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return None;
    }
    let written = q
        .speaker
        .as_ref()
        .and_then(|r| doc.get(r.clone()))
        .map(str::trim);
    let named = q
        .speaker_entity
        .as_ref()
        .and_then(|r| {
            resolution.entity_at(r).or_else(|| {
                doc.get(r.clone())
                    .and_then(|name| resolution.entity_named(name))
            })
        })
        .filter(|e| e.kind != EntityKind::Place)
        .map(|e| e.name.clone());
    let speaker = named.or_else(|| {
        q.speaker_entity
            .as_ref()
            .and_then(|r| doc.get(r.clone()))
            .or(written)
            .map(|s| resolve::strip_possessive(s.trim()).to_owned())
    });
    Some(Quote {
        speaker,
        text,
        verb: q.verb,
    })
}
