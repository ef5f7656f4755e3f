//! Story clustering: each new article joins an existing story or starts one, in one pass,
//! without re-clustering history.
//!
//! An article becomes a sparse TF-IDF vector over three kinds of features: content terms
//! (stemmed, stop words dropped; title and lead boosted), entities (given ones plus
//! capitalised-phrase pseudo-entities) and numbers. Document frequencies are learned from the
//! stream itself. Candidate stories come from an inverted index from features to the stories
//! that used them most recently (bounded postings, bounded candidate count, a time window when
//! dates exist), so the cost of one [`Clusterer::add`] does not grow with history. The article
//! joins the most similar candidate when its similarity (the better of the cosine with the
//! story's capped centroid and a discounted cosine with one of its recent members, times a
//! time decay) reaches [`Config::threshold`]; otherwise it starts a story. Every decision
//! carries human-readable reasons.
//!
//! Cosine is blind to disagreement, so look-alike events (two quakes on one island) score
//! high. Event evidence ([`evidence`]: years, numbers, weekdays) compared with the story's
//! recent members adds a small bonus when it agrees and a malus when it conflicts.
//!
//! One pass never revisits a decision, so a story that reaches a review size gets a second look
//! ([`review`]): its recent articles are re-clustered and a substantial group that the
//! fragment-merging rule would not join back moves to a story of its own.
//!
//! Pure: no I/O, no clock; [`eval`] reads data sets and scores clusterings.

pub mod eval;
pub mod evidence;
pub mod review;
pub mod syndication;
pub mod text;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

/// One article as the clusterer sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    pub id: String,
    pub title: Option<String>,
    pub text: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// Named entities found upstream (may be empty; capitalised phrases are derived anyway).
    #[serde(default)]
    pub entities: Vec<String>,
}

/// Where an article went, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub story: u64,
    pub new_story: bool,
    /// Similarity to the story joined, or the best similarity found when a story was started.
    pub similarity: f32,
    pub reasons: Vec<String>,
    /// Stories merged into `story` by this article (it bridged them): their articles now belong
    /// to `story` (see [`Clusterer::current_story`]).
    #[serde(default)]
    pub merged: Vec<u64>,
}

/// Errors of this crate (configuration and evaluation input).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown or invalid clustering parameter {0}")]
    Param(String),
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl tidings_model::Classify for Error {
    fn class(&self) -> tidings_model::ErrorClass {
        match self {
            Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tidings_model::ErrorClass::NotFound
            }
            Error::Io(_) => tidings_model::ErrorClass::Unavailable,
            Error::Param(_) | Error::Input { .. } => tidings_model::ErrorClass::InvalidInput,
        }
    }
}

/// The one shared configuration. Defaults were tuned on half A of both dev sets together
/// (see the crate's evaluation example) and are used unchanged everywhere. The evidence
/// weights (`year_weight`, `number_weight`, `weekday_weight`) were set by coarse steps on both
/// dev sets and kept only where both halves of both sets held or improved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Minimum (time-decayed) similarity to join a story, for articles with at least
    /// `long_features` features (full texts).
    pub threshold: f32,
    /// Minimum similarity for articles with at most `short_features` features (headlines);
    /// in between, the threshold is interpolated linearly. Short vectors give low cosines.
    pub short_threshold: f32,
    pub short_features: usize,
    pub long_features: usize,
    /// Term-frequency weight of one title word (a body word counts 1).
    pub title_boost: f32,
    /// Term-frequency weight of a word of the first line of the text (often the headline).
    pub lead_boost: f32,
    /// Multiplier of entity features (given entities and capitalised phrases).
    pub entity_boost: f32,
    /// Multiplier of number features (ages, tolls, years, scores).
    pub number_boost: f32,
    /// Multiplier of event-detail features: a number with its noun ("26 pirate") and weekday
    /// or month names. They separate look-alike events of one kind (0 disables them).
    pub detail_boost: f32,
    /// Weight of year agreement (+1) or conflict (-1) with a story's recent members, added to
    /// the similarity (see [`evidence`]); 0 disables.
    pub year_weight: f32,
    /// Weight of the cosine of number features alone with a story's recent members.
    pub number_weight: f32,
    /// Weight of main-weekday agreement (+1) or conflict (-1) with a story's recent members.
    pub weekday_weight: f32,
    /// Features kept per article vector (highest weights).
    pub doc_features: usize,
    /// Features kept per story centroid.
    pub centroid_features: usize,
    /// Recent member vectors remembered per story for the member similarity.
    pub member_memory: usize,
    /// Discount of the best member cosine against the centroid cosine (0 disables).
    pub member_weight: f32,
    /// The member similarity is used only for articles with at least this many features (for
    /// headlines it lets small fragments outbid the real story).
    pub member_min_features: usize,
    /// Highest-weight features of an article used to look up candidate stories.
    pub query_features: usize,
    /// Stories remembered per feature in the inverted index (most recent).
    pub postings_per_feature: usize,
    /// Candidate stories scored in full per article.
    pub max_candidates: usize,
    /// Stories whose last article is further away in time than this are not candidates.
    pub window_hours: f64,
    /// Similarity halves for every this many hours between the article and the story.
    pub half_life_hours: f64,
    /// Articles with fewer features than this start their own story without matching.
    pub min_features: usize,
    /// Words of the body read (the rest of a long article adds cost, not signal).
    pub max_body_words: usize,
    /// Features found in more than this share of articles (after `boilerplate_min_docs`) are
    /// ignored: boilerplate and wire furniture glue unrelated stories.
    pub boilerplate_share: f32,
    pub boilerplate_min_docs: usize,
    /// A story of at least this many articles gets a second look: joining it needs
    /// `threshold * large_story_margin`.
    pub large_story: usize,
    pub large_story_margin: f32,
    /// After an article joins a story, another candidate story that the article also matched
    /// (at least `threshold * merge_doc_factor`) is merged in when the two centroids' cosine
    /// reaches `merge_threshold` (fragments of one story started before the vocabulary was
    /// known) and the two stories' recent members' event evidence does not disagree on balance
    /// (see [`evidence`]). 1.0 or more disables merging.
    pub merge_threshold: f32,
    /// `merge_threshold` for articles with at least `long_features` features (full texts'
    /// centroids are more alike, also across look-alike events).
    pub merge_threshold_long: f32,
    pub merge_doc_factor: f32,
    /// A story gets a second look ([`review`]) when it reaches this many articles and at every
    /// doubling after; 0 disables reviews.
    pub review_from: usize,
    /// The most recent articles a review reads.
    pub review_articles: usize,
    /// A group of a reviewed story leaves it only with at least this many articles…
    pub split_min_articles: usize,
    /// …and this share of the articles reviewed (and when the merging rule would not join it
    /// back: see [`review`]).
    pub split_min_share: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: 0.30,
            short_threshold: 0.06,
            short_features: 8,
            long_features: 40,
            title_boost: 2.0,
            lead_boost: 1.5,
            entity_boost: 2.0,
            number_boost: 1.0,
            detail_boost: 1.0,
            year_weight: 0.15,
            number_weight: 0.2,
            weekday_weight: 0.03,
            doc_features: 80,
            centroid_features: 200,
            member_memory: 8,
            member_weight: 0.9,
            member_min_features: 40,
            query_features: 16,
            postings_per_feature: 32,
            max_candidates: 40,
            window_hours: 7.0 * 24.0,
            half_life_hours: 7.0 * 24.0,
            min_features: 2,
            max_body_words: 1500,
            boilerplate_share: 0.3,
            boilerplate_min_docs: 50,
            large_story: 1000,
            large_story_margin: 1.25,
            merge_threshold: 0.3,
            merge_threshold_long: 0.5,
            merge_doc_factor: 0.5,
            review_from: 8,
            review_articles: 128,
            split_min_articles: 3,
            split_min_share: 0.2,
        }
    }
}

