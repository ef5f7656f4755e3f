//! Evaluation of syndication detection: a seeded generator of republished variants over a real
//! corpus, the stream of originals, copies and every other document through the same
//! [`Index`] and [`plan`] the pipeline uses, and precision and recall of the original–copy links.
//!
//! The corpus is first cleared of documents that already are copies of another one
//! ([`dedupe_corpus`]). The generator then picks a share of the corpus's documents long enough to republish (at least
//! three paragraphs and [`MIN_WORDS`](super::MIN_WORDS) words) as originals and makes one to
//! three copies of each, published 1–72 hours later by other outlets, each with: a new
//! headline; one or two boilerplate lines before and after ("This article first appeared on
//! …"); 10–30 % of its paragraphs dropped; two paragraphs swapped; and whitespace and quote
//! style changed (curly quotes, doubled spaces, single or double line breaks). All documents are
//! then streamed in one seeded shuffled order, so some copies arrive before their original. The
//! other documents include different articles about the same event (ECB+ topics), which must not
//! be linked.

use super::{Index, Match, Similarity, plan};
use crate::Error;
use chrono::DateTime;
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// One document of the corpus.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub text: String,
    pub outlet: String,
    /// Unix seconds, when the corpus dates it.
    pub published: Option<i64>,
}

/// Reads a corpus: JSON Lines in the form of `datasets/clustering` (documents without text are
/// skipped), or a JSON object of `{"articleBody", "url"}` like `datasets/extraction/*/
/// ground-truth.json`.
pub fn read_corpus(path: &Path) -> Result<Vec<Source>, Error> {
    let raw = std::fs::read_to_string(path)?;
    let input = |message: String| Error::Input {
        path: path.display().to_string(),
        message,
    };
    if path.extension().is_some_and(|e| e == "jsonl") {
        let docs = crate::eval::parse_jsonl(&raw).map_err(input)?;
        return Ok(docs
            .into_iter()
            .filter_map(|g| {
                let text = g.doc.text.filter(|t| !t.trim().is_empty())?;
                Some(Source {
                    title: g.doc.title.unwrap_or_else(|| headline_of(&text)),
                    outlet: format!("outlet of {}", g.doc.id),
                    published: g.doc.published_at.map(|t| t.timestamp()),
                    id: g.doc.id,
                    text,
                })
            })
            .collect());
    }
    let v: serde_json::Value = serde_json::from_str(&raw).map_err(|e| input(e.to_string()))?;
    let map = v
        .as_object()
        .ok_or_else(|| input("expected an object of documents".into()))?;
    Ok(map
        .iter()
        .filter_map(|(id, doc)| {
            let text = doc.get("articleBody")?.as_str()?.to_owned();
            let url = doc.get("url").and_then(|u| u.as_str()).unwrap_or("");
            let host = url.split('/').nth(2).unwrap_or("unknown").to_owned();
            Some(Source {
                id: id.clone(),
                title: headline_of(&text),
                outlet: host,
                published: None,
                text,
            })
        })
        .collect())
}

/// Exact 5-word-shingle containment from which two corpus documents count as one piece.
const CORPUS_DUPLICATE: f64 = 0.5;

/// Drops every document that is already a copy of an earlier one in the corpus (exact shingle
/// containment of at least [`CORPUS_DUPLICATE`], measured without MinHash): a corpus such as
/// ECB+ holds several wire versions of one report, and a link between them, or from a generated
/// copy to its original's twin, is not one the generator can know. Returns the kept documents
/// and how many were dropped.
pub fn dedupe_corpus(sources: Vec<Source>) -> (Vec<Source>, usize) {
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut kept = Vec::new();
    let mut dropped = 0;
    for s in sources {
        let shingles = super::shingle_hashes(&super::paragraph_words(&s.text));
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for h in &shingles {
            for &k in postings.get(h).into_iter().flatten() {
                *shared.entry(k).or_insert(0) += 1;
            }
        }
        let duplicate = shared.iter().any(|(&k, &n)| {
            let smaller = sizes[k].min(shingles.len()).max(1);
            n as f64 / smaller as f64 >= CORPUS_DUPLICATE
        });
        if duplicate {
            dropped += 1;
            continue;
        }
        let at = kept.len();
        for h in shingles.iter() {
            postings.entry(*h).or_default().push(at);
        }
        sizes.push(shingles.len());
        kept.push(s);
    }
    (kept, dropped)
}

