//! Compiled-in gazetteers (place names, census person names, demonyms, organisation cue
//! words, person titles) and their lookup over token sequences. The data file is built by
//! `tools/build_gazetteers.py`; see `crates/enrich/data/README.md` for sources and licences.

use std::collections::HashMap;
use std::io::Read;
use std::sync::LazyLock;

/// Category bits. Place and person-name categories only match capitalised tokens; the cue
/// lists (titles, organisation words, demonyms) match in any case because "envoy" and
/// "spokesman" are cues in lower case too.
pub(crate) const COUNTRY: u8 = 1;
pub(crate) const STATE: u8 = 2;
pub(crate) const CITY: u8 = 4;
pub(crate) const FIRST: u8 = 8;
pub(crate) const SURNAME: u8 = 16;
pub(crate) const DEMONYM: u8 = 32;
pub(crate) const ORGCUE: u8 = 64;
pub(crate) const TITLE: u8 = 128;
const ANY_CASE: u8 = DEMONYM | ORGCUE | TITLE;

/// Longest phrase we look for, in tokens. Bounds the work per token.
const MAX_PHRASE: usize = 4;

static DATA: &[u8] = include_bytes!("../../data/gazetteers.tsv.gz");

static COMMON_WORDS: &str = include_str!("../../data/common-words.txt");

/// Ordinary lower-case English words (from GUM training text; see
/// `tools/build_common_words.py`).
pub(crate) static COMMON: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| COMMON_WORDS.lines().filter(|l| !l.is_empty()).collect());

pub(crate) struct Gazetteer {
    /// Lower-cased phrase (tokens joined by one space) → category bits.
    phrases: HashMap<String, u8>,
}

pub(crate) static GAZ: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(DATA));

impl Gazetteer {
    fn parse(gz: &[u8]) -> Gazetteer {
        let mut text = String::new();
        // A corrupt file only loses the gazetteer features; it must not take the process down.
        if flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .is_err()
        {
            text.clear();
        }
        let mut phrases: HashMap<String, u8> = HashMap::new();
        for line in text.lines() {
            let Some((cat, entry)) = line.split_once('\t') else {
                continue;
            };
            let bit = match cat {
                "COUNTRY" => COUNTRY,
                "STATE" => STATE,
                "CITY" => CITY,
                "FIRST" => FIRST,
                "SURNAME" => SURNAME,
                "DEMONYM" => DEMONYM,
                "ORGCUE" => ORGCUE,
                "TITLE" => TITLE,
                _ => continue,
            };
            let key = entry
                .split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>();
            if key.is_empty() || key.len() > MAX_PHRASE {
                continue;
            }
            *phrases.entry(key.join(" ")).or_insert(0) |= bit;
        }
        Gazetteer { phrases }
    }

    /// Category bits of a single lower-cased word.
    pub(crate) fn word(&self, lower: &str) -> u8 {
        self.phrases.get(lower).copied().unwrap_or(0)
    }

    /// Longest-match phrase lookup from every position. Returns per token the categories
    /// of matches that begin there (`begin`) and that continue through it (`inside`).
    pub(crate) fn tag(&self, lower: &[String], capitalised: &[bool]) -> (Vec<u8>, Vec<u8>) {
        let n = lower.len();
        let mut begin = vec![0u8; n];
        let mut inside = vec![0u8; n];
        let mut key = String::new();
        for i in 0..n {
            let max = MAX_PHRASE.min(n - i);
            for len in (1..=max).rev() {
                key.clear();
                for (k, w) in lower[i..i + len].iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.push_str(w);
                }
                if let Some(&bits) = self.phrases.get(key.as_str()) {
                    let bits = if capitalised[i] {
                        bits
                    } else {
                        bits & ANY_CASE
                    };
                    // Multi-word entries must be capitalised throughout ("New York"),
                    // except for function words inside them ("Bosnia and Herzegovina").
                    let bits = if len > 1
                        && !(i..i + len).all(|j| capitalised[j] || lower[j].len() <= 3)
                    {
                        0
                    } else {
                        bits
                    };
                    if bits != 0 {
                        begin[i] |= bits;
                        for slot in &mut inside[i + 1..i + len] {
                            *slot |= bits;
                        }
                        break;
                    }
                }
            }
        }
        (begin, inside)
    }
}