impl Config {
    /// The joining threshold for an article vector of `n` features.
    pub fn threshold_for(&self, n: usize) -> f32 {
        let c = self;
        if n <= c.short_features || c.long_features <= c.short_features {
            return if n <= c.short_features {
                c.short_threshold
            } else {
                c.threshold
            };
        }
        if n >= c.long_features {
            return c.threshold;
        }
        let t = (n - c.short_features) as f32 / (c.long_features - c.short_features) as f32;
        c.short_threshold + t * (c.threshold - c.short_threshold)
    }

    /// Similarity multiplier for `hours` between an article and a story (1 when unknown).
    pub fn time_decay(&self, hours: Option<f64>) -> f32 {
        match hours {
            Some(h) if self.half_life_hours > 0.0 => 0.5f64.powf(h / self.half_life_hours) as f32,
            _ => 1.0,
        }
    }

    /// Whether a story last updated `hours` away is a candidate at all.
    pub fn in_window(&self, hours: Option<f64>) -> bool {
        hours.is_none_or(|h| h <= self.window_hours)
    }

    /// By how much a story of `size` articles raises the bar (large stories attract strays).
    /// The centroid cosine at which stories an article of `n` features bridges are merged.
    pub fn merge_threshold_for(&self, n: usize) -> f32 {
        if n >= self.long_features {
            self.merge_threshold_long
        } else {
            self.merge_threshold
        }
    }

    /// Whether another candidate the article matched with `sim` (its joining threshold being
    /// `threshold`) is worth a look as a fragment of the story it joined.
    pub fn may_merge(&self, sim: f32, threshold: f32, merge_at: f32) -> bool {
        merge_at < 1.0 && sim >= threshold * self.merge_doc_factor
    }

    /// Whether two stories of `size` articles together, whose centroids' cosine is `cos` and
    /// whose recent members' evidence agrees by `agreement`, are one story. Look-alike events
    /// have alike centroids; their members' years, numbers and weekdays tell them apart.
    pub fn merges(&self, size: usize, cos: f32, merge_at: f32, agreement: f32) -> bool {
        size <= self.large_story && cos >= merge_at && agreement >= 0.0
    }

    pub fn size_margin(&self, size: usize) -> f32 {
        if size >= self.large_story {
            self.large_story_margin
        } else {
            1.0
        }
    }

    /// Weight of one feature of `kind` with term frequency `tf`, found in `df` of `n_docs`
    /// articles (both counting this one); None when it carries no signal or is boilerplate.
    pub fn weight(&self, kind: Kind, tf: f32, df: u64, n_docs: u64) -> Option<f32> {
        let (df, n) = (df as f32, n_docs as f32);
        if n_docs as usize >= self.boilerplate_min_docs && df / n > self.boilerplate_share {
            return None;
        }
        let idf = ((n + 1.0) / (df + 0.5)).ln().max(0.0);
        let boost = match kind {
            Kind::Term => 1.0,
            Kind::Entity => self.entity_boost,
            Kind::Number => self.number_boost,
            Kind::Detail => self.detail_boost,
        };
        let w = (1.0 + tf.ln().max(0.0)) * idf * boost;
        (w > 0.0).then_some(w)
    }

    /// Set one parameter by name from its JSON/number text (`threshold`, `0.3`).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let mut v = serde_json::to_value(&*self).map_err(|e| Error::Param(e.to_string()))?;
        let obj = v.as_object_mut().expect("config is an object");
        if !obj.contains_key(key) {
            return Err(Error::Param(key.to_string()));
        }
        let parsed: serde_json::Value =
            serde_json::from_str(value).map_err(|_| Error::Param(format!("{key}={value}")))?;
        obj.insert(key.to_string(), parsed);
        *self = serde_json::from_value(v).map_err(|_| Error::Param(format!("{key}={value}")))?;
        Ok(())
    }
}

/// What a feature is; its name says so (`@` entity, `#` number, `%` event detail, else a
/// content term).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Term,
    Entity,
    Number,
    /// A number with its noun, or a weekday or month name (see [`Config::detail_boost`]).
    Detail,
}

impl Kind {
    /// The kind of a feature name produced by [`raw_features`].
    pub fn of(name: &str) -> Kind {
        if name.starts_with('@') {
            Kind::Entity
        } else if name.starts_with('#') {
            Kind::Number
        } else if name.starts_with('%') {
            Kind::Detail
        } else {
            Kind::Term
        }
    }
}

// ---- Pure scoring, shared by the in-memory [`Clusterer`] and the store's persistent one ----