/// The first words of a text, as a headline for documents that have none.
fn headline_of(text: &str) -> String {
    text.split_whitespace()
        .take(10)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One document of the evaluation stream.
#[derive(Debug, Clone)]
pub struct EvalDoc {
    pub id: String,
    pub title: String,
    pub text: String,
    pub outlet: String,
    pub published: i64,
    /// For a generated copy: the stream position of its original.
    pub original: Option<usize>,
}

/// splitmix64: seeded and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        super::splitmix64(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Share of eligible documents republished.
const COPY_SHARE: f64 = 0.4;
/// Outlets the copies are spread over.
const REPUBLISHERS: usize = 40;
/// Synthetic dates for undated documents fall within this many days.
const UNDATED_SPAN_DAYS: u64 = 60;
/// 2026-01-01T00:00:00Z, the start of synthetic dates.
const EPOCH: i64 = 1_767_225_600;

const INTROS: &[&str] = &[
    "This article first appeared on {outlet} and is republished here under a Creative Commons license.",
    "Editor's note: this story was originally published by {outlet}.",
    "Sign up for our free morning newsletter to get stories like this in your inbox.",
    "Listen to this article.",
];
const OUTROS: &[&str] = &[
    "This story was produced by {outlet} and is republished with permission.",
    "Read more stories like this on our website, and follow us on social media.",
    "Copyright {outlet}. All rights reserved. Republished with permission.",
    "Have a news tip? Write to our newsroom; we read every message.",
];

fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn eligible(s: &Source) -> bool {
    paragraphs(&s.text).len() >= 3 && s.text.split_whitespace().count() >= super::MIN_WORDS + 20
}

/// A republished variant of `s` by `outlet`.
fn republish(s: &Source, outlet: &str, rng: &mut Rng) -> (String, String) {
    let mut paras = paragraphs(&s.text);
    let share = 0.10 + 0.20 * rng.unit();
    let drop = ((paras.len() as f64 * share).round() as usize).min(paras.len().saturating_sub(2));
    for _ in 0..drop {
        let at = rng.below(paras.len());
        paras.remove(at);
    }
    if paras.len() >= 2 {
        let (a, b) = (rng.below(paras.len()), rng.below(paras.len()));
        paras.swap(a, b);
    }
    for p in &mut paras {
        if rng.unit() < 0.5 {
            *p = curly_quotes(p);
        }
        if rng.unit() < 0.3 {
            *p = p.replacen(' ', "  ", 3) + " ";
        }
    }
    let fill = |t: &str| t.replace("{outlet}", &s.outlet);
    let mut out: Vec<String> = (0..1 + rng.below(2))
        .map(|_| fill(INTROS[rng.below(INTROS.len())]))
        .collect();
    out.extend(paras);
    out.extend((0..1 + rng.below(2)).map(|_| fill(OUTROS[rng.below(OUTROS.len())])));
    let sep = if rng.unit() < 0.5 { "\n" } else { "\n\n" };
    let title = format!("{}: {}", outlet, headline_of(&out[out.len() / 2]));
    (title, out.join(sep))
}

fn curly_quotes(p: &str) -> String {
    let mut open = true;
    p.chars()
        .map(|c| match c {
            '\'' => '’',
            '"' => {
                open = !open;
                if open { '”' } else { '“' }
            }
            c => c,
        })
        .collect()
}

/// The corpus with generated copies, in one seeded shuffled stream order.
pub fn generate(sources: &[Source], seed: u64) -> Vec<EvalDoc> {
    let mut rng = Rng(seed);
    // (doc, index of its original among `docs`)
    let mut docs: Vec<(EvalDoc, Option<usize>)> = Vec::new();
    for s in sources {
        let published = s
            .published
            .unwrap_or_else(|| EPOCH + (rng.next() % (UNDATED_SPAN_DAYS * 86_400)) as i64);
        let original_at = docs.len();
        docs.push((
            EvalDoc {
                id: s.id.clone(),
                title: s.title.clone(),
                text: s.text.clone(),
                outlet: s.outlet.clone(),
                published,
                original: None,
            },
            None,
        ));
        if !eligible(s) || rng.unit() >= COPY_SHARE {
            continue;
        }
        for k in 0..1 + rng.below(3) {
            let outlet = format!("Republisher {}", rng.below(REPUBLISHERS));
            let (title, text) = republish(s, &outlet, &mut rng);
            docs.push((
                EvalDoc {
                    id: format!("{}#copy{k}", s.id),
                    title,
                    text,
                    outlet,
                    published: published + 3600 * (1 + rng.below(72)) as i64,
                    original: None,
                },
                Some(original_at),
            ));
        }
    }
    let mut order: Vec<usize> = (0..docs.len()).collect();
    crate::eval::shuffle(&mut order, seed);
    let mut position = vec![0; docs.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i] = pos;
    }
    order
        .iter()
        .map(|&i| {
            let (doc, original) = &docs[i];
            EvalDoc {
                original: original.map(|o| position[o]),
                ..doc.clone()
            }
        })
        .collect()
}

