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
        .map(|q| with_relative_speaker(&doc, &spans, q))
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

/// "the Armenian National Committee of America (ANCA), which said the deal was “…”": a
/// speech verb after "which" or "who" has the name just before as its speaker.
fn with_relative_speaker(
    doc: &str,
    spans: &[ner::Span],
    mut q: quotes::QuoteSpan,
) -> quotes::QuoteSpan {
    const REACH: usize = 300;
    let (Some(verb), None, Some(first)) = (&q.verb, &q.speaker, q.content.first()) else {
        return q;
    };
    let mut from = first.start.saturating_sub(REACH);
    while !doc.is_char_boundary(from) {
        from += 1;
    }
    let Some(window) = doc.get(from..first.start) else {
        return q;
    };
    let relative = ["which", "who"]
        .iter()
        .filter_map(|w| window.rfind(&format!("{w} {verb}")))
        .max();
    if let Some(at) = relative.map(|i| from + i) {
        q.speaker = spans
            .iter()
            .filter(|s| matches!(s.label, ner::Label::Per | ner::Label::Org))
            .rev()
            .find(|s| s.end <= at && at - s.end <= 16)
            .map(|s| s.start..s.end);
        q.speaker_entity = q.speaker.clone();
    }
    q
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
    // The comma before `," she said` belongs to the sentence around the quote, not to it.
    let text = text.trim_end_matches([',', ' ']).to_owned();
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

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Harbour officials in Port Avel met Transport Minister Odile Marchetti on \
        Tuesday, a week after the Coastal Workers Federation (CWF) called off its strike.\n\n\
        “We are ready to sign the agreement today,” Marchetti told reporters in Valdren.\n\n\
        The CWF, which said the offer was “a fair start for every dock worker”, will vote on \
        Friday.";

    #[test]
    fn an_article_gets_its_entities_resolved_and_quotes_attributed() {
        let found = enrich("Marchetti meets harbour officials", STORY);
        let named = |name: &str| found.entities.iter().find(|e| e.name == name);
        let odile = named("Odile Marchetti").expect("the minister");
        assert_eq!(odile.kind, EntityKind::Person);
        assert!(odile.mentions >= 2, "{odile:?}");
        assert!(odile.aliases.contains(&"Marchetti".to_owned()), "{odile:?}");
        let quote = found
            .quotes
            .iter()
            .find(|q| q.text.starts_with("We are ready"))
            .expect("the direct quote");
        assert_eq!(quote.speaker.as_deref(), Some("Odile Marchetti"));
        assert_eq!(quote.verb.as_deref(), Some("told"));
        assert_eq!(quote.text, "We are ready to sign the agreement today");
    }

    #[test]
    fn other_languages_get_no_entities_and_stated_ones_are_kept() {
        let mut article = Article {
            title: "Les dockers reprennent le travail".into(),
            text:
                "Les dockers de Port Avel ont repris le travail mardi, a déclaré Odile Marchetti."
                    .into(),
            language: Some("fr".into()),
            ..Article::default()
        };
        enrich_article(&mut article);
        assert!(article.entities.is_empty() && article.quotes.is_empty());

        let mut english = Article {
            title: "Strike ends".into(),
            text: STORY.into(),
            language: Some("en".into()),
            entities: vec![EntityMention {
                name: "Given By The Feed".into(),
                kind: EntityKind::Organization,
                mentions: 1,
                aliases: Vec::new(),
            }],
            ..Article::default()
        };
        enrich_article(&mut english);
        assert_eq!(english.entities.len(), 1, "the source's own entities win");
        assert!(!english.quotes.is_empty(), "quotes are still found");
    }
}
