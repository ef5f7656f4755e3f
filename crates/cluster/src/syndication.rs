//! Syndication: recognising a republished copy of an article (a near-duplicate) and choosing
//! which copy is the original. Pure: text in, fingerprints and decisions out; the store persists
//! the fingerprints and bands, and [`Index`] is the in-memory stand-in the evaluation streams.
//!
//! A text becomes a set of 5-word shingles over normalised words (diacritics folded, lowercased,
//! punctuation and quote styles dropped), taken within each paragraph so that reordering,
//! dropping or adding paragraphs only touches the shingles of those paragraphs. A MinHash
//! signature of [`HASHES`] values summarises the set; LSH cuts it into [`BANDS`] bands of
//! [`ROWS`] rows, and two texts sharing one whole band are candidates. A candidate is a copy when
//! its estimated containment (the share of the smaller text's shingles found in the other, from
//! the estimated Jaccard and the two set sizes) is high: a trimmed copy with boilerplate added
//! has a middling Jaccard with its original but a high containment, while two reports of one
//! event in different words share almost no 5-word shingle.
//!
//! Why 42 bands × 3 rows (126 of the 128 values): a pair with Jaccard `s` becomes a candidate
//! with probability `1 − (1 − s³)⁴²`, an S-curve whose midpoint `(1/42)^(1/3) ≈ 0.29` sits below
//! the Jaccard of the weakest copies we must find. A short article with 30 % of its paragraphs
//! dropped and four boilerplate lines added keeps a containment near 0.6 but a Jaccard of only
//! 0.35–0.5, found with probability 0.85–0.996; unrelated texts and other reports of the same
//! event (s < 0.05) come up with probability under 0.6 % and are then refused by the containment
//! check. 32 × 4 (midpoint 0.42) missed such short trimmed copies in the evaluation (recall 0.984
//! against 0.992); 64 × 2 would double the stored bands for little more.
//!
//! Hashes are FNV-1a and splitmix64, written out here (a few lines each) because fingerprints
//! are persisted and must be identical on every node and every build; std's hasher is not
//! guaranteed stable.

use std::collections::HashMap;

pub mod eval;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// MinHash values in a signature.
pub const HASHES: usize = 128;
/// LSH bands; `BANDS * ROWS <= HASHES` (the last values are not banded).
pub const BANDS: usize = 42;
/// Signature values per band.
pub const ROWS: usize = 3;
/// Texts with fewer words are not fingerprinted: too little to tell a copy from a stock phrase.
pub const MIN_WORDS: usize = 40;
/// Articles read from one bucket: a bucket shared by very many texts is boilerplate, and the
/// bound keeps the cost of one article independent of history.
pub const BUCKET_CAP: usize = 20;
/// Candidates verified per article, at most.
pub const MAX_CANDIDATES: usize = 50;
/// Estimated containment (of the smaller text in the larger) from which a candidate is a copy.
pub const MIN_CONTAINMENT: f64 = 0.6;
/// Estimated Jaccard below which even a contained text is not a copy: a short note quoting one
/// paragraph of a long article is contained in it but is not a republication of it.
pub const MIN_JACCARD: f64 = 0.2;

/// A copy is published within this many seconds (14 days) of its original, as for provenance
/// notes: the same text much later is a re-run belonging to another story, not syndication.
pub const WINDOW_SECS: i64 = 14 * 86_400;

/// The persisted summary of one text: its MinHash signature and the size of its shingle set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub signature: Vec<u32>,
    pub shingles: u32,
}

/// How much two fingerprinted texts share (estimates from their signatures).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub jaccard: f64,
    /// Share of the smaller text's shingles found in the other, 0–1.
    pub containment: f64,
}

impl Similarity {
    /// Whether the pair is one piece published twice.
    pub fn is_copy(&self) -> bool {
        self.containment >= MIN_CONTAINMENT && self.jaccard >= MIN_JACCARD
    }

    /// The containment as a whole percentage, for "93 % of the text matches".
    pub fn percent(&self) -> u32 {
        (self.containment * 100.0).round().clamp(0.0, 100.0) as u32
    }
}

/// Normalised words of each non-empty paragraph (a paragraph is a line of the text).
pub fn paragraph_words(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            deunicode::deunicode(line)
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty())
        .collect()
}