/// Streams documents (in order) through the index and the choice of original, as the store
/// does on upsert: returns each linked document's original, by stream position.
pub fn stream(docs: &[EvalDoc]) -> HashMap<usize, usize> {
    let mut index = Index::default();
    let mut original: Vec<Option<usize>> = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        let (_, found) = index.add(&d.text);
        original.push(None);
        let matches: Vec<Match<usize>> = found
            .into_iter()
            .filter(|(c, _)| docs[*c].outlet != d.outlet)
            .map(|(c, similarity): (usize, Similarity)| Match {
                key: c,
                published: docs[c].published,
                original: original[c].map(|o| (o, docs[o].published)),
                by_note: false,
                similarity,
            })
            .collect();
        let p = plan(&i, d.published, &matches);
        if let Some((o, _)) = p.link_to {
            original[i] = Some(o);
        }
        for (c, _) in p.adopt {
            for o in original.iter_mut().filter(|o| **o == Some(c)) {
                *o = Some(i);
            }
            original[c] = Some(i);
        }
    }
    original
        .into_iter()
        .enumerate()
        .filter_map(|(i, o)| Some((i, o?)))
        .collect()
}

/// Precision and recall of original–copy links.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub docs: usize,
    pub copies: usize,
    pub predicted: usize,
    pub correct: usize,
    /// Links between two documents of the corpus itself (not generated): wrong by the
    /// generator's truth, though the corpus may hold real republications.
    pub corpus_links: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.copies == 0 {
            1.0
        } else {
            self.correct as f64 / self.copies as f64
        }
    }
}

pub fn score(docs: &[EvalDoc], links: &HashMap<usize, usize>) -> Score {
    Score {
        docs: docs.len(),
        copies: docs.iter().filter(|d| d.original.is_some()).count(),
        predicted: links.len(),
        correct: links
            .iter()
            .filter(|(c, o)| docs[**c].original == Some(**o))
            .count(),
        corpus_links: links
            .iter()
            .filter(|(c, o)| docs[**c].original.is_none() && docs[**o].original.is_none())
            .count(),
    }
}

/// One evaluation: the score and the throughput of the stream (documents a second).
pub fn evaluate(docs: &[EvalDoc]) -> (Score, HashMap<usize, usize>, f64) {
    let started = Instant::now();
    let links = stream(docs);
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    (score(docs, &links), links, docs.len() as f64 / secs)
}

/// A date for display and for the store (Unix seconds to UTC).
pub fn time_of(secs: i64) -> Option<DateTime<chrono::Utc>> {
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve documents of eight paragraphs of seeded random words.
    fn corpus() -> Vec<Source> {
        let mut rng = Rng(3);
        (0..12)
            .map(|i| Source {
                id: format!("d{i}"),
                title: format!("document {i}"),
                text: (0..8)
                    .map(|_| {
                        (0..20)
                            .map(|_| format!("w{}", rng.below(500)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                outlet: format!("outlet {i}"),
                published: None,
            })
            .collect()
    }

    #[test]
    fn generated_copies_are_found_and_nothing_else() {
        let docs = generate(&corpus(), 7);
        assert_eq!(generate(&corpus(), 7).len(), docs.len(), "deterministic");
        let (score, _, _) = evaluate(&docs);
        assert!(score.copies > 0, "{score:?}");
        assert_eq!(score.correct, score.copies, "{score:?}");
        assert_eq!(score.predicted, score.copies, "{score:?}");
    }
}

/// The evaluation on corpus files named in `TIDINGS_SYNDICATION_CORPUS` (separated by `:`),
/// for a release-build throughput figure of the detection alone:
/// `cargo test --release -p tidings-cluster --lib syndication_throughput -- --ignored --nocapture`.
#[cfg(test)]
mod throughput {
    #[test]
    #[ignore = "needs TIDINGS_SYNDICATION_CORPUS"]
    fn syndication_throughput() {
        let Ok(files) = std::env::var("TIDINGS_SYNDICATION_CORPUS") else {
            return;
        };
        let mut sources = Vec::new();
        for f in files.split(':') {
            sources.extend(super::read_corpus(std::path::Path::new(f)).expect("corpus"));
        }
        let (sources, _) = super::dedupe_corpus(sources);
        let docs = super::generate(&sources, 1);
        let (score, _, rate) = super::evaluate(&docs);
        println!(
            "{} docs: precision {:.4} recall {:.4}, {rate:.0} docs/s",
            score.docs,
            score.precision(),
            score.recall()
        );
    }
}