/// Raw (feature name, term frequency) of an article, in first-seen order (so that callers that
/// intern names get the same ids on every run). Entities are `@name`, numbers `#n`.
pub fn raw_features(c: &Config, doc: &Doc) -> Vec<(String, f32)> {
    let mut out: Vec<(String, f32)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |name: String, w: f32| match index.get(&name) {
        Some(&i) => out[i].1 += w,
        None => {
            index.insert(name.clone(), out.len());
            out.push((name, w));
        }
    };
    if let Some(title) = doc.title.as_deref() {
        let w = text::words(title);
        for t in text::terms(&w) {
            add(t, c.title_boost);
        }
        for n in text::numbers(&w) {
            add(format!("#{n}"), c.title_boost);
        }
        // No pseudo-entities or event details from titles: title case capitalises everything,
        // sentence case does not, and mixing both splits one story's headlines into two feature
        // spaces (and "May" or "March" in title case would pass for months).
    }
    if let Some(body) = doc.text.as_deref() {
        let mut lines = body.trim_start().splitn(2, '\n');
        let lead = lines.next().unwrap_or("");
        let rest = lines.next().unwrap_or("");
        let mut budget = c.max_body_words;
        for (part, boost) in [(lead, c.lead_boost), (rest, 1.0)] {
            let mut w = text::words(part);
            w.truncate(budget);
            budget -= w.len();
            for t in text::terms(&w) {
                add(t, boost);
            }
            for n in text::numbers(&w) {
                add(format!("#{n}"), boost);
            }
            for d in details(c, &w) {
                add(d, boost);
            }
            if text::capitalised_share(&w) < 0.6 {
                for e in text::pseudo_entities(&w) {
                    add(format!("@{e}"), boost);
                }
            }
        }
    }
    for e in &doc.entities {
        let f = text::fold(e.trim());
        if !f.is_empty() {
            add(format!("@{f}"), 1.0);
        }
    }
    out
}

/// Event-detail feature names (`%26 pirate`, `%saturday`) of a word list; none when
/// [`Config::detail_boost`] disables them (saves the work).
fn details(c: &Config, w: &[text::Word]) -> Vec<String> {
    if c.detail_boost <= 0.0 {
        return Vec::new();
    }
    text::unit_numbers(w)
        .into_iter()
        .chain(text::calendar_words(w))
        .map(|d| format!("%{d}"))
        .collect()
}

/// An article's weighted vector by feature name: TF-IDF with kind boosts, boilerplate dropped,
/// the `doc_features` heaviest kept (ties by name), L2-normalised, heaviest first; and its
/// event evidence, read before the vector is capped (as the in-memory clusterer reads it: long
/// texts keep their years and numbers). `df(name)` and `n_docs` must already count this
/// article.
pub fn weigh(
    c: &Config,
    raw: &[(String, f32)],
    df: impl Fn(&str) -> u64,
    n_docs: u64,
) -> (Vec<(String, f32)>, evidence::Evidence) {
    let mut v: Vec<(String, f32)> = raw
        .iter()
        .filter_map(|(name, f)| {
            c.weight(Kind::of(name), *f, df(name), n_docs)
                .map(|w| (name.clone(), w))
        })
        .collect();
    let ev = evidence::Evidence::from_features(v.iter().map(|(n, w)| (n.as_str(), *w)));
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(c.doc_features);
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            x.1 /= norm;
        }
    }
    (v, ev)
}

/// Hours between two times, when both are known.
pub fn hours_between(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a - b).num_seconds().abs() as f64 / 3600.0),
        _ => None,
    }
}

/// Human-readable reasons for joining a story: `shared` is (contribution, feature name) of the
/// features the article shares with the story's centroid, largest first.
pub fn explain(
    shared: &[(f32, &str)],
    story_size: usize,
    at: Option<DateTime<Utc>>,
    story_last_at: Option<DateTime<Utc>>,
    sim: f32,
) -> Vec<String> {
    let pick = |kind: Kind| -> Vec<String> {
        shared
            .iter()
            .filter(|(_, n)| Kind::of(n) == kind)
            .take(5)
            .map(|(_, n)| match kind {
                Kind::Term => n.to_string(),
                Kind::Entity | Kind::Number | Kind::Detail => n[1..].to_string(),
            })
            .collect()
    };
    let mut reasons = vec![format!(
        "similarity {sim:.2} to a story of {story_size} articles"
    )];
    let ents = pick(Kind::Entity);
    if !ents.is_empty() {
        reasons.push(format!("shares entities {}", title_case(&ents).join(", ")));
    }
    let terms = pick(Kind::Term);
    if !terms.is_empty() {
        reasons.push(format!("shares terms {}", terms.join(", ")));
    }
    let nums = pick(Kind::Number);
    if !nums.is_empty() {
        reasons.push(format!("shares numbers {}", nums.join(", ")));
    }
    let details = pick(Kind::Detail);
    if !details.is_empty() {
        reasons.push(format!("shares details {}", details.join(", ")));
    }
    if let (Some(a), Some(l)) = (at, story_last_at) {
        let secs = (a - l).num_seconds();
        let h = secs.abs() as f64 / 3600.0;
        let span = if h < 1.0 {
            "within the hour".to_string()
        } else if h < 48.0 {
            format!("{:.0} hours", h)
        } else {
            format!("{:.0} days", h / 24.0)
        };
        let rel = if h < 1.0 {
            "of the story's last article"
        } else if secs >= 0 {
            "after the story's last article"
        } else {
            "before the story's last article"
        };
        reasons.push(format!("{span} {rel}"));
    }
    reasons
}

/// Sparse vector: (feature id, weight), sorted by feature id, L2-normalised.
type Vector = Vec<(u32, f32)>;

#[derive(Debug, Default)]
struct Story {
    /// Fx-hashed: its iteration order (and so the order its weights are summed in, down to
    /// the last bits) is the same on every run, unlike the standard map's random one.
    centroid: FxHashMap<u32, f32>,
    centroid_norm: f32,
    members: VecDeque<Member>,
    size: usize,
    last_at: Option<DateTime<Utc>>,
    /// Its most recent articles (at most [`Config::review_articles`]), for its reviews.
    recent: VecDeque<Recent>,
}

/// An article as a review reads it again: its raw features, weighed anew with the document
/// frequencies of the day, as the store recomputes them from the stored text.
#[derive(Debug, Clone)]
struct Recent {
    /// The article's position in the stream ([`Clusterer::story_of`]).
    seq: usize,
    raw: Vec<(u32, f32)>,
    at: Option<DateTime<Utc>>,
}