/// FNV-1a 64 of a byte string.
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes of the distinct shingles of a text; a paragraph shorter than a shingle is one.
pub fn shingle_hashes(paragraphs: &[Vec<String>]) -> Vec<u64> {
    let mut out: Vec<u64> = paragraphs
        .iter()
        .flat_map(|words| {
            let width = SHINGLE_WORDS.min(words.len());
            words
                .windows(width)
                .map(|w| fnv1a(w.join(" ").as_bytes(), 0))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Fingerprint {
    /// The fingerprint of a text, or None when it has fewer than [`MIN_WORDS`] words.
    pub fn of(text: &str) -> Option<Fingerprint> {
        let paragraphs = paragraph_words(text);
        if paragraphs.iter().map(Vec::len).sum::<usize>() < MIN_WORDS {
            return None;
        }
        let shingles = shingle_hashes(&paragraphs);
        let mut signature = vec![u32::MAX; HASHES];
        for s in &shingles {
            for (i, slot) in signature.iter_mut().enumerate() {
                // One independent-looking hash per slot: the shingle mixed with the slot's seed.
                let h = (splitmix64(s ^ SEEDS[i]) >> 32) as u32;
                if h < *slot {
                    *slot = h;
                }
            }
        }
        Some(Fingerprint {
            signature,
            shingles: u32::try_from(shingles.len()).unwrap_or(u32::MAX),
        })
    }

    /// (band, bucket hash) of each LSH band.
    pub fn bands(&self) -> Vec<(i64, i64)> {
        self.signature
            .chunks(ROWS)
            .take(BANDS)
            .enumerate()
            .map(|(band, rows)| {
                let bytes: Vec<u8> = rows.iter().flat_map(|r| r.to_le_bytes()).collect();
                (band as i64, fnv1a(&bytes, band as u64) as i64)
            })
            .collect()
    }

    /// The signature as text (8 hex digits a value), for a TEXT column on both databases.
    pub fn signature_hex(&self) -> String {
        self.signature.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// Reads back [`Fingerprint::signature_hex`]; None when malformed.
    pub fn from_hex(hex: &str, shingles: u32) -> Option<Fingerprint> {
        if hex.len() != HASHES * 8 || !hex.is_ascii() {
            return None;
        }
        let signature = (0..HASHES)
            .map(|i| u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).ok())
            .collect::<Option<Vec<u32>>>()?;
        Some(Fingerprint {
            signature,
            shingles,
        })
    }

    /// Estimated Jaccard and containment of two texts.
    pub fn compare(&self, other: &Fingerprint) -> Similarity {
        let same = self
            .signature
            .iter()
            .zip(&other.signature)
            .filter(|(a, b)| a == b)
            .count();
        let jaccard = same as f64 / HASHES as f64;
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        // |A ∩ B| = J·|A ∪ B| and |A ∪ B| = |A| + |B| − |A ∩ B|.
        let shared = jaccard * (a + b) / (1.0 + jaccard);
        let smaller = a.min(b).max(1.0);
        Similarity {
            jaccard,
            containment: (shared / smaller).min(1.0),
        }
    }
}

/// Per-slot seeds of the MinHash functions (fixed: signatures are persisted).
const SEEDS: [u64; HASHES] = seeds();

const fn seeds() -> [u64; HASHES] {
    let mut out = [0u64; HASHES];
    let mut i = 0;
    let mut state: u64 = 0x7469_6469_6e67_7321; // "tidings!"
    while i < HASHES {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out[i] = z ^ (z >> 31);
        i += 1;
    }
    out
}

// ---- Choosing the original --------------------------------------------------------------------

/// A stored text that matched a new one, as the decision needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<K> {
    pub key: K,
    /// Publication time (Unix seconds).
    pub published: i64,
    /// The original it is linked to now, with that original's publication time.
    pub original: Option<(K, i64)>,
    /// Linked by an explicit provenance note: never re-linked by detection.
    pub by_note: bool,
    pub similarity: Similarity,
}

/// What to do after a new text matched stored ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan<K> {
    /// The new text is a copy of this one, with the similarity to show.
    pub link_to: Option<(K, Similarity)>,
    /// Stored copies that now have the new text as their (earlier) original.
    pub adopt: Vec<(K, Similarity)>,
}

/// The earliest publication among the copies is the original (ties: the smaller key, the one
/// stored first). The new text links to the earliest of its matches when that is earlier than
/// itself, resolved to that match's own original when it has one. Matches published more than
/// [`WINDOW_SECS`] apart from the new text are not copies of it. When the new text is the
/// earliest, every match it is earlier than — unless a note links it, or it already has an
/// original at least as early — is adopted.
pub fn plan<K: Clone + Ord>(key: &K, published: i64, matches: &[Match<K>]) -> Plan<K> {
    let earlier = |a: (i64, &K), b: (i64, &K)| a < b;
    let matches: Vec<&Match<K>> = matches
        .iter()
        .filter(|m| (m.published - published).abs() <= WINDOW_SECS)
        .collect();
    let earliest = matches
        .iter()
        .map(|m| match &m.original {
            Some((k, t)) => (*t, k.clone(), m.similarity),
            None => (m.published, m.key.clone(), m.similarity),
        })
        .min_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    if let Some((t, k, sim)) = earliest
        && earlier((t, &k), (published, key))
    {
        return Plan {
            link_to: Some((k, sim)),
            adopt: Vec::new(),
        };
    }
    let adopt = matches
        .iter()
        .filter(|m| !m.by_note && earlier((published, key), (m.published, &m.key)))
        .filter(|m| {
            m.original
                .as_ref()
                .is_none_or(|(k, t)| earlier((published, key), (*t, k)))
        })
        .map(|m| (m.key.clone(), m.similarity))
        .collect();
    Plan {
        link_to: None,
        adopt,
    }
}

// ---- In memory --------------------------------------------------------------------------------

/// The LSH index in memory, with the same bounds as the store's: what the evaluation streams
/// documents through.
#[derive(Debug, Default)]
pub struct Index {
    buckets: HashMap<(i64, i64), Vec<usize>>,
    fingerprints: Vec<Option<Fingerprint>>,
}

impl Index {
    /// Adds a text; returns its number and the earlier texts it is a copy of (verified
    /// candidates, with their similarity), in number order.
    pub fn add(&mut self, text: &str) -> (usize, Vec<(usize, Similarity)>) {
        let n = self.fingerprints.len();
        let Some(fp) = Fingerprint::of(text) else {
            self.fingerprints.push(None);
            return (n, Vec::new());
        };
        let mut candidates: Vec<usize> = Vec::new();
        for band in fp.bands() {
            let bucket = self.buckets.entry(band).or_default();
            for &c in bucket.iter().rev().take(BUCKET_CAP) {
                if candidates.len() < MAX_CANDIDATES && !candidates.contains(&c) {
                    candidates.push(c);
                }
            }
            bucket.push(n);
        }
        candidates.sort_unstable();
        let matches = candidates
            .into_iter()
            .filter_map(|c| {
                let other = self.fingerprints[c].as_ref()?;
                let sim = fp.compare(other);
                sim.is_copy().then_some((c, sim))
            })
            .collect();
        self.fingerprints.push(Some(fp));
        (n, matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str = "The port authority said on Tuesday that the strike at the container terminal had ended after nine days of talks between the dockworkers union and the shipping companies.
Union leaders said members had voted by a large majority to accept a pay rise of six percent over two years and new rules on night shifts.
The shipping companies said ships that had waited at anchor off the coast would begin to unload on Wednesday morning, starting with perishable goods.
Officials expect the backlog of more than forty thousand containers to clear within two weeks, though some importers warned of shortages before the holidays.
The strike had closed the country's largest port and cost exporters an estimated two hundred million dollars, according to the chamber of commerce.
Talks were brokered by the labour ministry after the prime minister called the stoppage a threat to the economy.";

    fn fp(t: &str) -> Fingerprint {
        Fingerprint::of(t).expect("long enough")
    }

    #[test]
    fn a_republished_copy_matches() {
        let lines: Vec<&str> = ORIGINAL.lines().collect();
        // New boilerplate, one paragraph dropped, two swapped, curly quotes and extra spaces.
        let copy = format!(
            "This article first appeared on Harbour News and is republished with permission.\n{}\n{}\n{}\n{}\n{}\nRead more of our coverage at our website.",
            lines[1],
            lines[0],
            lines[2].replace("  ", " ").replace(' ', "  "),
            lines[3],
            lines[4].replace('\'', "’")
        );
        let sim = fp(ORIGINAL).compare(&fp(&copy));
        assert!(sim.is_copy(), "{sim:?}");
        assert!(sim.containment > 0.8, "{sim:?}");
    }

    #[test]
    fn the_same_event_in_other_words_does_not_match() {
        let other = "Dockworkers returned to work after a nine-day walkout that shut the nation's biggest harbour, the port authority announced on Tuesday.
The union accepted a six percent raise spread across two years, along with changes to overnight shifts, after talks with shipping firms.
Vessels anchored offshore are due to start unloading on Wednesday, with fresh produce first in line.
More than forty thousand containers are waiting, and officials think it will take a fortnight to clear them.
The chamber of commerce put the cost of the stoppage to exporters at two hundred million dollars.
The labour ministry brokered the deal after the prime minister warned of damage to the economy.";
        let sim = fp(ORIGINAL).compare(&fp(other));
        assert!(!sim.is_copy(), "{sim:?}");
        assert!(sim.jaccard < 0.1, "{sim:?}");
    }

    #[test]
    fn tiny_texts_are_not_fingerprinted() {
        assert!(Fingerprint::of("Breaking: port strike ends after nine days.").is_none());
        assert!(Fingerprint::of("").is_none());
        let mut index = Index::default();
        let (_, m) = index.add("Short note.");
        assert!(m.is_empty());
        let (_, m) = index.add("Short note.");
        assert!(m.is_empty());
    }

    #[test]
    fn signature_round_trips_through_hex_and_bands_are_stable() {
        let f = fp(ORIGINAL);
        assert_eq!(
            Fingerprint::from_hex(&f.signature_hex(), f.shingles),
            Some(f.clone())
        );
        assert_eq!(f.bands().len(), BANDS);
        assert_eq!(f.bands(), fp(ORIGINAL).bands());
        assert!(Fingerprint::from_hex("zz", 3).is_none());
    }

    #[test]
    fn the_index_finds_the_copy_and_not_the_unrelated() {
        let mut index = Index::default();
        index.add(ORIGINAL);
        let trimmed: String = ORIGINAL.lines().skip(1).collect::<Vec<_>>().join("\n");
        let (_, m) = index.add(&trimmed);
        assert_eq!(m.iter().map(|x| x.0).collect::<Vec<_>>(), vec![0]);
        let (_, m) = index.add(&"Completely unrelated words about football and the cup final played on a wet Sunday evening in front of forty thousand fans. ".repeat(3));
        assert!(m.is_empty());
    }

    fn m(key: u32, published: i64, original: Option<(u32, i64)>, by_note: bool) -> Match<u32> {
        Match {
            key,
            published,
            original,
            by_note,
            similarity: Similarity {
                jaccard: 0.8,
                containment: 0.9,
            },
        }
    }

    #[test]
    fn the_earliest_copy_is_the_original() {
        // A later copy links to the earliest match, through that match's own original.
        let p = plan(
            &9,
            500,
            &[m(2, 300, Some((1, 100)), false), m(3, 200, None, false)],
        );
        assert_eq!(p.link_to.map(|l| l.0), Some(1));
        // An original arriving after its copies adopts them, except one linked by a note.
        let p = plan(
            &9,
            50,
            &[m(2, 300, Some((1, 100)), false), m(3, 200, None, true)],
        );
        assert_eq!(p.link_to, None);
        assert_eq!(p.adopt.iter().map(|a| a.0).collect::<Vec<_>>(), vec![2]);
        // Equal times: the smaller key is the earlier.
        let p = plan(&9, 100, &[m(3, 100, None, false)]);
        assert_eq!(p.link_to.map(|l| l.0), Some(3));
        // The same text a year later is a re-run, not a copy.
        let p = plan(&9, 100 + 365 * 86_400, &[m(3, 100, None, false)]);
        assert_eq!(
            p,
            Plan {
                link_to: None,
                adopt: Vec::new()
            }
        );
    }
}
