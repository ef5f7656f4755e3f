//! Synthetic news for benchmarks: a deterministic stream of plausible articles (outlets,
//! sections, people, places, tags, engagement) spread over a year of ISO weeks. Nothing here is
//! real text; words are made of syllables.

use chrono::{DateTime, Duration, Utc};
use tidings_model::{Article, Engagement, EntityKind, EntityMention, OutletRef};

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "vin", "tal", "or", "es", "bra", "den", "si", "lu", "ron", "ga", "the",
    "mo", "ri", "san", "pel", "qui", "dor", "an", "vel", "sto", "ne", "ma", "kir", "to", "ul",
];
const SECTIONS: &[&str] = &[
    "Politics",
    "Business",
    "International",
    "Science",
    "Culture",
    "Sport",
    "Health",
    "Technology",
    "Environment",
    "Opinion",
    "Local",
    "Education",
];

pub struct Synthetic {
    rng: fastrand::Rng,
    vocabulary: Vec<String>,
    people: Vec<String>,
    places: Vec<String>,
    outlets: Vec<String>,
    end: DateTime<Utc>,
    days: i64,
}

impl Synthetic {
    /// Articles published over `days` days up to `end`.
    pub fn new(seed: u64, end: DateTime<Utc>, days: i64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let word = |rng: &mut fastrand::Rng, parts: usize| -> String {
            (0..parts)
                .map(|_| SYLLABLES[rng.usize(..SYLLABLES.len())])
                .collect()
        };
        let vocabulary = (0..4000).map(|i| word(&mut rng, 1 + i % 3 + 1)).collect();
        let capital = |s: String| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        };
        let people = (0..5000)
            .map(|_| {
                format!(
                    "{} {}",
                    capital(word(&mut rng, 2)),
                    capital(word(&mut rng, 3))
                )
            })
            .collect();
        let places = (0..800).map(|_| capital(word(&mut rng, 3))).collect();
        let outlets = (0..300)
            .map(|_| {
                format!(
                    "The {} {}",
                    capital(word(&mut rng, 3)),
                    ["Post", "Herald", "Wire", "Ledger", "Gazette", "Courier"][rng.usize(..6)]
                )
            })
            .collect();
        Self {
            rng,
            vocabulary,
            people,
            places,
            outlets,
            end,
            days,
        }
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.vocabulary[self.rng.usize(..self.vocabulary.len())].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn article(&mut self, i: usize) -> Article {
        let person = self.people[self.rng.usize(..self.people.len())].clone();
        let place = self.places[self.rng.usize(..self.places.len())].clone();
        let n = 6 + self.rng.usize(..5);
        let title = format!("{person} {} in {place}", self.words(n));
        let count = 3 + self.rng.usize(..3);
        let paragraphs: Vec<String> = (0..count)
            .map(|_| {
                format!(
                    "{} {person} {} {place} {}.",
                    self.words(20),
                    self.words(15),
                    self.words(10)
                )
            })
            .collect();
        let text = paragraphs.join("\n\n");
        let published = self.end - Duration::seconds(self.rng.i64(0..self.days * 86_400));
        Article {
            url: Some(format!("https://synthetic.example/{i}")),
            title,
            authors: vec![self.people[self.rng.usize(..self.people.len())].clone()],
            outlet: OutletRef {
                name: self.outlets[self.rng.usize(..self.outlets.len())].clone(),
                domain: None,
            },
            published_at: Some(published),
            section: Some(SECTIONS[self.rng.usize(..SECTIONS.len())].to_owned()),
            tags: vec![place.clone()],
            language: Some("en".into()),
            summary: paragraphs.first().cloned(),
            html: paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect(),
            word_count: Article::count_words(&text),
            text,
            engagement: Engagement {
                views: self.rng.i64(0..5_000),
                comments: self.rng.i64(0..40),
            },
            entities: vec![
                EntityMention {
                    name: person,
                    kind: EntityKind::Person,
                    mentions: 1 + self.rng.u32(..4),
                    aliases: Vec::new(),
                },
                EntityMention {
                    name: place,
                    kind: EntityKind::Place,
                    mentions: 1,
                    aliases: Vec::new(),
                },
            ],
            ..Article::default()
        }
    }

    /// A vocabulary word certain to occur often (for searches).
    pub fn word(&self, i: usize) -> &str {
        &self.vocabulary[i % self.vocabulary.len()]
    }
}