/// A remembered recent article of a story: its vector and its event evidence.
#[derive(Debug)]
struct Member {
    v: Vector,
    ev: evidence::Evidence,
}

/// Counters of the work done, for checking that cost stays bounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub docs: u64,
    pub stories: u64,
    /// Stories scored in full, summed over all articles.
    pub candidates_scored: u64,
    /// Largest number of stories scored for one article.
    pub max_candidates_scored: usize,
    /// Largest number of postings entries read for one article.
    pub max_postings_read: usize,
}

/// The incremental clusterer. Feed articles in publication order with [`Clusterer::add`].
#[derive(Debug)]
pub struct Clusterer {
    config: Config,
    features: HashMap<String, u32>,
    names: Vec<String>,
    kinds: Vec<Kind>,
    df: Vec<u32>,
    n_docs: u64,
    stories: HashMap<u64, Story>,
    postings: HashMap<u32, VecDeque<u64>>,
    next_story: u64,
    merged_into: HashMap<u64, u64>,
    /// The story each article was put in, by position in the stream (a review may move it).
    doc_story: Vec<u64>,
    stats: Stats,
}

impl Default for Clusterer {
    fn default() -> Self {
        Clusterer::new(Config::default())
    }
}

impl Clusterer {
    pub fn new(config: Config) -> Self {
        Clusterer {
            config,
            features: HashMap::new(),
            names: Vec::new(),
            kinds: Vec::new(),
            df: Vec::new(),
            n_docs: 0,
            stories: HashMap::new(),
            postings: HashMap::new(),
            next_story: 1,
            merged_into: HashMap::new(),
            doc_story: Vec::new(),
            stats: Stats::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    fn intern(&mut self, name: String, kind: Kind) -> u32 {
        if let Some(&id) = self.features.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.features.insert(name.clone(), id);
        self.names.push(name);
        self.kinds.push(kind);
        self.df.push(0);
        id
    }

    /// Raw (feature, term frequency) counts of an article, interned.
    fn raw_features(&mut self, doc: &Doc) -> Vec<(u32, f32)> {
        raw_features(&self.config, doc)
            .into_iter()
            .map(|(name, w)| {
                let kind = Kind::of(&name);
                (self.intern(name, kind), w)
            })
            .collect()
    }

    /// The article's weighted, capped, normalised vector; updates document frequencies.
    /// Also returns the article's event evidence, read before the vector is capped so that
    /// years and numbers of a long article are not crowded out by its names and terms.
    fn vectorise(&mut self, doc: &Doc) -> (Vector, evidence::Evidence, Vec<(u32, f32)>) {
        let tf = self.raw_features(doc);
        self.n_docs += 1;
        for &(id, _) in &tf {
            self.df[id as usize] += 1;
        }
        let (v, ev) = self.weigh(&tf);
        (v, ev, tf)
    }

    /// Raw features weighed with the current document frequencies: capped, normalised, sorted
    /// by feature id; and the event evidence.
    fn weigh(&self, tf: &[(u32, f32)]) -> (Vector, evidence::Evidence) {
        let c = &self.config;
        let mut v: Vec<(u32, f32)> = tf
            .iter()
            .filter_map(|&(id, f)| {
                c.weight(
                    self.kinds[id as usize],
                    f,
                    u64::from(self.df[id as usize]),
                    self.n_docs,
                )
                .map(|w| (id, w))
            })
            .collect();
        let ev = self.evidence(&v);
        let c = &self.config;
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(c.doc_features);
        let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut v {
                x.1 /= norm;
            }
        }
        v.sort_by_key(|x| x.0);
        (v, ev)
    }

    /// Candidate stories for a vector: stories recently using its heaviest features.
    fn candidates(&mut self, v: &Vector, at: Option<DateTime<Utc>>) -> Vec<u64> {
        let mut q: Vec<&(u32, f32)> = v.iter().collect();
        q.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        q.truncate(self.config.query_features);
        let mut score: HashMap<u64, f32> = HashMap::new();
        let mut read = 0usize;
        for &&(id, w) in &q {
            if let Some(p) = self.postings.get(&id) {
                read += p.len();
                for &s in p {
                    let s = self.current_story(s);
                    *score.entry(s).or_insert(0.0) += w;
                }
            }
        }
        self.stats.max_postings_read = self.stats.max_postings_read.max(read);
        let mut c: Vec<(u64, f32)> = score
            .into_iter()
            .filter(|(s, _)| {
                let last = self.stories.get(s).and_then(|st| st.last_at);
                self.config.in_window(hours_between(at, last))
            })
            .collect();
        c.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        c.truncate(self.config.max_candidates);
        c.into_iter().map(|x| x.0).collect()
    }

    /// The event evidence of a vector (see [`evidence`]).
    fn evidence(&self, v: &Vector) -> evidence::Evidence {
        evidence::Evidence::from_features(
            v.iter()
                .map(|&(id, w)| (self.names[id as usize].as_str(), w)),
        )
    }

    /// Mean evidence agreement with a story's recent members (see [`evidence::mean_agreement`]).
    fn agreement(&self, n: usize, ev: &evidence::Evidence, s: &Story) -> f32 {
        evidence::mean_agreement(&self.config, n, ev, s.members.iter().map(|m| &m.ev))
    }

    fn similarity(
        &self,
        v: &Vector,
        ev: &evidence::Evidence,
        s: &Story,
        at: Option<DateTime<Utc>>,
    ) -> f32 {
        let cen = if s.centroid_norm > 0.0 {
            v.iter()
                .map(|(id, w)| w * s.centroid.get(id).copied().unwrap_or(0.0))
                .sum::<f32>()
                / s.centroid_norm
        } else {
            0.0
        };
        let mem = if v.len() >= self.config.member_min_features {
            s.members
                .iter()
                .map(|m| dot(v, &m.v))
                .fold(0.0f32, f32::max)
        } else {
            0.0
        };
        let sim = cen.max(self.config.member_weight * mem) + self.agreement(v.len(), ev, s);
        sim.max(0.0) * self.config.time_decay(hours_between(at, s.last_at))
    }

    /// The joining threshold for an article vector of `n` features.
    pub fn threshold_for(&self, n: usize) -> f32 {
        self.config.threshold_for(n)
    }

    /// Assign one article to a story (existing or new). Never re-clusters history.
    pub fn add(&mut self, doc: &Doc) -> Assignment {
        self.stats.docs += 1;
        let (v, ev, raw) = self.vectorise(doc);
        let at = doc.published_at;
        let recent = Recent {
            seq: self.doc_story.len(),
            raw,
            at,
        };
        if v.len() < self.config.min_features {
            let story = self.new_story(v, ev, at);
            let (story, _) = self.placed(story, recent);
            return Assignment {
                story,
                new_story: true,
                similarity: 0.0,
                reasons: vec!["too little text to compare; started its own story".to_string()],
                merged: Vec::new(),
            };
        }
        let threshold = self.threshold_for(v.len());
        let cands = self.candidates(&v, at);
        self.stats.candidates_scored += cands.len() as u64;
        self.stats.max_candidates_scored = self.stats.max_candidates_scored.max(cands.len());
        let mut best: Option<(u64, f32, f32)> = None; // story, sim, margin-adjusted sim
        let mut sims: Vec<(u64, f32)> = Vec::with_capacity(cands.len());
        for s in cands {
            let st = &self.stories[&s];
            let sim = self.similarity(&v, &ev, st, at);
            let need = self.config.size_margin(st.size);
            let adj = sim / need;
            sims.push((s, sim));
            if best.is_none_or(|b| adj > b.2) {
                best = Some((s, sim, adj));
            }
        }
        match best {
            Some((s, sim, adj)) if adj >= threshold => {
                let mut reasons = self.explain(&v, s, at, sim);
                reasons.extend(evidence::describe(self.agreement(
                    v.len(),
                    &ev,
                    &self.stories[&s],
                )));
                let merge_at = self.config.merge_threshold_for(v.len());

                self.join(s, v, ev, at);
                let merged = self.merge_fragments(s, &sims, threshold, merge_at);
                if !merged.is_empty() {
                    reasons.push(merge_reason(merged.len()));
                }
                let (story, moved) = self.placed(s, recent);
                reasons.extend(moved);
                Assignment {
                    story,
                    new_story: false,
                    similarity: sim,
                    reasons,
                    merged,
                }
            }
            other => {
                let sim = other.map_or(0.0, |b| b.1);
                let story = self.new_story(v, ev, at);
                let (story, _) = self.placed(story, recent);
                let reason = if other.is_some() {
                    format!(
                        "no story similar enough (best {sim:.2} < {threshold:.2}); started a new story"
                    )
                } else {
                    "no recent story shares its salient terms; started a new story".to_string()
                };
                Assignment {
                    story,
                    new_story: true,
                    similarity: sim,
                    reasons: vec![reason],
                    merged: Vec::new(),
                }
            }
        }
    }

    /// Records that the article `recent` went into `story`, and gives the story its second look
    /// when due ([`review`]): the story the article is in afterwards, and why it moved if it did.
    fn placed(&mut self, story: u64, recent: Recent) -> (u64, Option<String>) {
        let seq = recent.seq;
        self.doc_story.push(story);
        let cap = self.config.review_articles;
        let Some(st) = self.stories.get_mut(&story) else {
            return (story, None);
        };
        st.recent.push_back(recent);
        while st.recent.len() > cap {
            st.recent.pop_front();
        }
        let reason = self.review(story);
        let now = self.story_of(seq);
        (now, reason.filter(|_| now != story))
    }

    /// The story the `seq`-th article added is in now (after merges and reviews).
    pub fn story_of(&self, seq: usize) -> u64 {
        self.current_story(self.doc_story.get(seq).copied().unwrap_or(0))
    }

    /// Reviews story `id` if it has just reached a review size, moving a group that leaves it
    /// to a new story; the reason recorded for the moved articles.
    fn review(&mut self, id: u64) -> Option<String> {
        let st = self.stories.get(&id)?;
        if !review::is_review_size(&self.config, st.size) {
            return None;
        }
        let recent: Vec<Recent> = st.recent.iter().cloned().collect();
        let weighed: Vec<(Vector, evidence::Evidence)> =
            recent.iter().map(|r| self.weigh(&r.raw)).collect();
        let named: Vec<Vec<(String, f32)>> = weighed
            .iter()
            .map(|(v, _)| {
                v.iter()
                    .map(|&(f, w)| (self.names[f as usize].clone(), w))
                    .collect()
            })
            .collect();
        let members: Vec<review::Member<'_>> = named
            .iter()
            .zip(&weighed)
            .map(|(v, (_, ev))| review::Member {
                vector: v,
                evidence: ev,
            })
            .collect();
        let split = review::review(&self.config, &members)?;
        let reason = split.reason(recent.len() - split.leaving.len());
        let new_id = self.next_story;
        self.next_story += 1;
        self.stats.stories += 1;
        self.stories.insert(new_id, Story::default());
        let mut staying = Vec::new();
        for (i, (r, (v, ev))) in recent.into_iter().zip(weighed).enumerate() {
            if split.leaving.binary_search(&i).is_ok() {
                self.join(new_id, v, ev, r.at);
                self.doc_story[r.seq] = new_id;
                if let Some(st) = self.stories.get_mut(&new_id) {
                    st.recent.push_back(r);
                }
            } else {
                staying.push((r, v, ev));
            }
        }
        let c = self.config.clone();
        let st = self.stories.get_mut(&id)?;
        st.size -= split.leaving.len();
        st.centroid.clear();
        st.members.clear();
        st.recent.clear();
        for (r, v, ev) in staying {
            for &(f, w) in &v {
                *st.centroid.entry(f).or_insert(0.0) += w;
            }
            st.members.push_back(Member { v, ev });
            st.recent.push_back(r);
        }
        while st.members.len() > c.member_memory {
            st.members.pop_front();
        }
        Self::prune(st, c.centroid_features);
        Some(reason)
    }

    /// The story a (possibly merged) story id now lives in.
    pub fn current_story(&self, mut story: u64) -> u64 {
        while let Some(&next) = self.merged_into.get(&story) {
            story = next;
        }
        story
    }

    /// Merge into `s` the other candidates the article also matched whose centroids are close
    /// to `s`'s and whose members' evidence does not disagree with `s`'s. Bounded by the
    /// candidate count.
    fn merge_fragments(
        &mut self,
        s: u64,
        sims: &[(u64, f32)],
        threshold: f32,
        merge_at: f32,
    ) -> Vec<u64> {
        let c = self.config.clone();
        let mut merged = Vec::new();
        for &(t, sim) in sims {
            if t == s || !c.may_merge(sim, threshold, merge_at) {
                continue;
            }
            let (Some(a), Some(b)) = (self.stories.get(&s), self.stories.get(&t)) else {
                continue;
            };
            let cos = if a.centroid_norm > 0.0 && b.centroid_norm > 0.0 {
                a.centroid
                    .iter()
                    .map(|(f, w)| w * b.centroid.get(f).copied().unwrap_or(0.0))
                    .sum::<f32>()
                    / (a.centroid_norm * b.centroid_norm)
            } else {
                0.0
            };
            let agreement = evidence::stories_agreement(
                &c,
                a.members.iter().map(|m| &m.ev),
                b.members.iter().map(|m| &m.ev),
            );
            if !c.merges(a.size + b.size, cos, merge_at, agreement) {
                continue;
            }
            let gone = self.stories.remove(&t).expect("story exists");
            let st = self.stories.get_mut(&s).expect("story exists");
            for (f, w) in gone.centroid {
                *st.centroid.entry(f).or_insert(0.0) += w;
            }
            Self::prune(st, c.centroid_features);
            st.members.extend(gone.members);
            while st.members.len() > c.member_memory {
                st.members.pop_front();
            }
            st.recent.extend(gone.recent);
            st.recent.make_contiguous().sort_by_key(|r| r.seq);
            while st.recent.len() > c.review_articles {
                st.recent.pop_front();
            }
            st.size += gone.size;
            st.last_at = st.last_at.max(gone.last_at);
            self.merged_into.insert(t, s);
            merged.push(t);
        }
        merged
    }

    fn prune(st: &mut Story, cap: usize) {
        if st.centroid.len() > cap {
            let mut all: Vec<(u32, f32)> = st.centroid.drain().collect();
            all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            all.truncate(cap);
            st.centroid = all.into_iter().collect();
        }
        st.centroid_norm = st.centroid.values().map(|w| w * w).sum::<f32>().sqrt();
    }

    fn new_story(&mut self, v: Vector, ev: evidence::Evidence, at: Option<DateTime<Utc>>) -> u64 {
        let id = self.next_story;
        self.next_story += 1;
        self.stats.stories += 1;
        self.stories.insert(id, Story::default());
        self.join(id, v, ev, at);
        id
    }

    fn join(&mut self, id: u64, v: Vector, ev: evidence::Evidence, at: Option<DateTime<Utc>>) {
        let c = self.config.clone();
        // Postings for the article's heaviest features point at this story, most recent last.
        let mut q: Vec<&(u32, f32)> = v.iter().collect();
        q.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        q.truncate(c.query_features);
        for &&(f, _) in &q {
            let p = self.postings.entry(f).or_default();
            if let Some(pos) = p.iter().position(|&s| s == id) {
                p.remove(pos);
            }
            p.push_back(id);
            while p.len() > c.postings_per_feature {
                p.pop_front();
            }
        }
        let st = self.stories.get_mut(&id).expect("story exists");
        for &(f, w) in &v {
            *st.centroid.entry(f).or_insert(0.0) += w;
        }
        Self::prune(st, c.centroid_features);
        if c.member_memory > 0 {
            st.members.push_back(Member { v, ev });
            while st.members.len() > c.member_memory {
                st.members.pop_front();
            }
        }
        st.size += 1;
        st.last_at = match (st.last_at, at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Why `v` belongs to story `s`: the shared features contributing most, and the time gap.
    fn explain(&self, v: &Vector, s: u64, at: Option<DateTime<Utc>>, sim: f32) -> Vec<String> {
        let st = &self.stories[&s];
        let mut shared: Vec<(f32, u32)> = v
            .iter()
            .filter_map(|(f, w)| st.centroid.get(f).map(|cw| (w * cw, *f)))
            .collect();
        shared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let named: Vec<(f32, &str)> = shared
            .iter()
            .map(|&(w, f)| (w, self.names[f as usize].as_str()))
            .collect();
        explain(&named, st.size, at, st.last_at, sim)
    }
}

/// The reason given when an article bridged `n` stories that were then merged into its own.
pub fn merge_reason(n: usize) -> String {
    let plural = if n == 1 { "y" } else { "ies" };
    format!("bridged and merged {n} similar stor{plural}")
}

fn title_case(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| {
            s.split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect::<Vec<String>>()
                .join(" ")
        })
        .collect()
}

fn dot(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn doc(id: &str, title: &str, text: &str, day: Option<u32>) -> Doc {
        Doc {
            id: id.to_string(),
            title: (!title.is_empty()).then(|| title.to_string()),
            text: (!text.is_empty()).then(|| text.to_string()),
            published_at: day.map(|d| Utc.with_ymd_and_hms(2024, 3, d, 12, 0, 0).unwrap()),
            entities: Vec::new(),
        }
    }

    /// Background articles so that document frequencies mean something.
    fn background(c: &mut Clusterer) {
        let topics = [
            "Storm floods the coast of Norfolk as rivers burst their banks",
            "Central bank raises interest rates to fight inflation in Europe",
            "Local football club wins the cup final after penalties in Leeds",
            "New smartphone released with a larger screen and better camera",
            "Parliament debates the budget and the tax on fuel",
            "Wildfire forces evacuation of villages in Provence",
        ];
        for (i, t) in topics.iter().enumerate() {
            c.add(&doc(&format!("bg{i}"), t, t, None));
        }
    }

    #[test]
    fn same_event_joins_and_explains() {
        let mut c = Clusterer::default();
        background(&mut c);
        let a = c.add(&doc(
            "a",
            "Actor John Carver arrested in Boston after bar fight",
            "Police in Boston arrested actor John Carver on Friday after a fight at the Harbor Bar. \
             Carver, 45, was charged with assault and released on bail.",
            Some(1),
        ));
        let b = c.add(&doc(
            "b",
            "John Carver charged with assault after Boston bar fight",
            "Actor John Carver was charged with assault after a fight at the Harbor Bar in Boston. \
             The 45-year-old was released on bail.",
            Some(2),
        ));
        assert!(a.new_story);
        assert!(!b.new_story, "{b:?}");
        assert_eq!(a.story, b.story);
        let why = b.reasons.join("; ");
        assert!(why.contains("Carver"), "{why}");
        assert!(why.contains("after the story's last article"), "{why}");
    }

    /// Two reports of one eruption in words they do not share (so two stories), then one that
    /// tells both sides: it joins one and the two stories become one.
    const FRAGMENTS: [(&str, &str); 3] = [
        (
            "Volcano erupts on Teralin island",
            "Lava from the Mount Kessra volcano poured down slopes toward Vashti village, and \
             ash clouds grounded flights across the Teralin archipelago overnight.",
        ),
        (
            "Thousands flee Brenvik harbour towns",
            "Ferries carried residents of Brenvik and Oskarby to the mainland while coastguard \
             crews searched abandoned farms along the harbour road.",
        ),
        (
            "Teralin volcano: Brenvik harbour towns flee",
            "Lava from Mount Kessra poured toward Vashti village as ferries carried residents of \
             Brenvik and Oskarby to the mainland; ash clouds grounded flights and coastguard \
             crews searched farms.",
        ),
    ];

    #[test]
    fn an_article_bridging_two_fragments_merges_them() {
        let mut c = Clusterer::default();
        background(&mut c);
        let got: Vec<Assignment> = FRAGMENTS
            .iter()
            .enumerate()
            .map(|(i, (title, text))| c.add(&doc(&format!("f{i}"), title, text, Some(5))))
            .collect();
        assert_ne!(got[0].story, got[1].story, "{got:?}");
        assert_eq!(got[2].merged.len(), 1, "{got:?}");
        assert_eq!(
            c.current_story(got[0].story),
            c.current_story(got[1].story),
            "{got:?}"
        );
        assert!(
            got[2].reasons.iter().any(|r| r == &merge_reason(1)),
            "{:?}",
            got[2].reasons
        );
    }

    /// Two reports of a fraud trial in Denver, then two of a tax trial in Miami: same man.
    const TWO_TRIALS: [&str; 4] = [
        "Jury selection begins in Denver for the fraud trial of Mark Feldon, accused of \
         stealing 12 million dollars from pension funds. Judge Alice Moreno presides.",
        "A second day of jury selection in Denver for Mark Feldon, charged with stealing \
         12 million dollars from pension funds, before Judge Alice Moreno.",
        "Mark Feldon goes on trial in Miami on tax evasion charges over 3 offshore \
         accounts in the Cayman Islands. Judge Robert Haines presides.",
        "Prosecutors in Miami open the tax evasion trial of Mark Feldon over offshore \
         accounts in the Cayman Islands before Judge Robert Haines.",
    ];

    #[test]
    fn two_events_with_the_same_man_a_year_apart_stay_apart() {
        let mut c = Clusterer::default();
        background(&mut c);
        let [t1, t2, u1, u2] = TWO_TRIALS;
        let a1 = c.add(&doc("a1", "", t1, Some(1)));
        let a2 = c.add(&doc("a2", "", t2, Some(2)));
        // A year later: same man, another trial, another place.
        let year_later = |id: &str, t: &str, d: u32| Doc {
            published_at: Some(Utc.with_ymd_and_hms(2025, 3, d, 12, 0, 0).unwrap()),
            ..doc(id, "", t, None)
        };
        let b1 = c.add(&year_later("b1", u1, 1));
        let b2 = c.add(&year_later("b2", u2, 2));
        assert_eq!(a1.story, a2.story, "{a2:?}");
        assert_eq!(b1.story, b2.story, "{b2:?}");
        assert_ne!(a1.story, b1.story, "{b1:?}");
        assert_eq!(c.current_story(a1.story), a1.story);
        assert_ne!(c.current_story(a1.story), c.current_story(b1.story));
    }

    #[test]
    #[ignore = "known weakness: short undated texts sharing a name and generic trial words join"]
    fn two_undated_events_with_the_same_man_stay_apart() {
        let mut c = Clusterer::default();
        background(&mut c);
        let [t1, t2, u1, u2] = TWO_TRIALS;
        let a1 = c.add(&doc("a1", "", t1, Some(1)));
        let a2 = c.add(&doc("a2", "", t2, Some(2)));
        // A year later in the stream's terms: same man, another trial, another place.
        let b1 = c.add(&doc("b1", "", u1, None));
        let b2 = c.add(&doc("b2", "", u2, None));
        assert_eq!(a1.story, a2.story, "{a2:?}");
        assert_eq!(b1.story, b2.story, "{b2:?}");
        assert_ne!(a1.story, b1.story, "{b1:?}");
        assert_eq!(c.current_story(a1.story), a1.story);
        assert_ne!(c.current_story(a1.story), c.current_story(b1.story));
    }

    /// A story remembering members with the given feature names (weight 1 each).
    fn story_of(members: &[&[&str]]) -> Story {
        Story {
            members: members
                .iter()
                .map(|names| Member {
                    v: Vec::new(),
                    ev: evidence::Evidence::from_features(names.iter().map(|n| (*n, 1.0))),
                })
                .collect(),
            size: members.len(),
            ..Story::default()
        }
    }

    #[test]
    fn members_agreement_tells_look_alike_stories_apart() {
        let c = Config::default();
        let felt = story_of(&[&["#1972", "#2005", "#95"], &["#2005", "%thursday"]]);
        let felt_too = story_of(&[&["#2005", "#95"]]);
        let larue = story_of(&[&["#1972", "#2004", "#75"], &["#2004"]]);
        let silent = story_of(&[&["watergate"]]);
        let agree = |a: &Story, b: &Story| {
            evidence::stories_agreement(
                &c,
                a.members.iter().map(|m| &m.ev),
                b.members.iter().map(|m| &m.ev),
            )
        };
        assert!(agree(&felt, &felt_too) > 0.0);
        assert!(agree(&felt, &larue) < 0.0);
        assert_eq!(agree(&felt, &silent), 0.0);
        assert_eq!(agree(&felt, &story_of(&[])), 0.0);
    }

    /// Two quakes on one island, reported without dates: same words, other year and weekday.
    const TWO_QUAKES: [&str; 4] = [
        "A strong earthquake struck Qeshm island in southern Iran on Sunday, killing 13 people \
         and injuring dozens in villages near the port of Bandar Abbas. Rescue teams from the \
         Red Crescent dug through collapsed mud brick houses while aftershocks rattled the \
         Persian Gulf coast. Governor Hassan Rahimi said tents and blankets were on the way. \
         It was the deadliest quake in the province since November 2005, officials said.",
        "Rescuers on Qeshm island pulled survivors from collapsed mud brick houses after \
         Sunday's earthquake killed 13 people near Bandar Abbas. Governor Hassan Rahimi asked \
         the Red Crescent for more tents and blankets as aftershocks continued. Hospitals in \
         the port treated dozens of injured villagers. Iranian seismologists said the tremor \
         was the strongest in the province since November 2005.",
        "An earthquake shook Qeshm island off southern Iran on Thursday, killing 7 people and \
         damaging schools and a water plant near Bandar Abbas. Provincial emergency chief Ali \
         Karimi said helicopters carried the injured to the mainland. Fishermen reported \
         cracked harbour walls and power cuts across the island. The quake came in \
         September 2008, three years after the last deadly tremor there.",
        "Helicopters ferried the injured from Qeshm island to Bandar Abbas after Thursday's \
         earthquake killed 7 people. Emergency chief Ali Karimi said schools and a water plant \
         were damaged and power was cut across the island. Fishermen found cracked harbour \
         walls. Iranian media said the September 2008 quake was the worst there in three \
         years.",
    ];

    /// Stream the two quakes' reports undated: the assignments, with stories as they end up.
    fn cluster_quakes(cfg: Config) -> Vec<Assignment> {
        let mut c = Clusterer::new(cfg);
        background(&mut c);
        let mut out: Vec<Assignment> = TWO_QUAKES
            .iter()
            .enumerate()
            .map(|(i, t)| c.add(&doc(&format!("q{i}"), "", t, None)))
            .collect();
        for a in &mut out {
            a.story = c.current_story(a.story);
        }
        out
    }

    #[test]
    fn look_alike_undated_events_with_other_years_stay_apart() {
        let a = cluster_quakes(Config::default());
        assert_eq!(a[0].story, a[1].story, "{a:?}");
        assert_eq!(a[2].story, a[3].story, "{a:?}");
        assert_ne!(a[0].story, a[2].story, "{a:?}");
        // The other year, weekday and toll are what push the second quake away.
        let mut blind = Config::default();
        for k in ["year_weight", "number_weight", "weekday_weight"] {
            blind.set(k, "0").unwrap();
        }
        let b = cluster_quakes(blind);
        assert!(a[2].new_story && b[2].new_story);
        assert!(a[2].similarity + 0.1 < b[2].similarity, "{a:?} {b:?}");
    }

    #[test]
    fn time_window_keeps_old_stories_out() {
        let mut c = Clusterer::default();
        background(&mut c);
        let t = "Mark Feldon fraud trial opens in Denver";
        let a = c.add(&doc("a", t, t, Some(1)));
        let mut late = doc("b", t, t, None);
        late.published_at = Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap());
        let b = c.add(&late);
        assert!(b.new_story);
        assert_ne!(a.story, b.story);
    }

    #[test]
    fn empty_and_tiny_docs_do_not_glue() {
        let mut c = Clusterer::default();
        background(&mut c);
        let mut stories = std::collections::HashSet::new();
        for (i, (title, text)) in [
            ("", ""),
            ("a", ""),
            ("", "the of and"),
            ("...", "!!!"),
            ("Hi", ""),
        ]
        .iter()
        .enumerate()
        {
            let a = c.add(&doc(&format!("e{i}"), title, text, None));
            assert!(a.new_story, "{a:?}");
            assert!(stories.insert(a.story));
        }
        // Boilerplate-only pages share only boilerplate: no everything story.
        let boiler = "Subscribe to our newsletter. Cookie policy. All rights reserved. Follow us.";
        let mut seen = std::collections::HashMap::new();
        for i in 0..200 {
            let a = c.add(&doc(&format!("p{i}"), "", boiler, None));
            *seen.entry(a.story).or_insert(0) += 1;
        }
        // They may form one junk story, but nothing real joins it.
        let real = c.add(&doc(
            "r",
            "Wildfire forces evacuation of villages in Provence",
            "Wildfire in Provence: villages evacuated. Subscribe to our newsletter.",
            None,
        ));
        assert!(!seen.contains_key(&real.story), "{real:?}");
    }

    #[test]
    fn candidate_set_stays_bounded() {
        let cfg = Config::default();
        let mut c = Clusterer::new(cfg.clone());
        // Many stories that all share a few common words plus their own names.
        for i in 0..3000 {
            let t = format!(
                "Council meeting vote budget city Person{} Place{} number {}",
                i,
                i % 97,
                i % 13
            );
            c.add(&doc(&format!("d{i}"), &t, &t, None));
        }
        let s = c.stats();
        assert!(s.max_candidates_scored <= cfg.max_candidates);
        assert!(s.max_postings_read <= cfg.query_features * cfg.postings_per_feature);
        assert!(s.candidates_scored <= 3000 * cfg.max_candidates as u64);
    }

    #[test]
    fn config_set_by_name() {
        let mut cfg = Config::default();
        cfg.set("threshold", "0.5").unwrap();
        assert_eq!(cfg.threshold, 0.5);
        assert!(cfg.set("nope", "1").is_err());
        assert!(cfg.set("threshold", "x").is_err());
        let c = Clusterer::new(cfg);
        assert_eq!(c.threshold_for(1000), 0.5);
        assert_eq!(c.threshold_for(1), c.config().short_threshold);
    }

    proptest::proptest! {
        #[test]
        fn add_never_panics(
            docs in proptest::collection::vec(
                (proptest::option::of(".{0,80}"), proptest::option::of(".{0,400}"),
                 proptest::option::of(-100_000i64..100_000),
                 proptest::collection::vec(".{0,20}", 0..4)),
                1..25)
        ) {
            let mut c = Clusterer::default();
            for (i, (title, text, secs, entities)) in docs.into_iter().enumerate() {
                let d = Doc {
                    id: i.to_string(),
                    title,
                    text,
                    published_at: secs.map(|s| Utc.timestamp_opt(1_700_000_000 + s * 60, 0).unwrap()),
                    entities,
                };
                let a = c.add(&d);
                proptest::prop_assert!(a.similarity.is_finite());
                proptest::prop_assert!(a.story >= 1);
            }
        }
    }
}
